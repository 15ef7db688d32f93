"""Benchmark: documents on the benchmark corpus: 1,000 attached PDFs of 20 pages on 10,000 articles.

    python3 bench/documents.py                          # 10,000 articles, 1,000 PDFs, 3 runs each
    python3 bench/documents.py --count 1000 --documents 100 --runs 1
    python3 bench/documents.py --search-bytes           # and the first query's bytes, with and without them

It writes the corpus (../shared/bench/make_corpus.py, seed 1) twice: as it is ("without"), and with
every tenth article linking a PDF of 20 pages under content/tai-lieu/ ("with"; one in ten of those
publishes it as an official document, `document:` with a number). The PDFs are made from the corpus's
own sentences, about 2,900 characters a page, each with a phrase of its own on one page, by ReportLab
(`pip install reportlab`, for the benchmark only: its files are what office programs export, fonts
subset) or else by PDFium's own writer (whose files embed the whole font, 10 times larger and slower
to read); they are kept in the work folder between runs. Then it prints:

  - cold extraction: the documents stage alone (bantin.documents.catalogue) with no cache, on --jobs
    cores: wall seconds, and CPU seconds of its child processes, median of --runs;
  - a rebuild with nothing changed (`build.py build`, search included), the site with documents and
    without, alternating, median of --runs: the difference is what 1,000 documents add to a day's build;
  - with --search-bytes: bench/search.py's first query for each of its queries on both sites (the
    documents' shards are asked only when the reader asks), then a query for a phrase that is only in
    one PDF: the first query's bytes, and the documents found when the reader asks for them.

The machine is shared: say how loaded it was (uptime) beside the figures.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "tests"))

from run import corpus_toml, make_project  # noqa: E402

PAGES = 20
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")


def sentences(corpus: Path, count: int = 20000) -> list[str]:
    """Sentences of the corpus's own bodies: documents about what the articles are about."""
    found: list[str] = []
    for path in sorted((corpus / "content").rglob("*.md"))[:2000]:
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
        found += [s.strip() for s in re.split(r"(?<=[.!?])\s+", body)
                  if 40 < len(s.strip()) < 400 and not s.lstrip().startswith(("!", "#", "-", "*"))]
        if len(found) >= count:
            break
    return found


SYLLABLES = ("bàng", "cúc", "dứa", "gấc", "hồi", "khế", "lựu", "mận", "nhót", "ổi", "quất", "sấu", "thị", "vải",
             "xoài", "dâu", "chè", "na", "roi", "sung")


