"""What each page read while it rendered, kept by the entry: .bantin-cache/output-reads.sqlite.

The ledger (bantin/builder/ledger.py) records every page's reads (its dependencies, deps.py). At
100,000 articles they are some four million (page, query) pairs: read whole, they were most of the
ledger's load time and memory on every build, though a day's build asks only which pages read the
few queries whose answers changed. So they live here, in SQLite (the standard library's), with an
index from each query to the pages that read it, and a build asks by query (`pages_reading`,
`reading_prefixes`); only the pages it rendered again are written.

The store holds one state, named by a token kept in it: the ledger's head names the token of the state
it was saved with, and a store that holds another (a build killed between the two saves) or cannot
be read makes the ledger absent (the site is built whole). A state is written in one transaction, or,
for a whole site, as a new file renamed into place: a build killed while it writes leaves the
previous state, which SQLite's own journal restores.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import zlib
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from bantin.project.cache import CACHE_DIR, Damaged

FILE = "output-reads.sqlite"
Query = tuple[str, ...]  # a dependency (ledger.Dep)
_CHUNK = 500  # parameters of one query (SQLite allows 999 in old builds)
# At 100,000 articles: 3.8 million reads of 810,000 queries by 145,000 pages. A query is kept as the digest
# that finds it, the digest of its first two parts (an article's key: its reads by field are found by it), and
# the rest of its parts (the fields read: a few hundred different lists), so that the store stays near the
# size of the pickle it replaces (its bytes are all read to check them, `named`).
_SCHEMA = (
    "CREATE TABLE state (token TEXT NOT NULL)",
    "CREATE TABLE rest (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE)",
    "CREATE TABLE query (id INTEGER PRIMARY KEY, digest BLOB NOT NULL, head BLOB NOT NULL, rest INTEGER NOT NULL)",
    "CREATE TABLE page (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE)",
    "CREATE TABLE read (query INTEGER NOT NULL, page INTEGER NOT NULL, PRIMARY KEY (query, page)) WITHOUT ROWID",
)
_INDEXES = (
    "CREATE UNIQUE INDEX query_digest ON query (digest)",
    "CREATE INDEX query_head ON query (head)",
    "CREATE INDEX read_page ON read (page)",
)


def store_path(root: Path) -> Path:
    """The store's file in a project."""
    return root / CACHE_DIR / FILE


def _text(parts: tuple) -> str:
    return json.dumps(parts, ensure_ascii=False, separators=(",", ":"))


