"""warehouse.db: the file is attached with small row groups, shared by a process's threads, closed by the last user."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path
from typing import Any

import duckdb
import pytest

from warehouse.db import ROW_GROUP_ROWS, WarehouseError, connect, ensure_schema, transaction


def test_connect_attaches_the_file_with_small_row_groups_as_the_default_database(tmp_path: Path) -> None:
    db = tmp_path / "wh.duckdb"
    ensure_schema(db)
    with connect(db) as con:
        options = con.execute("SELECT options FROM duckdb_databases() WHERE database_name = current_database()"
                              ).fetchone()[0]
        assert options.get("row_group_size") == str(ROW_GROUP_ROWS)
        assert con.execute("SELECT current_database()").fetchone() == ("wh",)
        cursor = con.cursor()  # dedup reads committed rows through a cursor: it must see the warehouse too
        assert cursor.execute("SELECT count(*) FROM articles").fetchone() == (0,)


def test_appends_in_many_transactions_start_new_row_groups_instead_of_growing_one(tmp_path: Path) -> None:
    db = tmp_path / "wh.duckdb"
    with connect(db) as con:
        con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body VARCHAR NOT NULL)")
    step = ROW_GROUP_ROWS // 2 + 100
    for start in range(0, 4 * step, step):  # each connection closes with a checkpoint, as a load batch does
        with connect(db) as con, transaction(con):
            con.execute("INSERT INTO t SELECT i, repeat('x', 50) FROM range(?, ?) r(i)", [start, start + step])
    with connect(db) as con:
        groups = con.execute("SELECT row_group_id, max(count) FROM pragma_storage_info('t') WHERE column_id = 0 "
                             "GROUP BY ALL").fetchall()
        assert con.execute("SELECT count(*) FROM t").fetchone() == (4 * step,)
    assert len(groups) >= 2 and max(rows for _, rows in groups) <= ROW_GROUP_ROWS


def _count_rows(path: str, box: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    con = duckdb.connect(path)
    box.put(con.execute("SELECT count(*) FROM t").fetchone()[0])
    con.close()


def test_threads_share_one_instance_and_the_last_close_releases_the_file(tmp_path: Path) -> None:
    db = tmp_path / "wh.duckdb"
    with connect(db) as outer:
        outer.execute("CREATE TABLE t (id INTEGER)")
        with connect(db) as inner:  # a second user in this process shares the open instance (no lock error)
            inner.execute("INSERT INTO t VALUES (1), (2)")
        assert outer.execute("SELECT count(*) FROM t").fetchone() == (2,)
    assert not Path(f"{db}.wal").exists()  # closed with a checkpoint
    box: multiprocessing.Queue = multiprocessing.get_context("spawn").Queue()  # type: ignore[type-arg]
    child = multiprocessing.get_context("spawn").Process(target=_count_rows, args=(str(db), box))
    child.start()
    child.join(60)
    assert child.exitcode == 0 and box.get(timeout=5) == 2  # another process can open the file: it was unlocked


def _hold_open(path: str, opened: Any, release: Any) -> None:
    con = duckdb.connect(path)  # read-write: every other process is refused while this is open
    opened.set()
    release.wait(60)
    con.close()


def test_a_reader_waits_out_a_writer_and_is_told_plainly_when_it_cannot(tmp_path: Path) -> None:
    db = tmp_path / "wh.duckdb"
    ensure_schema(db)
    ctx = multiprocessing.get_context("spawn")
    opened, release = ctx.Event(), ctx.Event()
    child = ctx.Process(target=_hold_open, args=(str(db), opened, release))
    child.start()
    try:
        assert opened.wait(60)
        with pytest.raises(WarehouseError) as caught, connect(db, read_only=True, attempts=2):
            pass
        message = str(caught.value)
        assert str(db) in message and "busy" in message and "\n" not in message
        threading.Timer(0.5, release.set).start()  # the writer lets go while the reader is still retrying
        with connect(db, read_only=True, attempts=12) as con:
            assert con.execute("SELECT count(*) FROM articles").fetchone() == (0,)
    finally:
        release.set()
        child.join(60)
    assert child.exitcode == 0
