"""`serve`: pages, safety, live reload, the error overlay and recovery, on 127.0.0.1."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bantin.editor.rebuild import is_editor_noise
from bantin.editor.serve import EVENTS_PATH, resolve

from browser import browser, skip_without_browser
from conftest import article, photo
from serving import Served, running

FILES = {
    "content/tin-tuc/2023/hoi-thao.md": article("Hội thảo chuyển đổi số", "2023-05-10", tags=["Hội thảo"]),
    "content/tin-tuc/2023/toa-dam.md": article("Tọa đàm trí thức", "2023-04-01", tags=["Hội thảo"]),
}




@pytest.fixture
def served(project) -> Iterator[Served]:
    with running(project(FILES)) as result:
        yield result


def next_state(events: Iterator[dict], until, timeout: float = 15) -> dict:
    """The first streamed state for which until(state) holds."""
    deadline = time.monotonic() + timeout
    for state in events:
        if until(state):
            return state
        assert time.monotonic() < deadline, state
    raise AssertionError("event stream ended")


def test_pretty_urls_content_types_and_the_reload_script_only_when_served(served):
    status, headers, body = served.get("/tin-tuc/2023/hoi-thao/")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert "Hội thảo chuyển đổi số".encode() in body and EVENTS_PATH.encode() in body
    on_disk = (served.project.out / "tin-tuc/2023/hoi-thao/index.html").read_bytes()
    assert EVENTS_PATH.encode() not in on_disk  # built files never carry it
    status, headers, _ = served.get("/tin-tuc/2023/hoi-thao")
    assert status == 301 and headers["location"] == "/tin-tuc/2023/hoi-thao/"
    css = next((served.project.out / "assets" / "css").glob("site.*.css")).name
    status, headers, _ = served.get(f"/assets/css/{css}")
    assert status == 200 and headers["content-type"] == "text/css; charset=utf-8"
    assert served.get("/feed.xml")[1]["content-type"] == "application/atom+xml; charset=utf-8"


def test_missing_pages_get_the_404_page(served):
    status, _, body = served.get("/khong-co/")
    assert status == 404 and "Không tìm thấy trang".encode() in body


@pytest.mark.parametrize("path", [
    "/../site.toml", "/%2e%2e/site.toml", "/..%2fsite.toml", "/tin-tuc/../../site.toml",
    "/%2E%2E/%2E%2E/etc/passwd", "/..\\site.toml", "/%00", "/lien-ket/site.toml",
])
def test_nothing_outside_the_output_folder_is_served(served, path):
    (served.project.out / "lien-ket").symlink_to(served.project.root, target_is_directory=True)
    status, _, body = served.get(path)
    assert status == 404 and b"[sections]" not in body and b"root:" not in body


def test_resolve_refuses_symlinks_that_leave_the_folder(tmp_path: Path):
    (tmp_path / "out").mkdir()
    (tmp_path / "secret.txt").write_text("secret")
    (tmp_path / "out" / "ok.txt").write_text("ok")
    (tmp_path / "out" / "leak.txt").symlink_to(tmp_path / "secret.txt")
    assert resolve(tmp_path / "out", "/ok.txt")[0] == (tmp_path / "out" / "ok.txt").resolve()
    assert resolve(tmp_path / "out", "/leak.txt") == (None, False)


def test_editor_temporary_files_are_ignored():
    for name in (".hoi-thao.md.swp", "hoi-thao.md~", ".#hoi-thao.md", "#hoi-thao.md#", "4913", "x.swx"):
        assert is_editor_noise(name), name
    assert not is_editor_noise("hoi-thao.md")


def test_an_edit_rebuilds_and_reloads_the_pages_it_changed(served):
    events = served.events()
    first = next(events)
    served.write("content/tin-tuc/2023/hoi-thao.md",
                 article("Hội thảo chuyển đổi số (cập nhật)", "2023-05-10", tags=["Hội thảo"]))
    state = next_state(events, lambda s: s["version"] > first["version"] and "/the/hoi-thao/" in s["pages"])
    assert "/tin-tuc/2023/hoi-thao/" in state["pages"] and state["error"] is None
    assert "(cập nhật)".encode() in served.get("/tin-tuc/2023/hoi-thao/")[2]
    assert "(cập nhật)".encode() in served.get("/the/hoi-thao/")[2]  # the lists that show it, too
    # the page its preview wrote differs from the last build's: made again without a word of it
    assert not any("_site/:" in m for m in served.messages), served.messages  # type: ignore[attr-defined]


def test_new_and_deleted_articles_update_every_list(served):
    events = served.events()
    first = next(events)
    served.write("content/tin-tuc/2023/moi.md", article("Bài mới toanh", "2023-06-01", tags=["Hội thảo"]))
    # the new page is previewed at once; the build then publishes every list that shows it
    second = next_state(events, lambda s: s["version"] > first["version"] and "/" in s["pages"])
    assert served.get("/tin-tuc/2023/moi/")[0] == 200
    for page in ("/", "/tin-tuc/", "/the/hoi-thao/", "/feed.xml"):
        assert "Bài mới toanh".encode() in served.get(page)[2], page
    (served.project.root / "content/tin-tuc/2023/moi.md").unlink()
    next_state(events, lambda s: s["version"] > second["version"] and "/" in s["pages"])
    assert served.get("/tin-tuc/2023/moi/")[0] == 404
    assert "Bài mới toanh".encode() not in served.get("/tin-tuc/")[2]


def test_a_bad_edit_keeps_the_last_good_site_and_reports_file_line_and_field(served):
    events = served.events()
    next(events)
    served.write("content/tin-tuc/2023/hoi-thao.md",
                 article("Hội thảo", "2023-05-10", province="Tỉnh Không Có"))
    state = next_state(events, lambda s: s["error"] is not None)
    assert "content/tin-tuc/2023/hoi-thao.md:4: [province] không có tỉnh, thành phố" in state["error"]
    assert state["error"].startswith("bantin: lần dựng trang vừa rồi bị lỗi")
    status, _, body = served.get("/tin-tuc/2023/hoi-thao/")
    assert status == 200 and "Hội thảo chuyển đổi số".encode() in body  # the last good page
    assert any("build failed" in m for m in served.messages)  # type: ignore[attr-defined]
    served.write("content/tin-tuc/2023/hoi-thao.md", article("Hội thảo đã sửa", "2023-05-10"))
    state = next_state(events, lambda s: s["error"] is None)
    assert "/tin-tuc/2023/hoi-thao/" in state["pages"]
    assert "Hội thảo đã sửa".encode() in served.get("/tin-tuc/2023/hoi-thao/")[2]
    fixed = [m for m in served.messages if "fixed" in m]  # type: ignore[attr-defined]
    assert len(fixed) == 1 and fixed[0].index("fixed") > 0  # once, after the time: "08:30:15 fixed: ..."


def test_content_removed_and_made_again_is_watched_again_and_clears_the_overlay(served):
    """Before: the watch of content/ ended with the folder, and serve stayed on its error overlay
    (`check`: 0 errors) until restarted."""
    events = served.events()
    next(events)
    content = served.project.root / "content"
    kept = served.project.root / "content.bak"
    content.rename(kept)  # as `git stash -u`, or a folder moved away
    state = next_state(events, lambda s: s["error"] is not None)
    assert "content" in state["error"]
    shutil.copytree(kept, content)  # made again, files and all, in one go
    served.write("content/tin-tuc/2023/moi.md", article("Bài viết sau khi khôi phục", "2023-06-01"))
    state = next_state(events, lambda s: s["error"] is None, timeout=30)
    deadline = time.monotonic() + 15
    while served.get("/tin-tuc/2023/moi/")[0] != 200:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    # and the new folder's watch works: an edit in it is built
    served.write("content/tin-tuc/2023/toa-dam.md", article("Tọa đàm sau khôi phục", "2023-04-01"))
    deadline = time.monotonic() + 15
    while "Tọa đàm sau khôi phục".encode() not in served.get("/tin-tuc/2023/toa-dam/")[2]:
        assert time.monotonic() < deadline
        time.sleep(0.1)


def test_temporary_files_and_bursts_of_saves_do_not_rebuild_each_time(served):
    events = served.events()
    first = next(events)
    served.write("content/tin-tuc/2023/.hoi-thao.md.swp", "rác của vim")
    served.write("content/tin-tuc/2023/hoi-thao.md~", "bản sao lưu")
    for n in range(5):  # a burst of saves: one rebuild
        served.write("content/tin-tuc/2023/toa-dam.md", article(f"Tọa đàm lần {n}", "2023-04-01"))
    next_state(events, lambda s: s["version"] > first["version"])
    deadline = time.monotonic() + 10
    while "Tọa đàm lần 4".encode() not in served.get("/tin-tuc/2023/toa-dam/")[2]:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(1.0)  # time for any further rebuild to happen
    now = next(served.events())  # a new connection starts with the current state
    assert now["version"] <= first["version"] + 2  # the quick preview of the page, then one build


@pytest.mark.browser
def test_the_browser_reloads_and_shows_the_error_overlay(served):
    skip_without_browser()
    with browser() as chromium:
        page = chromium.new_page()
        page.goto(served.origin + "/tin-tuc/2023/hoi-thao/")
        page.wait_for_timeout(300)  # the event stream connects
        served.write("content/tin-tuc/2023/hoi-thao.md", "---\ntitle: [không đóng\n---\n")
        overlay = page.wait_for_selector("#bantin-error", timeout=15000)
        said = overlay.text_content()
        assert "content/tin-tuc/2023/hoi-thao.md:2: [title] không đọc được phần đầu bài (front matter)" in said
        assert 'gợi ý: viết lại dòng 2 thành: title: "[không đóng"' in said
        assert page.title().startswith("Hội thảo chuyển đổi số")  # the last good page under it
        served.write("content/tin-tuc/2023/hoi-thao.md", article("Hội thảo sau khi sửa", "2023-05-10"))
        page.wait_for_function("document.title.startsWith('Hội thảo sau khi sửa')", timeout=15000)
        assert page.query_selector("#bantin-error") is None


# the page's visibility as a test sets it (headless chromium shows every page): `window.hide()`, `window.show()`
VISIBILITY = """
let hidden = false;
Object.defineProperty(document, "hidden", {get: () => hidden});
Object.defineProperty(document, "visibilityState", {get: () => hidden ? "hidden" : "visible"});
window.hide = () => { hidden = true; document.dispatchEvent(new Event("visibilitychange")); };
window.show = () => { hidden = false; document.dispatchEvent(new Event("visibilitychange")); };
"""


def test_tabs_left_in_the_background_free_their_connections_and_reload_when_shown(served):
    """Chromium opens six connections to a host, and each open page of serve kept one (its event
    stream): a seventh tab never loaded. A hidden tab closes its stream; shown again, it reloads if a
    build changed its page meanwhile."""
    skip_without_browser()
    with browser() as chromium:
        context = chromium.new_context()
        context.add_init_script(VISIBILITY)
        tabs = []
        for _ in range(8):
            tab = context.new_page()
            tab.goto(served.origin + "/tin-tuc/2023/hoi-thao/", timeout=10000)  # the 7th waited forever
            tab.wait_for_timeout(200)
            tab.evaluate("window.hide()")
            tabs.append(tab)
        first = tabs[0]
        served.write("content/tin-tuc/2023/hoi-thao.md", article("Hội thảo đã sửa", "2023-05-10"))
        page = served.project.out / "tin-tuc/2023/hoi-thao/index.html"
        deadline = time.monotonic() + 15
        while "Hội thảo đã sửa".encode() not in page.read_bytes():
            assert time.monotonic() < deadline
            time.sleep(0.05)
        first.wait_for_timeout(500)
        assert first.title().startswith("Hội thảo chuyển đổi số")  # hidden: not reloaded, no stream
        first.evaluate("window.show()")
        first.wait_for_function("document.title.startsWith('Hội thảo đã sửa')", timeout=15000)


def test_a_save_is_previewed_while_a_long_build_runs(project):
    """The page of a saved article does not wait for the build in progress (a layout change
    re-rendering every page here): the build is cancelled and redone with the save."""
    files = {f"content/tin-tuc/2023/bai-{n:03}.md": article(f"Bài số {n}", f"2023-{n % 12 + 1:02}-{n % 28 + 1:02}",
                                                           tags=[f"Thẻ {n % 30}"]) for n in range(400)}
    with running(project(files)) as served:
        site = served.project
        page = site.out / "tin-tuc/2023/bai-007/index.html"
        listing = site.out / "the/the-7/index.html"
        base = site.own("layouts/base.html")
        base.write_text(base.read_text(encoding="utf-8").replace("<body>", "<body data-layout=\"2\">", 1),
                        encoding="utf-8")
        time.sleep(0.6)  # the layout's build is under way: every page (1,000 or so) again
        assert b'data-layout="2"' not in listing.read_bytes()
        saved = time.monotonic()
        # the newest article of its tag after the save, so the tag's first page lists it
        served.write("content/tin-tuc/2023/bai-007.md", article("Bài số 7 đã sửa", "2023-12-31", tags=["Thẻ 7"]))
        while "Bài số 7 đã sửa".encode() not in page.read_bytes():
            assert time.monotonic() - saved < 1.5, "the preview waited for the build"
            time.sleep(0.01)
        assert b'data-layout="2"' not in listing.read_bytes()  # the full build had not finished
        deadline = time.monotonic() + 60
        while b'data-layout="2"' not in listing.read_bytes() or "Bài số 7 đã sửa".encode() not in listing.read_bytes():
            assert time.monotonic() < deadline, served.messages  # type: ignore[attr-defined]
            time.sleep(0.05)
        assert b'data-layout="2"' in page.read_bytes()  # in the end every page has both changes


def test_a_new_article_is_previewed_and_leaves_nothing_behind_when_deleted(served):
    page = served.project.out / "tin-tuc/2023/vua-viet/index.html"
    saved = time.monotonic()
    served.write("content/tin-tuc/2023/vua-viet.md", article("Bài vừa viết", "2023-07-01", tags=["Hội thảo"]))
    while not page.exists():
        assert time.monotonic() - saved < 5
        time.sleep(0.01)
    assert "Bài vừa viết".encode() in page.read_bytes()
    (served.project.root / "content/tin-tuc/2023/vua-viet.md").unlink()  # before or after its build
    deadline = time.monotonic() + 20
    while page.exists() or served.get("/tin-tuc/2023/vua-viet/")[0] != 404:
        assert time.monotonic() < deadline, served.messages  # type: ignore[attr-defined]
        time.sleep(0.05)
    assert "Bài vừa viết".encode() not in served.get("/the/hoi-thao/")[2]


def test_a_new_photo_shows_within_seconds_and_the_text_preview_does_not_wait_for_it(served):
    for n in range(3):  # three phone photos: encoding them takes a while on one core
        (served.project.root / f"content/anh/moi-{n}.jpg").parent.mkdir(parents=True, exist_ok=True)
        (served.project.root / f"content/anh/moi-{n}.jpg").write_bytes(photo(4000, 3000, orientation=6, seed=n))
    page = served.project.out / "tin-tuc/2023/hoi-thao/index.html"
    saved = time.monotonic()
    body = "Ảnh mới của hội thảo.\n\n" + "\n\n".join(f"![Ảnh {n}](/anh/moi-{n}.jpg)" for n in range(3))
    served.write("content/tin-tuc/2023/hoi-thao.md", article("Hội thảo chuyển đổi số", "2023-05-10",
                                                             tags=["Hội thảo"], body=body))
    previewed = pictured = None
    while pictured is None:
        assert time.monotonic() - saved < 30, served.messages  # type: ignore[attr-defined]
        html = page.read_bytes() if page.exists() else b""
        if previewed is None and "Ảnh mới của hội thảo".encode() in html:
            previewed = time.monotonic() - saved
        if b"<picture>" in html and html.count(b"moi-") >= 3:
            pictured = time.monotonic() - saved
        time.sleep(0.01)
    assert previewed is not None and previewed < pictured
    sources = re.findall(r'srcset="([^"]+)"', html.decode())
    urls = {entry.split(" ")[0] for srcset in sources for entry in srcset.split(", ")}
    assert len(urls) >= 3 * 8 and all(served.get(url)[0] == 200 for url in urls)
