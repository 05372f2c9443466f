"""@flow "ingest": poll feeds, fetch new pages, parse them into records, drop exact duplicates, load into DuckDB."""

from __future__ import annotations

import contextvars
import gc
import hashlib
import random
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.utilities.annotations import quote

from flows.errors import NewsmonError, TransientError
from flows.http import HttpClient
from flows.parsepool import (
    Failed,
    Parsed,
    collect_pages,
    ensure_parse_pool,
    resolve_workers,
    shutdown_parse_pool,
)
from flows.settings import ScheduleSettings, Settings
from parsers.feeds import FeedError, parse_feed
from parsers.records import FeedEntry
from warehouse.db import connect, ensure_schema, query_threads, transaction
from warehouse.fts import refresh_search_index
from warehouse.load import LoadCounts, PageResult, upsert_articles
from warehouse.state import (
    FeedPoll,
    FeedState,
    Reject,
    acquire_run_lock,
    finish_run,
    record_feed_polls,
    record_rejects,
    release_run_lock,
    renew_run_lock,
    select_due_feeds,
    select_known_urls,
    select_permanent_rejects,
    start_run,
    sync_feeds,
)

Clock = Callable[[], datetime]
# Consecutive feeds' new pages fetched by one task (a scheduled poll finds a few a feed). Each task run costs
# Prefect's server ~50 ms of CPU on the same cores: 250 instead of 100 (20 tasks, not 50, for 5,000 pages) ran
# the 5,000-page bench ~5% faster (178-183 against 166-174 articles/s, docs/benchmarks.md). It is capped at
# half a load batch below.
FETCH_GROUP_PAGES = 250
GROUPS_IN_FLIGHT = 3  # such groups being fetched and parsed while a batch loads (each bounded by FETCH_GROUP_PAGES)
LOAD_SECONDS = 10.0  # ... unless collected pages have waited this long for more
QUIET_BATCH = 50  # feeds loaded (or, without new pages, recorded) at most this many to a transaction
POLL_BATCH = 50  # feeds polled by one task, in parallel threads
REFRESH_EVERY_PAGES = 1000  # a long run refreshes the derived tables as it goes: one refresh of 100,000 new
# articles took over 5 GB of memory, and one of 2,500 ~355 MB (1,000: ~175 MB, about what a 250-page load takes)
INGEST_LOCK = "ingest"  # held by ingest and maintenance runs: two of them never write at once
RUN_GC_THRESHOLDS = (50_000, 20, 10)  # the cyclic collector's thresholds during a run (Python's: 700, 10, 10)
INGEST_QUERY_THREADS = 1  # DuckDB threads during a run: the parse workers have the cores (see query_threads)


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


@dataclass(slots=True)
class FeedOutcome:
    """What polling one feed produced: the poll record, its entries, or a reject."""

    poll: FeedPoll
    entries: list[FeedEntry] = field(default_factory=list)
    reject: Reject | None = None
    retry_after: float | None = None  # the server's Retry-After on a 429/503
    bozo_reason: str | None = None  # the feed was malformed but usable: why


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
    feeds_disabled: int = 0
    new_ids: list[str] = field(default_factory=list)
    skipped_by: str | None = None  # set when another run held the ingest lock

    def line(self) -> str:
        """The one summary line a run ends with."""
        if self.skipped_by:
            return f"ingest {self.run_id[:8]}: skipped, {self.skipped_by} is still writing"
        disabled = f", {self.feeds_disabled} disabled" if self.feeds_disabled else ""
        return (f"ingest {self.run_id[:8]}: {self.feeds_polled} feeds polled ({self.feeds_failed} failed{disabled}), "
                f"{self.fetched} pages fetched, {self.new} new, {self.duplicate} duplicate, {self.updated} updated, "
                f"{self.rejected} rejected")

    def counts(self) -> dict[str, int]:
        """The counts as a dict for the runs table."""
        return {k: getattr(self, k) for k in ("feeds_polled", "feeds_failed", "feeds_disabled", "fetched", "new",
                                              "duplicate", "updated", "rejected")}


def sign_entry(entry: FeedEntry) -> str:
    """A signature of what the feed says about an entry: when it changes, the page is fetched again."""
    stamp = entry.published_at.isoformat() if entry.published_at else ""
    return hashlib.sha256(f"{entry.title or ''}\x00{stamp}".encode()).hexdigest()[:16]


