"""The default theme, shipped inside the package, and a site's own layouts and assets over it.

The theme's layouts and assets are package data (bantin/theme/): trusted, read as they are.
A site's `layouts/` and `assets/` are searched first, file by file, and pass the input gate
(bantin/inputs.py); a site's layout reaches the theme's file of the same name with the
prefix `!theme/` (`{% extends "!theme/article.html" %}`), so a change to one block is one
block, not a copy of the file. What a build reads of either is part of every page's plan
entry (`fingerprint`): overriding a file, or ceasing to, renders every page again.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path

from bantin import __version__
from bantin.config import Config
from bantin.errors import ContentError
from bantin.inputs import input_files
from bantin.messages import Text

THEME_DIR = Path(__file__).resolve().parent / "theme"
THEME_LAYOUTS = THEME_DIR / "layouts"
THEME_ASSETS = THEME_DIR / "assets"
THEME_PREFIX = "!theme/"  # a layout name that skips the site's own file: "!theme/article.html"
NOTE = "README.md"  # a note at the top of a site's layouts/ or assets/: for people, never published


def theme_files(folder: Path) -> dict[str, Path]:
    """name -> file of one of the theme's folders (layouts or assets), sorted by name."""
    found = (path for path in folder.rglob("*") if path.is_file())
    files = {path.relative_to(folder).as_posix(): path for path in found}
    return {name: files[name] for name in sorted(files) if not any(p.startswith((".", "__")) for p in name.split("/"))}


def site_files(folder: Path, root: Path) -> dict[str, Path]:
    """name -> file of a site's own layouts/ or assets/, through the input gate, sorted by name
    (the load stage reports any file the gate refuses)."""
    files = {path.relative_to(folder).as_posix(): path for path in input_files(folder, root).files}
    return {name: path for name, path in sorted(files.items()) if name != NOTE}


def asset_files(config: Config) -> dict[str, Path]:
    """name -> file of every asset the site publishes: the theme's, each replaced by the site's own of that name."""
    merged = theme_files(THEME_ASSETS) | site_files(config.assets_dir, config.root)
    return dict(sorted(merged.items()))


def _folders(config: Config) -> tuple[tuple[str, Path, Path], ...]:
    """(kind, the theme's folder, the site's folder) of layouts and of assets."""
    return ("layouts", THEME_LAYOUTS, config.layouts_dir), ("assets", THEME_ASSETS, config.assets_dir)


def overrides(config: Config) -> dict[str, Path]:
    """The site's own files that take the place of a theme file of the same name:
    'layouts/article.html' -> the site's file."""
    found: dict[str, Path] = {}
    for kind, theme, own in _folders(config):
        names = theme_files(theme)
        found |= {f"{kind}/{name}": path for name, path in site_files(own, config.root).items() if name in names}
    return found


def fingerprint(config: Config) -> str:
    """Digest of every layout and asset a build may read, the theme's and the site's, each
    with where it comes from: a site that overrides a file, or ceases to, changes it."""
    digest = hashlib.sha256()
    for kind, theme, own in _folders(config):
        for origin, files in (("theme", theme_files(theme)), ("site", site_files(own, config.root))):
            for name, path in files.items():
                digest.update(f"{kind}\0{origin}\0{name}\0".encode() + path.read_bytes())
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    """The sha256 of a file, as the record of copied theme files keeps it."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- upgrades: what a site copied from the theme, and what changed since --------------------
RECORD_FILE = "theme.lock"  # in the site's folder, committed: which theme file each copy was made from
HISTORY_DIR = THEME_DIR / "history"  # earlier versions of theme files, each named by its sha256
_RECORD_HEAD = """\
# The theme files this site copied to change them (`bantin theme copy`), and the version of
# each it was copied from. bantin warns when the theme's file has changed since;
# `bantin theme diff FILE` shows how. Written by bantin: commit it, don't edit it.
"""


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
    """The site's record of copied theme files ('layouts/article.html' -> Copied); {} if none or unreadable."""
    path = root / RECORD_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}
    return {name: Copied(str(entry.get("bantin", "")), str(entry.get("sha256", "")))
            for name, entry in data.items() if isinstance(entry, dict)}


def write_record(root: Path, record: dict[str, Copied]) -> None:
    """Write the record of copied theme files, sorted, atomically."""
    lines = [_RECORD_HEAD]
    for name, copied in sorted(record.items()):
        lines.append(f'\n["{name}"]\nbantin = "{copied.version}"\nsha256 = "{copied.sha256}"\n')
    temporary = root / f".{RECORD_FILE}.{os.getpid()}.tmp"
    temporary.write_text("".join(lines), encoding="utf-8")
    temporary.replace(root / RECORD_FILE)


def upgrade_warnings(config: Config) -> list[ContentError]:
    """One warning per copied theme file the theme has changed or dropped since the copy was made."""
    warnings = []
    for name, copied in read_record(config.root).items():
        if not (config.root / name).is_file():
            continue  # the copy is gone: the theme's file is used again
        found = theme_file(name) if name.startswith(("layouts/", "assets/")) else None
        short = name.split("/", 1)[-1]
        if found is None:
            warnings.append(ContentError(name, None, None, Text(
                "the theme of bantin {version} no longer has {name}, which this file was copied from; "
                "the site's file is used", version=__version__, name=short),
                hint=Text("check that the pages using it still look right; to stop the warning, remove "
                          "its entry from {record}", record=RECORD_FILE)))
        elif file_digest(found[1]) != copied.sha256:
            warnings.append(ContentError(name, None, None, Text(
                "the theme's {name} has changed since this copy was made from it (bantin {version})",
                name=short, version=copied.version or "?"),
                hint=Text("{command} shows the theme's change; bring it into your copy, then {copy} records it",
                          command=f"bantin theme diff {short}", copy=f"bantin theme copy {short} --mark")))
    return warnings


def theme_diff(root: Path, name: str, history: Path = HISTORY_DIR) -> str:
    """What changed in the theme's file since the site copied it: a unified diff from the version
    the site's record names (when this bantin keeps it) to the theme's file now; otherwise from the
    site's own file to the theme's. '' when they are the same. `history`: earlier theme files by digest."""
    found = theme_file(name)
    if found is None:
        raise KeyError(name)
    relative, path = found
    now = path.read_text(encoding="utf-8").splitlines(keepends=True)
    copied = read_record(root).get(relative)
    base = history / copied.sha256 if copied and copied.sha256 else None
    if copied is not None and copied.sha256 == file_digest(path):
        return ""
    if base is not None and base.is_file():
        before, label = base.read_text(encoding="utf-8").splitlines(keepends=True), f"theme {copied.version}"
    elif (root / relative).is_file():
        before, label = (root / relative).read_text(encoding="utf-8").splitlines(keepends=True), "site"
    else:
        return ""
    return "".join(difflib.unified_diff(before, now, f"{label}: {relative}", f"theme {__version__}: {relative}"))


def theme_copy(root: Path, name: str, mark_only: bool = False) -> str:
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
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    record = read_record(root)
    record[relative] = Copied(__version__, file_digest(path))
    write_record(root, record)
    return relative
