"""The DuckLake backend: attach the lake, translate migrations, publish a shard's staging file, merge clusters.

newsmon's warehouse code (loaders, dedup, state, views) is written for an embedded DuckDB file, whose primary keys,
ON CONFLICT upserts and sequences DuckLake does not have. Rather than teach every loader two dialects, a scale-out
shard loads into a local DuckDB *staging* file with the unchanged loaders, and this module publishes what the run
wrote into the lake in one DuckLake transaction. Everything that differs between the two backends is here:

- migrations: the same warehouse/schema/*.sql files, with PRIMARY KEY / UNIQUE / REFERENCES / sequences removed
  (translate_ddl); the keys the lake no longer enforces are read from the DuckDB schema (table_keys) and enforced
  by publish_staging instead;
- concurrency: every publish and merge updates the one row of lake_writes, so two writers that overlap always
  conflict in DuckLake's commit check; the loser's transaction is rolled back whole and retried against the new
  snapshot (write_with_retry). Plain inserts never conflict in DuckLake, so without that row two shards could
  insert the same article twice; with it every article lands exactly once and none is lost;
- dedup: each shard clusters near-copies among its own feeds' articles; merge_clusters then runs over the whole
  lake after the shards' loads and joins clusters whose members are near-copies (the cluster-merge pass);
- derived tables (article_facts, speakers, the BM25 index) are not published: refresh_lake_derived rebuilds
  article_facts in the lake after the merge pass.
"""

from __future__ import annotations

import hashlib
import random
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from warehouse.db import (
    VIEWS_DIR,
    WarehouseError,
    list_migrations,
    load_extension,
    quote_identifier,
    read_sql,
)

LAKE_DIR = Path(__file__).resolve().parent / "lake"
LAKE_ALIAS = "lake"
STAGE_ALIAS = "stage"
T = TypeVar("T")

_SEQUENCE = re.compile(r"^\s*CREATE SEQUENCE\s+\w+\s*;\s*$", re.MULTILINE)
_NEXTVAL = re.compile(r"\s+DEFAULT\s+nextval\('\w+'\)", re.IGNORECASE)
_LIST_DEFAULT = re.compile(r"\s+DEFAULT\s+\[\]")  # DuckLake has no defaults for LIST columns
_TABLE_KEY = re.compile(r",\s*(?:PRIMARY KEY|UNIQUE)\s*\([^)]*\)")
_COLUMN_KEY = re.compile(r"\s+(?:PRIMARY KEY|UNIQUE)\b")
_REFERENCES = re.compile(r"\s+REFERENCES\s+\w+\s*\([^)]*\)")
_UNSUPPORTED_COMMENT = re.compile(r"^\s*(?:--[^\n]*\n\s*)*COMMENT ON (?:COLUMN|MACRO)\b", re.IGNORECASE)
_DSN_PASSWORD = re.compile(r"(password\s*=\s*)\S+", re.IGNORECASE)
_CONFLICT_WORDS = ("conflict", "concurrent")

# Tables the publish step leaves out: derived ones (rebuilt in the lake) and per-process ones.
DERIVED_TABLES = ("article_facts", "speakers", "speaker_roles", "search_index_state", "run_locks", "_migrations")
# Append-only logs: rows of this run go in with fresh ids (their sequences are per staging file).
LOG_TABLES = {"feed_fetches": "fetch_id", "rejects": "reject_id", "dedup_signatures": "seq", "dedup_merges": "seq"}
# Child rows of an article: replaced as a whole when the article is (re)written by the run.
CHILD_TABLES = ("quotes", "figures", "entities", "topics", "article_revisions")


class LakeConflictError(WarehouseError):
    """Another writer kept winning: the transaction was retried the configured number of times and gave up."""


