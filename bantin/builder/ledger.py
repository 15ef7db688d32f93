"""The ledger: one record of every file the output folder holds, its digest and what it was made from.

A build plans every file the site will hold (pages, assets, photos' variants, files copied
from content/, the search index) and compares each with the ledger of the previous build:
a file is made again only when what it is made from changed (`origin`; for pages, also a
recorded read, bantin/builder/deps.py), written only when its bytes changed (`digest`), and a file
of the ledger that is no longer planned is removed. The new ledger is stored in
.bantin-cache/; `changes` lists what one build changed, and a deploy sends exactly that.

The ledger also keeps each file's modification time as written (`stamps`). Each build, and each
deploy, checks the output against it (`verify`): a file whose size or time differs is read and
its digest compared, and a file that differs (edited by hand, truncated, gone) is made again by
the build, and refused by the deploy until then: the two agree on what is wrong. `--verify`
reads every file, whatever its time says.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from bantin.builder import reads as reads_store
from bantin.project import cache

Dep = tuple[str, ...]  # a query a page's content depends on (bantin/builder/deps.py)


class Role(StrEnum):
    """What a file of the site is; a deploy sends them in this order, pages after what they show."""

    ASSET = "asset"  # assets/, under content-hashed names
    PHOTO = "photo"  # a variant made of a photo, named by its digest
    STATIC = "static"  # a file of content/ published as it is
    SEARCH = "search"  # a file of a search shard's Pagefind bundle
    PAGE = "page"  # rendered by bantin: pages, feeds, the sitemap


@dataclass(frozen=True)
class Entry:
    """One file of the output folder."""

    role: Role
    digest: bytes  # blake2b-128 of its bytes
    size: int
    origin: object  # what it was made from: compared to decide whether to make it again
    deps: frozenset[Dep] = frozenset()  # pages: what they read while they rendered
    search: bytes | None = None  # article pages: digest of what Pagefind reads of them


@dataclass(frozen=True)
class Ledger:
    """What the output folder holds after a build."""

    files: dict[str, Entry]  # output path -> entry
    answers: dict[Dep, bytes]  # every query a page depends on (but articles') -> the digest of its answer then
    sources: dict[str, bytes]  # article key -> digest of its source file then (articles answer by their fields)
    shards: dict[str, str] | None  # search shard -> its bundle's name; None: built without search
    # the address its pages were made for (site.toml's base_url, --base-url's, serve's loopback address):
    # a deploy sends only a build made for the address it publishes at
    base_url: str = ""
    stamps: dict[str, int] = field(default_factory=dict)  # output path -> its mtime_ns as written (verify)
    # (inode, size, mtime_ns) of the FILES store's files saved with it
    files_store: tuple[tuple[int, int, int] | None, ...] | None = None
    # the FILES store's state as saved with it (FilesState): with its files intact, what it holds follows from
    # `files` and `stamps`, so a build need not read it to write it by the change
    files_state: tuple[str, tuple[str, int], tuple[str, ...], tuple[str, ...]] | None = None
    parts: dict[str, str] = field(default_factory=dict)  # the head's record: each part's store -> its state's token
    # (kind, slug) -> digest of each term as the answers were made (deps.Dependencies.term_digests)
    terms: dict[tuple[str, str], bytes] = field(default_factory=dict)
    related: str = ""  # the state of the related store the answers were made with (its token)
    # each part's store as read (cache.Entries), so that a save writes what changed: not compared, not stored
    stores: dict[str, cache.Entries] = field(default_factory=dict, compare=False, repr=False)
    # what each page of `files` read, in its own store (reads.py), asked by query; the entries of `files` as
    # loaded hold no `deps`: those of the pages a build renders again are in theirs, and saved there
    reads: reads_store.Reads | None = field(default=None, compare=False, repr=False)


EMPTY = Ledger({}, {}, {}, None)  # what a cold build starts from
# The ledger is kept in .bantin-cache/ as a head (output.pickle: the address, the shards and the token of
# each part's state; stored last, it is the build's commit, bantin/builder/journal.py) and its four large
# dicts, each a store of entries written by the change (cache.load_entries): a new article rewrites a few
# hundred entries, not the record of every file. A part whose state is not the one its head names (a
# build killed between them, a damaged file) makes the whole ledger absent: the site is built whole.
STORE = "output"  # .bantin-cache/output.pickle, the head
PARTS = ("files", "answers", "sources", "stamps")  # .bantin-cache/output.files.pickle, ...
READS = "reads"  # the head's name for the state of .bantin-cache/output-reads.sqlite (reads.py)
# .bantin-cache/output-files.pickle: path -> (role, digest, size, mtime_ns) of the same build, what a
# deploy reads (a tenth of the ledger's load time: no record of what each page read); written by the change too
FILES = "output-files"
Files = dict[str, tuple[Role, bytes, int, int]]
ADDRESS = "output-address"  # .bantin-cache/output-address.pickle: the base_url of the same build


def key(output_dir: Path) -> str:
    """The fingerprint the ledger of an output folder is stored under: another bantin may have recorded it
    differently (its ledger is then not trusted, and the site is built whole)."""
    return cache.fingerprint(cache.code_digest(), output_dir)


def load(root: Path, key: str, damaged: cache.Damaged | None = None) -> Ledger | None:
    """The ledger of the last build, or None when there is none (the site is then built whole).
    What the output folder holds now is for `verify` to say."""
    head = cache.load(root, STORE, key, damaged)
    if not isinstance(head, Ledger):
        return None
    stores = {part: cache.load_entries(root, f"{STORE}.{part}", key, damaged) for part in PARTS}
    if any(head.parts.get(part) != store.token or not store.token for part, store in stores.items()):
        return None
    read = reads_store.Reads.open(root, head.parts.get(READS, ""), damaged)
    if read is None:
        return None
    files, answers, sources, stamps = (stores[part].values for part in PARTS)
    loaded = dataclasses.replace(head, files=files, answers=answers, sources=sources, stamps=stamps, stores=stores,
                                 reads=read)
    # written by the change, with the ledger: its state follows from the ledger's while its files are those saved
    stores[FILES] = (_files_entries(root, key, loaded) if files_store_intact(root, loaded)
                     else cache.load_entries(root, FILES, key, damaged))
    return loaded


def _files_entries(root: Path, key: str, ledger: Ledger) -> cache.Entries:
    """The FILES store as saved with this ledger, made of the ledger instead of read (a tenth of its load time):
    its delta's entries only (`partial`), the rest following from the ledger's files and times."""
    state = ledger.files_state
    if state is None:
        return cache.load_entries(root, FILES, key)
    token, base, changed, removed = state
    delta = _files_of(ledger, changed)
    return cache.Entries(root, FILES, key, delta, token, base, delta, frozenset(removed), partial=True)


def save(root: Path, key: str, ledger: Ledger, reads: Mapping[str, frozenset[Dep]] | None = None,
         gone: Iterable[str] = ()) -> Ledger:
    """Store the ledger for the next build, and its files and address for deploys (the head last: it is the
    build's commit); returns the ledger as stored (it knows the FILES store it was saved with). `reads`: what
    each page the build rendered read, which replaces what it read before in the reads' store; the pages
    `gone` from the ledger lose theirs. A ledger without a reads' state (a whole site) has every page there."""
    cache.save(root, ADDRESS, key, ledger.base_url)
    read = reads_store.save(root, ledger.reads, reads or {}, gone)
    stores = {part: cache.save_entries(ledger.stores.get(part) or cache.Entries(root, f"{STORE}.{part}", key, {}, ""),
                                       getattr(ledger, part)) for part in PARTS}
    files_store = ledger.stores.get(FILES) or cache.Entries(root, FILES, key, {}, "")
    if files_store.partial:  # a path's entry there changes only with its file's record or time: none compared
        touched = stores["files"].fresh | stores["stamps"].fresh
        files_store = cache.save_changes(files_store, _files_of(ledger, (path for path in touched
                                                                         if path in ledger.files)),
                                         touched - ledger.files.keys(), lambda: files_of(ledger))
    else:
        files_store = cache.save_entries(files_store, files_of(ledger))
    state = (files_store.token, files_store.base, tuple(sorted(files_store.changed or {})),
             tuple(sorted(files_store.removed)))
    head = dataclasses.replace(ledger, files={}, answers={}, sources={}, stamps={}, stores={}, reads=None,
                               files_store=_files_identity(root), files_state=state,
                               parts={**{part: s.token for part, s in stores.items()}, READS: read.named()})
    cache.save(root, STORE, key, head)
    return dataclasses.replace(ledger, files_store=head.files_store, parts=head.parts, files_state=state,
                               stores={**stores, FILES: files_store}, reads=read)


def _files_identity(root: Path) -> tuple[tuple[int, int, int] | None, ...]:
    """What tells the FILES store saved from another, without reading it: its files' inodes, sizes and times."""
    return tuple(cache.identity(cache.store_path(root, name)) for name in (FILES, FILES + cache.DELTA))


def files_of(ledger: Ledger) -> Files:
    """What the FILES store holds of a ledger."""
    stamps = ledger.stamps
    return {path: (entry.role, entry.digest, entry.size, stamps.get(path, 0)) for path, entry in ledger.files.items()}


def _files_of(ledger: Ledger, paths: Iterable[str]) -> Files:
    """files_of, of these paths only (each a file of the ledger)."""
    files, stamps = ledger.files, ledger.stamps
    return {path: (files[path].role, files[path].digest, files[path].size, stamps.get(path, 0)) for path in paths}


def files_store_intact(root: Path, ledger: Ledger) -> bool:
    """Is the FILES store the one saved with this ledger (not removed, replaced or edited since)?"""
    return ledger.files_store is not None and _files_identity(root) == ledger.files_store


def files(root: Path, key: str, output_dir: Path) -> tuple[Files | None, frozenset[str]]:
    """The files of the output folder after the last build: path -> (role, digest, size, mtime_ns), None
    when there was no build; and the files that differ from it now (changed by hand, or gone: `verify`,
    the build's own check, so the build makes again exactly what a deploy refuses)."""
    stored = cache.load_entries(root, FILES, key)
    found = stored.values
    if not stored.token or not output_dir.is_dir():
        return None, frozenset()
    check = verify(output_dir, {path: (size, digest) for path, (_, digest, size, _) in found.items()},
                   {path: stamp for path, (_, _, _, stamp) in found.items()})
    return found, check.damaged


def address(root: Path, key: str) -> str | None:
    """The address (base URL) the last build made the output's pages for; None when no build recorded one."""
    found = cache.load(root, ADDRESS, key)
    return found if isinstance(found, str) and found else None


@dataclass(frozen=True)
class Check:
    """The output folder against a ledger: the files that differ, and each good file's time now."""

    damaged: frozenset[str]  # missing, another size, or other bytes than the ledger's digest
    stamps: dict[str, int]  # path -> mtime_ns of every file found as the ledger says
    read: int  # files whose bytes were read (their time differed, or --verify)


def verify(output_dir: Path, expected: dict[str, tuple[int, bytes]], stamps: dict[str, int],
           full: bool = False) -> Check:
    """Check every file of `expected` (path -> (size, digest)): cheaply by size and time (a file whose
    time is the one `stamps` recorded is taken as written), by its bytes when the time differs, or
    always (`full`, --verify)."""
    root = f"{output_dir}{os.sep}"
    damaged: list[str] = []
    now: dict[str, int] = {}
    read = 0
    for path, (size, digest) in expected.items():
        try:
            stat = os.stat(root + path)
        except OSError:
            damaged.append(path)
            continue
        if stat.st_size != size:
            damaged.append(path)
            continue
        if not full and stamps.get(path) == stat.st_mtime_ns:
            now[path] = stat.st_mtime_ns
            continue
        read += 1
        if file_digest(root + path) == digest:
            now[path] = stat.st_mtime_ns
        else:
            damaged.append(path)
    return Check(frozenset(damaged), now, read)


def strays(output_dir: Path, files: dict[str, Entry]) -> list[str]:
    """Files of the output folder that no build wrote (`--verify` removes them: a clean build has none)."""
    found = []
    for folder, _, names in os.walk(output_dir):
        prefix = os.path.relpath(folder, output_dir).replace(os.sep, "/")
        for name in names:
            path = name if prefix == "." else f"{prefix}/{name}"
            if path not in files:
                found.append(path)
    return sorted(found)


def file_digest(path: str | Path) -> bytes:
    """blake2b-128 of a file's bytes, as the ledger keeps it."""
    digest = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.digest()


def stamp_of(files: Iterable[tuple[str, Path]]) -> dict[str, int]:
    """output path -> mtime_ns of each (output path, file) given: the time of a file as written."""
    return {path: os.stat(file).st_mtime_ns for path, file in files}


def without(ledger: Ledger, damaged: Iterable[str]) -> Ledger:
    """The ledger as if the damaged files had never been written: the build makes them again."""
    gone = set(damaged)
    if not gone:
        return ledger
    return dataclasses.replace(ledger, files={path: entry for path, entry in ledger.files.items() if path not in gone},
                               stamps={path: s for path, s in ledger.stamps.items() if path not in gone})


@dataclass(frozen=True)
class Changes:
    """What one build changed in the output folder."""

    written: tuple[str, ...]  # paths added or whose bytes changed
    removed: tuple[str, ...]  # paths no longer in the site


def changes(before: Ledger, after: Ledger) -> Changes:
    """The files that differ between two ledgers, by path and digest."""
    old, new = before.files, after.files
    written = sorted(path for path, entry in new.items() if (old.get(path) or _NONE).digest != entry.digest)
    return Changes(tuple(written), tuple(sorted(old.keys() - new.keys())))


_NONE = Entry(Role.PAGE, b"", 0, None)
