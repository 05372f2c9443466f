"""Pages are parsed on every core: a process pool, started for big batches only, that threads hand fetched pages to."""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor

from parsers.dedup import DedupKeys, compute_dedup_keys
from parsers.page import parse_page
from parsers.records import Article, FeedEntry

MIN_BATCH_FOR_POOL = 16  # below this, starting processes (~1 s) costs more than it saves

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None


def _warm_up() -> None:
    """Worker initialiser: import the parsers (and their gazetteers) once, not on the first page."""
    import parsers.page  # noqa: F401


def resolve_workers(configured: int) -> int:
    """How many parse processes: configured, or one per CPU core when 0."""
    return configured if configured > 0 else (os.cpu_count() or 1)


def ensure_parse_pool(workers: int, batch: int) -> None:
    """Start the pool once a batch is big enough and more than one worker is wanted."""
    global _pool
    if workers <= 1 or batch < MIN_BATCH_FOR_POOL:
        return
    with _lock:
        if _pool is None:
            # spawn, not fork: the flow process runs threads (Prefect's API client, fetchers)
            _pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_warm_up)


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


def parse_fetched(body: bytes, *, url: str, content_type: str | None,
                  feed_entry: FeedEntry | None) -> tuple[Article, DedupKeys]:
    """Parse a fetched page in the pool when one runs, else here; errors propagate as parse_page raises them."""
    pool = _pool
    if pool is None:
        return parse_and_key(body, url=url, content_type=content_type, feed_entry=feed_entry)
    return pool.submit(parse_and_key, body, url=url, content_type=content_type, feed_entry=feed_entry).result()
