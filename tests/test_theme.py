"""The packaged theme and a site's own layouts and assets over it, file by file."""

from __future__ import annotations

import pytest
from test_incremental import clean_build, snapshot

from bantin.language.errors import BuildFailed
from bantin.theme.files import THEME_DIR

from conftest import REPO, SITE_TOML, article
from html_helpers import Page

FILES = {f"content/tin-tuc/2023/bai-{n}.md": article(f"Bài {n}", f"2023-01-1{n}", tags=["trí thức"])
         for n in range(5)}


def test_a_site_without_layouts_or_assets_builds_with_the_theme(project):
    site = project(FILES)
    assert not (site.root / "layouts").exists() and not (site.root / "assets").exists()
    site.build(search=False)
    page = Page(site.page("/tin-tuc/2023/bai-1/"))
    assert page.text("h1") == "Bài 1"
    css = page.find("link", rel="stylesheet")["attrs"]["href"]
    assert (site.out / css.lstrip("/")).read_bytes() == (THEME_DIR / "assets/css/site.css").read_bytes()


def test_a_site_layout_replaces_the_theme_file_of_its_name_only(project):
    site = project({**FILES, "layouts/404.html": '{% extends "base.html" %}{% block main %}<p id="own">Lạc đường'
                                                 '</p>{% endblock %}'})
    site.build(search=False)
    assert Page(site.page("/404.html")).text("p", id="own") == "Lạc đường"
    assert Page(site.page("/404.html")).find("header", "site-header")  # the theme's base.html
    assert 'id="own"' not in site.page("/")


def test_a_site_layout_extends_the_theme_file_of_the_same_name(project):
    site = project({**FILES, "layouts/article.html": (
        '{% extends "!theme/article.html" %}\n'
        '{% block main %}<p class="banner">{{ article.title }} – {{ t.related }}</p>{{ super() }}{% endblock %}\n')})
    site.build(search=False)
    page = Page(site.page("/tin-tuc/2023/bai-2/"))
    assert page.text("p", "banner") == "Bài 2 – Xem thêm"
    assert page.text("h1") == "Bài 2" and page.find("aside", "sidebar")  # the rest is the theme's


def test_a_site_base_layout_applies_to_the_theme_pages_that_extend_it(project):
    base = (THEME_DIR / "layouts/base.html").read_text(encoding="utf-8")
    site = project({**FILES, "layouts/base.html": base.replace("<body>", '<body class="own-base">')})
    site.build(search=False)
    for url in ("/", "/tin-tuc/", "/tin-tuc/2023/bai-0/", "/404.html"):
        assert '<body class="own-base">' in site.page(url), url


def test_a_site_asset_replaces_the_theme_asset_of_its_name(project):
    site = project({**FILES, "assets/css/site.css": "body { color: #123456 }\n", "assets/img/own.png": b"png"})
    site.build(search=False)
    page = Page(site.page("/"))
    css = page.find("link", rel="stylesheet")["attrs"]["href"]
    assert (site.out / css.lstrip("/")).read_text() == "body { color: #123456 }\n"
    scripts = [s["attrs"]["src"] for s in page.find_all("script") if "src" in s["attrs"]]
    assert any(src.startswith("/assets/js/site.") for src in scripts)  # the theme's script is still there
    assert sorted(p.name.split(".")[0] for p in (site.out / "assets").rglob("*.*")) == [
        "own", "search", "search-documents", "search-pagefind", "search-worker", "site", "site"]


def test_a_note_in_layouts_or_assets_is_not_published(project):
    site = project({**FILES, "layouts/README.md": "Ghi chú", "assets/README.md": "Ghi chú"})
    site.build(search=False)
    assert not list(site.out.rglob("README*"))


@pytest.mark.parametrize("name", ["!theme/../../inputs.py", "!theme/../layouts.py"])
def test_the_theme_prefix_reaches_no_file_outside_the_theme(project, name):
    site = project({**FILES, "layouts/404.html": '{% include "' + name + '" %}'})
    with pytest.raises(BuildFailed) as failed:
        site.build(search=False)
    assert "layouts/404.html" in str(failed.value) and "import" not in str(failed.value)


