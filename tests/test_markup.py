"""What the body of an article can hold (docs/writing.md, "What the body can hold"): code blocks,
superscript, subscript, strikethrough, table footers, definition lists, galleries, video and
audio; checked on the HTML, parsed, and through the same sanitiser as everything else."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from bantin.markup.markdown import MarkdownRenderer

from conftest import article


def render(text: str, raw_html: str = "safe") -> BeautifulSoup:
    return BeautifulSoup(MarkdownRenderer(raw_html=raw_html).render(text), "html.parser")


def test_a_fenced_code_block_keeps_its_lines_and_its_language():
    soup = render("Trước.\n\n```python\ndef f():\n\n    return 1 < 2\n```\n\nSau.")
    code = soup.find("pre").find("code")
    assert code.get_text() == "def f():\n\n    return 1 < 2"  # the blank line and the indentation kept
    assert code["class"] == ["language-python"]
    assert soup.find("script") is None and "span" not in str(code)  # no highlighter


def test_a_fence_inside_a_list_item_or_a_quote_is_code_too():
    soup = render("- Bước một:\n\n    ```\n    pip install bantin\n    bantin init\n    ```\n\n> ```\n> trích\n> ```")
    assert [pre.get_text() for pre in soup.find_all("pre")] == ["pip install bantin\nbantin init", "trích"]
    assert soup.find("li").find("pre") is not None and soup.find("blockquote").find("pre") is not None


def test_superscript_subscript_and_strikethrough():
    soup = render("Diện tích 120 m^2^, khí CO~2~, giá ~~15~~ 18, từ 5~10 km, 3~4 giờ, a^b\\ c^.")
    assert [s.get_text() for s in soup.find_all("sup")] == ["2", "b c"]
    assert [s.get_text() for s in soup.find_all("sub")] == ["2"]
    assert soup.find("del").get_text() == "15"
    assert "5~10 km, 3~4 giờ" in soup.get_text()  # a lone tilde stays a tilde


def test_a_second_delimiter_row_starts_the_tables_footer():
    soup = render("| Hạng mục | Kinh phí |\n|---|---:|\n| Hội thảo | 20 |\n| Tập huấn | 15 |\n"
                  "|---|---:|\n| Tổng | 35 |")
    assert [td.get_text() for td in soup.select("tbody td")] == ["Hội thảo", "20", "Tập huấn", "15"]
    assert [td.get_text() for td in soup.select("tfoot td")] == ["Tổng", "35"]
    assert soup.select_one("tfoot td:nth-of-type(2)")["style"] == "text-align: right;"


def test_a_definition_list():
    soup = render("VUSTA\n:   Liên hiệp các Hội Khoa học và Kỹ thuật Việt Nam")
    assert soup.find("dt").get_text() == "VUSTA"
    assert soup.find("dd").get_text() == "Liên hiệp các Hội Khoa học và Kỹ thuật Việt Nam"


def test_photos_on_consecutive_lines_are_a_gallery_with_captions():
    soup = render('![Khai mạc](/anh/a.jpg "Lễ khai mạc")\n![Phát biểu](/anh/b.jpg)\n\n![Một ảnh](/anh/c.jpg)')
    gallery = soup.find("div", class_="gallery")
    assert [f.find("img")["src"] for f in gallery.find_all("figure")] == ["/anh/a.jpg", "/anh/b.jpg"]
    assert [c.get_text() for c in gallery.find_all("figcaption")] == ["Lễ khai mạc", "Phát biểu"]
    alone = soup.find_all("figure", recursive=False)
    assert len(alone) == 1 and alone[0].find("figcaption").get_text() == "Một ảnh"
    # a photo inside a sentence stays in the sentence
    assert render("Xem ![ảnh](/anh/a.jpg) và ![ảnh](/anh/b.jpg) nhé").find("figure") is None


def test_video_and_audio_play_without_autoplay_or_script():
    soup = render('<video controls autoplay onplay="x()" src="/video/a.mp4" poster="javascript:alert(1)">'
                  '<source src="javascript:alert(1)"></video>\n\n<audio controls src="/am-thanh/a.mp3"></audio>')
    video = soup.find("video")
    assert video["src"] == "/video/a.mp4" and video.has_attr("controls")
    assert not video.has_attr("autoplay") and not video.has_attr("onplay") and not video.has_attr("poster")
    assert not soup.find("source").has_attr("src")
    assert soup.find("audio")["src"] == "/am-thanh/a.mp3"


@pytest.mark.parametrize("vector", [
    "```html\n</code></pre><script>alert(1)</script>\n```",
    "```{.python onclick=alert(1)}\nx\n```",
    "^<img src=x onerror=alert(1)>^ ~<script>alert(1)</script>~",
    "| a |\n|---|\n| b |\n|---|\n| <script>alert(1)</script> |",
    "![a](javascript:alert(1))\n![b](/b.jpg)",
])
def test_the_new_syntax_carries_no_script(vector):
    html = MarkdownRenderer().render(vector)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("script") is None, html
    assert not any(name.startswith("on") for tag in soup.find_all(True) for name in tag.attrs), html
    assert "javascript:" not in " ".join(str(v) for tag in soup.find_all(True) for v in tag.attrs.values())


def test_a_built_article_shows_them(project):
    site = project({"content/tin-tuc/2024/ma.md": article(
        "Mã nguồn và công thức", "2024-03-01", body="Khí CO~2~, 12 m^2^.\n\n```python\nprint(1)\n\nprint(2)\n```\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n|---|---|\n| 3 | 4 |")})
    site.build(search=False)
    page = BeautifulSoup(site.page("/tin-tuc/2024/ma/"), "html.parser")
    assert page.select_one(".body pre code.language-python").get_text() == "print(1)\n\nprint(2)"
    assert page.select_one(".body sub").get_text() == "2" and page.select_one(".body sup").get_text() == "2"
    assert page.select_one(".body tfoot td").get_text() == "3"
