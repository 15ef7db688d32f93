"""What the archive importers share: HTML -> Markdown, photos, the mapping of categories, the
import record, and writing articles all at once or not at all.

`bantin import wordpress` (bantin/wordpress.py) and `bantin import site` (bantin/mirror.py)
read their sources, then hand `Item`s to a `Writer`, which stages everything under
.bantin-cache/ and moves it into content/ only when the whole import succeeded. The record
(import/record.json) keeps a digest of every file written, so a second run writes nothing new
and never overwrites an article edited since.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import pickle
import posixpath
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup, Tag
from markdownify import MarkdownConverter

from bantin.authoring import short_slug
from bantin.config import Config, slug_of
from bantin.errors import ContentError, not_utf8
from bantin.messages import Text
from bantin.provinces import ProvinceList
from bantin.sanitize import ACTIVE_SUFFIXES, Sanitizer

IMPORT_DIR = "import"  # beside site.toml: the mapping files, the record, the redirect maps
RECORD_FILE = "record.json"
# Deeper than this, HTML is refused: the converter and Python-Markdown recurse once per level,
# and no article needs it (Word pastes reach 10-20 levels; hundreds means a broken page)
MAX_DEPTH = 60
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
                   "wbr"})
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>")
_GUTENBERG_RE = re.compile(r"<!--\s*/?wp:.*?-->|<!--\s*(?:more|nextpage|noteaser)\b.*?-->", re.S)
_SPACES_RE = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES_RE = re.compile(r"\n{3,}")
# the start of a line that Markdown would read as a heading, quote, list or rule
_LINE_START_RE = re.compile(r"(?m)^([ \t]*)(#|>|[-+*](?=\s|$)|=+\s*$|(\d+)([.)])(?=\s|$))")


class ImportProblem(Exception):
    """One item cannot be imported: the message (Text) and a hint, located by the caller."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        self.message, self.hint = message, hint
        super().__init__(message)


# -- HTML -> Markdown ----------------------------------------------------------------------


