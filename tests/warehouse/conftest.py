"""Fixtures shared by the warehouse tests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from warehouse.db import connect, ensure_schema
from warehouse.state import start_run


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A migrated warehouse file with one ingest run started (run-1)."""
    path = tmp_path / "w.duckdb"
    ensure_schema(path)
    with connect(path) as con:
        start_run(con, "run-1", "ingest", datetime(2025, 3, 4, 8, 0, tzinfo=UTC))
    return path
