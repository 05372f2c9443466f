"""End to end on real components: replay server on 127.0.0.1 -> ingest flow -> DuckDB -> digest flow -> aiosmtpd."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.demo import demo_settings
from flows.digest import digest_flow
from flows.ingest import ingest_flow
from flows.replay import ReplayServer
from flows.settings import SmtpSettings
from parsers.urls import canonicalize_url
from warehouse.db import connect

pytestmark = pytest.mark.usefixtures("prefect_harness")

ORPHAN_CHECK = """
SELECT (SELECT count(*) FROM quotes WHERE article_id NOT IN (SELECT article_id FROM articles))
     + (SELECT count(*) FROM figures WHERE article_id NOT IN (SELECT article_id FROM articles))
     + (SELECT count(*) FROM entities WHERE article_id NOT IN (SELECT article_id FROM articles))
     + (SELECT count(*) FROM topics WHERE article_id NOT IN (SELECT article_id FROM articles))
     + (SELECT count(*) FROM article_urls WHERE article_id NOT IN (SELECT article_id FROM articles))
"""


def test_ingest_twice_then_digest_by_smtp(replay_server: ReplayServer, tmp_path: Path, demo_expected: dict,
                                          smtp_server) -> None:
    db = tmp_path / "demo.duckdb"
    settings = demo_settings(replay_server, db, tmp_path / "outbox")
    expected_articles = demo_expected["article"]

    first = ingest_flow(settings)
    assert first.feeds_polled == len(settings.feeds) and first.feeds_failed == 0
    assert first.rejected >= 2  # the 404 link and the PDF
    with connect(db) as con:
        stored = {r[0] for r in con.execute("SELECT canonical_url FROM articles").fetchall()}
        count = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        rejects = {r[0] for r in con.execute("SELECT url FROM rejects WHERE stage = 'page'").fetchall()}
        assert con.execute(ORPHAN_CHECK).fetchone() == (0,)
        runs = con.execute("SELECT status, new FROM runs WHERE flow = 'ingest'").fetchall()
        same_text_rows = con.execute("SELECT count(*) FROM articles WHERE same_text_as IS NOT NULL").fetchone()[0]
        variants = con.execute("SELECT count(*) FROM article_urls").fetchone()[0]
    wanted = {canonicalize_url(a["canonical_url"]) for a in expected_articles}
    assert wanted <= stored
    assert count == len(stored) == first.new + same_text_rows
    # the m. and AMP pages are URL variants of stored articles: counted as duplicates, stored as extra URLs only
    assert first.duplicate - same_text_rows >= 2
    assert variants > count
    assert runs == [("completed", first.new)]
    assert len(rejects) >= 2

    second = ingest_flow(settings)
    assert (second.new, second.duplicate, second.updated, second.fetched) == (0, 0, 0, 0)
    assert all(r for r in replay_server.requests if r[2] == 304)

    host, port, handler = smtp_server
    mail_settings = settings.with_overrides(smtp=SmtpSettings(host=host, port=port, sender="newsmon@test.example"))
    report = digest_flow(mail_settings)
    assert len(report) == 1 and "sent to analyst@newsroom.example" in report[0]
    assert len(handler.messages) == 1
    message = handler.messages[0]
    assert message["To"] == "analyst@newsroom.example"
    assert "new stor" in message["Subject"]
    assert message["Message-ID"] and message["Date"] and message["List-Unsubscribe"]
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Badenoch" in plain and "<table" in html
    assert digest_flow(mail_settings) == []
    assert len(handler.messages) == 1


def test_edited_page_becomes_a_revision(replay_server: ReplayServer, tmp_path: Path, demo_expected: dict) -> None:
    db = tmp_path / "rev.duckdb"
    settings = demo_settings(replay_server, db, tmp_path / "outbox")
    ingest_flow(settings)
    replay_server.phase = 2
    later = ingest_flow(settings)
    assert later.updated == 1 and later.new == 0
    edited = [a for a in demo_expected["article"] if a.get("edited")]
    assert len(edited) == 1
    with connect(db) as con:
        row = con.execute("SELECT revision, title FROM articles WHERE canonical_url = ?",
                          [canonicalize_url(edited[0]["canonical_url"])]).fetchone()
        diff = con.execute("SELECT title_before FROM revisions WHERE revision = 2").fetchone()
    assert row is not None and row[0] == 2
    assert diff is not None and diff[0] != row[1]


def test_a_long_run_refreshes_the_derived_tables_as_it_loads(replay_server: ReplayServer, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import flows.ingest

    calls: list[int] = []
    refresh = flows.ingest.refresh_search_index

    def counted(con):  # noqa: ANN001, ANN202 - the wrapped function's own signature
        calls.append(con.execute("SELECT count(*) FROM articles").fetchone()[0])
        return refresh(con)

    monkeypatch.setattr(flows.ingest, "REFRESH_EVERY_PAGES", 1)
    monkeypatch.setattr(flows.ingest, "refresh_search_index", counted)
    db = tmp_path / "demo.duckdb"
    summary = ingest_flow(demo_settings(replay_server, db, tmp_path / "outbox"))
    assert len(calls) >= 2 and calls[0] > 0  # at least once after a load, then once at the end of the run
    with connect(db) as con:
        indexed = con.execute("SELECT count(*) FROM derived.search_docs").fetchone()[0]
        stored = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert summary.new > 0 and indexed == stored


def count_fetched_pages(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Pages per fetch-pages task, as the run goes (each task collects its group's pages in one call)."""
    import flows.ingest

    fetched: list[int] = []
    collect = flows.ingest.collect_pages

    def counted(http, entries, *, robots):  # noqa: ANN001, ANN202 - the wrapped function's own signature
        fetched.append(len(entries))
        return collect(http, entries, robots=robots)

    monkeypatch.setattr(flows.ingest, "collect_pages", counted)
    return fetched


