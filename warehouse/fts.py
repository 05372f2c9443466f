"""Keep the analysts' derived tables current: the BM25 index behind search_articles(), article_facts, speakers."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from warehouse.db import load_extension, read_sql, transaction

INDEX_NAME = "articles"
INDEX_SCHEMA = "fts_main_articles"
# Porter stemming, English stop words, accents stripped, lower-cased: "deported", "Deportation" -> "deport".
_CREATE_INDEX = ("PRAGMA create_fts_index('articles', 'article_id', 'title', 'body', stemmer = 'porter', "
                 "stopwords = 'english', strip_accents = 1, lower = 1, overwrite = 1)")
# An impact-ordered copy of the extension's index: each (word, article) with its BM25 weight (the extension's
# formula, k1 = 1.2, b = 0.75), sorted by word. A query then reads only its words' row groups and sums weights,
# instead of scanning every term of every document as the extension's match_bm25() does.
_CREATE_POSTINGS = f"""
CREATE TABLE {INDEX_SCHEMA}.postings AS
WITH tf AS (SELECT termid, docid, count(*) AS tf FROM {INDEX_SCHEMA}.terms GROUP BY ALL)
SELECT tf.termid, tf.docid,
       (log((st.num_docs - d.df + 0.5) / (d.df + 0.5) + 1)
        * tf.tf * 2.2 / (tf.tf + 1.2 * (0.25 + 0.75 * doc.len / st.avgdl)))::FLOAT AS weight
FROM tf
JOIN {INDEX_SCHEMA}.dict d ON d.termid = tf.termid
JOIN {INDEX_SCHEMA}.docs doc ON doc.docid = tf.docid
CROSS JOIN {INDEX_SCHEMA}.stats st
ORDER BY tf.termid, tf.docid"""  # noqa: S608 - constant schema name
_FINGERPRINT = "SELECT count(*), coalesce(sum(revision), 0) FROM articles"


@dataclass(frozen=True, slots=True)
class SearchIndexState:
    """What the last refresh did."""

    rebuilt: bool
    documents: int
    seconds: float


def fingerprint_articles(con: duckdb.DuckDBPyConnection) -> str:
    """Article count and sum of revisions: a new article or a new revision changes it."""
    row = con.execute(_FINGERPRINT).fetchone()
    assert row is not None
    return f"{row[0]}:{row[1]}"


def build_search_index(con: duckdb.DuckDBPyConnection) -> SearchIndexState:
    """(Re)build article_facts, speakers, the BM25 index over title and body, and search_articles(): one transaction."""
    started = time.perf_counter()
    load_extension(con, "fts")
    con.execute("SET enable_progress_bar = false")  # the index build would draw one on a terminal
    fingerprint = fingerprint_articles(con)
    with transaction(con):
        con.execute(read_sql("refresh_article_facts"))
        con.execute(read_sql("refresh_speakers"))
        con.execute(_CREATE_INDEX)
        con.execute(_CREATE_POSTINGS)
        con.execute(read_sql("search_articles"))
        documents = _count_documents(con)
        seconds = time.perf_counter() - started
        con.execute(
            "INSERT INTO search_index_state VALUES (?, ?, ?, ?, ?) ON CONFLICT (index_name) DO UPDATE SET "
            "built_at = excluded.built_at, documents = excluded.documents, fingerprint = excluded.fingerprint, "
            "seconds = excluded.seconds",
            [INDEX_NAME, datetime.now(UTC), documents, fingerprint, seconds])
    return SearchIndexState(rebuilt=True, documents=documents, seconds=seconds)


def refresh_search_index(con: duckdb.DuckDBPyConnection, *, force: bool = False) -> SearchIndexState:
    """Rebuild the derived tables when articles changed (new or revised) since the last build; a no-op otherwise."""
    started = time.perf_counter()
    row = con.execute("SELECT fingerprint, documents FROM search_index_state WHERE index_name = ?",
                      [INDEX_NAME]).fetchone()
    if not force and row is not None and row[0] == fingerprint_articles(con) and _index_exists(con):
        return SearchIndexState(rebuilt=False, documents=int(row[1]), seconds=time.perf_counter() - started)
    return build_search_index(con)


def _index_exists(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute("SELECT count(*) FROM duckdb_functions() WHERE schema_name = 'main' "
                      "AND function_name = 'search_articles'").fetchone()
    return bool(row and row[0])


def _count_documents(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute(f"SELECT num_docs FROM {INDEX_SCHEMA}.stats").fetchone()  # noqa: S608 - constant schema
    return int(row[0]) if row else 0
