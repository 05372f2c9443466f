"""The dedup index decides alone: merges are replayed into it, and a transaction sees its own rows."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from tests.parsers.test_dedup import RULING_A, WIRE, wire_trimmed
from tests.warehouse.test_dedup import T0, WIRE_URLS, aid, load, make, row
from warehouse.db import connect, transaction
from warehouse.dedup import (
    DedupIndex,
    acquire_index,
    check_article,
    index_path_for,
    open_index,
    release_indexes,
)
from warehouse.load import upsert_articles


def index_row(n: int, sig: bytes, shingles: int, features: list[str], day: int, *, is_copy: bool = False,
              cluster: int | None = None) -> tuple:
    """A dedup_signatures row as DedupIndex.add_rows takes it, for article f"{n:016x}" (seq n), in its own
    cluster and story unless `cluster` names another article's number."""
    article_id = f"{n:016x}"
    owner = article_id if cluster is None else f"{cluster:016x}"
    return (n, article_id, sig, shingles, features, day, is_copy, owner, owner, T0)


def test_after_a_merge_later_copies_of_the_absorbed_cluster_join_the_survivor(db: Path) -> None:
    first, second, bridge = "http://p.example/1", "http://q.example/2", "http://r.example/3"
    load(db, make(first, WIRE[:5]))
    load(db, make(second, WIRE[3:], at=T0 + timedelta(hours=1)))
    load(db, make(bridge, WIRE, at=T0 + timedelta(hours=2)))  # merges second's cluster into first's
    later = "http://s.example/4"
    load(db, make(later, [*WIRE[3:], "The Courier has asked for comment."], at=T0 + timedelta(hours=3)))
    assert row(db, later)["cluster_id"] == aid(first)
    with connect(db) as con, DedupIndex(index_path_for(con)) as index:
        state = index.lookup_state(aid(second))
        assert state is not None and state[0] == aid(first)  # the index holds the merged cluster
        merges = con.execute("SELECT kind, from_id, into_id FROM dedup_merges WHERE kind = 'cluster'")
        assert merges.fetchall() == [("cluster", aid(second), aid(first))]


def test_a_check_reads_the_decision_from_the_index_alone(db: Path) -> None:
    load(db, make(WIRE_URLS[0], WIRE, "Detainees locked up 22 hours a day"))
    copy = make(WIRE_URLS[1], wire_trimmed(), at=T0 + timedelta(hours=1))
    with connect(db) as con, open_index(con) as index:
        con.execute("ALTER TABLE articles RENAME TO articles_elsewhere")  # a read of articles would fail
        try:
            decision = check_article(con, index, aid(WIRE_URLS[1]), copy.article, copy.fetched_at)
        finally:
            con.execute("ALTER TABLE articles_elsewhere RENAME TO articles")
    assert decision["cluster_id"] == decision["copy_of"] == aid(WIRE_URLS[0])
    assert decision["story_id"] == aid(WIRE_URLS[0]) and decision["copy_diff"] is None


def test_two_loads_in_one_transaction_see_each_other_and_a_rollback_leaves_nothing(db: Path) -> None:
    with pytest.raises(duckdb.Error), connect(db) as con, transaction(con):
        upsert_articles(con, [make(WIRE_URLS[0], WIRE)], "run-1")
        upsert_articles(con, [make(WIRE_URLS[1], wire_trimmed(), at=T0 + timedelta(hours=1))], "run-1")
        cluster = con.execute(
            "SELECT cluster_id FROM articles WHERE article_id = ?", [aid(WIRE_URLS[1])]
        ).fetchone()
        assert cluster == (aid(WIRE_URLS[0]),)
        con.execute("SELECT error('boom')")
    release_indexes()
    with connect(db) as con, open_index(con) as index:
        assert index.lookup_state(aid(WIRE_URLS[0])) is None
        assert index.lookup_state(aid(WIRE_URLS[1])) is None


def test_an_index_of_the_old_layout_is_rebuilt_with_clusters_from_articles(db: Path) -> None:
    load(db, make(WIRE_URLS[0], WIRE))
    load(db, make(WIRE_URLS[1], wire_trimmed(), at=T0 + timedelta(hours=1)))
    release_indexes()
    with connect(db) as con:
        path = index_path_for(con)
    assert path is not None
    with DedupIndex(path) as index:
        index.db.execute("UPDATE meta SET value = 'old-scheme' WHERE key = 'scheme'")
    with connect(db) as con, open_index(con) as index:
        state = index.lookup_state(aid(WIRE_URLS[1]))
        assert state is not None and state[:2] == (aid(WIRE_URLS[0]), aid(WIRE_URLS[0]))
        assert state[2] == T0 + timedelta(hours=1)


