"""Benchmark: the price of sharding the search index, measured in Debian's chromium.

    python3 bench/search.py                          # 10,000 articles; shards of 1, 3, 4, 6, 12 years
    python3 bench/search.py --count 1000 --shard-years 1 3

For each shard size it builds the benchmark corpus (seed 1) with [search] shard_years set,
timing the index and taking the peak memory of the build (Pagefind included), then opens
the search page in a fresh browser for each query and reports what the first query costs:
bytes downloaded (all requests after the page itself: pagefind.js, worker, WebAssembly,
index, filter and fragment files of every shard) and the time from typing to results.
Also: how many results each query finds, and how many of the first 10 hold its exact words.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "bench"))

from bantin.search import fold  # noqa: E402

from browser import browser, serve  # noqa: E402
from run import cold_build, corpus_toml, make_project  # noqa: E402

QUERIES = ["hội thảo", "Đà Nẵng", "tri thuc tre", "dak lak", "chuyển đổi số", "Buôn Ma Thuột", "cà phê"]


def build(root: Path, shard_years: int, shard_max: int, chunk_size: int | None = None) -> tuple[float, float, int, str]:
    """(build seconds, peak RSS MB, shards, summary) of a cold build with the given shards and chunks."""
    chunk = f"chunk_size = {chunk_size}\n" if chunk_size else ""
    (root / "site.toml").write_text(
        corpus_toml(f"\n[search]\nshard_years = {shard_years}\nshard_max = {shard_max}\n{chunk}"), encoding="utf-8")
    seconds, peak_kib, summary = cold_build(root)
    # the summary is said in the site's language: "search: 3 shards" or "tìm kiếm: 3 phần chỉ mục"
    shards = int(re.search(r"(?:search|tìm kiếm): (\d+) (?:shards|phần chỉ mục)", summary).group(1))  # type: ignore[union-attr]
    return seconds, peak_kib / 1024, shards, summary


def exact_words(root: Path, query: str, urls: list[str]) -> int:
    """How many of these result pages hold the query as typed: with its diacritics if it has
    any, else in any accented form (case aside)."""
    accented = fold(query) != query.lower()
    count = 0
    for url in urls:
        page = (root / "_site" / url.strip("/") / "index.html").read_text(encoding="utf-8").lower()
        count += query.lower() in page if accented else fold(query) in fold(page)
    return count


def first_query(chromium: object, origin: str, query: str) -> dict[str, float]:
    """Open the search page, type the query, wait for results: bytes (Pagefind's files from the
    page's load on, since they preload while the reader types; the rest from typing on), requests,
    milliseconds from typing to results."""
    context = chromium.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    sizes: list[int] = []
    typed = []  # Pagefind's files count from the page's load (search.js preloads them when the box has
    #             focus), everything else (results' thumbnails) from typing on

    def record(request: object) -> None:
        if typed or "/pagefind/" in request.url:  # type: ignore[attr-defined]
            sizes.append(request.sizes()["responseBodySize"])  # type: ignore[attr-defined]

    page.on("requestfinished", record)
    page.goto(f"{origin}/tim-kiem/")
    page.wait_for_load_state("networkidle")
    typed.append(True)
    started = time.perf_counter()
    page.fill("#search-q", query)
    page.press("#search-q", "Enter")
    page.wait_for_selector("[data-search][data-state=done]")
    elapsed = (time.perf_counter() - started) * 1000
    page.wait_for_load_state("networkidle")
    total = page.eval_on_selector(".search-status", "e => e.textContent")
    found = [int(n.replace(".", "")) for n in re.findall(r"\d[\d.]*", total)[:1]] or [0]
    urls = page.eval_on_selector_all(".search-result h2 a", "links => links.map(a => a.getAttribute('href'))")
    context.close()
    return {"kb": sum(sizes) / 1024, "requests": len(sizes), "ms": elapsed, "found": found[0], "urls": urls}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--shard-years", type=int, nargs="+", default=[1, 3, 4, 6, 12])
    parser.add_argument("--shard-max", type=int, default=1_000_000, help="articles per shard before it splits")
    parser.add_argument("--runs", type=int, default=3, help="browser runs per query (median)")
    parser.add_argument("--chunk-sizes", type=int, nargs="+", default=[None],
                        help="[search] chunk_size values to sweep (default: site.toml's)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "bantin-bench")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    root = make_project(args.count, args.work)
    print(f"{args.count} articles")
    print(f"{'chunk':>6} {'years':>5} {'shards':>6} {'build s':>7} {'peak MB':>7}  {'query':<14} {'KB':>6} "
          f"{'req':>4} {'ms':>5} {'found':>6} {'exact@10':>8}")
    for chunk, years in [(c, y) for c in args.chunk_sizes for y in args.shard_years]:
        seconds, peak, shards, _ = build(root, years, args.shard_max, chunk)
        with serve(root / "_site") as origin, browser() as chromium:
            for query in QUERIES:
                runs = [first_query(chromium, origin, query) for _ in range(args.runs)]
                kb = statistics.median(r["kb"] for r in runs)
                ms = statistics.median(r["ms"] for r in runs)
                exact = exact_words(root, query, runs[0]["urls"][:10])
                print(f"{chunk or '-':>6} {years:>5} {shards:>6} {seconds:>7.1f} {peak:>7.0f}  {query:<14} {kb:>6.0f} "
                      f"{runs[0]['requests']:>4} {ms:>5.0f} {runs[0]['found']:>6} {exact:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
