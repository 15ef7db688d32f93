"""The documents' side of search: what the build hands over of each document (plain data), and the
copy of it Pagefind indexes.

A document is indexed in a shard of its own beside its article's ("tl-2024-q1" beside "2024-q1"),
so that a search for articles downloads nothing more than before: search.js asks the documents'
shards when the reader asks, saying how many documents that searches and what it costs. A document is
one record: its pages follow one another, each under a heading whose id is "page=N", so a result's
sub-results name the pages that match and link to file.pdf#page=N (Pagefind builds their address
from the record's, which bantin sets to the file's). The text itself is cut from the record's
fragment after indexing (a reader downloads a fragment per result shown, and a document's text is
long): a result shows the document, its article and its pages.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator
from dataclasses import dataclass

DOCUMENT_SHARD = "tl-"  # a documents' shard is named after its articles' shard: "tl-2024-q1"
_WORDS_PER_PAGE = 20_000  # what one page may add to the index: a spreadsheet's sheet can be enormous
_WORDS_PER_DOCUMENT = 300_000  # and one document (some 600 dense pages): Pagefind holds a record whole
# Pagefind's memory grows with the words it indexes: a documents' shard holds at most about this many
# pages (an article's worth of words each), and splits into parts past it ("tl-2024", "tl-2024-2", ...)
PAGES_PER_SHARD = 2000


@dataclass(frozen=True)
class DocumentEntry:
    """One document as search knows it: plain data from the build (bantin/documents/ reads the files)."""

    article: str  # the key of the article that publishes or links it
    article_title: str  # that article's title and address: a result names the article the document is in
    article_url: str
    url: str  # its site path; its page N is url + "#page=N"
    title: str  # what a result calls it
    format: str  # "PDF", "DOCX", ...: said in the result
    unit: str  # what its pages are called, in the site's language: "trang", "trang tính", "trang chiếu"
    pages: int  # its pages with text: what it weighs in the index
    digest: str  # what its text is made from (the file's digest, how it was read, OCR): unchanged, not indexed again


def document_shard(name: str) -> str:
    """The name of the documents' shard beside an articles' shard."""
    return DOCUMENT_SHARD + name


def document_copy(entry: DocumentEntry, pages: tuple[str, ...], head: bytes, hidden: Callable[[str], str],
                  language: str, mark: str) -> bytes:
    """The page Pagefind reads for a document: its article's filters and sort (`head`, from the article's
    own copy), its title, then each page of text under a heading with the id "page=N", each followed
    by the page's hidden words (index.hidden_words), so that a match on them falls on its page."""

    parts = [f'<!DOCTYPE html><html lang="{html.escape(language)}"><head>'.encode(), head,
             f'<meta data-pagefind-meta="title[content]" content="{html.escape(entry.title)}">'.encode(),
             b"</head><body><div data-pagefind-body>", f"<p>{mark}</p>".encode()]
    budget = _WORDS_PER_DOCUMENT
    for number, text in enumerate(pages, start=1):
        words = text.split()[: min(_WORDS_PER_PAGE, budget)]
        budget -= len(words)
        if not words:
            continue
        shown = " ".join(words)
        parts.append(f'<h6 id="page={number}">{number}</h6><p>{html.escape(shown)}</p>'
                     f"<div hidden>{html.escape(hidden(shown))}</div>".encode())
    parts.append(b"</div></body></html>")
    return b"".join(parts)


def document_parts(name: str, keys: tuple[str, ...], documents: dict[str, list[DocumentEntry]]
                   ) -> list[tuple[str, tuple[str, ...]]]:
    """The documents' shards beside the articles' shard `name` (its articles `keys`, newest first): (name,
    article keys) of each part of at most PAGES_PER_SHARD pages, filled from the oldest article, so that
    a new article's documents change only the newest part."""
    parts: list[list[str]] = [[]]
    weight = 0
    for key in reversed(keys):
        entries = documents.get(key)
        if not entries:
            continue
        pages = sum(max(1, entry.pages) for entry in entries)
        if parts[-1] and weight + pages > PAGES_PER_SHARD:
            parts.append([])
            weight = 0
        parts[-1].append(key)
        weight += pages
    return [(document_shard(name) + (f"-{n}" if n > 1 else ""), tuple(reversed(part)))
            for n, part in enumerate(parts, start=1) if part]


def weight(keys: tuple[str, ...], documents: dict[str, list[DocumentEntry]]) -> int:
    """What a documents' shard weighs in the index, in articles' worth of words: its pages."""
    return sum(max(1, entry.pages) for key in keys for entry in documents.get(key, ()))


def by_article(entries: list[DocumentEntry]) -> dict[str, list[DocumentEntry]]:
    """The entries of each article, in the order given."""
    found: dict[str, list[DocumentEntry]] = {}
    for entry in entries:
        found.setdefault(entry.article, []).append(entry)
    return found


def record_paths(article_path: str, entries: list[DocumentEntry]) -> Iterator[tuple[str, DocumentEntry]]:
    """Where each document's copy goes in a shard's folder: under its article's ("tin-tuc/2024/x/tl-1/index.html")."""
    folder = article_path.removesuffix("index.html")
    for number, entry in enumerate(entries, start=1):
        yield f"{folder}tl-{number}/index.html", entry
