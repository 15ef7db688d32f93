"""The shards the build plans, and the index of [search] engine = "pagefind": what the build emits for
Pagefind, and re-indexing only what changed (bantin's own index: tests/test_search_index.py)."""

from __future__ import annotations

import gzip
import json
import subprocess
import threading
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor

import pytest

import bantin.project.cache
import bantin.search.index
from bantin.builder.pipeline import BuildOptions, load
from bantin.language.errors import BuildFailed
from bantin.project.config import load_config
from bantin.search.index import canonical_bundle, hidden_words, index_copy, pagefind_executable, read_pagefind_data
from bantin.search.shards import plan_shards
from bantin.search.words import fold

from conftest import SITE_TOML, article, photo
from html_helpers import Page

# Pagefind run over the pages, kept behind a setting to compare with bantin's own index
PAGEFIND = SITE_TOML + '\n[search]\nengine = "pagefind"\nshard_years = 5\n'

FILES = {
    "content/anh/bia.jpg": photo(),
    "content/tin-tuc/2023/dak-lak.md": article(
        "Đổi mới ở Đắk Lắk", "2023-05-10", province="Đắk Lắk", tags=["Đổi mới", "Hội thảo"],
        body="Trí thức Đắk Lắk bàn về đổi mới.", image="/anh/bia.jpg", image_alt='"Ảnh bìa"',
        summary='"Lời dẫn của bài."', author='"Ngọc Ánh"'),
    "content/tin-tuc/2021/ha-giang.md": article("Hà Giang trước sáp nhập", "2021-03-01", province="Hà Giang"),
    "content/bao-cao/2016/cu.md": article("Báo cáo năm 2016", "2016-12-30", province="Sơn La"),
}


def test_fold_removes_every_vietnamese_diacritic_including_d_bar():
    assert fold("Đắk Lắk") == "dak lak"
    assert fold("đổi mới sáng tạo") == "doi moi sang tao"
    assert fold("Liên hiệp hội Thừa Thiên Huế") == "lien hiep hoi thua thien hue"
    assert fold("ƯỚC MƠ ở Ơ") == "uoc mo o o"


def test_article_pages_carry_the_search_attributes(project):
    site = project(FILES)
    site.build(search=False)
    page = Page(site.page("/tin-tuc/2023/dak-lak/"))
    body = page.find(**{"data-pagefind-body": ""})
    assert body["tag"] == "article"
    filters = sorted((e["attrs"]["data-pagefind-filter"], e["attrs"]["content"])
                     for e in page.find_all("meta") if "data-pagefind-filter" in e["attrs"])
    assert filters == [("province[content]", "Đắk Lắk"), ("section[content]", "Tin tức"),
                       ("tag[content]", "Hội thảo"), ("tag[content]", "Đổi mới"),
                       ("topic[content]", "Chuyển đổi số"), ("year[content]", "2023")]
    meta = {e["attrs"]["data-pagefind-meta"]: e["attrs"]["content"]
            for e in page.find_all("meta") if "data-pagefind-meta" in e["attrs"]}
    assert meta == {"province[content]": "Đắk Lắk"}  # Pagefind indexes these words too
    # shown in results, never searched: bantin adds them to the result after indexing
    shown = {e["attrs"]["data-result"]: e["attrs"]["content"] for e in page.find_all("meta")
             if "data-result" in e["attrs"]}
    assert shown["date"] == "10/05/2023"
    # results show the cover's small thumbnail, not the original
    assert shown["image"].startswith("/anh/bia.thumb") and shown["image_alt"] == "Ảnh bìa"
    assert (site.out / shown["image"].lstrip("/")).is_file()
    assert page.find("meta", **{"data-pagefind-sort": "date[content]"})["attrs"]["content"].startswith("2023-05-10")
    # only the title, lead and body are indexed: the rest of the article is ignored
    ignored = {e["attrs"].get("class", "") for e in page.elements if "data-pagefind-ignore" in e["attrs"]}
    assert {"meta", "byline", "tags", "share", "prev-next", "cover"} <= ignored
    inside = [e for e in page.elements if body["id"] in e["parents"]]
    assert not any(e["attrs"].get("class") == "sidebar" for e in inside)  # Xem thêm, Tin mới stay out
    assert any(e["attrs"].get("class") == "lead" for e in inside)
    # the words only the index holds are not published: readers download the page as it is
    assert not [e for e in inside if "hidden" in e["attrs"]] and "folded[content]" not in meta
    assert "zzđổizmới" not in site.page("/tin-tuc/2023/dak-lak/") and "zzdổizmới" not in site.page(
        "/tin-tuc/2023/dak-lak/")


