"""The build, as code, in order: load -> parse -> assemble -> plan -> render and write."""

from __future__ import annotations

import collections
import concurrent.futures
import dataclasses
import functools
import gc
import hashlib
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bantin.builder import journal, ledger, recovery, searching
from bantin.builder.deps import Dependencies, RelatedChange, answers, plan_entry, site_wide_digest, stale
from bantin.builder.ledger import Dep, Role
from bantin.builder.links import check_links
from bantin.builder.outputs import Kind, Output
from bantin.builder.plan import SitemapEntry, output_path, plan
from bantin.builder.render import Renderer
from bantin.builder.write import Copier, asset_names, overlay, staging, write_bytes
from bantin.content.assemble import RelatedMemo, assemble
from bantin.content.bodies import Bodies, BodyMissing, without_body
from bantin.content.checks import copies, dated_later, merged_away
from bantin.content.model import Article, Neighbours, Site
from bantin.content.parse import ArticleInvalid, References, discover, markdown_renderer, parse_article, read_source
from bantin.content.related import Answer, Document, Found
from bantin.documents import catalogue as documents
from bantin.documents.model import DocumentFacts
from bantin.language.errors import BuildFailed, Cancelled, ContentError
from bantin.language.messages import Text
from bantin.language.provinces import ProvinceList, load_provinces
from bantin.markup.charts import ChartInvalid, Table, read_table
from bantin.markup.markdown import MarkdownRenderer
from bantin.markup.sanitize import active_file
from bantin.photos import processing
from bantin.photos.model import Picture
from bantin.project import cache, hosts, lock
from bantin.project.config import Config
from bantin.project.inputs import check_file, input_files, project_relative
from bantin.search import engine
from bantin.search.documents import DocumentEntry
from bantin.search.index import article_words, bundle_files, document_shards, index_site, page_digest
from bantin.search.shards import IndexReport, Shard, plan_shards, shard_facts
from bantin.theme.copies import upgrade_warnings
from bantin.theme.files import asset_files
from bantin.theme.files import fingerprint as theme_fingerprint

# below this many files a process pool costs more than it saves
PARALLEL_THRESHOLD = 200

# (stage, done, total), stage one of STAGES: told as each stage moves on (the command line draws a bar)
Progress = Callable[[str, int, int], None]
STAGES = ("parse", "documents", "photos", "render", "index")
Cancel = Callable[[], bool]  # asked between steps: True gives the build up (serve, after a newer save)


def _check(cancelled: Cancel | None) -> None:
    if cancelled is not None and cancelled():
        raise Cancelled()


@dataclass(frozen=True)
class BuildOptions:
    """How to build, as given on the command line."""

    drafts: bool = False  # include articles with draft: true
    future: bool = False  # include articles dated after `now`
    now: datetime | None = None  # None: SOURCE_DATE_EPOCH, else the clock
    jobs: int = 0  # worker processes; 0: one per core
    write: bool = True  # False for `check`: validate everything, write nothing
    search: bool = True  # index the written pages with Pagefind (--no-search skips it)
    verify: bool = False  # read every file of the output and the cache's copies, not only those whose time changed


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
    written: tuple[str, ...] = ()  # output paths whose bytes this build changed (added or rewritten)
    removed: tuple[str, ...] = ()  # output paths this build removed
    plan: Plan | None = None  # the site as built, for serve's quick preview of an edited article
    warnings: tuple[ContentError, ...] = ()  # what an editor should know, though the build succeeded
    encoded: int = 0  # photos encoded (not found in the cache)
    repaired: tuple[str, ...] = ()  # output paths that differed from the ledger and were made again

    def summary(self) -> Text:
        said = Text("{articles}; {pages} and {files} written in {seconds:.2f} s",
                    articles=Text.counted("{count} article", "{count} articles", count=self.articles),
                    pages=pages_counted(self.pages),
                    files=Text.counted("{count} file", "{count} files", count=self.files), seconds=self.seconds)
        more = []
        if self.skipped_drafts:
            more.append(Text.counted("left out: {count} draft", "left out: {count} drafts", count=self.skipped_drafts))
        if self.skipped_future:
            more.append(Text.counted("left out: {count} article dated in the future",
                                     "left out: {count} articles dated in the future", count=self.skipped_future))
        if self.encoded:
            more.append(Text.counted("{count} photo encoded", "{count} photos encoded", count=self.encoded))
        if self.search:
            more.append(Text("search: {shards}, {indexed} re-indexed in {seconds:.2f} s",
                             shards=shards_counted(self.search.shards), indexed=len(self.search.indexed),
                             seconds=self.search.seconds))
        for part in more:
            said = Text("{first}; {second}", first=said, second=part)
        return said


def pages_counted(count: int) -> Text:
    """'1 page', '2 pages': for the summaries of build and serve."""
    return Text.counted("{count} page", "{count} pages", count=count)


def shards_counted(count: int) -> Text:
    """'1 shard', '2 shards' of the search index."""
    return Text.counted("{count} shard", "{count} shards", count=count)


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
    pictures: dict[str, Picture]  # site path -> a photo an article uses, and the files made of it
    warnings: list[ContentError]
    provinces: ProvinceList
    skipped_drafts: int
    skipped_future: int
    digests: dict[str, bytes]  # article key -> digest of its source file (its fingerprint)
    shards: list[Shard]  # the search index's shards, newest first
    replaced: dict[str, tuple[bytes, Article]]  # key -> (source digest, article) as parsed before an edit
    sitemap: dict[str, tuple[SitemapEntry, ...]]  # the sitemap's parts (plan.sitemap_parts)
    shard_facts: tuple[dict[str, Any], ...] = ()  # what the search page says of each shard (search.shard_facts)
    documents: documents.Catalogue | None = None  # the documents articles publish or link, read (or not)
    search_documents: dict[str, list[DocumentEntry]] = dataclasses.field(default_factory=dict)  # key -> its documents
    tables: dict[str, Table] = dataclasses.field(default_factory=dict)  # site path -> a chart's table, read
    bodies: Bodies | None = None  # the articles' bodies (the site's articles hold none: content/bodies.py)
    related: RelatedChange | None = None  # whose related news may have changed, since which state of its store

    @property
    def document_facts(self) -> dict[str, DocumentFacts]:
        """Site path -> the facts of each document an article names."""
        return self.documents.documents if self.documents is not None else {}


