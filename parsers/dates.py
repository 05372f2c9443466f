"""Parse the date formats news pages use into timezone-aware UTC datetimes, rejecting implausible ones."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from dateutil import parser as dateutil_parser

EARLIEST = datetime(1995, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)

_TZ_OFFSETS_HOURS = {
    "UTC": 0, "GMT": 0, "Z": 0, "UT": 0, "WET": 0, "BST": 1, "IST": 1, "WEST": 1, "CET": 1, "MET": 1,
    "CEST": 2, "MEST": 2, "EET": 2, "EEST": 3, "MSK": 3,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "ET": -5, "CT": -6, "MT": -7, "PT": -8, "AKST": -9, "AKDT": -8, "HST": -10, "AEST": 10, "AEDT": 11,
    "ACST": 9.5, "AWST": 8, "NZST": 12,
    "NZDT": 13, "JST": 9, "KST": 9, "SGT": 8, "HKT": 8,
}  # fmt: skip
_TZINFOS = {name: timezone(timedelta(hours=hours)) for name, hours in _TZ_OFFSETS_HOURS.items()}


def _lookup_tz(name: str | None, offset: int | None) -> timezone | None:
    """dateutil's tzinfos hook: known abbreviations and explicit offsets; unknown names stay naive (UTC)."""
    if offset is not None:
        return timezone(timedelta(seconds=offset))
    return _TZINFOS.get(name.upper()) if name else None


# Month names in the languages newsmon meets, mapped to English for dateutil.
_MONTHS = {
    "januar": "January", "jänner": "January", "janvier": "January", "enero": "January", "gennaio": "January",
    "janeiro": "January", "januari": "January",
    "februar": "February", "février": "February", "fevrier": "February", "febrero": "February",
    "febbraio": "February", "fevereiro": "February", "februari": "February",
    "märz": "March", "maerz": "March", "mars": "March", "marzo": "March", "março": "March",
    "maart": "March",
    "avril": "April", "abril": "April", "aprile": "April",
    "mai": "May", "mayo": "May", "maggio": "May", "maio": "May", "mei": "May",
    "juni": "June", "juin": "June", "junio": "June", "giugno": "June", "junho": "June",
    "juli": "July", "juillet": "July", "julio": "July", "luglio": "July", "julho": "July",
    "août": "August", "aout": "August", "agosto": "August", "augustus": "August",
    "septembre": "September", "septiembre": "September", "settembre": "September", "setembro": "September",
    "oktober": "October", "octobre": "October", "octubre": "October", "ottobre": "October",
    "outubro": "October",
    "novembre": "November", "noviembre": "November", "novembro": "November",
    "dezember": "December", "décembre": "December", "decembre": "December", "diciembre": "December",
    "dicembre": "December", "dezembro": "December",
}  # fmt: skip
_FOREIGN_MONTH = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True)) + r")\b", re.I
)
_ISO_LIKE = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$"
)
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:T?(\d{2})(\d{2})(\d{2})?)?Z?$")
_EPOCH = re.compile(r"^\d{9,10}(?:\d{3})?$")
_SLASHED = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")
_NOISE = re.compile(
    r"^\s*(?:published|posted|updated|last updated|first published|date|on|le|am|publié le|veröffentlicht)"
    r"\s*(?:on|at|am|le)?\s*:?\s*",
    re.I,
)
_ORDINAL = re.compile(r"(\d)(?:st|nd|rd|th)\b", re.I)
_DOT_TIME = re.compile(r"\b(\d{1,2})\.(\d{2})\s*(am|pm|[A-Z]{2,4}\b)", re.I)  # Guardian "10.30 GMT"
_GERMAN_DAY = re.compile(r"\b(\d{1,2})\.\s+(?=[A-Za-zä])")  # "5. März 2014"
_NEWS_TZ_WORDS = re.compile(r"\s*\((?:[A-Z]{2,5})\)\s*$")
_HAS_DIGIT = re.compile(r"\d")
_HAS_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)|^\d{1,2}[/.]\d{1,2}[/.]\d{2}\b")
_URL_DATE = re.compile(
    r"(?<!\d)((?:199[5-9]|20[0-9]{2}))([/_-])(0?[1-9]|1[0-2])\2(0?[1-9]|[12]\d|3[01])(?!\d)"
    r"|(?<!\d)(199[5-9]|20[0-9]{2})/([a-z]{3,9})/(0?[1-9]|[12]\d|3[01])(?!\d)"
    r"|/((?:199[5-9]|20[0-9]{2})(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))(?=/|[_-]|\.html?)",
    re.I,
)
_DEFAULT = datetime(2000, 1, 1)  # noqa: DTZ001 (dateutil fills missing fields from a naive default)