def test_the_index_holds_folded_words_with_d_bar_the_title_and_every_pair_of_neighbouring_words():
    words = hidden_words("Đổi mới ở Đắk Lắk", "Lời dẫn.", "Trí thức Đắk-Lắk bàn về COVID-19, năm 2024.")
    # the words with đ folded, each once; the title's words folded, each once; then each part's pairs
    # in order: folded, then their marks as Telex types them (the tone last); split as search.js
    # splits a query (hyphens and commas part words), and a word with a digit pairs with nothing
    # (Pagefind splits words at digits)
    assert words.split() == [
        "doi", "dak",
        "ztdoi", "ztmoi", "zto", "ztdak", "ztlak",
        "zzdoizmoizdorzws", "zzmoizozwszwr", "zzozdakzwrzdws", "zzdakzlakzdwszws",
        "zzloizdanzwfzax",
        "zztrizthuczszws", "zzthuczdakzwszdws", "zzdakzlakzdwszws", "zzlakzbanzwszf",
        "zzbanzvezfzef", "zzvezcovidzefz"]
    # NFD text gives the same tokens as NFC, and where the tone mark sits does not count
    assert hidden_words("", "", unicodedata.normalize("NFD", "Hội thảo")) == "zzhoizthaozojzr"
    assert hidden_words("", "", "Hòa Bình") == hidden_words("", "", "Hoà Bình") == "zzhoazbinhzfzf"
    assert hidden_words("", "", "Đà Nẵng") != hidden_words("", "", "đa năng")
    assert hidden_words("Một 2024", "", "") == "ztmot"


def test_the_index_copy_adds_the_hidden_block_to_the_indexed_body():
    page = b"<html><body><main><article data-pagefind-body>Bai</article></main></BODY></html>"
    copy = index_copy(page, "dak zzdakzlakzdwszws")
    block = '<div data-pagefind-body hidden>\u2042 dak zzdakzlakzdwszws</div>'.encode()
    assert copy == b"<!DOCTYPE html><html><head></head><body><article data-pagefind-body>Bai</article>" + block + (
        b"</body></html>")
    # images are out of Pagefind's sight: it would index the first one's address as words
    assert index_copy(b'<body><IMG src="/anh/a.jpg"><img/></body>', "a").startswith(
        b'<body><bantin-img src="/anh/a.jpg"><bantin-img/><div hidden>')
    # a layout that marks no body has the whole page indexed: the block must not narrow that
    assert index_copy(b"<p>x</p>", "a") == b"<p>x</p><div hidden>\xe2\x81\x82 a</div>"


def test_the_index_copy_keeps_only_what_pagefind_reads():
    page = (b'<!DOCTYPE html><html lang="vi"><head><title>T</title><meta name="x" content="y">'
            b'<meta data-pagefind-filter="province[content]" content="S\xc6\xa1n La">'
            b'<meta data-pagefind-sort="date[content]" content="2023-01-02"></head><body><nav>Menu</nav>'
            b'<main><article class="a" data-pagefind-body><h1>Ti\xc3\xaau \xc4\x91\xe1\xbb\x81</h1>'
            b"<article>Trong</article>"
            b'<p data-pagefind-ignore>Ng\xc3\xa0y</p></article><aside><article>Xem th\xc3\xaam</article></aside>'
            b"</main><footer>Ch\xc3\xa2n</footer></body></html>")
    assert index_copy(page, "w") == (
        b'<!DOCTYPE html><html lang="vi"><head><meta data-pagefind-filter="province[content]" content="S\xc6\xa1n La">'
        b'<meta data-pagefind-sort="date[content]" content="2023-01-02"></head><body><article class="a" '
        b'data-pagefind-body><h1>Ti\xc3\xaau \xc4\x91\xe1\xbb\x81</h1><article>Trong</article><p data-pagefind-ignore>'
        b'Ng\xc3\xa0y</p></article><div data-pagefind-body hidden>\xe2\x81\x82 w</div></body></html>')
    # a filter on an element outside the body, two bodies, a body never closed: the page as it is
    for odd in (page.replace(b"<footer>", b'<footer data-pagefind-filter="tag">'),
                page.replace(b"<nav>", b"<nav data-pagefind-body>"),
                page.replace(b"</article><aside>", b"<aside>").replace(b"</aside></main>", b"</main>"),
                page.replace(b' data-pagefind-body>', b">").replace(b"<body>", b"<body data-pagefind-body>")):
        assert index_copy(odd, "w").startswith(odd[:odd.index(b"</body>")])


