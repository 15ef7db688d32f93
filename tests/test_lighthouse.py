"""Lighthouse on a phone (its default mobile settings) in Debian's chromium: the example site's
home page, an article with photos, a list and the search page score 95 or more in every category."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from bantin.config import load_config
from bantin.pipeline import BuildOptions, build

from browser import CHROMIUM, CHROMIUM_ARGS, serve, skip_without_browser
from conftest import REPO

pytestmark = pytest.mark.browser

LIGHTHOUSE = REPO / "tests" / "tools" / "node_modules" / ".bin" / "lighthouse"
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


def test_every_category_scores_at_least_95_on_a_phone(tmp_path):
    skip_without_browser()
    if not LIGHTHOUSE.exists() or not shutil.which("node"):
        pytest.skip("Lighthouse is not installed: npm ci --prefix tests/tools (.ci/run does it)")
    root = tmp_path / "example"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns("_site*", ".git", ".bantin-cache", "__pycache__",
                                                              "node_modules", "tests", "bench"))
    build(load_config(root), BuildOptions(jobs=1))
    low = {}
    with serve(root / "_site") as origin:
        for name, path in PAGES.items():
            found, failing = scores(origin + path)
            if min(found.values()) < 95:
                low[name] = (found, failing)
    assert not low, json.dumps(low, ensure_ascii=False, indent=1)