class _Converter(MarkdownConverter):
    """markdownify with ATX headings, '-' bullets, and text escaped where Markdown would misread it."""

    def __init__(self) -> None:
        super().__init__(heading_style="ATX", bullets="-", strip=["span", "font"], escape_misc=False)

    def escape(self, text: str, parent_tags: set[str]) -> str:
        text = super().escape(text, parent_tags)
        if not text:
            return text
        # text, not markup: '<b>' and '&amp;' stay what the reader saw
        text = re.sub(r"&(?=#?\w+;)", "&amp;", text)
        text = re.sub(r"<(?=[a-zA-Z/!?])", "&lt;", text)
        return text.replace("`", "\\`").replace("[^", "\\[^").replace("](", "\\](").replace("{:", "\\{:")

    def convert_p(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return super().convert_p(el, _escape_line_starts(text), parent_tags)

    def convert_div(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return super().convert_div(el, _escape_line_starts(text), parent_tags)

    convert_section = convert_div
    convert_article = convert_div

    def convert_iframe(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        """An embedded video the sanitiser kept (a host of iframe_hosts) stays as HTML, on its own line."""
        src = el.get("src") or ""
        if not src:
            return ""
        attributes = " ".join(f'{name}="{html.escape(str(el.get(name)))}"' for name in
                              ("src", "width", "height", "allow", "allowfullscreen") if el.get(name) is not None)
        return f"\n\n<iframe {attributes}></iframe>\n\n"


def _escape_line_starts(text: str) -> str:
    def escape(match: re.Match[str]) -> str:
        if match.group(3):  # "1. " -> "1\. "
            return f"{match.group(1)}{match.group(3)}\\{match.group(4)}"
        return f"{match.group(1)}\\{match.group(2)}"

    if text.startswith(("![", "[![")):
        return text
    return _LINE_START_RE.sub(escape, text)


_CONVERTER = _Converter()


# elements a page may leave unclosed: in a saved page's raw HTML they are not counted
_OPTIONAL_END = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "option", "thead", "tbody", "tfoot", "html",
                           "head", "body", "colgroup", "caption"})


def nesting_depth(markup: str, raw: bool = False) -> int:
    """How deep the elements of well-formed HTML (what the sanitiser returns) nest; `raw`: of a
    saved page as it is, not counting the elements HTML lets a page leave unclosed."""
    depth = deepest = 0
    for match in _TAG_RE.finditer(markup):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        if name in _VOID or self_closing or (raw and name in _OPTIONAL_END):
            continue
        if closing:
            depth = max(depth - 1, 0)
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


@dataclass(frozen=True)
class Links:
    """How addresses of the old site become addresses of the new one (links, photos, files)."""

    hosts: frozenset[str]  # the old site's hosts, without "www."
    pages: dict[str, str]  # page_key(old address) -> the new site URL
    locate: Callable[[str], Path | None]  # an absolute old URL -> the local copy of that file, or None
    place: Callable[[Path], str]  # a local file -> its site path under content/ ("/anh/2023/06/a.jpg")

    def is_old(self, url: str) -> bool:
        """Does this absolute URL (or site path) point into the old site?"""
        parts = urlsplit(url)
        host = (parts.hostname or "").removeprefix("www.")
        if re.fullmatch(r"i[0-3]\.wp\.com", host):  # Jetpack's photo CDN: i0.wp.com/<old host>/wp-content/...
            host = parts.path.lstrip("/").split("/", 1)[0].removeprefix("www.")
        return not host or host in self.hosts


def page_key(url: str) -> str:
    """An address of the old site as a lookup key: the path without its trailing slash, decoded and
    lower-cased, or '?p=123' for a plain WordPress address; scheme, host and fragment ignored."""
    parts = urlsplit(url.strip())
    query = dict(pair.split("=", 1) for pair in parts.query.split("&") if "=" in pair)
    for name in ("p", "page_id", "attachment_id"):
        if query.get(name, "").isdigit() and parts.path.rstrip("/") in ("", "/index.php"):
            return f"?{name}={query[name]}"
    path = unicodedata.normalize("NFC", unquote(parts.path)).rstrip("/").lower()
    return path.removesuffix("/index.html").removesuffix("/index.htm") or "/"


@dataclass
class Converted:
    """An article body in Markdown, the local files it uses, and what the editor should hear about."""

    markdown: str
    files: dict[str, str] = field(default_factory=dict)  # site path -> local source file
    missing: list[str] = field(default_factory=list)  # photo or file addresses with no local copy
    shortcodes: list[str] = field(default_factory=list)  # names of shortcodes kept as text


def html_to_markdown(markup: str, links: Links, sanitizer: Sanitizer, base_url: str = "") -> Converted:
    """Sanitised by the build's policy, photos and links rewritten, captions made figures, as Markdown.

    Raises ImportProblem for HTML nested deeper than MAX_DEPTH."""
    markup = sanitizer.clean(_GUTENBERG_RE.sub("", markup))
    depth = nesting_depth(markup)
    if depth > MAX_DEPTH:
        raise ImportProblem(Text("the HTML is nested {depth} levels deep (at most {limit} are read)", depth=depth,
                                 limit=MAX_DEPTH),
                            Text("the page holds broken markup: clean it in the old site's editor, or leave it out"))
    soup = BeautifulSoup(markup, "lxml")
    result = Converted("")
    _rewrite(soup, links, result, base_url)
    text = _CONVERTER.convert_soup(soup)
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ")
    text = "\n".join(line.rstrip() if not line.endswith("  ") else line for line in text.split("\n"))
    result.markdown = _BLANK_LINES_RE.sub("\n\n", text).strip()
    return result


def _rewrite(soup: BeautifulSoup, links: Links, result: Converted, base_url: str) -> None:
    """Photos to their copies, links to new pages, captions into figures, in place."""
    for figure in soup.find_all(["figure", "div", "table"]):
        if figure.name == "figure" or figure.find("img") is not None:
            _figure(figure, soup)
    for image in soup.find_all("img"):
        src = _absolute(image.get("src") or "", base_url)
        target = _local(src, links, result) if src else None
        if target:
            image["src"] = target
        elif not src:
            image.decompose()
            continue
        for name in ("width", "height", "class", "loading", "decoding", "id"):
            image.attrs.pop(name, None)
        parent = image.parent
        # a photo linking to itself (WordPress's "link to media file") is just the photo
        if parent is not None and parent.name == "a" and len(parent.find_all(True)) == 1 \
                and not parent.get_text(strip=True) and _is_same_file(parent.get("href") or "", src, base_url, links):
            parent.unwrap()
    for anchor in soup.find_all("a"):
        href = anchor.get("href") or ""
        if not href or href.startswith(("#", "mailto:", "tel:")):
            continue
        absolute = _absolute(href, base_url)
        if not links.is_old(absolute):
            continue
        new = links.pages.get(page_key(absolute))
        if new:
            anchor["href"] = new + (("#" + urlsplit(absolute).fragment) if urlsplit(absolute).fragment else "")
            continue
        local = _local(absolute, links, result, report=False)
        if local:
            anchor["href"] = local


def _figure(element: Tag, soup: BeautifulSoup) -> None:
    """<figure><img><figcaption> (Gutenberg) and <div class="wp-caption"> (classic HTML) -> an image
    alone in a paragraph with its caption as title, which bantin's Markdown shows as a figure."""
    classes = element.get("class") or []
    caption = element.find("figcaption") if element.name == "figure" else None
    if caption is None and any(c in ("wp-caption", "image", "thumbnail") for c in classes):
        caption = element.find(class_=re.compile(r"(wp-caption-text|caption)$"))
    images = element.find_all("img")
    if element.name == "table":  # a photo and its caption in a table (many Vietnamese news CMSs)
        cells = [c for c in element.find_all(["td", "th"]) if not c.find("img") and c.get_text(strip=True)]
        if len(images) != 1 or len(cells) > 1 or len(element.get_text(" ", strip=True)) > 400:
            return
        caption = cells[0] if cells else None
    elif len(images) != 1 or element.find(["figure", "table"]):
        if element.name == "figure":
            element.name = "div"
        return
    image = images[0]
    text = re.sub(r"\s+", " ", caption.get_text(" ", strip=True)) if caption is not None else ""
    if text:
        image["title"] = text
        if not image.get("alt"):
            image["alt"] = text
    if caption is not None:
        caption.decompose()
    if element.name in ("figure", "table") or text:
        holder = image.parent if image.parent is not None and image.parent.name == "a" else image
        paragraph = soup.new_tag("p")
        holder.extract()
        paragraph.append(holder)
        element.replace_with(paragraph)


def _absolute(url: str, base_url: str) -> str:
    url = html.unescape(url.strip())
    if base_url and not re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I):
        from urllib.parse import urljoin
        return urljoin(base_url, url)
    return url


