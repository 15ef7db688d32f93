"""Benchmark: how right import-text's guesses are, against articles whose topic is known.

    python3 bench/import_text.py                       # the 5 seeds and 20 articles of the 10,000 corpus
    python3 bench/import_text.py --corpus /tmp/c10k    # a corpus already written by make_corpus.py
    python3 bench/import_text.py --show                # every article's guesses, not only the totals
    python3 bench/import_text.py --sample 500          # 500 articles of the corpus instead of 20

Two sets:
- the five seed pages (../shared/bench/seeds/), as they are; their real topics and tags are those
  the example site gives them (content/: the same five articles, filed by hand). The tags the
  site "already has" are the other four articles' tags (an article's own tags would be cheating).
- twenty articles of the benchmark corpus (make_corpus.py --count 10000, seed 1: every 500th
  file in name order; --sample N for more), turned back into text dumps shaped like the seeds: organisation line,
  date line, title, lead, paragraphs (headings and list items as lines, photos as a
  "tm-img-alt" line and their caption), author, then a "Xem Thêm" block of other titles. The
  site's tags are those of the other 9,980 articles.

Prints, for topics: guessed right, guessed wrong, left out; for the old rule too (the first of
the site's topics named anywhere in the title or the body, as import-text did before), on the
same texts. For tags: how many were proposed, and how many of those the article really has.
Also whether the date and the province came out right.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bantin.content.parse import split_front_matter  # noqa: E402
from bantin.importers.text import Parsed, guess_province, guess_tags, guess_topic, parse_text  # noqa: E402
from bantin.language.dates import parse_date, vietnamese_datetime  # noqa: E402
from bantin.language.provinces import load_provinces  # noqa: E402
from bantin.project.config import load_config  # noqa: E402

SHARED = REPO.parent / "shared" / "bench"
PICKED = 20  # articles of the corpus measured (--sample)


@dataclass(frozen=True)
class Known:
    """An article whose real topic, tags, province and date are known, and its text dump."""

    name: str
    dump: str
    topic: str
    tags: tuple[str, ...]
    province: str
    date: str  # dd/mm/yyyy


def front(path: Path) -> dict:
    return yaml.safe_load(split_front_matter(path.read_text(encoding="utf-8"), path.name)[0])


def seeds(config) -> tuple[list[Known], list[dict]]:
    """The seed pages with what the example site says of them, and the example site's articles."""
    examples = [front(p) for p in sorted((REPO / "content").rglob("*.md"))]
    examples = [e for e in examples if "document" not in e]  # the seeds' five articles, not the example decision
    known = []
    for path in sorted((SHARED / "seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        title = parse_text(text, config.tz).title.rstrip(".")
        match = next(e for e in examples if _folded(e["title"]) == _folded(title))
        moment = parse_date(match["date"], config.tz)
        known.append(Known(path.name, text, match["topic"], tuple(match.get("tags", ())), match["province"],
                           f"{moment:%d/%m/%Y}"))
    return known, examples


def _folded(text: str) -> str:
    return re.sub(r"\W+", " ", text.casefold()).strip()


def corpus(folder: Path, config, sample: int) -> tuple[list[Known], Counter[str]]:
    """`sample` corpus articles (evenly spaced in name order) as text dumps, and the tags of all the others."""
    files = sorted(folder.rglob("*.md"))
    picked = {files[i * len(files) // sample] for i in range(sample)}
    tags: Counter[str] = Counter()
    known = []
    titles = [front(f)["title"] for f in files[:3]]
    for path in files:
        text = path.read_text(encoding="utf-8")
        head, body, _ = split_front_matter(text, path.name)
        data = yaml.safe_load(head)
        if path not in picked:
            tags.update(set(data.get("tags", ())))
            continue
        moment = parse_date(data["date"], config.tz)
        known.append(Known(path.name, dump(data, body, moment, titles), data["topic"], tuple(data["tags"]),
                           data["province"], f"{moment:%d/%m/%Y}"))
    return known, tags


def dump(data: dict, body: str, moment, others: list[str]) -> str:
    """An article as the text of its web page, shaped like the seeds."""
    lines = ["Liên hiệp các hội khoa học và kỹ thuật Việt Nam", vietnamese_datetime(moment), "", data["title"], "",
             data.get("summary", ""), ""]
    for block in body.strip().split("\n\n"):
        image = re.match(r"^!\[(.*)\]\(.*\)$", block)
        if image:
            lines += ["tm-img-alt", "", image.group(1), ""]
            continue
        for line in block.split("\n"):
            lines += [re.sub(r"^(#+|-)\s+", "", line), ""]
    lines += [data.get("author", ""), "", "Xem Thêm", "", *others, ""]
    return "\n".join(lines)


def old_topic(parsed: Parsed, topics) -> str:
    """The rule before: the first of the site's topics named anywhere in the title or the body."""
    text = " ".join([parsed.title, *parsed.paragraphs]).casefold()
    return next((t for t in topics if t.casefold() in text), "")


def measure(label: str, articles: list[Known], existing_of, config, provinces, show: bool) -> None:
    """Print the figures for these articles; existing_of(article) is the site's tags beside it."""
    topic = Counter()
    before = Counter()
    proposed = right_tags = real_tags = 0
    dates = places = 0
    for item in articles:
        parsed = parse_text(item.dump, config.tz)
        guess = guess_topic(parsed, config.topics)
        outcome = "left out" if not guess.value else ("right" if guess.value == item.topic else "wrong")
        topic[outcome] += 1
        if guess.value:
            topic[(outcome, guess.confidence)] += 1
        old = old_topic(parsed, config.topics)
        before["left out" if not old else ("right" if old == item.topic else "wrong")] += 1
        tags = guess_tags(parsed, existing_of(item))
        proposed += len(tags)
        right_tags += sum(1 for g in tags if g.value.casefold() in {t.casefold() for t in item.tags})
        real_tags += len(item.tags)
        province = guess_province(parsed, provinces)
        places += bool(province) and provinces.match(province[0]) == provinces.match(item.province)
        dates += bool(parsed.date) and f"{parsed.date:%d/%m/%Y}" == item.date
        if show:
            print(f"  {item.name[:40]:40} real: {item.topic[:28]:28} guessed: {guess.value or '-':28} "
                  f"[{guess.confidence or 'left out'}] {guess.why}")
            print(f"  {'':40} tags {', '.join(f'{g.value} [{g.confidence}]' for g in tags) or '-'}; "
                  f"real {', '.join(item.tags)}; before: {old or '-'}")
    count = len(articles)
    print(f"{label}: {count} articles")
    print(f"  topic, now:    right {topic['right']}, wrong {topic['wrong']}, left out {topic['left out']}; "
          f"said sure: right {topic['right', 'high']}, wrong {topic['wrong', 'high']}; said likely: right "
          f"{topic['right', 'medium']}, wrong {topic['wrong', 'medium']}")
    print(f"  topic, before: right {before['right']}, wrong {before['wrong']}, left out {before['left out']}")
    print(f"  tags proposed: {proposed} ({proposed / count:.1f} per article), of which the article has "
          f"{right_tags} ({right_tags / max(proposed, 1):.0%}); the articles have {real_tags} tags, "
          f"{right_tags / max(real_tags, 1):.0%} of them proposed")
    print(f"  date right: {dates}/{count}; province right: {places}/{count} (none guessed counts as not right)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=None, help="make_corpus.py output (default: written to a "
                        "temporary folder, 10,000 articles)")
    parser.add_argument("--show", action="store_true", help="print every article's guesses")
    parser.add_argument("--sample", type=int, default=PICKED, help=f"corpus articles measured (default {PICKED})")
    args = parser.parse_args()
    config = load_config(REPO)
    provinces = load_provinces(None)
    known, examples = seeds(config)

    def others(item: Known) -> Counter[str]:  # each seed against the tags of the other four
        own = _folded(parse_text(item.dump, config.tz).title.rstrip("."))
        return Counter(t for e in examples if _folded(e["title"]) != own for t in e.get("tags", ()))

    measure("seeds (the site's tags: the other four articles')", known, others, config, provinces, args.show)
    with tempfile.TemporaryDirectory() as work:
        folder = args.corpus or Path(work) / "corpus"
        if args.corpus is None:
            subprocess.run([sys.executable, str(SHARED / "make_corpus.py"), "--count", "10000", "--out",
                            str(folder), "-q"], check=True)
        articles, tags = corpus(folder, config, args.sample)
        measure(f"corpus, {args.sample} of {sum(1 for _ in folder.rglob('*.md')):,} (the site's tags: the others')",
                articles, lambda item: tags, config, provinces, args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
