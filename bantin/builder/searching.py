"""What the build hands the search index: the site's articles as records (bantin/search/records.py),
each shard's version, and which shards to bring up to date. The index itself is bantin/search/."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from bantin.content.bodies import Bodies
from bantin.content.model import Article, Site
from bantin.language.errors import Cancelled
from bantin.language.provinces import ProvinceList
from bantin.photos.model import Picture
from bantin.project import cache
from bantin.project.config import Config
from bantin.search import engine
from bantin.search.records import Record, article_parts, article_record, finding_parts
from bantin.search.shards import Shard


def thumbnail(article: Article, pictures: Mapping[str, Picture]) -> str:
    """The site path of the cover a result shows: its small thumbnail when the photo has variants."""
    cover = pictures.get(article.image)
    return cover.thumbs[0].url if cover is not None and cover.thumbs else article.image


def site_inputs(config: Config, provinces_bytes: bytes) -> str:
    """What records read of the site's settings besides the articles: names of sections and topics,
    the paths of URLs, the time zone and language of dates, the province list."""
    return cache.fingerprint(config.sections, config.topics, config.paths, config.timezone_name, config.language,
                             provinces_bytes)


def engine_facts(shards: list[Shard]) -> list[dict[str, Any]]:
    """What search-worker.js needs of each shard of bantin's index, newest first: the version in the URLs
    of its files (engine.url_version: its articles' numbering), and its numbers of word and title buckets."""
    return [{"v": engine.url_version(tuple(reversed(shard.keys))), "b": engine.bucket_count(len(shard.keys)),
             "t": engine.title_bucket_count(len(shard.keys))} for shard in shards]


def tasks(shards: list[Shard], site: Site, config: Config, provinces_bytes: bytes, digests: Mapping[str, bytes],
          pictures: Mapping[str, Picture]) -> list[engine.Task]:
    """A task per shard: its keys oldest first (the articles' numbers in the index) and the digest of its inputs
    (engine.shard_version: the same inputs, nothing to do)."""
    inputs = site_inputs(config, provinces_bytes)

    def source(key: str) -> str:
        return f"{digests[key].hex()} {thumbnail(site.articles[key], pictures)}"

    return [engine.Task(shard.name, tuple(reversed(shard.keys)), engine.shard_version(shard, inputs, source))
            for shard in shards]


def sources(site: Site, provinces: ProvinceList, pictures: Mapping[str, Picture], digests: Mapping[str, bytes],
            replaced: Mapping[str, tuple[bytes, Article]], language: str, bodies: Bodies) -> engine.Sources:
    """Each article's record, its source's digest, and its text before an edit (from the parse cache,
    its body from the body store: None when it is no longer there)."""

    def record(key: str) -> Record:
        article = bodies.whole(site.articles[key])
        return article_record(article, site, provinces, thumbnail(article, pictures), language)

    def previous(key: str) -> tuple[str, tuple[str, ...]] | None:
        found = replaced.get(key)
        if found is None or found[1].province not in site.provinces:
            return None
        before = found[1]
        body = bodies.find(key, before.body_digest) if before.body_digest else before.body_html
        if body is None:
            return None
        before = dataclasses.replace(before, body_html=body)
        return found[0].hex(), (*article_parts(before), *finding_parts(before, site.provinces[before.province].name))

    return engine.Sources(record, lambda key: digests[key].hex(), previous)


WORKER_NAME = "bantin search index"


class Indexer:
    """update_shard over every shard: in jobs - 1 worker processes forked as soon as it is made, so that they
    index while the build goes on (reading the ledger, rendering: the build's single-threaded stretches leave a
    core free), and in this process once results() is asked. Each process takes the next shard not yet taken
    (the largest first) until none is left: this process, done rendering, helps instead of waiting, and a forked
    copy of the site fewer is held meanwhile. Where fork is not offered, with one core, or for a small site, the
    shards are indexed when results() is asked, in this process alone. Plain processes and pipes, no executor:
    the render pool is then forked from a process with no thread of ours running."""

    def __init__(self, tasks: Sequence[engine.Task], sources: engine.Sources, root: Path, jobs: int) -> None:
        self.tasks, self.sources, self.root = list(tasks), sources, root
        self.workers: list[tuple[multiprocessing.process.BaseProcess, Connection]] = []
        self._order = sorted(self.tasks, key=lambda task: -len(task.keys))  # the largest first: the last end together
        self._taken: Any = _Count()  # the number of shards of _order taken (shared with the workers, if any)
        articles = sum(len(task.keys) for task in tasks)
        if jobs <= 1 or len(tasks) < 2 or articles < 200 or "fork" not in multiprocessing.get_all_start_methods():
            return
        context = multiprocessing.get_context("fork")
        self._taken = context.Value("i", 0)
        for _ in range(min(jobs, len(tasks)) - 1):
            receiving, sending = context.Pipe(duplex=False)
            process = context.Process(target=_index_taken, args=(self._order, self._taken, sources, root, sending),
                                      daemon=True, name=WORKER_NAME)
            process.start()
            sending.close()
            self.workers.append((process, receiving))

    @classmethod
    @contextlib.contextmanager
    def for_build(cls, loaded: Any, config: Config, search: bool, jobs: int,
                  provinces_bytes: bytes) -> Iterator[Indexer | None]:
        """The indexer of a build's plan (bantin's engine, with search), closed when the build ends; else None."""
        if not search or config.search.engine != "bantin":
            yield None
            return
        indexer = cls(tasks(loaded.shards, loaded.site, config, provinces_bytes, loaded.digests, loaded.pictures),
                      sources(loaded.site, loaded.provinces, loaded.pictures, loaded.digests, loaded.replaced,
                              config.language, loaded.bodies),
                      config.root, jobs)
        try:
            yield indexer
        finally:
            indexer.close()

    def results(self, cancelled: Callable[[], bool] | None = None) -> Iterator[engine.Result]:
        """Each shard's result as it comes; Cancelled when `cancelled` says so; a worker's failure raised here."""
        waiting = {connection: process for process, connection in self.workers}
        while True:
            ready = wait(list(waiting), timeout=0) if waiting else []
            for connection in ready:
                yield from self._received(connection, waiting)
            if not ready:
                task = _take(self._order, self._taken)
                if task is not None:
                    yield engine.update_shard(task, self.sources, engine.shard_folder(self.root, task.name))
                elif not waiting:
                    return
                else:
                    for connection in wait(list(waiting), timeout=0.1):
                        yield from self._received(connection, waiting)
            if cancelled is not None and cancelled():
                raise Cancelled()

    @staticmethod
    def _received(connection: Connection, waiting: dict[Connection, multiprocessing.process.BaseProcess]
                  ) -> Iterator[engine.Result]:
        """What a worker sent: a result is yielded, "done" ends its waiting, an error is raised."""
        try:
            kind, value = connection.recv()
        except EOFError:  # killed (out of memory?) before it said anything more
            raise RuntimeError(f"a search index worker ended with {waiting[connection].exitcode}") from None
        if kind == "error":
            raise value
        if kind == "done":
            del waiting[connection]
        else:
            yield value

    def close(self) -> None:
        """Stop the workers still running (the build failed or was given up) and wait for them."""
        for process, connection in self.workers:
            if process.is_alive():
                process.terminate()
            process.join()
            connection.close()
        self.workers = []


class _Count:
    """The number of shards taken, where this process indexes alone (with workers: a multiprocessing.Value)."""

    def __init__(self) -> None:
        self.value = 0

    def get_lock(self) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()


def _take(order: list[engine.Task], taken: Any) -> engine.Task | None:
    """The next shard no process has taken (None: all are), taken: `taken` counts those of `order` taken."""
    with taken.get_lock():
        number = taken.value
        if number >= len(order):
            return None
        taken.value = number + 1
    return order[number]


def _index_taken(order: list[engine.Task], taken: Any, sources: engine.Sources, root: Path,
                 sending: Connection) -> None:
    """A worker: update the shards not yet taken, one at a time, sending each result, or the error that
    stopped it, then "done"."""
    gc.freeze()  # what the build holds stays as forked: never scanned by this worker's collections, nor copied
    with contextlib.suppress(OSError):
        os.nice(5)  # the pages first: the index takes what rendering leaves of the cores, then the rest
    try:
        while (task := _take(order, taken)) is not None:
            sending.send(("result", engine.update_shard(task, sources, engine.shard_folder(root, task.name))))
    except BaseException as error:  # any failure goes to the build, which reports it
        try:
            sending.send(("error", error))
        except Exception:  # not picklable: its words
            sending.send(("error", RuntimeError(f"{type(error).__name__}: {error}")))
        return
    finally:
        with contextlib.suppress(OSError):
            sending.send(("done", None))
        sending.close()
