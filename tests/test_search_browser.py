"""Search in a real browser: a small site built with its index's shards, served on 127.0.0.1 (the two engines
compared: tests/test_search_engines_browser.py)."""

from __future__ import annotations

import gzip
import re
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from bantin.search import engine

from browser import browser, serve, skip_without_browser
from conftest import SITE_TOML, article, make_project

pytestmark = pytest.mark.browser

ARTICLES = {
    "content/tin-tuc/2023/dak-lak.md": article(
        "Hội thảo chuyển đổi số tại Đắk Lắk", "2023-05-10", province="Đắk Lắk", tags=["Hội thảo"],
        body="Liên hiệp hội tỉnh tổ chức hội thảo về đổi mới sáng tạo cho trí thức trẻ ở Buôn Ma Thuột."),
    "content/tin-tuc/2023/son-la.md": article(
        "Hội thảo khoa học nông nghiệp ở Sơn La", "2023-03-02", province="Sơn La", topic="Hoạt động Liên hiệp hội",
        body="Các nhà khoa học trao đổi tại hội thảo về cây ăn quả vùng cao."),
    "content/tin-tuc/2021/son-la-cu.md": article(
        "Hội thảo giống cà phê tại Sơn La", "2021-08-20", province="Sơn La",
        body="Một hội thảo cũ hơn, cũng ở Sơn La, về cà phê chè."),
    "content/tin-tuc/2022/da-nang.md": article(
        "Tọa đàm trí thức Đà Nẵng", "2022-06-01", province="Đà Nẵng",
        body="Trí thức thành phố Đà Nẵng gặp mặt đầu năm."),
    "content/tin-tuc/2022/nang-luong.md": article(
        "Nâng cao năng lực về năng lượng tái tạo", "2022-09-09", province="Hà Tĩnh",
        body="Khóa tập huấn nâng cao năng lực, nặng về thực hành năng lượng mặt trời."),
    "content/tin-tuc/2022/da-nang-gia.md": article(
        "Máy gặt đa năng cho nông dân", "2022-10-10", province="An Giang", topic="Hoạt động Liên hiệp hội",
        body="Hội giới thiệu máy gặt đa năng, nâng năng suất."),
    "content/bao-cao/2020/bao-cao.md": article(
        "Báo cáo tổng kết công tác tư vấn", "2020-12-30", province="Hà Giang", topic="Y tế",
        body=unicodedata.normalize("NFD", "Báo cáo về công tác phản biện xã hội của tỉnh Hà Giang.")),
}

# one shard per year (the newest year's quarter and month apart): the browser merges five shards,
# so every check here crosses shards
SHARDED = SITE_TOML + "\n[search]\nshard_years = 1\n"


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    skip_without_browser()
    with browser() as instance:
        yield instance


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    project = make_project(tmp_path_factory.mktemp("search") / "site", ARTICLES, SHARDED)
    report = project.build()
    assert report.search is not None and report.search.shards == 5
    with serve(project.out) as origin:
        yield origin


REQUESTED: dict[int, list[str]] = {}  # id(page) -> the addresses it asked for, its worker's too


@pytest.fixture
def page(chromium: object) -> Iterator[object]:
    context = chromium.new_context()  # type: ignore[attr-defined]
    tab = context.new_page()
    REQUESTED[id(tab)] = asked = []
    tab.on("request", lambda request: asked.append(request.url))
    yield tab
    context.close()
    del REQUESTED[id(tab)]


def results(page: object, loose: bool = False) -> list[dict[str, str]]:
    """Wait for the search to settle, then the results as shown: title, link, meta line.

    Only the precise results, unless `loose`: those after the "other results" heading too.
    """
    page.wait_for_selector("[data-search][data-state=done]")  # type: ignore[attr-defined]
    shown = page.eval_on_selector_all(  # type: ignore[attr-defined]
        ".search-results > li", """items => items.map(li => !li.querySelector('h2') ? {separator: true} : ({
            title: li.querySelector('h2 a').textContent, href: li.querySelector('h2 a').getAttribute('href'),
            meta: li.querySelector('.meta').textContent, excerpt: li.querySelector('p:last-child').innerHTML}))""")
    cut = next((i for i, item in enumerate(shown) if item.get("separator")), len(shown))
    return [item for item in shown if not item.get("separator")] if loose else shown[:cut]


