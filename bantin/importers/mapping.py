"""The mapping file of an import: what each category and tag of the old site means here
(a province, a topic, a tag, a section, or nothing), guessed on the first run, corrected by the
editor in import/<source>.toml, and read on every later run."""

from __future__ import annotations

import gettext
import json
import textwrap
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bantin.language.errors import ContentError, not_utf8
from bantin.language.messages import Text, catalogue, say
from bantin.language.provinces import ProvinceList
from bantin.project.config import Config, slug_of

KINDS = ("province", "topic", "tag", "section", "skip")


@dataclass(frozen=True)
class Meaning:
    """What one category or tag of the old site means in bantin."""

    kind: str  # one of KINDS
    value: str  # the province, topic, tag or section; "" for skip
    why: str = ""  # a Text saying how it was guessed ("" when the mapping file said so)

    def said(self) -> str:
        """'province:Hà Tĩnh', as the mapping file writes it."""
        return self.kind if self.kind == "skip" else f"{self.kind}:{self.value}"


def guess_meaning(name: str, config: Config, provinces: ProvinceList, *, is_tag: bool = False) -> Meaning:
    """The province, topic or section a category or tag names, else a tag of the same name."""
    province = provinces.match(name)
    if province is not None:
        return Meaning("province", province.name, Text("a province's name"))
    topic = config.topic_by_slug.get(slug_of(name))
    if topic is not None:
        return Meaning("topic", topic, Text("one of the site's topics"))
    if not is_tag:
        for section, title in config.sections.items():
            if slug_of(name) in (section, slug_of(title)):
                return Meaning("section", section, Text("a section's name"))
    if slug_of(name) in ("uncategorized", "chua-phan-loai", "khong-phan-loai"):
        return Meaning("skip", "", Text("WordPress's default category"))
    return Meaning("tag", name, Text("neither a province nor a topic"))


def parse_meaning(text: str, config: Config, provinces: ProvinceList) -> Meaning | Text:
    """A right-hand side of the mapping file, checked; a Text says what is wrong with it."""
    kind, _, value = text.partition(":")
    kind, value = kind.strip().lower(), unicodedata.normalize("NFC", value.strip())
    if kind == "skip":
        return Meaning("skip", "")
    if kind == "province":
        match = provinces.match(value)
        return Meaning("province", match.name) if match else Text("unknown province {name!r}", name=value)
    if kind == "topic":
        topic = config.topic_by_slug.get(slug_of(value))
        return Meaning("topic", topic) if topic else Text("unknown topic {name!r}", name=value)
    if kind == "section":
        return Meaning("section", value) if value in config.sections else Text("no section {name!r}", name=value)
    if kind == "tag" and value:
        return Meaning("tag", value)
    return Text("{value!r} is not one of {kinds}", value=text, kinds="province:…, topic:…, tag:…, section:…, skip")


@dataclass
class Mapping:
    """The mapping file: what each category and tag means, and the defaults an editor chose."""

    terms: dict[tuple[str, str], Meaning]  # (group, name) -> meaning; group: "category", "tag", "menu"...
    counts: dict[tuple[str, str], int]  # articles using each term
    province: str = ""  # for articles that name none ("" : they become drafts)
    topic: str = ""
    pages: str = ""  # the section for pages that are not news ("" leaves them out)
    skip: tuple[str, ...] = ()  # items the editor left out (post numbers, page paths)
    from_file: set[tuple[str, str]] = field(default_factory=set)  # terms the file decided
    extra: dict[str, Any] = field(default_factory=dict)  # importer-specific settings (selectors)

    def meaning(self, group: str, name: str, config: Config, provinces: ProvinceList) -> Meaning:
        """What a category or tag means: the file's word, else a guess, kept for the rest of the run."""
        if (group, name) not in self.terms:
            self.terms[(group, name)] = guess_meaning(name, config, provinces, is_tag=group == "tag")
        return self.terms[(group, name)]


