"""import-text: a plain-text dump of a news page -> a Markdown article with front-matter.

The dumps look like the pages of provincial union sites: an organisation line, a date line
("Thứ sáu, 02/06/2023 00:03 (GMT+7)"), the title, the body with image placeholders and
captions, an author line, then navigation blocks ("Xem Thêm", "Tin mới", "Các tin tức
khác") that are not part of the article.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bantin.authoring import Draft, article_path, format_article, resolve_names, write_new
from bantin.config import Config
from bantin.content import parse_date
from bantin.errors import BuildFailed
from bantin.messages import Text
from bantin.provinces import ProvinceList

# A line that starts page navigation: the article ends before it.
_NAVIGATION = re.compile(
    r"^(icon\s+)?(xem thêm|tin mới|tin liên quan|các tin tức khác|tin khác|đọc nhiều|copy link|"
    r"submit thread to)\b", re.IGNORECASE)
# Page furniture that may sit among the first lines or inside the body.
_FURNITURE = re.compile(r"^(hotline:|.*\d+°C|tm-img-alt$|chia sẻ$|share$)", re.IGNORECASE)
_DATE_LINE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\d{1,2}):(\d{2}))?")
_BODY_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})\b")
# "Ngày 29/01/2021, ...", "Chiều ngày 07/12/2021, ...": a paragraph that opens with the event's day
_OPENING_DATE = re.compile(r"^(?:(?:sáng|chiều|tối|trưa)\s+)?(?:ngày|hôm)?\s*(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})\b",
                           re.IGNORECASE)
_SOURCE = re.compile(r"^\(?\s*nguồn\s*:\s*(.+?)\s*\)?$", re.IGNORECASE)
_ORGANISATION = re.compile(r"^liên hiệp (các )?hội", re.IGNORECASE)


class ImportFailed(Exception):
    """The text could not be turned into an article; the message says what to pass."""


@dataclass(frozen=True)
class Parsed:
    """What the importer read from a text dump."""

    title: str
    date: datetime | None
    paragraphs: list[str]
    author: str
    source: str
    date_from: str = ""  # where the date came from, in words, for the editor


@dataclass(frozen=True)
class Imported:
    """An imported article: where it goes, its text, and what was guessed and why."""

    path: Path
    text: str
    guesses: list[str]


def parse_text(text: str, tz) -> Parsed:  # type: ignore[no-untyped-def]
    """Split a dump into title, date, body paragraphs, author and source."""
    text = unicodedata.normalize("NFC", text.replace("\ufeff", "").replace("\u00a0", " "))
    lines = [re.sub(r"\s+", " ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    lines = [line for line in lines if line]
    # the date line, if any, is among the first lines; the title follows it
    date, start, date_from = None, 0, ""
    for index, line in enumerate(lines[:6]):
        match = _DATE_LINE.search(line)
        if match and len(line) < 60 and not line.endswith("."):  # a date line, not a short sentence
            day, month, year, hour, minute = match.groups()
            date = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), tzinfo=tz)
            start, date_from = index + 1, Text("the date line at the top ({line!r})", line=line)
            break
    content = [line for line in lines[start:] if not _FURNITURE.match(line)]
    if not date:
        content = [line for line in content if not _ORGANISATION.match(line) or len(line.split()) > 12]
    if not content:
        raise ImportFailed(Text("no title found"))
    title, body = content[0], []
    for line in content[1:]:
        if _NAVIGATION.match(line):
            break
        if body and line == body[-1]:
            continue  # image alt text and caption often repeat
        body.append(line)
    source = ""
    for line in list(body):
        match = _SOURCE.match(line)
        if match:
            source = match.group(1).strip()
            body.remove(line)
    body = [line for line in body if line != title]  # the image alt text repeats the title
    author = ""
    if body and len(body[-1].split()) <= 12 and not body[-1].endswith((".", "!", "?", ":")):
        author = body.pop()
    if date is None:
        # no date line: a paragraph that opens with a day tells the event's; a date inside a
        # sentence is often that of a letter or a decision the article cites
        for pattern, where in ((_OPENING_DATE, Text("the paragraph that opens with it")),
                               (_BODY_DATE, Text("the first date in the text (there is no date line: check it)"))):
            for line in body:
                match = pattern.match(line) if pattern is _OPENING_DATE else pattern.search(line)
                if match:
                    day, month, year = map(int, match.groups())
                    try:
                        date = datetime(year, month, day, tzinfo=tz)
                    except ValueError:
                        continue
                    date_from = Text("{where}: {line!r}", where=where, line=line[:70])
                    break
            if date is not None:
                break
    return Parsed(title, date, body, author, source, date_from)


def guess_province(parsed: Parsed, provinces: ProvinceList) -> tuple[str, str] | None:
    """(province, why): the one named in the title, else the one the body names most (at least twice)."""
    names: dict[str, str] = {}
    for province in provinces.by_slug.values():
        if not province.national:
            names[province.name.removeprefix("TP. ")] = province.name
    pattern = re.compile(r"(?<!\w)(" + "|".join(sorted(map(re.escape, names), key=len, reverse=True)) + r")(?!\w)")
    in_title = pattern.findall(parsed.title)
    if in_title:
        return names[in_title[0]], Text("named in the title")
    counts = Counter(names[m] for m in pattern.findall(" ".join(parsed.paragraphs)))
    if counts:
        (best, count), *rest = counts.most_common()
        if count >= 2 and (not rest or rest[0][1] < count):
            return best, Text("named {count} times in the body, more than any other", count=count)
    return None


def import_text(file: Path, config: Config, provinces: ProvinceList, *, province: str | None,
                topic: str | None, section: str | None, date: str | None, tags: list[str],
                dry_run: bool = False) -> Imported:
    """Import one dump under content/ (or only say what it would write, `dry_run`), saying what
    was guessed and why. Never overwrites a file."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFailed(Text("cannot read it: {problem}", problem=getattr(exc, "strerror", None) or str(exc))
                           ) from None
    parsed = parse_text(text, config.tz)
    # the text's own date and province come first; --date and --province serve where it has none
    guesses: list[Text] = []
    if parsed.date is not None:
        moment = parsed.date
        guesses.append(Text("date {date}: from {why}", date=f"{moment:%d/%m/%Y %H:%M}", why=parsed.date_from))
    elif date:
        try:
            moment = parse_date(date, config.tz)
        except ValueError as exc:
            raise ImportFailed(Text("--date: {problem}", problem=exc.args[0])) from None
    else:
        raise ImportFailed(Text("no date found in the text; pass {option}", option="--date YYYY-MM-DD"))
    guessed = guess_province(parsed, provinces)
    if guessed is not None:
        guesses.append(Text("province {name}: {why}", name=guessed[0], why=guessed[1]))
    province_text = guessed[0] if guessed else (province or "")
    if not province_text:
        raise ImportFailed(Text("no province found in the text; pass {option}",
                                option="--province (--province 'Trung ương')"))
    # never invented: a topic comes from --topic, or is one of the site's topics named in the text
    article_text = " ".join([parsed.title, *parsed.paragraphs]).casefold()  # not the page's menus and links
    named = None if topic else next((t for t in config.topics if t.casefold() in article_text), None)
    if named:
        guesses.append(Text("topic {name}: the article names it", name=named))
    if not (topic or named):
        raise ImportFailed(Text("the article names none of the site's topics; pass --topic (topics: {names})",
                                names=", ".join(config.topics)))
    try:
        province_name, topic_name = resolve_names(config, provinces, province_text, topic or named or "")
    except BuildFailed as failed:
        problems = [Text("{problem} ({hint})", problem=e.message, hint=e.hint) if e.hint else e.message
                    for e in failed.errors]
        while len(problems) > 1:
            problems[:2] = [Text("{first}; {second}", first=problems[0], second=problems[1])]
        raise ImportFailed(problems[0]) from None
    if not parsed.paragraphs:
        raise ImportFailed(Text("no body text found"))
    summary, *rest = parsed.paragraphs
    if rest:
        guesses.append(Text("summary: the first paragraph"))
    if parsed.author:
        guesses.append(Text("author {name}: the short last line", name=parsed.author))
    draft = Draft(
        title=parsed.title.rstrip("."),
        date=moment,
        province=province_name,
        topic=topic_name,
        body="\n\n".join(_escape_markdown(p) for p in rest) or _escape_markdown(summary),
        tags=tuple(tags),
        summary=summary if rest else "",
        author=parsed.author,
        source=parsed.source,
    )
    path = article_path(config, section, draft)
    article = format_article(draft)
    if dry_run:
        return Imported(path, article, guesses)
    try:
        write_new(path, article)
    except BuildFailed as failed:
        raise ImportFailed(Text("{path} already exists; not overwritten", path=str(path))) from failed
    return Imported(path, article, guesses)


def _escape_markdown(paragraph: str) -> str:
    """Plain text that Markdown would misread: a leading '#', '-', '+', '>', or 'n.'."""
    if re.match(r"^([#>+*-]|\d+[.)])\s", paragraph):
        return "\\" + paragraph
    return paragraph
