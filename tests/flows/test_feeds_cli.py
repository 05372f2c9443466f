"""`newsmon feeds`, `newsmon status` and `newsmon bench feeds` on a real warehouse and real servers on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import flows.ingest
from flows.bench_feeds import list_feed_files, run_feeds_bench
from flows.cli import main
from tests.faultserver import FEED_TYPE, FaultServer, Reply, make_rss
from warehouse.db import connect

pytestmark = pytest.mark.usefixtures("prefect_harness")
FAULTS = Path(__file__).parent.parent / "fixtures" / "faults"


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer() as running:
        running.routes["/good.xml"] = Reply(body=make_rss([]), content_type=FEED_TYPE)
        yield running


def write_config(tmp_path: Path, server: FaultServer) -> Path:
    config = tmp_path / "newsmon.toml"
    config.write_text(
        f'[newsmon]\ndb = "cli.duckdb"\n\n[http]\nallow_hosts = ["127.0.0.1"]\nper_host_interval = 0.0\n\n'
        f"[schedule]\nfailure_backoff = 0\ndisable_after = 2\n\n"
        f'[[feed]]\nurl = "{server.url("/good.xml")}"\nname = "good"\n\n'
        f'[[feed]]\nurl = "{server.url("/gone.xml")}"\nname = "gone"\n', encoding="utf-8")
    return config


def test_failing_feed_is_disabled_reported_and_reenabled(tmp_path: Path, server: FaultServer,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path, server)
    gone = server.url("/gone.xml")
    assert main(["ingest", "--config", str(config)]) == 0
    assert main(["status", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "failing feeds: 1" in out and f"{gone}  FAILING x1" in out and "HTTP 404" in out

    assert main(["ingest", "--config", str(config)]) == 0
    capsys.readouterr()
    assert main(["status", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "disabled feeds: 1" in out and "failing feeds: 0" in out
    assert f"{gone}  DISABLED (disabled after 2 failures in a row" in out
    assert out.count("ingest ") >= 2 and "completed" in out

    assert main(["ingest", "--config", str(config)]) == 0
    assert server.count("/gone.xml") == 2  # disabled: not polled any more

    assert main(["feeds", "enable", gone, "--config", str(config)]) == 0
    assert f"{gone}: enabled" in capsys.readouterr().out
    with connect(tmp_path / "cli.duckdb") as con:
        row = con.execute("SELECT enabled, consecutive_failures, disabled_reason, next_poll_at FROM feeds "
                          "WHERE url = ?", [gone]).fetchone()
    assert row == (True, 0, None, None)
    assert main(["ingest", "--config", str(config)]) == 0
    assert server.count("/gone.xml") == 3

    assert main(["feeds", "disable", server.url("/good.xml"), "--reason", "paywalled now", "--config",
                 str(config)]) == 0
    capsys.readouterr()
    assert main(["feeds", "list", "--only", "disabled", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert f"{server.url('/good.xml')}  DISABLED (paywalled now)" in out and "1 feeds (1 disabled" in out

    assert main(["feeds", "enable", "http://nowhere.example/feed", "--config", str(config)]) == 1
    assert "no such feed" in capsys.readouterr().err
    assert main(["feeds", "enable", "--config", str(config)]) == 2


def test_bench_feeds_on_the_fault_fixtures(capsys: pytest.CaptureFixture[str]) -> None:
    assert len(list_feed_files(FAULTS)) == 6
    assert main(["bench", "feeds", "--data", str(FAULTS)]) == 0
    out = capsys.readouterr().out
    assert "6 feeds: 0 kept / 3 flagged / 3 refused / 0 crashed" in out  # safe_entity.xml is bozo, kept
    assert "refers to other entities" in out and "external entity" in out


def test_bench_counts_a_parser_exception_as_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_parser(data: bytes, url: str, content_type: str | None = None) -> None:
        raise RecursionError("deep")

    monkeypatch.setattr(flows.ingest, "parse_feed", broken_parser)  # a parser bug, not a bad feed
    verdicts, _ = run_feeds_bench(FAULTS, workers=2)
    assert {v.verdict for v in verdicts} == {"crashed"}
    assert all("RecursionError: deep" in (v.reason or "") for v in verdicts)