def poll_feed(client: HttpClient, feed: FeedState, now: Clock = utc_now) -> FeedOutcome:
    """Fetch one feed conditionally and parse it; failures become a FeedPoll with an error and a Reject."""
    started = now()
    try:
        fetched = client.fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified, kind="feed")
    except NewsmonError as exc:
        poll = FeedPoll(feed_id=feed.feed_id, fetched_at=started, status=getattr(exc, "status", None), bytes=0,
                        not_modified=False, entries=0, new_entries=0, error=str(exc))
        return FeedOutcome(poll=poll, reject=Reject(url=feed.url, stage="feed", reason=str(exc),
                                                    retryable=isinstance(exc, TransientError), at=started),
                           retry_after=getattr(exc, "retry_after", None))
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
    except Exception as exc:  # FeedError, or a parser bug: recorded, never fatal to the run
        reason = str(exc) if isinstance(exc, FeedError) else f"{feed.url}: parser failed: {type(exc).__name__}: {exc}"
        poll = FeedPoll(feed_id=feed.feed_id, fetched_at=started, status=fetched.status, bytes=len(fetched.body),
                        not_modified=False, entries=0, new_entries=0, error=reason)
        return FeedOutcome(poll=poll, reject=Reject(url=feed.url, stage="feed", reason=reason, retryable=False,
                                                    at=started))
    poll = FeedPoll(feed_id=feed.feed_id, fetched_at=started, status=fetched.status, bytes=len(fetched.body),
                    not_modified=False, entries=len(parsed.entries), new_entries=0, error=None, **validators)
    return FeedOutcome(poll=poll, entries=list(parsed.entries),
                       bozo_reason=(parsed.bozo_reason or "malformed feed") if parsed.bozo else None)


def to_result(outcome: Parsed | Failed, entry: FeedEntry, feed: FeedState) -> PageResult | Reject:
    """A fetched page as the loader takes it (the feed's outlet when the page names none), or its reject."""
    if isinstance(outcome, Failed):
        return Reject(url=entry.url, stage="page", reason=outcome.reason, retryable=outcome.retryable, at=outcome.at)
    article = outcome.article
    if article.outlet is None and feed.outlet:
        article = replace(article, outlet=feed.outlet)
    return PageResult(article=article, fetched_url=entry.url, feed_id=feed.feed_id, entry_sig=sign_entry(entry),
                      fetched_at=outcome.at, dedup_keys=outcome.keys)


# Tasks take and return whole batches of pages: Prefect's default cache key would hash megabytes of inputs per call.
@task(name="poll-feeds", cache_policy=NO_CACHE, persist_result=False)
def poll_feeds_task(settings: Settings, feeds: list[FeedState]) -> list[FeedOutcome]:
    """A batch of feeds: conditional GETs in parallel threads (per-host limits still apply), and feed parsing."""
    with HttpClient(settings.http) as client, ThreadPoolExecutor(max_workers=settings.http.concurrency) as pool:
        return list(pool.map(lambda feed: poll_feed(client, feed), feeds))


@task(name="fetch-pages", cache_policy=NO_CACHE, persist_result=False)
def fetch_pages_task(settings: Settings, feeds: list[FeedState],
                     entry_lists: list[list[FeedEntry]]) -> list[list[PageResult | Reject]]:
    """A few feeds' new pages, fetched and parsed in the worker processes (or here, for a few pages); per feed."""
    entries = [entry for entries in entry_lists for entry in entries]
    if not entries:
        return [[] for _ in feeds]
    ensure_parse_pool(resolve_workers(settings.parse_workers), len(entries))
    outcomes = iter(collect_pages(settings.http, entries, robots=settings.http.robots))
    return [[to_result(next(outcomes), entry, feed) for entry in entries]
            for feed, entries in zip(feeds, entry_lists, strict=True)]


@task(name="load-batch", cache_policy=NO_CACHE, persist_result=False)
def load_batch_task(settings: Settings, run_id: str,
                    collected: list[tuple[FeedOutcome, list[PageResult | Reject]]]) -> LoadCounts:
    """One transaction: some feeds' polls, their pages and their rejects."""
    pages = [r for _, results in collected for r in results if isinstance(r, PageResult)]
    rejects = [r for _, results in collected for r in results if isinstance(r, Reject)]
    rejects += [outcome.reject for outcome, _ in collected if outcome.reject is not None]
    with connect(settings.db) as con, transaction(con):
        counts = upsert_articles(con, pages, run_id)
        record_feed_polls(con, run_id, [outcome.poll for outcome, _ in collected])
        record_rejects(con, run_id, rejects)
        renew_run_lock(con, INGEST_LOCK, run_id, utc_now())
    return counts


