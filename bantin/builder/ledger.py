"""The ledger: one record of every file the output folder holds, its digest and what it was made from.

A build plans every file the site will hold (pages, assets, photos' variants, files copied
from content/, the search index) and compares each with the ledger of the previous build:
a file is made again only when what it is made from changed (`origin`; for pages, also a
recorded read, bantin/builder/deps.py), written only when its bytes changed (`digest`), and a file
of the ledger that is no longer planned is removed. The new ledger is stored in
.bantin-cache/; `changes` lists what one build changed, and a deploy sends exactly that.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

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


EMPTY = Ledger({}, {}, {}, None)  # what a cold build starts from
STORE = "output"  # .bantin-cache/output.pickle
# .bantin-cache/output-files.pickle: path -> (role, digest, size) of the same build, what a deploy reads
# (a tenth of the ledger's load time: no record of what each page read)
FILES = "output-files"
Files = dict[str, tuple[Role, bytes, int]]
ADDRESS = "output-address"  # .bantin-cache/output-address.pickle: the base_url of the same build


def key(output_dir: Path) -> str:
    """The fingerprint the ledger of an output folder is stored under: another bantin may have recorded it
    differently (its ledger is then not trusted, and the site is built whole)."""
    return cache.fingerprint(cache.code_digest(), output_dir)


def load(root: Path, key: str, output_dir: Path) -> Ledger | None:
    """The ledger of the last build, or None when there is none or the output folder lost a file of it
    (changed by hand, or gone): the site is then built whole."""
    ledger = cache.load(root, STORE, key)
    if not isinstance(ledger, Ledger) or not intact(output_dir, ledger):
        return None
    return ledger


def save(root: Path, key: str, ledger: Ledger) -> None:
    """Store the ledger for the next build, and its files and address for deploys (first: the ledger is the
    build's commit)."""
    cache.save(root, ADDRESS, key, ledger.base_url)
    cache.save(root, FILES, key, {path: (entry.role, entry.digest, entry.size) for path, entry in ledger.files.items()})
    cache.save(root, STORE, key, ledger)


def files(root: Path, key: str, output_dir: Path) -> Files | None:
    """The files of the output folder after the last build: path -> (role, digest, size); None when there
    was no build, or the folder lost a file or holds one of another size (changed by hand, or gone)."""
    found = cache.load(root, FILES, key)
    if not isinstance(found, dict) or not output_dir.is_dir():
        return None
    prefix = f"{output_dir}{os.sep}"
    for path, (_, _, size) in found.items():
        try:
            if os.stat(prefix + path).st_size != size:
                return None
        except OSError:
            return None
    return found


def address(root: Path, key: str) -> str | None:
    """The address (base URL) the last build made the output's pages for; None when no build recorded one."""
    found = cache.load(root, ADDRESS, key)
    return found if isinstance(found, str) and found else None


def intact(output_dir: Path, ledger: Ledger) -> bool:
    """Does the output folder still hold every file of the ledger?"""
    root = f"{output_dir}{os.sep}"
    return output_dir.is_dir() and all(os.path.isfile(root + path) for path in ledger.files)


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
