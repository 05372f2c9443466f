"""Near-copy clusters and stories: the LSH index beside the warehouse, and assignment in the load transaction.

DuckDB holds the truth: articles.cluster_id/story_id/similarity/copy_diff, dedup_signatures (every article's
MinHash and story fingerprint), dedup_clusters and dedup_stories (with merge lineage). The lookup structures
(LSH band keys -> articles, story feature postings -> articles, signatures by article) live in a SQLite file
beside the warehouse, `<warehouse>.dedup.sqlite`: a B-tree point lookup there costs ~0.05 ms and a few MB of
memory at 1M articles, where a DuckDB ART index lookup costs ~1 ms and holds the whole index in memory
(measured; docs/dedup.md). The SQLite file is derived: at the start of each batch it catches up on the
dedup_signatures rows above its high-water `seq`, i.e. rows of committed batches, so a rolled-back batch
leaves nothing in it; a missing or damaged file is rebuilt from DuckDB. (Should one transaction load twice
and then roll back, its first call's rows would be indexed: such an entry names an article that is not in
`articles`, and is ignored wherever it is found.)
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from parsers.dedup import (
    MIN_SHINGLES,
    SCHEME,
    STORY_WINDOW_DAYS,
    Signature,
    StoryFingerprint,
    classify_copy,
    compute_signature,
    derive_band_keys,
    derive_story_key,
    diff_copy,
    estimate_containment,
    estimate_jaccard,
    fingerprint_story,
    score_story,
    select_retrieval_features,
    story_day,
)
from parsers.records import Article

_HEX_ID = re.compile(r"^[0-9a-f]{16}$")
_INDEX_SUFFIX = ".dedup.sqlite"
_CATCH_UP_CHUNK = 20_000
_MAX_STORY_CANDIDATES = 30
_MAX_COPY_CLUSTERS = 3

_INDEX_DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
    doc INTEGER PRIMARY KEY, article_id TEXT NOT NULL, sig BLOB NOT NULL, shingles INTEGER NOT NULL,
    features TEXT NOT NULL, day INTEGER NOT NULL, seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS bands (key INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (key, doc))
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS postings (key INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (key, doc))
    WITHOUT ROWID;
"""


def doc_number(article_id: str) -> int:
    """The article_id (16 hex digits, 64 bits) as a signed 64-bit integer, the index's row key."""
    if not _HEX_ID.match(article_id):
        import hashlib

        article_id = hashlib.sha256(article_id.encode("utf-8")).hexdigest()[:16]
    return int(article_id, 16) - (1 << 63)


def index_path_for(con: duckdb.DuckDBPyConnection) -> str | None:
    """Where the index file of this warehouse lives; None for an in-memory warehouse."""
    row = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()
    return f"{row[0]}{_INDEX_SUFFIX}" if row and row[0] else None


