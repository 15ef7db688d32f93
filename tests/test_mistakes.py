"""Editors' usual mistakes, each on a small site, checked by the message an editor reads: the file,
the line, what is wrong and what to write instead, every problem in one run, in the site's language."""

from __future__ import annotations

import os
import re
import subprocess

import pytest

from conftest import ENGLISH, REPO, SITE_TOML, article, in_process, photo

OK = {"content/tin-tuc/2024/co-san.md": article("Bài đã có", "2024-05-01", tags=["hội thảo"]),
      "content/anh/2024/co.jpg": photo(64, 48)}
SOURCE_DATE_EPOCH = "1735689600"  # 01/01/2025 00:00 UTC: the build's "now"


def run(site, *args: str) -> subprocess.CompletedProcess:
    """`bantin ARGS` in the site's folder, in this process (conftest.in_process): what main says and returns."""
    return in_process(args, site.root, {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH})


def check(site) -> str:
    """What `check` prints, asserting it ran to the end without a traceback."""
    result = run(site, "check")
    said = result.stdout + result.stderr
    assert "Traceback" not in said, said
    return said


def body_article(body: str, **fields: str) -> str:
    return article("Hội thảo chuyển đổi số", "2024-05-10", body=body, **fields)


# --- one round -------------------------------------------------------------------------------

def test_five_mistakes_of_one_article_in_one_run_without_english(project):
    """The issue's done-when: a Tab in the header, a photo that does not exist, a photo on the
    editor's computer, a link to a missing file and the sample text of `new`, all in one run."""
    text = ("---\ntitle: \"Hội thảo\"\ndate: 2024-05-10\nprovince: \"Hà Tĩnh\"\ntopic: \"Y tế\"\ntags:\n\t- y tế\n"
            "---\n\nĐoạn mở đầu: ai, làm gì, ở đâu, khi nào.\n\n![Hội trường](/anh/2024/khong-co.jpg)\n\n"
            "![Ảnh](C:\\Users\\tt\\Pictures\\hoi-thao.jpg)\n\n[Tải kế hoạch](/tai-lieu/2024/ke-hoach.pdf)\n")
    site = project({**OK, "content/tin-tuc/2024/a.md": text})
    said = check(site)
    assert "5 lỗi:" in said, said
    expected = [
        "a.md:7: [tags] không đọc được phần đầu bài (front matter): dòng bắt đầu bằng ký tự Tab: dùng dấu cách, "
        "không dùng phím Tab (YAML: found character that cannot start any token)",
        "gợi ý: thay ký tự Tab ở đầu dòng 7 bằng hai dấu cách",
        "a.md:10: [body] bài vẫn còn đoạn mẫu do lệnh bantin new viết sẵn",
        "a.md:12: [body] không có ảnh /anh/2024/khong-co.jpg",
        "gợi ý: đặt ảnh vào content/anh/2024/khong-co.jpg, hoặc sửa lại đường dẫn",
        "a.md:14: [body] ảnh C:\\Users\\tt\\Pictures\\hoi-thao.jpg là một tệp trên máy của bạn",
        "gợi ý: viết đường dẫn ảnh trong trang, ví dụ /anh/2024/hoi-thao.jpg, và đặt tệp vào content/anh/2024/",
        "a.md:16: [body] liên kết /tai-lieu/2024/ke-hoach.pdf không dẫn tới đâu",
        "gợi ý: đặt tệp vào content/tai-lieu/2024/ke-hoach.pdf, hoặc sửa lại liên kết",
    ]
    for line in expected:
        assert line in said, (line, said)
    # no English but the parser's own words, quoted after "YAML:"
    words = re.sub(r"\((?:YAML|TOML): [^)]*\)", "", said)
    words = re.sub(r"\S*[/\\]\S*|'[^']*'", "", words)  # paths, addresses and quoted values stay as written
    english = re.findall(r"\b(?:the|is|not|cannot|found|file|photo|link|line|hint|error|write|value|token)\b",
                         words)
    assert not english, (english, said)


