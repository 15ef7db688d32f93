"""bantin as an association installs it: the wheel, in a fresh venv, starts a site and builds it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from conftest import REPO


def run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, (command, result.stdout, result.stderr)
    return result


def snapshot(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A venv holding the wheel built from this tree (not editable); the dependencies come from the
    system's site-packages, so no network is needed."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copyfile(REPO / name, source / name)
    shutil.copytree(REPO / "bantin", source / "bantin", ignore=shutil.ignore_patterns("__pycache__"))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PIP_FIND_LINKS")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index",
         "-w", str(work / "dist"), str(source)], work, env)
    (wheel,) = (work / "dist").glob("bantin-*.whl")
    prefix = work / "venv"
    venv.create(prefix, system_site_packages=True, with_pip=True)
    python = prefix / "bin" / "python"
    run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], work, env)
    env["PATH"] = f"{prefix / 'bin'}{os.pathsep}{env['PATH']}"
    return prefix, env


def test_the_wheel_starts_a_site_builds_it_and_an_override_changes_only_its_pages(installed, tmp_path):
    prefix, env = installed
    found = run([str(prefix / "bin" / "python"), "-c", "import bantin; print(bantin.__file__)"], tmp_path, env)
    assert Path(found.stdout.strip()).is_relative_to(prefix)  # the wheel's bantin, not this tree's
    bantin = str(prefix / "bin" / "bantin")
    said = run([bantin, "init", "lhh", "--title", "Hội Tin học Hà Tĩnh", "--base-url", "https://example.org/"],
               tmp_path, env)
    assert "đã viết trang mới vào lhh" in said.stdout
    site = tmp_path / "lhh"
    assert not any(p.suffix == ".py" for p in site.rglob("*"))  # no tool code, no tests, no theme copy
    assert not list(site.rglob("*.html")) and not list(site.rglob("*.css"))
    run([bantin, "check"], site, env)
    run([bantin, "build", "--no-search", "-q"], site, env)
    before = snapshot(site / "_site")
    assert "tinh/index.html" in before and any(name.startswith("assets/css/site.") for name in before)
    # one block of one theme layout changed: only the pages made with it change
    (site / "layouts" / "terms.html").write_text(
        '{% extends "!theme/terms.html" %}\n'
        '{% block main %}<p class="own">{{ kind }}</p>\n{{ super() }}{% endblock %}\n',
        encoding="utf-8")
    run([bantin, "build", "--no-search", "-q"], site, env)
    after = snapshot(site / "_site")
    assert after.keys() == before.keys()
    changed = sorted(name for name in after if after[name] != before[name])
    assert changed == ["chu-de/index.html", "luu-tru/index.html", "the/index.html", "tinh/index.html"]
    assert b'<p class="own">province</p>' in after["tinh/index.html"]
