"""Benchmark: related news for the daily case, a new article, at archive scale.

    python3 bench/related.py                    # 10,000 articles
    python3 bench/related.py --count 100000 --runs 3

The corpus's articles are parsed once (the parse cache of a build is used when it is there) and
turned into what related news knows of them. Then, `--runs` times, a new article dated a day after
the newest (the terms of an article picked at random: its tags, topic and province) is added and
related news updated from the previous answer, as a build does. Printed, as medians:
- the lists searched again and the seconds it takes, now (the search windows' bound) and as before
  (every article that shares a term with the new one, searched again);
- that the update equals a search from scratch (checked on the first run);
- the cold search of every list, for scale.
One core (no worker processes), so the two ways are compared on the same footing.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bantin.builder.pipeline import BuildOptions, load  # noqa: E402
from bantin.content.assemble import related_documents  # noqa: E402
from bantin.content.related import DAY, _Index, related_update, search  # noqa: E402
from bantin.project.config import load_config  # noqa: E402

from run import make_project  # noqa: E402


def documents_of(root: Path) -> list:
    """What related news knows of every article of the project, read as a build reads it."""
    config = load_config(root)
    loaded = load(config, BuildOptions(search=False), jobs=2)
    return related_documents(loaded.site.articles.values(), loaded.site.tag_slugs, loaded.provinces, config), config


def before(documents: list, new, count: int, half_life: float) -> tuple[int, float]:
    """(lists searched, seconds) as related news was updated until now: every article sharing a term."""
    started = time.perf_counter()
    index = _Index(documents, count, half_life, 16)
    terms = {term for term, weight in new.terms if weight > 0}
    sharing = {index.keys[i] for term in terms if (t := index.term_ids.get(term)) is not None
               for i in index.finder.postings[t]} | {new.key}
    for key in sharing:
        index.best(key)
    return len(sharing), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "bantin-bench")
    args = parser.parse_args()
    root = make_project(args.count, args.work)
    documents, config = documents_of(root)
    count, half_life = config.related.count, config.related.half_life_days
    started = time.perf_counter()
    previous = search(documents, count, half_life)
    cold = time.perf_counter() - started
    print(f"{len(documents):,} articles; cold search of every list: {cold:.1f} s (one core)")
    rng = random.Random(7)
    newest = max(d.timestamp for d in documents)
    memo = {d.key: d for d in documents}
    now_counts, now_times, old_counts, old_times = [], [], [], []
    for run in range(args.runs):
        new = replace(rng.choice(documents), key=f"tin-tuc/2099/moi-{run}", timestamp=newest + DAY)
        searched: list[str] = []

        def counting(function, keys, searched=searched):
            searched.extend(keys)
            return map(function, keys)

        started = time.perf_counter()
        updated = related_update([*documents, new], memo, previous, count, half_life, mapper=counting)
        now_times.append(time.perf_counter() - started)
        now_counts.append(len(searched))
        lists, seconds = before([*documents, new], new, count, half_life)
        old_counts.append(lists)
        old_times.append(seconds)
        if run == 0:
            same = updated == search([*documents, new], count, half_life)
            print(f"update equals a search from scratch: {same}")
        print(f"run {run + 1}: now {len(searched):,} lists in {now_times[-1]:.2f} s; "
              f"before {lists:,} lists in {seconds:.2f} s")
    print(f"median: now {statistics.median(now_counts):,.0f} lists, {statistics.median(now_times):.2f} s; "
          f"before {statistics.median(old_counts):,.0f} lists, {statistics.median(old_times):.2f} s "
          f"({statistics.median(old_times) / statistics.median(now_times):.1f}x)")


if __name__ == "__main__":
    main()
