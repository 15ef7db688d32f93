"""Dates as editors write them and readers see them: one parser for the front matter, `new --date`,
`import-text --date`, and the forms pages print.

ISO (2024-12-31, 2024-12-31 08:30, 2024-12-31T08:30:00+07:00, ...Z) and the Vietnamese way,
day first (31/12/2024, 31/12/2024 08:30, 31-12-2024, 8h30). A value it refuses comes with the
value it would write where one can be guessed (2024/12/31, 12/31/2024, 31/12/24), so a hint
can always say what to write.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import Any

from bantin.language.messages import Text

_ISO_RE = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:(?:[Tt]|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6})\d*)?)?"
    r"\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$"
)
_TIME = r"(?:(?:\s+|\s*,\s*)(\d{1,2})(?:[:hH](\d{2})(?::(\d{2}))?|[hH]))?"  # 08:30, 8:30:15, 8h30, 8h
_DAY_FIRST_RE = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})" + _TIME + "$")
_YEAR_FIRST_RE = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})" + _TIME + "$")  # 2024/12/31
_SHORT_YEAR_RE = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{2})" + _TIME + "$")  # 31/12/24

EXAMPLE_ISO = "2024-12-31"  # the forms every hint about dates shows
FIRST_YEAR, LAST_YEAR = 1900, 2100  # an association's news: a year outside is a typing mistake (0000, 9999)
EXAMPLE_DAY_FIRST = "31/12/2024"
EXAMPLE_WITH_TIME = "31/12/2024 08:30"


class DateInvalid(ValueError):
    """A value that is not a date: `problem` says why, `suggestion` is what to write, if it can be guessed."""

    def __init__(self, problem: Text, suggestion: str | None = None) -> None:
        super().__init__(problem)
        self.problem, self.suggestion = problem, suggestion


def parse_date(value: Any, tz: tzinfo) -> datetime:
    """A date or date-time as an aware datetime; no offset means the site's time zone. DateInvalid otherwise."""
    if isinstance(value, date):
        _check_year(value.year, value)
    if isinstance(value, datetime):
        return value.replace(tzinfo=tz) if value.tzinfo is None else value.astimezone(tz)
    if isinstance(value, date):
        return datetime.combine(value, time(), tz)
    if not isinstance(value, str):
        raise DateInvalid(Text("expected a date, got {value!r}", value=value))
    text = value.strip()
    match = _ISO_RE.match(text)
    if match:
        year, month, day, hour, minute, second, fraction, offset = match.groups()
        moment = _moment(value, int(year), int(month), int(day), hour, minute, second, fraction)
        return moment.replace(tzinfo=tz) if offset is None else _with_offset(moment, offset, value).astimezone(tz)
    match = _DAY_FIRST_RE.match(text)
    if match:
        day, _, month, year, hour, minute, second = match.groups()
        return _moment(value, int(year), int(month), int(day), hour, minute, second).replace(tzinfo=tz)
    raise DateInvalid(Text("{value!r} is not a date", value=value), _guess(text, tz))


def written(moment: datetime) -> str:
    """How bantin writes a moment into an article: ISO with the offset, to the second."""
    return moment.isoformat(timespec="seconds")


def _moment(value: str, year: int, month: int, day: int, hour: str | None, minute: str | None,
            second: str | None, fraction: str | None = None) -> datetime:
    """The naive moment, or DateInvalid saying which part does not exist, in words."""
    _check_year(year, value)
    hours, minutes, seconds = int(hour or 0), int(minute or 0), int(second or 0)
    problem = None
    if not 1 <= month <= 12:
        problem = Text("there is no month {month}", month=month)
    elif not 1 <= day <= calendar.monthrange(year, month)[1]:
        problem = Text("month {month}/{year} has {days} days", month=month, year=year,
                       days=calendar.monthrange(year, month)[1])
    elif hours > 23 or minutes > 59 or seconds > 59:
        problem = Text("there is no time {time}", time=f"{hours:02d}:{minutes:02d}")
    if problem is not None:
        raise DateInvalid(Text("impossible date {value!r}: {problem}", value=value, problem=problem),
                          _swapped(year, month, day, hours, minutes))
    return datetime(year, month, day, hours, minutes, seconds, int((fraction or "0").ljust(6, "0")))


