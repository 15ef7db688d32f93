"""`bantin init`: a new site of an association's own, with nothing of the tool in it.

The site holds its settings, one example article and photo, empty layouts/ and assets/
(the theme stays in the package; a note says how to override it), a logo, icon and share
image drawn from its title, a requirements file that installs this very bantin (starter/origin.py), and
a GitHub workflow
that checks, builds and publishes it. The files' words are in the site's language
(bantin/starter/<language>/), and so are the workflow's step names; .gitignore is the same for every site.
"""

from __future__ import annotations

import colorsys
import hashlib
import io
import json
import os
import random
import re
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from slugify import slugify

from bantin import __version__
from bantin.language.errors import UsageError
from bantin.language.messages import Text, catalogue, say
from bantin.project.config import BASE_URL_RE
from bantin.project.inputs import write_new, write_problem
from bantin.starter.origin import Origin, installed

STARTER_DIR = Path(__file__).resolve().parent  # this package: vi/, en/, site.yml, gitignore
LANGUAGES = ("vi", "en")
_SECTION = {"vi": "tin-tuc", "en": "news"}  # the one section of a new site, as its site.toml names it
_PHOTO = {"vi": "anh-mau.jpg", "en": "example.jpg"}
_PHOTOS = {"vi": "anh", "en": "photos"}  # the folder of photos, as the site's language's [paths] photos says
_ARTICLE = {"vi": "chao-mung.md", "en": "welcome.md"}
_KEPT = {".git"}  # a folder holding only these counts as empty: a freshly cloned repository

# The workflow's name and its steps' names as GitHub shows them to whoever opens a run (an editor whose pull
# request failed reads "Check the content"): said in the site's language. Each is site.yml's `name:` or a
# step's `- name:`, word for word (tests/test_init.py keeps the two the same).
WORKFLOW_NAMES = (
    Text("Site"),
    Text("Install bantin (the one requirements.txt names)"),
    Text("Remove any committed build cache"),
    Text("Restore the build cache and the site"),
    Text("Check the content"),
    Text("Where to publish ([deploy] target in site.toml; none set, GitHub Pages)"),
    Text("Install rclone, which bantin deploy sends the files with"),
    Text("Find the Pages address"),
    Text("Build the site"),
    Text("Save the build cache and the site"),
    Text("Upload the site for Pages"),
    Text("Deploy with bantin"),
    Text("Deploy to GitHub Pages"),
    Text("Keep the daily run on"),
)
_NAME_LINE = re.compile(r"^(name: |\s+- name: )(.+)$", re.MULTILINE)


@dataclass(frozen=True)
class Started:
    """What `init` wrote, and what it found already there and left alone (with --force)."""

    written: tuple[str, ...]
    kept: tuple[str, ...]


def check_request(folder: Path, title: str, base_url: str, language: str, force: bool) -> None:
    """Raise UsageError, before anything is written, when the site cannot be made as asked."""
    if language not in LANGUAGES:
        raise UsageError(Text("unknown language {value!r}", value=language),
                         hint=Text("bantin writes a new site in {choices}", choices=" or ".join(LANGUAGES)))
    if not title.strip():
        raise UsageError(Text("the title is empty"), hint=Text("give the association's name: {example}",
                                                               example='--title "Liên hiệp hội tỉnh Hà Tĩnh"'))
    if not BASE_URL_RE.match(base_url):
        raise UsageError(Text("--base-url {value!r} is not an absolute http(s) URL", value=base_url),
                         hint=Text("for example {example}", example="https://ten-hoi.github.io/trang-tin/"))
    if folder.exists() and not folder.is_dir():
        raise UsageError(Text("{folder} is a file, not a folder", folder=str(folder)),
                         hint=Text("give the path of a new folder for the site"))
    if folder.is_dir() and not force and any(entry.name not in _KEPT for entry in folder.iterdir()):
        raise UsageError(Text("{folder} is not empty", folder=str(folder)),
                         hint=Text("give a new folder, or add {flag} to write the site's files into this one "
                                   "(no file already there is replaced)", flag="--force"))


