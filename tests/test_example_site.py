"""The example site in the repository builds, and every internal link in it resolves."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlparse

from bantin.builder.pipeline import BuildOptions, build
from bantin.project.config import Config, load_config

from conftest import copy_example_site
from html_helpers import Page

XML_LINK = re.compile(r'<loc>([^<]+)</loc>|\shref="([^"]+)"')


def resolve(link: str, config: Config) -> Path | None:
    """The output file a link points to, or None for links leaving the site."""
    if link.startswith(config.base_url):  # canonical, og:url, feeds, sitemaps: absolute
        link = config.base_path + link[len(config.base_url):]
    parsed = urlparse(link)
    if parsed.scheme or parsed.netloc or link.startswith(("#", "mailto:")):
        return None
    path = unquote(parsed.path)
    assert path.startswith(config.base_path), link
    relative = path[len(config.base_path):]
    target = config.output_dir / relative
    return target / "index.html" if relative == "" or relative.endswith("/") else target


def redirect_target(html: str) -> str | None:
    """Where an alias page sends the reader (meta refresh), if it is one."""
    for meta in Page(html).find_all("meta", **{"http-equiv": "refresh"}):
        return meta["attrs"]["content"].split("url=", 1)[1]
    return None


def links_of(file: Path) -> list[str]:
    text = file.read_text(encoding="utf-8")
    if file.suffix == ".xml":
        return [loc or href for loc, href in XML_LINK.findall(text)]
    page = Page(text)
    refresh = redirect_target(text)
    return page.links() + [form["attrs"]["action"] for form in page.find_all("form")] + ([refresh] if refresh else [])


def test_every_internal_link_of_the_example_site_resolves(tmp_path):
    root = copy_example_site(tmp_path / "example")
    # an article that moved: its old URL must keep working through the alias page
    moved = sorted((root / "content" / "tin-tuc").rglob("*.md"))[0]
    text = moved.read_text(encoding="utf-8")
    moved.write_text(text.replace("\n---\n", "\naliases: [/tin-cu/bai-da-chuyen.html]\n---\n", 1), encoding="utf-8")
    config = load_config(root)
    report = build(config, BuildOptions(jobs=1))
    assert report.articles >= 5
    out = config.output_dir
    files = sorted(p for p in out.rglob("*") if p.suffix in (".html", ".xml"))
    assert len(files) + 3 == report.pages  # and robots.txt, favicon.ico, admin/config.yml (the web editor)
    assert (out / "robots.txt").is_file() and (out / "favicon.ico").read_bytes()[:4] == b"\0\0\1\0"  # an icon
    assert any(f.name == "feed.xml" for f in files) and (out / "sitemap.xml") in files

    broken = []
    linked = set()
    for file in files:
        for link in links_of(file):
            target = resolve(link, config)
            if target is None:
                continue
            if not target.is_file():
                broken.append(f"{file.relative_to(out)} -> {link}")
            linked.add(target)
    assert broken == []

    # the old URL redirects to the moved article's page
    old = out / "tin-cu" / "bai-da-chuyen.html"
    target = resolve(redirect_target(old.read_text(encoding="utf-8")) or "", config)
    assert target is not None and target.is_file()
    # ... which is the page of the article that carries the alias (its source names the same title)
    title = next(line for line in text.splitlines() if line.startswith("title:")).split(":", 1)[1].strip().strip('"')
    assert Page(target.read_text(encoding="utf-8")).text("h1") == title

    # no article is orphaned: each is linked from some list page
    html_files = [f for f in files if f.suffix == ".html" and not redirect_target(f.read_text(encoding="utf-8"))
                  and f.relative_to(out).parts[0] != "admin"]  # the web editor's page is Decap's, not a page of news
    articles = [p for p in html_files if len(p.relative_to(out).parts) == 4 and p.parts[-4] in config.sections]
    list_links = {resolve(link, config) for f in html_files if f not in articles for link in Page(
        f.read_text(encoding="utf-8")).links_in("main", id="main")}
    assert articles and all(a in list_links for a in articles)
