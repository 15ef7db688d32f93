"""Documents in an article's body: a link alone in its paragraph (or list item) becomes the document's
card; a link inside a sentence says the document's type and size after it, so a reader on mobile data
knows what a tap costs. The HTML of a card comes from the layouts (macros.html: document_card)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from bantin.photos.variants import site_path

_LINK_RE = re.compile(r"<a\b([^>]*)>(.*?)</a>", re.S)
_HREF_RE = re.compile(r'\bhref="([^"]*)"')
_LONE_RE = re.compile(r"<(p|li)>\s*(<a\b[^>]*>.*?</a>)\s*</\1>", re.S)
_TAG_RE = re.compile(r"<[^>]+>")

Card = Callable[[str, str], str | None]  # (site path, name) -> the card's HTML, or None: not a document
Facts = Callable[[str], tuple[str, str] | None]  # site path -> (MIME type, "PDF · 2,4 MB"), or None


def expand_documents(body_html: str, card: Card, facts: Facts, base_path: str, page_url: str) -> str:
    """The body with its documents' cards and facts (see above); other links as they are."""

    def path_of(attributes: str) -> str | None:
        href = _HREF_RE.search(attributes)
        return site_path(html.unescape(href.group(1)), base_path, page_url) if href else None

    def lone(match: re.Match[str]) -> str:
        link = _LINK_RE.fullmatch(match.group(2))
        path = path_of(link.group(1)) if link else None
        made = card(path, link_text(link.group(2))) if link and path else None
        if made is None:
            return match.group()
        return made if match.group(1) == "p" else f"<li>{made}</li>"

    def inline(match: re.Match[str]) -> str:
        path = path_of(match.group(1))
        found = facts(path) if path else None
        if found is None or "document-card" in match.group(1):
            return match.group()
        mime, said = found
        return (f'<a{match.group(1)} type="{html.escape(mime)}">{match.group(2)}</a>'
                f' <span class="document-facts" data-pagefind-ignore>({html.escape(said)})</span>')

    expanded = _LONE_RE.sub(lone, body_html)
    # the cards' own links are left alone: split around them
    parts = re.split(r'(<div class="document-card".*?</div><!-- /document-card -->)', expanded, flags=re.S)
    return "".join(part if part.startswith('<div class="document-card"') else _LINK_RE.sub(inline, part)
                   for part in parts)


def link_text(inner_html: str) -> str:
    """A link's words, without their markup."""
    return " ".join(html.unescape(_TAG_RE.sub("", inner_html)).split())
