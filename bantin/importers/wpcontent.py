"""A WordPress post's content as WordPress showed it, in HTML that bantin/importers/html.py converts:
shortcodes ([caption], [gallery], [code], [audio], [video], [embed]), addresses alone on their
line (oEmbed), embed blocks, WordPress's paragraphs for classic posts (wpautop), and what is left
out said in words (dynamic blocks, shortcodes kept as text). Pure functions of strings."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from bantin.importers.embeds import embed_for, is_oembed_address
from bantin.importers.html import words
from bantin.language.messages import Text

_SHORTCODE_RE = re.compile(r"\[(/?)([a-z][a-z0-9_-]*)((?:\s[^\]]*)?)\]")
_CAPTION_RE = re.compile(r"\[(?:caption|wp_caption)\b([^\]]*)\](.*?)\[/(?:caption|wp_caption)\]", re.S | re.I)
# SyntaxHighlighter's shortcodes, WordPress.com's among them: [code language="cpp"]...[/code], [python]...[/python]
_CODE_LANGUAGES = ("as3", "actionscript3", "bash", "shell", "c", "cpp", "csharp", "css", "delphi", "diff", "erlang",
                   "go", "groovy", "html", "java", "javafx", "javascript", "js", "json", "jscript", "kotlin", "latex",
                   "matlab", "objc", "perl", "php", "powershell", "ps", "python", "py", "r", "ruby", "rails", "scala",
                   "sql", "swift", "text", "plain", "typescript", "vb", "xml", "xhtml", "xslt", "yaml")
_CODE_RE = re.compile(r"\[(code|sourcecode|source|" + "|".join(_CODE_LANGUAGES) + r")\b([^\]]*)\](.*?)\[/\1\]",
                      re.S | re.I)
_GALLERY_RE = re.compile(r"\[gallery\b([^\]]*)\]", re.I)
_MEDIA_RE = re.compile(r"\[(audio|video)\b([^\]]*)\](?:(.*?)\[/\1\])?", re.S | re.I)
_EMBED_RE = re.compile(r"\[embed\b[^\]]*\]\s*(.*?)\s*\[/embed\]", re.S | re.I)
_ATTRIBUTE_RE = re.compile(r"""([a-z0-9_-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))""", re.I)
_BARE_URL_RE = re.compile(r"(?m)^[ \t]*(?:<p>)?[ \t]*(https?://[^\s<>\"]+)[ \t]*(?:</p>)?[ \t]*$")
_EMBED_BLOCK_RE = re.compile(r"<figure\b[^>]*\bwp-block-embed\b[^>]*>\s*<div\b[^>]*wp-block-embed__wrapper[^>]*>"
                             r"\s*(\S+?)\s*</div>(.*?)</figure>", re.S | re.I)
_DYNAMIC_BLOCK_RE = re.compile(r"<!--\s*wp:([a-z0-9/-]+)(?:\s+\{.*?\})?\s*/-->", re.S)
_QUIET_BLOCKS = frozenset({"more", "nextpage", "spacer", "separator", "footnotes"})  # nothing a reader misses
_PRE_RE = re.compile(r"<pre\b.*?</pre>", re.S | re.I)
_BLOCK_START_RE = re.compile(r"^\s*<(?:p|div|h[1-6]|ul|ol|li|table|figure|blockquote|pre|hr|dl|section|iframe|video|"
                             r"audio|form|address|math|details)\b", re.I)
_AUDIO_SUFFIXES = (".mp3", ".m4a", ".ogg", ".oga", ".wav", ".flac", ".aac")
_VIDEO_SUFFIXES = (".mp4", ".m4v", ".mov", ".webm", ".ogv", ".wmv", ".flv", ".avi")


@dataclass(frozen=True)
class Attachment:
    """A file the export lists as an attachment: its address, caption and alt text, and its post."""

    url: str
    caption: str = ""
    alt: str = ""
    parent: str = ""  # the post it was uploaded to ("" or "0": none)
    order: int = 0  # menu_order: its place in the post's gallery


@dataclass
class Prepared:
    """A post's content made plain HTML, with what the report should say about it."""

    html: str
    shortcodes: list[str] = field(default_factory=list)  # names left as text
    notes: list[str] = field(default_factory=list)  # Text


