"""The XSS vectors of tests/hostile/xss.txt, built into one page and opened in chromium."""

from __future__ import annotations

import pytest
from test_safety import VECTORS, vectors_files, vectors_toml

from browser import browser, serve, skip_without_browser
from conftest import make_project

pytestmark = pytest.mark.browser

# Fire every event an attribute could listen to, on every element of the article body.
PROVOKE = """() => {
  const body = document.querySelector('.body');
  for (const element of body.querySelectorAll('*')) {
    for (const type of ['mouseover', 'mouseenter', 'focus', 'click', 'toggle', 'load', 'error']) {
      element.dispatchEvent(new Event(type, {bubbles: true}));
    }
  }
  const urls = [];
  for (const element of body.querySelectorAll('[href], [src], [action], [data]')) {
    for (const name of ['href', 'src', 'action', 'data']) {
      if (element[name] && typeof element[name] === 'string') urls.push(element[name]);
    }
  }
  return urls;
}"""


def visit(tmp_path, raw_html: str) -> tuple[list[str], list[str], list[str], str]:
    """(dialogs raised, requests made, URLs in the body, final URL) for the vectors' page."""
    body = "\n\n".join(f"Vector {n}: {vector}" for n, vector in enumerate(VECTORS, start=1))
    site = make_project(tmp_path / raw_html, vectors_files(body), vectors_toml(raw_html))
    site.build(search=False)
    dialogs: list[str] = []
    requests: list[str] = []
    with serve(site.out) as origin, browser() as chromium:
        page = chromium.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.on("request", lambda request: requests.append(request.url))
        # nothing leaves the machine: requests to other hosts are recorded, then refused
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(origin)
                   else route.abort())
        page.goto(f"{origin}/tin-tuc/2023/xss/")
        page.wait_for_timeout(300)
        urls = page.evaluate(PROVOKE)
        page.wait_for_timeout(700)  # a meta refresh or a timer would have fired by now
        return dialogs, requests, urls, page.url.removeprefix(origin)


def test_no_vector_runs_in_a_real_browser(tmp_path):
    skip_without_browser()
    dialogs, requests, urls, final = visit(tmp_path, "safe")
    assert dialogs == []
    assert final == "/tin-tuc/2023/xss/"  # no refresh, no navigation
    assert not [u for u in requests + urls if u.lower().startswith(("javascript:", "vbscript:", "data:text"))]
    assert not [u for u in requests if not u.startswith("http://127.0.0.1")]  # nothing was fetched elsewhere


def test_the_same_page_with_trusted_html_does_raise_dialogs(tmp_path):
    """The check above can fail: with raw_html = "trusted" the vectors run."""
    skip_without_browser()
    dialogs, _, _, _ = visit(tmp_path, "trusted")
    assert len(dialogs) >= 3, dialogs
