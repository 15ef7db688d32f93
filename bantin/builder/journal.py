"""The intent record of a build moving its files into the output folder, and what the next build does with it.

Moving a build's files into the output folder takes many renames, and a build can be killed
between any two (a cancelled CI job, Ctrl+C twice, the machine's memory running out). So,
as databases keep a journal, write.py records what it is about to do before the first rename
(`.bantin-cache/journal.json`: the folders, the paths moved and removed, which were new, and the
ledger it started from), and removes the record once the new ledger is stored. A build that
finds a record left behind (`recover`) knows the moves may be half done:

- the ledger is still the one the record names: the new files were never committed, so every
  file goes back as it was (from the backup folder; files that were new are removed), and the
  output matches the ledger again;
- the ledger was replaced: the moves were all done and committed; only the folders are left.

Either way the staging and backup folders go. They, and the staging folders of builds killed
earlier still, are named after the output (`_site.staging-PID`, `_site.previous-PID`), and
`leftovers` finds them for the next build to remove (under the project's lock, nobody else's).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath

from bantin.language.messages import Text
from bantin.project import cache

JOURNAL = "journal.json"  # in .bantin-cache/
OVERLAY, SWAP = "overlay", "swap"


@dataclass(frozen=True)
class Intent:
    """What a build is about to do to the output folder."""

    kind: str  # OVERLAY: files moved in one by one; SWAP: a whole new site takes the folder's name
    output: str
    stage: str  # the staging folder the new files come from
    backup: str  # where replaced files go (OVERLAY) or the old site (SWAP)
    moves: tuple[str, ...] = ()  # OVERLAY: paths moved in from the stage
    removes: tuple[str, ...] = ()  # OVERLAY: paths removed from the site
    new: tuple[str, ...] = ()  # OVERLAY: paths of `moves` that the output did not hold
    had_output: bool = True  # SWAP: whether there was a site to replace
    ledger: tuple[int, int, int] | None = None  # (inode, size, mtime_ns) of the ledger's store before


def journal_path(root: Path) -> Path:
    return root / cache.CACHE_DIR / JOURNAL


def begin(path: Path, intent: Intent) -> None:
    """Record the intent before the first move (whole, under a temporary name, then renamed)."""
    cache.write_atomically(path, [json.dumps(asdict(intent), ensure_ascii=False).encode("utf-8")])


def end(path: Path) -> None:
    """The moves are done and the ledger stored: nothing is left to recover."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def recover(path: Path, ledger_store: Path) -> Text | None:
    """Finish what a killed build left: "rolled back" (its files were never committed), "completed"
    (they were), or None when there was nothing to do."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        intent = Intent(**{key: tuple(value) if isinstance(value, list) else value for key, value in data.items()})
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError):  # a record cut short was never acted on: nothing moved yet
        end(path)
        return None
    committed = cache.identity(ledger_store) != (tuple(intent.ledger) if intent.ledger else None)
    if not committed:
        (_undo_overlay if intent.kind == OVERLAY else _undo_swap)(intent)
    for folder in (intent.stage, intent.backup):
        shutil.rmtree(folder, ignore_errors=True)
    end(path)
    return Text("completed") if committed else Text("rolled back")


def _undo_overlay(intent: Intent) -> None:
    """Put every file the build moved or removed back as it was."""
    output, backup = Path(intent.output), Path(intent.backup)
    new = set(intent.new)
    for relative in (*intent.moves, *intent.removes):
        target, kept = output / relative, backup / relative
        if os.path.lexists(kept):
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(kept, target)
        elif relative in new:
            with contextlib.suppress(FileNotFoundError):
                target.unlink()
    remove_empty_folders(output, new)


def _undo_swap(intent: Intent) -> None:
    """Give the output folder's name back to the old site (or to nothing, if there was none)."""
    output, old = Path(intent.output), Path(intent.backup)
    if old.is_dir():
        if output.is_dir():
            output.rename(Path(intent.stage))  # the new site, never committed: removed with the stage
        old.rename(output)
    elif not intent.had_output and output.is_dir():
        output.rename(Path(intent.stage))


def leftovers(output_dir: Path) -> list[Path]:
    """Staging and backup folders of builds that were killed: `_site.staging-PID`, `_site.previous-PID`."""
    parent, name = output_dir.parent, output_dir.name
    try:
        entries = list(parent.iterdir())
    except OSError:
        return []
    return sorted(entry for entry in entries if entry.name.startswith((f"{name}.staging-", f"{name}.previous-")))


def remove_empty_folders(output_dir: Path, removed: set[str] | frozenset[str]) -> None:
    """A removed page takes its folder with it when nothing else is left there, as a clean build
    would have it (a web server answers 403 for an empty folder, not 404)."""
    folders = {parent for relative in removed for parent in PurePosixPath(relative).parents if parent.parts}
    for folder in sorted(folders, key=lambda f: len(f.parts), reverse=True):  # the deepest first
        target = output_dir.joinpath(*folder.parts)
        with contextlib.suppress(OSError):
            target.rmdir()  # only an empty folder goes
