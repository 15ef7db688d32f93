"""The web editor in a real browser: Decap CMS (from npm in tests/tools, never its CDN) on a running
`serve`, used the way an editor would: a new article, a province found without accents, tags, a
photo, published; then the file, `check`, the live page, and a page of another origin refused."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from bantin.builder.admin import DECAP_SCRIPT, LOCAL_API_PATH
from bantin.cli.main import main
from bantin.content.authoring import short_slug

from browser import browser, serve, skip_without_browser
from conftest import REPO, SITE_TOML, article, photo
from serving import running

pytestmark = pytest.mark.browser

DECAP = REPO / "tests" / "tools" / "node_modules" / "decap-cms" / "dist" / "decap-cms.js"
CMS_TOML = SITE_TOML + "\n[cms]\nenabled = true\n"
TITLE = "Đại hội Liên hiệp hội tỉnh Đắk Lắk: nhiệm kỳ mới"


def test_an_editor_writes_and_publishes_an_article_with_a_photo(project, tmp_path):
    skip_without_browser()
    if not DECAP.exists():
        pytest.skip("Decap CMS is not installed: npm ci --prefix tests/tools (.ci/run does it)")
    site = project({"content/tin-tuc/2023/a.md": article("Hội thảo", "2023-05-10", tags=["Hội thảo"])}, CMS_TOML)
    upload = tmp_path / "anh-dai-hoi.jpg"
    upload.write_bytes(photo(1600, 1200))
    fetched = []

    def decap_from_npm(route: object) -> None:  # the pinned CDN file, byte for byte (integrity is checked)
        fetched.append(route.request.url)  # type: ignore[attr-defined]
        route.fulfill(path=str(DECAP), content_type="application/javascript",  # type: ignore[attr-defined]
                      headers={"Access-Control-Allow-Origin": "*"})

    with running(site) as served, browser() as chromium:
        context = chromium.new_context(timezone_id="Asia/Ho_Chi_Minh", locale="vi-VN")  # type: ignore[attr-defined]
        page = context.new_page()
        page.route("https://cdn.jsdelivr.net/**", decap_from_npm)
        page.goto(f"{served.origin}/admin/")
        page.get_by_role("button", name="Đăng nhập").click()  # the local backend: no account needed
        page.get_by_text("＋ Tin tức").click()
        page.fill("#title-field-1", TITLE)
        year = page.input_value("#date-field-2")[:4]  # today, as the form starts
        page.click("#province-field-3")
        page.keyboard.type("dak la")  # no accents: the list still finds Đắk Lắk
        page.get_by_text("Đắk Lắk", exact=True).click()
        page.click("#topic-field-4")
        page.keyboard.type("chuyen doi")
        page.keyboard.press("Enter")
        page.fill("#tags-field-5", "đại hội, Đắk Lắk")
        page.get_by_text("Chọn một hình").click()
        page.set_input_files("input[type=file]", str(upload))
        page.get_by_role("button", name="Lấy những cái đã chọn").click()
        page.fill("#image_alt-field-11", "Quang cảnh đại hội")
        page.locator('[contenteditable="true"]').last.click()
        page.keyboard.type("Sáng nay, Liên hiệp hội tỉnh khai mạc đại hội.")
        page.get_by_role("button", name="Công bố").first.click()
        page.get_by_text("Công bố ngay").click()
        slug = short_slug(TITLE)
        saved = site.root / "content" / "tin-tuc" / year / f"{slug}.md"
        deadline = time.monotonic() + 30
        while not saved.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert fetched == [DECAP_SCRIPT]
        assert saved.exists(), sorted(p.as_posix() for p in (site.root / "content").rglob("*.md"))
        assert slug.startswith("dai-hoi-lien-hiep-hoi-tinh-dak-lak")  # Đ -> d, as bantin makes URLs

        # the file is what bantin expects, and check accepts it
        front = yaml.safe_load(saved.read_text(encoding="utf-8").split("---")[1])
        assert front["title"] == TITLE and front["province"] == "Đắk Lắk" and front["topic"] == "Chuyển đổi số"
        assert front["tags"] == ["đại hội", "Đắk Lắk"] and front["draft"] is False
        assert front["image"] == f"/anh/{year}/anh-dai-hoi.jpg" and front["image_alt"] == "Quang cảnh đại hội"
        assert (site.root / "content" / "anh" / year / "anh-dai-hoi.jpg").read_bytes() == upload.read_bytes()
        assert main(["check", "--root", str(site.root), "-q"]) == 0

        # the running site shows it, photo included, without a restart
        url = f"/tin-tuc/{year}/{slug}/"
        deadline = time.monotonic() + 30
        while (status := served.get(url)[0]) != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert status == 200
        page.goto(served.origin + url)
        assert page.locator("h1").inner_text() == TITLE
        assert page.locator("article picture img").first.get_attribute("alt") == "Quang cảnh đại hội"

        # a page of another origin the editor has open cannot write through the editor API
        other = tmp_path / "other"
        other.mkdir()
        (other / "index.html").write_text("<!doctype html><title>other</title>", encoding="utf-8")
        with serve(other) as elsewhere:
            page = context.new_page()  # the article's page may still reload itself (serve's live reload)
            page.goto(elsewhere)
            request = {"action": "persistEntry", "params": {
                "entry": {"path": "content/tin-tuc/2024/evil.md", "raw": article("Evil", "2024-01-01")},
                "assets": []}}
            outcome = page.evaluate("""async ([url, body]) => {
                const results = [];
                try {  // JSON needs a CORS preflight: refused, the request is never sent
                    const r = await fetch(url, {method: "POST", headers: {"Content-Type": "application/json"}, body});
                    results.push(r.status);
                } catch (error) { results.push("blocked"); }
                // a "simple" request goes out without asking, and must be refused by the server
                await fetch(url, {method: "POST", mode: "no-cors", headers: {"Content-Type": "text/plain"}, body});
                return results;
            }""", [served.origin + LOCAL_API_PATH, json.dumps(request)])
        assert outcome == ["blocked"]
        time.sleep(0.5)
        assert not (site.root / "content" / "tin-tuc" / "2024" / "evil.md").exists()
        context.close()


def test_the_pinned_integrity_is_the_npm_files():
    """The hash in bantin/builder/admin.py is the digest of the file npm publishes: a browser loads nothing else."""
    import base64
    import hashlib

    from bantin.builder.admin import DECAP_INTEGRITY, DECAP_VERSION

    if not DECAP.exists():
        pytest.skip("Decap CMS is not installed: npm ci --prefix tests/tools (.ci/run does it)")
    package = json.loads((DECAP.parent.parent / "package.json").read_text(encoding="utf-8"))
    assert package["version"] == DECAP_VERSION
    digest = base64.b64encode(hashlib.sha384(DECAP.read_bytes()).digest()).decode()
    assert f"sha384-{digest}" == DECAP_INTEGRITY


@contextlib.contextmanager
def logged_in(site: object) -> Iterator[Any]:
    """The site served, and a page of chromium on its /admin/, logged in (the local backend; Decap from npm)."""
    with running(site) as served, browser() as chromium:
        context = chromium.new_context(timezone_id="Asia/Ho_Chi_Minh", locale="vi-VN")  # type: ignore[attr-defined]
        page = context.new_page()
        page.route("https://cdn.jsdelivr.net/**", lambda route: route.fulfill(
            path=str(DECAP), content_type="application/javascript", headers={"Access-Control-Allow-Origin": "*"}))
        page.goto(f"{served.origin}/admin/")
        page.get_by_role("button", name="Đăng nhập").click()
        try:
            yield page
        finally:
            context.close()


def test_a_date_written_day_first_by_hand_shows_in_the_date_picker(project):
    """A file whose date an editor wrote as Vietnamese write it (bantin reads it) opens in the web
    editor with that date in the picker, not an empty field."""
    skip_without_browser()
    if not DECAP.exists():
        pytest.skip("Decap CMS is not installed: npm ci --prefix tests/tools (.ci/run does it)")
    site = project({"content/tin-tuc/2024/a.md": article("Hội thảo cuối năm", "31/12/2024 08:30")}, CMS_TOML)
    with logged_in(site) as page:
        page.get_by_text("Hội thảo cuối năm").first.click()
        page.wait_for_selector("#date-field-2")
        assert page.input_value("#date-field-2") == "2024-12-31T08:30"


BODY = """Diện tích 120 m^2^, khí CO~2~, giá ~~15~~ 18.

