"""Export the warehouse to Parquet (one directory per table, article tables partitioned by month) for pandas/Polars/BI."""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.db import connect, quote_identifier

# Not exported: bookkeeping, and derived tables (the full-text index in schema fts_main_articles is not in main;
# article_facts' fields are exported as columns of articles).
_SKIPPED = {"_migrations", "search_index_state", "run_locks", "article_facts"}


@dataclass(frozen=True, slots=True)
class ExportedTable:
    """One exported table."""

    table: str
    rows: int
    partitioned: bool
    path: Path


def quote_literal(text: str) -> str:
    """An SQL string literal (COPY ... TO takes no bound parameter for its file name)."""
    return "'" + text.replace("'", "''") + "'"


def list_tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, bool]]:
    """The main-schema tables to export, each with whether it has an article_id column (partitioned by month)."""
    rows = con.execute(
        "SELECT t.table_name, bool_or(c.column_name = 'article_id') FROM duckdb_tables() t "
        "JOIN duckdb_columns() c ON c.table_oid = t.table_oid "
        "WHERE t.schema_name = 'main' AND NOT t.temporary GROUP BY ALL ORDER BY 1").fetchall()
    return [(name, bool(has_article)) for name, has_article in rows if name not in _SKIPPED]


def export_table(con: duckdb.DuckDBPyConnection, table: str, partitioned: bool, target: Path) -> int:
    """COPY one table to target/ (hive-partitioned month=YYYY-MM/ when it is keyed by article); the row count."""
    name = quote_identifier(table)
    if partitioned:
        # the article's London month, from articles itself (article_facts may lag until the post-ingest refresh);
        # articles also carries the fields trend questions group by, so Parquet users need not re-derive them
        extra = ", f.cluster_key, f.story_key, f.day, f.counted" if table == "articles" else ""
        source = (f"SELECT t.*, coalesce(m.month, 'unknown') AS month{extra} FROM {name} t "  # noqa: S608
                  "LEFT JOIN (SELECT article_id, strftime(timezone('Europe/London', coalesce(published_at, "
                  "first_seen)), '%Y-%m') AS month FROM articles) m USING (article_id)")
        if table == "articles":
            source += " LEFT JOIN article_facts f USING (article_id)"
        options = "FORMAT parquet, PARTITION_BY (month), COMPRESSION zstd"
        target.mkdir(parents=True, exist_ok=True)
        destination = target
    else:
        source = f"SELECT * FROM {name}"  # noqa: S608 - quoted identifier
        options = "FORMAT parquet, COMPRESSION zstd"
        target.mkdir(parents=True, exist_ok=True)
        destination = target / "data.parquet"
    row = con.execute(f"COPY ({source}) TO {quote_literal(str(destination))} ({options})").fetchone()
    rows = int(row[0]) if row else 0
    if partitioned and rows == 0:  # no partition was written: leave one empty file so readers see the columns
        empty = target / "month=none"
        empty.mkdir()
        con.execute(f"COPY (SELECT * EXCLUDE (month) FROM ({source}) LIMIT 0) "
                    f"TO {quote_literal(str(empty / 'data_0.parquet'))} (FORMAT parquet)")
    return rows


def export_parquet(db: Path | str, out_dir: Path | str) -> list[ExportedTable]:
    """Export every table from a read-only snapshot; each table's directory is replaced only once fully written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    staging = out / f".partial-{uuid.uuid4().hex[:8]}"
    exported: list[ExportedTable] = []
    try:
        with connect(db, read_only=True) as con:
            con.execute("BEGIN TRANSACTION")  # one snapshot for every table
            for table, partitioned in list_tables(con):
                rows = export_table(con, table, partitioned, staging / table)
                exported.append(ExportedTable(table=table, rows=rows, partitioned=partitioned, path=out / table))
            con.execute("COMMIT")
        for item in exported:
            old = out / f".old-{item.table}-{staging.name}"
            if item.path.exists():
                item.path.rename(old)
            (staging / item.table).rename(item.path)
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return exported
