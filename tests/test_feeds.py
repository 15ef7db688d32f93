"""Atom feeds, share metadata and the 404 page, parsed the way feed readers and crawlers do."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET

import feedparser
import pytest
from PIL import Image

from bantin.cli.main import main

from conftest import SITE_TOML, article, photo
from html_helpers import Page

ATOM = "{http://www.w3.org/2005/Atom}"

FILES = {
    "content/anh/hoi-nghi.jpg": photo(),
    "content/tin-tuc/2023/moi.md": article(
        "Bài mới nhất", "2023-06-02T08:30", tags=["Trí thức"], topic="Y tế",
        body="Đoạn đầu có [liên kết](/bao-cao/2021/cu/) và ảnh.\n\n![Hội nghị](/anh/hoi-nghi.jpg)"),
    "content/tin-tuc/2022/giua.md": article("Bài giữa", "2022-01-15", author="Nguyễn Văn A"),
    "content/bao-cao/2021/cu.md": article("Báo cáo cũ", "2021-03-01", province="Hà Giang",
                                          summary='"Tóm tắt báo cáo."'),
}


def feed(project, url: str) -> feedparser.FeedParserDict:
    parsed = feedparser.parse((project.out / url.lstrip("/")).read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def test_the_site_feed_lists_the_newest_entries_with_absolute_links_and_offsets(project):
    site = project(FILES)
    site.build()
    parsed = feed(site, "/feed.xml")
    assert parsed.version == "atom10"
    assert parsed.feed.title == "Liên hiệp hội thử nghiệm"
    links = {link.rel: link.href for link in parsed.feed.links}
    assert links == {"self": "https://example.org/feed.xml", "alternate": "https://example.org/"}
    assert [e.title for e in parsed.entries] == ["Bài mới nhất", "Bài giữa", "Báo cáo cũ"]
    newest = parsed.entries[0]
    assert newest.link == "https://example.org/tin-tuc/2023/moi/"
    assert newest.id == newest.link
    assert newest.published == "2023-06-02T08:30:00+07:00"  # with the site's offset
    assert time.strftime("%Y-%m-%dT%H:%M", newest.published_parsed) == "2023-06-02T01:30"  # read as UTC
    assert parsed.feed.updated == newest.updated
    assert {t.term for t in newest.tags} >= {"tinh/ha-tinh", "chu-de/y-te", "the/tri-thuc"}
    # full content, with links that work outside the site
    content = newest.content[0].value
    assert 'href="https://example.org/bao-cao/2021/cu/"' in content
    assert 'src="https://example.org/anh/hoi-nghi.jpg"' in content
    assert parsed.entries[1].author == "Nguyễn Văn A"
    assert parsed.entries[2].summary == "Tóm tắt báo cáo."


def test_every_feed_is_valid_atom(project):
    site = project(FILES)
    site.build()
    feeds = sorted(site.out.rglob("feed.xml"))
    # the site, 2 sections, every province (today's and former ones) and 3 topics
    assert len(feeds) > 1 + 2 + 3 + 34
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        root = ET.parse(path).getroot()
        # RFC 4287: a feed has id, title, updated and an author (or one in every entry)
        for required in ("id", "title", "updated", "author"):
            assert root.find(ATOM + required) is not None, (path, required)
        for entry in root.iter(ATOM + "entry"):
            for required in ("id", "title", "updated", "link"):
                assert entry.find(ATOM + required) is not None, (path, required)
    empty = feedparser.parse((site.out / "tinh" / "ca-mau" / "feed.xml").read_bytes())
    assert empty.entries == [] and empty.feed.updated == "1970-01-01T00:00:00+00:00"


def test_section_province_and_topic_feeds_hold_their_own_articles(project):
    site = project(FILES)
    site.build()
    assert [e.title for e in feed(site, "/bao-cao/feed.xml").entries] == ["Báo cáo cũ"]
    assert [e.title for e in feed(site, "/chu-de/y-te/feed.xml").entries] == ["Bài mới nhất"]
    # Hà Giang merged into Tuyên Quang: today's province follows its former units' news too
    assert [e.title for e in feed(site, "/tinh/tuyen-quang/feed.xml").entries] == ["Báo cáo cũ"]
    assert [e.title for e in feed(site, "/tinh/ha-giang/feed.xml").entries] == ["Báo cáo cũ"]
    province = feed(site, "/tinh/ha-tinh/feed.xml")
    assert province.feed.title == "Hà Tĩnh – Liên hiệp hội thử nghiệm"
    assert {link.rel: link.href for link in province.feed.links}["alternate"] == "https://example.org/tinh/ha-tinh/"


def test_feed_length_and_summary_only_come_from_site_toml(project):
    site = project(FILES, SITE_TOML + '\n[feeds]\nentries = 2\ncontent = "summary"\n')
    site.build()
    parsed = feed(site, "/feed.xml")
    assert [e.title for e in parsed.entries] == ["Bài mới nhất", "Bài giữa"]
    assert all("content" not in e for e in parsed.entries)
    assert parsed.entries[0].summary.startswith("Đoạn đầu có liên kết")


def test_pages_announce_their_feeds_in_the_head(project):
    site = project(FILES)
    site.build()

    def alternates(url: str) -> list[str]:
        return [e["attrs"]["href"] for e in Page(site.page(url)).find_all("link", rel="alternate",
                                                                            type="application/atom+xml")]

    assert alternates("/") == ["https://example.org/feed.xml"]
    assert alternates("/tin-tuc/2023/moi/") == ["https://example.org/feed.xml"]
    assert alternates("/tinh/ha-tinh/") == ["https://example.org/feed.xml", "https://example.org/tinh/ha-tinh/feed.xml"]
    assert alternates("/chu-de/y-te/") == ["https://example.org/feed.xml", "https://example.org/chu-de/y-te/feed.xml"]
    assert alternates("/tin-tuc/") == ["https://example.org/feed.xml", "https://example.org/tin-tuc/feed.xml"]
    assert alternates("/the/tri-thuc/") == ["https://example.org/feed.xml"]  # tags have no feed


def test_share_image_falls_back_to_the_site_default(project):
    site = project({**FILES, "content/tin-tuc/2023/anh.md": article(
        "Bài có ảnh bìa", "2023-01-01", image="/anh/bia.jpg"), "content/anh/bia.jpg": photo(1600, 1200)},
        'image = "img/share.png"\n' + SITE_TOML)
    (site.root / "assets" / "img").mkdir(parents=True, exist_ok=True)
    (site.root / "assets" / "img" / "share.png").write_bytes(b"\x89PNG fake")
    site.build()

    def card(url: str) -> dict[str, str]:
        page = Page(site.page(url))
        return {"og": page.find("meta", property="og:image")["attrs"]["content"],
                "twitter": page.find("meta", name="twitter:image")["attrs"]["content"],
                "kind": page.find("meta", name="twitter:card")["attrs"]["content"]}

    # a cover is shared as its 1200x630 crop, with its size
    cover = card("/tin-tuc/2023/anh/")
    assert cover["og"].startswith("https://example.org/anh/bia.share.") and cover["twitter"] == cover["og"]
    assert cover["kind"] == "summary_large_image"
    page = Page(site.page("/tin-tuc/2023/anh/"))
    assert [page.find("meta", property=f"og:image:{side}")["attrs"]["content"] for side in ("width", "height")] \
        == ["1200", "630"]
    with Image.open(site.out / cover["og"].removeprefix("https://example.org/")) as shared:
        assert shared.size == (1200, 630)
    # without a cover, the first photo of the body; without any photo, the site's image
    assert card("/tin-tuc/2023/moi/")["og"].startswith("https://example.org/anh/hoi-nghi.share.")
    default = card("/tin-tuc/2022/giua/")
    assert default["og"].startswith("https://example.org/assets/img/share.") and default["og"].endswith(".png")
    assert card("/")["og"] == default["og"]
    assert (site.out / default["og"].removeprefix("https://example.org/")).is_file()


def test_a_missing_share_image_is_a_config_error(project, capsys):
    site = project(FILES, 'image = "img/nope.png"\n' + SITE_TOML)
    assert main(["build", "--root", str(site.root)]) == 1
    assert "site.toml:1: [image] ảnh chia sẻ: không tìm thấy 'img/nope.png' trong assets/" in capsys.readouterr().err


def test_the_404_page_offers_a_search_box(project):
    site = project(FILES)
    site.build()
    page = Page(site.page("/404.html"))
    assert page.text("h1") == "Không tìm thấy trang"
    forms = page.find_all("form", role="search")  # the header's and the page's own
    assert len(forms) == 2
    assert all(f["attrs"]["action"] == "/tim-kiem/" and f["attrs"]["method"] == "get" for f in forms)
    box = page.find("input", id="not-found-search")
    assert box["attrs"]["name"] == "q" and box["attrs"]["type"] == "search"


@pytest.mark.parametrize("base_url", ["https://lhh.github.io/bantin/", "https://lhh.github.io/bantin"])
def test_the_base_url_can_be_given_on_the_command_line(project, base_url):
    site = project(FILES)
    assert main(["build", "--root", str(site.root), "--base-url", base_url, "-q", "--no-search"]) == 0
    page = Page(site.page("/tin-tuc/2023/moi/"))
    assert page.find("link", rel="canonical")["attrs"]["href"] == "https://lhh.github.io/bantin/tin-tuc/2023/moi/"
    assert page.find("a", cls="brand")["attrs"]["href"] == "/bantin/"
    assert feed(site, "/feed.xml").entries[0].link == "https://lhh.github.io/bantin/tin-tuc/2023/moi/"


def test_a_bad_base_url_on_the_command_line_is_refused(project, capsys):
    site = project(FILES)
    assert main(["build", "--root", str(site.root), "--base-url", "lhh.github.io/tin"]) == 2  # bad input: status 2
    said = capsys.readouterr().err
    assert "--base-url 'lhh.github.io/tin' không phải là địa chỉ http(s) đầy đủ" in said
    assert "gợi ý: viết đủ địa chỉ, có https:// và thư mục của trang nếu có: https://lhh.github.io/tin/" in said
    assert not site.out.exists()