@dataclass(frozen=True, slots=True, kw_only=True)
class LakeTarget:
    """Where the lake is: its catalog (a PostgreSQL libpq DSN) and its data path (a directory or s3:// prefix)."""

    catalog: str  # "host=db.internal port=5432 dbname=newsmon_lake user=newsmon"
    data_path: str  # "/srv/newsmon/lake/" (local or shared), or "s3://bucket/newsmon/"
    name: str = LAKE_ALIAS
    retries: int = 30  # our own retries of a conflicting transaction (DuckLake retries non-conflicts itself)

    @property
    def uri(self) -> str:
        """The ATTACH string: ducklake:postgres:<dsn>."""
        return f"ducklake:postgres:{self.catalog}"

    def __str__(self) -> str:  # never print a password
        masked = _DSN_PASSWORD.sub(r"\1***", self.uri)
        return f"{masked} (data {self.data_path})"


def is_lake_target(target: object) -> bool:
    """True for a LakeTarget (warehouse.db.connect hands those to this module)."""
    return isinstance(target, LakeTarget)


def is_lake_connection(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the connection's current database is a DuckLake (warehouse.db.migrate hands those to this module)."""
    row = con.execute("SELECT type FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    return bool(row and row[0] == "ducklake")


def attach_lake(con: duckdb.DuckDBPyConnection, lake: LakeTarget, *, read_only: bool = False) -> None:
    """LOAD the extensions from their pip packages and ATTACH the lake under lake.name."""
    for name in ("ducklake", "postgres_scanner"):
        load_extension(con, name)
    if lake.data_path.startswith(("s3://", "gs://", "r2://", "http://", "https://")):
        load_extension(con, "httpfs")
        create_s3_secret(con)
    options = [f"DATA_PATH '{_sql_string(lake.data_path)}'"]
    if read_only:
        options.append("READ_ONLY")
    try:
        con.execute(f"ATTACH '{_sql_string(lake.uri)}' AS {quote_identifier(lake.name)} ({', '.join(options)})")
    except duckdb.Error as exc:
        raise WarehouseError(f"{lake}: cannot attach the lake: {str(exc).splitlines()[0]}") from None


def create_s3_secret(con: duckdb.DuckDBPyConnection, env: dict[str, str] | None = None) -> bool:
    """A DuckDB S3 secret from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_REGION / AWS_ENDPOINT_URL, if set
    (AWS_ENDPOINT_URL for MinIO and other S3-compatible stores)."""
    import os
    from urllib.parse import urlsplit

    env = dict(os.environ) if env is None else env
    if not env.get("AWS_ACCESS_KEY_ID") or not env.get("AWS_SECRET_ACCESS_KEY"):
        return False
    options = [f"KEY_ID '{_sql_string(env['AWS_ACCESS_KEY_ID'])}'",
               f"SECRET '{_sql_string(env['AWS_SECRET_ACCESS_KEY'])}'"]
    if env.get("AWS_REGION"):
        options.append(f"REGION '{_sql_string(env['AWS_REGION'])}'")
    if env.get("AWS_ENDPOINT_URL"):
        endpoint = urlsplit(env["AWS_ENDPOINT_URL"])
        options += [f"ENDPOINT '{_sql_string(endpoint.netloc or endpoint.path)}'", "URL_STYLE 'path'",
                    f"USE_SSL {'true' if endpoint.scheme != 'http' else 'false'}"]
    con.execute(f"CREATE OR REPLACE SECRET newsmon_s3 (TYPE s3, {', '.join(options)})")
    return True


@contextmanager
def connect_lake(lake: LakeTarget, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB with the lake attached and in use: unqualified table names mean the lake's tables."""
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        attach_lake(con, lake, read_only=read_only)
        con.execute(f"USE {quote_identifier(lake.name)}")
        yield con
    finally:
        con.close()


def _sql_string(text: str) -> str:
    return text.replace("'", "''")


def is_conflict(exc: BaseException) -> bool:
    """Whether a DuckDB error is DuckLake refusing a commit because another writer changed the same data."""
    text = str(exc).lower()
    return isinstance(exc, duckdb.Error) and ("transaction conflict" in text or (
        isinstance(exc, duckdb.TransactionException) and any(w in text for w in _CONFLICT_WORDS)))


def write_with_retry(con: duckdb.DuckDBPyConnection, work: Callable[[duckdb.DuckDBPyConnection], T], *,
                     retries: int = 30, on_retry: Callable[[int, BaseException], None] | None = None,
                     sleep: Callable[[float], None] = time.sleep) -> T:
    """Run work(con) in one transaction that also bumps lake_writes; on a write conflict roll back and run it again.

    Each attempt starts a new transaction, so it reads the snapshot the winner committed: a batch is never lost
    and never applied twice. Backoff is exponential with full jitter, capped at 5 s.
    """
    for attempt in range(retries + 1):
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("UPDATE lake_writes SET writes = writes + 1, last_write_at = ?", [datetime.now(UTC)])
            result = work(con)
            con.execute("COMMIT")
            return result
        except Exception as exc:
            try:
                con.execute("ROLLBACK")
            except duckdb.Error:
                pass  # a failed COMMIT has already ended the transaction
            if not is_conflict(exc) or attempt == retries:
                if is_conflict(exc):
                    raise LakeConflictError(f"gave up after {retries} retries: {str(exc).splitlines()[0]}") from exc
                raise
            if on_retry is not None:
                on_retry(attempt + 1, exc)
            sleep(random.uniform(0, min(5.0, 0.05 * 2 ** attempt)))  # noqa: S311 - jitter, not security
    raise AssertionError("unreachable")


# ---------------------------------------------------------------------------------------------
# Schema: the same migrations, translated
# ---------------------------------------------------------------------------------------------


def translate_ddl(sql: str) -> str:
    """A migration as DuckLake takes it: no PRIMARY KEY, UNIQUE, REFERENCES, sequences, nextval or list defaults."""
    sql = _SEQUENCE.sub("", sql)
    sql = _NEXTVAL.sub("", sql)
    sql = _LIST_DEFAULT.sub("", sql)
    sql = _TABLE_KEY.sub("", sql)
    sql = _REFERENCES.sub("", sql)
    return _COLUMN_KEY.sub("", sql)


def table_keys() -> dict[str, tuple[str, ...]]:
    """Each table's primary key, from the DuckDB schema the migrations build (the lake enforces it on publish)."""
    from warehouse.db import migrate

    con = duckdb.connect()
    try:
        migrate(con)
        rows = con.execute("SELECT table_name, constraint_column_names FROM duckdb_constraints() "
                           "WHERE constraint_type = 'PRIMARY KEY'").fetchall()
    finally:
        con.close()
    return {table: tuple(columns) for table, columns in rows}


def migrate_lake(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the migrations the lake has not recorded (translated), then the lake's own tables and the views."""
    con.execute("CREATE TABLE IF NOT EXISTS _migrations (version INTEGER NOT NULL, name VARCHAR NOT NULL, "
                "applied_at TIMESTAMPTZ NOT NULL)")
    done = {row[0] for row in con.execute("SELECT version FROM _migrations").fetchall()}
    applied = []
    for version, name, file in list_migrations():
        if version in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(translate_ddl(file.read_text(encoding="utf-8")))
            con.execute("INSERT INTO _migrations VALUES (?, ?, ?)", [version, name, datetime.now(UTC)])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        applied.append(f"{version:04d}_{name}")
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() "
                                        "WHERE database_name = current_database()").fetchall()}
    if not {"lake_writes", "lake_merge_state", "lake_schema"} <= tables:  # the lake's own tables, once
        con.execute("BEGIN TRANSACTION")
        try:
            for file in sorted(LAKE_DIR.glob("*.sql")):
                con.execute(file.read_text(encoding="utf-8"))
            if con.execute("SELECT count(*) FROM lake_writes").fetchone() == (0,):
                con.execute("INSERT INTO lake_writes VALUES (0, ?)", [datetime.now(UTC)])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    views = [s for f in sorted(VIEWS_DIR.glob("*.sql")) for s in translate_views(con, f.read_text(encoding="utf-8"))]
    fingerprint = hashlib.sha256("\n;\n".join(views).encode("utf-8")).hexdigest()[:16]
    row = con.execute("SELECT views_fingerprint FROM lake_schema").fetchone()
    if row is None or row[0] != fingerprint:  # re-created only when the views' text changed: each costs a commit
        con.execute("BEGIN TRANSACTION")
        try:
            for statement in views:
                con.execute(statement)
            con.execute("DELETE FROM lake_schema")
            con.execute("INSERT INTO lake_schema VALUES (?, ?)", [fingerprint, datetime.now(UTC)])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return applied


def translate_views(con: duckdb.DuckDBPyConnection, sql: str) -> list[str]:
    """A views file as statements DuckLake takes: all but COMMENT ON COLUMN and COMMENT ON MACRO, which DuckLake
    cannot store for views and macros (COMMENT ON VIEW and the tables' comments are kept)."""
    return [s.query for s in con.extract_statements(sql) if not _UNSUPPORTED_COMMENT.match(s.query)]


def ensure_lake(lake: LakeTarget) -> list[str]:
    """Create or upgrade the lake's tables and views (safe to run from several processes: retried on conflict)."""
    with connect_lake(lake) as con:
        for attempt in range(lake.retries + 1):
            try:
                return migrate_lake(con)
            except duckdb.Error as exc:
                if attempt == lake.retries or not (is_conflict(exc) or "already exists" in str(exc)):
                    raise
                time.sleep(random.uniform(0.05, 0.5))  # noqa: S311 - jitter
    raise AssertionError("unreachable")


# ---------------------------------------------------------------------------------------------
# A shard's staging file: seeded from the lake, loaded by the unchanged loaders, published in one transaction
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class PublishCounts:
    """What one publish wrote to the lake."""

    articles_new: int = 0
    articles_updated: int = 0
    articles_taken: int = 0  # stored by another writer first: the lake's row stays, this run's copy is dropped
    rows: dict[str, int] = field(default_factory=dict)
    attempts: int = 1

    def line(self) -> str:
        """One line for the shard's summary."""
        return (f"published {self.articles_new} new and {self.articles_updated} updated articles "
                f"({self.articles_taken} already stored by another shard) in {self.attempts} attempt(s)")


def _columns(con: duckdb.DuckDBPyConnection, database: str, table: str) -> list[str]:
    rows = con.execute("SELECT column_name FROM duckdb_columns() WHERE database_name = ? AND schema_name = 'main' "
                       "AND table_name = ? ORDER BY column_index", [database, table]).fetchall()
    return [r[0] for r in rows]


def _key_match(keys: Sequence[str], left: str, right: str) -> str:
    return " AND ".join(f"{left}.{quote_identifier(k)} = {right}.{quote_identifier(k)}" for k in keys)


def published_tables(con: duckdb.DuckDBPyConnection, database: str = "main") -> list[str]:
    """The tables a publish copies: every table of the warehouse but the derived and per-process ones."""
    rows = con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
                       "AND schema_name = ? ORDER BY table_name", [database]).fetchall()
    return [r[0] for r in rows if r[0] not in DERIVED_TABLES]


def seed_staging(staging: Path, lake: LakeTarget, feed_urls: Sequence[str]) -> dict[str, int]:
    """Create a staging warehouse holding the lake's rows of these feeds (their state, articles and dedup rows).

    The feeds' articles are those whose articles.feed_id is one of them: the shard "owns" them and may revise them.
    A snapshot of what was seeded is kept in schema seed, so publish_staging sends only what the run changed.
    """
    from warehouse.db import ensure_schema

    ensure_schema(staging)
    con = duckdb.connect(str(staging))
    counts: dict[str, int] = {}
    try:
        attach_lake(con, lake, read_only=True)
        src = quote_identifier(lake.name)
        con.execute("BEGIN TRANSACTION")
        con.execute(f"CREATE TEMP TABLE seed_feed_ids AS SELECT feed_id FROM {src}.feeds "  # noqa: S608
                    "WHERE url IN (SELECT unnest(?))", [list(feed_urls)])
        con.execute(f"CREATE TEMP TABLE seed_article_ids AS SELECT article_id FROM {src}.articles "  # noqa: S608
                    "WHERE feed_id IN (SELECT feed_id FROM seed_feed_ids)")
        owned = "article_id IN (SELECT article_id FROM seed_article_ids)"
        plan = [
            ("runs", f"run_id IN (SELECT run_id FROM {src}.articles WHERE {owned})"),  # noqa: S608
            ("feeds", "feed_id IN (SELECT feed_id FROM seed_feed_ids)"),
            ("articles", owned),
            *((child, owned) for child in CHILD_TABLES),
            ("article_urls", owned),
            ("dedup_clusters", f"cluster_id IN (SELECT cluster_id FROM {src}.articles WHERE {owned})"),  # noqa: S608
            ("dedup_stories", f"story_id IN (SELECT story_id FROM {src}.articles WHERE {owned})"),  # noqa: S608
        ]
        for table, where in plan:
            name = quote_identifier(table)
            counts[table] = _rowcount(con.execute(
                f"INSERT INTO main.{name} BY NAME SELECT * FROM {src}.{name} WHERE {where}"))  # noqa: S608
        # renumbered in lake order: the staging sequence then continues above them (the dedup index catches up by seq)
        counts["dedup_signatures"] = _rowcount(con.execute(
            f"INSERT INTO main.dedup_signatures BY NAME SELECT * EXCLUDE (seq) FROM {src}.dedup_signatures "  # noqa: S608
            f"WHERE {owned} ORDER BY seq"))
        con.execute("COMMIT")
        con.execute("DETACH " + src)
        con.execute("CREATE SCHEMA seed")
        for table in published_tables(con):
            name = quote_identifier(table)
            con.execute(f"CREATE TABLE seed.{name} AS SELECT * FROM main.{name}")  # noqa: S608
    finally:
        con.close()
    return counts


def _rowcount(result: duckdb.DuckDBPyConnection) -> int:
    row = result.fetchone()
    return int(row[0]) if row else 0


def prepare_publish(staging: Path) -> None:
    """In the staging file: schema publish with each table's changed rows (main EXCEPT seed), flagged _owned when
    the key was seeded from the lake, and for child tables the articles whose rows changed."""
    keys = table_keys()
    con = duckdb.connect(str(staging))
    try:
        con.execute("DROP SCHEMA IF EXISTS publish CASCADE")
        con.execute("CREATE SCHEMA publish")
        for table in published_tables(con):
            name = quote_identifier(table)
            changed = f"(SELECT * FROM main.{name} EXCEPT SELECT * FROM seed.{name})"  # noqa: S608
            if table in CHILD_TABLES or table == "dedup_signatures":
                con.execute(f"CREATE TABLE publish.{name} AS SELECT DISTINCT article_id FROM ("  # noqa: S608
                            f"{changed} UNION ALL (SELECT * FROM seed.{name} EXCEPT SELECT * FROM main.{name}))")
                continue
            key = keys.get(table)
            if table in LOG_TABLES or not key:
                con.execute(f"CREATE TABLE publish.{name} AS SELECT *, FALSE AS _owned FROM {changed}")  # noqa: S608
                continue
            extra = ""
            if table == "articles":
                extra = (", (SELECT s.cluster_id FROM seed.articles s WHERE s.article_id = m.article_id) AS _seed_cluster_id"
                         ", (SELECT s.story_id FROM seed.articles s WHERE s.article_id = m.article_id) AS _seed_story_id"
                         ", (SELECT s.copy_of FROM seed.articles s WHERE s.article_id = m.article_id) AS _seed_copy_of")
            con.execute(f"CREATE TABLE publish.{name} AS SELECT m.*, EXISTS (SELECT 1 FROM seed.{name} s "  # noqa: S608
                        f"WHERE {_key_match(key, 's', 'm')}) AS _owned{extra} FROM {changed} m")
    finally:
        con.close()


# Columns only the cluster-merge pass changes on rows another shard owns: a publish keeps the lake's value when it
# moved since the seed (three-way merge), so a merge pass is never undone by a shard that seeded before it.
_MERGED_COLUMNS = ("cluster_id", "story_id", "copy_of")


def _publish_rows(con: duckdb.DuckDBPyConnection, keys: dict[str, tuple[str, ...]]) -> PublishCounts:
    counts = PublishCounts()
    tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = ? "
                                        "AND schema_name = 'publish'", [STAGE_ALIAS]).fetchall()]
    stage = f"{STAGE_ALIAS}.publish"
    # Which articles this run writes: its own (seeded) ones, and new ones no other writer stored first.
    con.execute("CREATE OR REPLACE TEMP TABLE publish_articles AS SELECT p.article_id, p._owned "  # noqa: S608
                f"FROM {stage}.articles p WHERE p._owned OR NOT EXISTS "
                "(SELECT 1 FROM articles l WHERE l.article_id = p.article_id)")
    row = con.execute(f"SELECT count(*) FILTER (WHERE _owned), count(*) FILTER (WHERE NOT _owned), "  # noqa: S608
                      f"(SELECT count(*) FROM {stage}.articles) FROM publish_articles").fetchone()
    assert row is not None
    counts.articles_updated, counts.articles_new = int(row[0]), int(row[1])
    counts.articles_taken = int(row[2]) - counts.articles_updated - counts.articles_new
    written = "article_id IN (SELECT article_id FROM publish_articles)"
    for table in sorted(tables):
        name = quote_identifier(table)
        columns = _columns(con, STAGE_ALIAS, table) if table not in CHILD_TABLES else []
        if table in CHILD_TABLES or table == "dedup_signatures":
            replaced = f"article_id IN (SELECT article_id FROM {stage}.{name}) AND {written}"  # noqa: S608
            con.execute(f"DELETE FROM {name} WHERE {replaced}")  # noqa: S608
            if table == "dedup_signatures":
                sql = (f"INSERT INTO dedup_signatures BY NAME SELECT * EXCLUDE (seq), "  # noqa: S608
                       f"(SELECT coalesce(max(seq), 0) FROM dedup_signatures) + row_number() OVER (ORDER BY seq) "
                       f"AS seq FROM {STAGE_ALIAS}.main.dedup_signatures WHERE {replaced}")
            else:
                sql = f"INSERT INTO {name} BY NAME SELECT * FROM {STAGE_ALIAS}.main.{name} WHERE {replaced}"  # noqa: S608
            counts.rows[table] = _rowcount(con.execute(sql))
            continue
        plain = [c for c in columns if not c.startswith("_")]
        select = ", ".join(f"p.{quote_identifier(c)}" for c in plain)
        if table in LOG_TABLES:  # fresh ids above the lake's: the staging file's sequence started at 1
            id_column = quote_identifier(LOG_TABLES[table])
            select = ", ".join(
                f"(SELECT coalesce(max({id_column}), 0) FROM {name}) + row_number() OVER (ORDER BY p.{id_column}) "  # noqa: S608
                f"AS {id_column}" if quote_identifier(c) == id_column else f"p.{quote_identifier(c)}" for c in plain)
            counts.rows[table] = _rowcount(con.execute(
                f"INSERT INTO {name} BY NAME SELECT {select} FROM {stage}.{name} p"))  # noqa: S608
            continue
        key = keys[table]
        only_written = f" AND p.{written}" if table == "articles" else ""
        values = []
        for c in plain:
            if c in key:
                continue
            q = quote_identifier(c)
            if table == "articles" and c in _MERGED_COLUMNS:
                values.append(f"{q} = CASE WHEN {name}.{q} IS DISTINCT FROM p._seed_{c} THEN {name}.{q} ELSE p.{q} END")
            else:
                values.append(f"{q} = p.{q}")
        updated = _rowcount(con.execute(
            f"UPDATE {name} SET {', '.join(values)} FROM {stage}.{name} p "  # noqa: S608
            f"WHERE p._owned AND {_key_match(key, name, 'p')}")) if values else 0
        inserted = _rowcount(con.execute(
            f"INSERT INTO {name} BY NAME SELECT {select} FROM {stage}.{name} p WHERE NOT p._owned{only_written} "  # noqa: S608
            f"AND NOT EXISTS (SELECT 1 FROM {name} l WHERE {_key_match(key, 'l', 'p')})"))
        counts.rows[table] = updated + inserted
    return counts