def _check_year(year: int, value: object) -> None:
    """A year bantin takes: FIRST_YEAR to LAST_YEAR (Python's own range ends at 9999, and a time zone
    can push 9999-12-31 past it)."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DateInvalid(Text("{value!r}: the year {year} is not one bantin takes ({first} to {last})",
                               value=str(value), year=year, first=FIRST_YEAR, last=LAST_YEAR))


def _swapped(year: int, month: int, day: int, hour: int, minute: int) -> str | None:
    """Month and day written the other way round (12/31/2024, 2024-31-12): the date meant, if it exists."""
    if hour > 23 or minute > 59 or not (1 <= day <= 12 and month > 12):
        return None
    try:
        return _iso(datetime(year, day, month, hour, minute))
    except ValueError:
        return None


def _with_offset(moment: datetime, offset: str, value: str) -> datetime:
    if offset in ("Z", "z"):
        return moment.replace(tzinfo=UTC)
    digits = offset[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 23 or minutes > 59:
        raise DateInvalid(Text("impossible offset in {value!r}", value=value))
    sign = -1 if offset[0] == "-" else 1
    return moment.replace(tzinfo=timezone(sign * timedelta(hours=hours, minutes=minutes)))


def _guess(text: str, tz: tzinfo) -> str | None:
    """What a value that is no date probably means, written as bantin reads it: 2024/12/31 and
    31/12/24 give 2024-12-31; None when nothing can be guessed."""
    match = _YEAR_FIRST_RE.match(text)
    if match:
        year, month, day, hour, minute, _ = match.groups()
    else:
        match = _SHORT_YEAR_RE.match(text)
        if not match:
            return None
        day, _, month, short, hour, minute, _ = match.groups()
        year = str(2000 + int(short))
    try:
        return _iso(datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0)))
    except ValueError:
        return None


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M" if _timed(moment) else "%Y-%m-%d")


def date_hint(error: DateInvalid, field: str = "date") -> Text:
    """What to write instead: the value meant, when it can be guessed, else the accepted forms.
    `field` is a front-matter field ("date") or an option ("--date")."""
    if error.suggestion:
        written_as = f"{field} {error.suggestion}" if field.startswith("-") else f"{field}: {error.suggestion}"
        return Text("did you mean {value}? write {written}", value=error.suggestion, written=written_as)
    return Text("write the date as {iso} or {day_first} (day/month/year), with the time if you like: {example}",
                iso=EXAMPLE_ISO, day_first=EXAMPLE_DAY_FIRST, example=EXAMPLE_WITH_TIME)


# -- as readers see them --------------------------------------------------------------------

WEEKDAYS = ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật")


def gmt_offset(moment: datetime) -> str:
    """'GMT+7', 'GMT+5:30' or 'GMT' for the offset of an aware datetime."""
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "GMT"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"GMT{sign}{hours}" + (f":{rest:02d}" if rest else "")


def _timed(moment: datetime) -> bool:
    """Whether a moment has a time of day to print: midnight is what a date given without one becomes
    (`date: 2023-06-02`), so it is printed as the day alone, as `_iso` writes it back."""
    return bool(moment.hour or moment.minute)


def vietnamese_datetime(moment: datetime) -> str:
    """'Thứ sáu, 02/06/2023 00:03 (GMT+7)', the form Vietnamese news sites print; 'Thứ sáu, 02/06/2023'
    for a date given without its time."""
    if not _timed(moment):
        return f"{WEEKDAYS[moment.weekday()]}, {vietnamese_date(moment)}"
    return f"{WEEKDAYS[moment.weekday()]}, {moment:%d/%m/%Y %H:%M} ({gmt_offset(moment)})"


def vietnamese_date(moment: datetime) -> str:
    """'02/06/2023'."""
    return f"{moment:%d/%m/%Y}"


ENGLISH_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ENGLISH_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                  "October", "November", "December")


def english_datetime(moment: datetime) -> str:
    """'Friday, 2 June 2023, 00:03 (GMT+7)': day first, as international news sites print it; 'Friday,
    2 June 2023' for a date given without its time."""
    if not _timed(moment):
        return f"{ENGLISH_WEEKDAYS[moment.weekday()]}, {english_date(moment)}"
    return f"{ENGLISH_WEEKDAYS[moment.weekday()]}, {english_date(moment)}, {moment:%H:%M} ({gmt_offset(moment)})"


def english_date(moment: datetime) -> str:
    """'2 June 2023'."""
    return f"{moment.day} {ENGLISH_MONTHS[moment.month - 1]} {moment.year}"


def datetime_in(language: str, moment: datetime) -> str:
    """A moment as the pages of a site in `language` print it: Vietnamese, else English."""
    return vietnamese_datetime(moment) if _vietnamese(language) else english_datetime(moment)


def date_in(language: str, moment: datetime) -> str:
    """A day as the pages of a site in `language` print it: '02/06/2023', else '2 June 2023'."""
    return vietnamese_date(moment) if _vietnamese(language) else english_date(moment)


def month_in(language: str, year: int, month: int, word: str, with_year: bool = True) -> str:
    """A month as a heading: 'Tháng 6/2023' ('Tháng': `word`, site.toml's), else 'June 2023'; 'Tháng 6', 'June'."""
    if _vietnamese(language):
        return f"{word} {month}/{year}" if with_year else f"{word} {month}"
    return f"{ENGLISH_MONTHS[month - 1]} {year}" if with_year else ENGLISH_MONTHS[month - 1]


def _vietnamese(language: str) -> bool:
    return language.replace("_", "-").split("-")[0].lower() == "vi"
