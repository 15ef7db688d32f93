"""Vietnamese typed in the old 8-bit fonts, converted to Unicode: TCVN3 (ABC, ".VnTime") and VNI ("VNI-Times").

Text extracted from such a file shows the font's bytes as Latin-1 look-alikes: "Héi th¶o khoa häc"
(TCVN3) or "Hoäi thaûo" (VNI) for "Hội thảo". Which runs to convert is decided from the font names
(they nominate) and the characters (they decide): documents converted to Unicode often keep the
old font's name, so a name alone would turn good text into nonsense.

The tables are UniKey's (fcitx5-unikey, unikey/data.cpp at 6ea3b376, arrays SingleByteTables[TCVN3],
DoubleByteTables[VNI-WIN] and UnicodeTable; GPL-2.0-or-later, the mapping itself a character-set
fact), cross-checked with GNU libiconv's TCVN-5712 (0xA0-0xFF) and xvnkb's vni.h. TCVN3 has one code
for both cases of a toned vowel: capitals are drawn by a companion font whose name ends in H
(".VnTimeH", "VnTimeHBold"), where the same byte is the capital and lower-case ASCII prints as capitals.
"""

from __future__ import annotations

import re
import unicodedata

# TCVN3: one byte per letter (the 74 codes of ABC's .VnTime fonts).
_TCVN3_CODES = ("¡¢£¤¥¦§¨©ª«¬\xad®µ¶·¸¹»¼½¾ÆÇÈÉÊËÌÎÏÐÑÒÓÔÕÖ×ØÜÝÞßáâãäåæçèéêëìíîïñòóôõö÷øùúûüýþ")
_TCVN3_LETTERS = ("ĂÂÊÔƠƯĐăâêôơưđàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ")
TCVN3 = dict(zip(_TCVN3_CODES, _TCVN3_LETTERS, strict=True))
# What PDF text extraction gives for two TCVN3 codes (Acrobat Distiller's Identity-H copies of the fonts):
# ư (0xAD, the soft hyphen's slot) as MINUS SIGN, ã (0xB7, the middle dot's) as BULLET OPERATOR or BULLET.
_EXTRACTION_ALIASES = {"\u2212": "\xad", "\u2219": "\xb7", "\u2022": "\xb7"}

# VNI: a base letter then a mark character the font draws over it ("Vieät" = Việt), or one character.
# Lower-case pairs; the capital pair is both characters in capitals ("AÀ" = Ầ).
_VNI_MARKS = {
    "a": ("àáâãäåèéêëïõøùúûü", "ầấâẫậẩằắăặạãàáẳảẵ"),
    "e": ("àáâãäåïõøùû", "ềếêễệểẹẽèéẻ"),
    "o": ("àáâãäåïõøùû", "ồốôỗộổọõòóỏ"),
    "u": ("ïõøùû", "ụũùúủ"),
    "y": ("õøùû", "ỹỳýỷ"),
    "ô": ("ïõøùû", "ợỡờớở"),  # ô is ơ in VNI
    "ö": ("ïõøùû", "ựữừứử"),  # ö is ư
}
_VNI_SINGLE = dict(zip("ÆæÌìÍíÎîÑñÒòÓóÔôÖö", "ỈỉÌìÍíỴỵĐđỊịĨĩƠơƯư", strict=True))
VNI_PAIRS = {base + mark: letter for base, (marks, letters) in _VNI_MARKS.items()
             for mark, letter in zip(marks, letters, strict=True)}
VNI_PAIRS |= {pair.upper(): letter.upper() for pair, letter in list(VNI_PAIRS.items())}
VNI = {**VNI_PAIRS, **_VNI_SINGLE}

# --- font names -----------------------------------------------------------------------------------
# As Word, ODF and PDFs name them: ".VnTime", "GDNPNI+VnTime" (a PDF subset), "VnTime,Bold", ".VnArial NarrowH".
_SUBSET = r"(?:[A-Z]{6}\+)?"
_TCVN3_FONT_RE = re.compile(_SUBSET + r"\.?Vn[A-Z][A-Za-z0-9 ]*", re.IGNORECASE)
_TCVN3_CAPS_FONT_RE = re.compile(
    _SUBSET + r"\.?Vn[A-Za-z0-9 ]*?H(?:[-, ]?(?:Bold|Italic|Oblique|BoldItalic|Regular|Black|Narrow|MT|PS))*$")
