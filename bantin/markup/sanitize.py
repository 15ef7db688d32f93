"""What editors write may hold HTML; under raw_html = "safe" only the harmless part reaches readers.

The rendered Markdown of every article goes through nh3 (ammonia, an HTML5 parser with an
allow-list) so that script, event handlers, `javascript:` and `data:` links, forms, frames
from unknown hosts, `<base>` and `<meta>` never reach a reader's browser, however they are
encoded. Layouts are not sanitised: they are the site's own code.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import nh3

RAW_HTML_MODES = ("safe", "trusted", "escape")
# YouTube's privacy-enhanced host and Facebook's video player
DEFAULT_IFRAME_HOSTS = ("www.youtube-nocookie.com", "www.facebook.com")

# The HTML editors use, and everything Python-Markdown and its extensions emit.
_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del",
    "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "iframe", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp",
    "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "time", "tr", "u", "ul", "var",
    "video", "audio", "source", "track",  # an archive's own video and audio files, played by the browser
}
_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir"},  # ids of headings and footnotes, classes of attr_list
    "a": {"href"},
    "img": {"src", "alt", "width", "height", "loading", "decoding"},
    "iframe": {"src", "width", "height", "allow", "allowfullscreen", "loading", "referrerpolicy", "frameborder"},
    "td": {"colspan", "rowspan", "style"},  # style: the tables extension aligns columns with text-align
    "th": {"colspan", "rowspan", "scope", "style"},
    "col": {"span"}, "colgroup": {"span"},
    "ol": {"start", "reversed"}, "li": {"value"},
    "time": {"datetime"}, "details": {"open"},
    # no autoplay: readers on mobile data start a video themselves
    "video": {"src", "controls", "poster", "preload", "width", "height", "loop", "muted", "playsinline"},
    "audio": {"src", "controls", "preload", "loop"},
    "source": {"src", "type"}, "track": {"src", "kind", "srclang", "label", "default"},
    "blockquote": {"cite"}, "q": {"cite"}, "del": {"cite", "datetime"}, "ins": {"cite", "datetime"},
}
_URL_ATTRIBUTES = {"href", "src", "cite", "poster"}
_TEXT_ALIGN = re.compile(r"^\s*text-align:\s*(?:left|right|center|justify)\s*;?\s*$", re.IGNORECASE)
_DATA_IMAGE = re.compile(r"^\s*data:image/", re.IGNORECASE)


# Files a browser runs as a document of the site's own origin (script included) when opened
# directly: under content/ they would be pages nobody sanitised, so only "trusted" copies them.
ACTIVE_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".xht", ".shtml", ".svg", ".svgz", ".xml", ".xsl",
                             ".xslt", ".js", ".mjs", ".swf"})


def active_file(name: str, mode: str) -> bool:
    """Would copying this file from content/ publish script that the raw_html mode forbids? (A name
    ending in dots or spaces, "x.html.", is what Windows and some servers make of "x.html".)"""
    name = name.lower().rstrip(". \t")
    return mode != "trusted" and any(name.endswith(suffix) for suffix in ACTIVE_SUFFIXES)


class Sanitizer:
    """Cleans article HTML under one policy; cheap to build, safe to keep for a whole build."""

    def __init__(self, mode: str = "safe", iframe_hosts: tuple[str, ...] = DEFAULT_IFRAME_HOSTS) -> None:
        if mode not in RAW_HTML_MODES:
            raise ValueError(f"unknown raw_html mode {mode!r}")
        self.mode = mode
        self.iframe_hosts = frozenset(host.lower() for host in iframe_hosts)

    def clean(self, html: str) -> str:
        """The HTML with every executable part removed ("trusted": as it is)."""
        if self.mode == "trusted":
            return html
        return nh3.clean(
            html,
            tags=_TAGS,
            clean_content_tags={"script", "style"},  # dropped with their text, which is code
            attributes=_ATTRIBUTES,
            attribute_filter=self._attribute,
            url_schemes={"http", "https", "mailto", "tel", "data"},  # data: narrowed in _attribute
            link_rel=None,  # no rel added to the site's own links
            strip_comments=True,
        )

    def _attribute(self, element: str, attribute: str, value: str) -> str | None:
        """Called by nh3 for every allowed attribute: None drops it."""
        if element == "iframe" and attribute == "src":
            parts = urlsplit(value.strip())
            return value if parts.scheme == "https" and (parts.hostname or "") in self.iframe_hosts else None
        if attribute == "style":  # only the column alignment of Markdown tables
            return value if _TEXT_ALIGN.match(value) else None
        if attribute in _URL_ATTRIBUTES and value.lstrip()[:5].lower() == "data:":
            return value if element == "img" and attribute == "src" and _DATA_IMAGE.match(value) else None
        return value
