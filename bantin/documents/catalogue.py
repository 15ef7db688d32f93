"""The documents a site publishes: which files, what they are, their text, and what to tell the editor.

A document is a file under content/ that an article publishes (`document: file:`) or links from its
body, with a document's extension (PDF, DOCX, XLSX, PPTX, ODT, ODS; .doc, .xls and .ppt are shown but
not read). Its facts are read once, in a child process (isolation.py), and kept in
.bantin-cache/documents.pickle by the file's size and time, then by its digest: a rebuild reads no
document it read before. Its text goes to .bantin-cache/documents/, named by the file's digest and
the reading settings, for the search index to take when it needs it; a PDF's first page goes there
as a PNG, which the photo pipeline turns into the card's thumbnail. With [documents] ocr, the pages
of a scan are read by Tesseract, page by page, each kept by itself.
"""

from __future__ import annotations

import dataclasses
import functools
import gzip
import hashlib
import importlib.metadata
import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bantin.documents import isolation, reader
from bantin.documents.model import FORMATS, SUFFIXES, DocumentFacts, Reading
from bantin.documents.pdf import OcrJob, ocr_page
from bantin.language.errors import ContentError
from bantin.language.messages import Text
from bantin.photos.model import Picture
from bantin.photos.variants import plan_picture
from bantin.project import cache
from bantin.project.config import Config
from bantin.project.inputs import project_relative

STORE = "documents"  # .bantin-cache/documents.pickle: path -> (size, time, facts)
FOLDER = f"{cache.CACHE_DIR}/documents"  # text, OCR and first pages, named by the file's digest
MAX_CHARS = 5_000_000  # text read of one document, at most
SHOWN_SUFFIXES = SUFFIXES | frozenset(reader.OLD_OFFICE)  # files that get a card

Use = tuple[str, int | None, str]  # (article key, line, field): where an article names a document
Progress = Callable[[int, int], None]


def is_document(path: str) -> bool:
    """Is this site path a document (by its extension)?"""
    return os.path.splitext(path)[1].lower() in SHOWN_SUFFIXES


@dataclass(frozen=True)
class Catalogue:
    """The documents of a build, and what is wrong with them."""

    documents: dict[str, DocumentFacts]  # site path -> facts, for every document an article names
    pictures: dict[str, Picture]  # site path -> its first page as the photo pipeline makes it (PDFs)
    errors: list[ContentError]  # documents that are an article's subject and cannot be read
    warnings: list[ContentError]
    ocr: dict[str, tuple[int, ...]]  # site path -> pages whose text OCR read (cached)
    reading: str  # names the text files: the reader's code and settings


@functools.cache
def reader_digest() -> str:
    """Digest of what decides a reading: the readers' code and PDFium's version, not all of bantin
    (a new bantin that leaves them alone reads no document again)."""
    digest = hashlib.sha256(importlib.metadata.version("pypdfium2").encode())
    for name in ("reader", "pdf", "office", "legacy", "model"):
        digest.update(b"\0" + (Path(__file__).parent / f"{name}.py").read_bytes())
    return digest.hexdigest()[:16]


def catalogue(uses: dict[str, list[Use]], static: dict[str, Path], config: Config, jobs: int,
              progress: Progress | None = None) -> Catalogue:
    """Facts of every document the articles name (`uses`: site path -> where), read where not cached;
    the errors and warnings they call for. Paths no file answers are the link check's to report."""
    settings = config.documents
    reading = cache.fingerprint(reader_digest(), settings.max_pages, MAX_CHARS, max(settings.thumbnail_widths))[:16]
    files = {path: static[path[1:]] for path in uses if path[1:] in static}
    facts = _facts(files, config, reading, jobs, progress)
    ocr, ocr_warnings = _ocr(facts, files, config, jobs) if settings.ocr else ({}, [])
    errors, warnings = _said(facts, uses, ocr, config)
    pictures = {path: _thumbnail(found, config, reading) for path, found in facts.items()
                if found.thumbnail is not None}
    return Catalogue(facts, pictures, errors, ocr_warnings + warnings, ocr, reading)


