"""bantin as an association installs it: the wheel, in a fresh venv, starts a site and builds it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from bantin import __version__

from conftest import REPO
from wheelhouse import folder, ready


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
    with_developers_packages(prefix)
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


# --- bantin from a git address, as an association installs it before a release ---------------
GIT = shutil.which("git")
PACKAGE_FILES = ("pyproject.toml", "README.md", "CHANGELOG.md")  # what a clone of the repository builds from


@pytest.fixture(scope="module")
def repository(tmp_path_factory) -> tuple[str, str]:
    """This tree's package as a git repository of its own, as a clone holds it: (its git+file:// address,
    the commit it is at)."""
    if GIT is None:
        pytest.skip("git is not installed")
    work = tmp_path_factory.mktemp("git") / "bantin"
    work.mkdir()
    for name in PACKAGE_FILES:
        if (REPO / name).exists():
            shutil.copyfile(REPO / name, work / name)
    shutil.copytree(REPO / "bantin", work / "bantin", ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "bantin"]):
        subprocess.run([GIT, *command], cwd=work, env=env, check=True, capture_output=True)
    commit = subprocess.run([GIT, "rev-parse", "HEAD"], cwd=work, check=True, capture_output=True,
                            text=True).stdout.strip()
    # file://localhost/...: the form every pip reads (pip 23's packaging refused git+file:///...)
    return f"git+file://localhost{work.as_posix()}", commit


def with_developers_packages(prefix: Path) -> None:
    """Run from a developer's venv (GUIDE: each helper has one), let a fresh venv see the dependencies of bantin
    that only that venv holds, as CI's fresh venvs see the system's: a folder of links to those
    distributions' files, named in a .pth file. Never bantin itself."""
    if sys.prefix == sys.base_prefix:
        return
    import importlib.metadata

    shared = prefix / "developer-packages"
    shared.mkdir(exist_ok=True)
    asked = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    base = subprocess.run([str(prefix / "bin" / "python"), "-c", asked], capture_output=True, text=True,
                          check=True).stdout.strip()
    for distribution in importlib.metadata.distributions():
        name = distribution.metadata["Name"] or ""
        if name.lower() == "bantin" or not distribution.files:
            continue
        located = Path(distribution.locate_file(""))
        if not located.is_relative_to(sys.prefix):
            continue  # the system's: the fresh venv sees it already
        for top in {file.parts[0] for file in distribution.files if not file.parts[0].startswith("..")}:
            if (located / top).exists() and not (shared / top).exists():
                (shared / top).symlink_to(located / top)
    Path(base, "_developer_packages.pth").write_text(f"{shared}\n", encoding="utf-8")


def fresh(prefix: Path) -> tuple[Path, dict[str, str]]:
    """A fresh venv that sees the system's packages (bantin's dependencies, no network needed) but no bantin."""
    venv.create(prefix, system_site_packages=True, with_pip=True)
    with_developers_packages(prefix)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PIP_FIND_LINKS", "VIRTUAL_ENV")}
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", PATH=f"{prefix / 'bin'}{os.pathsep}{os.environ['PATH']}")
    # Python 3.11's venv brings its own old setuptools (no bdist_wheel): the system's newer one builds bantin
    run([str(prefix / "bin" / "python"), "-m", "pip", "uninstall", "-q", "-y", "setuptools"], prefix, env)
    return prefix / "bin", env


def test_init_s_requirements_install_the_same_bantin_from_its_git_address(repository, tmp_path):
    address, commit = repository
    first, env = fresh(tmp_path / "first")
    run([str(first / "python"), "-m", "pip", "install", "-q", "--no-index", "--no-build-isolation",
         f"bantin @ {address}"], tmp_path, env)  # no revision: pip records the commit it checked out
    version = run([str(first / "bantin"), "--version"], tmp_path, env).stdout
    assert version == f"bantin {__version__}\n"
    run([str(first / "bantin"), "init", "hoi", "--title", "Hội Tin học", "--base-url", "https://example.org/"],
        tmp_path, env)
    written = (tmp_path / "hoi" / "requirements.txt").read_text(encoding="utf-8")
    assert written.splitlines()[-1] == f"bantin @ {address}@{commit}"
    assert "không máy CI nào tới được" in written  # a git address on this computer: said so
    # another machine: a fresh venv, the site's requirements
    second, env = fresh(tmp_path / "second")
    run([str(second / "python"), "-m", "pip", "install", "-q", "--no-index", "--no-build-isolation", "-r",
         "requirements.txt"], tmp_path / "hoi", env)
    assert run([str(second / "bantin"), "--version"], tmp_path, env).stdout == version
    recorded = run([str(second / "python"), "-c", "import importlib.metadata as m, json; "
                    "print(json.loads(m.distribution('bantin').read_text('direct_url.json'))['vcs_info']['commit_id'])"],
                   tmp_path, env).stdout.strip()
    assert recorded == commit
    run([str(second / "bantin"), "build", "--no-search", "-q"], tmp_path / "hoi", env)
    assert (tmp_path / "hoi" / "_site" / "index.html").is_file()


# --- the README's "Start your own site", word for word -----------------------------------------
def readme_start() -> str:
    """The shell block of the README's "Start your own site"."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Start your own site", 1)[1].split("\n## ", 1)[0]
    return section.split("```sh\n", 1)[1].split("```", 1)[0]


def wheelhouse() -> Path:
    """bantin's dependencies as wheels, downloaded before the tests (tests/wheelhouse.py, which .ci/run runs):
    a fresh venv without the system's packages installs from there with no network."""
    found = ready()
    if found is None:
        pytest.skip(f"no wheelhouse of bantin's dependencies at {folder()}: run python3 tests/wheelhouse.py once "
                    "(it downloads them; the tests never reach the network)")
    return found


def test_the_readme_s_start_your_own_site_works_as_written(repository, tmp_path):
    address, _ = repository
    script = readme_start()
    assert 'python3 -m pip install "$BANTIN"' in script and "bantin init" in script
    tools = tmp_path / "tools"
    tools.mkdir()
    (tools / "python3").symlink_to(sys.executable)  # the Python running the tests, as `python3`
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PIP_", "VIRTUAL_ENV"))}
    env.update(BANTIN=f"bantin @ {address}", HOME=str(tmp_path), PATH=f"{tools}{os.pathsep}{os.environ['PATH']}",
               PIP_NO_INDEX="1", PIP_FIND_LINKS=str(wheelhouse()), PIP_DISABLE_PIP_VERSION_CHECK="1",
               PIP_CONFIG_FILE=os.devnull)
    done = subprocess.run(["sh", "-ec", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600,
                          check=False)
    assert done.returncode == 0, (done.stdout[-2000:], done.stderr[-3000:])
    prefix = tmp_path / "bantin-env"
    assert not (prefix / "pyvenv.cfg").read_text().count("include-system-site-packages = true")  # container-like
    site = tmp_path / "lhh-hatinh"
    assert (site / "_site" / "index.html").is_file() and (site / "_site" / "search-index").is_dir()  # its search index
    assert "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh Hà Tĩnh" in (site / "_site/index.html").read_text("utf-8")
    assert (site / "requirements.txt").read_text(encoding="utf-8").splitlines()[-1].startswith(f"bantin @ {address}@")
