"""Feed parsing: RSS/Atom bytes in, a ParsedFeed with plain FeedEntry records out (never raises on bad XML)."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime
from urllib.parse import urljoin

import feedparser

from parsers.records import FeedEntry, ParsedFeed


class FeedError(ValueError):
    """The bytes are not a usable feed (no entries and not a feed document)."""


def _entry_time(entry: feedparser.FeedParserDict) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            try:
                moment = datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
            except (OverflowError, ValueError, TypeError):
                continue
            if moment.year >= 1995:
                return moment
    return None


def _entry_url(entry: feedparser.FeedParserDict, base: str) -> str | None:
    link = entry.get("link")
    if not link:
        for candidate in entry.get("links", ()):
            if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
                link = candidate["href"]
                break
    if not link and str(entry.get("id", "")).startswith(("http://", "https://")):
        link = entry["id"]
    if not link:
        return None
    absolute = urljoin(base, str(link).strip())
    return absolute if absolute.startswith(("http://", "https://")) else None


def parse_feed(data: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse RSS/Atom bytes; keep what parsed from a malformed (bozo) feed; raise FeedError if nothing is a feed."""
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(data, response_headers=headers)
    bozo_reason = None
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        bozo_reason = f"{type(exc).__name__}: {exc}".strip() if exc else "malformed feed"
    entries = []
    for entry in parsed.entries:
        link = _entry_url(entry, url)
        if link is None:
            continue
        entries.append(
            FeedEntry(
                url=link,
                title=(entry.get("title") or None),
                published_at=_entry_time(entry),
                summary=(entry.get("summary") or None),
                guid=(entry.get("id") or None),
            )
        )
    if not entries and not parsed.get("version"):
        raise FeedError(f"{url}: not a feed ({bozo_reason or 'no entries, no feed element'})")
    return ParsedFeed(
        title=parsed.feed.get("title") or None,
        entries=tuple(entries),
        bozo=bool(parsed.get("bozo")),
        bozo_reason=bozo_reason,
    )
