"""The documentation builds strictly (no broken link or anchor, no page left out of nav), and the
README's links lead to pages that exist."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mkdocs", reason="MkDocs (the test extra) builds the documentation")

REPO = Path(__file__).resolve().parent.parent


def _mkdocs_build(root: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
                          cwd=root, capture_output=True, text=True, env={"NO_MKDOCS_2_WARNING": "1", "PATH": ""},
                          timeout=120)


def _copy_docs(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(REPO / "docs", root / "docs")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


def test_the_documentation_builds_strictly(tmp_path):
    done = _mkdocs_build(REPO, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "site" / "writing" / "index.html").is_file()


@pytest.mark.parametrize("change", ["broken link", "missing anchor", "page not in nav"])
def test_the_strict_build_catches_a_mistake(tmp_path, change):
    root = _copy_docs(tmp_path)
    page = root / "docs" / "writing.md"
    if change == "broken link":
        page.write_text(page.read_text(encoding="utf-8") + "\nSee [nowhere](no-such-page.md).\n", encoding="utf-8")
    elif change == "missing anchor":
        page.write_text(page.read_text(encoding="utf-8") + "\nSee [there](errors.md#no-such-heading).\n",
                        encoding="utf-8")
    else:
        (root / "docs" / "orphan.md").write_text("# Nobody links here\n", encoding="utf-8")
    done = _mkdocs_build(root, tmp_path / "site")
    assert done.returncode != 0, f"{change} was not caught:\n{done.stderr}"


def test_the_readme_links_lead_to_pages_that_exist():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\((docs/[^)#]+)", text)
    assert len(links) > 10
    missing = sorted({link for link in links if not (REPO / link).is_file()})
    assert not missing, f"README links to missing pages: {missing}"