def prepare(content: str, post_id: str, attachments: dict[str, Attachment], iframe_hosts: frozenset[str]
            ) -> Prepared:
    """The post's content as WordPress would have shown it, as HTML."""
    result = Prepared("")
    content = content.replace("\r\n", "\n").replace("\r", "\n")
    content = _CODE_RE.sub(_code, content)
    content = _CAPTION_RE.sub(_caption, content)
    content = _GALLERY_RE.sub(lambda m: _gallery(m, post_id, attachments, result), content)
    content = _MEDIA_RE.sub(lambda m: _media(m, post_id, attachments, result), content)
    content = _EMBED_RE.sub(lambda m: _embed(m.group(1), iframe_hosts, result), content)
    content = _EMBED_BLOCK_RE.sub(lambda m: _embed(m.group(1), iframe_hosts, result, m.group(2)), content)
    dynamic = [f"wp:{name}" for name in dict.fromkeys(m.group(1) for m in _DYNAMIC_BLOCK_RE.finditer(content))
               if name.removeprefix("core/") not in _QUIET_BLOCKS]
    if dynamic:
        result.notes.append(Text("blocks left out, which WordPress drew when the page was shown (lists of posts, "
                                 "menus, forms): {names}", names=", ".join(dynamic)))
    blocks = "<!-- wp:" in content
    for match in _SHORTCODE_RE.finditer(_PRE_RE.sub("", content)):
        if not match.group(1) and match.group(2) not in result.shortcodes:
            result.shortcodes.append(match.group(2))
    if not blocks:
        content = _BARE_URL_RE.sub(lambda m: _bare(m, iframe_hosts, result), content)
        content = autop(content)
    result.html = content
    return result


def _attributes(text: str) -> dict[str, str]:
    return {m.group(1).lower(): html.unescape(next(g for g in m.groups()[1:] if g is not None))
            for m in _ATTRIBUTE_RE.finditer(text or "")}


def _code(match: re.Match[str]) -> str:
    """[code language="cpp"]...[/code] -> <pre><code class="language-cpp">, its lines as they were."""
    attributes = _attributes(match.group(2))
    name = match.group(1).lower()
    language = attributes.get("language") or attributes.get("lang") or ("" if name in ("code", "sourcecode",
                                                                                         "source") else name)
    language = re.sub(r"[^a-z0-9_+#-]", "", language.lower())
    code = html.unescape(match.group(3)).strip("\n")
    css = f' class="language-{language}"' if language else ""
    return f"\n\n<pre><code{css}>{html.escape(code, quote=False)}</code></pre>\n\n"


def _caption(match: re.Match[str]) -> str:
    """[caption]<img> text[/caption] -> <figure><img><figcaption>text</figcaption></figure>."""
    inner = match.group(2)
    image = re.search(r"(<a\b[^>]*>\s*)?<img\b[^>]*>(\s*</a>)?", inner, re.I)
    if not image:
        return inner
    caption = inner[:image.start()] + inner[image.end():]
    if not caption.strip():
        caption = _attributes(match.group(1)).get("caption", "")
    return f"<figure>{image.group(0)}<figcaption>{caption.strip()}</figcaption></figure>"


