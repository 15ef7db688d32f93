"""The shared vocabulary of the pipeline: plain, frozen values passed from stage to stage."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bantin.markup.charts import ChartSpec


@dataclass(frozen=True)
class Source:
    """One Markdown file as read from disk."""

    path: Path  # absolute path
    rel: str  # project-relative POSIX path, used in messages and as the article key
    section: str  # the first folder under content/
    text: str


@dataclass(frozen=True)
class OfficialDocument:
    """The official document an article publishes: its front matter's `document:` (Số/Ký hiệu, Ngày ban hành,
    Trích yếu, Cơ quan ban hành, Loại văn bản, as Vietnam's portals list them)."""

    kind: str  # one of site.toml's [documents] kinds, as it spells it: "Công văn"
    file: str  # site path of the file, "/van-ban/2021/135-ubnd-ktth.pdf"
    issued: datetime  # ngày ban hành, in the site's timezone (the article's date when not given)
    number: str = ""  # số và ký hiệu as shown ("135/UBND-KTTH"); "" for a document without one
    issuer: str = ""  # cơ quan ban hành
    signer: str = ""  # người ký
    summary: str = ""  # trích yếu; "" shows the article's title
    status: str = ""  # "Còn hiệu lực", "Hết hiệu lực", ...
    replaced_by: str = ""  # the number of the document that replaces it


@dataclass(frozen=True)
class Article:
    """One parsed article. Articles refer to each other by `key`, never by object."""

    key: str  # project-relative path of the source file: unique and stable
    section: str
    slug: str
    url: str  # site-relative URL, "/tin-tuc/2023/slug/"
    title: str
    date: datetime  # aware, in the site's timezone
    province: str  # slug of the province as written (a former unit stays itself)
    topic: str  # canonical topic name from site.toml
    tags: tuple[str, ...]  # as written, NFC, duplicates removed
    summary: str  # plain text: front-matter `summary` or the first paragraph
    lead: str  # front-matter `summary`, shown above the body; "" when derived from the body
    body_html: str  # "" while the body is held in .bantin-cache/bodies.sqlite (content/bodies.py): read it there
    author: str = ""
    source_name: str = ""
    source_url: str = ""
    image: str = ""
    image_alt: str = ""
    draft: bool = False
    updated: datetime | None = None  # when the article was last corrected (front-matter `updated`)
    aliases: tuple[str, ...] = ()  # site-relative URLs that redirect here
    document: OfficialDocument | None = None  # the official document it publishes (front-matter `document`)
    citations: tuple[str, ...] = ()  # the document numbers its body names (documents.numbers.key), in order
    charts: tuple[ChartSpec, ...] = ()  # the charts its body draws (```chart blocks), in order
    # (site path, line, field) of every image on this site it shows: the cover ("image") and the body's ("body")
    images: tuple[tuple[str, int, str], ...] = ()
    # (site path, line, "body") of every link of the body to a page or file of this site (build/links.py checks them)
    links: tuple[tuple[str, int, str], ...] = ()
    lines: dict[str, int] = field(default_factory=dict)  # front-matter field -> its line, for warnings
    extra: dict[str, Any] = field(default_factory=dict)  # unknown front-matter keys, for layouts
    body_digest: bytes = b""  # names the body (content/bodies.py); b"": the body is the one held above

    @property
    def year(self) -> int:
        """Year of publication in the site's timezone."""
        return self.date.year


@dataclass(frozen=True)
class Term:
    """A province, topic, tag, section or archive period, with the articles it lists."""

    kind: str  # "province" | "topic" | "tag" | "section" | "month" | "year" | "documents" | "document-kind" | ...
    name: str  # as shown
    slug: str
    url: str  # site-relative URL of its first list page
    articles: tuple[str, ...]  # article keys, newest first


@dataclass(frozen=True)
class Neighbours:
    """Previous (older) and next (newer) article in the same section, by key."""

    previous: str | None
    next: str | None


@dataclass(frozen=True)
class Site:
    """Everything the renderer needs, assembled once from the articles."""

    articles: dict[str, Article]  # key -> article, newest first
    sections: dict[str, Term]  # section slug -> term
    provinces: dict[str, Term]  # province slug -> term (today's units list their former ones too)
    topics: dict[str, Term]  # topic slug -> term, in site.toml order
    tags: dict[str, Term]  # tag slug -> term, by name
    months: dict[str, Term]  # "2023/06" -> term, newest first
    years: dict[str, Term]  # "2023" -> term, newest first
    related: dict[str, tuple[str, ...]]  # article key -> related article keys, best first
    neighbours: dict[str, Neighbours]
    tag_slugs: dict[str, str]  # tag as written -> slug
    topic_slugs: dict[str, str]  # topic name -> slug
    # "Văn bản": the articles that publish an official document, newest issued first, by kind of list:
    # "documents" (all, under the slug ""), "document-kind", "document-year", "document-issuer" -> slug -> term
    document_lists: dict[str, dict[str, Term]] = field(default_factory=dict)
    numbers: dict[str, str] = field(default_factory=dict)  # a document's number (numbers.key) -> its article
    cited_by: dict[str, tuple[str, ...]] = field(default_factory=dict)  # a document's article -> those citing it


