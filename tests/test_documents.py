"""Documents read on their own: old Vietnamese fonts, official numbers, the PDF and Office readers on real
and made files, the child processes that bound a hostile file's time and memory."""

from __future__ import annotations

import difflib
import os
import time
from pathlib import Path

import pytest
from documents_helpers import EMBEDDED, FIXTURES, JAVASCRIPT, inflating, many_pages, with_names, write_pdf, zip_bomb

from bantin.documents import isolation, legacy, numbers, office, pdf, reader
from bantin.documents.model import Reading


# --- TCVN3 and VNI -------------------------------------------------------------------------------
@pytest.mark.parametrize(("typed", "caps", "meant"), [
    ("Héi th¶o khoa häc", False, "Hội thảo khoa học"),
    ("Céng hoµ x· héi chñ nghÜa ViÖt Nam", False, "Cộng hoà xã hội chủ nghĩa Việt Nam"),
    ("céng hoµ x· héi chñ nghÜa viÖt nam", True, "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"),  # an .VnTimeH font
    ("QUYÕT §ÞNH", False, "QUYẾT ĐỊNH"),  # capitals typed in .VnTime: the word is capitalised whole
    ("Bé tr−ëng Bé Tµi chÝnh, Quü b¶o l∙nh", False, "Bộ trưởng Bộ Tài chính, Quỹ bảo lãnh"),  # Distiller's − and ∙
    ("Tr-ëng ban, sè 123/Q§-LHHVN, N§-CP", False, "Trưởng ban, số 123/QĐ-LHHVN, NĐ-CP"),  # a hyphen that is ư
])
def test_tcvn3_converts_as_the_font_drew_it(typed, caps, meant):
    assert legacy.decode_tcvn3(typed, caps=caps) == meant


@pytest.mark.parametrize(("typed", "meant"), [
    ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
    ("Ñoäc laäp - Töï do - Haïnh phuùc", "Độc lập - Tự do - Hạnh phúc"),
    ("COÄNG HOØA XAÕ HOÄI", "CỘNG HÒA XÃ HỘI"),
    ("boä taøi chiùnh, Quyõ", "bộ tài chính, Quỹ"),  # a tone typed after i, as some converters wrote it
])
def test_vni_converts_its_two_character_letters(typed, meant):
    assert legacy.decode_vni(typed) == meant


def test_detection_needs_the_characters_not_only_the_font_name():
    tcvn3 = "Céng hoµ x· héi chñ nghÜa ViÖt Nam §éc lËp - Tù do - H¹nh phóc"
    assert legacy.detect(tcvn3) == "tcvn3"
    assert legacy.detect("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam. Ñoäc laäp - Töï do - Haïnh phuùc") == "vni"
    # a converted document keeps its old font's name: its Unicode text must not be "converted" again
    assert legacy.detect("Cộng hòa xã hội chủ nghĩa Việt Nam. Độc lập - Tự do - Hạnh phúc", {".VnTime"}) is None
    assert legacy.detect("Le café « crème » coûte trop cher à Paris, où l'été est chaud et sec.") is None
    assert legacy.detect("Mở đầu bằng chữ không dấu: cong hoa xa hoi chu nghia viet nam doc lap") is None
    for name, found in [(".VnTime", "tcvn3"), ("GDNPNI+VnTime", "tcvn3"), ("GDNPMG+VnTimeHBold", "tcvn3-caps"),
                        (".VnArial NarrowH", "tcvn3-caps"), ("VnTime,Bold", "tcvn3"), ("VNI-Times", "vni"),
                        ("ABCDEF+VNI-Helve-Bold", "vni"), ("Times New Roman", None), ("Verdana", None)]:
        assert legacy.font_encoding(name) == found, name


def test_runs_are_converted_by_their_own_fonts_and_unicode_runs_left_alone():
    text, found = legacy.convert_runs([(".VnTimeH", "céng hoµ x· héi chñ nghÜa viÖt nam "),
                                       (".VnTime", "Héi th¶o khoa häc vÒ ph¸t triÓn nguån nh©n lùc "),
                                       ("Arial", "Cá")])
    assert (text, found) == ("CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM Hội thảo khoa học về phát triển nguồn nhân lực Cá",
                             "tcvn3")
    # a document converted to Unicode that kept .VnTime: nothing changes ("Cá" would become "Cỏ")
    unicode = [(".VnTime", "Cá và Hội thảo khoa học về phát triển nguồn nhân lực chất lượng cao")]
    assert legacy.convert_runs(unicode) == (unicode[0][1], None)


