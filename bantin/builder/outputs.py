"""What the build writes: the kinds of output, and one planned output file."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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
    DOCUMENTS = "documents"  # "Văn bản": every official document, then by kind, year issued and issuer
    DOCUMENT_KIND = "document-kind"
    DOCUMENT_YEAR = "document-year"
    DOCUMENT_ISSUER = "document-issuer"
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


DOCUMENT_KINDS = (Kind.DOCUMENTS, Kind.DOCUMENT_KIND, Kind.DOCUMENT_YEAR, Kind.DOCUMENT_ISSUER)
LIST_KINDS = (Kind.SECTION, Kind.PROVINCE, Kind.TOPIC, Kind.TAG, Kind.MONTH, Kind.YEAR, *DOCUMENT_KINDS)  # Term.kind


@dataclass(frozen=True)
class Output:
    """One file to write: what it is, where it goes, and what it shows."""

    path: str  # output-relative POSIX path, "tin-tuc/2023/slug/index.html"
    kind: Kind
    key: str = ""  # the article key or term key it shows; a sitemap part's file name
    page: int = 0  # a list's page number: 0 for its first page (the newest), else counted from the oldest