def search(page: object, origin: str, query: str, **filters: str) -> list[dict[str, str]]:
    params = "&".join(f"{k.replace('_', '-')}={v}" for k, v in {"q": query, **filters}.items())
    page.goto(f"{origin}/tim-kiem/?{params}")  # type: ignore[attr-defined]
    return results(page)


def titles(found: list[dict[str, str]]) -> list[str]:
    return [r["title"] for r in found]


def test_an_exact_title_word_finds_its_article_first(page, site):
    found = search(page, site, "Buôn Ma Thuột")
    assert titles(found)[0] == "Hội thảo chuyển đổi số tại Đắk Lắk"
    assert found[0]["href"] == "/tin-tuc/2023/dak-lak/"
    assert found[0]["meta"] == "10/05/2023 · Đắk Lắk"  # date in Vietnamese form, province
    assert "<mark>" in found[0]["excerpt"]


@pytest.mark.parametrize("query, title", [
    ("tri thuc tre", "Hội thảo chuyển đổi số tại Đắk Lắk"),
    ("dak lak", "Hội thảo chuyển đổi số tại Đắk Lắk"),  # đ has no decomposition: folded by the build
    ("doi moi sang tao", "Hội thảo chuyển đổi số tại Đắk Lắk"),
    ("phan bien xa hoi", "Báo cáo tổng kết công tác tư vấn"),  # source text stored in NFD
    (unicodedata.normalize("NFD", "phản biện"), "Báo cáo tổng kết công tác tư vấn"),  # NFD query
])
def test_queries_without_diacritics_or_in_nfd_find_the_accented_text(page, site, query, title):
    assert title in titles(search(page, site, query))


def test_each_result_shows_as_soon_as_it_has_arrived(page, site):
    # the fragments after the first are held back: the first result is on screen before they come
    held: list[object] = []
    passed: list[object] = []

    def fragment(route: object) -> None:
        if passed:
            held.append(route)
        else:
            passed.append(route)
            route.continue_()  # type: ignore[attr-defined]

    page.context.route(re.compile(r"/search-index/[^/]+/f/"), fragment)  # type: ignore[attr-defined]
    page.goto(f"{site}/tim-kiem/?q=h%E1%BB%99i+th%E1%BA%A3o")  # type: ignore[attr-defined]
    page.wait_for_selector(".search-result")  # type: ignore[attr-defined]
    assert held and page.get_attribute("[data-search]", "data-state") != "done"  # type: ignore[attr-defined]
    assert page.eval_on_selector_all(".search-result", "items => items.length") == 1  # type: ignore[attr-defined]
    for route in held:
        route.continue_()  # type: ignore[attr-defined]
    assert len(results(page)) > 1  # the others follow, in their order


def test_the_folded_copy_never_shows_in_excerpts(page, site):
    found = search(page, site, "dak lak")
    assert found and all("dak lak" not in r["excerpt"].lower().replace("<mark>", "").replace("</mark>", "")
                         for r in found)


def test_an_accented_query_ranks_the_exact_words_first(page, site):
    # "Đà Nẵng" folds to "da nang" like "đa năng": the article that says Đà Nẵng is the precise result
    found = search(page, site, "Đà Nẵng")
    assert titles(found) == ["Tọa đàm trí thức Đà Nẵng"]
    # the loose matches follow under their own heading
    assert "Máy gặt đa năng cho nông dân" in titles(results(page, loose=True))[1:]
    assert page.text_content(".search-loose").endswith("kết quả khác chứa một phần từ khóa")


