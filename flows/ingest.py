"""@flow "ingest": poll feeds, fetch new pages, parse them into records, drop exact duplicates, load into DuckDB."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run

from flows.errors import NewsmonError, PermanentError, TransientError
from flows.http import HttpClient
from flows.settings import Settings
from parsers.feeds import FeedError, parse_feed
from parsers.page import PageError, parse_page
from parsers.records import FeedEntry
from warehouse.db import connect, ensure_schema, transaction
from warehouse.load import LoadCounts, PageResult, upsert_articles
from warehouse.state import (
    FeedPoll,
    FeedState,
    Reject,
    finish_run,
    record_feed_polls,
    record_rejects,
    select_due_feeds,
    select_known_urls,
    select_permanent_rejects,
    start_run,
    sync_feeds,
)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


@dataclass(slots=True)
class FeedOutcome:
    """What polling one feed produced: the poll record, its entries, or a reject."""

    poll: FeedPoll
    entries: list[FeedEntry] = field(default_factory=list)
    reject: Reject | None = None


@dataclass(slots=True)
class IngestSummary:
    """Counts of one ingest run."""

    run_id: str
    feeds_polled: int = 0
    feeds_failed: int = 0
    fetched: int = 0
    new: int = 0
    duplicate: int = 0
    updated: int = 0
    rejected: int = 0
    new_ids: list[str] = field(default_factory=list)

    def line(self) -> str:
        """The one summary line a run ends with."""
        return (f"ingest {self.run_id[:8]}: {self.feeds_polled} feeds polled ({self.feeds_failed} failed), "
                f"{self.fetched} pages fetched, {self.new} new, {self.duplicate} duplicate, {self.updated} updated, "
                f"{self.rejected} rejected")

    def counts(self) -> dict[str, int]:
        """The counts as a dict for the runs table."""
        return {k: getattr(self, k) for k in ("feeds_polled", "feeds_failed", "fetched", "new", "duplicate",
                                              "updated", "rejected")}


def sign_entry(entry: FeedEntry) -> str:
    """A signature of what the feed says about an entry: when it changes, the page is fetched again."""
    stamp = entry.published_at.isoformat() if entry.published_at else ""
    return hashlib.sha256(f"{entry.title or ''}\x00{stamp}".encode()).hexdigest()[:16]


def poll_feed(client: HttpClient, feed: FeedState, now: Clock = utc_now) -> FeedOutcome:
    """Fetch one feed conditionally and parse it; failures become a FeedPoll with an error and a Reject."""
    started = now()
    try:
        fetched = client.fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified)
    except NewsmonError as exc:
        poll = FeedPoll(feed_id=feed.feed_id, fetched_at=started, status=None, bytes=0, not_modified=False,
                        entries=0, new_entries=0, error=str(exc))
        return FeedOutcome(poll=poll, reject=Reject(url=feed.url, stage="feed", reason=str(exc),
                                                    retryable=isinstance(exc, TransientError), at=started))
    if fetched.status == 304:
        return FeedOutcome(poll=FeedPoll(feed_id=feed.feed_id, fetched_at=started, status=304, bytes=0,
                                         not_modified=True, entries=0, new_entries=0, error=None))
    body_hash = hashlib.sha256(fetched.body).hexdigest()
    validators = {"etag": fetched.headers.get("etag"), "last_modified": fetched.headers.get("last-modified"),
                  "content_hash": body_hash}
    if body_hash == feed.content_hash:
        return FeedOutcome(poll=FeedPoll(feed_id=feed.feed_id, fetched_at=started, status=fetched.status,
                                         bytes=len(fetched.body), not_modified=True, entries=0, new_entries=0,
                                         error=None, **validators))
    try:
        parsed = parse_feed(fetched.body, fetched.final_url, fetched.content_type)
    except FeedError as exc:
        poll = FeedPoll(feed_id=feed.feed_id, fetched_at=started, status=fetched.status, bytes=len(fetched.body),
                        not_modified=False, entries=0, new_entries=0, error=str(exc))
        return FeedOutcome(poll=poll, reject=Reject(url=feed.url, stage="feed", reason=str(exc), retryable=False,
                                                    at=started))
    poll = FeedPoll(feed_id=feed.feed_id, fetched_at=started, status=fetched.status, bytes=len(fetched.body),
                    not_modified=False, entries=len(parsed.entries), new_entries=0, error=None, **validators)
    return FeedOutcome(poll=poll, entries=list(parsed.entries))


def fetch_page(client: HttpClient, entry: FeedEntry, feed: FeedState, now: Clock = utc_now) -> PageResult | Reject:
    """Fetch and parse one article page; any failure becomes a Reject naming the URL."""
    at = now()
    try:
        fetched = client.fetch(entry.url)
        article = parse_page(fetched.body, url=fetched.final_url, content_type=fetched.content_type,
                             feed_entry=entry)
    except TransientError as exc:
        return Reject(url=entry.url, stage="page", reason=str(exc), retryable=True, at=at)
    except (PermanentError, PageError) as exc:
        return Reject(url=entry.url, stage="page", reason=str(exc), retryable=False, at=at)
    except Exception as exc:  # a parser bug must not sink the run: record it and go on
        return Reject(url=entry.url, stage="page", reason=f"{entry.url}: parser failed: {type(exc).__name__}: {exc}",
                      retryable=False, at=at)
    if article.outlet is None and feed.outlet:
        article = replace(article, outlet=feed.outlet)
    return PageResult(article=article, fetched_url=entry.url, feed_id=feed.feed_id, entry_sig=sign_entry(entry),
                      fetched_at=at)


@task(name="poll-feed")
def poll_feed_task(settings: Settings, feed: FeedState) -> FeedOutcome:
    """One feed: a conditional GET and feed parsing."""
    with HttpClient(settings.http) as client:
        return poll_feed(client, feed)


@task(name="fetch-pages")
def fetch_pages_task(settings: Settings, feed: FeedState, entries: list[FeedEntry]) -> list[PageResult | Reject]:
    """One feed's new pages, fetched concurrently and parsed."""
    if not entries:
        return []
    with HttpClient(settings.http) as client, ThreadPoolExecutor(max_workers=settings.http.concurrency) as pool:
        return list(pool.map(lambda e: fetch_page(client, e, feed), entries))