def test_a_former_province_is_also_filed_under_todays(project):
    site = project(FILES)
    site.build(search=False)
    page = Page(site.page("/tin-tuc/2021/ha-giang/"))
    provinces = [e["attrs"]["content"] for e in page.find_all("meta") if
                 e["attrs"].get("data-pagefind-filter") == "province[content]"]
    assert provinces == ["Hà Giang", "Tuyên Quang"]


def test_list_pages_are_not_search_results(project):
    site = project(FILES)
    site.build(search=False)
    for url in ("/", "/tin-tuc/", "/tinh/dak-lak/", "/the/", "/luu-tru/2023/", "/tim-kiem/", "/404.html"):
        html = site.page(url)
        assert "data-pagefind-body" not in html and "data-pagefind-filter" not in html, url


def test_the_search_page_knows_its_shards_and_filters(project):
    site = project(FILES, PAGEFIND)
    site.build(search=False)
    page = Page(site.page("/tim-kiem/"))
    root = page.find("div", cls="search-page")
    # newest first, with what search.js needs to choose: articles, dates, the filter values a shard lacks
    assert json.loads(root["attrs"]["data-shards"]) == [
        {"name": "2023-05", "count": 1, "first": "2023-05-10", "last": "2023-05-10",
         "lacks": {"province": ["Hà Giang", "Sơn La", "Tuyên Quang"], "section": ["Báo cáo"]}},
        {"name": "2020-2022", "count": 1, "first": "2021-03-01", "last": "2021-03-01",
         "lacks": {"province": ["Sơn La", "Đắk Lắk"], "section": ["Báo cáo"]}},
        {"name": "2015-2019", "count": 1, "first": "2016-12-30", "last": "2016-12-30",
         "lacks": {"province": ["Hà Giang", "Tuyên Quang", "Đắk Lắk"], "section": ["Tin tức"]}}]
    assert root["attrs"]["data-first"] == "3000" and root["attrs"]["data-loose-kb"] == "200"
    assert root["attrs"]["data-base"] == "/"
    assert json.loads(root["attrs"]["data-strings"])["none"] == "Không tìm thấy kết quả nào cho “{query}”."
    provinces = [o["attrs"]["value"] for o in page.find_all("option") if o["attrs"].get("data-filter")]
    assert "tuyen-quang" in provinces and "ha-giang" in provinces  # former units with news are offered
    assert "bac-kan" not in provinces  # a former unit without news is not
    # the page itself may be indexed (it has a description); results (?q=...) all name it as their canonical URL
    assert not page.find_all("meta", name="robots") and page.find("meta", name="description")["attrs"]["content"]
    assert page.find("link", rel="canonical")["attrs"]["href"] == "https://example.org/tim-kiem/"


def test_shards_follow_calendar_periods_finer_near_the_newest_article(project):
    files = {f"content/tin-tuc/{year}/bai-{year}-{n}.md": article(f"Bài {year} số {n}", f"{year}-0{n}-01")
             for year in (2019, 2020, 2021, 2024) for n in range(1, 4)}
    site = project(files)

    def shards(**limits: int) -> list[tuple[str, int]]:
        assembled = load(load_config(site.root), BuildOptions(), jobs=1).site
        return [(s.name, len(s.keys)) for s in plan_shards(assembled, period_years=4, **limits)]

    # the newest article is of 1 March 2024: its month, the months of its quarter before it, periods before
    assert shards(max_articles=100) == [("2024-03", 1), ("2024-01-02", 2), ("2020-2023", 6), ("2016-2019", 3)]
    # too many for one shard: a period splits into years, a year into quarters, then months
    assert [name for name, _ in shards(max_articles=3)] == ["2024-03", "2024-01-02", "2021", "2020", "2016-2019"]
    assert [name for name, _ in shards(max_articles=2)][2:] == ["2021-03", "2021-02", "2021-01", "2020-03",
                                                                  "2020-02", "2020-01", "2019-03", "2019-02",
                                                                  "2019-01"]
    assert [name for name, _ in shards(max_articles=100, recent_max=1)][:2] == ["2024-03", "2024-02"]

    # a new month: the quarter's months so far stay as they were, the new month is a shard of its own
    before = shards(max_articles=100)
    site.write({"content/tin-tuc/2024/moi.md": article("Bài mới", "2024-04-02")})
    after = shards(max_articles=100)
    assert after[0] == ("2024-04", 1) and after[1] == ("2024-q1", 3) and after[2:] == before[2:]
    # a busy month splits into halves, and halves of those, while a part holds more than shard_recent
    site.write({f"content/tin-tuc/2024/thang-4-{day}.md": article(f"Ngày {day}", f"2024-04-{day:02d}")
                for day in (3, 10, 20, 28)})
    assert shards(max_articles=100, recent_max=2)[:3] == [("2024-04-16-30", 2), ("2024-04-09-15", 1),
                                                          ("2024-04-01-08", 2)]
    assert sum(count for _, count in shards(max_articles=1, recent_max=1)) == 17


