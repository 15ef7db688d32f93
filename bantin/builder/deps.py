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
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bantin.builder.ledger import Dep, Entry, Ledger
from bantin.builder.outputs import Output
from bantin.builder.plan import SitemapEntry, list_page, terms_by_kind
from bantin.builder.reads import Reads
from bantin.builder.reads import digest as query_digest
from bantin.content.model import Article, Site, Term
from bantin.documents.model import DocumentFacts
from bantin.photos.model import Picture

# The queries a page can depend on, and what each answers:
ARTICLE = "article"  # (ARTICLE, key): every field of the article;
#                      (ARTICLE, key, fields): the fields a layout read (("title", "url"))
TERM = "term"  # (TERM, kind, slug): a term's name and URL
TERM_ARTICLES = "term-articles"  # (TERM_ARTICLES, kind, slug): the keys of its articles, in order
LIST_PAGE = "list-page"  # (LIST_PAGE, kind, slug, number, size): one page of a term's list: its articles'
#                          keys and the pages its pager links to (plan.list_page); the count on the first
TERMS = "terms"  # (TERMS, kind): the slugs of every term of a kind, in order
TERMS_SHOWN = "terms-shown"  # (TERMS_SHOWN, kind): the slugs of the terms of a kind that have articles
RELATED = "related"  # (RELATED, key): the keys of an article's related news
NEIGHBOURS = "neighbours"  # (NEIGHBOURS, key): the previous and next article of its section
NEWEST = "newest"  # (NEWEST, n): the keys of the n newest articles of the site
SHARDS = "shards"  # (SHARDS,): the search shards, as the search page describes them
SITEMAP = "sitemap"  # (SITEMAP, part): the pages of a part of the sitemap with their last change;
#                      (SITEMAP, ""): the parts, with the last change of each
IMAGE = "image"  # (IMAGE, site path): the files made of a photo (their names and sizes), or none
DOCUMENT = "document"  # (DOCUMENT, site path): a document file's facts (type, size, pages, its digest), or none
NUMBER = "number"  # (NUMBER, key): the article that publishes the document of that number, and its URL
CITED_BY = "cited-by"  # (CITED_BY, key): the articles whose text names the document an article publishes
DATA = "data"  # (DATA, site path): a chart's table (bantin/markup/charts.py), as read from its file
FIELD = "field"  # only in Recorder.captures: (FIELD, key, name), a read of one field of an article


# what a remembered macro call read: (article key, field names) pairs, and the other dependencies
Remembered = tuple[tuple[tuple[str, tuple[str, ...]], ...], tuple[Dep, ...]]


class Recorder:
    """Collects the dependencies of the output being rendered (one per renderer, one output at a time)."""

    def __init__(self) -> None:
        self.reads: set[Dep] | None = None
        self.fields: dict[str, set[str]] = {}  # article key -> the fields read
        # reads made inside the macro calls being remembered (layouts.LayoutEnvironment), innermost last;
        # a field read is (FIELD, key, name), any other read its dependency
        self.captures: list[list[Dep]] = []

    def start(self) -> None:
        self.reads, self.fields = set(), {}

    def stop(self) -> frozenset[Dep]:
        reads, self.reads = self.reads or set(), None
        # one dependency per article shown, naming the fields read: a body edit then
        # re-renders only the pages that read bodies
        reads.update((ARTICLE, key, tuple(sorted(names))) for key, names in self.fields.items())
        return frozenset(reads)

    def field(self, key: str, name: str) -> None:
        """A read of one field of an article."""
        for capture in self.captures:
            capture.append((FIELD, key, name))
        if self.reads is not None:
            names = self.fields.get(key)
            if names is None:
                self.fields[key] = {name}
            else:
                names.add(name)

    def add(self, dep: Dep) -> None:
        for capture in self.captures:
            capture.append(dep)
        if self.reads is not None:
            self.reads.add(dep)

    def term(self, term: Term, articles: bool = False) -> None:
        """A read of a term: its name and URL, and its article list too when `articles`."""
        self.add((TERM_ARTICLES if articles else TERM, term.kind, term.slug))

    def replay(self, reads: Remembered) -> None:
        """Record again what a remembered macro call read when it ran (as remembered()). Never
        inside a call being remembered: such a call is part of the outer one's entry."""
        fields, others = reads
        if self.reads is not None:
            for key, names in fields:
                known = self.fields.get(key)
                if known is None:
                    self.fields[key] = set(names)
                else:
                    known.update(names)
            self.reads.update(others)

    @staticmethod
    def remembered(reads: list[Dep]) -> Remembered:
        """What a macro call read, grouped to be replayed at once: (article key, field names)
        pairs and the other dependencies. A card is replayed on some ten pages."""
        fields: dict[str, list[str]] = {}
        others: list[Dep] = []
        for dep in reads:
            if dep[0] == FIELD:
                fields.setdefault(dep[1], []).append(dep[2])  # type: ignore[arg-type]
            else:
                others.append(dep)
        return tuple((key, tuple(dict.fromkeys(names))) for key, names in fields.items()), tuple(others)


