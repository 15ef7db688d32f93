"""Planning: every file the site will have, decided from the assembled site before any is written."""

from __future__ import annotations

import math
from datetime import datetime

from bantin.config import Config
from bantin.errors import ContentError
from bantin.feeds import FEED_KINDS, feed_url
from bantin.messages import Text
from bantin.model import Kind, Output, Site, Term

SITEMAP_LIMIT = 50_000  # URLs per sitemap file, as the protocol requires


def output_path(url: str) -> str:
    """'/tin-tuc/2023/x/' -> 'tin-tuc/2023/x/index.html'; '/old.html' -> 'old.html'."""
    path = url.lstrip("/")
    return path if path.endswith(".html") else f"{path}index.html"


def page_url(term_url: str, page: int, page_word: str) -> str:
    """URL of page `page` of a list whose first page is `term_url`."""
    return term_url if page == 1 else f"{term_url}{page_word}/{page}/"


def terms_by_kind(site: Site) -> dict[str, dict[str, Term]]:
    """The site's terms by the kind of list page that shows them."""
    return {Kind.SECTION: site.sections, Kind.PROVINCE: site.provinces, Kind.TOPIC: site.topics,
            Kind.TAG: site.tags, Kind.MONTH: site.months, Kind.YEAR: site.years}


def sitemap_pages(outputs: list[Output]) -> list[Output]:
    """The pages a search engine should index: not the 404 page, redirects or non-HTML files."""
    return [o for o in outputs if o.path.endswith(".html") and o.kind not in (Kind.NOT_FOUND, Kind.ALIAS, Kind.CMS)]


def last_change(output: Output, site: Site) -> datetime | None:
    """Date of the newest article a page shows (the sitemap's lastmod)."""
    if output.kind in (Kind.ARTICLE, Kind.ALIAS):
        article = site.articles[output.key]
        return article.updated or article.date
    terms = terms_by_kind(site).get(output.kind)
    keys = terms[output.key].articles if terms is not None else tuple(site.articles)
    return site.articles[keys[0]].date if keys else None


def plan(site: Site, config: Config) -> tuple[list[Output], list[ContentError]]:
    """Every page of the site, and an error for every path claimed twice (aliases included)."""
    outputs = [Output("index.html", Kind.HOME), Output("404.html", Kind.NOT_FOUND)]
    for article in site.articles.values():
        outputs.append(Output(output_path(article.url), Kind.ARTICLE, article.key))
    for kind, terms in terms_by_kind(site).items():
        for slug, term in terms.items():
            pages = max(1, math.ceil(len(term.articles) / config.page_size))
            for page in range(1, pages + 1):
                url = page_url(term.url, page, config.paths.page)
                outputs.append(Output(output_path(url), kind, slug, page, pages))
    paths = config.paths
    for kind, word in ((Kind.PROVINCE_INDEX, paths.province), (Kind.TOPIC_INDEX, paths.topic),
                       (Kind.TAG_INDEX, paths.tag), (Kind.ARCHIVE_INDEX, paths.archive), (Kind.SEARCH, paths.search)):
        outputs.append(Output(f"{word}/index.html", kind))
    outputs.append(Output("feed.xml", Kind.FEED))
    for kind in FEED_KINDS:
        for slug, term in terms_by_kind(site)[kind].items():
            outputs.append(Output(feed_url(term.url).lstrip("/"), Kind.FEED, f"{kind}/{slug}"))
    if config.cms.enabled:
        outputs += [Output("admin/index.html", Kind.CMS, "page"), Output("admin/config.yml", Kind.CMS, "config")]
    chunks = max(1, math.ceil(len(sitemap_pages(outputs)) / SITEMAP_LIMIT))
    outputs.append(Output("robots.txt", Kind.ROBOTS))
    if config.favicon:
        outputs.append(Output("favicon.ico", Kind.FAVICON))
    outputs.append(Output("sitemap.xml", Kind.SITEMAP, page=0 if chunks > 1 else 1, pages=chunks))
    if chunks > 1:
        outputs += [Output(f"sitemap-{n}.xml", Kind.SITEMAP, page=n, pages=chunks) for n in range(1, chunks + 1)]
    claimed = {o.path: o for o in outputs}
    errors = []
    for article in sorted(site.articles.values(), key=lambda a: a.key):
        for alias in article.aliases:
            path = output_path(alias)
            other = claimed.get(path)
            if other is not None:
                what = (Text("the article {key}", key=other.key) if other.kind in (Kind.ARTICLE, Kind.ALIAS)
                        else Text("the page /{path}", path=path))
                errors.append(ContentError(article.key, None, "aliases",
                                           Text("alias {alias} collides with {what}", alias=alias, what=what),
                                           hint=Text("remove the alias or choose another old URL")))
                continue
            claimed[path] = Output(path, Kind.ALIAS, article.key)
            outputs.append(claimed[path])
    return outputs, errors