def test_only_changed_shards_are_indexed_again(project):
    site = project(FILES, PAGEFIND)
    first = site.build()
    assert first.search is not None
    assert sorted(first.search.indexed) == ["2015-2019", "2020-2022", "2023-05"]
    bundle = site.out / "pagefind" / "2023-05" / "pagefind-entry.json"
    assert bundle.is_file() and (site.out / "pagefind" / "2015-2019" / "pagefind.js").is_file()

    unchanged = site.build()
    assert unchanged.search is not None and unchanged.search.indexed == ()
    assert bundle.is_file()  # reused from .bantin-cache, not lost with the old output

    path = site.root / "content" / "tin-tuc" / "2023" / "dak-lak.md"
    path.write_text(path.read_text(encoding="utf-8").replace("bàn về đổi mới", "bàn về chuyển đổi số"),
                    encoding="utf-8")
    edited = site.build()
    assert edited.search is not None and edited.search.indexed == ("2023-05",)
    cache = sorted(p.name.rsplit("-", 1)[0] for p in (site.root / ".bantin-cache" / "search").iterdir())
    assert cache == ["2015-2019", "2020-2022", "2023-05"]  # the stale bundle of the edited shard is gone


def test_a_new_bantin_version_reuses_the_shards_unless_the_index_code_changed(project, monkeypatch):
    site = project(FILES, PAGEFIND)
    site.build()
    monkeypatch.setattr(bantin.project.cache, "code_digest", lambda: "the next version of bantin")
    upgraded = site.build()
    assert upgraded.pages > 0  # another bantin's output is built whole...
    assert upgraded.search is not None and upgraded.search.indexed == ()  # ...but the same pages keep their index
    monkeypatch.setattr(bantin.search.index, "index_code_digest", lambda: "another way of indexing")
    reindexed = site.build()
    assert reindexed.search is not None and sorted(reindexed.search.indexed) == ["2015-2019", "2020-2022", "2023-05"]


def test_an_edit_the_page_does_not_show_still_indexes_its_shard_again(project):
    # the hidden words come from the article, not from its page: a layout may leave the text out
    layout = ('{% extends "!theme/article.html" %}{% block main %}<article data-pagefind-body>'
              "<h1>{{ article.title }}</h1></article>{% endblock %}")
    site = project({**FILES, "layouts/article.html": layout}, PAGEFIND)
    site.build()
    page = site.page("/tin-tuc/2023/dak-lak/")
    path = site.root / "content" / "tin-tuc" / "2023" / "dak-lak.md"
    path.write_text(path.read_text(encoding="utf-8").replace("bàn về đổi mới", "bàn về chuyển đổi số"),
                    encoding="utf-8")
    edited = site.build()
    assert site.page("/tin-tuc/2023/dak-lak/") == page
    assert edited.search is not None and edited.search.indexed == ("2023-05",)


def test_shards_indexed_side_by_side_hold_at_most_so_many_articles_together():
    assert 6 < _most_at_once(10, [6, 6, 3, 1, 4]) <= 10  # side by side, within the room
    assert _most_at_once(10, [6, 15, 3]) == 15  # a shard larger than the room runs alone


def _most_at_once(size: int, shards: list[int]) -> int:
    """The most articles in Pagefind runs at once, shards indexed by three threads through a room of `size`."""
    room = bantin.search.index._Room(size)
    running: list[int] = []
    most = 0
    guard = threading.Lock()

    def index(pages: int) -> None:
        nonlocal most
        with room.taken(pages):
            with guard:
                running.append(pages)
                most = max(most, sum(running))
            time.sleep(0.05)
            with guard:
                running.remove(pages)

    with ThreadPoolExecutor(max_workers=3) as pool:
        list(pool.map(index, shards))
    return most


