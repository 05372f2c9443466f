"""Operational state in the warehouse: feeds and their health, runs, feed polls, rejects, known URLs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb

from warehouse.load import derive_feed_id


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedState:
    """A feed row as the poller needs it."""

    feed_id: str
    url: str
    name: str | None
    outlet: str | None
    etag: str | None
    last_modified: str | None
    content_hash: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedPoll:
    """The outcome of one feed poll, to record."""

    feed_id: str
    fetched_at: datetime
    status: int | None
    bytes: int
    not_modified: bool
    entries: int
    new_entries: int
    error: str | None
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Reject:
    """A feed or page that was refused, and why."""

    url: str
    stage: str  # "feed" or "page"
    reason: str
    retryable: bool
    at: datetime


def sync_feeds(con: duckdb.DuckDBPyConnection, feeds: Iterable[tuple[str, str | None, str | None, str]]) -> None:
    """Insert configured feeds (url, name, outlet, kind) that are not in the table yet; refresh names."""
    rows = list(feeds)
    if not rows:
        return
    con.execute(
        "INSERT INTO feeds (feed_id, url, name, outlet, kind) "
        "SELECT unnest(?), unnest(?), unnest(?), unnest(?), unnest(?) "
        "ON CONFLICT (feed_id) DO UPDATE SET name = excluded.name, outlet = excluded.outlet, kind = excluded.kind",
        [[derive_feed_id(r[0]) for r in rows], [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows],
         [r[3] for r in rows]])


def select_due_feeds(con: duckdb.DuckDBPyConnection, urls: Sequence[str], now: datetime) -> list[FeedState]:
    """The enabled feeds among urls whose next poll time has come."""
    rows = con.execute(
        "SELECT feed_id, url, name, outlet, etag, last_modified, content_hash FROM feeds "
        "WHERE url IN (SELECT unnest(?)) AND enabled AND (next_poll_at IS NULL OR next_poll_at <= ?) ORDER BY url",
        [list(urls), now]).fetchall()
    return [FeedState(feed_id=r[0], url=r[1], name=r[2], outlet=r[3], etag=r[4], last_modified=r[5],
                      content_hash=r[6]) for r in rows]


def start_run(con: duckdb.DuckDBPyConnection, run_id: str, flow: str, started_at: datetime) -> None:
    """Record that a run started (a run that never finishes keeps status 'running': the process died)."""
    con.execute("INSERT INTO runs (run_id, flow, started_at, status) VALUES (?, ?, ?, 'running') "
                "ON CONFLICT (run_id) DO NOTHING", [run_id, flow, started_at])


def finish_run(con: duckdb.DuckDBPyConnection, run_id: str, finished_at: datetime, status: str,
               counts: dict[str, int], summary: str) -> None:
    """Record a run's end, its counts and its summary line."""
    con.execute(
        "UPDATE runs SET finished_at = ?, status = ?, feeds_polled = ?, feeds_failed = ?, fetched = ?, new = ?, "
        "duplicate = ?, updated = ?, rejected = ?, summary = ? WHERE run_id = ?",
        [finished_at, status, counts.get("feeds_polled", 0), counts.get("feeds_failed", 0), counts.get("fetched", 0),
         counts.get("new", 0), counts.get("duplicate", 0), counts.get("updated", 0), counts.get("rejected", 0),
         summary, run_id])


def record_feed_polls(con: duckdb.DuckDBPyConnection, run_id: str, polls: Sequence[FeedPoll]) -> None:
    """Write feed_fetches rows and update each feed's validators and health."""
    for p in polls:
        con.execute(
            "INSERT INTO feed_fetches (run_id, feed_id, fetched_at, status, bytes, not_modified, entries, "
            "new_entries, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [run_id, p.feed_id, p.fetched_at, p.status, p.bytes, p.not_modified, p.entries, p.new_entries, p.error])
        if p.error is None:
            con.execute(
                "UPDATE feeds SET last_polled_at = ?, last_status = ?, last_error = NULL, consecutive_failures = 0, "
                "etag = coalesce(?, etag), last_modified = coalesce(?, last_modified), "
                "content_hash = coalesce(?, content_hash) WHERE feed_id = ?",
                [p.fetched_at, p.status, p.etag, p.last_modified, p.content_hash, p.feed_id])
        else:
            con.execute(
                "UPDATE feeds SET last_polled_at = ?, last_status = ?, last_error = ?, "
                "consecutive_failures = consecutive_failures + 1 WHERE feed_id = ?",
                [p.fetched_at, p.status, p.error, p.feed_id])


def record_rejects(con: duckdb.DuckDBPyConnection, run_id: str, rejects: Sequence[Reject]) -> None:
    """Write rejects rows."""
    if rejects:
        con.execute(
            "INSERT INTO rejects (run_id, url, stage, reason, retryable, rejected_at) "
            "SELECT ?, unnest(?), unnest(?), unnest(?), unnest(?), unnest(?)",
            [run_id, [r.url for r in rejects], [r.stage for r in rejects], [r.reason for r in rejects],
             [r.retryable for r in rejects], [r.at for r in rejects]])


def select_known_urls(con: duckdb.DuckDBPyConnection, urls: Sequence[str]) -> dict[str, str | None]:
    """Which of these URLs were already stored, with the feed-entry signature last seen for each."""
    if not urls:
        return {}
    return dict(con.execute("SELECT url, entry_sig FROM article_urls WHERE url IN (SELECT unnest(?))",
                            [list(urls)]).fetchall())


def select_permanent_rejects(con: duckdb.DuckDBPyConnection, urls: Sequence[str]) -> set[str]:
    """URLs already refused for a permanent reason: not fetched again."""
    if not urls:
        return set()
    rows = con.execute("SELECT DISTINCT url FROM rejects WHERE stage = 'page' AND NOT retryable "
                       "AND url IN (SELECT unnest(?))", [list(urls)]).fetchall()
    return {r[0] for r in rows}