def test_a_header_error_does_not_hide_the_photos_and_links(project):
    """Run 1 used to report the date and the province, and the missing photo only in run 3."""
    site = project({**OK, "content/tin-tuc/2024/a.md": article(
        "A", "2024-13-05", province="Ha Tinhh", body="Đoạn đầu.\n\n![Hội thảo](/anh/2024/khong-co.jpg)")})
    said = check(site)
    assert "3 lỗi:" in said
    assert "a.md:3: [date] ngày không có thật '2024-13-05': không có tháng 13" in said
    assert "gợi ý: có phải ý bạn là 2024-05-13? hãy viết date: 2024-05-13" in said
    assert "a.md:4: [province] không có tỉnh, thành phố 'Ha Tinhh'" in said
    assert "a.md:10: [body] không có ảnh /anh/2024/khong-co.jpg" in said


# --- nothing silent -------------------------------------------------------------------------

def test_a_photo_or_a_file_on_the_editors_computer_is_an_error(project):
    site = project({**OK, "content/tin-tuc/2025/a.md": article(
        "A", "2024-06-01", image=r"D:\anh\bia.jpg",
        body="Đoạn đầu.\n\n![Ảnh](C:\\Users\\tt\\Pictures\\hoi-thao.jpg)\n\n[Kế hoạch](file:///C:/tai%20lieu/ke-hoach.docx)")})
    said = check(site)
    assert "3 lỗi:" in said, said
    assert "a.md:6: [image] ảnh D:\\anh\\bia.jpg là một tệp trên máy của bạn: người đọc không xem được" in said
    assert "a.md:11: [body] ảnh C:\\Users\\tt\\Pictures\\hoi-thao.jpg là một tệp trên máy của bạn" in said
    assert "ví dụ /anh/2024/hoi-thao.jpg, và đặt tệp vào content/anh/2024/" in said  # the article's year
    assert "a.md:13: [body] liên kết file:///C:/tai%20lieu/ke-hoach.docx trỏ tới một tệp trên máy của bạn" in said
    assert "gợi ý: đặt tệp vào content/tai-lieu/2024/ và ghi liên kết bằng đường dẫn trong trang" in said


LINKS = [
    "/tin-tuc/2024/co-san/", "/tin-tuc/2024/co-san", "/tin-tuc/2024/co-san/index.html#muc-2",
    "/tin-tuc/2024/co-san/?utm=zalo", "../co-san/", "/anh/2024/co.jpg", "/tai-lieu/ke%20hoach.pdf",
    "/the/hoi-thao/", "/tinh/ha-tinh/", "/chu-de/y-te/", "/tin-tuc/", "/tin-tuc/trang/2/", "/luu-tru/2024/05/",
    "/feed.xml", "/tin-tuc/feed.xml", "/sitemap.xml", "/tim-kiem/?q=hội+thảo", "/tin/cu/", "/", "#muc-1",
    "https://vusta.vn/", "mailto:lhh@example.org",
]


def test_every_link_to_a_page_or_file_of_the_site_counts_as_answered(project):
    files = {**OK, "content/tai-lieu/ke hoach.pdf": b"%PDF-1.4\n",
             "content/tin-tuc/2024/cu.md": article("Cũ", "2024-04-01", aliases='["/tin/cu/"]')}
    for n in range(3):  # a second page of the section
        files[f"content/tin-tuc/2024/them-{n}.md"] = article(f"Thêm {n}", f"2024-03-0{n + 1}")
    links = "\n\n".join(f"[liên kết {n}]({link})" for n, link in enumerate(LINKS))
    site = project({**files, "content/tin-tuc/2024/a.md": body_article("Đoạn đầu.\n\n" + links)})
    said = check(site)
    assert "không có lỗi" in said, said


