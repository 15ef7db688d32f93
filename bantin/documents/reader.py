"""One document read in its child process: what the file really is, then its reader (PDF or Office)."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from bantin.documents import office, pdf
from bantin.documents.model import Reading

OLD_OFFICE = {".doc": "doc", ".xls": "xls", ".ppt": "ppt"}  # binary Office files: shown, not read
_ZIP_PARTS = (("word/document.xml", "docx"), ("xl/workbook.xml", "xlsx"), ("ppt/presentation.xml", "pptx"))
_ODF_TYPES = {b"application/vnd.oasis.opendocument.text": "odt",
              b"application/vnd.oasis.opendocument.spreadsheet": "ods"}


@dataclass(frozen=True)
class Job:
    """One file to read, and how much of it."""

    path: Path
    max_pages: int
    max_chars: int
    thumbnail: Path | None  # where page 1 of a PDF goes as a picture
    thumbnail_width: int


@dataclass(frozen=True)
class NotRead:
    """Why a file was not read: `reason` is "encrypted", "damaged", "refused" (over a cap), "unknown" (not
    a document) or "old" (a binary .doc, .xls, .ppt); `detail` in English for the curious; `actual` what
    the file really is, when known."""

    reason: str
    detail: str = ""
    actual: str = ""


def sniff(path: Path) -> str:
    """What a file is, by its content: "pdf", "docx", "xlsx", "pptx", "odt", "ods", "ole" (an old Office
    file, or a password-protected new one), "html", "zip", or "" (something else)."""
    with path.open("rb") as file:
        head = file.read(1024)
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist()[: office.MAX_MEMBERS])
                if "mimetype" in names:
                    info = archive.getinfo("mimetype")
                    if info.file_size < 200:
                        found = _ODF_TYPES.get(archive.read(info).strip())
                        if found:
                            return found
        except (zipfile.BadZipFile, OSError, KeyError):
            return "zip"
        return next((kind for part, kind in _ZIP_PARTS if part in names), "zip")
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<?xml")):
        return "html"
    return ""


def read(job: Job) -> Reading | NotRead:
    """Read one document (in its child process), or say why not."""
    suffix = job.path.suffix.lower()
    actual = sniff(job.path)
    if actual == "pdf":
        try:
            return pdf.read(pdf.PdfJob(job.path, job.max_pages, job.max_chars, job.thumbnail, job.thumbnail_width))
        except pdf.Unreadable as unreadable:
            return NotRead(unreadable.reason, unreadable.detail)
    if actual in ("docx", "xlsx", "pptx", "odt", "ods"):
        try:
            return office.read(job.path, actual)
        except office.Refused as refused:
            return NotRead("refused", str(refused))
    if actual == "ole":
        if suffix in OLD_OFFICE:
            return NotRead("old", actual=OLD_OFFICE[suffix])
        return NotRead("encrypted", "an OLE container: a password-protected Office file", actual="ole")
    return NotRead("unknown", actual=actual)
