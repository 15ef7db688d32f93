"""The build's progress on a terminal, drawn by rich: one bar per stage, its count and time left."""

from __future__ import annotations

import gettext
from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from bantin.messages import Text, say

# what each stage of the pipeline (pipeline.STAGES) is called on screen
STAGE_NAMES = {
    "parse": Text("reading articles"),
    "photos": Text("encoding photos"),
    "render": Text("writing pages"),
    "index": Text("indexing for search"),
}


class ProgressBars:
    """A callable for pipeline.build's `progress`: each stage gets its bar when it first moves;
    the bars go when the build ends, leaving its one-line summary."""

    def __init__(self, language: gettext.NullTranslations, console: Console | None = None) -> None:
        self.language = language
        self.bars = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                             TimeRemainingColumn(), console=console or Console(stderr=True), transient=True)
        self.tasks: dict[str, TaskID] = {}

    def __enter__(self) -> ProgressBars:
        self.bars.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.bars.stop()

    def __call__(self, stage: str, done: int, total: int) -> None:
        """Stage `stage` has done `done` of `total`."""
        if stage not in self.tasks:
            name = say(STAGE_NAMES.get(stage, stage), self.language)
            self.tasks[stage] = self.bars.add_task(name, total=total)
        self.bars.update(self.tasks[stage], completed=done, total=total)