def test_result_fragments_hold_the_page_text_and_the_fields_results_show(project):
    site = project(FILES, PAGEFIND)
    site.build()
    texts, metas = {}, {}
    for path in (site.out / "pagefind").glob("*/fragment/*.pf_fragment"):
        fragment = json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
        texts[fragment["url"]] = fragment["content"]
        metas[fragment["url"]] = fragment["meta"]
    assert len(texts) == 3
    assert texts["/tin-tuc/2023/dak-lak/"] == "Đổi mới ở Đắk Lắk. Lời dẫn của bài. Trí thức Đắk Lắk bàn về đổi mới."
    assert not any("zz" in text or "\u2042" in text for text in texts.values())
    fields = metas["/tin-tuc/2023/dak-lak/"]
    assert fields["date"] == "10/05/2023" and fields["province"] == "Đắk Lắk" and fields["image_alt"] == "Ảnh bìa"
    assert fields["image"].startswith("/anh/bia.thumb") and fields["title"] == "Đổi mới ở Đắk Lắk"
    # the thumbnail's address and the date are not words of the index ("anh" is a common word)
    words = {entry[0] for path in (site.out / "pagefind").glob("*/index/*.pf_index")
             for chunk in read_pagefind_data(path) for entry in chunk}
    assert {"doi", "dak", "lak"} <= words and not words & {"anh", "bia", "thumb", "webp", "10", "05"}


def test_a_page_s_fragment_keeps_its_name_when_a_newer_article_joins_its_shard(project):
    """Pagefind reads the copies under names given by their place in the shard; each fragment is then
    named by its page's own text: a new article renames no other page's fragment (a deploy sends one)."""
    site = project({f"content/tin-tuc/2023/bai-{n}.md": article(f"Bài số {n} ở Sơn La", f"2023-05-1{n}",
                                                                 province="Sơn La") for n in range(4)}, PAGEFIND)
    site.build()

    def fragments() -> dict[str, tuple[str, str]]:
        found = {}
        for path in (site.out / "pagefind").glob("*/fragment/*.pf_fragment"):
            fragment = json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
            found[fragment["url"]] = (path.parent.parent.name, path.name)  # (shard, fragment)
        return found

    before = fragments()
    site.write({"content/tin-tuc/2023/moi-nhat.md": article("Bài mới nhất", "2023-05-30", province="Sơn La")})
    report = site.build()
    after = fragments()
    assert after.keys() - before.keys() == {"/tin-tuc/2023/moi-nhat/"}
    assert {shard for shard, _ in after.values()} == {shard for shard, _ in before.values()}  # one shard
    assert report.search is not None and report.search.indexed  # indexed again, the new page first
    assert {url: after[url] for url in before} == before


def test_a_failing_indexer_fails_the_build_and_keeps_the_previous_site(project, monkeypatch, tmp_path):
    site = project(FILES, PAGEFIND)
    site.build(search=False)
    before = site.page("/")
    broken = tmp_path / "pagefind"
    broken.write_text("#!/bin/sh\necho 'Error: out of memory' >&2\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setattr(bantin.search.index, "pagefind_executable", lambda: str(broken))
    monkeypatch.setattr(bantin.search.index, "_version", lambda executable: "broken")
    with pytest.raises(BuildFailed) as failed:
        site.build()
    assert "Pagefind failed on shard" in str(failed.value) and "out of memory" in str(failed.value)
    assert site.page("/") == before
    assert not list(site.root.glob("_site.staging-*"))


def test_the_bundle_is_rewritten_in_a_stable_order(tmp_path):
    # Pagefind 1.5.2 writes filter values in a different order on each run: the same pages
    # indexed three times give different filter files until canonical_bundle sorts them
    site = tmp_path / "site"
    for n in range(6):
        page = site / f"bai-{n}" / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(f'<html lang="vi"><head><meta data-pagefind-filter="province[content]" content="Tỉnh {n % 3}">'
                        f'<meta data-pagefind-filter="tag[content]" content="Thẻ {n}"></head>'
                        f"<body><article data-pagefind-body><h1>Bài {n}</h1><p>Nội dung {n}</p></article>"
                        "</body></html>",
                        encoding="utf-8")

    def index(name: str) -> dict[str, bytes]:
        out = tmp_path / name
        subprocess.run([pagefind_executable(), "--site", str(site), "--output-path", str(out), "--quiet"],
                       check=True, capture_output=True)
        canonical_bundle(out)
        return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}

    first, second, third = index("a"), index("b"), index("c")
    assert first == second == third
    assert len([p for p in first if p.startswith("filter/")]) == 2
