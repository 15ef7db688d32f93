"""Benchmark: the editor's wait, from a push to the files ready for upload, as CI runs it.

    python3 bench/workflow.py                 # the site workflow (uv, and pip as before), then today's
    python3 bench/workflow.py --no-today      # the site workflow only
    python3 bench/workflow.py --count 1000
    python3 bench/workflow.py --no-today --runs 3   # each workflow three times, uv and pip in turn

The 10,000-article benchmark corpus (../shared/bench/make_corpus.py, seed 1) is the site, with
this repository's site.toml (`[images] missing = "warning"`: its articles show photos it does
not write). A first build with search makes the build cache a push to main would have saved;
it is kept as a tarball, as actions/cache keeps it. Then one new article is added and each
workflow's steps run as its YAML runs them, on this machine, timed one by one:

- the site workflow `bantin init` writes (bantin/starter/site.yml): `uv venv` and `uv pip install`
  of bantin's wheel (its dependencies from uv's cache, as setup-uv restores it), restoring the
  build cache, `bantin check`, `bantin build`, saving the build cache; and the same with the steps
  it had before (`python -m venv` and `pip install`, pip's cache warm), in turn with it;
- today's workflow (.github/workflows/site.yml): a fresh venv and `pip install -e '.[test]'`,
  `npm ci` of the test tools, the test suite and ruff, restoring the cache, the build, saving.

What GitHub does around the steps (starting a runner, checkout, setup-uv or setup-python and the
cache of packages they restore, uploading the site, the deploy job) is about the same for each and
is not measured here. uv is the `uv` on PATH or beside this Python (`pip install uv`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import venv
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from run import REPO, make_project

ARTICLE = """---
title: "Hội thảo khoa học về chuyển đổi số trong nông nghiệp"
date: {date}
province: "Hà Tĩnh"
topic: "Chuyển đổi số"
tags: ["hội thảo", "nông nghiệp"]
---

Sáng nay, Liên hiệp hội tỉnh tổ chức hội thảo khoa học về chuyển đổi số trong nông nghiệp.
"""


def timed(steps: list[tuple[str, float]], name: str, command: list[str], cwd: Path,
          env: dict[str, str] | None = None) -> None:
    """Run one step, as a workflow's `run:` does, and record its wall time; stop on failure."""
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    steps.append((name, time.perf_counter() - started))
    if result.returncode != 0:
        raise SystemExit(f"{name} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")


def timed_call(steps: list[tuple[str, float]], name: str, function: Callable[..., object], *args: object) -> None:
    started = time.perf_counter()
    function(*args)
    steps.append((name, time.perf_counter() - started))


SITE_CACHE = (".bantin-cache", "_site")  # what the site workflow caches (bantin/starter/site.yml)
TODAY_CACHE = (".bantin-cache",)  # what this repository's workflow cached


def save_cache(site: Path, tarball: Path, folders: tuple[str, ...] = SITE_CACHE) -> None:
    """What actions/cache/save does: the folders into one archive, with GNU tar and zstd on all
    cores as actions/cache runs them on an Ubuntu runner (`--use-compress-program zstdmt`);
    Python's tarfile with gzip where those are missing."""
    present = [folder for folder in folders if (site / folder).exists()]
    if shutil.which("tar") and shutil.which("zstdmt"):
        subprocess.run(["tar", "--posix", "-cf", str(tarball), "--use-compress-program", "zstdmt", "-C", str(site),
                        *present], check=True)
        return
    with tarfile.open(tarball, "w:gz", compresslevel=1) as archive:
        for folder in present:
            archive.add(site / folder, arcname=folder)


def restore_cache(site: Path, tarball: Path) -> None:
    """What actions/cache/restore does (after `rm -rf .bantin-cache _site`)."""
    for folder in SITE_CACHE:
        shutil.rmtree(site / folder, ignore_errors=True)
    if shutil.which("tar") and shutil.which("unzstd"):
        subprocess.run(["tar", "-xf", str(tarball), "--use-compress-program", "unzstd", "-C", str(site)], check=True)
        return
    with tarfile.open(tarball) as archive:
        archive.extractall(site, filter="data")


