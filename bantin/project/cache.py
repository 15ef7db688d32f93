"""The build cache in .bantin-cache/: what a later build may reuse instead of redoing.

Each store is one pickle, written atomically, tagged with a fingerprint of everything that
decides its contents (bantin's own code, the settings); a store whose fingerprint differs
is ignored, never trusted. Deleting .bantin-cache/ is always safe: the next build is cold.

Loading a pickle can run code, and a cache folder could come from elsewhere (committed by a
pull request, restored by CI), so stores are read by an unpickler that builds only bantin's
own data classes and a few standard values; anything else makes the store count as absent.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import shutil
import subprocess
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

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


# The only classes a store may hold; the model modules' frozen dataclasses are allowed as a module.
_MODEL_MODULES = frozenset({"bantin.content.model", "bantin.photos.model", "bantin.builder.outputs",
                            "bantin.documents.model"})
_ALLOWED_CLASSES = {
    ("datetime", "datetime"), ("datetime", "date"), ("datetime", "time"), ("datetime", "timedelta"),
    ("datetime", "timezone"), ("zoneinfo", "ZoneInfo"),
    ("pathlib", "PosixPath"), ("pathlib", "WindowsPath"),
    ("bantin.content.related", "Document"), ("bantin.content.related", "Answer"), ("bantin.markup.charts", "ChartSpec"),
    ("bantin.builder.ledger", "Ledger"), ("bantin.builder.ledger", "Entry"),
    ("bantin.builder.ledger", "Role"),
}


class _DataUnpickler(pickle.Unpickler):
    """An unpickler that refuses every global but plain data classes (no os.system, no eval)."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED_CLASSES or (module in _MODEL_MODULES and "." not in name):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the build cache")


class _DataPickler(pickle.Pickler):
    """Pickles a time zone by its name, so that loading it needs no getattr (see _DataUnpickler)."""

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, ZoneInfo):
            return ZoneInfo, (obj.key,)
        return NotImplemented


def committed(root: Path) -> list[str]:
    """Files of .bantin-cache/ that git tracks: a cache from a commit is never trusted."""
    git = shutil.which("git")
    if git is None or not (root / ".git").exists() or not (root / CACHE_DIR).exists():
        return []
    try:
        listed = subprocess.run([git, "-C", str(root), "ls-files", "-z", "--", CACHE_DIR],
                                capture_output=True, check=False, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted(name for name in listed.decode("utf-8", "replace").split("\0") if name)


def load(root: Path, name: str, expected: str) -> Any | None:
    """The stored value of `name`, if it was stored under the same fingerprint."""
    path = root / CACHE_DIR / f"{name}.pickle"
    try:
        with path.open("rb") as file:
            stored_fingerprint, value = _DataUnpickler(file).load()
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
        return None
    return value if stored_fingerprint == expected else None


def save(root: Path, name: str, fingerprint_: str, value: Any) -> None:
    """Store a value atomically: a reader sees the old store or the new one, never half."""
    folder = root / CACHE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{name}.{os.getpid()}.tmp"
    with temporary.open("wb") as file:
        _DataPickler(file, protocol=pickle.HIGHEST_PROTOCOL).dump((fingerprint_, value))
    temporary.replace(folder / f"{name}.pickle")