# --- official numbers -------------------------------------------------------------------------------
@pytest.mark.parametrize("number", [
    "135/UBND-KTTH", "42-CT/TW", "30/2020/NĐ-CP", "93-KL/TW", "01/2021/TT-BKHCN", "123/QĐ-LHHVN", "45/KH-LHH",
    "115/2004/QĐ-TTg", "08-QĐi/TW", "36-HD/VPTW", "15/CP", "80/2015/QH13", "10/2006/TTLT-BTC-BNV", "144/2002/QĐ/BTC",
    "135a/UBND-VP", "2345/BNN&PTNT-TCLN", "05/2019/NQ-HĐND"])
def test_the_three_shapes_of_numbers_are_numbers(number):
    assert numbers.is_number(number)
    assert numbers.numbers_in(f"theo văn bản {number}, ngày 1/1/2024") == [numbers.key(number)]


def test_dates_fractions_and_prose_are_not_numbers():
    assert numbers.numbers_in("ngày 1/1/2024, tỷ lệ 3/4, trang 2/10, lúc 8/9 giờ, niên khóa 2024/2025") == []
    assert not numbers.is_number("12/3") and not numbers.is_number("Công văn")
    # compared without case, spaces or look-alikes: an all-capitals TCVN3 font, a typed Icelandic Ð, an en dash
    assert numbers.key("115/2004/QĐ-TTG") == numbers.key("115/2004/QĐ-TTg")
    assert numbers.key("123/QÐ–LHHVN") == numbers.key("123/QĐ-LHHVN")
    assert numbers.canonical("144 /2002/QĐ-BTC") == "144/2002/QĐ-BTC"
    assert numbers.kind_of("123/QĐ-LHHVN") == "Quyết định" and numbers.kind_of("135/UBND-KTTH") is None
    assert numbers.kind_of("01/2021/TT-BKHCN") == "Thông tư" and numbers.year_of("30/2020/NĐ-CP") == 2020


def test_citations_become_links_outside_links_and_code_only():
    body = ('<p>Thực hiện Chỉ thị số 42-CT/TW và <a href="/x/">Kết luận số 93-KL/TW</a>; Công văn 135/UBND-KTTH, '
            '<code>135/UBND-KTTH</code>; BNN&amp;PTNT: 2345/BNN&amp;PTNT-TCLN; Quyết định số 9/QĐ-X (not held).</p>')
    held = {"42-ct/tw": "/a/", "135/ubnd-ktth": "/b/", "2345/bnn&ptnt-tcln": "/c/", "93-kl/tw": "/d/"}
    assert numbers.cited(body) == ["42-ct/tw", "135/ubnd-ktth", "2345/bnn&ptnt-tcln", "9/qđ-x"]
    linked = numbers.link_citations(body, held.get)
    assert '<a class="document-ref" href="/a/">Chỉ thị số 42-CT/TW</a>' in linked
    assert '<a class="document-ref" href="/b/">Công văn 135/UBND-KTTH</a>' in linked
    assert '<a class="document-ref" href="/c/">2345/BNN&amp;PTNT-TCLN</a>' in linked
    assert '<a href="/x/">Kết luận số 93-KL/TW</a>' in linked and "<code>135/UBND-KTTH</code>" in linked
    assert "Quyết định số 9/QĐ-X" in linked and linked.count("document-ref") == 3


# --- PDF ------------------------------------------------------------------------------------------
def _read_pdf(path: Path, tmp_path: Path, max_pages: int = 2000) -> Reading:
    return pdf.read(pdf.PdfJob(path, max_pages, 5_000_000, tmp_path / "page1.jpg", 360))


def _words(text: str) -> list[str]:
    return " ".join(text.split()).lower().split()


