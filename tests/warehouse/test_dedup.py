"""Clusters and stories in a real DuckDB and its index: assignment, merges, revisions, restarts, rollbacks."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from parsers.records import Article
from parsers.urls import derive_article_id, hash_text
from tests.parsers.test_dedup import (
    CROSSINGS,
    MILBROOK_HOTEL,
    RESCUE,
    RULING_A,
    RULING_B,
    RULING_C,
    WIRE,
    wire_trimmed,
    wire_with_local_line,
)
from warehouse.db import connect, transaction
from warehouse.dedup import DedupIndex, index_path_for, rebuild_index
from warehouse.load import PageResult, upsert_articles

T0 = datetime(2025, 3, 4, 8, 0, tzinfo=UTC)


def make(url: str, paras: list[str], title: str = "Headline", at: datetime = T0) -> PageResult:
    text = "\n\n".join(paras)
    outlet = url.split("/")[2]
    article = Article(
        url=url,
        canonical_url=url,
        title=title,
        authors=(),
        published_at=at,
        published_at_source="jsonld",
        language="en",
        outlet=outlet,
        status="full",
        status_reason=None,
        body=text,
        body_hash=hash_text(text),
        relevance=0.9,
        relevance_evidence=(),
    )
    return PageResult(article=article, fetched_url=url, feed_id=None, entry_sig=None, fetched_at=at)


def aid(url: str) -> str:
    return derive_article_id(url)


def load(db: Path, *pages: PageResult) -> None:
    with connect(db) as con, transaction(con):
        upsert_articles(con, list(pages), "run-1")


def row(db: Path, url: str) -> dict:
    with connect(db) as con:
        cur = con.execute(
            "SELECT cluster_id, copy_of, similarity, containment, copy_diff, story_id, story_score "
            "FROM articles WHERE article_id = ?",
            [aid(url)],
        )
        names = [d[0] for d in cur.description]
        values = cur.fetchone()
    assert values is not None, url
    return dict(zip(names, values, strict=True))


WIRE_URLS = [
    "http://wire.example/harwick",
    "http://gazette.example/harwick-report",
    "http://courier.example/news/harwick",
]


def test_syndicated_copies_form_one_cluster_whose_canonical_is_the_earliest(db: Path) -> None:
    load(db, make(WIRE_URLS[0], WIRE, "Detainees locked up 22 hours a day"))
    load(db, make(WIRE_URLS[1], wire_trimmed(), "Harwick centre damned", T0 + timedelta(hours=1)))
    load(
        db,
        make(
            WIRE_URLS[2],
            wire_with_local_line(),
            "Detainees locked up 22 hours a day",
            T0 + timedelta(hours=2),
        ),
    )
    original, trimmed, extended = (row(db, u) for u in WIRE_URLS)
    assert original["cluster_id"] == trimmed["cluster_id"] == extended["cluster_id"] == aid(WIRE_URLS[0])
    assert original["copy_of"] is None and original["similarity"] == 1.0
    assert trimmed["copy_of"] == aid(WIRE_URLS[0]) and 0.6 < trimmed["similarity"] < 1.0
    assert trimmed["containment"] > 0.85
    diff = json.loads(trimmed["copy_diff"])
    assert diff["title"] == {
        "canonical": "Detainees locked up 22 hours a day",
        "copy": "Harwick centre damned",
    }
    assert diff["paragraphs_removed"] == [WIRE[-1]]
    assert json.loads(extended["copy_diff"])["paragraphs_added"] == [wire_with_local_line()[-1]]
    assert original["story_id"] == trimmed["story_id"] == extended["story_id"]
    with connect(db) as con:
        assert con.execute(
            "SELECT size, n_outlets, retitled FROM clusters WHERE cluster_id = ?", [aid(WIRE_URLS[0])]
        ).fetchone() == (3, 3, 1)
        assert con.execute("SELECT count(*), any_value(copies) FROM articles_unique").fetchone() == (1, 3)
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (3,)  # copies kept, never deleted
        assert con.execute("SELECT count(*) FROM dedup_signatures").fetchone() == (3,)


def test_copies_in_one_batch_cluster_too(db: Path) -> None:
    load(db, make(WIRE_URLS[0], WIRE), make(WIRE_URLS[1], wire_trimmed(), at=T0 + timedelta(minutes=5)))
    assert row(db, WIRE_URLS[1])["cluster_id"] == aid(WIRE_URLS[0])


def test_same_story_in_three_outlets_words_is_one_story_of_three_texts(db: Path) -> None:
    urls = ["http://a.example/ruling", "http://b.example/torture-ruling", "http://c.example/tribunal"]
    load(db, make(urls[0], RULING_A))
    load(db, make(urls[1], RULING_B, at=T0 + timedelta(hours=3)))
    load(db, make(urls[2], RULING_C, at=T0 + timedelta(days=1)))
    rows = [row(db, u) for u in urls]
    assert {r["story_id"] for r in rows} == {aid(urls[0])}
    assert len({r["cluster_id"] for r in rows}) == 3  # rewrites are not copies
    assert rows[0]["story_score"] is None and rows[1]["story_score"] > 0.2
    with connect(db) as con:
        assert con.execute("SELECT articles, texts, n_outlets FROM stories").fetchall() == [(3, 3, 3)]


def test_unrelated_stories_on_the_same_topic_stay_apart(db: Path) -> None:
    urls = {
        "http://a.example/ruling": RULING_A,
        "http://m.example/hotel": MILBROOK_HOTEL,
        "http://n.example/crossings": CROSSINGS,
        "http://o.example/rescue": RESCUE,
        "http://wire.example/harwick": WIRE,
    }
    for i, (url, paras) in enumerate(urls.items()):
        load(db, make(url, paras, at=T0 + timedelta(hours=i)))
    assert len({row(db, u)["story_id"] for u in urls}) == len(urls)
    with connect(db) as con:
        assert con.execute("SELECT count(*) FROM stories").fetchone() == (len(urls),)


def test_stories_only_join_within_the_window(db: Path) -> None:
    load(db, make("http://a.example/ruling", RULING_A))
    load(db, make("http://b.example/ruling", RULING_B, at=T0 + timedelta(days=30)))
    assert row(db, "http://b.example/ruling")["story_id"] == aid("http://b.example/ruling")


def test_an_article_matching_two_clusters_merges_them_and_keeps_the_lineage(db: Path) -> None:
    first, second, bridge = "http://p.example/1", "http://q.example/2", "http://r.example/3"
    load(db, make(first, WIRE[:5]))
    load(db, make(second, WIRE[3:], at=T0 + timedelta(hours=1)))
    assert row(db, second)["cluster_id"] == aid(second)
    load(db, make(bridge, WIRE, at=T0 + timedelta(hours=2)))
    assert {row(db, u)["cluster_id"] for u in (first, second, bridge)} == {aid(first)}
    assert row(db, second)["copy_of"] == aid(first)
    with connect(db) as con:
        assert con.execute(
            "SELECT merged_into FROM dedup_clusters WHERE cluster_id = ?", [aid(second)]
        ).fetchone() == (aid(first),)
        assert con.execute("SELECT count(*) FROM clusters").fetchone() == (1,)


def test_revision_keeps_cluster_and_refreshes_fingerprints(db: Path) -> None:
    load(db, make(WIRE_URLS[0], WIRE))
    load(db, make(WIRE_URLS[1], wire_trimmed(), at=T0 + timedelta(hours=1)))
    edited = [*wire_trimmed(), "Correction: an earlier version of this copy misnamed the contractor."]
    load(db, make(WIRE_URLS[1], edited, at=T0 + timedelta(hours=5)))
    after = row(db, WIRE_URLS[1])
    assert after["cluster_id"] == aid(WIRE_URLS[0])
    assert "Correction" in after["copy_diff"]  # the diff is against the canonical copy, refreshed
    with connect(db) as con:
        assert con.execute(
            "SELECT count(*) FROM dedup_signatures WHERE article_id = ?", [aid(WIRE_URLS[1])]
        ).fetchone() == (1,)
        assert con.execute("SELECT max(revision) FROM revisions").fetchone() == (2,)


def test_index_survives_restarts_and_is_rebuilt_when_lost(db: Path) -> None:
    load(db, make(WIRE_URLS[0], WIRE))
    index_file = Path(f"{db}.dedup.sqlite")
    assert index_file.exists()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{index_file}{suffix}").unlink(missing_ok=True)
    load(db, make(WIRE_URLS[1], wire_trimmed(), at=T0 + timedelta(hours=1)))  # a fresh index catches up first
    assert row(db, WIRE_URLS[1])["cluster_id"] == aid(WIRE_URLS[0])
    with connect(db) as con:
        assert index_path_for(con) == str(index_file)
        assert rebuild_index(con) == 2
        with DedupIndex(index_path_for(con)) as index:
            assert index.high_water >= 2
            assert index.lookup_signature(aid(WIRE_URLS[0])) is not None


def test_a_rolled_back_batch_leaves_nothing_in_the_index(db: Path) -> None:
    with pytest.raises(duckdb.Error), connect(db) as con, transaction(con):
        upsert_articles(con, [make(WIRE_URLS[0], WIRE)], "run-1")
        con.execute("SELECT error('boom')")
    load(db, make(WIRE_URLS[1], wire_trimmed(), at=T0 + timedelta(hours=1)))
    assert row(db, WIRE_URLS[1])["cluster_id"] == aid(WIRE_URLS[1])
    with connect(db) as con, DedupIndex(index_path_for(con)) as index:
        assert index.lookup_signature(aid(WIRE_URLS[0])) is None


def test_empty_and_short_bodies_get_their_own_cluster(db: Path) -> None:
    short = make("http://s.example/1", ["Statement to follow."])
    load(
        db,
        short,
        dataclasses.replace(
            make("http://s.example/2", ["Statement to follow."]), fetched_at=T0 + timedelta(minutes=1)
        ),
    )
    assert row(db, "http://s.example/1")["cluster_id"] == aid("http://s.example/1")
    assert row(db, "http://s.example/2")["cluster_id"] == aid("http://s.example/2")  # same_text_as links them


def test_a_copy_seen_earlier_but_loaded_later_becomes_the_canonical_copy(db: Path) -> None:
    load(db, make(WIRE_URLS[1], wire_trimmed(), at=T0 + timedelta(minutes=3)))
    load(db, make(WIRE_URLS[0], WIRE, at=T0))  # fetched first, loaded in a later batch
    original, copy = row(db, WIRE_URLS[0]), row(db, WIRE_URLS[1])
    assert original["cluster_id"] == copy["cluster_id"] == aid(WIRE_URLS[0])
    assert original["copy_of"] is None and copy["copy_of"] == aid(WIRE_URLS[0]) and copy["similarity"] > 0.6
    assert original["story_id"] == copy["story_id"]
    with connect(db) as con:
        assert con.execute(
            "SELECT merged_into FROM dedup_clusters WHERE cluster_id = ?", [aid(WIRE_URLS[1])]
        ).fetchone() == (aid(WIRE_URLS[0]),)
        assert con.execute("SELECT article_id FROM articles_unique").fetchall() == [(aid(WIRE_URLS[0]),)]


def test_worker_index_keys_give_the_loaders_decisions_and_are_ignored_for_another_day(db: Path) -> None:
    """The band and posting keys a parse worker derived are used only for the story day they were derived
    for: keys derived for a publication time the article no longer has would look in the wrong weeks."""
    from parsers.dedup import compute_dedup_keys
    from warehouse.db import ensure_schema
    from warehouse.state import start_run

    first = make("http://a.example/ruling", RULING_A)
    retold = make("http://b.example/ruling", RULING_B, at=T0 + timedelta(hours=5))
    copied = make("http://c.example/wire", WIRE, at=T0 + timedelta(hours=1))
    trimmed = make("http://d.example/wire", wire_trimmed(), at=T0 + timedelta(hours=2))

    def keyed(page: PageResult, published: datetime | None = None) -> PageResult:
        parsed = dataclasses.replace(page.article, published_at=published or page.article.published_at)
        return dataclasses.replace(page, dedup_keys=compute_dedup_keys(parsed))

    load(db, keyed(first), keyed(copied))
    load(db, keyed(retold, T0 + timedelta(days=60)), keyed(trimmed))  # retold's keys: for a day two months on
    assert row(db, retold.fetched_url)["story_id"] == aid(first.fetched_url)
    assert row(db, trimmed.fetched_url)["cluster_id"] == aid(copied.fetched_url)
    other = db.with_name("without-keys.duckdb")
    ensure_schema(other)
    with connect(other) as con:
        start_run(con, "run-1", "ingest", T0)
    load(other, first, copied)
    load(other, retold, trimmed)
    for page in (first, retold, copied, trimmed):
        assert row(db, page.fetched_url) == row(other, page.fetched_url)
