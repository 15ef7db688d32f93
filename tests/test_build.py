"""Building small real sites and reading the HTML they produce."""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import os
import re
import shutil

import pytest
from PIL import Image
from rich.console import Console

from bantin.builder import pipeline
from bantin.builder.pipeline import STAGES, BuildOptions, build
from bantin.cli.progress import ProgressBars
from bantin.language.errors import BuildFailed
from bantin.language.messages import catalogue
from bantin.project.config import load_config
from bantin.theme.files import THEME_DIR

from conftest import REPO, SITE_TOML, article, photo
from html_helpers import Page


def five_articles() -> dict[str, str | bytes]:
    return {
        "content/anh/hoi-thao.jpg": photo(),
        "content/tin-tuc/2023/hoi-thao-chuyen-doi-so.md": article(
            "Hà Tĩnh: Hội thảo chuyển đổi số", "2023-06-02T00:03:00+07:00", "Hà Tĩnh", "Chuyển đổi số",
            ["chuyển đổi số", "trí thức"],
            body="Sáng 2/6, Liên hiệp hội tổ chức hội thảo.\n\n## Đắk Lắk\n\n![Toàn cảnh hội thảo](/anh/hoi-thao.jpg)"),
        "content/tin-tuc/2023/tap-huan.md": article(
            "Tập huấn chuyển đổi số", "2023-05-20 08:00", "Hà Tĩnh", "Chuyển đổi số", ["chuyển đổi số"]),
        "content/tin-tuc/2024/ha-giang.md": article(
            "Hà Giang tổ chức hội nghị", "2024-01-10", "Ha Giang", "Hoạt động Liên hiệp hội", ["trí thức"]),
        "content/tin-tuc/2025/tuyen-quang.md": article(
            "Tuyên Quang sau sáp nhập", "2025-08-01T09:00:00", "Tuyên Quang", "Hoạt động Liên hiệp hội", ["trí thức"]),
        "content/bao-cao/2022/bao-cao-y-te.md": article(
            "Báo cáo y tế năm 2022", "2022-12-31T23:30:00+07:00", "Trung ương", "Y tế", ["y tế"]),
    }


def test_article_page_shows_everything_an_editor_wrote(project):
    site = project(five_articles())
    report = site.build()
    assert report.articles == 5
    page = Page(site.page("/tin-tuc/2023/hoi-thao-chuyen-doi-so/"))
    assert page.text("h1") == "Hà Tĩnh: Hội thảo chuyển đổi số"
    assert "Thứ sáu, 02/06/2023 00:03 (GMT+7)" in page.text("p", "meta")
    meta_links = page.links_in("p", "meta")
    assert "/tinh/ha-tinh/" in meta_links
    assert "/chu-de/chuyen-doi-so/" in meta_links
    assert sorted(page.links_in("ul", "tags")) == ["/the/chuyen-doi-so/", "/the/tri-thuc/"]
    # heading ids come from python-slugify: Đ becomes d
    assert page.find("h2", id="dak-lak")
    # an image alone in its paragraph becomes a captioned figure
    assert page.text("figcaption") == "Toàn cảnh hội thảo"
    # share links carry the absolute URL
    facebook = page.find("a", "share-facebook")["attrs"]["href"]
    assert "https%3A//example.org/tin-tuc/2023/hoi-thao-chuyen-doi-so/" in facebook