@pytest.mark.parametrize("load_batch_pages", [250, 8])
def test_feeds_with_a_few_new_pages_share_a_fetch_task(replay_server: ReplayServer, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch, load_batch_pages: int) -> None:
    import flows.ingest

    fetched = count_fetched_pages(monkeypatch)
    settings = demo_settings(replay_server, tmp_path / "demo.duckdb", tmp_path / "outbox")
    settings = settings.with_overrides(load_batch_pages=load_batch_pages)
    summary = ingest_flow(settings)
    with connect(settings.db) as con:
        page_rejects = con.execute("SELECT count(*) FROM rejects WHERE stage = 'page'").fetchone()[0]
    assert sum(fetched) == summary.fetched + page_rejects > 20  # every new entry fetched, in some task
    group = min(flows.ingest.FETCH_GROUP_PAGES, load_batch_pages // 2)
    assert all(n >= group for n in fetched[:-1])  # every group but the run's last is full
    if load_batch_pages == 250:  # the demo's feeds have ~26 new pages between them: one task, not one a feed
        assert len(fetched) == 1 and len(settings.feeds) > 1
    else:
        assert 1 < len(fetched) < len(settings.feeds)


def test_feeds_polled_a_few_at_a_time_feed_one_stream_of_fetch_groups(
        replay_server: ReplayServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import flows.ingest

    polled: list[int] = []  # the feeds polled, by id
    fetched = count_fetched_pages(monkeypatch)
    poll = flows.ingest.poll_feed

    def noted(client, feed):  # noqa: ANN001, ANN202 - the wrapped function's own signature
        polled.append(feed.feed_id)
        return poll(client, feed)

    monkeypatch.setattr(flows.ingest, "POLL_BATCH", 2)
    monkeypatch.setattr(flows.ingest, "poll_feed", noted)
    settings = demo_settings(replay_server, tmp_path / "demo.duckdb", tmp_path / "outbox")
    summary = ingest_flow(settings)
    with connect(settings.db) as con:
        page_rejects = con.execute("SELECT count(*) FROM rejects WHERE stage = 'page'").fetchone()[0]
        polls = con.execute("SELECT count(*) FROM feed_fetches WHERE run_id = ?",
                            [summary.run_id]).fetchone()[0]
    assert sorted(polled) == sorted(set(polled)) and len(polled) == len(settings.feeds) > 2 * 2
    assert summary.feeds_polled == polls == len(settings.feeds)
    # the three poll batches' ~26 new pages are one group, one task: no group ends where a poll batch does
    assert fetched == [summary.fetched + page_rejects] and summary.new > 20


def test_a_run_collects_garbage_less_often_and_queries_on_one_thread_then_restores_both(
        replay_server: ReplayServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    import duckdb

    import flows.ingest

    during: list[tuple[tuple[int, int, int], int]] = []  # the collector's thresholds and DuckDB's threads
    upsert = flows.ingest.upsert_articles

    def noted(con, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202 - the wrapped function's signature
        during.append((gc.get_threshold(), con.execute("SELECT current_setting('threads')").fetchone()[0]))
        return upsert(con, *args, **kwargs)

    monkeypatch.setattr(flows.ingest, "upsert_articles", noted)
    before = gc.get_threshold()
    settings = demo_settings(replay_server, tmp_path / "demo.duckdb", tmp_path / "outbox")
    summary = ingest_flow(settings)
    assert summary.new > 20 and during
    assert set(during) == {(flows.ingest.RUN_GC_THRESHOLDS, flows.ingest.INGEST_QUERY_THREADS)}
    assert flows.ingest.RUN_GC_THRESHOLDS != before
    # after the run: the process's own thresholds, and DuckDB's default thread count (one a core)
    assert gc.get_threshold() == before
    default = duckdb.connect().execute("SELECT current_setting('threads')").fetchone()[0]
    with connect(settings.db) as con:
        assert con.execute("SELECT current_setting('threads')").fetchone()[0] == default
