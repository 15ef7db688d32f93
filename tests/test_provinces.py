"""The province list: every spelling writers use, and the 2025 merger."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime

import pytest

from bantin.cli.main import main
from bantin.language.errors import BuildFailed
from bantin.language.provinces import load_provinces, parse_provinces

from conftest import article

PROVINCES = load_provinces(None)

# the 63 spellings of the benchmark corpus, plus the national level
CORPUS = [
    "An Giang", "Bà Rịa - Vũng Tàu", "Bắc Giang", "Bắc Kạn", "Bạc Liêu", "Bắc Ninh", "Bến Tre", "Bình Định",
    "Bình Dương", "Bình Phước", "Bình Thuận", "Cà Mau", "Cần Thơ", "Cao Bằng", "Đà Nẵng", "Đắk Lắk", "Đắk Nông",
    "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang", "Hà Nam", "Hà Nội", "Hà Tĩnh", "Hải Dương",
    "Hải Phòng", "Hậu Giang", "Hòa Bình", "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu",
    "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An", "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ",
    "Phú Yên", "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La",
    "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế", "Tiền Giang", "TP. Hồ Chí Minh",
    "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái", "Trung ương",
]


def test_every_corpus_spelling_resolves_to_a_distinct_unit():
    slugs = {PROVINCES.match(name).slug for name in CORPUS}
    assert len(slugs) == 64


def test_the_list_has_34_units_today():
    current = [p for p in PROVINCES.current() if not p.national]
    assert len(current) == 34
    assert sum(len(p.former) for p in current) == 30  # 29 merged away, plus Thừa Thiên Huế renamed


@pytest.mark.parametrize(("written", "slug"), [
    ("TP. Hà Nội", "ha-noi"), ("Ha Noi", "ha-noi"), ("Thành phố Hà Nội", "ha-noi"), ("hà nội", "ha-noi"),
    ("Hoà Bình", "hoa-binh"), ("Thanh Hoá", "thanh-hoa"), ("Khánh Hoà", "khanh-hoa"),
    ("Đắc Lắc", "dak-lak"), ("Đăk Lăk", "dak-lak"), ("Đăk Nông", "dak-nong"), ("Bắc Cạn", "bac-kan"),
    ("TP.HCM", "ho-chi-minh"), ("Sài Gòn", "ho-chi-minh"), ("Hồ Chí Minh", "ho-chi-minh"),
    ("Bà Rịa – Vũng Tàu", "ba-ria-vung-tau"), ("Bà Rịa-Vũng Tàu", "ba-ria-vung-tau"), ("BR-VT", "ba-ria-vung-tau"),
    ("Thừa Thiên - Huế", "thua-thien-hue"), ("Huế", "hue"), ("Tỉnh Sơn La", "son-la"),
])
def test_spellings(written, slug):
    assert PROVINCES.match(written).slug == slug
    assert PROVINCES.match(unicodedata.normalize("NFD", written)).slug == slug


def test_unknown_spelling():
    assert PROVINCES.match("Atlantis") is None


def test_merger():
    ha_giang = PROVINCES.match("Hà Giang")
    assert ha_giang.part_of == "tuyen-quang" and not ha_giang.is_current
    assert PROVINCES.members("tuyen-quang") == ("tuyen-quang", "ha-giang")
    assert PROVINCES.members("ho-chi-minh") == ("ho-chi-minh", "binh-duong", "ba-ria-vung-tau")
    assert PROVINCES.members("son-la") == ("son-la",)


def test_an_ambiguous_alias_is_a_data_error():
    data = {"province": [{"name": "Hà Nam", "aliases": ["HN"]}, {"name": "Hà Nội", "aliases": ["HN"]}]}
    with pytest.raises(BuildFailed) as failed:
        parse_provinces(data, "provinces.toml")
    assert "would match both" in str(failed.value)


def test_a_unit_merged_away_is_today_s_unit_from_the_day_it_was_merged():
    assert PROVINCES.merged_away("ha-giang", date(2026, 12, 7)).slug == "tuyen-quang"
    assert PROVINCES.merged_away("ha-giang", date(2025, 7, 1)).slug == "tuyen-quang"  # that very day
    assert PROVINCES.merged_away("ha-giang", date(2025, 6, 30)) is None
    assert PROVINCES.merged_away("binh-duong", date(2025, 8, 1)).slug == "ho-chi-minh"
    assert PROVINCES.merged_away("tuyen-quang", date(2026, 1, 1)) is None  # today's unit keeps its name
    assert PROVINCES.merged_away("trung-uong", date(2026, 1, 1)) is None
    # Thừa Thiên Huế became the city of Huế on 1 January 2025, before the merger
    assert PROVINCES.merged_away("thua-thien-hue", date(2025, 3, 1)).slug == "hue"
    assert PROVINCES.merged_away("thua-thien-hue", date(2024, 12, 31)) is None
    with pytest.raises(BuildFailed, match="since must be a date"):
        parse_provinces({"province": [{"name": "A", "former": [{"name": "B", "since": "soon"}]}]}, "p.toml")


def test_an_article_dated_after_the_merger_that_names_a_former_province_is_warned(project, capsys):
    site = project({
        "content/tin-tuc/2026/a.md": article("Hội thảo ở Hà Giang", "2026-12-07", province="Hà Giang"),
        "content/tin-tuc/2026/b.md": article("Tập huấn ở Vĩnh Phúc", "2026-12-05", province="Vinh Phuc"),
        "content/tin-tuc/2025/c.md": article("Diễn đàn ở Bình Dương", "2025-07-01T08:00", province="Bình Dương"),
        "content/tin-tuc/2025/d.md": article("Trước sáp nhập", "2025-06-30T23:00", province="Hà Giang"),
        "content/tin-tuc/2025/e.md": article("Ở Tuyên Quang", "2025-09-01", province="Tuyên Quang"),
    })
    report = site.build(search=False, now=datetime(2026, 12, 8, tzinfo=UTC))
    said = {w.path: w for w in report.warnings if w.field == "province"}
    assert sorted(said) == ["content/tin-tuc/2025/c.md", "content/tin-tuc/2026/a.md", "content/tin-tuc/2026/b.md"]
    assert str(said["content/tin-tuc/2026/a.md"]) == (
        "content/tin-tuc/2026/a.md:4: [province] Hà Giang has been part of Tuyên Quang since 01/07/2025, before "
        "the article's date\n    hint: write province: Tuyên Quang (it lists the articles of Hà Giang too)")
    assert "Vĩnh Phúc has been part of Phú Thọ" in str(said["content/tin-tuc/2026/b.md"])
    assert "Bình Dương has been part of Hồ Chí Minh since 01/07/2025" in str(said["content/tin-tuc/2025/c.md"])
    assert "write province: TP. Hồ Chí Minh" in str(said["content/tin-tuc/2025/c.md"])
    assert "Hội thảo ở Hà Giang" in site.page("/tinh/tuyen-quang/")  # the article is published all the same
    # in the editor's language, from check and from new
    assert main(["check", "--root", str(site.root)]) == 0
    err = capsys.readouterr().err
    assert "cảnh báo: content/tin-tuc/2026/a.md:4: [province] Hà Giang đã thuộc Tuyên Quang từ ngày 01/07/2025" in err
    assert "d.md" not in err and "e.md" not in err
    assert main(["new", "Hội nghị", "--province", "ha giang", "--topic", "Y tế", "--date", "2026-12-07",
                 "--root", str(site.root)]) == 0
    said = capsys.readouterr()
    assert "Hà Giang đã thuộc Tuyên Quang từ ngày 01/07/2025" in said.err
    assert main(["new", "Hội nghị cũ", "--province", "ha giang", "--topic", "Y tế", "--date", "2024-12-07",
                 "--root", str(site.root)]) == 0
    assert capsys.readouterr().err == ""