def load(config: Config, options: BuildOptions, jobs: int, progress: Progress | None = None,
         damaged: cache.Damaged | None = None) -> Plan:
    """Read, check and assemble the site and plan its pages, or raise BuildFailed with every error;
    `damaged` hears of every cache store found damaged (a miss: made again)."""
    # 0. A build cache that came with the content (committed to git) could inject pages.
    tracked = cache.committed(config.root)
    if tracked:
        raise BuildFailed([ContentError(
            tracked[0], None, None, Text(".bantin-cache/ is committed to the repository ({count} files)",
                                         count=len(tracked)),
            hint=Text("the cache is the build's own state and is never taken from content: {command}, then commit",
                      command="git rm -r --cached .bantin-cache"))])
    provinces = load_provinces(config.provinces_file, project_relative(config.provinces_file, config.root)
                               if config.provinces_file else "")

    # 1. Read and check every article; gather all errors before stopping. An article that
    #    fails still has its photos and links checked (`unparsed`), in the same run.
    #    Layouts and assets are checked too: nothing outside the project is ever read.
    found = discover(config)
    bodies = Bodies(config.root)
    parsed, errors, digests, replaced, unparsed = parse_all(found.sources, config, provinces, jobs, bodies, progress,
                                                            damaged)
    errors = (found.errors + input_files(config.layouts_dir, config.root).errors
              + input_files(config.assets_dir, config.root).errors + errors)

    # 2. Leave out drafts and articles dated in the future, unless asked for (each said by name).
    now = build_time(options)
    drafts = [a for a in parsed if a.draft and not options.drafts]
    future = [a for a in parsed if a.date > now and not options.future]
    left_out = {a.key for a in drafts + future}
    articles = [a for a in parsed if a.key not in left_out]
    warnings = dated_later(future, now, config.tz) + copies(articles) + merged_away(parsed, provinces)

    # 3. Assemble the site and plan every page; collisions are errors, never overwrites.
    #    Related news is recomputed only where documents changed since the cached answer.
    #    An article's entry names the source it was made from: an unchanged one's terms are not made again
    #    (they follow from the source and the settings the store's fingerprint holds, the parser's among them).
    related_settings = cache.fingerprint(cache.code_digest(), config.related, _provinces_bytes(config),
                                         _parse_settings(config))
    stored = cache.load_entries(config.root, "related", related_settings, damaged) if options.write else None
    previous = _related_memo(stored.values, digests) if stored and stored.token else None
    site, site_errors, memo = assemble(articles, config, provinces, with_related=options.write,
                                       previous=previous[0] if previous else None,
                                       mapper=functools.partial(_parallel_map, jobs=jobs),
                                       known=previous[1] if previous else None)
    related = None  # whose related news changed since the store's state the ledger recorded (deps.stale)
    if stored is not None and memo is not None and not site_errors:
        documents_by_key, answer = memo
        saved = cache.save_entries(stored, {key: (document, answer.lists.get(key, ()), answer.extents.get(key, 0),
                                                  digests[key]) for key, document in documents_by_key.items()})
        fallback = frozenset(key for key, found in answer.lists.items() if not found)  # _with_fallback's: any
        changed = None if answer.changed is None else answer.changed | fallback
        related = RelatedChange(stored.token, saved.token, changed)
    static = {f.relative_to(config.content_dir).as_posix(): f for f in found.static}
    outputs, sitemap, plan_errors = plan(site, config, frozenset(static))
    # 4. Every image an article shows (drafts' too) must exist; photos get their variants planned.
    #    Every link to the site must lead to a planned page or a file under content/.
    photos = processing.catalogue([*parsed, *unparsed], static, config, damaged)
    # 5. Every document an article publishes or links is read (or found in the cache): its facts for its
    #    card, its text for search; one that cannot be read is an error where it is the article's subject.
    found_documents = documents.catalogue(documents.uses_of([*parsed, *unparsed]), static, config, jobs,
                                          functools.partial(progress, "documents") if progress else None)
    tables, chart_errors = read_tables([*parsed, *unparsed], static, config)
    links = check_links([*articles, *unparsed], outputs, static, drafts + future, (r.stem for r in unparsed),
                        config.base_path)
    errors += (site_errors + plan_errors + _static_collisions(static, outputs, config) + _active_files(static, config)
               + photos.errors + found_documents.errors + chart_errors + links.errors)
    if errors:
        raise BuildFailed(errors, photos.warnings + found_documents.warnings + warnings + links.warnings)
    processed = {picture.path[1:] for picture in photos.pictures.values() if not picture.copied}
    static = {path: source for path, source in static.items() if path not in processed}  # published as variants
    shards = plan_shards(site, config.search.shard_years, config.search.shard_max, config.search.shard_recent)
    warnings = upgrade_warnings(config) + photos.warnings + found_documents.warnings + warnings + links.warnings
    pictures = {**photos.pictures, **found_documents.pictures}  # a document's first page, keyed by its path
    searched = search_entries(site, found_documents, config)
    facts = shard_facts(site, shards, searched)
    if config.search.engine == "bantin":  # the versions and buckets search-worker.js needs
        facts = tuple(fact | more for fact, more in zip(facts, searching.engine_facts(shards), strict=True))
    return Plan(site, outputs, static, pictures, warnings, provinces, len(drafts), len(future),
                {key: digests[key] for key in site.articles}, shards, replaced, sitemap, facts,
                found_documents, searched, tables, bodies, related)


def build(config: Config, options: BuildOptions, progress: Progress | None = None,
          cancelled: Cancel | None = None, wait: float | None = lock.WAIT_SECONDS,
          waiting: Callable[[Text], None] | None = None, previewed: frozenset[str] = frozenset()) -> Report:
    """Build the site into config.output_dir, or raise BuildFailed with every error.

    A cold build is an incremental build from an empty ledger: only the files whose origin
    or recorded dependencies changed are made again (bantin/builder/ledger.py, bantin/builder/deps.py), and
    the result is the same, byte for byte, as a clean build. `cancelled` is asked between
    steps; when it says so the build stops with Cancelled and the output stays as it was.
    One build at a time writes a project's output and cache: another one's lock is waited for
    `wait` seconds (None: as long as it takes, or until cancelled; `waiting` hears who holds it),
    then refused (lock.Busy). `previewed`: output paths serve's previews wrote since the last build
    (they differ from the ledger, and are made again, without a warning).
    """
    started = time.perf_counter()
    doing = "bantin build" if options.write else "bantin check"
    with lock.project_lock(config.root / cache.CACHE_DIR, doing, wait=wait, cancelled=cancelled, waiting=waiting):
        try:
            if not options.write:
                return _check_only(config, options, started)
            return _build_or_clean_up(config, options, started, progress, cancelled, previewed)
        finally:
            cache.release()  # serve builds again in the same process: the old state may go


