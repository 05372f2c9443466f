"""Unit tests for parsers.dates: formats, timezones, URL dates, and rejection of implausible dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from parsers.dates import date_from_url, find_date_in_text, parse_date, parse_local_date

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-02-12T10:30:00Z", datetime(2025, 2, 12, 10, 30, tzinfo=UTC)),
        ("2025-02-12T10:30:00.000+01:00", datetime(2025, 2, 12, 9, 30, tzinfo=UTC)),
        ("2025-02-12T10:30:00+0100", datetime(2025, 2, 12, 9, 30, tzinfo=UTC)),
        ("2025-02-12", datetime(2025, 2, 12, tzinfo=UTC)),
        ("2025-02-12 10:30:00", datetime(2025, 2, 12, 10, 30, tzinfo=UTC)),  # naive: taken as UTC
        ("20250212", datetime(2025, 2, 12, tzinfo=UTC)),
        ("Wed, 12 Feb 2025 10:30:00 GMT", datetime(2025, 2, 12, 10, 30, tzinfo=UTC)),
        ("Wed, 12 Feb 2025 10:30:00 +0000", datetime(2025, 2, 12, 10, 30, tzinfo=UTC)),
        ("12 February 2025", datetime(2025, 2, 12, tzinfo=UTC)),
        ("February 12th, 2025 10.30am EST", datetime(2025, 2, 12, 15, 30, tzinfo=UTC)),
        ("Wed 12 Feb 2025 10.30 GMT", datetime(2025, 2, 12, 10, 30, tzinfo=UTC)),
        ("Published: 12 Feb 2025, 14:05 BST", datetime(2025, 2, 12, 13, 5, tzinfo=UTC)),
        ("Updated February 12, 2025 at 5:03 p.m. ET", datetime(2025, 2, 12, 22, 3, tzinfo=UTC)),
        ("Feb. 12, 2025", datetime(2025, 2, 12, tzinfo=UTC)),
        ("12/02/2025", datetime(2025, 2, 12, tzinfo=UTC)),  # UK order by default
        ("02/13/2025", datetime(2025, 2, 13, tzinfo=UTC)),  # month first only when day first is impossible
        ("12.02.2025", datetime(2025, 2, 12, tzinfo=UTC)),
        ("5. März 2014", datetime(2014, 3, 5, tzinfo=UTC)),
        ("12 avril 2017", datetime(2017, 4, 12, tzinfo=UTC)),
        ("1739356200", datetime(2025, 2, 12, 10, 30, tzinfo=UTC)),
    ],
)
def test_parse_date_formats(value: str, expected: datetime) -> None:
    assert parse_date(value, now=NOW) == expected


def test_local_date_keeps_the_stated_offset() -> None:
    moment = parse_local_date("2023-11-08T22:05:41-05:00", now=NOW)
    assert moment is not None and moment.utcoffset() == timedelta(hours=-5)
    assert moment.date() == date(2023, 11, 8)  # the page's calendar day; in UTC it is 9 November
    assert moment == parse_date("2023-11-08T22:05:41-05:00", now=NOW)  # the same instant
    assert parse_local_date("Tue, 8 Nov 2023 22:05:00 -0500", now=NOW).date() == date(2023, 11, 8)
    assert parse_local_date("November 8, 2023 10:05 p.m. ET", now=NOW).date() == date(2023, 11, 8)
    naive = parse_local_date("2023-11-08 22:05", now=NOW)
    assert naive is not None and naive.tzinfo is UTC  # no offset stated: taken as UTC
    assert parse_local_date("2031-01-01T00:00:00+09:00", now=NOW) is None  # still bounded
    assert parse_local_date("", now=NOW) is None


def test_result_is_aware_utc() -> None:
    moment = parse_date("2025-02-12T23:30:00-05:00", now=NOW)
    assert moment is not None and moment.tzinfo is UTC
    assert moment == datetime(2025, 2, 13, 4, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "value", ["", "   ", "soon", "3 comments", "Feb 12", "not a date 99", "2025-13-45", "x" * 300]
)
def test_parse_date_unparsable(value: str) -> None:
    assert parse_date(value, now=NOW) is None


def test_future_dates_rejected_beyond_one_day() -> None:
    assert parse_date("2025-06-02T11:00:00Z", now=NOW) is not None  # within the one-day slack
    assert parse_date("2025-06-02T13:00:00Z", now=NOW) is None
    assert parse_date("2031-01-01", now=NOW) is None


def test_too_old_dates_rejected() -> None:
    assert parse_date("1994-12-31T23:59:59Z", now=NOW) is None
    assert parse_date("1995-01-01T00:00:00Z", now=NOW) == datetime(1995, 1, 1, tzinfo=UTC)


def test_default_now_is_the_clock() -> None:
    assert parse_date("2999-01-01") is None
    assert parse_date("2020-01-01") == datetime(2020, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.example/2025/02/12/slug", datetime(2025, 2, 12, tzinfo=UTC)),
        ("https://a.example/news/2025-02-12-slug", datetime(2025, 2, 12, tzinfo=UTC)),
        ("https://a.example/uk-news/2020/jan/20/story", datetime(2020, 1, 20, tzinfo=UTC)),
        ("https://a.example/news/20250212/story", datetime(2025, 2, 12, tzinfo=UTC)),
        ("https://a.example/2025/2/3/slug", datetime(2025, 2, 3, tzinfo=UTC)),
    ],
)
def test_date_from_url(url: str, expected: datetime) -> None:
    assert date_from_url(url, now=NOW) == expected


@pytest.mark.parametrize(
    "url",
    ["https://a.example/2025/02/slug", "https://a.example/article/123456789",
     "https://a.example/2025/02/31/x",
     "https://a.example/2030/01/01/future", "https://a.example/1990/01/01/old", ""],
)  # fmt: skip
def test_date_from_url_none(url: str) -> None:
    assert date_from_url(url, now=NOW) is None


def test_find_date_in_text() -> None:
    dateline = "Hofheim | Wiesbaden, 11. November 2021"
    assert find_date_in_text(dateline, now=NOW) == datetime(2021, 11, 11, tzinfo=UTC)
    posted = "Posted on January 22, 2014 by admin"
    assert find_date_in_text(posted, now=NOW) == datetime(2014, 1, 22, tzinfo=UTC)
    assert find_date_in_text("29.12.2010 - 22:40", now=NOW) == datetime(2010, 12, 29, tzinfo=UTC)
    assert find_date_in_text("no date in here, only 2021", now=NOW) is None
