"""Atom feeds (RFC 4287): the site's newest articles, and those of a section, province or topic."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape

from bantin.content.model import Article
from bantin.project.config import Config

ATOM_NS = "http://www.w3.org/2005/Atom"
FEED_FILE = "feed.xml"
FEED_KINDS = ("section", "province", "topic", "documents")  # the lists that have a feed of their own
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # `updated` of a feed with no entries: stable, not the clock

# Root-relative links in our own HTML (Python-Markdown always writes double quotes).
_ROOT_LINK = re.compile(r'(\s(?:href|src)=")/(?!/)')


@dataclass(frozen=True)
class FeedInfo:
    """What a feed is about."""

    title: str
    page_url: str  # site-relative URL of the list page it follows
    feed_url: str  # site-relative URL of the feed itself
    categories: Callable[[Article], list[tuple[str, str]]]  # article -> (term, label) pairs


def feed_url(list_url: str) -> str:
    """The feed beside a list page: '/tinh/ha-noi/' -> '/tinh/ha-noi/feed.xml'."""
    return f"{list_url}{FEED_FILE}"


def atom_feed(info: FeedInfo, articles: Iterable[Article], config: Config,
              absolute: Callable[[str], str]) -> bytes:
    """The Atom document of `articles` (newest first), with absolute URLs throughout.

    `absolute` turns a site path into an absolute URL (the renderer's absolute_url).
    """
    origin = config.base_url[: len(config.base_url) - len(config.base_path) + 1]
    entries = list(articles)[: config.feeds.entries]
    updated = max((a.date for a in entries), default=EPOCH)

    feed = ET.Element("feed", {"xmlns": ATOM_NS, "xml:lang": config.language, "xml:base": config.base_url})
    _text(feed, "id", absolute(info.page_url))
    _text(feed, "title", info.title)
    if config.description:
        _text(feed, "subtitle", config.description)
    _text(feed, "updated", _timestamp(updated))
    ET.SubElement(feed, "link", {"rel": "self", "type": "application/atom+xml", "href": absolute(info.feed_url)})
    ET.SubElement(feed, "link", {"rel": "alternate", "type": "text/html", "href": absolute(info.page_url)})
    author = ET.SubElement(feed, "author")
    _text(author, "name", config.title)
    _text(author, "uri", config.base_url)
    _text(feed, "generator", "bantin")

    for article in entries:
        entry = ET.SubElement(feed, "entry")
        _text(entry, "id", absolute(article.url))
        _text(entry, "title", article.title)
        ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html", "href": absolute(article.url)})
        _text(entry, "published", _timestamp(article.date))
        _text(entry, "updated", _timestamp(article.updated or article.date))
        if article.author:
            _text(ET.SubElement(entry, "author"), "name", article.author)
        for term, label in info.categories(article):
            ET.SubElement(entry, "category", {"term": term, "label": label})
        _text(entry, "summary", article.summary)
        if config.feeds.content == "full":
            _text(entry, "content", _full_html(article, absolute, origin), type="html")

    ET.indent(feed)
    document = ET.tostring(feed, encoding="unicode", short_empty_elements=True)
    return f'<?xml version="1.0" encoding="utf-8"?>\n{document}\n'.encode()


def _full_html(article: Article, absolute: Callable[[str], str], origin: str) -> str:
    """The article as one HTML fragment: cover, lead, body, with links that work outside the site."""
    parts = []
    if article.image:
        parts.append(f'<p><img src="{escape(absolute(article.image))}" alt="{escape(article.image_alt)}"></p>')
    if article.lead:
        parts.append(f"<p><strong>{escape(article.lead)}</strong></p>")
    # body links are root-relative ("/lhh/x"): readers that ignore xml:base need the origin
    parts.append(_ROOT_LINK.sub(lambda m: f"{m.group(1)}{origin}", article.body_html))
    return "\n".join(parts)


def _timestamp(moment: datetime) -> str:
    """RFC 3339 with the article's own offset, to the second."""
    return moment.isoformat(timespec="seconds")


def _text(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    element.text = text
    return element

