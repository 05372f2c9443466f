"""Nothing lost, nothing twice: SIGKILL a real `newsmon ingest` process mid-run, rerun, and check the warehouse."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flows.ingest import GROUPS_IN_FLIGHT, ingest_flow
from flows.settings import load_settings
from tests.faultserver import FEED_TYPE, FaultServer, Reply, make_article, make_rss
from warehouse.db import connect

pytestmark = pytest.mark.usefixtures("prefect_harness")
PROJECT = Path(__file__).resolve().parents[2]
PAGES = 10
FEEDS = GROUPS_IN_FLIGHT + 4  # more feeds than are collected at once, so the kill lands mid-run


def write_config(tmp_path: Path, server: FaultServer) -> Path:
    feeds = "".join(f'[[feed]]\nurl = "{server.url(f"/feed{n}.xml")}"\nname = "feed {n}"\nkind = "test"\n\n'
                    for n in range(FEEDS))
    config = tmp_path / "newsmon.toml"
    config.write_text(
        f'[newsmon]\ndb = "kill.duckdb"\nload_batch_pages = {PAGES}\n\n[http]\nallow_hosts = ["127.0.0.1"]\nper_host_interval = 0.0\n'
        f"per_host_concurrency = 2\ntimeout = 5.0\nrobots = false\n\n{feeds}", encoding="utf-8")
    return config


def serve_catalogue(server: FaultServer) -> None:
    """FEEDS feeds of PAGES distinct articles each; every page takes 0.3 s to answer."""
    for n in range(FEEDS):
        items = []
        for m in range(PAGES):
            path = f"/news/{n}/{m}"
            paragraphs = [f"Invented report {n}-{m}, part {k}: the Fenwick ferry timetable changes on route {n}{m}{k}, "
                          f"the operator's notice says, affecting {n * 100 + m * 10 + k} crossings a week."
                          for k in range(4)]
            server.routes[path] = Reply(body=make_article(f"Ferry timetable {n}-{m}", paragraphs), delay=0.3)
            items.append((f"Ferry timetable {n}-{m}", server.url(path)))
        server.routes[f"/feed{n}.xml"] = Reply(body=make_rss(items, f"Feed {n}"), content_type=FEED_TYPE,
                                               conditional=True)


def wait_for(condition, timeout: float, process: subprocess.Popen[bytes]) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if process.poll() is not None:
            raise AssertionError(f"ingest exited early ({process.returncode}): {process.stderr.read().decode()}")
        time.sleep(0.02)
    raise AssertionError("timed out waiting for the ingest to reach the marker page")


def test_sigkill_mid_run_then_rerun_loses_nothing_and_doubles_nothing(tmp_path: Path) -> None:
    from prefect.settings import PREFECT_API_URL

    with FaultServer() as server:
        serve_catalogue(server)
        config = write_config(tmp_path, server)
        env = {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value())}
        process = subprocess.Popen([sys.executable, "-m", "flows.cli", "ingest", "--config", str(config)],
                                   cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            # one feed a transaction (load_batch_pages = PAGES) and a fetch group (at most half a load batch of
            # pages), loaded in URL order while the next GROUPS_IN_FLIGHT are collected. Once feed j's pages are
            # in, the run submits the next group (feed j + GROUPS_IN_FLIGHT) first, then waits for feed
            # j - 1's load to commit, so feed k + GROUPS_IN_FLIGHT + 2 is requested only after feed k's load
            # committed: once its pages are in flight, feed 0 is stored and later feeds are half-fetched or
            # mid-load (k + GROUPS_IN_FLIGHT + 1 was one short: 1 run in 6 killed the run before any commit)
            marker = f"/news/{GROUPS_IN_FLIGHT + 2}/0"
            wait_for(lambda: server.count(marker) >= 1, 120, process)
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
            process.stdout.close()  # type: ignore[union-attr]
            process.stderr.close()  # type: ignore[union-attr]
        assert process.returncode == -signal.SIGKILL
        settings = load_settings(config)
        with connect(settings.db) as con:
            after_kill = con.execute("SELECT count(*) FROM articles").fetchone()[0]
            polls_after_kill = con.execute("SELECT count(*) FROM feed_fetches").fetchone()[0]
            killed = con.execute("SELECT run_id, status FROM runs").fetchall()
        # whole feeds only: every committed feed with all its pages, nothing of a feed whose load had not committed
        assert 1 <= polls_after_kill < FEEDS
        assert after_kill == polls_after_kill * PAGES
        assert [status for _, status in killed] == ["running"]

        rerun = ingest_flow(settings)
        assert rerun.new == (FEEDS - polls_after_kill) * PAGES and rerun.duplicate == 0
        for n in range(polls_after_kill):  # the committed feeds' pages were not fetched again
            assert all(server.count(f"/news/{n}/{m}") == 1 for m in range(PAGES))

    with connect(settings.db) as con:
        urls = [r[0] for r in con.execute("SELECT canonical_url FROM articles").fetchall()]
        per_article = con.execute(
            "SELECT a.article_id, a.revision, (SELECT count(*) FROM article_revisions r "
            "WHERE r.article_id = a.article_id), (SELECT count(*) FROM article_urls u "
            "WHERE u.article_id = a.article_id) FROM articles a").fetchall()
        orphans = con.execute(
            "SELECT (SELECT count(*) FROM article_urls WHERE article_id NOT IN (SELECT article_id FROM articles))"
            " + (SELECT count(*) FROM article_revisions WHERE article_id NOT IN (SELECT article_id FROM articles))"
            " + (SELECT count(*) FROM figures WHERE article_id NOT IN (SELECT article_id FROM articles))"
            " + (SELECT count(*) FROM quotes WHERE article_id NOT IN (SELECT article_id FROM articles))"
            " + (SELECT count(*) FROM entities WHERE article_id NOT IN (SELECT article_id FROM articles))"
            " + (SELECT count(*) FROM topics WHERE article_id NOT IN (SELECT article_id FROM articles))").fetchone()
        runs = dict(con.execute("SELECT run_id, status FROM runs").fetchall())
        locks = con.execute("SELECT count(*) FROM run_locks").fetchone()
    expected = {f"/news/{n}/{m}" for n in range(FEEDS) for m in range(PAGES)}
    assert len(urls) == len(set(urls)) == FEEDS * PAGES
    assert {u.split(str(server.port), 1)[1] for u in urls} == expected
    # no article was stored twice as a spurious revision (revision rows appear lazily, on the first edit)
    assert all(revision == 1 and revisions <= 1 and url_rows == 1 for _, revision, revisions, url_rows in per_article)
    assert orphans == (0,) and locks == (0,)
    assert runs[killed[0][0]] == "abandoned" and runs[rerun.run_id] == "completed"