_VNI_FONT_RE = re.compile(_SUBSET + r"VNI[- ][A-Za-z]", re.IGNORECASE)


def font_encoding(name: str | None) -> str | None:
    """'tcvn3', 'tcvn3-caps' (an all-capitals H font), 'vni' or None for a font's name."""
    if not name:
        return None
    name = name.strip().strip("\"'")
    if _VNI_FONT_RE.match(name):
        return "vni"
    if _TCVN3_FONT_RE.match(name):
        return "tcvn3-caps" if _TCVN3_CAPS_FONT_RE.match(name) else "tcvn3"
    return None


# --- decoding ---------------------------------------------------------------------------------------
_TCVN3_ALL = {**TCVN3, **{alias: TCVN3[code] for alias, code in _EXTRACTION_ALIASES.items()}}
_TCVN3_RE = re.compile("[" + re.escape("".join(_TCVN3_ALL)) + "]")
# A font without a ToUnicode map gives ư (0xAD) as "-": a hyphen glued between two lower-case letters
# is ư ("Tr-ëng" = Trưởng); a document number has a capital after its hyphen ("Q§-TTg") and stays.
_TCVN3_HYPHEN_RE = re.compile(r"(?<=[a-z\xa8-\xfe])-(?=[a-z\xa8-\xfe])")
_WORD_RE = re.compile(r"\w+")


def decode_tcvn3(text: str, caps: bool = False) -> str:
    """TCVN3 text as extracted -> Unicode NFC. `caps`: drawn in an H font (all capitals). Otherwise a
    word whose ASCII letters are all capitals is a capitalised word ("QUYÕT" -> "QUYẾT")."""
    if "\xad" not in text and "\u2212" not in text:
        text = _TCVN3_HYPHEN_RE.sub("\xad", text)
    text = _TCVN3_RE.sub(lambda match: _TCVN3_ALL[match.group()], text)
    text = text.upper() if caps else _WORD_RE.sub(_capitalised, text)
    return unicodedata.normalize("NFC", text)


def _capitalised(match: re.Match[str]) -> str:
    word = match.group()
    letters = [c for c in word if c.isascii() and c.isalpha()]
    return word.upper() if len(letters) >= 2 and all(c.isupper() for c in letters) else word


# Lenient VNI pairs, as some converters and typists wrote them and VNI fonts still draw them: a mark in
# the other case than its base ("Aù" = Á), and a tone typed after i ("chiùnh" = chính).
_I_TONES = {"ù": "í", "ø": "ì", "û": "ỉ", "õ": "ĩ", "ï": "ị"}
_VNI_LENIENT = {base + mark.swapcase(): letter for (base, mark), letter in VNI_PAIRS.items()}
for _mark, _letter in _I_TONES.items():
    for _base in "iI":
        for _written in (_mark, _mark.upper()):
            _VNI_LENIENT[_base + _written] = _letter if _base == "i" else _letter.upper()
_VNI_ALL = {**_VNI_LENIENT, **VNI_PAIRS, **_VNI_SINGLE}
_VNI_RE = re.compile("|".join(re.escape(key) for key in sorted(_VNI_ALL, key=len, reverse=True)))


def decode_vni(text: str) -> str:
    """VNI text as extracted -> Unicode NFC; two-character sequences first."""
    return unicodedata.normalize("NFC", _VNI_RE.sub(lambda match: _VNI_ALL[match.group()], text))


def decode(text: str, encoding: str) -> str:
    """Text in 'tcvn3', 'tcvn3-caps' or 'vni' -> Unicode NFC."""
    if encoding == "vni":
        return decode_vni(text)
    return decode_tcvn3(text, caps=encoding == "tcvn3-caps")


# --- detection --------------------------------------------------------------------------------------
# Code points only Unicode Vietnamese has (ă đ ĩ ũ ơ ư, U+1EA0-U+1EF9): proof the text is Unicode.
UNICODE_VIETNAMESE_RE = re.compile("[ĂăĐđĨĩŨũƠơƯư\u1ea0-\u1ef9]")
# TCVN3 codes that Unicode Vietnamese never uses (its own Latin-1 letters, à á â ..., are left out).
_TCVN3_MARKERS = frozenset((set(TCVN3) | set(_EXTRACTION_ALIASES)) - set("ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý"))
_TCVN3_MARKER_RE = re.compile("[" + re.escape("".join(sorted(_TCVN3_MARKERS))) + "]")
_VNI_EVIDENCE_RE = re.compile("|".join(re.escape(pair) for pair in VNI_PAIRS) + "|[ñÑ]")