def _build_or_clean_up(config: Config, options: BuildOptions, started: float, progress: Progress | None,
                       cancelled: Cancel | None, previewed: frozenset[str]) -> Report:
    """_build(); a failed one removes what it added to the cache, and a full disk is said as such."""
    entries = recovery.CacheEntries.now(config.root)
    try:
        try:
            return _build(config, options, started, progress, cancelled, previewed)
        except BodyMissing:  # a stored body is not the one its article names: the store is made again, once
            bodies = Bodies(config.root)
            bodies.forget()
            return _build(config, options, started, progress, cancelled, previewed, [project_relative(bodies.path,
                                                                                                      config.root)])
    except Cancelled:
        raise
    except Exception as error:
        entries.remove_added()  # a failed build leaves the cache no larger than it found it
        if isinstance(error, OSError) and error.errno in recovery.DISK_FULL:
            raise recovery.disk_full(error, config, _site_size(config)) from None
        raise


def _check_only(config: Config, options: BuildOptions, started: float) -> Report:
    """`check`: everything validated, nothing written but the parse cache."""
    damaged: list[str] = []
    loaded = load(config, options, options.jobs or os.cpu_count() or 1, None, damaged.append)
    return Report(len(loaded.site.articles), 0, 0, loaded.skipped_drafts, loaded.skipped_future,
                  time.perf_counter() - started, warnings=(*_damage_warnings(damaged), *loaded.warnings))


def _build(config: Config, options: BuildOptions, started: float, progress: Progress | None,
           cancelled: Cancel | None, previewed: frozenset[str] = frozenset(), damaged: list[str] | None = None
           ) -> Report:
    """The build itself, holding the project's lock; `damaged`: cache entries already found damaged."""
    jobs = options.jobs or os.cpu_count() or 1
    # 0. A build killed while it moved files in is finished or rolled back; what killed builds left goes.
    recovered = recovery.recover(config)
    damaged = list(damaged or ())  # cache entries found damaged: not used, made again, said once
    loaded = load(config, options, jobs, progress, damaged.append)

    _check(cancelled)
    # bantin's search index needs only the articles: its workers start now and index while the build goes on
    try:
        with searching.Indexer.for_build(loaded, config, options.search, jobs, _provinces_bytes(config)) as indexer:
            return _write_site(config, options, loaded, jobs, indexer, started, progress, cancelled,
                               (recovered, damaged, previewed))
    finally:
        if loaded.bodies is not None:  # the build's connection to the bodies' store (a preview opens its own)
            loaded.bodies.close()


def _write_site(config: Config, options: BuildOptions, loaded: Plan, jobs: int, indexer: searching.Indexer | None,
                started: float, progress: Progress | None, cancelled: Cancel | None,
                found: tuple[Text | None, list[str], frozenset[str]]) -> Report:
    """The rest of _build(): photos, what to make again, the pages, the search index, the record. `found`:
    what the build found before (a killed build recovered, the damaged cache entries, serve's previews)."""
    recovered, damaged, previewed = found
    site, outputs = loaded.site, loaded.outputs
    encoded = encode_photos(loaded, config, jobs, cancelled, progress)

    # 6. Compare the plan with the ledger of what the output folder holds: what to make again.
    #    The output is checked against the ledger first (by size and time; by every byte with
    #    --verify): a file that differs is made again, as if it had never been written.
    asset_sources = asset_files(config)
    assets = asset_names(asset_sources)
    site_wide = cache.fingerprint(cache.code_digest(), config, _provinces_bytes(config), _layouts_digest(config),
                                  assets)
    start = site_wide_digest(site_wide)
    entries = {o.path: plan_entry(o, start) for o in outputs}
    now = Dependencies(site, loaded.digests, loaded.shard_facts, loaded.sitemap,
                       loaded.pictures, loaded.document_facts, dict(loaded.tables))
    ledger_key = ledger.key(config.output_dir)  # another bantin's ledger is not trusted: the output is built whole
    recorded = ledger.load(config.root, ledger_key, damaged.append) if config.output_dir.is_dir() else None
    repaired: frozenset[str] = frozenset()
    strays: list[str] = []
    then = ledger.EMPTY
    if recorded is not None:
        check = ledger.verify(config.output_dir, {path: (entry.size, entry.digest)
                                                  for path, entry in recorded.files.items()},
                              recorded.stamps, full=options.verify)
        repaired = check.damaged
        then = dataclasses.replace(ledger.without(recorded, repaired), stamps=check.stamps)
        if options.verify:
            strays = ledger.strays(config.output_dir, recorded.files)
    todo = stale(outputs, entries, then, now, loaded.replaced, loaded.related)

    # 7. Make what changed in a staging folder: a whole new site (swapped in at the end) or the
    #    changed files (moved in at the end); either way all or nothing, recorded in the journal
    #    while it moves. Files of the ledger that are no longer planned are removed, with the
    #    folders they leave empty. Copies of the cache's files are checked against its digests.
    search: IndexReport | None = None
    copier = Copier()
    store = cache.store_path(config.root, ledger.STORE)
    journal_file = journal.journal_path(config.root)
    saved: list[ledger.Ledger] = []
    with (staging if recorded is None else overlay)(config.output_dir, journal_file, store) as changes:
        stage = changes.stage
        files = _place_checked(config.root, stage, then, lambda: _file_plan(config, asset_sources, assets, loaded),
                               copier, options.verify, damaged,
                               lambda: encode_photos(loaded, config, jobs, cancelled, progress))
        previous = {path: entry.digest for path, entry in then.files.items() if entry.role == Role.PAGE}
        rendered = render_all(todo, loaded, config, assets, stage, previous, jobs, progress, cancelled)
        # what the rendered pages read goes to the ledger's reads store, not into their entries
        read = {path: record.deps for path, record in rendered.items()}
        pages = {o.path: dataclasses.replace(rendered[o.path], origin=entries[o.path], deps=frozenset())
                 if o.path in rendered else then.files[o.path] for o in outputs}
        files.update(pages)

        # 8. Index the articles for search, reusing the shards whose articles are unchanged.
        shards = then.shards
        if options.search:
            own = indexer is not None  # bantin's own index ([search] engine = "bantin")
            # with it, Pagefind's documents' shards come after its shards, told in one count
            later = len(document_shards(loaded.shards, loaded.search_documents)) if own else 0
            search, shards, indexed = (index_articles(loaded, config, then, stage, indexer, progress, cancelled, copier,
                                                      damaged, later) if indexer is not None else (None, {}, {}))
            if not own or loaded.search_documents:  # Pagefind: the article pages, or the documents' only
                found, bundles, placed = index_pages(loaded, config, then, stage, pages, own, jobs, progress, cancelled,
                                                     copier, options.verify, damaged,
                                                     len(indexer.tasks) if indexer is not None else 0)
                search = found if search is None else IndexReport(
                    search.shards + found.shards, search.indexed + found.indexed, search.seconds + found.seconds)
                shards, indexed = {**shards, **bundles}, {**indexed, **placed}
            files.update(indexed)
        else:  # --no-search: an index already there stays as it is
            files.update({path: entry for path, entry in then.files.items() if entry.role == Role.SEARCH})
        gone = (then.files.keys() | repaired) - files.keys()  # no longer planned: removed, and their reads with them
        for path in sorted(gone) + strays:
            changes.remove(path)
        _check(cancelled)  # the last moment to give up: after this, the changes are moved in

        # 9. Record what the output folder will hold, with the answers its pages depended on; the
        #    record is stored once every file is in place (the moment the new site is committed).
        stamps = {path: stamp for path, stamp in then.stamps.items() if path in files}
        stamps.update(ledger.stamp_of((path, stage / path) for path in changes.changes()))
        after = ledger.Ledger(files, answers(pages, read, then.answers, now, then.reads), loaded.digests,
                              shards, config.base_url, stamps=stamps,
                              files_store=recorded.files_store if recorded else None,
                              files_state=recorded.files_state if recorded else None,
                              parts=recorded.parts if recorded else {}, stores=recorded.stores if recorded else {},
                              terms=now.term_digests(), related=loaded.related.now if loaded.related else "",
                              reads=then.reads)
        if (after != recorded or not ledger.files_store_intact(config.root, after)
                or ledger.address(config.root, ledger_key) != after.base_url):  # a deploy's stores, damaged
            changes.commit = lambda: saved.append(ledger.save(config.root, ledger_key, after, read, gone))
    if saved:
        processing.prune(loaded.pictures, config.root)
        if loaded.documents is not None:
            documents.prune(loaded.documents, config.root)
    changed = ledger.changes(then, after)
    # 10. The site against its host's limits (site.toml's [deploy] host): GitHub Pages' 1 GB, ...
    limits = hosts.warnings({path: entry.size for path, entry in files.items()}, config.deploy.host)
    said = (*_damage_warnings(damaged), *_repair_warnings(repaired - previewed, strays, recovered, config),
            *loaded.warnings, *limits)
    return Report(len(site.articles), len(todo), len(assets) + len(loaded.static), loaded.skipped_drafts,
                  loaded.skipped_future, time.perf_counter() - started, search, changed.written, changed.removed,
                  loaded, said, encoded, repaired=tuple(sorted(repaired)))


