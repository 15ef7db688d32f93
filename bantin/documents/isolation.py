"""Reading untrusted files in child processes, each with a deadline and a memory limit.

A document is a file nobody here wrote: a PDF whose page inflates to a gigabyte, a page tree that
loops, a file that makes a parser run for minutes. PDFium is not thread-safe, and when memory runs
out under a limit it aborts its process instead of raising, so each file is read in a child process
of its own: whatever the file does, the build goes on and says what went wrong. A child is forked
(it inherits bantin, already imported), limited to `memory_mb` more address space than it started
with, and killed at its deadline; up to `parallel` children run at once.
"""

from __future__ import annotations

import faulthandler
import multiprocessing
import os
import time
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

try:
    import resource
except ImportError:  # Windows: no memory limit, the deadline still holds
    resource = None  # type: ignore[assignment]


@dataclass(frozen=True)
class Outcome:
    """How one child ended: its result, or what stopped it."""

    result: Any = None
    problem: str = ""  # "" | "timeout" | "memory" | "crashed" | "error"
    detail: str = ""  # the exception's words, for "error"


def run_isolated(jobs: Iterable[tuple[Hashable, Any]], work: Callable[[Any], Any], *, parallel: int,
                 seconds: float, memory_mb: int, done: Callable[[Hashable, Outcome], None]) -> None:
    """Run work(argument) for each (name, argument) in a child process of its own, at most `parallel` at
    once, and tell done(name, outcome) as each ends. `work` runs in the child: its result must pickle."""
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    waiting = list(jobs)
    waiting.reverse()
    running: dict[Connection, tuple[Hashable, multiprocessing.process.BaseProcess, float]] = {}
    while waiting or running:
        while waiting and len(running) < max(1, parallel):
            name, argument = waiting.pop()
            receiver, sender = context.Pipe(duplex=False)
            child = context.Process(target=_child, args=(work, argument, sender, memory_mb), daemon=True)
            child.start()
            sender.close()
            running[receiver] = (name, child, time.monotonic() + seconds)
        soonest = min(deadline for _, _, deadline in running.values())
        ready = wait(list(running), timeout=max(0.0, soonest - time.monotonic()))
        now = time.monotonic()
        for receiver in list(running):
            name, child, deadline = running[receiver]
            if receiver in ready:
                outcome = _received(receiver, child)
            elif now >= deadline:
                child.kill()
                outcome = Outcome(problem="timeout")
            else:
                continue
            child.join()
            receiver.close()
            del running[receiver]
            done(name, outcome)


def _received(receiver: Connection, child: multiprocessing.process.BaseProcess) -> Outcome:
    try:
        return receiver.recv()
    except (EOFError, OSError):  # the child died before it could say anything
        child.join()
        code = child.exitcode or 0
        # PDFium aborts (SIGABRT) when an allocation fails under the limit; Python raises MemoryError
        if code < 0 and -code in (6, 9):
            return Outcome(problem="memory")
        return Outcome(problem="crashed", detail=f"exit {code}")


def _child(work: Callable[[Any], Any], argument: Any, sender: Connection, memory_mb: int) -> None:
    faulthandler.disable()  # an abort here is an outcome the parent reports, not a crash to dump on the terminal
    _limit_memory(memory_mb)
    try:
        outcome = Outcome(result=work(argument))
    except MemoryError:
        outcome = Outcome(problem="memory")
    except Exception as exc:  # a reader's bug or a file it cannot handle: said, never a crash of the build
        outcome = Outcome(problem="error", detail=f"{type(exc).__name__}: {exc}")
    sender.send(outcome)
    sender.close()


def _limit_memory(memory_mb: int) -> None:
    """Allow this process `memory_mb` more address space than it has now (a fork shares its parent's)."""
    if resource is None or memory_mb <= 0:
        return
    try:
        with open("/proc/self/statm") as statm:
            current = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return
    limit = current + memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