def _is_same_file(href: str, src: str, base_url: str, links: Links) -> bool:
    href = _absolute(href, base_url)
    if not href or not links.is_old(href):
        return False
    return original_name(posixpath.basename(urlsplit(href).path)) == original_name(
        posixpath.basename(urlsplit(src).path))


def _local(url: str, links: Links, result: Converted, report: bool = True) -> str | None:
    """The site path of the local copy of an old site's file, recorded in `result`; None if it is elsewhere."""
    if not links.is_old(url):
        return None
    suffix = posixpath.splitext(urlsplit(url).path)[1].lower()
    if not suffix or suffix in ACTIVE_SUFFIXES or suffix in (".php", ".asp", ".aspx"):
        return None  # a page, or a file a browser would run as a page of the site
    source = links.locate(url)
    if source is None:
        if report and url not in result.missing:
            result.missing.append(url)
        return None
    target = links.place(source)
    result.files[target] = str(source)
    return target


_RESIZED_RE = re.compile(r"^(?P<stem>.+?)(?:-\d{2,5}x\d{2,5}|-scaled|-rotated|-e\d{10,13})+(?P<suffix>\.\w+)$")


def original_name(name: str) -> str:
    """WordPress's resized or edited copy's file name -> the original's: 'a-800x533.jpg' -> 'a.jpg'."""
    match = _RESIZED_RE.match(name)
    return match["stem"] + match["suffix"] if match else name


def find_original(folder: Path, name: str) -> Path | None:
    """The original of a photo in a folder of uploads (or its resized copy if only that was kept)."""
    for candidate in dict.fromkeys((original_name(name), name)):
        path = folder / candidate
        if path.is_file():
            return path
    return None


# -- text -----------------------------------------------------------------------------------