```python
print("xin chào")

print("tạm biệt")
```

| Hạng mục | Kinh phí |
|---|---:|
| Hội thảo | 20 |
|---|---:|
| Tổng | 20 |

VUSTA
:   Liên hiệp các Hội Khoa học và Kỹ thuật Việt Nam

![Khai mạc](/anh/2024/a.jpg "Lễ khai mạc")
![Phát biểu](/anh/2024/b.jpg "Phát biểu")"""


def _publish(page: object, path: object) -> str:
    """Publish the entry open in Decap and wait for the file to change; its body as saved."""
    before = path.stat().st_mtime_ns  # type: ignore[attr-defined]
    page.get_by_role("button", name="Công bố").first.click()  # type: ignore[attr-defined]
    page.get_by_text("Công bố ngay").click()  # type: ignore[attr-defined]
    deadline = time.monotonic() + 30
    while path.stat().st_mtime_ns == before and time.monotonic() < deadline:  # type: ignore[attr-defined]
        time.sleep(0.2)
    return path.read_text(encoding="utf-8").split("---", 2)[2].strip()  # type: ignore[attr-defined]


def test_the_web_editor_keeps_the_body_syntax_and_what_its_rich_text_mode_rewrites(project):
    """An article using superscript, subscript, code, a table footer, a definition list and a gallery
    (docs/web-editor.md): saved with only its title changed, the body is written back as it was; edited
    in the rich text mode, Decap rewrites what it does not know, and check still passes."""
    skip_without_browser()
    if not DECAP.exists():
        pytest.skip("Decap CMS is not installed: npm ci --prefix tests/tools (.ci/run does it)")
    site = project({"content/tin-tuc/2024/a.md": article("Cú pháp đặc biệt", "2024-03-01", body=BODY),
                    "content/anh/2024/a.jpg": photo(), "content/anh/2024/b.jpg": photo(seed=2)}, CMS_TOML)
    path = site.root / "content/tin-tuc/2024/a.md"
    with logged_in(site) as page:
        page.get_by_text("Cú pháp đặc biệt").first.click()
        page.wait_for_selector("#title-field-1")
        page.fill("#title-field-1", "Cú pháp đặc biệt (sửa)")
        assert _publish(page, path) == BODY  # the body untouched: byte for byte
        page.locator('[contenteditable="true"]').last.click()
        page.keyboard.press("Control+Home")
        page.keyboard.type("Mở đầu. ")
        edited = _publish(page, path)
    # what the rich text mode keeps...
    assert "m^2^" in edited and "~~15~~" in edited and "```python\n" in edited and 'print("tạm biệt")\n```' in edited
    assert "VUSTA\n:   Liên hiệp" in edited
    # ...and what it rewrites, as docs/web-editor.md says: subscript escaped, the footer's delimiter
    # row made a row of the body, a gallery's photos parted into figures of their own
    assert "CO\\~2\\~" in edited and "| \\---" in edited and '"Lễ khai mạc")\n\n![Phát biểu]' in edited
    assert main(["check", "--root", str(site.root), "-q"]) == 0