def test_links_to_nothing_are_errors_with_what_to_write(project):
    site = project({**OK, "content/tin-tuc/2024/cu.md": article("Cũ", "2024-04-01", draft="true"),
                    "content/tin-tuc/2024/a.md": body_article(
                        "Đoạn đầu.\n\n[Kế hoạch](/anh/2025/ke-hoach.pdf)\n\n[Bài cũ](/tin-tuc/2023/co-san/)\n\n"
                        "[Sai](/tin-tuc/2024/khong-co/)\n\n[Nháp](/tin-tuc/2024/cu/)")})
    said = check(site)
    assert "3 lỗi:" in said, said
    assert ("a.md:10: [body] liên kết /anh/2025/ke-hoach.pdf không dẫn tới đâu: trang web không có trang hay tệp "
            "nào ở địa chỉ này") in said
    assert "gợi ý: đặt tệp vào content/anh/2025/ke-hoach.pdf, hoặc sửa lại liên kết" in said
    assert "a.md:12: [body] liên kết /tin-tuc/2023/co-san/ không dẫn tới đâu" in said
    assert "gợi ý: có phải bạn muốn viết /tin-tuc/2024/co-san/?" in said  # the article of that name
    assert "a.md:14: [body] liên kết /tin-tuc/2024/khong-co/ không dẫn tới đâu" in said
    assert "mở trang đó trên trang web và chép địa chỉ của nó" in said
    # a link to a draft is a warning: broken until the draft is published
    assert "cảnh báo: content/tin-tuc/2024/a.md:16: [body] liên kết /tin-tuc/2024/cu/ dẫn tới " \
           "content/tin-tuc/2024/cu.md, bài chưa được đưa lên trang (bài nháp)" in said


def test_links_under_a_base_url_with_a_folder(project):
    toml = SITE_TOML.replace('base_url = "https://example.org/"', 'base_url = "https://example.org/lhh/"')
    site = project({**OK, "content/tin-tuc/2024/a.md": body_article(
        "Đoạn đầu.\n\n[Đúng](/tin-tuc/2024/co-san/)\n\n[Thừa thư mục](/lhh/tin-tuc/2024/co-san/)")}, toml)
    said = check(site)
    assert "1 lỗi:" in said, said
    assert "a.md:12: [body] liên kết /lhh/tin-tuc/2024/co-san/ không dẫn tới đâu" in said
    assert "gợi ý: viết đường dẫn tính từ gốc trang, không có /lhh: /tin-tuc/2024/co-san/" in said
    page = site.root / "content/tin-tuc/2024/a.md"
    page.write_text(page.read_text(encoding="utf-8").replace("/lhh/tin-tuc", "/tin-tuc"), encoding="utf-8")
    site.build()  # and the written link is the one under the folder
    assert 'href="/lhh/tin-tuc/2024/co-san/"' in site.page("/tin-tuc/2024/a/")


def test_an_article_that_fails_does_not_make_links_to_it_errors_too(project):
    site = project({**OK, "content/tin-tuc/2024/b.md": article("B", "2024-02-30"),
                    "content/tin-tuc/2024/a.md": body_article("Đoạn đầu.\n\n[B](/tin-tuc/2024/b/)")})
    said = check(site)
    assert "1 lỗi:" in said and "b.md:3: [date]" in said, said


def test_the_sample_text_of_new_is_an_error(project):
    site = project({**OK})
    made = run(site, "new", "Hội thảo", "--province", "Hà Tĩnh", "--topic", "Y tế", "--date", "10/05/2024")
    assert made.returncode == 0, made.stderr
    said = check(site)
    assert ("content/tin-tuc/2024/hoi-thao.md:9: [body] bài vẫn còn đoạn mẫu do lệnh bantin new viết sẵn: "
            "'Đoạn mở đầu: ai, làm gì, ở đâu, khi nào.'") in said, said
    assert "gợi ý: thay bằng nội dung thật của bài" in said


