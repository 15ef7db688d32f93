"""Benchmark: the editors' loop on the benchmark corpus.

    python3 bench/warm.py                   # 10,000 articles, 5 runs of each
    python3 bench/warm.py --count 1000 --runs 7
    python3 bench/warm.py --count 100000 --serve-only

Prints, as medians:
- warm `build` with nothing changed, and after one edited article (search excluded and included);
- in `serve` (search index included): the time from saving an article to its page on disk,
  for saves 0.5 to 8 s apart while builds and the search index run; median and worst.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from run import make_project  # noqa: E402


def timed_build(root: Path, *flags: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, str(REPO / "build.py"), "build", "--root", str(root), "-q", *flags], check=True)
    return time.perf_counter() - started


def edit(path: Path, marker: str) -> None:
    """Append a sentence to an article, as an editor saving a change."""
    with path.open("a", encoding="utf-8") as file:
        file.write(f"\n\nCâu bổ sung {marker}.\n")


def page_of(root: Path, article: Path) -> Path:
    return root / "_site" / "tin-tuc" / article.parent.name / article.stem / "index.html"


def warm_builds(root: Path, runs: int, article: Path) -> None:
    for label, flags in (("search excluded", ("--no-search",)), ("search included", ())):
        timed_build(root, *flags)  # warm up: caches and output in place
        unchanged = [timed_build(root, *flags) for _ in range(runs)]
        edited = []
        for n in range(runs):
            edit(article, f"warm-{label[:6]}-{n}-{time.time_ns()}")
            edited.append(timed_build(root, *flags))
        print(f"warm build, {label}: nothing changed {statistics.median(unchanged):.2f} s, "
              f"one article edited {statistics.median(edited):.2f} s (median of {runs})")


# seconds between saves: an editor's rhythm, from quick fixes to a paragraph written
SAVE_GAPS = (0.5, 8.0, 1.0, 3.0, 0.5, 5.0, 2.0, 0.5, 4.0, 1.5)


def serve_loop(root: Path, saves: int, article: Path, search: bool) -> None:
    """Save an article `saves` times, SAVE_GAPS apart, in a running `serve`; time save -> page on disk."""
    flags = () if search else ("--no-search",)
    server = subprocess.Popen([sys.executable, str(REPO / "build.py"), "serve", "--root", str(root), "--port", "0",
                               *flags], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert server.stdout is not None
        for line in server.stdout:
            if line.startswith(("serving", "đang phục vụ")):  # said in the site's language
                break
        page = page_of(root, article)
        to_page = []
        for n in range(saves):
            time.sleep(SAVE_GAPS[n % len(SAVE_GAPS)])  # builds and the search index may be running
            marker = f"serve-{n}-{time.time_ns()}"
            started = time.perf_counter()
            edit(article, marker)
            while marker.encode() not in page.read_bytes():
                time.sleep(0.002)
            to_page.append(time.perf_counter() - started)
        print(f"serve ({'with' if search else 'without'} search): saved -> page on disk: "
              f"median {statistics.median(to_page) * 1000:.0f} ms, worst {max(to_page) * 1000:.0f} ms "
              f"({saves} saves, {min(SAVE_GAPS)}-{max(SAVE_GAPS)} s apart)")
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--saves", type=int, default=10, help="saves in the serve measurement")
    parser.add_argument("--serve-only", action="store_true", help="skip the warm builds")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "bantin-bench")
    args = parser.parse_args()
    root = make_project(args.count, args.work)
    article = sorted((root / "content" / "tin-tuc").rglob("*.md"))[-1]
    print(f"{args.count} articles; edited: {article.relative_to(root)}")
    if not args.serve_only:
        warm_builds(root, args.runs, article)
    serve_loop(root, args.saves, article, search=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
