"""The only module that writes into the output folder.

A build writes into a staging folder beside the output and swaps it in only when every
page was written, so a failed build leaves the previous site as it was.
"""

from __future__ import annotations

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
    pure = PurePosixPath(relative)
    if pure.is_absolute() or ".." in pure.parts or "\\" in relative or "\x00" in relative or not pure.parts:
        raise UnsafePath(f"refusing to write {relative!r}: it would leave the output folder")
    target = root.joinpath(*pure.parts)
    if not target.resolve().is_relative_to(root.resolve()):
        raise UnsafePath(f"refusing to write {relative!r}: it resolves outside the output folder")
    return target


def write_bytes(root: Path, relative: str, data: bytes) -> None:
    """Write one file under root."""
    target = safe_target(root, relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def copy_file(root: Path, relative: str, source: Path) -> None:
    """Copy one file under root (contents only, so builds don't depend on file times)."""
    target = safe_target(root, relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def hashed_name(relative: str, data: bytes) -> str:
    """'css/site.css' -> 'css/site.1a2b3c4d.css': a new name whenever the content changes."""
    digest = hashlib.sha256(data).hexdigest()[:10]
    path = PurePosixPath(relative)
    return str(path.with_name(f"{path.stem}.{digest}{path.suffix}"))


def copy_assets(assets_dir: Path, root: Path) -> dict[str, str]:
    """Copy assets/ under root/assets/ with content-hashed names; return name -> site path."""
    manifest: dict[str, str] = {}
    if not assets_dir.is_dir():
        return manifest
    for source in sorted(p for p in assets_dir.rglob("*") if p.is_file()):
        relative = source.relative_to(assets_dir).as_posix()
        if any(part.startswith(".") for part in relative.split("/")):
            continue
        data = source.read_bytes()
        target = "assets/" + hashed_name(relative, data)
        write_bytes(root, target, data)
        manifest[relative] = "/" + target
    return manifest


@contextmanager
def staging(output_dir: Path) -> Iterator[Path]:
    """A fresh folder to build into; on success it replaces output_dir, on failure it goes away."""
    output_dir = output_dir.resolve()
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    stage = output_dir.with_name(f"{output_dir.name}.staging-{os.getpid()}")
    old = output_dir.with_name(f"{output_dir.name}.previous-{os.getpid()}")
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir()
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    # two renames: the old site is moved aside, the new one takes its name, the old one goes
    if output_dir.exists():
        output_dir.rename(old)
    stage.rename(output_dir)
    shutil.rmtree(old, ignore_errors=True)
