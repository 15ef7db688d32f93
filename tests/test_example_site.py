"""The example site in the repository builds, and every internal link in it resolves."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

from bantin.config import load_config
from bantin.pipeline import BuildOptions, build

from conftest import REPO
from html_helpers import Page


def resolve(out: Path, base_path: str, link: str) -> Path | None:
    """The file a site link points to, or None for links leaving the site."""
    parsed = urlparse(link)
    if parsed.scheme or parsed.netloc or link.startswith(("#", "mailto:")):
        return None
    path = unquote(parsed.path)
    assert path.startswith(base_path), link
    relative = path[len(base_path):]
    target = out / relative
    return target / "index.html" if relative == "" or relative.endswith("/") else target


def test_every_internal_link_of_the_example_site_resolves(tmp_path):
    root = tmp_path / "example"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns("_site*", ".git", ".bantin-cache", "__pycache__"))
    config = load_config(root)
    report = build(config, BuildOptions(jobs=1))
    assert report.articles >= 5
    out = config.output_dir
    pages = sorted(out.rglob("*.html"))
    assert len(pages) + 2 == report.pages  # and robots.txt, sitemap.xml
    broken = []
    linked_articles = set()
    for page in pages:
        for link in Page(page.read_text(encoding="utf-8")).links():
            target = resolve(out, config.base_path, link)
            if target is None:
                continue
            if not target.is_file():
                broken.append(f"{page.relative_to(out)} -> {link}")
            linked_articles.add(target)
    assert broken == []
    # no article is orphaned: each is linked from some list page
    articles = [p for p in pages if len(p.relative_to(out).parts) == 4 and p.parts[-4] in config.sections]
    assert articles and all(a in linked_articles for a in articles)