def test_a_copied_article_is_a_warning_naming_both_files(project):
    site = project({**OK, "content/tin-tuc/2024/ban-sao.md": article("Bài đã có", "2024-05-01 15:00")})
    result = run(site, "build", "--no-search")
    assert result.returncode == 0, result.stderr
    assert ("cảnh báo: content/tin-tuc/2024/co-san.md:2: [title] trùng tiêu đề và ngày với "
            "content/tin-tuc/2024/ban-sao.md: có phải là bản sao?") in result.stderr, result.stderr
    assert "gợi ý: xóa một trong hai tệp, hoặc đổi tiêu đề hay ngày của bài này" in result.stderr


def test_an_article_dated_in_the_future_is_named_with_its_date_and_how_to_publish_it(project):
    site = project({**OK, "content/tin-tuc/2052/a.md": article("A", "2052-05-10 08:30")})
    result = run(site, "build", "--no-search")
    assert result.returncode == 0, result.stderr
    assert "bỏ qua: 1 bài đề ngày trong tương lai" in result.stdout
    assert ("cảnh báo: content/tin-tuc/2052/a.md:3: [date] bài đề ngày 10/05/2052 08:30, muộn hơn lúc này: chưa "
            "được đưa lên trang cho tới ngày đó") in result.stderr, result.stderr
    assert "gợi ý: để đăng ngay, hãy viết date: 2025-01-01 (nếu gõ nhầm năm, hãy sửa lại)" in result.stderr
    # further than GitHub's 60 quiet days: how to publish it on its day if the daily run has been turned off
    assert ("lần chạy hằng ngày của trang sẽ đăng bài vào ngày 10/05/2052, trừ khi GitHub đã tắt lần chạy hằng ngày "
            "trước đó (sau 60 ngày không có lần đẩy nào): nếu hôm đó bài chưa hiện, hãy chạy quy trình bằng tay") \
        in result.stderr
    assert "content/tin-tuc/2052" not in run(site, "build", "--no-search", "--future").stderr
    (site.root / "content/tin-tuc/2052/a.md").unlink()
    site.write({"content/tin-tuc/2025/b.md": article("B", "2025-02-01 08:30")})  # within 60 days
    said = run(site, "build", "--no-search").stderr
    assert "bài đề ngày 01/02/2025 08:30" in said and "60 ngày" not in said


# --- the parsers' errors in an editor's words -------------------------------------------------

@pytest.mark.parametrize(("header", "line", "said", "hint"), [
    ("tags:\n\t- y tế", 7, "[tags] không đọc được phần đầu bài (front matter): dòng bắt đầu bằng ký tự Tab: dùng "
     "dấu cách, không dùng phím Tab (YAML: found character that cannot start any token)",
     "thay ký tự Tab ở đầu dòng 7 bằng hai dấu cách"),
    ("summary: “Hội thảo” về “chuyển đổi số”: kết quả", 6, "[summary] không đọc được phần đầu bài (front matter): "
     "ngoặc kép cong “ ” không bao được giá trị: đặt cả giá trị trong ngoặc kép thẳng \" \" (YAML: mapping values "
     "are not allowed in this context)", "viết lại dòng 6 thành: summary: \"“Hội thảo” về “chuyển đổi số”: kết quả\""),
    ("summary: Hà Tĩnh: hội thảo", 6, "[summary] không đọc được phần đầu bài (front matter): giá trị có ': ' (dấu "
     "hai chấm và dấu cách) nên bị hiểu là một trường mới: đặt cả giá trị trong ngoặc kép (YAML: mapping values "
     "are not allowed in this context)", "viết lại dòng 6 thành: summary: \"Hà Tĩnh: hội thảo\""),
    ('image: "C:\\Users\\tt\\a.jpg"', 6, "[image] không đọc được phần đầu bài (front matter): trong ngoặc kép, "
     "dấu \\ mở đầu một ký hiệu đặc biệt: hãy viết giá trị trong ngoặc đơn (YAML: ",
     "viết lại dòng 6 thành: image: 'C:\\Users\\tt\\a.jpg'"),
    ('summary: "Hội thảo chuyển đổi số\nauthor: "A"', 6, "[summary] không đọc được phần đầu bài (front matter): "
     "dấu ngoặc kép mở ở đây nhưng không được đóng lại (YAML: ", "viết lại dòng 6 thành: summary: \"Hội thảo "
     "chuyển đổi số\""),
])
def test_yaml_errors_say_the_likely_cause_and_the_line_to_write(project, header, line, said, hint):
    text = article("Hội thảo", "2024-05-10").replace("---\n\n", header + "\n---\n\n", 1)
    site = project({**OK, "content/tin-tuc/2024/a.md": text})
    result = check(site)
    assert f"content/tin-tuc/2024/a.md:{line}: {said}" in result, result
    assert f"gợi ý: {hint}" in result, result


