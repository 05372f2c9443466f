"""BM25 full-text search: search_articles() finds stemmed words, the index follows ingests, plain read-only clients."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from parsers.records import Article, Entity, Quote
from parsers.urls import hash_text
from warehouse.db import connect, ensure_schema, extension_path, load_extension, transaction
from warehouse.fts import refresh_search_index
from warehouse.load import PageResult, upsert_articles
from warehouse.state import start_run

T0 = datetime(2025, 2, 12, 9, 0, tzinfo=UTC)


def article(url: str, title: str, body: str) -> Article:
    return Article(url=url, canonical_url=url, title=title, authors=(), published_at=T0, published_at_source="jsonld",
                   language="en", outlet="Test Post", status="full", status_reason=None, body=body,
                   body_hash=hash_text(body), relevance=0.9, relevance_evidence=())


def load(db: Path, articles: list[Article], at: datetime = T0) -> None:
    pages = [PageResult(article=a, fetched_url=a.url, feed_id=None, entry_sig=None, fetched_at=at) for a in articles]
    with connect(db) as con, transaction(con):
        start_run(con, "run-1", "ingest", at)
        upsert_articles(con, pages, "run-1")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "fts.duckdb"
    ensure_schema(path)
    load(path, [
        article("http://a.example/deport", "Badenoch: foreign criminals should be deported",
                "Foreign criminals in the country illegally should be deported, the Conservative leader said."),
        article("http://a.example/boats", "Small boats crossings rise",
                "More people crossed the Channel in small boats in January than a year earlier."),
        article("http://a.example/hotels", "Council objects to asylum hotel",
                "The council said the hotel was unsuitable. Deportation was not discussed."),
    ])
    with connect(path) as con:
        refresh_search_index(con)
    return path


def search(db: Path, query: str) -> list[str]:
    with connect(db, read_only=True) as con:
        load_extension(con, "fts")
        return [r[0] for r in con.execute("SELECT canonical_url FROM search_articles(?)", [query]).fetchall()]


def test_search_stems_words_and_ranks_the_best_match_first(db: Path) -> None:
    assert search(db, "deportation") == ["http://a.example/deport", "http://a.example/hotels"]
    assert search(db, "small boats") == ["http://a.example/boats"]
    assert search(db, "rwanda") == []


EXTENSION_INDEX = ("PRAGMA create_fts_index('articles', 'article_id', 'title', 'body', stemmer = 'porter', "
                   "stopwords = 'english', strip_accents = 1, lower = 1, overwrite = 1)")


def compare_with_the_extension(db: Path, query: str) -> tuple[dict[str, float], dict[str, float]]:
    """search_articles() scores and the fts extension's own match_bm25() over an index it builds itself."""
    with connect(db) as con:
        load_extension(con, "fts")
        ours = dict(con.execute("SELECT article_id, score FROM search_articles(?)", [query]).fetchall())
        con.execute(EXTENSION_INDEX)
        theirs = dict(con.execute("SELECT article_id, fts_main_articles.match_bm25(article_id, ?) AS s FROM articles "
                                  "WHERE s IS NOT NULL", [query]).fetchall())
        con.execute("DROP SCHEMA fts_main_articles CASCADE")
    return ours, theirs


def test_scores_equal_the_extensions_own_bm25(db: Path) -> None:
    ours, theirs = compare_with_the_extension(db, "foreign criminals deported")
    assert ours.keys() == theirs.keys() and len(ours) == 2
    assert all(abs(ours[k] - theirs[k]) < 1e-9 for k in ours)


def test_scores_stay_equal_after_incremental_refreshes_with_new_and_revised_articles(db: Path) -> None:
    load(db, [article("http://a.example/rwanda", "Rwanda flights: criminals deported?",
                      "The Rwanda scheme was scrapped. Héllo, x-ray 19,244 don't DEPORT deportees; deported!"),
              article("http://a.example/empty", "", "")],
         at=T0 + timedelta(hours=1))
    load(db, [article("http://a.example/deport", "Badenoch: foreign criminals should be deported",
                      "Revised: foreign criminals will be deported, and criminals deported again.")],
         at=T0 + timedelta(hours=2))
    with connect(db) as con:
        state = refresh_search_index(con)
    assert state.rebuilt and not state.full and state.changed == 3 and state.documents == 5
    for query in ("foreign criminals deported", "deportation of Criminals", "x-ray rwanda", "the"):
        ours, theirs = compare_with_the_extension(db, query)
        assert ours.keys() == theirs.keys()
        assert all(abs(ours[k] - theirs[k]) < 1e-9 for k in ours), query
    assert search(db, "revised") == ["http://a.example/deport"]
    assert search(db, "should") == []  # a stop word


