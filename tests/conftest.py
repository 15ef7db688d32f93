"""Fixtures: small real sites written into tmp_path from a dict of {path: text}."""

from __future__ import annotations

import contextlib
import io
import os
import random
import shutil
import subprocess
import textwrap
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pytest
from PIL import Image

from bantin.builder.pipeline import BuildOptions, Report, build
from bantin.cli.main import main
from bantin.project.config import load_config
from bantin.theme.files import THEME_DIR

REPO = Path(__file__).resolve().parent.parent

pytest_plugins = ("alone",)  # tests marked alone run with no other beside them under pytest -n

SITE_TOML = """\
title = "Liên hiệp hội thử nghiệm"
base_url = "https://example.org/"
page_size = 2
latest_count = 3
topics = ["Hoạt động Liên hiệp hội", "Chuyển đổi số", "Y tế"]

[sections]
tin-tuc = "Tin tức"
bao-cao = "Báo cáo"

[related]
count = 2
"""

# For tests that quote bantin's messages as written in the code (English); a site in Vietnamese,
# like SITE_TOML, hears them in Vietnamese (tests/test_messages.py)
ENGLISH = 'language = "en"\n'


def article(title: str, date: str, province: str = "Hà Tĩnh", topic: str = "Chuyển đổi số",
            tags: list[str] | None = None, body: str = "Đoạn đầu của bài.\n\nĐoạn thứ hai.", **extra: str) -> str:
    """The text of an article file."""
    lines = ["---", f'title: "{title}"', f"date: {date}", f'province: "{province}"', f'topic: "{topic}"']
    if tags is not None:
        lines.append("tags: [" + ", ".join(f'"{t}"' for t in tags) + "]")
    lines += [f"{key}: {value}" for key, value in extra.items()]
    lines += ["---", "", textwrap.dedent(body).strip(), ""]
    return "\n".join(lines)


def photo(width: int = 320, height: int = 240, orientation: int = 1, gps: bool = False, kind: str = "JPEG",
          seed: int = 1) -> bytes:
    """A photo-like image made here (gradients and noise compress like a photo; a flat colour does not),
    with an EXIF orientation and a GPS position when asked; its top-left quarter is red, to tell its way up."""
    small = (max(1, width // 8), max(1, height // 8))
    noise = Image.frombytes("L", small, random.Random(seed).randbytes(small[0] * small[1])).resize((width, height))
    ramp = Image.linear_gradient("L").resize((width, height))
    image = Image.merge("RGB", [ramp, noise, ramp.transpose(Image.Transpose.FLIP_LEFT_RIGHT)])
    image.paste((255, 0, 0), (0, 0, width // 2, height // 2))
    exif = Image.Exif()
    if orientation != 1:
        exif[0x0112] = orientation
    if gps:
        gps_info = exif.get_ifd(0x8825)
        gps_info[1], gps_info[2] = "N", (21.0, 1.0, 30.0)  # latitude: Hà Nội
        gps_info[3], gps_info[4] = "E", (105.0, 51.0, 0.0)
        exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    if kind == "PNG":
        image.convert("RGBA").save(out, "PNG")
    else:
        image.save(out, kind, quality=90, exif=exif)
    return out.getvalue()


class Project:
    """A bantin project in a temporary folder."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, files: dict[str, str | bytes]) -> None:
        for relative, content in files.items():
            path = self.root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")

    def build(self, **options: object) -> Report:
        options.setdefault("jobs", 1)
        return build(load_config(self.root), BuildOptions(**options))  # type: ignore[arg-type]

    @property
    def out(self) -> Path:
        return self.root / "_site"

    def page(self, url: str) -> str:
        """The HTML written for a site URL such as '/tin-tuc/'."""
        path = url.lstrip("/")
        return (self.out / (path if path.endswith(".html") else path + "index.html")).read_text(encoding="utf-8")

    def own(self, relative: str) -> Path:
        """The site's own copy of a theme file ('layouts/base.html'), copied from the theme the
        first time, as `bantin theme copy` does: a test then edits what the site overrides."""
        path = self.root / relative
        if not path.exists():
            kind, name = relative.split("/", 1)
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(THEME_DIR / kind / name, path)
        return path


# the example site of the repository: its settings, articles, layouts and assets (what load_config reads)
EXAMPLE_SITE = ("site.toml", "content", "layouts", "assets")


def copy_example_site(root: Path) -> Path:
    """A copy of the repository's example site in `root`, without the tool, its tests or their 570 MB of
    node_modules (a copy of the whole repository took 10 s)."""
    root.mkdir(parents=True)
    for name in EXAMPLE_SITE:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copyfile(source, root / name)
    return root


def in_process(args: Sequence[str], cwd: Path, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess:
    """`bantin ARGS` in `cwd`, run in this process with exactly this environment (as subprocess's env=): the
    status main returns (what build.py and `python -m bantin` exit with) and what it printed. A process of
    its own spends a second or more on imports; a traceback fails the test here as it would show in stderr."""
    out, err = io.StringIO(), io.StringIO()
    saved = dict(os.environ)
    if env is not None:
        os.environ.clear()
        os.environ.update(env)
    try:
        with contextlib.chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status = main(list(args))
            except SystemExit as done:  # --help
                status = done.code if isinstance(done.code, int) else 1
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return subprocess.CompletedProcess(list(args), status, out.getvalue(), err.getvalue())


def make_project(root: Path, files: dict[str, str | bytes] | None = None, site_toml: str = SITE_TOML) -> Project:
    """A project in `root` with the given files: its layouts and assets are the packaged theme's."""
    root.mkdir(parents=True)
    (root / "site.toml").write_text(site_toml, encoding="utf-8")
    result = Project(root)
    result.write(files or {})
    return result


@pytest.fixture
def project(tmp_path: Path) -> Callable[..., Project]:
    """make(files, site_toml=...) -> Project using the packaged theme."""

    def make(files: dict[str, str] | None = None, site_toml: str = SITE_TOML) -> Project:
        return make_project(tmp_path / "site", files, site_toml)

    return make
