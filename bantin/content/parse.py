"""Reading articles: discover Markdown files, split front-matter, validate every field."""

from __future__ import annotations

import dataclasses
import difflib
import os
import posixpath
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlparse, urlsplit

import yaml

from bantin.content.authoring import PLACEHOLDER_PARAGRAPHS
from bantin.content.bodies import body_digest
from bantin.content.model import Article, OfficialDocument, Source
from bantin.documents import numbers
from bantin.documents.catalogue import is_document
from bantin.language.dates import EXAMPLE_WITH_TIME, DateInvalid, date_hint, parse_date
from bantin.language.errors import ContentError, line_of_key
from bantin.language.messages import Text
from bantin.language.provinces import ProvinceList
from bantin.language.syntax import cut_by_comment, duplicated_keys, listed, uneven_items, yaml_error
from bantin.markup.charts import ChartInvalid, ChartSpec
from bantin.markup.markdown import MarkdownRenderer, first_paragraph_text
from bantin.photos.variants import body_images, is_photo, site_path
from bantin.project.config import Config, Paths, slug_of, topic_hint
from bantin.project.inputs import input_files, project_relative

KNOWN_FIELDS = (
    "title", "date", "province", "topic", "tags", "summary", "author", "source",
    "image", "image_alt", "slug", "draft", "aliases", "updated", "document",
)
DOCUMENT_FIELDS = ("number", "kind", "issuer", "issued", "signer", "file", "summary", "status", "replaced_by")
DOCUMENT_EXAMPLE = "135/UBND-KTTH, 42-CT/TW, 30/2020/NĐ-CP"
REQUIRED_FIELDS = ("title", "date", "province", "topic")
_HTTP_URL_RE = re.compile(r"^https?://[^\s/?#]+(?:[/?#]\S*)?$", re.IGNORECASE)
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")  # control characters (a space is fine)
# a path on the editor's own computer: C:\Users\..., \\server\share, file:///...
_COMPUTER_PATH_RE = re.compile(r"^(?:[A-Za-z]:[\\/\x00-\x1f]|\\\\|file:)", re.IGNORECASE)  # \x07: "D:\anh" quoted
_SCHEME_RE = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_YEAR_FOLDER_RE = re.compile(r"/((?:19|20)\d{2})/")
# Fields of words, where ' #' is the editor's text, never a comment they meant.
_WORDS_FIELDS = frozenset({"title", "summary", "author", "source", "image_alt", "province", "topic"})


def _quoted(written: str) -> str:
    """A value as written, made fit to stand between double quotes."""
    return written.replace("\\", "\\\\").replace('"', '\\"')


EXAMPLE_YEAR = 2025  # for hints about a file whose year is unknown


