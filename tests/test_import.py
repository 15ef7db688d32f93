"""bantin import wordpress / import site, run as an editor runs them on realistic fixtures:
a split WordPress export (Gutenberg and classic posts, captions, resized photos) and a saved
site (menus, sidebars, list pages, a page in Windows-1258)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from bantin.importers.html import html_to_markdown, nesting_depth, original_name
from bantin.importers.writer import Item, resolve_required
from bantin.markup.sanitize import Sanitizer
from bantin.project.config import load_config

from conftest import REPO

FIXTURES = Path(__file__).parent / "fixtures"
EXPORT = sorted((FIXTURES / "wordpress").glob("*.xml"))
UPLOADS = FIXTURES / "wordpress" / "uploads"
MIRROR = FIXTURES / "mirror"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def files(root: Path) -> dict[str, bytes]:
    """Every file under content/ and import/, with its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for folder in ("content", "import")
            for p in sorted((root / folder).rglob("*")) if p.is_file()}


def wordpress(site, *more: str) -> subprocess.CompletedProcess:
    return run("import", "wordpress", *map(str, EXPORT), "--uploads", str(UPLOADS), "--jobs", "1", *more,
               cwd=site.root)


def test_a_split_wordpress_export_becomes_articles_that_check_and_build(project):
    site = project()
    result = wordpress(site)
    assert result.returncode == 0, result.stderr
    article = (site.root / "content/tin-tuc/2023/hoi-thao-chuyen-doi-so.md").read_text(encoding="utf-8")
    # 2023-06-01 17:03 UTC is 2 June 00:03 in Vietnam: the post lands on its own day
    assert "date: 2023-06-02T00:03:00+07:00" in article
    assert 'province: "Hà Tĩnh"' in article and 'topic: "Chuyển đổi số"' in article
    assert 'author: "Nguyễn Thùy Linh"' in article  # the display name, not the login
    assert 'summary: "Hội thảo bàn giải pháp chuyển đổi số cho nông nghiệp Hà Tĩnh."' in article
    assert 'image: "/anh/2023/06/hoi-thao.jpg"' in article  # the featured image
    assert 'aliases: ["/2023/06/02/hoi-thao-chuyen-doi-so/"]' in article
    assert "wp:" not in article and "srcset" not in article
    # the resized copy (-800x533) is the original, and the caption is the figure's
    assert '![Toàn cảnh hội thảo](/anh/2023/06/hoi-thao.jpg "Toàn cảnh hội thảo")' in article
    assert "[lớp tập huấn kỹ năng số](/tin-tuc/2023/tap-huan-ky-nang-so/)" in article  # a link between posts
    assert "“Chuyển đổi số trong nông nghiệp”" in article  # &ldquo; decoded
    classic = (site.root / "content/tin-tuc/2023/tap-huan-ky-nang-so.md").read_text(encoding="utf-8")
    assert 'title: "Tập huấn kỹ năng số cho cán bộ hội"' in classic  # numeric entities, NFC
    assert '![Lớp tập huấn](/anh/2023/05/tap-huan.jpg "Giảng viên hướng dẫn học viên sử dụng phần mềm")' in classic
    assert "[hội thảo chuyển đổi số](/tin-tuc/2023/hoi-thao-chuyen-doi-so/)" in classic  # ?p=12
    # the gallery's photos (103 is not in the export: reported)
    assert "Học viên được thực hành trên máy tính.\n\n![](/anh/2023/05/tap-huan.jpg)\n\n" in classic
    assert "(/anh/2023/05/ke-hoach-tap-huan.pdf)" in classic
    assert "Lớp học kéo dài hai ngày.  \nHọc viên" in classic  # a classic post's line break
    assert "draft: true" in classic and 'import_unknown: ["topic"]' in classic  # no topic: a draft, reported
    copied = (site.root / "content/anh/2023/05/tap-huan.jpg").read_bytes()
    assert copied == (UPLOADS / "2023/05/tap-huan.jpg").read_bytes()
    assert not (site.root / "content/anh/2023/05/tap-huan-800x600.jpg").exists()
    # drafts, private posts and the second file of the split export
    assert "draft: true" in (site.root / "content/tin-tuc/2022/nghe-an-tong-ket.md").read_text(encoding="utf-8")
    assert 'province: "Nghệ An"' in (site.root / "content/tin-tuc/2022/nghe-an-tong-ket.md").read_text("utf-8")
    assert not list((site.root / "content").rglob("gioi-thieu*"))  # a page is not news
    out = result.stdout
    assert "bỏ qua 1 trang" in out and "Giới thiệu" in out
    assert 'bộ ảnh [gallery ids="102,103" columns="2"]: ảnh 103 không có trong tệp xuất' in out
    assert "youtube-nocookie.com/embed/abc123" in (site.root / "content/tin-tuc/2022/nghe-an-tong-ket.md").read_text(
        "utf-8")  # [embed] of a YouTube address: the privacy-friendly player
    assert "đoán tỉnh Nghệ An" in out
    assert "p=12" in (site.root / "import/redirects.nginx.conf").read_text(encoding="utf-8")
    assert "/ p=12 /tin-tuc/2023/hoi-thao-chuyen-doi-so/ 301" in (site.root / "import/_redirects").read_text("utf-8")
    checked = run("check", cwd=site.root)
    assert checked.returncode == 0, checked.stderr
    report = site.build(drafts=True, search=False)
    assert report.articles == 5
    page = site.page("/tin-tuc/2023/hoi-thao-chuyen-doi-so/")
    assert "<figcaption>Toàn cảnh hội thảo</figcaption>" in page
    assert (site.out / "2023/06/02/hoi-thao-chuyen-doi-so/index.html").exists()  # the old permalink redirects