def test_overriding_a_layout_and_ceasing_to_rebuild_exactly_what_a_clean_build_writes(project, tmp_path):
    site = project(FILES)
    site.build(search=False)
    theme_only = snapshot(site.out)
    override = site.root / "layouts" / "list.html"
    override.parent.mkdir()
    override.write_text('{% extends "!theme/list.html" %}{% block main %}<p class="own">{{ total }}</p>'
                        '{{ super() }}{% endblock %}', encoding="utf-8")
    report = site.build(search=False)
    assert snapshot(site.out) == clean_build(site.root, tmp_path, False)
    changed = set(report.written)
    assert changed and all(Page(site.page("/" + path.removesuffix("index.html"))).find_all("p", "own")
                           for path in changed if path.endswith(".html"))
    assert "tin-tuc/index.html" in changed and "index.html" not in changed  # lists only, not the home page
    override.unlink()
    site.build(search=False)
    assert snapshot(site.out) == clean_build(site.root, tmp_path, False) == theme_only


def test_overriding_an_asset_and_ceasing_to_rebuild_exactly_what_a_clean_build_writes(project, tmp_path):
    site = project(FILES)
    site.build(search=False)
    theme_only = snapshot(site.out)
    site.write({"assets/js/site.js": "// own\n"})
    site.build(search=False)
    assert snapshot(site.out) == clean_build(site.root, tmp_path, False) != theme_only
    (site.root / "assets/js/site.js").unlink()
    site.build(search=False)
    assert snapshot(site.out) == clean_build(site.root, tmp_path, False) == theme_only


# --- what layouts reach ------------------------------------------------------------------
NEWEST_OF_PROVINCE = (
    '{% extends "!theme/article.html" %}\n'
    '{% block main %}{{ super() }}\n'
    '<ul class="province-newest">{% for a in province_of(article).articles[:3] %}'
    '<li>{{ a.title }} {{ a.date|vn_date }}</li>{% endfor %}</ul>\n'
    '<p class="province-count">{{ province.articles|length }} {{ province.articles[-1].title }}</p>\n'
    '{% endblock %}\n')


def test_a_term_s_articles_are_articles_in_layouts(project):
    site = project({**FILES, "content/tin-tuc/2023/xa.md": article("Bài Sơn La", "2023-01-20", province="Sơn La"),
                    "layouts/article.html": NEWEST_OF_PROVINCE})
    site.build(search=False)
    page = Page(site.page("/tin-tuc/2023/bai-1/"))
    items = [" ".join(li["text"].split()) for li in page.find_all("li")
             if page.find("ul", "province-newest")["id"] in li["parents"]]
    assert items == ["Bài 4 14/01/2023", "Bài 3 13/01/2023", "Bài 2 12/01/2023"]
    assert page.text("p", "province-count") == "5 Bài 0"
    assert Page(site.page("/tin-tuc/2023/xa/")).text("ul", "province-newest") == "Bài Sơn La 20/01/2023"


def test_a_layout_listing_a_term_s_articles_rebuilds_to_what_a_clean_build_writes(project, tmp_path):
    site = project({**FILES, "layouts/article.html": NEWEST_OF_PROVINCE})
    site.build(search=False)
    site.write({"content/tin-tuc/2023/moi.md": article("Bài mới nhất", "2023-02-01")})
    site.build(search=False)
    assert "Bài mới nhất" in Page(site.page("/tin-tuc/2023/bai-0/")).text("ul", "province-newest")
    assert snapshot(site.out) == clean_build(site.root, tmp_path, False)
    site.write({"content/tin-tuc/2023/bai-3.md": article("Bài 3 đổi tên", "2023-01-13")})  # a title read in a list
    report = site.build(search=False)
    assert "tin-tuc/2023/bai-0/index.html" in report.written
    assert snapshot(site.out) == clean_build(site.root, tmp_path, False)


@pytest.mark.parametrize("expression", ["'2023'|vn_date", "article.title|vn_datetime", "article.key|isodate",
                                        "article.title|round"])