def test_an_index_with_the_week_minor_posting_keys_is_rebuilt_and_finds_the_story(db: Path) -> None:
    """Layout v2 derived story posting keys with the week in the hash; v3 puts the week in the top bits (one
    week is one range of the B-tree). A v2 file's postings would never match a v3 lookup: it is rebuilt."""
    from parsers.dedup import SCHEME
    from tests.parsers.test_dedup import RULING_B

    first, later = "http://a.example/ruling", "http://b.example/torture-ruling"
    load(db, make(first, RULING_A))
    release_indexes()
    with connect(db) as con, open_index(con) as index:  # caught up: the first article's postings are in
        path = index.path
        assert index.db.execute("SELECT count(*) FROM postings").fetchone()[0] > 0
    with DedupIndex(path) as index:
        index.db.execute("UPDATE meta SET value = ? WHERE key = 'scheme'", [f"{SCHEME}/docs-state-v2"])
        index.db.execute("UPDATE postings SET key = key - 1")  # no v3 lookup can find these any more
    load(db, make(later, RULING_B, at=T0 + timedelta(hours=3)))
    assert row(db, later)["story_id"] == aid(first)


def test_a_build_that_did_not_finish_is_started_again(db: Path) -> None:
    load(db, make(WIRE_URLS[0], WIRE))
    load(db, make("http://a.example/ruling", RULING_A, at=T0 + timedelta(hours=1)))  # indexes the first
    release_indexes()
    with connect(db) as con:
        path = index_path_for(con)
    assert path is not None
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    with DedupIndex(path) as index:
        index.db.execute("DELETE FROM docs")  # what a build killed half-way could leave
        index.db.execute("INSERT INTO meta VALUES ('building', ?)", [str(gone.pid)])
    with connect(db) as con, open_index(con) as index:
        assert index.lookup_state(aid(WIRE_URLS[0])) is not None
    with DedupIndex(path) as index:  # a build by a live process is left alone
        index.db.execute("INSERT INTO meta VALUES ('building', ?)", [str(os.getpid())])
    with DedupIndex(path) as index:
        assert index.lookup_state(aid(WIRE_URLS[0])) is not None


