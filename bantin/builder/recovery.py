"""What a build does about the builds before it that went wrong, and about its own failure.

Before it starts (holding the project's lock, so no other build is running): it finishes or
rolls back the moves of a build killed while it moved files in (bantin/builder/journal.py), and
removes what killed builds left: staging and backup folders beside the output, temporary
stores, scratch folders of photos being encoded, Pagefind work folders and documents' temporary
files in the cache.

When it fails (a layout error, a full disk, Pagefind failing), it removes what it added to the
cache's folders (photos' variants, search bundles, documents' texts and first pages), so a
failed build leaves the cache no larger than it found it: builds that keep failing on a full disk
do not fill it further. A build given up (serve's newer save, Ctrl+C) keeps them: the next build
needs them.
"""

from __future__ import annotations

import errno
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from bantin.builder import journal
from bantin.builder.ledger import STORE
from bantin.documents import catalogue
from bantin.language.errors import UsageError
from bantin.language.messages import Text
from bantin.photos import processing
from bantin.project import cache
from bantin.project.config import Config
from bantin.search import index

DISK_FULL = (errno.ENOSPC, errno.EDQUOT)


def recover(config: Config) -> Text | None:
    """Finish a killed build's moves (journal.recover) and remove what killed builds left behind;
    "rolled back" or "completed" when a killed build's moves were found."""
    done = journal.recover(journal.journal_path(config.root), cache.store_path(config.root, STORE))
    for leftover in (*journal.leftovers(config.output_dir.resolve()), *cache.leftovers(config.root),
                     *processing.leftovers(config.root), *index.leftovers(config.root),
                     *catalogue.leftovers(config.root)):
        _remove(leftover)
    return done


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


@dataclass(frozen=True)
class CacheEntries:
    """The photos' variants and search bundles the cache held when a build started."""

    root: Path
    found: frozenset[Path]

    @classmethod
    def now(cls, root: Path) -> CacheEntries:
        return cls(root, frozenset(_entries(root)))

    def remove_added(self) -> None:
        """Remove every entry added since (a failed build's)."""
        for path in _entries(self.root):
            if path not in self.found:
                _remove(path)


def _entries(root: Path) -> list[Path]:
    found = []
    for folder in (processing.cache_folder(root), root / index.CACHE_DIR):
        try:
            found += list(folder.iterdir())
        except OSError:
            continue
    return found + catalogue.entries(root)


class DiskFull(UsageError):
    """A file of the build could not be written: the disk (or the user's quota) is full."""


def disk_full(error: OSError, config: Config, site_size: int) -> DiskFull:
    """The full disk as a sentence: the file that could not be written, the room left on its disk,
    and what the build needs there (`site_size`: the site as last built, or as far as written)."""
    where = Path(error.filename) if error.filename else config.output_dir
    shown = _shown(where, config.root)
    probe = where
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        free = shutil.disk_usage(probe).free
    except OSError:
        free = 0
    need = site_size + site_size // 10 + 16 * 2**20  # the new site beside the old, and the cache's new entries
    return DiskFull(Text("the disk is full: {path} could not be written ({free} free on its disk)", path=shown,
                         free=_megabytes(free)),
                    hint=Text("the build needs about {need} free there (it writes the new site beside the old one, "
                              "{site}, before it takes its place); make room and build again. The site in {folder}/ "
                              "is as it was, and the cache no larger", need=_megabytes(need),
                              site=_megabytes(site_size), folder=config.output_dir.name))


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError):
        return str(path)


def _megabytes(size: int) -> str:
    return f"{size / 1e6:,.1f} MB"


def staged_size(folder: Path) -> int:
    """Bytes written into a staging folder so far."""
    total = 0
    for parent, _, names in os.walk(folder):
        for name in names:
            try:
                total += os.lstat(os.path.join(parent, name)).st_size
            except OSError:
                continue
    return total
