"""Each fault class through the real ingest flow, against a fault-injecting server on 127.0.0.1 and a real DuckDB."""

from __future__ import annotations

import random
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from flows.ingest import ingest_flow, plan_next_poll
from flows.robots import ROBOTS
from flows.settings import FeedConfig, HttpSettings, ScheduleSettings, Settings, load_settings
from parsers.feeds import FeedError, check_entities, parse_feed
from tests.faultserver import FEED_TYPE, FaultServer, Reply, make_article, make_gzip_bomb, make_rss
from warehouse.db import connect
from warehouse.state import FeedPoll, FeedState

pytestmark = pytest.mark.usefixtures("prefect_harness")
FAULTS = Path(__file__).parent.parent / "fixtures" / "faults"


@pytest.fixture
def server() -> Iterator[FaultServer]:
    ROBOTS.clear()
    with FaultServer() as running:
        yield running
    ROBOTS.clear()


def make_settings(tmp_path: Path, server: FaultServer, paths: list[str], **schedule: object) -> Settings:
    http = HttpSettings(allow_hosts=("127.0.0.1",), timeout=1.0, connect_timeout=1.0, total_timeout=5.0,
                        per_host_interval=0.0, max_bytes=300_000, contact="ops@newsroom.example")
    values: dict[str, object] = {"failure_backoff": 300.0, "disable_after": 3}
    values.update(schedule)
    return Settings(db=tmp_path / "faults.duckdb", outbox=tmp_path / "outbox",
                    feeds=tuple(FeedConfig(url=server.url(p), name=p, kind="test") for p in paths),
                    http=http, schedule=ScheduleSettings(**values))  # type: ignore[arg-type]


def feed_row(settings: Settings, path_suffix: str) -> dict:
    with connect(settings.db) as con:
        cursor = con.execute("SELECT * FROM feeds WHERE url LIKE ?", [f"%{path_suffix}"])
        names = [d[0] for d in cursor.description]
        row = cursor.fetchone()
    assert row is not None, path_suffix
    return dict(zip(names, row, strict=True))


def article_paragraphs(seed: str) -> list[str]:
    return [f"{seed}: paragraph {i} of an invented local story about bus timetables in the town of Fenwick, "
            f"written for the fault tests, with enough words to count as an article body." for i in range(5)]


def test_503_with_retry_after_is_honoured(tmp_path: Path, server: FaultServer) -> None:
    server.routes["/feed"] = Reply(status=503, body=b"busy", content_type="text/plain",
                                   headers={"Retry-After": "7200"})
    settings = make_settings(tmp_path, server, ["/feed"], failure_backoff=60.0)
    first = ingest_flow(settings)
    assert (first.feeds_polled, first.feeds_failed) == (1, 1)
    row = feed_row(settings, "/feed")
    assert row["consecutive_failures"] == 1 and row["enabled"]
    # backoff alone would say 30-60 s; the server asked for two hours
    assert row["next_poll_at"] - row["last_polled_at"] >= timedelta(seconds=7200)
    second = ingest_flow(settings)
    assert second.feeds_polled == 0 and server.count("/feed") == 1
    with connect(settings.db) as con:
        assert con.execute("SELECT retryable FROM rejects WHERE stage = 'feed'").fetchall() == [(True,)]


def test_500_then_recovery_resets_health(tmp_path: Path, server: FaultServer) -> None:
    feed = make_rss([])
    server.routes["/feed"] = [Reply(status=500, body=b"oops", content_type="text/plain"),
                              Reply(body=feed, content_type=FEED_TYPE)]
    settings = make_settings(tmp_path, server, ["/feed"], failure_backoff=0.0)
    assert ingest_flow(settings).feeds_failed == 1
    assert feed_row(settings, "/feed")["last_error"].endswith("HTTP 500")
    assert ingest_flow(settings).feeds_failed == 0
    row = feed_row(settings, "/feed")
    assert (row["consecutive_failures"], row["next_poll_at"], row["last_error"]) == (0, None, None)
    assert row["last_success_at"] is not None