def plain(fragment: str) -> str:
    """HTML or text with entities -> one line of NFC text."""
    text = re.sub(r"<[^>]+>", " ", fragment or "")
    text = html.unescape(html.unescape(text)) if "&amp;" in text else html.unescape(text)
    return unicodedata.normalize("NFC", _SPACES_RE.sub(" ", re.sub(r"\s+", " ", text))).strip()


# -- categories and tags -> province, topic, tags, section --------------------------------------

KINDS = ("province", "topic", "tag", "section", "skip")


@dataclass(frozen=True)
class Meaning:
    """What one category or tag of the old site means in bantin."""

    kind: str  # one of KINDS
    value: str  # the province, topic, tag or section; "" for skip
    why: str = ""  # a Text saying how it was guessed ("" when the mapping file said so)

    def said(self) -> str:
        """'province:Hà Tĩnh', as the mapping file writes it."""
        return self.kind if self.kind == "skip" else f"{self.kind}:{self.value}"


def guess_meaning(name: str, config: Config, provinces: ProvinceList, *, is_tag: bool = False) -> Meaning:
    """The province, topic or section a category or tag names, else a tag of the same name."""
    province = provinces.match(name)
    if province is not None:
        return Meaning("province", province.name, Text("a province's name"))
    topic = config.topic_by_slug.get(slug_of(name))
    if topic is not None:
        return Meaning("topic", topic, Text("one of the site's topics"))
    if not is_tag:
        for section, title in config.sections.items():
            if slug_of(name) in (section, slug_of(title)):
                return Meaning("section", section, Text("a section's name"))
    if slug_of(name) in ("uncategorized", "chua-phan-loai", "khong-phan-loai"):
        return Meaning("skip", "", Text("WordPress's default category"))
    return Meaning("tag", name, Text("neither a province nor a topic"))


def parse_meaning(text: str, config: Config, provinces: ProvinceList) -> Meaning | Text:
    """A right-hand side of the mapping file, checked; a Text says what is wrong with it."""
    kind, _, value = text.partition(":")
    kind, value = kind.strip().lower(), unicodedata.normalize("NFC", value.strip())
    if kind == "skip":
        return Meaning("skip", "")
    if kind == "province":
        match = provinces.match(value)
        return Meaning("province", match.name) if match else Text("unknown province {name!r}", name=value)
    if kind == "topic":
        topic = config.topic_by_slug.get(slug_of(value))
        return Meaning("topic", topic) if topic else Text("unknown topic {name!r}", name=value)
    if kind == "section":
        return Meaning("section", value) if value in config.sections else Text("no section {name!r}", name=value)
    if kind == "tag" and value:
        return Meaning("tag", value)
    return Text("{value!r} is not one of {kinds}", value=text, kinds="province:…, topic:…, tag:…, section:…, skip")


@dataclass
class Mapping:
    """The mapping file: what each category and tag means, and the defaults an editor chose."""

    terms: dict[tuple[str, str], Meaning]  # (group, name) -> meaning; group: "category", "tag", "menu"...
    counts: dict[tuple[str, str], int]  # articles using each term
    province: str = ""  # for articles that name none ("" : they become drafts)
    topic: str = ""
    pages: str = ""  # the section for pages that are not news ("" leaves them out)
    skip: tuple[str, ...] = ()  # items the editor left out (post numbers, page paths)
    from_file: set[tuple[str, str]] = field(default_factory=set)  # terms the file decided
    extra: dict[str, Any] = field(default_factory=dict)  # importer-specific settings (selectors)

    def meaning(self, group: str, name: str, config: Config, provinces: ProvinceList) -> Meaning:
        """What a category or tag means: the file's word, else a guess, kept for the rest of the run."""
        if (group, name) not in self.terms:
            self.terms[(group, name)] = guess_meaning(name, config, provinces, is_tag=group == "tag")
        return self.terms[(group, name)]


