"""Planning and rendering pages: plan(site) lists every output; Renderer turns one into bytes."""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import jinja2
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment

from bantin.config import Config
from bantin.deps import (
    ARTICLE,
    LATEST,
    NEIGHBOURS,
    NEWEST,
    RELATED,
    SHARDS,
    SITEMAP,
    TERM,
    TERM_ARTICLES,
    TERMS,
    Dep,
    Recorder,
)
from bantin.errors import BuildFailed, ContentError
from bantin.feeds import FEED_KINDS, FeedInfo, atom_feed, feed_url
from bantin.inputs import refusal
from bantin.markup import plain_text
from bantin.model import Article, Output, Site, Term
from bantin.provinces import ProvinceList
from bantin.search import folded_words
from bantin.strings import vietnamese_date, vietnamese_datetime

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
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
    return {"section": site.sections, "province": site.provinces, "topic": site.topics,
            "tag": site.tags, "month": site.months, "year": site.years}


def sitemap_pages(outputs: list[Output]) -> list[Output]:
    """The pages a search engine should index: not the 404 page, redirects or non-HTML files."""
    return [o for o in outputs if o.path.endswith(".html") and o.kind not in ("404", "alias")]


def last_change(output: Output, site: Site) -> datetime | None:
    """Date of the newest article a page shows (the sitemap's lastmod)."""
    if output.kind in ("article", "alias"):
        return site.articles[output.key].date
    terms = terms_by_kind(site).get(output.kind)
    keys = terms[output.key].articles if terms is not None else tuple(site.articles)
    return site.articles[keys[0]].date if keys else None


def plan(site: Site, config: Config) -> tuple[list[Output], list[ContentError]]:
    """Every page of the site, and an error for every path claimed twice (aliases included)."""
    outputs = [Output("index.html", "home"), Output("404.html", "404")]
    for article in site.articles.values():
        outputs.append(Output(output_path(article.url), "article", article.key))
    for kind, terms in terms_by_kind(site).items():
        for slug, term in terms.items():
            pages = max(1, math.ceil(len(term.articles) / config.page_size))
            for page in range(1, pages + 1):
                url = page_url(term.url, page, config.paths.page)
                outputs.append(Output(output_path(url), kind, slug, page, pages))
    paths = config.paths
    for kind, word in (("province-index", paths.province), ("topic-index", paths.topic),
                       ("tag-index", paths.tag), ("archive-index", paths.archive), ("search", paths.search)):
        outputs.append(Output(f"{word}/index.html", kind))
    outputs.append(Output("feed.xml", "feed"))
    for kind in FEED_KINDS:
        for slug, term in terms_by_kind(site)[kind].items():
            outputs.append(Output(feed_url(term.url).lstrip("/"), "feed", f"{kind}/{slug}"))
    chunks = max(1, math.ceil(len(sitemap_pages(outputs)) / SITEMAP_LIMIT))
    outputs.append(Output("robots.txt", "robots"))
    outputs.append(Output("sitemap.xml", "sitemap", page=0 if chunks > 1 else 1, pages=chunks))
    if chunks > 1:
        outputs += [Output(f"sitemap-{n}.xml", "sitemap", page=n, pages=chunks) for n in range(1, chunks + 1)]
    claimed = {o.path: o for o in outputs}
    errors = []
    for article in sorted(site.articles.values(), key=lambda a: a.key):
        for alias in article.aliases:
            path = output_path(alias)
            other = claimed.get(path)
            if other is not None:
                what = f"the article {other.key}" if other.kind in ("article", "alias") else f"the page /{path}"
                errors.append(ContentError(article.key, None, "aliases",
                                           f"alias {alias} collides with {what}",
                                           hint="remove the alias or choose another old URL"))
                continue
            claimed[path] = Output(path, "alias", article.key)
            outputs.append(claimed[path])
    return outputs, errors


@dataclass(frozen=True)
class Pagination:
    """Where a list page sits among its pages."""

    page: int
    pages: int
    urls: tuple[str, ...]  # URL of every page, first page first

    @property
    def previous_url(self) -> str | None:
        return self.urls[self.page - 2] if self.page > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.urls[self.page] if self.page < self.pages else None

    def window(self, around: int = 2) -> list[int | None]:
        """Page numbers to show: first, last and a few around the current; None is a gap."""
        shown = {1, self.pages, *range(self.page - around, self.page + around + 1)}
        numbers = sorted(n for n in shown if 1 <= n <= self.pages)
        result: list[int | None] = []
        for number in numbers:
            if result and number - (result[-1] or 0) > 1:
                result.append(None)
            result.append(number)
        return result


