"""The binary files of bantin's search index, as search-worker.js reads them. Pure: bytes in, bytes out.

Each file is gzip (level 6, no name, no time: the same postings give the same bytes) of:

- a word bucket (b/<n>.bin): every token of the shard whose hash falls in bucket n, with the
  articles that hold it and how strongly:
      u8 version (1), varint entries,
      per entry, sorted by (hash, marks): u32 hash (little-endian; zlib.crc32 of the token's folded
      core), varint length + the marks (ASCII, as words.spellings spells them), varint articles,
      varint bytes of its article numbers;
      then per entry: its article numbers as varint gaps (the first from 0), then one weight byte
      per article (weight: its count's class, in the title, only across punctuation);
- a title bucket (t/<n>.bin): the folded words of titles whose first two letters hash to n, with the
  articles whose title has them: u8 version, varint entries, per entry (sorted): varint length + the
  word (UTF-8), varint articles, varint bytes of its numbers; then the numbers, as gaps;
- the articles (docs.bin): u8 version, varint articles, one length class per article (length_class).

Articles are numbered oldest first within their shard, so a new article takes the next number and
no other article's number moves, and "newest first" is the order of the numbers, from the top.
"""

from __future__ import annotations

import gzip
import math
from collections.abc import Iterable, Sequence
from operator import sub

VERSION = 1
COUNT_LIMIT = 255  # counts above this count as this

# A posting's weight, one byte: its count in classes (1, 2, 3-4, 5-7, 8-12, 13-20, 21+: one more mention
# rarely changes the class, so a corrected sentence changes few entries), whether the title holds it, and
# whether the pair only ever stands across punctuation ("khoa học, công nghệ": still found, ranked lower)
IN_TITLE = 8
ACROSS = 16


def count_class(count: int) -> int:
    """The class of a count, 1 to 7."""
    return next((n + 1 for n, bound in enumerate((1, 2, 4, 7, 12, 20)) if count <= bound), 7)


# the class of every count up to COUNT_LIMIT, looked up per posting
WEIGHTS = bytes(count_class(count) for count in range(COUNT_LIMIT + 1))


def weight(count: int, in_title: bool, across: bool) -> int:
    """A posting's weight byte."""
    return WEIGHTS[min(count, COUNT_LIMIT)] | (IN_TITLE if in_title else 0) | (ACROSS if across else 0)


def length_class(words: int) -> int:
    """An article's length, one byte: four classes per doubling (a sentence more seldom changes it, and so
    seldom the article list a correction writes)."""
    return min(255, round(math.log2(words + 1) * 4))


def varints(values: Sequence[int]) -> bytes:
    """Unsigned LEB128, most values a byte."""
    if not values:
        return b""
    if max(values) < 128:
        return bytes(values)
    out = bytearray()
    for value in values:
        while value >= 128:
            out.append(value & 127 | 128)
            value >>= 7
        out.append(value)
    return bytes(out)


def gaps(numbers: Sequence[int]) -> list[int]:
    """Ascending numbers as the gaps between them (the first from 0)."""
    return [numbers[0], *map(sub, numbers[1:], numbers[:-1])] if len(numbers) else []


def compress(data: bytes) -> bytes:
    """gzip with no file name and time 0: the same data, the same bytes. Level 6: 1.5% larger than 9 on
    the benchmark corpus's buckets, in a sixth of the time."""
    return gzip.compress(data, compresslevel=6, mtime=0)


Entry = tuple[int, str]  # (hash of the folded core, marks)
Postings = tuple[Sequence[int], bytes]  # article numbers (ascending), a weight byte each


def encode_bucket(entries: Iterable[tuple[Entry, Postings]]) -> bytes:
    """A word bucket's file from its entries (any order; each entry once)."""
    head, body = bytearray([VERSION]), bytearray()
    ordered = sorted(entries, key=lambda item: item[0])
    head += varints([len(ordered)])
    for (hashed, marks), (numbers, weights) in ordered:
        # most entries hold one article (a pair of words seldom met): their bytes made directly
        coded = varints(gaps(numbers)) if len(numbers) > 1 else varints(numbers)
        head += hashed.to_bytes(4, "little")
        head += bytes((len(marks),)) + marks.encode("ascii") if len(marks) < 128 else varints(
            [len(marks)]) + marks.encode("ascii")
        head += bytes((len(numbers), len(coded))) if len(numbers) < 128 and len(coded) < 128 else varints(
            [len(numbers), len(coded)])
        body += coded
        body += weights
    return compress(bytes(head + body))


def encode_titles(entries: Iterable[tuple[str, Sequence[int]]]) -> bytes:
    """A title bucket's file: each folded title word with the article numbers whose title has it."""
    head, body = bytearray([VERSION]), bytearray()
    ordered = sorted(entries)
    head += varints([len(ordered)])
    for word, numbers in ordered:
        coded = varints(gaps(numbers))
        spelt = word.encode()
        head += varints([len(spelt)]) + spelt + varints([len(numbers), len(coded)])
        body += coded
    return compress(bytes(head + body))


def encode_docs(lengths: bytes) -> bytes:
    """The articles' file: their length classes, in article order."""
    return compress(bytes([VERSION]) + varints([len(lengths)]) + lengths)


# --- reading, for a shard patched in place (engine.py) and the tests ------------------------------
class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def varint(self) -> int:
        value = shift = 0
        while True:
            byte = self.data[self.at]
            self.at += 1
            value |= (byte & 127) << shift
            if byte < 128:
                return value
            shift += 7

    def take(self, size: int) -> bytes:
        self.at += size
        if self.at > len(self.data):
            raise ValueError("truncated search index file")
        return self.data[self.at - size: self.at]


def _opened(data: bytes) -> _Reader:
    reader = _Reader(gzip.decompress(data))
    if reader.take(1)[0] != VERSION:
        raise ValueError("a search index file of another version")
    return reader


def _numbers(coded: bytes, count: int) -> list[int]:
    reader, numbers, at = _Reader(coded), [], 0
    for _ in range(count):
        at += reader.varint()
        numbers.append(at)
        at = numbers[-1]
    return numbers


def decode_bucket(data: bytes) -> dict[Entry, tuple[list[int], bytes]]:
    """A word bucket's entries: (hash, marks) -> (article numbers, weight bytes)."""
    reader = _opened(data)
    heads = []
    for _ in range(reader.varint()):
        hashed = int.from_bytes(reader.take(4), "little")
        marks = reader.take(reader.varint()).decode("ascii")
        heads.append(((hashed, marks), reader.varint(), reader.varint()))
    return {entry: (_numbers(reader.take(size), count), reader.take(count)) for entry, count, size in heads}


def decode_titles(data: bytes) -> dict[str, list[int]]:
    """A title bucket's entries: folded word -> article numbers."""
    reader = _opened(data)
    heads = [(reader.take(reader.varint()).decode(), reader.varint(), reader.varint()) for _ in range(reader.varint())]
    return {word: _numbers(reader.take(size), count) for word, count, size in heads}


def decode_docs(data: bytes) -> bytes:
    """The articles' length classes."""
    reader = _opened(data)
    return reader.take(reader.varint())
