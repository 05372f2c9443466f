"""Keep the analysts' derived tables current: article_facts, the derived.*_rows, speakers, and the BM25 index behind
search_articles().

After an ingest only the articles that changed are re-derived (refresh_search_index): new ones, revised ones, and
those the dedup pass re-clustered. The BM25 index is newsmon's own (migration 0006): terms, per-article term
frequencies and lengths, tokenised and stemmed exactly as the fts extension's PRAGMA create_fts_index would, with the
score computed at query time; adding 50 articles adds 50 articles' rows instead of rebuilding a million. A full
rebuild (build_search_index, force=True, the nightly maintenance) re-derives everything in publication and term
order, which is also what keeps scans skipping row groups after many incremental appends.

speakers and speaker_roles follow the same way: only the names and role texts the changed articles' quotes and people
touched are re-derived (refresh_speakers.sql). What else they depend on, the rules (speaker_role_rules, party_rules)
and rows edited by hand (curated speakers), is hashed after each refresh into the recorded fingerprint; when that
hash no longer matches, every speaker and role text is re-derived once, as the full rebuild does.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from warehouse.db import load_extension, read_sql, transaction

INDEX_NAME = "articles"
# The fingerprint's format version: a warehouse whose state was written by another format is rebuilt in full once.
_FORMAT = "v2"
_FINGERPRINT = "SELECT count(*), coalesce(sum(revision), 0) FROM articles"  # recorded; the buckets decide
_IN_FILTER_KEYS = 5000
# Changed articles re-derived per transaction. A refresh's memory grows with the articles it re-derives (1,000: ~175
# MB; 40,000 in one transaction: 1.1 GB), and one story merge can re-key tens of thousands of older articles at
# once; bigger refreshes are split into transactions of about this many, the bucket states stored by the last.
REFRESH_CHUNK_ARTICLES = 2500
# DuckDB keeps every block a refresh reads cached until the file is closed, slice after slice; during an incremental
# refresh it may use this much (blocks are evicted, big operators spill to <warehouse>.tmp/). A refresh of 40,740
# re-keyed articles at 67,000 stored: +452 MB peak in slices under this limit, +1,225 MB without it. A full rebuild
# keeps DuckDB's default (it needs more: 1.8 GB at 21,000 articles), as does a refresh that hits the limit (retried).
REFRESH_MEMORY_LIMIT = "384MB"
_CHANGED_BUCKETS = ("SELECT count(*) FROM refresh_buckets n FULL JOIN derived.article_buckets o USING (bucket) "
                    "WHERE n.state IS DISTINCT FROM o.state")
# The articles' state the derived tables now reflect (refresh_changed_articles.sql explains the buckets).
_STORE_BUCKETS = ("DELETE FROM derived.article_buckets; "
                  "INSERT INTO derived.article_buckets SELECT * FROM refresh_buckets; DROP TABLE refresh_buckets")
# Everything a speakers or speaker_roles row depends on besides the counts: the rules and the rows themselves (edited
# by hand: curated speakers). Recorded after each refresh; a different value makes the next one re-derive them all.
_SPEAKERS_STATE = (
    "SELECT hash((SELECT bit_xor(hash(rule_id, pattern, role_class)) FROM speaker_role_rules), "
    "(SELECT bit_xor(hash(rule_id, pattern, party)) FROM party_rules), "
    "(SELECT bit_xor(hash(name, role_class, party, role_text, quotes, articles, first_quoted, last_quoted, curated)) "
    "FROM speakers), (SELECT bit_xor(hash(role_text, role_class, party, uses)) FROM speaker_roles))")
_SPEAKERS_KEY = ":speakers="
# refresh_speakers.sql for every speaker and role text (speaker_roles emptied first: every text is re-classified).
_ALL_SPEAKERS = ("CREATE OR REPLACE TEMP TABLE refresh_speaker_names AS SELECT name FROM speakers "
                 "UNION SELECT speaker FROM derived.speaker_counts "
                 "UNION SELECT name FROM derived.role_counts WHERE name <> ''; "
                 "CREATE OR REPLACE TEMP TABLE refresh_role_texts AS SELECT role_text FROM derived.role_counts; "
                 "DELETE FROM speaker_roles")
_RULES = ("SELECT 'role', rule_id, role_class, pattern FROM speaker_role_rules "
          "UNION ALL SELECT 'party', rule_id, party, pattern FROM party_rules")
_LEGACY_INDEX = "DROP SCHEMA IF EXISTS fts_main_articles CASCADE"  # the fts extension's index, before migration 0006
_CLEAR_INDEX = ("DELETE FROM derived.search_postings; DELETE FROM derived.search_terms; "
                "DELETE FROM derived.search_docs; UPDATE derived.search_stats SET num_docs = 0, sum_len = 0")


@dataclass(frozen=True, slots=True)
class SearchIndexState:
    """What the last refresh did."""

    rebuilt: bool  # TRUE when anything was (re)derived: a full rebuild or an incremental refresh
    documents: int
    seconds: float
    changed: int = 0  # articles re-derived (all of them after a full rebuild)
    full: bool = False  # TRUE for a full rebuild


def fingerprint_articles(con: duckdb.DuckDBPyConnection) -> str:
    """Format, article count and sum of revisions: a new article or a new revision changes it."""
    row = con.execute(_FINGERPRINT).fetchone()
    assert row is not None
    return f"{_FORMAT}:{row[0]}:{row[1]}"


def build_search_index(con: duckdb.DuckDBPyConnection) -> SearchIndexState:
    """Re-derive article_facts, the derived.*_rows, speakers and the whole BM25 index, sorted: one transaction."""
    started = time.perf_counter()
    load_extension(con, "fts")
    con.execute("SET enable_progress_bar = false")
    fingerprint = fingerprint_articles(con)
    with transaction(con):
        con.execute(_LEGACY_INDEX)
        con.execute(read_sql("refresh_article_facts"))
        con.execute(read_sql("refresh_speaker_counts"))
        con.execute(read_sql("refresh_article_buckets"))
        con.execute(_STORE_BUCKETS)
        con.execute(_CLEAR_INDEX)
        con.execute("CREATE OR REPLACE TEMP TABLE search_input AS SELECT article_id FROM articles")
        con.execute(read_sql("refresh_search_add"))
        con.execute("DROP TABLE search_input")
        con.execute(_ALL_SPEAKERS)
        refresh_speakers(con)
        documents = _finish(con, fingerprint, started)
    return SearchIndexState(rebuilt=True, documents=documents, seconds=time.perf_counter() - started,
                            changed=documents, full=True)


def refresh_search_index(con: duckdb.DuckDBPyConnection, *, force: bool = False) -> SearchIndexState:
    """Bring the derived tables up to date with articles: a no-op when nothing changed, else only the changed
    articles are re-derived (a full rebuild when forced, or when the tables were never built in this format)."""
    started = time.perf_counter()
    row = con.execute("SELECT fingerprint, documents FROM search_index_state WHERE index_name = ?",
                      [INDEX_NAME]).fetchone()
    if force or row is None or not str(row[0]).startswith(f"{_FORMAT}:"):
        return build_search_index(con)
    load_extension(con, "fts")
    speakers_state = str(row[0]).rpartition(_SPEAKERS_KEY)[2] if _SPEAKERS_KEY in str(row[0]) else None
    usual = _usual_memory_limit(con)
    con.execute(f"SET memory_limit = '{REFRESH_MEMORY_LIMIT}'")
    try:
        changed, documents = _refresh_changed(con, fingerprint_articles(con), speakers_state, started)
    except duckdb.OutOfMemoryException:  # a slice that cannot spill: finish without the limit (slices done stay)
        con.execute(f"SET memory_limit = '{usual}'")
        changed, documents = _refresh_changed(con, fingerprint_articles(con), speakers_state, started)
    finally:  # after the failed transaction's ROLLBACK: an aborted transaction refuses even SET
        con.execute(f"SET memory_limit = '{usual}'")
        con.execute("RESET dynamic_or_filter_threshold")
    return SearchIndexState(rebuilt=changed >= 0, documents=documents, seconds=time.perf_counter() - started,
                            changed=max(changed, 0))


_USUAL_LIMIT: list[str] = []


def _usual_memory_limit(con: duckdb.DuckDBPyConnection) -> str:
    """DuckDB's memory limit as this process found it (newsmon sets no other), read once: the setting reads back
    rounded ("18.8 GiB"), so re-reading it after each restore would shrink it a little every time, and RESET
    memory_limit does not lift the limit (DuckDB 1.5.5: the next allocation still fails)."""
    if not _USUAL_LIMIT:
        _USUAL_LIMIT.append(con.execute("SELECT current_setting('memory_limit')").fetchone()[0])
    return _USUAL_LIMIT[0]


def _refresh_changed(con: duckdb.DuckDBPyConnection, fingerprint: str, speakers_state: str | None,
                     started: float) -> tuple[int, int]:
    """Re-derive the articles that changed since the last refresh; (changed, documents), with changed -1 when no
    article bucket changed and no rule or speaker was edited (nothing to do: a few hundred milliseconds at a million
    articles). `speakers_state` is _SPEAKERS_STATE as the last refresh left it.

    One transaction, or, above REFRESH_CHUNK_ARTICLES changed articles, one per slice of them (by hashed id): the
    last stores the bucket states and the fingerprint, so a refresh stopped half-way is finished by the next one
    (the slices done are found unchanged, article by article). Meanwhile readers may see some changed articles
    re-derived and others not yet, each article's rows whole."""
    with transaction(con):
        con.execute(read_sql("refresh_article_buckets"))
        speakers_edited = speakers_state != _speakers_state(con)
        if not _count(con, _CHANGED_BUCKETS) and _macro_exists(con) and not speakers_edited:
            con.execute("DROP TABLE refresh_buckets")
            return -1, _count(con, "SELECT num_docs FROM derived.search_stats")
        con.execute(read_sql("refresh_changed_articles"))
        changed = _count(con, "SELECT count(*) FROM refresh_changed")
        slices = max(1, -(-changed // REFRESH_CHUNK_ARTICLES))
        if slices == 1:
            return changed, _rederive_changed(con, changed, speakers_edited, fingerprint, started)
        con.execute("CREATE OR REPLACE TEMP TABLE refresh_changed_all AS "  # noqa: S608 - an integer
                    f"SELECT *, hash(article_id) % {slices} AS slice FROM refresh_changed")
    for k in range(slices):
        with transaction(con):
            con.execute("CREATE OR REPLACE TEMP TABLE refresh_changed AS "  # noqa: S608 - an integer
                        f"SELECT * EXCLUDE (slice) FROM refresh_changed_all WHERE slice = {k}")
            part = _count(con, "SELECT count(*) FROM refresh_changed")
            if k < slices - 1:
                _rederive_articles(con, part)
                if part:  # the speakers this slice's quotes and people name (refresh_changed_facts.sql)
                    refresh_speakers(con)
                con.execute("DROP TABLE refresh_changed")
                continue
            con.execute("DROP TABLE refresh_changed_all")
            documents = _rederive_changed(con, part, speakers_edited, fingerprint, started)
    return changed, documents


def _rederive_changed(con: duckdb.DuckDBPyConnection, changed: int, speakers_edited: bool, fingerprint: str,
                      started: float) -> int:
    """The articles of temp table refresh_changed, then the speakers, then the bucket states and the fingerprint:
    inside the caller's transaction; the documents now indexed."""
    _rederive_articles(con, changed)
    if speakers_edited:  # rules or speakers edited since the last refresh: re-derive every one
        con.execute(_ALL_SPEAKERS)
    if changed or speakers_edited:  # else refresh_changed_facts.sql did not name any
        refresh_speakers(con)
    con.execute(_STORE_BUCKETS)
    con.execute("DROP TABLE refresh_changed")
    return _finish(con, fingerprint, started)


def _rederive_articles(con: duckdb.DuckDBPyConnection, changed: int) -> None:
    """Facts, derived rows and BM25 postings of the articles in temp table refresh_changed (`changed` of them);
    refresh_speakers() then re-derives the speakers they name."""
    if not changed:
        return
    con.execute(read_sql("refresh_changed_facts"))
    con.execute("CREATE OR REPLACE TEMP TABLE search_dropped AS SELECT docid, len FROM derived.search_docs "
                "WHERE article_id IN (SELECT article_id FROM refresh_changed WHERE text_changed)")
    if _count(con, "SELECT count(*) FROM search_dropped"):
        con.execute(read_sql("refresh_search_drop"))
    con.execute("DROP TABLE search_dropped")
    con.execute("CREATE OR REPLACE TEMP TABLE search_input AS SELECT article_id FROM refresh_changed "
                "WHERE text_changed AND NOT gone")
    if _count(con, "SELECT count(*) FROM search_input"):
        # A join whose small side has up to this many keys pushes them into the big side's scan as an IN
        # filter: only the changed articles' bodies are decompressed, not a million (default: 50 keys).
        # Reset here on success; after a failure refresh_search_index() resets it once the transaction is
        # rolled back (a RESET in the aborted transaction would fail and hide the error, an out-of-memory one
        # included).
        con.execute(f"SET dynamic_or_filter_threshold = {_IN_FILTER_KEYS}")
        con.execute(read_sql("refresh_search_add"))
        con.execute("RESET dynamic_or_filter_threshold")
    con.execute("DROP TABLE search_input")


def refresh_speakers(con: duckdb.DuckDBPyConnection) -> None:
    """Re-derive speaker_roles and speakers for the role texts and names in temp tables refresh_role_texts and
    refresh_speaker_names: inside the refresh's transaction; the rules are matched one at a time, each pattern bound
    as a constant (refresh_speaker_match.sql says why)."""
    con.execute(read_sql("refresh_speaker_texts"))
    if _count(con, "SELECT count(*) FROM refresh_classify"):
        rules = con.execute(_RULES).fetchall()
        match = read_sql("refresh_speaker_match")
        for rule in rules:
            con.execute(match, list(rule))
    con.execute(read_sql("refresh_speakers"))


def _finish(con: duckdb.DuckDBPyConnection, fingerprint: str, started: float) -> int:
    """(Re)create search_articles() and record the state; inside the refresh's transaction."""
    con.execute(read_sql("search_articles"))
    documents = _count(con, "SELECT num_docs FROM derived.search_stats")
    fingerprint = f"{fingerprint}{_SPEAKERS_KEY}{_speakers_state(con)}"
    con.execute(
        "INSERT INTO search_index_state VALUES (?, ?, ?, ?, ?) ON CONFLICT (index_name) DO UPDATE SET "
        "built_at = excluded.built_at, documents = excluded.documents, fingerprint = excluded.fingerprint, "
        "seconds = excluded.seconds",
        [INDEX_NAME, datetime.now(UTC), documents, fingerprint, time.perf_counter() - started])
    return documents


def _speakers_state(con: duckdb.DuckDBPyConnection) -> str:
    row = con.execute(_SPEAKERS_STATE).fetchone()
    return format(row[0], "x") if row else ""


def _macro_exists(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(_count(con, "SELECT count(*) FROM duckdb_functions() WHERE schema_name = 'main' "
                            "AND function_name = 'search_articles'"))


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row and row[0] is not None else 0
