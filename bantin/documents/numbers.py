"""Official document numbers ("số và ký hiệu"), and linking the phrases that cite them.

Three shapes, from the rules that govern them:
  - legal documents (Luật Ban hành văn bản quy phạm pháp luật 2015, Điều 8) carry the year:
    30/2020/NĐ-CP, 01/2021/TT-BKHCN, 80/2015/QH13, 10/2006/TTLT-BTC-BNV (older: 144/2002/QĐ/BTC);
  - administrative documents (Nghị định 30/2020/NĐ-CP, Phụ lục I): number/kind-issuer, 123/QĐ-LHHVN,
    and for a công văn number/issuer-unit, 135/UBND-KTTH;
  - Party documents (Hướng dẫn 36-HD/VPTW): number-kind/issuer, 42-CT/TW, 93-KL/TW, 08-QĐi/TW.
A part of the symbol starts with a capital (so dates and fractions, 1/1/2024 or 3/4, are never numbers)
and may mix cases (TTg, QĐi, TTr). Numbers are compared without case, spaces, or the look-alikes
typists use (Icelandic Ð for Đ, dashes for the hyphen): text typed in an all-capitals TCVN3 font reads
"115/2004/QĐ-TTG" for 115/2004/QĐ-TTg.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterator

_UPPER = "A-ZĐÂĂÊÔƠƯ"
_LETTERS = "A-Za-zĐđÂâĂăÊêÔôƠơƯư"
_SEGMENT = rf"[{_UPPER}][{_LETTERS}0-9&]*(?:\.[{_LETTERS}0-9&]+)*"
_NUMBER = r"\d{1,6}[a-zđ]?"  # 135, 135a
_YEAR = r"(?:19[4-9]\d|20\d\d)"
_GAP = r" ?"  # a space typed around a separator ("144 /2002/QĐ-BTC")
_LEGAL = rf"{_NUMBER}{_GAP}/{_GAP}{_YEAR}{_GAP}/{_GAP}{_SEGMENT}(?:{_GAP}[-/]{_GAP}{_SEGMENT})*"
_ADMIN = rf"{_NUMBER}{_GAP}/{_GAP}{_SEGMENT}(?:{_GAP}-{_GAP}{_SEGMENT})*"
_PARTY = rf"{_NUMBER}-{_SEGMENT}/{_SEGMENT}(?:[-/]{_SEGMENT})*"
NUMBER = rf"(?:{_LEGAL}|{_PARTY}|{_ADMIN})"
_NUMBER_RE = re.compile(rf"(?<![\w/-]){NUMBER}(?![\w/])")
_WHOLE_RE = re.compile(NUMBER)

# The words that introduce a number in running text, longest first ("Thông tư liên tịch" before "Thông tư").
CITING_KINDS = (
    "Thông tư liên tịch", "Nghị quyết liên tịch", "Quyết định", "Nghị quyết", "Nghị định", "Thông tư",
    "Chỉ thị", "Kết luận", "Công văn", "Văn bản", "Kế hoạch", "Thông báo", "Thông tri", "Thông cáo",
    "Hướng dẫn", "Quy định", "Quy chế", "Chương trình", "Phương án", "Đề án", "Dự án", "Báo cáo",
    "Biên bản", "Tờ trình", "Hợp đồng", "Công điện", "Giấy mời", "Luật", "Pháp lệnh", "Điều lệ",
)
# "Chỉ thị số 42-CT/TW", "Công văn 135/UBND-KTTH", "Quyết định số: 123/QĐ-LHHVN": the phrase is the link
_CITATION_RE = re.compile(
    r"(?<![\w/-])(?:(?i:" + "|".join(re.escape(kind) for kind in CITING_KINDS) + r")\s+(?:(?i:số)\s*:?\s*)?)?"
    rf"(?P<number>{NUMBER})(?![\w/])")

# Kinds by the abbreviation in the symbol: Nghị định 30/2020/NĐ-CP, Phụ lục III (administrative),
# the Party's Hướng dẫn 36-HD/VPTW, and the legal documents' own.
ABBREVIATIONS = {
    "NQ": "Nghị quyết", "QĐ": "Quyết định", "CT": "Chỉ thị", "QC": "Quy chế", "QyĐ": "Quy định", "QĐi": "Quy định",
    "TC": "Thông cáo", "TB": "Thông báo", "HD": "Hướng dẫn", "CTr": "Chương trình", "KH": "Kế hoạch",
    "PA": "Phương án", "ĐA": "Đề án", "DA": "Dự án", "BC": "Báo cáo", "BB": "Biên bản", "TTr": "Tờ trình",
    "HĐ": "Hợp đồng", "CĐ": "Công điện", "GM": "Giấy mời", "KL": "Kết luận", "NĐ": "Nghị định",
    "TTLT": "Thông tư liên tịch", "PL": "Pháp lệnh", "CV": "Công văn",
}


def normalize(text: str) -> str:
    """NFC, Icelandic Ð (U+00D0, common in typed numbers) as Đ, dashes as the hyphen."""
    text = unicodedata.normalize("NFC", text).replace("\u00d0", "\u0110")
    return re.sub("[\u2010-\u2013\u2212]", "-", text)


def canonical(number: str) -> str:
    """A number as it is shown: normalised, without spaces ("144 /2002/QĐ-BTC" -> "144/2002/QĐ-BTC")."""
    return re.sub(r"\s+", "", normalize(number))


def key(number: str) -> str:
    """What two numbers are compared by: canonical and without case."""
    return canonical(number).casefold()


def is_number(text: str) -> bool:
    """Is the whole text a document number of one of the three shapes?"""
    return _WHOLE_RE.fullmatch(normalize(text).strip()) is not None


def numbers_in(text: str) -> list[str]:
    """The key of every document number in a text, in order, each once."""
    return list(dict.fromkeys(key(match.group()) for match in _NUMBER_RE.finditer(normalize(text))))


def kind_of(number: str) -> str | None:
    """The kind a number's symbol names ("123/QĐ-LHHVN": Quyết định), or None (a công văn's symbol
    names its issuer and unit instead: "135/UBND-KTTH")."""
    symbol = canonical(number)
    party = re.fullmatch(rf"{_NUMBER}-([^/]+)/.+", symbol)
    if party:
        return ABBREVIATIONS.get(party.group(1))
    legal = re.fullmatch(rf"{_NUMBER}/{_YEAR}/([^-/]+?)\d*(?:[-/].+)?", symbol)
    if legal:  # TT is a Thông tư here (a Party's TT is a Thông tri), QH a law of the National Assembly
        return {"TT": "Thông tư", "QH": "Luật"}.get(legal.group(1)) or ABBREVIATIONS.get(legal.group(1))
    admin = re.fullmatch(rf"{_NUMBER}/([^-/]+)(?:-.+)?", symbol)
    return ABBREVIATIONS.get(admin.group(1)) if admin else None


def year_of(number: str) -> int | None:
    """The year a legal document's number carries (30/2020/NĐ-CP: 2020), or None."""
    match = re.fullmatch(rf"{_NUMBER}/({_YEAR})/.+", canonical(number))
    return int(match.group(1)) if match else None


