"""Loading into a real DuckDB: schema matches records, loads are idempotent, duplicates linked, revisions kept."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from parsers.records import Article, Entity, Figure, Quote, Topic
from parsers.urls import derive_article_id, hash_text
from warehouse.db import connect, ensure_schema, list_migrations, transaction
from warehouse.load import PageResult, upsert_articles
from warehouse.state import start_run

T0 = datetime(2025, 2, 12, 9, 0, tzinfo=UTC)


def make_article(url: str, body: str, title: str = "Title", quotes: tuple[Quote, ...] = ()) -> Article:
    return Article(
        url=url, canonical_url=url, title=title, authors=("Jane Doe",), published_at=T0, published_at_source="jsonld",
        language="en", outlet="Test Post", status="full", status_reason=None, body=body, body_hash=hash_text(body),
        relevance=0.9, relevance_evidence=("deportation",), quotes=quotes,
        figures=(Figure(value=19244.0, unit="people", text="19,244 foreign criminals", subject="foreign criminals",
                        change=None, baseline=None, approximate=False, source="Home Office", start=0, end=5),),
        entities=(Entity(name="Kemi Badenoch", type="person", role="Conservative leader", mentions=3),),
        topics=(Topic(topic="deportation", score=0.8, evidence=("deported",)),),
    )


def page(article: Article, at: datetime = T0, fetched_url: str | None = None) -> PageResult:
    return PageResult(article=article, fetched_url=fetched_url or article.url, feed_id=None, entry_sig="sig",
                      fetched_at=at)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    ensure_schema(path)
    with connect(path) as con:
        start_run(con, "run-1", "ingest", T0)
        start_run(con, "run-2", "ingest", T0)
    return path


def load(db: Path, pages: list[PageResult], run_id: str = "run-1"):
    with connect(db) as con, transaction(con):
        return upsert_articles(con, pages, run_id)


def test_record_fields_equal_column_names(db: Path) -> None:
    nested = {"quotes", "figures", "entities", "topics"}
    with connect(db) as con:
        columns = {row[0] for row in con.execute("DESCRIBE articles").fetchall()}
        for table, record in (("quotes", Quote), ("figures", Figure), ("entities", Entity), ("topics", Topic)):
            table_columns = {row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()}
            assert {f.name for f in dataclasses.fields(record)} <= table_columns, table
    assert {f.name for f in dataclasses.fields(Article)} - nested <= columns


def test_migrations_are_recorded_and_not_reapplied(db: Path) -> None:
    assert ensure_schema(db) == []
    with connect(db) as con:
        versions = [r[0] for r in con.execute("SELECT version FROM _migrations ORDER BY 1").fetchall()]
    assert versions == [v for v, _, _ in list_migrations()]


def test_load_is_idempotent_and_links_same_text(db: Path) -> None:
    quote = Quote(text="We must act", speaker="Jane Doe", speaker_role=None, kind="direct", cue="said", start=1, end=12)
    a = make_article("http://a.example/1", "Body one about deportation.", quotes=(quote,))
    copy = make_article("http://b.example/9", "Body one about  deportation.")  # same text, other outlet
    first = load(db, [page(a), page(copy)])
    assert (first.new, first.duplicate, first.updated) == (1, 1, 0)
    again = load(db, [page(a), page(copy)], "run-2")
    assert (again.new, again.duplicate, again.updated) == (0, 2, 0)
    with connect(db) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (2,)
        assert con.execute("SELECT same_text_as FROM articles WHERE url = ?", [copy.url]).fetchone() == \
            (derive_article_id(a.canonical_url),)
        assert con.execute("SELECT count(*) FROM quotes").fetchone() == (1,)


def test_changed_text_becomes_a_revision_with_a_diff(db: Path) -> None:
    old_quote = Quote(text="We will act", speaker="Jane Doe", speaker_role=None, kind="direct", cue="said",
                      start=0, end=5)
    new_quote = dataclasses.replace(old_quote, text="We will act now")
    load(db, [page(make_article("http://a.example/1", "Old body.", "Old headline", (old_quote,)))])
    counts = load(db, [page(make_article("http://a.example/1", "New body.", "New headline", (new_quote,)),
                            T0 + timedelta(hours=1))], "run-2")
    assert counts.updated == 1
    with connect(db) as con:
        assert con.execute("SELECT revision, title FROM articles").fetchone() == (2, "New headline")
        rows = con.execute("SELECT revision, title, diff->>'$.title.before', diff->'$.quotes_added' "
                           "FROM article_revisions ORDER BY revision").fetchall()
        assert rows[0][:2] == (1, "Old headline")
        assert rows[1][:3] == (2, "New headline", "Old headline")
        assert "We will act now" in rows[1][3]
        assert con.execute("SELECT text FROM quotes").fetchall() == [("We will act now",)]


def test_a_failed_batch_leaves_nothing(db: Path) -> None:
    good = make_article("http://a.example/1", "Fine body.")
    with pytest.raises(duckdb.Error), connect(db) as con, transaction(con):
        upsert_articles(con, [page(good)], "run-1")
        con.execute("INSERT INTO quotes VALUES ('some-article', 0, NULL, NULL, NULL, 'direct', NULL, 0, 1)")
    with connect(db) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (0,)


def test_child_rows_keep_their_keys_without_declared_ones(db: Path) -> None:
    """Migration 0008 dropped the child tables' PRIMARY KEYs: the loader alone keeps them unique, also across a
    revision and when a record names an entity or topic twice."""
    quotes = tuple(Quote(text=f"Quote {i}", speaker="Jane Doe", speaker_role=None, kind="direct", cue="said",
                         start=i, end=i + 1) for i in range(3))
    twice = make_article("http://a.example/1", "Body about deportation.", quotes=quotes)
    twice = dataclasses.replace(twice, entities=twice.entities * 2, topics=twice.topics * 2)
    load(db, [page(twice)])
    revised = dataclasses.replace(twice, body="Revised body about deportation.",
                                  body_hash=hash_text("Revised body about deportation."), quotes=quotes[:2])
    assert load(db, [page(revised, T0 + timedelta(hours=1))], "run-2").updated == 1
    load(db, [page(revised, T0 + timedelta(hours=2))], "run-2")  # the same text again: nothing re-inserted
    with connect(db) as con:
        assert con.execute("SELECT count(*) FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY' "
                           "AND table_name IN ('quotes', 'figures', 'entities', 'topics')").fetchone() == (0,)
        for table, key in (("quotes", "article_id, seq"), ("figures", "article_id, seq"),
                           ("entities", "article_id, name, type"), ("topics", "article_id, topic")):
            rows, keys = con.execute(f"SELECT count(*), count(DISTINCT ({key})) FROM {table}").fetchone()
            assert rows == keys > 0, table
        assert con.execute("SELECT list(seq ORDER BY seq) FROM quotes").fetchone() == ([0, 1],)


def test_migration_0008_keeps_the_child_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE _migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
                "applied_at TIMESTAMPTZ NOT NULL)")
    for version, name, file in list_migrations():
        if version < 8:
            con.execute(file.read_text(encoding="utf-8"))
            con.execute("INSERT INTO _migrations VALUES (?, ?, ?)", [version, name, T0])
    con.execute("INSERT INTO quotes VALUES ('a1', 0, 'We must act', 'Jane Doe', NULL, 'direct', 'said', 0, 11)")
    con.execute("INSERT INTO topics VALUES ('a1', 'asylum', 0.5, ['asylum seekers'])")
    con.close()
    assert ensure_schema(path) == ["0008_child_tables_unkeyed"]
    with connect(path) as con:
        assert con.execute("SELECT article_id, seq, text, speaker, cue, \"end\" FROM quotes").fetchall() == \
            [("a1", 0, "We must act", "Jane Doe", "said", 11)]
        assert con.execute("SELECT topic, evidence FROM topics").fetchall() == [("asylum", ["asylum seekers"])]
        assert con.execute("SELECT comment FROM duckdb_columns() WHERE table_name = 'quotes' "
                           "AND column_name = 'speaker'").fetchone()[0].startswith("Canonical speaker name")