def pdf_pages(rng: random.Random, pool: list[str], number: int) -> tuple[list[str], int, str]:
    """The text of one report, page by page, and the page that holds its own phrase (three words of a
    list, different for each report: no article has them side by side)."""
    special = rng.randrange(PAGES)
    a, b, c = (SYLLABLES[(number // 20 ** i) % 20] for i in range(3))
    phrase = f"mã lưu trữ {a} {b} {c} của báo cáo"
    pages = []
    for page in range(PAGES):
        text = [f"Trang {page + 1}. Báo cáo số {number} của Liên hiệp hội."]
        while sum(map(len, text)) < 2900:
            text.append(rng.choice(pool))
        if page == special:
            text.insert(2, phrase + ".")
        pages.append(" ".join(text))
    return pages, special + 1, phrase


def write_reportlab(path: Path, pages: list[str]) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    if "DejaVuSerif" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSerif", str(FONT)))
    style = ParagraphStyle("vi", fontName="DejaVuSerif", fontSize=10, leading=13)
    story = []
    for text in pages:
        story += [Paragraph(text, style), PageBreak()]
    SimpleDocTemplate(str(path), pagesize=A4).build(story[:-1])


def write_one(job: tuple[Path, list[str], bool]) -> None:
    path, pages, reportlab = job
    if reportlab:
        write_reportlab(path, pages)
    else:
        from documents_helpers import write_pdf

        write_pdf(path, [[text[i: i + 95] for i in range(0, len(text), 95)] for text in pages])


def with_documents(plain: Path, work: Path, documents: int) -> tuple[Path, dict[str, tuple[str, int]], str]:
    """The corpus again, every tenth article linking a PDF (one in ten of those publishing it);
    returns the project, per PDF its own phrase and the page it is on, and the PDF of the newest article
    (a search's first answer covers the newest articles: bench/search.py)."""
    root = work / f"{plain.name}-documents-{documents}"
    pdfs = work / f"pdfs-{documents}"
    if not (root / "content").exists():
        shutil.copytree(plain / "content", root / "content")
    for name in ("layouts", "assets"):
        shutil.rmtree(root / name, ignore_errors=True)
        shutil.copytree(plain / name, root / name)
    (root / "site.toml").write_text(corpus_toml(), encoding="utf-8")
    articles = sorted((root / "content" / "tin-tuc").rglob("*.md"))
    chosen = articles[:: max(1, len(articles) // documents)][:documents]
    rng = random.Random(1)
    pool = sentences(plain)
    try:
        import reportlab  # noqa: F401
        reportlab_found = FONT.is_file()
    except ImportError:
        reportlab_found = False
    phrases: dict[str, tuple[str, int]] = {}
    jobs = []
    pdfs.mkdir(parents=True, exist_ok=True)
    for number in range(1, len(chosen) + 1):
        pages, page, phrase = pdf_pages(rng, pool, number)
        name = f"bao-cao-{number:04d}.pdf"
        phrases[name] = (phrase, page)
        if not (pdfs / name).is_file():
            jobs.append((pdfs / name, pages, reportlab_found))
    if jobs:
        print(f"writing {len(jobs)} PDFs with {'ReportLab' if reportlab_found else 'PDFium'}…", flush=True)
        import multiprocessing
        with multiprocessing.Pool(os.cpu_count()) as pool_:
            pool_.map(write_one, jobs, chunksize=8)
    target = root / "content" / "tai-lieu"
    target.mkdir(exist_ok=True)
    dates = {}
    for number, article in enumerate(chosen, start=1):
        name = f"bao-cao-{number:04d}.pdf"
        if not (target / name).exists():
            os.link(pdfs / name, target / name)
        text = article.read_text(encoding="utf-8")
        dates[name] = re.search(r"^date: (\S+)", text, re.M)[1]  # type: ignore[index]
        if f"/tai-lieu/{name}" in text:
            continue
        if number % 10 == 0:  # an official document: its number, kind, issuer, date (its article's)
            date = re.search(r"^date: (\S+)", text, re.M)[1][:10]  # type: ignore[index]
            block = (f'document:\n  number: "{number}/BC-LHH"\n  kind: "Báo cáo"\n  issuer: "Liên hiệp hội"\n'
                     f"  issued: {date}\n  file: /tai-lieu/{name}\n")
            text = text.replace("\n---\n", "\n" + block + "---\n", 1)
        else:
            text = text.rstrip("\n") + f"\n\n[Báo cáo số {number} kèm theo](/tai-lieu/{name})\n"
        article.write_text(text, encoding="utf-8")
    return root, phrases, max(dates, key=lambda name: (dates[name], name))


def cold_extraction(root: Path, jobs: int) -> tuple[float, float, int, float]:
    """(wall seconds, CPU seconds of the child processes, documents, CPU seconds of the build's own process)
    of the documents stage with no cache."""
    from bantin.content.parse import discover
    from bantin.documents import catalogue
    from bantin.project.config import load_config

    for path in (root / ".bantin-cache").glob("documents*"):
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    config = load_config(root)
    found = discover(config)
    static = {p.relative_to(config.content_dir).as_posix(): p for p in found.static}
    uses = {"/" + rel: [("bench", 1, "body")] for rel in static if catalogue.is_document("/" + rel)}
    before = os.times()
    started = time.perf_counter()
    read = catalogue.catalogue(uses, static, config, jobs)
    seconds = time.perf_counter() - started
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    own = (after.user - before.user) + (after.system - before.system)
    problems = [f for f in read.documents.values() if f.problem]
    if problems:
        raise SystemExit(f"{len(problems)} documents could not be read: {problems[0]}")
    return seconds, cpu, len(read.documents), own


def build(root: Path, *flags: str) -> tuple[float, str]:
    """(wall seconds, summary) of `build.py build` as it is (a rebuild when the output is there)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(REPO / "build.py"), "build", "--root", str(root), *flags],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"build failed:\n{done.stderr}")
    return time.perf_counter() - started, done.stdout.strip().splitlines()[-1]


def load() -> str:
    """The machine's load average (1, 5, 15 minutes): other work shares these cores."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else "?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2, help="cores for the documents' child processes")
    parser.add_argument("--search-bytes", action="store_true", help="first queries in chromium, with and without")
    parser.add_argument("--extraction-only", action="store_true", help="only the cold extraction")
    parser.add_argument("--rebuild-only", action="store_true",
                        help="only the rebuilds with nothing changed (the sites built, warm, as they are)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "bantin-bench")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    plain = make_project(args.count, args.work)
    root, phrases, newest = with_documents(plain, args.work, args.documents)
    pdfs = sorted((root / "content" / "tai-lieu").glob("*.pdf"))
    megabytes = sum(p.stat().st_size for p in pdfs) / 2**20
    print(f"{args.count} articles, {len(pdfs)} PDFs of {PAGES} pages ({megabytes:.0f} MB); load average {load()}",
          flush=True)

    if not args.rebuild_only:
        measured = [cold_extraction(root, args.jobs) for _ in range(args.runs)]
        wall = statistics.median(m[0] for m in measured)
        cpu = statistics.median(m[1] for m in measured)
        own = statistics.median(m[3] for m in measured)
        runs = ", ".join(f"{m[0]:.1f}" for m in measured)
        print(f"cold extraction, {args.jobs} cores: {wall:.1f} s wall (runs: {runs}), CPU {cpu:.1f} s in the "
              f"readers' processes and {own:.1f} s in the build's, {measured[0][2]} documents, "
              f"{1000 * wall / measured[0][2]:.0f} ms each; load average {load()}", flush=True)
    if args.extraction_only:
        return 0

    for site in (plain, root):  # a cold build of each, then once more so that both are as a day leaves them
        if not args.rebuild_only:
            shutil.rmtree(site / "_site", ignore_errors=True)
            shutil.rmtree(site / ".bantin-cache", ignore_errors=True)
        seconds, summary = build(site)
        print(f"{'first' if args.rebuild_only else 'cold'} build {site.name}: {seconds:.1f} s; {summary}; "
              f"load average {load()}", flush=True)
        build(site)
    without, with_ = [], []
    for _ in range(args.runs):
        without.append(build(plain)[0])
        with_.append(build(root)[0])
    print(f"rebuild, nothing changed: without documents {statistics.median(without):.2f} s "
          f"({', '.join(f'{s:.2f}' for s in without)}), with {statistics.median(with_):.2f} s "
          f"({', '.join(f'{s:.2f}' for s in with_)}): the documents add "
          f"{statistics.median(with_) - statistics.median(without):+.2f} s; load average {load()}", flush=True)

    if args.search_bytes:
        from search import QUERIES, measure

        for name, site in (("without documents", plain), ("with documents", root)):
            print(f"\nfirst queries, {name}:", flush=True)
            measure(site / "_site", QUERIES, args.runs, True, "-", "-", "-")
        phrase, page = phrases[newest]
        print(f"\na phrase only on page {page} of {newest} (\"{phrase}\"), with documents:", flush=True)
        measure(root / "_site", [phrase], args.runs, True, "-", "-", "-")
        for _ in range(args.runs):
            links, button, kb = found_documents(root / "_site", phrase)
            print(f"asked for the documents (\"{button}\"): {kb:.0f} KB more; the documents it names: {links}")
    return 0


def found_documents(site: Path, query: str) -> tuple[list[str], str, float]:
    """In chromium: the links of the documents a search shows once the reader asks for them, what the button
    said, and the KB that asking fetched (gzipped, as bench/search.py serves)."""
    from search import serve_counting

    from browser import browser

    with serve_counting(site, True) as (origin, sent), browser() as chromium:
        page = chromium.new_page()
        page.goto(f"{origin}/tim-kiem/?q={query}")
        page.wait_for_selector("[data-search][data-state=done]", timeout=300_000)
        page.wait_for_load_state("networkidle")
        button = page.eval_on_selector(".search-documents", "e => e.textContent")
        before = len(sent)
        page.click(".search-documents")  # documents are searched when the reader asks
        page.wait_for_selector("[data-search][data-state=done]", timeout=300_000)
        page.wait_for_load_state("networkidle")
        links = page.eval_on_selector_all(".search-document h2 a", "links => links.map(a => a.getAttribute('href'))")
        return links, button, sum(size for _, size in sent[before:]) / 1024


if __name__ == "__main__":
    sys.exit(main())