def test_feed_failing_n_times_is_disabled(tmp_path: Path, server: FaultServer) -> None:
    settings = make_settings(tmp_path, server, ["/gone"], failure_backoff=0.0, disable_after=3)
    summaries = [ingest_flow(settings) for _ in range(4)]
    assert [s.feeds_polled for s in summaries] == [1, 1, 1, 0]
    assert summaries[2].feeds_disabled == 1 and "1 disabled" in summaries[2].line()
    row = feed_row(settings, "/gone")
    assert not row["enabled"] and "3 failures in a row" in row["disabled_reason"]
    assert "HTTP 404" in row["disabled_reason"] and row["disabled_at"] is not None


def test_feed_timeout_is_transient(tmp_path: Path, server: FaultServer) -> None:
    server.routes["/slow-feed"] = Reply(body=make_rss([]), content_type=FEED_TYPE, delay=2.5)
    settings = make_settings(tmp_path, server, ["/slow-feed"])
    assert ingest_flow(settings).feeds_failed == 1
    assert "timed out" in feed_row(settings, "/slow-feed")["last_error"]


def test_page_faults_are_rejected_and_the_rest_loaded(tmp_path: Path, server: FaultServer) -> None:
    pages = {
        "/a/ok": Reply(body=make_article("Bus timetable changes", article_paragraphs("ok"))),
        "/a/charset": Reply(body=(FAULTS / "bad_charset_page.html").read_bytes().replace(
            b"<head>", b'<head><meta charset="windows-1252">'), content_type="text/html; charset=x-bogus-9"),
        "/a/truncated": Reply(body=make_article("Cut", article_paragraphs("cut")), truncate_at=200),
        "/a/oversize": Reply(body=b"<html><body>" + b"<p>big</p>" * 40_000 + b"</body></html>"),
        "/a/bomb": Reply(raw_encoded=make_gzip_bomb(32 * 1_048_576)),
        "/a/busy": Reply(status=503, body=b"busy", content_type="text/plain", headers={"Retry-After": "60"}),
        "/a/report.pdf": Reply(body=b"%PDF-1.7 ...", content_type="application/pdf"),
        "/a/metadata": Reply(status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}),
        "/private/a": Reply(body=make_article("Hidden", article_paragraphs("hidden"))),
        "/a/slow": Reply(body=make_article("Slow", article_paragraphs("slow")), delay=2.5),
    }
    server.routes.update(pages)
    server.routes["/robots.txt"] = Reply(body=b"User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    server.routes["/feed"] = Reply(body=make_rss([(p, server.url(p)) for p in pages]), content_type=FEED_TYPE)
    settings = make_settings(tmp_path, server, ["/feed"])
    summary = ingest_flow(settings)
    assert summary.feeds_failed == 0 and summary.new == 2
    with connect(settings.db) as con:
        stored = dict(con.execute("SELECT url, title FROM articles").fetchall())
        rejects = {url.split(str(server.port), 1)[1]: (reason, retryable)
                   for url, reason, retryable in con.execute("SELECT url, reason, retryable FROM rejects").fetchall()}
        body = con.execute("SELECT body FROM articles WHERE url LIKE '%/a/charset'").fetchone()[0]
    assert {u.split(str(server.port), 1)[1] for u in stored} == {"/a/ok", "/a/charset"}
    assert "£719" in body and "\ufffd" not in body
    expected = {"/a/truncated": ("connection failed", True), "/a/oversize": ("too large", False),
                "/a/bomb": ("decompressed body over", False), "/a/busy": ("HTTP 503", True),
                "/a/report.pdf": ("not a web page", False), "/a/metadata": ("non-public address", False),
                "/private/a": ("disallowed by", False), "/a/slow": ("timed out", True)}
    assert set(rejects) == set(expected)
    for path, (needle, retryable) in expected.items():
        assert needle in rejects[path][0] and rejects[path][1] is retryable, (path, rejects[path])
    assert server.count("/private/a") == 0 and server.count("/robots.txt") == 1
    assert "newsmon" in server.requests[0][2]["user-agent"]


def test_bad_charset_without_declaration_is_detected(tmp_path: Path, server: FaultServer) -> None:
    server.routes["/a/charset"] = Reply(body=(FAULTS / "bad_charset_page.html").read_bytes(),
                                        content_type="text/html; charset=x-bogus-9")
    server.routes["/feed"] = Reply(body=make_rss([("c", server.url("/a/charset"))]), content_type=FEED_TYPE)
    settings = make_settings(tmp_path, server, ["/feed"])
    assert ingest_flow(settings).new == 1
    with connect(settings.db) as con:
        body = con.execute("SELECT body FROM articles").fetchone()[0]
    assert "£719" in body and "\ufffd" not in body


def serve_fixture(server: FaultServer, name: str, path: str) -> None:
    body = (FAULTS / name).read_bytes().replace(b"http://example.invalid", server.url("").encode())
    server.routes[path] = Reply(body=body, content_type=FEED_TYPE)


def test_feed_faults_are_refused_with_reasons(tmp_path: Path, server: FaultServer) -> None:
    serve_fixture(server, "billion_laughs.xml", "/f/laughs")
    serve_fixture(server, "external_entity.xml", "/f/xxe")
    serve_fixture(server, "parameter_entity.xml", "/f/pe")
    serve_fixture(server, "not_a_feed.html", "/f/html")
    serve_fixture(server, "bozo_usable.xml", "/f/bozo")
    serve_fixture(server, "safe_entity.xml", "/f/safe")
    server.routes["/f/bomb"] = Reply(raw_encoded=make_gzip_bomb(32 * 1_048_576), content_type=FEED_TYPE)
    server.routes["/f/redirect"] = Reply(status=301, headers={"Location": "http://10.20.30.40/feed.xml"})
    server.routes["/f/image"] = Reply(body=b"GIF89a", content_type="image/gif")
    for page in ("/first", "/second", "/story"):
        server.routes[page] = Reply(body=make_article(f"Story {page}", article_paragraphs(page)))
    paths = ["/f/laughs", "/f/xxe", "/f/pe", "/f/html", "/f/bozo", "/f/safe", "/f/bomb", "/f/redirect", "/f/image"]
    settings = make_settings(tmp_path, server, paths)
    summary = ingest_flow(settings)
    assert (summary.feeds_polled, summary.feeds_failed) == (9, 7)
    errors = {p: feed_row(settings, p)["last_error"] for p in paths}
    assert "expansion bomb" in errors["/f/laughs"]
    assert "external entity" in errors["/f/xxe"]
    assert "parameter entity" in errors["/f/pe"]
    assert "not a feed" in errors["/f/html"]
    assert "decompressed body over" in errors["/f/bomb"]
    assert "non-public address 10.20.30.40" in errors["/f/redirect"]
    assert "not a feed (Content-Type image/gif)" in errors["/f/image"]
    assert errors["/f/bozo"] is None and errors["/f/safe"] is None
    assert server.count("/first") == 1 and server.count("/second") == 1 and server.count("/story") == 1


def test_xml_bombs_refused_before_parsing() -> None:
    for name in ("billion_laughs.xml", "external_entity.xml", "parameter_entity.xml"):
        data = (FAULTS / name).read_bytes()
        assert check_entities(data) is not None
        assert check_entities(data.decode().encode("utf-16")) is not None  # the guard decodes UTF-16 too
        with pytest.raises(FeedError, match="refused"):
            parse_feed(data, "http://feeds.example/x.xml")
    quadratic = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "' + b"x" * 5000 + b'">]><rss version="2.0">'
                 b"<channel><title>&a;&a;&a;</title></channel></rss>")
    assert "characters long" in (check_entities(quadratic) or "")
    parsed = parse_feed((FAULTS / "safe_entity.xml").read_bytes(), "http://feeds.example/x.xml")
    assert [e.url for e in parsed.entries] == ["http://example.invalid/story"]  # kept, not refused