@task(name="load-batch")
def load_batch_task(settings: Settings, run_id: str, outcome: FeedOutcome,
                    results: list[PageResult | Reject]) -> LoadCounts:
    """One transaction: the feed poll, its pages and its rejects."""
    pages = [r for r in results if isinstance(r, PageResult)]
    rejects = [r for r in results if isinstance(r, Reject)]
    if outcome.reject is not None:
        rejects.append(outcome.reject)
    with connect(settings.db) as con, transaction(con):
        counts = upsert_articles(con, pages, run_id)
        record_feed_polls(con, run_id, [outcome.poll])
        record_rejects(con, run_id, rejects)
    return counts


def select_entries_to_fetch(settings: Settings, entries: list[FeedEntry]) -> list[FeedEntry]:
    """Entries whose URL is new, or whose feed entry changed since it was stored; never a permanent reject."""
    unique: dict[str, FeedEntry] = {}
    for entry in entries:
        unique.setdefault(entry.url, entry)
    with connect(settings.db) as con:
        known = select_known_urls(con, list(unique))
        refused = select_permanent_rejects(con, list(unique))
    return [e for url, e in unique.items()
            if url not in refused and (url not in known or known[url] != sign_entry(e))]


def run_ingest(settings: Settings, run_id: str | None = None) -> IngestSummary:
    """The ingest pipeline; called by the Prefect flow (its tasks run inside it)."""
    run_id = run_id or str(uuid.uuid4())
    summary = IngestSummary(run_id=run_id)
    started = utc_now()
    ensure_schema(settings.db)
    with connect(settings.db) as con, transaction(con):
        sync_feeds(con, [(f.url, f.name, f.outlet, f.kind) for f in settings.feeds])
        start_run(con, run_id, "ingest", started)
        due = select_due_feeds(con, [f.url for f in settings.feeds], started)
    status = "failed"
    try:
        for feed in due:
            ingest_one_feed(settings, run_id, feed, summary)
        status = "completed"
    finally:
        with connect(settings.db) as con:
            finish_run(con, run_id, utc_now(), status, summary.counts(), summary.line())
    return summary


def ingest_one_feed(settings: Settings, run_id: str, feed: FeedState, summary: IngestSummary) -> None:
    """Poll one feed, fetch its new pages, load them in one transaction, and add the counts to summary."""
    outcome = poll_feed_task(settings, feed)
    summary.feeds_polled += 1
    summary.feeds_failed += outcome.poll.error is not None
    todo = select_entries_to_fetch(settings, outcome.entries)
    outcome.poll = replace(outcome.poll, new_entries=len(todo))
    results = fetch_pages_task(settings, feed, todo)
    counts = load_batch_task(settings, run_id, outcome, results)
    summary.fetched += sum(isinstance(r, PageResult) for r in results)
    summary.rejected += sum(isinstance(r, Reject) for r in results) + (outcome.reject is not None)
    summary.new += counts.new
    summary.duplicate += counts.duplicate
    summary.updated += counts.updated
    summary.new_ids.extend(counts.new_ids)


def render_summary_markdown(summary: IngestSummary) -> str:
    """The run's counts as a Markdown table, for the Prefect artifact."""
    rows = "\n".join(f"| {k.replace('_', ' ')} | {v} |" for k, v in summary.counts().items())
    return f"# newsmon ingest {summary.run_id}\n\n| count | value |\n|---|---|\n{rows}\n"


@flow(name="ingest", validate_parameters=False)
def ingest_flow(settings: Settings) -> IngestSummary:
    """Prefect flow: one pass over the configured feeds."""
    run_id = str(flow_run.get_id() or uuid.uuid4())
    summary = run_ingest(settings, run_id)
    get_run_logger().info(summary.line())
    create_markdown_artifact(key="ingest-summary", markdown=render_summary_markdown(summary),
                             description=summary.line())
    return summary