def _weeks_around(day: int) -> list[int]:
    return sorted({(day - STORY_WINDOW_DAYS) // 7, (day + STORY_WINDOW_DAYS) // 7})


@dataclass(slots=True)
class CopyCandidate:
    """A stored article that shares an LSH band with the article being checked."""

    article_id: str
    signature: Signature


@dataclass(slots=True)
class StoryCandidate:
    """A stored article sharing story features with the article being checked, in the time window."""

    article_id: str
    fingerprint: StoryFingerprint
    day: int


class DedupIndex:
    """The LSH band and story posting index in SQLite beside the warehouse (or in memory)."""

    def __init__(self, path: str | Path | None) -> None:
        self.path = str(path) if path else ":memory:"
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        if self.path != ":memory:":
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA cache_size=-16000")  # 16 MB page cache: memory stays bounded at any size
        self.db.executescript(_INDEX_DDL)
        scheme = self._meta("scheme")
        if scheme is not None and scheme != SCHEME:
            self.db.executescript(
                "DELETE FROM docs; DELETE FROM bands; DELETE FROM postings; DELETE FROM meta;"
            )
        self._set_meta("scheme", SCHEME)

    def close(self) -> None:
        """Close the SQLite connection."""
        self.db.close()

    def __enter__(self) -> DedupIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return None if row is None else str(row[0])

    def _set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])

    @property
    def high_water(self) -> int:
        """The highest dedup_signatures.seq indexed."""
        return int(self._meta("high_water") or 0)

    def add_rows(self, rows: Iterable[tuple[int, str, bytes, int, Sequence[str], int, bool]]) -> int:
        """Index (seq, article_id, minhash, shingles, story_features, story_day, is_copy) rows at once."""
        docs, bands, postings = [], [], []
        top = self.high_water
        for seq, article_id, minhash, shingles, features, day, is_copy in rows:
            doc = doc_number(article_id)
            docs.append((doc, article_id, minhash, shingles, "\n".join(features), day, seq))
            if shingles >= MIN_SHINGLES:
                bands.extend((key, doc) for key in derive_band_keys(Signature.from_bytes(minhash, shingles)))
            if not is_copy:
                fingerprint = StoryFingerprint(frozenset(features))
                for feature in select_retrieval_features(fingerprint):
                    postings.append((derive_story_key(feature, day // 7), doc))
            top = max(top, seq)
        if not docs:
            return 0
        self.db.execute("BEGIN")
        try:
            self.db.executemany("INSERT OR REPLACE INTO docs VALUES (?, ?, ?, ?, ?, ?, ?)", docs)
            self.db.executemany("INSERT OR IGNORE INTO bands VALUES (?, ?)", bands)
            self.db.executemany("INSERT OR IGNORE INTO postings VALUES (?, ?)", postings)
            self._set_meta("high_water", str(top))
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")
        return len(docs)

    def catch_up(self, con: duckdb.DuckDBPyConnection) -> int:
        """Index the dedup_signatures rows committed since the last catch-up (all of them for a new file)."""
        cursor = con.execute(
            "SELECT seq, article_id, minhash, shingles, story_features, story_day, is_copy "
            "FROM dedup_signatures "
            "WHERE seq > ? AND scheme = ? ORDER BY seq",
            [self.high_water, SCHEME],
        )
        total = 0
        while chunk := cursor.fetchmany(_CATCH_UP_CHUNK):
            total += self.add_rows(chunk)
        return total

    def find_copy_candidates(self, band_keys: Sequence[int]) -> list[CopyCandidate]:
        """Stored articles sharing at least one LSH band key (an index lookup, never a scan)."""
        marks = ",".join("?" * len(band_keys))
        rows = self.db.execute(
            f"SELECT DISTINCT d.article_id, d.sig, d.shingles FROM bands b JOIN docs d ON d.doc = b.doc "  # noqa: S608
            f"WHERE b.key IN ({marks})",
            list(band_keys),
        ).fetchall()
        return [CopyCandidate(r[0], Signature.from_bytes(r[1], r[2])) for r in rows]

    def find_story_candidates(self, features: Sequence[str], day: int) -> list[StoryCandidate]:
        """Stored articles sharing two or more retrieval features within the story window, best first."""
        keys = [derive_story_key(f, week) for f in features for week in _weeks_around(day)]
        if not keys:
            return []
        marks = ",".join("?" * len(keys))
        rows = self.db.execute(
            f"SELECT d.article_id, d.features, d.day FROM (SELECT doc, count(*) AS n FROM postings "  # noqa: S608
            f"WHERE key IN ({marks}) GROUP BY doc HAVING n >= 2 ORDER BY n DESC LIMIT ?) p "
            f"JOIN docs d ON d.doc = p.doc WHERE abs(d.day - ?) <= ?",
            [*keys, _MAX_STORY_CANDIDATES, day, STORY_WINDOW_DAYS],
        ).fetchall()
        return [StoryCandidate(r[0], StoryFingerprint(frozenset(r[1].split("\n"))), r[2]) for r in rows]

    def lookup_signature(self, article_id: str) -> Signature | None:
        """The indexed signature of one article."""
        row = self.db.execute(
            "SELECT sig, shingles FROM docs WHERE doc = ?", [doc_number(article_id)]
        ).fetchone()
        return None if row is None else Signature.from_bytes(row[0], row[1])


def open_index(con: duckdb.DuckDBPyConnection) -> DedupIndex:
    """Open the index beside this warehouse and bring it up to date with dedup_signatures."""
    path = index_path_for(con)
    try:
        index = DedupIndex(path)
    except sqlite3.DatabaseError:  # damaged: it is derived, so start it again
        if path:
            for suffix in ("", "-wal", "-shm"):
                Path(path + suffix).unlink(missing_ok=True)
        index = DedupIndex(path)
    index.catch_up(con)
    return index


def rebuild_index(con: duckdb.DuckDBPyConnection) -> int:
    """Delete the index file and rebuild it from dedup_signatures; returns the rows indexed."""
    path = index_path_for(con)
    if path:
        for suffix in ("", "-wal", "-shm"):
            Path(path + suffix).unlink(missing_ok=True)
    with DedupIndex(path) as index:
        return index.catch_up(con)


# ---------------------------------------------------------------------------------------------
# Assignment inside the load transaction
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class DedupCounts:
    """What one assignment did."""

    copies: int = 0
    clusters: int = 0
    stories_joined: int = 0
    stories: int = 0
    merges: int = 0


@dataclass(slots=True)
class _Known:
    """What the batch knows about an article: from this batch, or read from the warehouse."""

    article_id: str
    cluster_id: str
    story_id: str
    first_seen: datetime
    title: str | None
    body: str
    signature: Signature | None = None


@dataclass(slots=True)
class _Batch:
    """The in-transaction overlay: rows assigned in this batch are not in the index file yet."""

    con: duckdb.DuckDBPyConnection
    index: DedupIndex
    now: datetime
    known: dict[str, _Known] = field(default_factory=dict)
    bands: dict[int, list[str]] = field(default_factory=dict)
    postings: dict[int, list[str]] = field(default_factory=dict)
    fingerprints: dict[str, tuple[StoryFingerprint, int]] = field(default_factory=dict)
    article_updates: dict[str, dict[str, Any]] = field(default_factory=dict)
    signature_rows: list[tuple[str, bytes, int, list[str], int, bool]] = field(default_factory=list)
    new_clusters: list[str] = field(default_factory=list)
    new_stories: list[str] = field(default_factory=list)
    restarted_clusters: list[str] = field(default_factory=list)
    counts: DedupCounts = field(default_factory=DedupCounts)
    dry_run: bool = False

    def fetch(self, article_id: str) -> _Known | None:
        """An article's current ids and text, from the batch or the warehouse (a primary-key lookup)."""
        if article_id in self.known:
            return self.known[article_id]
        query = (
            "SELECT article_id, coalesce(cluster_id, article_id), coalesce(story_id, article_id), "
            "first_seen, "
            "title, body FROM articles WHERE article_id = "
        )
        if _HEX_ID.match(article_id):
            # A checked 16-hex-digit id written as a literal: DuckDB 1.5 uses the primary-key index for one
            # but scans the table for a bound parameter (3.8 ms at 20k rows against 0.3 ms, measured).
            row = self.con.execute(query + f"'{article_id}'").fetchone()
        else:
            row = self.con.execute(query + "?", [article_id]).fetchone()
        if row is None:
            return None
        known = _Known(*row)
        self.known[article_id] = known
        return known


def assign_dedup(
    con: duckdb.DuckDBPyConnection,
    new: Sequence[tuple[str, Article, datetime]],
    revised: Sequence[tuple[str, Article, datetime]] = (),
) -> DedupCounts:
    """Give new articles their cluster and story, and refresh revised ones, inside the caller's transaction.

    `new` and `revised` are (article_id, article, fetched_at) of rows already written to `articles`.
    """
    if not new and not revised:
        return DedupCounts()
    with open_index(con) as index:
        batch = _Batch(con=con, index=index, now=datetime.now(UTC))
        for article_id, article, seen in new:
            _assign_new(batch, article_id, article, seen)
        for article_id, article, seen in revised:
            _refresh_revision(batch, article_id, article, seen)
        _write_batch(batch)
    return batch.counts


def check_article(
    con: duckdb.DuckDBPyConnection, index: DedupIndex, article_id: str, article: Article, seen: datetime
) -> dict[str, Any]:
    """The cluster and story a new article would get, writing nothing (what `newsmon bench dedup` times).

    Merges it would cause are not run: the check stops at the decision.
    """
    batch = _Batch(con=con, index=index, now=datetime.now(UTC), dry_run=True)
    _assign_new(batch, article_id, article, seen)
    return batch.article_updates[article_id]


def _assign_new(batch: _Batch, article_id: str, article: Article, seen: datetime) -> None:
    signature = compute_signature(article.body)
    known = _Known(article_id, article_id, article_id, seen, article.title, article.body, signature)
    update: dict[str, Any] = {
        "cluster_id": article_id,
        "copy_of": None,
        "similarity": 1.0,
        "containment": 1.0,
        "copy_diff": None,
        "story_id": article_id,
        "story_score": None,
    }
    keys = derive_band_keys(signature) if signature.shingles >= MIN_SHINGLES else []
    copy = _find_copy(batch, article_id, signature, keys) if keys else None
    day = story_day(article, seen)
    fingerprint = fingerprint_story(article)
    if copy is not None and seen < copy[0].first_seen and not batch.dry_run:
        # Seen before the cluster's canonical copy (one run's pages are fetched together, then loaded feed by
        # feed): this article becomes the canonical copy, and the cluster is merged into its new one.
        known.story_id = copy[0].story_id
        update["story_id"] = known.story_id
        batch.known[article_id] = known
        batch.article_updates[article_id] = update
        batch.new_clusters.append(article_id)
        batch.counts.clusters += 1
        _merge_clusters(batch, [known, copy[0]])
        for feature in select_retrieval_features(fingerprint):
            batch.postings.setdefault(derive_story_key(feature, day // 7), []).append(article_id)
        batch.fingerprints[article_id] = (fingerprint, day)
        copy = None
    elif copy is not None:
        canonical, jaccard, containment = copy
        known.cluster_id = canonical.cluster_id
        known.story_id = canonical.story_id
        update.update(
            cluster_id=canonical.cluster_id,
            copy_of=canonical.article_id,
            similarity=jaccard,
            containment=containment,
            story_id=canonical.story_id,
            copy_diff=json.dumps(
                diff_copy(canonical.title, canonical.body, article.title, article.body), ensure_ascii=False
            ),
        )
        batch.counts.copies += 1
    elif article_id not in batch.article_updates:
        batch.new_clusters.append(article_id)
        batch.counts.clusters += 1
        story = _find_story(batch, article_id, fingerprint, day)
        if story is not None:
            known.story_id, score = story
            update.update(story_id=known.story_id, story_score=score)
            batch.counts.stories_joined += 1
        else:
            batch.new_stories.append(article_id)
            batch.counts.stories += 1
        for feature in select_retrieval_features(fingerprint):
            batch.postings.setdefault(derive_story_key(feature, day // 7), []).append(article_id)
        batch.fingerprints[article_id] = (fingerprint, day)
    for key in keys:
        batch.bands.setdefault(key, []).append(article_id)
    batch.known[article_id] = known
    batch.article_updates[article_id] = update
    batch.signature_rows.append(
        (
            article_id,
            signature.to_bytes(),
            signature.shingles,
            sorted(fingerprint.features),
            day,
            copy is not None,
        )
    )


def _find_copy(
    batch: _Batch, article_id: str, signature: Signature, keys: list[int]
) -> tuple[_Known, float, float] | None:
    """The canonical copy of the best-matching cluster, merging clusters the article bridges."""
    candidates: dict[str, Signature] = {
        c.article_id: c.signature for c in batch.index.find_copy_candidates(keys)
    }
    for key in keys:
        for other in batch.bands.get(key, ()):
            sig = batch.known[other].signature
            if sig is not None:
                candidates[other] = sig
    candidates.pop(article_id, None)
    matches = []
    for other, sig in candidates.items():
        copy, jaccard, _ = classify_copy(sig, signature)
        if copy:
            matches.append((jaccard, other))
    if not matches:
        return None
    matches.sort(reverse=True)
    clusters: dict[str, _Known] = {}
    for _, other in matches:
        found = batch.fetch(other)
        if found is None:  # indexed but gone from the warehouse: ignore it
            continue
        canonical = batch.fetch(found.cluster_id) or found
        clusters.setdefault(canonical.cluster_id, canonical)
        if len(clusters) >= _MAX_COPY_CLUSTERS:
            break
    if not clusters:
        return None
    canonical = _merge_clusters(batch, list(clusters.values()))
    canonical_sig = canonical.signature or batch.index.lookup_signature(canonical.article_id)
    if canonical_sig is None:
        canonical_sig = candidates[matches[0][1]]
    jaccard = estimate_jaccard(canonical_sig, signature)
    return canonical, jaccard, estimate_containment(canonical_sig, signature, jaccard)


def _merge_clusters(batch: _Batch, canonicals: list[_Known]) -> _Known:
    """Keep the cluster whose canonical copy was seen first; merge the others into it, lineage recorded."""
    canonicals.sort(key=lambda k: (k.first_seen, k.article_id))
    survivor = canonicals[0]
    for loser in [] if batch.dry_run else canonicals[1:]:
        batch.counts.merges += 1
        batch.con.execute(
            "UPDATE dedup_clusters SET merged_into = ?, merged_at = ? WHERE cluster_id = ?",
            [survivor.cluster_id, batch.now, loser.cluster_id],
        )
        batch.con.execute(
            "UPDATE articles SET cluster_id = ? WHERE cluster_id = ?", [survivor.cluster_id, loser.cluster_id]
        )
        for pending in batch.article_updates.values():
            if pending["cluster_id"] == loser.cluster_id:
                pending["cluster_id"] = survivor.cluster_id
        for known in batch.known.values():
            if known.cluster_id == loser.cluster_id:
                known.cluster_id = survivor.cluster_id
        loser_sig = loser.signature or batch.index.lookup_signature(loser.article_id)
        survivor_sig = survivor.signature or batch.index.lookup_signature(survivor.article_id)
        values: dict[str, Any] = {
            "cluster_id": survivor.cluster_id,
            "copy_of": survivor.article_id,
            "copy_diff": json.dumps(
                diff_copy(survivor.title, survivor.body, loser.title, loser.body), ensure_ascii=False
            ),
        }
        if loser_sig is not None and survivor_sig is not None:
            values["similarity"] = estimate_jaccard(survivor_sig, loser_sig)
            values["containment"] = estimate_containment(survivor_sig, loser_sig, values["similarity"])
        if loser.article_id in batch.article_updates:
            batch.article_updates[loser.article_id].update(values)
        else:
            batch.con.execute(
                "UPDATE articles SET copy_of = ?, similarity = ?, containment = ?, copy_diff = ? "
                "WHERE article_id = ?",
                [
                    values["copy_of"],
                    values.get("similarity"),
                    values.get("containment"),
                    values["copy_diff"],
                    loser.article_id,
                ],
            )
        if loser.story_id != survivor.story_id:
            _merge_stories(batch, [survivor, loser])
    return survivor


def _find_story(
    batch: _Batch, article_id: str, fingerprint: StoryFingerprint, day: int
) -> tuple[str, float] | None:
    """The story this article tells, if an earlier account is in the window; merges stories it bridges."""
    features = select_retrieval_features(fingerprint)
    if len(features) < 2:
        return None
    candidates = {
        c.article_id: (c.fingerprint, c.day) for c in batch.index.find_story_candidates(features, day)
    }
    hits: dict[str, int] = {}
    for feature in features:
        for week in _weeks_around(day):
            for other in batch.postings.get(derive_story_key(feature, week), ()):
                hits[other] = hits.get(other, 0) + 1
    for other, n in hits.items():
        if n >= 2 and abs(batch.fingerprints[other][1] - day) <= STORY_WINDOW_DAYS:
            candidates[other] = batch.fingerprints[other]
    candidates.pop(article_id, None)
    matches = []
    for other, (other_fp, _) in candidates.items():
        same, score = score_story(other_fp, fingerprint)
        if same:
            matches.append((score, other))
    if not matches:
        return None
    matches.sort(reverse=True)
    stories: dict[str, _Known] = {}
    for _, other in matches[:_MAX_COPY_CLUSTERS]:
        found = batch.fetch(other)
        if found is not None:
            stories.setdefault(found.story_id, batch.fetch(found.story_id) or found)
    if not stories:
        return None
    survivor = _merge_stories(batch, list(stories.values()))
    return survivor.story_id, matches[0][0]


def _merge_stories(batch: _Batch, firsts: list[_Known]) -> _Known:
    """Keep the story started first; the others are merged into it, lineage recorded."""
    firsts.sort(key=lambda k: (k.first_seen, k.story_id))
    survivor = firsts[0]
    for loser in [] if batch.dry_run else firsts[1:]:
        if loser.story_id == survivor.story_id:
            continue
        batch.counts.merges += 1
        old = loser.story_id
        batch.con.execute(
            "UPDATE dedup_stories SET merged_into = ?, merged_at = ? WHERE story_id = ?",
            [survivor.story_id, batch.now, old],
        )
        batch.con.execute("UPDATE articles SET story_id = ? WHERE story_id = ?", [survivor.story_id, old])
        for pending in batch.article_updates.values():
            if pending["story_id"] == old:
                pending["story_id"] = survivor.story_id
        for known in batch.known.values():
            if known.story_id == old:
                known.story_id = survivor.story_id
    return survivor


def _refresh_revision(batch: _Batch, article_id: str, article: Article, seen: datetime) -> None:
    """A revised article keeps its cluster and story; fingerprints and similarity are renewed."""
    current = batch.con.execute(
        "SELECT coalesce(cluster_id, article_id), copy_of, coalesce(story_id, article_id), first_seen "
        "FROM articles WHERE article_id = ?",
        [article_id],
    ).fetchone()
    if current is None:
        return
    cluster_id, copy_of, story_id, first_seen = current
    signature = compute_signature(article.body)
    fingerprint = fingerprint_story(article)
    update: dict[str, Any] = {"cluster_id": cluster_id, "copy_of": copy_of, "story_id": story_id}
    if copy_of is not None and (canonical := batch.fetch(copy_of)) is not None:
        canonical_sig = canonical.signature or batch.index.lookup_signature(copy_of)
        if canonical_sig is not None:
            copy, jaccard, containment = classify_copy(canonical_sig, signature)
            update.update(
                similarity=jaccard,
                containment=containment,
                copy_diff=json.dumps(
                    diff_copy(canonical.title, canonical.body, article.title, article.body),
                    ensure_ascii=False,
                ),
            )
            if not copy:  # the edit made it a text of its own: it leaves the cluster, lineage kept in copy_of
                update.update(cluster_id=article_id, copy_of=None)
                batch.restarted_clusters.append(article_id)
    batch.known[article_id] = _Known(
        article_id, update["cluster_id"], story_id, first_seen, article.title, article.body, signature
    )
    batch.article_updates[article_id] = {**_current_update(batch, article_id), **update}
    batch.con.execute("DELETE FROM dedup_signatures WHERE article_id = ?", [article_id])
    batch.signature_rows.append(
        (
            article_id,
            signature.to_bytes(),
            signature.shingles,
            sorted(fingerprint.features),
            story_day(article, first_seen),
            update["copy_of"] is not None,
        )
    )


def _current_update(batch: _Batch, article_id: str) -> dict[str, Any]:
    row = batch.con.execute(
        "SELECT similarity, containment, copy_diff, story_score FROM articles " "WHERE article_id = ?",
        [article_id],
    ).fetchone()
    keys = ("similarity", "containment", "copy_diff", "story_score")
    return dict(zip(keys, row, strict=True)) if row else dict.fromkeys(keys)


def _write_batch(batch: _Batch) -> None:
    """The batch's rows: signatures, new clusters and stories, the articles' dedup columns (bulk statements).

    Bulk values go through Arrow tables: DuckDB's conversion of bound Python lists of BLOBs and lists costs
    ~10 ms a row (measured), an Arrow table a few microseconds.
    """
    from warehouse.load import insert_columns  # warehouse.load calls this module: import here, not at the top

    con = batch.con
    if batch.signature_rows:
        rows = batch.signature_rows
        insert_columns(
            con,
            "dedup_signatures",
            {
                "article_id": [r[0] for r in rows],
                "scheme": [SCHEME] * len(rows),
                "minhash": pa.array([r[1] for r in rows], pa.binary()),
                "shingles": [r[2] for r in rows],
                "story_features": pa.array([r[3] for r in rows], pa.list_(pa.string())),
                "story_day": [r[4] for r in rows],
                "is_copy": [r[5] for r in rows],
                "computed_at": [batch.now] * len(rows),
            },
        )
    for restarted in batch.restarted_clusters:  # a revision that left its cluster starts one of its own
        con.execute("DELETE FROM dedup_clusters WHERE cluster_id = ?", [restarted])
        batch.new_clusters.append(restarted)
    if batch.new_clusters:
        insert_columns(
            con,
            "dedup_clusters",
            {
                "cluster_id": batch.new_clusters,
                "canonical_article_id": batch.new_clusters,
                "created_at": [batch.now] * len(batch.new_clusters),
            },
        )
    if batch.new_stories:
        insert_columns(
            con,
            "dedup_stories",
            {
                "story_id": batch.new_stories,
                "first_article_id": batch.new_stories,
                "created_at": [batch.now] * len(batch.new_stories),
            },
        )
    if batch.article_updates:
        ids = list(batch.article_updates)
        updates = pa.table(
            {
                "id": pa.array(ids, pa.string()),
                **{
                    c: pa.array([batch.article_updates[i].get(c) for i in ids], pa.string())
                    for c in ("cluster_id", "copy_of", "copy_diff", "story_id")
                },
                **{
                    c: pa.array([batch.article_updates[i].get(c) for i in ids], pa.float64())
                    for c in ("similarity", "containment", "story_score")
                },
            }
        )
        con.register("_newsmon_dedup_updates", updates)
        try:
            con.execute(
                "UPDATE articles SET cluster_id = u.cluster_id, copy_of = u.copy_of, "
                "similarity = u.similarity, "
                "containment = u.containment, copy_diff = u.copy_diff::JSON, story_id = u.story_id, "
                "story_score = u.story_score FROM _newsmon_dedup_updates u WHERE articles.article_id = u.id"
            )
        finally:
            con.unregister("_newsmon_dedup_updates")
