"""import-text: a plain-text dump of a news page -> a Markdown article with front-matter.

The dumps look like the pages of provincial union sites: an organisation line, a date line
("Thứ sáu, 02/06/2023 00:03 (GMT+7)"), the title, the body with image placeholders and
captions, an author line, then navigation blocks ("Xem Thêm", "Tin mới", "Các tin tức
khác") that are not part of the article.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml

from bantin.content.authoring import Draft, article_path, format_article, resolve_names, write_new
from bantin.content.parse import discover
from bantin.language.dates import DateInvalid, parse_date
from bantin.language.errors import BuildFailed
from bantin.language.messages import Text
from bantin.language.provinces import ProvinceList
from bantin.project.config import Config

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
    date_confidence: str = "high"  # how sure that date is: a key of CONFIDENCE


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
    date, start, date_from, confidence = None, 0, "", "high"
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
        for pattern, where, sureness in (
                (_OPENING_DATE, Text("the paragraph that opens with it"), "medium"),
                (_BODY_DATE, Text("the first date in the text (there is no date line: check it)"), "low")):
            for line in body:
                match = pattern.match(line) if pattern is _OPENING_DATE else pattern.search(line)
                if match:
                    day, month, year = map(int, match.groups())
                    try:
                        date = datetime(year, month, day, tzinfo=tz)
                    except ValueError:
                        continue
                    date_from, confidence = Text("{where}: {line!r}", where=where, line=line[:70]), sureness
                    break
            if date is not None:
                break
    return Parsed(title, date, body, author, source, date_from, confidence)


def guess_province(parsed: Parsed, provinces: ProvinceList) -> tuple[str, str] | None:
    """(province, why): the one named in the title, else the one the body names most (at least twice).
    The first is sure, the second likely (guess_province_confidence)."""
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


# How sure a guess is, as the editor reads it
CONFIDENCE = {"high": Text("sure"), "medium": Text("likely"), "low": Text("unsure, check it")}
TAGS_PROPOSED = 5  # at most, so the editor reads them all
_TOPIC_PARTS_RE = re.compile(r",\s*|\s+và\s+")  # "Tư vấn, phản biện và giám định xã hội" -> its three parts
_HEAD_BYTES = 8192  # enough for an article's header
_TAGS_LINE_RE = re.compile(r"^tags:\s*(\[.*\])\s*$", re.MULTILINE)
BODY_MAJORITY = 3  # mentions in the body that make an article about a topic, when no other has half as many
# An organisation's name in a title ("Trung tâm Tư vấn và Chuyển giao", "Quỹ Hỗ trợ sáng tạo kỹ thuật"): its
# noun, capitalised, then up to five words, the first capitalised, none of them what organisations do; a
# topic there is a word of the name, unless it is itself what the organisation does, in small letters
_ORGANISATION_RE = re.compile(r"(?:^|\s)(?:Trung tâm|Viện|Quỹ|Hội|Câu lạc bộ|Công ty|Trường)\s+((?:\S+\s+){0,5})$")
_ACTION_RE = re.compile(r"(?<!\w)(?:tổ chức|tọa đàm|khai mạc|bế mạc|chủ trì|phối hợp|tập huấn|hội thảo|hội nghị|"
                        r"làm việc|góp ý|phản biện|giám định|trao|tôn vinh|ký kết|triển khai|phát động|tổng kết|"
                        r"chuyển giao|kỷ niệm|gặp mặt|về|tư vấn)(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class Guess:
    """One thing the importer decided, how sure it is, and why."""

    value: str  # what it wrote; "" for a field it left out
    confidence: str  # a key of CONFIDENCE; "" when left out
    why: str  # a Text


def _mentions(phrase: str, text: str) -> int:
    """How often a phrase occurs in a text as whole words, ignoring case."""
    return len(re.findall(r"(?<!\w)" + re.escape(phrase.casefold()) + r"(?!\w)", text.casefold()))


def guess_topic(parsed: Parsed, topics: tuple[str, ...] | list[str]) -> Guess:
    """The topic an article is about, or why none is taken.

    About it means: named in the title (its name, or a part of a name made of several, such as
    "phản biện" of "Tư vấn, phản biện và giám định xã hội"), else named in full in the lead, else
    named in full in the body at least BODY_MAJORITY times and more than twice as often as any
    other. A topic named in passing ("cơ chế đãi ngộ tôn vinh trí thức" in an article about a
    working visit) is no evidence: the topic is left out and the editor told why.
    """
    lead = parsed.paragraphs[0] if parsed.paragraphs else ""
    body = " ".join(parsed.paragraphs[1:])
    in_title = [t for t in topics if any(_named_in_title(part, parsed.title) for part in _parts(t))]
    if len(in_title) == 1:  # sure when the text names it too: a title's word can be a subject in passing
        again = any(_mentions(part, " ".join(parsed.paragraphs)) for part in _parts(in_title[0]))
        return Guess(in_title[0], "high" if again else "medium",
                     Text("named in the title and the text") if again else Text("named in the title"))
    in_lead = [t for t in topics if _mentions(t, lead)]
    if len(in_lead) == 1 and not in_title:
        return Guess(in_lead[0], "medium", Text("named in the first paragraph"))
    counts = sorted(((_mentions(t, body), t) for t in topics), reverse=True)
    (best, topic), (second, _) = counts[0], counts[1] if len(counts) > 1 else (0, "")
    if not in_title and not in_lead and best >= BODY_MAJORITY and best > 2 * second:
        return Guess(topic, "medium", Text("named {count} times in the body, more than twice as often as any other",
                                          count=best))
    named = in_title or in_lead
    if named:
        return Guess("", "", Text("the title or the first paragraph names several topics ({names})",
                                  names=", ".join(named)))
    mentioned = [f"{t} ({count}×)" for count, t in counts if count]
    if mentioned:
        return Guess("", "", Text("no topic in the title or the first paragraph, and none named clearly most "
                                  "often in the body ({names})", names=", ".join(mentioned)))
    return Guess("", "", Text("the article names none of the site's topics"))


def _named_in_title(phrase: str, title: str) -> bool:
    """Is the phrase named in the title as its subject, not as a word of an organisation's name
    ("Trung tâm Tư vấn và Chuyển giao công nghệ tôn vinh trí thức" is not about tư vấn)?"""
    for match in re.finditer(r"(?<!\w)" + re.escape(phrase.casefold()) + r"(?!\w)", title.casefold()):
        name = _ORGANISATION_RE.search(title[: match.start()])
        words = name.group(1).split() if name else []
        lower = " ".join(word for word in words if not word[:1].isupper())  # capitalised words belong to names
        if (name is None or (words and not words[0][:1].isupper()) or _ACTION_RE.search(lower)
                or (not title[match.start()].isupper() and _ACTION_RE.match(phrase))):
            return True  # no name before it, or what the organisation does ("Hội Luật gia giám định xã hội ...")
    return False


def _parts(topic: str) -> list[str]:
    """A topic's name and, for a name made of several ("Tư vấn, phản biện và ..."), each part of two words or more."""
    parts = [p for p in _TOPIC_PARTS_RE.split(topic) if len(p.split()) >= 2]
    return list(dict.fromkeys([topic, *parts]))