def index_tables(db: Path) -> dict[str, list[tuple]]:
    """The index and derived tables by content (document and term numbers replaced by what they stand for)."""
    with connect(db, read_only=True) as con:
        return {
            "postings": con.execute("SELECT t.term, d.article_id, p.tf, p.len FROM derived.search_postings p "
                                    "JOIN derived.search_terms t USING (termid) "
                                    "JOIN derived.search_docs d USING (docid) ORDER BY ALL").fetchall(),
            "df": con.execute("SELECT term, df FROM derived.search_terms WHERE df > 0 ORDER BY ALL").fetchall(),
            "docs": con.execute("SELECT article_id, revision, len FROM derived.search_docs ORDER BY ALL").fetchall(),
            "stats": con.execute("FROM derived.search_stats").fetchall(),
            **{table: con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()  # noqa: S608 - constants
               for table in ("article_facts", "derived.quote_rows", "derived.figure_rows", "derived.entity_rows",
                             "derived.topic_rows", "derived.speaker_counts", "derived.role_counts", "speaker_roles")},
            "speakers": con.execute("SELECT * EXCLUDE (refreshed_at) FROM speakers ORDER BY ALL").fetchall(),
        }


def quoted(url: str, body: str, quotes: tuple[tuple[str, str | None, str | None], ...],
           people: tuple[tuple[str, str | None], ...]) -> Article:
    return replace(article(url, body[:20], body),
                   quotes=tuple(Quote(text=t, speaker=s, speaker_role=r, kind="direct", cue="said", start=0, end=5)
                                for t, s, r in quotes),
                   entities=tuple(Entity(name=n, type="person", role=r, mentions=1) for n, r in people))


def test_an_incremental_refresh_leaves_what_a_full_rebuild_would(db: Path) -> None:
    load(db, [quoted("http://b.example/1", "Ministers said more.", (("We act.", "Ann Lee", "the Home Secretary"),
                                                                  ("No.", None, "a local resident")),
                     (("Ann Lee", "Home Secretary"),)),
              quoted("http://b.example/2", "The charity replied.", (("Shameful.", "Bo Ray", "a charity boss"),), ())],
         at=T0 + timedelta(minutes=30))
    with connect(db) as con:
        refresh_search_index(con)
    load(db, [article("http://a.example/rwanda", "Rwanda flights", "The Rwanda scheme was scrapped.")],
         at=T0 + timedelta(hours=1))
    load(db, [article("http://a.example/hotels", "Council objects to asylum hotel",
                      "The council now says the hotel is suitable."),
              # a revision takes a speaker's only quote away and gives another speaker a new role
              quoted("http://b.example/2", "The charity replied again.", (("Ok.", "Ann Lee", "the shadow minister"),),
                     (("Ann Lee", "shadow minister"),))],
         at=T0 + timedelta(hours=2))
    with connect(db) as con:
        assert refresh_search_index(con).changed == 3
    incremental = index_tables(db)
    assert [r[0] for r in incremental["speakers"]] == ["Ann Lee"]
    with connect(db) as con:
        assert refresh_search_index(con, force=True).full
    assert index_tables(db) == incremental
    assert len(incremental["docs"]) == 6 and incremental["stats"] == [(6, sum(r[2] for r in incremental["docs"]))]


def test_the_stop_words_and_tokenizer_are_the_extensions(db: Path) -> None:
    text = "Héllo, x-ray 19,244 DON'T [deport] a.b_c  \tend"
    with connect(db) as con:
        load_extension(con, "fts")
        con.execute(EXTENSION_INDEX)
        ours = con.execute("SELECT list_sort(list(word)) FROM derived.search_stopwords").fetchone()
        theirs = con.execute("SELECT list_sort(list(DISTINCT sw)) FROM fts_main_articles.stopwords").fetchone()
        tokens = con.execute("SELECT derived.tokenize(?), fts_main_articles.tokenize(?)", [text, text]).fetchone()
    assert ours == theirs and len(ours[0]) > 500
    assert tokens is not None and tokens[0] == tokens[1]


