"""Markdown to HTML: Python-Markdown with tables (and their footers), footnotes, attribute lists,
definition lists, fenced code, superscript, subscript and strikethrough, heading ids from
python-slugify, images with captions (several on consecutive lines: a gallery), and links that
follow the site's base path."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from slugify import slugify

from bantin.markup import charts
from bantin.markup.sanitize import DEFAULT_IFRAME_HOSTS, Sanitizer

_TAG_RE = re.compile(r"<[^>]+>")
_PARAGRAPH_RE = re.compile(r"<p>(.*?)</p>", re.S)
_SPACE_RE = re.compile(r"\s+")


def heading_id(value: str, separator: str) -> str:
    """Heading ids from python-slugify, so '## Đắk Lắk' gets id 'dak-lak', not 'ak-lak'."""
    return slugify(value, separator=separator) or "muc"


# a table row whose every cell is a delimiter ("---", ":---:") starts the table's footer
_DELIMITER_CELL_RE = re.compile(r"^:?-{3,}:?$")


class _FiguresAndLinks(Treeprocessor):
    """Turn an image alone in a paragraph into a captioned figure, images alone on consecutive
    lines into a gallery of them, a second delimiter row of a table into its footer; root links
    follow base path."""

    def __init__(self, md: markdown.Markdown, base_path: str) -> None:
        super().__init__(md)
        self.prefix = base_path.rstrip("/")
        self.targets: list[tuple[str, str]] = []  # (tag, href or src as written) of the last body converted

    def run(self, root: etree.Element) -> None:
        self.targets = []
        for element in root.iter():
            if element.tag == "p":
                self._figure(element)
            elif element.tag == "table":
                self._footer(element)
            elif element.tag == "img":
                element.set("loading", "lazy")
                element.set("decoding", "async")
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is not None and element.tag in ("a", "img"):
                    self.targets.append((element.tag, value))  # before the sanitiser drops what it refuses
                if self.prefix and value and value.startswith("/") and not value.startswith("//"):
                    element.set(attribute, self.prefix + value)

    @staticmethod
    def _figure(paragraph: etree.Element) -> None:
        children = list(paragraph)
        if not children or any(child.tag != "img" or (child.tail or "").strip() for child in children) \
                or (paragraph.text or "").strip():
            return
        if len(children) == 1:
            paragraph.tag = "figure"
            _caption(paragraph, children[0])
            return
        paragraph.tag = "div"  # several photos and nothing else: a gallery, each photo with its caption
        paragraph.set("class", "gallery")
        paragraph.text = None
        for image in children:
            paragraph.remove(image)
            figure = etree.SubElement(paragraph, "figure")
            figure.append(image)
            _caption(figure, image)

    @staticmethod
    def _footer(table: etree.Element) -> None:
        body = table.find("tbody")
        if body is None:
            return
        rows = list(body)
        for index, row in enumerate(rows):
            cells = list(row)
            if cells and all(_DELIMITER_CELL_RE.match((cell.text or "").strip()) and not len(cell)
                             for cell in cells):
                footer = etree.SubElement(table, "tfoot")
                body.remove(row)
                for later in rows[index + 1:]:
                    body.remove(later)
                    footer.append(later)
                if not len(body):
                    table.remove(body)
                return


def _caption(figure: etree.Element, image: etree.Element) -> None:
    """The photo's title (else its alt text) as the figure's caption."""
    caption = image.attrib.pop("title", "") or image.get("alt", "")
    image.tail = None
    if caption:
        etree.SubElement(figure, "figcaption").text = caption


class _BantinExtension(Extension):
    def __init__(self, base_path: str) -> None:
        super().__init__()
        self.base_path = base_path

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # priority 1: after inline patterns (20) have made the <img> and <a> elements
        self.processor = _FiguresAndLinks(md, self.base_path)
        md.treeprocessors.register(self.processor, "bantin-figures", 1)


class MarkdownRenderer:
    """One reusable converter; not thread-safe, so one per process.

    raw_html decides what becomes of HTML written in the Markdown: "safe" sanitises the
    result (bantin/markup/sanitize.py), "escape" shows it as text (and sanitises the rest: links
    and attribute lists can carry script too), "trusted" keeps it as it is.
    """

    def __init__(self, base_path: str = "/", raw_html: str = "safe",
                 iframe_hosts: tuple[str, ...] = DEFAULT_IFRAME_HOSTS,
                 footnote_back: str = "Quay lại chỗ chú thích %d trong bài") -> None:
        self._bantin = _BantinExtension(base_path)
        self._md = markdown.Markdown(
            extensions=["tables", "attr_list", "footnotes", "toc", "sane_lists", "def_list",
                        # ```python fences, also inside list items and quotes (where old posts put code);
                        # the language as a class, no highlighter and no script
                        "pymdownx.highlight", "pymdownx.superfences",
                        # ^superscript^ (m^2^), ~subscript~ (CO~2~), ~~strikethrough~~
                        "pymdownx.caret", "pymdownx.tilde", self._bantin],
            extension_configs={
                "toc": {"slugify": heading_id},
                # the footnotes' back links speak the site's language ("Jump back to footnote 1" otherwise)
                "footnotes": {"BACKLINK_TITLE": footnote_back},
                "pymdownx.highlight": {"use_pygments": False},
                "pymdownx.caret": {"insert": False},  # ^^text^^ would be <ins>: one way to underline is enough
            },
            output_format="html",
        )
        if raw_html == "escape":
            # without these, Python-Markdown escapes HTML like any other text
            self._md.preprocessors.deregister("html_block")
            self._md.inlinePatterns.deregister("html")
        self._sanitizer = Sanitizer("safe" if raw_html == "escape" else raw_html, iframe_hosts)

    def render(self, text: str) -> str:
        """Convert one article body to HTML, sanitised as the site's raw_html setting says."""
        return self.render_with_targets(text)[0]

    def render_with_targets(self, text: str) -> tuple[str, list[tuple[str, str]]]:
        """The body as HTML, and the target of every Markdown link and image as written
        ("a" or "img", the href or src), even those the sanitiser then drops (C:\\...)."""
        html_, targets, _ = self.render_article(text)
        return html_, targets

    def render_article(self, text: str) -> tuple[str, list[tuple[str, str]],
                                                 list[charts.ChartSpec | charts.ChartInvalid]]:
        """The body as HTML with a mark where each chart goes (drawn when the page renders, from its
        table), the targets of its links and images as written, and its charts (or why each cannot be)."""
        text, found = charts.extract(text)
        self._md.reset()
        converted = self._md.convert(text)
        return self._sanitizer.clean(converted), self._bantin.processor.targets, found


def first_paragraph_text(body_html: str) -> str:
    """Plain text of the first non-empty paragraph of rendered HTML (the default summary)."""
    for match in _PARAGRAPH_RE.finditer(body_html):
        text = _SPACE_RE.sub(" ", html.unescape(_TAG_RE.sub("", match.group(1)))).strip()
        if text:
            return text
    return ""


def plain_text(fragment: str) -> str:
    """HTML fragment to one line of plain text."""
    text = _TAG_RE.sub(" ", fragment)
    # split and joined, not _SPACE_RE.sub: the same text (both part at what str.isspace calls a space), in a
    # tenth of the time (a sub makes a match of every space between two words: the search index's records)
    return " ".join((html.unescape(text) if "&" in text else text).split())