def site_files(title: str, base_url: str, language: str, now: datetime, origin: Origin) -> dict[str, bytes]:
    """Every file of a new site: relative path -> bytes; `origin`: the bantin its requirements.txt installs."""
    base_url = base_url if base_url.endswith("/") else base_url + "/"
    words = STARTER_DIR / language
    values = {"@TITLE@": json.dumps(title, ensure_ascii=False), "@BASE_URL@": json.dumps(base_url),
              "@VERSION@": __version__, "@DATE@": now.isoformat(timespec="seconds"), "@YEAR@": str(now.year)}

    def filled(name: str) -> bytes:
        text = (words / name).read_text(encoding="utf-8")
        for key, value in values.items():
            text = text.replace(key, value)
        return text.encode("utf-8")

    logo, share = identity_images(title)
    return {
        "site.toml": filled("site.toml"),
        f"content/{_SECTION[language]}/{now.year}/{_ARTICLE[language]}": filled("article.md"),
        f"content/{_PHOTOS[language]}/{now.year}/{_PHOTO[language]}": example_photo(title),
        "layouts/README.md": filled("layouts.md"),
        "assets/README.md": filled("assets.md"),
        "assets/img/logo.png": logo,
        "assets/img/share.png": share,
        ".gitignore": (STARTER_DIR / "gitignore").read_bytes(),
        "requirements.txt": requirements(origin, language).encode("utf-8"),
        ".github/workflows/site.yml": workflow(language).encode("utf-8"),
    }


def workflow(language: str) -> str:
    """The site's GitHub workflow (starter/site.yml), its name and its steps' names in the site's language:
    a translated name is written as a quoted string, which YAML reads whatever its punctuation."""
    words = catalogue(language)
    said = {name.template: say(name, words) for name in WORKFLOW_NAMES}

    def named(line: re.Match[str]) -> str:
        name = said.get(line[2], line[2])
        return line[1] + (name if name == line[2] else json.dumps(name, ensure_ascii=False))

    return _NAME_LINE.sub(named, (STARTER_DIR / "site.yml").read_text(encoding="utf-8"))


def requirements(origin: Origin, language: str) -> str:
    """requirements.txt: the bantin the site's workflow installs, with what it is and how to change it."""
    words = catalogue(language)
    lines = [say(Text("The bantin this site is built with (written by bantin init; the workflow "
                      ".github/workflows/site.yml installs it)."), words)]
    lines += [say(note, words) for note in origin.notes]
    return "".join(f"# {line}\n" for line in lines) + origin.requirement + "\n"


def init_site(folder: Path, title: str, base_url: str, language: str, now: datetime,
              force: bool = False, origin: Origin | None = None) -> Started:
    """Write a new site into `folder` (new, empty, or with `force` any folder, where no existing
    file is replaced), all of it or nothing; `origin`: the bantin it is built with (default: this one)."""
    check_request(folder, title, base_url, language, force)
    files = site_files(title, base_url, language, now, origin or installed(__version__))
    try:
        if folder.exists():
            # a link in a file's place, even one that leads nowhere, is kept: it is never written through
            kept = tuple(name for name in files if os.path.lexists(folder / name))
            for name in files:
                problem = write_problem(folder / name, folder)
                if problem is not None:
                    raise UsageError(Text("{file} may not be written: {problem}", file=name, problem=problem),
                                     hint=Text("init writes only inside the site's folder; remove the link"))
            _write_all(folder, {name: data for name, data in files.items() if name not in kept})
            return Started(tuple(name for name in files if name not in kept), kept)
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = folder.with_name(f".{folder.name}.init")
        shutil.rmtree(staging, ignore_errors=True)
        try:
            _write_all(staging, files)
            staging.rename(folder)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    except OSError as error:
        name = Path(error.filename).name if error.filename else str(folder)
        raise UsageError(Text("cannot write {file} into {folder}: {problem}", file=name, folder=str(folder),
                              problem=error.strerror or str(error)),
                         hint=Text("check that you may write to the folder and that the disk has room; "
                                   "nothing was written")) from None
    return Started(tuple(files), ())