RelatedEntry = tuple[Document, tuple[str, ...], int, bytes]  # the related store's: terms, list, extent, source


def _related_memo(entries: dict[str, RelatedEntry], digests: dict[str, bytes]
                  ) -> tuple[RelatedMemo, dict[str, Document]]:
    """Related news as the last build left it (an entry per article), as assemble() takes it; and the terms
    of the articles whose source is the one their entry was made from (`digests`: each article's now)."""
    documents, lists, extents, known = {}, {}, {}, {}
    for key, (document, found, extent, source) in entries.items():
        documents[key], lists[key], extents[key] = document, found, extent
        if digests.get(key) == source:
            known[key] = document
    return (documents, Answer(lists, extents)), known


def _damage_warnings(damaged: list[str]) -> list[ContentError]:
    """One warning per damaged cache entry: it was not used, and was made again."""
    return [ContentError(path, None, None, Text("the build cache held a damaged file: it was not used, and was made "
                                                "again"),
                         hint=Text("if this happens again, check the disk"))
            for path in sorted(set(damaged))]


def _repair_warnings(repaired: frozenset[str], strays: list[str], recovered: Text | None,
                     config: Config) -> list[ContentError]:
    """What the build found wrong in the output folder, and put right."""
    folder = f"{config.output_dir.name}/"
    said = []
    if recovered is not None:
        said.append(ContentError(folder, None, None, Text("a build was stopped while it moved its files in: "
                                                          "its changes were {done}", done=recovered)))
    if repaired:
        names = sorted(repaired)
        shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
        said.append(ContentError(folder, None, None, Text.counted(
            "{count} file differed from what the last build wrote (changed by hand, or gone), and was made again: "
            "{files}", "{count} files differed from what the last build wrote (changed by hand, or gone), and were "
            "made again: {files}", count=len(names), files=shown)))
    if strays:
        shown = ", ".join(strays[:5]) + (", ..." if len(strays) > 5 else "")
        said.append(ContentError(folder, None, None, Text.counted(
            "{count} file that no build wrote was removed: {files}",
            "{count} files that no build wrote were removed: {files}", count=len(strays), files=shown)))
    return said


def _site_size(config: Config) -> int:
    """The site's size as last built, for the full disk's message (the output folder's when unknown)."""
    recorded = cache.load_entries(config.root, ledger.FILES, ledger.key(config.output_dir))
    if recorded.token:
        return sum(item[2] for item in recorded.values.values())
    return recovery.staged_size(config.output_dir)


def index_articles(loaded: Plan, config: Config, then: ledger.Ledger, stage: Path, indexer: searching.Indexer,
                   progress: Progress | None, cancelled: Cancel | None, copier: Copier, damaged: list[str],
                   later: int = 0) -> tuple[IndexReport, dict[str, str], dict[str, ledger.Entry]]:
    """bantin's search index (bantin/search/engine.py): the shards brought up to date in
    .bantin-cache/search-index/ by the indexer's workers (started with the build), and their changed files
    copied into the staging folder, each checked against the digest its shard recorded: a shard whose
    file differs is damaged (said in `damaged`), made whole again and copied again. Returns the report,
    each shard's version, and the ledger's entries of the index's files. Progress counts `later` shards
    more, indexed after these (the documents')."""
    started = time.perf_counter()
    tasks = {task.name: task for task in indexer.tasks}
    entries: dict[str, ledger.Entry] = {}
    made = []
    for done, result in enumerate(indexer.results(cancelled), start=1):
        if progress:
            progress("index", done, len(tasks) + later)
        placed = _place_shard(config.root, stage, then, result, copier)
        if placed is None:  # the cache's shard damaged: made again from its records, in this process
            folder = engine.shard_folder(config.root, result.name)
            damaged.append(project_relative(folder, config.root))
            shutil.rmtree(folder, ignore_errors=True)
            result = engine.update_shard(tasks[result.name], indexer.sources, folder)
            placed = _place_shard(config.root, stage, then, result, copier)
            if placed is None:
                raise _damaged_again([folder], config.root)
        if result.made != "kept":
            made.append(result.name)
        entries.update(placed)
    engine.drop_unplanned(config.root, set(tasks))
    made.sort(key=list(tasks).index)
    return (IndexReport(len(tasks), tuple(made), time.perf_counter() - started),
            {task.name: task.version for task in tasks.values()}, entries)


