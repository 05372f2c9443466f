"""Scale-out, end to end on real servers: PostgreSQL, a Prefect server on it, two process workers, a DuckLake.

Slow (about a minute and a half): marked `slow`. Skipped only when PostgreSQL's server binaries are missing
(.ci/run installs them). Everything started here is stopped here.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tomllib
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from flows.replay import DEMO_DIR, ReplayServer, load_manifest
from flows.serve import QUIET_PREFECT, LocalPrefectServer, free_port
from flows.settings import load_feeds_file
from flows.shard import split_feeds
from parsers.urls import canonicalize_url, derive_article_id
from tests.pgserver import PgServer, find_pg_bin
from warehouse.backend import LakeTarget, connect_lake, ensure_lake, write_with_retry
from warehouse.db import load_extension

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(find_pg_bin() is None, reason="PostgreSQL server binaries (initdb, pg_ctl) are not installed; "
                                                     ".ci/run installs them (apt-get install postgresql)"),
]
ROOT = Path(__file__).resolve().parents[2]
POOL = "newsmon-test"


@pytest.fixture(scope="module")
def pg() -> Iterator[PgServer]:
    """A throwaway PostgreSQL cluster on 127.0.0.1."""
    server = PgServer().start()
    try:
        yield server
    finally:
        server.stop()


def make_lake(pg: PgServer, tmp_path: Path, name: str) -> LakeTarget:
    pg.create_database(name)
    return LakeTarget(catalog=f"host=127.0.0.1 port={pg.port} user={pg.user} dbname={name}",
                      data_path=str(tmp_path / f"{name}-data") + "/")


def test_conflicting_writers_are_retried_and_nothing_is_lost(pg: PgServer, tmp_path: Path) -> None:
    """Two writers overlap: the one that commits second conflicts on lake_writes, is retried, and both rows land."""
    lake = make_lake(pg, tmp_path, "lake_conflict")
    ensure_lake(lake)
    retries: list[int] = []
    with connect_lake(lake) as first, connect_lake(lake) as second:
        first.execute("CREATE TABLE claims (article_id VARCHAR, writer VARCHAR)")

        def claim(writer: str) -> object:
            def work(con: duckdb.DuckDBPyConnection) -> int:
                taken = con.execute("SELECT count(*) FROM claims WHERE article_id = 'a1'").fetchone()
                if taken == (0,):
                    con.execute("INSERT INTO claims VALUES ('a1', ?)", [writer])
                if writer == "first" and not retries:  # the other writer commits while this one is open
                    write_with_retry(second, claim("second"))
                return 0
            return work

        write_with_retry(first, claim("first"), on_retry=lambda n, exc: retries.append(n), sleep=lambda s: None)
        rows = first.execute("SELECT article_id, writer FROM claims").fetchall()
    assert retries == [1]  # the first writer conflicted once and was retried
    assert rows == [("a1", "second")]  # once, by the writer that won; the retry saw it and did not add a copy


def test_the_lake_has_the_same_tables_columns_and_views_as_the_duckdb_file(pg: PgServer, tmp_path: Path) -> None:
    """The same migrations and views, translated: every table, column (name and type), view and macro exists."""
    from warehouse.db import migrate

    def describe(con: duckdb.DuckDBPyConnection) -> tuple[set[tuple[str, str, str]], set[str], set[str]]:
        columns = {(t, c, d) for t, c, d in con.execute(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE database_name = current_database() "
            "AND schema_name = 'main'").fetchall() if not t.startswith("lake_")}
        views = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal "
                                           "AND database_name = current_database()").fetchall()}
        macros = {r[0] for r in con.execute("SELECT DISTINCT function_name FROM duckdb_functions() "
                                            "WHERE database_name = current_database() AND NOT internal").fetchall()}
        return columns, views, macros

    embedded = duckdb.connect()
    migrate(embedded)
    lake = make_lake(pg, tmp_path, "lake_schema")
    assert "0001_core" in ensure_lake(lake)
    assert ensure_lake(lake) == []  # a second migrate applies nothing
    with connect_lake(lake) as con:
        assert migrate(con) == []  # warehouse.db.migrate hands a lake connection to the backend
        in_lake = describe(con)
        kept = con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = 'articles' "
                           "AND database_name = current_database()").fetchone()
    expected = describe(embedded)
    assert in_lake[0] == expected[0]
    assert in_lake[1] == expected[1] and len(expected[1]) > 10
    assert in_lake[2] == expected[2] and "new_since" in expected[2]
    assert kept is not None and kept[0].startswith("One row per article")


def _spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                cwd=ROOT, start_new_session=True)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def write_config(path: Path, server: ReplayServer, lake: LakeTarget) -> Path:
    resolve = "\n".join(f'"{host}" = "{target}"' for host, target in server.resolve_map())
    path.write_text(f"""
[newsmon]
feeds_file = "{ROOT / 'seeds' / 'feeds.toml'}"
feed_kinds = ["demo"]
parse_workers = 1

[http]
allow_hosts = ["127.0.0.1"]
timeout = 10.0

[http.resolve]
{resolve}

