"""sitemap.xml: every page a search engine should index, with the date of its newest article."""

from __future__ import annotations

from collections.abc import Callable
from xml.sax.saxutils import escape

from bantin.model import Output, Site
from bantin.plan import SITEMAP_LIMIT, last_change, sitemap_pages

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def sitemap_xml(output: Output, outputs: list[Output], site: Site, absolute_url: Callable[[str], str]) -> bytes:
    """One sitemap file: its part of the pages, or, past 50,000 URLs, the index of the parts (page 0)."""
    if output.page == 0:
        parts = "".join(f"<sitemap><loc>{escape(absolute_url(f'/sitemap-{n}.xml'))}</loc></sitemap>"
                        for n in range(1, output.pages + 1))
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">'
                f"{parts}</sitemapindex>\n").encode()
    part = sitemap_pages(outputs)[(output.page - 1) * SITEMAP_LIMIT: output.page * SITEMAP_LIMIT]
    entries = []
    for page in part:
        modified = last_change(page, site)
        lastmod = f"<lastmod>{modified.isoformat(timespec='seconds')}</lastmod>" if modified else ""
        loc = absolute_url("/" + page.path.removesuffix("index.html"))
        entries.append(f"<url><loc>{escape(loc)}</loc>{lastmod}</url>")
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">\n'
            + "\n".join(entries) + "\n</urlset>\n").encode()
