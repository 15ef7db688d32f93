"""The words of the search index: how text is split, folded and spelt, the same in the build and in
the browser (search.js and search-worker.js split a query as words_of does, and spell its words as
spellings does)."""

from __future__ import annotations

import functools
import re
import unicodedata


def fold(text: str) -> str:
    """Vietnamese text without diacritics, lower-case: 'Đắk Lắk' -> 'dak lak'."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


WORD_RE = re.compile(r"[^\W_]+")  # letters and digits, as search.js's /[\p{L}\p{N}]+/gu
DIGIT_RE = re.compile(r"\d")  # as search.js's /\p{Nd}/u
_TELEX = {"\u0301": "s", "\u0300": "f", "\u0309": "r", "\u0303": "x", "\u0323": "j", "\u0306": "w", "\u031b": "w"}


def words_of(text: str) -> list[str]:
    """Words as search.js splits a query: NFC, lower-case, runs of letters and digits."""
    return WORD_RE.findall(unicodedata.normalize("NFC", text).lower())


@functools.lru_cache(maxsize=262144)
def spellings(word: str) -> tuple[str, str]:
    """A word folded, and its marks as Telex types them, in order: 'đắk' -> ('dak', 'dws'); 'nẵng' ->
    ('nang', 'wx'); 'hội' -> ('hoi', 'oj'): a circumflex is its letter again, đ is 'd', other marks
    'q'. Where the tone sits does not count: 'hoà' and 'hòa' are ('hoa', 'f'). Remembered, for the
    same words recur in every article."""
    plain, marks, base = [], [], ""
    for char in unicodedata.normalize("NFD", word):
        if unicodedata.category(char).startswith("M"):
            marks.append(base if char == "\u0302" else _TELEX.get(char, "q"))
        else:
            base = "d" if char == "đ" else char
            plain.append(base)
            if char == "đ":
                marks.append("d")
    tones = [m for m in marks if m in "sfrxj"]  # the tone last, wherever it was written
    return "".join(plain), "".join([m for m in marks if m not in "sfrxj"] + tones)