def test_related_latest_and_neighbours(project):
    site = project(five_articles())
    site.build()
    page = Page(site.page("/tin-tuc/2023/hoi-thao-chuyen-doi-so/"))
    related = page.links_in("section", "related")
    # same topic, province and tag, 13 days apart: the best match comes first
    assert related[0] == "/tin-tuc/2023/tap-huan/"
    assert "/tin-tuc/2023/hoi-thao-chuyen-doi-so/" not in related
    # "Tin mới" is a page of its own that the article shows (site.js); without script, a link to it
    slot = page.find("div", "latest-slot")["attrs"]
    assert (slot["data-latest"], slot["data-latest-count"], slot["data-current"]) == (
        "/tin-moi/", "3", "/tin-tuc/2023/hoi-thao-chuyen-doi-so/")
    assert page.links_in("section", "latest") == ["/tin-moi/"]
    latest = Page(site.page("/tin-moi/")).links_in("ul", "headlines")
    # latest_count and a spare: a page never lists itself
    assert latest[:2] == ["/tin-tuc/2025/tuyen-quang/", "/tin-tuc/2024/ha-giang/"] and len(latest) == 4
    assert page.find("a", rel="prev")["attrs"]["href"] == "/tin-tuc/2023/tap-huan/"
    assert page.find("a", rel="next")["attrs"]["href"] == "/tin-tuc/2024/ha-giang/"
    # the report is alone in its section: no neighbours
    report_page = Page(site.page("/bao-cao/2022/bao-cao-y-te/"))
    assert not report_page.find_all("a", rel="prev") and not report_page.find_all("a", rel="next")


def test_lists_are_paginated_newest_first(project):
    site = project(five_articles())
    site.build()
    first = Page(site.page("/tin-tuc/"))
    titles = [e["text"] for e in first.find_all("h2", "card-title")]
    assert titles == ["Tuyên Quang sau sáp nhập", "Hà Giang tổ chức hội nghị"]
    assert first.text("p", "count").startswith("4 bài")
    assert first.find("a", rel="next")["attrs"]["href"] == "/tin-tuc/trang/1/"
    # older pages are numbered from the oldest: page 1 holds the oldest and says which days it covers
    oldest = Page(site.page("/tin-tuc/trang/1/"))
    assert [e["text"] for e in oldest.find_all("h2", "card-title")] == [
        "Hà Tĩnh: Hội thảo chuyển đổi số", "Tập huấn chuyển đổi số"]
    assert oldest.text("p", "count").startswith("20/05/2023 – 02/06/2023")
    assert oldest.find("a", rel="prev")["attrs"]["href"] == "/tin-tuc/"
    assert not oldest.find_all("a", rel="next")
    assert not (site.out / "tin-tuc/trang/2").exists()
    assert (site.out / "luu-tru/2023/06/index.html").exists()
    assert (site.out / "luu-tru/2023/index.html").exists()


def test_todays_province_lists_the_former_ones_inside_it(project):
    site = project(five_articles())
    site.build()
    today = Page(site.page("/tinh/tuyen-quang/"))
    titles = [e["text"] for e in today.find_all("h2", "card-title")]
    assert titles == ["Tuyên Quang sau sáp nhập", "Hà Giang tổ chức hội nghị"]
    assert "/tinh/ha-giang/" in today.links_in("p", "note")
    former = Page(site.page("/tinh/ha-giang/"))
    assert [e["text"] for e in former.find_all("h2", "card-title")] == ["Hà Giang tổ chức hội nghị"]
    assert "/tinh/tuyen-quang/" in former.links_in("p", "note")
    # the article keeps the name it was written with ("Ha Giang" resolves to Hà Giang)
    page = Page(site.page("/tin-tuc/2024/ha-giang/"))
    assert "Hà Giang" in page.text("p", "meta")
    index = Page(site.page("/tinh/"))
    assert "/tinh/ha-giang/" in index.links_in("ul", "province-groups")


def test_dates_without_offset_are_vietnam_time(project):
    site = project(five_articles())
    site.build()
    page = Page(site.page("/tin-tuc/2025/tuyen-quang/"))
    assert page.find("time")["attrs"]["datetime"] == "2025-08-01T09:00:00+07:00"
    # 23:30 on 31 December in Vietnam stays in 2022, whatever UTC says
    assert (site.out / "bao-cao/2022/bao-cao-y-te/index.html").exists()
    # a date given without its time is printed as the day alone, not "00:00 (GMT+7)"
    dated = Page(site.page("/tin-tuc/2024/ha-giang/"))
    assert dated.find("time")["text"] == "Thứ tư, 10/01/2024"
    assert dated.find("time")["attrs"]["datetime"] == "2024-01-10T00:00:00+07:00"