class Renderer:
    """Renders outputs with the Jinja2 layouts. Build one per process."""

    def __init__(self, site: Site, config: Config, provinces: ProvinceList, assets: dict[str, str],
                 outputs: list[Output], shards: tuple[str, ...] = ()) -> None:
        self.site = site
        self.outputs = outputs  # the plan, for the sitemap
        self.shards = shards  # names of the search shards, newest first
        self.config = config
        self.provinces = provinces
        self.assets = assets
        self.recorder = Recorder()  # what the output being rendered reads (bantin/deps.py)
        self.env = make_environment(config, self._globals(), self.recorder)
        self._templates: dict[str, jinja2.Template] = {}

    def _globals(self) -> dict[str, Any]:
        config = self.config
        return {
            "site": {
                "title": config.title,
                "description": config.description,
                "language": config.language,
                "base_url": config.base_url,
                "sections": [(t.name, t.url) for t in self.site.sections.values()],
                "topics": [(t.name, t.url) for t in self.site.topics.values()],
                "paths": config.paths,
                "image": self._site_image(),
            },
            "t": config.strings,
            "url": self.url,
            "absolute_url": self.absolute_url,
            "asset": self.asset,
            "province_of": self.province_of,
            "topic_url": lambda name: self.site.topics[self.site.topic_slugs[name]].url,
            "tag_url": lambda tag: f"/{config.paths.tag}/{self.site.tag_slugs[tag]}/",
        }

    def _site_image(self) -> str:
        """The share image of pages without a cover: site.toml `image`, an asset or a URL."""
        image = self.config.image
        return self.assets.get(image, image) if image and "://" not in image else image

    def url(self, path: str) -> str:
        """A site path as a link that works under the base URL's path; other URLs as they are."""
        return path if "://" in path else self.config.base_path + path.lstrip("/")

    def absolute_url(self, path: str) -> str:
        """A site path as an absolute URL; other URLs as they are."""
        return path if "://" in path else self.config.base_url + path.lstrip("/")

    def asset(self, name: str) -> str:
        """The content-hashed URL of a file in assets/."""
        try:
            return self.url(self.assets[name])
        except KeyError:
            raise jinja2.TemplateError(f"asset {name!r} not found in assets/") from None

    def province_of(self, article: Article) -> Term:
        """The province term an article was written with."""
        self.recorder.field(article.key, "province")  # the answer follows the article's province
        return self.site.provinces[article.province]

    def template(self, name: str) -> jinja2.Template:
        if name not in self._templates:
            self._templates[name] = self.env.get_template(name)
        return self._templates[name]

    def render_recorded(self, output: Output) -> tuple[bytes, frozenset[Dep]]:
        """The bytes of one output file, and everything it read of the site to make them."""
        self.recorder.start()
        try:
            data = self.render(output)
        finally:
            reads = self.recorder.stop()
        return data, reads

    def render(self, output: Output) -> bytes:
        """The bytes of one output file."""
        if output.kind == "sitemap":
            return self._sitemap(output)
        if output.kind == "feed":
            return self._feed(output)
        if output.kind == "robots":
            return f"User-agent: *\nAllow: /\n\nSitemap: {self.absolute_url('/sitemap.xml')}\n".encode()
        handler: Callable[[Output], tuple[str, dict[str, Any]]] = getattr(self, "_" + output.kind.replace("-", "_"))
        template, context = handler(output)
        context.setdefault("canonical", "/" + output.path.removesuffix("index.html"))
        context["feeds"] = self._feed_links(output)
        try:
            return self.template(template).render(context).encode("utf-8")
        except jinja2.TemplateError as exc:
            raise BuildFailed([layout_error(exc, self.config, f"rendering /{output.path}")]) from None

    def articles(self, keys: tuple[str, ...] | list[str]) -> list[Article]:
        return [self.site.articles[k] for k in keys]

    def _article(self, output: Output) -> tuple[str, dict[str, Any]]:
        site, record = self.site, self.recorder.add
        article = site.articles[output.key]
        neighbours = site.neighbours[article.key]
        province = self.province_of(article)
        record((ARTICLE, article.key))  # its body, for the folded words
        record((RELATED, article.key))
        record((LATEST,))
        record((NEIGHBOURS, article.key))
        return "article.html", {
            "article": article,
            "section": site.sections[article.section],
            "province": province,
            "current_province": site.provinces[self.provinces.by_slug[province.slug].part_of],
            "folded_words": folded_words(article, plain_text(article.body_html)),
            "related": self.articles(site.related.get(article.key, ())),
            "latest": self.articles([k for k in site.latest if k != article.key][: self.config.latest_count]),
            "previous": site.articles[neighbours.previous] if neighbours.previous else None,
            "next": site.articles[neighbours.next] if neighbours.next else None,
            "page_title": article.title,
            "description": article.summary,
            "image": article.image,
        }

    def _list(self, output: Output, term: Term, heading: str, note: dict[str, Any] | None = None
              ) -> tuple[str, dict[str, Any]]:
        size = self.config.page_size
        start = (output.page - 1) * size
        self.recorder.term(term, articles=True)  # its slice, the count and the page URLs
        urls = tuple(page_url(term.url, n, self.config.paths.page) for n in range(1, output.pages + 1))
        title = heading if output.page == 1 else f"{heading} – {self.config.strings['page']} {output.page}"
        return "list.html", {
            "term": term,
            "heading": heading,
            "note": note,
            "items": self.articles(term.articles[start: start + size]),
            "total": len(term.articles),
            "pagination": Pagination(output.page, output.pages, urls),
            "page_title": title,
            "description": f"{heading}: {len(term.articles)} {self.config.strings['articles']}",
        }

    def _section(self, output: Output) -> tuple[str, dict[str, Any]]:
        term = self.site.sections[output.key]
        return self._list(output, term, term.name)

    def _province(self, output: Output) -> tuple[str, dict[str, Any]]:
        term = self.site.provinces[output.key]
        province = self.provinces.by_slug[output.key]
        note = {
            "part_of": None if province.is_current else self.site.provinces[province.part_of],
            "former": [self.site.provinces[s] for s in province.former],
        }
        return self._list(output, term, term.name, note)

    def _topic(self, output: Output) -> tuple[str, dict[str, Any]]:
        term = self.site.topics[output.key]
        return self._list(output, term, term.name)

    def _tag(self, output: Output) -> tuple[str, dict[str, Any]]:
        term = self.site.tags[output.key]
        return self._list(output, term, f"{self.config.strings['tag']}: {term.name}")

    def _month(self, output: Output) -> tuple[str, dict[str, Any]]:
        term = self.site.months[output.key]
        year, month = output.key.split("/")
        return self._list(output, term, f"{self.config.strings['month']} {int(month)}/{year}")

    def _year(self, output: Output) -> tuple[str, dict[str, Any]]:
        term = self.site.years[output.key]
        months = [m for k, m in self.site.months.items() if k.startswith(output.key + "/")]
        self.recorder.add((TERMS, "month"))
        template, context = self._list(output, term, f"{self.config.strings['year']} {output.key}")
        context["months"] = months
        return template, context

    def _home(self, output: Output) -> tuple[str, dict[str, Any]]:
        home = self.config.home
        keys = list(self.site.articles)[: home.latest]
        self.recorder.add((NEWEST, str(home.latest)))
        for term in self.site.topics.values():
            self.recorder.term(term, articles=True)
        blocks = [(term, self.articles(term.articles[: home.per_topic]))
                  for term in self.site.topics.values() if term.articles and home.per_topic]
        return "home.html", {"latest": self.articles(keys), "topic_blocks": blocks,
                             "page_title": "", "description": self.config.description}

    def _province_index(self, output: Output) -> tuple[str, dict[str, Any]]:
        groups = []
        for province in self.provinces.current():
            term = self.site.provinces[province.slug]
            groups.append((term, [self.site.provinces[s] for s in province.former]))
        return "terms.html", {"kind": "province", "groups": groups,
                              "page_title": self.config.strings["provinces"], "description": ""}

    def _topic_index(self, output: Output) -> tuple[str, dict[str, Any]]:
        return "terms.html", {"kind": "topic", "terms": list(self.site.topics.values()),
                              "page_title": self.config.strings["topics"], "description": ""}

    def _tag_index(self, output: Output) -> tuple[str, dict[str, Any]]:
        terms = sorted(self.site.tags.values(), key=lambda t: (-len(t.articles), t.slug))
        self.recorder.add((TERMS, "tag"))
        for term in terms:  # ordered by their counts
            self.recorder.term(term, articles=True)
        return "terms.html", {"kind": "tag", "terms": terms,
                              "page_title": self.config.strings["tags"], "description": ""}

    def _archive_index(self, output: Output) -> tuple[str, dict[str, Any]]:
        years = [(term, [m for k, m in self.site.months.items() if k.startswith(key + "/")])
                 for key, term in self.site.years.items()]
        self.recorder.add((TERMS, "year"))
        self.recorder.add((TERMS, "month"))
        return "terms.html", {"kind": "archive", "years": years,
                              "page_title": self.config.strings["archive"], "description": ""}

    def _search(self, output: Output) -> tuple[str, dict[str, Any]]:
        site, config = self.site, self.config
        self.recorder.add((SHARDS,))
        self.recorder.add((TERMS, "year"))

        def options(terms: list[Term]) -> list[dict[str, str]]:
            return [{"slug": term.slug, "name": term.name} for term in terms]

        current = [p.slug for p in self.provinces.current()]
        former = [p.slug for p in self.provinces.by_slug.values() if not p.is_current]
        for slug in former:  # offered only when they have articles
            self.recorder.term(site.provinces[slug], articles=True)
        return "search.html", {
            "shards": list(self.shards),
            "search_strings": {k.removeprefix("search_"): v for k, v in config.strings.items()
                               if k.startswith("search_")},
            "filters": {
                "provinces": options([site.provinces[s] for s in current]),
                "former": options([site.provinces[s] for s in former if site.provinces[s].articles]),
                "topics": options(list(site.topics.values())),
                "sections": options(list(site.sections.values())),
                "years": options(list(site.years.values())),
            },
            "page_title": config.strings["search"], "description": "",
        }

    def _alias(self, output: Output) -> tuple[str, dict[str, Any]]:
        article = self.site.articles[output.key]
        self.recorder.add((ARTICLE, article.key))
        return "alias.html", {"article": article, "canonical": article.url, "page_title": article.title,
                              "description": article.summary}

    def _sitemap(self, output: Output) -> bytes:
        """sitemap.xml: every page with its last change; an index of parts past 50,000 URLs."""
        self.recorder.add((SITEMAP,))
        if output.page == 0:
            parts = "".join(f"<sitemap><loc>{escape(self.absolute_url(f'/sitemap-{n}.xml'))}</loc></sitemap>"
                            for n in range(1, output.pages + 1))
            return (f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">'
                    f"{parts}</sitemapindex>\n").encode()
        part = sitemap_pages(self.outputs)[(output.page - 1) * SITEMAP_LIMIT: output.page * SITEMAP_LIMIT]
        entries = []
        for page in part:
            modified = last_change(page, self.site)
            lastmod = f"<lastmod>{modified.isoformat(timespec='seconds')}</lastmod>" if modified else ""
            loc = self.absolute_url("/" + page.path.removesuffix("index.html"))
            entries.append(f"<url><loc>{escape(loc)}</loc>{lastmod}</url>")
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">\n'
                + "\n".join(entries) + "\n</urlset>\n").encode()

    def _feed_info(self, key: str) -> FeedInfo:
        """The feed of the whole site (key "") or of one section, province or topic ("topic/y-te")."""
        site, config = self.site, self.config

        def categories(article: Article) -> list[tuple[str, str]]:
            province = self.province_of(article)
            topic_slug = site.topic_slugs[article.topic]
            return [(f"{config.paths.province}/{province.slug}", province.name),
                    (f"{config.paths.topic}/{topic_slug}", article.topic),
                    *((f"{config.paths.tag}/{site.tag_slugs[tag]}", tag) for tag in article.tags)]

        term = self._feed_term(key)
        if term is not None:
            self.recorder.term(term)
        if term is None:
            return FeedInfo(config.title, "/", feed_url("/"), categories)
        return FeedInfo(f"{term.name} – {config.title}", term.url, feed_url(term.url), categories)

    def _feed_term(self, key: str) -> Term | None:
        """The list a feed follows: None for the whole site, else a section, province or topic."""
        if not key:
            return None
        kind, slug = key.split("/", 1)
        return terms_by_kind(self.site)[kind][slug]

    def _feed(self, output: Output) -> bytes:
        term = self._feed_term(output.key)
        keys = term.articles if term is not None else tuple(self.site.articles)
        if term is not None:
            self.recorder.term(term, articles=True)
        else:
            self.recorder.add((NEWEST, str(self.config.feeds.entries)))
        for key in keys[: self.config.feeds.entries]:  # read whole, with their province's name
            self.recorder.add((ARTICLE, key))
            self.recorder.term(self.province_of(self.site.articles[key]))
        return atom_feed(self._feed_info(output.key), self.articles(keys[: self.config.feeds.entries]), self.config,
                         self.absolute_url)

    def _feed_links(self, output: Output) -> list[tuple[str, str]]:
        """(title, URL) of the feeds a page announces: the site's, and its list's own."""
        links = [(self.config.title, feed_url("/"))]
        if output.kind in FEED_KINDS:
            info = self._feed_info(f"{output.kind}/{output.key}")
            links.append((info.title, info.feed_url))
        return links

    def _404(self, output: Output) -> tuple[str, dict[str, Any]]:
        return "404.html", {"page_title": self.config.strings["not_found_title"], "description": "",
                            "canonical": "/404.html"}


