"""A test marked `alone` runs while no other test does, when pytest-xdist runs the suite on several cores.

Lighthouse's performance score is the page's main thread timed on this machine: a build on the other core
lowers it. Each worker holds a shared lock for every other test and an exclusive one for an alone test, so
an alone test starts when the other workers' current tests end, and theirs wait until it ends. A gate taken
before either lock keeps an alone test from waiting for ever behind a stream of shared ones. Run in one
process (no xdist), nothing is locked.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

MARK = "alone"
_LOCKS = pytest.StashKey[tuple[IO[bytes], IO[bytes]]]()


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput") or not config.option.basetemp:
        return
    # a worker's temporary folder lies in the run's, which pytest removes three runs later
    run = Path(config.option.basetemp).parent
    run.mkdir(parents=True, exist_ok=True)
    config.stash[_LOCKS] = (open(run / "alone.gate", "ab"), open(run / "alone.lock", "ab"))  # noqa: SIM115


def pytest_unconfigure(config: pytest.Config) -> None:
    for file in config.stash.get(_LOCKS, ()):
        file.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Set-up, test and tear-down under the shared lock, or under the exclusive one for an alone test."""
    locks = item.config.stash.get(_LOCKS, None)
    if locks is None:
        return (yield)
    gate, turn = locks
    fcntl.flock(gate, fcntl.LOCK_EX)
    try:
        fcntl.flock(turn, fcntl.LOCK_EX if item.get_closest_marker(MARK) else fcntl.LOCK_SH)
    finally:
        fcntl.flock(gate, fcntl.LOCK_UN)
    try:
        return (yield)
    finally:
        fcntl.flock(turn, fcntl.LOCK_UN)