def test_home_and_term_indexes(project):
    site = project(five_articles())
    site.build()
    home = Page(site.page("/"))
    assert home.find("html")["attrs"]["lang"] == "vi"
    assert home.links_in("section", "home-latest")[0] == "/tin-tuc/2025/tuyen-quang/"
    # five articles all fit in the latest news: no topic block repeats them
    assert not home.find_all("section", "home-topics")
    assert len(home.find_all("article", "card")) == 5
    tags = Page(site.page("/the/"))
    assert "trí thức (3)" in " ".join(tags.text("ul", "term-list").split())
    assert site.page("/404.html")


def test_the_home_page_shows_no_article_twice(project):
    site = project(five_articles(), SITE_TOML + "\n[home]\nlatest = 2\nper_topic = 4\n")
    site.build(search=False)
    home = Page(site.page("/"))
    latest = [link for link in home.links_in("section", "home-latest") if "/20" in link]
    in_topics = [link for link in home.links_in("section", "home-topics") if "/20" in link]
    assert len(set(latest)) == 2 and len(in_topics) == 3  # the other three, under their topics
    assert not set(latest) & set(in_topics)
    # and the footer offers only the topics that have articles
    footer = home.links_in("ul", "footer-topics")
    assert footer == ["/chu-de/hoat-dong-lien-hiep-hoi/", "/chu-de/chuyen-doi-so/", "/chu-de/y-te/"]


def test_drafts_and_future_articles_are_left_out_unless_asked(project):
    files = five_articles()
    files["content/tin-tuc/2023/nhap.md"] = article("Bản nháp", "2023-01-01", draft="true")
    files["content/tin-tuc/2099/tuong-lai.md"] = article("Bài tương lai", "2099-01-01")
    site = project(files)
    report = site.build()
    assert (report.articles, report.skipped_drafts, report.skipped_future) == (5, 1, 1)
    assert not (site.out / "tin-tuc/2023/nhap").exists()
    assert not (site.out / "tin-tuc/2099").exists()
    report = site.build(drafts=True, future=True)
    assert report.articles == 7
    assert (site.out / "tin-tuc/2023/nhap/index.html").exists()
    assert (site.out / "tin-tuc/2099/tuong-lai/index.html").exists()