# --- facts, read once -------------------------------------------------------------------------
def _facts(files: dict[str, Path], config: Config, reading: str, jobs: int,
           progress: Progress | None) -> dict[str, DocumentFacts]:
    stored: dict[str, tuple[int, int, DocumentFacts]] = cache.load(config.root, STORE, reading) or {}
    by_digest = {facts.digest: facts for _, _, facts in stored.values()}
    kept: dict[str, tuple[int, int, DocumentFacts]] = {}
    todo: dict[str, tuple[Path, str, int, int]] = {}  # path -> (file, digest, size, time)
    for path, source in sorted(files.items()):
        stat = source.stat()
        hit = stored.get(path)
        if hit is not None and hit[:2] == (stat.st_size, stat.st_mtime_ns) and _kept_whole(hit[2], config.root,
                                                                                          reading):
            kept[path] = hit
            continue
        digest = _file_digest(source)
        known = by_digest.get(digest)
        if (known is not None and known.suffix == source.suffix.lower().lstrip(".")  # a copy, or a fresh checkout
                and _kept_whole(known, config.root, reading)):
            kept[path] = (stat.st_size, stat.st_mtime_ns, dataclasses.replace(
                known, path=path, source=project_relative(source, config.root)))
        else:
            todo[path] = (source, digest, stat.st_size, stat.st_mtime_ns)
    if todo:
        _read(todo, kept, config, reading, jobs, progress)
    if kept != stored:
        cache.save(config.root, STORE, reading, kept)
    return {path: kept[path][2] for path in sorted(kept)}


def _kept_whole(facts: DocumentFacts, root: Path, reading: str) -> bool:
    """Whether the cache still holds what a document's facts say was read: its text, its first page
    (removed, or found damaged by text_of: the document is read again)."""
    folder = root / FOLDER
    return ((not facts.text_pages or (folder / "text" / f"{facts.digest}-{reading}.json.gz").is_file())
            and (facts.thumbnail is None or (folder / "pages" / f"{facts.digest}-{reading}.jpg").is_file()))


def _file_digest(path: Path) -> str:
    digest = hashlib.blake2b(digest_size=16)
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read(todo: dict[str, tuple[Path, str, int, int]], kept: dict[str, tuple[int, int, DocumentFacts]],
          config: Config, reading: str, jobs: int, progress: Progress | None) -> None:
    """Read each file in a child process of its own; keep its facts, and store its text."""
    settings = config.documents
    folder = config.root / FOLDER
    done = 0

    def finished(path: Any, outcome: isolation.Outcome) -> None:
        nonlocal done
        source, digest, size, time = todo[path]
        base = DocumentFacts(path, project_relative(source, config.root), digest, size,
                             source.suffix.lower().lstrip("."))
        kept[path] = (size, time, _outcome_facts(base, outcome, folder, reading))
        done += 1
        if progress is not None:
            progress(done, len(todo))

    import pypdfium2  # noqa: F401  # loaded once here: each forked child inherits it instead of loading it again

    jobs_ = [(path, reader.Job(source, settings.max_pages, MAX_CHARS, folder / "pages" / f"{digest}-{reading}.jpg",
                               max(settings.thumbnail_widths)))
             for path, (source, digest, _, _) in todo.items()]
    isolation.run_isolated(jobs_, reader.read, parallel=jobs, seconds=settings.timeout,
                           memory_mb=settings.memory_mb, done=finished)


def _outcome_facts(base: DocumentFacts, outcome: isolation.Outcome, folder: Path, reading: str) -> DocumentFacts:
    """The facts a child's outcome gives: what it read (its text stored), or why it could not."""
    result = outcome.result
    if isinstance(result, Reading):
        _store_text(folder / "text" / f"{base.digest}-{reading}.json.gz", result.pages)
        return dataclasses.replace(
            base, format=result.format, count=result.count, title=result.title[:300], author=result.author[:200],
            legacy=result.legacy, text_pages=sum(1 for page in result.pages if page.strip()), empty=result.empty,
            risks=result.risks, truncated=result.truncated, read=len(result.pages), thumbnail=result.thumbnail)
    if isinstance(result, reader.NotRead):
        if result.reason == "old":  # shown with its size, not read
            return base
        return dataclasses.replace(base, format=result.actual if result.actual in FORMATS else "",
                                   problem=result.reason, detail=result.detail[:300], actual=result.actual)
    return dataclasses.replace(base, problem=outcome.problem or "crashed", detail=outcome.detail[:300])


def _problem(found: DocumentFacts, config: Config) -> tuple[Text, Text]:
    """Why a document cannot be read, and what to do, in words."""
    settings = config.documents
    again = Text("export it again from the program that made it, and replace the file")
    if found.problem == "encrypted":
        return (Text("it is protected by a password: bantin cannot read it, and readers need the password to open it"),
                Text("publish a copy without a password"))
    if found.problem == "damaged":
        return Text("it is damaged or incomplete ({detail})", detail=found.detail or "?"), again
    if found.problem == "refused":
        return Text("it was not read: {detail}", detail=found.detail), again
    if found.problem == "unknown":
        what = {"html": Text("a web page"), "zip": Text("a zip archive")}.get(found.actual, Text("something else"))
        return (Text("it is not a {format} file but {what}", format=found.suffix.upper(), what=what),
                Text("replace it with the real file: a web page saved under a document's name is a common mistake"))
    if found.problem == "timeout":
        return (Text("reading it took longer than {seconds} s", seconds=settings.timeout),
                Text("{setting} allows more time; a file this slow to read is often damaged",
                     setting="[documents] timeout"))
    if found.problem == "memory":
        return (Text("reading it needs more than {megabytes} MB of memory", megabytes=settings.memory_mb),
                Text("{setting} allows more; a file that needs this much is often damaged",
                     setting="[documents] memory_mb"))
    return Text("bantin could not read it ({detail})", detail=found.detail or found.problem), again


