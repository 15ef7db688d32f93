"""Unit tests of the small pure pieces: dates in Vietnamese, pagination, safe paths, hashing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from bantin.builder.plan import list_page, list_pages, output_path, page_url
from bantin.builder.write import UnsafePath, hashed_name, safe_target
from bantin.language.dates import english_datetime, vietnamese_datetime


def test_vietnamese_datetime():
    vn = timezone(timedelta(hours=7))
    assert vietnamese_datetime(datetime(2023, 6, 2, 0, 3, tzinfo=vn)) == "Thứ sáu, 02/06/2023 00:03 (GMT+7)"
    assert vietnamese_datetime(datetime(2023, 6, 4, 18, 0, tzinfo=vn)) == "Chủ nhật, 04/06/2023 18:00 (GMT+7)"
    assert vietnamese_datetime(datetime(2023, 6, 5, 9, 0, tzinfo=UTC)) == "Thứ hai, 05/06/2023 09:00 (GMT)"
    # a date given without its time (midnight, as it is read) is the day alone
    assert vietnamese_datetime(datetime(2023, 6, 2, 0, 0, tzinfo=vn)) == "Thứ sáu, 02/06/2023"
    assert english_datetime(datetime(2023, 6, 2, 0, 0, tzinfo=vn)) == "Friday, 2 June 2023"
    assert english_datetime(datetime(2023, 6, 2, 0, 3, tzinfo=vn)) == "Friday, 2 June 2023, 00:03 (GMT+7)"


def test_list_pages_are_numbered_from_the_oldest():
    # 45 articles, 10 a page: the first page holds the newest 15, pages 3, 2, 1 the older 30
    assert list_pages(45, 10) == 4 and list_pages(9, 10) == 1 and list_pages(0, 10) == 1
    first = list_page(45, 10, 0)
    assert (first.start, first.stop, first.newer, first.older) == (0, 15, None, 3)
    oldest = list_page(45, 10, 1)
    assert (oldest.start, oldest.stop, oldest.newer, oldest.older) == (35, 45, 2, None)
    newest = list_page(45, 10, 3)  # the newest numbered page leads to the first
    assert (newest.start, newest.stop, newest.newer) == (15, 25, 0)
    alone = list_page(9, 10, 0)
    assert (alone.start, alone.stop, alone.newer, alone.older) == (0, 9, None, None)


def test_an_older_page_is_the_same_however_many_articles_come_after_it():
    for count in range(200, 400):  # 20 a page: page 3 holds articles 41-60 counted from the oldest
        page = list_page(count, 20, 3)
        assert (count - page.stop, count - page.start) == (40, 60)
        if count >= 20 * 8:  # once its pager no longer reaches the newest pages
            assert page.window == (0, None, 5, 4, 3, 2, 1) and (page.newer, page.older) == (4, 2)


def test_pager_window_shows_the_first_page_the_oldest_and_neighbours():
    assert list_page(400, 20, 10).window == (0, None, 12, 11, 10, 9, 8, None, 1)
    assert list_page(400, 20, 0).window == (0, 19, 18, None, 1)
    assert list_page(60, 20, 0).window == (0, 2, 1)
    assert list_page(19, 20, 0).window == (0,)


def test_urls_and_output_paths():
    assert page_url("/tinh/ha-noi/", 0, "trang") == "/tinh/ha-noi/"
    assert page_url("/tinh/ha-noi/", 3, "trang") == "/tinh/ha-noi/trang/3/"
    assert output_path("/tin-tuc/2023/a/") == "tin-tuc/2023/a/index.html"
    assert output_path("/cu/a.html") == "cu/a.html"


@pytest.mark.parametrize("relative", ["../x", "/etc/passwd", "a/../../x", "a\\..\\x", "", "a/\x00"])
def test_safe_target_refuses_paths_leaving_the_output(tmp_path, relative):
    with pytest.raises(UnsafePath):
        safe_target(tmp_path, relative)


def test_safe_target_refuses_a_symlink_out(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "link").symlink_to(tmp_path)
    with pytest.raises(UnsafePath):
        safe_target(tmp_path / "out", "link/x.html")
    assert safe_target(tmp_path / "out", "a/b.html") == tmp_path / "out" / "a" / "b.html"


def test_hashed_names_change_with_content():
    first, second = hashed_name("css/site.css", b"a"), hashed_name("css/site.css", b"b")
    assert first != second and first.startswith("css/site.") and first.endswith(".css")
    assert hashed_name("css/site.css", b"a") == first
