"""Benchmark: cold builds of the benchmark corpus, timed from the outside.

    python3 bench/run.py                      # 1,000 and 10,000 articles, 3 runs each
    python3 bench/run.py --counts 1000 --runs 5
    python3 bench/run.py --no-search          # without the search index
    python3 bench/run.py --vs-hugo --counts 10000   # against Hugo 0.168, with and without related content
    python3 bench/run.py --vs-no-search --counts 100000 --runs 1   # with search against without, alternating

For each size it writes the corpus with ../shared/bench/make_corpus.py (seed 1) into a
temporary project that uses this repository's site.toml, layouts and assets, then runs
`build.py build` in a child process, deleting the output and .bantin-cache/ first (a cold
build), and prints the median wall time, pages written, pages per second, the peak RSS of
the largest of the child and its workers (Pagefind included), and the peak of their sum (what
the machine must hold at once: the build, its workers and the Pagefind runs side by side; their
proportional set sizes, so that what forked workers share with the build counts once).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# ../shared/bench/make_corpus.py beside the checkout (or beside a folder holding it, as a worktree's is)
MAKE_CORPUS = next((folder / "shared" / "bench" / "make_corpus.py" for folder in REPO.parents
                    if (folder / "shared" / "bench" / "make_corpus.py").is_file()),
                   REPO.parent / "shared" / "bench" / "make_corpus.py")


def make_project(count: int, work: Path) -> Path:
    """A project folder holding the corpus as content/tin-tuc/<year>/<slug>.md."""
    root = work / f"corpus-{count}"
    if not (root / "content").exists():
        subprocess.run([sys.executable, str(MAKE_CORPUS), "--count", str(count), "--out",
                        str(root / "content" / "tin-tuc"), "-q"], check=True)
    for name in ("layouts", "assets"):
        shutil.rmtree(root / name, ignore_errors=True)
        shutil.copytree(REPO / name, root / name)
    (root / "site.toml").write_text(corpus_toml(), encoding="utf-8")
    return root


def corpus_toml(extra: str = "") -> str:
    """The repository's site.toml for the corpus: its articles show photos (/images/...) that
    make_corpus.py does not write, so a missing photo is a warning here, not an error."""
    toml = (REPO / "site.toml").read_text(encoding="utf-8")
    return toml + '\n[images]\nmissing = "warning"\n' + extra


def cold_build(root: Path, *flags: str) -> tuple[float, int, str]:
    """(seconds, peak RSS in KiB of the build and its workers, summary line) of one cold build."""
    seconds, peak, _, summary, _ = cold_build_total(root, *flags)
    return seconds, peak, summary


def cold_build_total(root: Path, *flags: str) -> tuple[float, int, int, str, float]:
    """(seconds, peak RSS in KiB of the largest process, peak of the sum of the build's processes
    in KiB, summary line, CPU seconds of the build and every process it waited for) of one cold build."""
    shutil.rmtree(root / "_site", ignore_errors=True)
    shutil.rmtree(root / ".bantin-cache", ignore_errors=True)
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:  # no pipe to fill up
        child = subprocess.Popen([sys.executable, str(REPO / "build.py"), "build", "--root", str(root), *flags],
                                 stdout=out, stderr=err)
        total = TreeMemory(child.pid)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        total.stop()
        out.seek(0)
        err.seek(0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"build failed:\n{err.read().decode()}")
        after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the build's workers and Pagefind runs included
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        return seconds, usage.ru_maxrss, total.peak, out.read().decode().strip(), cpu


class TreeMemory:
    """Samples the memory of a process and all its descendants together (tree_rss), 4 times a second."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak = pid, 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._done.wait(0.25):
            self.peak = max(self.peak, tree_rss(self.pid))


