"""Documents in a built site: cards, official documents and the Văn bản lists, numbers that become links
(and the pages a new document renders again), charts, and what a bad file does to a build."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from documents_helpers import FIXTURES, JAVASCRIPT, with_names, write_pdf, zip_bomb

from bantin.language.errors import BuildFailed
from bantin.project.config import DOCUMENT_KINDS

from conftest import ENGLISH, SITE_TOML, article
from html_helpers import Page


def official(title: str, date: str, document: str, body: str = "Nội dung.", **extra: str) -> str:
    """An article that publishes a document: its `document:` block, written as an editor would."""
    text = article(title, date, body=body, **extra)
    return text.replace("\n---\n", "\ndocument:\n" + "\n".join(f"  {line}" for line in document.strip().split("\n"))
                        + "\n---\n", 1)


# messages as the code writes them (an English site), the kinds of a Vietnamese one
ENGLISH_VIETNAMESE_KINDS = (ENGLISH + SITE_TOML + "\n[documents]\nkinds = ["
                            + ", ".join(f'"{kind}"' for kind in DOCUMENT_KINDS) + "]\n")

CONG_VAN = """
number: "135/UBND-KTTH"
kind: "Công văn"
issuer: "UBND tỉnh Hà Giang"
issued: 14/01/2021
signer: "Nguyễn Văn A"
file: /van-ban/2021/135-ubnd-ktth.pdf
status: "Còn hiệu lực"
"""


def document_site(project, tmp_path, **more: object):
    pdf = write_pdf(tmp_path / "cv.pdf", [["Ủy ban nhân dân tỉnh Hà Giang", "Công văn về chuyển đổi số"],
                                          ["Trang hai của công văn"]])
    files: dict[str, object] = {
        "content/van-ban/2021/135-ubnd-ktth.pdf": pdf.read_bytes(),
        "content/tai-lieu/bao-cao.docx": (FIXTURES / "office" / "bao-cao.docx").read_bytes(),
        "content/tai-lieu/so-lieu.xlsx": (FIXTURES / "office" / "so-lieu.xlsx").read_bytes(),
        "content/bao-cao/cong-van.md": official("Công văn về chuyển đổi số", "2021-01-20", CONG_VAN,
                                               body="UBND tỉnh đề nghị các hội triển khai."),
        "content/tin-tuc/trien-khai.md": article(
            "Triển khai Công văn 135", "2021-03-02",
            body="Hội nghị quán triệt Công văn số 135/UBND-KTTH của tỉnh.\n\n"
                 "[Báo cáo tổng kết năm 2024](/tai-lieu/bao-cao.docx)\n\n"
                 "Xem [bảng số liệu](/tai-lieu/so-lieu.xlsx) kèm theo."),
        "content/tin-tuc/khac.md": article("Tin khác", "2021-03-05", body="Không nhắc văn bản nào."),
        **more,
    }
    return project(files)


def test_a_linked_document_is_a_card_and_one_in_a_sentence_says_its_type_and_size(project, tmp_path):
    site = document_site(project, tmp_path)
    site.build(search=False)
    page = Page(site.page("/tin-tuc/2021/trien-khai/"))
    card = page.find("div", "document-card")
    assert " ".join(page.text("p", "document-about").split()) == "DOCX · 36 KB · 3 trang"
    name = page.find("p", "document-name")
    link = next(e for e in page.elements if e["tag"] == "a" and name["id"] in e["parents"])
    assert link["attrs"]["href"] == "/tai-lieu/bao-cao.docx" and "wordprocessingml" in link["attrs"]["type"]
    download = page.find("a", "document-download")
    assert "download" in download["attrs"] and download["attrs"]["href"] == "/tai-lieu/bao-cao.docx"
    assert "Tải về (36 KB)" in " ".join(download["text"].split())
    assert card["id"] in download["parents"]
    assert page.text("span", "document-facts") == "(XLSX · 6 KB · 3 trang tính)"
    sheet = page.find("a", href="/tai-lieu/so-lieu.xlsx")
    assert sheet["attrs"]["type"].endswith("spreadsheetml.sheet")


def test_a_pdf_card_shows_its_first_page_made_by_the_photo_pipeline(project, tmp_path):
    site = document_site(project, tmp_path)
    site.build(search=False)
    page = Page(site.page("/bao-cao/2021/cong-van/"))
    sources = [e["attrs"]["srcset"] for e in page.find_all("source")]
    assert sources and all(".webp" in s for s in sources)
    for source in sources[0].split(", "):
        assert (site.out / source.split(" ")[0].lstrip("/")).is_file()
    image = page.find("img")
    assert int(image["attrs"]["width"]) == 360 and image["attrs"]["loading"] == "lazy"
    assert " ".join(page.text("p", "document-about").split()) == "PDF · " + page.text("p", "document-about")[6:]
    assert page.text("p", "document-about").endswith("· 2 trang")


def test_an_official_document_has_its_facts_its_json_ld_and_the_news_that_cites_it(project, tmp_path):
    site = document_site(project, tmp_path)
    site.build(search=False)
    html = site.page("/bao-cao/2021/cong-van/")
    page = Page(html)
    info = " ".join(page.text("section", "document-info").split())
    for said in ("Số/Ký hiệu 135/UBND-KTTH", "Loại văn bản Công văn", "Ngày ban hành 14/01/2021",
                 "Cơ quan ban hành UBND tỉnh Hà Giang", "Người ký Nguyễn Văn A", "Tình trạng Còn hiệu lực"):
        assert said in info
    assert "/van-ban/loai/cong-van/" in page.links_in("section", "document-info")
    assert page.links_in("section", "citing") == ["/tin-tuc/2021/trien-khai/"]
    ld = [json.loads(s) for s in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]
    document = next(item for item in ld if item["@type"] == "DigitalDocument")
    assert (document["identifier"], document["datePublished"][:10], document["publisher"]["name"]) == (
        "135/UBND-KTTH", "2021-01-14", "UBND tỉnh Hà Giang")
    assert document["encodingFormat"] == "application/pdf" and document["numberOfPages"] == 2
    citing = Page(site.page("/tin-tuc/2021/trien-khai/"))
    reference = citing.find("a", "document-ref")
    assert reference["attrs"]["href"] == "/bao-cao/2021/cong-van/" and reference["text"] == "Công văn số 135/UBND-KTTH"


def test_an_article_linking_the_document_it_publishes_shows_one_card(project, tmp_path):
    """The facts box shows the document's card; the body's link to it, alone in its paragraph, keeps its facts."""
    site = document_site(project, tmp_path, **{"content/bao-cao/cong-van.md": official(
        "Công văn về chuyển đổi số", "2021-01-20", CONG_VAN,
        body="UBND tỉnh đề nghị các hội triển khai.\n\n[Tải công văn](/van-ban/2021/135-ubnd-ktth.pdf)")})
    site.build(search=False)
    html = site.page("/bao-cao/2021/cong-van/")
    assert html.count('<div class="document-card"') == 1
    assert '<a href="/van-ban/2021/135-ubnd-ktth.pdf" type="application/pdf">Tải công văn</a>' in html


def test_the_van_ban_lists_are_the_portals_table_filtered_by_kind_year_and_issuer(project, tmp_path):
    more = {f"content/bao-cao/qd-{n}.md": official(
        f"Quyết định số {n}", f"2022-0{n}-15",
        f'number: "{n}/QĐ-LHH"\nkind: "Quyết định"\nissuer: "Liên hiệp hội tỉnh"\nissued: 2022-0{n}-10\n'
        "file: /van-ban/2021/135-ubnd-ktth.pdf") for n in range(1, 6)}
    site = document_site(project, tmp_path, **more)  # page_size = 2 in the tests' site.toml
    site.build(search=False)
    page = Page(site.page("/van-ban/"))
    rows = page.find_all("tr")[1:]
    assert [" ".join(page.find_all("td")[5 * i]["text"].split()) for i in range(len(rows))] == [
        "5/QĐ-LHH Quyết định", "4/QĐ-LHH Quyết định"]  # newest issued first; older pages numbered from the oldest
    assert page.text("p", "count").startswith("6 văn bản")
    assert set(page.links_in("nav", "document-filters")) >= {
        "/van-ban/", "/van-ban/loai/cong-van/", "/van-ban/loai/quyet-dinh/", "/van-ban/nam/2021/",
        "/van-ban/nam/2022/", "/van-ban/co-quan/ubnd-tinh-ha-giang/", "/van-ban/co-quan/lien-hiep-hoi-tinh/"}
    assert (site.out / "van-ban/trang/1/index.html").is_file() and (site.out / "van-ban/trang/2/index.html").is_file()
    kind = Page(site.page("/van-ban/loai/cong-van/"))
    assert [e["attrs"]["href"] for e in kind.find_all("a") if e["attrs"].get("href", "").startswith("/bao-cao/20")] \
        == ["/bao-cao/2021/cong-van/"]
    feed = (site.out / "van-ban/feed.xml").read_text(encoding="utf-8")
    assert feed.count("<entry>") == 6
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', site.page("/van-ban/"), re.S)[1])
    assert ld["@type"] == "CollectionPage" and ld["hasPart"][0]["identifier"] == "5/QĐ-LHH"
    assert "/van-ban/" in Page(site.page("/")).links_in("nav", "site-nav")


def test_a_site_without_documents_has_no_van_ban(project):
    site = project({"content/tin-tuc/a.md": article("A", "2023-01-01")})
    site.build(search=False)
    assert not (site.out / "van-ban").exists() and "/van-ban/" not in site.page("/")


def test_document_fields_are_checked_with_file_line_field_and_hint(project, tmp_path):
    wrong = """
