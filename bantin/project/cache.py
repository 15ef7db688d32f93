"""The build cache in .bantin-cache/: what a later build may reuse instead of redoing.

Each store is one pickle, written atomically, tagged with a fingerprint of everything that
decides its contents (bantin's own code, the settings); a store whose fingerprint differs
is ignored, never trusted. Each store also carries a check of its own bytes (CRC-32 and length), verified before
it is read: a store damaged on disk (a flipped byte, a truncated file, a hand edit) is a miss,
made again, and said once (`load`'s `damaged`), never half-trusted. Deleting .bantin-cache/ is
always safe: the next build is cold.

Loading a pickle can run code, and a cache folder could come from elsewhere (committed by a
pull request, restored by CI), so stores are read by an unpickler that builds only bantin's
own data classes and a few standard values; anything else makes the store count as absent.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import hashlib
import io
import json
import os
import pickle
import shutil
import struct
import subprocess
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

import markdown

import bantin

CACHE_DIR = ".bantin-cache"
FORMAT = 3  # bump when the layout of a store changes
# A store's bytes: this mark, then the CRC-32 and the length of the pickle that follows (a check
# value made for this: it finds every change of a few bytes, and any truncation, at twice the
# speed of a cryptographic digest; a store is not a secret a forger must not match, and what a
# forged store may hold is the unpickler's business), then the pickle.
_MAGIC = b"bantin-store-3\n"
_CHECK = struct.Struct("<IQ")
Damaged = Callable[[str], None]  # told the project-relative path of a damaged cache entry


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


def store_path(root: Path, name: str) -> Path:
    """The file a store is kept in."""
    return root / CACHE_DIR / f"{name}.pickle"


def load(root: Path, name: str, expected: str, damaged: Damaged | None = None) -> Any | None:
    """The stored value of `name`, if it was stored under the same fingerprint and its bytes are
    the ones written; a damaged store is removed and `damaged` told its path."""
    path = store_path(root, name)
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if unframe(data) is None:
        return _damaged(root, path, data, damaged)
    stream = io.BytesIO(data)  # shares the bytes (no copy) until written to
    stream.seek(len(_MAGIC) + _CHECK.size)
    try:
        with _collector_paused():
            stored_fingerprint, value = _DataUnpickler(stream).load()
    except (EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError, IndexError,
            KeyError, RecursionError):
        return _damaged(root, path, data, damaged)
    return value if stored_fingerprint == expected else None


def frame(payload: bytes | memoryview) -> list[bytes | memoryview]:
    """A store's bytes as written: the mark, the check of the pickle, the pickle."""
    return [_MAGIC, _CHECK.pack(zlib.crc32(payload), len(payload)), payload]


def unframe(data: bytes) -> memoryview | None:
    """The pickle of a store's bytes, or None when they are not what was written (a damaged store)."""
    head = len(_MAGIC) + _CHECK.size
    if not data.startswith(_MAGIC) or len(data) < head:
        return None
    payload = memoryview(data)[head:]
    crc, length = _CHECK.unpack_from(data, len(_MAGIC))
    return payload if length == len(payload) and zlib.crc32(payload) == crc else None


def _damaged(root: Path, path: Path, data: bytes, damaged: Damaged | None) -> None:
    """A store that is not what was written: removed, and said. A pickle of an earlier bantin
    (which stored no digest) is only old: removed quietly."""
    with contextlib.suppress(OSError):
        path.unlink()
    if damaged is not None and not data.startswith(b"\x80"):
        damaged(path.relative_to(root).as_posix())
    return None


