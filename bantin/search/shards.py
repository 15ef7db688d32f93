"""The search index's shards: articles indexed together, by calendar period, finer near the newest.

Both engines (bantin's own index, and Pagefind behind [search] engine = "pagefind") index shard by
shard, and the search page searches the newest shards first (docs/search.md).
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bantin.content.model import Site
from bantin.search.documents import DocumentEntry, document_parts


@dataclass(frozen=True)
class Shard:
    """Articles indexed together: a calendar period ("2021-2026"), a year or a month."""

    name: str
    keys: tuple[str, ...]  # article keys, newest first


# --- shards by calendar, finer near the newest article ---------------------------------------
# A shard indexed again rewrites nearly every file of its index (a new page shifts every word
# list it is in), so the newest articles must sit in small shards, and the archive in few large
# ones (a query fetches a part of every shard's index). Shards are calendar periods, so an edit
# or a late article only changes the shard of its own date. Measured from the newest article:
#  - years before its year: periods of `shard_years` (2020-2023), split while over `shard_max`
#    into years, quarters, months, halves of months;
#  - its year before its quarter: one shard, split the same way;
#  - its quarter before its month, and its month: split while over `shard_recent` (halves of a
#    month, and of those, down to days).
# A new article joins the shard of its days of the month (at most `shard_recent` articles). A
# month's shards stay until its quarter ends, a quarter's until its year ends: then they are
# indexed again as one (once a quarter: the quarter; once a year: the year's period). Parts
# split alike keep their names at every level, so a split that is already right is kept.


@dataclass(frozen=True)
class _Period:
    start: date  # first day
    end: date  # the day after the last
    unit: str  # "era" | "year" | "quarter" | "month" | "days": how it splits and how it is named

    def children(self) -> list[_Period]:
        """The calendar periods it splits into, oldest first."""
        if self.unit == "era":
            return [_Period(date(y, 1, 1), date(y + 1, 1, 1), "year") for y in range(self.start.year, self.end.year)]
        if self.unit in ("year", "quarter"):
            step = 3 if self.unit == "year" else 1
            firsts = _month_starts(self.start, self.end, step)
            return [_Period(first, _add_months(first, step), "quarter" if step == 3 else "month") for first in firsts]
        days = (self.end - self.start).days
        if days <= 1:
            return []
        middle = self.start + timedelta(days=(days + 1) // 2)
        return [_Period(self.start, middle, "days"), _Period(middle, self.end, "days")]

    def name(self) -> str:
        """'2020-2023', '2024', '2024-q1', '2024-q1-q3', '2024-10', '2024-10-11', '2024-10-01-16'. A period
        that is not a whole unit is named by the parts it splits into ('2024-q1-q3' for January to
        September), so a period and the one unit it may equal have the same name."""
        first, last = self.start, self.end - timedelta(days=1)
        if self.unit == "era":
            return str(first.year) if first.year == last.year else f"{first.year}-{last.year}"
        if self.unit == "year" and (first.month, last.month) == (1, 12):
            return str(first.year)
        if self.unit in ("year", "quarter") and first.month % 3 == 1 and last.month % 3 == 0:
            q0, q1 = (first.month - 1) // 3 + 1, (last.month - 1) // 3 + 1
            return f"{first.year}-q{q0}" if q0 == q1 else f"{first.year}-q{q0}-q{q1}"
        if self.unit in ("quarter", "month"):
            return f"{first:%Y-%m}" if first.month == last.month else f"{first:%Y-%m}-{last:%m}"
        return f"{first:%Y-%m-%d}-{last:%d}"


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _month_starts(start: date, end: date, step: int) -> list[date]:
    firsts, first = [], start
    while first < end:
        firsts.append(first)
        first = _add_months(first, step)
    return firsts


def plan_shards(site: Site, period_years: int, max_articles: int, recent_max: int = 200) -> list[Shard]:
    """The search index's shards, newest first (see above)."""
    if not site.articles:
        return []
    newest = next(iter(site.articles.values())).date.date()  # site.articles is newest first
    year = date(newest.year, 1, 1)
    quarter = date(newest.year, (newest.month - 1) // 3 * 3 + 1, 1)
    month = date(newest.year, newest.month, 1)
    by_day: dict[date, list[str]] = defaultdict(list)
    for key, article in site.articles.items():
        by_day[article.date.date()].append(key)
    days = sorted(by_day)
    tiers: list[tuple[_Period, int]] = []
    era_start = days[0].year - days[0].year % period_years
    for start in range(era_start, newest.year, period_years):
        tiers.append((_Period(date(start, 1, 1), date(min(start + period_years, newest.year), 1, 1), "era"),
                      max_articles))
    tiers += [(_Period(year, quarter, "year"), max_articles), (_Period(quarter, month, "quarter"), recent_max),
              (_Period(month, _add_months(month, 1), "month"), recent_max)]
    shards: list[Shard] = []
    for period, limit in tiers:
        shards += _split(period, limit, days, by_day)
    return shards[::-1]


def _split(period: _Period, limit: int, days: list[date], by_day: dict[date, list[str]]) -> list[Shard]:
    """The period as one shard, or split into its children while it holds more than `limit`; oldest first."""
    inside = days[bisect_left(days, period.start): bisect_left(days, period.end)]
    keys = [key for day in reversed(inside) for key in by_day[day]]  # newest first, as the site orders them
    if not keys:
        return []
    children = period.children()
    if len(keys) <= limit or not children:
        return [Shard(period.name(), tuple(keys))]
    return [shard for child in children for shard in _split(child, limit, days, by_day)]


def shard_facts(site: Site, shards: list[Shard], documents: dict[str, list[DocumentEntry]] | None = None
                ) -> tuple[dict[str, Any], ...]:
    """What the search page tells search.js of each shard, newest first: its name, its number of
    articles, the dates of its oldest and newest article, by filter the values none of its
    articles has (a filter by one of them need not search it), and how many documents its
    articles have (`documents`: article key -> its documents), in the documents' shards beside it
    (and how many of those, when more than one). Plain data, written as JSON."""
    documents = documents or {}
    where = {key: n for n, shard in enumerate(shards) for key in shard.keys}
    lacks: list[dict[str, list[str]]] = [{} for _ in shards]
    for kind, terms in (("province", site.provinces), ("topic", site.topics), ("section", site.sections)):
        for term in terms.values():
            holding = {where[key] for key in term.articles if key in where}
            if not holding:
                continue  # a value no article has is never offered
            for n in range(len(shards)):
                if n not in holding:
                    lacks[n].setdefault(kind, []).append(term.name)
    facts = []
    for shard, missing in zip(shards, lacks, strict=True):
        dates = [site.articles[key].date.date().isoformat() for key in (shard.keys[-1], shard.keys[0])]
        held = sum(len(documents.get(key, ())) for key in shard.keys)
        parts = len(document_parts(shard.name, shard.keys, documents)) if held else 0
        facts.append({"name": shard.name, "count": len(shard.keys), "first": dates[0], "last": dates[1],
                      **({"lacks": {kind: sorted(names) for kind, names in missing.items()}} if missing else {}),
                      **({"documents": held} if held else {}), **({"parts": parts} if parts > 1 else {})})
    return tuple(facts)


@dataclass(frozen=True)
class IndexReport:
    shards: int
    indexed: tuple[str, ...]  # names of the shards (re)built by this run
    seconds: float
