"""Writing new article files into content/: `new` and the text importer share this."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from slugify import slugify

from bantin.language.errors import BuildFailed, ContentError
from bantin.language.messages import Text
from bantin.language.provinces import ProvinceList
from bantin.language.strings import primary
from bantin.project.config import Config, slug_of, topic_hint

# The body `new` writes, in the site's language, for the editor to replace: an article still holding one of
# these paragraphs (of either language) is an error (bantin/content/parse.py), so it is never published as it is.
SAMPLE_BODIES = {
    "vi": ("Đoạn mở đầu: ai, làm gì, ở đâu, khi nào.", "Nội dung bài viết."),
    "en": ("The lead: who did what, where and when.", "The article's text."),
}
PLACEHOLDER_PARAGRAPHS = tuple(paragraph for body in SAMPLE_BODIES.values() for paragraph in body)


def sample_body(language: str) -> str:
    """The paragraphs `new` writes for the editor to replace, in the site's language (English where bantin
    has none of its own)."""
    return "\n\n".join(SAMPLE_BODIES.get(primary(language), SAMPLE_BODIES["en"]))


@dataclass(frozen=True)
class Draft:
    """An article about to be written: its front-matter fields and Markdown body."""

    title: str
    date: datetime  # aware
    province: str
    topic: str
    body: str
    tags: tuple[str, ...] = ()
    summary: str = ""
    author: str = ""
    source: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def _quoted(text: str) -> str:
    """A double-quoted YAML scalar (JSON string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def format_article(draft: Draft) -> str:
    """The text of an article file: front-matter between '---' lines, then the body."""
    lines = [
        "---",
        f"title: {_quoted(draft.title)}",
        f"date: {draft.date.isoformat(timespec='seconds')}",
        f"province: {_quoted(draft.province)}",
        f"topic: {_quoted(draft.topic)}",
        f"tags: [{', '.join(_quoted(t) for t in draft.tags)}]",
    ]
    if draft.summary:
        lines.append(f"summary: {_quoted(draft.summary)}")
    if draft.author:
        lines.append(f"author: {_quoted(draft.author)}")
    if draft.source:
        lines.append(f"source: {_quoted(draft.source)}")
    lines.extend(f"{key}: {_quoted(value)}" for key, value in draft.extra.items())
    lines.append("---")
    return "\n".join(lines) + "\n\n" + draft.body.strip() + "\n"


def article_path(config: Config, section: str | None, draft: Draft) -> Path:
    """content/<section>/<year>/<slug>.md, the slug from the title."""
    section = section or next(iter(config.sections))
    if section not in config.sections:
        raise BuildFailed([ContentError("site.toml", None, "sections",
                                        Text("no section {name!r}", name=section),
                                        hint=Text("sections: {names}", names=", ".join(config.sections)))])
    slug = short_slug(draft.title)
    return config.content_dir / section / str(draft.date.year) / f"{slug}.md"


def short_slug(title: str, limit: int = 80) -> str:
    """Slug of a title, cut at a word boundary (python-slugify's own cut skips long words)."""
    slug = slugify(title) or "bai-viet"
    if len(slug) > limit:
        cut = slug.rfind("-", 0, limit + 1)
        slug = slug[: cut if cut > 0 else limit]
    return slug


def write_new(path: Path, text: str) -> None:
    """Create the file; never overwrite one that exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        raise BuildFailed([ContentError(path.as_posix(), None, None, Text("the file already exists; not overwritten"),
                                        hint=Text("choose another title or edit the existing file"))]) from None


COMMAND_LINE = Text("(command line)")  # where `new`'s errors are: said in the site's language


def resolve_names(config: Config, provinces: ProvinceList, province: str, topic: str,
                  when: date | None = None) -> tuple[str, str]:
    """Canonical province and topic names, or errors for both at once (`when`: the article's day,
    for a city's province before or after the merger)."""
    errors = []
    match = provinces.match(province)
    if match is None:
        message, hint = provinces.unknown(province, when)
        errors.append(ContentError(COMMAND_LINE, None, "--province", message, hint=hint))
    topic_name = config.topic_by_slug.get(slug_of(topic))
    if topic_name is None:
        errors.append(ContentError(COMMAND_LINE, None, "--topic", Text("unknown topic {name!r}", name=topic),
                                   hint=topic_hint(config, topic)))
    if errors:
        raise BuildFailed(errors)
    assert match is not None and topic_name is not None
    return match.name, topic_name


def new_article(config: Config, provinces: ProvinceList, *, title: str, province: str, topic: str,
                section: str | None, tags: list[str], moment: datetime, author: str = "") -> Path:
    """Write a new article with valid front-matter and return its path."""
    if not title.strip():
        raise BuildFailed([ContentError(COMMAND_LINE, None, "--title", Text("the title is empty"))])
    moment = moment.replace(tzinfo=config.tz) if moment.tzinfo is None else moment.astimezone(config.tz)
    province_name, topic_name = resolve_names(config, provinces, province, topic, moment.date())
    draft = Draft(title=title.strip(), date=moment.replace(microsecond=0), province=province_name,
                  topic=topic_name, tags=tuple(tags), author=author,
                  body=sample_body(config.language))
    path = article_path(config, section, draft)
    write_new(path, format_article(draft))
    return path
