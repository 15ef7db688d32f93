"""The only module that writes into the output folder.

A cold build writes the whole site into a staging folder beside the output and swaps it in
only when every page was written. An incremental build writes only the changed files into a
staging folder, then moves them into the output, keeping what they replace until the end:
if a move fails, the replaced files go back. Either way a failed build leaves the previous
site as it was.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath


class UnsafePath(ValueError):
    """An output path that would land outside the output folder."""


def safe_target(root: Path, relative: str) -> Path:
    """root/relative, refusing absolute paths, '..', and anything that resolves outside root."""
    target = _stage_target(root, relative)
    if not target.resolve().is_relative_to(root.resolve()):
        raise UnsafePath(f"refusing to write {relative!r}: it resolves outside the output folder")
    return target


def _stage_target(stage: Path, relative: str) -> Path:
    """stage/relative, checked by its words only. Enough for a staging folder: this module
    makes it and puts no links in it, so nothing there resolves elsewhere (a resolve() a page saved)."""
    pure = PurePosixPath(relative)
    if pure.is_absolute() or ".." in pure.parts or "\\" in relative or "\x00" in relative or not pure.parts:
        raise UnsafePath(f"refusing to write {relative!r}: it would leave the output folder")
    return stage.joinpath(*pure.parts)


def write_bytes(stage: Path, relative: str, data: bytes) -> None:
    """Write one file into a staging folder (a new file: never through a hard link into an older site)."""
    target = _stage_target(stage, relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    target.write_bytes(data)


def copy_file(root: Path, relative: str, source: Path) -> None:
    """Copy one file under root (contents only, so builds don't depend on file times)."""
    target = safe_target(root, relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def link_file(root: Path, relative: str, source: Path) -> None:
    """Put a file made once and never changed (a photo's variant in the cache) under root: a hard
    link, which costs no copying, or a copy where the two folders are on different disks."""
    target = safe_target(root, relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def hashed_name(relative: str, data: bytes) -> str:
    """'css/site.css' -> 'css/site.1a2b3c4d.css': a new name whenever the content changes."""
    digest = hashlib.sha256(data).hexdigest()[:10]
    path = PurePosixPath(relative)
    return str(path.with_name(f"{path.stem}.{digest}{path.suffix}"))


def asset_names(files: dict[str, Path]) -> dict[str, str]:
    """name -> site path of every asset (bantin/theme/files.py asset_files), with its content hash:
    '/assets/css/site.1a2b.css'."""
    return {relative: "/assets/" + hashed_name(relative, source.read_bytes()) for relative, source in files.items()}




class WholeSite:
    """A whole new site, staged beside the output (see `staging`): the same calls as Overlay."""

    def __init__(self, stage: Path) -> None:
        self.stage = stage  # write every file of the site here

    def remove(self, relative: str) -> None:
        """Nothing to remove from a site built whole."""


@contextmanager
def staging(output_dir: Path) -> Iterator[WholeSite]:
    """A fresh folder to build into; on success it replaces output_dir, on failure it goes away."""
    output_dir = output_dir.resolve()
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    stage = output_dir.with_name(f"{output_dir.name}.staging-{os.getpid()}")
    old = output_dir.with_name(f"{output_dir.name}.previous-{os.getpid()}")
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir()
    try:
        yield WholeSite(stage)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    # two renames: the old site is moved aside, the new one takes its name, the old one goes
    if output_dir.exists():
        output_dir.rename(old)
    stage.rename(output_dir)
    shutil.rmtree(old, ignore_errors=True)


class Overlay:
    """Changes to an existing output folder, gathered before any is made (see `overlay`)."""

    def __init__(self, output_dir: Path, stage: Path) -> None:
        self.output_dir = output_dir
        self.stage = stage  # write changed files here, at their paths in the site
        self.removed: set[str] = set()  # files of the site to delete

    def remove(self, relative: str) -> None:
        safe_target(self.output_dir, relative)
        self.removed.add(relative)

    def changes(self) -> list[str]:
        """Paths to move in: every staged file."""
        return sorted(path.relative_to(self.stage).as_posix() for path in self.stage.rglob("*") if path.is_file())


@contextmanager
def overlay(output_dir: Path) -> Iterator[Overlay]:
    """Stage changes to output_dir; on success apply them, undoing all if one move fails."""
    output_dir = output_dir.resolve()
    stage = output_dir.with_name(f"{output_dir.name}.staging-{os.getpid()}")
    backup = output_dir.with_name(f"{output_dir.name}.previous-{os.getpid()}")
    for folder in (stage, backup):
        shutil.rmtree(folder, ignore_errors=True)
    stage.mkdir()
    changes = Overlay(output_dir, stage)
    try:
        yield changes
        done: list[tuple[Path, Path | None]] = []  # (target, its backup or None if it was new)
        try:
            for relative in sorted(changes.removed) + changes.changes():
                target = safe_target(output_dir, relative)
                kept = None
                if target.exists() or target.is_symlink():
                    kept = backup / relative
                    kept.parent.mkdir(parents=True, exist_ok=True)
                    target.rename(kept)
                done.append((target, kept))
                if relative not in changes.removed:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    (stage / relative).rename(target)
        except BaseException:
            for target, kept in reversed(done):  # put the previous site back as it was
                if target.is_dir() and not target.is_symlink():
                    shutil.rmtree(target)
                elif target.exists():
                    target.unlink()
                if kept is not None:
                    kept.rename(target)
            raise
        _remove_empty_folders(output_dir, changes.removed)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        shutil.rmtree(backup, ignore_errors=True)


def _remove_empty_folders(output_dir: Path, removed: set[str]) -> None:
    """A removed page takes its folder with it when nothing else is left there, as a clean build
    would have it (a web server answers 403 for an empty folder, not 404)."""
    folders = {parent for relative in removed for parent in PurePosixPath(relative).parents if parent.parts}
    for folder in sorted(folders, key=lambda f: len(f.parts), reverse=True):  # the deepest first
        target = output_dir.joinpath(*folder.parts)
        with contextlib.suppress(OSError):
            target.rmdir()  # only an empty folder goes


def replace_file(output_dir: Path, relative: str, data: bytes) -> None:
    """Replace one file of the site at once (serve's preview): readers see the old or the new."""
    target = safe_target(output_dir, relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.new")
    temporary.write_bytes(data)
    temporary.replace(target)


def remove_file(output_dir: Path, relative: str) -> None:
    """Remove one file of the site (serve: a preview's page that no build planned)."""
    safe_target(output_dir, relative).unlink(missing_ok=True)