class _Loader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]
    """Safe YAML without implicit timestamps: every date arrives as text and we parse it,
    so '2025-13-01' is a clear content error instead of a crash inside PyYAML."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class References:
    """What an article that failed to parse refers to: its photos and links are checked all the same."""

    key: str
    images: tuple[tuple[str, int, str], ...]  # (site path, line, field), as Article.images
    links: tuple[tuple[str, int, str], ...]  # (site path, line, field), as Article.links
    stem: str  # the file's name without .md: the likely last part of its URL, which links may name


class ArticleInvalid(Exception):
    """Raised by parse_article with every problem found in one file, and what its body refers to."""

    def __init__(self, errors: list[ContentError], references: References | None = None) -> None:
        self.errors = errors
        self.references = references
        super().__init__("\n".join(map(str, errors)))


@dataclass(frozen=True)
class Discovery:
    """What lies under content/: articles to parse, other files to copy, and misplaced files."""

    sources: list[Path]
    static: list[Path]  # non-Markdown files, copied as they are
    errors: list[ContentError]


def discover(config: Config) -> Discovery:
    """List Markdown files under content/<section>/ and static files, in a stable order."""
    root = config.content_dir
    sources: list[Path] = []
    static: list[Path] = []
    if not os.path.lexists(root):
        return Discovery([], [], [ContentError("content", None, None, Text("no content/ folder"))])
    found = input_files(root, config.root)
    errors: list[ContentError] = list(found.errors)
    prefix = f"{root}{os.sep}"
    for path in found.files:
        parts = str(path).removeprefix(prefix).split(os.sep)  # found under root: as relative_to, faster
        if not path.name.lower().endswith(".md"):
            static.append(path)
        elif len(parts) < 2 or parts[0] not in config.sections:
            errors.append(ContentError(
                project_relative(path, config.root), None, None,
                Text("article outside a section folder"),
                hint=Text("move it under content/<section>/, sections: {sections}",
                          sections=", ".join(config.sections)),
            ))
        else:
            sources.append(path)
    return Discovery(sources, static, errors)


def read_source(path: Path, config: Config) -> Source:
    """Read one file found by `discover` (so already checked) as NFC text with LF line endings."""
    rel = project_relative(path, config.root)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ArticleInvalid([ContentError(rel, line, None, Text("the file is not UTF-8 text"),
                                           hint=Text("save it as UTF-8"))]) from None
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    section = path.relative_to(config.content_dir).parts[0]
    return Source(path, rel, section, text)


def split_front_matter(text: str, rel: str) -> tuple[str, str, int]:
    """(front-matter text, body, line number where the body starts)."""
    if not text.startswith("---\n") and text.rstrip("\n") != "---":
        raise ArticleInvalid([ContentError(
            rel, 1, None, Text("the article has no header (front matter)"),
            hint=Text("start the file with a line '---', the fields (title: ..., date: ...), and '---'"),
        )])
    lines = text.split("\n")
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1:]), index + 2
    raise ArticleInvalid([ContentError(rel, 1, None, Text("the article's header (front matter) is never closed"),
                                       hint=Text("did you forget the closing '---' line?"))])


def markdown_renderer(config: Config) -> MarkdownRenderer:
    """The Markdown converter for this site: its base path and its raw HTML policy."""
    return MarkdownRenderer(config.base_path, config.markdown.raw_html, config.markdown.iframe_hosts,
                            config.strings["footnote_back"])


def parse_article(source: Source, config: Config, provinces: ProvinceList,
                  markdown: MarkdownRenderer) -> Article:
    """Validate one source and render its body; raise ArticleInvalid with every problem.

    Whatever is wrong with the header, the body is checked too (the sample text of `new`,
    photos on the editor's computer) and what it refers to goes with the errors, so that
    photos and links are checked in the same run.
    """
    errors: list[ContentError] = []
    try:
        front, body, body_line = split_front_matter(source.text, source.rel)
    except ArticleInvalid as invalid:  # no header at all: the whole file is the body
        errors += invalid.errors
        front, body, body_line = "", (source.text if not source.text.startswith("---") else ""), 1
    # Without a header, its fields are not checked: "missing title" and the like would only repeat the error.
    data: Any = {} if not errors else None
    uneven = uneven_items(front, first_line=2)
    for field, line, first, column in uneven:
        errors.append(ContentError(source.rel, line, field,
                                   Text("the items of a list must start at the same column as its first item"),
                                   hint=Text.counted("start line {line} with {count} space before '-', as line {first}",
                                                "start line {line} with {count} spaces before '-', as line {first}",
                                                column, line=line, first=first)))
    if front.strip():
        try:
            data = yaml.load(front, Loader=_Loader)
        except yaml.YAMLError as exc:
            explained = yaml_error(front, exc, first_line=2)
            if not uneven:  # else the uneven items are the cause, said above
                errors.append(ContentError(source.rel, explained.line, explained.field, explained.message,
                                           explained.hint))
            data = None
        if uneven:
            data = None  # what YAML read is not what the editor wrote
    if data is not None and not isinstance(data, dict):
        errors.append(ContentError(source.rel, 2, None, Text("the article's header must be 'field: value' lines"),
                                   hint=Text("for example {example}", example='title: "Hội thảo chuyển đổi số"')))
        data = None
    for field, line, written in cut_by_comment(front, first_line=2, fields=_WORDS_FIELDS):
        errors.append(ContentError(source.rel, line, field,
                                   Text("{field} stops before ' #': without quotes, YAML reads the rest of the line "
                                        "as a comment", field=field),
                                   hint=Text("put the value in quotes: {example}",
                                             example=f'{field}: "{_quoted(written)}"')))
    for field, first, second in duplicated_keys(front, first_line=2):
        errors.append(ContentError(source.rel, second, field,
                                   Text("{field} is written twice (lines {first} and {second}): only the second counts",
                                        field=field, first=first, second=second),
                                   hint=Text("keep one of the two lines")))
    body_html, targets, found_charts = markdown.render_article(body)
    fields = _Fields(source, front, data or {})
    article = fields.article(config, provinces, body_html) if data is not None else None
    errors += fields.errors
    year = article.year if article is not None else fields.year_hint()
    errors += _body_errors(source.rel, body, body_line, targets, year, config.paths)
    charts = tuple(chart for chart in found_charts if isinstance(chart, ChartSpec))
    errors += [ContentError(source.rel, body_line + chart.line if chart.line is not None else None, "body",
                            chart.message, chart.hint) for chart in found_charts if isinstance(chart, ChartInvalid)]
    page_url = article.url if article is not None else None
    images = fields.cover(page_url) + _body_images(body_html, targets, body, body_line, config.base_path, page_url)
    links = fields.document_link() + tuple((path, _line_of(raw, body, body_line), "body")
                                           for raw, path in _links(targets, page_url)) \
        + tuple((chart.data, body_line + chart.line, "body") for chart in charts)
    if errors or article is None:
        raise ArticleInvalid(errors, References(source.rel, images, links, source.path.stem))
    return dataclasses.replace(article, images=images, links=links, citations=tuple(numbers.cited(body_html)),
                               charts=charts)


def _body_images(body_html: str, targets: list[tuple[str, str]], body: str, body_line: int, base_path: str,
                 page_url: str | None) -> tuple[tuple[str, int, str], ...]:
    """(site path, line, "body") of every image of this site the body shows; without the article's
    URL (an invalid article), those written from the site's root."""
    if page_url is not None:
        paths = body_images(body_html, base_path, page_url)
    else:
        paths = list(dict.fromkeys(path for tag, value in targets if tag == "img" and value.startswith("/")
                                   and (path := site_path(value, "/", "/"))))
    return tuple((path, _line_of(path, body, body_line), "body") for path in paths)


def _links(targets: list[tuple[str, str]], page_url: str | None) -> list[tuple[str, str]]:
    """(as written, site path) of every link of the body to a page or file of this site."""
    found = []
    for tag, value in targets:
        if tag != "a":
            continue
        target = value.strip()
        if (not target or target.startswith(("#", "?", "//")) or _SCHEME_RE.match(target)
                or _COMPUTER_PATH_RE.match(target)):
            continue  # elsewhere, this page, or a path on a computer (said by _body_errors)
        path = unquote(urlsplit(target).path)
        if not path.startswith("/"):
            if page_url is None:
                continue  # relative to a URL this article has not got
            path = posixpath.join(page_url, path)
        normal = posixpath.normpath(path) + ("/" if path.endswith("/") and path != "/" else "")
        found.append((value, normal.replace("//", "/")))
    return list(dict.fromkeys(found))


def _body_errors(rel: str, body: str, body_line: int, targets: list[tuple[str, str]],
                 year: int, paths: Paths) -> list[ContentError]:
    """What is wrong in the body itself: the sample text of `new`, photos and files on the editor's computer."""
    errors = []
    lines = body.split("\n")
    sample = next((index for index, line in enumerate(lines) if line.strip() in PLACEHOLDER_PARAGRAPHS), None)
    if sample is not None:  # said once, at its first line
        errors.append(ContentError(
            rel, body_line + sample, "body",
            Text("the article still holds the sample text that {command} writes: {text!r}",
                 command="bantin new", text=lines[sample].strip()),
            hint=Text("replace it with the article's own text")))
    for tag, value in dict.fromkeys(targets):
        if _COMPUTER_PATH_RE.match(value.strip()):
            errors.append(computer_path_error(rel, _line_of(value, body, body_line), "body", value,
                                              tag == "img", year, paths))
    return errors


def computer_path_error(rel: str, line: int | None, field: str, value: str, image: bool, year: int,
                        paths: Paths) -> ContentError:
    """A photo or a link that names a file on the editor's own computer, which no reader can open; the hint
    names the site's folders for photos and documents ([paths] photos, documents)."""
    name = re.split(r"[\\/]", value.strip())[-1] or "ten-tep"
    if image or is_photo("/" + name):
        return ContentError(rel, line, field,
                            Text("the photo {path} is a file on your computer: readers cannot see it", path=value),
                            hint=Text("write the photo's path in the site, for example {path}, and put the file in "
                                      "{folder}", path=f"/{paths.photos}/{year}/{name}",
                                      folder=f"content/{paths.photos}/{year}/"))
    return ContentError(rel, line, field,
                        Text("the link {path} leads to a file on your computer: readers cannot open it", path=value),
                        hint=Text("put the file in {folder} and link to its path in the site: {path}",
                                  folder=f"content/{paths.documents}/{year}/",
                                  path=f"/{paths.documents}/{year}/{name}"))


def field_line(front: str, field: str) -> int | None:
    """The line of a field of the header (its first line is the file's line 2); "document.kind" is the
    line of "kind:" after "document:", or of "document:" when its fields are written on one line."""
    parent, _, child = field.partition(".")
    start = line_of_key(front, parent, first_line=2)
    if not child or start is None:
        return start
    below = "\n".join(front.split("\n")[start - 2:])
    return line_of_key(below, child, first_line=start) or start


class _Fields:
    """Reads front-matter fields one by one, collecting errors with their line numbers."""

    def __init__(self, source: Source, front: str, data: dict[Any, Any]) -> None:
        self.source = source
        self.front = front
        self.data = {str(k): v for k, v in data.items()}
        self.errors: list[ContentError] = []
        self.moment: datetime | None = None  # the date, once read
        self.image_value = ""  # the cover, once read
        self.document_file = ""  # the file `document:` publishes, once read

    def error(self, field: str, message: str, hint: str | None = None) -> None:
        self.errors.append(ContentError(self.source.rel, field_line(self.front, field), field, message, hint))

    def text(self, field: str, required: bool = False) -> str:
        value = self.data.get(field)
        if value is None:
            if required:
                self._absent(field)
            return ""
        if isinstance(value, bool | dict | list):
            kind = Text("a list") if isinstance(value, list) else Text("true or false") if isinstance(value, bool) \
                else Text("a table of fields")
            self.error(field, Text("expected text, got {kind}", kind=kind),
                       Text("put the text in double quotes: {example}", example=f'{field}: "..."'))
            return ""
        text = unicodedata.normalize("NFC", str(value)).strip()
        if required and not text:
            self.error(field, Text("must not be empty"))
        return text

    def _absent(self, field: str) -> None:
        """A required field without a value: not written (`title` missing), or written with nothing after it."""
        if field in self.data:  # `title:` and nothing more: YAML reads it as no value
            self.error(field, Text("must not be empty"))
        else:
            self.error(field, Text("missing required field"), self._missing_hint(field))

    def _missing_hint(self, field: str) -> Text:
        close = difflib.get_close_matches(field, [k for k in self.data if k not in KNOWN_FIELDS], n=1)
        if close:
            return Text("found '{found}': did you mean '{field}'?", found=close[0], field=field)
        example = f"{field}: {EXAMPLE_WITH_TIME}" if field == "date" else f"{field}: ..."
        return Text("add a line '{line}' to the article's header", line=example)

    def article(self, config: Config, provinces: ProvinceList, body_html: str) -> Article | None:
        """The article, its photos and links still to be added; None when a field is wrong."""
        title = self.text("title", required=True)
        self.moment = moment = self.date(config.tz)
        updated = self.date(config.tz, "updated", required=False)
        if moment is not None and updated is not None and updated < moment:
            self.error("updated", Text("the article is updated before it was published"),
                       Text("updated: is the date of the last correction, after date:"))
        province = self.province(provinces, moment)
        topic = self.topic(config)
        tags = self.string_list("tags")
        aliases = tuple(self.alias(a) for a in self.string_list("aliases"))
        slug = self.slug()
        source_name, source_url = self.source_field()
        self.image_value = image = self.image(moment.year if moment else self.year_hint(), config.paths)
        document = self.document(config, moment)
        draft = self.data.get("draft", False)
        if not isinstance(draft, bool):
            self.error("draft", Text("expected true or false, got {value!r}", value=draft))
            draft = False
        if self.errors or moment is None:
            return None
        lead = self.text("summary")
        return Article(
            key=self.source.rel,
            section=self.source.section,
            slug=slug,
            url=f"/{self.source.section}/{moment.year}/{slug}/",
            title=title,
            date=moment,
            province=province,
            topic=topic,
            tags=tags,
            summary=lead or first_paragraph_text(body_html),
            lead=lead,
            body_html=body_html,
            body_digest=body_digest(body_html),
            author=self.text("author"),
            source_name=source_name,
            source_url=source_url,
            image=image,
            image_alt=self.text("image_alt") or title,
            draft=draft,
            updated=updated,
            aliases=tuple(a for a in aliases if a),
            document=document,
            lines={field: line for field in ("title", "date", "province")
                   if (line := line_of_key(self.front, field, first_line=2)) is not None},
            extra={k: v for k, v in self.data.items() if k not in KNOWN_FIELDS},
        )

    def cover(self, page_url: str | None) -> tuple[tuple[str, int, str], ...]:
        """(site path, line, "image") of the cover, when it is a photo of this site."""
        image = self.image_value
        if not image.startswith("/"):
            return ()
        path = site_path(image, "/", page_url or "/")
        return ((path, line_of_key(self.front, "image", first_line=2) or 1, "image"),) if path else ()

    def document_link(self) -> tuple[tuple[str, int, str], ...]:
        """(site path, line, "document") of the file `document:` publishes: checked like a body's links."""
        if not self.document_file:
            return ()
        return ((self.document_file, field_line(self.front, "document.file") or 1, "document"),)

    def document(self, config: Config, moment: datetime | None) -> OfficialDocument | None:
        """The official document the article publishes, every key checked (errors named document.<key>)."""
        value = self.data.get("document")
        if value is None:
            return None
        example = "document: {number: 135/UBND-KTTH, kind: Công văn, issued: 14/01/2021, file: /van-ban/...}"
        if not isinstance(value, dict):
            self.error("document", Text("expected the document's fields under document:, one per line"),
                       Text("for example {example}", example=example))
            return None
        data = {str(k): v for k, v in value.items()}
        for unknown in sorted(set(data) - set(DOCUMENT_FIELDS)):
            close = difflib.get_close_matches(unknown, DOCUMENT_FIELDS, n=1)
            self.error(f"document.{unknown}", Text("unknown field of document:"),
                       Text("did you mean '{field}'?", field=close[0]) if close else
                       Text("a document has {fields}", fields=", ".join(DOCUMENT_FIELDS)))

        def text(name: str) -> str:
            item = data.get(name)
            if item is None:
                return ""
            if isinstance(item, bool | dict | list):
                self.error(f"document.{name}", Text("expected text, got {value!r}", value=item),
                           Text("put the text in double quotes: {example}", example=f'{name}: "..."'))
                return ""
            return unicodedata.normalize("NFC", str(item)).strip()

        number = self.document_number(text("number"), "number")
        replaced_by = self.document_number(text("replaced_by"), "replaced_by")
        kind = self.document_kind(text("kind"), config, number)
        issued = moment
        if data.get("issued") is not None:
            try:
                issued = parse_date(data["issued"], config.tz)
            except DateInvalid as invalid:
                self.error("document.issued", invalid.problem, date_hint(invalid, "issued"))
                issued = None
            if issued is not None and moment is not None and issued > moment:
                self.error("document.issued", Text("issued {issued}, after the article that publishes it ({date})",
                                                   issued=f"{issued:%d/%m/%Y}", date=f"{moment:%d/%m/%Y}"),
                           Text("write the day the document was signed, as printed on it (ngày ban hành)"))
            year = numbers.year_of(number) if number else None
            if issued is not None and year is not None and year != issued.year:
                self.error("document.issued", Text("the number {number} says {year}, but issued says {issued}",
                                                   number=number, year=year, issued=f"{issued:%d/%m/%Y}"),
                           Text("a legal document's number carries the year it was issued: correct one of the two"))
        file = self.document_path(text("file"), moment.year if moment else self.year_hint())
        if not kind or not file or issued is None:
            return None
        return OfficialDocument(kind, file, issued, number, text("issuer"), text("signer"), text("summary"),
                                text("status"), replaced_by)

    def document_number(self, value: str, name: str) -> str:
        """A số và ký hiệu as it is shown, or "" (said as an error when it cannot be one)."""
        if not value:
            return ""
        if not numbers.is_number(value):
            self.error(f"document.{name}", Text("{value!r} is not a document number (số và ký hiệu)", value=value),
                       Text("write it as printed on the document, such as {examples}", examples=DOCUMENT_EXAMPLE))
            return ""
        return numbers.canonical(value)

    def document_kind(self, value: str, config: Config, number: str) -> str:
        """The kind as site.toml spells it; an error when it is none of [documents] kinds, or the number's
        symbol names another ("123/QĐ-LHHVN" is a Quyết định)."""
        kinds = config.documents.kinds
        if not value:
            self.error("document.kind", Text("missing required field"),
                       Text("write the kind of document, one of {kinds}", kinds=", ".join(kinds)))
            return ""
        found = next((kind for kind in kinds if slug_of(kind) == slug_of(value)), None)
        if found is None:
            close = difflib.get_close_matches(value, kinds, n=2, cutoff=0.5)
            self.error("document.kind", Text("unknown kind of document {value!r}", value=value),
                       Text("did you mean {names}?", names=" / ".join(close)) if close else
                       Text("the kinds in site.toml ([documents] kinds): {kinds}", kinds=", ".join(kinds)))
            return ""
        named = numbers.kind_of(number) if number else None
        if named and named in kinds and slug_of(named) != slug_of(found):
            self.error("document.kind", Text("the number {number} is of a {named}, not a {kind}", number=number,
                                             named=named, kind=found),
                       Text("write kind: {named}, or correct the number", named=named))
        return found

    def document_path(self, value: str, year: int) -> str:
        """The published file: a site path of a document under content/."""
        if not value:
            self.error("document.file", Text("missing required field"),
                       Text("write the path of the file in the site, such as {path}", path=f"/van-ban/{year}/..."))
            return ""
        if _COMPUTER_PATH_RE.match(value):
            self.errors.append(computer_path_error(self.source.rel, field_line(self.front, "document.file"),
                                                   "document.file", value, False, year))
            return ""
        path = site_path(value, "/", "/") if value.startswith("/") and not value.startswith("//") else None
        if path is None or "\\" in value or _CONTROL_RE.search(value):
            self.error("document.file", Text("{value!r} is not a path in the site", value=value),
                       Text("write the path of the file under content/, from its first /: {path}",
                            path=f"/van-ban/{year}/ten-van-ban.pdf"))
            return ""
        if not is_document(path):
            self.error("document.file", Text("{value!r} is not a document (PDF, DOCX, XLSX, PPTX, ODT, ODS)",
                                             value=value),
                       Text("save the document as PDF and give its path"))
            return ""
        self.document_file = path
        return path

    def year_hint(self) -> int:
        """The article's year for examples in hints: its date's, else its folder's (content/tin-tuc/2025/...)."""
        if self.moment is not None:
            return self.moment.year
        match = _YEAR_FOLDER_RE.search(self.source.rel)
        return int(match.group(1)) if match else EXAMPLE_YEAR

    def date(self, tz: tzinfo, field: str = "date", required: bool = True) -> datetime | None:
        value = self.data.get(field)
        if value is None:
            if required:
                self._absent(field)
            return None
        try:
            return parse_date(value, tz)
        except DateInvalid as invalid:
            self.error(field, invalid.problem, date_hint(invalid, field))
            return None

    def province(self, provinces: ProvinceList, moment: datetime | None) -> str:
        name = self.text("province", required=True)
        if not name:
            return ""
        match = provinces.match(name)
        if match is None:
            message, hint = provinces.unknown(name, moment.date() if moment else None)
            self.error("province", message, hint)
            return ""
        return match.slug

    def topic(self, config: Config) -> str:
        value = self.data.get("topic")
        if value is not None and not str(value).strip():  # left out by import-text: the editor chooses
            self.error("topic", Text("no topic yet"), Text("write one of the site's topics: {names}",
                                                             names=", ".join(config.topics)))
            return ""
        name = self.text("topic", required=True)
        if not name:
            return ""
        topic = config.topic_by_slug.get(slug_of(name))
        if topic is not None:
            return topic
        self.error("topic", Text("unknown topic {name!r}", name=name), topic_hint(config, name))
        return ""

    def string_list(self, field: str) -> tuple[str, ...]:
        value = self.data.get(field)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str | int | float) and not isinstance(v, bool)
                                                  for v in value):
            written = listed(value) if isinstance(value, str) else None
            self.error(field, Text("expected a list of text values"),
                       Text("write it as a list: {example}", example=f"{field}: {written}") if written else
                       Text("for example {example}", example=f'{field}: ["…", "…"]'))
            return ()
        seen: dict[str, str] = {}
        for item in value:
            text = unicodedata.normalize("NFC", str(item)).strip()
            if text and text.casefold() not in seen:
                seen[text.casefold()] = text
        return tuple(seen.values())

    def slug(self) -> str:
        given = self.text("slug")
        slug = slug_of(given or self.source.path.stem)
        if not slug:
            self.error("slug", Text("the last part of the address (slug) is empty once accents and symbols are "
                                    "removed"),
                       Text("write slug: with a few words in Latin letters"))
        return slug

    def image(self, year: int, paths: Paths) -> str:
        """The cover image: an http(s) URL or a site path; anything else could run script."""
        value = self.text("image")
        if not value or _HTTP_URL_RE.match(value):
            return value
        if _COMPUTER_PATH_RE.match(value):
            self.errors.append(computer_path_error(self.source.rel, line_of_key(self.front, "image", first_line=2),
                                                   "image", value, True, year, paths))
            return ""
        if not value.startswith("/") or value.startswith("//") or "\\" in value or _CONTROL_RE.search(value):
            self.error("image", Text("{value!r} is not an address on the web or a path in the site", value=value),
                       Text("write the photo's path in the site, such as {path}, or an address starting with "
                            "https://", path=f"/{paths.photos}/{year}/hoi-thao.jpg"))
            return ""
        return value

    def alias(self, value: str) -> str:
        parsed = urlparse(value)
        if parsed.scheme or parsed.netloc or not value.startswith("/"):
            self.error("aliases", Text("{value!r} is not a site path", value=value),
                       Text("write old URLs as paths: {example}", example="/tin/2020/old-name/"))
            return ""
        normal = posixpath.normpath(parsed.path)
        if ".." in parsed.path.split("/") or "\\" in value or "\x00" in value:
            self.error("aliases", Text("{value!r} leaves the site", value=value), Text("an alias may not contain '..'"))
            return ""
        if normal == "/":
            self.error("aliases", Text("an alias cannot be the home page"))
            return ""
        return normal if normal.endswith(".html") else normal + "/"

    def source_field(self) -> tuple[str, str]:
        value = self.data.get("source")
        if value is None:
            return "", ""
        if isinstance(value, dict):
            unknown = set(map(str, value)) - {"name", "url"}
            if unknown:
                self.error("source", Text("unknown keys {keys}", keys=sorted(unknown)),
                           Text("for example {example}", example="source: {name: ..., url: ...}"))
            name = str(value.get("name") or "").strip()
            url = str(value.get("url") or "").strip()
        elif isinstance(value, str):
            name, url = value.strip(), ""
            if re.match(r"^https?://", name):
                url, name = name, urlparse(name).netloc
        else:
            self.error("source", Text("expected a name, a URL or {example}", example="{name: ..., url: ...}"))
            return "", ""
        if url and not _HTTP_URL_RE.match(url):
            self.error("source", Text("{value!r} is not an http(s) URL", value=url),
                       Text("write the address as it starts: {example}", example="https://..."))
            url = ""
        return unicodedata.normalize("NFC", name), url


def _line_of(target: str, body: str, first_line: int) -> int:
    """The line of the body that names this path or link (as written, by its file name, or
    percent-encoded), for messages."""
    name = target.rstrip("/").rsplit("/", 1)[-1]
    for wanted in dict.fromkeys(w for w in (target, name, quote(name)) if w):
        for index, line in enumerate(body.split("\n")):
            if wanted in line:
                return first_line + index
    return first_line
