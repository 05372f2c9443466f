"""Each dedup level on the demo corpus, via the real ingest flow: URL variants, copies, stories, revisions."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from flows.demo import demo_settings
from flows.ingest import ingest_flow
from flows.replay import ReplayServer
from parsers.urls import canonicalize_url, derive_article_id
from warehouse.db import connect

pytestmark = pytest.mark.usefixtures("prefect_harness")


def article_ids(expected: dict) -> dict[str, str]:
    """Expected article id -> warehouse article_id (URL identity: canonical URL declared by the page)."""
    return {a["id"]: derive_article_id(canonicalize_url(a["canonical_url"])) for a in expected["article"]}


@pytest.fixture
def demo_db(replay_server: ReplayServer, tmp_path: Path) -> tuple[Path, ReplayServer]:
    db = tmp_path / "dedup.duckdb"
    ingest_flow(demo_settings(replay_server, db, tmp_path / "outbox"))
    return db, replay_server


def columns(db: Path, ids: set[str]) -> dict[str, tuple[str, str]]:
    with connect(db) as con:
        return {
            r[0]: (r[1], r[2])
            for r in con.execute(
                "SELECT article_id, cluster_id, story_id FROM articles "
                "WHERE article_id IN (SELECT unnest(?))",
                [sorted(ids)],
            ).fetchall()
        }


def test_url_variants_resolve_to_one_article(demo_db, demo_expected: dict) -> None:
    db, _ = demo_db
    ids = article_ids(demo_expected)
    with connect(db) as con:
        urls = dict(con.execute("SELECT url, article_id FROM article_urls").fetchall())
    for item in demo_expected["article"]:
        for link in item["feed_links"]:
            assert urls.get(link) == ids[item["id"]], (item["id"], link)
    # the AMP and mobile pages declare the canonical page: one row each, not two
    assert ids["fc-reference-retold-amp"] == ids["fc-reference-retold"]
    assert ids["ngp-tribunal-mobile"] == ids["ngp-tribunal"]


def test_copy_groups_are_clusters_and_story_groups_are_stories(demo_db, demo_expected: dict) -> None:
    db, _ = demo_db
    ids = article_ids(demo_expected)
    stored = columns(db, set(ids.values()))
    by_copy: dict[str, set[str]] = defaultdict(set)
    by_story: dict[str, set[str]] = defaultdict(set)
    for item in demo_expected["article"]:
        cluster_id, story_id = stored[ids[item["id"]]]
        by_copy[item["copy_group"]].add(cluster_id)
        by_story[item["story_group"]].add(story_id)
    assert all(len(c) == 1 for c in by_copy.values()), dict(by_copy)  # every copy found
    assert len({next(iter(c)) for c in by_copy.values()}) == len(by_copy)  # no two texts merged
    assert all(len(s) == 1 for s in by_story.values()), dict(by_story)  # every retelling joined
    assert len({next(iter(s)) for s in by_story.values()}) == len(by_story)  # same-topic stories apart


def test_syndicated_wire_copy_keeps_similarity_and_differences(demo_db, demo_expected: dict) -> None:
    db, _ = demo_db
    ids = article_ids(demo_expected)
    wire = [ids[a["id"]] for a in demo_expected["article"] if a["copy_group"] == "wire-dispersal"]
    with connect(db) as con:
        rows = con.execute(
            "SELECT article_id, cluster_id, copy_of, similarity, copy_diff, first_seen FROM articles "
            "WHERE article_id IN (SELECT unnest(?)) ORDER BY first_seen, article_id",
            [wire],
        ).fetchall()
        cluster = con.execute(
            "SELECT size, n_outlets FROM clusters WHERE cluster_id = ?", [rows[0][1]]
        ).fetchone()
        unique = con.execute(
            "SELECT count(*) FROM articles_unique WHERE article_id IN (SELECT unnest(?))", [wire]
        ).fetchone()
    canonical = [r for r in rows if r[2] is None]
    assert len(canonical) == 1 and canonical[0][0] == canonical[0][1]
    assert canonical[0][5] == min(r[5] for r in rows)  # the earliest first_seen is the canonical copy
    copies = [r for r in rows if r[2] is not None]
    assert len(copies) == 2 and all(0.5 <= r[3] < 1.0 for r in copies)
    diffs = [json.loads(r[4]) for r in copies]
    assert any(d["paragraphs_added"] or d["paragraphs_removed"] for d in diffs)
    assert cluster == (3, 3) and unique == (1,)


def test_edited_page_is_a_revision_that_stays_in_its_cluster(
    demo_db, demo_expected: dict, tmp_path: Path
) -> None:
    db, server = demo_db
    ids = article_ids(demo_expected)
    edited = next(ids[a["id"]] for a in demo_expected["article"] if a.get("edited"))
    before = columns(db, {edited})[edited]
    server.phase = 2
    later = ingest_flow(demo_settings(server, db, tmp_path / "outbox"))
    assert later.updated == 1
    with connect(db) as con:
        revision = con.execute(
            "SELECT revision, figures_added, figures_removed, quotes_added FROM revisions "
            "WHERE article_id = ? ORDER BY revision DESC LIMIT 1",
            [edited],
        ).fetchone()
        signatures = con.execute(
            "SELECT count(*) FROM dedup_signatures WHERE article_id = ?", [edited]
        ).fetchone()
    assert columns(db, {edited})[edited] == before
    assert revision is not None and revision[0] == 2
    assert signatures == (1,)
