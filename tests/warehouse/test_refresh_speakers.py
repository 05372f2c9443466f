"""The incremental refresh of speakers and speaker_roles: it re-derives only what the changed articles touched and
leaves exactly what a full re-derivation would, after inserts, revisions, re-clustering, rule and hand edits."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from parsers.records import Article, Entity, Quote
from parsers.urls import hash_text
from warehouse.db import connect, ensure_schema, transaction
from warehouse.fts import refresh_search_index
from warehouse.load import PageResult, upsert_articles
from warehouse.state import start_run

T0 = datetime(2025, 2, 12, 9, 0, tzinfo=UTC)
NAMES = ("Ann Lee", "Bo Ray", "Home Office", "Refugee Council", "Cy Dunn", "Di Fox", "Ed Gray")
ROLES = (None, None, "the Home Secretary", "the shadow minister", "a charity boss", "Reform UK leader",
         "a local resident", "the Labour MP", "a spokesperson", "an odd job")


def article(url: str, body: str, published: datetime, quotes: tuple[tuple[str | None, str | None], ...] = (),
            people: tuple[tuple[str, str | None], ...] = ()) -> Article:
    return Article(url=url, canonical_url=url, title=body[:20], authors=(), published_at=published,
                   published_at_source="jsonld", language="en", outlet="Test Post", status="full",
                   status_reason=None, body=body, body_hash=hash_text(body), relevance=0.9, relevance_evidence=(),
                   quotes=tuple(Quote(text=f"Words {k}.", speaker=s, speaker_role=r, kind="direct", cue="said",
                                      start=0, end=5) for k, (s, r) in enumerate(quotes)),
                   entities=tuple(Entity(name=n, type="person", role=r, mentions=1) for n, r in people))


def load(db: Path, articles: list[Article], at: datetime) -> None:
    pages = [PageResult(article=a, fetched_url=a.url, feed_id=None, entry_sig=None, fetched_at=at) for a in articles]
    with connect(db) as con, transaction(con):
        start_run(con, f"run-{at.isoformat()}", "ingest", at)
        upsert_articles(con, pages, f"run-{at.isoformat()}")


def refresh(db: Path, *, force: bool = False) -> None:
    with connect(db) as con:
        state = refresh_search_index(con, force=force)
    assert state.full == force


def speaker_tables(db: Path) -> dict[str, list[tuple]]:
    with connect(db, read_only=True) as con:
        return {"speakers": con.execute("SELECT * EXCLUDE (refreshed_at) FROM speakers ORDER BY ALL").fetchall(),
                "speaker_roles": con.execute("SELECT * FROM speaker_roles ORDER BY ALL").fetchall()}


def assert_same_as_a_full_rebuild(db: Path) -> dict[str, list[tuple]]:
    incremental = speaker_tables(db)
    refresh(db, force=True)
    assert speaker_tables(db) == incremental
    return incremental


def refreshed_at(db: Path) -> dict[str, datetime]:
    with connect(db, read_only=True) as con:
        return dict(con.execute("SELECT name, refreshed_at FROM speakers").fetchall())


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "speakers.duckdb"
    ensure_schema(path)
    load(path, [article("http://a.example/1", "Ministers said more.", T0,
                        (("Ann Lee", "the Home Secretary"), (None, "a local resident"), ("Home Office", None)),
                        (("Ann Lee", "Home Secretary"),)),
                article("http://a.example/2", "The charity replied.", T0 + timedelta(hours=1),
                        (("Bo Ray", "a charity boss"), ("Refugee Council", None)))], T0)
    refresh(path, force=True)
    return path


def test_random_ingests_revisions_and_re_clustering_leave_what_a_full_rebuild_would(db: Path) -> None:
    rng = random.Random(7)

    def random_article(k: int, version: int) -> Article:
        quotes = tuple((rng.choice((*NAMES, None)), rng.choice(ROLES)) for _ in range(rng.randrange(4)))
        people = tuple({n: rng.choice(ROLES) for n in rng.sample(NAMES, rng.randrange(3))}.items())
        published = T0 + timedelta(hours=rng.randrange(-48, 48))
        return article(f"http://r.example/{k}", f"Story {k}, version {version}.", published, quotes, people)

    versions: dict[int, int] = {}
    for batch in range(6):
        at = T0 + timedelta(days=batch + 1)
        chosen = sorted(rng.sample(range(30), 8))  # new articles and revisions of earlier ones
        for k in chosen:
            versions[k] = versions.get(k, -1) + 1
        load(db, [random_article(k, versions[k]) for k in chosen], at)
        if batch % 2:  # what a later cluster merge does: facts move without a new revision
            with connect(db) as con:
                con.execute("UPDATE articles SET cluster_id = 'cluster-merged' WHERE canonical_url IN (?, ?)",
                            [f"http://r.example/{chosen[0]}", f"http://r.example/{chosen[1]}"])
        refresh(db)
        assert speaker_tables(db)["speakers"]
        assert_same_as_a_full_rebuild(db)


def test_a_role_written_beside_a_person_elsewhere_re_derives_that_speaker(db: Path) -> None:
    # Ann Lee is not quoted here: only her role counts move, yet her most written role changes
    load(db, [article(f"http://b.example/{k}", f"Profile {k}.", T0, people=(("Ann Lee", "the shadow minister"),))
              for k in range(3)], T0 + timedelta(days=1))
    refresh(db)
    tables = assert_same_as_a_full_rebuild(db)
    assert [r[:4] for r in tables["speakers"] if r[0] == "Ann Lee"] == [
        ("Ann Lee", "opposition", None, "the shadow minister")]


def test_a_speaker_whose_last_quote_goes_is_removed_and_a_gone_role_text_too(db: Path) -> None:
    load(db, [article("http://a.example/2", "The charity replied again.", T0 + timedelta(hours=1),
                      (("Refugee Council", None),))], T0 + timedelta(days=1))
    refresh(db)
    tables = assert_same_as_a_full_rebuild(db)
    assert "Bo Ray" not in [r[0] for r in tables["speakers"]]
    assert "a charity boss" not in [r[0] for r in tables["speaker_roles"]]


def test_only_the_touched_speakers_are_re_derived(db: Path) -> None:
    before = refreshed_at(db)
    load(db, [article("http://c.example/1", "Bo Ray again.", T0 + timedelta(days=1), (("Bo Ray", None),))],
         T0 + timedelta(days=1))
    refresh(db)
    after = refreshed_at(db)
    assert [name for name in after if after[name] != before[name]] == ["Bo Ray"]
    assert_same_as_a_full_rebuild(db)


def test_an_edited_rule_re_classifies_every_role_at_the_next_refresh(db: Path) -> None:
    with connect(db) as con:
        con.execute("INSERT INTO speaker_role_rules VALUES (5, '(?i)charity boss', 'media')")
    refresh(db)  # no article changed
    tables = assert_same_as_a_full_rebuild(db)
    assert ("a charity boss", "media", None, 1) in tables["speaker_roles"]
    assert [r[1] for r in tables["speakers"] if r[0] == "Bo Ray"] == ["media"]


def test_speakers_edited_by_hand_are_re_derived_at_the_next_refresh(db: Path) -> None:
    with connect(db) as con:
        con.execute("UPDATE speakers SET role_class = 'ngo', curated = TRUE WHERE name = 'Ann Lee'")
        con.execute("UPDATE speakers SET role_class = 'public' WHERE name = 'Bo Ray'")  # not curated: re-derived
        con.execute("INSERT INTO speakers (name, role_class, curated) VALUES ('Zed Quiet', 'expert', TRUE)")
    load(db, [article("http://d.example/1", "Another one.", T0 + timedelta(days=1), (("Cy Dunn", None),))],
         T0 + timedelta(days=1))
    refresh(db)
    tables = assert_same_as_a_full_rebuild(db)
    classes = {r[0]: (r[1], r[4]) for r in tables["speakers"]}
    assert classes["Ann Lee"] == ("ngo", 1) and classes["Bo Ray"] == ("ngo", 1)
    assert classes["Zed Quiet"] == ("expert", 0)
