"""Page views: the Renderer turns one planned output into bytes, with the layouts.

Each kind of page has a view (`_article`, `_list`, ...) that picks what the page shows and
hands it to its layout; the renderer records what it reads (bantin/builder/deps.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jinja2
from markupsafe import Markup

from bantin.builder.admin import admin_page, config_yml, editor_config
from bantin.builder.deps import (
    ARTICLE,
    CITED_BY,
    DATA,
    DOCUMENT,
    IMAGE,
    LIST_PAGE,
    NEIGHBOURS,
    NEWEST,
    NUMBER,
    RELATED,
    SHARDS,
    SITEMAP,
    TERM_ARTICLES,
    TERMS,
    TERMS_SHOWN,
    Dep,
    Recorder,
)
from bantin.builder.feeds import FEED_KINDS, FeedInfo, atom_feed, feed_url
from bantin.builder.layouts import layout_error, make_environment
from bantin.builder.outputs import Kind, Output
from bantin.builder.plan import SitemapEntry, list_page, page_url, terms_by_kind
from bantin.builder.sitemap import sitemap_index, sitemap_part
from bantin.content.bodies import Bodies
from bantin.content.model import Article, Site, Term
from bantin.documents import numbers
from bantin.documents.cards import expand_documents
from bantin.documents.model import DocumentFacts
from bantin.language.dates import month_in
from bantin.language.errors import BuildFailed
from bantin.language.messages import Text, plural
from bantin.language.provinces import ProvinceList
from bantin.language.strings import locale, search_words
from bantin.markup import charts
from bantin.markup.charts import ChartSpec, Table
from bantin.photos.model import Picture
from bantin.photos.processing import favicon_ico
from bantin.photos.variants import expand_images, picture_html, url_path
from bantin.project.config import Config, slug_of


@dataclass(frozen=True)
class PageLink:
    """A page of a list, as its pager shows it."""

    number: int  # 0: the first page (the newest articles); else counted from the oldest
    url: str
    current: bool


@dataclass(frozen=True)
class Pagination:
    """Where a list page sits among its pages (plan.list_page): pages are numbered from the oldest,
    so an older page never changes when a new article arrives."""

    page: int  # this page's number: 0 for the first page, else counted from the oldest
    newer_url: str | None  # the page with newer articles (None on the first page)
    older_url: str | None  # the page with older articles (None on the oldest)
    links: tuple[PageLink | None, ...]  # the pages the pager shows, newest first; None is a gap


class Renderer:
    """Renders outputs with the Jinja2 layouts. Build one per process."""

    def __init__(self, site: Site, config: Config, provinces: ProvinceList, assets: dict[str, str],
                 sitemap: dict[str, tuple[SitemapEntry, ...]], shards: tuple[dict[str, Any], ...] = (),
                 pictures: dict[str, Picture] | None = None, documents: dict[str, DocumentFacts] | None = None,
                 tables: dict[str, Table] | None = None, bodies: Bodies | None = None) -> None:
        self.site = site
        # the articles' bodies, read where a page shows one (the site's articles hold none: content/bodies.py)
        self.body_of: Callable[[Article], str] = bodies.html if bodies is not None else _own_body
        self.whole: Callable[[Article], Article] = bodies.whole if bodies is not None else _itself
        self.pictures = pictures or {}  # site path -> the files made of a photo (bantin/photos/variants.py)
        self.documents = documents or {}  # site path -> a document's facts (bantin/documents/catalogue.py)
        self.tables = tables or {}  # site path -> a chart's table (bantin/markup/charts.py)
        self.sitemap = sitemap  # the sitemap's parts (plan.sitemap_parts)
        self.shards = shards  # the search shards, newest first, as search.shard_facts describes them
        self.config = config
        self._base_path = config.base_path  # url() runs some fifty times a page
        self.provinces = provinces
        self.assets = assets
        self.recorder = Recorder()  # what the output being rendered reads (bantin/builder/deps.py)
        self.env = make_environment(config, self._globals(), self.recorder, site.articles, self.body_of)
        self._templates: dict[str, jinja2.Template] = {}

    def _globals(self) -> dict[str, Any]:
        config = self.config
        return {
            "site": {
                "title": config.title,
                "description": config.description,
                "language": config.language,
                "locale": locale(config.language),  # og:locale: vi_VN, en_US
                "base_url": config.base_url,
                "sections": [(t.name, t.url) for t in self.site.sections.values()],
                "topics": [(t.name, t.url) for t in self.site.topics.values()],
                "paths": config.paths,
                "latest_count": config.latest_count,
                "image": self._site_image(),
                "logo": self.assets.get(config.logo, ""),
                "favicon": self.assets.get(config.favicon, ""),
            },
            "t": config.strings,
            "plural": self.plural,
            "month_name": self.month_name,
            "url": self.url,
            "absolute_url": self.absolute_url,
            "asset": self.asset,
            "province_of": self.province_of,
            "picture": self.picture,
            "shown_topics": self.shown_topics,
            "documents_url": self.documents_url,
            "image_tag": self.image_tag,
            "document": self.document,
            "document_url": self.document_url,
            "file_url": lambda path: self.url(url_path(path)),
            "topic_url": lambda name: self.site.topics[self.site.topic_slugs[name]].url,
            "tag_url": lambda tag: f"/{config.paths.tag}/{self.site.tag_slugs[tag]}/",
        }

    def plural(self, count: int, one: str, many: str) -> str:
        """`one` or `many` after a count, by the plural rule of the site's language ('1 article', '2 articles';
        Vietnamese has one form): `{{ total }} {{ plural(total, t.article, t.articles) }}`."""
        return plural(self.config.language, count, one, many)

    def month_name(self, key: str, with_year: bool = False) -> str:
        """A month of the archive ('2023/06') as the site's language names it: 'Tháng 6', 'June' (with its
        year: 'Tháng 6/2023', 'June 2023')."""
        year, month = key.split("/")
        return month_in(self.config.language, int(year), int(month), self.config.strings["month"], with_year)

    def _site_image(self) -> str:
        """The share image of pages without a cover: site.toml `image`, an asset or a URL."""
        image = self.config.image
        return self.assets.get(image, image) if image and "://" not in image else image

    def url(self, path: str) -> str:
        """A site path as a link that works under the base URL's path; other URLs as they are."""
        return path if "://" in path else self._base_path + path.lstrip("/")

    def absolute_url(self, path: str) -> str:
        """A site path as an absolute URL; other URLs as they are."""
        return path if "://" in path else self.config.base_url + path.lstrip("/")

    def asset(self, name: str) -> str:
        """The content-hashed URL of a file in assets/."""
        try:
            return self.url(self.assets[name])
        except KeyError:
            raise jinja2.TemplateError(Text("asset {name!r} not found in assets/", name=name)) from None

    def shown_topics(self) -> list[tuple[str, str]]:
        """(name, URL) of the topics that have articles: menus and footers offer no empty list."""
        self.recorder.add((TERMS_SHOWN, "topic"))
        return [(term.name, term.url) for term in self.site.topics.values() if term.articles]

    def documents_url(self) -> str | None:
        """The address of the Văn bản section, for the menu; None while the site publishes no document."""
        self.recorder.add((TERMS, "documents"))
        everything = self.site.document_lists.get("documents", {}).get("")
        return everything.url if everything is not None else None

    def picture(self, path: str) -> Picture | None:
        """The variants made of a photo of the site, or None (an image elsewhere, or not a photo)."""
        if not path or "://" in path:
            return None
        self.recorder.add((IMAGE, path))
        return self.pictures.get(path)

    def image_tag(self, path: str, alt: str, sizes: str | None = None, crop: bool = False,
                  priority: bool = False) -> Markup:
        """A photo as <picture> with every variant (`crop`: the list thumbnail); other images as <img>."""
        picture = self.picture(path)
        sizes = sizes or self.config.images.sizes
        if picture is not None:
            return Markup(picture_html(picture, alt, self.url, sizes, crop=crop, priority=priority))
        loading = 'fetchpriority="high"' if priority else 'loading="lazy"'
        return Markup('<img src="{}" alt="{}" {} decoding="async">').format(self.url(path), alt, Markup(loading))

    def document(self, path: str) -> DocumentFacts | None:
        """The facts of a document of the site (its type, size, pages), or None."""
        self.recorder.add((DOCUMENT, path))
        return self.documents.get(path)

    def document_url(self, number: str, own: str = "") -> str | None:
        """The page of the article that publishes the document with this number (not the article `own`), or None."""
        key = numbers.key(number)
        self.recorder.add((NUMBER, key))
        held = self.site.numbers.get(key)
        return None if held is None or held == own else self.site.articles[held].url

    def _chart(self, number: int, spec: ChartSpec) -> str:
        """One chart of an article, drawn from its table (read by the pipeline; a dependency of the page)."""
        self.recorder.add((DATA, spec.data))
        table = self.tables.get(spec.data)
        if table is None:
            return ""
        return charts.figure(spec, table, number, self.config.language, self.config.strings["chart_data"])

    def _macro(self, name: str) -> Any:
        """A macro of macros.html, for HTML the renderer places in a body (a document's card)."""
        return getattr(self.template("macros.html").module, name)

    def _documents_in(self, body: str, article: Article) -> str:
        """The body with its documents as cards (a link alone in its paragraph) or with their facts (a
        link in a sentence), and each document number the site publishes linked to its article."""
        body = numbers.link_citations(body, lambda key: self.document_url(key, article.key))

        published = article.document.file if article.document is not None else None

        def card(path: str, name: str) -> str | None:
            if path == published:  # its card is in the document's facts already: the link keeps its facts
                return None
            found = self.document(path)
            return None if found is None else str(self._macro("document_card")(found, name))

        def facts(path: str) -> tuple[str, str] | None:
            found = self.document(path)
            return None if found is None else (found.mime, str(self._macro("document_facts")(found)).strip())

        return expand_documents(body, card, facts, self.config.base_path, article.url)

    def share_image(self, path: str) -> dict[str, Any] | None:
        """What a link preview shows of a page: the photo's 1200x630 crop, or the image as it is."""
        picture = self.picture(path)
        if picture is not None and picture.share is not None:
            return {"url": url_path(picture.share.url), "width": picture.share.width, "height": picture.share.height}
        return {"url": path} if path else None

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
        if output.kind == Kind.SITEMAP:
            self.recorder.add((SITEMAP, output.key))
            if not output.key:
                return sitemap_index(self.sitemap, self.absolute_url)
            return sitemap_part(self.sitemap[output.key], self.absolute_url)
        if output.kind == Kind.FEED:
            return self._feed(output)
        if output.kind == Kind.FAVICON:
            return favicon_ico(self.config.assets_dir / self.config.favicon, self.config.favicon)
        if output.kind == Kind.CMS:
            return self._cms(output)
        if output.kind == Kind.ROBOTS:
            return f"User-agent: *\nAllow: /\n\nSitemap: {self.absolute_url('/sitemap.xml')}\n".encode()
        handler: Callable[[Output], tuple[str, dict[str, Any]]] = getattr(self, "_" + output.kind.replace("-", "_"))
        template, context = handler(output)
        context.setdefault("canonical", "/" + output.path.removesuffix("index.html"))
        context["feeds"] = self._feed_links(output)
        try:
            return self.template(template).render(context).encode("utf-8")
        except Exception as exc:  # layouts come by pull request like content: what goes wrong is said, with the line
            raise BuildFailed([layout_error(exc, self.config, Text("rendering /{path}", path=output.path))]) from None

    def _cms(self, output: Output) -> bytes:
        if output.key == "page":
            return admin_page(self.config, [self.asset(name) for name in sorted(self.assets) if name.endswith(".css")])
        for slug in self.site.tags:  # the tags it suggests are the most used
            self.recorder.add((TERM_ARTICLES, Kind.TAG, slug))
        self.recorder.add((TERMS, Kind.TAG))
        return config_yml(editor_config(self.config, self.provinces, self.site))

    def articles(self, keys: tuple[str, ...] | list[str]) -> list[Article]:
        return [self.site.articles[k] for k in keys]

    def _article(self, output: Output) -> tuple[str, dict[str, Any]]:
        site, record = self.site, self.recorder.add
        article = site.articles[output.key]
        neighbours = site.neighbours[article.key]
        province = self.province_of(article)
        record((ARTICLE, article.key))  # its own front matter and body
        record((RELATED, article.key))
        record((NEIGHBOURS, article.key))
        body = expand_images(self.body_of(article), self.picture, self.url, self.config.images.sizes,
                             self.config.base_path, article.url, priority_first=True)
        if article.citations or self.documents:
            body = self._documents_in(body, article)
        if article.charts:
            body = charts.expand(body, article.charts, self._chart)
        citing: list[Article] = []
        official = None
        if article.document is not None:
            record((CITED_BY, article.key))
            citing = self.articles(site.cited_by.get(article.key, ()))
            official = self._official(article)
        return "article.html", {
            "article": article,
            "section": site.sections[article.section],
            "province": province,
            "current_province": site.provinces[self.provinces.by_slug[province.slug].part_of],
            "related": self.articles(site.related.get(article.key, ())),
            "previous": site.articles[neighbours.previous] if neighbours.previous else None,
            "next": site.articles[neighbours.next] if neighbours.next else None,
            "page_title": article.title,
            "description": article.summary,
            "image": article.image,
            # shared with its cover, or else the first photo of its body
            "share": self.share_image(article.images[0][0] if article.images else article.image),
            # the body's photos as <picture> (the first fetched first: a phone shows it at once), its documents
            # as cards, the numbers of the documents the site publishes as links to them
            "body": Markup(body),
            "citing": citing,  # the articles that name the document this one publishes ("Các tin liên quan")
            "official": official,  # the document it publishes: its file's facts, its lists, its JSON-LD
        }

    def _official(self, article: Article) -> dict[str, Any]:
        """What an article's page shows of the document it publishes: the file's facts, the lists of its kind,
        year and issuer, the page of the document that replaces it, and its JSON-LD."""
        document = article.document
        assert document is not None
        lists = self.site.document_lists

        def list_url(kind: str, slug: str) -> str | None:
            term = lists.get(kind, {}).get(slug)
            if term is not None:
                self.recorder.term(term)
            return term.url if term is not None else None

        facts = self.document(document.file)
        ld: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "Report" if slug_of(document.kind) == "bao-cao" else "DigitalDocument",
            "name": document.summary or article.title, "genre": document.kind,
            "datePublished": document.issued.isoformat(), "url": self.absolute_url(article.url),
            "inLanguage": self.config.language,
        }
        if document.number:
            ld["identifier"] = document.number
        if document.issuer:
            ld["publisher"] = {"@type": "Organization", "name": document.issuer}
        if document.signer:
            ld["author"] = {"@type": "Person", "name": document.signer}
        if document.status:
            ld["creativeWorkStatus"] = document.status
        if facts is not None:
            ld.update(encodingFormat=facts.mime, contentSize=f"{facts.size} B",
                      contentUrl=self.absolute_url(url_path(document.file)))
            if facts.count and facts.unit == "pages":
                ld["numberOfPages"] = facts.count
        return {
            "facts": facts,
            "kind_url": list_url("document-kind", slug_of(document.kind)),
            "year_url": list_url("document-year", f"{document.issued:%Y}"),
            "issuer_url": list_url("document-issuer", slug_of(document.issuer)) if document.issuer else None,
            "replaced_by_url": self.document_url(document.replaced_by, article.key) if document.replaced_by else None,
            "ld": ld,
        }

    def _list(self, output: Output, term: Term, heading: str, note: dict[str, Any] | None = None
              ) -> tuple[str, dict[str, Any]]:
        size, word, strings = self.config.page_size, self.config.paths.page, self.config.strings
        page = list_page(len(term.articles), size, output.page)
        # its slice, its pager and (on the first page) the count: an older page reads nothing a new article changes
        self.recorder.add((LIST_PAGE, term.kind, term.slug, str(output.page), str(size)))
        self.recorder.term(term)  # its name (in its heading, as a tag's most used spelling changes) and URL

        def link(number: int | None) -> str | None:
            return None if number is None else page_url(term.url, number, word)

        pagination = Pagination(page.number, link(page.newer), link(page.older), tuple(
            None if number is None else PageLink(number, page_url(term.url, number, word), number == page.number)
            for number in page.window))
        first = page.number == 0
        title = heading if first else f"{heading} – {strings['page']} {page.number}"
        return "list.html", {
            "term": term,
            "heading": heading,
            "note": note,
            "items": self.articles(term.articles[page.start: page.stop]),
            "total": len(term.articles) if first else None,  # on the first page only: it changes daily
            "pagination": pagination,
            "page_title": title,
            "description": f"{heading}: {len(term.articles)} "
                           f"{self.plural(len(term.articles), strings['article'], strings['articles'])}" if first
                           else title,
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
        return self._list(output, term, self.month_name(output.key, with_year=True))

    def _year(self, output: Output) -> tuple[str, dict[str, Any]]:
        term = self.site.years[output.key]
        template, context = self._list(output, term, f"{self.config.strings['year']} {output.key}")
        context["months"] = []
        if output.page == 0:  # the year's months, with their counts, on its first page only
            self.recorder.add((TERMS, "month"))
            context["months"] = [m for k, m in self.site.months.items() if k.startswith(output.key + "/")]
        return template, context

    def _documents_list(self, output: Output, heading: str) -> tuple[str, dict[str, Any]]:
        """A list of the Văn bản section (all, a kind, a year, an issuer), as the portals show them: a table
        of number, date, summary, issuer and download, with the lists that filter it."""
        term = self.site.document_lists[output.kind][output.key]
        _, context = self._list(output, term, heading)
        filters = {}
        for kind in ("document-kind", "document-year", "document-issuer"):
            self.recorder.add((TERMS, kind))
            shown = list(self.site.document_lists[kind].values())
            for other in shown:
                self.recorder.term(other)
            filters[kind.removeprefix("document-")] = [(other.name, other.url) for other in shown]
        context.update(filters=filters, everything=self.site.document_lists["documents"][""].url,
                       ld=self._documents_ld(context["items"], context["page_title"], output))
        return "documents.html", context

    def _documents_ld(self, items: list[Article], title: str, output: Output) -> dict[str, Any]:
        """JSON-LD of a list of documents: a CollectionPage of DigitalDocuments (a Report for a báo cáo)."""
        parts = []
        for article in items:
            for name in ("document", "title", "url"):
                self.recorder.field(article.key, name)
            document = article.document
            assert document is not None
            part = {"@type": "Report" if slug_of(document.kind) == "bao-cao" else "DigitalDocument",
                    "name": document.summary or article.title, "url": self.absolute_url(article.url),
                    "datePublished": document.issued.isoformat(), "genre": document.kind}
            if document.number:
                part["identifier"] = document.number
            if document.issuer:
                part["publisher"] = {"@type": "Organization", "name": document.issuer}
            parts.append(part)
        return {"@context": "https://schema.org", "@type": "CollectionPage", "name": title,
                "url": self.absolute_url("/" + output.path.removesuffix("index.html")), "hasPart": parts}

    def _documents(self, output: Output) -> tuple[str, dict[str, Any]]:
        return self._documents_list(output, self.config.strings["documents"])

    def _document_kind(self, output: Output) -> tuple[str, dict[str, Any]]:
        return self._documents_list(output, self.site.document_lists[output.kind][output.key].name)

    def _document_year(self, output: Output) -> tuple[str, dict[str, Any]]:
        strings = self.config.strings
        return self._documents_list(output, f"{strings['documents']} {strings['year'].lower()} {output.key}")

    def _document_issuer(self, output: Output) -> tuple[str, dict[str, Any]]:
        return self._documents_list(output, self.site.document_lists[output.kind][output.key].name)

    def _latest(self, output: Output) -> tuple[str, dict[str, Any]]:
        """"Tin mới": the newest articles on a page of their own, which article pages include
        (assets/js/site.js) instead of listing them: a new article then rewrites this page, not
        every article. A reader without script follows the link to it."""
        count = max(self.config.page_size, self.config.latest_count + 1)  # one spare: a page never lists itself
        self.recorder.add((NEWEST, str(count)))
        return "latest.html", {"items": self.articles(list(self.site.articles)[:count]),
                               "page_title": self.config.strings["latest"], "description": ""}

    def _home(self, output: Output) -> tuple[str, dict[str, Any]]:
        home = self.config.home
        keys = list(self.site.articles)[: home.latest]
        self.recorder.add((NEWEST, str(home.latest)))
        for term in self.site.topics.values():
            self.recorder.term(term, articles=True)
        shown = set(keys)  # a small site's topic blocks would repeat the latest news
        blocks = [(term, self.articles([k for k in term.articles if k not in shown][: home.per_topic]))
                  for term in self.site.topics.values() if home.per_topic]
        blocks = [(term, articles) for term, articles in blocks if articles]
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

        def options(terms: list[Term]) -> list[dict[str, str]]:  # the value: the last word of the term's address
            return [{"slug": term.url.rstrip("/").rsplit("/", 1)[-1], "name": term.name} for term in terms]

        current = [p.slug for p in self.provinces.current()]
        former = [p.slug for p in self.provinces.by_slug.values() if not p.is_current]
        for slug in former:  # offered only when they have articles
            self.recorder.term(site.provinces[slug], articles=True)
        return "search.html", {
            "shards": list(self.shards),
            "search_settings": {"first": config.search.first_articles, "loose_kb": config.search.loose_kb,
                                "engine": config.search.engine},
            # the words of the search page's address: ?tinh=...&sap-xep=moi-nhat, ?province=...&sort=newest
            "words": {"province": config.paths.province, "topic": config.paths.topic,
                      **search_words(config.language)},
            "search_strings": {k.removeprefix("search_"): v for k, v in config.strings.items()
                               if k.startswith("search_")},
            "filters": {
                "provinces": options([site.provinces[s] for s in current]),
                "former": options([site.provinces[s] for s in former if site.provinces[s].articles]),
                "topics": options(list(site.topics.values())),
                "sections": options(list(site.sections.values())),
                "years": options(list(site.years.values())),
            },
            "page_title": config.strings["search"], "description": config.strings["search_description"],
        }

    def _alias(self, output: Output) -> tuple[str, dict[str, Any]]:
        article = self.site.articles[output.key]
        self.recorder.add((ARTICLE, article.key))
        return "alias.html", {"article": article, "canonical": article.url, "page_title": article.title,
                              "description": article.summary}

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
        entries = [self.whole(article) for article in self.articles(keys[: self.config.feeds.entries])]
        return atom_feed(self._feed_info(output.key), entries, self.config, self.absolute_url)

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


def _own_body(article: Article) -> str:
    return article.body_html


def _itself(article: Article) -> Article:
    return article