def select_entries_to_fetch(settings: Settings, entry_lists: list[list[FeedEntry]]) -> list[list[FeedEntry]]:
    """For each feed's entries, those whose URL is new or whose feed entry changed since it was stored, never a
    permanent reject; a URL that several of these feeds list is fetched for the first of them only. One read."""
    claimed: set[str] = set()
    per_feed: list[dict[str, FeedEntry]] = []
    for entries in entry_lists:
        unique: dict[str, FeedEntry] = {}
        for entry in entries:
            if entry.url not in claimed:
                unique.setdefault(entry.url, entry)
        claimed.update(unique)
        per_feed.append(unique)
    if not claimed:  # unchanged (304), failed or empty feeds cost no warehouse access
        return [[] for _ in entry_lists]
    with connect(settings.db) as con:
        known = select_known_urls(con, list(claimed))
        refused = select_permanent_rejects(con, list(claimed))
    return [[e for url, e in unique.items() if url not in refused and (url not in known or known[url] != sign_entry(e))]
            for unique in per_feed]


@contextmanager
def collect_garbage_less_often() -> Iterator[None]:
    """Raise the cyclic garbage collector's thresholds for a run, and restore the previous ones after it.

    The loader keeps a batch's records (tens of thousands of small objects) alive for seconds, so at Python's
    default thresholds they were promoted and scanned over and over: 5,000 bench pages set off ~2,900
    collections in the flow process, 11 of them full ones of 200-420 ms that freed nothing: ~1 ms of its
    ~7.5 ms of CPU a page. Reference counting still frees everything without cycles at once; cycles wait a
    little longer.
    """
    previous = gc.get_threshold()
    gc.set_threshold(*RUN_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*previous)


def run_ingest(settings: Settings, run_id: str | None = None, *, honour_intervals: bool = False) -> IngestSummary:
    """The ingest pipeline; called by the Prefect flow (its tasks run inside it).

    Holds the warehouse's ingest lock for the whole run: while another live run holds it, this one is recorded
    as skipped and does nothing. honour_intervals (scheduled runs) polls only feeds due by their adaptive interval;
    feeds in failure backoff are never polled early.
    """
    run_id = run_id or str(uuid.uuid4())
    summary = IngestSummary(run_id=run_id)
    started = utc_now()
    schedule = settings.schedule
    ensure_schema(settings.db)
    with connect(settings.db) as con, transaction(con):
        sync_feeds(con, [(f.url, f.name, f.outlet, f.kind) for f in settings.feeds])
        start_run(con, run_id, "ingest", started)
        summary.skipped_by = acquire_run_lock(con, INGEST_LOCK, run_id, started, schedule.lock_stale_after)
        due = [] if summary.skipped_by else select_due_feeds(
            con, [f.url for f in settings.feeds], started, honour_intervals=honour_intervals,
            slack=min(60.0, 0.2 * schedule.ingest_interval))
    if summary.skipped_by:
        with connect(settings.db) as con:
            finish_run(con, run_id, utc_now(), "skipped", summary.counts(), summary.line())
        return summary
    status = "failed"
    with collect_garbage_less_often(), query_threads(INGEST_QUERY_THREADS):
        try:
            try:
                ingest_feeds(settings, run_id, due, summary)
                status = "completed"
            finally:
                with connect(settings.db) as con:
                    finish_run(con, run_id, utc_now(), status, summary.counts(), summary.line())
            with connect(settings.db) as con:  # a short write: rebuilt only when articles changed
                refresh_search_index(con)
        finally:
            shutdown_parse_pool()
            with connect(settings.db) as con:
                release_run_lock(con, INGEST_LOCK, run_id)
    return summary