def layout_error(exc: jinja2.TemplateError, config: Config, doing: str) -> ContentError:
    """A template error as a ContentError pointing at the layout file and line."""
    name, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if name is None:  # runtime errors: find the innermost frame that ran a layout
        trace = exc.__traceback__
        while trace is not None:
            filename = trace.tb_frame.f_code.co_filename
            if filename.startswith(str(config.layouts_dir)):
                name, line = filename, trace.tb_lineno
            trace = trace.tb_next
    where = Path(name).relative_to(config.root).as_posix() if name and Path(name).is_absolute() else (
        f"layouts/{name}" if name else "layouts")
    return ContentError(where, line, None, f"{type(exc).__name__}: {exc.message or exc} ({doing})")


class LayoutLoader(jinja2.FileSystemLoader):
    """layouts/, read only after bantin/inputs.py's check: a link out of the project is an error."""

    def __init__(self, config: Config) -> None:
        super().__init__(str(config.layouts_dir))
        self.project = config.root

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        path = Path(self.searchpath[0], *split_template_path(template))
        reason = refusal(path, self.project) if os.path.lexists(path) else None
        if reason is not None:
            raise jinja2.TemplateError(f"layout {template!r} may not be read: {reason}")
        return super().get_source(environment, template)


class LayoutEnvironment(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, recording what layouts read of the site's own values.

    Every `x.attr` and `x["attr"]` in a layout passes through getattr/getitem here, so a
    read of an Article or a Term is recorded as a dependency of the page (bantin/deps.py),
    whatever layout, partial or macro makes it. The sandbox checks every attribute a layout
    reads; for an Article or a Term (frozen dataclasses with no methods) only a leading
    underscore can make an attribute unsafe, so the full check is skipped for them
    (measured: a third of what the sandbox costs).
    """

    _PLAIN_VALUES = frozenset({Article, Term})

    def __init__(self, recorder: Recorder, **options: Any) -> None:
        super().__init__(**options)
        self.recorder = recorder

    def _record(self, obj: Any, name: Any) -> None:
        kind = type(obj)
        if kind is Article:
            if isinstance(name, str):
                self.recorder.field(obj.key, name)
            else:
                self.recorder.add((ARTICLE, obj.key))
        elif kind is Term:
            self.recorder.add((TERM_ARTICLES if name == "articles" else TERM, obj.kind, obj.slug))

    def getattr(self, obj: Any, attribute: str) -> Any:
        self._record(obj, attribute)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        self._record(obj, argument)
        return super().getitem(obj, argument)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if type(obj) in self._PLAIN_VALUES:
            return not attr.startswith("_")
        return super().is_safe_attribute(obj, attr, value)


def make_environment(config: Config, globals_: dict[str, Any], recorder: Recorder | None = None) -> jinja2.Environment:
    """The Jinja2 environment: layouts/, autoescaping, and a typo in a layout fails the build.

    Layouts may come from a pull request, so they run sandboxed: no access to Python's
    internals (`''.__class__`), no calls that change the site's data, no files but layouts/.
    """
    env = LayoutEnvironment(
        recorder or Recorder(),
        loader=LayoutLoader(config),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(globals_)
    env.filters["vn_datetime"] = vietnamese_datetime
    env.filters["vn_date"] = vietnamese_date
    env.filters["isodate"] = lambda moment: moment.isoformat()
    return env
