"""What the photo pipeline knows of a photo: its facts, and the files made from it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ImageFacts:
    """What the header of a photo says (read without decoding it), and the digest of its bytes."""

    digest: str  # hex digest of the file: names its variants and its cache entry
    width: int  # upright: after the EXIF orientation is applied
    height: int
    format: str  # Pillow's name: "JPEG", "PNG", "WEBP", ...
    orientation: int  # EXIF orientation, 1 when none
    alpha: bool  # has transparency: the fallback is PNG, not JPEG
    animated: bool  # several frames: published as it is
    size: int  # bytes of the original


@dataclass(frozen=True)
class Variant:
    """One file made from a photo."""

    url: str  # site path, "/anh/2023/hoi-thao.800.1a2b3c4d5e.webp"
    width: int
    height: int
    mime: str  # "image/webp", "image/avif", "image/jpeg", "image/png"


@dataclass(frozen=True)
class Picture:
    """A photo an article uses, as readers get it: every file made from it (bantin/photos/variants.py)."""

    path: str  # site path of the original, "/anh/2023/hoi-thao.jpg": it gets the largest fallback
    source: str  # project-relative path of the original file
    width: int  # of the largest full-frame variant
    height: int
    full: tuple[Variant, ...]  # the whole frame at every width, modern formats first, the fallback last
    thumbs: tuple[Variant, ...]  # cropped to the thumbnail ratio, for lists
    share: Variant | None  # 1200x630 crop for social previews (og:image)
    token: str = ""  # digest of the original and the settings: in every variant's name, and the cache's key
    copied: bool = False  # an animation: published as it is, no variants
