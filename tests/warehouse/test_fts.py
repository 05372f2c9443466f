"""BM25 full-text search: search_articles() finds stemmed words, the index follows ingests, plain read-only clients."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from parsers.records import Article
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


def test_scores_equal_the_extensions_own_bm25(db: Path) -> None:
    with connect(db, read_only=True) as con:
        load_extension(con, "fts")
        ours = dict(con.execute("SELECT article_id, score FROM search_articles('foreign criminals deported')").fetchall())
        theirs = dict(con.execute("SELECT article_id, fts_main_articles.match_bm25(article_id, "
                                  "'foreign criminals deported') AS s FROM articles WHERE s IS NOT NULL").fetchall())
    assert ours.keys() == theirs.keys() and len(ours) == 2
    assert all(abs(ours[k] - theirs[k]) < 1e-5 for k in ours)


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