def _within_bounds(moment: datetime, now: datetime | None) -> datetime | None:
    """The moment, aware in its own offset (naive taken as UTC), or None when implausibly old or future."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    now = now if now is not None else datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    if moment < EARLIEST or moment > now + FUTURE_SLACK:
        return None
    return moment


def _parse_free_text(value: str) -> datetime | None:
    if not _HAS_YEAR.search(value):
        return None  # "Feb 12" or "3 comments": dateutil would invent the year
    text = _NOISE.sub("", value)
    text = _NEWS_TZ_WORDS.sub("", text)
    text = _ORDINAL.sub(r"\1", text)
    text = _DOT_TIME.sub(r"\1:\2 \3", text)
    text = _GERMAN_DAY.sub(r"\1 ", text)
    text = _FOREIGN_MONTH.sub(lambda m: _MONTHS[m.group(1).lower()], text)
    slashed = _SLASHED.match(text)
    try:
        if slashed:
            first, second = int(slashed.group(1)), int(slashed.group(2))
            # day-first (UK/European) unless that is impossible and month-first is not
            dayfirst = not (second > 12 >= first)
            return dateutil_parser.parse(text, dayfirst=dayfirst, default=_DEFAULT, tzinfos=_lookup_tz)
        return dateutil_parser.parse(text, default=_DEFAULT, tzinfos=_lookup_tz, fuzzy=True)
    except (ValueError, OverflowError, TypeError):
        return None


def parse_date(value: str, *, now: datetime | None = None) -> datetime | None:
    """Parse any common news date ("2025-02-12T10:30:00Z", "Wed, 12 Feb 2025 10:30:00 GMT",
    "12 February 2025", "February 12th, 2025 10.30am EST", "12/02/2025", "5. März 2014", epoch seconds)
    to a timezone-aware UTC datetime. Naive values are taken as UTC. Returns None for unparsable input,
    for dates more than a day after `now` (default: the current time) and for dates before 1995-01-01.
    """
    moment = parse_local_date(value, now=now)
    return moment.astimezone(UTC) if moment is not None else None


def parse_local_date(value: str, *, now: datetime | None = None) -> datetime | None:
    """Like parse_date, but keep the offset the value states: "2023-11-08T22:05:41-05:00" stays on
    8 November at -05:00 (parse_date gives 9 November 03:05 UTC). Its .date() is the publication date as
    the page's readers saw it. Naive values and zone-less text are taken as UTC."""
    if not value:
        return None
    text = " ".join(value.split())
    if not text or len(text) > 200 or not _HAS_DIGIT.search(text):
        return None
    moment: datetime | None = None
    if _ISO_LIKE.match(text):
        try:
            moment = datetime.fromisoformat(text.replace(",", "."))
        except ValueError:
            moment = None
    if moment is None and (compact := _COMPACT_DATE.match(text)):
        year, month, day, hour, minute, second = (int(g) if g else 0 for g in compact.groups())
        try:
            moment = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
        except ValueError:
            return None
    if moment is None and _EPOCH.match(text):
        seconds = int(text[:10])
        moment = datetime.fromtimestamp(seconds, tz=UTC)
    if moment is None and "," in text[:5] and text[:3].isalpha():
        try:
            moment = parsedate_to_datetime(text)  # RFC 2822, the feed and HTTP format
        except (ValueError, TypeError, IndexError):
            moment = None
    if moment is None:
        moment = _parse_free_text(text)
    if moment is None:
        return None
    return _within_bounds(moment, now)


def date_from_url(url: str, *, now: datetime | None = None) -> datetime | None:
    """Return the publication date written in a URL path (/2025/02/12/, /2025-02-12-, /2020/jan/20/,
    /20250212/), as midnight UTC, or None when the path holds no complete, plausible date."""
    if not url:
        return None
    for match in _URL_DATE.finditer(url):
        if match.group(1):
            year, month, day = int(match.group(1)), int(match.group(3)), int(match.group(4))
        elif match.group(5):
            month_name = match.group(6).lower()
            month_num = _month_number(month_name)
            if month_num is None:
                continue
            year, month, day = int(match.group(5)), month_num, int(match.group(7))
        else:
            digits = match.group(8)
            year, month, day = int(digits[:4]), int(digits[4:6]), int(digits[6:8])
        try:
            moment = datetime(year, month, day, tzinfo=UTC)
        except ValueError:
            continue
        return _within_bounds(moment, now)
    return None


_ENGLISH_MONTHS = (
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
)  # fmt: skip


def _month_number(name: str) -> int | None:
    name = _MONTHS.get(name, name).lower()
    prefix = name[:3]
    return _ENGLISH_MONTHS.index(prefix) + 1 if prefix in _ENGLISH_MONTHS else None


_MONTH_NAMES = "|".join(
    sorted(
        {*_MONTHS, "january", "february", "march", "april", "may", "june", "july", "august", "september",
         "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
         "oct", "nov", "dec"},
        key=len,
        reverse=True,
    )
)  # fmt: skip
_DATE_IN_TEXT = re.compile(
    r"(?<!\d)(?:19|20)\d{2}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?(?!\d)"
    r"|(?<![\d.])\d{1,2}[./]\s?\d{1,2}[./]\s?(?:19|20)\d{2}(?!\d)"
    rf"|(?<!\w)\d{{1,2}}(?:st|nd|rd|th)?\.?\s+(?:{_MONTH_NAMES})\.?,?\s+(?:19|20)\d{{2}}(?!\d)"
    rf"|(?<!\w)(?:{_MONTH_NAMES})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{{2}}(?!\d)",
    re.I,
)


def find_date_in_text(text: str, *, now: datetime | None = None) -> datetime | None:
    """Return the first plausible full date written in running text ("Posted January 22, 2014 by ...",
    "Wiesbaden, 11. November 2021", "29.12.2010 - 22:40"), or None."""
    for match in _DATE_IN_TEXT.finditer(text[:2000]):
        moment = parse_date(match.group(0), now=now)
        if moment is not None:
            return moment
    return None
