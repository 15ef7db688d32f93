"""The only module that writes into the output folder.

A cold build writes the whole site into a staging folder beside the output and swaps it in
only when every page was written. An incremental build writes only the changed files into a
staging folder, then moves them into the output, keeping what they replace until the end:
if a move fails, the replaced files go back. Either way a failed build leaves the previous
site as it was; a build killed while it moves files in leaves an intent record
(bantin/builder/journal.py) from which the next build puts everything back.

Nothing in the output shares its bytes with the build cache: a photo's variant or a search file
is copied (a reflink where the file system offers one, Btrfs or XFS: no bytes are copied, and a
change to one copy never shows in the other), never hard-linked.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from bantin.builder import journal
from bantin.builder.journal import OVERLAY, SWAP, Intent, remove_empty_folders
from bantin.project import cache
from bantin.project.files import write_replacing


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
    """Write one file into a staging folder (a new file: never through a link into an older site)."""
    target = _stage_target(stage, relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    with _named(target):
        target.write_bytes(data)


@contextmanager
def _named(path: Path) -> Iterator[None]:
    """An OSError that names no file (a write that failed half-way on a full disk) names this one."""
    try:
        yield
    except OSError as error:
        if error.filename is None:
            raise OSError(error.errno, error.strerror, str(path)) from None
        raise


FICLONE = 0x40049409  # linux/fs.h: _IOW(0x94, 9, int), share a file's blocks (Btrfs, XFS)


class Copier:
    """Copies files into a staging folder: a reflink where the file system offers one, else the bytes
    already read. It stops asking for reflinks after the first refusal (ext4, tmpfs)."""

    def __init__(self) -> None:
        self.reflinks = hasattr(fcntl, "ioctl")
        self.folders: set[Path] = set()  # made already: a search index's 10,000 files are in three folders a shard

    def copy(self, stage: Path, relative: str, source: Path | None, data: bytes) -> None:
        """Put a copy of `source` (whose bytes are `data`; None: a part of a file, written) at stage/relative."""
        target = _stage_target(stage, relative)
        if target.parent not in self.folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.folders.add(target.parent)
        if self.reflinks and source is not None:
            target.unlink(missing_ok=True)
            if self._reflink(source, target):
                return
        with _named(target):
            write_replacing(target, data)

    def _reflink(self, source: Path, target: Path) -> bool:
        try:
            with source.open("rb") as original, target.open("wb") as copy:
                fcntl.ioctl(copy.fileno(), FICLONE, original.fileno())
            return True
        except OSError as error:
            target.unlink(missing_ok=True)
            if error.errno in (errno.EOPNOTSUPP, errno.ENOTTY, errno.EXDEV, errno.EINVAL, errno.ENOSYS,
                               errno.EPERM, errno.EBADF):
                self.reflinks = False
            return False


def hashed_name(relative: str, data: bytes) -> str:
    """'css/site.css' -> 'css/site.1a2b3c4d.css': a new name whenever the content changes."""
    digest = hashlib.sha256(data).hexdigest()[:10]
    path = PurePosixPath(relative)
    return str(path.with_name(f"{path.stem}.{digest}{path.suffix}"))


def asset_names(files: dict[str, Path]) -> dict[str, str]:
    """name -> site path of every asset (bantin/theme/files.py asset_files), with its content hash:
    '/assets/css/site.1a2b.css'."""
    return {relative: "/assets/" + hashed_name(relative, source.read_bytes()) for relative, source in files.items()}




Commit = Callable[[], None]  # stores the new ledger: the moment the new files become the site


class WholeSite:
    """A whole new site, staged beside the output (see `staging`): the same calls as Overlay."""

    def __init__(self, stage: Path) -> None:
        self.stage = stage  # write every file of the site here
        self.commit: Commit | None = None  # called once the site is in place, before the journal goes

    def remove(self, relative: str) -> None:
        """Nothing to remove from a site built whole."""

    def changes(self) -> list[str]:
        """Every file of the new site."""
        return _staged(self.stage)


def _staged(stage: Path) -> list[str]:
    found = []
    for folder, _, names in os.walk(stage):
        prefix = os.path.relpath(folder, stage).replace(os.sep, "/")
        found += [name if prefix == "." else f"{prefix}/{name}" for name in names]
    return sorted(found)


@contextmanager
def staging(output_dir: Path, journal_file: Path, ledger_store: Path) -> Iterator[WholeSite]:
    """A fresh folder to build into; on success it replaces output_dir, on failure it goes away.
    The swap is recorded in `journal_file` until `commit` (set by the caller) has stored the ledger."""
    output_dir = output_dir.resolve()
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    stage = output_dir.with_name(f"{output_dir.name}.staging-{os.getpid()}")
    old = output_dir.with_name(f"{output_dir.name}.previous-{os.getpid()}")
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir()
    site = WholeSite(stage)
    try:
        yield site
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    # two renames: the old site is moved aside, the new one takes its name, the old one goes
    had_output = output_dir.exists()
    journal.begin(journal_file, Intent(SWAP, str(output_dir), str(stage), str(old), had_output=had_output,
                                       ledger=cache.identity(ledger_store)))
    try:
        if had_output:
            output_dir.rename(old)
        stage.rename(output_dir)
        if site.commit is not None:
            site.commit()
    except BaseException:
        if old.exists():  # the old site takes its name back
            if output_dir.exists():
                output_dir.rename(stage)
            old.rename(output_dir)
        elif not had_output and output_dir.exists():
            output_dir.rename(stage)
        shutil.rmtree(stage, ignore_errors=True)
        journal.end(journal_file)
        raise
    journal.end(journal_file)
    shutil.rmtree(old, ignore_errors=True)


class Overlay:
    """Changes to an existing output folder, gathered before any is made (see `overlay`)."""

    def __init__(self, output_dir: Path, stage: Path) -> None:
        self.output_dir = output_dir
        self.stage = stage  # write changed files here, at their paths in the site
        self.removed: set[str] = set()  # files of the site to delete
        self.commit: Commit | None = None  # called once every change is made, before the journal goes

    def remove(self, relative: str) -> None:
        safe_target(self.output_dir, relative)
        self.removed.add(relative)

    def changes(self) -> list[str]:
        """Paths to move in: every staged file."""
        return _staged(self.stage)


@contextmanager
def overlay(output_dir: Path, journal_file: Path, ledger_store: Path) -> Iterator[Overlay]:
    """Stage changes to output_dir; on success apply them, undoing all if one move fails. The moves
    are recorded in `journal_file` until `commit` (set by the caller) has stored the ledger."""
    output_dir = output_dir.resolve()
    stage = output_dir.with_name(f"{output_dir.name}.staging-{os.getpid()}")
    backup = output_dir.with_name(f"{output_dir.name}.previous-{os.getpid()}")
    for folder in (stage, backup):
        shutil.rmtree(folder, ignore_errors=True)
    stage.mkdir()
    changes = Overlay(output_dir, stage)
    try:
        yield changes
        moves = changes.changes()
        removes = sorted(changes.removed)
        if moves or removes:
            new = tuple(relative for relative in moves if not os.path.lexists(output_dir / relative))
            journal.begin(journal_file, Intent(OVERLAY, str(output_dir), str(stage), str(backup), tuple(moves),
                                               tuple(removes), new, ledger=cache.identity(ledger_store)))
        done: list[tuple[Path, Path | None]] = []  # (target, its backup or None if it was new)
        try:
            for relative in removes + moves:
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
            if changes.commit is not None:
                changes.commit()
        except BaseException:
            for target, kept in reversed(done):  # put the previous site back as it was
                if target.is_dir() and not target.is_symlink():
                    shutil.rmtree(target)
                elif target.exists():
                    target.unlink()
                if kept is not None:
                    kept.rename(target)
            remove_empty_folders(output_dir, {relative for relative in moves if not os.path.lexists(
                output_dir / relative)})
            journal.end(journal_file)
            raise
        remove_empty_folders(output_dir, changes.removed)
        journal.end(journal_file)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        shutil.rmtree(backup, ignore_errors=True)


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