def plan_next_poll(feed: FeedState, poll: FeedPoll, schedule: ScheduleSettings, *, retry_after: float | None = None,
                   rng: random.Random | None = None) -> FeedPoll:
    """Pace a feed after a poll: adapt its interval after a success; back off (or obey Retry-After) after a failure.

    Success: no new entries stretches the interval x1.5, half or more of the entries new halves it (the feed may be
    dropping entries between polls), clamped to [min_poll_interval, max_poll_interval]. Failure n waits
    failure_backoff x 2^(n-1), jittered to 50-100 %, at least Retry-After; the disable_after-th failure in a row
    retires the feed until `newsmon feeds enable`.
    """
    low = schedule.min_poll_interval
    high = max(low, schedule.max_poll_interval)
    current = float(feed.poll_interval_s or schedule.ingest_interval)
    if poll.error is None:
        first = feed.etag is None and feed.last_modified is None and feed.content_hash is None
        if poll.new_entries == 0:
            factor = 1.5
        elif not first and poll.entries and poll.new_entries * 2 >= poll.entries:
            factor = 0.5
        else:
            factor = 1.0
        return replace(poll, poll_interval_s=int(min(high, max(low, current * factor))), next_poll_at=None)
    failures = feed.consecutive_failures + 1
    delay = min(schedule.max_backoff, schedule.failure_backoff * 2 ** min(failures - 1, 30))
    delay *= 0.5 + 0.5 * (rng or random).random()
    if retry_after is not None:
        delay = max(delay, min(retry_after, schedule.max_backoff))
    disable = None
    if schedule.disable_after and failures >= schedule.disable_after:
        disable = f"disabled after {failures} failures in a row; last: {poll.error}"
    return replace(poll, next_poll_at=poll.fetched_at + timedelta(seconds=delay), disable_reason=disable)


def record_feeds(settings: Settings, run_id: str, collected: list[tuple[FeedOutcome, list[PageResult | Reject]]],
                 summary: IngestSummary) -> None:
    """Load collected feeds in one transaction and add their counts to summary."""
    if not collected:
        return
    # quote: Prefect would otherwise walk every page, and every configured feed, looking for futures
    counts = load_batch_task(quote(settings), run_id, quote(collected))
    for outcome, results in collected:
        summary.feeds_polled += 1
        summary.feeds_failed += outcome.poll.error is not None
        summary.feeds_disabled += outcome.poll.disable_reason is not None
        summary.fetched += sum(isinstance(r, PageResult) for r in results)
        summary.rejected += sum(isinstance(r, Reject) for r in results) + (outcome.reject is not None)
    summary.new += counts.new
    summary.duplicate += counts.duplicate
    summary.updated += counts.updated
    summary.new_ids.extend(counts.new_ids)


# each polled feed's outcome, in poll order, with its fetch group's future (None: nothing to fetch) and its place
Pending = deque[tuple[FeedOutcome, Future[list[list[PageResult | Reject]]] | None, int]]


