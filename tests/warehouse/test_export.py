"""What readers get: a Parquet export by month, a clear refusal while another process writes, never half a batch."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from flows.cli import main
from parsers.records import Article, Quote
from parsers.urls import hash_text
from warehouse.db import connect, ensure_schema, transaction
from warehouse.export import export_parquet
from warehouse.load import PageResult, upsert_articles
from warehouse.state import start_run

JAN = datetime(2025, 1, 20, 9, 0, tzinfo=UTC)
FEB = datetime(2025, 2, 12, 9, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]


def article(url: str, body: str, published: datetime) -> Article:
    return Article(url=url, canonical_url=url, title="T", authors=(), published_at=published,
                   published_at_source="jsonld", language="en", outlet="Test Post", status="full", status_reason=None,
                   body=body, body_hash=hash_text(body), relevance=0.9, relevance_evidence=(),
                   quotes=(Quote(text="We will act.", speaker="Jane Doe", speaker_role=None, kind="direct",
                                 cue="said", start=0, end=12),))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    ensure_schema(path)
    pages = [PageResult(article=a, fetched_url=a.url, feed_id=None, entry_sig=None, fetched_at=FEB) for a in (
        article("http://a.example/1", "January story about asylum claims.", JAN),
        article("http://a.example/2", "February story about deportations.", FEB),
        article("http://a.example/3", "Another February story about small boats.", FEB),
    )]
    with connect(path) as con, transaction(con):
        start_run(con, "run-1", "ingest", FEB)
        upsert_articles(con, pages, "run-1")
    return path


def test_export_writes_article_tables_by_month_and_replaces_a_previous_export(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "export"
    first = {t.table: t for t in export_parquet(db, out)}
    assert first["articles"].rows == 3 and first["articles"].partitioned
    assert first["quotes"].rows == 3 and not first["feeds"].partitioned
    assert sorted(p.name for p in (out / "articles").iterdir()) == ["month=2025-01", "month=2025-02"]
    assert (out / "feeds" / "data.parquet").exists()
    assert "search_index_state" not in first and "_migrations" not in first
    export_parquet(db, out)  # again: replaced, not appended
    months = duckdb.sql(f"SELECT month, count(*) FROM read_parquet('{out}/articles/*/*.parquet', "
                        "hive_partitioning = true) GROUP BY ALL ORDER BY 1").fetchall()
    assert months == [("2025-01", 1), ("2025-02", 2)]
    columns = {r[0] for r in duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet('{out}/articles/*/*.parquet')").fetchall()}
    assert {"cluster_key", "day", "counted", "body"} <= columns
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_an_empty_table_still_exports_its_columns(db: Path, tmp_path: Path) -> None:
    export_parquet(db, tmp_path / "x")
    described = duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet('{tmp_path}/x/figures/*/*.parquet')").fetchall()
    assert "value" in {r[0] for r in described}


def test_cli_export(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--parquet", str(tmp_path / "cli"), "--db", str(db)]) == 0
    assert "articles: 3 rows (by month)" in capsys.readouterr().out


HOLD_WRITE_LOCK = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("BEGIN TRANSACTION")
con.execute("DELETE FROM quotes")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
"""


def test_sql_while_another_process_writes_prints_what_to_do(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    writer = subprocess.Popen([sys.executable, "-c", HOLD_WRITE_LOCK, str(db), "60"], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "locked"
        assert main(["sql", "SELECT count(*) FROM articles", "--db", str(db)]) == 1
        message = capsys.readouterr().err
        assert "locked by a process writing" in message and "Nothing is damaged" in message
        assert "newsmon export --parquet" in message
    finally:
        writer.kill()
        writer.wait()
        if writer.stdout is not None:
            writer.stdout.close()
    # the writer died mid-transaction: its DELETE never happened, the file opens fine
    assert main(["sql", "SELECT count(*) AS quotes FROM quotes", "--db", str(db)]) == 0
    assert "3" in capsys.readouterr().out


KILL_MID_BATCH = """
import os, signal, sys
from datetime import UTC, datetime
from parsers.records import Article
from parsers.urls import hash_text
from warehouse.db import connect, transaction
from warehouse.load import PageResult, upsert_articles
now = datetime(2025, 3, 1, tzinfo=UTC)
pages = [PageResult(article=Article(url=f"http://b.example/{i}", canonical_url=f"http://b.example/{i}", title="T",
                                    authors=(), published_at=now, published_at_source="jsonld", language="en",
                                    outlet="B", status="full", status_reason=None, body=f"Body {i} " * 50,
                                    body_hash=hash_text(f"Body {i} " * 50), relevance=0.9, relevance_evidence=()),
                    fetched_url=f"http://b.example/{i}", feed_id=None, entry_sig=None, fetched_at=now)
         for i in range(200)]
with connect(sys.argv[1]) as con, transaction(con):
    upsert_articles(con, pages, "run-1")
    os.kill(os.getpid(), signal.SIGKILL)  # the process dies before COMMIT, as in a crash or an OOM kill
"""


def test_a_process_killed_mid_batch_leaves_no_half_article(db: Path) -> None:
    result = subprocess.run([sys.executable, "-c", KILL_MID_BATCH, str(db)], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == -9, result.stderr
    for _ in range(50):  # the dead process's lock is released by the OS at once; allow for slow file systems
        try:
            with connect(db, read_only=True) as con:
                counts = con.execute("SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM article_urls), "
                                     "(SELECT count(*) FROM quotes)").fetchone()
            break
        except Exception:  # noqa: BLE001 - retry only the open
            time.sleep(0.1)
    assert counts == (3, 3, 3)
