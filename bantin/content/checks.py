"""Warnings about articles that are valid but probably not what the editor meant: a copy of
another article, an article dated in the future (left out of the site without a word otherwise),
a province that no longer existed on the article's day."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta, tzinfo

from bantin.content.model import Article
from bantin.language.errors import ContentError
from bantin.language.messages import Text
from bantin.language.provinces import ProvinceList


def copies(articles: list[Article]) -> list[ContentError]:
    """An article with the title and day of another (a file copied under another name): a warning
    on the second, in the order of their paths, naming the first."""
    first: dict[tuple[str, object], Article] = {}
    found = []
    for article in sorted(articles, key=lambda a: a.key):
        key = (unicodedata.normalize("NFC", article.title).casefold().strip(), article.date.date())
        original = first.setdefault(key, article)
        if original is not article:
            found.append(ContentError(
                article.key, article.lines.get("title"), "title",
                Text("same title and date as {other}: is it a copy?", other=original.key),
                hint=Text("delete one of the two files, or change the title or the date of this one")))
    return found


QUIET_DAYS = 60  # GitHub turns a public repository's scheduled runs off after this many days without activity


def dated_later(articles: list[Article], now: datetime, tz: tzinfo) -> list[ContentError]:
    """Each article left out because it is dated after the build time: its date, and how to publish it now;
    one dated further than GitHub's 60 quiet days also says how to publish it on its day if the daily run,
    which publishes it, has been turned off by then."""
    today = now.astimezone(tz).date().isoformat()
    found = []
    for article in sorted(articles, key=lambda a: a.key):
        date = f"{article.date:%d/%m/%Y %H:%M}"
        hint = Text("to publish it now, write date: {today} (if the year is a typo, correct it)", today=today)
        if article.date - now > timedelta(days=QUIET_DAYS):
            hint = Text("{hint}; the site's daily run publishes it on {date}, unless GitHub has turned the daily run "
                        "off by then (after {days} days without a push): if it has not appeared that day, run the "
                        "workflow by hand (Actions, Site, Run workflow) or push any change", hint=hint,
                        date=f"{article.date:%d/%m/%Y}", days=QUIET_DAYS)
        found.append(ContentError(article.key, article.lines.get("date"), "date",
                                  Text("dated {date}, later than now: left out of the site until then", date=date),
                                  hint=hint))
    return found


def merged_away(articles: list[Article], provinces: ProvinceList) -> list[ContentError]:
    """An article dated on or after the day its province became part of another (Hà Giang, part of Tuyên Quang
    since 1 July 2025): a warning naming today's province. One dated before keeps its province without a word."""
    found = []
    for article in sorted(articles, key=lambda a: a.key):
        unit = provinces.merged_away(article.province, article.date.date())
        if unit is not None:
            found.append(merged_warning(article.key, article.lines.get("province"), provinces,
                                        article.province, unit.slug))
    return found


def merged_warning(path: str, line: int | None, provinces: ProvinceList, former: str, today: str) -> ContentError:
    """'Hà Giang has been part of Tuyên Quang since 01/07/2025: write province: Tuyên Quang'."""
    unit, name = provinces.by_slug[former], provinces.by_slug[today].name
    since = unit.since or provinces.merger_date
    return ContentError(path, line, "province",
                        Text("{former} has been part of {today} since {day}, before the article's date",
                             former=unit.name, today=name.removeprefix("TP. "), day=f"{since:%d/%m/%Y}"),
                        hint=Text("write province: {value} (it lists the articles of {former} too)", value=name,
                                  former=unit.name))