def _place_shard(root: Path, stage: Path, then: ledger.Ledger, result: engine.Result,
                 copier: Copier) -> dict[str, ledger.Entry] | None:
    """The ledger's entries of a shard's files, those the output lacks copied in (a copy: the site and the
    cache share no file); None when one of them is not the file its shard recorded (gone, or other bytes)."""
    folder = engine.shard_folder(root, result.name)
    stored = engine.Stored(folder, result.files)
    entries = {}
    for path, (digest, size) in result.files.items():  # their digests known: no file the output has read again
        entry = ledger.Entry(Role.SEARCH, bytes.fromhex(digest), size, digest)
        placed = f"{engine.OUTPUT_DIR}/{result.name}/{path}"
        if then.files.get(placed, _NO_FILE).digest != entry.digest:
            try:
                data = stored.read(path)
            except FileNotFoundError:
                return None
            if cache.file_digest(data) != entry.digest:
                return None
            copier.copy(stage, placed, None if path.startswith("f/") else folder / path, data)  # a fragment: packed
        entries[placed] = entry
    return entries


def index_pages(loaded: Plan, config: Config, then: ledger.Ledger, stage: Path, pages: dict[str, ledger.Entry],
                documents_only: bool, jobs: int, progress: Progress | None, cancelled: Cancel | None, copier: Copier,
                verify: bool, damaged: list[str], before: int = 0
                ) -> tuple[IndexReport, dict[str, str], dict[str, ledger.Entry]]:
    """Pagefind's index ([search] engine = "pagefind"): of the article pages, and, with either engine, of the
    documents' shards (bantin/search/documents.py: a document's result names the pages that match); with
    `documents_only`, those alone (bantin's own index holds the articles). Returns the report, each shard's
    bundle, and the ledger's entries of its files, placed in the staging folder (checked: a damaged bundle
    or document text is made again). Progress counts after `before` shards told already (bantin's own)."""
    page_of = {o.key: o.path for o in loaded.outputs if o.kind == Kind.ARTICLE}
    # the page as Pagefind reads it, and the source its hidden words come from (a layout may not show them all)
    search_digests = {key: (pages[path].search or b"") + loaded.digests[key] for key, path in page_of.items()}
    written = config.output_dir
    report: IndexReport | None = None

    def words(key: str) -> str:
        article = loaded.site.articles[key]
        return article_words(loaded.bodies.whole(article) if loaded.bodies is not None else article)

    def index() -> dict[str, Path]:
        nonlocal report
        read_again: set[Path] = set()
        while True:
            try:
                report, bundles = index_site(
                    config, loaded.shards, lambda rel: stage / rel if (stage / rel).exists() else written / rel,
                    page_of, search_digests, words, cancelled,
                    (lambda done, total: progress("index", before + done, before + total)) if progress else None,
                    jobs, loaded.search_documents, functools.partial(_document_text, loaded, config),
                    articles=not documents_only)
                return bundles
            except documents.TextDamaged as bad:  # a miss: the document is read again, its shard indexed
                _read_again(bad, read_again, loaded, config, damaged)

    bundles = index()
    placed = _place_checked(config.root, stage, then, lambda: _search_plan(bundles), copier, verify, damaged,
                            lambda: bundles.update(index()))
    assert report is not None
    return report, {name: bundle.name for name, bundle in bundles.items()}, placed


_NO_FILE = ledger.Entry(Role.SEARCH, b"", 0, None)
FilePlan = dict[str, tuple[Role, object, Path, Path | None]]  # output path -> (role, origin, source, cache entry)


def _file_plan(config: Config, asset_sources: dict[str, Path], assets: dict[str, str], loaded: Plan) -> FilePlan:
    """Every file of the site that is a copy of another: assets, photos' variants, files of content/.
    A file is copied again only when its origin changed: its hashed name, its photo's token, the size
    and time of its source (a fresh checkout has new times: then its bytes decide)."""
    planned: FilePlan = {path.lstrip("/"): (Role.ASSET, path, asset_sources[name], None)
                         for name, path in assets.items()}
    for relative, (token, source) in processing.outputs(loaded.pictures, config.root).items():
        planned[relative] = (Role.PHOTO, token, source, source.parent)
    for relative, source in loaded.static.items():
        stat = source.stat()
        planned[relative] = (Role.STATIC, (stat.st_size, stat.st_mtime_ns), source, None)
    return planned


def _search_plan(bundles: dict[str, Path]) -> FilePlan:
    """Every file of the search index: the shards' bundles, in the cache."""
    return {path: (Role.SEARCH, bundle.name, source, bundle)
            for name, bundle in bundles.items() for path, source in bundle_files(name, bundle).items()}


def _place_checked(root: Path, stage: Path, then: ledger.Ledger, planned: Callable[[], FilePlan], copier: Copier,
                   verify: bool, damaged: list[str], remake: Callable[[], object]) -> dict[str, ledger.Entry]:
    """_place, and when a cache entry turns out damaged: the entry removed, made again (`remake`), placed again."""
    files, bad = _place(stage, then, planned(), copier, verify)
    if not bad:
        return files
    for entry in sorted(bad):
        damaged.append(project_relative(entry, root))
        shutil.rmtree(entry, ignore_errors=True)
    remake()
    files, bad = _place(stage, then, planned(), copier, verify)
    if bad:
        raise _damaged_again(sorted(bad), root)
    return files


def _damaged_again(entries: list[Path], root: Path) -> BuildFailed:
    """Cache entries found damaged again as soon as they were made again: the disk's fault."""
    return BuildFailed([ContentError(project_relative(entry, root), None, None,
                                     Text("the build cache's file is damaged again as soon as it is written"),
                                     hint=Text("check the disk; deleting {folder} is safe", folder=".bantin-cache/"))
                        for entry in entries])


def _place(stage: Path, then: ledger.Ledger, planned: FilePlan, copier: Copier,
           verify: bool = False) -> tuple[dict[str, ledger.Entry], set[Path]]:
    """Put every planned copy whose origin changed into the staging folder, if its bytes changed too;
    return the ledger's entry of each, and the cache entries whose files are not the ones recorded
    (checked against their digests whenever read: always, with `verify`). Copies, never links: the
    site and the cache never share a file (bantin/builder/write.py)."""
    files = {}
    bad: set[Path] = set()
    digests: dict[Path, dict[str, bytes] | None] = {}
    for path, (role, origin, source, entry) in planned.items():
        old = then.files.get(path)
        kept = old is not None and old.role == role and old.origin == origin
        if kept and not (verify and entry is not None):
            files[path] = old
            continue
        try:
            data = source.read_bytes()
        except FileNotFoundError:
            if entry is None:
                raise
            bad.add(entry)
            continue
        digest = cache.file_digest(data)
        if entry is not None:
            if entry not in digests:
                digests[entry] = cache.manifest(entry)
            recorded = digests[entry]
            if recorded is None or recorded.get(source.relative_to(entry).as_posix()) != digest:
                bad.add(entry)
                continue
        if kept:
            files[path] = old
            continue
        if old is None or old.digest != digest:
            copier.copy(stage, path, source, data)
        files[path] = ledger.Entry(role, digest, len(data), origin)
    return files, bad


