"""Parsing one article: dates in every form PyYAML could produce, defaults, unknown keys."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bantin.content.model import Source
from bantin.content.parse import ArticleInvalid, parse_article
from bantin.language.dates import parse_date
from bantin.language.provinces import load_provinces
from bantin.markup.markdown import MarkdownRenderer
from bantin.project.config import parse_config

from conftest import SITE_TOML, article

VN = timezone(timedelta(hours=7))


@pytest.mark.parametrize(("written", "expected"), [
    ("2023-06-02", datetime(2023, 6, 2, 0, 0, tzinfo=VN)),
    ("2025-07-01 10:00", datetime(2025, 7, 1, 10, 0, tzinfo=VN)),
    ("2023-06-02T00:03:00", datetime(2023, 6, 2, 0, 3, tzinfo=VN)),
    ("2023-06-02T00:03:00+07:00", datetime(2023, 6, 2, 0, 3, tzinfo=VN)),
    ("2023-06-01T17:03:00Z", datetime(2023, 6, 2, 0, 3, tzinfo=VN)),
    ("2023-06-02 00:03:00 +07:00", datetime(2023, 6, 2, 0, 3, tzinfo=VN)),
    ("02/06/2023", datetime(2023, 6, 2, 0, 0, tzinfo=VN)),  # day first, as Vietnamese write it
    ("02/06/2023 00:03", datetime(2023, 6, 2, 0, 3, tzinfo=VN)),
    ("2/6/2023 0h03", datetime(2023, 6, 2, 0, 3, tzinfo=VN)),
    ("02-06-2023", datetime(2023, 6, 2, 0, 0, tzinfo=VN)),
])
def test_every_date_form_means_the_same_moment(written, expected):
    moment = parse_date(written, VN)
    assert moment == expected
    assert moment.utcoffset() == timedelta(hours=7)


@pytest.mark.parametrize("written", ["2025-13-01", "2025-02-30", "2025-01-01T24:30", "hôm qua", "2023", "30/02/2024",
                                     "31/13/2024", "31/12/2024 25:00", "2024/12/31", "12/31/24"])
def test_impossible_dates_are_errors(written):
    with pytest.raises(ValueError):
        parse_date(written, VN)


def parse(text: str, name: str = "bai.md"):
    config = parse_config(SITE_TOML, Path("/tmp/x"))
    source = Source(Path(f"/tmp/x/content/tin-tuc/2023/{name}"), f"content/tin-tuc/2023/{name}", "tin-tuc", text)
    return parse_article(source, config, load_provinces(None), MarkdownRenderer())


def test_defaults_and_unknown_keys():
    parsed = parse(article("Tiêu đề", "2023-06-02", "TP. Hà Nội", "chuyển đổi số", body="Câu **đầu**.\n\nHai.",
                           event_place='"Hội trường A"'))
    assert parsed.summary == "Câu đầu."  # first paragraph, plain text
    assert parsed.lead == ""
    assert parsed.province == "ha-noi"
    assert parsed.topic == "Chuyển đổi số"  # canonical spelling from site.toml
    assert parsed.tags == ()
    assert parsed.draft is False
    assert parsed.extra == {"event_place": "Hội trường A"}
    assert parsed.url == "/tin-tuc/2023/bai/"


def test_optional_fields():
    parsed = parse(article(
        "Tiêu đề", "2023-06-02", tags=["a", "A", " b "], summary='"Tóm tắt."', author='"Lê Công Lương"',
        source='{name: "kienthuc.net.vn", url: "https://kienthuc.net.vn/"}', image='"/anh/a.jpg"',
        slug='"Tên khác"'))
    assert parsed.tags == ("a", "b")
    assert parsed.summary == parsed.lead == "Tóm tắt."
    assert (parsed.source_name, parsed.source_url) == ("kienthuc.net.vn", "https://kienthuc.net.vn/")
    assert parsed.image_alt == "Tiêu đề"
    assert parsed.slug == "ten-khac"


def test_a_required_field_written_without_a_value_is_empty_not_missing():
    with pytest.raises(ArticleInvalid) as invalid:
        parse("---\ntitle:\ndate:\nprovince: Huế\ntopic: Y tế\n---\n\nĐoạn.\n")
    said = {(e.field, e.line, str(e.message), e.hint) for e in invalid.value.errors}
    assert said == {("title", 2, "must not be empty", None), ("date", 3, "must not be empty", None)}, said
    with pytest.raises(ArticleInvalid) as invalid:
        parse("---\ndate: 2023-01-01\nprovince: Huế\ntopic: Y tế\n---\n\nĐoạn.\n")
    assert [(e.field, str(e.message)) for e in invalid.value.errors] == [("title", "missing required field")]
    assert "title:" in str(invalid.value.errors[0].hint)


def test_wrong_types_are_field_errors():
    with pytest.raises(ArticleInvalid) as invalid:
        parse(article("T", "2023-06-02", tags=None, draft='"có"', source="42") + "")
    fields = {e.field for e in invalid.value.errors}
    assert {"draft", "source"} <= fields
    with pytest.raises(ArticleInvalid) as invalid:
        parse("---\ntitle: T\ndate: 2023-01-01\nprovince: Huế\ntopic: Y tế\ntags: trí thức\n---\n")
    assert invalid.value.errors[0].field == "tags" and invalid.value.errors[0].line == 6
