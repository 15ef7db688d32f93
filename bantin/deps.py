"""What each page read while it rendered: recorded, stored with digests, checked next build.

Nobody lists by hand what a layout shows. While an output renders, every read of the site's
data is recorded as a dependency: a layout reading `article.title` or `term.articles` goes
through the sandbox's attribute hook (render.LayoutEnvironment), and the renderer's own
Python records the lists it hands over (related news, latest news, a list page's slice).
A dependency is a small query, such as ("term-articles", "tag", "tri-thuc"), that
`Dependencies.digest` answers on any site; an incremental build re-renders an output only
when its plan entry, or the answer to one of its recorded queries, has changed. Site-wide
inputs (bantin's code, site.toml, the layouts, the assets, the province list) are part of
every plan entry, so changing one renders everything: a rebuild can never be stale.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from bantin.model import Output, Site, Term

Dep = tuple[str, ...]

# The queries a page can depend on, and what each answers:
ARTICLE = "article"  # (ARTICLE, key): every field of the article (its key and source digest);
#                      (ARTICLE, key, field): one field, as a layout reads it (article.title)
TERM = "term"  # (TERM, kind, slug): a term's name and URL
TERM_ARTICLES = "term-articles"  # (TERM_ARTICLES, kind, slug): the keys of its articles, in order
TERMS = "terms"  # (TERMS, kind): the slugs of every term of a kind, in order
RELATED = "related"  # (RELATED, key): the keys of an article's related news
NEIGHBOURS = "neighbours"  # (NEIGHBOURS, key): the previous and next article of its section
LATEST = "latest"  # (LATEST,): the keys of "Tin mới"
NEWEST = "newest"  # (NEWEST, n): the keys of the n newest articles of the site
SHARDS = "shards"  # (SHARDS,): the names of the search shards
SITEMAP = "sitemap"  # (SITEMAP,): every page of the sitemap with its last change


class Recorder:
    """Collects the dependencies of the output being rendered (one per renderer, one output at a time)."""

    def __init__(self) -> None:
        self.reads: set[Dep] | None = None

    def start(self) -> None:
        self.reads = set()

    def stop(self) -> frozenset[Dep]:
        reads, self.reads = self.reads or set(), None
        return frozenset(reads)

    def add(self, dep: Dep) -> None:
        if self.reads is not None:
            self.reads.add(dep)

    def term(self, term: Term, articles: bool = False) -> None:
        """A read of a term: its name and URL, and its article list too when `articles`."""
        if self.reads is not None:
            self.reads.add((TERM_ARTICLES if articles else TERM, term.kind, term.slug))


def _digest(value: object) -> bytes:
    return hashlib.blake2b(repr(value).encode("utf-8", "surrogatepass"), digest_size=16).digest()


class Dependencies:
    """Answers dependency queries on one assembled site, each once (the digests of the answers)."""

    def __init__(self, site: Site, sources: dict[str, bytes], shards: Iterable[str],
                 sitemap: list[tuple[str, object]]) -> None:
        self.site = site
        self.sources = sources  # article key -> digest of its source file
        self.shards = tuple(shards)
        self.sitemap = sitemap  # (path, last change) of every page in the sitemap
        self._terms = {"section": site.sections, "province": site.provinces, "topic": site.topics,
                       "tag": site.tags, "month": site.months, "year": site.years}
        self._memo: dict[Dep, bytes] = {}

    def digest(self, dep: Dep) -> bytes:
        """The digest of the answer to one query on this site ("missing" things answer too)."""
        found = self._memo.get(dep)
        if found is None:
            found = self._memo[dep] = _digest(self._answer(dep))
        return found

    def _answer(self, dep: Dep) -> object:
        site, kind = self.site, dep[0]
        if kind == ARTICLE:
            if len(dep) == 3:
                article = site.articles.get(dep[1])
                return None if article is None else repr(getattr(article, dep[2], None))
            return self.sources.get(dep[1])
        if kind in (TERM, TERM_ARTICLES):
            term = self._terms[dep[1]].get(dep[2])
            if term is None:
                return None
            return term.articles if kind == TERM_ARTICLES else (term.name, term.url)
        if kind == TERMS:
            return tuple(self._terms[dep[1]])
        if kind == RELATED:
            return site.related.get(dep[1])
        if kind == NEIGHBOURS:
            return site.neighbours.get(dep[1])
        if kind == LATEST:
            return site.latest
        if kind == NEWEST:
            return tuple(list(site.articles)[: int(dep[1])])
        if kind == SHARDS:
            return self.shards
        if kind == SITEMAP:
            return self.sitemap
        raise ValueError(f"unknown dependency {dep!r}")


def plan_entry(output: Output, site_wide: str) -> bytes:
    """The digest of an output's place in the plan and of everything every page depends on."""
    return _digest((site_wide, output.path, output.kind, output.key, output.page, output.pages))


@dataclass(frozen=True)
class PageRecord:
    """What the manifest keeps of one written output."""

    entry: bytes  # plan_entry() when it was rendered
    deps: frozenset[Dep]  # what it read
    digest: bytes  # digest of its bytes
    search_digest: bytes | None = None  # article pages: digest of what Pagefind reads of them


def stale(outputs: list[Output], entries: dict[str, bytes], before: dict[str, PageRecord],
          then: dict[Dep, bytes], now: Dependencies) -> list[Output]:
    """The outputs to render: new ones, moved ones, and those whose recorded reads changed."""
    changed = {dep for dep, digest in then.items() if now.digest(dep) != digest}
    todo = []
    for output in outputs:
        record = before.get(output.path)
        if record is None or record.entry != entries[output.path] or not changed.isdisjoint(record.deps):
            todo.append(output)
    return todo
