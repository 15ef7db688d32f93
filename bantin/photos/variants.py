"""Photos as readers get them: which files are made of each photo, and the markup that offers them.

Pure functions, no Pillow: `plan_picture` names every variant of a photo from the facts its
header gave (bantin/photos/processing.py reads those and encodes the files); `picture_html` writes a
<picture> with srcset, sizes, width and height, so the browser picks the smallest file that
fills the space and the page does not jump while photos arrive; `expand_images` does that
for every photo of an article body; `body_images` lists the photos a body uses.
"""

from __future__ import annotations

import hashlib
import html
import posixpath
import re
from collections.abc import Callable
from urllib.parse import quote, unquote, urlsplit

from bantin.photos.model import ImageFacts, Picture, Variant
from bantin.project.config import Images

PIPELINE_VERSION = "1"  # change it when encoding changes: every cached variant is then made again
SHARE_SIZE = (1200, 630)  # what Facebook, Zalo and X show in a link preview
MIME = {"webp": "image/webp", "avif": "image/avif", "jpeg": "image/jpeg", "png": "image/png"}
EXTENSION = {"webp": ".webp", "avif": ".avif", "jpeg": ".jpg", "png": ".png"}
# the originals the pipeline turns into variants; others (SVG, PDF) are published as they are
PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".webp", ".avif", ".gif", ".heic", ".heif",
                            ".tif", ".tiff", ".bmp"})
_SUFFIX_FORMAT = {".jpg": "jpeg", ".jpeg": "jpeg", ".jpe": "jpeg", ".jfif": "jpeg", ".png": "png",
                  ".webp": "webp", ".avif": "avif"}