def checkout(corpus: Path, work: Path, new_article: bool = True, tool: Path = REPO) -> Path:
    """A fresh checkout of the benchmark site (its content and settings), with one new article.
    Always at the same path, as on a runner: the build cache is valid for one project folder."""
    site = work / "site"
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(corpus / "content", site / "content")
    shutil.copyfile(corpus / "site.toml", site / "site.toml")
    for folder in ("layouts", "assets"):
        shutil.copytree(tool / folder, site / folder, dirs_exist_ok=True)  # the site's own, as the tool's example
    if new_article:  # the daily case: the newest article of the site, dated a few minutes ago
        moment = datetime.now(UTC).astimezone(timezone(timedelta(hours=7))).replace(microsecond=0)
        folder = site / "content/tin-tuc" / str(moment.year)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "hoi-thao-moi.md").write_text(ARTICLE.format(date=(moment - timedelta(minutes=5)).isoformat()),
                                                encoding="utf-8")
    return site


def fresh_venv(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    venv.create(path, with_pip=True)
    return path / "bin"


def uv_program() -> str:
    """uv: on PATH, or installed beside this Python (`pip install uv`)."""
    found = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
    if not Path(found).is_file():
        raise SystemExit("uv is not installed: python3 -m pip install uv")
    return found


def site_workflow(corpus: Path, work: Path, tarball: Path, wheel: Path,
                  installer: str = "uv") -> list[tuple[str, float]]:
    """bantin/starter/site.yml's steps; `installer` "pip": its install steps as they were (venv, pip)."""
    steps: list[tuple[str, float]] = []
    site = checkout(corpus, work)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    prefix = work / f"venv-{installer}"
    bin_ = prefix / "bin"
    if installer == "uv":
        shutil.rmtree(prefix, ignore_errors=True)
        env["UV_CACHE_DIR"] = str(work / "uv-cache")  # warm, as setup-uv restores it
        timed(steps, "uv venv", [uv_program(), "venv", "-q", "--python", sys.executable, str(prefix)], site, env)
        env["PATH"] = f"{bin_}{os.pathsep}{env['PATH']}"
        timed(steps, "uv pip install bantin (requirements.txt)",
              [uv_program(), "pip", "install", "-q", "--python", str(bin_ / "python"), str(wheel)], site, env)
    else:
        timed_call(steps, "venv", fresh_venv, prefix)
        env["PATH"] = f"{bin_}{os.pathsep}{env['PATH']}"
        timed(steps, "pip install bantin (requirements.txt)", [str(bin_ / "pip"), "install", "-q", str(wheel)], site,
              env)
    timed_call(steps, "restore the cache", restore_cache, site, tarball)
    timed(steps, "bantin check", [str(bin_ / "bantin"), "check", "-q"], site, env)
    timed(steps, "bantin build (one new article)", [str(bin_ / "bantin"), "build", "-q"], site, env)
    timed_call(steps, "save the cache", save_cache, site, work / "cache-new.tar")
    return steps


def today_workflow(corpus: Path, work: Path, tarball: Path, tool_from: Path) -> list[tuple[str, float]]:
    """.github/workflows/site.yml's steps as they were before the site workflow: the tool's tests
    (run in a checkout of the tool, `tool_from`, on its example content) before the site's build."""
    steps: list[tuple[str, float]] = []
    tool = work / "tool-today"
    shutil.rmtree(tool, ignore_errors=True)
    shutil.copytree(tool_from, tool, ignore=shutil.ignore_patterns(
        "_site*", ".git", ".bantin-cache", "__pycache__", "node_modules", "*.egg-info", "build"))
    site = checkout(corpus, work, tool=tool_from)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    timed_call(steps, "venv", fresh_venv, work / "venv-today")
    bin_ = work / "venv-today" / "bin"
    env["PATH"] = f"{bin_}{os.pathsep}{env['PATH']}"
    timed(steps, "pip install -e '.[test]'", [str(bin_ / "pip"), "install", "-q", "-e", ".[test]"], tool, env)
    timed(steps, "npm ci (test tools)", ["npm", "ci", "--prefix", "tests/tools", "--no-audit", "--no-fund"], tool, env)
    timed(steps, "pytest -q && ruff check .", ["sh", "-c", f"{bin_}/python -m pytest -q && {bin_}/ruff check ."],
          tool, env)
    timed_call(steps, "restore the cache", restore_cache, site, tarball)
    timed(steps, "python build.py build (one new article)",
          [str(bin_ / "python"), str(tool / "build.py"), "build", "-q", "--root", str(site)], tool, env)
    timed_call(steps, "save the cache", save_cache, site, work / "cache-today.tar", TODAY_CACHE)
    return steps


def report(title: str, runs: list[list[tuple[str, float]]], build_step: str) -> None:
    """Each step's median over the runs, the total and the workflow's own steps (all but the build)."""
    print(f"\n{title}" + (f" (median of {len(runs)} runs)" if len(runs) > 1 else ""))
    for index, (name, _) in enumerate(runs[0]):
        print(f"  {name:<45} {statistics.median(run[index][1] for run in runs):7.1f} s")
    total = statistics.median(sum(seconds for _, seconds in run) for run in runs)
    own = statistics.median(sum(seconds for name, seconds in run if not name.startswith(build_step)) for run in runs)
    print(f"  {'total: push to files ready':<45} {total:7.1f} s")
    print(f"  {'the workflow own steps (all but the build)':<45} {own:7.1f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--no-today", action="store_true", help="skip today's workflow (its test suite takes minutes)")
    parser.add_argument("--runs", type=int, default=1, help="runs of the site workflow with each installer, in turn")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "bantin-bench")
    parser.add_argument("--today-from", type=Path, default=REPO,
                        help="the tool checkout today's workflow tests and builds with (an earlier commit's worktree)")
    args = parser.parse_args()
    work = args.work / "workflow"
    work.mkdir(parents=True, exist_ok=True)
    corpus = make_project(args.count, args.work)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    dist = work / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(dist),
                    str(REPO)], check=True, env=env, cwd=work)
    (wheel,) = dist.glob("bantin-*.whl")
    # warm pip's and uv's caches with bantin's dependencies, as a runner's setup-python and setup-uv restore them
    warm = fresh_venv(work / "venv-warm")
    subprocess.run([str(warm / "pip"), "install", "-q", str(wheel)], check=True, env=env, cwd=work)
    uv_warm = work / "venv-uv-warm"
    shutil.rmtree(uv_warm, ignore_errors=True)
    subprocess.run([uv_program(), "venv", "-q", "--python", sys.executable, str(uv_warm)], check=True, cwd=work,
                   env={**env, "UV_CACHE_DIR": str(work / "uv-cache")})
    subprocess.run([uv_program(), "pip", "install", "-q", "--python", str(uv_warm / "bin" / "python"), str(wheel)],
                   check=True, cwd=work, env={**env, "UV_CACHE_DIR": str(work / "uv-cache")})
    # the cache main's last build saved: a full build with search of the site before the new article
    site = checkout(corpus, work, new_article=False)
    subprocess.run([str(warm / "bantin"), "build", "-q"], check=True, env=env, cwd=site)
    tarball = work / "cache-main.tar"
    save_cache(site, tarball)
    print(f"{args.count} articles; cache {tarball.stat().st_size / 1e6:.0f} MB compressed")
    runs: dict[str, list[list[tuple[str, float]]]] = {"uv": [], "pip": []}
    for _ in range(args.runs):  # in turn: the machine's speed drifts
        for installer in runs:
            runs[installer].append(site_workflow(corpus, work, tarball, wheel, installer))
    report("site workflow (bantin init's .github/workflows/site.yml: uv)", runs["uv"], "bantin build")
    report("the same with its steps before (python -m venv, pip install)", runs["pip"], "bantin build")
    if not args.no_today:
        today_site = checkout(corpus, work, new_article=False, tool=args.today_from)  # the cache its build saved
        subprocess.run([sys.executable, str(args.today_from / "build.py"), "build", "-q", "--root", str(today_site)],
                       check=True, env={**env, "PYTHONPATH": str(args.today_from)}, cwd=work)
        today_tarball = work / "cache-main-today.tar"
        save_cache(today_site, today_tarball, TODAY_CACHE)
        report("today's workflow (this repository's, with its tests)",
               [today_workflow(corpus, work, today_tarball, args.today_from)], "python build.py build")
    return 0


if __name__ == "__main__":
    sys.exit(main())
