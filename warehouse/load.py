"""Loading records into DuckDB: one transaction per batch, idempotent, exact duplicates linked and revisions kept."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from operator import attrgetter
from typing import Any
from urllib.parse import urlsplit

import duckdb
import pyarrow as pa

from parsers.dedup import DedupKeys
from parsers.records import Article
from parsers.urls import derive_article_id
from warehouse.db import quote_identifier
from warehouse.dedup import assign_dedup


@dataclass(frozen=True, slots=True, kw_only=True)
class PageResult:
    """A parsed page ready to load: the record plus where it came from."""

    article: Article
    fetched_url: str
    feed_id: str | None
    entry_sig: str | None
    fetched_at: datetime
    dedup_keys: DedupKeys | None = None  # the signature and fingerprint, when the parse worker computed them


@dataclass(slots=True)
class LoadCounts:
    """What a batch load did."""

    new: int = 0
    duplicate: int = 0
    updated: int = 0
    new_ids: list[str] = field(default_factory=list)

    def add(self, other: LoadCounts) -> None:
        """Accumulate another batch's counts."""
        self.new += other.new
        self.duplicate += other.duplicate
        self.updated += other.updated
        self.new_ids.extend(other.new_ids)


def is_same_resource(stored_url: str, fetched_url: str) -> bool:
    """Whether two URLs name the same page (same host and path; query strings are tracking noise here)."""
    a, b = urlsplit(stored_url), urlsplit(fetched_url)
    return (a.hostname or "").lower() == (b.hostname or "").lower() and a.path.rstrip("/") == b.path.rstrip("/")


def derive_feed_id(url: str) -> str:
    """A stable id for a feed URL."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


def insert_columns(con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, list[Any]]) -> None:
    """Bulk insert column lists in one statement through an Arrow table (10x faster than bound lists here)."""
    names = list(columns)
    if not names or not columns[names[0]]:
        return
    batch = pa.table({name: pa.array(values) for name, values in columns.items()})
    view = f"_newsmon_batch_{table}"
    cols = ", ".join(quote_identifier(n) for n in names)
    con.register(view, batch)
    try:
        con.execute(f"INSERT INTO {quote_identifier(table)} ({cols}) "  # noqa: S608 - quoted identifiers
                    f"SELECT {cols} FROM {quote_identifier(view)}")
    finally:
        con.unregister(view)


_QUOTE_FIELDS = ("text", "speaker", "speaker_role", "kind", "cue", "start", "end")
_FIGURE_FIELDS = ("value", "unit", "text", "subject", "change", "baseline", "approximate", "source", "start", "end")
_ENTITY_FIELDS = ("name", "type", "role", "mentions")


def _columns(rows: list[tuple[str, int, Any]], fields: Sequence[str], seq: bool = True) -> dict[str, list[Any]]:
    """(article_id, seq, record) rows as column lists: article_id, seq (when kept), then the records' fields."""
    columns: dict[str, list[Any]] = {"article_id": [r[0] for r in rows]}
    if seq:
        columns["seq"] = [r[1] for r in rows]
    records = [r[2] for r in rows]
    for name in fields:
        columns[name] = list(map(attrgetter(name), records))
    return columns


def _child_rows(article_ids: Sequence[str], articles: Sequence[Article]) -> dict[str, dict[str, list[Any]]]:
    """The quotes, figures, entities and topics rows of articles, column by column (a list per column)."""
    pairs = list(zip(article_ids, articles, strict=True))
    quotes = [(i, seq, q) for i, a in pairs for seq, q in enumerate(a.quotes)]
    figures = [(i, seq, f) for i, a in pairs for seq, f in enumerate(a.figures)]
    entities: list[tuple[str, int, Any]] = []
    topics: list[tuple[str, int, Any]] = []
    for article_id, article in pairs:
        seen_entities: set[tuple[str, str]] = set()
        for e in article.entities:  # the first of a (name, type) wins
            if (e.name, e.type) not in seen_entities:
                seen_entities.add((e.name, e.type))
                entities.append((article_id, 0, e))
        seen_topics: set[str] = set()
        for t in article.topics:
            if t.topic not in seen_topics:
                seen_topics.add(t.topic)
                topics.append((article_id, 0, t))
    topic_records = [r[2] for r in topics]
    return {
        "quotes": _columns(quotes, _QUOTE_FIELDS),
        "figures": _columns(figures, _FIGURE_FIELDS),
        "entities": _columns(entities, _ENTITY_FIELDS, seq=False),
        "topics": {
            "article_id": [r[0] for r in topics],
            "topic": [t.topic for t in topic_records],
            "score": [t.score for t in topic_records],
            "evidence": [list(t.evidence) for t in topic_records],
        },
    }