_IMG_RE = re.compile(r"<img\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.IGNORECASE)
_ATTR_RE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")
_SCHEME_RE = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_KEPT_ATTRIBUTES = ("alt", "title", "class", "id")  # what an editor's <img> keeps in its <picture>


def is_photo(path: str) -> bool:
    """Is this site path a photo the pipeline processes (by its extension)?"""
    return posixpath.splitext(path)[1].lower() in PHOTO_SUFFIXES


def fallback_format(facts: ImageFacts) -> str:
    """The format every browser shows: PNG for graphics and transparency, JPEG for photos."""
    return "png" if facts.alpha or facts.format in ("PNG", "GIF") else "jpeg"


def variant_token(facts: ImageFacts, settings: Images) -> str:
    """Names a photo's variants: a new name whenever the photo or the settings change (so cached forever)."""
    key = (PIPELINE_VERSION, facts.digest, settings.widths, settings.formats, settings.quality,
           settings.thumbnail_ratio, settings.thumbnail_widths)
    return hashlib.blake2b(repr(key).encode(), digest_size=5).hexdigest()


def plan_picture(path: str, source: str, facts: ImageFacts, settings: Images) -> Picture:
    """Every file to make of one photo, named and sized, before any is encoded."""
    width, height = facts.width, facts.height
    if facts.animated:
        return Picture(path, source, width, height, (), (), None, copied=True)
    token = variant_token(facts, settings)
    folder, name = path.rsplit("/", 1)
    stem = name.rsplit(".", 1)[0] if "." in name else name
    fallback = fallback_format(facts)
    formats = (*settings.formats, fallback)

    def variant(label: str, kind: str, w: int, h: int) -> Variant:
        return Variant(f"{folder}/{stem}.{label}.{token}{EXTENSION[kind]}", w, h, MIME[kind])

    full = tuple(variant(str(w), kind, w, _scaled(height, w, width))
                 for kind in formats for w in _widths(settings.widths, width))
    ratio_w, ratio_h = settings.thumbnail_ratio
    crop_w, _ = _crop(width, height, ratio_w, ratio_h)
    thumbs = tuple(variant(f"thumb{w}", kind, w, max(1, round(w * ratio_h / ratio_w)))
                   for kind in formats for w in _widths(settings.thumbnail_widths, crop_w))
    share_w = min(SHARE_SIZE[0], _crop(width, height, *SHARE_SIZE)[0])
    share = variant("share", fallback, share_w, max(1, round(share_w * SHARE_SIZE[1] / SHARE_SIZE[0])))
    largest = full[-1]
    return Picture(path, source, largest.width, largest.height, full, thumbs, share, token)


def cache_name(variant: Variant, token: str) -> str:
    """A variant's file name in the cache, without the photo's name: "800.<token>.webp"."""
    name = variant.url.rsplit("/", 1)[1]
    label, rest = name[: name.rindex(f".{token}")].rsplit(".", 1)[-1], name[name.rindex(f".{token}"):]
    return label + rest


def original_copy(picture: Picture) -> Variant | None:
    """The variant published at the original's own path too (direct links keep working), if one
    has the original's format: the largest. None for formats browsers do not show (HEIC, TIFF)."""
    kind = _SUFFIX_FORMAT.get(posixpath.splitext(picture.path)[1].lower())
    matching = [v for v in picture.full if kind and v.mime == MIME[kind]]
    return matching[-1] if matching else None


def _widths(wanted: tuple[int, ...], available: int) -> list[int]:
    """The wanted widths below the original's, then the largest one it can give: never enlarged."""
    return sorted({w for w in wanted if w < available} | {min(available, max(wanted))})


def _scaled(height: int, width: int, original_width: int) -> int:
    return max(1, round(height * width / original_width))


def _crop(width: int, height: int, ratio_w: int, ratio_h: int) -> tuple[int, int]:
    """The largest box of this ratio inside the frame."""
    if width * ratio_h > height * ratio_w:
        return max(1, round(height * ratio_w / ratio_h)), height
    return width, max(1, round(width * ratio_h / ratio_w))


# --- markup -----------------------------------------------------------------------------

def picture_html(picture: Picture, alt: str, url: Callable[[str], str], sizes: str, *,
                 crop: bool = False, priority: bool = False, attributes: dict[str, str] | None = None) -> str:
    """<picture> with one <source> per modern format and the fallback <img>: srcset, sizes,
    width and height; lazy unless `priority` (the first photo of a page: fetched first)."""
    loading = ' fetchpriority="high" decoding="async"' if priority else ' loading="lazy" decoding="async"'
    extra = "".join(f' {name}="{_attr(value)}"' for name, value in (attributes or {}).items()
                    if name in _KEPT_ATTRIBUTES and name != "alt")
    if picture.copied:
        return (f'<img src="{_attr(_link(url, picture.path))}" alt="{_attr(alt)}" width="{picture.width}" '
                f'height="{picture.height}"{extra}{loading}>')
    variants = picture.thumbs if crop else picture.full
    by_type: dict[str, list[Variant]] = {}
    for variant in variants:
        by_type.setdefault(variant.mime, []).append(variant)
    *modern, fallback = by_type.values()
    largest = fallback[-1]

    def srcset(group: list[Variant]) -> str:
        return _attr(", ".join(f"{_link(url, v.url)} {v.width}w" for v in group))

    sources = "".join(f'<source type="{group[0].mime}" srcset="{srcset(group)}" sizes="{_attr(sizes)}">'
                      for group in modern)
    return (f'<picture>{sources}<img src="{_attr(_link(url, largest.url))}" srcset="{srcset(fallback)}" '
            f'sizes="{_attr(sizes)}" width="{largest.width}" height="{largest.height}" alt="{_attr(alt)}"'
            f'{extra}{loading}></picture>')


def url_path(path: str) -> str:
    """A variant's site path as it goes into a URL: percent-encoded, since a space or a comma
    in a file name would split a srcset entry, and a link preview needs a valid URL too."""
    return quote(path, safe="/-._~")


def _link(url: Callable[[str], str], path: str) -> str:
    return url(url_path(path))


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def img_tags(body_html: str) -> list[tuple[re.Match[str], dict[str, str]]]:
    """Every <img> of an HTML fragment, with its attributes (unescaped)."""
    tags = []
    for match in _IMG_RE.finditer(body_html):
        attributes: dict[str, str] = {}
        for name, double, single, bare in _ATTR_RE.findall(match.group(1)):
            attributes.setdefault(name.lower(), html.unescape(double or single or bare))
        tags.append((match, attributes))
    return tags


def site_path(src: str, base_path: str, page_url: str) -> str | None:
    """The site path an <img src> points to, without the base path, or None when it is elsewhere."""
    src = src.strip()
    if not src or src.startswith("//") or _SCHEME_RE.match(src):
        return None
    path = unquote(urlsplit(src).path)
    if not path:
        return None
    if not path.startswith("/"):
        path = posixpath.join(page_url, path)  # relative to the article's page, as a browser reads it
    elif base_path != "/" and path.startswith(base_path):
        path = "/" + path[len(base_path):]
    path = posixpath.normpath(path)
    return path if path.startswith("/") and path != "/" else None


def body_images(body_html: str, base_path: str, page_url: str) -> list[str]:
    """The site paths of the images an article body shows, in order, each once."""
    found = (site_path(attributes.get("src", ""), base_path, page_url) for _, attributes in img_tags(body_html))
    return list(dict.fromkeys(path for path in found if path))


def expand_images(body_html: str, picture_of: Callable[[str], Picture | None], url: Callable[[str], str],
                  sizes: str, base_path: str, page_url: str, priority_first: bool) -> str:
    """An article body with each of its photos as a <picture>; the first one is fetched first
    when `priority_first`. Images the pipeline did not make (other sites, SVG) stay as they are."""
    parts: list[str] = []
    end = 0
    first = priority_first
    for match, attributes in img_tags(body_html):
        path = site_path(attributes.get("src", ""), base_path, page_url)
        picture = picture_of(path) if path else None
        if picture is None:
            continue
        parts.append(body_html[end: match.start()])
        parts.append(picture_html(picture, attributes.get("alt", ""), url, sizes, priority=first,
                                  attributes=attributes))
        end = match.end()
        first = False
    if not parts:
        return body_html
    parts.append(body_html[end:])
    return "".join(parts)
