"""The build, as code, in order: load -> parse -> assemble -> plan -> render and write."""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bantin.config import Config
from bantin.content import ArticleInvalid, discover, parse_article, project_relative, read_source
from bantin.errors import BuildFailed, ContentError
from bantin.markup import MarkdownRenderer
from bantin.model import Article, Output, Site
from bantin.provinces import ProvinceList, load_provinces
from bantin.render import Renderer, plan
from bantin.search import IndexReport, index_site, plan_shards
from bantin.site import assemble
from bantin.write import copy_assets, copy_file, staging, write_bytes

# below this many files a process pool costs more than it saves
PARALLEL_THRESHOLD = 200

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BuildOptions:
    """How to build, as given on the command line."""

    drafts: bool = False  # include articles with draft: true
    future: bool = False  # include articles dated after `now`
    now: datetime | None = None  # None: SOURCE_DATE_EPOCH, else the clock
    jobs: int = 0  # worker processes; 0: one per core
    write: bool = True  # False for `check`: validate everything, write nothing
    search: bool = True  # index the written pages with Pagefind (--no-search skips it)


@dataclass(frozen=True)
class Report:
    """What a build did, for the one-line summary."""

    articles: int
    pages: int
    files: int  # assets and static files copied
    skipped_drafts: int
    skipped_future: int
    seconds: float
    search: IndexReport | None = None

    def summary(self) -> str:
        skipped = []
        if self.skipped_drafts:
            skipped.append(f"{self.skipped_drafts} drafts")
        if self.skipped_future:
            skipped.append(f"{self.skipped_future} future")
        left_out = f" (left out: {', '.join(skipped)})" if skipped else ""
        search = ""
        if self.search:
            search = (f"; search: {self.search.shards} shards, {len(self.search.indexed)} re-indexed "
                      f"in {self.search.seconds:.2f} s")
        return (f"{self.articles} articles, {self.pages} pages and {self.files} files written "
                f"in {self.seconds:.2f} s{left_out}{search}")


def build_time(options: BuildOptions) -> datetime:
    """The build's notion of now: the option, SOURCE_DATE_EPOCH, or the clock."""
    if options.now is not None:
        return options.now
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC)


@dataclass(frozen=True)
class Plan:
    """A checked site, ready to write: everything a build knows before it writes a byte."""

    site: Site
    outputs: list[Output]
    static: dict[str, Path]  # output path -> file under content/ copied as it is
    provinces: ProvinceList
    skipped_drafts: int
    skipped_future: int


def load(config: Config, options: BuildOptions, jobs: int) -> Plan:
    """Read, check and assemble the site and plan its pages, or raise BuildFailed with every error."""
    provinces = load_provinces(config.provinces_file, project_relative(config.provinces_file, config.root)
                               if config.provinces_file else "")

    # 1. Read and check every article; gather all errors before stopping.
    found = discover(config)
    articles, errors = parse_all(found.sources, config, provinces, jobs)
    errors = found.errors + errors

    # 2. Leave out drafts and articles dated in the future, unless asked for.
    now = build_time(options)
    drafts = [a for a in articles if a.draft and not options.drafts]
    future = [a for a in articles if a.date > now and not options.future]
    left_out = {a.key for a in drafts + future}
    articles = [a for a in articles if a.key not in left_out]

    # 3. Assemble the site and plan every page; collisions are errors, never overwrites.
    site, site_errors = assemble(articles, config, provinces, with_related=options.write)
    outputs, plan_errors = plan(site, config)
    static = {f.relative_to(config.content_dir).as_posix(): f for f in found.static}
    errors += site_errors + plan_errors + _static_collisions(static, outputs, config)
    if errors:
        raise BuildFailed(errors)
    return Plan(site, outputs, static, provinces, len(drafts), len(future))


def build(config: Config, options: BuildOptions, progress: Progress | None = None) -> Report:
    """Build the whole site into config.output_dir, or raise BuildFailed with every error."""
    started = time.perf_counter()
    jobs = options.jobs or os.cpu_count() or 1
    loaded = load(config, options, jobs)
    site, outputs = loaded.site, loaded.outputs

    # 4. Render and write into a staging folder, swapped in only when all went well.
    files = 0
    search: IndexReport | None = None
    if options.write:
        with staging(config.output_dir) as stage:
            assets = copy_assets(config.assets_dir, stage)
            for relative, source in loaded.static.items():
                copy_file(stage, relative, source)
            render_all(outputs, site, config, loaded.provinces, assets, stage, jobs, progress)
            files = len(assets) + len(loaded.static)
            # 5. Index the article pages for search, shard by shard, reusing unchanged shards.
            if options.search:
                shards = plan_shards(site, config.search.shard_years, config.search.shard_max)
                pages = {o.key: o.path for o in outputs if o.kind == "article"}
                search = index_site(site, config, shards, stage, pages, config.root)
    return Report(len(site.articles), len(outputs) if options.write else 0, files,
                  loaded.skipped_drafts, loaded.skipped_future, time.perf_counter() - started, search)


