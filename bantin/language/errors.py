"""Content and configuration errors: each names the file, line and field, with a hint."""

from __future__ import annotations

import gettext
from collections.abc import Iterable
from dataclasses import dataclass

from bantin.language.messages import Text, say


@dataclass(frozen=True, order=True)
class ContentError:
    """One problem an editor must fix, located as precisely as we know."""

    path: str  # project-relative path of the file at fault, e.g. "content/tin-tuc/a.md"
    line: int | None
    field: str | None  # front-matter field or config key, when one is to blame
    message: str  # a Text, said in the site's language when shown
    hint: str | None = None

    def __str__(self) -> str:
        return self.said(gettext.NullTranslations())

    def said(self, language: gettext.NullTranslations) -> str:
        """'path:line: [field] message' and the hint, in the language."""
        path = say(self.path, language)  # "(command line)" is a Text
        where = path if self.line is None else f"{path}:{self.line}"
        field = f" [{say(self.field, language)}]" if self.field else ""  # an item's label may be Text
        return f"{where}:{field} {say(self.message, language)}{said_hint(self.hint, language)}"


class BuildFailed(Exception):
    """Raised with every error found, so that an editor sees them all at once (and the warnings
    found beside them, which would otherwise wait for a run without errors)."""

    def __init__(self, errors: Iterable[ContentError], warnings: Iterable[ContentError] = ()) -> None:
        self.errors = sorted(set(errors), key=_sort_key)
        self.warnings = tuple(warnings)
        super().__init__(format_errors(self.errors))

    def __reduce__(self) -> tuple:
        # rebuilt from the errors, not from the message: a worker process's error crosses intact
        return (BuildFailed, (self.errors, self.warnings))


def said_hint(hint: str | None, language: gettext.NullTranslations) -> str:
    """'\n    hint: ...' in the language, or nothing."""
    return "\n    " + say(Text("hint: {hint}", hint=hint), language) if hint else ""


def _sort_key(error: ContentError) -> tuple:
    return (error.path, error.line or 0, error.field or "", error.message)


def format_errors(errors: list[ContentError], language: gettext.NullTranslations | None = None) -> str:
    """A numbered list of errors, as printed by `build` and `check`, in the language (English by default)."""
    language = language or gettext.NullTranslations()
    head = say(Text.counted("{count} error:", "{count} errors:", count=len(errors)), language)
    lines = [f"{i}. {e.said(language)}" for i, e in enumerate(errors, start=1)]
    return "\n".join([head, *lines])


def line_of_key(text: str, key: str, first_line: int = 1) -> int | None:
    """Line number of `key:` (or `key =`) at the start of a line of `text`, if any."""
    for offset, line in enumerate(text.splitlines()):
        stripped = line.lstrip()
        if stripped.startswith(key):
            rest = stripped[len(key):].lstrip()
            if rest.startswith((":", "=")):
                return first_line + offset
    return None


def not_utf8(path: str) -> ContentError:
    """A text file of the project (site.toml, a province list, a layout) that is not UTF-8."""
    return ContentError(path, None, None, Text("the file is not UTF-8 text"), hint=Text("save it as UTF-8"))


class Cancelled(Exception):
    """A build given up because a newer change arrived (serve); nothing was written."""


class UsageError(Exception):
    """A command given what it cannot use (a bad argument, a busy port, a missing site.toml):
    said in a sentence with a hint, exit status 2, never a traceback."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        self.message, self.hint = message, hint
        super().__init__(self.said(gettext.NullTranslations()))

    def said(self, language: gettext.NullTranslations) -> str:
        return say(self.message, language) + said_hint(self.hint, language)
