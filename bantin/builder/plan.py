"""Planning: every file the site will have, decided from the assembled site before any is written."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from bantin.builder.feeds import FEED_KINDS, feed_url
from bantin.builder.outputs import DOCUMENT_KINDS, LIST_KINDS, Kind, Output
from bantin.content.model import Site, Term
from bantin.language.errors import ContentError
from bantin.language.messages import Text
from bantin.project.config import Config
from bantin.search.index import BUNDLE_DIR

SITEMAP_LIMIT = 50_000  # URLs per sitemap file, as the protocol requires


def output_path(url: str) -> str:
    """'/tin-tuc/2023/x/' -> 'tin-tuc/2023/x/index.html'; '/old.html' -> 'old.html'."""
    path = url.lstrip("/")
    return path if path.endswith(".html") else f"{path}index.html"


def page_url(term_url: str, number: int, page_word: str) -> str:
    """URL of page `number` of a list whose first page (number 0) is `term_url`."""
    return term_url if number == 0 else f"{term_url}{page_word}/{number}/"


# --- lists that stay put ------------------------------------------------------------------
# A list's pages are numbered from its oldest article: page 1 holds the oldest `size`
# articles, page 2 the next, and the first page (number 0, at the list's own URL) the
# newest `size` to 2×size−1. A new article joins the first page; an older page keeps its
# articles, its number and its neighbours (only the newest numbered page learns of a new one
# when the first page has grown to 2×size and hands its oldest `size` articles down).


def list_pages(count: int, size: int) -> int:
    """How many pages a list of `count` articles has (the first page included)."""
    return max(1, count // size)


@dataclass(frozen=True)
class ListPage:
    """Where one page of a list sits: its slice of the list and the pages the pager links to."""

    number: int  # 0: the first page (the newest articles); else counted from the oldest
    start: int  # its articles: term.articles[start:stop] (newest first)
    stop: int
    newer: int | None  # the page with newer articles (0: the first page); None on the first page
    older: int | None  # the page with older articles; None on the oldest
    window: tuple[int | None, ...]  # the pages the pager shows, newest first; None: a gap


def list_page(count: int, size: int, number: int) -> ListPage:
    """Page `number` of a list of `count` articles, `size` a page (see above)."""
    last = list_pages(count, size) - 1  # the newest numbered page (0: the list has only its first page)
    if number == 0:
        start, stop = 0, count - last * size
        newer, older = None, (last or None)
    else:
        stop = count - (number - 1) * size
        start, newer, older = stop - size, (number + 1 if number < last else 0), (number - 1 or None)
    centre = number or last + 1  # the first page sits above the newest numbered one
    shown = sorted({n for n in range(centre - 2, centre + 3) if 1 <= n <= last} | ({1} if last else set()),
                   reverse=True)
    window: list[int | None] = [0]
    for n in shown:
        if (window[-1] or last + 1) - n > 1:
            window.append(None)
        window.append(n)
    return ListPage(number, start, stop, newer, older, tuple(window))


def terms_by_kind(site: Site) -> dict[str, dict[str, Term]]:
    """The site's terms by the kind of list page that shows them."""
    lists = site.document_lists
    return {Kind.SECTION: site.sections, Kind.PROVINCE: site.provinces, Kind.TOPIC: site.topics,
            Kind.TAG: site.tags, Kind.MONTH: site.months, Kind.YEAR: site.years,
            **{kind: lists.get(kind, {}) for kind in DOCUMENT_KINDS}}


# --- the sitemap, a file per month ----------------------------------------------------------
# An index (sitemap.xml) of parts: the articles of each month (sitemap-2023-06.xml), with their
# dates, and the other pages (sitemap-pages.xml), without: a list's first page changes with
# every new article, and a date that changes daily tells a search engine nothing. A list's
# numbered page keeps its articles (see above), so it sits in the part of its oldest article's
# month: a new numbered page joins the newest month. A new article changes its month's part and
# the index, whatever the size of the archive.

SitemapEntry = tuple[str, datetime | None]  # (output path, last change)


def sitemap_pages(outputs: list[Output]) -> list[Output]:
    """The pages a search engine should index: not the 404 page, redirects or non-HTML files."""
    return [o for o in outputs if o.path.endswith(".html") and o.kind not in (Kind.NOT_FOUND, Kind.ALIAS, Kind.CMS)]