def test_words_that_never_meet_give_no_precise_result_but_list_partial_matches(page, site):
    assert search(page, site, "Sơn La Đắk Lắk") == []
    assert page.text_content(".search-status") == "Không tìm thấy kết quả nào cho “Sơn La Đắk Lắk”."
    partial = titles(results(page, loose=True))
    assert "Hội thảo giống cà phê tại Sơn La" in partial  # which partial matches: Pagefind's ranking
    assert page.text_content(".search-loose").startswith(f"{len(partial)} kết quả khác")


def test_a_quoted_phrase_matches_the_phrase(page, site):
    assert titles(search(page, site, '"trí thức trẻ"')) == ["Hội thảo chuyển đổi số tại Đắk Lắk"]


def test_filters_narrow_results_across_shards(page, site):
    everything = titles(search(page, site, "hội thảo"))
    assert len(everything) == 3  # 2021, 2023 and 2023: two shards
    # pages with only some of the words ("Hội giới thiệu", "xã hội") are asked for by the reader: a
    # syllable's index entries are long, so a button offers them, saying what they cost
    assert len(results(page, loose=True)) == 3
    assert page.text_content(".search-words").startswith("Tìm từng từ riêng lẻ trong 7 bài đã tìm (khoảng ")
    page.click(".search-words")
    assert len(results(page, loose=True)) == 5
    assert page.text_content(".search-loose") == "2 kết quả khác chứa một phần từ khóa"
    in_son_la = titles(search(page, site, "hội thảo", tinh="son-la"))
    assert sorted(in_son_la) == ["Hội thảo giống cà phê tại Sơn La", "Hội thảo khoa học nông nghiệp ở Sơn La"]
    assert titles(search(page, site, "hội thảo", tinh="son-la", nam="2023")) == [
        "Hội thảo khoa học nông nghiệp ở Sơn La"]
    # the select shows the filter taken from the URL
    assert page.input_value("select[name=tinh]") == "son-la"


def test_newest_first_sorting(page, site):
    found = titles(search(page, site, "hội thảo", sap_xep="moi-nhat"))
    assert found == ["Hội thảo chuyển đổi số tại Đắk Lắk", "Hội thảo khoa học nông nghiệp ở Sơn La",
                     "Hội thảo giống cà phê tại Sơn La"]


def test_newest_first_keeps_the_date_order_across_shards(page, site):
    # every news article (a filter alone), newest first: three shards, one holding three of them
    found = search(page, site, "", muc="tin-tuc", sap_xep="moi-nhat")
    assert [r["meta"][:10] for r in found] == ["10/05/2023", "02/03/2023", "10/10/2022", "09/09/2022", "01/06/2022",
                                               "20/08/2021"]


def test_a_query_with_no_result_says_so_in_vietnamese(page, site):
    assert search(page, site, "xyzzyq") == []
    assert page.text_content(".search-status") == "Không tìm thấy kết quả nào cho “xyzzyq”."


def test_the_header_box_leads_to_the_results_page_with_the_query_kept(page, site):
    page.goto(f"{site}/tin-tuc/2022/da-nang/")
    page.fill("#header-search", "Sơn La")
    page.press("#header-search", "Enter")
    page.wait_for_url("**/tim-kiem/**")
    assert parse_qs(urlparse(page.url).query)["q"] == ["Sơn La"]
    assert page.input_value("#search-q") == "Sơn La"
    assert len(results(page)) == 2


def test_typing_updates_the_url_and_back_returns_to_the_previous_search(page, site):
    search(page, site, "Sơn La")
    page.fill("#search-q", "Đắk Lắk")
    page.press("#search-q", "Enter")
    page.wait_for_function("new URLSearchParams(location.search).get('q') === 'Đắk Lắk'")
    assert titles(results(page))[0] == "Hội thảo chuyển đổi số tại Đắk Lắk"
    page.go_back()
    page.wait_for_function("document.querySelector('#search-q').value === 'Sơn La'")
    assert len(results(page)) == 2