def read_mapping(path: Path, config: Config, provinces: ProvinceList, rel: str) -> tuple[Mapping, list[ContentError]]:
    """The mapping file an earlier dry run wrote and the editor corrected (empty if there is none)."""
    import tomllib

    mapping = Mapping({}, {})
    errors: list[ContentError] = []
    if not path.is_file():
        return mapping, errors
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        return mapping, [not_utf8(rel)]
    except tomllib.TOMLDecodeError as exc:
        return mapping, [ContentError(rel, None, None, Text("invalid TOML: {problem}", problem=str(exc)))]
    for key, value in data.items():
        if key in ("province", "topic", "pages") and isinstance(value, str):
            setattr(mapping, key, value.strip())
        elif key == "skip" and isinstance(value, list):
            mapping.skip = tuple(str(v) for v in value)
        elif key == "selectors" and isinstance(value, dict):
            mapping.extra["selectors"] = {k: str(v) for k, v in value.items()}
        elif isinstance(value, dict):
            for name, meaning in value.items():
                said = parse_meaning(str(meaning), config, provinces)
                if isinstance(said, Text):
                    errors.append(ContentError(rel, None, f"{key}.{name}", said,
                                               hint=Text("write province:<name>, topic:<name>, tag:<name>, "
                                                         "section:<folder> or skip")))
                    continue
                mapping.terms[(key, unicodedata.normalize("NFC", name))] = said
                mapping.from_file.add((key, unicodedata.normalize("NFC", name)))
        else:
            mapping.extra[key] = value
    for name in ("province", "topic"):
        value = getattr(mapping, name)
        if value:
            said = parse_meaning(f"{name}:{value}", config, provinces)
            if isinstance(said, Text):
                errors.append(ContentError(rel, None, name, said))
            else:
                setattr(mapping, name, said.value)
    if mapping.pages and mapping.pages not in config.sections:
        errors.append(ContentError(rel, None, "pages", Text("no section {name!r}", name=mapping.pages),
                                   hint=Text("sections: {names}", names=", ".join(config.sections))))
    return mapping, errors


def mapping_text(mapping: Mapping, header: str, groups: dict[str, str]) -> str:
    """The mapping file, in TOML: defaults, then each group's terms with their counts, most used first."""
    lines = [header.rstrip(), ""]
    lines.append(f"province = {_toml(mapping.province)}  # for articles that name no province (\"\": a draft)")
    lines.append(f"topic = {_toml(mapping.topic)}  # for articles that name no topic (\"\": a draft)")
    lines.append(f"pages = {_toml(mapping.pages)}  # the section for pages that are not news (\"\": left out)")
    lines.append("skip = [" + ", ".join(_toml(s) for s in mapping.skip) + "]  # items to leave out")
    for key, value in mapping.extra.items():
        if key != "selectors":
            lines.append(f"{key} = {_toml(value)}")
    if "selectors" in mapping.extra:
        lines += ["", "[selectors]"] + [f"{_toml(k)} = {_toml(v)}" for k, v in mapping.extra["selectors"].items()]
    for group, comment in groups.items():
        terms = sorted(((name, meaning) for (g, name), meaning in mapping.terms.items() if g == group),
                       key=lambda pair: (-mapping.counts.get((group, pair[0]), 0), pair[0]))
        if not terms:
            continue
        lines += ["", f"[{group}]  # {comment}"]
        for name, meaning in terms:
            count = mapping.counts.get((group, name), 0)
            lines.append(f"{_toml(name)} = {_toml(meaning.said())}  # {count}")
    return "\n".join(lines) + "\n"


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


# -- articles ----------------------------------------------------------------------------------


@dataclass
class Item:
    """An article about to be written: where it goes, its front-matter and body, the files it uses."""

    key: str  # stable name of the source item across runs ("wordpress:<site>:<post id>", "site:<path>")
    origin: str  # where it came from, for messages ("export.xml, post 123")
    section: str
    date: datetime
    slug: str
    fields: dict[str, Any]  # front-matter in order (title, date, province, topic, ...)
    body: str
    files: dict[str, str] = field(default_factory=dict)  # site path -> local source file
    notes: list[str] = field(default_factory=list)  # guesses and reports (Text), for the editor


