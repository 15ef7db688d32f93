"""Theme files a site copied to change them: `bantin theme copy`, `theme diff`, the record
(theme.lock) of which version each copy was made from, and the warning when the theme's file
has changed since."""

from __future__ import annotations

import difflib
import os
import re
import textwrap
import tomllib
from dataclasses import dataclass
from pathlib import Path

from bantin import __version__
from bantin.language.errors import ContentError, UsageError
from bantin.language.messages import Text, catalogue, say
from bantin.project.config import Config
from bantin.project.inputs import check_file, name_problem, printable, write_new, write_problem
from bantin.theme.files import THEME_ASSETS, THEME_DIR, THEME_LAYOUTS, THEME_PREFIX, file_digest, theme_files

RECORD_FILE = "theme.lock"  # in the site's folder, committed: which theme file each copy was made from
HISTORY_DIR = THEME_DIR / "history"  # earlier versions of theme files, each named by its sha256
_RECORD_HEAD = Text("The theme files this site copied to change them (bantin theme copy), and the version of each "
                    "it was copied from. bantin warns when the theme's file has changed since; bantin theme diff FILE "
                    "shows how. Written by bantin: commit it, don't edit it.")  # in the site's language


@dataclass(frozen=True)
class Copied:
    """Where a site's copy of a theme file came from."""

    version: str  # bantin's version that shipped it
    sha256: str  # digest of the theme file as copied


def theme_file(name: str) -> tuple[str, Path] | None:
    """'article.html', 'layouts/article.html', 'css/site.css' or 'assets/css/site.css' ->
    ('layouts/article.html', the theme's file), or None when the theme has no such file."""
    name = name.replace("\\", "/").removeprefix(THEME_PREFIX).lstrip("/")
    for kind, folder in (("layouts", THEME_LAYOUTS), ("assets", THEME_ASSETS)):
        files = theme_files(folder)
        rest = name.removeprefix(kind + "/")
        if rest in files:
            return f"{kind}/{rest}", files[rest]
    return None


def read_record(root: Path) -> dict[str, Copied]:
    """The site's record of copied theme files ('layouts/article.html' -> Copied); {} if none or unreadable.
    Only entries that name a file of the theme, by a digest, are kept (`record_problems` lists the others):
    the record is text anyone may edit, and its names and digests become paths."""
    return {name: copied for name, copied in _record_entries(root).items() if copied is not None}


def record_problems(root: Path) -> list[str]:
    """The entries of theme.lock that are not a theme file with its sha256: ignored, and said."""
    return sorted(name for name, copied in _record_entries(root).items() if copied is None)


_SHA256_RE = re.compile(r"[0-9a-f]{64}")


def _record_entries(root: Path) -> dict[str, Copied | None]:
    path = root / RECORD_FILE
    if check_file(path, root) is not None:
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}
    entries: dict[str, Copied | None] = {}
    for name, entry in data.items():
        if not isinstance(entry, dict):
            continue
        digest, version = entry.get("sha256", ""), entry.get("bantin", "")
        found = theme_file(name) if name.startswith(("layouts/", "assets/")) else None
        good = (found is not None and found[0] == name and isinstance(digest, str) and _SHA256_RE.fullmatch(digest)
                and isinstance(version, str) and len(version) < 40)
        entries[name] = Copied(version, digest) if good else None
    return entries


def write_record(root: Path, record: dict[str, Copied], language: str = "vi") -> None:
    """Write the record of copied theme files, sorted, atomically; its comments in the site's language."""
    said = textwrap.wrap(say(_RECORD_HEAD, catalogue(language)), 94, break_on_hyphens=False)
    lines = ["".join(f"# {line}\n" for line in said)]
    for name, copied in sorted(record.items()):
        lines.append(f'\n["{name}"]\nbantin = "{copied.version}"\nsha256 = "{copied.sha256}"\n')
    temporary = root / f".{RECORD_FILE}.{os.getpid()}.tmp"
    temporary.write_text("".join(lines), encoding="utf-8")
    temporary.replace(root / RECORD_FILE)


