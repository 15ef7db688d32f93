"""Article bodies kept on disk, not in memory: .bantin-cache/bodies.sqlite.

A body's HTML is four fifths of a parsed article, and a build needs few of them: the pages it
renders again, the feeds' newest entries, the articles of the search shards it indexes. So the
parse cache keeps each article without its body (`body_html` empty, `body_digest` naming it) and
the bodies live here, one row per (article key, body digest), read one at a time by whatever
process renders or indexes an article. A row is only ever added or deleted, never changed: the
body an article had before an edit stays until the next build, for the search index to take its
old words out. Each body is checked against its digest when read.

SQLite (the standard library's) because it reads one row without reading the file, and commits
all or nothing: a build killed while it writes leaves the rows as they were, and the parse cache
is saved only after its bodies are committed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

from bantin.content.model import Article
from bantin.project.cache import CACHE_DIR, Damaged

FILE = "bodies.sqlite"


def body_digest(html: str) -> bytes:
    """What names a body (Article.body_digest)."""
    return hashlib.blake2b(html.encode("utf-8"), digest_size=16).digest()


class BodyMissing(LookupError):
    """A body the parse cache names is not in the store, or not the body its digest names."""


class Bodies:
    """The bodies of a project's articles. Each process opens its own connection (never one
    carried across fork, as SQLite asks), when it first reads."""

    def __init__(self, root: Path) -> None:
        self.path = root / CACHE_DIR / FILE
        self._connections: dict[int, sqlite3.Connection] = {}

    def __getstate__(self) -> dict[str, object]:  # sent to another process: its own connection, opened there
        return {"path": self.path, "_connections": {}}

    def _db(self) -> sqlite3.Connection:
        pid = os.getpid()
        connection = self._connections.get(pid)
        if connection is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            try:
                connection.execute("CREATE TABLE IF NOT EXISTS body (key TEXT, digest BLOB, html TEXT, "
                                   "PRIMARY KEY (key, digest)) WITHOUT ROWID")
            except sqlite3.DatabaseError:
                connection.close()
                raise
            self._connections[pid] = connection
        return connection

    def held(self, damaged: Damaged | None = None) -> set[tuple[str, bytes]]:
        """Every (key, digest) the store holds; a store that cannot be read is started again, and said."""
        try:
            return set(self._db().execute("SELECT key, digest FROM body"))
        except sqlite3.DatabaseError:
            self.forget()
            if damaged is not None:
                damaged(f"{CACHE_DIR}/{FILE}")
            return set(self._db().execute("SELECT key, digest FROM body"))

    def forget(self) -> None:
        """Delete the store (damaged): every article is parsed again."""
        connection = self._connections.pop(os.getpid(), None)
        if connection is not None:
            connection.close()
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    @contextlib.contextmanager
    def writing(self) -> Iterator[Writer]:
        """Rows added and deleted in one transaction, committed when the block ends (rolled back if it fails)."""
        db = self._db()
        db.execute("BEGIN")
        try:
            yield Writer(db)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def html(self, article: Article) -> str:
        """The article's body: its own when it holds one (a fresh parse, or one never stored), else the stored one."""
        if article.body_html or not article.body_digest:
            return article.body_html
        found = self.find(article.key, article.body_digest)
        if found is None:
            raise BodyMissing(article.key)
        return found

    def find(self, key: str, digest: bytes) -> str | None:
        """The body stored for (key, digest), or None when it is not there (or not that body)."""
        row = self._db().execute("SELECT html FROM body WHERE key = ? AND digest = ?", (key, digest)).fetchone()
        if row is None or body_digest(row[0]) != digest:
            return None
        return row[0]

    def whole(self, article: Article) -> Article:
        """The article with its body."""
        if article.body_html or not article.body_digest:
            return article
        return dataclasses.replace(article, body_html=self.html(article))

    def close(self) -> None:
        """Close this process's connection (the next read opens another)."""
        connection = self._connections.pop(os.getpid(), None)
        if connection is not None:
            connection.close()


class Writer:
    """Rows written in a transaction of Bodies.writing()."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def add(self, rows: Iterable[tuple[str, bytes, str]]) -> None:
        """Store bodies: (article key, body digest, html)."""
        self._db.executemany("INSERT OR REPLACE INTO body VALUES (?, ?, ?)", rows)

    def remove(self, rows: Iterable[tuple[str, bytes]]) -> None:
        """Delete bodies: (article key, body digest)."""
        self._db.executemany("DELETE FROM body WHERE key = ? AND digest = ?", rows)


def without_body(article: Article) -> Article:
    """The article as the parse cache and the build hold it: its body named, not held."""
    return dataclasses.replace(article, body_html="")
