"""Searching inside documents in chromium: a phrase that is only on page 27 of a report, in a real TCVN3
PDF, a VNI PDF, a scan read by OCR and the Office formats, each found, named and linked to its page, once
the reader asks for the documents (a search of the articles downloads nothing of theirs)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from documents_helpers import FIXTURES, write_pdf

from bantin.documents.catalogue import tesseract

from browser import browser, serve, skip_without_browser
from conftest import SITE_TOML, article, make_project

pytestmark = pytest.mark.browser

OCR = SITE_TOML.replace("[sections]", "[documents]\nocr = true\n\n[sections]")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, bool]]:
    skip_without_browser()
    tmp = tmp_path_factory.mktemp("documents")
    pages = [[f"Trang {n}: Báo cáo tổng kết hoạt động năm 2024", "Nội dung chung của các trang."] for n in range(1, 31)]
    pages[26].append("Quỹ hỗ trợ sáng kiến cộng đồng vùng biên giới được thành lập.")
    files: dict[str, object] = {
        "content/tai-lieu/bao-cao-2024.pdf": write_pdf(tmp / "r.pdf", pages).read_bytes(),
        "content/tai-lieu/qd-115.pdf": (FIXTURES / "real" / "2006-19412_QD115.04TTg_BLTch_DNNVV.pdf").read_bytes(),
        "content/tai-lieu/thong-bao.pdf": (FIXTURES / "generated" / "vni_times.pdf").read_bytes(),
        "content/tai-lieu/cong-van-scan.pdf": (FIXTURES / "generated" / "scanned_vi.pdf").read_bytes(),
    }
    links = ["[Báo cáo tổng kết năm 2024](/tai-lieu/bao-cao-2024.pdf)", "[Quyết định 115](/tai-lieu/qd-115.pdf)",
             "[Thông báo họp mặt](/tai-lieu/thong-bao.pdf)", "[Công văn 135 (bản chụp)](/tai-lieu/cong-van-scan.pdf)"]
    for name in ("bao-cao.docx", "so-lieu.xlsx", "trinh-chieu.pptx", "bien-ban.odt", "bao-cao-vntime.docx"):
        files[f"content/tai-lieu/{name}"] = (FIXTURES / "office" / name).read_bytes()
        links.append(f"[{name}](/tai-lieu/{name})")
    files["content/bao-cao/tai-lieu.md"] = article("Tài liệu của Liên hiệp hội", "2024-06-01",
                                                   body="\n\n".join(links))
    files["content/tin-tuc/tin.md"] = article("Tin hoạt động", "2024-06-02", body="Một tin không có tài liệu.")
    project = make_project(tmp / "site", files, OCR)
    project.build()
    with serve(project.out) as origin:
        yield origin, tesseract("vie") is not None


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    with browser() as instance:
        yield instance


def found(chromium: object, origin: str, query: str) -> list[dict[str, object]]:
    """The documents a search finds: their names, links, the article named and the pages' links."""
    context = chromium.new_context()  # type: ignore[attr-defined]
    asked: list[str] = []
    context.on("request", lambda request: asked.append(request.url))  # the Pagefind worker's fetches too
    page = context.new_page()
    try:
        page.goto(f"{origin}/tim-kiem/?q={query}")
        page.wait_for_selector("[data-search][data-state=done]", timeout=60_000)
        # a search of the articles fetches nothing of the documents' shards
        assert not page.query_selector(".search-document") and not [u for u in asked if "/pagefind/tl-" in u]
        page.click(".search-documents")  # "Tìm trong 9 văn bản, tài liệu đính kèm (khoảng … KB)"
        page.wait_for_selector("[data-search][data-state=done]", timeout=60_000)
        return page.eval_on_selector_all(".search-document", """items => items.map(item => ({
            name: item.querySelector('h2 a').textContent, href: item.querySelector('h2 a').getAttribute('href'),
            article: item.querySelector('.meta a').getAttribute('href'),
            pages: [...item.querySelectorAll('.search-pages a, .search-pages span')].map(a => a.textContent),
            links: [...item.querySelectorAll('.search-pages a')].map(a => a.getAttribute('href'))}))""")
    finally:
        context.close()


