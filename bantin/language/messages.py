"""What bantin says to editors, in the site's language.

Messages are written in English in the code, as gettext message ids, and kept as `Text`: the
English sentence plus its template and values. Errors stay plain data that cross process
boundaries; only the moment they are shown (the command line, serve's overlay) picks the
language. The Vietnamese catalogue is bantin/language/locale/vi/LC_MESSAGES/bantin.po, compiled to the
.mo beside it (docs/messages.md).
"""

from __future__ import annotations

import gettext
import re
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

LOCALE_DIR = Path(__file__).parent / "locale"
_LANGUAGE_RE = re.compile(r'^\s*language\s*=\s*"([A-Za-z_-]+)"\s*(?:#.*)?$', re.MULTILINE)
DOMAIN = "bantin"


class Text(str):
    """An English message that remembers its template and values, to be said in another language.

    `Text("unknown province {name!r}", name=name)` is the string "unknown province 'X'"; a
    catalogue translates the template, then the same values fill it. Values may be Text too.
    """

    template: str
    plural: str | None
    values: dict[str, Any]

    def __new__(cls, template: str, /, **values: Any) -> Text:
        return cls._make(template, None, values)

    @classmethod
    def counted(cls, singular: str, plural: str, /, count: int, **values: Any) -> Text:
        """A message with a singular and a plural form, chosen by `count` (also a value)."""
        return cls._make(singular, plural, {"count": count, **values})

    @classmethod
    def _make(cls, template: str, plural: str | None, values: dict[str, Any]) -> Text:
        english = plural if plural is not None and values.get("count") != 1 else template
        text = super().__new__(cls, english.format(**values))
        text.template, text.plural, text.values = template, plural, values
        return text

    def __reduce__(self) -> tuple:  # worker processes send errors back whole
        return (_rebuilt, (self.template, self.plural, self.values))

    def said(self, language: gettext.NullTranslations) -> str:
        if not self.template:  # gettext("") is the catalogue's header
            return str(self)
        if self.plural is None:
            template = language.gettext(self.template)
        else:
            template = language.ngettext(self.template, self.plural, int(self.values["count"]))
        try:
            return template.format(**{key: _said(value, language) for key, value in self.values.items()})
        except (KeyError, IndexError, ValueError):  # a broken translation must not hide the error itself
            return str(self)


def _rebuilt(template: str, plural: str | None, values: dict[str, Any]) -> Text:
    return Text._make(template, plural, values)


class _Said:
    """A Text value inside another message: '{value}' and '{value!r}' say it in the language."""

    def __init__(self, value: Text, language: gettext.NullTranslations) -> None:
        self.value, self.language = value, language

    def __str__(self) -> str:
        return self.value.said(self.language)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __repr__(self) -> str:
        return repr(str(self))


class _Decimal:
    """A number with a fraction inside a message, written with the language's decimal mark ("1,90 giây")."""

    def __init__(self, value: float) -> None:
        self.value = value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec).replace(".", ",")

    def __str__(self) -> str:
        return format(self)


# languages that write a decimal comma; English (and a site without a catalogue) a point
_DECIMAL_COMMA = frozenset({"vi"})


def _said(value: Any, language: gettext.NullTranslations) -> Any:
    if isinstance(value, Text):
        return _Said(value, language)
    if type(value) is float and language.info().get("language", "en").split("_")[0] in _DECIMAL_COMMA:
        return _Decimal(value)
    return value


def either(choices: list[str]) -> str:
    """'a', 'a or b', 'a, b or c', said in the language with the rest."""
    if len(choices) < 2:
        return choices[0] if choices else ""
    first = choices[0] if len(choices) == 2 else ", ".join(choices[:-1])  # one Text stays Text
    return Text("{first} or {second}", first=first, second=choices[-1])


def say(message: Any, language: gettext.NullTranslations) -> str:
    """A message (Text or plain string) in the language."""
    return message.said(language) if isinstance(message, Text) else str(message)


@lru_cache(maxsize=8)
def catalogue(code: str) -> gettext.NullTranslations:
    """The catalogue for a site language ("vi", "vi-VN", "en"); English when there is none."""
    primary = code.replace("_", "-").split("-")[0].lower()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[primary], fallback=True)


def plural(language: str, count: int, one: str, many: str) -> str:
    """`one` or `many` for `count` by the plural rule of the language's catalogue (its Plural-Forms, as
    gettext's ngettext applies it): Vietnamese says `one` for every count; English and a language without a
    catalogue, `one` for 1 only. For words that are not messages: the pages' words of site.toml [strings]."""
    rule = getattr(catalogue(language), "plural", None)
    index = rule(count) if rule is not None else int(count != 1)
    return one if index == 0 else many


def project_language(root: Path, fallback: str = "vi") -> gettext.NullTranslations:
    """The catalogue named by site.toml's `language`, read even when the rest of the file is wrong."""
    try:
        text = (root / "site.toml").read_text(encoding="utf-8-sig")  # as load_config reads it
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError):
        return catalogue(fallback)
    except tomllib.TOMLDecodeError:  # the error is said in the language its line names, if it can be read
        match = _LANGUAGE_RE.search(text)
        return catalogue(match.group(1) if match else fallback)
    code = data.get("language", fallback)
    return catalogue(code if isinstance(code, str) else fallback)
