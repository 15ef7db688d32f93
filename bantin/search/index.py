"""[search] engine = "pagefind": Pagefind run over the written article pages, one shard per period
(bantin's own index, the default: engine.py).

Pagefind indexes a folder in one go and has no incremental mode, and its memory grows with
the pages it holds. So the archive is split into shards by date (calendar periods, so an
edit never moves an article to another shard), each shard is indexed on its own into
.bantin-cache/search/, keyed by a digest of everything that goes into it, and an unchanged
shard is reused instead of re-indexed. The browser merges the shards with mergeIndex.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import gzip
import hashlib
import html
import importlib.metadata
import io
import itertools
import json
import os
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import cbor2

from bantin.content.model import Article
from bantin.language.errors import BuildFailed, Cancelled, ContentError
from bantin.language.messages import Text
from bantin.markup.markdown import plain_text
from bantin.project import cache
from bantin.project.config import Config
from bantin.search import words
from bantin.search.documents import DocumentEntry, document_copy, document_parts, record_paths, weight
from bantin.search.shards import IndexReport, Shard
from bantin.search.words import DIGIT_RE, spellings, words_of

BUNDLE_DIR = "pagefind"  # under the output folder: pagefind/<shard>/
CACHE_DIR = f"{cache.CACHE_DIR}/search"


# --- words only the index holds ------------------------------------------------------------
# Pagefind reads a copy of each article page with a hidden block at its end (index_copy),
# never published: readers download the page as it is, and the block is cut from the result
# fragments again (canonical_bundle). It holds:
#  - the words with đ, folded ("dak" for "Đắk"): Pagefind folds other accents but keeps đ
#    apart from d, so "dak lak" would miss "Đắk Lắk";
#  - the title's words folded, each once, as "zt" + the word ("ztbuon"): a query whose words are
#    found nowhere as typed is asked for again as their starts in titles only, whose index
#    entries are small (a misspelt "Buôn Ma Thuộc" finds the title with "Buôn Ma Thuột");
#  - every pair of neighbouring words as one token, "zz" + the two words folded + the marks of
#    each (its diacritics as Telex types them, without the letters), joined by "z": "Đắk Lắk" is
#    "zzdakzlakzdwszws". Most Vietnamese words are two syllables, and syllables such as "hội" or
#    "thảo" occur on nearly every page, so their index entries are long; search.js asks for a
#    query's pairs instead, whose entries hold only the pages with those words side by side: the
#    whole token for a query typed with accents, its folded start ("zzdakzlakz", which Pagefind
#    matches as a prefix) for one typed without. Plain ASCII, because Pagefind 1.5.2 leaves
#    accented forms out of its chunk-size count (their chunks grow without bound) and splits words
#    at digits. No Vietnamese word has a "z", so a typed word never prefix-matches a token.
HIDDEN_MARK = "\u2042"  # ⁂ opens the block: not a word, so Pagefind keeps it in the text only
def hidden_words(title: str, lead: str, body_text: str) -> str:
    """The block's words: the folded words with đ, each once; the title's words folded, each once,
    after "zt"; then the pair tokens of each part, in order. A word with a digit pairs with nothing
    and is no title token: Pagefind would split such a token."""
    parts = [[spellings(word) for word in words_of(part)] for part in (title, lead, body_text)]
    folded = dict.fromkeys(plain for words in parts for plain, marks in words if "d" in marks)
    titles = dict.fromkeys(f"zt{plain}" for plain, _ in parts[0] if not DIGIT_RE.search(plain))
    pairs = [f"zz{a[0]}z{b[0]}z{a[1]}z{b[1]}" for words in parts for a, b in itertools.pairwise(words)
             if not DIGIT_RE.search(a[0] + b[0])]
    return " ".join([*folded, *titles, *pairs])


def article_words(article: Article) -> str:
    """The hidden block of an article's index copy (hidden_words of its title, lead and text, and of the
    document it publishes: its number, kind, issuer and summary, however a layout shows them)."""
    document = article.document
    facts = [document.number, document.kind, document.issuer, document.summary] if document else []
    return hidden_words(article.title, " ".join([article.lead, *facts]), plain_text(article.body_html))


# Fields a result shows but nobody searches for (its date, its thumbnail's address): Pagefind
# puts every data-pagefind-meta value into its word index too, so "anh" (a common word) would
# find every page whose cover lives under /anh/. A layout writes such a field as
# <meta data-result="name" content="value">; bantin adds it to the result after indexing.
_RESULT_FIELD_RE = re.compile(rb'<meta data-result="([A-Za-z_][\w-]*)" content="([^"]*)"\s*/?>')


_IMG_RE = re.compile(rb"<img([\s>/])", re.IGNORECASE)


def result_fields(page: bytes) -> dict[str, str]:
    """The result-only fields of a page: <meta data-result="name" content="value">."""
    return {name.decode(): html.unescape(value.decode()) for name, value in _RESULT_FIELD_RE.findall(page)}


def index_copy(page: bytes, words: str) -> bytes:
    """The page as Pagefind reads it: the hidden block added before </body>. It is part of the
    indexed body when the layout marks one (data-pagefind-body), or else of the whole page.
    Its images are renamed out of Pagefind's sight: it would take the first one's address and
    alt text as the result's image and index their words ("anh", "jpg"); results show the
    fields of result_fields instead, and captions stay in the text. Only what Pagefind reads of
    the page is kept (essentials): the rest is parsed for nothing, a hundred thousand times."""
    page = _IMG_RE.sub(rb"<bantin-img\1", essentials(page))
    marked = " data-pagefind-body" if b"data-pagefind-body" in page else ""
    block = f"<div{marked} hidden>{HIDDEN_MARK} {html.escape(words)}</div>".encode()
    end = page.lower().rfind(b"</body>")
    return page + block if end < 0 else page[:end] + block + page[end:]


_HTML_TAG_RE = re.compile(rb"<html\b[^>]*>", re.IGNORECASE)
_PAGEFIND_META_RE = re.compile(rb"<meta\b[^>]*\bdata-pagefind-(?:filter|meta|sort)\b[^>]*>", re.IGNORECASE)
_PAGEFIND_ATTR_RE = re.compile(rb"\bdata-pagefind-(?:filter|meta|sort|body)\b", re.IGNORECASE)
_TAG_START_RE = re.compile(rb"<([a-zA-Z][\w-]*)")


def essentials(page: bytes) -> bytes:
    """What Pagefind reads of a page whose layout marks its body: the <html> tag (its lang), the
    <meta> tags of filters, fields and sorting, and the marked element, whole. A page marked
    otherwise (several bodies, a filter on an element that is not a <meta>, outside the body) is
    kept as it is, and so is one whose body cannot be cut cleanly."""
    marks = list(_PAGEFIND_ATTR_RE.finditer(page))
    bodies = [m for m in marks if m.group().lower() == b"data-pagefind-body"]
    if len(bodies) != 1:
        return page
    at = bodies[0].start()
    start = page.rfind(b"<", 0, at)
    tag = _TAG_START_RE.match(page, start)
    if tag is None or page.find(b">", start, at) >= 0 or tag.group(1).lower() in (b"html", b"body"):
        return page  # the mark is not in a tag we can read, or the body is the page
    end = _element_end(page, start, tag.group(1).lower())
    metas = [m for m in _PAGEFIND_META_RE.finditer(page) if not start <= m.start() < end]
    inside = sum(start <= m.start() < end for m in marks)
    if end < 0 or inside + len(metas) != len(marks):
        return page
    opening = _HTML_TAG_RE.search(page)
    return b"".join([b"<!DOCTYPE html>", opening.group() if opening else b"<html>", b"<head>",
                     *(m.group() for m in metas), b"</head><body>", page[start:end], b"</body></html>"])


def _element_end(page: bytes, start: int, name: bytes) -> int:
    """Where the element opened at `start` ends (after its closing tag), or -1."""
    pattern = re.compile(rb"<(/?)" + re.escape(name) + rb"[\s>/]", re.IGNORECASE)
    depth = 0
    for match in pattern.finditer(page, start):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            close = page.find(b">", match.start())
            return -1 if close < 0 else close + 1
    return -1


def pagefind_executable() -> str:
    from pagefind_bin import get_executable  # the binary shipped in the pagefind-bin wheel

    return str(get_executable())


def page_digest(data: bytes, origin: str) -> bytes:
    """Digest of what Pagefind reads of a page: its bytes without the site's origin.

    Pagefind never reads the absolute URLs of the head (canonical, Open Graph), so `serve`
    (at http://127.0.0.1:PORT) and `build` (at the site's address) share their shards.
    """
    return hashlib.blake2b(data.replace(origin.encode(), b""), digest_size=16).digest()


@functools.cache
def index_code_digest() -> str:
    """Digest of the code that makes a shard's bundle out of its pages: this module (the hidden
    words, the index copies, the canonical bundle), words.py (how words are split and spelt),
    markup.py (an article's text) and cbor2. Not
    the whole of bantin, which every page's digest answers for: a new version of bantin that
    leaves these alone reuses every shard instead of indexing the archive again (20 minutes at
    100,000 articles)."""
    digest = hashlib.sha256(importlib.metadata.version("cbor2").encode())
    for module in (__file__, words.__file__, plain_text.__code__.co_filename):
        digest.update(b"\0" + Path(module).read_bytes())
    return digest.hexdigest()


DOCUMENTS_KEY = "documents:"  # in shard_digest's pages: what an article's documents' records are made from


def shard_digest(shard: Shard, version: str, language: str, pages: dict[str, bytes], documents: bool = False) -> str:
    """Digest of everything that decides a shard's index: Pagefind's version and language, the
    index's code (index_code_digest) and, for each page, what Pagefind reads of it and what the
    hidden block is made from (the page digest and the article's source digest, given in pages);
    for a documents' shard, also each document's digest, address and title."""
    digest = hashlib.sha256(f"{version}\0{language}\0{index_code_digest()}\0{shard.name}".encode())
    for key in shard.keys:
        digest.update(key.encode() + b"\0" + pages[f"{DOCUMENTS_KEY}{key}" if documents else key])
    return digest.hexdigest()[:20]


Copies = Callable[[Shard], "Iterator[tuple[str, bytes, dict[str, str]]]"]  # (path, index copy, result fields)


def document_shards(shards: list[Shard], documents: dict[str, list[DocumentEntry]]) -> list[Shard]:
    """The documents' shards: beside each articles' shard whose articles have documents, those articles'
    (search/documents.py: document_parts)."""
    return [Shard(name, keys) for shard in shards for name, keys in document_parts(shard.name, shard.keys, documents)]


def index_site(config: Config, shards: list[Shard], page_file: Callable[[str], Path],
               page_of: dict[str, str], pages: dict[str, bytes], hidden: Callable[[str], str],
               cancelled: Callable[[], bool] | None = None, progress: Callable[[int, int], None] | None = None,
               jobs: int = 1, documents: dict[str, list[DocumentEntry]] | None = None,
               document_pages: Callable[[DocumentEntry], tuple[str, ...]] | None = None, articles: bool = True
               ) -> tuple[IndexReport, dict[str, Path]]:
    """A Pagefind bundle for every shard, in the cache; only shards whose pages changed are indexed.

    page_of maps an article key to its page's path in the site, page_file such a path to the
    written file, pages an article key to the digest of what its index copy is made from (its
    page_digest() and its source's digest), hidden an article key to the hidden_words() its index
    copy holds (article_words: from the article). Returns the report and each
    shard's bundle folder, to be linked into the site under pagefind/<shard>/ (install_bundle).
    `cancelled` is asked while Pagefind runs: True stops it (Cancelled); shards done are kept.
    `progress(done, total)` is told after each shard. Up to `jobs` shards are indexed at once
    (Pagefind does most of its work on one thread, and while one shard's Pagefind runs, another
    shard's copies are written), as long as they hold at most PAGES_AT_ONCE articles together:
    Pagefind's memory grows with its pages (see PAGES_AT_ONCE), a larger shard runs alone.
    `documents` (article key -> its documents) go into shards of their own (search/documents.py),
    their text given by `document_pages`, read only for a shard that is indexed again. With `articles`
    False, only the documents' shards are made (bantin's own index holds the articles: [search] engine).
    """
    started = time.perf_counter()
    documents = documents or {}
    articles_shards = {shard.name for shard in shards}
    shards = (shards if articles else []) + document_shards(shards, documents)
    pages = {**pages, **{f"{DOCUMENTS_KEY}{key}": pages[key] + "".join(
        f"\0{e.digest}\0{e.url}\0{e.title}\0{e.unit}\0{e.article_title}\0{e.article_url}" for e in entries).encode()
        for key, entries in documents.items() if key in pages}}
    executable = pagefind_executable()
    version = _version(executable)
    folder = config.root / CACHE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    settings = f"{version}/chunks of {config.search.chunk_size}"
    bundles = {shard.name: folder / f"{shard.name}-{shard_digest(shard, settings, config.language, pages)}"
               for shard in shards if shard.name in articles_shards}
    bundles.update({shard.name: folder / f"{shard.name}-{shard_digest(shard, settings, config.language, pages, True)}"
                    for shard in shards if shard.name not in articles_shards})

    def copies(shard: Shard) -> Iterator[tuple[str, bytes, dict[str, str]]]:
        if shard.name in articles_shards:
            for key in shard.keys:
                page = page_file(page_of[key]).read_bytes()
                yield page_of[key], index_copy(page, hidden(key)), result_fields(page)
            return
        assert document_pages is not None
        for key in shard.keys:
            page = page_file(page_of[key]).read_bytes()
            head = b"".join(_PAGEFIND_META_RE.findall(essentials(page)))
            date = result_fields(page).get("date", "")
            for relative, entry in record_paths(page_of[key], documents[key]):
                copy = document_copy(entry, document_pages(entry), head, lambda text: hidden_words("", "", text),
                                     config.language, HIDDEN_MARK)
                yield relative, copy, {"_url": entry.url, "format": entry.format, "unit": entry.unit,
                                       "article": entry.article_title, "article_url": entry.article_url, "date": date}

    def count(shard: Shard) -> int:  # how many copies `copies` gives
        return len(shard.keys) if shard.name in articles_shards else sum(len(documents[key]) for key in shard.keys)

    todo = [shard for shard in shards if not (bundles[shard.name] / cache.MANIFEST).is_file()]
    failed = threading.Event()  # one shard failed or the build was cancelled: the others stop too

    def stop() -> bool:
        if not failed.is_set() and cancelled is not None and cancelled():
            failed.set()
        return failed.is_set()

    room = _Room(PAGES_AT_ONCE)

    def index(shard: Shard) -> None:
        try:
            size = len(shard.keys) if shard.name in articles_shards else weight(shard.keys, documents)
            with room.taken(size):
                _index_shard(executable, shard, copies, count(shard), bundles[shard.name], config, stop)
        except BaseException:
            failed.set()
            raise

    done = len(shards) - len(todo)
    if progress is not None and done:
        progress(done, len(shards))  # the shards reused from the cache
    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(todo) or 1))) as pool:
        futures = [pool.submit(index, shard) for shard in todo]
        for future in as_completed(futures):
            if future.exception() is None:
                done += 1
                if progress is not None:
                    progress(done, len(shards))
        errors = [future.exception() for future in futures if future.exception() is not None]
    if errors:  # a failure first, else the cancellation it caused in the other shards
        raise next((error for error in errors if not isinstance(error, Cancelled)), errors[0])
    keep = {bundle.name for bundle in bundles.values()}
    for old in folder.iterdir():  # bundles of shards that changed or no longer exist
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)
    return IndexReport(len(shards), tuple(shard.name for shard in todo), time.perf_counter() - started), bundles


# Pagefind holds a shard's whole index in memory while it writes it: 0.5-0.65 MB per article of
# the benchmark corpus with the pair tokens (2.1 GB for 3,348 articles, 1.1 GB for 1,691, 0.57 GB
# for 887). Shards indexed side by side stay within this many articles together, one archive
# shard's worth (search.shard_max), about 2.5 GB: two runs of the largest shards never add up.
PAGES_AT_ONCE = 4000


class _Room:
    """Room for so many articles in the Pagefind runs at once; one run larger than it all runs alone."""

    def __init__(self, size: int) -> None:
        self.size, self.used = size, 0
        self._changed = threading.Condition()

    @contextlib.contextmanager
    def taken(self, pages: int) -> Iterator[None]:
        with self._changed:
            self._changed.wait_for(lambda: self.used == 0 or self.used + pages <= self.size)
            self.used += pages
        try:
            yield
        finally:
            with self._changed:
                self.used -= pages
                self._changed.notify_all()


def _index_shard(executable: str, shard: Shard, copies: Copies, count: int, bundle: Path, config: Config,
                 cancelled: Callable[[], bool] | None = None) -> None:
    """Run Pagefind over the index copies of one shard's pages, gathered in a folder of their own,
    and rename its bundle into place with the digest of each file (cache.write_manifest).

    Pagefind numbers pages in the order it finds them, which for a folder is the order the file
    system lists it (ext4: by a hash seeded per disk; tmpfs: by creation), and its index follows
    that numbering. So the copies go into one folder under names made first (p00000.html, ...),
    the folder is listed, and the shard's pages are written into the names in the order listed:
    Pagefind, listing the same folder, finds them in the shard's order on any file system.
    canonical_bundle gives each result its page's own address back."""
    work = bundle.with_name(f"{bundle.name}.work-{os.getpid()}")  # this build's own: never shared
    shutil.rmtree(work, ignore_errors=True)
    pages = work / "site"
    pages.mkdir(parents=True)
    for number in range(count):
        (pages / f"p{number:05d}.html").touch()
    listed = [name for name in os.listdir(pages) if name.endswith(".html")]  # the order Pagefind will walk
    shown: dict[str, dict[str, str]] = {}  # the copy's address -> the fields its result shows, not indexed
    addresses: dict[str, str] = {}  # the copy's address -> the page's own (a document's record: the file's)
    for name, (relative, copy, fields) in zip(listed, copies(shard), strict=True):
        fields = dict(fields)
        addresses["/" + name] = fields.pop("_url", "/" + relative.removesuffix("index.html"))
        shown["/" + name] = fields
        (pages / name).write_bytes(copy)
    result = _run_cancellable(
        [executable, "--site", str(pages), "--output-path", str(work / "bundle"), "--quiet",
         "--force-language", config.language], cancelled, work,
        {**os.environ, "PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE": str(config.search.chunk_size)})
    try:
        if result.returncode != 0:
            problem = " / ".join((result.stderr or result.stdout).strip().splitlines()[-5:])
            if "no space left" in problem.lower() or "os error 28" in problem.lower():
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(work))
            raise BuildFailed([ContentError(CACHE_DIR, None, None,
                                            Text("Pagefind failed on shard {shard}: {problem}", shard=shard.name,
                                                 problem=problem),
                                            hint=Text("build with --no-search to skip the search index"))])
        try:
            indexed = canonical_bundle(work / "bundle", shown, addresses)
        except (ValueError, KeyError, TypeError) as exc:  # another Pagefind than the one pinned
            hint = Text("bantin reads the bundles of pagefind-bin 1.5.2 (pyproject.toml)")
            raise BuildFailed([ContentError(CACHE_DIR, None, None, Text("unexpected Pagefind output in shard "
                                                                        "{shard}: {problem}", shard=shard.name,
                                                                        problem=str(exc)), hint)]) from None
        if indexed != count:  # a bundle missing pages would be kept, and reused, for good
            raise BuildFailed([ContentError(CACHE_DIR, None, None, Text(
                "Pagefind indexed {indexed} of the {count} pages of shard {shard}", indexed=indexed,
                count=count, shard=shard.name),
                hint=Text("build again; if it happens again, build with --no-search and report it"))])
        for name in UNUSED_FILES:
            (work / "bundle" / name).unlink(missing_ok=True)
        cache.write_manifest(work / "bundle")
        (work / "bundle").rename(bundle)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run_cancellable(command: list[str], cancelled: Callable[[], bool] | None,
                     work: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run Pagefind; if `cancelled` says so while it runs, kill it, drop its work and raise Cancelled."""
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) as process:
        while True:
            try:
                out, err = process.communicate(timeout=0.05)
                break
            except subprocess.TimeoutExpired:
                if cancelled is not None and cancelled():
                    process.kill()
                    process.communicate()
                    shutil.rmtree(work, ignore_errors=True)
                    raise Cancelled() from None
    return subprocess.CompletedProcess(command, process.returncode, out, err)


def _version(executable: str) -> str:
    return subprocess.run([executable, "--version"], capture_output=True, text=True, check=False).stdout.strip()


# The bundle's own UI scripts: our search page uses Pagefind's JavaScript API only.
UNUSED_FILES = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
                "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")


def bundle_files(shard: str, bundle: Path) -> dict[str, Path]:
    """The files a shard's bundle (in the cache) puts in the site, under pagefind/<shard>/, without
    Pagefind's UI files: output path -> the bundle's file, as its MANIFEST lists them (a bundle is
    renamed into place with it: reading it is cheaper than walking the folder, each build).
    Pagefind names its index files by their content, so a shard indexed again keeps every file
    whose content is the same."""
    recorded = cache.manifest(bundle)
    names = sorted(recorded) if recorded is not None else sorted(
        path.relative_to(bundle).as_posix() for path in bundle.rglob("*") if path.is_file())
    prefix, folder = f"{BUNDLE_DIR}/{shard}/", str(bundle)
    return {prefix + name: Path(f"{folder}/{name}") for name in names
            if name.rsplit("/", 1)[-1] not in UNUSED_FILES and name != cache.MANIFEST}


def leftovers(root: Path) -> list[Path]:
    """Work folders of Pagefind runs whose build was killed (<shard>-<digest>.work-PID)."""
    folder = root / CACHE_DIR
    try:
        return sorted(path for path in folder.iterdir() if ".work" in path.name)
    except OSError:
        return []


# --- a deterministic bundle -------------------------------------------------------------
# Pagefind 1.5.2 writes the values of each filter in hash-map order, which changes from run
# to run: the same pages give different filter files, and so a different pf_meta (which
# names them) and pagefind-entry.json. We sort the values, rename the files by their new
# contents, and update the references, so the same content gives the same bundle.
# The files are gzip("pagefind_dcd" + CBOR); only arrays, text and integers occur.
_MAGIC = b"pagefind_dcd"


def canonical_bundle(bundle: Path, shown: dict[str, dict[str, str]] | None = None,
                     addresses: dict[str, str] | None = None) -> int:
    """Rewrite a Pagefind bundle's fragments, filter files, meta and entry in a stable order; cut the
    hidden block from its fragments, give each result the address `addresses` maps its copy's to
    and add the fields `shown` gives it. Returns how many pages the bundle holds."""
    renamed_fragments = _rewrite_fragments(bundle, shown or {}, addresses or {})
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    pages = 0
    for language, info in entry["languages"].items():
        meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = read_pagefind_data(meta_path)
        renamed = {}
        for filter_path in sorted((bundle / "filter").glob(f"{language}_*.pf_filter")):
            name, values = read_pagefind_data(filter_path)
            values = sorted(([value, sorted(pages)] for value, pages in values), key=lambda v: v[0])
            new_name = _write_cbor(filter_path.parent, language, 7, ".pf_filter", [name, values])
            if new_name != filter_path.stem:
                filter_path.unlink()
            renamed[filter_path.stem] = new_name
        # meta: [version, pages [[fragment, word count]], index chunks, filter chunks [[name, chunk]], sorts, fields]
        meta[1] = [[renamed_fragments.get(fragment, fragment), *rest] for fragment, *rest in meta[1]]
        pages += len(meta[1])
        for position, item in enumerate(meta):
            if isinstance(item, list) and item and all(
                    isinstance(x, list) and len(x) == 2 and isinstance(x[1], str) and x[1] in renamed for x in item):
                meta[position] = sorted([name, renamed[chunk]] for name, chunk in item)
        meta_name = _write_cbor(bundle, f"pagefind.{language}", 10, ".pf_meta", meta)
        if f"{meta_name}.pf_meta" != meta_path.name:
            meta_path.unlink()
        info["hash"] = meta_name.removeprefix("pagefind.")
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return pages


def _rewrite_fragments(bundle: Path, shown: dict[str, dict[str, str]], addresses: dict[str, str]) -> dict[str, str]:
    """Drop the hidden block (index_copy) from each result fragment's text, give it its page's address
    and add the fields its result shows (result_fields). A reader downloads a fragment per result
    shown. A fragment is named by its final text ("vi_" and 7 hex digits of its digest, as Pagefind
    names them): the same page gives the same name, whatever copy it was indexed from. Returns the
    old name -> new name of every fragment."""
    renamed: dict[str, str] = {}
    taken: set[str] = set()
    paths = sorted((bundle / "fragment").glob("*.pf_fragment"))
    pending = {path.name for path in paths}  # not read yet: no new name may land on one of these
    parked: list[tuple[Path, Path]] = []
    for path in paths:
        pending.discard(path.name)
        data = gzip.decompress(path.read_bytes())
        if not data.startswith(_MAGIC):
            raise ValueError(f"{path}: not a Pagefind data file")
        fragment = json.loads(data[len(_MAGIC):])
        cut = fragment["content"].rfind(HIDDEN_MARK)
        fields = shown.get(fragment["url"], {})
        fragment["content"] = fragment["content"][:cut].rstrip() if cut >= 0 else fragment["content"]
        fragment["meta"] = {**fragment["meta"], **fields}
        fragment["url"] = addresses.get(fragment["url"], fragment["url"])
        text = _MAGIC + json.dumps(fragment, ensure_ascii=False, separators=(",", ":")).encode()
        language, _, _ = path.stem.partition("_")
        digest = hashlib.sha256(text).hexdigest()
        width = 7
        while f"{language}_{digest[:width]}" in taken:  # two fragments alike in 7 digits: one more digit
            width += 1
        name = f"{language}_{digest[:width]}"
        taken.add(name)
        path.write_bytes(gzip.compress(text, mtime=0))
        target = path.with_name(f"{name}.pf_fragment")
        if target.name in pending:  # still to be read under that name: moved there at the end
            parked.append((path.rename(path.with_name(f"{path.name}.new")), target))
        else:
            path.rename(target)
        renamed[path.stem] = name
    for path, target in parked:
        path.rename(target)
    return renamed


def read_pagefind_data(path: Path) -> Any:
    """A Pagefind data file (meta, filter, index chunk): gzip("pagefind_dcd" + CBOR), decoded."""
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(_MAGIC):
        raise ValueError(f"{path}: not a Pagefind data file")
    stream = io.BytesIO(data)
    stream.seek(len(_MAGIC))
    try:
        value = cbor2.CBORDecoder(stream).decode()
    except cbor2.CBORDecodeError as error:
        raise ValueError(f"{path}: {error}") from None
    if stream.tell() != len(data):
        raise ValueError(f"{path}: trailing data")
    return value


def _write_cbor(folder: Path, prefix: str, digits: int, suffix: str, value: Any) -> str:
    """Write gzip(magic + CBOR) named by its content; return the name without the suffix. Lists,
    strings and integers encode one way only (definite lengths, shortest integers), so the bytes,
    and the name, are the same every build."""
    data = _MAGIC + cbor2.dumps(value)
    name = f"{prefix}_{hashlib.sha256(data).hexdigest()[:digits]}"
    (folder / f"{name}{suffix}").write_bytes(gzip.compress(data, mtime=0))
    return name