def test_search_works_under_a_sub_path(chromium, tmp_path):
    toml = SITE_TOML.replace('base_url = "https://example.org/"', 'base_url = "https://example.org/lhh/"')
    project = make_project(tmp_path / "site", ARTICLES, toml + "\n[search]\nshard_years = 2\n")
    project.build()
    served = tmp_path / "served"
    served.mkdir()
    (served / "lhh").symlink_to(project.out, target_is_directory=True)
    tab = chromium.new_page()
    with serve(served) as origin:
        tab.goto(f"{origin}/lhh/")
        tab.fill("#header-search", "dak lak")
        tab.press("#header-search", "Enter")
        tab.wait_for_url("**/lhh/tim-kiem/**")
        found = results(tab)
        assert found[0]["href"] == "/lhh/tin-tuc/2023/dak-lak/"
        response = tab.goto(origin + found[0]["href"])
        assert response.status == 200 and "Đắk Lắk" in tab.title()
    tab.close()


def test_a_site_built_without_search_says_search_is_unavailable(chromium, tmp_path: Path):
    project = make_project(tmp_path / "site", ARTICLES)
    project.build(search=False)
    assert not (project.out / "search-index").exists()
    tab = chromium.new_page()
    with serve(project.out) as origin:
        tab.goto(f"{origin}/tim-kiem/?q=hội+thảo")
        assert results(tab) == []
        assert "chưa sẵn sàng" in tab.text_content(".search-status")
    tab.close()


def test_an_unaccented_query_ranks_the_phrase_above_its_syllables_apart_and_marks_the_words(chromium, tmp_path):
    """"hoi thao": an article saying "hội thảo" four times comes before a newer one whose title
    has "Hội" and "thảo" apart, and its excerpt shows the words searched for, marked."""
    phrase = "Liên hiệp hội tỉnh tổ chức hội thảo khoa học. Sau hội thảo, các chuyên gia viết báo cáo."
    project = make_project(tmp_path / "site", {
        "content/tin-tuc/2023/phrase.md": article(
            "Chuyên gia góp ý quy hoạch tỉnh", "2023-01-10",
            body=f"Mở đầu bài viết về quy hoạch.\n\n{phrase}\n\nHội thảo lần hai và hội thảo lần ba sẽ diễn ra."),
        "content/tin-tuc/2024/apart.md": article(
            "Hội nông dân thảo luận kế hoạch", "2024-05-01", body="Nông dân bàn kế hoạch sản xuất vụ mới."),
    })
    project.build()
    tab = chromium.new_page()
    with serve(project.out) as origin:
        tab.goto(f"{origin}/tim-kiem/?q=hoi+thao")
        everything = results(tab, loose=True)
        ranked = [r["title"] for r in everything]
        assert ranked.index("Chuyên gia góp ý quy hoạch tỉnh") < ranked.index("Hội nông dân thảo luận kế hoạch")
        first = everything[0]["excerpt"].lower()
        assert "<mark>hội</mark> <mark>thảo</mark>" in first or "<mark>hội thảo</mark>" in first, first
    tab.close()


SENTENCES = [
    "Liên hiệp hội tỉnh tổ chức hội thảo khoa học về chuyển đổi số",
    "Các đại biểu thảo luận về vai trò của trí thức trong phát triển kinh tế xã hội",
    "Hội viên đề xuất nhiều giải pháp đổi mới sáng tạo cho doanh nghiệp nhỏ",
    "Phát biểu tại hội nghị, lãnh đạo tỉnh đánh giá cao hoạt động tư vấn phản biện",
    "Năm nay hội tập trung vào nông nghiệp công nghệ cao và bảo vệ môi trường",
]


