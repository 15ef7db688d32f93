"""A phone in chromium: an article with photos fetches small variants and does not jump."""

from __future__ import annotations

import re
import time

import pytest

from browser import browser, serve, skip_without_browser
from conftest import article, photo

pytestmark = pytest.mark.browser

# sums every layout shift the page makes, from the start (buffered), as Lighthouse's CLS does
CLS_OBSERVER = """
window.__shifts = 0;
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) { if (!entry.hadRecentInput) window.__shifts += entry.value; }
}).observe({type: "layout-shift", buffered: true});
"""


def test_a_phone_fetches_variants_no_wider_than_800_px_and_nothing_shifts(project):
    skip_without_browser()
    text = "\n\n".join("Đoạn văn dài về hội thảo khoa học và công nghệ của Liên hiệp hội. " * 6 for _ in range(3))
    body = "\n\n".join(f"{text}\n\n![Ảnh {n}](/anh/{n}.jpg \"Chú thích ảnh {n}\")" for n in range(1, 5))
    files: dict[str, str | bytes] = {
        "content/tin-tuc/2023/anh.md": article("Bài có bốn ảnh", "2023-06-02", body=body, image="/anh/bia.jpg"),
        "content/anh/bia.jpg": photo(2400, 1600, seed=10)}
    files.update({f"content/anh/{n}.jpg": photo(2000, 1500, orientation=6 if n == 2 else 1, seed=n)
                  for n in range(1, 5)})
    site = project(files)
    site.build(search=False)
    fetched: list[str] = []
    with serve(site.out) as origin, browser() as chromium:
        page = chromium.new_page(viewport={"width": 360, "height": 740}, device_scale_factor=2)
        page.add_init_script(CLS_OBSERVER)
        # photos arrive late, as on mobile data: a page without their sizes would jump when they do
        page.route("**/anh/**", lambda route: (time.sleep(0.4), route.continue_()))
        page.on("requestfinished", lambda request: fetched.append(request.url)
                if request.resource_type == "image" else None)
        page.goto(f"{origin}/tin-tuc/2023/anh/", wait_until="networkidle")
        for _ in range(12):  # scroll down slowly: lazy photos load as they come near
            page.mouse.wheel(0, 600)
            page.wait_for_timeout(150)
        page.wait_for_load_state("networkidle")
        shifts = page.evaluate("window.__shifts")
        complete = page.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
    photos = [url for url in fetched if "/anh/" in url]
    assert len(photos) == 5 and complete, photos  # the cover and four photos, each fetched once
    for url in photos:
        width = int(re.search(r"\.(\d+)\.[0-9a-f]{10}\.\w+$", url).group(1))  # type: ignore[union-attr]
        assert width <= 800 and url.endswith(".webp"), url
    assert shifts == 0