def publish_staging(staging: Path, lake: LakeTarget, *,
                    on_retry: Callable[[int, BaseException], None] | None = None) -> PublishCounts:
    """Send what this run changed in its staging file to the lake: one transaction, retried whole on a conflict.

    Keys the lake cannot declare are enforced here: an article another writer stored first is left as it is (the
    run counted it; the lake has it once); rows the run owns (seeded from the lake) are updated in place.
    """
    prepare_publish(staging)
    keys = table_keys()
    attempts = 0

    def work(con: duckdb.DuckDBPyConnection) -> PublishCounts:
        nonlocal attempts
        attempts += 1
        return _publish_rows(con, keys)

    with connect_lake(lake) as con:
        con.execute(f"ATTACH '{_sql_string(str(staging))}' AS {STAGE_ALIAS} (READ_ONLY)")
        counts = write_with_retry(con, work, retries=lake.retries, on_retry=on_retry)
    counts.attempts = attempts
    return counts


# ---------------------------------------------------------------------------------------------
# The cluster-merge pass: near-copies that different shards stored at the same time end in one cluster
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class MergeCounts:
    """What one cluster-merge pass did."""

    checked: int = 0
    merges: int = 0
    same_text: int = 0
    high_water: int = 0
    attempts: int = 1

    def line(self) -> str:
        """One line for the parent flow's summary."""
        return (f"merge pass: {self.checked} new articles checked against the lake, {self.merges} clusters merged, "
                f"{self.same_text} same-text links")


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        self.parent.setdefault(item, item)
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)


