"""What each page shows, as a fingerprint: an incremental build re-renders a page only when
its fingerprint differs from the one recorded when it was last written.

A page's fingerprint covers the site-wide inputs (bantin's code, site.toml, the layouts, the
assets, the province list) and the articles it shows, each by a digest of all its fields:
an article page shows itself, its related news, the latest news and its neighbours; a list
page the articles of its page, its term and the counts; the home page its blocks; index
pages, the search page and the sitemap the counts and dates they list. The default layouts
show nothing else; a layout that reads more (say, the body of every article of a list)
should be matched here, and the equality test of incremental and clean builds would show it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from bantin.config import Config
from bantin.model import Output, Site, Term
from bantin.render import last_change, sitemap_pages, terms_by_kind

LIST_KINDS = ("section", "province", "topic", "tag", "month", "year")


def _digest(*parts: object) -> bytes:
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"), digest_size=16).digest()


def output_fingerprints(outputs: list[Output], site: Site, config: Config, global_digest: str,
                        shards: Iterable[str], articles: dict[str, bytes]) -> dict[str, str]:
    """Output path -> fingerprint of everything the page shows.

    `articles` holds a digest of each article: that of its source file, which (with the
    settings and code in `global_digest`) decides every field of the parsed article.
    """
    kinds = terms_by_kind(site)

    def counts(terms: dict[str, Term]) -> bytes:
        return _digest([(slug, term.name, term.url, len(term.articles)) for slug, term in terms.items()])

    shared = {
        "province-index": counts(site.provinces),
        "topic-index": counts(site.topics),
        "tag-index": counts(site.tags),
        "archive-index": _digest(counts(site.years), counts(site.months)),
        "search": _digest(counts(site.provinces), counts(site.years), list(shards)),
        # every page in the sitemap with the date of the newest article it shows
        "sitemap": _digest([(o.path, last_change(o, site)) for o in sitemap_pages(outputs)]),
    }
    home = config.home
    latest = site.latest
    fingerprints = {}
    for output in outputs:
        parts: list[object] = [global_digest, output.kind, output.key, output.page, output.pages]
        keys: Iterable[str | None] = ()
        kind = output.kind
        if kind == "article":
            neighbours = site.neighbours[output.key]
            keys = [output.key, *site.related.get(output.key, ()), *latest, neighbours.previous, neighbours.next]
        elif kind == "alias":
            keys = [output.key]
        elif kind in LIST_KINDS:
            term = kinds[kind][output.key]
            start = (output.page - 1) * config.page_size
            keys = term.articles[start: start + config.page_size]
            parts += [term.name, term.url, len(term.articles)]
            if kind == "year":
                parts.append(counts({k: m for k, m in site.months.items() if k.startswith(output.key + "/")}))
        elif kind == "home":
            parts.append(shared["topic-index"])  # "Xem tất cả (N)" under each topic block
            keys = [*list(site.articles)[: home.latest],
                    *(k for term in site.topics.values() for k in term.articles[: home.per_topic])]
        elif kind == "feed":
            if output.key:
                feed_kind, slug = output.key.split("/", 1)
                term = kinds[feed_kind][slug]
                parts += [term.name, term.url]
                keys = term.articles[: config.feeds.entries]
            else:
                keys = list(site.articles)[: config.feeds.entries]
        elif kind in shared:
            parts.append(shared[kind])
        digest = hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"), digest_size=16)
        for key in keys:
            if key is not None:  # the key too: a renamed file has new URLs, the same bytes
                digest.update(key.encode() + b"\0" + articles[key])
        fingerprints[output.path] = digest.hexdigest()
    return fingerprints