def sitemap_parts(outputs: list[Output], site: Site, page_size: int) -> dict[str, tuple[SitemapEntry, ...]]:
    """The sitemap's parts: file name -> its pages, each with its last change; a part holds at most
    50,000 URLs, as the protocol requires ('sitemap-2023-06.xml', 'sitemap-2023-06-2.xml', ...)."""
    groups: dict[str, list[SitemapEntry]] = defaultdict(list)
    terms = terms_by_kind(site)
    named: dict[tuple[int, int], str] = {}  # (year, month) -> its part's name, formatted once (strftime is slow)

    def month(date: datetime) -> str:
        found = named.get((date.year, date.month))
        if found is None:
            found = named[date.year, date.month] = f"{date:%Y-%m}"
        return found

    for output in sitemap_pages(outputs):
        if output.kind == Kind.ARTICLE:
            article = site.articles[output.key]
            groups[month(article.date)].append((output.path, article.updated or article.date))
        elif output.kind in LIST_KINDS and output.page:
            keys = terms[output.kind][output.key].articles
            oldest = site.articles[keys[list_page(len(keys), page_size, output.page).stop - 1]]
            groups[month(oldest.date)].append((output.path, None))
        else:
            groups["pages"].append((output.path, None))
    parts = {}
    for group in sorted(groups):
        entries = sorted(groups[group])
        for n, at in enumerate(range(0, len(entries), SITEMAP_LIMIT), start=1):
            parts[f"sitemap-{group}.xml" if n == 1 else f"sitemap-{group}-{n}.xml"] = tuple(
                entries[at: at + SITEMAP_LIMIT])
    return parts


def _folders(path: str) -> list[str]:
    """The folders a path needs: 'a/b/c.html' -> ['a', 'a/b']."""
    parts = path.split("/")[:-1]
    return ["/".join(parts[: n + 1]) for n in range(len(parts))]


def plan(site: Site, config: Config, files: frozenset[str] = frozenset()
         ) -> tuple[list[Output], dict[str, tuple[SitemapEntry, ...]], list[ContentError]]:
    """Every page of the site, the sitemap's parts, and an error for every path claimed twice
    (aliases included): an alias may not take the place of a page or of a file of `files` (the
    files of content/), nor need a folder where one of them is a file ("/feed.xml" would be
    feed.xml/index.html), nor be a file where they need a folder."""
    outputs = [Output("index.html", Kind.HOME), Output("404.html", Kind.NOT_FOUND)]
    for article in site.articles.values():
        outputs.append(Output(output_path(article.url), Kind.ARTICLE, article.key))
    for kind, terms in terms_by_kind(site).items():
        for slug, term in terms.items():
            for number in range(list_pages(len(term.articles), config.page_size)):
                url = page_url(term.url, number, config.paths.page)
                outputs.append(Output(output_path(url), kind, slug, number))
    paths = config.paths
    for kind, word in ((Kind.PROVINCE_INDEX, paths.province), (Kind.TOPIC_INDEX, paths.topic),
                       (Kind.TAG_INDEX, paths.tag), (Kind.ARCHIVE_INDEX, paths.archive), (Kind.SEARCH, paths.search),
                       (Kind.LATEST, paths.latest)):
        outputs.append(Output(f"{word}/index.html", kind))
    outputs.append(Output("feed.xml", Kind.FEED))
    for kind in FEED_KINDS:
        for slug, term in terms_by_kind(site)[kind].items():
            outputs.append(Output(feed_url(term.url).lstrip("/"), Kind.FEED, f"{kind}/{slug}"))
    if config.cms.enabled:
        outputs += [Output("admin/index.html", Kind.CMS, "page"), Output("admin/config.yml", Kind.CMS, "config")]
    outputs.append(Output("robots.txt", Kind.ROBOTS))
    if config.favicon:
        outputs.append(Output("favicon.ico", Kind.FAVICON))
    outputs.append(Output("sitemap.xml", Kind.SITEMAP))
    sitemap = sitemap_parts(outputs, site, config.page_size)
    outputs += [Output(name, Kind.SITEMAP, name) for name in sitemap]
    claimed = {o.path: o for o in outputs}
    with_aliases = sorted((a for a in site.articles.values() if a.aliases), key=lambda a: a.key)
    folders = {folder for path in (*claimed, *files) for folder in _folders(path)} if with_aliases else set()
    reserved = {"assets", BUNDLE_DIR}  # the theme's files and the search index live there
    errors = []
    for article in with_aliases:
        for alias in article.aliases:
            path = output_path(alias)
            other = claimed.get(path)
            taken = next((folder for folder in _folders(path) if folder in claimed or folder in files), None)
            if other is None and (path in files or path in folders or taken is not None
                                  or path.split("/", 1)[0] in reserved):
                shown = path.split("/", 1)[0] + "/" if path.split("/", 1)[0] in reserved else taken or path
                errors.append(ContentError(article.key, None, "aliases",
                                           Text("alias {alias} collides with {what}", alias=alias,
                                                what=Text("the site's own file /{path}", path=shown)),
                                           hint=Text("remove the alias or choose another old URL")))
                continue
            if other is not None:
                what = (Text("the article {key}", key=other.key) if other.kind in (Kind.ARTICLE, Kind.ALIAS)
                        else Text("the page /{path}", path=path))
                errors.append(ContentError(article.key, None, "aliases",
                                           Text("alias {alias} collides with {what}", alias=alias, what=what),
                                           hint=Text("remove the alias or choose another old URL")))
                continue
            claimed[path] = Output(path, Kind.ALIAS, article.key)
            outputs.append(claimed[path])
    return outputs, sitemap, errors