def _merge_pass(con: duckdb.DuckDBPyConnection, pass_id: str, index_path: Path | None) -> MergeCounts:
    from parsers.dedup import (
        MIN_SHINGLES,
        SCHEME,
        Signature,
        classify_copy,
        derive_band_keys,
        estimate_jaccard,
    )
    from warehouse.dedup import DedupIndex

    counts = MergeCounts()
    row = con.execute("SELECT coalesce(max(high_water), 0) FROM lake_merge_state").fetchone()
    low = int(row[0]) if row else 0
    new = con.execute("SELECT seq, article_id, minhash, shingles FROM dedup_signatures WHERE seq > ? AND scheme = ? "
                      "ORDER BY seq", [low, SCHEME]).fetchall()
    counts.checked = len(new)
    counts.high_water = max([low, *(r[0] for r in new)])
    if not new:
        return counts
    clusters = dict(con.execute("SELECT article_id, coalesce(cluster_id, article_id) FROM articles").fetchall())
    groups = _UnionFind()
    with DedupIndex(index_path) as index:
        index.catch_up(con)  # every signature in the lake (a local cache file catches up from its high water)
        for _, article_id, minhash, shingles in new:
            if shingles < MIN_SHINGLES or article_id not in clusters:
                continue
            signature = Signature.from_bytes(minhash, shingles)
            for candidate in index.find_copy_candidates(derive_band_keys(signature)):
                other = candidate.article_id
                if other == article_id or other not in clusters or clusters[other] == clusters[article_id]:
                    continue
                if classify_copy(candidate.signature, signature)[0]:
                    groups.union(clusters[article_id], clusters[other])
        members: dict[str, list[str]] = {}
        for cluster in {c for c in groups.parent}:
            members.setdefault(groups.find(cluster), []).append(cluster)
        now = datetime.now(UTC)
        for group in members.values():
            if len(group) < 2:
                continue
            firsts = con.execute(
                "SELECT c.cluster_id, c.canonical_article_id, a.first_seen, a.story_id, a.title, a.body "
                "FROM dedup_clusters c JOIN articles a ON a.article_id = c.canonical_article_id "
                "WHERE c.cluster_id IN (SELECT unnest(?)) ORDER BY a.first_seen, c.cluster_id", [group]).fetchall()
            if len(firsts) < 2:
                continue
            survivor, losers = firsts[0], firsts[1:]
            survivor_sig = index.lookup_signature(survivor[1])
            for loser in losers:
                counts.merges += 1
                loser_sig = index.lookup_signature(loser[1])
                similarity = estimate_jaccard(survivor_sig, loser_sig) if survivor_sig and loser_sig else None
                con.execute("UPDATE dedup_clusters SET merged_into = ?, merged_at = ? WHERE cluster_id = ?",
                            [survivor[0], now, loser[0]])
                con.execute("UPDATE articles SET cluster_id = ? WHERE cluster_id = ?", [survivor[0], loser[0]])
                con.execute("UPDATE articles SET copy_of = ?, similarity = ? WHERE article_id = ?",
                            [survivor[1], similarity, loser[1]])
                if loser[3] is not None and loser[3] != survivor[3]:  # copies tell one story
                    con.execute("UPDATE dedup_stories SET merged_into = ?, merged_at = ? WHERE story_id = ?",
                                [survivor[3], now, loser[3]])
                    con.execute("UPDATE articles SET story_id = ? WHERE story_id = ?", [survivor[3], loser[3]])
    ids = [r[1] for r in new]
    counts.same_text = _rowcount(con.execute(
        "UPDATE articles SET same_text_as = f.first FROM (SELECT body_hash, arg_min(article_id, first_seen) AS first "
        "FROM articles GROUP BY body_hash HAVING count(*) > 1) f WHERE articles.body_hash = f.body_hash "
        "AND articles.article_id <> f.first AND articles.same_text_as IS NULL "
        "AND articles.article_id IN (SELECT unnest(?))", [ids]))
    con.execute(read_sql("refresh_article_facts"))
    con.execute("INSERT INTO lake_merge_state VALUES (?, ?, ?, ?, ?)",
                [pass_id, counts.high_water, counts.checked, counts.merges, datetime.now(UTC)])
    return counts


