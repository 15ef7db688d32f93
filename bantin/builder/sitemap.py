"""sitemap.xml: an index of parts, one per month of articles and one for the other pages (plan.sitemap_parts)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from xml.sax.saxutils import escape

from bantin.builder.plan import SitemapEntry

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def _lastmod(moment: datetime | None) -> str:
    return f"<lastmod>{moment.isoformat(timespec='seconds')}</lastmod>" if moment else ""


def sitemap_index(parts: dict[str, tuple[SitemapEntry, ...]], absolute_url: Callable[[str], str]) -> bytes:
    """sitemap.xml: every part, with the last change of its newest page where its pages have dates."""
    items = "".join(
        f"<sitemap><loc>{escape(absolute_url('/' + name))}</loc>"
        f"{_lastmod(max((when for _, when in entries if when), default=None))}</sitemap>\n"
        for name, entries in parts.items())
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">\n'
            f"{items}</sitemapindex>\n").encode()


def sitemap_part(entries: tuple[SitemapEntry, ...], absolute_url: Callable[[str], str]) -> bytes:
    """One part of the sitemap: its pages' URLs, each with its last change where it has one."""
    urls = "".join(f"<url><loc>{escape(absolute_url('/' + path.removesuffix('index.html')))}</loc>"
                   f"{_lastmod(when)}</url>\n" for path, when in entries)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">\n{urls}</urlset>\n'.encode()