def _active_files(static: dict[str, Path], config: Config) -> list[ContentError]:
    """An HTML, SVG or script file under content/ would reach readers unsanitised."""
    return [
        ContentError(project_relative(source, config.root), None, None,
                     Text("a file a browser opens as a page with its own script would be published as it is"),
                     hint=Text("write the page as a Markdown article, or use a photo format (JPEG, PNG, WebP) for "
                               "images; {setting} allows such files", setting='[markdown] raw_html = "trusted"'))
        for relative, source in static.items() if active_file(relative, config.markdown.raw_html)
    ]


def _static_collisions(static: dict[str, Path], outputs: list[Output], config: Config) -> list[ContentError]:
    """A file under content/ may not take the place of a generated page."""
    pages = {o.path for o in outputs}
    return [
        ContentError(project_relative(source, config.root), None, None,
                     Text("this file would overwrite the generated page /{path}", path=relative),
                     hint=Text("rename or move it"))
        for relative, source in static.items() if relative in pages or relative.startswith("assets/")
    ]


# --- charts' tables --------------------------------------------------------------------------
def read_tables(articles: Iterable[Any], static: dict[str, Path], config: Config
                ) -> tuple[dict[str, Table], list[ContentError]]:
    """The table of every chart an article draws, read from its file under content/; an error names the
    file and its line when a table cannot be drawn, or the article when it asks for a column the table
    has not. A table with no file is the link check's to report."""
    tables: dict[str, Table] = {}
    errors: list[ContentError] = []
    failed: set[str] = set()
    for article in articles:
        for chart in getattr(article, "charts", ()):
            source = static.get(chart.data[1:])
            if source is None or chart.data in failed:
                continue
            if chart.data not in tables:
                try:
                    tables[chart.data] = read_table(source.read_bytes(), source.name)
                except ChartInvalid as invalid:
                    failed.add(chart.data)
                    errors.append(ContentError(project_relative(source, config.root), invalid.line, None,
                                               invalid.message, invalid.hint))
                    continue
            columns = tables[chart.data].columns[1:]
            missing = [name for name in chart.columns if name not in columns]
            if missing:
                errors.append(ContentError(article.key, None, "body", Text(
                    "the chart asks for the column {names}, which {path} has not", names=", ".join(missing),
                    path=chart.data), hint=Text("its columns: {names}", names=", ".join(columns))))
    return tables, errors


# --- documents for search --------------------------------------------------------------------
def search_entries(site: Site, found: documents.Catalogue, config: Config) -> dict[str, list[DocumentEntry]]:
    """Each article's documents as search indexes them: the one it publishes, then those its body links;
    a document linked from several articles is indexed once, under the article that publishes it, else
    the newest that links it. Documents without text (unreadable, a scan not read) are left out."""
    ocr = documents.ocr_key(config) if config.documents.ocr else ""
    entries: dict[str, list[DocumentEntry]] = {}
    taken: set[str] = set()
    publishing = [a for a in site.articles.values() if a.document is not None]
    for article in [*publishing, *site.articles.values()]:  # newest first, after the publishers
        for path, _, field in article.links:
            found_facts = found.documents.get(path)
            if path in taken or found_facts is None or not (found_facts.text_pages or found.ocr.get(path)):
                continue
            taken.add(path)
            published = article.document if field == "document" else None
            name = (published.summary or article.title) if published else _document_name(found_facts)
            entries.setdefault(article.key, []).append(DocumentEntry(
                article.key, article.title, article.url, path, name, (found_facts.format or found_facts.suffix).upper(),
                config.strings[f"unit_{found_facts.unit}"], found_facts.text_pages + len(found.ocr.get(path, ())),
                f"{found_facts.digest}-{found.reading}-{found.ocr.get(path, ())}-{ocr}"))
    return entries


def _document_name(facts: DocumentFacts) -> str:
    """What a result calls a document a body links: its own title when it has a few words, else its file's name."""
    title = facts.title.strip()
    return title if len(title.split()) >= 3 and "www." not in title.lower() else facts.path.rsplit("/", 1)[-1]


def _read_again(bad: documents.TextDamaged, done: set[Path], loaded: Plan, config: Config,
                damaged: list[str]) -> None:
    """A document's damaged text in the cache: said once, removed, and the document read again; the
    same text damaged again as soon as it is written is the disk's fault, and fails the build."""
    if bad.path in done:
        raise _damaged_again([bad.path], config.root)
    done.add(bad.path)
    damaged.append(project_relative(bad.path, config.root))
    bad.path.unlink(missing_ok=True)
    assert loaded.documents is not None
    documents.read_again(bad.facts, config, loaded.documents.reading)


def _document_text(loaded: Plan, config: Config, entry: DocumentEntry) -> tuple[str, ...]:
    """A document's text page by page, for its search record."""
    assert loaded.documents is not None
    facts = loaded.documents.documents[entry.url]
    return documents.text_of(facts, config.root, loaded.documents.reading, loaded.documents.ocr.get(entry.url, ()),
                             documents.ocr_key(config) if config.documents.ocr else "")


# --- parallel parsing -------------------------------------------------------------------
# Worker processes keep their converter in this module-level slot, set by the pool's
# initializer: that is how a process pool hands each worker its own long-lived objects.
_worker: dict[str, object] = {}


def _init_parser(config: Config, provinces: ProvinceList) -> None:
    _worker["parse"] = (config, provinces, markdown_renderer(config))


Parsed = tuple[list[Article], list[ContentError], list[References]]  # valid articles, errors, what invalid ones show


def _parse_chunk(paths: Sequence[Path]) -> Parsed:
    config, provinces, markdown = _worker["parse"]  # type: ignore[misc]
    return _parse_paths(paths, config, provinces, markdown)


def _parse_paths(paths: Iterable[Path], config: Config, provinces: ProvinceList, markdown: MarkdownRenderer) -> Parsed:
    articles, errors, unparsed = [], [], []
    for path in paths:
        try:
            articles.append(parse_article(read_source(path, config), config, provinces, markdown))
        except ArticleInvalid as invalid:
            errors.extend(invalid.errors)
            if invalid.references is not None:
                unparsed.append(invalid.references)
    return articles, errors, unparsed


