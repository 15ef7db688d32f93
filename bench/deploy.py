"""Benchmark: `bantin deploy` to SFTP and S3 on loopback, and what a CI runner builds before it.

    python3 bench/deploy.py                          # 10,000 articles, SFTP and S3
    python3 bench/deploy.py --count 100000 --targets sftp
    python3 bench/deploy.py --ci                     # a runner's build with and without _site/ restored

The benchmark corpus (../shared/bench/make_corpus.py, seed 1) is the site, built once (not
timed). For each target, a fresh server on loopback (`rclone serve sftp` with key login, or
`rclone serve s3` with an access key, serving a folder of --work): the first deploy (the whole
site into an empty target), a deploy with nothing changed, then one new article (written as
bench/publish.py writes it; the site is built again, not timed) and its deploy. Each deploy runs
as an editor runs it, `bantin deploy TARGET`, in a child process timed from the outside (Python's
start included); files and bytes are the deploy's own closing line, and the files the build
changed are counted from its record of the output before and after (what the deploy should send
and delete, no more).

--ci: the site workflow's build on a fresh runner, for one new article, with the Actions cache
holding .bantin-cache/ only, then .bantin-cache/ and _site/ (as bantin init's workflow now
saves it): the archive's size, restoring it (tar.gz level 1, as bench/workflow.py does; the
Actions cache uses zstd) and the build, each timed once.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "tests"))

from publish import new_article  # noqa: E402

from bantin.builder import ledger  # noqa: E402
from bantin.project.config import load_config  # noqa: E402

from loopback import s3_server, sftp_server, stop  # noqa: E402
from run import make_project  # noqa: E402

# the closing line, in Vietnamese (the corpus site's language) or English
SAID = re.compile(r"(?:đã gửi (\d+) tệp, xóa (\d+), (\d+) tệp không đổi; ([\d,.]+) MB"
                  r"|(\d+) files? sent, (\d+) deleted, (\d+) unchanged; ([\d,.]+) MB)")


def build(root: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, str(REPO / "build.py"), "build", "--root", str(root), "-q"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def output_files(root: Path) -> ledger.Files:
    config = load_config(root)
    found, damaged = ledger.files(root, ledger.key(config.output_dir), config.output_dir)
    if found is None or damaged:
        raise SystemExit(f"no build of {root} to deploy")
    return found


def changed(before: ledger.Files, after: ledger.Files) -> tuple[int, int]:
    """(files written, files removed) by a build, from its record of the output."""
    written = sum(1 for path, entry in after.items() if before.get(path, (None, b"", 0))[1] != entry[1])
    return written, len(before.keys() - after.keys())


def deploy(root: Path, target: str, env: dict[str, str]) -> tuple[int, int, int, float, float]:
    """(sent, deleted, unchanged, MB, seconds) of one `bantin deploy`, timed from the outside."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "deploy", target, "--root", str(root)],
                            env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    found = SAID.search(result.stdout)
    if result.returncode != 0 or found is None:
        raise SystemExit(f"deploy failed:\n{result.stdout}\n{result.stderr}")
    groups = [g for g in found.groups() if g is not None]
    return int(groups[0]), int(groups[1]), int(groups[2]), float(groups[3].replace(",", "")), seconds


def deploys(count: int, kinds: list[str], work: Path) -> None:
    root = make_project(count, work)
    build(root)  # warm when built before: not timed
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "RCLONE_", "SSH_"))}
    base["PYTHONPATH"] = str(REPO)
    print(f"{'articles':>8} {'target':<6} {'deploy':<16} {'sent':>7} {'deleted':>7} {'unchanged':>9} {'MB':>9} "
          f"{'seconds':>8}  build changed", flush=True)
    for number, kind in enumerate(kinds):
        folder = work / "targets" / f"{kind}-{count}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        server, process = (sftp_server if kind == "sftp" else s3_server)(folder, base)
        target = f"{server.url}/site"
        try:
            for step in ("first", "nothing changed", "one new article"):
                note = ""
                if step == "one new article":
                    before = output_files(root)
                    new_article(root, None, number)  # dated now, minus a few minutes: the newest
                    build(root)
                    written, removed = changed(before, output_files(root))
                    note = f"{written} written, {removed} removed"
                sent, deleted, unchanged, megabytes, seconds = deploy(root, target, server.env)
                print(f"{count:>8} {kind:<6} {step:<16} {sent:>7} {deleted:>7} {unchanged:>9} {megabytes:>9.1f} "
                      f"{seconds:>8.2f}  {note}", flush=True)
        finally:
            stop(process)
            shutil.rmtree(folder, ignore_errors=True)


def archive(root: Path, names: list[str], tarball: Path) -> float:
    started = time.perf_counter()
    with tarfile.open(tarball, "w:gz", compresslevel=1) as packed:
        for name in names:
            packed.add(root / name, arcname=name)
    return time.perf_counter() - started


def restore(root: Path, tarball: Path) -> float:
    for name in (".bantin-cache", "_site"):
        shutil.rmtree(root / name, ignore_errors=True)
    started = time.perf_counter()
    with tarfile.open(tarball) as packed:
        packed.extractall(root, filter="data")
    return time.perf_counter() - started


def ci(count: int, work: Path) -> None:
    """A runner's restore and build for one new article, with and without the site in the cache.
    The runner's folder is the project's own (the ledger is recorded for its output folder's path,
    which is the same on every run of a workflow)."""
    root = make_project(count, work)
    build(root)
    saved = work / "ci"
    saved.mkdir(exist_ok=True)
    kinds = {"cache only": [".bantin-cache"], "cache and _site": [".bantin-cache", "_site"]}
    for name, names in kinds.items():
        tarball = saved / f"{name.replace(' ', '-')}.tar.gz"
        seconds = archive(root, names, tarball)
        print(f"{name}: archive {tarball.stat().st_size / 1e6:.0f} MB, saved in {seconds:.1f} s", flush=True)
    for name in kinds:
        tarball = saved / f"{name.replace(' ', '-')}.tar.gz"
        restored = restore(root, tarball)
        new_article(root, None, 20)  # the same new article both times
        seconds = build(root)
        print(f"{count} articles, {name}: restore {restored:.1f} s, build with one new article {seconds:.1f} s",
              flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--targets", nargs="+", choices=("sftp", "s3"), default=["sftp", "s3"])
    parser.add_argument("--ci", action="store_true", help="time a runner's build with and without _site/ restored")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "bantin-deploy")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.ci:
        ci(args.count, args.work)
    else:
        deploys(args.count, args.targets, args.work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