def test_a_build_that_fails_part_way_raises_its_own_error_and_the_next_catch_up_builds_it(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build's chunk that fails leaves no transaction open: the error raised is the chunk's (not SQLite's
    refusal to change a pragma inside a transaction), and the same index, kept open by the loading thread,
    builds next time."""
    load(db, make(WIRE_URLS[0], WIRE))
    release_indexes()
    with connect(db) as con:
        path = index_path_for(con)
    assert path is not None
    for suffix in ("", "-wal", "-shm"):
        Path(path + suffix).unlink(missing_ok=True)
    insert_docs = DedupIndex._insert_docs

    def fail_to_load(self: DedupIndex, rows: list, table_prefix: str = "") -> None:
        insert_docs(self, rows, table_prefix)
        raise OSError("No space left on device")

    with connect(db) as con, DedupIndex(path) as index:
        monkeypatch.setattr(DedupIndex, "_insert_docs", fail_to_load)
        with pytest.raises(OSError, match="No space left"):
            index.catch_up(con)
        assert not index.db.in_transaction
        assert index.db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL, as the file was opened
        monkeypatch.setattr(DedupIndex, "_insert_docs", insert_docs)
        assert index.catch_up(con) == 1
        assert index.lookup_state(aid(WIRE_URLS[0])) is not None


def test_a_failed_build_whose_cleanup_fails_too_still_raises_the_first_error(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(db, make(WIRE_URLS[0], WIRE))
    release_indexes()

    class NoDrop:  # the SQLite connection, but dropping the temporary load tables fails
        def __init__(self, real: sqlite3.Connection) -> None:
            self.real = real

        def executescript(self, script: str) -> sqlite3.Cursor:
            if script.startswith("DROP TABLE IF EXISTS temp.load_docs"):
                raise sqlite3.OperationalError("database or disk is full")
            return self.real.executescript(script)

        def __getattr__(self, name: str) -> object:
            return getattr(self.real, name)

    def fail_to_load(self: DedupIndex, rows: list, table_prefix: str = "") -> None:
        raise OSError("No space left on device")

    with connect(db) as con, DedupIndex(None) as index:
        real = index.db
        index.db = NoDrop(real)  # type: ignore[assignment]
        monkeypatch.setattr(DedupIndex, "_insert_docs", fail_to_load)
        try:
            with pytest.raises(OSError, match="No space left"):
                index.catch_up(con)
            assert not real.in_transaction  # rolled back before the cleanup failed
        finally:
            index.db = real


def test_a_posting_key_held_by_too_many_articles_retrieves_no_story_candidates() -> None:
    """A feature in more than max_key_postings articles of a week (a minister's name, a round figure) is left out of
    retrieval: the articles sharing only such features are no candidates, one sharing two rare features still is."""
    from parsers.dedup import NUM_HASHES, Signature
    from warehouse.dedup import MAX_KEY_POSTINGS

    day = 20_000
    common = ["figure:1000", "person:keir starmer"]
    rare = ["figure:19244", "quote:5eed"]
    sig = Signature((7,) * NUM_HASHES, 3).to_bytes()  # too few shingles for any LSH band

    def rows() -> list[tuple]:
        crowd = [index_row(n + 1, sig, 3, [*common, f"name:someone {n}"], day) for n in range(6)]
        return [*crowd, index_row(7, sig, 3, [*common, *rare], day)]

    with DedupIndex(None, max_key_postings=3) as capped, DedupIndex(None) as uncapped:
        assert uncapped.max_key_postings == MAX_KEY_POSTINGS
        capped.add_rows(rows())
        uncapped.add_rows(rows())
        features = [*common, *rare]
        assert [c.article_id for c in capped.find_story_candidates(features, day)] == [f"{7:016x}"]
        assert len(capped.common_keys) == 2  # the two common features' keys of this week
        assert len(uncapped.find_story_candidates(features, day)) == 7
        assert capped.find_story_candidates(common, day) == []


def test_a_band_key_held_by_many_articles_is_read_up_to_max_band_postings() -> None:
    """Many articles sharing LSH bands (one text published again and again) are read up to max_band_postings a
    key, the lowest doc numbers: a lookup costs the same however many copies are stored."""
    from parsers.dedup import compute_signature, derive_band_keys
    from warehouse.dedup import MAX_BAND_POSTINGS, doc_number

    signature = compute_signature("\n\n".join(WIRE))
    other = compute_signature("\n\n".join(RULING_A))
    ids = [f"{n + 1:016x}" for n in range(6)]

    def rows() -> list[tuple]:
        copies = [index_row(n, signature.to_bytes(), signature.shingles, [], 20_000, is_copy=True, cluster=1)
                  for n in range(1, 7)]
        return [*copies, index_row(7, other.to_bytes(), other.shingles, [], 20_000)]

    keys = derive_band_keys(signature)
    with DedupIndex(None, max_band_postings=3) as capped, DedupIndex(None) as uncapped:
        assert uncapped.max_band_postings == MAX_BAND_POSTINGS
        capped.add_rows(rows())
        uncapped.add_rows(rows())
        assert sorted(r[0] for r in uncapped.find_copy_docs(keys)) == ids
        lowest = sorted(ids, key=doc_number)[:3]
        assert sorted(r[0] for r in capped.find_copy_docs(keys)) == sorted(lowest)
        assert capped.find_copy_docs([]) == []


def test_a_copy_of_a_text_stored_many_times_joins_its_cluster_through_a_capped_band(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With every band it shares cut to two docs, a further copy still finds its cluster and canonical."""
    release_indexes()
    monkeypatch.setattr(DedupIndex.__init__, "__kwdefaults__",
                        {**DedupIndex.__init__.__kwdefaults__, "max_band_postings": 2})
    urls = [f"http://outlet{n}.example/harwick" for n in range(6)]
    try:
        for n, url in enumerate(urls[:5]):
            load(db, make(url, WIRE, at=T0 + timedelta(hours=n)))
        with connect(db) as con, open_index(con) as index:
            assert index.max_band_postings == 2
        load(db, make(urls[5], wire_trimmed(), at=T0 + timedelta(hours=6)))
        assert row(db, urls[5])["cluster_id"] == aid(urls[0])
        assert row(db, urls[5])["copy_of"] == aid(urls[0])
    finally:
        release_indexes()  # no index opened with the test's cap stays kept open for later tests


def test_merges_written_together_move_ids_as_one_update_a_merge_would() -> None:
    from warehouse.dedup import compose_merges

    merges = [("b", "a"), ("c", "d"), ("a", "e"), ("d", "c"), ("x", "y")]
    ids = ["a", "b", "c", "d", "e", "x", "z"]
    one_by_one = list(ids)
    for old, into in merges:  # what `UPDATE ... SET id = into WHERE id = old` does, merge after merge
        one_by_one = [into if i == old else i for i in one_by_one]
    moved = compose_merges(merges)
    assert [moved.get(i, i) for i in ids] == one_by_one
    assert "c" not in moved  # c went to d and back: unchanged, not rewritten


def test_the_story_window_searches_every_week_it_touches() -> None:
    from parsers.dedup import STORY_WINDOW_DAYS, story_weeks

    for day in range(70, 84):
        window = set(range(day - STORY_WINDOW_DAYS, day + STORY_WINDOW_DAYS + 1))
        assert story_weeks(day) == sorted({d // 7 for d in window})
    assert story_weeks(73) == [9, 10, 11]  # day 73 is mid-week 10: the article's own week is searched too


def test_story_candidates_are_those_the_grouping_query_ranks_first() -> None:
    """Candidates are counted in the loader (numpy) from posting lists read once a batch: the same docs as the
    SQL this replaced (`GROUP BY doc HAVING n >= 2 ORDER BY n DESC LIMIT 30`, then the day window), ties to the
    higher doc."""
    import json

    from parsers.dedup import NUM_HASHES, STORY_WINDOW_DAYS, Signature, derive_story_key, story_weeks
    from warehouse.dedup import doc_number

    day = 20_000
    sig = Signature((7,) * NUM_HASHES, 3).to_bytes()
    query = ["name:ann lee", "name:bo kim", "name:cy ray"]

    def doc_row(n: int, features: list[str], at: int = day) -> tuple:
        return index_row(n, sig, 3, [*features, f"name:only {n}"], at)

    rows = [doc_row(n, query[:2]) for n in range(1, 41)]  # 40 share two keys: more than the 30 places
    rows += [doc_row(n, query) for n in (41, 42, 43)]  # three share three
    rows += [doc_row(n, query, at=day + STORY_WINDOW_DAYS + 1) for n in (44, 45)]  # out of the window, first

    def grouped(index: DedupIndex) -> set[str]:
        keys = [derive_story_key(f, week) for f in query for week in story_weeks(day)]
        found = index.db.execute(
            "SELECT d.article_id FROM (SELECT doc, count(*) AS n FROM postings "
            "WHERE key IN (SELECT value FROM json_each(?)) "
            "GROUP BY doc HAVING n >= 2 ORDER BY n DESC LIMIT 30) p JOIN docs d ON d.doc = p.doc "
            "WHERE abs(d.day - ?) <= ?",
            [json.dumps(keys), day, STORY_WINDOW_DAYS],
        )
        return {r[0] for r in found}

    with DedupIndex(None) as index:
        index.add_rows(rows)
        found = [c.article_id for c in index.find_story_candidates(query, day)]
        assert len(found) == 28  # 30 places, two taken by the articles outside the window
        assert sorted(found[:3]) == [f"{n:016x}" for n in (41, 42, 43)]  # best first
        assert set(found) == grouped(index)
        ties = sorted(range(1, 41), key=lambda n: doc_number(f"{n:016x}"), reverse=True)[:25]
        assert set(found[3:]) == {f"{n:016x}" for n in ties}
        # the posting lists are kept while the index stays as it is, and forgotten when a catch-up adds rows
        index.add_rows([doc_row(46, query)])
        again = [c.article_id for c in index.find_story_candidates(query, day)]
        assert f"{46:016x}" in again[:4] and set(again) == grouped(index)


def test_an_index_kept_open_whose_catch_up_fails_is_closed_and_the_next_batch_opens_it_again(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(db, make(WIRE_URLS[0], WIRE))
    release_indexes()
    closed: list[DedupIndex] = []
    close, catch_up = DedupIndex.close, DedupIndex.catch_up

    def record_close(self: DedupIndex) -> None:
        closed.append(self)
        close(self)

    def fail(self: DedupIndex, con: duckdb.DuckDBPyConnection) -> int:
        raise duckdb.IOException("IO Error: Could not read from file")

    monkeypatch.setattr(DedupIndex, "close", record_close)
    try:
        with connect(db) as con:
            kept = acquire_index(con)  # the loading thread keeps it open for its next batch
            monkeypatch.setattr(DedupIndex, "catch_up", fail)
            with pytest.raises(duckdb.IOException):
                acquire_index(con)
            assert closed == [kept]
            monkeypatch.setattr(DedupIndex, "catch_up", catch_up)
            reopened = acquire_index(con)
            assert reopened is not kept and reopened.lookup_state(aid(WIRE_URLS[0])) is not None
    finally:
        release_indexes()
