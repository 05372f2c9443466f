"""DuckDB connections and migrations: open the file briefly, apply numbered .sql migrations, load extensions offline."""

from __future__ import annotations

import importlib.util
import re
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

WAREHOUSE_DIR = Path(__file__).resolve().parent
SCHEMA_DIR = WAREHOUSE_DIR / "schema"
VIEWS_DIR = WAREHOUSE_DIR / "views"
QUERIES_DIR = WAREHOUSE_DIR / "queries"
_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


class WarehouseError(Exception):
    """The warehouse file cannot be used right now (locked by another process, unreadable)."""


def extension_path(name: str) -> Path:
    """The .duckdb_extension file shipped inside the pip package duckdb-extension-<name>, for an offline LOAD."""
    import importlib

    module = importlib.import_module(f"duckdb_extension_{name}")
    version = duckdb.__version__
    path = Path(module.__file__).resolve().parent / "extensions" / f"v{version}" / f"{name}.duckdb_extension"
    if not path.exists():
        raise WarehouseError(f"{path}: extension {name} for DuckDB {version} is not installed "
                             f"(pip install duckdb-extension-{name}=={version})")
    return path


def load_extension(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """LOAD an extension from its pip package's file (INSTALL from the network does not work offline)."""
    con.execute(f"LOAD '{extension_path(name)}'")


def read_sql(name: str) -> str:
    """The text of warehouse/queries/<name>.sql."""
    return (QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8")


def quote_identifier(name: str) -> str:
    """Quote an SQL identifier (the one place identifiers are put into SQL text)."""
    return '"' + name.replace('"', '""') + '"'


_CONNECT_LOCK = threading.Lock()

# Rows per row group of the warehouse's tables. On each commit's checkpoint DuckDB rewrites, in full, the last row
# group of every table it appended to when the table has a PRIMARY KEY or UNIQUE index (articles, quotes, ...): with
# the default 122,880 rows, a 250-page load at 60,000 stored articles re-read and re-compressed every article body,
# and the process's peak memory grew ~16 MB per 1,000 articles (1 GB at ~60,000). With 8,192 rows a checkpoint
# rewrites at most 8,192 rows a table, whatever the warehouse's size. DuckDB takes this only as an ATTACH option (it
# is not stored in the file), hence the attach below.
ROW_GROUP_ROWS = 8192
_RESERVED_ALIASES = frozenset({"memory", "system", "temp", "main"})

# DuckDB's Python client probes for pandas on every execute() with list parameters; with pandas not installed, each
# probe is a failed import that walks sys.path (~1 ms, 8 probes a call). Recording the absence once makes it free.
# pyarrow probes once and keeps the answer, but with numpy installed its probe fails on that record ("'NoneType'
# object has no attribute '__version__'"), so it converts one array first.
if importlib.util.find_spec("pandas") is None:
    pa.array([0])
    sys.modules.setdefault("pandas", None)  # type: ignore[arg-type]


class AttachedConnection:
    """A connection to the warehouse attached into an in-memory DuckDB; its cursors keep the warehouse as default.

    Everything but cursor() is the wrapped duckdb connection's own (execute, register, fetchall, ...).
    """

    __slots__ = ("_con", "_alias")

    def __init__(self, con: duckdb.DuckDBPyConnection, alias: str) -> None:
        self._con = con
        self._alias = alias
        con.execute(f"USE {quote_identifier(alias)}")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)

    def cursor(self) -> AttachedConnection:
        """A second connection to the same warehouse (it sees committed data only), as duckdb's cursor()."""
        return AttachedConnection(self._con.cursor(), self._alias)


@dataclass(slots=True)
class _Instance:
    root: duckdb.DuckDBPyConnection
    alias: str
    users: int = 0


_INSTANCES: dict[str, _Instance] = {}  # open warehouse files of this process, shared by its threads
_QUERY_THREADS: list[tuple[object, int]] = []  # query_threads() blocks in force, innermost last


@contextmanager
def query_threads(threads: int) -> Iterator[None]:
    """Warehouse files this process opens inside the block run each query on `threads` threads (DuckDB's
    default is one a core).

    Ingest runs use 1: the parse workers already keep every core busy, and DuckDB's second thread only added
    work: in 5,000-page bench runs the flow process used 5.85-5.96 ms of CPU a page with one thread against
    6.46-6.93 with two, and the loading thread's own time did not grow.
    """
    entry = (object(), threads)  # the token tells this block's entry from another block's of the same value
    with _CONNECT_LOCK:
        _QUERY_THREADS.append(entry)
    try:
        yield
    finally:
        with _CONNECT_LOCK:
            _QUERY_THREADS.remove(entry)


def _attach(path: str, read_only: bool) -> AttachedConnection:
    """Open (or share) the DuckDB instance that has the file at path attached; called under _CONNECT_LOCK."""
    key = str(Path(path).resolve())
    instance = _INSTANCES.get(key)
    if instance is None:  # as duckdb.connect(path) does, threads of one process share one instance of a file
        stem = Path(path).stem or "warehouse"
        alias = "warehouse" if stem.lower() in _RESERVED_ALIASES else stem
        # what a writer spills under a memory limit goes beside the file (an in-memory root would pick ./.tmp)
        config: dict[str, Any] = {} if read_only else {"temp_directory": f"{path}.tmp"}
        if _QUERY_THREADS:
            config["threads"] = _QUERY_THREADS[-1][1]
        root = duckdb.connect(config=config)
        options = f"{'READ_ONLY, ' if read_only else ''}ROW_GROUP_SIZE {ROW_GROUP_ROWS}"
        try:
            root.execute(f"ATTACH '{path.replace(chr(39), chr(39) * 2)}' AS {quote_identifier(alias)} ({options})")
        except BaseException:
            root.close()
            raise
        instance = _INSTANCES[key] = _Instance(root, alias)
    instance.users += 1
    try:
        return AttachedConnection(instance.root.cursor(), instance.alias)
    except BaseException:
        _detach(key)
        raise


def _detach(key: str) -> None:
    instance = _INSTANCES[key]
    instance.users -= 1
    if instance.users == 0:  # the last user: close the instance, which checkpoints and unlocks the file
        del _INSTANCES[key]
        instance.root.close()


def _release(path: Path | str, con: AttachedConnection | duckdb.DuckDBPyConnection) -> None:
    con.close()
    if isinstance(con, AttachedConnection):
        with _CONNECT_LOCK:
            _detach(str(Path(path).resolve()))


def _open(path: Path | str, read_only: bool, attempts: int) -> Any:
    delay = 0.05
    for attempt in range(attempts):
        try:
            with _CONNECT_LOCK:  # one instance per file and process, as DuckDB's own instance cache keeps
                if str(path) == ":memory:":
                    return duckdb.connect(":memory:")
                return _attach(str(path), read_only)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or attempt == attempts - 1:
                if "lock" in str(exc).lower():
                    raise WarehouseError(
                        f"{path}: the warehouse is busy (another newsmon process is writing to it). Retry in a "
                        "few seconds, query a copy exported with `newsmon export --parquet DIR`, or open it "
                        "read-only when no ingest is running."
                    ) from None
                raise WarehouseError(f"{path}: cannot open DuckDB file: {exc}") from None
        time.sleep(delay)
        delay = min(delay * 2, 1.0)
    raise AssertionError("unreachable")


@contextmanager
def connect(path: Path | str, *, read_only: bool = False, attempts: int = 40) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse for a short while (retrying while another process holds the lock), then close it.

    The file is attached with ROW_GROUP_ROWS rows a row group (see there). path may also be a
    warehouse.backend.LakeTarget: a DuckLake, attached and in use (docs/scale-out.md).
    """
    from warehouse import backend

    if backend.is_lake_target(path):
        with backend.connect_lake(path, read_only=read_only) as lake:  # type: ignore[arg-type]
            yield lake
        return
    con = _open(path, read_only, attempts)
    try:
        yield con
    finally:
        _release(path, con)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN ... COMMIT, or ROLLBACK on any error: a crash mid-batch leaves nothing half-written."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def list_migrations() -> list[tuple[int, str, Path]]:
    """The numbered migration files in order."""
    found = []
    for file in sorted(SCHEMA_DIR.glob("*.sql")):
        match = _MIGRATION_NAME.match(file.name)
        if match:
            found.append((int(match.group(1)), match.group(2), file))
    return found


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the migrations not yet recorded in _migrations, each in its own transaction; re-create the views."""
    from warehouse import backend

    if backend.is_lake_connection(con):  # the same migrations, translated for DuckLake
        return backend.migrate_lake(con)
    con.execute(
        "CREATE TABLE IF NOT EXISTS _migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
        "applied_at TIMESTAMPTZ NOT NULL)"
    )
    done = {row[0] for row in con.execute("SELECT version FROM _migrations").fetchall()}
    applied = []
    for version, name, file in list_migrations():
        if version in done:
            continue
        with transaction(con):
            con.execute(file.read_text(encoding="utf-8"))
            con.execute("INSERT INTO _migrations VALUES (?, ?, ?)", [version, name, datetime.now(UTC)])
        applied.append(f"{version:04d}_{name}")
    create_views(con)
    return applied


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    """Re-create the analysts' views (warehouse/views/*.sql, in name order): the stable interface."""
    for file in sorted(VIEWS_DIR.glob("*.sql")):
        con.execute(file.read_text(encoding="utf-8"))


def ensure_schema(path: Path | str) -> list[str]:
    """Create or upgrade the warehouse file at path (or the DuckLake a LakeTarget names)."""
    from warehouse import backend

    if backend.is_lake_target(path):
        return backend.ensure_lake(path)  # type: ignore[arg-type]
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with connect(path) as con:
        return migrate(con)