def _revision_diff(old_title: str | None, new: Article, old_quotes: set[str], old_figures: set[str]) -> str:
    new_quotes = {q.text for q in new.quotes}
    new_figures = {f.text for f in new.figures}
    return json.dumps({
        "title": {"before": old_title, "after": new.title} if old_title != new.title else None,
        "quotes_added": sorted(new_quotes - old_quotes),
        "quotes_removed": sorted(old_quotes - new_quotes),
        "figures_added": sorted(new_figures - old_figures),
        "figures_removed": sorted(old_figures - new_figures),
    }, ensure_ascii=False)


def upsert_articles(con: duckdb.DuckDBPyConnection, pages: Sequence[PageResult], run_id: str) -> LoadCounts:
    """Load articles inside the caller's transaction: new ones, exact duplicates (linked) and revisions."""
    counts = LoadCounts()
    if not pages:
        return counts
    ids = [derive_article_id(p.article.canonical_url) for p in pages]
    existing: dict[str, tuple[str, str]] = {
        row[0]: (row[1], row[2])
        for row in con.execute("SELECT article_id, body_hash, url FROM articles WHERE article_id IN (SELECT unnest(?))",
                               [ids]).fetchall()
    }
    by_hash = dict(con.execute(
        "SELECT body_hash, arg_min(article_id, first_seen) FROM articles WHERE body_hash IN (SELECT unnest(?)) "
        "GROUP BY body_hash", [[p.article.body_hash for p in pages]]).fetchall())
    new_rows: list[tuple[str, PageResult]] = []
    updates: list[tuple[str, PageResult]] = []
    touched: dict[str, datetime] = {}
    for article_id, page in zip(ids, pages, strict=True):
        article = page.article
        if article_id in existing:
            old_hash, stored_url = existing[article_id]
            if old_hash != article.body_hash and is_same_resource(stored_url, page.fetched_url):
                updates.append((article_id, page))
                existing[article_id] = (article.body_hash, stored_url)
            else:  # the same text again, or another variant (m., AMP) of the stored page: a copy, not an edit
                counts.duplicate += 1
                touched[article_id] = page.fetched_at
            continue
        same_text = by_hash.get(article.body_hash)
        if same_text is None:
            by_hash[article.body_hash] = article_id
            counts.new += 1
            counts.new_ids.append(article_id)
        else:
            counts.duplicate += 1
        existing[article_id] = (article.body_hash, page.fetched_url)
        new_rows.append((article_id, page))
    _insert_articles(con, new_rows, by_hash, run_id)
    counts.updated = _apply_revisions(con, updates, run_id)
    assign_dedup(con, [(i, p.article, p.fetched_at) for i, p in new_rows],
                 [(i, p.article, p.fetched_at) for i, p in updates],
                 keys={i: p.dedup_keys for i, p in (*new_rows, *updates) if p.dedup_keys is not None})
    if touched:
        con.execute("UPDATE articles SET last_seen = t.seen FROM (SELECT unnest(?) AS id, unnest(?) AS seen) t "
                    "WHERE articles.article_id = t.id", [list(touched), list(touched.values())])
    _record_urls(con, ids, pages)
    return counts