def digest(query: Query) -> bytes:
    """What finds a query in the store."""
    return hashlib.blake2b(_text(query).encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _head(query: Query) -> bytes:
    return hashlib.blake2b(_text(query[:2]).encode("utf-8", "surrogatepass"), digest_size=8).digest()


def _tuples(value: list) -> tuple:
    """JSON's arrays as the tuples they were (a query holds the tuple of the fields it read)."""
    return tuple(_tuples(part) if isinstance(part, list) else part for part in value)


@contextlib.contextmanager
def _connected(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection for one step (none is kept: render workers are forked, and SQLite's connections must not be)."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        yield db
    finally:
        db.close()


class Reads:
    """The reads of a ledger's pages, as a state of the store: asked by query, never read whole."""

    def __init__(self, path: Path, token: str) -> None:
        self.path = path
        self.token = token

    @classmethod
    def open(cls, root: Path, expected: str, damaged: Damaged | None = None) -> Reads | None:
        """The store's state if it is the one `expected` names (`Reads.named`), else None; a store that cannot be
        read, or whose bytes are not those its state was saved with, is removed and said."""
        path = store_path(root)
        if not path.is_file():
            return None
        try:
            with _connected(path) as db:  # a hot journal (a write killed) is rolled back first
                row = db.execute("SELECT token FROM state").fetchone()
                db.execute("SELECT query, page FROM read LIMIT 1").fetchall()
            found = cls(path, row[0]) if row and row[0] else None
        except sqlite3.DatabaseError:
            found = None
        if found is not None and found.named() == expected:
            return found
        if found is None or found.token == expected.split(" ", 1)[0]:  # damaged: not what its state wrote
            forget(root)
            if damaged is not None:
                damaged(f"{CACHE_DIR}/{FILE}")
        return None

    def named(self) -> str:
        """The state as the ledger's head names it: its token, and the size and CRC-32 of the store's bytes.
        SQLite checks none of its rows: a byte changed on disk could hide that a page read a query, and
        that page would not be made again; read at 0.5 GB/s, a tenth of a second at 100,000 articles."""
        check, size = 0, 0
        with open(self.path, "rb") as file:
            while chunk := file.read(1 << 22):
                check = zlib.crc32(chunk, check)
                size += len(chunk)
        return f"{self.token} {size} {check:08x}"

    def pages_reading(self, queries: Iterable[Query]) -> set[str]:
        """The pages that read any of these queries."""
        found: set[str] = set()
        digests = sorted({digest(query) for query in queries})
        with _connected(self.path) as db:
            for start in range(0, len(digests), _CHUNK):
                chunk = digests[start: start + _CHUNK]
                found.update(path for (path,) in db.execute(
                    "SELECT DISTINCT page.path FROM query JOIN read ON read.query = query.id "
                    f"JOIN page ON page.id = read.page WHERE query.digest IN ({','.join('?' * len(chunk))})", chunk))
        return found

    def reading_prefixes(self, prefixes: Iterable[Query]) -> list[tuple[str, Query]]:
        """(page, query) of every read of a query starting with one of these two-part prefixes
        (("article", key): the fields of an article each page read)."""
        heads = {_head(prefix): prefix for prefix in prefixes}
        listed = sorted(heads)
        found: list[tuple[str, Query]] = []
        with _connected(self.path) as db:
            for start in range(0, len(listed), _CHUNK):
                chunk = listed[start: start + _CHUNK]
                found.extend((path, heads[head] + _tuples(json.loads(rest))) for path, head, rest in db.execute(
                    "SELECT page.path, query.head, rest.text FROM query JOIN rest ON rest.id = query.rest "
                    "JOIN read ON read.query = query.id JOIN page ON page.id = read.page "
                    f"WHERE query.head IN ({','.join('?' * len(chunk))})", chunk))
        return found

    def read_by_others(self, pages: Iterable[str]) -> set[bytes]:
        """The digest of every query read by a page but these (a build that rendered many: the answers to keep)."""
        with _connected(self.path) as db:
            db.execute("CREATE TEMP TABLE skip (path TEXT PRIMARY KEY)")
            db.executemany("INSERT OR IGNORE INTO skip VALUES (?)", ((path,) for path in pages))
            return {found for (found,) in db.execute(
                "SELECT query.digest FROM query WHERE EXISTS (SELECT 1 FROM read JOIN page ON page.id = read.page "
                "WHERE read.query = query.id AND page.path NOT IN (SELECT path FROM skip))")}


def save(root: Path, previous: Reads | None, rendered: Mapping[str, Iterable[Query]], gone: Iterable[str]) -> Reads:
    """The next state: the reads of the pages `rendered` (page -> its queries) replace theirs, and the pages
    `gone` lose theirs. Without a `previous` state, `rendered` is every page: a new file, renamed into place."""
    if previous is None:
        return _save_whole(root, rendered)
    gone = set(gone) | rendered.keys()
    if not gone:
        return previous
    token = os.urandom(8).hex()
    with _connected(previous.path) as db:
        # atomic against a killed build all the same (the journal); a machine that loses power may leave other
        # bytes, which the check the head names finds (`named`): no waiting for the disk, as no store of the cache
        db.execute("PRAGMA synchronous = OFF")
        db.execute("BEGIN")
        try:
            if db.execute("SELECT token FROM state").fetchone() != (previous.token,):
                raise sqlite3.DatabaseError("the store holds another state")
            paths = sorted(gone)
            for start in range(0, len(paths), _CHUNK):
                chunk = paths[start: start + _CHUNK]
                db.execute("DELETE FROM read WHERE page IN (SELECT id FROM page WHERE path IN "
                           f"({','.join('?' * len(chunk))}))", chunk)
            _insert(db, rendered)
            db.execute("UPDATE state SET token = ?", (token,))
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
    return Reads(previous.path, token)


def _insert(db: sqlite3.Connection, rendered: Mapping[str, Iterable[Query]]) -> None:
    """The reads of these pages, their pages and queries added where the store lacks them."""
    pages: dict[str, int] = {}
    for path in rendered:
        db.execute("INSERT OR IGNORE INTO page (path) VALUES (?)", (path,))
        pages[path] = db.execute("SELECT id FROM page WHERE path = ?", (path,)).fetchone()[0]
    rests: dict[str, int] = {}
    queries: dict[Query, int] = {}
    for reads in rendered.values():
        for query in reads:
            if query in queries:
                continue
            rest = _text(query[2:])
            if rest not in rests:
                db.execute("INSERT OR IGNORE INTO rest (text) VALUES (?)", (rest,))
                rests[rest] = db.execute("SELECT id FROM rest WHERE text = ?", (rest,)).fetchone()[0]
            found = digest(query)
            db.execute("INSERT OR IGNORE INTO query (digest, head, rest) VALUES (?, ?, ?)",
                       (found, _head(query), rests[rest]))
            queries[query] = db.execute("SELECT id FROM query WHERE digest = ?", (found,)).fetchone()[0]
    db.executemany("INSERT OR IGNORE INTO read VALUES (?, ?)",
                   ((queries[query], pages[path]) for path, reads in rendered.items() for query in reads))


def _save_whole(root: Path, rendered: Mapping[str, Iterable[Query]]) -> Reads:
    """A new store of every page's reads: written under a temporary name (no journal: it is not the store until
    renamed), its rows sorted and its indexes made by SQLite once they are all in."""
    path = store_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_file():  # its journal, if any, applied before it goes (a journal must not outlive its store)
        with contextlib.suppress(sqlite3.DatabaseError), _connected(path) as db:
            db.execute("SELECT 1 FROM state").fetchall()
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    token = os.urandom(8).hex()
    try:
        with _connected(temporary) as db:
            db.execute("PRAGMA journal_mode = OFF")
            db.execute("PRAGMA synchronous = OFF")
            db.execute("BEGIN")
            for statement in _SCHEMA:
                db.execute(statement)
            pages = {path: number for number, path in enumerate(rendered, start=1)}
            db.executemany("INSERT INTO page VALUES (?, ?)", ((number, path) for path, number in pages.items()))
            queries: dict[Query, int] = {}
            for reads in rendered.values():
                for query in reads:
                    if query not in queries:
                        queries[query] = len(queries) + 1
            rests: dict[str, int] = {}
            db.executemany("INSERT INTO query VALUES (?, ?, ?, ?)", (
                (number, digest(query), _head(query), rests.setdefault(_text(query[2:]), len(rests) + 1))
                for query, number in queries.items()))
            db.executemany("INSERT INTO rest VALUES (?, ?)", ((number, text) for text, number in rests.items()))
            db.execute("CREATE TEMP TABLE unsorted (query INTEGER, page INTEGER)")
            db.executemany("INSERT INTO unsorted VALUES (?, ?)",
                           ((queries[query], pages[path]) for path, reads in rendered.items() for query in reads))
            db.execute("INSERT INTO read SELECT query, page FROM unsorted ORDER BY query, page")
            db.execute("DROP TABLE unsorted")
            for statement in _INDEXES:
                db.execute(statement)
            db.execute("INSERT INTO state VALUES (?)", (token,))
            db.execute("COMMIT")
        for suffix in ("-journal", "-wal", "-shm"):  # another state's journal must not be applied to this one
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return Reads(path, token)


def forget(root: Path) -> None:
    """Remove the store (damaged): the ledger is absent, and the site built whole."""
    path = store_path(root)
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