def _static_collisions(static: dict[str, Path], outputs: list[Output], config: Config) -> list[ContentError]:
    """A file under content/ may not take the place of a generated page."""
    pages = {o.path for o in outputs}
    return [
        ContentError(project_relative(source, config.root), None, None,
                     f"this file would overwrite the generated page /{relative}", hint="rename or move it")
        for relative, source in static.items() if relative in pages or relative.startswith("assets/")
    ]


# --- parallel parsing -------------------------------------------------------------------
# Worker processes keep their converter in this module-level slot, set by the pool's
# initializer: that is how a process pool hands each worker its own long-lived objects.
_worker: dict[str, object] = {}


def _init_parser(config: Config, provinces: ProvinceList) -> None:
    _worker["parse"] = (config, provinces, MarkdownRenderer(config.base_path))


def _parse_chunk(paths: Sequence[Path]) -> tuple[list[Article], list[ContentError]]:
    config, provinces, markdown = _worker["parse"]  # type: ignore[misc]
    return _parse_paths(paths, config, provinces, markdown)


def _parse_paths(paths: Iterable[Path], config: Config, provinces: ProvinceList,
                 markdown: MarkdownRenderer) -> tuple[list[Article], list[ContentError]]:
    articles, errors = [], []
    for path in paths:
        try:
            articles.append(parse_article(read_source(path, config), config, provinces, markdown))
        except ArticleInvalid as invalid:
            errors.extend(invalid.errors)
    return articles, errors


def parse_all(paths: list[Path], config: Config, provinces: ProvinceList,
              jobs: int) -> tuple[list[Article], list[ContentError]]:
    """Parse every source, in worker processes when there are many."""
    if jobs <= 1 or len(paths) < PARALLEL_THRESHOLD:
        return _parse_paths(paths, config, provinces, MarkdownRenderer(config.base_path))
    articles: list[Article] = []
    errors: list[ContentError] = []
    with _pool(jobs, _init_parser, (config, provinces)) as pool:
        for chunk_articles, chunk_errors in pool.map(_parse_chunk, _chunks(paths, jobs * 8)):
            articles.extend(chunk_articles)
            errors.extend(chunk_errors)
    return articles, errors


# --- parallel rendering -----------------------------------------------------------------
def _init_renderer(site: Site, config: Config, provinces: ProvinceList, assets: dict[str, str],
                   outputs: list[Output], stage: Path) -> None:
    _worker["render"] = (Renderer(site, config, provinces, assets, outputs), stage)


def _render_chunk(outputs: Sequence[Output]) -> int:
    renderer, stage = _worker["render"]  # type: ignore[misc]
    return _render_outputs(outputs, renderer, stage)


def _render_outputs(outputs: Iterable[Output], renderer: Renderer, stage: Path) -> int:
    count = 0
    for output in outputs:
        write_bytes(stage, output.path, renderer.render(output))
        count += 1
    return count


def render_all(outputs: list[Output], site: Site, config: Config, provinces: ProvinceList,
               assets: dict[str, str], stage: Path, jobs: int, progress: Progress | None) -> None:
    """Render every output into the staging folder, in worker processes when there are many."""
    total = len(outputs)
    if jobs <= 1 or total < PARALLEL_THRESHOLD:
        renderer = Renderer(site, config, provinces, assets, outputs)
        done = 0
        for chunk in _chunks(outputs, max(1, total // 100)):
            done += _render_outputs(chunk, renderer, stage)
            if progress:
                progress(done, total)
        return
    done = 0
    # fork: the workers inherit the assembled site instead of receiving a pickled copy
    with _pool(jobs, _init_renderer, (site, config, provinces, assets, outputs, stage)) as pool:
        for count in pool.map(_render_chunk, _chunks(outputs, jobs * 16)):
            done += count
            if progress:
                progress(done, total)


def _pool(jobs: int, initializer: Callable[..., None], args: tuple) -> ProcessPoolExecutor:
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method),
                               initializer=initializer, initargs=args)


def _chunks(items: Sequence, count: int) -> list[Sequence]:
    """Split items into about `count` contiguous chunks."""
    size = max(1, -(-len(items) // max(1, count)))
    return [items[i: i + size] for i in range(0, len(items), size)]