def test_a_second_run_writes_nothing_and_never_overwrites_an_edited_article(project):
    site = project()
    assert wordpress(site).returncode == 0
    before = files(site.root)
    again = wordpress(site)
    assert again.returncode == 0, again.stderr
    assert files(site.root) == before
    assert "ghi 0 bài mới" in again.stdout
    edited = site.root / "content/tin-tuc/2023/gap-mat-tri-thuc.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("draft: true\n", ""), encoding="utf-8")
    # the editor corrects the mapping: 'Hoạt động hội' is the topic, not a tag
    mapping = site.root / "import/wordpress.toml"
    mapping.write_text(mapping.read_text(encoding="utf-8").replace(
        '"Hoạt động hội" = "tag:Hoạt động hội"', '"Hoạt động hội" = "topic:Hoạt động Liên hiệp hội"'), "utf-8")
    third = wordpress(site)
    assert third.returncode == 0, third.stderr
    assert "giữ nguyên content/tin-tuc/2023/gap-mat-tri-thuc.md" in third.stdout
    assert "draft: true" not in edited.read_text(encoding="utf-8")  # the editor's version stays
    classic = (site.root / "content/tin-tuc/2023/tap-huan-ky-nang-so.md").read_text(encoding="utf-8")
    assert 'topic: "Hoạt động Liên hiệp hội"' in classic and "draft: true" not in classic  # rewritten: ours