def _store_text(path: Path, pages: tuple[str, ...]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(gzip.compress(json.dumps(pages, ensure_ascii=False).encode(), compresslevel=5, mtime=0))
    temporary.replace(path)


class TextDamaged(Exception):
    """A document's text in the cache cannot be read back (gzip's CRC-32 and length check every byte):
    it is removed, and the document read again (read_again)."""

    def __init__(self, facts: DocumentFacts, path: Path) -> None:
        super().__init__(str(path))
        self.facts, self.path = facts, path


def text_of(facts: DocumentFacts, root: Path, reading: str, ocr: tuple[int, ...] = (),
            ocr_key: str = "") -> tuple[str, ...]:
    """A document's text page by page, as read (and OCR's where the page had none); () if none;
    TextDamaged when the cache's copy of it is damaged."""
    path = root / FOLDER / "text" / f"{facts.digest}-{reading}.json.gz"
    try:
        data = path.read_bytes()
    except OSError:
        return ()
    try:
        pages = json.loads(gzip.decompress(data))
        if not isinstance(pages, list) or not all(isinstance(page, str) for page in pages):
            raise ValueError("not a list of pages")
    except (OSError, ValueError, EOFError):
        raise TextDamaged(facts, path) from None
    for page in ocr:
        try:
            pages[page - 1] = _ocr_file(root, facts.digest, page, ocr_key).read_text(encoding="utf-8")
        except (OSError, IndexError):
            continue
    return tuple(pages)


# --- OCR: the pages of a scan, each by itself --------------------------------------------------
@functools.cache
def tesseract(language: str) -> str | None:
    """Tesseract's version when it is installed with the data of `language` ("vie"), else None."""
    if shutil.which("tesseract") is None:
        return None
    try:
        listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30).stdout
        version = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    installed = set(listed.split())
    if not all(part in installed for part in language.split("+")):
        return None
    return (version.splitlines() or ["tesseract"])[0].strip()


def read_again(facts: DocumentFacts, config: Config, reading: str) -> None:
    """Read one document again, for its text and first page in the cache (its copy there was damaged)."""
    source = config.root / facts.source
    stat = source.stat()
    _read({facts.path: (source, facts.digest, stat.st_size, stat.st_mtime_ns)}, {}, config, reading, 1, None)


def leftovers(root: Path) -> list[Path]:
    """Temporary files of texts and first pages being written when their build was killed."""
    folder = root / FOLDER
    return sorted(path for sub in ("text", "pages", "ocr") if (folder / sub).is_dir()
                  for path in (folder / sub).iterdir() if path.name.endswith(".tmp"))


def entries(root: Path) -> list[Path]:
    """Every text, first page and OCR the cache holds (a failed build removes those it added)."""
    folder = root / FOLDER
    return [path for sub in ("text", "pages", "ocr") if (folder / sub).is_dir() for path in (folder / sub).iterdir()]


def _ocr_file(root: Path, digest: str, page: int, key: str) -> Path:
    return root / FOLDER / "ocr" / f"{digest}-{page}-{key}.txt"


def _ocr(facts: dict[str, DocumentFacts], files: dict[str, Path], config: Config,
         jobs: int) -> tuple[dict[str, tuple[int, ...]], list[ContentError]]:
    """Read the pages without text of each PDF with Tesseract, where not done before."""
    language = config.documents.ocr_language
    key = ocr_key(config)
    if not key:
        return {}, [ContentError("site.toml", None, "documents.ocr", Text(
            "ocr = true, but Tesseract with its {language} data is not installed: scanned documents are not read",
            language=language), hint=Text("install it (Debian, Ubuntu: {command}), or set ocr = false",
                                           command="apt-get install tesseract-ocr tesseract-ocr-vie"))]
    scans = {path: found for path, found in facts.items()
             if found.format == "pdf" and found.empty and not found.problem}
    todo = [((path, page), OcrJob(files[path], page, language)) for path, found in scans.items()
            for page in found.empty if not _ocr_file(config.root, found.digest, page, key).is_file()]

    def finished(name: Any, outcome: isolation.Outcome) -> None:
        path, page = name
        if isinstance(outcome.result, str):
            target = _ocr_file(config.root, facts[path].digest, page, key)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(outcome.result, encoding="utf-8")

    isolation.run_isolated(todo, ocr_page, parallel=jobs, seconds=config.documents.timeout,
                           memory_mb=config.documents.memory_mb, done=finished)
    read = {path: tuple(page for page in found.empty if _ocr_file(config.root, found.digest, page, key).is_file())
            for path, found in scans.items()}
    return {path: pages for path, pages in read.items() if pages}, []


