"""Reading Office files (DOCX, XLSX, PPTX, ODT, ODS): facts and text from the zip's XML parts.

The standard library's zipfile and ElementTree read the few parts needed. A file is a zip nobody
here wrote, so before anything is inflated the zip's directory is checked: too many members, one
part or all of them declared larger than the caps, and the file is refused (a 200 KB "document"
may inflate to gigabytes). A part is then read no further than its declared size (zipfile checks
the CRC, so a directory that understates a size is an error, not an endless read), and a part that
declares a DTD (OOXML and ODF never do) is refused before it is parsed.
Text comes with the page (DOCX: page breaks, ODT: soft page breaks), sheet or slide it is on, and
with the font of each run, for the old Vietnamese fonts (legacy.py).
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

from bantin.documents.legacy import Run, convert_runs, decode_metadata
from bantin.documents.model import Reading

MAX_MEMBERS = 10_000
MAX_PART = 64 * 1024 * 1024  # one XML part, inflated
MAX_TOTAL = 256 * 1024 * 1024  # every member, inflated (pictures included)
MEDIA = ("word/media/", "ppt/media/", "xl/media/", "Pictures/")  # pictures: only the total counts

_NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "s": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "ep": "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
}
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

Lines = list[list[Run]]  # a page's lines, each a list of runs (font, text)


class Refused(Exception):
    """A file that is not read: why, in words (said in the build's warning)."""


def q(name: str) -> str:
    """'w:t' -> '{namespace}t'."""
    prefix, local = name.split(":")
    return f"{{{_NS[prefix]}}}{local}"


def open_zip(path: Path) -> zipfile.ZipFile:
    """The zip, after its directory passed the caps; Refused otherwise."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise Refused(f"not a zip file ({error})") from None
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        archive.close()
        raise Refused(f"{len(members)} parts in the zip")
    total = 0
    for member in members:
        if member.file_size > MAX_PART and not member.filename.startswith(MEDIA):
            archive.close()
            raise Refused(f"{member.filename} would inflate to {member.file_size:,} bytes")
        total += member.file_size
    if total > MAX_TOTAL:
        archive.close()
        raise Refused(f"its parts would inflate to {total:,} bytes")
    return archive


def part(archive: zipfile.ZipFile, name: str) -> ET.Element | None:
    """One XML part, parsed, or None when the file has none of that name."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    with archive.open(info) as member:
        data = member.read(min(info.file_size, MAX_PART) + 1)
    if len(data) > MAX_PART:
        raise Refused(f"{name} is larger than it says")
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data[:65536]:
        raise Refused(f"{name} declares a DTD")
    return ET.fromstring(data)


def _text(value: str | None) -> str:
    return unicodedata.normalize("NFC", _CONTROL_RE.sub("", value or "")).strip()


def read(path: Path, format_: str) -> Reading:
    """Facts and text of a DOCX, XLSX, PPTX, ODT or ODS file; Refused when it may not be read."""
    with open_zip(path) as archive:
        try:
            reader = {"docx": _docx, "xlsx": _xlsx, "pptx": _pptx, "odt": _odt, "ods": _ods}[format_]
            return reader(archive)
        except (ET.ParseError, zipfile.BadZipFile, KeyError, ValueError, EOFError) as error:
            raise Refused(f"damaged ({type(error).__name__}: {error})") from None


def _reading(format_: str, count: int | None, properties: dict[str, str], pages: list[Lines],
             names: list[str] | None = None) -> Reading:
    """The text of each page converted together (one verdict on the old fonts for the whole file)."""
    texts, encodings = [], []
    for lines in pages:
        runs: list[Run] = []
        for line in lines:
            runs.extend(line)
            runs.append((None, "\n"))
        text, encoding = convert_runs(runs)
        texts.append(_text(text))
        if encoding:
            encodings.append(encoding)
    legacy = max(set(encodings), key=encodings.count) if encodings else ""
    if names:  # a sheet's name heads its text
        texts = [f"{name}\n{text}".strip() for name, text in zip(names, texts, strict=True)]
    return Reading(format_, count, decode_metadata(properties.get("title", ""), legacy or None),
                   decode_metadata(properties.get("creator", ""), legacy or None), tuple(texts), legacy)


def _core(archive: zipfile.ZipFile) -> dict[str, str]:
    """Title and author (docProps/core.xml) and Word's page count (docProps/app.xml)."""
    found: dict[str, str] = {}
    core = part(archive, "docProps/core.xml")
    if core is not None:
        for name, tag in (("title", "dc:title"), ("creator", "dc:creator")):
            element = core.find(q(tag))
            if element is not None and _text(element.text):
                found[name] = _text(element.text)
    app = part(archive, "docProps/app.xml")
    if app is not None:
        for name in ("Pages", "Slides"):
            element = app.find(q("ep:" + name))
            if element is not None and (element.text or "").strip().isdigit():
                found[name.lower()] = element.text.strip()  # type: ignore[union-attr]
    return found


def _docx(archive: zipfile.ZipFile) -> Reading:
    properties = _core(archive)
    document = part(archive, "word/document.xml")
    if document is None:
        raise Refused("no word/document.xml: not a Word document")
    default = _docx_default_font(part(archive, "word/styles.xml"))
    pages: list[Lines] = [[]]
    body = document.find(q("w:body"))
    for paragraph in (body.iter(q("w:p")) if body is not None else ()):
        line: list[Run] = []
        for run in paragraph.iter(q("w:r")):
            fonts = run.find(f"{q('w:rPr')}/{q('w:rFonts')}")
            font = (fonts.get(q("w:ascii")) or fonts.get(q("w:hAnsi"))) if fonts is not None else None
            for child in run:
                if child.tag == q("w:t"):
                    line.append((font or default, child.text or ""))
                elif child.tag == q("w:tab"):
                    line.append((font or default, "\t"))
                elif child.tag == q("w:br") and child.get(q("w:type")) == "page":
                    pages[-1].append(line)
                    pages.append([])
                    line = []
        pages[-1].append(line)
    # Word's own count, written when it saved the file; else the explicit page breaks
    count = int(properties["pages"]) if properties.get("pages", "0") != "0" else len(pages)
    return _reading("docx", count, properties, pages)


def _docx_default_font(styles: ET.Element | None) -> str | None:
    """The font of runs that name none: the document's default, else the Normal style's."""
    if styles is None:
        return None
    fonts = [styles.find("/".join(q(t) for t in ("w:docDefaults", "w:rPrDefault", "w:rPr", "w:rFonts")))]
    fonts += [style.find(f"{q('w:rPr')}/{q('w:rFonts')}") for style in styles.findall(q("w:style"))
              if style.get(q("w:styleId")) == "Normal"]
    named = [f.get(q("w:ascii")) or f.get(q("w:hAnsi")) for f in fonts if f is not None]
    named = [name for name in named if name]
    return named[-1] if named else None


def _relations(archive: zipfile.ZipFile, name: str) -> dict[str, str]:
    relations = part(archive, name)
    return {r.get("Id", ""): r.get("Target", "") for r in (relations if relations is not None else [])}


def _xlsx(archive: zipfile.ZipFile) -> Reading:
    properties = _core(archive)
    workbook = part(archive, "xl/workbook.xml")
    if workbook is None:
        raise Refused("no xl/workbook.xml: not an Excel workbook")
    sheets_element = workbook.find(q("s:sheets"))
    sheets = [(s.get("name", ""), s.get(q("r:id"), "")) for s in (sheets_element if sheets_element is not None else [])]
    targets = _relations(archive, "xl/_rels/workbook.xml.rels")
    shared_part = part(archive, "xl/sharedStrings.xml")
    shared = ["".join(t.text or "" for t in item.iter(q("s:t"))) for item in
              (shared_part.findall(q("s:si")) if shared_part is not None else [])]
    fonts, cell_fonts = _xlsx_fonts(part(archive, "xl/styles.xml"))
    pages: list[Lines] = []
    for _, relation in sheets:
        target = targets.get(relation, "")
        sheet = part(archive, "xl/" + target.lstrip("/").removeprefix("xl/")) if target else None
        lines: Lines = []
        for row in (sheet.iter(q("s:row")) if sheet is not None else ()):
            line: list[Run] = []
            for cell in row.findall(q("s:c")):
                value, kind = cell.find(q("s:v")), cell.get("t")
                style = int(cell.get("s", "0") or 0)
                font = fonts[cell_fonts[style]] if style < len(cell_fonts) and cell_fonts[style] < len(fonts) else None
                if kind == "s" and value is not None and (value.text or "").isdigit() and int(value.text) < len(shared):
                    line.append((font, shared[int(value.text)]))
                elif kind == "inlineStr":
                    line.append((font, "".join(t.text or "" for t in cell.iter(q("s:t")))))
                elif value is not None and value.text:
                    line.append((None, value.text))
                line.append((None, "\t"))
            lines.append(line[:-1])
        pages.append(lines)
    return _reading("xlsx", len(sheets), properties, pages, [name for name, _ in sheets])


def _xlsx_fonts(styles: ET.Element | None) -> tuple[list[str | None], list[int]]:
    """The workbook's fonts, and each cell style's font."""
    if styles is None:
        return [], []
    fonts_element, formats = styles.find(q("s:fonts")), styles.find(q("s:cellXfs"))
    fonts = []
    for font in (fonts_element if fonts_element is not None else []):
        name = font.find(q("s:name"))
        fonts.append(name.get("val") if name is not None else None)
    cells = [int(f.get("fontId", "0") or 0) for f in (formats if formats is not None else [])]
    return fonts, cells


def _pptx(archive: zipfile.ZipFile) -> Reading:
    properties = _core(archive)
    presentation = part(archive, "ppt/presentation.xml")
    if presentation is None:
        raise Refused("no ppt/presentation.xml: not a PowerPoint presentation")
    targets = _relations(archive, "ppt/_rels/presentation.xml.rels")
    listed = presentation.find(q("p:sldIdLst"))
    slides = [targets.get(s.get(q("r:id"), ""), "") for s in (listed if listed is not None else [])]
    pages: list[Lines] = []
    for target in slides:
        slide = part(archive, "ppt/" + target.lstrip("/").removeprefix("ppt/")) if target else None
        lines: Lines = []
        for paragraph in (slide.iter(q("a:p")) if slide is not None else ()):
            line: list[Run] = []
            for run in paragraph.iter(q("a:r")):
                latin = run.find(f"{q('a:rPr')}/{q('a:latin')}")
                text = run.find(q("a:t"))
                line.append((latin.get("typeface") if latin is not None else None,
                             text.text or "" if text is not None else ""))
            lines.append(line)
        pages.append(lines)
    return _reading("pptx", len(slides), properties, pages)


def _odf_meta(archive: zipfile.ZipFile) -> tuple[dict[str, str], dict[str, int]]:
    """Title, author and the statistics (page-count, table-count) of meta.xml."""
    found: dict[str, str] = {}
    counts: dict[str, int] = {}
    meta = part(archive, "meta.xml")
    element = meta.find(q("office:meta")) if meta is not None else None
    if element is not None:
        for name, tag in (("title", "dc:title"), ("creator", "dc:creator"), ("creator", "meta:initial-creator")):
            value = element.find(q(tag))
            if value is not None and _text(value.text) and name not in found:
                found[name] = _text(value.text)
        statistics = element.find(q("meta:document-statistic"))
        for name in ("page-count", "table-count"):
            value = statistics.get(q("meta:" + name), "") if statistics is not None else ""
            if value.isdigit():
                counts[name] = int(value)
    return found, counts


def _odf_body(archive: zipfile.ZipFile, kind: str) -> ET.Element:
    content = part(archive, "content.xml")
    body = content.find(f"{q('office:body')}/{q('office:' + kind)}") if content is not None else None
    if body is None:
        raise Refused(f"no office:{kind} in content.xml")
    return body


def _odt(archive: zipfile.ZipFile) -> Reading:
    properties, counts = _odf_meta(archive)
    content = part(archive, "content.xml")
    breaking = set()  # paragraph styles that start a new page
    styles = content.find(q("office:automatic-styles")) if content is not None else None
    for style in (styles if styles is not None else []):
        paragraph = style.find(q("style:paragraph-properties"))
        if paragraph is not None and "page" in (paragraph.get(q("fo:break-before")),
                                                paragraph.get(q("fo:break-after"))):
            breaking.add(style.get(q("style:name")))
    pages: list[Lines] = [[]]
    for element in _odf_body(archive, "text").iter():
        if element.tag == q("text:soft-page-break"):
            pages.append([])
        elif element.tag in (q("text:p"), q("text:h")):
            if element.get(q("text:style-name")) in breaking and pages[-1]:
                pages.append([])
            pages[-1].append([(None, "".join(element.itertext()))])
    return _reading("odt", counts.get("page-count") or len(pages), properties, pages)


def _ods(archive: zipfile.ZipFile) -> Reading:
    properties, _ = _odf_meta(archive)
    pages: list[Lines] = []
    names: list[str] = []
    for table in _odf_body(archive, "spreadsheet").iter(q("table:table")):
        names.append(table.get(q("table:name"), ""))
        pages.append([[(None, "\t".join("".join(p.itertext()) for p in row.iter(q("text:p"))))]
                      for row in table.iter(q("table:table-row"))])
    return _reading("ods", len(pages), properties, pages, names)