def guess_tags(parsed: Parsed, existing: Counter[str]) -> list[Guess]:
    """Tags the site already uses that the title or the lead names, the title's first, the most used
    first; at most TAGS_PROPOSED."""
    lead = parsed.paragraphs[0] if parsed.paragraphs else ""
    found: list[Guess] = []
    for text, confidence, why in ((parsed.title, "high", Text("in the title")),
                                  (lead, "medium", Text("in the first paragraph"))):
        taken = {g.value.casefold() for g in found}
        for tag, _ in sorted(existing.items(), key=lambda item: (-item[1], item[0])):
            if tag.casefold() not in taken and _mentions(tag, text):
                found.append(Guess(tag, confidence, why))
    return found[:TAGS_PROPOSED]


def site_tags(config: Config) -> Counter[str]:
    """The tags the site's articles use, with how many use each (read from their headers only:
    about a second for 10,000 articles)."""
    counts: Counter[str] = Counter()
    for path in discover(config).sources:
        try:
            with path.open("rb") as file:  # the header is at the top: the body need not be read
                head = file.read(_HEAD_BYTES)
                text = (head if len(head) < _HEAD_BYTES or b"\n---" in head[3:] else head + file.read()).decode(
                    "utf-8-sig", errors="ignore")
        except OSError:
            continue  # `check` says what is wrong with it
        end = text.find("\n---", 3) if text.startswith("---") else -1
        tags = _tags_of(text[4:end]) if end > 0 else None
        if isinstance(tags, list):
            counts.update({unicodedata.normalize("NFC", str(t)).strip() for t in tags if str(t).strip()})
    return counts