def ocr_key(config: Config) -> str:
    """Names the OCR files of this build's Tesseract and language ("" when it is not installed)."""
    language = config.documents.ocr_language
    version = tesseract(language) if config.documents.ocr else None
    return f"{language}-{hashlib.blake2b(version.encode(), digest_size=4).hexdigest()}" if version else ""


# --- what to say ---------------------------------------------------------------------------------
def _said(facts: dict[str, DocumentFacts], uses: dict[str, list[Use]], ocr: dict[str, tuple[int, ...]],
          config: Config) -> tuple[list[ContentError], list[ContentError]]:
    """An error for each article whose subject cannot be read (or holds script); a warning for each
    other document that cannot be read, holds script, has no text, or is longer than is read."""
    errors, warnings = [], []
    shown = {suffix[1:] for suffix in SHOWN_SUFFIXES}
    for path, found in facts.items():
        problems = [_problem(found, config)] if found.problem else []
        for risk in found.risks:
            problems.append((Text("the PDF holds JavaScript, which some PDF readers run when it is opened")
                             if risk == "javascript" else Text("the PDF holds other files, which readers may open"),
                             Text("print it to a new PDF (or export it as PDF/A), which leaves them out")))
        subject = [(key, line) for key, line, field in uses.get(path, []) if field == "document"]
        for problem, hint in problems:
            errors.extend(ContentError(key, line, "document", Text("the document {path}: {problem}", path=path,
                                                                    problem=problem), hint) for key, line in subject)
            if not subject:
                warnings.append(ContentError(found.source, None, None, problem, hint))
        if found.format and found.format != found.suffix and found.suffix in shown:
            warnings.append(ContentError(found.source, None, None, Text(
                "the file is a {actual} named .{suffix}: readers' phones open it with the wrong program",
                actual=found.format.upper(), suffix=found.suffix),
                hint=Text("rename it to .{actual} and correct the links", actual=found.format)))
        if found.problem:
            continue
        if not found.format:
            warnings.append(ContentError(found.source, None, None, Text(
                "an old {format} file: its text cannot be read, so search finds it only by its title and description",
                format=found.suffix.upper()), hint=Text("save it as {suggestion} or PDF, and link that instead",
                                                        suggestion=found.suffix.upper() + "X")))
        elif found.text_pages == 0 and found.count and not ocr.get(path):
            warnings.append(ContentError(found.source, None, None, Text(
                "no text layer (a scan): it can be found only by its title and description"),
                hint=None if config.documents.ocr else Text(
                    "with Tesseract installed, {setting} in site.toml reads scans", setting="[documents] ocr = true")))
        elif found.truncated:
            warnings.append(ContentError(found.source, None, None, Text(
                "{count} pages: search reads its first {read}", count=found.count, read=found.read),
                hint=Text("{setting} reads more", setting="[documents] max_pages")))
    return errors, warnings


# --- thumbnails ----------------------------------------------------------------------------------
def _thumbnail(found: DocumentFacts, config: Config, reading: str) -> Picture:
    """A PDF's first page as the photo pipeline makes it: the [documents] widths in [images] formats."""
    assert found.thumbnail is not None
    settings = dataclasses.replace(config.images, widths=config.documents.thumbnail_widths)
    source = f"{FOLDER}/pages/{found.digest}-{reading}.jpg"
    picture = plan_picture(found.path, source, found.thumbnail, settings)
    return dataclasses.replace(picture, thumbs=(), share=None)


def prune(catalogue: Catalogue, root: Path) -> None:
    """Forget what no document of this build needs: text, first pages and OCR of files gone or changed."""
    folder = root / FOLDER
    digests = {facts.digest for facts in catalogue.documents.values()}
    for sub in ("text", "pages", "ocr"):
        for entry in (folder / sub).glob("*") if (folder / sub).is_dir() else ():
            digest = entry.name.split("-", 1)[0]
            stale = digest not in digests or (sub != "ocr" and catalogue.reading not in entry.name)
            if stale and not entry.name.startswith("."):
                entry.unlink(missing_ok=True)


def uses_of(articles: Iterable[Any]) -> dict[str, list[Use]]:
    """Where each document is named: an article's `document: file:` (field "document") and its body's links."""
    found: dict[str, list[Use]] = {}
    for article in articles:
        for path, line, field in article.links:
            if is_document(path):
                found.setdefault(path, []).append((article.key, line, field))
    return found