def _digest(value: object) -> bytes:
    return hashlib.blake2b(repr(value).encode("utf-8", "surrogatepass"), digest_size=16).digest()


class Dependencies:
    """Answers dependency queries on one assembled site, each once (the digests of the answers)."""

    def __init__(self, site: Site, sources: dict[str, bytes], shards: Iterable[object],
                 sitemap: dict[str, tuple[SitemapEntry, ...]], pictures: dict[str, Picture] | None = None,
                 documents: dict[str, DocumentFacts] | None = None, data: dict[str, object] | None = None) -> None:
        self.site = site
        self.documents = documents or {}  # site path -> a document's facts
        self.data = data or {}  # site path -> a chart's table
        self.sources = sources  # article key -> digest of its source file
        self.shards = tuple(shards)
        self.sitemap = sitemap  # part of the sitemap -> (path, last change) of its pages
        self.pictures = pictures or {}
        self._terms = terms_by_kind(site)
        self._memo: dict[Dep, bytes] = {}
        self._term_digests: dict[tuple[str, str], bytes] | None = None

    def digest(self, dep: Dep) -> bytes:
        """The digest of the answer to one query on this site ("missing" things answer too)."""
        found = self._memo.get(dep)
        if found is None:
            found = self._memo[dep] = _digest(self._answer(dep))
        return found

    def _answer(self, dep: Dep) -> object:
        """Articles are not asked here: they answer field by field (see `stale`)."""
        site, kind = self.site, dep[0]
        if kind in (TERM, TERM_ARTICLES):
            term = self._terms[dep[1]].get(dep[2])
            if term is None:
                return None
            return term.articles if kind == TERM_ARTICLES else (term.name, term.url)
        if kind == LIST_PAGE:
            term = self._terms[dep[1]].get(dep[2])
            if term is None:
                return None
            page = list_page(len(term.articles), int(dep[4]), int(dep[3]))
            count = len(term.articles) if page.number == 0 else None
            return term.articles[page.start: page.stop], page.newer, page.older, page.window, count
        if kind == TERMS:
            return tuple(self._terms[dep[1]])
        if kind == TERMS_SHOWN:
            return tuple(slug for slug, term in self._terms[dep[1]].items() if term.articles)
        if kind == RELATED:
            return site.related.get(dep[1])
        if kind == NEIGHBOURS:
            found = site.neighbours.get(dep[1])
            return found and (found.previous, found.next)  # a tuple's repr: a dataclass's is slow
        if kind == NEWEST:
            return tuple(list(site.articles)[: int(dep[1])])
        if kind == SHARDS:
            return self.shards
        if kind == SITEMAP:
            if dep[1]:  # datetimes' repr is slow: their ISO form says the same
                part = self.sitemap.get(dep[1])
                return part and tuple((path, when and when.isoformat()) for path, when in part)
            return tuple((name, max((when for _, when in entries if when), default=None))
                         for name, entries in self.sitemap.items())
        if kind == IMAGE:
            return self.pictures.get(dep[1])
        if kind == DOCUMENT:
            return self.documents.get(dep[1])
        if kind == NUMBER:
            held = site.numbers.get(dep[1])
            return held, site.articles[held].url if held else None
        if kind == CITED_BY:
            return site.cited_by.get(dep[1])
        if kind == DATA:
            return self.data.get(dep[1])
        raise ValueError(f"unknown dependency {dep!r}")

    def term_digests(self) -> dict[tuple[str, str], bytes]:
        """(kind, slug) -> the digest of each term: its name, URL and articles, all a term's queries answer from
        (TERM, TERM_ARTICLES, LIST_PAGE); kept in the ledger, so that those of an unchanged term are not asked."""
        if self._term_digests is None:
            self._term_digests = {(str(kind), slug): _term_digest(term) for kind, terms in self._terms.items()
                                  for slug, term in terms.items()}
        return self._term_digests


