"""What a saved news page says about itself, as its site declared it for search engines and link
previews: JSON-LD (NewsArticle and its kin), Open Graph and `article:*` meta, microdata
(itemprop), `<time datetime>`; and trafilatura's own metadata (htmldate's dates) where the page
declares nothing. Reads an lxml document; returns plain values."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lxml import etree

from bantin.importers.html import plain

_ARTICLE_TYPES = re.compile(r"(Article|BlogPosting|Report|LiveBlogPosting|NewsArticle|Posting)$")
_LIST_TYPES = re.compile(r"^(CollectionPage|ItemList|SearchResultsPage|ProfilePage)$")
_SEPARATORS = (" | ", " – ", " — ", " - ", " :: ", " · ", "（", " (")


@dataclass
class Declared:
    """A page's own metadata: each value "" (or None) when the page does not declare it."""

    title: str = ""
    published: datetime | None = None  # with the offset the page gave (or none: then the site's)
    published_from: str = ""  # where it was declared, for the report ("JSON-LD datePublished")
    authors: list[str] = field(default_factory=list)
    description: str = ""
    site_name: str = ""
    article: bool | None = None  # True: declares itself an article; False: a list or a site's page; None: silent
    tags: list[str] = field(default_factory=list)
    section: str = ""


def declared(document: etree._Element) -> Declared:
    """Everything the page declares about itself (JSON-LD first, then meta, microdata, <time>)."""
    found = Declared()
    for entry in _json_ld(document):
        kinds = entry.get("@type") or []
        kinds = [kinds] if isinstance(kinds, str) else [k for k in kinds if isinstance(k, str)]
        if any(_LIST_TYPES.match(kind) for kind in kinds) and found.article is None:
            found.article = False
        if not any(_ARTICLE_TYPES.search(kind) for kind in kinds):
            continue
        found.article = True
        found.title = found.title or plain(_text(entry.get("headline") or entry.get("name")))
        if found.published is None:
            found.published = _moment(_text(entry.get("datePublished")))
            found.published_from = "JSON-LD datePublished" if found.published else ""
        found.authors = found.authors or _names(entry.get("author"))
        found.description = found.description or plain(_text(entry.get("description")))
        found.section = found.section or plain(_text(entry.get("articleSection")))
        keywords = entry.get("keywords")
        if isinstance(keywords, str):
            found.tags = found.tags or [plain(k) for k in keywords.split(",") if plain(k)]
        elif isinstance(keywords, list):
            found.tags = found.tags or [plain(_text(k)) for k in keywords if plain(_text(k))]
    meta = _meta(document)
    kind = meta.get("og:type", "").lower()
    if found.article is None and kind:
        found.article = kind == "article" or None
        if kind == "website" and found.article is None:
            found.article = None  # many sites call every page "website": it says nothing
    if found.article is None and (meta.get("article:published_time") or document.xpath(
            "//*[@itemtype and contains(@itemtype, 'Article')]")):
        found.article = True
    found.title = found.title or meta.get("og:title", "") or meta.get("twitter:title", "")
    if found.published is None:
        for source, value in (("article:published_time", meta.get("article:published_time", "")),
                              ("itemprop datePublished", _itemprop(document, "datePublished")),
                              ("<time pubdate>", _first(document.xpath("//time[@pubdate]/@datetime"))),
                              ("meta date", meta.get("pubdate") or meta.get("publishdate") or meta.get(
                                  "dc.date.issued") or meta.get("dcterms.created") or meta.get("date", ""))):
            moment = _moment(value)
            if moment is not None:
                found.published, found.published_from = moment, source
                break
    if not found.authors:
        names = [plain(v) for v in document.xpath("//meta[@property='article:author' or @name='author']/@content")
                 if plain(v) and not re.match(r"https?://", plain(v))]
        names += [plain(e.text_content()) for e in document.xpath("//*[@itemprop='author']") if len(
            plain(e.text_content())) < 80 and plain(e.text_content())]
        found.authors = list(dict.fromkeys(names))
    found.description = found.description or meta.get("og:description", "") or meta.get("description", "")
    found.site_name = meta.get("og:site_name", "") or meta.get("application-name", "")
    site = found.site_name.lower()
    found.authors = [name for name in found.authors if not site or (name.lower() not in site and site not in
                                                                     name.lower())]
    found.section = found.section or meta.get("article:section", "")
    # one tag a meta, as Open Graph says; some sites (VnExpress) put them all in one, comma-separated
    found.tags = found.tags or [plain(tag) for value in document.xpath("//meta[@property='article:tag']/@content")
                                for tag in value.split(",") if plain(tag)]
    return found