def test_a_field_written_twice_and_an_indented_field_are_said(project):
    site = project({**OK, "content/tin-tuc/2024/a.md": article("A", "2024-05-10", title2='"B"').replace(
        "title2:", "title:"), "content/tin-tuc/2024/b.md": article("B", "2024-05-11", summary='"Tóm tắt"').replace(
        "summary:", "  author: x\nsummary:")})
    said = check(site)
    assert ("a.md:6: [title] title được viết hai lần (dòng 2 và 6): chỉ dòng sau có tác dụng\n"
            "    gợi ý: chỉ giữ một trong hai dòng") in said, said
    assert "b.md:6: [topic] không đọc được phần đầu bài (front matter): dòng bắt đầu bằng dấu cách" in said
    assert "gợi ý: viết lại dòng 6 thành: author: x" in said


def test_a_value_cut_by_a_comment_is_said_and_a_comment_after_a_date_is_not(project):
    """YAML drops ' #...' from a plain value: in words an editor writes, that is never meant."""
    cut = article("A", "2024-05-10").replace('title: "A"', 'title: Hội nghị lần thứ #3 của "Liên hiệp hội"')
    dated = article("B", "2024-05-11").replace("date: 2024-05-11", "date: 2024-05-11  # ngày đăng")
    site = project({**OK, "content/tin-tuc/2024/a.md": cut, "content/tin-tuc/2024/b.md": dated})
    said = check(site)
    assert ("a.md:2: [title] title bị cắt trước ' #': khi giá trị không có ngoặc kép, phần còn lại của dòng bị coi "
            "là ghi chú và bỏ đi") in said, said
    assert 'gợi ý: đặt cả giá trị trong ngoặc kép: title: "Hội nghị lần thứ #3 của \\"Liên hiệp hội\\""' in said
    assert "b.md" not in said, said


@pytest.mark.parametrize(("tags", "line", "said", "hint"), [
    ('tags: ["trí thức", "hội thảo]', 6, "dấu ngoặc kép mở ở đây nhưng không được đóng lại",
     'viết lại dòng 6 thành: tags: ["trí thức", "hội thảo"]'),
    ('tags: ["trí thức, "hội thảo"]', 6, "danh sách viết chưa đúng",
     'viết lại dòng 6 thành: tags: ["trí thức", "hội thảo"]'),
    ("tags: trí thức, hội thảo", 6, "[tags] cần một danh sách các giá trị chữ",
     'viết thành một danh sách: tags: ["trí thức", "hội thảo"]'),
    ("tags:\n  - trí thức\n    - hội thảo", 8, "[tags] các mục của một danh sách phải thẳng cột với mục đầu tiên",
     "đầu dòng 8 đặt 2 dấu cách trước dấu '-', như dòng 7"),
    ("tags:\n    - trí thức\n  - hội thảo", 8, "[tags] các mục của một danh sách phải thẳng cột với mục đầu tiên",
     "đầu dòng 8 đặt 4 dấu cách trước dấu '-', như dòng 7"),
])
def test_a_list_of_tags_written_wrong_gets_the_line_as_meant(project, tags, line, said, hint):
    text = article("Hội thảo", "2024-05-10", tags=["x"]).replace('tags: ["x"]', tags)
    site = project({**OK, "content/tin-tuc/2024/a.md": text})
    result = check(site)
    assert f"content/tin-tuc/2024/a.md:{line}: " in result and said in result, result
    assert f"gợi ý: {hint}" in result, result
    assert result.count("a.md:") == 1, result  # the cause, not YAML's complaint beside it


