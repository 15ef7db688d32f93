"""What bantin knows of a document: plain, frozen values, cached by the file's digest."""

from __future__ import annotations

from dataclasses import dataclass

from bantin.photos.model import ImageFacts

# The formats bantin reads, by the name it gives them; what a file is decides, not its extension.
FORMATS = {  # format -> (MIME type, what its count counts)
    "pdf": ("application/pdf", "pages"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "pages"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "sheets"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "slides"),
    "odt": ("application/vnd.oasis.opendocument.text", "pages"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", "sheets"),
}
SUFFIXES = frozenset(f".{name}" for name in FORMATS)  # files under content/ that are documents


@dataclass(frozen=True)
class Reading:
    """What a reader found in one file (in its child process)."""

    format: str  # a key of FORMATS
    count: int | None  # pages, sheets or slides (None: unknown)
    title: str = ""  # from the file's own metadata, in Unicode
    author: str = ""
    pages: tuple[str, ...] = ()  # the text of each page (sheet, slide) read, in Unicode NFC
    legacy: str = ""  # "tcvn3" | "vni": the old font encoding the text was converted from
    empty: tuple[int, ...] = ()  # pages (1-based) with no text layer: a scan, for OCR
    risks: tuple[str, ...] = ()  # "javascript", "attachments": what a reader's viewer might run or open
    truncated: bool = False  # more pages (or text) than are read: the rest is not searchable
    thumbnail: ImageFacts | None = None  # the first page, rendered into the cache (PDF)


@dataclass(frozen=True)
class DocumentFacts:
    """One document file as a build knows it: its facts, or why it cannot be read."""

    path: str  # site path, "/van-ban/2021/135-ubnd-ktth.pdf"
    source: str  # project-relative path of the file
    digest: str  # blake2b of its bytes (hex): its cache entries are named by it
    size: int  # bytes
    suffix: str  # its extension, "pdf"
    format: str = ""  # what it is (a key of FORMATS); "" when not a document bantin reads
    count: int | None = None  # pages, sheets or slides
    title: str = ""
    author: str = ""
    legacy: str = ""
    text_pages: int = 0  # pages with text (OCR included)
    empty: tuple[int, ...] = ()  # pages without a text layer
    ocr: tuple[int, ...] = ()  # pages whose text was read by OCR
    risks: tuple[str, ...] = ()
    truncated: bool = False  # longer than is read: only its first `read` pages are searchable
    read: int = 0  # pages whose text was read
    # why it cannot be read: "" (it can), "encrypted", "damaged", "refused" (over a cap), "unknown" (not a
    # document), "timeout", "memory", "crashed"; `detail` in the reader's words
    problem: str = ""
    detail: str = ""
    actual: str = ""  # what the file really is, when not what its extension says ("html", "zip", "pdf")
    thumbnail: ImageFacts | None = None

    @property
    def mime(self) -> str:
        """The MIME type a download link announces: of what the file is."""
        return FORMATS[self.format][0] if self.format in FORMATS else "application/octet-stream"

    @property
    def unit(self) -> str:
        """What its count counts: "pages", "sheets" or "slides"."""
        return FORMATS[self.format][1] if self.format in FORMATS else "pages"
