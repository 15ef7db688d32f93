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
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup, Tag
from markdownify import MarkdownConverter

from bantin.importers.embeds import embed_for
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

# block elements that make a table cell more than one line of Markdown can hold
_CELL_BLOCKS = ("p", "div", "ul", "ol", "pre", "table", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "figure",
                "dl", "hr", "video", "audio", "iframe")
_LANGUAGE_RE = re.compile(r"(?:^|\s)(?:language-|lang-|brush:\s*)([A-Za-z0-9_+#-]+)")


class _Converter(MarkdownConverter):
    """markdownify with ATX headings, '-' bullets, Python-Markdown's 4-space list indents, code fences
    with their language, ^sup^ and ~sub~, pipe tables with footers (else the table as HTML), the
    browser's players for video and audio, galleries as photos on consecutive lines, and text
    escaped where Markdown would misread it."""

    def __init__(self) -> None:
        super().__init__(heading_style="ATX", bullets="-", strip=["span", "font"], escape_misc=False)

    def escape(self, text: str, parent_tags: set[str]) -> str:
        text = super().escape(text, parent_tags)
        if not text:
            return text
        # text, not markup: '<b>' and '&amp;' stay what the reader saw
        text = re.sub(r"&(?=#?\w+;)", "&amp;", text)
        text = re.sub(r"<(?=[a-zA-Z/!?])", "&lt;", text)
        text = text.replace("`", "\\`").replace("[^", "\\[^").replace("](", "\\](").replace("{:", "\\{:")
        text = text.replace("~", "\\~").replace("^", "\\^")  # not subscript, superscript or strikethrough
        return _escape_line_starts(text)

    def convert_sup(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return _script(text, "^", parent_tags)

    def convert_sub(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return _script(text, "~", parent_tags)

    def convert_br(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        if "pre" in parent_tags:
            return "\n"
        return super().convert_br(el, text, parent_tags)

    def convert_pre(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        """A code fence one backtick longer than any run inside, with the language the old page named."""
        text = text.strip("\n")
        if not text.strip():
            return ""
        longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
        fence = "`" * max(3, longest + 1)
        return f"\n\n{fence}{code_language(el)}\n{text}\n{fence}\n\n"

    def convert_li(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        """A list item whose later lines are indented by four spaces, as Python-Markdown nests them."""
        text = (text or "").strip()
        if not text:
            return "\n"
        parent = el.parent
        if parent is not None and parent.name == "ol":
            start = int(parent["start"]) if str(parent.get("start", "")).isdigit() else 1
            bullet = f"{start + len(el.find_previous_siblings('li'))}. "
        else:
            bullet = "- "
        indent = " " * max(4, len(bullet))
        lines = text.split("\n")
        return bullet + lines[0] + "".join("\n" + (indent + line if line.strip() else "") for line in lines[1:]) + "\n"

    def convert_table(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        """A pipe table (its footer after a second delimiter row) when Markdown can hold it, else the
        table as HTML (sanitised already): cells spanning rows, blocks in cells, no header row."""
        pipe = self._pipe_table(el)
        if pipe is not None:
            return "\n\n" + pipe + "\n\n"
        markup = re.sub(r"\n\s*\n", "\n", str(el))  # a blank line would end Markdown's HTML block
        return "\n\n" + markup + "\n\n"

    def _pipe_table(self, table: Tag) -> str | None:
        rows = [row for row in table.find_all("tr") if row.find_parent("table") is table]
        if not rows or table.find("caption") is not None:
            return None
        head: list[Tag] = [row for row in rows if row.parent is not None and row.parent.name == "thead"]
        foot: list[Tag] = [row for row in rows if row.parent is not None and row.parent.name == "tfoot"]
        body = [row for row in rows if row not in head and row not in foot]
        if not head and body and all(cell.name == "th" for cell in body[0].find_all(["td", "th"], recursive=False)):
            head, body = [body[0]], body[1:]
        if len(head) != 1:
            return None
        widths = set()
        lines: list[list[str]] = []
        for row in [*head, *body, *foot]:
            cells = row.find_all(["td", "th"], recursive=False)
            if any(cell.get("rowspan", "1") not in ("1", "") or cell.get("colspan", "1") not in ("1", "")
                   or cell.find(_CELL_BLOCKS) is not None for cell in cells):
                return None
            widths.add(len(cells))
            lines.append([self._cell(cell) for cell in cells])
        if len(widths) != 1:
            return None
        delimiter = "|" + "|".join(_alignment(cell) for cell in head[0].find_all(["td", "th"], recursive=False)) + "|"
        out = ["| " + " | ".join(lines[0]) + " |", delimiter]
        out += ["| " + " | ".join(cells) + " |" for cells in lines[1:1 + len(body)]]
        if foot:
            out.append(delimiter)
            out += ["| " + " | ".join(cells) + " |" for cells in lines[1 + len(body):]]
        return "\n".join(out)

    def _cell(self, cell: Tag) -> str:
        text = "".join(self.process_element(child, {"td", "_inline"}) for child in cell.children)
        return re.sub(r"\s+", " ", text).strip().replace("|", "\\|") or " "

    def convert_video(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return _player("video", el)

    def convert_audio(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return _player("audio", el)

    def convert_bantin_gallery(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        """Photos on consecutive lines: bantin's Markdown shows them as a gallery."""
        images = [self.convert_img(image, "", set()) for image in el.find_all("img")]
        return "\n\n" + "\n".join(images) + "\n\n" if images else ""

    def convert_iframe(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        """An embedded video the sanitiser kept (a host of iframe_hosts) stays as HTML, on its own line."""
        src = el.get("src") or ""
        if not src:
            return ""
        attributes = " ".join(f'{name}="{html.escape(str(el.get(name)))}"' for name in
                              ("src", "width", "height", "allow", "allowfullscreen") if el.get(name) is not None)
        return f"\n\n<iframe {attributes}></iframe>\n\n"


def _script(text: str, mark: str, parent_tags: set[str]) -> str:
    """^text^ or ~text~, spaces escaped as the caret and tilde extensions read them."""
    if "_noformat" in parent_tags:
        return text
    inner = text.strip()
    if not inner:
        return text
    return mark + re.sub(r"(?<!\\) ", "\\\\ ", inner) + mark


def _alignment(cell: Tag) -> str:
    style = str(cell.get("style", "")).replace(" ", "").lower()
    return {"text-align:right": "---:", "text-align:center": ":---:"}.get(style.rstrip(";"), "---")


def _player(kind: str, el: Tag) -> str:
    """<video> or <audio> with the browser's controls, on a line of its own (HTML in the Markdown)."""
    src = el.get("src") or next((s.get("src") for s in el.find_all("source") if s.get("src")), "")
    if not src:
        return ""
    attributes = f'controls preload="metadata" src="{html.escape(str(src))}"'
    if kind == "video" and el.get("poster"):
        attributes += f' poster="{html.escape(str(el["poster"]))}"'
    return f"\n\n<{kind} {attributes}></{kind}>\n\n"


def code_language(element: Tag) -> str:
    """The language an old page gave a code block: class language-x, lang-x or brush: x, or lang."""
    for candidate in (element, element.find("code")):
        if candidate is None:
            continue
        classes = " ".join(candidate.get("class") or [])
        match = _LANGUAGE_RE.search(classes)
        if match:
            return match.group(1).lower()
        if re.fullmatch(r"[A-Za-z0-9_+#-]+", str(candidate.get("lang", ""))):
            return str(candidate["lang"]).lower()
    return ""


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
    notes: list[str] = field(default_factory=list)  # what changed on the way (Text), for the report


_IFRAME_RE = re.compile(r"<iframe\b[^>]*?>(?:.*?</iframe\s*>)?", re.I | re.S)
_SRC_RE = re.compile(r"""\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_GALLERY_CLASS_RE = re.compile(r"(^|\s)(wp-block-gallery|gallery|blocks-gallery-grid|tiled-gallery|"
                               r"wp-block-jetpack-tiled-gallery|bantin-gallery)(\s|$)")


def html_to_markdown(markup: str, links: Links, sanitizer: Sanitizer, base_url: str = "") -> Converted:
    """Sanitised by the build's policy, photos and links rewritten, captions made figures, as Markdown.

    Raises ImportProblem for HTML nested deeper than MAX_DEPTH."""
    result = Converted("")
    markup = _GUTENBERG_RE.sub("", markup)
    markup = _IFRAME_RE.sub(lambda match: _iframe(match.group(0), sanitizer.iframe_hosts, base_url, result), markup)
    markup = sanitizer.clean(markup)
    depth = nesting_depth(markup)
    if depth > MAX_DEPTH:
        raise ImportProblem(Text("the HTML is nested {depth} levels deep (at most {limit} are read)", depth=depth,
                                 limit=MAX_DEPTH),
                            Text("the page holds broken markup: clean it in the old site's editor, or leave it out"))
    soup = BeautifulSoup(markup, "lxml")
    _rewrite(soup, links, result, base_url)
    text = _CONVERTER.convert_soup(soup)
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ")
    text = "\n".join(line.rstrip() if not line.endswith("  ") else line for line in text.split("\n"))
    result.markdown = _BLANK_LINES_RE.sub("\n\n", text).strip()
    return result


def _iframe(tag: str, hosts: frozenset[str], base_url: str, result: Converted) -> str:
    """An old page's frame: the player under its privacy-friendly host when the site frames it, else a
    link to what it showed (reported either way when it changed)."""
    found = _SRC_RE.search(tag.split(">", 1)[0])
    src = html.unescape(next((g for g in found.groups() if g is not None), "")) if found else ""
    src = _absolute(("https:" + src) if src.startswith("//") else src, base_url)
    if not re.match(r"^https?://", src, re.I):
        result.notes.append(Text("a frame without an address was left out"))
        return ""
    embed = embed_for(src, hosts)
    if embed.player:
        if embed.player != src:
            result.notes.append(Text("video {url} framed from {host}", url=src, host=embed.host))
        return f'<iframe src="{html.escape(embed.player)}" allowfullscreen></iframe>'
    if (urlsplit(src).hostname or "") in hosts:
        return tag
    result.notes.append(Text("the frame of {url} became a link ({host} is not in iframe_hosts)", url=src,
                             host=urlsplit(src).hostname or ""))
    return f'<p><a href="{html.escape(src)}">{html.escape(src)}</a></p>'


def _rewrite(soup: BeautifulSoup, links: Links, result: Converted, base_url: str) -> None:
    """Photos to their copies, links to new pages, galleries and captions into figures, in place."""
    for gallery in soup.find_all(class_=_GALLERY_CLASS_RE):
        if gallery.parent is not None and gallery.find_parent(class_=_GALLERY_CLASS_RE) is None:
            _gallery(gallery, soup)
    for figure in soup.find_all(["figure", "div", "table"]):
        if figure.parent is not None and (figure.name == "figure" or figure.find("img") is not None):
            _figure(figure, soup)
    for image in soup.find_all("img"):
        _image(image, links, result, base_url)
    for player in soup.find_all(["video", "audio", "source"]):
        for name in ("src", "poster"):
            value = player.get(name)
            if not value:
                continue
            absolute = _absolute(value, base_url)
            target = _local(absolute, links, result) if absolute else None
            player[name] = target or absolute
    unresolved: list[str] = []
    for anchor in soup.find_all("a"):
        _anchor(anchor, links, result, base_url, unresolved)
    if unresolved:
        result.notes.append(Text("links to pages of the old site that were not imported, kept at their old "
                                 "address: {urls}", urls=", ".join(dict.fromkeys(unresolved))))


def _image(image: Tag, links: Links, result: Converted, base_url: str) -> None:
    raw = (image.get("src") or "").strip()
    src = _absolute(raw, base_url)
    if not re.match(r"^(https?://|/)", src, re.I) or src.startswith("//"):
        # no address a reader can load: a photo pasted from Word (file:///C:/...), or relative to nothing
        result.notes.append(Text("photo {src} left out: it has no address on the web (pasted from a computer?)",
                                 src=raw or '""'))
        alt = words(image.get("alt") or "", raw)
        if alt:
            image.replace_with(alt)
        else:
            image.decompose()
        return
    target = _local(src, links, result)
    image["src"] = target or src
    for name in ("width", "height", "class", "loading", "decoding", "id", "srcset", "sizes"):
        image.attrs.pop(name, None)
    for name in ("alt", "title"):  # a camera's file name is no caption ("IMG_2035")
        if image.get(name) is not None and not words(image[name], src):
            del image[name]
    parent = image.parent
    # a photo linking to itself (WordPress's "link to media file") is just the photo
    if parent is not None and parent.name == "a" and len(parent.find_all(True)) == 1 \
            and not parent.get_text(strip=True) and _is_same_file(parent.get("href") or "", src, base_url, links):
        parent.unwrap()


def _anchor(anchor: Tag, links: Links, result: Converted, base_url: str, unresolved: list[str]) -> None:
    href = (anchor.get("href") or "").strip()
    if not href or href.startswith(("#", "mailto:", "tel:")):
        return
    absolute = _absolute(href, base_url)
    if not re.match(r"^https?://", absolute, re.I):
        # relative to an address the post has not got, or a file on someone's computer: the text stays
        result.notes.append(Text("link {href} leads nowhere on the web: kept as text", href=href))
        anchor.unwrap()
        return
    if not links.is_old(absolute):
        anchor["href"] = absolute
        return
    new = links.pages.get(page_key(absolute))
    if new:
        anchor["href"] = new + (("#" + urlsplit(absolute).fragment) if urlsplit(absolute).fragment else "")
        return
    local = _local(absolute, links, result)
    anchor["href"] = local or absolute
    if local is None and not is_file_address(absolute):
        unresolved.append(absolute)


def _gallery(element: Tag, soup: BeautifulSoup) -> None:
    """A gallery (Gutenberg's block, WordPress's [gallery], Jetpack's tiles): its photos, each with
    the caption beside it, as bantin's gallery (photos on consecutive lines)."""
    images = element.find_all("img")
    if not images:
        return
    gallery = soup.new_tag("bantin-gallery")
    for image in images:
        holder = image.find_parent(["figure", "li", "dl"]) or image
        caption = holder.find(["figcaption", "dd"]) if holder is not image else None
        if caption is None and holder is not image:
            caption = holder.find(class_=re.compile(r"caption"))
        text = re.sub(r"\s+", " ", caption.get_text(" ", strip=True)) if caption is not None else ""
        image.extract()
        if text:
            image["title"] = text
            if not image.get("alt"):
                image["alt"] = text
        gallery.append(image)
    after = element.find(class_=re.compile(r"gallery-caption|blocks-gallery-caption"), recursive=False)
    element.replace_with(gallery)
    if after is not None and after.get_text(strip=True):
        paragraph = soup.new_tag("p")
        paragraph.string = after.get_text(" ", strip=True)
        gallery.insert_after(paragraph)


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
    """An address as the old page meant it: relative ones against the page's own address."""
    url = html.unescape(url.strip())
    if url.startswith("//"):
        return "https:" + url
    if base_url and not re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I):
        return urljoin(base_url, url)
    return url


# what a link to a file (not a page) ends with: such a file is copied like a photo, or reported missing
_FILE_SUFFIXES = frozenset({".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".ods", ".odp",
                            ".rtf", ".txt", ".csv", ".zip", ".rar", ".7z", ".jpg", ".jpeg", ".png", ".gif", ".webp",
                            ".bmp", ".tif", ".tiff", ".mp3", ".m4a", ".ogg", ".wav", ".mp4", ".m4v", ".mov", ".webm",
                            ".ogv", ".avi", ".wmv", ".flv", ".epub"})


def is_file_address(url: str) -> bool:
    """Does the address name a document, photo or media file (rather than a page)?"""
    return posixpath.splitext(urlsplit(url).path)[1].lower() in _FILE_SUFFIXES


_FILE_NAME_RE = re.compile(r"^(?:img|dsc[nf]?|pict?|p|photo|image|screenshot|wp|vlcsnap|pxl|mvimg)?[\W_]*\d[\w.-]*$",
                           re.I)


def words(text: str, src: str = "") -> str:
    """A caption or alt text as it should stay: "" when it is only a file name ("IMG_2035",
    "dsc20050813_115856_52", the photo's own name), else the text."""
    text = re.sub(r"\s+", " ", text or "").strip()
    if not text:
        return ""
    stem = posixpath.splitext(posixpath.basename(urlsplit(src).path))[0] if src else ""
    squeezed = re.sub(r"[\s_-]+", "", text.lower())
    if stem and squeezed in (re.sub(r"[\s_-]+", "", stem.lower()),
                             re.sub(r"[\s_-]+", "", posixpath.splitext(original_name(stem + ".x"))[0].lower())):
        return ""
    if " " not in text and (_FILE_NAME_RE.match(text) or re.fullmatch(r"[\w-]+\.(?:jpe?g|png|gif|webp|bmp)", text,
                                                                      re.I)
                            or ("_" in text and re.search(r"\d", text))):  # clip_image002, dsc_0012
        return ""
    return text


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
        if report and url not in result.missing and is_file_address(url):
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


def inside(path: Path, folder: Path) -> bool:
    """Is the file really in the folder: no symlink on the way, nothing outside it?"""
    try:
        relative = path.relative_to(folder)
    except ValueError:
        return False
    step = folder
    for part in relative.parts:
        step = step / part
        if step.is_symlink():
            return False
    return path.resolve().is_relative_to(folder.resolve())


# -- text -----------------------------------------------------------------------------------


_INLINE_TAG_RE = re.compile(r"</?(?:a|abbr|b|bdi|bdo|cite|code|data|del|dfn|em|i|ins|kbd|mark|q|s|samp|small|span|"
                            r"strike|strong|sub|sup|time|u|var|font)\b[^>]*>", re.I)


def plain(fragment: str) -> str:
    """HTML or text with entities -> one line of NFC text ("Mark<sup>up</sup>" is "Markup")."""
    text = re.sub(r"<[^>]+>", " ", _INLINE_TAG_RE.sub("", fragment or ""))
    text = html.unescape(html.unescape(text)) if "&amp;" in text else html.unescape(text)
    return unicodedata.normalize("NFC", _SPACES_RE.sub(" ", re.sub(r"\s+", " ", text))).strip()