def test_an_incremental_refresh_indexes_unusual_text_as_the_extension_does(db: Path) -> None:
    """The refresh splits bodies with accents kept and folds each distinct word after: accents, capitals,
    curly quotes, a combining mark after a separator and a character that decomposes to punctuation must come
    out as the extension's own tokenizer makes them."""
    body = ("Éric Zemmour\u2019s \u201cReconquête\u201d \u2014 São Paulo; naïve CAFÉ-owners, "
            "Ångström/İstanbul ΣΊΣΥΦΟΣ Ελλάδα visa\u037equota x-\u0301y \ufb01nance Straße \u212aelvin "
            "coöperate cafe\u0301 Zoë")
    title = "Ça va? Zoë\u2019s ÉRIC"
    load(db, [article("http://a.example/unusual", title, body)], at=T0 + timedelta(hours=1))
    with connect(db) as con:
        assert refresh_search_index(con).changed == 1
        load_extension(con, "fts")
        con.execute(EXTENSION_INDEX)
        ours = con.execute(
            "SELECT t.term, p.tf FROM derived.search_postings p JOIN derived.search_terms t USING (termid) "
            "JOIN derived.search_docs d USING (docid) JOIN articles a USING (article_id) "
            "WHERE a.canonical_url = 'http://a.example/unusual' ORDER BY ALL").fetchall()
        theirs = con.execute(
            "SELECT d.term, count(*) FROM fts_main_articles.terms t "
            "JOIN fts_main_articles.dict d USING (termid) JOIN fts_main_articles.docs o USING (docid) "
            "JOIN articles a ON a.article_id = o.name "
            "WHERE a.canonical_url = 'http://a.example/unusual' GROUP BY ALL ORDER BY ALL").fetchall()
    assert ours == theirs
    terms = {term for term, _ in ours}
    assert {"eric", "zemmour\u2019", "sao", "istanbul", "cooper", "cafe", "visa", "quota"} <= terms


def test_index_is_rebuilt_only_when_articles_changed(db: Path) -> None:
    with connect(db) as con:
        assert refresh_search_index(con).rebuilt is False
    load(db, [article("http://a.example/rwanda", "Rwanda flights", "The Rwanda scheme was scrapped.")],
         at=T0 + timedelta(hours=1))
    assert search(db, "rwanda") == []  # not yet indexed
    with connect(db) as con:
        state = refresh_search_index(con)
    assert state.rebuilt and state.documents == 4
    assert search(db, "rwanda") == ["http://a.example/rwanda"]


def test_a_revision_is_searchable_after_the_refresh(db: Path) -> None:
    load(db, [article("http://a.example/boats", "Small boats crossings rise",
                      "More people crossed the Channel in small boats. Ministers promised returns to France.")],
         at=T0 + timedelta(hours=2))
    with connect(db) as con:
        assert refresh_search_index(con).rebuilt
    assert search(db, "france") == ["http://a.example/boats"]


def test_ingest_refreshes_the_index_at_the_end() -> None:
    source = (Path(__file__).resolve().parents[2] / "flows" / "ingest.py").read_text(encoding="utf-8")
    assert "refresh_search_index(con)" in source


PLAIN_CLIENT = """
import sys, duckdb
# no auto-install (a test never touches the network) and no auto-load of a copy installed on this machine
con = duckdb.connect(sys.argv[1], read_only=True,
                     config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
try:
    con.execute("SELECT * FROM search_articles('deportation')").fetchall()
    print("searched without fts")
except duckdb.Error as exc:
    print("refused:", type(exc).__name__)
con.execute("LOAD '" + sys.argv[2] + "'")
print([r[0] for r in con.execute("SELECT canonical_url FROM search_articles('deportation')").fetchall()])
"""


def test_a_plain_read_only_duckdb_client_searches_after_loading_fts(db: Path) -> None:
    # another process, like an analyst's notebook: only `import duckdb`, no newsmon code
    result = subprocess.run([sys.executable, "-c", PLAIN_CLIENT, str(db), str(extension_path("fts"))],
                            capture_output=True, text=True, timeout=60, check=True)
    lines = result.stdout.splitlines()
    assert lines[0].startswith("refused:")  # fts not loaded: the index's tokenizer needs it
    assert lines[1] == "['http://a.example/deport', 'http://a.example/hotels']"


def test_search_on_an_empty_warehouse_returns_nothing(tmp_path: Path) -> None:
    path = tmp_path / "empty.duckdb"
    ensure_schema(path)
    with connect(path) as con:
        assert refresh_search_index(con).documents == 0
    assert search(path, "anything") == []
    with pytest.raises(duckdb.Error), connect(path, read_only=True) as con:
        con.execute("INSERT INTO speakers (name, role_class) VALUES ('x', 'y')")  # read-only really is


