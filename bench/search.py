"""Benchmark: what a reader's first query costs, measured in Debian's chromium.

    python3 bench/search.py                          # 10,000 articles, site.toml's shards; the 7 queries
    python3 bench/search.py --count 1000 --shard-years 1 3
    python3 bench/search.py --everyday               # the 7 and the everyday queries (typos, no exact match)
    python3 bench/search.py --site /tmp/b/corpus-100000/_site --everyday   # a site already built: no build
    python3 bench/search.py --site ... --everyday --throttle 4   # on a phone's CPU (Lighthouse's mobile profile)
    python3 bench/search.py --engine pagefind        # build with Pagefind ([search] engine = "pagefind")
    python3 bench/search.py --site NEW/_site --vs OLD/_site --everyday --throttle 4   # two builds, in turn

For each shard size it builds the benchmark corpus (seed 1) with [search] shard_years set,
timing the build and taking its peak memory (Pagefind included), then opens the search page in a
fresh browser for each query and reports what the first query costs: bytes sent (everything from
the focus on the search box, which loads the engine, to the results: bantin's search.js, the
engine's code (search-worker.js; or Pagefind's worker and WebAssembly), the shards' article lists or
metadata, word buckets or index chunks, filters, the fragments and thumbnails of the results shown;
by kind), requests, and the time from pressing Enter to the first result on
screen and to all of them ("first", "ms": in the page, from the key event to the painted frame;
"outside": as Playwright sees it, its own round trips included). Text files (JavaScript
included) are served gzipped, as GitHub Pages serves them (--no-gzip: as they are). Also: how
many results each query finds, how many of the first 10 hold its exact words, how far back the
first answer searched (the oldest date of the shards it searched, from the page's data-searched;
"all" for a page that searches every shard), the index's size on disk and the build's summary.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import io
import re
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "bench"))

from bantin.search.words import fold  # noqa: E402

from browser import browser  # noqa: E402
from run import cold_build, corpus_toml, make_project  # noqa: E402

QUERIES = ["hội thảo", "Đà Nẵng", "tri thuc tre", "dak lak", "chuyển đổi số", "Buôn Ma Thuột", "cà phê"]
# everyday queries that are not the benchmark's: two to four words, with and without accents, the eight
# measured before (docs/benchmarks.md), then misspelt ones and ones with no exact match in the corpus
EVERYDAY = ["liên hiệp hội", "khoa học công nghệ", "Hà Nội", "nong nghiep", "doi moi sang tao",
            "bảo vệ môi trường", "phan bien xa hoi", "Sơn La",
            "Đắc Lắc", "hôi thảo khoa học", "chuyen doi xo", "trí thức trẽ", "Ban Mê Thuột", "nghien cuu khao hoc"]


def build(root: Path, shard_years: int | None, shard_max: int | None,
          chunk_size: int | None = None, engine: str | None = None) -> tuple[float, float, int, str]:
    """(build seconds, peak RSS MB, shards, summary) of a cold build with the given shards, chunks and engine
    (None: site.toml's); the summary line also has the indexing time."""
    settings = {"shard_years": shard_years, "shard_max": shard_max, "chunk_size": chunk_size,
                "engine": f'"{engine}"' if engine else None}
    chosen = "".join(f"{key} = {value}\n" for key, value in settings.items() if value)
    (root / "site.toml").write_text(corpus_toml(f"\n[search]\n{chosen}" if chosen else ""), encoding="utf-8")
    seconds, peak_kib, summary = cold_build(root)
    # the summary is said in the site's language: "search: 3 shards" or "tìm kiếm: 3 phần chỉ mục"
    shards = int(re.search(r"(?:search|tìm kiếm): (\d+) (?:shards|phần chỉ mục)", summary).group(1))  # type: ignore[union-attr]
    return seconds, peak_kib / 1024, shards, summary


def exact_words(site: Path, query: str, urls: list[str]) -> int:
    """How many of these result pages hold the query as typed: with its diacritics if it has
    any, else in any accented form (case aside)."""
    accented = fold(query) != query.lower()
    count = 0
    for url in urls:
        page = (site / url.strip("/") / "index.html").read_text(encoding="utf-8").lower()
        count += query.lower() in page if accented else fold(query) in fold(page)
    return count


def first_query(chromium: object, origin: str, sent: list[tuple[str, int]], query: str,
                throttle: float = 1) -> dict[str, Any]:
    """Open the search page, type the query, wait for results: bytes (bantin's search.js and
    Pagefind's files from the page's load on, since the box has focus when the page opens and
    they load while the reader types; the rest from typing on), requests, milliseconds from
    pressing Enter to results, and how far back the answer searched. Bytes are counted where
    they are sent (the server's `sent` log): the browser reports 0 for files a worker fetches."""
    context = chromium.new_context()  # type: ignore[attr-defined]
    context.set_default_timeout(300_000)  # a query that loads tens of MB takes minutes on a busy machine
    page = context.new_page()
    page.add_init_script(PAINT_TIMES)
    cdp = context.new_cdp_session(page)
    if throttle != 1:  # a phone's CPU, as Lighthouse's mobile profile has it (chromium slows the page's main thread)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": throttle})
    cdp.send("Performance.enable")
    sent.clear()
    page.goto(f"{origin}/tim-kiem/")
    page.wait_for_load_state("networkidle")
    loaded = len(sent)
    # the query put in the box at once, with no input event: typing's own search (200 ms after the last key) would
    # start before Enter whenever Playwright takes that long between the two, and Enter's would find its files
    page.eval_on_selector("#search-q", "(box, query) => { box.value = query; }", query)
    busy = main_thread(cdp)
    started = time.perf_counter()
    page.press("#search-q", "Enter")
    page.evaluate("window.__painted")  # a promise the page settles: no polling on the page's main thread
    elapsed = (time.perf_counter() - started) * 1000
    busy = main_thread(cdp) - busy
    page.wait_for_load_state("networkidle")
    key, first_painted, all_painted = page.evaluate("[window.__key, window.__first, window.__done]")
    total = page.eval_on_selector(".search-status", "e => e.textContent")
    found = [int(n.replace(".", "")) for n in re.findall(r"\d[\d.]*", total)[:1]] or [0]
    # the precise results, as search.js says them; a page that does not: the status's number
    told = page.eval_on_selector("[data-search]", "e => e.dataset.found ?? ''")
    if told:
        found = [int(told)]
    urls = page.eval_on_selector_all(".search-result h2 a", "links => links.map(a => a.getAttribute('href'))")
    searched = page.eval_on_selector("[data-search]", "e => e.dataset.searched || 'all'")
    context.close()
    counted = [(path, size) for n, (path, size) in enumerate(sent)
               if n >= loaded or "/pagefind/" in path or "/search-index/" in path or SEARCH_SCRIPT.search(path)]
    kinds: dict[str, int] = {}  # bytes by kind of file, to say where they go
    for path, size in counted:
        kinds[file_kind(path)] = kinds.get(file_kind(path), 0) + size
    return {"kb": sum(size for _, size in counted) / 1024, "requests": len(counted), "outside": elapsed,
            "first": (first_painted or all_painted) - key, "ms": all_painted - key, "main": busy,
            "found": found[0], "urls": urls, "kinds": kinds, "searched": searched}


def main_thread(cdp: Any) -> float:
    """Milliseconds the page's main thread has spent running tasks (chromium's TaskDuration): its work
    between two readings, whatever the network and the server took meanwhile."""
    metrics = cdp.send("Performance.getMetrics")["metrics"]
    return next(m["value"] for m in metrics if m["name"] == "TaskDuration") * 1000


# Measured in the page, on its own clock: from the key that asks (Enter) to the frame that shows
# the first result (search.js sets data-shown) and the one that shows them all (data-state=done).
# Timed from outside, Playwright's own round trips added 50-500 ms at random. The wait for that
# frame is a promise (window.__painted), not Playwright's wait_for_selector, which polls the page
# on every frame: on the main thread, 4x slower with --throttle 4, while the page works.
PAINT_TIMES = """
document.addEventListener("keydown", () => {
  window.__key = performance.now();
  window.__first = window.__done = 0;
  window.__painted = new Promise((resolve) => { window.__paint = resolve; });
}, true);
const painted = (name) => {
  window[name] = -1;
  requestAnimationFrame(() => {
    window[name] = performance.now();
    if (name === "__done") window.__paint();
  });
};
addEventListener("DOMContentLoaded", () => {
  const root = document.querySelector("[data-search]");
  new MutationObserver(() => {
    if (root.dataset.shown && !window.__first) painted("__first");
    if (root.dataset.state === "done" && !window.__done) painted("__done");
  }).observe(root, { attributes: true });
});
"""


# bantin's own scripts, by their hashed asset names: the page's, and its engines' (the worker of its own index,
# the Pagefind adapter)
SEARCH_SCRIPT = re.compile(r"/js/search(-worker|-pagefind)?(\.[0-9a-f]+)?\.js$")
# the files of bantin's own index (bantin/search/engine.py), by kind
ENGINE_FILES = ((re.compile(r"/search-index/[^/]+/b/"), "index"), (re.compile(r"/search-index/[^/]+/t/"), "titles"),
                (re.compile(r"/search-index/[^/]+/f/"), "fragment"), (re.compile(r"/search-index/[^/]+/docs"), "meta"),
                (re.compile(r"/search-index/[^/]+/(filters|tags)"), "filter"))


def file_kind(url: str) -> str:
    """What a downloaded file is: the engine's code, its metadata, index chunks or buckets, filters, fragments."""
    path = url.split("?")[0]
    name = path.rsplit("/", 1)[-1]
    for suffix, kind in ((".pf_index", "index"), (".pf_fragment", "fragment"), (".pf_filter", "filter"),
                         (".pf_meta", "meta"), ("pagefind-entry.json", "meta")):
        if name.endswith(suffix):
            return kind
    for pattern, kind in ENGINE_FILES:
        if pattern.search(path):
            return kind
    match = SEARCH_SCRIPT.search(path)
    if match:
        return "search.js" if not match.group(1) else "code"
    return "code" if "/pagefind/" in url else "other"


class _Handler(SimpleHTTPRequestHandler):
    """Serve the site, logging the bytes of each response body sent; text files gzipped when
    the browser asks (as GitHub Pages and most hosts do) unless `gzip` is off. Pagefind's data
    files and WebAssembly are gzipped already and go as they are."""

    gzip = True
    sent: ClassVar[list[tuple[str, int]]] = []  # set per server (serve_counting)

    def send_header(self, keyword: str, value: str) -> None:
        if keyword == "Content-Length":
            self.sent.append((self.path, int(value)))
        super().send_header(keyword, value)

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if (not self.gzip or path.suffix not in TEXT_SUFFIXES
                or "gzip" not in self.headers.get("Accept-Encoding", "") or not path.is_file()):
            return super().send_head()
        data = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        return io.BytesIO(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


TEXT_SUFFIXES = {".html", ".js", ".css", ".json", ".svg", ".xml", ".txt"}


class _Server(ThreadingHTTPServer):
    # a page fetches many index files at once; the default backlog of 5 would refuse some under load,
    # and Pagefind leaves a file it could not fetch out of the search without a word
    request_queue_size = 128


@contextmanager
def serve_counting(directory: Path, compress: bool) -> Iterator[tuple[str, list[tuple[str, int]]]]:
    """Serve a folder on 127.0.0.1; yields the origin and the log of (path, bytes) sent."""
    sent: ClassVar[list[tuple[str, int]]] = []  # set per server (serve_counting)
    handler = type("Handler", (_Handler,), {"gzip": compress, "sent": sent})
    server = _Server(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", sent
    finally:
        server.shutdown()
        server.server_close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--shard-years", type=int, nargs="+", default=[None],
                        help="[search] shard_years values to sweep (default: site.toml's)")
    parser.add_argument("--shard-max", type=int, default=None, help="articles per shard before it splits")
    parser.add_argument("--runs", type=int, default=3, help="browser runs per query (median)")
    parser.add_argument("--queries", nargs="+", default=QUERIES, help="the queries typed (default: the seven above)")
    parser.add_argument("--everyday", action="store_true", help="the everyday queries too (EVERYDAY above)")
    parser.add_argument("--chunk-sizes", type=int, nargs="+", default=[None],
                        help="[search] chunk_size values to sweep (default: site.toml's)")
    parser.add_argument("--site", type=Path, help="measure this site, already built (its output folder): no build")
    parser.add_argument("--throttle", type=float, default=1,
                        help="slow the CPU this many times (4: Lighthouse's mobile profile), with chromium's "
                             "Emulation.setCPUThrottlingRate, which slows the page's main thread, not its workers")
    parser.add_argument("--engine", choices=("bantin", "pagefind"),
                        help="build with this [search] engine (default: site.toml's, bantin)")
    parser.add_argument("--no-gzip", action="store_true",
                        help="serve text files uncompressed (by default gzipped, as GitHub Pages serves them)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "bantin-bench")
    parser.add_argument("--vs", type=Path, metavar="SITE",
                        help="with --site: another build of the same site (the previous commit's), measured in turn "
                             "with it, query by query and run by run; the times of both and their ratio")
    args = parser.parse_args()
    queries = args.queries + (EVERYDAY if args.everyday else [])
    if args.site and args.vs:
        print(f"{args.site} against {args.vs}, in turn; text files {'as they are' if args.no_gzip else 'gzipped'}; "
              f"CPU {args.throttle}x slower")
        compare(args.site, args.vs, queries, args.runs, not args.no_gzip, args.throttle)
        return 0
    if args.site:
        print(f"{args.site}; text files {'as they are' if args.no_gzip else 'gzipped'}; CPU {args.throttle}x slower")
        measure(args.site, queries, args.runs, not args.no_gzip, "-", "-", "-", throttle=args.throttle)
        return 0
    args.work.mkdir(parents=True, exist_ok=True)
    root = make_project(args.count, args.work)
    print(f"{args.count} articles; text files {'as they are' if args.no_gzip else 'gzipped'}")
    for chunk, years in [(c, y) for c in args.chunk_sizes for y in args.shard_years]:
        seconds, peak, shards, summary = build(root, years, args.shard_max, chunk, args.engine)
        files = [p for folder in ("pagefind", "search-index") for p in (root / "_site" / folder).rglob("*")
                 if p.is_file()]
        print(f"build {seconds:.1f} s, peak {peak:.0f} MB, {shards} shards; index: "
              f"{sum(p.stat().st_size for p in files) / 2**20:.1f} MB in {len(files)} files; "
              f"{summary.splitlines()[-1] if summary else ''}")
        measure(root / "_site", queries, args.runs, not args.no_gzip, chunk or "-", years or "-", shards,
                throttle=args.throttle)
    return 0


def compare(site: Path, anchor: Path, queries: list[str], runs: int, compress: bool, throttle: float) -> None:
    """Print a line per query: the median time to all results painted of `site` and of `anchor` (two builds of
    the same site), measured in turn (A, B, A, B...), their bytes, and the ratio; then the medians."""
    print(f"{'query':<20} {'ms':>5} {'anchor':>6} {'ratio':>5} {'main':>5} {'anchor':>6} {'KB':>5} {'anchor':>6}  "
          "results the same")
    times: dict[str, list[float]] = {"site": [], "anchor": []}
    busy: dict[str, list[float]] = {"site": [], "anchor": []}
    with serve_counting(site, compress) as (origin, sent), \
            serve_counting(anchor, compress) as (anchor_origin, anchor_sent), browser() as chromium:
        for query in queries:
            measured: dict[str, list[dict[str, Any]]] = {"site": [], "anchor": []}
            for _ in range(runs):
                measured["site"].append(first_query(chromium, origin, sent, query, throttle))
                measured["anchor"].append(first_query(chromium, anchor_origin, anchor_sent, query, throttle))
            ms = {name: statistics.median(r["ms"] for r in runs_) for name, runs_ in measured.items()}
            kb = {name: statistics.median(r["kb"] for r in runs_) for name, runs_ in measured.items()}
            main = {name: statistics.median(r["main"] for r in runs_) for name, runs_ in measured.items()}
            for name in times:
                times[name].append(ms[name])
                busy[name].append(main[name])
            same = all(r["urls"] == measured["anchor"][0]["urls"] for r in measured["site"] + measured["anchor"])
            print(f"{query:<20} {ms['site']:>5.0f} {ms['anchor']:>6.0f} {ms['site'] / ms['anchor']:>5.2f} "
                  f"{main['site']:>5.0f} {main['anchor']:>6.0f} {kb['site']:>5.0f} {kb['anchor']:>6.0f}  "
                  f"{'yes' if same else 'NO'}", flush=True)
    site_ms, anchor_ms = statistics.median(times["site"]), statistics.median(times["anchor"])
    site_main, anchor_main = statistics.median(busy["site"]), statistics.median(busy["anchor"])
    print(f"all results painted: median {site_ms:.0f} ms against {anchor_ms:.0f} ms ({site_ms / anchor_ms:.2f}x), "
          f"worst {max(times['site']):.0f} against {max(times['anchor']):.0f}; the main thread's work from Enter to "
          f"then: median {site_main:.0f} ms against {anchor_main:.0f} ms ({site_main / anchor_main:.2f}x); "
          f"over {len(queries)} queries")


def measure(site: Path, queries: list[str], runs: int, compress: bool, *setting: object, throttle: float = 1) -> None:
    """Print a line per query (the median of `runs` first queries), then the median and worst."""
    print(f"{'chunk':>6} {'years':>5} {'shards':>6}  {'query':<20} {'KB':>6} {'req':>4} {'first':>5} {'ms':>5} "
          f"{'main':>5} {'outside':>7} {'found':>6} {'exact@10':>8} {'searched':>10}  bytes by kind (KB)")
    kbs, times, firsts = [], [], []
    with serve_counting(site, compress) as (origin, sent), browser() as chromium:
        for query in queries:
            measured = [first_query(chromium, origin, sent, query, throttle) for _ in range(runs)]
            kb = statistics.median(r["kb"] for r in measured)
            ms = statistics.median(r["ms"] for r in measured)
            first_ms = statistics.median(r["first"] for r in measured)
            main = statistics.median(r["main"] for r in measured)
            outside = statistics.median(r["outside"] for r in measured)
            kbs.append(kb)
            times.append(ms)
            firsts.append(first_ms)
            first = measured[0]
            exact = exact_words(site, query, first["urls"][:10])
            chunk, years, shards = setting
            print(f"{chunk:>6} {years:>5} {shards:>6}  {query:<20} {kb:>6.0f} {first['requests']:>4} "
                  f"{first_ms:>5.0f} {ms:>5.0f} {main:>5.0f} {outside:>7.0f} {first['found']:>6} {exact:>8} "
                  f"{first['searched']:>10}  "
                  + " ".join(f"{kind} {size / 1024:.0f}" for kind, size in sorted(first["kinds"].items())), flush=True)
    print(f"median {statistics.median(kbs):.0f} KB, worst {max(kbs):.0f} KB; "
          f"first result on screen: median {statistics.median(firsts):.0f} ms, worst {max(firsts):.0f} ms; all "
          f"results: median {statistics.median(times):.0f} ms, worst {max(times):.0f} ms over {len(queries)} queries")


if __name__ == "__main__":
    sys.exit(main())
