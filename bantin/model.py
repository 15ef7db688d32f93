"""The shared vocabulary of the pipeline: plain, frozen values passed from stage to stage."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Source:
    """One Markdown file as read from disk."""

    path: Path  # absolute path
    rel: str  # project-relative POSIX path, used in messages and as the article key
    section: str  # the first folder under content/
    text: str


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
    body_html: str
    author: str = ""
    source_name: str = ""
    source_url: str = ""
    image: str = ""
    image_alt: str = ""
    draft: bool = False
    updated: datetime | None = None  # when the article was last corrected (front-matter `updated`)
    aliases: tuple[str, ...] = ()  # site-relative URLs that redirect here
    # (site path, line, field) of every image on this site it shows: the cover ("image") and the body's ("body")
    images: tuple[tuple[str, int, str], ...] = ()
    # (site path, line, "body") of every link of the body to a page or file of this site (bantin/links.py checks them)
    links: tuple[tuple[str, int, str], ...] = ()
    lines: dict[str, int] = field(default_factory=dict)  # front-matter field -> its line, for warnings (title, date)
    extra: dict[str, Any] = field(default_factory=dict)  # unknown front-matter keys, for layouts

    @property
    def year(self) -> int:
        """Year of publication in the site's timezone."""
        return self.date.year


@dataclass(frozen=True)
class ImageFacts:
    """What the header of a photo says (read without decoding it), and the digest of its bytes."""

    digest: str  # hex digest of the file: names its variants and its cache entry
    width: int  # upright: after the EXIF orientation is applied
    height: int
    format: str  # Pillow's name: "JPEG", "PNG", "WEBP", ...
    orientation: int  # EXIF orientation, 1 when none
    alpha: bool  # has transparency: the fallback is PNG, not JPEG
    animated: bool  # several frames: published as it is
    size: int  # bytes of the original


@dataclass(frozen=True)
class Variant:
    """One file made from a photo."""

    url: str  # site path, "/anh/2023/hoi-thao.800.1a2b3c4d5e.webp"
    width: int
    height: int
    mime: str  # "image/webp", "image/avif", "image/jpeg", "image/png"


@dataclass(frozen=True)
class Picture:
    """A photo an article uses, as readers get it: every file made from it (bantin/pictures.py)."""

    path: str  # site path of the original, "/anh/2023/hoi-thao.jpg": it gets the largest fallback
    source: str  # project-relative path of the original file
    width: int  # of the largest full-frame variant
    height: int
    full: tuple[Variant, ...]  # the whole frame at every width, modern formats first, the fallback last
    thumbs: tuple[Variant, ...]  # cropped to the thumbnail ratio, for lists
    share: Variant | None  # 1200x630 crop for social previews (og:image)
    token: str = ""  # digest of the original and the settings: in every variant's name, and the cache's key
    copied: bool = False  # an animation: published as it is, no variants


@dataclass(frozen=True)
class Term:
    """A province, topic, tag, section or archive period, with the articles it lists."""

    kind: str  # "province" | "topic" | "tag" | "section" | "month" | "year"
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


class Kind(StrEnum):
    """What an output is: the one vocabulary of page kinds (plan, render, deps, search)."""

    HOME = "home"
    NOT_FOUND = "404"
    ARTICLE = "article"
    ALIAS = "alias"  # a redirect from an old URL of an article
    SECTION = "section"  # the list pages of a term, one kind per kind of term
    PROVINCE = "province"
    TOPIC = "topic"
    TAG = "tag"
    MONTH = "month"
    YEAR = "year"
    PROVINCE_INDEX = "province-index"  # all provinces, topics, tags, the archive
    TOPIC_INDEX = "topic-index"
    TAG_INDEX = "tag-index"
    ARCHIVE_INDEX = "archive-index"
    SEARCH = "search"
    LATEST = "latest"  # "Tin mới": the newest articles, a page of its own that article pages include
    FEED = "feed"
    ROBOTS = "robots"
    FAVICON = "favicon"  # /favicon.ico, made from site.toml's favicon (browsers ask for it at the root)
    SITEMAP = "sitemap"
    CMS = "cms"  # the web editor: admin/index.html and its generated admin/config.yml ([cms] in site.toml)


LIST_KINDS = (Kind.SECTION, Kind.PROVINCE, Kind.TOPIC, Kind.TAG, Kind.MONTH, Kind.YEAR)  # also Term.kind


@dataclass(frozen=True)
class Output:
    """One file to write: what it is, where it goes, and what it shows."""

    path: str  # output-relative POSIX path, "tin-tuc/2023/slug/index.html"
    kind: Kind
    key: str = ""  # the article key or term key it shows; a sitemap part's file name
    page: int = 0  # a list's page number: 0 for its first page (the newest), else counted from the oldest
