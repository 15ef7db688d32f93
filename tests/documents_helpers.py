"""Documents made by the tests: PDFs written with PDFium's own writing side (pypdfium2), PDFs written by
hand where a hostile structure is the point, and hostile zips. Real and legacy-font files are committed
under tests/fixtures/documents/ (see its README)."""

from __future__ import annotations

import ctypes
import zipfile
import zlib
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "documents"
# a TrueType font with Vietnamese letters: Debian's fonts-dejavu-core (.ci/run installs it), or another
FONTS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
         "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
         "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
         "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf")


def font_file() -> Path:
    """A font to write Vietnamese with; skips the test (saying why) where none is installed."""
    for name in FONTS:
        if Path(name).is_file():
            return Path(name)
    pytest.skip("no TrueType font with Vietnamese letters (apt-get install fonts-dejavu-core)")


def write_pdf(path: Path, pages: list[list[str]]) -> Path:
    """A PDF of these pages, each a list of lines of text (Unicode), written by PDFium."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pdf = pdfium.PdfDocument.new()
    data = font_file().read_bytes()
    buffer = ctypes.create_string_buffer(data, len(data))
    font = raw.FPDFText_LoadFont(pdf, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_uint8)), len(data),
                                 raw.FPDF_FONT_TRUETYPE, 1)
    for lines in pages:
        page = pdf.new_page(595, 842)
        for number, line in enumerate(lines):
            text = raw.FPDFPageObj_CreateTextObj(pdf, font, 11.0)
            wide = ctypes.create_string_buffer((line + "\0").encode("utf-16-le"))
            raw.FPDFText_SetText(text, ctypes.cast(wide, ctypes.POINTER(raw.FPDF_WCHAR)))
            raw.FPDFPageObj_Transform(text, 1, 0, 0, 1, 40, 800 - 15 * number)
            raw.FPDFPage_InsertObject(page, text)
        raw.FPDFPage_GenerateContent(page)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.save(str(path))
    return path


def raw_pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF written by hand from its objects (numbered from 1), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, start)
    return bytes(out)


def many_pages(count: int) -> bytes:
    """A PDF of `count` blank pages (5,000: the long report of the issue), a few hundred KB."""
    kids = b" ".join(b"%d 0 R" % (n + 4) for n in range(count))
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count,
                    b"<< /Length 0 >>\nstream\n\nendstream",
                    *([b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>"] * count)])


def with_names(names: bytes) -> bytes:
    """A one-page PDF whose catalogue has this /Names dictionary (JavaScript, embedded files)."""
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R /Names " + names + b" >>",
                    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
                    b"<< /S /JavaScript /JS (app.alert\\('bantin'\\);) >>",
                    b"<< /Type /EmbeddedFile /Length 5 >>\nstream\nhello\nendstream",
                    b"<< /Type /Filespec /F (a.txt) /EF << /F 5 0 R >> >>"])


JAVASCRIPT = b"<< /JavaScript << /Names [(mo) 4 0 R] >> >>"
EMBEDDED = b"<< /EmbeddedFiles << /Names [(a.txt) 6 0 R] >> >>"


def inflating(megabytes: int) -> bytes:
    """A one-page PDF whose content stream inflates to `megabytes` of drawing operators (a Flate bomb)."""
    compressor = zlib.compressobj(9)
    block = b"0 0 m " * (1 << 20)
    body = b"".join(compressor.compress(block) for _ in range(max(1, megabytes // 6))) + compressor.flush()
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
                    b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream"])


def zip_bomb(path: Path, megabytes: int = 80) -> Path:
    """A DOCX whose document.xml inflates to `megabytes` (declared so in the zip's directory)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"<w:t>" + b"a" * (1 << 20) + b"</w:t>"
            for _ in range(megabytes):
                member.write(chunk)
    return path
