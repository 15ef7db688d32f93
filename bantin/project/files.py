"""Writing a new file with the system's calls alone: the search index writes 10,000 small files a shard into
.bantin-cache/ and copies each into the site, and open() with write_bytes() add three calls a file to the
three a new file needs (open, write, close)."""

from __future__ import annotations

import os
from pathlib import Path

_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def write_replacing(target: Path, data: bytes) -> None:
    """Write `data` as a new file at target; a file or link there before is unlinked first, never written
    through."""
    try:
        handle = os.open(target, _FLAGS, 0o666)
    except FileExistsError:
        target.unlink()
        handle = os.open(target, _FLAGS, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view):]
    finally:
        os.close(handle)
