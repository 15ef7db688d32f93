"""The build cache in .bantin-cache/: what a later build may reuse instead of redoing.

Each store is one pickle, written atomically, tagged with a fingerprint of everything that
decides its contents (bantin's own code, the settings); a store whose fingerprint differs
is ignored, never trusted. Deleting .bantin-cache/ is always safe: the next build is cold.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

import markdown

import bantin

CACHE_DIR = ".bantin-cache"
FORMAT = 1  # bump when the layout of a store changes


@functools.cache
def code_digest() -> str:
    """Digest of bantin's own source and the Markdown version: new code, new cache."""
    digest = hashlib.sha256(f"{FORMAT}:{markdown.__version__}".encode())
    package = Path(bantin.__file__).parent
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".toml") and path.is_file():
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def fingerprint(*parts: Any) -> str:
    """A digest of reprs: for frozen dataclasses, tuples and dicts built the same way each run."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(repr(part).encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


def load(root: Path, name: str, expected: str) -> Any | None:
    """The stored value of `name`, if it was stored under the same fingerprint."""
    path = root / CACHE_DIR / f"{name}.pickle"
    try:
        with path.open("rb") as file:
            stored_fingerprint, value = pickle.load(file)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
        return None
    return value if stored_fingerprint == expected else None


def save(root: Path, name: str, fingerprint_: str, value: Any) -> None:
    """Store a value atomically: a reader sees the old store or the new one, never half."""
    folder = root / CACHE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{name}.{os.getpid()}.tmp"
    with temporary.open("wb") as file:
        pickle.dump((fingerprint_, value), file, protocol=pickle.HIGHEST_PROTOCOL)
    temporary.replace(folder / f"{name}.pickle")
