"""Old sites' HTML -> Markdown, as both archive importers need it: photos and links rewritten
to this site's files, captions kept, the rest sanitised; and plain text of an HTML fragment."""

from __future__ import annotations

import html
import posixpath
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup, Tag
from markdownify import MarkdownConverter

from bantin.language.messages import Text
from bantin.markup.sanitize import ACTIVE_SUFFIXES, Sanitizer

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