def test_a_phrase_only_on_page_27_of_a_report_is_found_and_linked_to_that_page(site, chromium):
    origin, _ = site
    for query in ("sáng kiến cộng đồng vùng biên giới", "sang kien cong dong"):
        [result] = found(chromium, origin, query)
        assert result["name"] == "Báo cáo tổng kết năm 2024" or result["name"].startswith("bao-cao-2024")
        assert result["href"] == "/tai-lieu/bao-cao-2024.pdf#page=27" and result["pages"] == ["27"]
        assert result["article"] == "/bao-cao/2024/tai-lieu/"


def test_words_apart_in_a_document_find_it_among_those_holding_some_of_them(site, chromium):
    """No document holds "quỹ hỗ trợ biên giới" side by side: the report holding most of its pairs is offered."""
    origin, _ = site
    results = found(chromium, origin, "quỹ hỗ trợ biên giới")
    assert results and results[0]["href"] == "/tai-lieu/bao-cao-2024.pdf#page=27", results


def test_legacy_fonts_are_found_in_unicode(site, chromium):
    origin, _ = site
    [real] = found(chromium, origin, "Quỹ bảo lãnh tín dụng")  # a real TCVN3 PDF (.VnTime, Distiller)
    assert real["href"].startswith("/tai-lieu/qd-115.pdf#page=")
    [vni] = found(chromium, origin, "họp mặt kỷ niệm")  # typed in VNI-Times
    assert vni["href"] == "/tai-lieu/thong-bao.pdf#page=1"
    word = found(chromium, origin, "Kiến nghị và đề xuất")  # DOCX, and its TCVN3 copy
    assert {r["href"] for r in word} == {"/tai-lieu/bao-cao.docx", "/tai-lieu/bao-cao-vntime.docx"}
    assert all(r["pages"] == ["3"] for r in word) and not any(r["links"] for r in word)  # no page address in a DOCX


def test_office_formats_are_found_by_their_own_words(site, chromium):
    origin, _ = site
    for query, file in [("Hội phí", "/tai-lieu/so-lieu.xlsx"), ("Kết quả nhiệm kỳ", "/tai-lieu/trinh-chieu.pptx"),
                        ("Biên bản họp Ban Chấp hành", "/tai-lieu/bien-ban.odt")]:
        assert file in [r["href"] for r in found(chromium, origin, query)], query


def test_a_scan_read_by_ocr_is_found(site, chromium):
    origin, has_tesseract = site
    if not has_tesseract:
        pytest.skip("Tesseract with Vietnamese data is not installed (apt-get install tesseract-ocr tesseract-ocr-vie)")
    [scan] = found(chromium, origin, "cử đại biểu tham dự Hội thảo")
    assert scan["href"] == "/tai-lieu/cong-van-scan.pdf#page=1"


def test_with_pagefind_as_the_engine_the_documents_are_found_the_same(chromium, tmp_path):
    """[search] engine = "pagefind": the articles' engine searches the documents' shards too (with bantin's
    own index, the default, a Pagefind engine of their own does: the tests above)."""
    pages = [[f"Trang {n}: Báo cáo tổng kết hoạt động năm 2024", "Nội dung chung của các trang."] for n in range(1, 31)]
    pages[26].append("Quỹ hỗ trợ sáng kiến cộng đồng vùng biên giới được thành lập.")
    files: dict[str, object] = {
        "content/tai-lieu/bao-cao-2024.pdf": write_pdf(tmp_path / "r.pdf", pages).read_bytes(),
        "content/bao-cao/tai-lieu.md": article("Tài liệu của Liên hiệp hội", "2024-06-01",
                                               body="[Báo cáo tổng kết năm 2024](/tai-lieu/bao-cao-2024.pdf)"),
        "content/tin-tuc/tin.md": article("Tin hoạt động", "2024-06-02", body="Một tin không có tài liệu."),
    }
    project = make_project(tmp_path / "site", files,
                           SITE_TOML.replace("[sections]", '[search]\nengine = "pagefind"\n\n[sections]'))
    project.build()
    assert not (project.out / "search-index").exists()
    assert sorted(path.name for path in (project.out / "pagefind").iterdir()) == ["2024-06", "tl-2024-06"]
    with serve(project.out) as origin:
        [result] = found(chromium, origin, "sáng kiến cộng đồng vùng biên giới")
    assert result["href"] == "/tai-lieu/bao-cao-2024.pdf#page=27" and result["pages"] == ["27"]
    assert result["article"] == "/bao-cao/2024/tai-lieu/"