def ingest_feeds(settings: Settings, run_id: str, due: list[FeedState], summary: IngestSummary) -> None:
    """Poll feeds in batches (the next while this one's news is collected), collect the feeds with news a few
    at a time while a loader thread loads, in order.

    Fetching waits on the network and parsing runs in the parse pool: consecutive feeds' new pages go to one
    task (FETCH_GROUP_PAGES of them or more, at most half a load batch, so a scheduled run where each feed has
    a few new entries is not a task per feed: each task run costs the Prefect server ~50 ms of CPU), and at
    most GROUPS_IN_FLIGHT groups are being collected. Collected feeds are loaded together, one transaction per
    settings.load_batch_pages pages (or QUIET_BATCH feeds, or LOAD_SECONDS of waiting): each transaction
    opens, writes and checkpoints the file, a fixed cost worth sharing. One batch loads while the next is
    collected (never two loads at once, always in order), so the parse workers do not wait for the loading; a
    crash loses at most those two, which the next run fetches again. A feed polled ahead is recorded with the
    feeds of its batch. Every REFRESH_EVERY_PAGES pages the loader also refreshes the derived tables, so no
    refresh grows unbounded. Each job runs in a copy of this thread's context, so its Prefect tasks belong to
    the run.
    """
    ready: list[tuple[FeedOutcome, list[PageResult | Reject]]] = []
    ready_pages = 0
    ready_since = 0.0
    loading: Future[None] | None = None
    unrefreshed = 0  # pages loaded since the derived tables were last refreshed
    group_pages = max(1, min(FETCH_GROUP_PAGES, settings.load_batch_pages // 2))  # a group's results load together

    def load(batch: list[tuple[FeedOutcome, list[PageResult | Reject]]], pages: int) -> None:
        nonlocal unrefreshed
        record_feeds(settings, run_id, batch, summary)
        unrefreshed += pages
        if unrefreshed >= REFRESH_EVERY_PAGES:
            with connect(settings.db) as con:
                refresh_search_index(con)
            unrefreshed = 0

    def wait_for_load() -> None:
        nonlocal loading
        if loading is not None:
            loading.result()  # the previous batch is in (its error, if any, ends the run here)
            loading = None

    def flush() -> None:
        nonlocal ready, ready_pages, loading
        wait_for_load()
        if ready:
            loading = loader.submit(contextvars.copy_context().run, load, ready, ready_pages)
        ready, ready_pages = [], 0

    with ThreadPoolExecutor(max_workers=GROUPS_IN_FLIGHT, thread_name_prefix="fetch") as pool, \
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="load") as loader, \
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="poll") as poller:

        def submit(group: list[tuple[FeedState, list[FeedEntry]]]) -> Future[list[list[PageResult | Reject]]]:
            feeds, entry_lists = [feed for feed, _ in group], [todo for _, todo in group]
            return pool.submit(contextvars.copy_context().run, fetch_pages_task, quote(settings), quote(feeds),
                               quote(entry_lists))

        def refill(polled: Iterator[tuple[FeedState, FeedOutcome, list[FeedEntry]]], pending: Pending) -> None:
            """Plan the next polled feeds' next polls and submit their new pages, a group a task, until
            GROUPS_IN_FLIGHT groups are being collected or every polled feed is placed in pending (in poll order)."""
            in_flight = len({id(future) for _, future, _ in pending if future is not None})
            while in_flight < GROUPS_IN_FLIGHT:
                members: list[tuple[FeedOutcome, int | None]] = []
                group: list[tuple[FeedState, list[FeedEntry]]] = []
                pages = 0
                while pages < group_pages and (item := next(polled, None)) is not None:
                    feed, outcome, todo = item
                    outcome.poll = plan_next_poll(feed, replace(outcome.poll, new_entries=len(todo)),
                                                  settings.schedule, retry_after=outcome.retry_after)
                    # unchanged, failed or nothing new: only its poll is recorded
                    members.append((outcome, len(group) if todo else None))
                    if todo:
                        group.append((feed, todo))
                        pages += len(todo)
                future = submit(group) if group else None
                pending.extend((outcome, None if place is None else future, place or 0) for outcome, place in members)
                if future is None:
                    return
                in_flight += 1

        def poll(chunk: list[FeedState]) -> Future[list[FeedOutcome]]:
            context = contextvars.copy_context()
            return poller.submit(context.run, poll_feeds_task, quote(settings), quote(chunk))

        def poll_ahead() -> Iterator[tuple[FeedState, FeedOutcome, list[FeedEntry]]]:
            """Every due feed with its outcome and new entries, in order; POLL_BATCH feeds a task, the
            next batch polled while this one's pages are collected (the parse workers do not wait for it)."""
            chunks = [due[start:start + POLL_BATCH] for start in range(0, len(due), POLL_BATCH)]
            polling = poll(chunks[0]) if chunks else None
            for k, chunk in enumerate(chunks):
                outcomes = polling.result()
                polling = poll(chunks[k + 1]) if k + 1 < len(chunks) else None
                todos = select_entries_to_fetch(settings, [outcome.entries for outcome in outcomes])
                yield from zip(chunk, outcomes, todos, strict=True)

        polled = poll_ahead()
        pending: Pending = deque()
        refill(polled, pending)
        while pending:
            outcome, future, place = pending.popleft()
            results = future.result()[place] if future is not None else []
            refill(polled, pending)
            if not ready:
                ready_since = time.monotonic()
            ready.append((outcome, results))
            ready_pages += len(results)
            if (ready_pages >= settings.load_batch_pages or len(ready) >= QUIET_BATCH
                    or (ready_pages and time.monotonic() - ready_since >= LOAD_SECONDS)):
                flush()
        flush()
        wait_for_load()


def render_summary_markdown(summary: IngestSummary) -> str:
    """The run's counts as a Markdown table, for the Prefect artifact."""
    rows = "\n".join(f"| {k.replace('_', ' ')} | {v} |" for k, v in summary.counts().items())
    return f"# newsmon ingest {summary.run_id}\n\n| count | value |\n|---|---|\n{rows}\n"


@flow(name="ingest", validate_parameters=False)
def ingest_flow(settings: Settings, honour_intervals: bool = False) -> IngestSummary:
    """Prefect flow: one pass over the configured feeds (scheduled runs honour each feed's adaptive interval)."""
    run_id = str(flow_run.get_id() or uuid.uuid4())
    summary = run_ingest(settings, run_id, honour_intervals=honour_intervals)
    get_run_logger().info(summary.line())
    create_markdown_artifact(key="ingest-summary", markdown=render_summary_markdown(summary),
                             description=summary.line())
    return summary