def test_a_filter_given_the_wrong_kind_of_value_is_a_layout_error_with_its_line(project, expression):
    site = project({**FILES, "layouts/article.html": '{% extends "!theme/article.html" %}\n{% block main %}\n'
                                                     '<p>{{ ' + expression + ' }}</p>\n{% endblock %}\n'})
    with pytest.raises(BuildFailed) as failed:
        site.build(search=False)
    (error, *_) = failed.value.errors
    assert (error.path, error.line) == ("layouts/article.html", 3)
    # said in words: what the filter needs, and what it got (a text, its type)
    assert expression.split("|")[1] in error.message, error.message
    assert "the text" in error.message or "str" in error.message, error.message


def _blocks(layout: str) -> list[str]:
    """The blocks a theme layout defines, as Jinja parses it."""
    from jinja2 import Environment, nodes

    tree = Environment().parse((THEME_DIR / "layouts" / layout).read_text(encoding="utf-8"))
    return [block.name for block in tree.find_all(nodes.Block)]


def test_every_block_a_site_overrides_in_base_html_reaches_every_page_kind(project):
    """`{% extends "!theme/base.html" %}{% block X %}{{ super() }}...{% endblock %}` in the site's base.html
    reaches every page made with a layout that extends it: the theme's layouts call super() where they add."""
    from bantin.builder.outputs import Kind
    from bantin.builder.pipeline import BuildOptions, load
    from bantin.project.config import load_config

    blocks = _blocks("base.html")
    assert {"head", "main"} <= set(blocks)
    marks = {name: (f'<meta name="own-{name}" content="{name}">' if name == "head" else
                    f'<span data-own="{name}"></span>') for name in blocks}
    overrides = "".join(f"{{% block {name} %}}{{{{ super() }}}}{mark}{{% endblock %}}\n"
                        for name, mark in marks.items())
    site = project({**FILES,
                    "content/tin-tuc/2023/bai-0.md": article("Bài 0", "2023-01-10", tags=["trí thức"],
                                                             aliases='["/tin-cu/bai-0/"]'),
                    # an official document: the Văn bản section's pages (all, by kind, year and issuer) too
                    "content/van-ban/qd.pdf": (REPO / "tests/fixtures/documents/generated/vni_times.pdf").read_bytes(),
                    "content/bao-cao/2023/qd.md": article("Quyết định", "2023-01-12").replace("\n---\n", (
                        '\ndocument: {kind: "Quyết định", issuer: "Liên hiệp hội", file: /van-ban/qd.pdf}\n---\n'), 1),
                    "layouts/base.html": '{% extends "!theme/base.html" %}\n' + overrides},
                   site_toml=SITE_TOML + "\n[cms]\nenabled = true\n")
    site.build(search=False)
    config = load_config(site.root)
    outputs = load(config, BuildOptions(), 1).outputs
    not_base = {Kind.FEED, Kind.SITEMAP, Kind.ROBOTS, Kind.FAVICON, Kind.ALIAS, Kind.CMS}  # not pages of base.html
    checked: set[Kind] = set()
    for output in outputs:
        if output.kind in not_base:
            continue
        html = (site.out / output.path).read_text(encoding="utf-8")
        page = Page(html)
        assert len(page.find_all("meta", name="own-head")) == 1, output.path
        for name in blocks:
            if name != "head":
                assert len(page.find_all("span", **{"data-own": name})) == 1, (output.path, name)
        head = html.split("</head>")[0]
        assert marks["head"] in head, output.path  # in the page's <head>, after the theme's own
        checked.add(output.kind)
    assert checked == set(Kind) - not_base  # every kind of page that base.html makes
    # the theme alone writes the same pages as before: super() of an empty block adds nothing
    (site.root / "layouts/base.html").unlink()
    site.build(search=False)
    assert 'data-own=' not in site.page("/tin-tuc/2023/bai-1/")


@pytest.mark.parametrize("layout", sorted(p.name for p in (THEME_DIR / "layouts").glob("*.html")))
def test_a_theme_layout_that_redefines_a_block_of_base_html_keeps_what_the_site_put_there(layout):
    text = (THEME_DIR / "layouts" / layout).read_text(encoding="utf-8")
    if layout == "base.html" or '{% extends "base.html" %}' not in text:
        return
    for name in set(_blocks(layout)) & set(_blocks("base.html")):
        assert f"{{% block {name} %}}{{{{ super() }}}}" in text, (layout, name)
