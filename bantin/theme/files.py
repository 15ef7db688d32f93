"""The default theme, shipped inside the package, and a site's own layouts and assets over it.

The theme's layouts and assets are package data (bantin/theme/): trusted, read as they are.
A site's `layouts/` and `assets/` are searched first, file by file, and pass the input gate
(bantin/project/inputs.py); a site's layout reaches the theme's file of the same name with the
prefix `!theme/` (`{% extends "!theme/article.html" %}`), so a change to one block is one
block, not a copy of the file. What a build reads of either is part of every page's plan
entry (`fingerprint`): overriding a file, or ceasing to, renders every page again.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from bantin.project.config import Config
from bantin.project.inputs import input_files

THEME_DIR = Path(__file__).resolve().parent  # this package: layouts/, assets/, history/
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
