"""The province list: today's 34 units, the former units merged into them, and their spellings."""

from __future__ import annotations

import difflib
import functools
import tomllib
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from slugify import slugify

from bantin.language.errors import BuildFailed, ContentError, not_utf8
from bantin.language.messages import Text, either
from bantin.language.syntax import toml_error

_PREFIXES = ("thanh-pho-", "tinh-", "tp-")
_CLOSE = 0.6  # how alike a typed name and a spelling must be (difflib's ratio of their match keys) to suggest it
_MARGIN = 0.1  # suggestions stay this close to the best one


@dataclass(frozen=True)
class Province:
    """One province-level unit, today's or former, or the national level."""

    name: str  # canonical spelling, shown on pages
    slug: str  # URL slug, e.g. "ha-giang"
    kind: str  # "tỉnh", "thành phố", or "" for a former unit and the national level
    part_of: str  # slug of today's unit that holds it (itself for today's units)
    former: tuple[str, ...] = ()  # slugs of the former units merged into today's unit
    national: bool = False
    since: date | None = None  # a former unit: the day it became part of today's unit (the merger's, or its own)

    @property
    def is_current(self) -> bool:
        """True for today's units (and the national level), False for former ones."""
        return self.part_of == self.slug


@dataclass(frozen=True)
class ProvinceList:
    """Lookup of provinces by any accepted spelling, and of the cities that are not provinces."""

    by_slug: dict[str, Province]  # in the order of the data file: national, then today's units
    aliases: dict[str, str]  # match key -> slug
    merger_date: date
    cities: dict[str, tuple[str, str]] = field(default_factory=dict)  # match key -> (city, slug of its unit then)

    def match(self, text: str) -> Province | None:
        """The province that `text` names, whatever its spelling, or None."""
        slug = self.aliases.get(match_key(text))
        return self.by_slug[slug] if slug else None

    def unknown(self, text: str, when: date | None = None) -> tuple[Text, Text]:
        """(message, hint) for a name that matches no province: a city gets the province it is in
        (before the merger for an article dated earlier, today's after), a near miss the closest
        names, never one farther from what was typed than a city is."""
        key = match_key(text)
        city = self.cities.get(key)
        if city is not None:
            return Text("{name!r} is a city, not a province", name=text), self._city_hint(*city, when)
        return Text("unknown province {name!r}", name=text), self.hint(text, when)

    def hint(self, text: str, when: date | None = None) -> Text:
        """What to say about a name that matches no province: the closest names, or what to write."""
        key = match_key(text)
        ratios: dict[str, float] = {}  # canonical name -> how close its closest spelling is
        for spelling, slug in self.aliases.items():
            name = self.by_slug[slug].name
            ratios[name] = max(ratios.get(name, 0.0), difflib.SequenceMatcher(None, key, spelling).ratio())
        city_key = max(self.cities, key=lambda k: difflib.SequenceMatcher(None, key, k).ratio(), default=None)
        city_ratio = difflib.SequenceMatcher(None, key, city_key).ratio() if city_key else 0.0
        best = max(ratios.values(), default=0.0)
        if city_key is not None and city_ratio >= _CLOSE and city_ratio >= best:
            name, slug = self.cities[city_key]
            return Text("did you mean {city}? {answer}", city=name, answer=self._city_hint(name, slug, when))
        close = sorted((name for name, ratio in ratios.items()
                        if ratio >= _CLOSE and ratio >= best - _MARGIN and ratio > city_ratio),
                       key=lambda name: -ratios[name])[:3]
        if close:
            return Text("did you mean {names}?", names=either([repr(c) for c in close]))
        return Text("use a province or city name, or 'National' ('Trung ương') for national news")

    def _city_hint(self, city: str, slug: str, when: date | None) -> Text:
        """'Vinh is in the province of Nghệ An: write province: Nghệ An'."""
        unit = self.by_slug[slug]
        if when is not None and when >= self.merger_date:
            unit = self.by_slug[unit.part_of]
        shown = unit.name.removeprefix("TP. ")
        if (unit.kind or "tỉnh") == "thành phố":
            return Text("{city} is in the city of {name}: write province: {value}", city=city, name=shown,
                        value=unit.name)
        return Text("{city} is in the province of {name}: write province: {value}", city=city, name=shown,
                    value=unit.name)

    def merged_away(self, slug: str, when: date) -> Province | None:
        """Today's unit that holds the unit `slug`, when `when` is on or after the day it became part of it
        (a province merged away on 1 July 2025, for an article dated since); None otherwise."""
        unit = self.by_slug.get(slug)
        if unit is None or unit.is_current or when < (unit.since or self.merger_date):
            return None
        return self.by_slug[unit.part_of]

    def current(self) -> list[Province]:
        """Today's units, national level first, in the order of the data file."""
        return [p for p in self.by_slug.values() if p.is_current]

    def members(self, slug: str) -> tuple[str, ...]:
        """Slugs whose articles a province page lists: itself and the former units inside it."""
        province = self.by_slug[slug]
        return (province.slug, *province.former)