def test_bozo_feed_keeps_its_entries() -> None:
    parsed = parse_feed((FAULTS / "bozo_usable.xml").read_bytes(), "http://feeds.example/x.xml")
    assert parsed.bozo and parsed.bozo_reason
    assert [e.url for e in parsed.entries][:1] == ["http://example.invalid/first"]


def test_truncated_feed_keeps_the_whole_items() -> None:
    parsed = parse_feed((FAULTS / "truncated_feed.xml").read_bytes(), "http://feeds.example/x.xml")
    assert parsed.bozo and [e.url for e in parsed.entries][0] == "http://example.invalid/whole"


def test_304_and_unchanged_body_skip_the_pages(tmp_path: Path, server: FaultServer) -> None:
    server.routes["/p1"] = Reply(body=make_article("One", article_paragraphs("one")))
    server.routes["/p2"] = Reply(body=make_article("Two", article_paragraphs("two")))
    server.routes["/etag-feed"] = Reply(body=make_rss([("One", server.url("/p1"))]), content_type=FEED_TYPE,
                                        conditional=True)
    # a feed that ignores validators and always answers 200 with the same bytes: the body hash catches it
    server.routes["/liar-feed"] = Reply(body=make_rss([("Two", server.url("/p2"))]), content_type=FEED_TYPE,
                                        headers={"ETag": '"changes-every-time"'})
    settings = make_settings(tmp_path, server, ["/etag-feed", "/liar-feed"])
    first, second = ingest_flow(settings), ingest_flow(settings)
    assert (first.new, second.new, second.fetched) == (2, 0, 0)
    assert server.count("/p1") == 1 and server.count("/p2") == 1
    etag_requests = [h for _, p, h in server.requests if p == "/etag-feed"]
    assert "if-none-match" in etag_requests[1]
    with connect(settings.db) as con:
        rows = con.execute("SELECT f.url, ff.status, ff.not_modified FROM feed_fetches ff JOIN feeds f USING "
                           "(feed_id) ORDER BY ff.fetch_id").fetchall()
    later = {url.rsplit("/", 1)[1]: (status, unchanged) for url, status, unchanged in rows[2:]}
    assert later == {"etag-feed": (304, True), "liar-feed": (200, True)}


