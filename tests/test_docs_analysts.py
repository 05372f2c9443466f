"""docs/analysts.md cannot rot: every ```sql example runs on the demo warehouse built by the real ingest flow."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from flows.bench_warehouse import ANALYSTS_DOC, extract_sql_blocks
from flows.demo import demo_settings
from flows.ingest import ingest_flow
from flows.replay import ReplayServer, load_manifest
from warehouse.db import connect, load_extension

DOC = ANALYSTS_DOC.read_text(encoding="utf-8")
BLOCKS = extract_sql_blocks(DOC)
# Questions whose answer the demo corpus (February 2025, the reference story retold by five outlets) determines:
# each must return rows. The others (e.g. a topic the corpus never mentions) only have to run.
ANSWERED_BY_DEMO = {f"Q{n}" for n in range(1, 17)}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The demo corpus ingested by the production flow into a temp warehouse, opened read-only with fts loaded."""
    tmp = tmp_path_factory.mktemp("demo-warehouse")
    db = tmp / "demo.duckdb"
    resources, _ = load_manifest()
    with ReplayServer(resources, phase=1) as server:
        summary = ingest_flow(demo_settings(server, db, tmp / "outbox"))
    assert summary.new > 10
    with connect(db, read_only=True) as con:
        load_extension(con, "fts")
        yield con


def test_the_doc_has_at_least_twelve_numbered_questions() -> None:
    questions = [q for q, _, _ in BLOCKS if q != "Q?"]
    assert len(questions) >= 12 and len(set(questions)) == len(questions)
    assert set(questions) == ANSWERED_BY_DEMO


@pytest.mark.parametrize(("question", "title", "sql"), [b for b in BLOCKS if b[0] != "Q?"], ids=lambda v: v[:4])
def test_example_query_runs_on_the_demo_warehouse(demo_db: duckdb.DuckDBPyConnection, question: str, title: str,
                                                  sql: str) -> None:
    rows = demo_db.execute(sql).fetchall()
    if question in ANSWERED_BY_DEMO:
        assert rows, f"{question} ({title}) returned no rows on the demo warehouse"


def answer(con: duckdb.DuckDBPyConnection, question: str) -> list[tuple]:
    sql = next(s for q, _, s in BLOCKS if q == question)
    return con.execute(sql).fetchall()


def test_the_answers_say_what_the_demo_corpus_says(demo_db: duckdb.DuckDBPyConnection) -> None:
    # Q3: 19,244 foreign criminals awaiting deportation, printed by several outlets on 12 February 2025
    q3 = answer(demo_db, "Q3")
    assert len({r[1] for r in q3}) >= 3 and {str(r[0]) for r in q3} == {"2025-02-12"}
    # Q2: that figure is among those repeated across outlets
    assert any(r[0] == 19244 and r[4] >= 3 for r in answer(demo_db, "Q2"))
    # Q12: full-text search ranks a reference-story article first
    assert "Badenoch" in answer(demo_db, "Q12")[0][0]
    # Q13: Kemi Badenoch's words are quoted by several outlets
    assert len({r[1] for r in answer(demo_db, "Q13")}) >= 3
    # Q14: she is among the most quoted, with her party
    assert ("Kemi Badenoch", "Conservative") in {(r[0], r[2]) for r in answer(demo_db, "Q14")}
    # Q6: Reform UK and the Conservatives are heard
    assert {"Conservative", "Reform UK"} <= {r[0] for r in answer(demo_db, "Q6")}


def test_every_view_and_macro_the_doc_lists_exists(demo_db: duckdb.DuckDBPyConnection) -> None:
    listed = set(re.findall(r"^\| `(\w+)(?:\(\w*\))?` \|", DOC, re.M))
    views = {r[0] for r in demo_db.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    macros = {r[0] for r in demo_db.execute("SELECT function_name FROM duckdb_functions() "
                                            "WHERE function_type = 'table_macro'").fetchall()}
    tables = {r[0] for r in demo_db.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert len(listed) >= 14
    assert listed <= views | macros | tables, listed - views - macros - tables


def test_the_er_diagram_names_only_real_tables(demo_db: duckdb.DuckDBPyConnection) -> None:
    diagram = DOC.split("```mermaid", 1)[1].split("```", 1)[0]
    named = set(re.findall(r"^\s+(\w+) (?:\|\||\}o)", diagram, re.M)) | set(re.findall(r"^\s+(\w+) \{", diagram, re.M))
    tables = {r[0] for r in demo_db.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert len(named) >= 10
    assert named <= tables, named - tables


def test_the_readme_gives_plain_clients_the_fts_line() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert "LOAD fts" in readme and "search_articles" in readme
