"""Operational state in the warehouse: feeds and their health, runs, feed polls, rejects, known URLs."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

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
    consecutive_failures: int = 0
    poll_interval_s: int | None = None


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
    next_poll_at: datetime | None = None  # set after a failure: backoff or Retry-After
    poll_interval_s: int | None = None  # the feed's adaptive interval from now on
    disable_reason: str | None = None  # set when this failure retires the feed


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedHealth:
    """One feed as `newsmon feeds list` and `newsmon status` show it."""

    url: str
    name: str | None
    enabled: bool
    consecutive_failures: int
    last_status: int | None
    last_error: str | None
    last_polled_at: datetime | None
    last_success_at: datetime | None
    next_poll_at: datetime | None
    poll_interval_s: int | None
    disabled_reason: str | None


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


def select_due_feeds(con: duckdb.DuckDBPyConnection, urls: Sequence[str], now: datetime, *,
                     honour_intervals: bool = False, slack: float = 60.0) -> list[FeedState]:
    """The enabled feeds among urls out of failure backoff; with honour_intervals, also due by their own interval.

    slack (seconds) lets a feed whose interval equals the schedule's be polled by the next run, not the one after.
    """
    rows = con.execute(
        "SELECT feed_id, url, name, outlet, etag, last_modified, content_hash, consecutive_failures, poll_interval_s "
        "FROM feeds WHERE url IN (SELECT unnest(?)) AND enabled AND (next_poll_at IS NULL OR next_poll_at <= ?) "
        "AND (NOT ? OR last_polled_at IS NULL OR poll_interval_s IS NULL "
        "     OR last_polled_at + to_seconds(poll_interval_s - ?) <= ?) ORDER BY url",
        [list(urls), now, honour_intervals, slack, now]).fetchall()
    return [FeedState(feed_id=r[0], url=r[1], name=r[2], outlet=r[3], etag=r[4], last_modified=r[5],
                      content_hash=r[6], consecutive_failures=r[7], poll_interval_s=r[8]) for r in rows]


def describe_process() -> str:
    """host:pid of this process, as written to runs.holder and run_locks.holder."""
    return f"{socket.gethostname()}:{os.getpid()}"


def start_run(con: duckdb.DuckDBPyConnection, run_id: str, flow: str, started_at: datetime) -> None:
    """Record that a run started (a run that never finishes keeps status 'running' until marked abandoned)."""
    con.execute("INSERT INTO runs (run_id, flow, started_at, status, holder) VALUES (?, ?, ?, 'running', ?) "
                "ON CONFLICT (run_id) DO NOTHING", [run_id, flow, started_at, describe_process()])


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
    """Write feed_fetches rows and update each feed's validators, pacing and health (disabling it if told to)."""
    for p in polls:
        con.execute(
            "INSERT INTO feed_fetches (run_id, feed_id, fetched_at, status, bytes, not_modified, entries, "
            "new_entries, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [run_id, p.feed_id, p.fetched_at, p.status, p.bytes, p.not_modified, p.entries, p.new_entries, p.error])
        if p.error is None:
            con.execute(
                "UPDATE feeds SET last_polled_at = ?, last_status = ?, last_error = NULL, consecutive_failures = 0, "
                "last_success_at = ?, next_poll_at = NULL, poll_interval_s = coalesce(?, poll_interval_s), "
                "etag = coalesce(?, etag), last_modified = coalesce(?, last_modified), "
                "content_hash = coalesce(?, content_hash) WHERE feed_id = ?",
                [p.fetched_at, p.status, p.fetched_at, p.poll_interval_s, p.etag, p.last_modified, p.content_hash,
                 p.feed_id])
        else:
            con.execute(
                "UPDATE feeds SET last_polled_at = ?, last_status = ?, last_error = ?, "
                "consecutive_failures = consecutive_failures + 1, next_poll_at = ?, "
                "poll_interval_s = coalesce(?, poll_interval_s) WHERE feed_id = ?",
                [p.fetched_at, p.status, p.error, p.next_poll_at, p.poll_interval_s, p.feed_id])
            if p.disable_reason:
                con.execute("UPDATE feeds SET enabled = FALSE, disabled_reason = ?, disabled_at = ? "
                            "WHERE feed_id = ?", [p.disable_reason, p.fetched_at, p.feed_id])


def set_feed_enabled(con: duckdb.DuckDBPyConnection, url_or_id: str, enabled: bool, now: datetime,
                     reason: str | None = None) -> int:
    """Enable (clearing failures and backoff) or disable a feed by URL or feed_id; returns the rows changed."""
    # no RETURNING: DuckDB 1.5 then trips over the foreign keys that reference feeds
    found = con.execute("SELECT count(*) FROM feeds WHERE url = ? OR feed_id = ?", [url_or_id, url_or_id]).fetchone()
    if enabled:
        con.execute(
            "UPDATE feeds SET enabled = TRUE, disabled_reason = NULL, disabled_at = NULL, consecutive_failures = 0, "
            "next_poll_at = NULL WHERE url = ? OR feed_id = ?", [url_or_id, url_or_id])
    else:
        con.execute("UPDATE feeds SET enabled = FALSE, disabled_reason = ?, disabled_at = ? WHERE url = ? OR "
                    "feed_id = ?", [reason or "disabled by hand", now, url_or_id, url_or_id])
    return int(found[0]) if found else 0


_HEALTH_QUERY = ("SELECT url, name, enabled, consecutive_failures, last_status, last_error, last_polled_at, "
                 "last_success_at, next_poll_at, poll_interval_s, disabled_reason FROM feeds WHERE {condition} "
                 "ORDER BY url")
_HEALTH_FILTERS = {None: "TRUE", "failing": "enabled AND consecutive_failures > 0", "disabled": "NOT enabled"}


def select_feed_health(con: duckdb.DuckDBPyConnection, *, only: str | None = None) -> list[FeedHealth]:
    """Every known feed's health; only="failing" (failing now, still enabled) or "disabled" narrows the list."""
    condition = _HEALTH_FILTERS[only]
    rows = con.execute(_HEALTH_QUERY.replace("{condition}", condition)).fetchall()
    return [FeedHealth(url=r[0], name=r[1], enabled=r[2], consecutive_failures=r[3], last_status=r[4],
                       last_error=r[5], last_polled_at=r[6], last_success_at=r[7], next_poll_at=r[8],
                       poll_interval_s=r[9], disabled_reason=r[10]) for r in rows]


def select_recent_runs(con: duckdb.DuckDBPyConnection, limit: int = 10) -> list[tuple]:
    """The last runs: (flow, status, started_at, finished_at, summary), newest first."""
    return con.execute("SELECT flow, status, started_at, finished_at, summary FROM runs "
                       "ORDER BY started_at DESC LIMIT ?", [limit]).fetchall()


def _holder_is_dead(holder: str) -> bool:
    """True when holder (host:pid) is a process on this host that no longer exists."""
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def acquire_run_lock(con: duckdb.DuckDBPyConnection, name: str, run_id: str, now: datetime,
                     stale_after: float) -> str | None:
    """Take the named lock for run_id; None when taken, else who holds it. Call inside a transaction.

    A lock whose holder process is gone (same host) or that has not heart-beaten for stale_after seconds is
    taken over, and the run that held it is marked abandoned.
    """
    me = describe_process()
    row = con.execute("SELECT run_id, holder, heartbeat_at FROM run_locks WHERE name = ?", [name]).fetchone()
    if row is not None:
        held_by, holder, heartbeat = row
        if held_by != run_id and not _holder_is_dead(holder) and heartbeat + timedelta(seconds=stale_after) > now:
            return f"run {held_by} ({holder}, alive at {heartbeat:%Y-%m-%d %H:%M:%S%z})"
        con.execute("UPDATE runs SET status = 'abandoned', finished_at = coalesce(finished_at, ?) "
                    "WHERE run_id = ? AND status = 'running'", [now, held_by])
    con.execute("INSERT INTO run_locks (name, run_id, holder, acquired_at, heartbeat_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET run_id = excluded.run_id, holder = excluded.holder, "
                "acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at",
                [name, run_id, me, now, now])
    return None


def renew_run_lock(con: duckdb.DuckDBPyConnection, name: str, run_id: str, now: datetime) -> None:
    """Heartbeat: the run holding the lock is alive."""
    con.execute("UPDATE run_locks SET heartbeat_at = ? WHERE name = ? AND run_id = ?", [now, name, run_id])


def release_run_lock(con: duckdb.DuckDBPyConnection, name: str, run_id: str) -> None:
    """Give the lock up (only if run_id still holds it)."""
    con.execute("DELETE FROM run_locks WHERE name = ? AND run_id = ?", [name, run_id])


def abandon_dead_runs(con: duckdb.DuckDBPyConnection, now: datetime) -> int:
    """Mark 'running' runs of this host whose process is gone as abandoned; returns how many."""
    rows = con.execute("SELECT run_id, holder FROM runs WHERE status = 'running' AND holder IS NOT NULL").fetchall()
    dead = [run_id for run_id, holder in rows if _holder_is_dead(holder)]
    if dead:
        con.execute("UPDATE runs SET status = 'abandoned', finished_at = ? WHERE run_id IN (SELECT unnest(?))",
                    [now, dead])
    return len(dead)


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