def parse_all(paths: list[Path], config: Config, provinces: ProvinceList, jobs: int, bodies: Bodies,
              progress: Progress | None = None, damaged: cache.Damaged | None = None
              ) -> tuple[list[Article], list[ContentError], dict[str, bytes], dict[str, tuple[bytes, Article]],
                         list[References]]:
    """Parse every source, in worker processes when there are many; also each source's digest,
    the previous parse (with its source digest) of every article edited or removed since, and
    the photos and links of the articles that failed to parse (checked all the same).

    Parsed articles are kept in .bantin-cache/articles by content hash: a file read before,
    unchanged, under the same settings and bantin, is not parsed (or rendered to HTML) again.
    A file whose size, time and inode are those it had when it was last read is not read again
    (as git's index does; one changed within two seconds of its reading is always read).
    """
    settings = cache.fingerprint(cache.code_digest(), _parse_settings(config), _provinces_bytes(config))
    stored = cache.load_entries(config.root, "articles", settings, damaged)
    before: dict[str, tuple[bytes, Article, Stamp | None]] = stored.values
    held = bodies.held(damaged)
    kept: dict[str, tuple[bytes, Article, Stamp | None]] = {}
    digests: dict[str, bytes] = {}
    stamps: dict[str, Stamp | None] = {}
    restamped: dict[str, tuple[bytes, Article, Stamp | None]] = {}
    todo: list[Path] = []
    now = time.time_ns()
    for path in paths:
        rel = project_relative(path, config.root)
        hit = before.get(rel)
        if hit is not None and (rel, hit[1].body_digest) not in held:
            hit = None  # its body is not in the store (removed, or the store damaged): parsed again
        stamp = _stamp(path, now)
        if hit is not None and stamp is not None and hit[2] == stamp:
            kept[rel] = hit
            continue
        digest = hashlib.blake2b(path.read_bytes(), digest_size=16).digest()
        if hit is not None and hit[0] == digest:
            kept[rel] = hit
            if stamp is not None:  # its new time: stored when the store is written anyway (not after each checkout)
                restamped[rel] = (digest, hit[1], stamp)
        else:
            digests[rel], stamps[rel] = digest, stamp
            todo.append(path)
    errors: list[ContentError] = []
    unparsed: list[References] = []
    # the bodies go to their store chunk by chunk, committed before the parse cache that names them is saved
    with bodies.writing() as writer:
        for articles, chunk_errors, chunk_unparsed in _parse_fresh(todo, config, provinces, jobs, progress):
            writer.add((article.key, article.body_digest, article.body_html) for article in articles)
            for article in articles:
                kept[article.key] = (digests[article.key], without_body(article), stamps[article.key])
            errors.extend(chunk_errors)
            unparsed.extend(chunk_unparsed)
        # kept: each article's body, and the one it had before this build (the search index takes its words out)
        wanted = {(key, hit[1].body_digest) for hits in (kept, before) for key, hit in hits.items()}
        writer.remove(held - wanted)
    cache.save_entries(stored, kept, restamped)
    replaced = {key: (hit[0], hit[1]) for key, hit in before.items() if kept.get(key, (None,))[0] != hit[0]}
    return ([hit[1] for hit in kept.values()], errors, {key: hit[0] for key, hit in kept.items()}, replaced,
            unparsed)


Stamp = tuple[int, int, int]  # a file's (size, mtime_ns, inode)


def _stamp(path: Path, now: int) -> Stamp | None:
    """A source's size, time and inode; None when it changed too lately for them to tell (the same second)."""
    stat = path.stat()
    return None if stat.st_mtime_ns > now - 2_000_000_000 else (stat.st_size, stat.st_mtime_ns, stat.st_ino)


def _parse_settings(config: Config) -> tuple[object, ...]:
    """What parsing an article reads of the config (serve's own base URL keeps the cache if the path is the same)."""
    return (config.root, config.base_path, config.timezone_name, config.sections, config.topics, config.paths,
            config.markdown, config.strings["footnote_back"], config.documents.kinds)


def _layouts_digest(config: Config) -> str:
    """Digest of every layout and asset, the theme's and the site's own: a changed layout renders every page again."""
    return theme_fingerprint(config)


def _provinces_bytes(config: Config) -> bytes:
    return config.provinces_file.read_bytes() if config.provinces_file else b""


def _parse_fresh(paths: list[Path], config: Config, provinces: ProvinceList, jobs: int,
                 progress: Progress | None = None) -> Iterator[Parsed]:
    """The articles, errors and unparsed articles' references of `paths`, a chunk at a time."""
    if jobs <= 1 or len(paths) < PARALLEL_THRESHOLD:
        yield _parse_paths(paths, config, provinces, markdown_renderer(config))
        if progress and paths:
            progress("parse", len(paths), len(paths))
        return
    done = 0
    with _pool(jobs, _init_parser, (config, provinces)) as pool:
        for chunk, parsed in zip(chunks := _chunks(paths, jobs * 8), pool.map(_parse_chunk, chunks), strict=True):
            yield parsed
            done += len(chunk)
            if progress:
                progress("parse", done, len(paths))


# --- parallel photo encoding ------------------------------------------------------------
def _encode(job: tuple[Picture, Path, Config]) -> str | None:
    picture, source, config = job
    return processing.encode(picture, source, config.images, config.root)


def encode_photos(loaded: Plan, config: Config, jobs: int, cancelled: Cancel | None = None,
                  progress: Progress | None = None) -> int:
    """Encode the photos whose variants are not cached yet, one per core; BuildFailed names
    the articles that show a photo that turns out unreadable. Returns how many were encoded."""
    todo = processing.missing(loaded.pictures, config.root)
    if not todo:
        return 0
    work = [(picture, config.root / picture.source, config) for picture in todo]
    failed: dict[str, str] = {}
    pool = _pool(min(jobs, len(work)), _init_nothing, ()) if jobs > 1 and len(work) > 1 else None
    try:
        results = pool.map(_encode, work) if pool is not None else map(_encode, work)
        for done, ((picture, _, _), problem) in enumerate(zip(work, results, strict=True), start=1):
            if problem is not None:
                failed[picture.token] = problem
            if progress:
                progress("photos", done, len(work))
            _check(cancelled)
    finally:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
    if failed:
        raise BuildFailed([
            ContentError(key, line, field, Text("the image {path} cannot be used: {problem}", path=picture.path,
                                                problem=failed[picture.token]),
                         hint=Text("replace the file with a JPEG or PNG photo"))
            for picture in loaded.pictures.values() if picture.token in failed
            for key, line, field in _showing(loaded, picture)])
    return len(todo)


def _showing(loaded: Plan, picture: Picture) -> list[tuple[str, int | None, str | None]]:
    """(article, line, field) of every reference to a photo; the photo itself if only drafts show it."""
    found: list[tuple[str, int | None, str | None]] = [
        (article.key, line, field) for article in loaded.site.articles.values()
        for path, line, field in article.images if path == picture.path]
    return found or [(picture.source, None, None)]


def _init_nothing() -> None:
    """Encoding workers need nothing set up."""


# --- parallel related news ---------------------------------------------------------------
def _init_search(search: Callable[[str], Found]) -> None:
    _worker["related"] = search


def _search_chunk(keys: Sequence[str]) -> list[Found]:
    search = _worker["related"]
    return [search(key) for key in keys]  # type: ignore[operator]