@pytest.mark.parametrize("name", ["2006-19412_QD115.04TTg_BLTch_DNNVV", "2006-16EZE_TT01.06GopvonDNNVV"])
def test_real_tcvn3_pdfs_read_as_their_transcripts(name, tmp_path):
    found = _read_pdf(FIXTURES / "real" / f"{name}.pdf", tmp_path)
    assert found.legacy == "tcvn3" and found.format == "pdf"
    truth = _words((FIXTURES / "real" / f"{name}.groundtruth.txt").read_text(encoding="utf-8"))
    got = _words("\n".join(found.pages))
    assert difflib.SequenceMatcher(None, got, truth, autojunk=False).ratio() > 0.93
    assert len(set(truth) & set(got)) / len(set(truth)) > 0.95


def test_made_tcvn3_and_vni_pdfs_give_their_unicode_text_title_and_author(tmp_path):
    for name, encoding, title in [("tcvn3_vntime", "tcvn3", "Quyết định tổ chức Hội thảo"),
                                  ("tcvn3_vntime_winansi", "tcvn3", "Quyết định tổ chức Hội thảo"),
                                  ("vni_times", "vni", "Thông báo họp mặt")]:
        found = _read_pdf(FIXTURES / "generated" / f"{name}.pdf", tmp_path)
        expected = (FIXTURES / "generated" / f"{name}.expected.txt").read_text(encoding="utf-8").split("\f")
        assert (found.legacy, found.title) == (encoding, title)
        for page, meant in zip(found.pages, expected, strict=False):
            assert _words(page) == _words(meant), name
        assert found.thumbnail is not None and (tmp_path / "page1.jpg").stat().st_size == found.thumbnail.size


def test_a_scan_has_empty_pages_and_a_report_its_text_page_by_page(tmp_path):
    scan = _read_pdf(FIXTURES / "generated" / "scanned_vi.pdf", tmp_path)
    assert scan.empty == (1,) and not scan.pages[0].strip()
    lines = [[f"Trang {n}: Báo cáo tổng kết năm 2024", f"Nội dung riêng của trang số {n}"] for n in range(1, 21)]
    lines[16].append("Quỹ hỗ trợ sáng kiến cộng đồng vùng biên giới")
    report = _read_pdf(write_pdf(tmp_path / "bao-cao.pdf", lines), tmp_path)
    assert report.count == 20 and len(report.pages) == 20 and report.empty == ()
    assert [n for n, text in enumerate(report.pages, start=1) if "sáng kiến cộng đồng" in text] == [17]


def test_a_long_pdf_is_counted_whole_and_read_to_the_limit(tmp_path):
    path = tmp_path / "dai.pdf"
    path.write_bytes(many_pages(5000))
    started = time.perf_counter()
    found = _read_pdf(path, tmp_path, max_pages=200)
    assert (found.count, len(found.pages), found.truncated) == (5000, 200, True)
    assert time.perf_counter() - started < 20


def test_script_and_embedded_files_are_found(tmp_path):
    for names, risk in [(JAVASCRIPT, "javascript"), (EMBEDDED, "attachments")]:
        path = tmp_path / f"{risk}.pdf"
        path.write_bytes(with_names(names))
        assert _read_pdf(path, tmp_path).risks == (risk,)


@pytest.mark.parametrize(("name", "reason"), [("encrypted", "encrypted"), ("half", "damaged"), ("html", "unknown"),
                                              ("empty", "unknown")])
def test_files_that_cannot_be_read_say_why(name, reason, tmp_path):
    whole = (FIXTURES / "generated" / "vni_times.pdf").read_bytes()
    data = {"encrypted": (FIXTURES / "hostile" / "encrypted.pdf").read_bytes(), "half": whole[: len(whole) // 2],
            "html": b"<!doctype html><title>404 Not Found</title>", "empty": b""}[name]
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    found = reader.read(reader.Job(path, 100, 1_000_000, None, 360))
    assert isinstance(found, reader.NotRead) and found.reason == reason


# --- Office -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "count", "title", "author", "encoding", "words"), [
    ("bao-cao.docx", 3, "Báo cáo tổng kết năm 2024", "Nguyễn Văn Ước", "", "Chỉ thị số 42-CT/TW"),
    ("bao-cao-vntime.docx", 3, "Báo cáo tổng kết năm 2004", "Văn phòng", "tcvn3", "Hội thảo khoa học"),
    ("bao-cao-vni.docx", 3, "Báo cáo tổng kết năm 2001", "Văn phòng Hội", "vni", "Hội thảo khoa học"),
    ("so-lieu.xlsx", 3, "Số liệu hội viên", "Ban Tổ chức", "", "Thu chi 2024"),
    ("so-lieu-vntime.xlsx", 1, "Danh sách hội viên", "VP", "tcvn3", "Nguyễn Văn Ước"),
    ("trinh-chieu.pptx", 4, "Báo cáo Đại hội", "Ban Thường vụ", "", "Kết quả nhiệm kỳ"),
    ("bien-ban.odt", 2, "Biên bản họp Ban Chấp hành", "Thư ký Hội", "", "Kết luận số 93-KL/TW"),
    ("bang-tinh.ods", 2, "Bảng tính kinh phí", "Kế toán", "", "Hội nghị"),
])
def test_office_files_give_their_facts_and_text(name, count, title, author, encoding, words):
    found = reader.read(reader.Job(FIXTURES / "office" / name, 2000, 5_000_000, None, 360))
    assert isinstance(found, Reading)
    assert (found.count, found.title, found.author, found.legacy) == (count, title, author, encoding)
    assert words in "\n".join(found.pages)