def test_a_page_two_feeds_list_is_fetched_once(tmp_path: Path, server: FaultServer) -> None:
    server.routes["/shared"] = Reply(body=make_article("Shared", article_paragraphs("shared")))
    server.routes["/feed-a"] = Reply(body=make_rss([("Shared", server.url("/shared"))]), content_type=FEED_TYPE)
    server.routes["/feed-b"] = Reply(body=make_rss([("Shared", server.url("/shared"))], title="B"),
                                     content_type=FEED_TYPE)
    summary = ingest_flow(make_settings(tmp_path, server, ["/feed-a", "/feed-b"]))
    assert (summary.feeds_polled, summary.fetched, summary.new) == (2, 1, 1)
    assert server.count("/shared") == 1


def test_scheduled_runs_honour_adaptive_intervals(tmp_path: Path, server: FaultServer) -> None:
    server.routes["/feed"] = Reply(body=make_rss([]), content_type=FEED_TYPE)
    settings = make_settings(tmp_path, server, ["/feed"])
    ingest_flow(settings, honour_intervals=True)
    assert feed_row(settings, "/feed")["poll_interval_s"] == 900 * 1.5  # nothing new: polled less often
    assert ingest_flow(settings, honour_intervals=True).feeds_polled == 0  # not due yet
    assert ingest_flow(settings).feeds_polled == 1  # a manual run polls everything out of backoff


def test_plan_next_poll() -> None:
    schedule = ScheduleSettings(ingest_interval=900, min_poll_interval=300, max_poll_interval=3600,
                                failure_backoff=100, max_backoff=1000, disable_after=4)
    now = datetime(2025, 2, 3, 10, tzinfo=UTC)
    seen = FeedState(feed_id="f", url="u", name=None, outlet=None, etag='"x"', last_modified=None,
                     content_hash="h", consecutive_failures=0, poll_interval_s=900)
    ok = FeedPoll(feed_id="f", fetched_at=now, status=200, bytes=1, not_modified=False, entries=10,
                  new_entries=0, error=None)
    assert plan_next_poll(seen, ok, schedule).poll_interval_s == 1350
    assert plan_next_poll(seen, FeedPoll(**{**_fields(ok), "new_entries": 6}), schedule).poll_interval_s == 450
    assert plan_next_poll(seen, FeedPoll(**{**_fields(ok), "new_entries": 2}), schedule).poll_interval_s == 900
    quiet = FeedState(**{**_fields(seen), "poll_interval_s": 3000})
    assert plan_next_poll(quiet, ok, schedule).poll_interval_s == 3600  # clamped
    failed = FeedPoll(**{**_fields(ok), "error": "x: HTTP 500", "status": 500})
    rng = random.Random(7)
    delays = []
    for failures in range(5):
        state = FeedState(**{**_fields(seen), "consecutive_failures": failures})
        plan = plan_next_poll(state, failed, schedule, rng=rng)
        delays.append((plan.next_poll_at - now).total_seconds())
        assert (plan.disable_reason is not None) is (failures + 1 >= 4)
    bounds = [(50, 100), (100, 200), (200, 400), (400, 800), (500, 1000)]
    assert all(low <= d <= high for d, (low, high) in zip(delays, bounds, strict=True)), delays
    assert len({round(d) for d in delays}) == 5
    plan = plan_next_poll(seen, failed, schedule, retry_after=5000, rng=rng)
    assert (plan.next_poll_at - now).total_seconds() == 1000  # Retry-After capped at max_backoff