def save(root: Path, name: str, fingerprint_: str, value: Any) -> None:
    """Store a value atomically: a reader sees the old store or the new one, never half. The pickle
    goes straight to the file, checked as it is written, and its check is filled in last."""
    path = store_path(root, name)

    def write(file: BinaryIO) -> None:
        file.write(_MAGIC + _CHECK.pack(0, 0))
        checked = _Checked(file)
        with _collector_paused():
            _DataPickler(checked, protocol=pickle.HIGHEST_PROTOCOL).dump((fingerprint_, value))
        file.seek(len(_MAGIC))
        file.write(_CHECK.pack(checked.crc, checked.length))

    write_with(path, write)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a store is read or written, and what was read kept out of its
    sight afterwards (gc.freeze): a store of a large archive is millions of objects that live as long as the
    build, none of them garbage, and the collector would walk them again and again as the build goes on
    (a third of the time of a day's build at 100,000 articles). `build()` lets them back (`release`)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def release() -> None:
    """What stores' reads kept out of the cycle collector's sight is in it again (at the end of a build)."""
    gc.unfreeze()


class _Checked:
    """A file being written, and the CRC-32 and length of what went into it."""

    def __init__(self, file: BinaryIO) -> None:
        self.file, self.crc, self.length = file, 0, 0

    def write(self, data: bytes) -> int:
        self.crc = zlib.crc32(data, self.crc)
        self.length += len(data)
        return self.file.write(data)


def write_atomically(path: Path, parts: list[bytes | memoryview]) -> None:
    """Write a file whole under a temporary name, then rename it: a reader sees the old file or the
    new one. A failed write (a full disk) leaves no temporary file behind, and names the file."""

    def write(file: BinaryIO) -> None:
        for part in parts:
            file.write(part)

    write_with(path, write)


def write_with(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """write_atomically, the bytes written by `write` into the open temporary file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("wb") as file:
            write(file)
        temporary.replace(path)
    except OSError as error:
        with contextlib.suppress(OSError):
            temporary.unlink()
        if error.filename is None:  # a write that failed half-way says no file: say which
            raise OSError(error.errno, error.strerror, str(path)) from None
        raise


# --- stores of many entries, written by the change ----------------------------------------
# A store of a dict with an entry per article or per file of the site (the parse cache, the ledger) is
# read whole, but a build that changed a few entries writes only those: the store is a base (the whole
# dict, as some build left it) and a delta (every entry changed or removed since), each a store as
# above. A build rewrites the delta, and the base only when the delta has grown past an eighth of it,
# so a day's build at 100,000 articles writes kilobytes where it wrote the whole half gigabyte. Each
# state has a token, named by whoever records what went with it (the ledger's head): a delta names its
# base's token, and one that names another base (its base replaced since) is not applied.
DELTA = ".delta"  # a store's delta is kept beside it: articles.pickle, articles.delta.pickle


@dataclass(frozen=True)
class Entries:
    """A dict as read from a store of entries, and what its next save must know."""

    root: Path
    name: str
    fingerprint: str
    values: dict[Any, Any]  # the entries as read (base and delta): never changed by its readers
    token: str  # this state, as stored: "" when nothing was
    base: tuple[str, int] = ("", 0)  # the base's token and its number of entries
    changed: dict[Any, Any] | None = None  # the delta as stored: entries changed since the base
    removed: frozenset[Any] = frozenset()  # ... and removed since
    fresh: frozenset[Any] = frozenset()  # the keys the save that made this state changed or removed (not stored)
    # `values` holds the delta's entries only: the whole dict follows from another store, and is made only when
    # a save needs it (save_changes' `whole`, for a new base)
    partial: bool = False


def load_entries(root: Path, name: str, fingerprint_: str, damaged: Damaged | None = None) -> Entries:
    """A store of entries as last saved; empty when there is none, or when its base or delta is damaged
    (said to `damaged`, and the whole store is then a miss: half of a state is not trusted)."""
    said: list[str] = []
    base = load(root, name, fingerprint_, said.append)
    delta = load(root, name + DELTA, fingerprint_, said.append)
    if damaged is not None:
        for path in said:
            damaged(path)
    if said or not (isinstance(base, tuple) and len(base) == 2 and isinstance(base[1], dict)):
        return Entries(root, name, fingerprint_, {}, "")
    token, values = base
    if not (isinstance(delta, tuple) and len(delta) == 4 and delta[0] == token):
        return Entries(root, name, fingerprint_, values, token, (token, len(values)), {}, frozenset())
    _, delta_token, changed, removed = delta
    size = len(values)
    values.update(changed)
    for key in removed:
        values.pop(key, None)
    return Entries(root, name, fingerprint_, values, f"{token}+{delta_token}", (token, size), changed,
                   frozenset(removed))


def save_entries(stored: Entries, now: dict[Any, Any], optional: dict[Any, Any] | None = None) -> Entries:
    """Store `now` as the next state of `stored`: its changes into the delta, or the whole dict into a new
    base when there is no base yet or the delta would pass an eighth of it. `optional`: newer values of some
    entries, worth storing only with others (the store is written anyway, and they fit in its delta or it is
    rewritten whole). Returns the state as stored."""
    old = stored.values
    changed = {key: value for key, value in now.items()
               if (was := old.get(key, _ABSENT)) is not value and was != value}
    return save_changes(stored, changed, old.keys() - now.keys(), lambda: now, optional)


def save_changes(stored: Entries, changed: dict[Any, Any], removed: Iterable[Any], whole: Callable[[], dict[Any, Any]],
                 optional: dict[Any, Any] | None = None) -> Entries:
    """save_entries told what changed since `stored` (entries changed or added, keys removed), so that no entry
    is compared: `whole()` makes the whole dict, asked only when it is written as a new base."""
    removed = frozenset(removed)
    if stored.token and not changed and not removed:
        return dataclasses.replace(stored, fresh=frozenset())
    fresh = changed.keys() | removed
    base_token, base_size = stored.base
    delta = {**(stored.changed or {}), **changed}
    for key in removed:
        delta.pop(key, None)
    gone = (stored.removed | removed) - changed.keys()
    limit = 64 + base_size // 8
    extra: dict[Any, Any] = {}
    if optional and (stored.changed is None or len(delta) + len(gone) > limit
                     or len(delta.keys() | optional.keys()) + len(gone) <= limit):
        extra = optional
        delta.update(optional)
    token = os.urandom(8).hex()
    if stored.changed is None or len(delta) + len(gone) > limit:
        now = {**whole(), **extra} if extra else whole()
        save(stored.root, stored.name, stored.fingerprint, (token, now))
        with contextlib.suppress(OSError):
            store_path(stored.root, stored.name + DELTA).unlink()
        return Entries(stored.root, stored.name, stored.fingerprint, now, token, (token, len(now)), {}, frozenset(),
                       fresh)
    save(stored.root, stored.name + DELTA, stored.fingerprint,
         (base_token, token, delta, tuple(sorted(gone, key=repr))))
    now = delta if stored.partial else {**whole(), **extra} if extra else whole()
    return Entries(stored.root, stored.name, stored.fingerprint, now, f"{base_token}+{token}", stored.base, delta,
                   frozenset(gone), fresh, stored.partial)


_ABSENT = object()


# --- folders of files: photos' variants, search bundles ---------------------------------------
# A folder entry of the cache (a photo's variants, a shard's Pagefind bundle) is made in a scratch
# folder and renamed into place whole, with MANIFEST: the digest of each of its files. The build
# checks a file against it whenever it copies the file into the site (`manifest`, `file_digest`):
# a file that differs is a damaged entry, removed and made again.
MANIFEST = ".digests.json"


def file_digest(data: bytes) -> bytes:
    """blake2b-128 of bytes, as the ledger and the manifests keep them."""
    return hashlib.blake2b(data, digest_size=16).digest()


def write_manifest(folder: Path, skip: tuple[str, ...] = ()) -> None:
    """Record the digest of every file under `folder` (but the names in `skip`) in its MANIFEST."""
    digests = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name not in skip and path.name != MANIFEST:
            digests[path.relative_to(folder).as_posix()] = file_digest(path.read_bytes()).hex()
    write_atomically(folder / MANIFEST, [json.dumps(digests, sort_keys=True).encode()])


def manifest(folder: Path) -> dict[str, bytes] | None:
    """relative path -> digest of each file of a folder entry, or None when it has no readable MANIFEST."""
    try:
        found = json.loads((folder / MANIFEST).read_bytes())
        return {name: bytes.fromhex(digest) for name, digest in found.items()}
    except (OSError, ValueError, AttributeError, TypeError):
        return None


def identity(path: Path) -> tuple[int, int, int] | None:
    """(inode, size, mtime_ns) of a file, or None: what tells one store saved from the next (every save
    writes a new file, so a new inode), without reading it."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


def leftovers(root: Path) -> list[Path]:
    """Temporary files of stores whose writer was killed (.name.PID.tmp)."""
    folder = root / CACHE_DIR
    try:
        return sorted(path for path in folder.iterdir() if path.name.startswith(".") and path.name.endswith(".tmp"))
    except OSError:
        return []