def test_a_list_of_tables_and_a_list_written_evenly_are_not_uneven(project):
    even = article("A", "2024-05-10", tags=["x"]).replace('tags: ["x"]', "tags:\n  - trí thức\n  - hội thảo")
    listed = 'links:\n  - title: "Một"\n    words:\n      - a\n      - b\n  - title: "Hai"\n    url: "https://b.vn"'
    tables = article("B", "2024-05-11", tags=["x"]).replace('tags: ["x"]', listed)
    site = project({**OK, "content/tin-tuc/2024/a.md": even, "content/tin-tuc/2024/b.md": tables})
    assert "tốt: đã kiểm tra" in check(site)


def test_a_header_never_closed_is_one_error_without_its_fields(project):
    """The fields of a header that never closes are unknown: 'missing required field' would only repeat it."""
    site = project({**OK, "content/tin-tuc/2024/a.md": '---\ntitle: "Hội thảo"\ndate: 2024-05-10\n\nNội dung.\n',
                    "content/tin-tuc/2024/b.md": "Nội dung không có phần đầu.\n"})
    said = check(site)
    assert "a.md:1: phần đầu bài (front matter) không được đóng lại" in said, said
    assert "b.md:1: tệp không có phần đầu bài (front matter)" in said, said
    assert "thiếu trường bắt buộc" not in said, said
    assert said.count("a.md") == 1 and said.count("b.md") == 1, said


@pytest.mark.parametrize(("spoil", "line", "said", "hint"), [
    (lambda t: t.replace('title = "Liên hiệp hội thử nghiệm"', 'title = "Liên hiệp hội thử nghiệm'), 1,
     "[title] không đọc được site.toml: dấu ngoặc kép mở ở đây nhưng không được đóng lại (TOML: Illegal character",
     'viết lại dòng 1 thành: title = "Liên hiệp hội thử nghiệm"'),
    (lambda t: t.replace("page_size = 2", "page_size: 2"), 3, "[page_size] không đọc được site.toml: các thiết lập "
     "viết dạng 'khóa = giá trị', dùng dấu '=' chứ không dùng ':'", "viết lại dòng 3 thành: page_size = 2"),
    (lambda t: t.replace('base_url = "https://example.org/"', "base_url = “https://example.org/”"), 2,
     "[base_url] không đọc được site.toml: ngoặc kép cong “ ” không bao được giá trị",
     'viết lại dòng 2 thành: base_url = "https://example.org/"'),
    (lambda t: t.replace('topics = ["Hoạt động Liên hiệp hội", "Chuyển đổi số", "Y tế"]',
                         'topics = [\n  "Hoạt động Liên hiệp hội",\n  “Chuyển đổi số”,\n  "Y tế",\n]'), 7,
     "không đọc được site.toml: ngoặc kép cong “ ” không bao được giá trị",
     'viết lại dòng 7 thành: "Chuyển đổi số",'),
    (lambda t: t.replace('title = "Liên hiệp hội thử nghiệm"', "title = Liên hiệp hội"), 1,
     "[title] không đọc được site.toml: chữ phải đặt trong ngoặc kép (TOML: Invalid value)",
     'viết lại dòng 1 thành: title = "Liên hiệp hội"'),
])
def test_site_toml_errors_say_the_likely_cause_and_the_line_to_write(project, spoil, line, said, hint):
    site = project(OK, spoil(SITE_TOML))
    result = check(site)
    assert f"site.toml:{line}: {said}" in result, result
    assert f"gợi ý: {hint}" in result, result