def _term_digest(term: Term) -> bytes:
    digest = hashlib.blake2b(f"{term.name!r}\0{term.url!r}\0".encode("utf-8", "surrogatepass"), digest_size=16)
    digest.update("\0".join(term.articles).encode("utf-8", "surrogatepass"))
    return digest.digest()


def plan_entry(output: Output, site_wide: str | hashlib.blake2b) -> bytes:
    """The digest of an output's place in the plan and of everything every page depends on (`site_wide`:
    its digest, or `site_wide_digest`'s, made once for every output of a build)."""
    digest = site_wide.copy() if isinstance(site_wide, hashlib.blake2b) else site_wide_digest(site_wide)
    digest.update(f"{output.path}\0{output.kind.value}\0{output.key}\0{output.page}".encode("utf-8", "surrogatepass"))
    return digest.digest()


def site_wide_digest(site_wide: str) -> hashlib.blake2b:
    """The start of every output's plan entry: what every page depends on."""
    return hashlib.blake2b(site_wide.encode("utf-8", "surrogatepass") + b"\0", digest_size=16)


# a field compared by another: a body is held on disk, its digest in the article (content/bodies.py)
_COMPARED = {"body_html": "body_digest"}
_MISSING = object()


@dataclass(frozen=True)
class RelatedChange:
    """Which articles' related news may differ from a stored state of it (the related store's token, which
    the ledger records with its answers): `keys`, or any when None."""

    since: str  # the state the keys are counted from ("": none known)
    now: str  # the state as this build stored it
    keys: frozenset[str] | None = None


def stale(outputs: list[Output], entries: dict[str, bytes], then: Ledger, now: Dependencies,
          replaced: dict[str, tuple[bytes, Article]], related: RelatedChange | None = None) -> list[Output]:
    """The outputs to render: new ones, moved ones, and those whose recorded reads changed.

    Articles answer by their fields: an article whose source file is unchanged reads as
    before (its fields follow from the file and the site-wide inputs); for an edited one,
    the fields are compared with its previous parse (`replaced`), or all count as changed.
    Only the recorded answers an input of which changed are asked again (`_suspects`).
    """
    edited = {key for key, digest in now.sources.items() if then.sources.get(key) != digest}
    edited |= then.sources.keys() - now.sources.keys()
    changed = {dep for dep in _suspects(then, now, edited, replaced, related) if now.digest(dep) != then.answers[dep]}
    # the ledger's pages read only the articles of its site: one new to the site (the daily case) none of them
    read = {key for key in edited if key in then.sources}
    fields: dict[Dep, bool] = {}

    def article_changed(dep: Dep) -> bool:
        if dep not in fields:
            old = replaced.get(dep[1])
            new = now.site.articles.get(dep[1])
            if len(dep) == 2 or old is None or new is None or old[0] != then.sources.get(dep[1]):
                fields[dep] = True  # the whole article, or its previous parse unknown
            else:
                fields[dep] = any(getattr(old[1], _COMPARED.get(name, name), _MISSING)
                                  != getattr(new, _COMPARED.get(name, name), _MISSING) for name in dep[2])
        return fields[dep]

    # the ledger's pages keep their reads in its store, asked by query (an entry holds them only when made in memory)
    reading: set[str] = set()
    if then.reads is not None:
        reading = then.reads.pages_reading(changed) if changed else set()
        if read:
            reading.update(path for path, dep in then.reads.reading_prefixes((ARTICLE, key) for key in read)
                           if article_changed(dep))
    todo = []
    for output in outputs:
        record = then.files.get(output.path)
        if record is None or record.origin != entries[output.path] or output.path in reading or (record.deps and (
                not changed.isdisjoint(record.deps) or (read and any(
                    dep[0] == ARTICLE and dep[1] in read and article_changed(dep) for dep in record.deps)))):
            todo.append(output)
    return todo