def _gallery(match: re.Match[str], post_id: str, attachments: dict[str, Attachment], result: Prepared) -> str:
    """[gallery ids="1,2"] (or the post's own photos) -> the photos with their captions, as a gallery."""
    attributes = _attributes(match.group(1))
    ids = [i.strip() for i in (attributes.get("ids") or attributes.get("include") or "").split(",") if i.strip()]
    if ids:
        photos = [attachments[i] for i in ids if i in attachments]
        absent = [i for i in ids if i not in attachments]
        if absent and photos:
            result.notes.append(Text("gallery {shortcode}: photos {ids} are not in the export, left out",
                                     shortcode=match.group(0), ids=", ".join(absent)))
    else:
        photos = sorted((a for a in attachments.values() if a.parent == post_id and _is_photo(a.url)),
                        key=lambda a: a.order)
    if not photos:
        result.notes.append(Text("gallery {shortcode} left out: the export lists none of its photos",
                                 shortcode=match.group(0)))
        return ""
    figures = "".join(f'<figure><img src="{html.escape(a.url)}" alt="{html.escape(words(a.alt, a.url))}">'
                      f"<figcaption>{html.escape(words(a.caption, a.url))}</figcaption></figure>" for a in photos)
    return f'\n\n<div class="bantin-gallery">{figures}</div>\n\n'


def _is_photo(url: str) -> bool:
    return url.lower().rsplit("?", 1)[0].endswith((".jpg", ".jpeg", ".png", ".gif", ".webp"))


def _media(match: re.Match[str], post_id: str, attachments: dict[str, Attachment], result: Prepared) -> str:
    """[audio mp3="..."], [audio URL], [video mp4="..."] (or the post's own file) -> the browser's player."""
    kind = match.group(1).lower()
    suffixes = _AUDIO_SUFFIXES if kind == "audio" else _VIDEO_SUFFIXES
    attributes = _attributes(match.group(2))
    bare = re.search(r"https?://\S+", match.group(2) or "")
    src = attributes.get("src") or next((v for k, v in attributes.items() if "." + k in suffixes), "") \
        or (bare.group(0) if bare and "=" not in bare.group(0) else "")
    if not src:
        own = sorted((a for a in attachments.values() if a.parent == post_id
                      and a.url.lower().rsplit("?", 1)[0].endswith(suffixes)), key=lambda a: a.order)
        src = own[0].url if own else ""
    if not src:
        result.notes.append(Text("{shortcode} left out: the export names no file for it", shortcode=f"[{kind}]"))
        return ""
    poster = f' poster="{html.escape(attributes["poster"])}"' if kind == "video" and attributes.get("poster") else ""
    return f'\n\n<{kind} controls src="{html.escape(src)}"{poster}></{kind}>\n\n'


def _embed(url: str, iframe_hosts: frozenset[str], result: Prepared, caption: str = "") -> str:
    """An embedded address: the player when the site frames it, else a link (reported)."""
    url = html.unescape(re.sub(r"<[^>]+>", "", url)).strip()
    embed = embed_for(url, iframe_hosts)
    after = f"\n\n{caption.strip()}\n\n" if caption.strip() else ""
    if embed.player:
        return f'\n\n<iframe src="{html.escape(embed.player)}" allowfullscreen></iframe>\n\n' + after
    result.notes.append(Text("embed of {url} kept as a link (bantin frames only the hosts of iframe_hosts)", url=url))
    return f'\n\n<p><a href="{html.escape(url)}">{html.escape(url)}</a></p>\n\n' + after


def _bare(match: re.Match[str], iframe_hosts: frozenset[str], result: Prepared) -> str:
    """An address alone on its line is an embed when WordPress embeds its host (oEmbed); else it stays."""
    if not is_oembed_address(match.group(1)):
        return match.group(0)
    return _embed(match.group(1), iframe_hosts, result)


def autop(text: str) -> str:
    """WordPress's wpautop, as far as articles need it: blank lines part paragraphs, a newline is a
    <br>; <pre> blocks keep their lines as they are."""
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return f"\n\n\x00{len(kept) - 1}\x00\n\n"

    text = _PRE_RE.sub(keep, text.replace("\r\n", "\n").replace("\r", "\n"))
    blocks = []
    for chunk in re.split(r"\n\s*\n", text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if _BLOCK_START_RE.match(chunk) or re.fullmatch(r"\x00\d+\x00", chunk):
            blocks.append(chunk)
        else:
            blocks.append("<p>" + chunk.replace("\n", "<br>\n") + "</p>")
    return re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], "\n".join(blocks))
