"""Unit tests of the small pure pieces: dates in Vietnamese, pagination, safe paths, hashing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from bantin.plan import output_path, page_url
from bantin.render import Pagination
from bantin.strings import vietnamese_datetime
from bantin.write import UnsafePath, hashed_name, safe_target


def test_vietnamese_datetime():
    vn = timezone(timedelta(hours=7))
    assert vietnamese_datetime(datetime(2023, 6, 2, 0, 3, tzinfo=vn)) == "Thứ sáu, 02/06/2023 00:03 (GMT+7)"
    assert vietnamese_datetime(datetime(2023, 6, 4, 18, 0, tzinfo=vn)) == "Chủ nhật, 04/06/2023 18:00 (GMT+7)"
    assert vietnamese_datetime(datetime(2023, 6, 5, 9, 0, tzinfo=UTC)) == "Thứ hai, 05/06/2023 09:00 (GMT)"


def test_pagination_window_shows_first_last_and_neighbours():
    urls = tuple(f"/p{n}/" for n in range(1, 21))
    assert Pagination(10, 20, urls).window() == [1, None, 8, 9, 10, 11, 12, None, 20]
    assert Pagination(1, 20, urls).window() == [1, 2, 3, None, 20]
    assert Pagination(1, 1, urls[:1]).window() == [1]
    assert Pagination(2, 3, urls[:3]).previous_url == "/p1/"
    assert Pagination(3, 3, urls[:3]).next_url is None


def test_urls_and_output_paths():
    assert page_url("/tinh/ha-noi/", 1, "trang") == "/tinh/ha-noi/"
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