def _tags_of(front: str) -> object:
    """The `tags` of a header: its one-line list read as JSON when it is one (as bantin and most editors
    write it), else the header read as YAML."""
    line = _TAGS_LINE_RE.search(front)
    if line:
        try:
            return json.loads(line.group(1))
        except ValueError:
            pass
    try:
        data = yaml.load(front, Loader=yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    return data.get("tags") if isinstance(data, dict) else None


def _said(what: Text, guess: Guess) -> Text:
    """'guessed topic Y tế (sure: named in the title)'."""
    return Text("guessed {what} ({confidence}: {why})", what=what, confidence=CONFIDENCE[guess.confidence],
                why=guess.why)


def import_text(file: Path, config: Config, provinces: ProvinceList, *, province: str | None,
                topic: str | None, section: str | None, date: str | None, tags: list[str],
                dry_run: bool = False, existing_tags: Counter[str] | None = None) -> Imported:
    """Import one dump under content/ (or only say what it would write, `dry_run`), saying what
    was guessed, how surely and why. Never overwrites a file. `existing_tags`: the site's tags
    (site_tags), read once for many files."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFailed(Text("cannot read it: {problem}", problem=getattr(exc, "strerror", None) or str(exc))
                           ) from None
    parsed = parse_text(text, config.tz)
    # the text's own date and province come first; --date and --province serve where it has none
    said: list[Text] = []
    if parsed.date is not None:
        moment = parsed.date
        said.append(_said(Text("date {date}", date=f"{moment:%d/%m/%Y %H:%M}"),
                          Guess("", parsed.date_confidence, Text("from {why}", why=parsed.date_from))))
    elif date:
        try:
            moment = parse_date(date, config.tz)
        except DateInvalid as invalid:
            raise ImportFailed(Text("--date: {problem}", problem=invalid.problem)) from None
    else:
        raise ImportFailed(Text("no date found in the text; pass {option}", option="--date 31/12/2024"))
    guessed = guess_province(parsed, provinces)
    if guessed is not None:
        sure = "high" if guessed[1] == Text("named in the title") else "medium"
        said.append(_said(Text("province {name}", name=guessed[0]), Guess(guessed[0], sure, guessed[1])))
    province_text = guessed[0] if guessed else (province or "")
    if not province_text:
        raise ImportFailed(Text("no province found in the text; pass {option}",
                                option="--province (--province 'Trung ương')"))
    # never invented: a topic comes from --topic, or the article is about one of the site's topics
    topic_guess = None if topic else guess_topic(parsed, config.topics)
    if topic_guess is not None and topic_guess.value:
        said.append(_said(Text("topic {name}", name=topic_guess.value), topic_guess))
    elif topic_guess is not None:
        said.append(Text("topic left out: {why}; choose one of the site's topics and write it in topic:",
                         why=topic_guess.why))
    proposed = [] if existing_tags is None else [
        g for g in guess_tags(parsed, existing_tags) if g.value.casefold() not in {t.casefold() for t in tags}]
    for guess in proposed:
        said.append(_said(Text("tag {name}", name=guess.value), guess))
    try:
        province_name, topic_name = resolve_names(config, provinces, province_text,
                                                  topic or (topic_guess.value if topic_guess else "") or
                                                  config.topics[0], moment.date())
    except BuildFailed as failed:
        problems = [Text("{problem} ({hint})", problem=e.message, hint=e.hint) if e.hint else e.message
                    for e in failed.errors]
        while len(problems) > 1:
            problems[:2] = [Text("{first}; {second}", first=problems[0], second=problems[1])]
        raise ImportFailed(problems[0]) from None
    if topic_guess is not None and not topic_guess.value:
        topic_name = ""  # left for the editor: `check` asks for it until it is written
    if not parsed.paragraphs:
        raise ImportFailed(Text("no body text found"))
    summary, *rest = parsed.paragraphs
    if rest:
        said.append(_said(Text("summary"), Guess("", "medium", Text("the first paragraph"))))
    if parsed.author:
        said.append(_said(Text("author {name}", name=parsed.author), Guess("", "medium", Text("the short last line"))))
    draft = Draft(
        title=parsed.title.rstrip("."),
        date=moment,
        province=province_name,
        topic=topic_name,
        body="\n\n".join(_escape_markdown(p) for p in rest) or _escape_markdown(summary),
        tags=(*tags, *(g.value for g in proposed)),
        summary=summary if rest else "",
        author=parsed.author,
        source=parsed.source,
    )
    path = article_path(config, section, draft)
    article = format_article(draft)
    if dry_run:
        return Imported(path, article, said)
    try:
        write_new(path, article)
    except BuildFailed as failed:
        raise ImportFailed(Text("{path} already exists; not overwritten", path=str(path))) from failed
    return Imported(path, article, said)


def _escape_markdown(paragraph: str) -> str:
    """Plain text that Markdown would misread: a leading '#', '-', '+', '>', or 'n.'."""
    if re.match(r"^([#>+*-]|\d+[.)])\s", paragraph):
        return "\\" + paragraph
    return paragraph