def merge_clusters(lake: LakeTarget, pass_id: str, *, index_path: Path | None = None,
                   on_retry: Callable[[int, BaseException], None] | None = None) -> MergeCounts:
    """The cluster-merge pass over the whole lake, after the shards' loads: one transaction, retried on conflict.

    Every article published since the last pass is checked against every signature in the lake (LSH bands, then
    the same MinHash test the loader uses); clusters holding near-copies of each other are merged into the one
    whose canonical copy was seen first, with the lineage in dedup_clusters.merged_into, as warehouse.dedup does
    inside one warehouse. Exact same texts get same_text_as; article_facts is rebuilt.
    """
    attempts = 0

    def work(con: duckdb.DuckDBPyConnection) -> MergeCounts:
        nonlocal attempts
        attempts += 1
        return _merge_pass(con, pass_id, index_path)

    with connect_lake(lake) as con:
        counts = write_with_retry(con, work, retries=lake.retries, on_retry=on_retry)
    counts.attempts = attempts
    return counts


def describe_lake(lake: LakeTarget) -> dict[str, Any]:
    """Counts an operator checks after a run: articles, clusters, snapshots."""
    with connect_lake(lake, read_only=True) as con:
        row = con.execute("SELECT count(*), count(DISTINCT cluster_id), count(DISTINCT story_id) FROM articles"
                          ).fetchone()
        snapshots = con.execute(f"SELECT count(*) FROM {quote_identifier(lake.name)}.snapshots()"  # noqa: S608
                                ).fetchone()
    assert row is not None and snapshots is not None
    return {"articles": row[0], "clusters": row[1], "stories": row[2], "snapshots": snapshots[0]}
