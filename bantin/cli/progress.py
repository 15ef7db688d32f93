"""Progress on a terminal, drawn by rich: the build's stages, each with its count and time left; a deploy's bytes."""

from __future__ import annotations

import gettext
from types import TracebackType
from typing import Self

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from bantin.language.messages import Text, say

# what each stage of the pipeline (pipeline.STAGES) is called on screen
STAGE_NAMES = {
    "parse": Text("reading articles"),
    "documents": Text("reading documents"),
    "photos": Text("encoding photos"),
    "render": Text("writing pages"),
    "index": Text("indexing for search"),
}


class _Bars:
    """Bars drawn on stderr while a `with` block runs; they go when it ends, leaving its one-line summary."""

    bars: Progress

    def __enter__(self) -> Self:
        self.bars.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.bars.stop()


class ProgressBars(_Bars):
    """A callable for pipeline.build's `progress`: each stage gets its bar when it first moves."""

    def __init__(self, language: gettext.NullTranslations, console: Console | None = None) -> None:
        self.language = language
        self.bars = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                             TimeRemainingColumn(), console=console or Console(stderr=True), transient=True)
        self.tasks: dict[str, TaskID] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        """Stage `stage` has done `done` of `total`."""
        if stage not in self.tasks:
            name = say(STAGE_NAMES.get(stage, stage), self.language)
            self.tasks[stage] = self.bars.add_task(name, total=total)
        self.bars.update(self.tasks[stage], completed=done, total=total)


class TransferBar(_Bars):
    """A callable for deploy's `progress`: one bar of the bytes sent, with the files, the speed and the time left."""

    def __init__(self, language: gettext.NullTranslations, console: Console | None = None) -> None:
        self.language = language
        self.bars = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                             TimeRemainingColumn(), console=console or Console(stderr=True), transient=True)
        self.task: TaskID | None = None

    def __call__(self, files: int, total_files: int, sent: int, total: int) -> None:
        """`files` of `total_files` sent, `sent` bytes of `total`."""
        said = say(Text("sending: {files} of {total} files", files=files, total=total_files), self.language)
        if self.task is None:
            self.task = self.bars.add_task(said, total=total)
        self.bars.update(self.task, description=said, completed=sent, total=total)