def _fields(obj: object) -> dict:
    return {name: getattr(obj, name) for name in obj.__dataclass_fields__}  # type: ignore[attr-defined]


def test_overlapping_run_is_skipped_and_dead_holder_taken_over(tmp_path: Path, server: FaultServer) -> None:
    server.routes["/feed"] = Reply(body=make_rss([]), content_type=FEED_TYPE)
    settings = make_settings(tmp_path, server, ["/feed"])
    ingest_flow(settings)
    now = datetime.now(UTC)
    me = f"{socket.gethostname()}:{__import__('os').getpid()}"
    with connect(settings.db) as con:
        con.execute("INSERT INTO runs (run_id, flow, started_at, status, holder) VALUES ('slow-run', 'ingest', ?, "
                    "'running', ?)", [now, me])
        con.execute("INSERT INTO run_locks VALUES ('ingest', 'slow-run', ?, ?, ?)", [me, now, now])
    requests = len(server.requests)
    skipped = ingest_flow(settings)
    assert skipped.skipped_by and "slow-run" in skipped.skipped_by and len(server.requests) == requests
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True).stdout.strip()
    with connect(settings.db) as con:
        con.execute("UPDATE run_locks SET holder = ? WHERE name = 'ingest'", [f"{socket.gethostname()}:{dead}"])
        con.execute("UPDATE runs SET holder = ? WHERE run_id = 'slow-run'", [f"{socket.gethostname()}:{dead}"])
    taken = ingest_flow(settings)
    assert taken.skipped_by is None and taken.feeds_polled == 1
    with connect(settings.db) as con:
        statuses = dict(con.execute("SELECT run_id, status FROM runs").fetchall())
        assert con.execute("SELECT count(*) FROM run_locks").fetchone() == (0,)
    assert statuses["slow-run"] == "abandoned" and statuses[skipped.run_id] == "skipped"
    assert statuses[taken.run_id] == "completed"


def test_secrets_never_in_config_or_repr(tmp_path: Path) -> None:
    config = tmp_path / "newsmon.toml"
    config.write_text('[smtp]\npassword = "hunter2"\n', encoding="utf-8")
    with pytest.raises(Exception, match="NEWSMON_SMTP_PASSWORD"):
        load_settings(config)
    config.write_text("[newsmon]\n", encoding="utf-8")
    settings = load_settings(config, env={"NEWSMON_SMTP_HOST": "smtp.example", "NEWSMON_SMTP_PASSWORD": "hunter2"})
    assert settings.smtp is not None and settings.smtp.password == "hunter2"
    assert "hunter2" not in repr(settings) and "hunter2" not in str(settings)


def test_smtp_password_from_prefect_secret_block(tmp_path: Path) -> None:
    from prefect.blocks.system import Secret

    Secret(value="from-the-block").save("newsmon-test-smtp", overwrite=True)
    config = tmp_path / "newsmon.toml"
    config.write_text("[newsmon]\n", encoding="utf-8")
    settings = load_settings(config, env={"NEWSMON_SMTP_HOST": "smtp.example",
                                          "NEWSMON_SMTP_PASSWORD_BLOCK": "newsmon-test-smtp"})
    assert settings.smtp is not None and settings.smtp.password == "from-the-block"
    assert "from-the-block" not in repr(settings)
    with pytest.raises(Exception, match="cannot load Prefect Secret block"):
        load_settings(config, env={"NEWSMON_SMTP_HOST": "smtp.example",
                                   "NEWSMON_SMTP_PASSWORD_BLOCK": "no-such-block"})
