"""Pages on a phone's screen (360 CSS px), in chromium: what an editor writes never makes a page wider
than the screen; a wide table or code block scrolls in its own box."""

from __future__ import annotations

import pytest

from browser import browser, serve, skip_without_browser
from conftest import ENGLISH, SITE_TOML, article, make_project, photo

pytestmark = pytest.mark.browser

TABLE = ("| STT | Hội thành viên | Quý I | Quý II | Quý III | Quý IV | Cả năm | Ghi chú |\n"
         "|---|---|---|---|---|---|---|---|\n"
         + "".join(f"| {n} | Hội Khoa học kỹ thuật số {n} | 120.000.000 | 135.000.000 | 150.000.000 | 160.000.000 "
                   f"| 565.000.000 | đã quyết toán đầy đủ |\n" for n in range(1, 6)))
CODE = "```\n" + "kinh_phi_du_kien = tong_hop(quy_1, quy_2, quy_3, quy_4) + du_phong_kinh_phi_hoat_dong * 3\n" + "```\n"
LONG_WORD = "Chuyểnđổisốtronghoạtđộngtưvấnphảnbiệnvàgiámđịnhxãhộicủaliênhiệphội"


def test_a_wide_table_code_or_long_title_never_makes_a_page_wider_than_a_phone(project, tmp_path):
    skip_without_browser()
    site = project({
        "content/tin-tuc/2024/ngan-sach.md": article("Dự toán ngân sách năm 2024", "2024-03-01 08:00",
                                                     body=f"Bảng dự toán:\n\n{TABLE}\nCông thức:\n\n{CODE}"),
        "content/tin-tuc/2024/dai.md": article(LONG_WORD, "2024-03-02 08:00", body="Đoạn văn ngắn."),
    })
    english = make_project(tmp_path / "english", {"content/tin-tuc/2024/a.md": article("A", "2024-03-01 08:00",
                                                                                     body="Text.")},
                           ENGLISH + SITE_TOML)
    site.build(search=False)
    english.build()
    with serve(site.out) as origin, serve(english.out) as english_origin, browser() as chromium:
        page = chromium.new_page(viewport={"width": 360, "height": 740})
        widths = {}
        for path in ("/tin-tuc/2024/ngan-sach/", "/tin-tuc/2024/dai/", "/"):
            page.goto(f"{origin}{path}")
            widths[path] = page.evaluate("document.documentElement.scrollWidth")
        page.goto(f"{origin}/tin-tuc/2024/ngan-sach/")
        boxes = page.evaluate("""[...document.querySelectorAll('.body table, .body pre')].map(
            box => [box.clientWidth, box.scrollWidth])""")
        for path in ("/search/", "/tin-tuc/2024/a/"):
            page.goto(f"{english_origin}{path}")
            widths[f"english {path}"] = page.evaluate("document.documentElement.scrollWidth")
    assert all(width <= 360 for width in widths.values()), widths
    assert len(boxes) == 2 and all(inner > outer for outer, inner in boxes), boxes  # each scrolls in its own box


def test_a_portrait_cover_leaves_the_lead_on_a_phone_s_first_screen(project):
    """A phone photo taken upright (1:2) as the cover: its shape kept, at most 60% of the screen high,
    and the lead below it still on the first screen; a landscape cover fills the column's width as before."""
    skip_without_browser()
    site = project({
        "content/anh/2024/doc.jpg": photo(600, 1200),
        "content/anh/2024/ngang.jpg": photo(1200, 800),
        "content/tin-tuc/2024/doc.md": article("Hội thảo khoa học", "2024-03-01 08:00", image="/anh/2024/doc.jpg",
                                               summary='"Sáng 1/3, Liên hiệp hội tổ chức hội thảo khoa học."'),
        "content/tin-tuc/2024/ngang.md": article("Tập huấn", "2024-03-02 08:00", image="/anh/2024/ngang.jpg"),
    })
    site.build(search=False)
    with serve(site.out) as origin, browser() as chromium:
        page = chromium.new_page(viewport={"width": 360, "height": 740})
        page.goto(f"{origin}/tin-tuc/2024/doc/")
        page.wait_for_function("document.querySelector('.cover img').complete")
        cover = page.evaluate("""(img => [img.getBoundingClientRect().width, img.getBoundingClientRect().height,
            getComputedStyle(img).objectFit])(document.querySelector('.cover img'))""")
        lead = page.evaluate("document.querySelector('.lead').getBoundingClientRect().top")
        page.goto(f"{origin}/tin-tuc/2024/ngang/")
        landscape = page.evaluate("[document.querySelector('.cover img').getBoundingClientRect().width, "
                                  "document.querySelector('.article').getBoundingClientRect().width]")
    _, height, fit = cover
    assert height <= 0.6 * 740 + 1 and fit == "contain", cover  # shown whole in its box: neither cropped nor squashed
    assert lead < 740, lead
    assert abs(landscape[0] - landscape[1]) < 1, landscape
