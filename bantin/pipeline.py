"""The build, as code, in order: load -> parse -> assemble -> plan -> render and write."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bantin import cache
from bantin.config import Config
from bantin.content import ArticleInvalid, discover, markdown_renderer, parse_article, project_relative, read_source
from bantin.deps import output_fingerprints
from bantin.errors import BuildFailed, ContentError
from bantin.inputs import input_files
from bantin.markup import MarkdownRenderer
from bantin.model import Article, Output, Site
from bantin.provinces import ProvinceList, load_provinces
from bantin.render import Renderer, plan
from bantin.sanitize import active_file
from bantin.search import BUNDLE_DIR, IndexReport, index_site, install_bundle, layouts_digest, plan_shards
from bantin.site import assemble
from bantin.write import asset_names, copy_assets, copy_file, overlay, staging, write_bytes

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
    written: tuple[str, ...] = ()  # output paths rendered by this build
    plan: Plan | None = None  # the site as built, for serve's quick preview of an edited article

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
    digests: dict[str, bytes]  # article key -> digest of its source file (its fingerprint)


def load(config: Config, options: BuildOptions, jobs: int) -> Plan:
    """Read, check and assemble the site and plan its pages, or raise BuildFailed with every error."""
    # 0. A build cache that came with the content (committed to git) could inject pages.
    tracked = cache.committed(config.root)
    if tracked:
        raise BuildFailed([ContentError(
            tracked[0], None, None, f".bantin-cache/ is committed to the repository ({len(tracked)} files)",
            hint="the cache is the build's own state and is never taken from content: "
                 "git rm -r --cached .bantin-cache, then commit")])
    provinces = load_provinces(config.provinces_file, project_relative(config.provinces_file, config.root)
                               if config.provinces_file else "")

    # 1. Read and check every article; gather all errors before stopping.
    #    Layouts and assets are checked too: nothing outside the project is ever read.
    found = discover(config)
    articles, errors, digests = parse_all(found.sources, config, provinces, jobs)
    errors = (found.errors + input_files(config.layouts_dir, config.root).errors
              + input_files(config.assets_dir, config.root).errors + errors)

    # 2. Leave out drafts and articles dated in the future, unless asked for.
    now = build_time(options)
    drafts = [a for a in articles if a.draft and not options.drafts]
    future = [a for a in articles if a.date > now and not options.future]
    left_out = {a.key for a in drafts + future}
    articles = [a for a in articles if a.key not in left_out]

    # 3. Assemble the site and plan every page; collisions are errors, never overwrites.
    #    Related news is recomputed only where documents changed since the cached answer.
    related_settings = cache.fingerprint(cache.code_digest(), config.related, _provinces_bytes(config))
    previous = cache.load(config.root, "related", related_settings) if options.write else None
    site, site_errors, memo = assemble(articles, config, provinces, with_related=options.write, previous=previous)
    if memo is not None and not site_errors and memo != previous:
        cache.save(config.root, "related", related_settings, memo)
    outputs, plan_errors = plan(site, config)
    static = {f.relative_to(config.content_dir).as_posix(): f for f in found.static}
    errors += site_errors + plan_errors + _static_collisions(static, outputs, config) + _active_files(static, config)
    if errors:
        raise BuildFailed(errors)
    return Plan(site, outputs, static, provinces, len(drafts), len(future),
                {key: digests[key] for key in site.articles})


@dataclass(frozen=True)
class Written:
    """What the output folder holds, as recorded after a build (.bantin-cache/output)."""

    pages: dict[str, str]  # output path -> fingerprint of what it shows (bantin/deps.py)
    assets: dict[str, str]  # assets/ name -> hashed site path
    static: dict[str, tuple[int, int]]  # static file -> (size, mtime_ns) of its source
    search: dict[str, str] | None  # shard -> bundle folder name; None: built without search


def build(config: Config, options: BuildOptions, progress: Progress | None = None) -> Report:
    """Build the site into config.output_dir, or raise BuildFailed with every error.

    Incremental: pages whose fingerprint is unchanged since the last build are not rendered
    again (see bantin/deps.py); the result is the same, byte for byte, as a clean build.
    """
    started = time.perf_counter()
    jobs = options.jobs or os.cpu_count() or 1
    loaded = load(config, options, jobs)
    site, outputs = loaded.site, loaded.outputs
    if not options.write:
        return Report(len(site.articles), 0, 0, loaded.skipped_drafts, loaded.skipped_future,
                      time.perf_counter() - started)

    shards = plan_shards(site, config.search.shard_years, config.search.shard_max)
    assets = asset_names(config.assets_dir, config.root)
    layouts = layouts_digest(config)
    global_digest = cache.fingerprint(cache.code_digest(), config, _provinces_bytes(config), layouts, assets)
    fingerprints = output_fingerprints(outputs, site, config, global_digest, (s.name for s in shards),
                                       loaded.digests)
    static = {relative: _stamp(source) for relative, source in loaded.static.items()}
    manifest_key = cache.fingerprint(config.output_dir)
    before: Written | None = cache.load(config.root, "output", manifest_key)
    if before is not None and not _intact(config.output_dir, before):
        before = None  # the output folder was changed by hand, or is gone: build it whole

    todo = [o for o in outputs if before is None or before.pages.get(o.path) != fingerprints[o.path]]
    page_of = {o.key: o.path for o in outputs if o.kind == "article"}
    search: IndexReport | None = None
    bundles: dict[str, Path] = {}
    if before is None:
        # 4. Render and write into a staging folder, swapped in only when all went well.
        with staging(config.output_dir) as stage:
            copy_assets(config.assets_dir, config.root, stage)
            for relative, source in loaded.static.items():
                copy_file(stage, relative, source)
            render_all(outputs, site, config, loaded.provinces, assets, stage, jobs, progress)
            # 5. Index the article pages for search, shard by shard, reusing unchanged shards.
            if options.search:
                search, bundles = index_site(site, config, shards, lambda rel: stage / rel, page_of, layouts)
                for name, bundle in bundles.items():
                    install_bundle(bundle, stage / BUNDLE_DIR / name)
    else:
        # 4. Only what changed: render into a staging folder, then move into the site.
        with overlay(config.output_dir) as changes:
            stage = changes.stage
            for path in before.pages.keys() - fingerprints.keys():
                changes.remove(path)
            if assets != before.assets:
                copy_assets(config.assets_dir, config.root, stage)
                for path in set(before.assets.values()) - set(assets.values()):
                    changes.remove(path.lstrip("/"))
            for relative, source in loaded.static.items():
                if before.static.get(relative) != static[relative]:
                    copy_file(stage, relative, source)
            for relative in before.static.keys() - static.keys():
                changes.remove(relative)
            render_all(todo, site, config, loaded.provinces, assets, stage, jobs, progress, plan=outputs)
            # 5. Re-index the shards whose articles changed; replace their bundles whole.
            if options.search:
                written = config.output_dir
                search, bundles = index_site(
                    site, config, shards, lambda rel: stage / rel if (stage / rel).exists() else written / rel,
                    page_of, layouts)
                for name, bundle in bundles.items():
                    if (before.search or {}).get(name) != bundle.name:
                        install_bundle(bundle, changes.replace_dir(f"{BUNDLE_DIR}/{name}"))
                for name in (before.search or {}).keys() - bundles.keys():
                    changes.remove(f"{BUNDLE_DIR}/{name}")
    # without --no-search the index is current; with it, an index already there stays as it was
    if options.search:
        indexed: dict[str, str] | None = {name: bundle.name for name, bundle in bundles.items()}
    else:
        indexed = before.search if before is not None else None
    cache.save(config.root, "output", manifest_key, Written(fingerprints, assets, static, indexed))
    return Report(len(site.articles), len(todo), len(assets) + len(loaded.static),
                  loaded.skipped_drafts, loaded.skipped_future, time.perf_counter() - started, search,
                  tuple(o.path for o in todo), loaded)


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


def _intact(output_dir: Path, written: Written) -> bool:
    """Does the output folder still hold every file the last build wrote?"""
    paths = [*written.pages, *(p.lstrip("/") for p in written.assets.values()), *written.static,
             *(f"{BUNDLE_DIR}/{name}/pagefind-entry.json" for name in written.search or {})]
    root = f"{output_dir}{os.sep}"
    return output_dir.is_dir() and all(os.path.isfile(root + path) for path in paths)


def _active_files(static: dict[str, Path], config: Config) -> list[ContentError]:
    """An HTML, SVG or script file under content/ would reach readers unsanitised."""
    return [
        ContentError(project_relative(source, config.root), None, None,
                     "a file a browser opens as a page with its own script would be published as it is",
                     hint="write the page as a Markdown article, or use a photo format (JPEG, PNG, WebP) for images; "
                          "[markdown] raw_html = \"trusted\" allows such files")
        for relative, source in static.items() if active_file(relative, config.markdown.raw_html)
    ]


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
    _worker["parse"] = (config, provinces, markdown_renderer(config))


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
              jobs: int) -> tuple[list[Article], list[ContentError], dict[str, bytes]]:
    """Parse every source, in worker processes when there are many; also each source's digest.

    Parsed articles are kept in .bantin-cache/articles by content hash: a file read before,
    unchanged, under the same settings and bantin, is not parsed (or rendered to HTML) again.
    """
    settings = cache.fingerprint(cache.code_digest(), _parse_settings(config), _provinces_bytes(config))
    stored: dict[str, tuple[bytes, Article]] = cache.load(config.root, "articles", settings) or {}
    kept: dict[str, tuple[bytes, Article]] = {}
    digests: dict[str, bytes] = {}
    todo: list[Path] = []
    for path in paths:
        rel = project_relative(path, config.root)
        digest = hashlib.blake2b(path.read_bytes(), digest_size=16).digest()
        hit = stored.get(rel)
        if hit is not None and hit[0] == digest:
            kept[rel] = hit
        else:
            digests[rel] = digest
            todo.append(path)
    articles, errors = _parse_fresh(todo, config, provinces, jobs)
    for article in articles:
        kept[article.key] = (digests[article.key], article)
    if todo or len(kept) != len(stored):
        cache.save(config.root, "articles", settings, kept)
    return [article for _, article in kept.values()], errors, {key: digest for key, (digest, _) in kept.items()}


def _parse_settings(config: Config) -> tuple[object, ...]:
    """What parsing an article reads of the config (serve's own base URL keeps the cache if the path is the same)."""
    return (config.root, config.base_path, config.timezone_name, config.sections, config.topics, config.paths,
            config.markdown)


def _provinces_bytes(config: Config) -> bytes:
    return config.provinces_file.read_bytes() if config.provinces_file else b""


def _parse_fresh(paths: list[Path], config: Config, provinces: ProvinceList,
                 jobs: int) -> tuple[list[Article], list[ContentError]]:
    if jobs <= 1 or len(paths) < PARALLEL_THRESHOLD:
        return _parse_paths(paths, config, provinces, markdown_renderer(config))
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
               assets: dict[str, str], stage: Path, jobs: int, progress: Progress | None,
               plan: list[Output] | None = None) -> None:
    """Render these outputs into the staging folder, in worker processes when there are many.

    `plan` is every output of the site (the sitemap lists them), when `outputs` are only some.
    """
    total = len(outputs)
    plan = outputs if plan is None else plan
    if jobs <= 1 or total < PARALLEL_THRESHOLD:
        renderer = Renderer(site, config, provinces, assets, plan)
        done = 0
        for chunk in _chunks(outputs, max(1, total // 100)):
            done += _render_outputs(chunk, renderer, stage)
            if progress:
                progress(done, total)
        return
    done = 0
    # fork: the workers inherit the assembled site instead of receiving a pickled copy
    with _pool(jobs, _init_renderer, (site, config, provinces, assets, plan, stage)) as pool:
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