def upgrade_warnings(config: Config) -> list[ContentError]:
    """One warning per copied theme file the theme has changed or dropped since the copy was made, and
    one per entry of theme.lock that names no theme file (said the same whatever lies at that path)."""
    warnings = []
    for name, copied in _record_entries(config.root).items():
        short = name.split("/", 1)[-1]
        if copied is None:
            if _looks_dropped(name):  # a plain name inside the project: whether the copy is there may be said
                if check_file(config.root / name, config.root) is None:
                    warnings.append(ContentError(name, None, None, Text(
                        "the theme of bantin {version} no longer has {name}, which this file was copied from; "
                        "the site's file is used", version=__version__, name=short),
                        hint=Text("check that the pages using it still look right; to stop the warning, remove "
                                  "its entry from {record}", record=RECORD_FILE)))
            else:
                warnings.append(ContentError(RECORD_FILE, None, None, Text(
                    "the entry {name} is not a file of the theme with its digest: it is ignored",
                    name=repr(printable(name)[:80])),
                    hint=Text("remove it; {command} writes the entries", command="bantin theme copy FILE")))
            continue
        if check_file(config.root / name, config.root) is not None:
            continue  # the copy is gone: the theme's file is used again
        found = theme_file(name)
        if found is None:
            continue
        if file_digest(found[1]) != copied.sha256:
            warnings.append(ContentError(name, None, None, Text(
                "the theme's {name} has changed since this copy was made from it (bantin {version})",
                name=short, version=copied.version or "?"),
                hint=Text("{command} shows the theme's change; bring it into your copy, then {copy} records it",
                          command=f"bantin theme diff {short}", copy=f"bantin theme copy {short} --mark")))
    return warnings


def _looks_dropped(name: str) -> bool:
    """An entry of a theme file this bantin no longer ships: a plain name under layouts/ or assets/."""
    parts = name.split("/")
    return (len(parts) >= 2 and parts[0] in ("layouts", "assets") and all(parts[1:])
            and not any(part in (".", "..") or part.startswith(".") for part in parts)
            and name_problem(name.replace("/", "_")) is None and "\\" not in name and theme_file(name) is None)


def theme_diff(root: Path, name: str, history: Path = HISTORY_DIR) -> str:
    """What changed in the theme's file since the site copied it: a unified diff from the version
    the site's record names (when this bantin keeps it) to the theme's file now; otherwise from the
    site's own file to the theme's. '' when they are the same. `history`: earlier theme files by digest."""
    found = theme_file(name)
    if found is None:
        raise KeyError(name)
    relative, path = found
    now = path.read_text(encoding="utf-8").splitlines(keepends=True)
    copied = read_record(root).get(relative)  # its sha256 is checked: 64 hex digits, a name in history/
    base = history / copied.sha256 if copied and copied.sha256 else None
    if copied is not None and copied.sha256 == file_digest(path):
        return ""
    if base is not None and base.is_file():
        before, label = base.read_text(encoding="utf-8").splitlines(keepends=True), f"theme {copied.version}"
    elif check_file(root / relative, root) is None:  # the site's own file, never one a link leads out to
        before, label = (root / relative).read_text(encoding="utf-8").splitlines(keepends=True), "site"
    else:
        return ""
    return "".join(difflib.unified_diff(before, now, f"{label}: {relative}", f"theme {__version__}: {relative}"))


def theme_copy(root: Path, name: str, mark_only: bool = False, language: str = "vi") -> str:
    """Copy one theme file into the site (never over a file of the site's) and record where it came
    from; with `mark_only`, record the theme's file of now as the one the site's copy follows.
    Returns the site path ('layouts/article.html')."""
    found = theme_file(name)
    if found is None:
        raise KeyError(name)
    relative, path = found
    target = root / relative
    if not mark_only:
        if os.path.lexists(target):
            raise FileExistsError(relative)
        problem = write_problem(target, root)
        if problem is not None:  # layouts/ a link to a folder elsewhere: nothing is written out there
            raise UsageError(Text("{file} may not be written: {problem}", file=relative, problem=problem),
                             hint=Text("the site's layouts/ and assets/ must be folders of its own"))
        write_new(target, path.read_bytes())
    record = read_record(root)
    record[relative] = Copied(__version__, file_digest(path))
    write_record(root, record, language)
    return relative