def test_an_english_site_hears_the_same_in_english_even_with_a_broken_site_toml(project):
    site = project(OK, ENGLISH + SITE_TOML.replace("page_size = 2", "page_size: 2"))
    assert "site.toml:4: [page_size] site.toml cannot be read: site settings are written 'key = value'" in check(site)


# --- dates ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "shown"), [
    ("31/12/2024", "Thứ ba, 31/12/2024</time>"), ("31/12/2024 08:30", "31/12/2024 08:30 (GMT+7)"),
    ("2024-12-31", "Thứ ba, 31/12/2024</time>"), ("1/2/2024 8h30", "01/02/2024 08:30 (GMT+7)"),
    ("31-12-2024", "Thứ ba, 31/12/2024</time>"),
])
def test_dates_as_vietnamese_write_them_in_the_header(project, written, shown):
    # a date without its time is shown as the day alone
    site = project({"content/tin-tuc/2024/a.md": article("A", written)})
    site.build(search=False)
    assert shown in site.page("/tin-tuc/2024/a/")


@pytest.mark.parametrize(("written", "said", "hint"), [
    ("2024/12/31", "'2024/12/31' không phải là ngày", "có phải ý bạn là 2024-12-31? hãy viết date: 2024-12-31"),
    ("12/31/2024", "ngày không có thật '12/31/2024': không có tháng 31",
     "có phải ý bạn là 2024-12-31? hãy viết date: 2024-12-31"),
    ("31/12/24", "'31/12/24' không phải là ngày", "có phải ý bạn là 2024-12-31? hãy viết date: 2024-12-31"),
    ("30/02/2024", "ngày không có thật '30/02/2024': tháng 2/2024 chỉ có 29 ngày",
     "viết ngày dạng 2024-12-31 hoặc 31/12/2024 (ngày/tháng/năm), có thể kèm giờ: 31/12/2024 08:30"),
    ("hôm qua", "'hôm qua' không phải là ngày", "viết ngày dạng 2024-12-31 hoặc 31/12/2024"),
])
def test_a_date_that_is_no_date_gets_the_value_to_write(project, written, said, hint):
    site = project({"content/tin-tuc/2024/a.md": article("A", f'"{written}"')})
    result = check(site)
    assert f"a.md:3: [date] {said}" in result, result
    assert f"gợi ý: {hint}" in result, result


def test_new_takes_the_same_dates_and_says_what_to_write(project):
    site = project()
    made = run(site, "new", "Bài mới", "--province", "Hà Tĩnh", "--topic", "Y tế", "--date", "31/12/2024 08:30")
    assert made.returncode == 0, made.stderr
    assert "date: 2024-12-31T08:30:00+07:00" in (site.root / "content/tin-tuc/2024/bai-moi.md").read_text("utf-8")
    wrong = run(site, "new", "Bài khác", "--province", "Hà Tĩnh", "--topic", "Y tế", "--date", "2024/12/31")
    assert wrong.returncode == 2
    assert "lỗi: --date: '2024/12/31' không phải là ngày" in wrong.stderr
    assert "gợi ý: có phải ý bạn là 2024-12-31? hãy viết --date 2024-12-31" in wrong.stderr


# --- places that are not provinces ---------------------------------------------------------------

@pytest.mark.parametrize(("written", "date", "hint"), [
    ("TP. Vinh", "2024-05-10", "Vinh thuộc tỉnh Nghệ An: viết province: Nghệ An"),
    ("Nha Trang", "2024-05-10", "Nha Trang thuộc tỉnh Khánh Hòa: viết province: Khánh Hòa"),
    ("Đà Lạt", "2024-05-10", "Đà Lạt thuộc tỉnh Lâm Đồng: viết province: Lâm Đồng"),
    ("Buôn Ma Thuột", "2024-05-10", "Buôn Ma Thuột thuộc tỉnh Đắk Lắk: viết province: Đắk Lắk"),
    ("Thủ Dầu Một", "2024-05-10", "Thủ Dầu Một thuộc tỉnh Bình Dương: viết province: Bình Dương"),
    ("Thủ Dầu Một", "2025-08-01", "Thủ Dầu Một thuộc thành phố Hồ Chí Minh: viết province: TP. Hồ Chí Minh"),
    ("Phan Rang", "2025-08-01", "Phan Rang thuộc tỉnh Khánh Hòa: viết province: Khánh Hòa"),
])
def test_a_city_is_answered_with_its_province(project, written, date, hint):
    site = project({"content/tin-tuc/2024/a.md": article("A", date, province=written)})
    result = check(site)
    assert f"a.md:4: [province] '{written}' không phải tỉnh hay thành phố trực thuộc trung ương" in result, result
    assert f"gợi ý: {hint}" in result, result