def test_a_dry_run_writes_only_the_mapping_file_with_counts(project):
    site = project()
    result = wordpress(site, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert not (site.root / "content").exists() or not list((site.root / "content").rglob("*.md"))
    assert sorted(p.name for p in (site.root / "import").iterdir()) == ["wordpress.toml"]
    mapping = (site.root / "import/wordpress.toml").read_text(encoding="utf-8")
    assert '"Hà Tĩnh" = "province:Hà Tĩnh"  # 4' in mapping
    assert '"Chuyển đổi số" = "topic:Chuyển đổi số"  # 1' in mapping
    assert '"trí thức" = "tag:trí thức"  # 2' in mapping
    assert "sẽ ghi 5 bài mới" in result.stdout and "--dry-run" in result.stdout
    assert 'chuyên mục \'Hà Tĩnh\' (4) -> province:Hà Tĩnh' in result.stdout
    assert not (site.root / ".bantin-cache").exists() or not list((site.root / ".bantin-cache").glob("import-*"))


def test_wxr_1_1_reads_like_1_2(project, tmp_path):
    site = project()
    older = []
    for path in EXPORT:
        copy = tmp_path / path.name
        copy.write_text(path.read_text(encoding="utf-8").replace("export/1.2/", "export/1.1/"), encoding="utf-8")
        older.append(str(copy))
    result = run("import", "wordpress", *older, "--uploads", str(UPLOADS), "--jobs", "1", cwd=site.root)
    assert result.returncode == 0, result.stderr
    assert len(list((site.root / "content").rglob("*.md"))) == 5


BAD_POST = """<item><title><![CDATA[{title}]]></title><link>https://lhhhatinh.org.vn/?p=99</link>
<dc:creator><![CDATA[admin]]></dc:creator><content:encoded><![CDATA[{body}]]></content:encoded>
<wp:post_id>99</wp:post_id><wp:post_date_gmt><![CDATA[2023-01-01 01:00:00]]></wp:post_date_gmt>
<wp:status><![CDATA[publish]]></wp:status><wp:post_type><![CDATA[post]]></wp:post_type>
<category domain="category" nicename="y-te"><![CDATA[Y tế]]></category></item>
</channel>"""


@pytest.mark.parametrize(("title", "body", "expected"), [
    ("Bài hỏng", "<p>Chữ \x0b lạ</p>", "ký tự U+000B không được phép trong XML"),
    ("Bài hỏng", "<p>Chữ \x01 lạ</p>", "ký tự U+0001 không được phép trong XML"),
    ("Bài lồng sâu", "<div>" * 400 + "chữ" + "</div>" * 400, "HTML lồng nhau 400 tầng"),
    ("Bài thiếu ảnh", '<p><img src="https://lhhhatinh.org.vn/wp-content/uploads/2020/01/khong-co.jpg"></p>',
     "tệp https://lhhhatinh.org.vn/wp-content/uploads/2020/01/khong-co.jpg không có trong --uploads"),
    ("Bài cắt cụt", "<p>chữ</p>]]></content:encoded></item", "XML không đúng cú pháp"),
], ids=["control-character", "control-in-cdata", "nested-400-deep", "missing-photo", "malformed"])
def test_bad_input_is_named_with_file_and_item_and_nothing_is_written(project, tmp_path, title, body, expected):
    site = project()
    bad = tmp_path / "export.xml"
    bad.write_text(EXPORT[1].read_text(encoding="utf-8").replace("</channel>", BAD_POST.format(title=title, body=body)),
                   encoding="utf-8")
    result = run("import", "wordpress", str(EXPORT[0]), str(bad), "--uploads", str(UPLOADS), "--jobs", "1",
                 cwd=site.root)
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    assert expected in result.stderr, result.stderr
    assert "export.xml:" in result.stderr  # the file, and its line
    assert not (site.root / "content").exists() or not list((site.root / "content").rglob("*"))
    assert not (site.root / "import").exists()
    assert not list((site.root / ".bantin-cache").glob("import-*")) if (site.root / ".bantin-cache").exists() else True


def test_a_200_mb_export_is_streamed(project, tmp_path):
    """Memory stays flat: the export is read item by item, twice (revisions of 10 KB each make up its bulk,
    as they do in real exports; 300 posts are converted, and a --dry-run writes none of them)."""
    site = project()
    item = EXPORT[1].read_text(encoding="utf-8")
    head, rest = item.split("<item>", 1)
    post = "<item>" + rest.split("</item>", 1)[0] + "</item>"  # the Nghệ An post, ~1.5 KB
    revision = ("<item><title>Bản cũ</title><content:encoded><![CDATA[" + "<p>Nội dung bản cũ của bài.</p>" * 330
                + "]]></content:encoded><wp:post_id>{id}</wp:post_id><wp:status>inherit</wp:status>"
                "<wp:post_type>revision</wp:post_type></item>\n")
    big = tmp_path / "big.xml"
    with big.open("w", encoding="utf-8") as out:
        out.write(head)
        for number in range(13_000):
            out.write(revision.replace("{id}", str(200_000 + number)))
            if number % 40 == 0:
                out.write(post.replace("<wp:post_id>15</wp:post_id>", f"<wp:post_id>{100_000 + number}</wp:post_id>")
                          .replace("ngh%e1%bb%87-an-t%e1%bb%95ng-k%e1%ba%bft", f"bai-{number}"))
        out.write("</channel></rss>\n")
    assert big.stat().st_size > 130_000_000
    # the process's own peak (VmHWM): on Linux, ru_maxrss of a process started by fork and exec counts the
    # parent's resident size too, here the test suite's, which grows past the limit by the time this test runs
    script = ("import re, resource, sys; from pathlib import Path; from bantin.cli import main; "
              "code = main(sys.argv[1:]); status = Path('/proc/self/status'); "
              "found = status.exists() and re.search(r'VmHWM:\\s+(\\d+)', status.read_text()); "
              "print('peak', int(found.group(1)) // 1024 if found else "
              "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, file=sys.stderr); sys.exit(code)")
    result = subprocess.run([sys.executable, "-c", script, "import", "wordpress", str(big), "--dry-run", "--jobs",
                             "1", "--root", str(site.root)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    peak = int(result.stderr.rsplit("peak", 1)[1])
    assert peak < 400, f"peak memory {peak} MB for a {big.stat().st_size // 2**20} MB export"


def test_a_saved_site_gives_its_articles_and_leaves_menus_and_lists_out(project):
    site = project()
    result = run("import", "site", str(MIRROR), cwd=site.root)
    assert result.returncode == 0, result.stderr
    written = sorted(p.relative_to(site.root).as_posix() for p in (site.root / "content").rglob("*.md"))
    assert written == ["content/tin-tuc/2019/dai-hoi-hoi-lam-vuon-nhiem-ky-2019-2024.md",
                       "content/tin-tuc/2021/hoi-thao-y-hoc-co-truyen-va-duoc-lieu.md",
                       "content/tin-tuc/2023/ha-tinh-dang-doan-lien-hiep-hoi-lam-viec-voi-thuong-truc-cac-huyen.md"]
    article = (site.root / written[2]).read_text(encoding="utf-8")
    assert "date: 2023-06-02T00:03:00+07:00" in article  # "Thứ sáu, 02/06/2023 00:03 (GMT+7)"
    # the lead (the page declares no description): the body's first paragraph, which bantin shows as the lead
    assert article.split("---", 2)[2].lstrip().startswith("**Đảng đoàn Liên hiệp các hội")
    assert 'author: "Minh Châu"' in article and 'source: "kienthuc.net.vn"' in article
    assert '"Đảng đoàn Liên hiệp các Hội Hà Tĩnh làm việc với Thường trực thành ủy Hà Tĩnh")' in article  # caption
    assert "(/anh/uploads/2023/06/lam-viec.jpg" in article  # the original of the resized copy
    assert "(/tin-tuc/2019/dai-hoi-hoi-lam-vuon-nhiem-ky-2019-2024/)" in article  # a link to another article
    for furniture in ("Hotline", "Tin mới", "Bản quyền", "Chia sẻ", "Xem thêm", "Trang chủ", "GMT"):
        assert furniture not in article.split("---", 2)[2], furniture
    assert 'aliases: ["/tin-tuc/2023/06/ha-tinh-lam-viec-voi-cac-huyen.html"]' in article
    health = (site.root / written[1]).read_text(encoding="utf-8")
    assert "date: 2021-11-15T17:44:00+07:00" in health  # "15/11/2021 17:44 (GMT +7)"
    assert 'topic: "Y tế"' in health and 'province: "Nghệ An"' in health and "draft" not in health
    legacy = (site.root / written[0]).read_text(encoding="utf-8")
    assert "Hội Làm vườn tỉnh Hà Tĩnh tổ chức Đại hội" in legacy  # Windows-1258, decoded and NFC
    assert "đọc theo bảng mã windows-1258" in result.stdout
    assert "bỏ qua 3 trang chủ, trang danh sách hoặc chuyên mục" in result.stdout
    assert run("check", cwd=site.root).returncode == 0
    site.build(drafts=True, search=False)
    assert (site.out / "tin-tuc/2023/06/ha-tinh-lam-viec-voi-cac-huyen.html").exists()  # the old address
    again = run("import", "site", str(MIRROR), cwd=site.root)
    assert again.returncode == 0 and "ghi 0 bài mới" in again.stdout


def test_a_saved_page_in_an_undeclared_legacy_encoding_is_named(project, tmp_path):
    site = project()
    mirror = tmp_path / "mirror"
    shutil.copytree(MIRROR, mirror)
    page = mirror / "lhhhatinh.org.vn/tin-tuc/2019/03/dai-hoi-hoi-lam-vuon.html"
    page.write_bytes(page.read_bytes().replace(b'<meta charset="windows-1258">', b""))
    result = run("import", "site", str(mirror), cwd=site.root)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "dai-hoi-hoi-lam-vuon.html" in result.stderr and "không phải UTF-8" in result.stderr, result.stderr
    assert not (site.root / "content").exists() or not list((site.root / "content").rglob("*"))


def test_selectors_in_the_mapping_file_take_the_body_when_the_guess_is_wrong(project):
    site = project()
    (site.root / "import").mkdir()
    (site.root / "import/site.toml").write_text('topic = "Hoạt động Liên hiệp hội"\n[selectors]\nbody = ".detail"\n',
                                                encoding="utf-8")
    result = run("import", "site", str(MIRROR), cwd=site.root)
    assert result.returncode == 0, result.stderr
    legacy = (site.root / "content/tin-tuc/2019/dai-hoi-hoi-lam-vuon-nhiem-ky-2019-2024.md").read_text("utf-8")
    assert 'topic: "Hoạt động Liên hiệp hội"' in legacy  # the default the editor chose


def test_html_to_markdown_keeps_text_text():
    from bantin.importers.html import Links

    links = Links(frozenset({"old.vn"}), {}, lambda url: None, lambda path: "")
    converted = html_to_markdown("<p>1. Không phải danh sách &lt;b&gt; a*b &amp;agrave;</p><p># không phải tiêu đề</p>"
                                 "<script>alert(1)</script><p onclick='x()'>Chữ</p>", links, Sanitizer())
    assert converted.markdown == ("1\\. Không phải danh sách &lt;b> a\\*b &amp;agrave;\n\n\\# không phải tiêu đề\n\n"
                                  "Chữ")
    video = html_to_markdown('<iframe src="https://www.youtube-nocookie.com/embed/a1"></iframe>'
                             '<iframe src="https://evil.example/x"></iframe>', links, Sanitizer()).markdown
    # a kept host's frame stays; another host's becomes a link to what it showed
    assert video == ('<iframe src="https://www.youtube-nocookie.com/embed/a1"></iframe>\n\n'
                     "<https://evil.example/x>")
    assert links.is_old("https://i0.wp.com/old.vn/wp-content/uploads/2020/01/a.jpg")  # Jetpack's photo CDN
    assert not links.is_old("https://i0.wp.com/other.vn/a.jpg") and links.is_old("https://www.old.vn/a/")
    assert nesting_depth("<div><p><b>x</b><br></p></div>") == 3
    assert original_name("hoi-thao-800x533.jpg") == "hoi-thao.jpg"
    assert original_name("anh-scaled-1024x683.jpeg") == "anh.jpeg"


def test_pages_come_along_only_when_a_section_is_named_for_them(project):
    site = project()
    (site.root / "import").mkdir()
    (site.root / "import/wordpress.toml").write_text('pages = "bao-cao"\nprovince = "Hà Tĩnh"\n', encoding="utf-8")
    result = wordpress(site)
    assert result.returncode == 0, result.stderr
    page = (site.root / "content/bao-cao/2017/gioi-thieu.md").read_text(encoding="utf-8")
    assert 'title: "Giới thiệu"' in page and 'province: "Hà Tĩnh"' in page  # the mapping file's default province
    assert "?page_id=2" not in result.stdout  # not listed as left out
    assert "page_id=2" in (site.root / "import/redirects.nginx.conf").read_text(encoding="utf-8")


def test_a_symlinked_page_or_photo_of_a_mirror_is_never_read(project, tmp_path):
    site = project()
    mirror = tmp_path / "mirror"
    shutil.copytree(MIRROR, mirror)
    secret = tmp_path / "secret.html"  # outside the mirror: an article-looking page and a "photo"
    secret.write_text((MIRROR / "lhhhatinh.org.vn/tin-tuc/2023/06/ha-tinh-lam-viec-voi-cac-huyen.html").read_text(
        "utf-8").replace("Hà Tĩnh: Đảng đoàn", "Bí mật: Đảng đoàn"), encoding="utf-8")
    (mirror / "lhhhatinh.org.vn/tin-tuc/2023/06/bi-mat.html").symlink_to(secret)
    photo_link = mirror / "lhhhatinh.org.vn/uploads/2023/06/lam-viec.jpg"
    photo_link.unlink()
    photo_link.symlink_to(tmp_path / "secret.html")
    result = run("import", "site", str(mirror), cwd=site.root)
    assert "bi-mat.html" not in result.stdout + result.stderr
    assert not list((site.root / "content").rglob("bi-mat*")) if (site.root / "content").exists() else True
    assert "lam-viec" in result.stderr and "Bí mật" not in result.stdout  # the photo is missing, not copied


def test_an_old_address_that_climbs_is_never_an_alias(project, tmp_path):
    site = project()
    bad = tmp_path / "export.xml"
    bad.write_text(EXPORT[1].read_text(encoding="utf-8").replace("</channel>", BAD_POST.format(
        title="Bài địa chỉ lạ", body="<p>Chữ.</p>").replace("https://lhhhatinh.org.vn/?p=99",
                                                           "https://lhhhatinh.org.vn/a/../../etc/passwd/")),
                   encoding="utf-8")
    result = run("import", "wordpress", str(EXPORT[0]), str(bad), "--uploads", str(UPLOADS), "--jobs", "1",
                 cwd=site.root)
    assert result.returncode == 0, result.stderr
    written = (site.root / "content/tin-tuc/2023/bai-dia-chi-la.md").read_text(encoding="utf-8")
    assert "aliases" not in written and ".." not in written
    assert "không giữ địa chỉ cũ /a/../../etc/passwd/ làm alias" in result.stdout


def test_relative_links_and_pasted_photos_never_fail_check():
    from bantin.importers.html import Links

    links = Links(frozenset({"old.vn"}), {"/tin/a": "/tin-tuc/2020/a/"}, lambda url: None, lambda path: "")
    converted = html_to_markdown('<p><a href="../a/">bài A</a> <a href="../khac/">khác</a> <a href="x.docx">tệp</a> '
                                 '<img src="file:///C:/Users/a/clip_image002.jpg" alt="clip_image002"> '
                                 '<img src="IMG_2035.jpg" title="IMG_2035" alt="Cầu Rồng"></p>', links, Sanitizer(),
                                 "https://old.vn/tin/b/")
    assert "[bài A](/tin-tuc/2020/a/)" in converted.markdown  # a post of the import
    assert "[khác](https://old.vn/tin/khac/)" in converted.markdown  # not imported: its old address, reported
    assert converted.missing == ["https://old.vn/tin/b/IMG_2035.jpg", "https://old.vn/tin/b/x.docx"]
    assert "clip_image002" not in converted.markdown and "file:" not in converted.markdown
    assert '![Cầu Rồng](https://old.vn/tin/b/IMG_2035.jpg)' in converted.markdown  # no file name as caption
    assert any("trang cũ không được nhập" in str(note) or "not imported" in note for note in converted.notes)


@pytest.mark.parametrize(("language", "national"), [("vi", "Trung ương"), ("en", "National")])
def test_an_imported_post_without_a_province_is_a_draft_at_the_national_level_in_the_site_s_language(
        tmp_path, language, national):
    (tmp_path / "site.toml").write_text(f'title = "T"\nbase_url = "https://example.org/"\nlanguage = "{language}"\n'
                                        'topics = ["A"]\n', encoding="utf-8")
    item = Item("k", "export.xml, post 1", "tin-tuc", datetime(2024, 1, 1), "p", {"title": "T"}, "Body.")
    resolve_required(item, "", "A", load_config(tmp_path))
    assert item.fields["province"] == national and item.fields["draft"] is True
    assert item.fields["import_unknown"] == ["province"]


def test_a_saved_page_s_tags_are_one_a_meta_or_comma_separated_in_one():
    """Open Graph gives one article:tag a tag; VnExpress writes all of them in one, comma-separated."""
    import lxml.html

    from bantin.importers.pagemeta import declared

    def tags(head: str) -> list[str]:
        return declared(lxml.html.fromstring(f"<html><head>{head}</head><body><p>x</p></body></html>")).tags

    assert tags('<meta property="article:tag" content="Kỳ họp thứ 6 Quốc hội khóa 15,Thuế thu nhập cá nhân,Tin nóng">'
                ) == ["Kỳ họp thứ 6 Quốc hội khóa 15", "Thuế thu nhập cá nhân", "Tin nóng"]
    assert tags('<meta property="article:tag" content="Trí thức"><meta property="article:tag" content=" Hội thảo ">'
                ) == ["Trí thức", "Hội thảo"]
