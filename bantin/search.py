"""The search index: Pagefind run over the written article pages, one shard per period.

Pagefind indexes a folder in one go and has no incremental mode, and its memory grows with
the pages it holds. So the archive is split into shards by date (calendar periods, so an
edit never moves an article to another shard), each shard is indexed on its own into
.bantin-cache/search/, keyed by a digest of everything that goes into it, and an unchanged
shard is reused instead of re-indexed. The browser merges the shards with mergeIndex.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from bantin.config import Config
from bantin.errors import BuildFailed, ContentError
from bantin.model import Article, Site

BUNDLE_DIR = "pagefind"  # under the output folder: pagefind/<shard>/
CACHE_DIR = ".bantin-cache/search"
WORD_CHARS = "đĐ"  # Pagefind folds accents by decomposing; these two do not decompose


def fold(text: str) -> str:
    """Vietnamese text without diacritics, lower-case: 'Đắk Lắk' -> 'dak lak'."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def folded_words(article: Article, body_text: str) -> list[str]:
    """Words with đ, folded, for the hidden copy Pagefind indexes: 'đổi' -> 'doi'.

    Pagefind already matches 'tri thuc' to 'trí thức' but keeps 'đ' apart from 'd', so
    'dak lak' misses 'Đắk Lắk' unless the page also holds the folded word. (Pagefind's
    phrase search does not match in this copy, so only words are needed, each once.)
    """
    seen: dict[str, None] = {}
    for word in f"{article.title} {article.lead} {body_text}".split():
        if "đ" in word or "Đ" in word:
            folded = "".join(c for c in fold(word) if c.isalnum())
            if folded:
                seen[folded] = None
    return list(seen)


@dataclass(frozen=True)
class Shard:
    """Articles indexed together: a calendar period ("2021-2026"), a year or a month."""

    name: str
    keys: tuple[str, ...]  # article keys, newest first


def plan_shards(site: Site, period_years: int, max_articles: int) -> list[Shard]:
    """Shards newest first: calendar periods of period_years; one holding more than
    max_articles splits into years, and such a year into equal runs of months (halves,
    quarters, ... months), the fewest that fit. Boundaries depend on dates only, so an edit
    never moves other articles between shards."""
    by_period: dict[int, list[str]] = defaultdict(list)
    for key, article in site.articles.items():
        by_period[article.year - article.year % period_years].append(key)
    shards = []
    for start in sorted(by_period, reverse=True):
        keys = by_period[start]
        if len(keys) <= max_articles:
            name = str(start) if period_years == 1 else f"{start}-{start + period_years - 1}"
            shards.append(Shard(name, tuple(keys)))
            continue
        for year in sorted({site.articles[k].year for k in keys}, reverse=True):
            shards += _split_year(year, [k for k in keys if site.articles[k].year == year], site, max_articles)
    return shards


def _split_year(year: int, keys: list[str], site: Site, max_articles: int) -> list[Shard]:
    if len(keys) <= max_articles:
        return [Shard(str(year), tuple(keys))]
    for months in (6, 4, 3, 2, 1):  # months per part: halves, thirds, quarters, ...
        parts: dict[int, list[str]] = defaultdict(list)
        for key in keys:
            parts[(site.articles[key].date.month - 1) // months * months + 1].append(key)
        if months == 1 or max(len(part) for part in parts.values()) <= max_articles:
            return [Shard(f"{year}-{first:02d}", tuple(parts[first])) for first in sorted(parts, reverse=True)]
    raise AssertionError("unreachable: one month per part always fits")


@dataclass(frozen=True)
class IndexReport:
    shards: int
    indexed: tuple[str, ...]  # names of the shards (re)built by this run
    seconds: float


def pagefind_executable() -> str:
    from pagefind_bin import get_executable  # the binary shipped in the pagefind-bin wheel

    return str(get_executable())


def shard_digest(shard: Shard, site: Site, config: Config, layouts_digest: str, version: str) -> str:
    """Digest of everything that decides a shard's index: its articles, the layouts, the settings."""
    digest = hashlib.sha256()
    settings = {"version": version, "base_url": config.base_url, "language": config.language,
                "layouts": layouts_digest, "shard": shard.name}
    digest.update(json.dumps(settings, sort_keys=True).encode())
    for key in shard.keys:
        a = site.articles[key]
        record = [a.key, a.url, a.title, a.lead, a.body_html, a.date.isoformat(), a.province, a.topic,
                  list(a.tags), a.section, a.image, a.image_alt]
        digest.update(json.dumps(record, ensure_ascii=False).encode())
    return digest.hexdigest()[:20]


def layouts_digest(config: Config) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in config.layouts_dir.rglob("*") if p.is_file()):
        digest.update(path.relative_to(config.layouts_dir).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def index_site(site: Site, config: Config, shards: list[Shard], stage: Path, page_of: dict[str, str],
               cache_root: Path) -> IndexReport:
    """Put a Pagefind bundle for every shard under stage/pagefind/, indexing only changed shards.

    page_of maps an article key to its page's path in stage. Bundles are built in the cache
    and hard-linked (or copied) into the output, so an unchanged shard costs a copy.
    """
    started = time.perf_counter()
    executable = pagefind_executable()
    version = _version(executable)
    cache = cache_root / CACHE_DIR
    cache.mkdir(parents=True, exist_ok=True)
    layouts = layouts_digest(config)
    indexed = []
    keep = set()
    for shard in shards:
        bundle = cache / f"{shard.name}-{shard_digest(shard, site, config, layouts, version)}"
        keep.add(bundle.name)
        if not (bundle / "pagefind-entry.json").is_file():
            _index_shard(executable, shard, stage, page_of, bundle, config)
            indexed.append(shard.name)
        _link_tree(bundle, stage / BUNDLE_DIR / shard.name)
    for old in cache.iterdir():  # bundles of shards that changed or no longer exist
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)
    return IndexReport(len(shards), tuple(indexed), time.perf_counter() - started)


def _index_shard(executable: str, shard: Shard, stage: Path, page_of: dict[str, str], bundle: Path,
                 config: Config) -> None:
    """Run Pagefind over one shard's pages, gathered (hard-linked) in a folder of their own."""
    work = bundle.with_name(bundle.name + ".work")
    shutil.rmtree(work, ignore_errors=True)
    pages = work / "site"
    for key in shard.keys:
        relative = page_of[key]
        _link_file(stage / relative, pages / relative)
    result = subprocess.run(
        [executable, "--site", str(pages), "--output-path", str(work / "bundle"), "--quiet",
         "--force-language", config.language],
        capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        shutil.rmtree(work, ignore_errors=True)
        message = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise BuildFailed([ContentError(CACHE_DIR, None, None,
                                        f"Pagefind failed on shard {shard.name}: {' / '.join(message)}",
                                        hint="build with --no-search to skip the search index")])
    (work / "bundle").rename(bundle)
    shutil.rmtree(work, ignore_errors=True)


def _version(executable: str) -> str:
    return subprocess.run([executable, "--version"], capture_output=True, text=True, check=False).stdout.strip()


def _link_file(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:  # another file system: copy instead
        shutil.copyfile(source, target)


# The bundle's own UI scripts: our search page uses Pagefind's JavaScript API only.
UNUSED_FILES = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
                "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")


def _link_tree(source: Path, target: Path) -> None:
    for path in sorted(source.rglob("*")):
        if path.is_file() and path.name not in UNUSED_FILES:
            _link_file(path, target / path.relative_to(source))
