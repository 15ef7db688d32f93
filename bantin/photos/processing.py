"""The photo pipeline's work with Pillow: read each photo's facts, encode its variants, keep them.

Every photo an article uses (its cover or its body) is turned upright from its EXIF
orientation, stripped of its metadata (GPS position, camera serial, thumbnails; the colour
profile stays), resized to the widths of [images] (never enlarged) and encoded in each
format with a JPEG or PNG fallback (photos/variants.py names the files). Encoded files are
kept in .bantin-cache/images/<token>/, the token being a digest of the photo and the
settings: a build with the cache kept encodes nothing. The pipeline maps `encode` over
worker processes, one per core.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import shutil
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from PIL import Image, ImageOps, UnidentifiedImageError

from bantin.language.errors import BuildFailed, ContentError
from bantin.language.messages import Text
from bantin.photos.model import ImageFacts, Picture, Variant
from bantin.photos.variants import cache_name, is_photo, original_copy, plan_picture
from bantin.project import cache
from bantin.project.config import Config, Images
from bantin.project.inputs import project_relative

try:  # iPhone photos (HEIC) when the optional pillow-heif is installed: pip install bantin[heic]
    from pillow_heif import register_heif_opener  # type: ignore[import-not-found]

    register_heif_opener()
    HEIC = True
except ImportError:
    HEIC = False

CACHE_FOLDER = "images"
MAX_PIXELS = 2 * (Image.MAX_IMAGE_PIXELS or 89_478_485)  # Pillow's decompression-bomb limit
_ROTATED = (5, 6, 7, 8)  # EXIF orientations that swap width and height
_UNREADABLE = (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError, SyntaxError, EOFError)
AVIF_QUALITY = 0.72  # measured on bench/images.py's photos at 800 px: AVIF 58 ~ WebP 80 in PSNR (31.7 dB)
_SAVE = {  # Pillow's options per format; quality comes from [images]
    "webp": {"format": "WEBP", "method": 4},
    # speed 8: a quarter of speed 6's time for 1-2% more bytes; one thread, as there is a worker per core
    "avif": {"format": "AVIF", "speed": 8, "max_threads": 1},
    "jpeg": {"format": "JPEG", "optimize": True, "progressive": True},
    "png": {"format": "PNG", "compress_level": 6},
}


class UsesPhotos(Protocol):
    """What uses photos: an article, or what an article that failed to parse refers to (its References)."""

    @property
    def key(self) -> str: ...  # the article's key, for messages

    @property
    def images(self) -> tuple[tuple[str, int, str], ...]: ...  # (site path, line, field) of every image shown


class ImageUnreadable(Exception):
    """A file that is not a photo Pillow can read, with the reason in words."""


def read_facts(path: Path) -> ImageFacts:
    """A photo's facts from its header (not decoded), or ImageUnreadable."""
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix in (".heic", ".heif") and not HEIC:
        raise ImageUnreadable(Text("HEIC photos need the optional pillow-heif: pip install 'bantin[heic]'; "
                                   "or export the photo as JPEG (iPhone: Settings › Camera › Formats › Most "
                                   "Compatible)"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
        width, height = image.size
        orientation = image.getexif().get(0x0112, 1)
        frames = getattr(image, "n_frames", 1)
    except _UNREADABLE as exc:
        raise ImageUnreadable(_reason(exc)) from None
    if width * height > MAX_PIXELS:
        raise ImageUnreadable(Text("{width}×{height} pixels is too large to process", width=width, height=height))
    if not _ends_whole(data, image.format or ""):
        _decode(image)
    orientation = orientation if orientation in range(1, 9) else 1
    if orientation in _ROTATED:
        width, height = height, width
    alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    return ImageFacts(digest, width, height, image.format or "", orientation, alpha, frames > 1, len(data))


# How a whole file of a format ends: a JPEG's end-of-image marker, a PNG's IEND chunk with its CRC.
_ENDINGS = {"JPEG": b"\xff\xd9", "MPO": b"\xff\xd9", "PNG": b"IEND\xaeB`\x82"}


def _ends_whole(data: bytes, kind: str) -> bool:
    """Whether the file ends as a whole one of its format does (trailing zero padding allowed): an upload
    cut short does not. Files that end otherwise (a phone's trailer after the JPEG, another format) are
    decoded to be sure."""
    ending = _ENDINGS.get(kind)
    return ending is not None and data.rstrip(b"\0").endswith(ending)


def _decode(image: Image.Image) -> None:
    """Decode the photo, so that `check` finds what the build would (a file cut short by an upload from a
    phone reads its header fine); a JPEG at an eighth of its size, which reads every part of it."""
    try:
        if image.format == "JPEG":
            image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
        image.load()
    except _UNREADABLE as exc:
        raise ImageUnreadable(_reason(exc)) from None


def _reason(exc: BaseException) -> Text:
    if isinstance(exc, UnidentifiedImageError):
        return Text("it is not a photo Pillow can read (JPEG, PNG, WebP, AVIF, GIF, TIFF, BMP)")
    if isinstance(exc, Image.DecompressionBombError):
        return Text("it has too many pixels to process")
    return Text("it cannot be read: {problem}", problem=str(exc))


@dataclass(frozen=True)
class Catalogue:
    """The photos articles use, planned; and what is wrong with the references."""

    pictures: dict[str, Picture]  # site path -> its variants
    errors: list[ContentError]
    warnings: list[ContentError]


def catalogue(articles: Sequence[UsesPhotos], static: dict[str, Path], config: Config,
              damaged: cache.Damaged | None = None) -> Catalogue:
    """Check every image reference of every article and plan the variants of each photo.

    A reference to a site path no file under content/ answers is an error (or a warning, as
    [images] missing says); so is a photo Pillow cannot read. Articles that failed to parse
    come as their References: their photos are checked in the same run. An original over the limits of
    [images] is a warning: it is still processed.
    """
    settings = config.images
    uses: dict[str, list[tuple[str, int, str]]] = {}  # site path -> (article, line, field)
    for article in articles:
        for path, line, field in article.images:
            uses.setdefault(path, []).append((article.key, line, field))
    photos = {path: static[path[1:]] for path in uses if path[1:] in static and is_photo(path)}
    facts = _facts(photos, config, damaged)
    errors: list[ContentError] = []
    warned: list[ContentError] = []
    pictures: dict[str, Picture] = {}
    folded: dict[str, str] | None = None  # lower-cased site path -> the file's own, made at the first miss
    for path, where in sorted(uses.items()):
        source = static.get(path[1:])
        found = facts.get(path)
        problem, hint = None, None
        if source is None:
            problem = Text("the image {path} does not exist", path=path)
            if folded is None:
                folded = {name.lower(): name for name in static}
            named = folded.get(path[1:].lower())
            # Windows and macOS find the file whatever its capitals; the site's server does not
            hint = (Text("the file is /{name}: write its name with the same capitals", name=named) if named
                    else Text("put the photo at {file}, or correct its path", file=f"content{path}"))
        elif isinstance(found, str):
            problem = Text("the image {path} cannot be used: {problem}", path=path, problem=found)
            hint = Text("replace the file with a JPEG or PNG photo")
        if problem is not None:
            bucket = warned if source is None and settings.missing == "warning" else errors
            bucket.extend(ContentError(key, line, field, problem, hint) for key, line, field in where)
            continue
        if not isinstance(found, ImageFacts):
            continue  # a file that is not a photo (SVG, PDF): published as it is
        rel = project_relative(source, config.root)
        megapixels = found.width * found.height / 1e6
        if megapixels > settings.warn_megapixels or found.size > settings.warn_megabytes * 1e6:
            warned.append(ContentError(
                rel, None, None, Text("large original: {width}×{height} ({megapixels:.0f} megapixels), "
                                      "{megabytes:.1f} MB; it is processed, but slows every cold build",
                                      width=found.width, height=found.height, megapixels=megapixels,
                                      megabytes=found.size / 1e6),
                hint=Text("photos up to {megapixels} megapixels and {megabytes} MB are plenty for the web",
                          megapixels=settings.warn_megapixels, megabytes=settings.warn_megabytes)))
        pictures[path] = plan_picture(path, rel, found, settings)
    return Catalogue(pictures, errors, warned)


def _facts(photos: dict[str, Path], config: Config,
           damaged: cache.Damaged | None = None) -> dict[str, ImageFacts | str]:
    """Each photo's facts, or why it cannot be read; remembered by file size and time."""
    settings = cache.fingerprint(cache.code_digest())
    stored: dict[str, tuple[int, int, ImageFacts | str]] = cache.load(config.root, "image-facts", settings,
                                                                      damaged) or {}
    kept: dict[str, tuple[int, int, ImageFacts | str]] = {}
    result: dict[str, ImageFacts | str] = {}
    for path, source in photos.items():
        stat = source.stat()
        hit = stored.get(path)
        if hit is not None and hit[:2] == (stat.st_size, stat.st_mtime_ns):
            kept[path] = hit
        else:
            try:
                kept[path] = (stat.st_size, stat.st_mtime_ns, read_facts(source))
            except ImageUnreadable as unreadable:  # not kept: read again (and said again) next time
                result[path] = unreadable.args[0]
                continue
        result[path] = kept[path][2]
    if kept != stored:
        cache.save(config.root, "image-facts", settings, kept)
    return result


# --- encoding ---------------------------------------------------------------------------

def cache_folder(root: Path) -> Path:
    return root / cache.CACHE_DIR / CACHE_FOLDER


def missing(pictures: dict[str, Picture], root: Path) -> list[Picture]:
    """The photos whose variants are not in the cache yet, one per token. A folder of variants that
    an earlier bantin made, without the digests of its files, has them recorded once."""
    folder = cache_folder(root)
    todo: dict[str, Picture] = {}
    for picture in pictures.values():
        if not picture.copied and not (folder / picture.token / cache.MANIFEST).is_file():
            if (folder / picture.token).is_dir():
                cache.write_manifest(folder / picture.token)
            else:
                todo.setdefault(picture.token, picture)
    return list(todo.values())


def leftovers(root: Path) -> list[Path]:
    """Scratch folders of encodings whose build was killed (<token>.tmp-PID)."""
    try:
        return sorted(path for path in cache_folder(root).iterdir() if ".tmp-" in path.name)
    except OSError:
        return []


def encode(picture: Picture, source: Path, settings: Images, root: Path) -> str | None:
    """Make every variant of one photo into the cache; None, or why the photo cannot be read."""
    target = cache_folder(root) / picture.token
    scratch = target.with_name(f"{picture.token}.tmp-{os.getpid()}")
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    try:
        upright, icc = _upright(source, picture)
        # the largest variant first; the others are made from it, four to twenty times fewer pixels to read
        largest = picture.full[-1]
        base = upright if upright.size == (largest.width, largest.height) else \
            upright.resize((largest.width, largest.height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        sized: dict[tuple[str, int, int], Image.Image] = {}
        for variant, crop in ([(v, False) for v in picture.full] + [(v, True) for v in picture.thumbs]
                              + ([(picture.share, True)] if picture.share else [])):
            key = ("crop" if crop else "full", variant.width, variant.height)
            if key not in sized:
                size = (variant.width, variant.height)
                origin = base if _fits(base, size) else upright
                sized[key] = (ImageOps.fit(origin, size, Image.Resampling.LANCZOS) if crop
                              else origin.resize(size, Image.Resampling.LANCZOS))
            _save(sized[key], scratch / cache_name(variant, picture.token), variant, settings.quality, icc)
        cache.write_manifest(scratch)
    except _UNREADABLE as exc:
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            shutil.rmtree(scratch, ignore_errors=True)
            raise OSError(exc.errno, exc.strerror, str(scratch)) from None
        shutil.rmtree(scratch, ignore_errors=True)
        return _reason(exc)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    try:
        scratch.rename(target)  # whole or not at all: a cache entry is never half-written
    except OSError:  # another build made it meanwhile
        shutil.rmtree(scratch, ignore_errors=True)
    return None


def _fits(image: Image.Image, size: tuple[int, int]) -> bool:
    """Does the largest box of this shape inside the image hold `size` without enlarging it?"""
    width, height = image.size
    return min(width, height * size[0] / size[1]) >= size[0]


def _upright(source: Path, picture: Picture) -> tuple[Image.Image, bytes | None]:
    """The photo decoded no larger than its largest variant needs, upright, without metadata."""
    image = Image.open(source)
    need = max(picture.full[-1].width / picture.width,
               *(v.width / picture.width for v in picture.thumbs),
               (picture.share.width / picture.width) if picture.share else 0)
    width, height = (picture.height, picture.width) if image.getexif().get(0x0112) in _ROTATED else \
        (picture.width, picture.height)
    if image.format == "JPEG":  # decode at 1/2, 1/4 or 1/8 of the size when that is still enough
        image.draft("RGB", (max(1, round(width * need)), max(1, round(height * need))))
    image = ImageOps.exif_transpose(image)
    icc = image.info.get("icc_profile") if image.mode != "CMYK" else None
    if image.mode.startswith("I"):  # 16-bit greys (scans, some PNGs): to 8 bits, not clipped to white
        scale = 1 / 256 if image.getextrema()[1] > 255 else 1
        image = image.convert("I").point(lambda value: value * scale).convert("L")
    mode = "RGBA" if "A" in image.mode or "transparency" in image.info else "RGB"
    if image.mode != mode:
        image = image.convert(mode)
    image.load()
    image.info = {}  # no EXIF, GPS, XMP or comments in anything made from it
    return image, icc


def _save(image: Image.Image, path: Path, variant: Variant, quality: int, icc: bytes | None) -> None:
    kind = variant.mime.removeprefix("image/")
    options = dict(_SAVE[kind])
    if kind == "avif":  # AVIF's scale is steeper: 58 gives the fidelity (PSNR) of WebP's and JPEG's 80
        options["quality"] = round(quality * AVIF_QUALITY)
    elif kind != "png":
        options["quality"] = quality
    if icc:
        options["icc_profile"] = icc
    if kind == "jpeg" and image.mode == "RGBA":
        image = image.convert("RGB")
    image.save(path, **options)


def outputs(pictures: dict[str, Picture], root: Path) -> dict[str, tuple[str, Path]]:
    """Every file the photos put in the site: output path -> (token, the file to copy)."""
    folder = cache_folder(root)
    files: dict[str, tuple[str, Path]] = {}
    for picture in pictures.values():
        if picture.copied:
            continue
        for variant in (*picture.full, *picture.thumbs, *([picture.share] if picture.share else [])):
            files[variant.url[1:]] = (picture.token, folder / picture.token / cache_name(variant, picture.token))
        largest = original_copy(picture)
        if largest is not None:
            files[picture.path[1:]] = (picture.token, folder / picture.token / cache_name(largest, picture.token))
    return files


def favicon_ico(source: Path, name: str) -> bytes:
    """/favicon.ico (16, 32 and 48 pixels) from a square picture of assets/; site.toml was checked."""
    try:
        with Image.open(source) as image:
            square = ImageOps.fit(image.convert("RGBA"), (48, 48), Image.Resampling.LANCZOS)
    except _UNREADABLE as exc:
        raise BuildFailed([ContentError(f"assets/{name}", None, "favicon",
                                        Text("the favicon: {problem}", problem=_reason(exc)),
                                        hint=Text("give a PNG of 180×180 pixels or more"))]) from None
    out = io.BytesIO()
    square.save(out, "ICO", sizes=[(16, 16), (32, 32), (48, 48)])
    return out.getvalue()


def prune(pictures: dict[str, Picture], root: Path) -> None:
    """Forget the cached variants no photo of this build uses (a replaced photo, changed settings)."""
    folder = cache_folder(root)
    if not folder.is_dir():
        return
    used = {picture.token for picture in pictures.values()}
    for entry in folder.iterdir():
        if entry.name not in used and ".tmp-" not in entry.name:  # not another build's work in progress
            shutil.rmtree(entry, ignore_errors=True)
