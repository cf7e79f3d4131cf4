"""Publication dates from short date lines ("July 8, 2020 - 18:20", "2020-07-08", ...).

Fast paths are plain regular expressions and ``datetime`` constructors; ``dateparser`` is
only a fallback for short lines with a four-digit year. A date line is short (under 60
characters) and holds nothing but a date, an optional time and a few filler words
("Published", "Updated", a weekday, a time zone), so a body sentence that mentions a date
is never taken for one.

Numeric dates: ``08/07/2020`` is read day-first (8 July) by default, as most non-US
outlets write it; a component above 12 always decides (``07/30/2020`` is 30 July), and
``day_first=False`` reads ambiguous ones US style. Time zones are dropped: the time is
kept as written (the outlet's wall clock).
"""

from __future__ import annotations

import re
from datetime import date, datetime

MAX_DATE_LINE = 60

_MONTHS = {
    name: number
    for number, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
         ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
         ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")],
        start=1,
    )
    for name in names
}
_FILLER = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs "
    "fri sat sun published updated posted last modified on at date dated am pm a.m p.m "
    "gmt utc ist est edt cet cest bst irst irdt pst pdt eet eest msk z local time".split()
)
_ISO = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
_SUFFIX = r"(?:st|nd|rd|th)?"
_MONTH_FIRST = re.compile(
    rf"\b(?P<mon>[A-Za-z]{{3,9}})\.?\s+(?P<day>\d{{1,2}}){_SUFFIX},?\s+(?P<year>\d{{4}})\b"
)
_DAY_FIRST = re.compile(
    rf"\b(?P<day>\d{{1,2}}){_SUFFIX}\s+(?:of\s+)?(?P<mon>[A-Za-z]{{3,9}})\.?,?\s+(?P<year>\d{{4}})\b"
)
_YEAR_FIRST = re.compile(r"\b(?P<year>\d{4})[/.](?P<a>\d{1,2})[/.](?P<b>\d{1,2})\b")
_NUMERIC = re.compile(r"\b(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4})\b")
_TIME = re.compile(
    r"\b(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?\s*(?P<ap>[ap]\.?m\.?)?(?![\w])", re.IGNORECASE
)
_TZ_OFFSET = re.compile(r"[+-]\d{2}:?\d{2}\b")
_LEFTOVER = re.compile(r"[A-Za-z.]+|\d+")


def parse_published(text: str, *, day_first: bool = True) -> date | datetime | None:
    """The date (or date and time) a short date line gives, or None if it is not one."""
    line = " ".join(text.split())
    if not line or len(line) >= MAX_DATE_LINE or not re.search(r"\d", line):
        return None
    if _ISO.fullmatch(line):
        return _from_iso(line)
    found = _textual(line, day_first=day_first)
    if found is not None:
        return found
    return _with_dateparser(line, day_first=day_first)


def _from_iso(line: str) -> date | datetime | None:
    try:
        if len(line) == 10:
            return datetime.strptime(line, "%Y-%m-%d").date()
        return datetime.fromisoformat(line).replace(tzinfo=None)
    except ValueError:
        return None


def _textual(line: str, *, day_first: bool) -> date | datetime | None:
    found = _find_date(line, day_first=day_first)
    if found is None:
        return None
    day, (start, end) = found
    rest = line[:start] + " " + line[end:]
    clock = _TIME.search(rest)
    if clock:
        rest = rest[: clock.start()] + " " + rest[clock.end():]
    if not _only_filler(_TZ_OFFSET.sub(" ", rest)):
        return None
    if clock is None:
        return day
    hour, minute = int(clock["h"]), int(clock["m"])
    second = int(clock["s"] or 0)
    marker = (clock["ap"] or "").lower().replace(".", "")
    if marker == "pm" and hour < 12:
        hour += 12
    elif marker == "am" and hour == 12:
        hour = 0
    try:
        return datetime(day.year, day.month, day.day, hour, minute, second)
    except ValueError:
        return day


def _find_date(line: str, *, day_first: bool) -> tuple[date, tuple[int, int]] | None:
    for pattern in (_MONTH_FIRST, _DAY_FIRST):
        for match in pattern.finditer(line):
            month = _MONTHS.get(match["mon"].lower())
            if month is not None:
                return _make(int(match["year"]), month, int(match["day"]), match.span())
    found = _YEAR_FIRST.search(line)
    if found:
        return _make(int(found["year"]), int(found["a"]), int(found["b"]), found.span())
    found = _NUMERIC.search(line)
    if found:
        a, b = int(found["a"]), int(found["b"])
        day, month = (a, b) if (a > 12 or (day_first and b <= 12)) else (b, a)
        return _make(int(found["year"]), month, day, found.span())
    return None


def _make(year: int, month: int, day: int, span: tuple[int, int]) -> tuple[date, tuple[int, int]] | None:
    try:
        return date(year, month, day), span
    except ValueError:
        return None


def _only_filler(rest: str) -> bool:
    for token in _LEFTOVER.findall(rest):
        word = token.lower().strip(".")
        if word and word not in _FILLER:
            return False
    return True


def _with_dateparser(line: str, *, day_first: bool) -> date | datetime | None:
    """Last resort for odd but short date lines; needs a 4-digit year and few words."""
    if not re.search(r"\b(1[89]|20)\d\d\b", line) or len(line.split()) > 8:
        return None
    import dateparser  # slow import: only when the fast paths fail

    settings = {
        "RETURN_AS_TIMEZONE_AWARE": False,
        "PREFER_DAY_OF_MONTH": "first",
        "REQUIRE_PARTS": ["day", "month", "year"],
        "DATE_ORDER": "DMY" if day_first else "MDY",
    }
    try:
        found = dateparser.parse(line, languages=["en"], settings=settings)
    except (ValueError, TypeError, OverflowError):
        return None
    if found is None:
        return None
    return found.replace(tzinfo=None) if re.search(r"\d:\d\d", line) else found.date()
