"""Markdown to HTML: Python-Markdown with tables, footnotes, attribute lists, heading ids
from python-slugify, images with captions, and links that follow the site's base path."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from slugify import slugify

from bantin.markup.sanitize import DEFAULT_IFRAME_HOSTS, Sanitizer

_TAG_RE = re.compile(r"<[^>]+>")
_PARAGRAPH_RE = re.compile(r"<p>(.*?)</p>", re.S)
_SPACE_RE = re.compile(r"\s+")


def heading_id(value: str, separator: str) -> str:
    """Heading ids from python-slugify, so '## Đắk Lắk' gets id 'dak-lak', not 'ak-lak'."""
    return slugify(value, separator=separator) or "muc"


class _FiguresAndLinks(Treeprocessor):
    """Turn an image alone in a paragraph into a captioned figure; root links follow base path."""

    def __init__(self, md: markdown.Markdown, base_path: str) -> None:
        super().__init__(md)
        self.prefix = base_path.rstrip("/")
        self.targets: list[tuple[str, str]] = []  # (tag, href or src as written) of the last body converted

    def run(self, root: etree.Element) -> None:
        self.targets = []
        for element in root.iter():
            if element.tag == "p":
                self._figure(element)
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
        if len(children) != 1 or children[0].tag != "img":
            return
        image = children[0]
        if (paragraph.text or "").strip() or (image.tail or "").strip():
            return
        caption = image.attrib.pop("title", "") or image.get("alt", "")
        paragraph.tag = "figure"
        image.tail = None
        if caption:
            etree.SubElement(paragraph, "figcaption").text = caption


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
            extensions=["tables", "attr_list", "footnotes", "toc", "sane_lists", self._bantin],
            # the footnotes' back links speak the site's language ("Jump back to footnote 1" otherwise)
            extension_configs={"toc": {"slugify": heading_id}, "footnotes": {"BACKLINK_TITLE": footnote_back}},
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
        self._md.reset()
        converted = self._md.convert(text)
        return self._sanitizer.clean(converted), self._bantin.processor.targets


def first_paragraph_text(body_html: str) -> str:
    """Plain text of the first non-empty paragraph of rendered HTML (the default summary)."""
    for match in _PARAGRAPH_RE.finditer(body_html):
        text = _SPACE_RE.sub(" ", html.unescape(_TAG_RE.sub("", match.group(1)))).strip()
        if text:
            return text
    return ""


def plain_text(fragment: str) -> str:
    """HTML fragment to one line of plain text."""
    return _SPACE_RE.sub(" ", html.unescape(_TAG_RE.sub(" ", fragment))).strip()
