"""What the build hands the search index: the site's articles as records (bantin/search/records.py),
each shard's version, and which shards to bring up to date. The index itself is bantin/search/."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bantin.content.model import Article, Site
from bantin.language.provinces import ProvinceList
from bantin.photos.model import Picture
from bantin.project import cache
from bantin.project.config import Config
from bantin.search import engine
from bantin.search.records import Record, article_parts, article_record
from bantin.search.shards import Shard


def thumbnail(article: Article, pictures: Mapping[str, Picture]) -> str:
    """The site path of the cover a result shows: its small thumbnail when the photo has variants."""
    cover = pictures.get(article.image)
    return cover.thumbs[0].url if cover is not None and cover.thumbs else article.image


def site_inputs(config: Config, provinces_bytes: bytes) -> str:
    """What records read of the site's settings besides the articles: names of sections and topics,
    the paths of URLs, the time zone of dates, the province list."""
    return cache.fingerprint(config.sections, config.topics, config.paths, config.timezone_name, provinces_bytes)


def engine_facts(shards: list[Shard], site: Site, config: Config, provinces_bytes: bytes,
                 digests: Mapping[str, bytes], pictures: Mapping[str, Picture]) -> list[dict[str, Any]]:
    """What search-worker.js needs of each shard of bantin's index, newest first: its version (in the URLs
    of its files, so that a browser never mixes two builds), and its numbers of word and title buckets."""
    inputs = site_inputs(config, provinces_bytes)

    def source(key: str) -> str:
        return f"{digests[key].hex()} {thumbnail(site.articles[key], pictures)}"

    return [{"v": engine.shard_version(shard, inputs, source), "b": engine.bucket_count(len(shard.keys)),
             "t": engine.title_bucket_count(len(shard.keys))} for shard in shards]


def tasks(shards: list[Shard], facts: tuple[dict[str, Any], ...]) -> list[engine.Task]:
    """A task per shard: its keys oldest first (the articles' numbers in the index) and its version."""
    return [engine.Task(shard.name, tuple(reversed(shard.keys)), fact["v"])
            for shard, fact in zip(shards, facts, strict=True)]


def sources(site: Site, provinces: ProvinceList, pictures: Mapping[str, Picture], digests: Mapping[str, bytes],
            replaced: Mapping[str, tuple[bytes, Article]]) -> engine.Sources:
    """Each article's record, its source's digest, and its text before an edit (from the parse cache)."""

    def record(key: str) -> Record:
        article = site.articles[key]
        return article_record(article, site, provinces, thumbnail(article, pictures))

    def previous(key: str) -> tuple[str, tuple[str, ...]] | None:
        found = replaced.get(key)
        if found is None or found[1].province not in site.provinces:
            return None
        return found[0].hex(), (*article_parts(found[1]), site.provinces[found[1].province].name)

    return engine.Sources(record, lambda key: digests[key].hex(), previous)