def test_a_hint_never_offers_a_province_farther_than_a_city():
    from bantin.language.provinces import load_provinces

    provinces = load_provinces(None)
    assert "Trà Vinh" not in provinces.unknown("TP. Vinh")[1]
    assert "Trà Vinh" not in provinces.hint("Vinhh")  # a near miss of the city, not of the province
    assert provinces.hint("Vinhh").startswith("did you mean Vinh? Vinh is in the province of Nghệ An")
    assert provinces.hint("Trà Vinhh") == "did you mean 'Trà Vinh'?"
    assert provinces.hint("Ha Tinhh") == "did you mean 'Hà Tĩnh'?"
    assert provinces.match("Vũng Tàu").slug == "ba-ria-vung-tau"  # an accepted spelling of its province, as before
    for city in ("Vinh", "Nha Trang", "Đà Lạt", "Buôn Ma Thuột", "Quy Nhơn", "Pleiku", "Hạ Long", "Việt Trì"):
        assert provinces.match(city) is None and city in provinces.unknown(city)[1]


# --- layouts ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "said", "hint"), [
    ("{{ article.no_such_field|vn_date }}", "bộ lọc vn_date nhận article.no_such_field, nhưng bài viết không có "
     "trường no_such_field", "các trường khác ở phần đầu bài nằm trong article.extra"),
    ("{{ article.title|vn_datetime }}", "bộ lọc vn_datetime cần một ngày, nhưng nhận được chữ 'Bài đã có'",
     "hãy đưa vào một ngày như article.date"),
    ("{{ article.updated|isodate }}", "bộ lọc isodate cần một ngày, nhưng nhận được giá trị rỗng (None)",
     "{% if article.updated %}{{ article.updated|isodate }}{% endif %}"),
    ("{{ tag_url('không có') }}", "KeyError: 'không có'", None),
])
def test_a_layout_mistake_names_the_layout_and_line_never_a_traceback(project, written, said, hint):
    site = project(OK)
    layout = site.own("layouts/article.html")
    lines = layout.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if "<h1>" in line)
    lines.insert(at + 1, written)
    layout.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run(site, "build", "--no-search")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert f"layouts/article.html:{at + 2}: {said}" in result.stderr, result.stderr
    if hint:
        assert hint in result.stderr


def test_english_messages_for_an_english_site(project):
    site = project({**OK, "content/tin-tuc/2024/a.md": article(
        "A", "31/12/2024", province="TP. Vinh", body="Đoạn đầu.\n\n[Kế hoạch](/anh/2025/ke-hoach.pdf)")},
        ENGLISH + SITE_TOML)
    said = check(site)
    assert "a.md:4: [province] 'TP. Vinh' is a city, not a province" in said, said
    assert "hint: Vinh is in the province of Nghệ An: write province: Nghệ An" in said
    assert "a.md:10: [body] the link /anh/2025/ke-hoach.pdf leads nowhere" in said


def test_the_province_list_documents_its_format_and_source():
    text = (REPO / "bantin" / "language" / "data" / "provinces.toml").read_text(encoding="utf-8")
    assert "`cities` lists places that are not provinces" in text and "Source:" in text
    assert "cities = [\"...\"]" in text  # the format, for a list of one's own