def front_matter(fields: dict[str, Any]) -> str:
    """'---', one 'field: value' line each (JSON strings and lists are valid YAML), '---'."""
    lines = ["---"]
    for key, value in fields.items():
        if value in ("", None, [], (), False):
            continue
        if isinstance(value, datetime):
            lines.append(f"{key}: {value.isoformat(timespec='seconds')}")
        elif isinstance(value, bool):
            lines.append(f"{key}: {'true' if value else 'false'}")
        elif isinstance(value, list | tuple):
            lines.append(f"{key}: [{', '.join(json.dumps(str(v), ensure_ascii=False) for v in value)}]")
        else:
            lines.append(f"{key}: {json.dumps(str(value), ensure_ascii=False)}")
    return "\n".join([*lines, "---"]) + "\n"


def article_text(item: Item) -> str:
    """The article file: front-matter, a blank line, the body."""
    return front_matter(item.fields) + "\n" + (item.body.strip() or item.fields.get("summary", "")) + "\n"


def resolve_required(item: Item, province: str, topic: str, config: Config) -> None:
    """Province and topic into the front-matter; one that cannot be found makes a draft with a note,
    so `check` passes and nothing is guessed silently."""
    unknown = []
    if not province:
        unknown.append("province")
        province = "Trung ương"
    if not topic:
        unknown.append("topic")
        topic = config.topics[0]
    item.fields["province"], item.fields["topic"] = province, topic
    if unknown:
        item.fields["draft"] = True
        item.fields["import_unknown"] = unknown  # what the editor must set before publishing
        item.notes.append(Text("draft: no {fields} found (set {placeholder} for now; correct it and remove draft)",
                               fields=" / ".join(unknown), placeholder=", ".join(
                                   f"{name}: {item.fields[name]}" for name in unknown)))


def digest(data: bytes) -> str:
    """sha256 of bytes, as hex."""
    return hashlib.sha256(data).hexdigest()


# -- the record and the writer -------------------------------------------------------------------


@dataclass
class Record:
    """import/record.json: what earlier imports wrote (item key -> path and digest; file path -> digest)."""

    articles: dict[str, dict[str, str]] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, root: Path) -> Record:
        """The record of this project (empty if there is none or it cannot be read)."""
        path = root / IMPORT_DIR / RECORD_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(dict(data.get("articles", {})), dict(data.get("files", {})))
        except (OSError, ValueError, AttributeError):
            return cls()

    def text(self) -> str:
        """The record as JSON, sorted: stable under version control."""
        return json.dumps({"version": 1, "articles": dict(sorted(self.articles.items())),
                           "files": dict(sorted(self.files.items()))}, ensure_ascii=False, indent=1) + "\n"


