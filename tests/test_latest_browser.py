"""'Tin mới' beside an article, in chromium: filled from /tin-moi/ by site.js, without the article
itself, without moving anything; a plain link for a reader without script."""

from __future__ import annotations

import time

import pytest
from test_images_browser import CLS_OBSERVER

from browser import browser, serve, skip_without_browser
from conftest import article

pytestmark = pytest.mark.browser

FILES = {f"content/tin-tuc/2024/bai-{n}.md": article(f"Bài số {n}", f"2024-03-{n + 1:02d} 08:00",
                                                      body="Đoạn văn về hội thảo khoa học. " * 40)
         for n in range(8)}


def test_latest_news_is_the_shared_page_s_list_without_the_article_itself(project):
    skip_without_browser()
    site = project(FILES)  # latest_count = 3
    site.build(search=False)
    with serve(site.out) as origin, browser() as chromium:
        page = chromium.new_page(viewport={"width": 1280, "height": 1400})  # the sidebar in sight
        page.add_init_script(CLS_OBSERVER)
        # the shared page arrives late, as on mobile data: its room is kept, so nothing moves
        page.route("**/tin-moi/", lambda route: (time.sleep(0.5), route.continue_()))
        page.goto(f"{origin}/tin-tuc/2024/bai-6/", wait_until="networkidle")
        links = page.eval_on_selector_all(".latest-slot a", "links => links.map(a => a.getAttribute('href'))")
        visible = page.evaluate("document.querySelector('.latest-slot').getBoundingClientRect().bottom < innerHeight")
        shifts = page.evaluate("window.__shifts")

        # without script: the slot is a link to the page of the newest articles
        plain = chromium.new_context(java_script_enabled=False).new_page()
        plain.goto(f"{origin}/tin-tuc/2024/bai-6/")
        fallback = plain.eval_on_selector_all(".latest-slot a", "links => links.map(a => a.getAttribute('href'))")
    # the three newest but the article itself (bai-6 is the second newest)
    assert links == ["/tin-tuc/2024/bai-7/", "/tin-tuc/2024/bai-5/", "/tin-tuc/2024/bai-4/"]
    assert visible and shifts == 0
    assert fallback == ["/tin-moi/"]