def tree_rss(pid: int) -> int:
    """KiB of memory the process `pid` and its descendants hold together (Linux /proc): the sum of
    their proportional set sizes, so that pages forked workers share with the build count once."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue  # ended meanwhile
    tree, grew = {pid}, True
    while grew:
        more = {child for child, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    total = 0
    for member in tree:
        try:
            found = re.search(r"^Pss:\s+(\d+)", Path(f"/proc/{member}/smaps_rollup").read_text(), re.MULTILINE)
        except OSError:
            continue
        total += int(found.group(1)) if found else 0
    return total


def pages_of(summary: str) -> int:
    """Pages written, read from the build's summary line (said in the site's language: vi or en)."""
    return int(re.search(r"(\d+) (?:pages|trang)\b", summary).group(1))  # type: ignore[union-attr]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--counts", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-search", action="store_true", help="leave out the search index (Pagefind)")
    parser.add_argument("--vs-hugo", action="store_true",
                        help="time Hugo 0.168 on the same corpus too (no search), alternating, and print the ratios")
    parser.add_argument("--vs-no-search", action="store_true",
                        help="cold builds with search and without, alternating, and the ratio of their medians")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "bantin-bench")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.vs_hugo:
        return versus_hugo(args.counts, args.runs, args.work)
    if args.vs_no_search:
        return versus_no_search(args.counts, args.runs, args.work)
    print(f"{'articles':>8} {'median s':>9} {'min s':>7} {'pages':>7} {'pages/s':>8} {'peak RSS MB':>11}")
    per_article = {}
    for count in args.counts:
        root = make_project(count, args.work)
        runs = [cold_build(root, *(["--no-search"] if args.no_search else [])) for _ in range(args.runs)]
        median = statistics.median(r[0] for r in runs)
        pages = pages_of(runs[0][2])
        peak = max(r[1] for r in runs) / 1024
        per_article[count] = median / count
        print(f"{count:>8} {median:>9.2f} {min(r[0] for r in runs):>7.2f} {pages:>7} {pages / median:>8.0f} "
              f"{peak:>11.0f}")
    if len(per_article) > 1:
        smallest, largest = min(per_article), max(per_article)
        ratio = per_article[largest] / per_article[smallest]
        print(f"cost per article at {largest} / at {smallest}: {ratio:.2f} (1.00 is linear)")
    return 0


def versus_no_search(counts: list[int], runs: int, work: Path) -> int:
    """Cold builds without search and with it, alternating run by run (the last one with search,
    so the site stays built for bench/search.py --site), and what the search index costs: wall and
    CPU seconds (the build, its workers and the indexer's processes), peak memory, the load."""
    print(f"{'articles':>8} {'search':<7} {'median s':>9} {'runs s':<22} {'CPU s':>7} {'runs CPU s':<22} "
          f"{'largest MB':>10} {'all at once MB':>14}  load")
    for count in counts:
        root = make_project(count, work)
        results: dict[str, list[tuple[float, int, int, str, float]]] = {"no": [], "yes": []}
        loads: dict[str, list[float]] = {"no": [], "yes": []}
        for _ in range(runs):
            for name, flags in (("no", ("--no-search",)), ("yes", ())):
                loads[name].append(os.getloadavg()[0])
                results[name].append(cold_build_total(root, *flags))
        medians = {name: statistics.median(r[0] for r in result) for name, result in results.items()}
        cpus = {name: statistics.median(r[4] for r in result) for name, result in results.items()}
        for name, result in results.items():
            print(f"{count:>8} {name:<7} {medians[name]:>9.1f} {' '.join(f'{r[0]:.1f}' for r in result):<22} "
                  f"{cpus[name]:>7.1f} {' '.join(f'{r[4]:.1f}' for r in result):<22} "
                  f"{max(r[1] for r in result) / 1024:>10.0f} {max(r[2] for r in result) / 1024:>14.0f}  "
                  + " ".join(f"{load:.1f}" for load in loads[name]))
        pairs = [yes[0] / no[0] for yes, no in zip(results["yes"], results["no"], strict=True)]
        print(f"{count:>8} with search / without: {medians['yes'] / medians['no']:.2f} wall (median of {runs} each; "
              f"pair by pair {' '.join(f'{r:.2f}' for r in pairs)}), {cpus['yes'] / cpus['no']:.2f} CPU; "
              f"{results['yes'][-1][3].splitlines()[-1] if results['yes'][-1][3] else ''}")
    return 0


def versus_hugo(counts: list[int], runs: int, work: Path) -> int:
    """Cold builds of bantin (related news, no search) and of Hugo with and without related
    content, the three alternating run by run so that the machine's drift hits them alike."""
    from hugo import hugo_build, make_hugo_site

    print(f"{'articles':>8} {'builder':<22} {'median s':>9} {'pages':>7} {'peak RSS MB':>11}")
    for count in counts:
        root = make_project(count, work)
        site = make_hugo_site(root, work)
        times: dict[str, list[tuple[float, int, int]]] = {"bantin": [], "hugo, related": [], "hugo, no related": []}
        for _ in range(runs):
            seconds, peak, summary = cold_build(root, "--no-search")
            times["bantin"].append((seconds, peak, pages_of(summary)))
            times["hugo, related"].append(hugo_build(site, related=True))
            times["hugo, no related"].append(hugo_build(site, related=False))
        medians = {name: statistics.median(r[0] for r in result) for name, result in times.items()}
        for name, result in times.items():
            print(f"{count:>8} {name:<22} {medians[name]:>9.2f} {result[0][2]:>7} "
                  f"{max(r[1] for r in result) / 1024:>11.0f}")
        print(f"{count:>8} bantin / hugo with related content: {medians['bantin'] / medians['hugo, related']:.2f}; "
              f"/ hugo without: {medians['bantin'] / medians['hugo, no related']:.2f} (median of {runs} each)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
