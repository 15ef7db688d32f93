"""Reading articles: discover Markdown files, split front-matter, validate every field."""

from __future__ import annotations

import difflib
import os
import posixpath
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlparse

import yaml

from bantin.config import Config, slug_of, topic_hint
from bantin.errors import ContentError, line_of_key
from bantin.inputs import input_files
from bantin.markup import MarkdownRenderer, first_paragraph_text
from bantin.messages import Text
from bantin.model import Article, Source
from bantin.pictures import body_images, site_path
from bantin.provinces import ProvinceList

KNOWN_FIELDS = (
    "title", "date", "province", "topic", "tags", "summary", "author", "source",
    "image", "image_alt", "slug", "draft", "aliases", "updated",
)
REQUIRED_FIELDS = ("title", "date", "province", "topic")
_HTTP_URL_RE = re.compile(r"^https?://[^\s/?#]+(?:[/?#]\S*)?$", re.IGNORECASE)
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")  # control characters (a space is fine)
_DATE_RE = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:(?:[Tt]|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6})\d*)?)?"
    r"\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$"
)


class _Loader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]
    """Safe YAML without implicit timestamps: every date arrives as text and we parse it,
    so '2025-13-01' is a clear content error instead of a crash inside PyYAML."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class ArticleInvalid(Exception):
    """Raised by parse_article with every problem found in one file."""

    def __init__(self, errors: list[ContentError]) -> None:
        self.errors = errors
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
    for path in found.files:
        relative = path.relative_to(root)
        if path.suffix.lower() != ".md":
            static.append(path)
        elif len(relative.parts) < 2 or relative.parts[0] not in config.sections:
            errors.append(ContentError(
                project_relative(path, config.root), None, None,
                Text("article outside a section folder"),
                hint=Text("move it under content/<section>/, sections: {sections}",
                          sections=", ".join(config.sections)),
            ))
        else:
            sources.append(path)
    return Discovery(sources, static, errors)


def project_relative(path: Path, root: Path) -> str:
    """POSIX path relative to the project root (for messages and keys)."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


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
            rel, 1, None, Text("no front-matter"),
            hint=Text("start the file with a line '---', the fields (title: ..., date: ...), and '---'"),
        )])
    lines = text.split("\n")
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1:]), index + 2
    raise ArticleInvalid([ContentError(rel, 1, None, Text("the front-matter is never closed"),
                                       hint=Text("did you forget the closing '---' line?"))])


def markdown_renderer(config: Config) -> MarkdownRenderer:
    """The Markdown converter for this site: its base path and its raw HTML policy."""
    return MarkdownRenderer(config.base_path, config.markdown.raw_html, config.markdown.iframe_hosts,
                            config.strings["footnote_back"])


def parse_article(source: Source, config: Config, provinces: ProvinceList,
                  markdown: MarkdownRenderer) -> Article:
    """Validate one source and render its body; raise ArticleInvalid with every problem."""
    front, body, body_line = split_front_matter(source.text, source.rel)
    try:
        data = yaml.load(front, Loader=_Loader) if front.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ArticleInvalid([ContentError(
            source.rel, line, None, Text("invalid YAML: {problem}", problem=problem),
            hint=Text("quote values that contain ': ' or start with a symbol"))]) from None
    if not isinstance(data, dict):
        raise ArticleInvalid([ContentError(source.rel, 2, None, Text("the front-matter must be 'field: value' lines"))])
    fields = _Fields(source, front, data)
    article = fields.article(config, provinces, markdown, body, body_line)
    if fields.errors:
        raise ArticleInvalid(fields.errors)
    assert article is not None
    return article