[warehouse]
backend = "ducklake"
catalog = "{lake.catalog}"
data_path = "{lake.data_path}"
shards = 2
work_pool = "{POOL}"
""", encoding="utf-8")
    return path


def analyst_counts(lake: LakeTarget) -> dict[str, object]:
    """What an analyst sees from their own DuckDB: ATTACH 'ducklake:postgres:...' read-only, plain SQL."""
    con = duckdb.connect()
    try:
        load_extension(con, "ducklake")
        load_extension(con, "postgres_scanner")
        con.execute(f"ATTACH 'ducklake:postgres:{lake.catalog}' AS newsroom (DATA_PATH '{lake.data_path}', READ_ONLY)")
        row = con.execute("SELECT count(*), count(DISTINCT article_id), count(DISTINCT cluster_id) "
                          "FROM newsroom.articles").fetchone()
        clusters = con.execute("SELECT count(*) FROM newsroom.clusters").fetchone()
        ids = dict(con.execute("SELECT article_id, cluster_id FROM newsroom.articles").fetchall())
    finally:
        con.close()
    assert row is not None and clusters is not None
    return {"rows": row[0], "articles": row[1], "clusters": row[2], "clusters_view": clusters[0], "ids": ids}


def test_sharded_ingest_on_two_workers(pg: PgServer, tmp_path: Path) -> None:
    expected = tomllib.loads((DEMO_DIR / "expected.toml").read_text(encoding="utf-8"))["article"]
    ids = {a["id"]: derive_article_id(canonicalize_url(a["canonical_url"])) for a in expected}
    # The corpus must put near-copies in different shards, or the test would prove nothing about merging.
    shards = split_feeds(load_feeds_file(ROOT / "seeds" / "feeds.toml", ("demo",)), 2)
    shard_of = {feed.url: i for i, feeds in enumerate(shards) for feed in feeds}
    groups: dict[str, set[int]] = defaultdict(set)
    for item in expected:
        groups[item["copy_group"]].update(shard_of[url] for url in item["feeds"])
    assert any(len(s) > 1 for s in groups.values()), "no copy group spans both shards"

    pg.create_database("prefect")
    lake = make_lake(pg, tmp_path, "lake")
    home = tmp_path / "prefect-home"
    port = free_port()
    env = {**os.environ, **QUIET_PREFECT, "PREFECT_HOME": str(home),
           "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
           "PREFECT_API_DATABASE_CONNECTION_URL": pg.url("postgresql+asyncpg", "prefect")}
    processes: list[subprocess.Popen[bytes]] = []
    resources, _ = load_manifest()
    with pytest.MonkeyPatch.context() as mp, ReplayServer(resources, phase=1) as replay:
        mp.setenv("PREFECT_API_DATABASE_CONNECTION_URL", env["PREFECT_API_DATABASE_CONNECTION_URL"])
        mp.delenv("PREFECT_API_URL", raising=False)
        server = LocalPrefectServer(home=home, port=port)
        try:
            server.start()
            config = write_config(tmp_path / "newsmon.toml", replay, lake)
            prefect = [sys.executable, "-m", "prefect"]
            subprocess.run([*prefect, "work-pool", "create", POOL, "--type", "process"], env=env, check=True,
                           capture_output=True, timeout=120)
            deployed = subprocess.run([sys.executable, "-m", "flows.cli", "scale-out", "deploy", "--config",
                                       str(config)], env=env, capture_output=True, text=True, timeout=120)
            assert deployed.returncode == 0, deployed.stderr
            for name in ("worker-a", "worker-b"):
                processes.append(_spawn([*prefect, "worker", "start", "--pool", POOL, "--type", "process",
                                         "--name", name, "--limit", "2"], env, tmp_path / f"{name}.log"))
            run = subprocess.run([sys.executable, "-m", "flows.cli", "scale-out", "ingest", "--config", str(config),
                                  "--timeout", "600"], env=env, capture_output=True, text=True, timeout=900)
            logs = "".join((tmp_path / f"{n}.log").read_text(errors="replace")[-3000:] for n in ("worker-a", "worker-b"))
            assert run.returncode == 0, f"{run.stdout}\n{run.stderr}\n{logs}"
        finally:
            for process in processes:
                _stop(process)
            server.stop()

    lines = run.stdout.splitlines()
    assert sum(line.startswith("shard-") and ": ingest " in line for line in lines) == 2, run.stdout
    merge_line = next(line for line in lines if line.startswith("merge pass:"))
    seen = analyst_counts(lake)
    stored = seen["ids"]
    assert isinstance(stored, dict)
    # every article exactly once
    assert seen["rows"] == seen["articles"] == len(set(ids.values()))
    assert set(stored) == set(ids.values())
    # near-copies that arrived in different shards ended in one cluster, and different texts stayed apart
    by_group: dict[str, set[str]] = defaultdict(set)
    for item in expected:
        by_group[item["copy_group"]].add(stored[ids[item["id"]]])
    assert all(len(c) == 1 for c in by_group.values()), dict(by_group)
    assert len({next(iter(c)) for c in by_group.values()}) == len(by_group)
    assert "0 clusters merged" not in merge_line, merge_line  # the merge pass did the cross-shard joining
    # the analyst's counts are the ones the run reported
    assert f'"articles": {seen["articles"]}' in run.stdout and f'"clusters": {seen["clusters"]}' in run.stdout
    assert seen["clusters_view"] == seen["clusters"] == len(by_group)
