"""bantin's own search index: the shards' files, written from records (records.py), never from HTML.

Each shard (shards.py) is a folder of small files, search-index/<shard>/ in the site, that
search-worker.js fetches as a query needs them (their format: postings.py):

- b/<n>.bin: the word buckets. Every word, and every pair of neighbouring words (the pairs make a
  query of several words cheap: their entries hold only the articles where the words stand side by
  side), goes to the bucket its folded core hashes to ("dak lak" for "Đắk Lắk"), so a query knows
  which file holds each of its words however it was typed. An entry holds which articles have the
  token and a weight class each (how often, and whether in the title): no positions, so a corrected
  sentence changes only the entries of the words it adds, drops or makes more frequent;
- t/<n>.bin: the folded words of the titles, bucketed by their first two letters, for the starts of
  misspelt words;
- docs.bin: each article's length class, for ranking;
- filters.json, tags.json: which articles have each province, topic, section, year and tag;
- f/<number>.bin: one result each (its URL, title, date, province, cover and text: gzipped JSON),
  fetched only for the results shown.

A shard's state (state.json in .bantin-cache/search-index/<shard>/, beside its files) records the
records it was made of. A shard whose inputs are unchanged is reused as it is; one whose articles
kept their numbers (corrected, or a new one appended as the newest) is patched: only the buckets
that hold a changed entry, its fragment, the article lengths and the filters are written again;
anything else (an article removed, or added before others) makes the shard again, whole. Either
way its files are the same bytes as a clean build's. The cache keeps a shard's fragments one after
another in one file (fragments.bin, in article order; Stored cuts one out): a shard of 3,000 articles
has 3,000 files fewer to write there, and to read again when they are copied into the site. Files keep
their names; the search page gives each shard a version (a digest of its inputs, in the URLs as ?v=),
so no browser mixes two builds.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import re
import shutil
import sys
import unicodedata
import zlib
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import chain, pairwise
from pathlib import Path
from typing import Any

from bantin.project import cache
from bantin.project.files import write_replacing
from bantin.search import postings, records, words
from bantin.search.postings import WEIGHTS, Entry
from bantin.search.records import FILTERS, Record
from bantin.search.shards import Shard
from bantin.search.words import DIGIT_RE, spellings

OUTPUT_DIR = "search-index"  # under the output folder: search-index/<shard>/...
CACHE_DIR = f"{cache.CACHE_DIR}/search-index"
STATE = "state.json"
FRAGMENTS = "fragments.bin"  # in the cache: f/0.bin, f/1.bin, ... one after another
FORMAT = 2

# A query fetches one word bucket per word or pair, per shard searched: the more buckets, the smaller
# each; but a new article writes every bucket of its (small, newest) shard. About this many articles
# a bucket (measured on the benchmark corpus: 0.6 bytes gzipped per entry, about 790 entries an article,
# so 6-8 KB a bucket), and a title bucket about this many.
ARTICLES_PER_BUCKET = 12
ARTICLES_PER_TITLE_BUCKET = 100


def bucket_count(articles: int, per_bucket: int = ARTICLES_PER_BUCKET, most: int = 1024) -> int:
    """How many buckets a shard of so many articles has: a power of two (search-worker.js masks the hash)."""
    return 1 << max(0, min(most.bit_length() - 1, round(math.log2(max(1.0, articles / per_bucket)))))


def title_bucket_count(articles: int) -> int:
    """How many title buckets a shard of so many articles has: a power of two."""
    return bucket_count(articles, ARTICLES_PER_TITLE_BUCKET, 64)


# --- tokens ----------------------------------------------------------------------------------------
# what parts a phrase: punctuation ("khoa học, công nghệ"), not spaces; "_" (a word character to the
# expression, a mark to words_of) is made "\0" first, another mark: one class scans a quarter faster than
# two branches (measured)
_CUT_RE = re.compile(r"([^\w\s])")
_ENDS = frozenset(".!?…;")  # what ends a sentence: no pair of words across it ("… đông đủ. Đính chính …")

Token = str | tuple[str, str]  # a word, or a pair of neighbouring words


def doc_tokens(parts: Sequence[str]) -> tuple[Counter[Token], set[Token], set[Token], int]:
    """An article's tokens with their counts: its words (NFC, lower-case, as words_of splits them) and each
    pair of neighbouring words (a tuple of the two; never across two parts or a sentence's end); the tokens
    of its title (the first part); the pairs that only ever stand across punctuation ("học công" in "khoa
    học, công nghệ"); and its number of words."""
    counts: Counter[Token] = Counter()
    titled: set[Token] = set()
    across: list[Token] = []
    length = 0
    for n, part in enumerate(parts):
        # the stretches between punctuation marks (and the marks), split at spaces: the words of words_of
        # (measured: a third faster than a regular expression per stretch)
        pieces = _CUT_RE.split(unicodedata.normalize("NFC", part.lower()).replace("_", "\0"))
        stretches = [piece.split() for piece in pieces[0::2]]
        found = list(chain.from_iterable(stretches))
        # a pair is a tuple of the two words: made and hashed from the words' own (cached) hashes, where a
        # joined string is two new strings, copied and hashed again (measured: counting takes a third less)
        pairs = list(pairwise(found))
        at, ended, crossed, ends = 0, False, [], []  # where pairs cross punctuation, or a sentence's end
        for k, stretch in enumerate(stretches):
            ended = ended or (k > 0 and pieces[2 * k - 1] in _ENDS)
            if stretch:
                if at:
                    (ends if ended else crossed).append(at - 1)
                at += len(stretch)
                ended = False
        across += [pairs[at] for at in crossed]
        for at in reversed(ends):  # a sentence's end parts the pair: none
            del pairs[at]
        counts.update(found)
        counts.update(pairs)
        length += len(found)
        if n == 0:
            titled.update(found, pairs)
    crossing = Counter(across)
    return counts, titled, {pair for pair, count in crossing.items() if counts[pair] == count}, length


@functools.lru_cache(maxsize=1 << 20)
def token_entry(token: Token) -> Entry | None:
    """A token's entry: the hash of its folded core and its marks (("đắk", "lắk") or "đắk lắk" -> (crc32("dak
    lak"), "dws ws")); None for a pair with a digit (a number pairs with nothing: search.js keeps it a word)."""
    spelt = [spellings(word) for word in (token.split(" ") if isinstance(token, str) else token)]
    if len(spelt) > 1 and any(DIGIT_RE.search(plain) for plain, _ in spelt):
        return None
    return core_hash(" ".join(plain for plain, _ in spelt)), " ".join(marks for _, marks in spelt)


def core_hash(core: str) -> int:
    """The hash a folded core is filed under: CRC-32 of its UTF-8 (search-worker.js computes the same)."""
    return zlib.crc32(core.encode())


def title_words(title: str) -> set[str]:
    """The folded words of a title, for the starts of misspelt words (a word with a digit is no title word)."""
    return {plain for plain, _ in map(spellings, words.words_of(title)) if not DIGIT_RE.search(plain)}


def title_bucket(word: str, count: int) -> int:
    """The title bucket of a folded word: by its first two letters, which every start search.js asks for has."""
    return core_hash(word[:2]) & (count - 1)


def doc_entries(parts: Sequence[str]) -> tuple[dict[Entry, int], int]:
    """One article's entries with their weight (postings.weight), and its length class (for a patch). Tokens
    spelt alike ("hoà" and "hòa") are one entry, of the higher weight (as _whole merges them)."""
    counts, titled, across, length = doc_tokens(parts)
    merged: dict[Entry, int] = {}
    for token, count in counts.items():
        entry = token_entry(token)
        if entry is not None:
            weight = postings.weight(count, token in titled, token in across)
            merged[entry] = max(merged.get(entry, 0), weight)
    return merged, postings.length_class(length)


# --- a shard's files --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Task:
    """One shard to bring up to date: its articles, oldest first (their numbers), and its version."""

    name: str
    keys: tuple[str, ...]
    version: str  # digest of its inputs (shard_version): the same version, the same files


@dataclass(frozen=True)
class Sources:
    """What a shard is made of, for the process that makes it: each key's record, its source's digest,
    and, for an article edited since the last build, its text parts before the edit (None if unknown)."""

    record: Callable[[str], Record]
    source: Callable[[str], str]
    previous: Callable[[str], tuple[str, tuple[str, ...]] | None]  # key -> (source digest, parts) before


@dataclass(frozen=True)
class Result:
    """A shard brought up to date: its files (path in the shard -> blake2b digest, hex, and size) and what
    it took."""

    name: str
    files: dict[str, tuple[str, int]]
    made: str  # "kept" | "patched" | "whole"


def update_shard(task: Task, sources: Sources, folder: Path) -> Result:
    """Bring one shard's folder up to date (see the module docstring); the folder holds its files and state."""
    state = _load_state(folder)
    if state is not None and state["version"] == task.version and list(state["keys"]) == list(task.keys):
        return Result(task.name, {path: tuple(file) for path, file in state["files"].items()}, "kept")
    recs = [sources.record(key) for key in task.keys]
    patched = _patch(task, recs, sources, folder, state) if state is not None else None
    if patched is not None:
        return patched
    return _whole(task, recs, sources, folder)


def _state_base(task: Task, recs: Sequence[Record], sources: Sources) -> dict[str, Any]:
    return {"format": FORMAT, "code": index_code_digest(), "version": task.version, "keys": list(task.keys),
            "buckets": bucket_count(len(recs)), "titles": title_bucket_count(len(recs)),
            "parts": [parts_digest(record.parts) for record in recs],
            "sources": [sources.source(key) for key in task.keys]}


def parts_digest(parts: Sequence[str]) -> str:
    """Digest of what a record's tokens are made of."""
    return hashlib.blake2b("\0".join(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _whole(task: Task, recs: Sequence[Record], sources: Sources, folder: Path) -> Result:
    """Make the shard's files from its records, in a folder of its own that then takes the shard's place."""
    state = _state_base(task, recs, sources)
    work = folder.with_name(f"{folder.name}.work-{os.getpid()}")
    shutil.rmtree(work, ignore_errors=True)
    files: dict[str, bytes] = {}
    buckets, titles = state["buckets"], state["titles"]
    # token -> its postings, number << 8 | weight: 4 bytes each in an array (a list of ints took 36)
    packed: defaultdict[Token, array] = defaultdict(functools.partial(array, _typecode(len(recs))))
    titled_words: defaultdict[str, list[int]] = defaultdict(list)
    lengths = bytearray()
    for number, record in enumerate(recs):
        found, titled, across, length = doc_tokens(record.parts)
        at = number << 8
        for token, count in found.items():  # a plain loop: faster here than map() (measured)
            packed[token].append(at | WEIGHTS[count if count < postings.COUNT_LIMIT else postings.COUNT_LIMIT])
        for token in titled:
            packed[token][-1] |= postings.IN_TITLE
        for token in across:
            packed[token][-1] |= postings.ACROSS
        for word in title_words(record.title):
            titled_words[word].append(number)
        lengths.append(postings.length_class(length))
    by_bucket: defaultdict[int, dict[Entry, list[Token]]] = defaultdict(dict)
    for token in packed:
        entry = token_entry(token)
        if entry is not None:
            by_bucket[entry[0] & (buckets - 1)].setdefault(entry, []).append(token)
    for bucket in range(buckets):
        files[f"b/{bucket}.bin"] = postings.encode_bucket(
            (entry, _unpacked(tokens, packed)) for entry, tokens in by_bucket[bucket].items())
    by_title: defaultdict[int, list[tuple[str, list[int]]]] = defaultdict(list)
    for word, numbers in titled_words.items():
        by_title[title_bucket(word, titles)].append((word, numbers))
    for bucket in range(titles):
        files[f"t/{bucket}.bin"] = postings.encode_titles(by_title[bucket])
    files["docs.bin"] = postings.encode_docs(bytes(lengths))
    files.update(_filter_files(recs))
    for number, record in enumerate(recs):
        files[f"f/{number}.bin"] = fragment(record)
    state["lengths"] = bytes(lengths).hex()
    for part in ("b", "t"):
        (work / part).mkdir(parents=True)
    state["files"] = {}
    for path, data in sorted(files.items()):  # a folder of its own: written as they are
        if not path.startswith("f/"):
            write_replacing(work / path, data)
        state["files"][path] = (_digest(data), len(data))
    write_replacing(work / FRAGMENTS, _fragments(files, len(recs)))
    (work / STATE).write_bytes(_json(state))
    trash = folder.with_name(f"{folder.name}.old-{os.getpid()}")
    if folder.exists():
        folder.rename(trash)
    work.rename(folder)
    shutil.rmtree(trash, ignore_errors=True)
    return Result(task.name, {path: tuple(file) for path, file in state["files"].items()}, "whole")


def _typecode(articles: int) -> str:
    """The array type of a shard's postings, number << 8 | weight: 4 bytes, or 8 for 2**24 articles or more."""
    return next(code for code in "ILQ" if array(code).itemsize >= (4 if articles < 1 << 24 else 8))


def _unpacked(tokens: list[Token], packed: dict[Token, array]) -> postings.Postings:
    """The postings of one entry: of its one token, or merged over the tokens spelt alike ("hoà", "hòa"),
    each article with the higher weight."""
    if len(tokens) == 1:
        return _split(packed[tokens[0]])
    merged: dict[int, int] = {}
    for token in tokens:
        for value in packed[token]:
            merged[value >> 8] = max(merged.get(value >> 8, 0), value & 255)
    numbers = sorted(merged)
    return numbers, bytes(merged[number] for number in numbers)


def _split(found: array) -> postings.Postings:
    """An array of postings (number << 8 | weight) as its numbers and its weights. The weight is each item's
    low byte and the number its other bytes: taken by slicing the array's bytes, not item by item (measured:
    a shard's buckets made in a third less time)."""
    if len(found) == 1:
        return [found[0] >> 8], bytes((found[0] & 255,))
    if sys.byteorder == "big":
        found = array(found.typecode, found)
        found.byteswap()
    data, size = found.tobytes(), found.itemsize
    moved = bytearray(len(data))  # each item's bytes one place down: its number
    for at in range(1, size):
        moved[at - 1::size] = data[at::size]
    numbers = array(found.typecode, moved)
    if sys.byteorder == "big":
        numbers.byteswap()
    return numbers.tolist(), data[0::size]


def _patch(task: Task, recs: Sequence[Record], sources: Sources, folder: Path,
           state: dict[str, Any]) -> Result | None:
    """Patch the shard in place when its articles kept their numbers, else None (it is made whole)."""
    new = _state_base(task, recs, sources)
    before = len(state["keys"])
    if (state["keys"] != new["keys"][:before] or (state["buckets"], state["titles"]) != (new["buckets"], new["titles"])
            or state["code"] != new["code"]):
        return None
    changed: dict[int, tuple[dict[Entry, int], dict[Entry, int], set[str], set[str]]] = {}
    lengths = bytearray(bytes.fromhex(state["lengths"]))
    for number, record in enumerate(recs):
        if number < before and new["parts"][number] == state["parts"][number]:
            continue
        old_entries: dict[Entry, int] = {}
        old_titles: set[str] = set()
        if number < before:
            previous = sources.previous(task.keys[number])
            if previous is None or previous[0] != state["sources"][number] or \
                    parts_digest(previous[1]) != state["parts"][number]:
                return None  # what the shard holds of it is not known: made whole
            old_entries = doc_entries(previous[1])[0]
            old_titles = title_words(previous[1][0])
        entries, length = doc_entries(record.parts)
        if number < before:
            lengths[number] = length
        else:
            lengths.append(length)
        changed[number] = (old_entries, entries, old_titles, title_words(record.title))
    (folder / STATE).unlink()  # from here until the new state is written, the folder is not trusted
    files: dict[str, bytes] = {}
    buckets, titles = new["buckets"], new["titles"]
    touched: defaultdict[int, dict[Entry, dict[int, int]]] = defaultdict(dict)  # bucket -> entry -> number -> weight
    touched_titles: defaultdict[int, dict[str, dict[int, bool]]] = defaultdict(dict)
    for number, (old_entries, entries, old_titles, new_titles) in changed.items():
        for entry in old_entries.keys() | entries.keys():
            weight = entries.get(entry, 0)
            if old_entries.get(entry, 0) != weight:
                touched[entry[0] & (buckets - 1)].setdefault(entry, {})[number] = weight
        for word in old_titles ^ new_titles:
            touched_titles[title_bucket(word, titles)].setdefault(word, {})[number] = word in new_titles
    # the files to patch, each as its state recorded it: one that is not is never patched (made whole)
    paths = [f"b/{bucket}.bin" for bucket in touched] + [f"t/{bucket}.bin" for bucket in touched_titles]
    recorded = {path: _as_recorded(folder, path, state) for path in paths}
    if None in recorded.values():
        return None
    for bucket, updates in touched.items():
        path = f"b/{bucket}.bin"
        entries = postings.decode_bucket(recorded[path])
        for entry, weights in updates.items():
            merged = dict(zip(*entries.get(entry, ([], b"")), strict=True)) | weights
            kept = sorted(number for number, weight in merged.items() if weight)
            if kept:
                entries[entry] = (kept, bytes(merged[number] for number in kept))
            else:
                entries.pop(entry, None)
        files[path] = postings.encode_bucket(entries.items())
    for bucket, updates in touched_titles.items():
        path = f"t/{bucket}.bin"
        found = postings.decode_titles(recorded[path])
        for word, numbers in updates.items():
            now = (set(found.get(word, ())) - {n for n, has in numbers.items() if not has}) | {
                n for n, has in numbers.items() if has}
            if now:
                found[word] = sorted(now)
            else:
                found.pop(word, None)
        files[path] = postings.encode_titles(found.items())
    files["docs.bin"] = postings.encode_docs(bytes(lengths))
    files.update(_filter_files(recs))
    for number, record in enumerate(recs):  # written below where its bytes changed
        files[f"f/{number}.bin"] = fragment(record)
    new["lengths"] = bytes(lengths).hex()
    new["files"] = dict(state["files"])
    results = False  # whether a fragment changed, or came: the pack is written again
    for path, data in sorted(files.items()):
        if new["files"].get(path, ("",))[0] != _digest(data):
            results = results or path.startswith("f/")
            new["files"][path] = (_digest(data) if path.startswith("f/") else _write(folder, path, data), len(data))
    if results:
        _write(folder, FRAGMENTS, _fragments(files, len(recs)))
    new["files"] = dict(sorted(new["files"].items()))
    _write(folder, STATE, _json(new))
    return Result(task.name, {path: tuple(file) for path, file in new["files"].items()}, "patched")


def _filter_files(recs: Sequence[Record]) -> dict[str, bytes]:
    """filters.json (province, topic, section, year) and tags.json: value -> article numbers, as gaps."""
    found: dict[str, dict[str, list[int]]] = {kind: {} for kind in FILTERS}
    for number, record in enumerate(recs):
        for kind, values in record.filters:
            for value in values:
                found[kind].setdefault(value, []).append(number)
    coded = {kind: {value: postings.gaps(numbers) for value, numbers in sorted(values.items())}
             for kind, values in found.items()}
    tags = coded.pop("tag")
    return {"filters.json": _json(coded), "tags.json": _json({"tag": tags})}


def fragment(record: Record) -> bytes:
    """A result as search.js shows it (the shape of a Pagefind fragment: url, meta, content), gzipped: the
    index on disk is a third of what plain JSON takes, and a third fewer bytes written."""
    return postings.compress(_json({"url": record.url, "meta": {"title": record.title, **dict(record.shown)},
                                    "content": record.text()}))


def _fragments(files: dict[str, bytes], count: int) -> bytes:
    """The cache's pack of a shard's fragments: f/0.bin, f/1.bin, ... one after another."""
    return b"".join(files[f"f/{number}.bin"] for number in range(count))


class Stored:
    """A shard's files as its cache folder holds them, read by their path in the site: a fragment is cut from
    the pack (FRAGMENTS) by the sizes `files` (its state's) records; a file missing raises FileNotFoundError."""

    def __init__(self, folder: Path, files: dict[str, tuple[str, int]]) -> None:
        self.folder, self.files = folder, files
        self._pack: bytes | None = None
        self._at: dict[str, int] = {}

    def read(self, path: str) -> bytes:
        """The bytes of the shard's file at `path` (b/0.bin, f/12.bin, docs.bin...)."""
        if not path.startswith("f/"):
            return (self.folder / path).read_bytes()
        if self._pack is None:
            self._pack = (self.folder / FRAGMENTS).read_bytes()
            at = 0
            for number in range(sum(name.startswith("f/") for name in self.files)):
                self._at[f"f/{number}.bin"] = at
                at += self.files.get(f"f/{number}.bin", ("", 0))[1]
        start, size = self._at.get(path, len(self._pack)), self.files.get(path, ("", 0))[1]
        return self._pack[start: start + size]


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _as_recorded(folder: Path, path: str, state: dict[str, Any]) -> bytes | None:
    """A shard's file as its state recorded it, or None: changed or gone since (a damaged cache is never
    patched: the shard is made whole)."""
    try:
        data = (folder / path).read_bytes()
    except FileNotFoundError:
        return None
    return data if _digest(data) == state["files"].get(path, ("",))[0] else None


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _write(folder: Path, path: str, data: bytes) -> str:
    """Write a file as a new one (whoever reads the old one keeps its bytes); its digest."""
    target = folder / path
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    temporary.replace(target)
    return _digest(data)


def _load_state(folder: Path) -> dict[str, Any] | None:
    """The shard's state if its folder is whole and made by this code, else None."""
    try:
        state = json.loads((folder / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or state.get("format") != FORMAT or state.get("code") != index_code_digest():
        return None
    return state


@functools.cache
def index_code_digest() -> str:
    """Digest of the code that decides the index's files: this package's modules (tokens, records, format),
    markup (an article's text) and the parsing of sources (its fields); a new bantin that leaves them alone
    reuses every shard."""
    from bantin.content import parse
    from bantin.language import dates, provinces
    from bantin.markup import markdown, sanitize

    digest = hashlib.sha256(f"{FORMAT}".encode())
    for module in (__file__, postings.__file__, records.__file__, words.__file__, markdown.__file__, sanitize.__file__,
                   parse.__file__, dates.__file__, provinces.__file__):
        digest.update(b"\0" + Path(module).read_bytes())
    return digest.hexdigest()


# --- every shard ---------------------------------------------------------------------------------
def shard_folder(root: Path, name: str) -> Path:
    """Where a shard's files and state are kept."""
    return root / CACHE_DIR / name


def drop_unplanned(root: Path, planned: set[str]) -> None:
    """Remove the folders of shards no longer planned, and work left by a build that was stopped."""
    folder = root / CACHE_DIR
    if folder.is_dir():
        for old in folder.iterdir():
            if old.name not in planned:
                shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink()


def url_version(keys: Sequence[str]) -> str:
    """What the search page puts in the URLs of a shard's files (?v=): a digest of its articles' numbering
    (and the index's code). It changes when an article is added, removed or moves, so that a browser never
    mixes files numbered two ways; a correction keeps it (a bucket cached from before holds the corrected
    article's old entries, for the minutes a host lets browsers keep it), and the search page stays as it is."""
    digest = hashlib.sha256(f"{index_code_digest()}".encode())
    for key in keys:
        digest.update(f"\0{key}".encode())
    return digest.hexdigest()[:16]


def shard_version(shard: Shard, site_inputs: str, sources: Callable[[str], str]) -> str:
    """A shard's version: a digest of everything its files are made of (the index's code, the site's settings
    that records read, and each article's key and inputs): the same version, the same files."""
    digest = hashlib.sha256(f"{index_code_digest()}\0{site_inputs}\0{shard.name}".encode())
    for key in shard.keys:
        digest.update(f"\0{key}\0{sources(key)}".encode())
    return digest.hexdigest()[:16]