def moments(document: etree._Element) -> list[datetime]:
    """Every full moment the page names in its markup (<time datetime>, meta, JSON-LD date fields)."""
    values = [str(v) for v in document.xpath("//time/@datetime | //meta/@content")]
    for entry in _json_ld(document):
        values += [str(v) for k, v in entry.items() if k.startswith(("date", "upload")) and isinstance(v, str)]
    found = [_moment(v) for v in values if "T" in v or " " in v.strip()]
    return [m for m in found if m is not None]


def headline(document: etree._Element, declared_title: str, fallback: str, site_name: str) -> str:
    """The article's title: what it declares, without the site's name after it; the visible <h1>
    when it is the declared title's start (the rest being the site's name)."""
    title = plain(declared_title) or plain(fallback)
    headings = [plain(h.text_content()) for h in document.iter("h1")]
    for heading in headings:
        if heading and title and heading != title and title.startswith(heading) and len(heading) > 8:
            return heading
    if site_name and title.endswith(site_name):
        for separator in _SEPARATORS:
            head, found, tail = title.rpartition(separator)
            if found and head and site_name in tail:
                return head.strip()
    if not title:
        headings = [h for h in headings if len(h.split()) >= 2]
        return headings[0] if len(headings) == 1 else ""
    return title


def trafilatura_metadata(document: etree._Element, url: str) -> dict[str, Any]:
    """trafilatura's metadata of the page (title, author, date as YYYY-MM-DD, description, sitename)."""
    from trafilatura.metadata import extract_metadata

    found = extract_metadata(document, default_url=url)
    return found.as_dict() if found is not None else {}


def _json_ld(document: etree._Element) -> list[dict[str, Any]]:
    """Every object of the page's JSON-LD blocks, @graph entries included; broken blocks skipped."""
    entries: list[dict[str, Any]] = []
    for script in document.xpath("//script[@type='application/ld+json']"):
        text = re.sub(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$", "", (script.text or "").strip())
        try:
            data = json.loads(text, strict=False)
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                entries.append(item)
                if isinstance(item.get("@graph"), list):
                    stack.extend(item["@graph"])
    return entries


def _meta(document: etree._Element) -> dict[str, str]:
    """<meta property|name|itemprop=... content=...>, the first of each name, lower-cased names."""
    found: dict[str, str] = {}
    for element in document.iter("meta"):
        name = (element.get("property") or element.get("name") or element.get("itemprop") or "").strip().lower()
        content = (element.get("content") or "").strip()
        if name and content and name not in found:
            found[name] = plain(content)
    return found


def _itemprop(document: etree._Element, name: str) -> str:
    for element in document.xpath(f"//*[@itemprop='{name}']"):
        value = element.get("datetime") or element.get("content") or plain(element.text_content())
        if value:
            return value
    return ""


def _first(values: list[Any]) -> str:
    return str(values[0]) if values else ""


def _text(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or ""
    return value if isinstance(value, str) else ""


def _names(value: Any) -> list[str]:
    """Author names of JSON-LD (a string, a Person, a list of them)."""
    values = value if isinstance(value, list) else [value]
    names = []
    for one in values:
        name = plain(_text(one))
        if name and not re.match(r"https?://", name):
            names.append(name)
    return list(dict.fromkeys(names))


_MOMENT_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?\s*"
                        r"(Z|[+-]\d{2}:?\d{2})?$")


def _moment(value: str) -> datetime | None:
    """An ISO 8601 moment as pages write it ('2021-11-01T10:52:50+0100', '2018-12-21 12:55:00', 'Z');
    None for anything else ('23. Juni 2016', 'comment_date')."""
    match = _MOMENT_RE.match((value or "").strip())
    if not match:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    text = f"{year}-{month}-{day}T{hour or '00'}:{minute or '00'}:{second or '00'}"
    if zone:
        text += "+00:00" if zone == "Z" else (zone if ":" in zone else zone[:3] + ":" + zone[3:])
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None