number: "12/3"
kind: "Thông tư ngược"
isued: 2021-01-01
issued: 2021-05-01
file: /van-ban/khong-co.pdf
"""
    site = document_site(project, tmp_path, **{
        "content/bao-cao/sai.md": official("Sai", "2021-02-01", wrong),
        "content/bao-cao/trung.md": official("Trùng số", "2021-02-02", CONG_VAN),
        "content/bao-cao/loai.md": official("Sai loại", "2021-02-03", 'number: "9/QĐ-LHH"\nkind: "Công văn"\n'
                                                                      "file: /van-ban/2021/135-ubnd-ktth.pdf"),
        "content/bao-cao/nam.md": official("Sai năm", "2021-02-04", 'number: "30/2020/NĐ-CP"\nkind: "Nghị định"\n'
                                           "issued: 2021-01-02\nfile: /van-ban/2021/135-ubnd-ktth.pdf"),
    })
    (site.root / "site.toml").write_text(ENGLISH_VIETNAMESE_KINDS, encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        site.build(search=False)
    said = {(e.path, e.line, e.field): (str(e.message), str(e.hint)) for e in failed.value.errors}
    assert "is not a document number" in said[("content/bao-cao/sai.md", 7, "document.number")][0]
    assert "135/UBND-KTTH" in said[("content/bao-cao/sai.md", 7, "document.number")][1]
    assert "unknown kind of document" in said[("content/bao-cao/sai.md", 8, "document.kind")][0]
    assert "did you mean 'issued'" in said[("content/bao-cao/sai.md", 9, "document.isued")][1]
    assert "after the article that publishes it" in said[("content/bao-cao/sai.md", 10, "document.issued")][0]
    assert "leads nowhere" in said[("content/bao-cao/sai.md", 11, "document")][0]
    assert "already published by content/bao-cao/cong-van.md" in said[("content/bao-cao/trung.md", None,
                                                                        "document.number")][0]
    assert "is of a Quyết định, not a Công văn" in said[("content/bao-cao/loai.md", 8, "document.kind")][0]
    assert "says 2020" in said[("content/bao-cao/nam.md", 9, "document.issued")][0]


def test_publishing_a_document_relinks_exactly_the_articles_that_name_it(project, tmp_path):
    site = document_site(project, tmp_path, **{
        "content/tin-tuc/ket-luan.md": article("Học tập Kết luận 93", "2021-04-01",
                                               body="Quán triệt Kết luận số 93-KL/TW của Bộ Chính trị."),
        "content/tai-lieu/kl-93.pdf": write_pdf(tmp_path / "kl.pdf", [["Kết luận 93-KL/TW"]]).read_bytes()})
    site.build(search=False)
    assert "document-ref" not in site.page("/tin-tuc/2021/ket-luan/")
    site.write({"content/bao-cao/kl-93.md": official(  # in a province of its own: in nobody's related news
        "Kết luận 93 của Bộ Chính trị", "2021-03-20",
        'number: "93-KL/TW"\nkind: "Kết luận"\nissuer: "Bộ Chính trị"\nissued: 2021-03-15\nfile: /tai-lieu/kl-93.pdf',
        province="Sơn La")})
    report = site.build(search=False)
    articles = {path for path in report.written if re.fullmatch(r"(tin-tuc|bao-cao)/\d{4}/[^/]+/index\.html", path)}
    # the new document's page; the one article that names 93-KL/TW, now a link; and the new one's neighbour
    # in its section, whose "next" now leads to it. No other article.
    assert articles == {"bao-cao/2021/kl-93/index.html", "tin-tuc/2021/ket-luan/index.html",
                        "bao-cao/2021/cong-van/index.html"}
    linked = Page(site.page("/tin-tuc/2021/ket-luan/")).find("a", "document-ref")
    assert linked["attrs"]["href"] == "/bao-cao/2021/kl-93/"
    assert Page(site.page("/bao-cao/2021/kl-93/")).links_in("section", "citing") == ["/tin-tuc/2021/ket-luan/"]
    again = site.build(search=False)
    assert (again.pages, again.written) == (0, ())


def test_a_replaced_document_file_renders_the_pages_that_show_its_card(project, tmp_path):
    site = document_site(project, tmp_path)
    site.build(search=False)
    shutil.copyfile(FIXTURES / "office" / "bien-ban.odt", site.root / "content/tai-lieu/bao-cao.docx")
    report = site.build(search=False)
    assert "tin-tuc/2021/trien-khai/index.html" in report.written
    assert "ODT · 2 KB · 2 trang" in site.page("/tin-tuc/2021/trien-khai/")
    assert "tin-tuc/2021/khac/index.html" not in report.written
    assert "bao-cao/2021/cong-van/index.html" not in report.written


def test_bad_documents_are_warnings_and_the_rest_of_the_site_builds(project, tmp_path):
    truncated = (FIXTURES / "generated" / "vni_times.pdf").read_bytes()
    files = {
        "content/tai-lieu/mat-khau.pdf": (FIXTURES / "hostile" / "encrypted.pdf").read_bytes(),
        "content/tai-lieu/cut.pdf": truncated[: len(truncated) // 2],
        "content/tai-lieu/trang-web.pdf": b"<!doctype html><title>404</title>",
        "content/tai-lieu/bom.docx": zip_bomb(tmp_path / "bom.docx").read_bytes(),
        "content/tai-lieu/script.pdf": with_names(JAVASCRIPT),
        "content/tai-lieu/scan.pdf": (FIXTURES / "generated" / "scanned_vi.pdf").read_bytes(),
        "content/tai-lieu/la-pdf.docx": (FIXTURES / "generated" / "vni_times.pdf").read_bytes(),
    }
    links = "\n\n".join(f"[{name}](/{name.removeprefix('content/')})" for name in files)
    site = project({**files, "content/tin-tuc/a.md": article("Tài liệu", "2023-01-01", body=links)},
                   ENGLISH_VIETNAMESE_KINDS)
    report = site.build(search=False)
    said: dict[str, str] = {}
    for warning in report.warnings:
        said[warning.path] = said.get(warning.path, "") + str(warning.message) + "\n"
    assert "protected by a password" in said["content/tai-lieu/mat-khau.pdf"]
    assert "damaged or incomplete" in said["content/tai-lieu/cut.pdf"]
    assert "not a PDF file but a web page" in said["content/tai-lieu/trang-web.pdf"]
    assert "would inflate" in said["content/tai-lieu/bom.docx"]
    assert "JavaScript" in said["content/tai-lieu/script.pdf"]
    assert "no text layer" in said["content/tai-lieu/scan.pdf"]
    assert "is a PDF named .docx" in said["content/tai-lieu/la-pdf.docx"]
    cards = Page(site.page("/tin-tuc/2023/a/")).find_all("div", "document-card")
    assert len(cards) == 7  # each is still published, with its type and size


def test_a_bad_document_that_is_the_subject_is_an_error(project, tmp_path):
    site = project({"content/van-ban/a.pdf": with_names(JAVASCRIPT),
                    "content/bao-cao/a.md": official("A", "2023-01-02", 'kind: "Báo cáo"\nfile: /van-ban/a.pdf')},
                   ENGLISH_VIETNAMESE_KINDS)
    with pytest.raises(BuildFailed) as failed:
        site.build(search=False)
    [error] = failed.value.errors
    assert (error.path, error.line, error.field) == ("content/bao-cao/a.md", 8, "document")
    assert "JavaScript" in str(error.message)


def test_no_document_text_reaches_a_page_unescaped(project, tmp_path):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    pdf = write_pdf(tmp_path / "x.pdf", [[hostile, "trang một"]])
    site = project({"content/tai-lieu/x.pdf": pdf.read_bytes(),
                    "content/tin-tuc/a.md": article("A", "2023-01-01", body="[x](/tai-lieu/x.pdf)")})
    site.build()
    for path in site.out.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".js"):
            assert "<script>alert" not in path.read_text(encoding="utf-8", errors="replace"), path


CSV = "Năm;Hội viên;Hội thành viên\n2020;1.200;35\n2021;1.350;38\n2022;1.420;40\n"


def test_a_damaged_text_in_the_cache_is_read_again_and_the_search_index_is_whole(project, tmp_path):
    """A document's text kept in the cache, a byte flipped: its shard is indexed from the document read
    again (never from the damaged or an empty text), said once; a failed build's new texts are removed."""
    site = document_site(project, tmp_path)
    site.build()
    bundle = {path.relative_to(site.out).as_posix(): path.read_bytes()
              for path in (site.out / "pagefind").rglob("*") if path.is_file()}
    assert any("/tl-" in path for path in bundle)  # the documents' shard
    texts = sorted((site.root / ".bantin-cache" / "documents" / "text").glob("*.json.gz"))
    assert len(texts) == 3
    data = bytearray(texts[0].read_bytes())
    data[len(data) // 2] ^= 0x01
    texts[0].write_bytes(bytes(data))
    shutil.rmtree(site.root / ".bantin-cache" / "search")  # every shard indexed again, from the texts
    report = site.build()
    said = [str(w.message) for w in report.warnings if w.path == texts[0].relative_to(site.root).as_posix()]
    assert said == ["the build cache held a damaged file: it was not used, and was made again"]
    assert {path.relative_to(site.out).as_posix(): path.read_bytes()
            for path in (site.out / "pagefind").rglob("*") if path.is_file()} == bundle
    # a build that fails leaves no text it read behind; removed from the cache, a text is read again
    texts[1].unlink()
    site.write({"layouts/base.html": "{% block broken %}"})
    with pytest.raises(BuildFailed):
        site.build()
    assert not texts[1].exists()
    (site.root / "layouts" / "base.html").unlink()
    site.build()
    assert texts[1].is_file()


def test_a_chart_is_an_svg_with_its_table_and_its_data_a_dependency(project):
    body = "Số liệu:\n\n```chart\ntype: bar\ndata: /so-lieu/hoi-vien.csv\ntitle: Hội viên qua các năm\n```\n"
    site = project({"content/so-lieu/hoi-vien.csv": CSV,
                    "content/tin-tuc/a.md": article("A", "2023-01-01", body=body),
                    "content/tin-tuc/b.md": article("B", "2023-01-02", body="Không có biểu đồ.")})
    site.build(search=False)
    page = Page(site.page("/tin-tuc/2023/a/"))
    svg = page.find("svg", "chart")
    assert svg["attrs"]["role"] == "img" and len(page.find_all("rect")) >= 6  # two series of three years
    assert page.text("figcaption") == "Hội viên qua các năm"
    cells = [c["text"] for c in page.find_all("td")]
    assert cells == ["1.200", "35", "1.350", "38", "1.420", "40"]
    assert page.find("details", "chart-data") and page.text("summary") == "Bảng số liệu"
    (site.root / "content/so-lieu/hoi-vien.csv").write_text(CSV + "2023;1.610;41\n", encoding="utf-8")
    report = site.build(search=False)
    assert "tin-tuc/2023/a/index.html" in report.written and "tin-tuc/2023/b/index.html" not in report.written
    assert "1.610" in site.page("/tin-tuc/2023/a/")


def test_a_chart_that_cannot_be_drawn_names_its_file_and_line(project):
    body = "```chart\ntype: donut\ndata: /so-lieu/a.csv\n```\n\n```chart\ntype: line\ndata: /so-lieu/b.csv\n```"
    site = project({"content/so-lieu/a.csv": CSV, "content/so-lieu/b.csv": "Năm,Số\n2020,nhiều\n",
                    "content/tin-tuc/a.md": article("A", "2023-01-01", body=body)}, ENGLISH_VIETNAMESE_KINDS)
    with pytest.raises(BuildFailed) as failed:
        site.build(search=False)
    said = {(e.path, e.line): str(e.message) for e in failed.value.errors}
    assert "unknown kind of chart 'donut'" in said[("content/tin-tuc/a.md", 8)]
    site.write({"content/tin-tuc/a.md": article("A", "2023-01-01", body=body.replace("donut", "pie"))})
    with pytest.raises(BuildFailed) as failed:
        site.build(search=False)
    said = {(e.path, e.line): str(e.message) for e in failed.value.errors}
    assert "'nhiều' is not a number" in said[("content/so-lieu/b.csv", 2)]