class NoteSpool:
    """Each article's notes, kept on disk until the report is printed: memory stays flat however many."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 (open for the whole import; deleted when closed)
        self.count = 0

    def add(self, origin: str, path: str, notes: list[str]) -> None:
        """Keep one article's notes (Text, said in the site's language when printed)."""
        pickle.dump((origin, path, notes), self._file)
        self.count += 1

    def __iter__(self) -> Iterator[tuple[str, str, list[str]]]:
        self._file.seek(0)
        for _ in range(self.count):
            yield pickle.load(self._file)  # what add() wrote in this process, never outside data


@dataclass
class Outcome:
    """What a run did (or a dry run would do)."""

    new: list[str] = field(default_factory=list)  # content-relative paths
    updated: list[str] = field(default_factory=list)  # written by an earlier import, unchanged since: rewritten
    unchanged: int = 0
    kept: list[str] = field(default_factory=list)  # edited since the import: left as they are
    files: int = 0  # photos and files copied


class Writer:
    """Stages an import in .bantin-cache/ and moves it into the project only when all of it succeeded."""

    def __init__(self, config: Config, dry_run: bool) -> None:
        self.config, self.dry_run = config, dry_run
        self.root = config.root
        self.record = Record.load(self.root)
        self.outcome = Outcome()
        self.claimed: dict[str, str] = {}  # content-relative path -> item key
        self.articles: list[tuple[str, str, Path]] = []  # (item key, target, staged file)
        self.copies: dict[str, Path] = {}  # content-relative target -> source file
        self.extra: dict[str, str] = {}  # project-relative path -> text (mapping file, redirect maps)
        self._stage: Path | None = None

    def place(self, key: str, section: str, year: int, slug: str) -> str:
        """The content-relative path of an item: where an earlier run put it, else a free name."""
        known = self.record.articles.get(key)
        if known and known["path"] not in self.claimed:
            self.claimed[known["path"]] = key
            return known["path"]
        slug = short_slug(slug) if slug else "bai-viet"
        for number in range(1, 10_000):
            name = slug if number == 1 else f"{slug}-{number}"
            path = f"content/{section}/{year}/{name}.md"
            if path not in self.claimed and not self._belongs_elsewhere(path, key):
                self.claimed[path] = key
                return path
        raise ImportProblem(Text("no free file name for {slug}", slug=slug))

    def _belongs_elsewhere(self, path: str, key: str) -> bool:
        """A file already there that no earlier import of this item wrote: someone else's article."""
        if not (self.root / path).exists():
            return False
        return not any(entry["path"] == path and k == key for k, entry in self._by_path(path))

    def _by_path(self, path: str) -> list[tuple[str, dict[str, str]]]:
        if not hasattr(self, "_paths"):
            self._paths: dict[str, list[tuple[str, dict[str, str]]]] = {}
            for k, entry in self.record.articles.items():
                self._paths.setdefault(entry["path"], []).append((k, entry))
        return self._paths.get(path, [])

    def article(self, key: str, path: str, text: str) -> None:
        """Stage one article (or count it as unchanged, or keep the editor's version)."""
        data = text.encode("utf-8")
        target = self.root / path
        known = self.record.articles.get(key)
        if target.exists():
            current = digest(target.read_bytes())
            if known is None or known.get("path") != path or current != known.get("digest"):
                self.outcome.kept.append(path)  # edited since (or not ours): never overwritten
                return
            if current == digest(data):
                self.outcome.unchanged += 1
                return
            self.outcome.updated.append(path)
        else:
            self.outcome.new.append(path)
        self.record.articles[key] = {"path": path, "digest": digest(data)}
        if not self.dry_run:
            staged = self._staging() / f"{len(self.articles)}.md"
            staged.write_bytes(data)
            self.articles.append((key, path, staged))

    def file(self, site_path: str, source: Path) -> None:
        """Copy a photo or file of the old site to content/<site path> (once, and never over another file)."""
        target = "content" + site_path
        if target in self.copies:
            return
        existing = self.root / target
        if existing.exists():
            if existing.stat().st_size == source.stat().st_size and \
                    digest(existing.read_bytes()) == digest(source.read_bytes()):
                return
            if self.record.files.get(target) != digest(existing.read_bytes()):
                raise ImportProblem(Text("{path} exists and is another file; not overwritten", path=target),
                                    Text("move it away, or rename the photo in the old site's copy"))
        self.copies[target] = source
        self.outcome.files += 1

    def text_file(self, relative: str, text: str) -> None:
        """A file of the import itself (mapping file, redirect map), written with the rest."""
        self.extra[relative] = text

    def _staging(self) -> Path:
        if self._stage is None:
            cache = self.root / ".bantin-cache"
            cache.mkdir(exist_ok=True)
            self._stage = Path(tempfile.mkdtemp(prefix="import-", dir=cache))
        return self._stage

    def commit(self) -> None:
        """Move everything staged into place; if a step fails, put back what was moved and re-raise."""
        if self.dry_run:
            return
        done: list[tuple[Path, Path | None]] = []  # (target, backup of what it replaced)
        backups = self._staging() / "backup"
        backups.mkdir(exist_ok=True)
        try:
            for target, source in self.copies.items():
                self._put(self.root / target, lambda tmp, s=source: shutil.copyfile(s, tmp), backups, done)
                self.record.files[target] = digest((self.root / target).read_bytes())
            for _, path, staged in self.articles:
                self._put(self.root / path, lambda tmp, s=staged: shutil.copyfile(s, tmp), backups, done)
            for relative, text in self.extra.items():
                self._put(self.root / relative, lambda tmp, t=text: Path(tmp).write_text(t, encoding="utf-8"),
                          backups, done)
            self._put(self.root / IMPORT_DIR / RECORD_FILE,
                      lambda tmp: Path(tmp).write_text(self.record.text(), encoding="utf-8"), backups, done)
        except BaseException:
            for target, backup in reversed(done):
                if backup is not None:
                    os.replace(backup, target)
                else:
                    target.unlink(missing_ok=True)
            raise
        finally:
            self.discard()

    @staticmethod
    def _put(target: Path, make: Callable[[str], Any], backups: Path,
             done: list[tuple[Path, Path | None]]) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.importing")
        make(str(temporary))
        if target.is_file() and target.stat().st_size == temporary.stat().st_size and \
                target.read_bytes() == temporary.read_bytes():
            temporary.unlink()  # the same bytes: a second run writes nothing
            return
        backup = None
        if target.exists():
            backup = backups / f"{len(done)}"
            os.replace(target, backup)
        done.append((target, backup))
        os.replace(temporary, target)

    def finish(self, mapping_file: str, mapping_text: str) -> None:
        """Write the import: its mapping file with the rest, or, in a dry run, the mapping file alone
        (so the editor can correct it before the real run)."""
        self.text_file(mapping_file, mapping_text)
        if self.dry_run:
            write_mapping_only(self.root / mapping_file, mapping_text)
        else:
            self.commit()

    def discard(self) -> None:
        """Remove the staging folder (nothing of it was moved, or all of it was)."""
        if self._stage is not None:
            shutil.rmtree(self._stage, ignore_errors=True)
            self._stage = None