def test_two_builds_are_byte_identical(project, tmp_path):
    site = project(five_articles())

    def digest() -> dict[str, str]:
        # cold builds: no output, no cache (else the second would reuse the first's work)
        shutil.rmtree(site.out, ignore_errors=True)
        shutil.rmtree(site.root / ".bantin-cache", ignore_errors=True)
        site.build()
        return {p.relative_to(site.out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(site.out.rglob("*")) if p.is_file()}

    first = digest()
    # touch every source: file times must not matter
    for path in (site.root / "content").rglob("*.md"):
        path.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    assert digest() == first
    assert len(first) > 50
    assert any(path.startswith("search-index/") and path.endswith("/b/0.bin") for path in first)


def test_parallel_build_equals_serial_build(project, monkeypatch):
    files = {f"content/tin-tuc/2023/bai-{i:03d}.md": article(
        f"Bài số {i}", f"2023-01-{1 + i % 28:02d}T{i % 24:02d}:00:00", ["Hà Tĩnh", "Sơn La", "Huế"][i % 3],
        ["Chuyển đổi số", "Y tế"][i % 2], [f"thẻ {i % 7}", "trí thức"]) for i in range(60)}
    site = project(files)
    monkeypatch.setattr("bantin.builder.pipeline.PARALLEL_THRESHOLD", 10)
    site.build(jobs=1)
    serial = {p.relative_to(site.out): p.read_bytes() for p in site.out.rglob("*") if p.is_file()}
    shutil.rmtree(site.root / ".bantin-cache")  # a cold build again, in worker processes
    shutil.rmtree(site.out)
    rendered, render = site.root / "rendered", pipeline._render_outputs

    def logged(outputs, *args):  # which process rendered which pages (the worker is forked with this)
        outputs = list(outputs)
        with rendered.open("a", encoding="utf-8") as log:
            log.writelines(f"{os.getpid()} {output.path}\n" for output in outputs)
        return render(outputs, *args)

    monkeypatch.setattr(pipeline, "_render_outputs", logged)
    site.build(jobs=2)
    parallel = {p.relative_to(site.out): p.read_bytes() for p in site.out.rglob("*") if p.is_file()}
    assert serial == parallel
    by = [line.split() for line in rendered.read_text(encoding="utf-8").splitlines()]
    assert len(by) == len({path for _, path in by}) > 60  # each page once
    # the build renders beside one worker: two cores, two processes, one forked copy of the site
    renderers = {pid for pid, _ in by}
    assert str(os.getpid()) in renderers and len(renderers) == 2


def test_sub_path_base_url(project):
    site = project(five_articles(), SITE_TOML.replace("https://example.org/", "https://example.org/lhh/"))
    site.build()
    page = Page(site.page("/tin-tuc/2023/hoi-thao-chuyen-doi-so/"))
    internal = [link for link in page.links() if not link.startswith(("http", "#"))]
    assert internal and all(link.startswith("/lhh/") for link in internal)
    assert page.find("figure").get("tag") == "figure"
    image = page.find("img")["attrs"]
    assert image["src"].startswith("/lhh/anh/hoi-thao.") and (site.out / image["src"][5:]).is_file()
    assert all(entry.startswith("/lhh/anh/hoi-thao.") for entry in image["srcset"].split(", "))
    assert page.find("link", rel="canonical")["attrs"]["href"] == \
        "https://example.org/lhh/tin-tuc/2023/hoi-thao-chuyen-doi-so/"


def test_assets_have_content_hashed_names(project):
    site = project(five_articles())
    site.build()
    page = Page(site.page("/"))
    css = page.find("link", rel="stylesheet")["attrs"]["href"]
    assert css.startswith("/assets/css/site.") and css.endswith(".css") and css != "/assets/css/site.css"
    assert (site.out / css.lstrip("/")).read_bytes() == (THEME_DIR / "assets/css/site.css").read_bytes()


def test_static_files_under_content_are_copied(project):
    """Files no article shows as an image are published as they are: documents, photos linked to."""
    unused = photo(seed=2)
    site = project({**five_articles(), "content/tai-lieu/bao-cao.pdf": b"%PDF-1.4 not really a pdf",
                    "content/anh/khong-dung.jpg": unused})
    site.build()
    assert (site.out / "tai-lieu/bao-cao.pdf").read_bytes() == b"%PDF-1.4 not really a pdf"
    assert (site.out / "anh/khong-dung.jpg").read_bytes() == unused


def test_aliases_redirect_to_the_article(project):
    files = five_articles()
    files["content/tin-tuc/2023/tap-huan.md"] = article(
        "Tập huấn chuyển đổi số", "2023-05-20 08:00", aliases='["/tin/cu/tap-huan.html", "/tin/2023/tap-huan"]')
    site = project(files)
    site.build()
    for old in ("/tin/cu/tap-huan.html", "/tin/2023/tap-huan/"):
        page = Page(site.page(old))
        assert page.find("meta", **{"http-equiv": "refresh"})["attrs"]["content"] == "0; url=/tin-tuc/2023/tap-huan/"
        assert page.find("link", rel="canonical")["attrs"]["href"] == "https://example.org/tin-tuc/2023/tap-huan/"


def test_failed_build_leaves_the_previous_site_intact(project):
    site = project(five_articles())
    site.build()
    before = {p: p.read_bytes() for p in site.out.rglob("*") if p.is_file()}
    site.write({"content/tin-tuc/2023/hong.md": article("Bài hỏng", "2023-02-30")})
    with pytest.raises(BuildFailed):
        site.build()
    after = {p: p.read_bytes() for p in site.out.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in site.root.iterdir() if p.name.startswith("_site")] == ["_site"]


def test_layout_error_names_the_layout_and_keeps_the_previous_site(project):
    site = project(five_articles())
    site.build()
    before = site.page("/")
    layout = site.own("layouts/home.html")
    layout.write_text(layout.read_text(encoding="utf-8").replace("{{ t.latest }}", "{{ t.no_such_string }}"),
                      encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        site.build()
    assert "layouts/home.html" in str(failed.value)
    assert site.page("/") == before


@pytest.mark.parametrize("value", [".", "content", "..", "layouts"])
def test_output_dir_may_not_be_the_project_or_content(project, value):
    with pytest.raises(BuildFailed) as failed:
        project(five_articles(), f'output_dir = "{value}"\n' + SITE_TOML).build()
    assert "[output_dir]" in str(failed.value)


def test_search_engine_metadata_sitemap_and_robots(project):
    import json
    import xml.etree.ElementTree as ElementTree

    files = five_articles()
    files["content/tin-tuc/2023/tap-huan.md"] = article(
        "Tập huấn chuyển đổi số", "2023-05-20 08:00", aliases='["/tin/2023/tap-huan/"]',
        image='"https://anh.example.net/tap-huan.jpg"')
    site = project(files)
    site.build()
    cover = Page(site.page("/tin-tuc/2023/tap-huan/"))
    # an image on another host is linked as it is, never prefixed with the site's URL
    assert cover.find("meta", property="og:image")["attrs"]["content"] == "https://anh.example.net/tap-huan.jpg"
    assert cover.find("figure", "cover")
    assert cover.find("img")["attrs"]["src"] == "https://anh.example.net/tap-huan.jpg"
    page = Page(site.page("/tin-tuc/2023/hoi-thao-chuyen-doi-so/"))
    data = json.loads(page.find("script", type="application/ld+json")["text"])
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Hà Tĩnh: Hội thảo chuyển đổi số"
    assert data["datePublished"] == "2023-06-02T00:03:00+07:00"
    assert page.find("meta", property="og:type")["attrs"]["content"] == "article"
    assert page.find("meta", property="og:url")["attrs"]["content"] == \
        "https://example.org/tin-tuc/2023/hoi-thao-chuyen-doi-so/"
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    # an index of parts: the articles of each month with their dates, and the other pages without
    index = ElementTree.fromstring((site.out / "sitemap.xml").read_bytes())
    parts = {s.findtext("s:loc", namespaces=namespace): s.findtext("s:lastmod", namespaces=namespace)
             for s in index.findall("s:sitemap", namespace)}
    assert parts == {"https://example.org/sitemap-2022-12.xml": "2022-12-31T23:30:00+07:00",
                     "https://example.org/sitemap-2023-05.xml": "2023-05-20T08:00:00+07:00",
                     "https://example.org/sitemap-2023-06.xml": "2023-06-02T00:03:00+07:00",
                     "https://example.org/sitemap-2024-01.xml": "2024-01-10T00:00:00+07:00",
                     "https://example.org/sitemap-2025-08.xml": "2025-08-01T09:00:00+07:00",
                     "https://example.org/sitemap-pages.xml": None}
    entries, part_of = {}, {}
    for part in parts:
        root = ElementTree.fromstring((site.out / part.removeprefix("https://example.org/")).read_bytes())
        for url in root.findall("s:url", namespace):
            entries[url.findtext("s:loc", namespaces=namespace)] = url.findtext("s:lastmod", namespaces=namespace)
            part_of[url.findtext("s:loc", namespaces=namespace)] = part.removeprefix("https://example.org/")
    # a list's numbered page keeps its articles, so it sits with its oldest article's month, and a
    # new article leaves sitemap-pages.xml alone: /tin-tuc/ has 4 articles, 2 a page, page 1 the oldest two
    assert part_of["https://example.org/tin-tuc/trang/1/"] == "sitemap-2023-05.xml"
    assert part_of["https://example.org/tin-tuc/"] == "sitemap-pages.xml"
    assert entries["https://example.org/tin-tuc/2023/hoi-thao-chuyen-doi-so/"] == "2023-06-02T00:03:00+07:00"
    assert entries["https://example.org/"] is None  # a list's date changes daily: it would tell nothing
    assert "https://example.org/404.html" not in entries
    assert "https://example.org/tin/2023/tap-huan/" not in entries  # a redirect is not a page to index
    assert len(entries) == len(list(site.out.rglob("index.html"))) - 1
    assert "Sitemap: https://example.org/sitemap.xml" in (site.out / "robots.txt").read_text()


def test_every_article_has_related_news_even_one_that_shares_nothing(project):
    files = five_articles()
    files["content/bao-cao/2021/lac-loi.md"] = article("Bài lạc lõng", "2021-02-02", "Cà Mau", "Y tế", ["riêng"])
    files["content/bao-cao/2022/bao-cao-y-te.md"] = article("Báo cáo năm 2022", "2022-12-31", "Trung ương",
                                                            "Chuyển đổi số", ["khác"])
    site = project(files)
    site.build(search=False)
    page = Page(site.page("/bao-cao/2021/lac-loi/"))
    related = page.links_in("section", "related")
    # nothing in common with any article: the nearest in time of its own section first, then of the site
    assert related == ["/bao-cao/2022/bao-cao-y-te/", "/tin-tuc/2023/tap-huan/"]


def test_json_ld_has_no_empty_author_a_publisher_logo_and_the_update(project):
    files = five_articles()
    files["content/tin-tuc/2023/sua.md"] = article("Bài có sửa", "2023-03-01", author='"Ngọc Ánh"',
                                                    updated="2023-03-05T10:00:00")
    site = project(files, 'logo = "img/logo.png"\nfavicon = "img/logo.png"\n' + SITE_TOML)
    site.write({"assets/img/logo.png": photo(256, 256, kind="PNG")})
    site.build(search=False)

    def ld(url: str) -> dict:
        return json.loads(re.search(r'application/ld\+json">(.*?)</script>', site.page(url), re.S).group(1))

    edited, plain = ld("/tin-tuc/2023/sua/"), ld("/tin-tuc/2023/tap-huan/")
    assert edited["author"] == [{"@type": "Person", "name": "Ngọc Ánh"}] and "author" not in plain
    assert edited["dateModified"] == "2023-03-05T10:00:00+07:00" and plain["dateModified"] == plain["datePublished"]
    logo = edited["publisher"]["logo"]["url"]
    assert logo.startswith("https://example.org/assets/img/logo.") and (site.out / logo[20:]).is_file()
    with Image.open(site.out / "favicon.ico") as icon:
        assert icon.format == "ICO" and (48, 48) in icon.info["sizes"]
    assert "2023-03-05T10:00:00+07:00" in (site.out / "sitemap-2023-03.xml").read_text(encoding="utf-8")


def test_an_update_before_the_publication_is_an_error(project):
    files = five_articles()
    files["content/tin-tuc/2023/sua.md"] = article("Bài có sửa", "2023-03-01", updated="2023-02-01")
    site = project(files)
    with pytest.raises(BuildFailed) as failed:
        site.build(search=False)
    (error,) = failed.value.errors
    assert (error.path, error.line, error.field) == ("content/tin-tuc/2023/sua.md", 6, "updated")


def test_a_build_tells_its_progress_stage_by_stage_and_the_terminal_shows_bars(project):
    site = project({**five_articles(), "content/tin-tuc/2023/anh.md": article("Ảnh", "2023-01-02", image="/anh/a.jpg",
                                                                              body="[Báo cáo](/tai-lieu/a.docx)"),
                    "content/anh/a.jpg": photo(),
                    "content/tai-lieu/a.docx": (REPO / "tests/fixtures/documents/office/bao-cao.docx").read_bytes()})
    told: list[tuple[str, int, int]] = []
    build(load_config(site.root), BuildOptions(jobs=1), lambda *said: told.append(said))
    assert list(dict.fromkeys(stage for stage, _, _ in told)) == list(STAGES)
    for stage in STAGES:
        counts = [(done, total) for said, done, total in told if said == stage]
        assert counts[-1][0] == counts[-1][1] and all(a[0] <= b[0] for a, b in itertools.pairwise(counts)), stage
    screen = io.StringIO()
    with ProgressBars(catalogue("vi"), Console(file=screen, force_terminal=True, width=100)) as bars:
        for said in told:
            bars(*said)
    assert "dựng các trang" in screen.getvalue() and "mã hóa ảnh" in screen.getvalue()