def read_mapping(path: Path, config: Config, provinces: ProvinceList, rel: str) -> tuple[Mapping, list[ContentError]]:
    """The mapping file an earlier dry run wrote and the editor corrected (empty if there is none)."""
    import tomllib

    mapping = Mapping({}, {})
    errors: list[ContentError] = []
    if not path.is_file():
        return mapping, errors
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        return mapping, [not_utf8(rel)]
    except tomllib.TOMLDecodeError as exc:
        return mapping, [ContentError(rel, None, None, Text("invalid TOML: {problem}", problem=str(exc)))]
    for key, value in data.items():
        if key in ("province", "topic", "pages") and isinstance(value, str):
            setattr(mapping, key, value.strip())
        elif key == "skip" and isinstance(value, list):
            mapping.skip = tuple(str(v) for v in value)
        elif key == "selectors" and isinstance(value, dict):
            mapping.extra["selectors"] = {k: str(v) for k, v in value.items()}
        elif isinstance(value, dict):
            for name, meaning in value.items():
                said = parse_meaning(str(meaning), config, provinces)
                if isinstance(said, Text):
                    errors.append(ContentError(rel, None, f"{key}.{name}", said,
                                               hint=Text("write province:<name>, topic:<name>, tag:<name>, "
                                                         "section:<folder> or skip")))
                    continue
                mapping.terms[(key, unicodedata.normalize("NFC", name))] = said
                mapping.from_file.add((key, unicodedata.normalize("NFC", name)))
        else:
            mapping.extra[key] = value
    for name in ("province", "topic"):
        value = getattr(mapping, name)
        if value:
            said = parse_meaning(f"{name}:{value}", config, provinces)
            if isinstance(said, Text):
                errors.append(ContentError(rel, None, name, said))
            else:
                setattr(mapping, name, said.value)
    if mapping.pages and mapping.pages not in config.sections:
        errors.append(ContentError(rel, None, "pages", Text("no section {name!r}", name=mapping.pages),
                                   hint=Text("sections: {names}", names=", ".join(config.sections))))
    return mapping, errors


def mapping_text(mapping: Mapping, header: tuple[Text, ...], groups: dict[str, str], language: str) -> str:
    """The mapping file, in TOML: defaults, then each group's terms with their counts, most used first;
    its comments (`header`, a line each, and the groups' names) in the site's language."""
    words = catalogue(language)
    lines = [*comment_lines(header, words), ""]
    lines.append(f"province = {_toml(mapping.province)}  # "
                 + say(Text('for articles that name no province ("": a draft)'), words))
    lines.append(f"topic = {_toml(mapping.topic)}  # "
                 + say(Text('for articles that name no topic ("": a draft)'), words))
    lines.append(f"pages = {_toml(mapping.pages)}  # "
                 + say(Text('the section for pages that are not news ("": left out)'), words))
    lines.append("skip = [" + ", ".join(_toml(s) for s in mapping.skip) + "]  # " + say(Text("items to leave out"),
                                                                                          words))
    for key, value in mapping.extra.items():
        if key != "selectors":
            lines.append(f"{key} = {_toml(value)}")
    if "selectors" in mapping.extra:
        lines += ["", "[selectors]"] + [f"{_toml(k)} = {_toml(v)}" for k, v in mapping.extra["selectors"].items()]
    for group, comment in groups.items():
        terms = sorted(((name, meaning) for (g, name), meaning in mapping.terms.items() if g == group),
                       key=lambda pair: (-mapping.counts.get((group, pair[0]), 0), pair[0]))
        if not terms:
            continue
        lines += ["", f"[{group}]  # {say(comment, words)}"]
        for name, meaning in terms:
            count = mapping.counts.get((group, name), 0)
            lines.append(f"{_toml(name)} = {_toml(meaning.said())}  # {count}")
    return "\n".join(lines) + "\n"


def comment_lines(paragraphs: tuple[Text, ...], words: gettext.NullTranslations, width: int = 96) -> list[str]:
    """Paragraphs said in the language, as TOML comment lines of at most `width` characters."""
    return [f"# {line}" for paragraph in paragraphs
            for line in textwrap.wrap(say(paragraph, words), width - 2, break_on_hyphens=False)]


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def mapping_report(mapping: Mapping, groups: dict[str, str]) -> Iterator[str]:
    """Each category and tag, what it became and why, most used first."""
    for group, label in groups.items():
        terms = sorted(((name, meaning) for (g, name), meaning in mapping.terms.items() if g == group),
                       key=lambda pair: (-mapping.counts.get((group, pair[0]), 0), pair[0]))
        for name, meaning in terms:
            count = mapping.counts.get((group, name), 0)
            why = meaning.why if (group, name) not in mapping.from_file else Text("the mapping file says so")
            yield Text("{label} {name!r} ({count}) -> {meaning}: {why}", label=label, name=name, count=count,
                       meaning=meaning.said(), why=why)
