"""serve's editor loop: watch the sources, preview each save at once, rebuild, index for search.

Three threads, none of which waits for another's work:
- the watchdog observer only notes what changed (`Rebuilder.notify`);
- the previewer writes the page of an edited article as soon as a burst of saves ends,
  with the site of the first build around it (pipeline.preview, write.replace_file);
- the builder runs each incremental build (pipeline.build) in a child process, so that its
  long steps (loading a large cache holds Python's lock for seconds at 100,000 articles)
  never hold up a preview. A newer save cancels a build in progress (the output stays as
  it was) and starts the next one; the search index is brought up to date once edits
  pause, in Pagefind's own process, and a save cancels that too. So a save never waits
  behind a build or the search index.
A failed build leaves the last good site in place and shows its errors on every open page.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from watchdog.events import FileSystemEvent, FileSystemEventHandler

from bantin.builder.pipeline import BuildOptions, Plan, build, pages_counted, preview, shards_counted
from bantin.builder.write import remove_file, replace_file
from bantin.language.errors import BuildFailed, Cancelled, UsageError, format_errors
from bantin.language.messages import Text, catalogue, project_language, say
from bantin.project.config import CONFIG_FILE, Config, load_config, with_base_url

DEBOUNCE_SECONDS = 0.1  # a burst of saves (an editor writing a swap file, then the file) is one rebuild
SEARCH_DELAY_SECONDS = 3.0  # the search index is brought up to date once edits pause this long
PREVIEW_WAIT_SECONDS = 5.0  # a build waits so long for the preview of its saves to write its page
ALL_PAGES = "*"  # what open pages are told when every page may have changed


def is_editor_noise(name: str) -> bool:
    """Temporary files of editors: vim (.swp, 4913, x~), emacs (.#x, #x#), and other hidden files."""
    return (name.startswith((".", "#")) or name.endswith(("~", ".swp", ".swx", ".swo", ".tmp", ".part"))
            or name == "4913")


class Changes(FileSystemEventHandler):
    """Notes which source files changed; the previewer and the builder do the work. A source folder
    that appears (content/ removed and made again, or moved back) is handed to `appeared`, to be
    watched again: the watch of a removed folder ends with it."""

    def __init__(self, config: Config, notify: Callable[[set[Path]], None],
                 appeared: Callable[[Path], None] | None = None) -> None:
        self.config = config
        self.notify = notify
        self.appeared = appeared
        self.folders = (config.content_dir, config.layouts_dir, config.assets_dir)

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if event.is_directory and event.event_type == "modified":
            return  # a folder "changes" whenever a file in it does: the file's own event says what
        paths = {Path(os.fsdecode(event.src_path))}
        if getattr(event, "dest_path", ""):
            paths.add(Path(os.fsdecode(event.dest_path)))
        for path in paths:
            if path in self.folders and self.appeared is not None and path.is_dir():
                self.appeared(path)
        wanted = {path for path in paths if self._watched(path)}
        if wanted:
            self.notify(wanted)

    def _watched(self, path: Path) -> bool:
        if is_editor_noise(path.name):
            return False
        if path in self.folders:
            return True  # a source folder removed or made again: everything in it changed
        if path.parent == self.config.root:
            return path.name == CONFIG_FILE
        return any(path.is_relative_to(folder) for folder in self.folders)


class LiveSite:
    """What the open pages need to know: the site's version, and the errors of the last build."""

    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.version = 0
        self.pages: tuple[str, ...] = ()  # URL paths the last version changed, or ("*",)
        self.error: str | None = None
        self.closed = False

    def publish(self, pages: tuple[str, ...] = (), error: str | None = None) -> None:
        with self.changed:
            if error is None:
                self.version += 1
                self.pages = pages
            self.error = error
            self.changed.notify_all()

    def close(self) -> None:
        with self.changed:
            self.closed = True
            self.changed.notify_all()


class Rebuilder:
    """Keeps the served site up to date with the sources (see the module's docstring)."""

    def __init__(self, root: Path, options: BuildOptions, base_url: str, live: LiveSite,
                 log: Callable[[str], None]) -> None:
        self.root = root
        self.options = options
        self.base_url = base_url
        self.live = live
        self.log = log
        self.wake = threading.Condition()
        self.to_build: set[Path] = set()
        self.to_preview: set[Path] = set()
        self.last_change = 0.0
        self.saves = 0  # counts notifications: a build started at one count is stale at the next
        self.search_due: float | None = None
        self.built: tuple[Config, Plan] | None = None  # the first good build, for previews
        self.previewed: set[str] = set()  # pages written by previews that the first build did not plan
        self.preview_writes: set[str] = set()  # every page a preview wrote since the last build began
        self.previewing = False  # the previewer is writing a page (a build waits for it: PREVIEW_WAIT_SECONDS)
        self.stopped = False
        self.warned: set[str] = set()  # the warnings of the last build, already shown

    def first_build(self) -> Built | bool | None:
        return self._build(search=self.options.search, changed=None, saves=self.saves)

    def notify(self, paths: set[Path]) -> None:
        with self.wake:
            self.to_build |= paths
            self.to_preview |= paths
            self.last_change = time.monotonic()
            self.saves += 1
            self.wake.notify_all()

    def stop(self) -> None:
        with self.wake:
            self.stopped = True
            self.wake.notify_all()

    def _settled(self, pending: set[Path]) -> bool:
        """Wait (holding `wake`) for a burst of saves to end; False when stopping."""
        while not self.stopped and (not pending or time.monotonic() - self.last_change < DEBOUNCE_SECONDS):
            self.wake.wait(DEBOUNCE_SECONDS if pending else None)
        return not self.stopped

    def run_previews(self) -> None:
        """The previewer thread: one edited article's page, written at once after each burst."""
        while True:
            with self.wake:
                if not self._settled(self.to_preview):
                    return
                changed, self.to_preview = self.to_preview, set()
                self.previewing = True
            try:
                self._preview(changed)
            finally:
                with self.wake:
                    self.previewing = False
                    self.wake.notify_all()

    def _preview(self, changed: set[Path]) -> None:
        """Write the page of the one article saved, at once (the build that follows makes it again)."""
        built = self.built
        # one article saved (perhaps with its new photos, which the build that follows brings)
        articles = [path for path in changed if path.suffix == ".md"]
        if built is None or self.live.error is not None or len(articles) != 1:
            return
        config, loaded = built
        try:
            page = preview(loaded, config, articles[0])
            if page is not None:
                if not any(o.path == page[0] for o in loaded.outputs):
                    self.previewed.add(page[0])  # a new article: the next build checks it is planned
                replace_file(config.output_dir, *page)
                self.preview_writes.add(page[0])  # the next build makes it again, without a warning
                self.live.publish(("/" + page[0].removesuffix("index.html"),))
        except OSError as error:  # the output folder went away: the build will say more
            self.log(Text("preview failed: {problem}", problem=str(error)))

    def run_builds(self) -> None:
        """The builder thread: incremental builds after saves, the search index after a pause."""
        while True:
            with self.wake:
                while not self.stopped and not self.to_build and not self._search_is_due():
                    timeout = None if self.search_due is None else max(0.0, self.search_due - time.monotonic())
                    self.wake.wait(timeout)
                if self.stopped:
                    return
                if self.to_build:
                    if not self._settled(self.to_build):
                        return
                    changed, self.to_build = self.to_build, set()
                else:
                    changed = set()
                saves = self.saves
            if changed:
                report = self._build(search=False, changed=changed, saves=saves)
                if report is False:  # cancelled by a newer save: build again with it
                    with self.wake:
                        self.to_build |= changed
                elif self.options.search:
                    self.search_due = time.monotonic() + SEARCH_DELAY_SECONDS
            else:
                self.search_due = None
                if self._build(search=True, changed=set(), saves=saves) is False:
                    self.search_due = time.monotonic() + SEARCH_DELAY_SECONDS

    def _search_is_due(self) -> bool:
        return self.search_due is not None and time.monotonic() >= self.search_due

    def _build(self, search: bool, changed: set[Path] | None, saves: int) -> Built | bool | None:
        """One build; None if it failed (errors shown), False if a newer save cancelled it.

        The first build runs here (its site is what previews are rendered with); later ones
        run in a child process (see the module's docstring).
        """
        started = time.perf_counter()
        options = dataclasses.replace(self.options, search=search)
        if changed is None:
            outcome = _build_once(self.root, self.base_url, options, keep=self._keep)
        else:
            outcome = self._build_in_child(options, lambda: self.saves != saves)
        if outcome is None:
            return False
        if isinstance(outcome, Built) and outcome.unplanned:  # previews of articles since removed or moved
            for path in outcome.unplanned:
                remove_file(outcome.output_dir, path)
            self.previewed -= set(outcome.unplanned)
        if isinstance(outcome, str):
            said = say(Text("bantin: the last build failed; below is the last good version of the page."),
                       project_language(self.root))
            self.log(Text("build failed, still serving the last good site:\n{errors}", errors=outcome))
            self.live.publish(error=f"{said}\n\n{outcome}")
            return None
        report = outcome
        fixed = self.live.error is not None  # the first good build after a failed one says so
        for warning in [w for w in report.warnings if w not in self.warned][:20]:  # each once, not every save
            self.log(Text("warning: {problem}", problem=warning))
        self.warned = set(report.warnings)
        site_wide = changed is None or any(not path.is_relative_to(report.content_dir) for path in changed)
        if site_wide or len(report.written) > 2000:
            pages: tuple[str, ...] = (ALL_PAGES,)  # layouts, assets, site.toml: every page may look different
        else:
            pages = tuple("/" + path.removesuffix("index.html") for path in report.written)
        if fixed:  # said before the pages hear it
            self.log(Text("{time} fixed: the build works again, the open pages show the site as it is now",
                          time=time.strftime("%H:%M:%S")))
        if pages or self.live.error is not None:
            self.live.publish(pages)
        if changed is None or report.written or report.indexed:
            seconds, now = time.perf_counter() - started, time.strftime("%H:%M:%S")
            if report.indexed is None:
                self.log(Text("{time} built: {pages} in {seconds:.2f} s", time=now,
                              pages=pages_counted(len(report.written)), seconds=seconds))
            else:
                self.log(Text("{time} built: {pages}, search: {shards} re-indexed in {seconds:.2f} s",
                              time=now, pages=pages_counted(len(report.written)),
                              shards=shards_counted(len(report.indexed)), seconds=seconds))
        return report

    def _keep(self, config: Config, loaded: Plan) -> None:
        self.built = (config, loaded)

    def _build_in_child(self, options: BuildOptions, superseded: Callable[[], bool]) -> Built | str | None:
        """Run one build in a child process: what it wrote, its errors, or None if cancelled."""
        # spawn, not fork: a process forked while the HTTP and preview threads hold locks
        # could wait forever on one of them; a fresh interpreter costs about 0.15 s a build
        context = multiprocessing.get_context("spawn")
        receive, send = context.Pipe(duplex=False)
        stop = context.Event()
        with self.wake:  # the preview of the same saves writes its page first: the build then knows of it
            self.wake.wait_for(lambda: self.stopped or not (self.previewing or self.to_preview), PREVIEW_WAIT_SECONDS)
            written, self.preview_writes = frozenset(self.preview_writes), set()
        child = context.Process(target=_child_build,
                                args=(self.root, self.base_url, options, frozenset(self.previewed), stop, send,
                                      written),
                                daemon=True, name="bantin-build")
        child.start()
        send.close()
        outcome: Built | str | None = None
        try:
            while not receive.poll(0.02):
                if superseded():
                    stop.set()  # the child gives up at its next step; the output stays as it was
                if not child.is_alive() and not receive.poll(0.05):
                    return say(Text("the build process ended unexpectedly (exit status {status})\n"
                                    "    hint: save a file to build again, or run {command} to see why",
                                    status=child.exitcode, command="python3 build.py build"),
                               project_language(self.root))
            outcome = receive.recv()
            return outcome
        finally:
            if not isinstance(outcome, Built):  # not built: the next build still finds those pages previewed
                self.preview_writes |= written
            receive.close()
            child.join()


@dataclasses.dataclass(frozen=True)
class Built:
    """What a build in serve did, as the open pages and the log need it."""

    written: tuple[str, ...]  # output paths whose bytes changed
    indexed: tuple[str, ...] | None  # search shards re-indexed; None: built without search
    content_dir: Path
    output_dir: Path
    unplanned: tuple[str, ...] = ()  # pages written by previews that this build did not plan
    warnings: tuple[str, ...] = ()  # what the editor should know, though the build succeeded


def _build_once(root: Path, base_url: str, options: BuildOptions, cancelled: Callable[[], bool] | None = None,
                previewed: frozenset[str] = frozenset(), keep: Callable[[Config, Plan], None] | None = None,
                written: frozenset[str] = frozenset()) -> Built | str | None:
    """One build: Built, the errors as text, or None if cancelled; `keep` is handed the built site."""
    language = project_language(root)
    try:
        config = with_base_url(load_config(root), base_url)
        # another bantin (a build in a terminal) is waited for as long as it takes, or until a newer save
        report = build(config, options, cancelled=cancelled, wait=None,
                       waiting=lambda holder: print(say(Text("waiting: {holder}", holder=holder), language),
                                                    flush=True), previewed=written)
    except Cancelled:
        return None
    except BuildFailed as failed:
        return format_errors(failed.errors, language)
    except UsageError as error:  # a full disk: said like an error of the content, serve goes on
        return error.said(language)
    assert report.plan is not None
    if keep is not None:
        keep(config, report.plan)
    planned = {o.path for o in report.plan.outputs} if previewed else set()
    return Built(report.written, report.search.indexed if report.search else None, config.content_dir,
                 config.output_dir, tuple(sorted(previewed - planned)),
                 tuple(warning.said(catalogue(config.language)) for warning in report.warnings))


def _child_build(root: Path, base_url: str, options: BuildOptions, previewed: frozenset[str], stop: Any,
                 send: Any, written: frozenset[str] = frozenset()) -> None:
    """A build in a child process, its outcome sent back through the pipe."""
    try:
        result = _build_once(root, base_url, options, stop.is_set, previewed, written=written)
    except Exception as error:  # a bug: the details go to the terminal, a sentence to the pages, serve goes on
        traceback.print_exc()
        result = say(Text("bantin stopped on an internal error, not a problem in your content: {kind}: {problem}\n"
                          "    hint: please report it with the details printed in the terminal where serve runs",
                          kind=type(error).__name__, problem=str(error)), project_language(root))
    send.send(result)
    send.close()
