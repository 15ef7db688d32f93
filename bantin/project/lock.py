"""One writer at a time: the lock on a project's output folder and build cache.

A build (serve's rebuilds too) and `check` write the output and `.bantin-cache/`; a deploy reads
the output. Two builds at once would share work folders and each trust what the other half-wrote,
and a build under a deploy would change the files being sent. So each takes a lock on
`.bantin-cache/lock` (flock: the kernel lets it go when its process ends, however it ends, so a
killed build never leaves a stale lock): builders exclusively, deploys shared (several deploys
of one build may run at once). The holder writes who it is into the file, so the one that has to
wait can say which process it waits for.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from bantin.language.errors import Cancelled, UsageError
from bantin.language.messages import Text

LOCK_FILE = "lock"  # in .bantin-cache/
WAIT_SECONDS = 10.0  # how long a command waits for another one before saying so
_POLL_SECONDS = 0.1


class Busy(UsageError):
    """Another bantin process holds the project's lock."""


def holder(path: Path) -> tuple[int, str] | None:
    """(process id, what it is doing) as the lock's holder wrote it, or None."""
    try:
        pid, _, doing = path.read_text(encoding="utf-8").strip().partition(" ")
        return int(pid), doing
    except (OSError, ValueError, UnicodeDecodeError):
        return None


@contextlib.contextmanager
def project_lock(cache_dir: Path, doing: str, shared: bool = False, wait: float | None = WAIT_SECONDS,
                 cancelled: Callable[[], bool] | None = None,
                 waiting: Callable[[Text], None] | None = None) -> Iterator[None]:
    """Hold the project's lock while the block runs: exclusively (build, check) or shared (deploy).

    `doing` names the command for the one that waits ("bantin build"). Waits up to `wait`
    seconds (None: until the lock is free or `cancelled()` says to give up, then Cancelled),
    telling `waiting` once who it waits for; then raises Busy, a sentence naming the holder.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / LOCK_FILE
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o644)
    try:
        _acquire(descriptor, path, shared, wait, cancelled, waiting)
        if not shared or _first_reader(descriptor):
            os.ftruncate(descriptor, 0)
            os.pwrite(descriptor, f"{os.getpid()} {doing}\n".encode(), 0)
        yield
    finally:
        os.close(descriptor)  # closing lets the lock go


def _first_reader(descriptor: int) -> bool:
    """A shared holder records itself only when the file names no living process (the others
    reading at the same time are of the same kind)."""
    try:
        pid = int(os.pread(descriptor, 32, 0).split(b" ", 1)[0])
    except ValueError:
        return True
    return not _alive(pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _acquire(descriptor: int, path: Path, shared: bool, wait: float | None, cancelled: Callable[[], bool] | None,
             waiting: Callable[[Text], None] | None) -> None:
    mode = (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB
    deadline = None if wait is None else time.monotonic() + wait
    told = False
    while True:
        try:
            fcntl.flock(descriptor, mode)
            return
        except BlockingIOError:
            pass
        if deadline is not None and time.monotonic() >= deadline:
            raise Busy(_busy(path), hint=Text("wait until it has finished, then run the command again (a process "
                                              "that was killed lets go at once: nothing needs deleting)"))
        if cancelled is not None and cancelled():
            raise Cancelled()
        if waiting is not None and not told:
            waiting(_busy(path))
            told = True
        time.sleep(_POLL_SECONDS)


def _busy(path: Path) -> Text:
    found = holder(path)
    if found is None or not _alive(found[0]):
        return Text("another bantin is working on this site (its output folder and .bantin-cache/)")
    pid, doing = found
    return Text("another bantin is working on this site: {command} (process {pid})", command=doing or "bantin",
                pid=pid)