def _insert_articles(con: duckdb.DuckDBPyConnection, rows: list[tuple[str, PageResult]],
                     by_hash: dict[str, str], run_id: str) -> None:
    if not rows:
        return
    pages = [r[1] for r in rows]
    articles = [p.article for p in pages]
    ids = [r[0] for r in rows]
    same = [by_hash.get(a.body_hash) for a in articles]
    fetched = [p.fetched_at for p in pages]
    copied = ("canonical_url", "title", "published_at", "published_at_source", "language", "outlet", "status",
              "status_reason", "body", "body_hash", "relevance")
    cols: dict[str, list[Any]] = {
        "article_id": ids,
        "url": [p.fetched_url for p in pages],
        "authors": [list(a.authors) for a in articles],
        **{name: list(map(attrgetter(name), articles)) for name in copied},
        "relevance_evidence": [list(a.relevance_evidence) for a in articles],
        "feed_id": [p.feed_id for p in pages],
        "first_seen": fetched,
        "last_seen": fetched,
        "revision": [1] * len(rows),
        "same_text_as": [s if s != i else None for s, i in zip(same, ids, strict=True)],
        "run_id": [run_id] * len(rows),
    }
    insert_columns(con, "articles", cols)
    for table, columns in _child_rows(ids, articles).items():
        insert_columns(con, table, columns)


def _apply_revisions(con: duckdb.DuckDBPyConnection, updates: list[tuple[str, PageResult]], run_id: str) -> int:
    for article_id, page in updates:
        a = page.article
        old = con.execute("SELECT revision, title, body, body_hash, last_seen FROM articles WHERE article_id = ?",
                          [article_id]).fetchone()
        assert old is not None
        revision, old_title, old_body, old_hash, old_seen = old
        old_quotes = {r[0] for r in con.execute("SELECT text FROM quotes WHERE article_id = ?", [article_id]).fetchall()}
        old_figures = {r[0] for r in con.execute("SELECT text FROM figures WHERE article_id = ?",
                                                 [article_id]).fetchall()}
        con.execute("INSERT INTO article_revisions VALUES (?, ?, ?, ?, ?, ?, NULL) ON CONFLICT DO NOTHING",
                    [article_id, revision, old_seen, old_title, old_body, old_hash])
        con.execute("INSERT INTO article_revisions VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [article_id, revision + 1, page.fetched_at, a.title, a.body, a.body_hash,
                     _revision_diff(old_title, a, old_quotes, old_figures)])
        for table in ("quotes", "figures", "entities", "topics"):
            con.execute(f"DELETE FROM {quote_identifier(table)} WHERE article_id = ?", [article_id])  # noqa: S608
        con.execute(
            "UPDATE articles SET title = ?, authors = ?, published_at = coalesce(?, published_at), body = ?, "
            "body_hash = ?, status = ?, status_reason = ?, relevance = ?, relevance_evidence = ?, last_seen = ?, "
            "revision = ?, run_id = ? WHERE article_id = ?",
            [a.title, list(a.authors), a.published_at, a.body, a.body_hash, a.status, a.status_reason, a.relevance,
             list(a.relevance_evidence), page.fetched_at, revision + 1, run_id, article_id])
        for table, columns in _child_rows([article_id], [a]).items():
            insert_columns(con, table, columns)
    return len(updates)


def _record_urls(con: duckdb.DuckDBPyConnection, ids: list[str], pages: Sequence[PageResult]) -> None:
    latest: dict[str, tuple[str, datetime, str | None]] = {}
    for article_id, page in zip(ids, pages, strict=True):
        latest[page.fetched_url] = (article_id, page.fetched_at, page.entry_sig)
        latest.setdefault(page.article.canonical_url, (article_id, page.fetched_at, None))
    con.execute(
        "INSERT INTO article_urls SELECT unnest(?), unnest(?), unnest(?), unnest(?) "
        "ON CONFLICT (url) DO UPDATE SET entry_sig = coalesce(excluded.entry_sig, article_urls.entry_sig)",
        [list(latest), [v[0] for v in latest.values()], [v[1] for v in latest.values()],
         [v[2] for v in latest.values()]])
