"""The province list: every spelling writers use, and the 2025 merger."""

from __future__ import annotations

import unicodedata

import pytest

from bantin.language.errors import BuildFailed
from bantin.language.provinces import load_provinces, parse_provinces

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