def _write_all(folder: Path, files: dict[str, bytes]) -> None:
    """Write every file or none: each under a temporary name first, then all renamed into place."""
    written: list[Path] = []
    made: list[Path] = []  # folders made here, removed again if a file cannot be written
    folder.mkdir(parents=True, exist_ok=True)
    try:
        for name, data in files.items():
            path = folder / name
            for parent in reversed(path.relative_to(folder).parents[:-1]):
                if not (folder / parent).exists():
                    (folder / parent).mkdir()
                    made.append(folder / parent)
            temporary = path.with_name(f".{path.name}.init")
            temporary.unlink(missing_ok=True)  # a leftover of a stopped init (a link: removed, never followed)
            written.append(temporary)
            write_new(temporary, data)
    except OSError:
        for path in written:
            path.unlink(missing_ok=True)
        for parent in reversed(made):
            shutil.rmtree(parent, ignore_errors=True)
        raise
    for temporary in written:
        temporary.rename(temporary.with_name(temporary.name[1:].removesuffix(".init")))


# --- the site's identity until it adds its own: drawn from its title ----------------------
def initials(title: str) -> str:
    """Up to three letters for a logo: of the capitalised words ('Liên hiệp các Hội Khoa học' -> 'LHK'),
    else of the first words; in ASCII (Đ -> D), the letters the bundled font draws."""
    words = [word for word in title.split() if word[:1].isalpha()]
    chosen = [word for word in words if word[0].isupper()] or words
    letters = "".join(slugify(word[0], lowercase=False)[:1] for word in chosen[:3]).upper()
    return letters or "B"


def _colour(title: str) -> tuple[int, int, int]:
    """A dark colour of the title's own (white letters read well on it), the same every time."""
    hue = int.from_bytes(hashlib.sha256(title.encode("utf-8")).digest()[:2], "big") / 65536
    red, green, blue = colorsys.hsv_to_rgb(hue, 0.65, 0.45)
    return round(red * 255), round(green * 255), round(blue * 255)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _centred(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], text: str, size: int) -> None:
    font = ImageFont.load_default(size=size)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    x = box[0] + (box[2] - box[0] - (right - left)) // 2 - left
    y = box[1] + (box[3] - box[1] - (bottom - top)) // 2 - top
    draw.text((x, y), text, font=font, fill="white")


def identity_images(title: str) -> tuple[bytes, bytes]:
    """(logo, share image) as PNG: the title's initials on its colour, 512 px square and 1200x630."""
    colour, letters = _colour(title), initials(title)
    logo = Image.new("RGBA", (512, 512), (0, 0, 0, 0))
    draw = ImageDraw.Draw(logo)
    draw.ellipse((0, 0, 511, 511), fill=colour)
    _centred(draw, (0, 0, 512, 512), letters, 200 if len(letters) < 3 else 170)
    share = Image.new("RGB", (1200, 630), colour)
    draw = ImageDraw.Draw(share)
    draw.rectangle((0, 560, 1200, 630), fill=tuple(min(255, c + 60) for c in colour))
    _centred(draw, (0, 0, 1200, 560), letters, 260)
    return _png(logo), _png(share)


def example_photo(title: str, width: int = 1600, height: int = 1067) -> bytes:
    """A photo-like JPEG for the example article (sky, hills, noise), to be replaced."""
    rng = random.Random(title)
    sky = Image.linear_gradient("L").resize((width, height)).point(lambda v: 255 - v // 2)
    image = Image.merge("RGB", [sky.point(lambda v: v // 2), sky.point(lambda v: v * 3 // 4), sky])
    draw = ImageDraw.Draw(image)
    for layer, shade in enumerate(((70, 110, 60), (50, 90, 45), (35, 70, 35))):
        base = height * (55 + layer * 12) // 100
        points = [(0, height)] + [(x, base - rng.randint(0, height // 8)) for x in range(0, width + 200, 200)] + [
            (width, height)]
        draw.polygon(points, fill=shade)
    noise = Image.frombytes("L", (width // 4, height // 4), rng.randbytes(width // 4 * (height // 4)))
    image = Image.blend(image, Image.merge("RGB", [noise.resize((width, height))] * 3), 0.08)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()