def test_a_first_query_of_two_words_loads_its_pair_not_its_syllables(chromium, tmp_path):
    """The files of a first query, counted: "hội thảo" asks for the bucket of its pair ("hoi thao", the
    accents told apart inside it), never for the buckets of "hội" and "thảo", whose entries hold every page."""
    files = {f"content/tin-tuc/2023/bai-{n}.md": article(
        f"Bản tin số {n} của Liên hiệp hội", f"2023-06-{n % 27 + 1:02d}",  # one month: one shard
        body=". ".join(SENTENCES[(n + k) % len(SENTENCES)] for k in range(8)) + ".") for n in range(60)}
    project = make_project(tmp_path / "site", files)
    project.build()
    buckets = engine.bucket_count(60)
    pair, syllables = (engine.core_hash(core) & (buckets - 1) for core in ("hoi thao", "hoi")), (
        engine.core_hash("thao") & (buckets - 1))
    pair, hoi = pair
    assert len({pair, hoi, syllables}) == 3  # three buckets apart, so which one loads tells
    tab = chromium.new_page()
    sizes: dict[str, int] = {}
    tab.on("requestfinished", lambda request: sizes.__setitem__(request.url.split("?")[0],
                                                                request.sizes()["responseBodySize"]))
    with serve(project.out) as origin:
        tab.goto(f"{origin}/tim-kiem/?q=hội+thảo")
        found = results(tab)
        assert len(found) == 10 and tab.text_content(".search-status") == "Tìm thấy 60 kết quả cho “hội thảo”"
        # the excerpt shows where the words stand together
        assert "<mark>hội</mark> <mark>thảo</mark>" in found[0]["excerpt"]
    tab.close()
    loaded = sorted(url.rsplit("/search-index/", 1)[1] for url in sizes if "/b/" in url)
    assert loaded == [f"2023-06/b/{pair}.bin"]
    index = sum(size for url, size in sizes.items() if "/search-index/" in url and "/f/" not in url)
    everything = sum(size for url, size in sizes.items() if "/search-index/" in url or "/js/search" in url)
    # measured 2026-12-07: 1,786 bytes of index (the pair's bucket and the article list), 35,617 in all with the
    # scripts (search.js, the worker: this test's server sends them uncompressed) and the 10 fragments
    assert index < 3_000 and everything < 50_000, (index, everything)


# --- newest first ------------------------------------------------------------------------------
# The same articles, searched two articles at a time: the shards newest first are 2023-05 (1 article)
# and 2023-q1 (1), then 2022 (3), then 2021 and 2020 (1 each).
TIERED = SHARDED + "first_articles = 2\n"


@pytest.fixture(scope="module")
def tiered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    project = make_project(tmp_path_factory.mktemp("tiered") / "site", ARTICLES, TIERED)
    project.build()
    with serve(project.out) as origin:
        yield origin


def shards_fetched(page: object) -> set[str]:
    """The shards whose files the page (or its worker) has asked for: search-index/<shard>/..."""
    return {url.split("/search-index/")[1].split("/")[0] for url in REQUESTED[id(page)] if "/search-index/" in url}


def test_a_query_searches_the_newest_articles_first_and_says_so(page, tiered):
    found = search(page, tiered, "hội thảo")
    assert titles(found) == ["Hội thảo chuyển đổi số tại Đắk Lắk", "Hội thảo khoa học nông nghiệp ở Sơn La"]
    assert page.text_content(".search-status") == ("Tìm thấy 2 kết quả cho “hội thảo” (đã tìm trong 2 bài mới nhất, "
                                                   "từ ngày 02/03/2023; các bài cũ hơn chưa được tìm)")
    assert page.get_attribute("[data-search]", "data-searched") == "2023-03-02"
    assert shards_fetched(page) == {"2023-05", "2023-q1"}  # nothing of the older years yet
    # all years, one click away, with what it costs
    older = page.text_content(".search-older")
    assert older.startswith("Tìm cả các năm trước (12/2020–10/2022, khoảng ") and older.endswith(" KB)"), older
    # the click ranks every year together (the URL says so: the back button returns to the newest years)
    page.click(".search-older")
    page.wait_for_function("new URLSearchParams(location.search).get('sap-xep') === 'moi-nam'")
    assert sorted(titles(results(page))) == ["Hội thảo chuyển đổi số tại Đắk Lắk", "Hội thảo giống cà phê tại Sơn La",
                                             "Hội thảo khoa học nông nghiệp ở Sơn La"]
    assert page.is_hidden(".search-scope")
    assert page.text_content(".search-status") == "Tìm thấy 3 kết quả cho “hội thảo”"
    assert shards_fetched(page) == {"2023-05", "2023-q1", "2022", "2021", "2020"}