@functools.lru_cache(maxsize=4096)
def match_key(text: str) -> str:
    """Fold a spelling to a key: NFC, no tones, no case, no punctuation, no 'TP.'/'Tỉnh'."""
    key = slugify(unicodedata.normalize("NFC", text))
    for prefix in _PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            key = key[len(prefix):]
            break
    return key.replace("-", "")


def load_provinces(path: Path | None, label: str = "") -> ProvinceList:
    """Load the list shipped with bantin, or the one at `path` (site.toml `provinces`)."""
    if path is None:
        text = resources.files("bantin.language").joinpath("data/provinces.toml").read_text(encoding="utf-8")
        label = "bantin/language/data/provinces.toml"
    else:
        label = label or str(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise BuildFailed([not_utf8(label)]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        explained = toml_error(text, exc, label)
        raise BuildFailed([ContentError(label, explained.line, explained.field, explained.message,
                                        explained.hint)]) from None
    return parse_provinces(data, label)


def parse_provinces(data: dict[str, Any], label: str) -> ProvinceList:
    """Build the lookup from parsed TOML, checking that no two units share a spelling."""
    errors: list[ContentError] = []
    by_slug: dict[str, Province] = {}
    aliases: dict[str, str] = {}
    cities: dict[str, tuple[str, str]] = {}

    def add(province: Province, spellings: list[str]) -> None:
        if province.slug in by_slug:
            errors.append(ContentError(label, None, "name", Text("{name!r} is listed twice", name=province.name)))
            return
        by_slug[province.slug] = province
        for spelling in [province.name, *spellings]:
            key = match_key(spelling)
            owner = aliases.setdefault(key, province.slug)
            if owner != province.slug:
                errors.append(ContentError(
                    label, None, "aliases",
                    Text("{spelling!r} would match both {first!r} and {second!r}", spelling=spelling,
                         first=by_slug[owner].name, second=province.name),
                ))

    def add_cities(names: Any, slug: str) -> None:
        for name in names if isinstance(names, list) else []:
            key = match_key(str(name))
            if key in aliases:  # a city named like a province is the province
                errors.append(ContentError(label, None, "cities", Text(
                    "{spelling!r} would match both {first!r} and {second!r}", spelling=name,
                    first=by_slug[aliases[key]].name, second=by_slug[slug].name)))
            cities.setdefault(key, (str(name), slug))

    national = data.get("national", {"name": "Trung ương"})
    name = national.get("name", "Trung ương")
    add(Province(name, slugify(name), "", slugify(name), national=True), list(national.get("aliases", [])))
    merger = data.get("merger_date", date(2025, 7, 1))
    merger = merger if isinstance(merger, date) else date(2025, 7, 1)
    for entry in data.get("province", []):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            errors.append(ContentError(label, None, "province", Text("each [[province]] needs a name")))
            continue
        slug = _slug(entry["name"])
        former = [f for f in entry.get("former", []) if isinstance(f, dict) and "name" in f]
        former_slugs = tuple(_slug(f["name"]) for f in former)
        add(Province(entry["name"], slug, entry.get("kind", "tỉnh"), slug, former_slugs),
            list(entry.get("aliases", [])))
        for unit in former:
            since = unit.get("since", merger)
            if not isinstance(since, date):
                errors.append(ContentError(label, None, "since", Text("{name!r}: since must be a date such as "
                                                                      "{example}", name=unit["name"],
                                                                      example="2025-07-01")))
                since = merger
            add(Province(unit["name"], _slug(unit["name"]), "", slug, since=since), list(unit.get("aliases", [])))
    # cities once every province spelling is known: none may be taken for a province
    for entry in data.get("province", []):
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            add_cities(entry.get("cities"), _slug(entry["name"]))
            for unit in entry.get("former", []):
                if isinstance(unit, dict) and "name" in unit:
                    add_cities(unit.get("cities"), _slug(unit["name"]))
    if errors:
        raise BuildFailed(errors)
    return ProvinceList(by_slug, aliases, merger, cities)


def _slug(name: str) -> str:
    """URL slug of a province: 'TP. Hồ Chí Minh' -> 'ho-chi-minh'."""
    slug = slugify(unicodedata.normalize("NFC", name))
    for prefix in _PREFIXES:
        if slug.startswith(prefix):
            return slug[len(prefix):]
    return slug
