"""Reading a PDF with PDFium (pypdfium2): its facts, its text page by page, a picture of page 1.

Runs in a child process (bantin/documents/isolation.py): PDFium is not thread-safe and aborts when
memory runs out. Page counts are cheap whatever the size; text is read from at most `max_pages`
pages and `max_chars` characters, so a 5,000-page file costs what its first pages cost. A page in
an old Vietnamese font is converted run by run from the font of each character (legacy.py); a page
whose characters cannot be legacy is not asked for its fonts (that costs a call per character).
"""

from __future__ import annotations

import ctypes
import hashlib
import io
import os
import re
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from bantin.documents.legacy import Run, convert_runs, decode_metadata, might_be_legacy
from bantin.documents.model import Reading
from bantin.photos.model import ImageFacts

OCR_BELOW = 20  # a page with fewer characters of text than this has no text layer (a scan)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # C0 controls but \t \n (seen in damaged files)


class Unreadable(Exception):
    """A PDF that cannot be opened: `reason` is "encrypted" or "damaged"."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason, self.detail = reason, detail


@dataclass(frozen=True)
class PdfJob:
    """What to read of one PDF."""

    path: Path
    max_pages: int
    max_chars: int
    thumbnail: Path | None  # where to write page 1 as a picture, or None
    thumbnail_width: int


def read(job: PdfJob) -> Reading:
    """A PDF's facts, text and first-page picture; Unreadable when it cannot be opened."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(job.path))
    except pdfium.PdfiumError as error:
        encrypted = getattr(error, "err_code", None) == 4 or "password" in str(error).lower()
        raise Unreadable("encrypted" if encrypted else "damaged", str(error)) from None
    count = len(pdf)
    if count == 0:
        raise Unreadable("damaged", "no pages")
    risks = _risks(pdf)
    pages: list[str] = []
    empty: list[int] = []
    encodings: list[str] = []
    chars = 0
    truncated = count > job.max_pages
    for index in range(min(count, job.max_pages)):
        try:
            page = pdf[index]
            text, encoding = _page_text(page.get_textpage())
        except pdfium.PdfiumError:  # one damaged page: the others are still read
            text, encoding = "", None
        if encoding:
            encodings.append(encoding)
        if len(text.strip()) < OCR_BELOW:
            empty.append(index + 1)
        pages.append(text)
        chars += len(text)
        if chars > job.max_chars:
            truncated = True
            break
    legacy = max(set(encodings), key=encodings.count) if encodings else ""
    metadata = pdf.get_metadata_dict(skip_empty=True)
    thumbnail = _thumbnail(pdf, job) if job.thumbnail is not None else None
    return Reading("pdf", count, decode_metadata(_clean(metadata.get("Title", "")), legacy or None),
                   decode_metadata(_clean(metadata.get("Author", "")), legacy or None), tuple(pages), legacy,
                   tuple(empty), risks, truncated, thumbnail)


def _risks(pdf: object) -> tuple[str, ...]:
    import pypdfium2.raw as raw

    risks = []
    if raw.FPDFDoc_GetJavaScriptActionCount(pdf) > 0:
        risks.append("javascript")
    if raw.FPDFDoc_GetAttachmentCount(pdf) > 0:
        risks.append("attachments")
    return tuple(risks)


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", _CONTROL_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))).strip()


def _page_text(textpage: object) -> tuple[str, str | None]:
    """A page's text in Unicode, and the legacy encoding it was converted from, if any."""
    text = textpage.get_text_range()  # type: ignore[attr-defined]
    if not might_be_legacy(text):
        return _clean(text), None
    converted, encoding = convert_runs(_runs(textpage, text))
    return _clean(converted), encoding


def _runs(textpage: object, text: str) -> list[Run]:
    """The page's text cut where the font changes: (font name, text)."""
    import pypdfium2.raw as raw

    buffer = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    runs: list[Run] = []
    current: str | None = None
    start = 0
    for index in range(len(text)):
        size = raw.FPDFText_GetFontInfo(textpage, index, buffer, 256, ctypes.byref(flags))
        name = buffer.raw[: size - 1].decode("utf-8", "replace") if size > 0 else None
        if name is None:  # generated characters (line ends) keep the run's font
            continue
        if name != current and index > start:
            runs.append((current, text[start:index]))
            start = index
        current = name
    runs.append((current, text[start:]))
    return runs


def _thumbnail(pdf: object, job: PdfJob) -> ImageFacts | None:
    """Page 1 as a JPEG `thumbnail_width` pixels wide, written where the job says, and its facts: the photo
    pipeline makes the card's variants of it (WebP, and JPEG for browsers without it)."""
    import pypdfium2 as pdfium

    try:
        page = pdf[0]  # type: ignore[index]
        width, height = page.get_size()
        scale = job.thumbnail_width / max(width, 1.0)
        if not 0 < scale * height <= 20 * job.thumbnail_width:  # a page of absurd proportions
            return None
        image = page.render(scale=scale, may_draw_forms=False).to_pil().convert("RGB")
    except (pdfium.PdfiumError, ValueError, OSError):
        return None
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)  # kept in the cache only: the variants are encoded from it
    data = out.getvalue()
    assert job.thumbnail is not None
    job.thumbnail.parent.mkdir(parents=True, exist_ok=True)
    temporary = job.thumbnail.with_name(job.thumbnail.name + ".tmp")
    temporary.write_bytes(data)
    temporary.replace(job.thumbnail)
    return ImageFacts(hashlib.blake2b(data, digest_size=16).hexdigest(), image.width, image.height, "JPEG", 1, False,
                      False, len(data))


@dataclass(frozen=True)
class OcrJob:
    """One page of a PDF to read by OCR."""

    path: Path
    page: int  # 1-based
    language: str  # Tesseract's: "vie"
    dpi: int = 300


def ocr_page(job: OcrJob) -> str:
    """The text Tesseract reads on one page rendered at `dpi` (in a child process: PDFium renders it)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(job.path))
    image = pdf[job.page - 1].render(scale=job.dpi / 72, grayscale=True).to_pil()
    png = io.BytesIO()
    image.save(png, "PNG")
    # one thread: pages run side by side, one per core
    done = subprocess.run(["tesseract", "stdin", "stdout", "-l", job.language, "--dpi", str(job.dpi)],
                          input=png.getvalue(), capture_output=True, check=True,
                          env={"OMP_THREAD_LIMIT": "1", "PATH": os.environ.get("PATH", "/usr/bin:/bin")})
    return _clean(done.stdout.decode("utf-8", "replace"))