def test_sorted_by_date_the_older_years_follow_under_their_heading(page, tiered):
    search(page, tiered, "hội thảo", sap_xep="moi-nhat")
    page.click(".search-older")
    assert titles(results(page, loose=True))[-1] == "Hội thảo giống cà phê tại Sơn La"
    assert page.text_content(".search-older-heading") == "1 kết quả từ 12/2020–10/2022"
    assert page.is_hidden(".search-scope") and "chưa được tìm" not in page.text_content(".search-status")


def test_paging_past_the_newest_results_searches_the_next_years(page, tiered):
    search(page, tiered, "hội thảo")
    assert page.text_content(".search-more").startswith("Xem thêm kết quả: tìm tiếp 06/2022–10/2022 (khoảng ")
    page.click(".search-more")
    results(page)
    assert [h.text_content() for h in page.query_selector_all(".search-older-heading")] == [
        "0 kết quả từ 06/2022–10/2022"]
    assert "2021" not in shards_fetched(page)
    page.click(".search-more")
    assert titles(results(page, loose=True))[-1] == "Hội thảo giống cà phê tại Sơn La"
    assert page.is_hidden(".search-more")


def test_relevance_over_all_years_or_a_year_searches_those_shards_at_once(page, tiered):
    assert len(search(page, tiered, "hội thảo", sap_xep="moi-nam")) == 3
    assert page.is_hidden(".search-scope") and page.is_hidden(".search-older-heading")
    REQUESTED[id(page)].clear()
    assert titles(search(page, tiered, "hội thảo", nam="2021")) == ["Hội thảo giống cà phê tại Sơn La"]
    assert shards_fetched(page) == {"2021"}  # the year's shard alone


def test_a_filter_skips_the_shards_that_cannot_hold_matches(page, tiered):
    # Hà Giang's one article is of 2020: the shards of 2021 to 2023 have none
    assert titles(search(page, tiered, "báo cáo", tinh="ha-giang")) == ["Báo cáo tổng kết công tác tư vấn"]
    assert shards_fetched(page) == {"2020"}


def test_a_misspelt_query_finds_the_title_that_has_its_words_right(page, tiered):
    assert search(page, tiered, "Đắc Lắc") == []  # no precise result: "Đắk Lắk" is written with k
    assert "Hội thảo chuyển đổi số tại Đắk Lắk" in titles(results(page, loose=True))
    assert page.text_content(".search-loose").endswith("kết quả khác chứa một phần từ khóa")


def test_every_word_of_a_query_without_precise_results_is_searched_on_request(page, tiered):
    assert search(page, tiered, "cà phê Đắk Lắk") == []
    button = page.text_content(".search-words")
    assert button.startswith("Tìm từng từ riêng lẻ trong 2 bài đã tìm (khoảng ") and button.endswith(" KB)"), button
    page.click(".search-words")
    page.wait_for_selector("[data-search][data-state=done]")
    assert page.is_hidden(".search-words")