def test_a_re_clustered_article_is_re_derived_without_a_new_revision(db: Path) -> None:
    load(db, [quoted("http://b.example/3", "A copy, as dedup later finds.", (("We act.", "Ann Lee", None),), ())],
         at=T0 + timedelta(hours=1))
    with connect(db) as con:
        refresh_search_index(con)
        con.execute("UPDATE articles SET cluster_id = 'cluster-9', story_id = 'story-9' "
                    "WHERE canonical_url = 'http://b.example/3'")  # what a later cluster merge does
        state = refresh_search_index(con)
        keys = con.execute("SELECT f.cluster_key, f.story_key, q.cluster_key FROM article_facts f "
                           "JOIN derived.quote_rows q USING (article_id)").fetchall()
    assert state.changed == 1 and not state.full
    assert keys == [("cluster-9", "story-9", "cluster-9")]


def test_a_refresh_of_many_articles_in_slices_leaves_what_one_transaction_would(
        db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Above REFRESH_CHUNK_ARTICLES changed articles the refresh commits slice by slice (bounded memory): the derived
    tables, speakers and BM25 index end as a single-transaction refresh and a full rebuild leave them."""
    import shutil

    import warehouse.fts as fts

    load(db, [quoted(f"http://c.example/{i}", f"Report {i} on deportation and small boats.",
                     ((f"We act {i}.", "Ann Lee", "the Home Secretary"), ("No.", f"Bo Ray {i}", "a charity boss")),
                     (("Ann Lee", "Home Secretary"),)) for i in range(9)],
         at=T0 + timedelta(hours=3))
    with connect(db) as con:  # and re-cluster one old article, as a later story merge would
        con.execute("UPDATE articles SET story_id = 'story-9' WHERE canonical_url = 'http://a.example/boats'")
    copy = tmp_path / "copy.duckdb"
    shutil.copy(db, copy)
    with connect(copy) as con:
        assert refresh_search_index(con).changed == 10
    whole = index_tables(copy)
    monkeypatch.setattr(fts, "REFRESH_CHUNK_ARTICLES", 3)
    with connect(db) as con:
        state = refresh_search_index(con)
        assert state.changed == 10 and not state.full
        assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'refresh_%'").fetchone() == (0,)
        assert refresh_search_index(con).changed == 0  # the bucket states were stored: nothing left to do
    sliced = index_tables(db)
    assert sliced == whole
    assert {r[0] for r in sliced["speakers"]} >= {"Ann Lee", *(f"Bo Ray {i}" for i in range(9))}
    with connect(db) as con:
        assert refresh_search_index(con, force=True).full
    assert index_tables(db) == sliced


def test_a_refresh_that_hits_its_memory_limit_finishes_without_it(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import warehouse.fts as fts

    load(db, [article(f"http://d.example/{i}", f"Asylum report {i}", "Asylum claims rose again. " * 40)
              for i in range(30)], at=T0 + timedelta(hours=4))
    monkeypatch.setattr(fts, "REFRESH_MEMORY_LIMIT", "1MB")
    with connect(db) as con:
        assert refresh_search_index(con).changed == 30
        # the usual limit is back (it reads back rounded: 18.8 GiB returns as 18.7 GiB), and holds a big sort
        assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0].endswith("GiB")
        con.execute("CREATE TEMP TABLE big AS SELECT repeat('x', 100) || range AS s FROM range(200000) ORDER BY s")
    assert "http://d.example/7" in search(db, "asylum report")


def test_a_refresh_that_runs_out_of_memory_adding_to_the_search_index_finishes_without_the_limit(
        db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An OutOfMemoryException inside the BM25 additions (run with a raised IN-filter threshold) reaches the
    retry without the limit: resetting the threshold inside the aborted transaction used to fail and hide
    it."""
    import warehouse.fts as fts

    load(db, [article(f"http://e.example/{i}", f"Visa report {i}", "Visa applications fell again. " * 40)
              for i in range(12)], at=T0 + timedelta(hours=5))
    reads: list[str] = []
    real_read_sql = fts.read_sql

    def read_sql(name: str) -> str:  # the additions first build a list that cannot spill: 32 MB, limit 16 MB
        reads.append(name)
        hog = ("CREATE OR REPLACE TEMP TABLE hog AS SELECT list(range) AS l FROM range(4000000);"
               " DROP TABLE hog;")
        return (hog + "\n" if name == "refresh_search_add" else "") + real_read_sql(name)

    monkeypatch.setattr(fts, "read_sql", read_sql)
    monkeypatch.setattr(fts, "REFRESH_MEMORY_LIMIT", "16MB")
    with connect(db) as con:
        assert refresh_search_index(con).changed == 12
        assert reads.count("refresh_search_add") == 2  # failed under the limit, then done without it
        assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0].endswith("GiB")
        assert con.execute("SELECT current_setting('dynamic_or_filter_threshold')").fetchone()[0] == 50
    assert "http://e.example/3" in search(db, "visa report")
