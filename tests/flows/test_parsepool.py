"""The page pool: pages fetched and parsed in worker processes (or here for a few), results in entry order."""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterator

import pytest

from flows import parsepool
from flows.parsepool import (
    WORKER_NICENESS,
    Failed,
    Parsed,
    collect_pages,
    ensure_parse_pool,
    parse_and_key,
    shutdown_parse_pool,
)
from flows.settings import HttpSettings
from parsers.dedup import compute_dedup_keys
from parsers.records import FeedEntry
from tests.faultserver import FaultServer, Reply

PAGE = (b"<html><head><title>Ferry timetable %d</title></head><body><article><p>"
        + b"The Fenwick ferry timetable changes on Monday, the operator said in a notice to passengers. " * 8
        + b"</p></article></body></html>")


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer() as running:
        yield running


def test_the_parse_pool_returns_the_article_with_its_keys() -> None:
    record, keys = parse_and_key(PAGE % 1, url="https://news.example/ferry", content_type="text/html",
                                 feed_entry=None)
    assert keys == compute_dedup_keys(record) and keys.body_hash == record.body_hash
    assert pickle.loads(pickle.dumps(record)) == record  # records cross the pool's process boundary by pickle


@pytest.mark.parametrize("workers", [1, 2])
def test_pages_are_fetched_and_parsed_in_entry_order_with_failures_named(server: FaultServer, workers: int) -> None:
    entries = []
    for i in range(20):
        path = f"/news/{i}"
        server.routes[path] = Reply(status=404, body=b"gone") if i == 7 else Reply(body=PAGE % i, gzip=i % 2 == 0)
        entries.append(FeedEntry(url=server.url(path), title=None, published_at=None, summary=None, guid=None))
    entries.append(FeedEntry(url=server.url("/doc.pdf"), title=None, published_at=None, summary=None, guid=None))
    server.routes["/doc.pdf"] = Reply(body=b"%PDF-1.4", content_type="application/pdf")
    http = HttpSettings(allow_hosts=("127.0.0.1",), per_host_interval=0.0, robots=False)
    ensure_parse_pool(workers, len(entries))  # one worker: no pool, the pages are fetched and parsed here
    try:
        results = collect_pages(http, entries, robots=False)
    finally:
        shutdown_parse_pool()
    assert len(results) == len(entries)
    for i, result in enumerate(results[:20]):
        if i == 7:
            assert isinstance(result, Failed) and not result.retryable and server.url("/news/7") in result.reason
        else:
            assert isinstance(result, Parsed) and result.article.title == f"Ferry timetable {i}"
            assert result.keys == compute_dedup_keys(result.article)
    assert isinstance(results[-1], Failed) and "not a web page" in results[-1].reason


def test_parse_workers_yield_the_cpu_to_the_loading_process() -> None:
    """The loader in this process is the serial stage: the workers run at a lower priority than it."""
    ensure_parse_pool(2, 16)
    try:
        pool = parsepool._pool
        assert pool is not None
        workers = {pool.submit(os.nice, 0).result() for _ in range(4)}
    finally:
        shutdown_parse_pool()
    assert WORKER_NICENESS > 0
    assert workers == {min(os.nice(0) + WORKER_NICENESS, 19)}