_TERM_QUERIES = frozenset({TERM, TERM_ARTICLES, LIST_PAGE})


def _suspects(then: Ledger, now: Dependencies, edited: set[str], replaced: dict[str, tuple[bytes, Article]],
              related: RelatedChange | None) -> Iterable[Dep]:
    """The recorded queries whose answer may have changed, of the bulk ones: a term's (list pages, its name, its
    articles) only where the term's digest changed; an article's neighbours only around an article added, removed
    or moved; its related news only where the related update searched again, from the state the ledger recorded."""
    terms = now.term_digests()
    old_terms = then.terms
    unchanged = {key for key, digest in terms.items() if old_terms.get(key) == digest}
    neighbours = _neighbours_reached(then, now, edited, replaced)
    related_keys = related.keys if related is not None and related.since and related.since == then.related else None
    for dep in then.answers:
        kind = dep[0]
        if kind in _TERM_QUERIES:
            if (dep[1], dep[2]) in unchanged:
                continue
        elif kind == NEIGHBOURS:
            if neighbours is not None and dep[1] not in neighbours:
                continue
        elif kind == RELATED and related_keys is not None and dep[1] not in related_keys:
            continue
        yield dep


def _neighbours_reached(then: Ledger, now: Dependencies, edited: set[str],
                        replaced: dict[str, tuple[bytes, Article]]) -> set[str] | None:
    """The articles whose previous or next article may differ from the ledger's site: each edited, added or
    removed article, its neighbours now, and those either side of its old place; None when an old place is
    unknown (an article left the site with its file unchanged: a draft, --drafts no longer given)."""
    site = now.site
    reached: set[str] = set()
    for key in edited:
        new = site.articles.get(key)
        if new is not None:
            reached.add(key)
            around = site.neighbours.get(key)
            if around is not None:
                reached.update(k for k in (around.previous, around.next) if k is not None)
        if key not in then.sources:
            continue  # new to the site: no old place
        hit = replaced.get(key)
        if hit is None or hit[0] != then.sources[key]:
            return None
        old = hit[1]
        if new is not None and (old.section, old.date) == (new.section, new.date):
            continue
        section = site.sections.get(old.section)
        if section is None:
            return None
        keys = section.articles
        at = bisect_left(keys, (-old.date.timestamp(), old.key),
                         key=lambda k: (-site.articles[k].date.timestamp(), k))
        reached.update(keys[max(0, at - 1): at + 1])
    return reached


def answers(pages: dict[str, Entry], rendered: Mapping[str, frozenset[Dep]], then: dict[Dep, bytes],
            now: Dependencies, reads: Reads | None = None) -> dict[Dep, bytes]:
    """The digest of every query the pages depend on, for the next build's `stale`.

    A page that was not rendered read nothing that changed, so its answers are the stored
    ones; only the queries of rendered pages (`rendered`: what each read) are asked. Queries nobody
    reads any more are dropped when many pages were rendered (or the pages of the ledger are fewer):
    finding them reads what every page read (the others' in `reads`, the ledger's store), and the few
    a day's build leaves (a removed article's) are only asked again.
    """
    if not rendered:
        return then
    if len(rendered) * 8 > len(pages) or len(pages) < len(then) // 4:
        kept = set().union(*rendered.values(), *(record.deps for record in pages.values()))
        if reads is not None:
            others = reads.read_by_others(rendered)
            kept.update(dep for dep in then if query_digest(dep) in others)
        answers = {dep: digest for dep, digest in then.items() if dep in kept}
    else:
        answers = dict(then)
    for deps in rendered.values():
        for dep in deps:
            if dep[0] != ARTICLE:  # articles answer by their fields (see stale)
                answers[dep] = now.digest(dep)
    return answers