# --- linking citations in an article's HTML ---------------------------------------------------------
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][\w-]*)[^>]*>")
_NOT_LINKED = frozenset({"a", "code", "pre", "script", "style", "kbd", "samp", "h1"})


def _text_parts(body_html: str) -> Iterator[tuple[int, int, bool]]:
    """(start, end, linkable) of each stretch of text between tags; text inside a link, code or
    preformatted text is not linkable."""
    inside = 0
    at = 0
    for tag in _TAG_RE.finditer(body_html):
        yield at, tag.start(), inside == 0
        name = tag.group(2).lower()
        if name in _NOT_LINKED and not tag.group().endswith("/>"):
            inside += -1 if tag.group(1) else 1
            inside = max(inside, 0)
        at = tag.end()
    yield at, len(body_html), inside == 0


def cited(body_html: str) -> list[str]:
    """The keys of the numbers an article body names in its text (not in links or code), each once."""
    found: dict[str, None] = {}
    for start, end, linkable in _text_parts(body_html):
        if linkable and start < end:
            found.update(dict.fromkeys(numbers_in(html.unescape(body_html[start:end]))))
    return list(found)


def link_citations(body_html: str, url_of: Callable[[str], str | None]) -> str:
    """The body with each citation of a document the site holds as a link to it: the phrase ("Chỉ thị
    số 42-CT/TW") or the number alone. `url_of(key)` is the document's page, or None."""
    out: list[str] = []
    for start, end, linkable in _text_parts(body_html):
        part = body_html[start:end]
        if linkable and part:
            part = _link_text(part, url_of)
        out.append(part)
        # the tag that ends this stretch
        following = _TAG_RE.match(body_html, end)
        if following:
            out.append(following.group())
    return "".join(out)


def _link_text(escaped: str, url_of: Callable[[str], str | None]) -> str:
    text = normalize(html.unescape(escaped))
    pieces: list[str] = []
    at = 0
    for match in _CITATION_RE.finditer(text):
        url = url_of(key(match.group("number")))
        if url is None:
            continue
        pieces.append(html.escape(text[at:match.start()], quote=False))
        phrase = html.escape(match.group(), quote=False)
        pieces.append(f'<a class="document-ref" href="{html.escape(url)}">{phrase}</a>')
        at = match.end()
    if not pieces:
        return escaped
    pieces.append(html.escape(text[at:], quote=False))
    return "".join(pieces)
