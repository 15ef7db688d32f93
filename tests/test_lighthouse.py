"""Lighthouse on a phone (its default mobile settings) in Debian's chromium: the example site's
home page, an article with photos, a list and the search page score 95 or more in every category;
and axe-core (the engine behind Lighthouse's accessibility audits, installed with it) finds no
violation on every kind of page, on a phone and on a desktop."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from bantin.builder.pipeline import BuildOptions, build
from bantin.project.config import load_config

from browser import CHROMIUM, CHROMIUM_ARGS, serve, skip_without_browser
from conftest import REPO, copy_example_site

pytestmark = pytest.mark.browser

LIGHTHOUSE = REPO / "tests" / "tools" / "node_modules" / ".bin" / "lighthouse"
AXE = REPO / "tests" / "tools" / "node_modules" / "axe-core" / "axe.min.js"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = {
    "home": "/",
    "article with photos": "/tin-tuc/2021/dang-doan-lien-hiep-hoi-viet-nam-lam-viec-voi-tinh-uy-son-la/",
    "list": "/tin-tuc/",
    "search": "/tim-kiem/?q=h%E1%BB%99i+th%E1%BA%A3o",
}


def scores(url: str) -> tuple[dict[str, int], list[str]]:
    """Lighthouse's score (0-100) per category, and the audits that lost points."""
    chromium = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    result = subprocess.run(
        [str(LIGHTHOUSE), url, "--output=json", "--quiet", f"--chrome-path={chromium}",
         f"--only-categories={','.join(CATEGORIES)}", "--chrome-flags=--headless=new " + " ".join(CHROMIUM_ARGS)],
        capture_output=True, text=True, timeout=240, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    found = {name: round(category["score"] * 100) for name, category in report["categories"].items()}
    failing = [f"{name}: {audit['id']} {audit['score']} {audit.get('displayValue', '')}"
               for name, category in report["categories"].items() for ref in category["auditRefs"]
               if ref["weight"] > 0 and (audit := report["audits"][ref["id"]])["score"] is not None
               and audit["score"] < 1]
    return found, failing


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The example site, built and served; yields its origin."""
    skip_without_browser()
    if not LIGHTHOUSE.exists() or not AXE.exists() or not shutil.which("node"):
        pytest.skip("Lighthouse is not installed: npm ci --prefix tests/tools (.ci/run does it)")
    root = copy_example_site(tmp_path_factory.mktemp("lighthouse") / "example")
    build(load_config(root), BuildOptions(jobs=1))
    with serve(root / "_site") as origin:
        yield origin


@pytest.mark.alone  # the performance score times the page's main thread: a test on the other core lowers it
def test_every_category_scores_at_least_95_on_a_phone(example):
    low = {}
    for name, path in PAGES.items():
        found, failing = scores(example + path)
        if min(found.values()) < 95:
            low[name] = (found, failing)
    assert not low, json.dumps(low, ensure_ascii=False, indent=1)


# every kind of page the default theme has
AXE_PAGES = {**PAGES, "province": "/tinh/son-la/", "provinces": "/tinh/", "tag": "/the/", "year": "/luu-tru/2021/",
             "not found": "/404.html", "latest": "/tin-moi/"}


@pytest.mark.parametrize("width", [360, 1280])
def test_axe_finds_no_accessibility_violation(example, width):
    from playwright.sync_api import sync_playwright

    chromium = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    violations = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": 800})
        for name, path in AXE_PAGES.items():
            response = page.goto(example + path)
            assert response is not None and response.status in (200, 404), (name, path)
            page.wait_for_load_state("networkidle")
            page.add_script_tag(path=str(AXE))
            found = page.evaluate("""async () => (await axe.run(document)).violations.map(v =>
                `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`)""")
            if found:
                violations[name] = found
        browser.close()
    assert not violations, json.dumps(violations, ensure_ascii=False, indent=1)