def _parallel_map(search: Callable[[str], Found], keys: list[str], jobs: int) -> list[Found]:
    """map(search, keys) in worker processes when there are many keys (they inherit the index)."""
    if jobs <= 1 or len(keys) < PARALLEL_THRESHOLD * 10:
        return list(map(search, keys))
    with _pool(jobs, _init_search, (search,)) as pool:
        return [found for chunk in pool.map(_search_chunk, _chunks(keys, jobs * 4)) for found in chunk]


# --- parallel rendering -----------------------------------------------------------------
def _init_renderer(loaded: Plan, config: Config, assets: dict[str, str], stage: Path,
                   previous: dict[str, bytes]) -> None:
    renderer = Renderer(loaded.site, config, loaded.provinces, assets, loaded.sitemap,
                        loaded.shard_facts, loaded.pictures, loaded.document_facts, loaded.tables, loaded.bodies)
    _worker["render"] = (renderer, stage, previous)


def _render_chunk(outputs: Sequence[Output]) -> dict[str, ledger.Entry]:
    renderer, stage, previous = _worker["render"]  # type: ignore[misc]
    return _render_outputs(outputs, renderer, stage, previous)


def _render_outputs(outputs: Iterable[Output], renderer: Renderer, stage: Path,
                    previous: dict[str, bytes]) -> dict[str, ledger.Entry]:
    """Render outputs, recording what each read; write only those whose bytes changed."""
    origin = renderer.config.base_url.removesuffix(renderer.config.base_path.lstrip("/"))
    records = {}
    for output in outputs:
        data, reads = renderer.render_recorded(output)
        digest = hashlib.blake2b(data, digest_size=16).digest()
        if previous.get(output.path) != digest:
            write_bytes(stage, output.path, data)
        search = page_digest(data, origin) if output.kind == Kind.ARTICLE else None
        records[output.path] = ledger.Entry(Role.PAGE, digest, len(data), b"", reads, search)  # origin: set by build()
    return records


def render_all(outputs: list[Output], loaded: Plan, config: Config, assets: dict[str, str], stage: Path,
               previous: dict[str, bytes], jobs: int, progress: Progress | None,
               cancelled: Cancel | None = None) -> dict[str, ledger.Entry]:
    """Render these outputs into the staging folder, in worker processes when there are many.

    `previous` holds the digest of each page as last written: a page rendered to the same
    bytes is not written again. Returns what each output read (its record, entry to be set).
    """
    total = len(outputs)
    records: dict[str, ledger.Entry] = {}
    interned: dict[Dep, Dep] = {}  # one object per dependency: the manifest stays small
    _init_renderer(loaded, config, assets, stage, previous)
    if jobs <= 1 or total < PARALLEL_THRESHOLD:
        chunks: Iterable[dict[str, ledger.Entry]] = map(_render_chunk, _chunks(outputs, max(1, total // 100)))
        pool = None
    else:
        # This process renders beside jobs - 1 workers forked from it, which inherit the assembled site instead of
        # receiving a pickled copy. Each worker ends up with a copy of its own (CPython writes the reference count
        # of every object a page reads, so the pages of memory holding them are copied): one worker fewer, one
        # copy of the site fewer.
        pool = _pool(jobs - 1, _init_renderer, (loaded, config, assets, stage, previous))
        # small chunks: the last ends soon after the others
        chunks = _shared_chunks(pool, jobs - 1, _chunks(outputs, jobs * 48))
        # What the build holds now is left out of the collections of the garbage, here and in the workers: a
        # collection writes in every object it scans, which would copy the pages of memory the workers share.
        gc.freeze()
    try:
        for chunk in chunks:
            for path, record in chunk.items():
                deps = frozenset(interned.setdefault(dep, dep) for dep in record.deps)
                records[path] = dataclasses.replace(record, deps=deps)
            if progress:
                progress("render", len(records), total)
            _check(cancelled)
    finally:
        if pool is not None:  # given up: chunks not started are dropped, running ones end on their own
            pool.shutdown(wait=False, cancel_futures=True)
            gc.unfreeze()
    return records


def _shared_chunks(pool: ProcessPoolExecutor, workers: int, chunks: list[Sequence[Output]]
                   ) -> Iterator[dict[str, ledger.Entry]]:
    """Each chunk's records: the pool's workers take chunks from the front, this process from the back,
    until none is left; the pool is kept two chunks a worker ahead, so that it never waits for this process."""
    waiting = collections.deque(chunks)
    running: set[Future[dict[str, ledger.Entry]]] = set()
    ahead = 2 * workers
    while waiting or running:
        while waiting and len(running) < ahead:
            running.add(pool.submit(_render_chunk, waiting.popleft()))
        finished = {future for future in running if future.done()}
        if not finished and waiting:
            yield _render_chunk(waiting.pop())
            continue
        if not finished:
            finished, _ = concurrent.futures.wait(running, return_when=concurrent.futures.FIRST_COMPLETED)
        for future in finished:
            running.discard(future)
            yield future.result()


def _pool(jobs: int, initializer: Callable[..., None], args: tuple) -> ProcessPoolExecutor:
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method),
                               initializer=initializer, initargs=args)


def _chunks(items: Sequence, count: int) -> list[Sequence]:
    """Split items into about `count` contiguous chunks."""
    size = max(1, -(-len(items) // max(1, count)))
    return [items[i: i + size] for i in range(0, len(items), size)]


def preview(loaded: Plan, config: Config, path: Path) -> tuple[str, bytes] | None:
    """One edited article's own page, rendered at once with an earlier built site around it.

    For `serve`: (output path, bytes), or None when the file is not an article, may not be
    read, is invalid, or would take another page's place (the full build that follows
    reports and does the rest). A new article, or one whose URL changed, gets its page too.
    The page is written by write.replace_file; the next build brings every page that shows
    the article, this one included, up to date.
    """
    if path.suffix != ".md" or not path.is_relative_to(config.content_dir) or check_file(path, config.root):
        return None
    key = project_relative(path, config.root)
    try:
        article = parse_article(read_source(path, config), config, loaded.provinces, markdown_renderer(config))
    except ArticleInvalid:
        return None
    output = Output(output_path(article.url), Kind.ARTICLE, key)
    if any(o.path == output.path and (o.kind != Kind.ARTICLE or o.key != key) for o in loaded.outputs):
        return None
    site = dataclasses.replace(loaded.site, articles={**loaded.site.articles, key: article})
    if key not in site.neighbours:
        site = dataclasses.replace(site, neighbours={**site.neighbours, key: Neighbours(None, None)})
    renderer = Renderer(site, config, loaded.provinces, asset_names(asset_files(config)), loaded.sitemap,
                        loaded.shard_facts, loaded.pictures, loaded.document_facts, loaded.tables, loaded.bodies)
    try:
        return output.path, renderer.render(output)
    except Exception:  # a new tag or a layout error: best effort only, the build says what is wrong
        return None