def test_an_english_site_searches_in_english(chromium, tmp_path):
    """The English words of the search page's address (?province=...&sort=newest), its counts in the singular
    and the plural (Intl.PluralRules), its dates."""
    english = {
        "content/news/2023/workshop.md": article("Workshop on clean water", "2023-06-02", province="National",
                                                 topic="Activities", body="Experts met for a workshop on water."),
        "content/news/2023/training.md": article("Training for young engineers", "2023-05-01", province="Sơn La",
                                                 topic="Activities", body="A workshop and a training in Sơn La."),
    }
    project = make_project(tmp_path / "site", english, 'title = "Union"\nbase_url = "https://example.org/"\n'
                           'language = "en"\ntopics = ["Activities"]\n[sections]\nnews = "News"\n')
    project.build()
    with serve(project.out) as origin:
        page = chromium.new_context().new_page()  # type: ignore[attr-defined]
        page.goto(f"{origin}/search/?q=workshop")
        assert sorted(titles(results(page))) == ["Training for young engineers", "Workshop on clean water"]
        assert page.text_content(".search-status") == "2 results for “workshop”"
        page.goto(f"{origin}/search/?q=workshop&province=national")
        found = results(page)
        assert titles(found) == ["Workshop on clean water"] and found[0]["meta"] == "2 June 2023 · National"
        assert page.text_content(".search-status") == "1 result for “workshop”"
        page.goto(f"{origin}/search/?q=workshop&sort=newest")
        assert titles(results(page)) == ["Workshop on clean water", "Training for young engineers"]
        page.select_option("select[name=sort]", "")  # the form writes the address in its own words
        page.select_option("select[name=province]", "son-la")
        page.wait_for_function("new URLSearchParams(location.search).get('province') === 'son-la'")
        assert titles(results(page)) == ["Training for young engineers"]
        page.context.close()


# --- bad input: an answer in the same time, never a page that waits for ever ---------------------------
@pytest.mark.parametrize("query, status", [
    ("hội thảo khoa học về chuyển đổi số " * 30, "(chỉ tìm theo 10 từ đầu tiên)"),  # 1,050 characters
    (",.;!?… — «»", "Không tìm thấy kết quả nào cho “,.;!?… — «»”."),  # punctuation only
    ("và của các là những được", "cho “và của các là những được”"),  # words on nearly every page
    ("北京 Москва", "Không tìm thấy kết quả nào cho “北京 Москва”."),  # another script
])
def test_a_query_of_any_shape_gets_an_answer_in_the_usual_time(page, site, query, status):
    started = time.monotonic()
    search(page, site, query.strip())
    assert status in page.text_content(".search-status")
    asked = [url for url in REQUESTED[id(page)] if "/search-index/" in url and "/b/" in url]
    # at most one word bucket per word or pair kept (10 words), per shard of the first tier (5 here)
    assert len(set(asked)) <= 5 * 19, asked
    assert time.monotonic() - started < 20


def test_a_filter_value_the_site_does_not_have_is_left_out(page, site):
    found = search(page, site, "hội thảo", tinh="khong-co-tinh-nay")
    assert len(found) == 3 and page.input_value("select[name=tinh]") == ""


@pytest.mark.parametrize("damage", ["a bucket garbled", "the article list gone", "a fragment gone",
                                    "a bucket truncated"])
def test_an_index_file_broken_on_the_host_says_search_is_unavailable_and_the_site_works(chromium, tmp_path, damage):
    project = make_project(tmp_path / "site", ARTICLES, SHARDED)
    project.build()
    shard = project.out / "search-index" / "2023-05"
    if damage == "a bucket garbled":
        (shard / "b" / "0.bin").write_bytes(b"\x1f\x8b not gzip at all")
    elif damage == "the article list gone":
        (shard / "docs.bin").unlink()
    elif damage == "a fragment gone":
        (shard / "f" / "0.bin").unlink()
    else:
        bucket = shard / "b" / "0.bin"
        bucket.write_bytes(gzip.compress(gzip.decompress(bucket.read_bytes())[:40]))
    tab = chromium.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    with serve(project.out) as origin:
        tab.goto(f"{origin}/tim-kiem/?q=Đắk+Lắk")
        tab.wait_for_selector("[data-search][data-state=done]", timeout=20_000)
        assert tab.text_content(".search-status") == (
            "Chức năng tìm kiếm chưa sẵn sàng: không tải được chỉ mục tìm kiếm của trang web.")
        assert tab.is_hidden(".search-more") and tab.is_hidden(".search-words")
        response = tab.goto(f"{origin}/tin-tuc/2023/dak-lak/")
        assert response.status == 200 and "Đắk Lắk" in tab.title()
    tab.close()
    assert not errors