def test_hostile_zips_are_refused_before_anything_is_inflated(tmp_path):
    started = time.perf_counter()
    with pytest.raises(office.Refused, match="would inflate"):
        office.read(zip_bomb(tmp_path / "bom.docx"), "docx")
    assert time.perf_counter() - started < 2
    with pytest.raises(office.Refused, match="CRC"):  # its directory understates a part's size
        office.read(FIXTURES / "office" / "lying-sizes.docx", "docx")
    named = reader.read(reader.Job(FIXTURES / "office" / "not-a-zip.docx", 100, 1000, None, 360))
    assert isinstance(named, reader.NotRead) and (named.reason, named.actual) == ("unknown", "html")


def test_a_file_is_read_by_what_it_is_not_by_its_name(tmp_path):
    path = tmp_path / "that-ra-la-pdf.docx"
    path.write_bytes((FIXTURES / "generated" / "vni_times.pdf").read_bytes())
    found = reader.read(reader.Job(path, 100, 1_000_000, None, 360))
    assert isinstance(found, Reading) and found.format == "pdf"


# --- child processes --------------------------------------------------------------------------------
def _sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "woke"


def _allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 1024 * 1024))


def _abort(_: object) -> None:
    os.abort()


def _fail(_: object) -> None:
    raise ValueError("a reader's bug")


def test_each_child_has_a_deadline_and_a_memory_limit_and_the_others_go_on():
    said = {}
    isolation.run_isolated([("slow", 30), ("quick", 0)], _sleep, parallel=2, seconds=1.5, memory_mb=512,
                           done=lambda name, outcome: said.__setitem__(name, outcome))
    assert said["slow"].problem == "timeout" and said["quick"].result == "woke"
    isolation.run_isolated([("big", 2048), ("small", 8)], _allocate, parallel=1, seconds=30, memory_mb=256,
                           done=lambda name, outcome: said.__setitem__(name, outcome))
    assert said["big"].problem == "memory" and said["small"].result == 8 * 1024 * 1024
    isolation.run_isolated([("abort", None)], _abort, parallel=1, seconds=30, memory_mb=256,
                           done=lambda name, outcome: said.__setitem__(name, outcome))
    assert said["abort"].problem == "memory"  # PDFium aborts when an allocation fails under the limit
    isolation.run_isolated([("bug", None)], _fail, parallel=1, seconds=30, memory_mb=256,
                           done=lambda name, outcome: said.__setitem__(name, outcome))
    assert said["bug"].problem == "error" and "a reader's bug" in said["bug"].detail


def test_a_pdf_that_inflates_to_400_mb_is_stopped_in_its_child_not_the_build(tmp_path):
    path = tmp_path / "bom.pdf"
    path.write_bytes(inflating(400))
    said = {}
    started = time.perf_counter()
    job = reader.Job(path, 100, 1_000_000, tmp_path / "p.jpg", 360)
    isolation.run_isolated([("bomb", job)], reader.read, parallel=1, seconds=4, memory_mb=300,
                           done=lambda name, outcome: said.__setitem__(name, outcome))
    assert said["bomb"].problem in ("memory", "timeout") or not "".join(said["bomb"].result.pages)
    assert time.perf_counter() - started < 20