def might_be_legacy(text: str) -> bool:
    """Could any of this text be TCVN3 or VNI? Not when it is Unicode Vietnamese (over 1% of its letters
    are letters only Unicode has), nor when no telltale character is in it: such a page's fonts are not
    asked for (that costs a call per character)."""
    if len(UNICODE_VIETNAMESE_RE.findall(text)) > 0.01 * len(text):  # (letters are most of a page's characters)
        return False
    return _TCVN3_MARKER_RE.search(text) is not None or _VNI_EVIDENCE_RE.search(text) is not None


def detect(text: str, fonts: set[str] | frozenset[str] = frozenset()) -> str | None:
    """'tcvn3', 'vni' or None for a piece of extracted text, given the names of the fonts it is in.

    The fonts nominate, the characters decide: with a legacy font, 3 telltale characters and 2% of
    the letters; without one, 4%. Any real Unicode Vietnamese (over 1% of the letters) says no."""
    letters = sum(c.isalpha() for c in text)
    if letters < 20:
        return None
    if len(UNICODE_VIETNAMESE_RE.findall(text)) > 0.01 * letters:
        return None
    tcvn3 = sum(c in _TCVN3_MARKERS for c in text)
    vni = len(_VNI_EVIDENCE_RE.findall(text))
    named = {font_encoding(font) for font in fonts} - {None}
    need = (0.02 if named else 0.04) * letters
    if "vni" in named and vni >= 3 and vni >= need:
        return "vni"
    if named & {"tcvn3", "tcvn3-caps"} and tcvn3 >= 3 and tcvn3 >= need:
        return "tcvn3"
    if tcvn3 >= 3 and tcvn3 >= need and tcvn3 > 1.5 * vni:
        return "tcvn3"
    if vni >= 3 and vni >= need and vni > tcvn3:
        return "vni"
    return None


Run = tuple[str | None, str]  # (font name, text) of a stretch of text in one font


def convert_runs(runs: list[Run]) -> tuple[str, str | None]:
    """Runs of text with their fonts -> (Unicode NFC text, the legacy encoding found, or None).

    Decided once per family of fonts over all their text (deciding run by run would misread a short
    Unicode run in a converted file: "Cá" would become "Cỏ"); then the runs of a family found legacy
    are converted, each by its own font (capitals for H fonts), unless already Unicode. Text in no
    legacy font at all is converted only when its characters alone say so (at twice the evidence)."""
    families: dict[str, list[Run]] = {"tcvn3": [], "vni": []}
    for font, text in runs:
        encoding = font_encoding(font)
        if encoding:
            families["vni" if encoding == "vni" else "tcvn3"].append((font, text))
    found = [family for family, members in families.items() if members and detect(
        " ".join(text for _, text in members), {font for font, _ in members if font}) == family]
    if not found and not any(families.values()):
        guessed = detect(" ".join(text for _, text in runs))
        if guessed:
            runs = [(font if font_encoding(font) else guessed, text) for font, text in runs]
            found = [guessed]
    if not found:
        return unicodedata.normalize("NFC", "".join(text for _, text in runs)), None
    out = []
    for font, text in runs:
        encoding = font_encoding(font) if font not in ("tcvn3", "vni") else font
        family = "vni" if encoding == "vni" else "tcvn3"
        if encoding and family in found and not UNICODE_VIETNAMESE_RE.search(text):
            text = decode(text, encoding)
        out.append(text)
    main = max(found, key=lambda family: sum(len(text) for _, text in families[family]))
    return unicodedata.normalize("NFC", "".join(out)), main


def decode_metadata(value: str, encoding: str | None) -> str:
    """A title or author typed in the document's legacy encoding (too short to judge alone), in Unicode."""
    if not value or UNICODE_VIETNAMESE_RE.search(value):
        return unicodedata.normalize("NFC", value)
    found = encoding or detect(value * 4)
    return decode(value, "vni" if found == "vni" else "tcvn3") if found else unicodedata.normalize("NFC", value)