def redirect_maps(redirects: list[tuple[str, str]], base_path: str) -> dict[str, str]:
    """Old addresses with a query ('?p=123') that no static page can answer: an nginx map and a
    Netlify _redirects file, for hosts that redirect them."""
    prefix = base_path.rstrip("/")
    nginx = ["# Old WordPress addresses (?p=123, ?page_id=45) -> their new pages, written by bantin import.",
             "# In nginx's http block: include this file; in the site's server block:",
             "#     if ($bantin_old_page) { return 301 $bantin_old_page; }",
             "map $request_uri $bantin_old_page {", "    default \"\";"]
    netlify = ["# Old WordPress addresses (?p=123) -> their new pages, written by bantin import.",
               "# Netlify reads this file from the published folder: copy it to content/_redirects."]
    for query, url in sorted(redirects):
        name, _, value = query.lstrip("?").partition("=")
        nginx.append(f"    ~^/(index\\.php)?\\?(.*&)?{name}={value}(&|$) {prefix}{url};")
        netlify.append(f"/ {name}={value} {prefix}{url} 301")
    nginx.append("}")
    return {f"{IMPORT_DIR}/redirects.nginx.conf": "\n".join(nginx) + "\n",
            f"{IMPORT_DIR}/_redirects": "\n".join(netlify) + "\n"}


def write_mapping_only(path: Path, text: str) -> None:
    """A dry run writes the mapping file and nothing else (so the editor can correct it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def mapping_report(mapping: Mapping, groups: dict[str, str]) -> Iterator[str]:
    """Each category and tag, what it became and why, most used first."""
    for group, label in groups.items():
        terms = sorted(((name, meaning) for (g, name), meaning in mapping.terms.items() if g == group),
                       key=lambda pair: (-mapping.counts.get((group, pair[0]), 0), pair[0]))
        for name, meaning in terms:
            count = mapping.counts.get((group, name), 0)
            why = meaning.why if (group, name) not in mapping.from_file else Text("the mapping file says so")
            yield Text("{label} {name!r} ({count}) -> {meaning}: {why}", label=label, name=name, count=count,
                       meaning=meaning.said(), why=why)


def outcome_report(writer: Writer, dry_run: bool, mapping_file: str) -> Iterator[str]:
    """New, updated, unchanged and kept articles; files copied."""
    outcome = writer.outcome
    for path in outcome.kept:
        yield Text("kept {path}: edited since the last import (or not written by it); not overwritten", path=path)
    yield (Text("would write {new} new and {updated} updated articles and copy {files} files; {unchanged} "
                "unchanged, {kept} kept (--dry-run: nothing written but {file})", new=len(outcome.new),
                updated=len(outcome.updated), files=outcome.files, unchanged=outcome.unchanged,
                kept=len(outcome.kept), file=mapping_file)
           if dry_run else
           Text("wrote {new} new and {updated} updated articles and copied {files} files; {unchanged} unchanged, "
                "{kept} kept", new=len(outcome.new), updated=len(outcome.updated), files=outcome.files,
                unchanged=outcome.unchanged, kept=len(outcome.kept)))

