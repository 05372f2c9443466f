"""Pages are fetched and parsed on every core: a process pool, started for big batches only.

Each worker takes a feed's list of new entries, fetches them with its own HTTP client (a few threads waiting on the
network) and parses each page as it arrives in its main thread, so page bodies never cross a process boundary and
the flow process's interpreter lock is left to loading. Each of the W workers takes 1/W of every host's politeness
allowance (concurrency divided, spacing multiplied), so together they are as polite as one process, and a feed's
entries are dealt out to all of them.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import UTC, datetime

from flows.errors import PermanentError, TransientError
from flows.http import Fetched, HttpClient
from flows.robots import ROBOTS
from flows.settings import HttpSettings
from parsers.dedup import DedupKeys, compute_dedup_keys
from parsers.page import PageError, parse_page
from parsers.records import Article, FeedEntry

MIN_BATCH_FOR_POOL = 16  # below this, starting processes (~1 s) costs more than it saves
# The workers run this much nicer than the flow process. Its loader thread is the one serial stage (dedup and
# the DuckDB write, a batch at a time); at equal priority it competed with two busy workers for two cores and
# held the run back, more so as the warehouse grew: 100,000 pages 129.1 articles/s at equal priority, 141.4
# with the workers niced (docs/benchmarks.md). The workers have pages queued: they lose nothing by yielding.
WORKER_NICENESS = 5

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_workers = 1


@dataclass(frozen=True, slots=True)
class Parsed:
    """A page fetched and parsed: its record, the record's dedup keys, and when the fetch started."""

    article: Article
    keys: DedupKeys
    at: datetime


@dataclass(frozen=True, slots=True)
class Failed:
    """A page that could not be fetched or read: the one-line reason naming its URL, and whether to retry."""

    reason: str
    retryable: bool
    at: datetime


def _warm_up() -> None:
    """Worker initialiser: yield the CPU to the flow process's loader, and import the parsers (and their
    gazetteers) once, not on the first page."""
    if hasattr(os, "nice"):  # not on Windows
        os.nice(WORKER_NICENESS)
    import parsers.page  # noqa: F401


def resolve_workers(configured: int) -> int:
    """How many parse processes: configured, or one per CPU core when 0."""
    return configured if configured > 0 else (os.cpu_count() or 1)


def ensure_parse_pool(workers: int, batch: int) -> None:
    """Start the pool once a batch is big enough and more than one worker is wanted."""
    global _pool, _workers
    if workers <= 1 or batch < MIN_BATCH_FOR_POOL:
        return
    with _lock:
        if _pool is None:
            # spawn, not fork: the flow process runs threads (Prefect's API client, fetchers)
            _pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_warm_up)
            _workers = workers


def shutdown_parse_pool() -> None:
    """Stop the pool at the end of a run."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


def parse_and_key(body: bytes, *, url: str, content_type: str | None,
                  feed_entry: FeedEntry | None) -> tuple[Article, DedupKeys]:
    """Parse a page and compute its dedup signature and story fingerprint (CPU work kept off the loading thread)."""
    article = parse_page(body, url=url, content_type=content_type, feed_entry=feed_entry)
    return article, compute_dedup_keys(article)


def fetch_entry(client: HttpClient, entry: FeedEntry, *, robots: bool) -> tuple[datetime, Fetched | Failed]:
    """When the fetch started, and the page (if robots.txt allows it) or Failed with a one-line reason."""
    at = datetime.now(UTC)
    try:
        refusal = ROBOTS.check(client, entry.url) if robots else None
        if refusal is not None:
            return at, Failed(refusal, "unreachable" in refusal, at)
        return at, client.fetch(entry.url, kind="page")
    except TransientError as exc:
        return at, Failed(str(exc), True, at)
    except PermanentError as exc:
        return at, Failed(str(exc), False, at)
    except Exception as exc:  # a client bug must not sink the run: record it and go on
        return at, Failed(f"{entry.url}: fetch failed: {type(exc).__name__}: {exc}", False, at)


def parse_entry(fetched: Fetched, entry: FeedEntry, at: datetime) -> Parsed | Failed:
    """Parse a fetched page into its record and keys; a page newsmon cannot read becomes Failed."""
    try:
        article, keys = parse_and_key(fetched.body, url=fetched.final_url, content_type=fetched.content_type,
                                      feed_entry=entry)
    except PageError as exc:
        return Failed(str(exc), False, at)
    except Exception as exc:  # a parser bug must not sink the run: record it and go on
        return Failed(f"{entry.url}: parser failed: {type(exc).__name__}: {exc}", False, at)
    return Parsed(article, keys, at)


def collect_entries(client: HttpClient, entries: list[FeedEntry], *, robots: bool,
                    fetchers: ThreadPoolExecutor) -> list[Parsed | Failed]:
    """Fetch entries concurrently on the fetcher threads and parse each in this thread as it arrives, in order."""
    results: dict[int, Parsed | Failed] = {}
    started = {fetchers.submit(fetch_entry, client, entry, robots=robots): i for i, entry in enumerate(entries)}
    for future in as_completed(started):
        i = started[future]
        at, fetched = future.result()
        results[i] = fetched if isinstance(fetched, Failed) else parse_entry(fetched, entries[i], at)
    return [results[i] for i in range(len(entries))]


_worker_clients: dict[tuple[HttpSettings, int], HttpClient] = {}
_worker_fetchers: ThreadPoolExecutor | None = None


def _collect_in_worker(http: HttpSettings, entries: list[FeedEntry], robots: bool,
                       share: int) -> list[Parsed | Failed]:
    """Worker side: one client and fetcher threads per process, kept across feeds (connections stay alive)."""
    global _worker_fetchers
    client = _worker_clients.get((http, share))
    if client is None:
        client = _worker_clients[(http, share)] = HttpClient(http, share=share)
    if _worker_fetchers is None:
        _worker_fetchers = ThreadPoolExecutor(max(1, http.concurrency), thread_name_prefix="fetch")
    return collect_entries(client, entries, robots=robots, fetchers=_worker_fetchers)


def collect_pages(http: HttpSettings, entries: list[FeedEntry], *, robots: bool) -> list[Parsed | Failed]:
    """Fetch and parse entries in the pool's workers when the pool runs, else in this process; in entry order.

    A feed's entries are dealt out to every worker: each worker holds 1/W of the host's politeness allowance, so a
    feed fetched by one worker alone would get only that share of its host.
    """
    pool, share = _pool, _workers
    if pool is not None:
        slices = [entries[k::share] for k in range(min(share, len(entries)))]
        jobs = [pool.submit(_collect_in_worker, http, part, robots, share) for part in slices]
        done = [job.result() for job in jobs]
        return [done[i % len(slices)][i // len(slices)] for i in range(len(entries))]
    with HttpClient(http) as client, ThreadPoolExecutor(max(1, min(http.concurrency, len(entries)))) as fetchers:
        return collect_entries(client, entries, robots=robots, fetchers=fetchers)