class _Fields:
    """Reads front-matter fields one by one, collecting errors with their line numbers."""

    def __init__(self, source: Source, front: str, data: dict[Any, Any]) -> None:
        self.source = source
        self.front = front
        self.data = {str(k): v for k, v in data.items()}
        self.errors: list[ContentError] = []

    def error(self, field: str, message: str, hint: str | None = None) -> None:
        line = line_of_key(self.front, field, first_line=2)
        self.errors.append(ContentError(self.source.rel, line, field, message, hint))

    def text(self, field: str, required: bool = False) -> str:
        value = self.data.get(field)
        if value is None:
            if required:
                self.error(field, Text("missing required field"), self._missing_hint(field))
            return ""
        if isinstance(value, bool | dict | list):
            self.error(field, Text("expected text, got {kind}", kind=type(value).__name__))
            return ""
        text = unicodedata.normalize("NFC", str(value)).strip()
        if required and not text:
            self.error(field, Text("must not be empty"))
        return text

    def _missing_hint(self, field: str) -> Text:
        close = difflib.get_close_matches(field, [k for k in self.data if k not in KNOWN_FIELDS], n=1)
        if close:
            return Text("found '{found}': did you mean '{field}'?", found=close[0], field=field)
        return Text("add a line '{field}: ...' to the front-matter", field=field)

    def article(self, config: Config, provinces: ProvinceList, markdown: MarkdownRenderer,
                body: str, body_line: int) -> Article | None:
        title = self.text("title", required=True)
        moment = self.date(config.tz)
        updated = self.date(config.tz, "updated", required=False)
        if moment is not None and updated is not None and updated < moment:
            self.error("updated", Text("the article is updated before it was published"),
                       Text("updated: is the date of the last correction, after date:"))
        province = self.province(provinces)
        topic = self.topic(config)
        tags = self.string_list("tags")
        aliases = tuple(self.alias(a) for a in self.string_list("aliases"))
        slug = self.slug()
        source_name, source_url = self.source_field()
        draft = self.data.get("draft", False)
        if not isinstance(draft, bool):
            self.error("draft", Text("expected true or false, got {value!r}", value=draft))
            draft = False
        if self.errors or moment is None:
            return None
        body_html = markdown.render(body)
        lead = self.text("summary")
        url = f"/{self.source.section}/{moment.year}/{slug}/"
        image = self.image()
        cover = site_path(image, "/", url) if image.startswith("/") else None
        images = ([(cover, line_of_key(self.front, "image", first_line=2) or 1, "image")] if cover else []) + [
            (path, _line_of(path, body, body_line), "body") for path in body_images(body_html, config.base_path, url)]
        return Article(
            key=self.source.rel,
            section=self.source.section,
            slug=slug,
            url=url,
            title=title,
            date=moment,
            province=province,
            topic=topic,
            tags=tags,
            summary=lead or first_paragraph_text(body_html),
            lead=lead,
            body_html=body_html,
            author=self.text("author"),
            source_name=source_name,
            source_url=source_url,
            image=image,
            images=tuple(images),
            image_alt=self.text("image_alt") or title,
            draft=draft,
            updated=updated,
            aliases=tuple(a for a in aliases if a),
            extra={k: v for k, v in self.data.items() if k not in KNOWN_FIELDS},
        )

    def date(self, tz: tzinfo, field: str = "date", required: bool = True) -> datetime | None:
        value = self.data.get(field)
        if value is None:
            if required:
                self.error(field, Text("missing required field"), self._missing_hint(field))
            return None
        try:
            return parse_date(value, tz)
        except ValueError as exc:
            self.error(field, exc.args[0], Text("write an ISO 8601 date such as {date} or {moment}", date="2023-06-02",
                                                moment="2023-06-02T00:03:00+07:00"))
            return None

    def province(self, provinces: ProvinceList) -> str:
        name = self.text("province", required=True)
        if not name:
            return ""
        match = provinces.match(name)
        if match is None:
            self.error("province", Text("unknown province {name!r}", name=name), provinces.hint(name))
            return ""
        return match.slug

    def topic(self, config: Config) -> str:
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
            self.error(field, Text("expected a list of text values"),
                       Text("for example {example}", example=f'{field}: ["first", "second"]'))
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
            self.error("slug", Text("the slug is empty after removing accents and symbols"),
                       Text("set slug: to a few words in Latin letters"))
        return slug

    def image(self) -> str:
        """The cover image: an http(s) URL or a site path; anything else could run script."""
        value = self.text("image")
        if not value or _HTTP_URL_RE.match(value):
            return value
        if not value.startswith("/") or value.startswith("//") or "\\" in value or _CONTROL_RE.search(value):
            self.error("image", Text("{value!r} is not an http(s) URL or a site path", value=value),
                       Text("write a site path such as {path}, or a URL starting with https://",
                            path="/anh/2023/hoi-thao.jpg"))
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


def _line_of(path: str, body: str, first_line: int) -> int:
    """The line of the body that names this path (as written, or percent-encoded), for messages."""
    name = path.rsplit("/", 1)[-1]
    for index, line in enumerate(body.split("\n")):
        if name in line or quote(name) in line:
            return first_line + index
    return first_line


def parse_date(value: Any, tz: tzinfo) -> datetime:
    """Any ISO 8601 date or date-time as an aware datetime; no offset means the site's timezone."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=tz) if value.tzinfo is None else value.astimezone(tz)
    if isinstance(value, date):
        return datetime.combine(value, time(), tz)
    if not isinstance(value, str):
        raise ValueError(Text("expected a date, got {value!r}", value=value))
    match = _DATE_RE.match(value.strip())
    if not match:
        raise ValueError(Text("{value!r} is not an ISO 8601 date", value=value))
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    try:
        moment = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                          int(second or 0), int((fraction or "0").ljust(6, "0")))
    except ValueError as exc:
        raise ValueError(Text("impossible date {value!r}: {problem}", value=value, problem=str(exc))) from None
    if offset is None:
        return moment.replace(tzinfo=tz)
    if offset in ("Z", "z"):
        zone = UTC
    else:
        digits = offset[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:] or 0)
        if hours > 23 or minutes > 59:
            raise ValueError(Text("impossible offset in {value!r}", value=value))
        sign = -1 if offset[0] == "-" else 1
        zone = timezone(sign * timedelta(hours=hours, minutes=minutes))
    return moment.replace(tzinfo=zone).astimezone(tz)
