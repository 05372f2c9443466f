"""Near-copy clusters and stories: the LSH index beside the warehouse, and assignment in the load transaction.

DuckDB holds the truth: articles.cluster_id/story_id/similarity/copy_diff, dedup_signatures (every article's
MinHash and story fingerprint), dedup_clusters and dedup_stories (with merge lineage). The lookup structures
(LSH band keys -> articles, story feature postings -> articles, signatures by article) live in a SQLite file
beside the warehouse, `<warehouse>.dedup.sqlite`: a B-tree point lookup there costs ~0.05 ms and a few MB of
memory at 1M articles, where a DuckDB ART index lookup costs ~1 ms and holds the whole index in memory
(measured; docs/dedup.md). The index also knows every indexed article's cluster, story and first_seen, so a
check reads nothing from DuckDB: each dedup_signatures row carries them as they were when it was written, and
the merges since are replayed from dedup_merges, in seq order. The SQLite file is derived: at the start of
each batch it catches up, through a second connection that sees only committed rows, on the dedup_signatures
and dedup_merges rows above its high-water marks, so a rolled-back batch leaves nothing in it; rows this
transaction wrote earlier (a second load in one transaction) are matched through the batch's in-memory
overlay. A missing, damaged or older-layout file is rebuilt from DuckDB, clusters and stories read from
`articles`.
"""

from __future__ import annotations

import contextlib
import heapq
import json
import os
import re
import sqlite3
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from operator import itemgetter
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from parsers.dedup import (
    MIN_SHINGLES,
    SCHEME,
    STORY_WINDOW_DAYS,
    DedupKeys,
    LookupKeys,
    Signature,
    StoryFingerprint,
    classify_copy,
    classify_packed,
    derive_band_keys,
    derive_posting_keys,
    derive_story_key,
    diff_copy,
    estimate_containment,
    estimate_jaccard,
    match_story,
    pack_signature,
    resolve_dedup_keys,
    select_retrieval_features,
    story_day,
    story_weeks,
)
from parsers.records import Article

_HEX_ID = re.compile(r"^[0-9a-f]{16}$")
_INDEX_SUFFIX = ".dedup.sqlite"
_CATCH_UP_CHUNK = 20_000
_MAX_STORY_CANDIDATES = 30
_NO_DOCS = np.zeros(0, dtype=np.int64)
_MAX_COPY_CLUSTERS = 3
# A story posting key (a feature in one week) held by more articles than this retrieves no candidates: a feature
# that common (a minister's name, a round figure, a stock quote in a busy week) tells no story apart, and its
# thousands of postings cost a 20k-row count per lookup (5 ms at 20k articles, measured) while crowding the 30
# candidate places with articles that share nothing else. Scoring still counts it. docs/dedup.md.
MAX_KEY_POSTINGS = 1000
# An LSH band key held by more articles than this is read up to this many (the lowest doc numbers): so many
# articles sharing a band are copies of one text published again and again (a wire story, a page template's
# boilerplate), and any of them leads to their cluster, while reading them all made every further copy's
# lookup grow with the warehouse (944 docs a key at 30,000 bench articles: 3.0 ms against 0.3 for a typical
# article, measured). A copy shares each of the 21 bands with its original with probability J^3 (~11 bands at
# J = 0.8, ~3 at the 0.5 threshold): a crowded band cut short loses a copy only when every band it shares is
# crowded, and then with copies of that text among the docs read. docs/dedup.md.
MAX_BAND_POSTINGS = 64
_STATE_CHUNK = 500  # ids a literal IN list reads from `articles` at once (only for rows written before 0007)
# docs carry cluster_id, story_id, first_seen (v2); posting keys are week-major (v3: see
# parsers.dedup.derive_story_key). A file of another layout is rebuilt.
_LAYOUT = "docs-state-v3"
_BULK_CACHE_KB = 262_144  # page cache while (re)building a whole index: 256 MB, then back to 16 MB
_CACHE_KB = 16_000
_WAL_PAGES = 20_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

_INDEX_DDL = """
CREATE TABLE IF NOT EXISTS docs (
    doc INTEGER PRIMARY KEY, article_id TEXT NOT NULL, sig BLOB NOT NULL, shingles INTEGER NOT NULL,
    features TEXT NOT NULL, day INTEGER NOT NULL, seq INTEGER NOT NULL,
    cluster_id TEXT NOT NULL, story_id TEXT NOT NULL, first_seen INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS docs_cluster ON docs (cluster_id);
CREATE INDEX IF NOT EXISTS docs_story ON docs (story_id);
CREATE TABLE IF NOT EXISTS bands (key INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (key, doc))
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS postings (key INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (key, doc))
    WITHOUT ROWID;
"""
_LOAD_DDL = """
DROP INDEX IF EXISTS docs_cluster;
DROP INDEX IF EXISTS docs_story;
CREATE TEMP TABLE IF NOT EXISTS load_docs AS SELECT * FROM docs WHERE 0;
CREATE TEMP TABLE IF NOT EXISTS load_bands (key INTEGER, doc INTEGER);
CREATE TEMP TABLE IF NOT EXISTS load_postings (key INTEGER, doc INTEGER);
"""
# The temporary load tables, dropped once moved, or after a build that failed (_build)
_LOAD_DROP = """DROP TABLE IF EXISTS temp.load_docs;
DROP TABLE IF EXISTS temp.load_bands;
DROP TABLE IF EXISTS temp.load_postings;
"""
_LOAD_MOVE = f"""
BEGIN;
INSERT OR REPLACE INTO docs SELECT * FROM load_docs ORDER BY doc;
INSERT OR IGNORE INTO bands SELECT key, doc FROM load_bands ORDER BY key, doc;
INSERT OR IGNORE INTO postings SELECT key, doc FROM load_postings ORDER BY key, doc;
{_LOAD_DROP}COMMIT;
"""  # noqa: S608 - constants only
_SIGNATURE_COLUMNS = "seq, article_id, minhash, shingles, story_features, story_day, is_copy"


def to_micros(moment: datetime) -> int:
    """A timezone-aware datetime as integer microseconds since the epoch (how the index stores first_seen)."""
    return (moment - _EPOCH) // _MICROSECOND


def from_micros(micros: int) -> datetime:
    """The UTC datetime of to_micros."""
    return _EPOCH + micros * _MICROSECOND


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


def _is_abandoned(builder: str | None) -> bool:
    """Whether a build marked by this process id stopped without finishing (its process is gone)."""
    if builder is None:
        return False
    try:
        os.kill(int(builder), 0)
    except (ValueError, ProcessLookupError):
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


class DedupIndex:
    """The LSH band and story posting index in SQLite beside the warehouse (or in memory)."""

    def __init__(
        self,
        path: str | Path | None,
        *,
        max_key_postings: int = MAX_KEY_POSTINGS,
        max_band_postings: int = MAX_BAND_POSTINGS,
    ) -> None:
        self.path = str(path) if path else ":memory:"
        self.max_key_postings = max_key_postings
        self.max_band_postings = max_band_postings
        self.common_keys: set[int] = set()  # posting keys found to hold more than max_key_postings (they only grow)
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        if self.path != ":memory:":
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")  # a crash may lose the last catch-up, never corrupt
            # Checkpoint (write back and fsync) every ~80 MB of log, not every 4 MB: a batch's catch-up writes
            # ~1,000 scattered pages, and the default checkpointed after nearly every batch (44 against 14 ms
            # a 50-article batch, measured at 100k articles).
            self.db.execute(f"PRAGMA wal_autocheckpoint={_WAL_PAGES}")
        self.db.execute(f"PRAGMA cache_size=-{_CACHE_KB}")  # 16 MB page cache: memory stays bounded
        self.db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        layout = f"{SCHEME}/{_LAYOUT}"
        if self._meta("scheme") not in (None, layout) or _is_abandoned(self._meta("building")):
            # another signature scheme or file layout, or a build that did not finish: start again
            self.db.executescript(
                "DROP TABLE IF EXISTS docs; DROP TABLE IF EXISTS bands; DROP TABLE IF EXISTS postings; "
                "DELETE FROM meta;"
            )
        self.db.executescript(_INDEX_DDL)
        if self._meta("scheme") != layout:
            self._set_meta("scheme", layout)
        # The band and posting keys the last batch derived, by article_id, with the signature row they belong to:
        # the next catch-up indexes that row without deriving them again (a row it does not match is derived).
        self._derived: dict[str, tuple[bytes, list[str], int, Sequence[int], Sequence[int] | None]] = {}
        # What lookups read while the index does not change (a batch: only a catch-up writes, and it
        # clears them): the docs of each posting key held by at most max_key_postings articles, each story
        # candidate's (article_id, features, day) and each copy candidate's signature. A batch's articles
        # share many.
        self._key_docs: dict[int, np.ndarray] = {}  # int64 doc numbers: 8 bytes a doc, not ~40
        self._story_docs: dict[int, tuple[str, str, int]] = {}
        self._copy_docs: dict[int, tuple[str, bytes, int, int]] = {}

    def remember_keys(
        self,
        article_id: str,
        minhash: bytes,
        features: list[str],
        day: int,
        band_keys: Sequence[int],
        posting_keys: Sequence[int] | None,
    ) -> None:
        """Keep the keys derived for a signature row being written (minhash, sorted features, story day), for the
        catch-up that indexes it once committed; the catch-up after it forgets them."""
        self._derived[article_id] = (minhash, features, day, band_keys, posting_keys)

    def forget_lookups(self) -> None:
        """Drop what lookups kept from the index as it was (called whenever it changes)."""
        self._key_docs.clear()
        self._story_docs.clear()
        self._copy_docs.clear()

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

    @property
    def merge_water(self) -> int:
        """The highest dedup_merges.seq replayed."""
        return int(self._meta("merge_water") or 0)

    def add_rows(
        self,
        rows: Sequence[tuple[int, str, bytes, int, Sequence[str], int, bool, str, str, datetime]],
        merges: Sequence[tuple[int, str, str, str]] = (),
    ) -> int:
        """Index (seq, article_id, minhash, shingles, story_features, story_day, is_copy, cluster_id,
        story_id, first_seen) rows and replay (seq, kind, from_id, into_id) merges, in seq order, in one
        SQLite transaction."""
        if not rows and not merges:
            return 0
        self.forget_lookups()
        high_water, merge_water = self.high_water, self.merge_water
        steps: list[tuple[int, int, tuple[Any, ...]]] = [(r[0], 1, tuple(r)) for r in rows]
        steps += [(m[0], 0, m) for m in merges]
        steps.sort(key=lambda step: (step[0], step[1]))
        self.db.execute("BEGIN")
        try:
            pending: list[tuple[Any, ...]] = []
            for seq, is_row, step in steps:
                if is_row:
                    pending.append(step)
                    high_water = max(high_water, seq)
                    continue
                self._insert_docs(pending)
                pending = []
                _, kind, old, into = step  # the statement warehouse.dedup ran on `articles`
                column = "cluster_id" if kind == "cluster" else "story_id"
                self.db.execute(f"UPDATE docs SET {column} = ? WHERE {column} = ?", [into, old])  # noqa: S608
                merge_water = max(merge_water, seq)
            self._insert_docs(pending)
            self._set_meta("high_water", str(high_water))
            self._set_meta("merge_water", str(merge_water))
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")
        return len(rows)

    def _insert_docs(self, rows: Sequence[tuple[Any, ...]], table_prefix: str = "") -> None:
        docs, bands, postings = [], [], []
        derived = self._derived
        for seq, article_id, minhash, shingles, features, day, is_copy, cluster_id, story_id, seen in rows:
            doc = doc_number(article_id)
            docs.append(
                (doc, article_id, minhash, shingles, "\n".join(features), day, seq, cluster_id, story_id,
                 to_micros(seen))
            )
            known = derived.get(article_id)
            if known is not None and not (known[0] == minhash and known[2] == day and known[1] == list(features)):
                known = None
            if shingles >= MIN_SHINGLES:
                band_keys = known[3] if known else derive_band_keys(Signature.from_bytes(minhash, shingles))
                bands.extend((key, doc) for key in band_keys)
            if not is_copy:
                posting_keys = known[4] if known else None
                if posting_keys is None:
                    fingerprint = StoryFingerprint(frozenset(features))
                    posting_keys = [derive_story_key(f, day // 7) for f in select_retrieval_features(fingerprint)]
                postings.extend((key, doc) for key in posting_keys)
        if docs:
            docs_table, bands_table, postings_table = (
                table_prefix + t for t in ("docs", "bands", "postings")
            )
            if not table_prefix:  # into the B-trees in key order: each leaf page is reached once, not per row
                docs.sort(key=itemgetter(0))  # stable: a doc's later row still replaces its earlier one
                bands.sort()
                postings.sort()
            self.db.executemany(
                f"INSERT OR REPLACE INTO {docs_table} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", docs  # noqa: S608
            )
            self.db.executemany(f"INSERT OR IGNORE INTO {bands_table} VALUES (?, ?)", bands)  # noqa: S608
            self.db.executemany(f"INSERT OR IGNORE INTO {postings_table} VALUES (?, ?)", postings)  # noqa: S608

    def catch_up(self, con: duckdb.DuckDBPyConnection) -> int:
        """Index the dedup_signatures and dedup_merges rows since the last catch-up (all for a new file).

        A new file takes every article's current cluster and story from `articles` (one join); afterwards each
        catch-up replays the merges logged since and indexes the new rows with the ids they were written with,
        in seq order.
        """
        self.forget_lookups()  # what a batch's lookups kept lasts that batch, whoever writes the file next
        high_water = self.high_water
        if high_water == 0:
            return self._build(con)
        merges = read_merges(con, self.merge_water)
        cursor = con.execute(
            f"SELECT {_SIGNATURE_COLUMNS}, cluster_id, story_id, first_seen FROM dedup_signatures "  # noqa: S608
            "WHERE seq > ? AND scheme = ? ORDER BY seq",
            [high_water, SCHEME],
        )
        total = 0
        while True:
            chunk = cursor.fetchmany(_CATCH_UP_CHUNK)
            last = len(chunk) < _CATCH_UP_CHUNK
            upto = chunk[-1][0] if chunk and not last else None
            now = [m for m in merges if upto is None or m[0] <= upto]
            merges = merges[len(now) :]
            total += self.add_rows(complete_states(con, chunk), now)
            if last:
                self._derived.clear()
                return total

    def _build(self, con: duckdb.DuckDBPyConnection) -> int:
        """Index every signature, with clusters and stories as `articles` holds them now (rows of gone
        articles are left out).

        Bulk path: rows are appended to temporary load tables and moved into the B-trees sorted by key, one
        sequential pass instead of 30 random page writes an article (at 1M articles the index no longer fits
        any page cache; 29 against 17 s at 100k articles, measured).
        The file is marked `building` meanwhile, without fsyncs: a build that does not finish
        is started again when the file is next opened.
        """
        merged_to = max((m[0] for m in read_merges(con, 0)), default=0)
        cursor = con.execute(
            "SELECT s.seq, s.article_id, s.minhash, s.shingles, s.story_features, s.story_day, s.is_copy, "
            "coalesce(a.cluster_id, a.article_id), coalesce(a.story_id, a.article_id), a.first_seen "
            "FROM dedup_signatures s JOIN articles a ON a.article_id = s.article_id "
            "WHERE s.seq > 0 AND s.scheme = ? ORDER BY s.seq",
            [SCHEME],
        )
        self.forget_lookups()
        synchronous = int(self.db.execute("PRAGMA synchronous").fetchone()[0])
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute(f"PRAGMA cache_size=-{_BULK_CACHE_KB}")
        self._set_meta("building", str(os.getpid()))
        self.db.executescript(_LOAD_DDL)
        total, top = 0, self.high_water
        try:
            while chunk := cursor.fetchmany(_CATCH_UP_CHUNK):
                self.db.execute("BEGIN")
                self._insert_docs(chunk, table_prefix="load_")
                self.db.execute("COMMIT")
                total += len(chunk)
                top = max(top, max(r[0] for r in chunk))
            self.db.executescript(_LOAD_MOVE + _INDEX_DDL)
            self._set_meta("high_water", str(top))
            self._set_meta("merge_water", str(merged_to))  # those merges are in `articles` already
            self.db.execute("DELETE FROM meta WHERE key = 'building'")
        except BaseException:
            # A chunk that failed left its transaction open: SQLite refuses to change `synchronous` inside
            # one, and that refusal would replace this error. The next catch-up builds again (high_water 0).
            with contextlib.suppress(sqlite3.Error):  # a cleanup that fails must not hide the error either
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                self.db.executescript(_LOAD_DROP)
            raise
        finally:
            self._derived.clear()
            self.db.execute(f"PRAGMA cache_size=-{_CACHE_KB}")
            self.db.execute(f"PRAGMA synchronous={synchronous}")
            self.db.execute("PRAGMA shrink_memory")
        return total

    def find_copy_candidates(self, band_keys: Sequence[int]) -> list[CopyCandidate]:
        """Stored articles sharing at least one LSH band key (an index lookup, never a scan)."""
        return [CopyCandidate(r[0], Signature.from_bytes(r[1], r[2])) for r in self.find_copy_docs(band_keys)]

    def find_copy_docs(self, band_keys: Sequence[int]) -> list[tuple[str, bytes, int, int]]:
        """(article_id, stored signature, shingles, packed signature) of the stored articles sharing a band
        key, at most max_band_postings of them a key (MAX_BAND_POSTINGS says why).

        The docs are found first, then each read once while the index stays as it is: a batch's articles meet
        the same candidates again and again (30 an article, 5 of them new to the batch, on the 20k-article
        bench). A DISTINCT over the joined rows compared their 256-byte signatures in a temporary B-tree
        (measured: twice the time of the whole lookup now)."""
        if not band_keys:
            return []
        each = "SELECT doc FROM (SELECT doc FROM bands WHERE key = ? LIMIT ?)"  # max_band_postings a key
        limit = self.max_band_postings
        docs = [r[0] for r in self.db.execute(
            " UNION ".join([each] * len(band_keys)), [v for key in band_keys for v in (key, limit)]
        )]
        copy_docs = self._copy_docs
        unread = [doc for doc in docs if doc not in copy_docs]
        if unread:
            marks = ",".join("?" * len(unread))
            for doc, article_id, sig, shingles in self.db.execute(
                f"SELECT doc, article_id, sig, shingles FROM docs WHERE doc IN ({marks})", unread  # noqa: S608
            ):
                copy_docs[doc] = (article_id, sig, shingles, pack_signature(sig))
        return [copy_docs[doc] for doc in docs if doc in copy_docs]

    def find_story_candidates(
        self,
        features: Sequence[str],
        day: int,
        *,
        keys: Sequence[int] | None = None,
        parsed: dict[str, StoryFingerprint] | None = None,
    ) -> list[StoryCandidate]:
        """Stored articles sharing two or more retrieval features within the story window, best first.

        `keys` are the features' posting keys in the weeks around the day, in any order, when the caller has
        them; `parsed` keeps candidates' fingerprints by article_id for the caller's next lookups (a batch meets
        the same candidates many times, and the index does not change under it).
        """
        if keys is None:
            keys = _window_keys(derive_posting_keys(features, day), day)
        keys = list(dict.fromkeys(self.drop_common_keys(keys)))  # a key listed twice counts once, as in `IN`
        if len(keys) < 2:  # a candidate shares two keys
            return []
        key_docs = self._key_docs  # drop_common_keys read every key it kept
        # The docs sharing most keys (two at least), ties to the higher doc number: the order SQLite 3.40
        # gave the `GROUP BY doc ... ORDER BY n DESC LIMIT 30` this replaces (checked on 2,000 bench articles,
        # 1,210 with ties at the cut), counted here from posting lists a batch reads once. Counted in numpy,
        # as int64 arrays: with 30,000-40,000 articles stored, the whole story lookup cost the loader
        # 1.78 ms a page with a Counter over lists of Python ints, 1.38 ms this way (docs/benchmarks.md).
        docs, shared = np.unique(np.concatenate([key_docs[key] for key in keys]), return_counts=True)
        enough = shared >= 2
        docs, shared = docs[enough], shared[enough]
        top = np.lexsort((docs, shared))[::-1][:_MAX_STORY_CANDIDATES]  # by shared keys, then doc, descending
        best = list(zip(shared[top].tolist(), docs[top].tolist(), strict=True))
        story_docs = self._story_docs
        unread = [doc for _, doc in best if doc not in story_docs]
        if unread:
            marks = ",".join("?" * len(unread))
            story_docs.update(
                (r[0], (r[1], r[2], r[3]))
                for r in self.db.execute(
                    f"SELECT doc, article_id, features, day FROM docs WHERE doc IN ({marks})", unread  # noqa: S608
                )
            )
        found = []
        for _, doc in best:
            row = story_docs.get(doc)
            if row is None or abs(row[2] - day) > STORY_WINDOW_DAYS:
                continue
            article_id, text, other_day = row
            fingerprint = parsed.get(article_id) if parsed is not None else None
            if fingerprint is None:
                fingerprint = StoryFingerprint.from_text(text)
                if parsed is not None:
                    parsed[article_id] = fingerprint
            found.append(StoryCandidate(article_id, fingerprint, other_day))
        return found

    def drop_common_keys(self, keys: Sequence[int]) -> list[int]:
        """The posting keys without those held by more than max_key_postings articles (counted up to one
        more).

        The docs of every key kept are read in the same statement, one seek a key, and kept until the index
        changes (find_story_candidates counts them)."""
        common, key_docs = self.common_keys, self._key_docs
        unknown = [k for k in dict.fromkeys(keys) if k not in common and k not in key_docs]
        if unknown:
            values = ",".join(["(?)"] * len(unknown))
            for key, docs in self.db.execute(
                f"WITH k(key) AS (VALUES {values}) SELECT key, (SELECT group_concat(doc) FROM "  # noqa: S608
                "(SELECT doc FROM postings p WHERE p.key = k.key LIMIT ?)) FROM k",
                [*unknown, self.max_key_postings + 1],
            ):
                found = _NO_DOCS if docs is None else np.fromstring(docs, dtype=np.int64, sep=",")
                if len(found) > self.max_key_postings:
                    common.add(key)
                else:
                    key_docs[key] = found
        return [k for k in keys if k not in common]

    def lookup_signature(self, article_id: str) -> Signature | None:
        """The indexed signature of one article."""
        row = self.db.execute(
            "SELECT sig, shingles FROM docs WHERE doc = ?", [doc_number(article_id)]
        ).fetchone()
        return None if row is None else Signature.from_bytes(row[0], row[1])

    def lookup_state(self, article_id: str) -> tuple[str, str, datetime, Signature] | None:
        """One indexed article's current cluster_id, story_id, first_seen and signature."""
        row = self.lookup_row(article_id)
        if row is None:
            return None
        return row[0], row[1], row[2], Signature.from_bytes(row[3], row[4])

    def lookup_row(self, article_id: str) -> tuple[str, str, datetime, bytes, int] | None:
        """lookup_state with the signature as stored (bytes, shingles): most callers never unpack it."""
        row = self.db.execute(
            "SELECT cluster_id, story_id, first_seen, sig, shingles FROM docs "
            "WHERE doc = ? AND article_id = ?",
            [doc_number(article_id), article_id],
        ).fetchone()
        if row is None:
            return None
        return row[0], row[1], from_micros(row[2]), row[3], row[4]


def read_merges(con: duckdb.DuckDBPyConnection, after: int) -> list[tuple[int, str, str, str]]:
    """The (seq, kind, from_id, into_id) merges logged above a high water, in order."""
    try:
        return [
            (int(r[0]), str(r[1]), str(r[2]), str(r[3]))
            for r in con.execute(
                "SELECT seq, kind, from_id, into_id FROM dedup_merges WHERE seq > ? ORDER BY seq", [after]
            ).fetchall()
        ]
    except duckdb.CatalogException:  # a warehouse (or lake) without migration 0007
        return []


def complete_states(con: duckdb.DuckDBPyConnection, rows: Sequence[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Signature rows with their cluster, story and first_seen; rows written before 0007 read them from
    `articles` (literal ids: DuckDB 1.5 looks a literal IN list up in the primary key). Rows whose article is
    gone are dropped."""
    missing = [r[1] for r in rows if r[7] is None or r[8] is None or r[9] is None]
    states: dict[str, tuple[str, str, datetime]] = {}
    for start in range(0, len(missing), _STATE_CHUNK):
        ids = [i for i in missing[start : start + _STATE_CHUNK] if _HEX_ID.match(i)]
        others = [i for i in missing[start : start + _STATE_CHUNK] if not _HEX_ID.match(i)]
        query = (
            "SELECT article_id, coalesce(cluster_id, article_id), coalesce(story_id, article_id), first_seen "
            "FROM articles WHERE article_id IN "
        )
        found = con.execute(query + "(" + ",".join(f"'{i}'" for i in ids) + ")").fetchall() if ids else []
        if others:
            found += con.execute(query + "(SELECT unnest(?))", [others]).fetchall()
        states.update((r[0], (r[1], r[2], r[3])) for r in found)
    out = []
    for r in rows:
        if r[7] is not None and r[8] is not None and r[9] is not None:
            out.append(tuple(r))
        elif (state := states.get(r[1])) is not None:
            out.append((*r[:7], *state))
    return out


def open_index(con: duckdb.DuckDBPyConnection) -> DedupIndex:
    """Open the index beside this warehouse and bring it up to date with the committed dedup rows."""
    path = index_path_for(con)
    try:
        index = DedupIndex(path)
    except sqlite3.DatabaseError:  # damaged: it is derived, so start it again
        if path:
            for suffix in ("", "-wal", "-shm"):
                Path(path + suffix).unlink(missing_ok=True)
        index = DedupIndex(path)
    return _caught_up(index, con)


def _caught_up(index: DedupIndex, con: duckdb.DuckDBPyConnection) -> DedupIndex:
    """The index brought up to date with the committed dedup rows; closed if that fails (not left to the
    garbage collector with the file open)."""
    committed = con.cursor()  # a second connection: it sees committed rows only, never this transaction's
    try:
        index.catch_up(committed)
    except BaseException:
        index.close()
        raise
    finally:
        committed.close()
    return index


_OPEN: dict[tuple[str, int], tuple[DedupIndex, int]] = {}
_OPEN_LOCK = threading.Lock()
_MAX_OPEN = 4


def acquire_index(con: duckdb.DuckDBPyConnection) -> DedupIndex:
    """The index beside this warehouse, caught up, kept open for this thread's next batches.

    Closing a SQLite connection checkpoints its write-ahead log into the file, and reopening costs a few ms:
    the loading thread keeps its connection (one per file and thread; a file deleted or replaced since is
    reopened). An in-memory warehouse gets a fresh index each time, as open_index gives.
    """
    path = index_path_for(con)
    if path is None:
        return open_index(con)
    key = (path, threading.get_ident())
    with _OPEN_LOCK:
        cached = _OPEN.pop(key, None)
    if cached is not None:
        index, inode = cached
        try:
            current = os.stat(path).st_ino
        except FileNotFoundError:
            current = None
        if current == inode:
            _caught_up(index, con)
        else:
            index.close()
            cached = None
    if cached is None:
        index = open_index(con)
    with _OPEN_LOCK:
        _OPEN[key] = (index, os.stat(path).st_ino)
        evicted = [_OPEN.pop(k)[0] for k in list(_OPEN)[: max(0, len(_OPEN) - _MAX_OPEN)]]
    for old in evicted:  # least recently used first: a process loading many warehouses keeps a few open
        old.close()
    return index


def release_indexes() -> None:
    """Close the indexes acquire_index keeps open (tests, and a process about to delete index files)."""
    with _OPEN_LOCK:
        held = list(_OPEN.values())
        _OPEN.clear()
    for index, _ in held:
        index.close()


def rebuild_index(con: duckdb.DuckDBPyConnection) -> int:
    """Delete the index file and rebuild it from dedup_signatures and `articles`; returns the rows indexed."""
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
    """What the batch knows about an article: from this batch, the index, or (rarely) the warehouse."""

    article_id: str
    cluster_id: str
    story_id: str
    first_seen: datetime
    signature: Signature | None = None
    stored: tuple[bytes, int] | None = None  # the signature as the index holds it, unpacked on first use

    def signature_of(self) -> Signature | None:
        """The article's signature, unpacked from the index row on first use."""
        if self.signature is None and self.stored is not None:
            self.signature = Signature.from_bytes(*self.stored)
        return self.signature


@dataclass(slots=True)
class _Batch:
    """The in-transaction overlay: rows assigned in this batch are not in the index file yet."""

    con: duckdb.DuckDBPyConnection
    index: DedupIndex
    now: datetime
    known: dict[str, _Known] = field(default_factory=dict)
    texts: dict[str, tuple[str | None, str]] = field(default_factory=dict)
    bands: dict[int, list[str]] = field(default_factory=dict)
    postings: dict[int, list[str]] = field(default_factory=dict)
    fingerprints: dict[str, tuple[StoryFingerprint, int]] = field(default_factory=dict)
    candidate_fingerprints: dict[str, StoryFingerprint] = field(default_factory=dict)  # index rows parsed
    redirects: dict[tuple[str, str], str] = field(default_factory=dict)
    article_updates: dict[str, dict[str, Any]] = field(default_factory=dict)
    diffs: dict[str, str] = field(default_factory=dict)  # copy -> canonical copy: copy_diff computed at write
    stored_diffs: dict[str, str] = field(default_factory=dict)  # the same, for articles of earlier batches
    # Merges and the copy columns of earlier batches' articles they change, written together before anything
    # reads `articles` again (flush_writes): one statement each instead of a table scan per merge.
    merge_log: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, from_id, into_id), in order
    stored_copies: dict[str, tuple[str, float | None, float | None]] = field(default_factory=dict)
    signature_rows: list[tuple[str, bytes, int, list[str], int, bool]] = field(default_factory=list)
    new_clusters: list[str] = field(default_factory=list)
    new_stories: list[str] = field(default_factory=list)
    restarted_clusters: list[str] = field(default_factory=list)
    counts: DedupCounts = field(default_factory=DedupCounts)
    dry_run: bool = False
    keys: Mapping[str, DedupKeys] = field(default_factory=dict)  # precomputed by the parse workers, by article_id
    packed: dict[str, tuple[Signature, int]] = field(default_factory=dict)  # in-batch signatures, packed

    def pack(self, article_id: str, signature: Signature) -> int:
        """An in-batch article's signature packed (classify_packed), once."""
        cached = self.packed.get(article_id)
        if cached is None or cached[0] is not signature:
            cached = self.packed[article_id] = (signature, pack_signature(signature.to_bytes()))
        return cached[1]

    def fetch(self, article_id: str) -> _Known | None:
        """An article's current ids: from the batch, else the index (no DuckDB read), else the warehouse."""
        if article_id in self.known:
            return self.known[article_id]
        state = self.index.lookup_row(article_id)
        if state is not None:
            cluster_id, story_id, first_seen, stored, shingles = state
            known = _Known(
                article_id,
                self.resolve("cluster", cluster_id),
                self.resolve("story", story_id),
                first_seen,
                stored=(stored, shingles),
            )
        else:  # an article the index does not hold (loaded before its signature was kept): read it
            flush_writes(self)
            query = (
                "SELECT article_id, coalesce(cluster_id, article_id), coalesce(story_id, article_id), "
                "first_seen FROM articles WHERE article_id = "
            )
            if _HEX_ID.match(article_id):
                # A checked 16-hex-digit id written as a literal: DuckDB 1.5 uses the primary-key index for
                # one but scans the table for a bound parameter (3.8 ms at 20k rows against 0.3 ms, measured).
                row = self.con.execute(query + f"'{article_id}'").fetchone()
            else:
                row = self.con.execute(query + "?", [article_id]).fetchone()
            if row is None:
                return None
            known = _Known(*row)
        self.known[article_id] = known
        return known

    def resolve(self, kind: str, item: str) -> str:
        """A cluster or story id after the merges of this transaction that the index does not hold yet."""
        seen = {item}
        while (into := self.redirects.get((kind, item))) is not None and into not in seen:
            item = into
            seen.add(item)
        return item

    def add_pending(
        self, rows: Sequence[tuple[Any, ...]], merges: Sequence[tuple[int, str, str, str]]
    ) -> None:
        """Rows this transaction wrote in an earlier call, not committed: matched from memory, not indexed."""
        for _, kind, old, into in merges:
            self.redirects[(kind, old)] = into
        for _, article_id, minhash, shingles, features, day, is_copy, cluster_id, story_id, seen in rows:
            signature = Signature.from_bytes(minhash, shingles)
            cluster_id, story_id = self.resolve("cluster", cluster_id), self.resolve("story", story_id)
            self.known[article_id] = _Known(article_id, cluster_id, story_id, seen, signature)
            if shingles >= MIN_SHINGLES:
                for key in derive_band_keys(signature):
                    self.bands.setdefault(key, []).append(article_id)
            if not is_copy:
                fingerprint = StoryFingerprint(frozenset(features))
                for feature in select_retrieval_features(fingerprint):
                    self.postings.setdefault(derive_story_key(feature, day // 7), []).append(article_id)
                self.fingerprints[article_id] = (fingerprint, day)


def _read_pending(batch: _Batch) -> None:
    """Load into the overlay what this transaction wrote above the index's high water (usually nothing)."""
    rows = batch.con.execute(
        f"SELECT {_SIGNATURE_COLUMNS}, cluster_id, story_id, first_seen FROM dedup_signatures "  # noqa: S608
        "WHERE seq > ? AND scheme = ? ORDER BY seq",
        [batch.index.high_water, SCHEME],
    ).fetchall()
    merges = read_merges(batch.con, batch.index.merge_water)
    if rows or merges:
        batch.add_pending(complete_states(batch.con, rows), merges)


def assign_dedup(
    con: duckdb.DuckDBPyConnection,
    new: Sequence[tuple[str, Article, datetime]],
    revised: Sequence[tuple[str, Article, datetime]] = (),
    keys: Mapping[str, DedupKeys] | None = None,
) -> DedupCounts:
    """Give new articles their cluster and story, and refresh revised ones, inside the caller's transaction.

    `new` and `revised` are (article_id, article, fetched_at) of rows already written to `articles`; `keys` are
    signatures and fingerprints the parse workers computed, by article_id (the rest are computed here).
    """
    if not new and not revised:
        return DedupCounts()
    index = acquire_index(con)
    try:
        batch = _Batch(con=con, index=index, now=datetime.now(UTC), keys=keys or {})
        _read_pending(batch)
        for article_id, article, seen in new:
            _assign_new(batch, article_id, article, seen)
        if revised:
            flush_writes(batch)  # revisions read their current ids and copy columns from `articles`
        for article_id, article, seen in revised:
            _refresh_revision(batch, article_id, article, seen)
        _write_batch(batch)
    finally:
        if index.path == ":memory:":
            index.close()
    return batch.counts


def check_article(
    con: duckdb.DuckDBPyConnection, index: DedupIndex, article_id: str, article: Article, seen: datetime
) -> dict[str, Any]:
    """The cluster and story a new article would get, writing nothing (what `newsmon bench dedup` times).

    The decision reads the index only, never DuckDB. Merges it would cause are not run, and `copy_diff` stays
    None: loading computes it from the canonical copy's text, one read for the whole batch.
    """
    batch = _Batch(con=con, index=index, now=datetime.now(UTC), dry_run=True)
    _assign_new(batch, article_id, article, seen)
    return batch.article_updates[article_id]


def _assign_new(batch: _Batch, article_id: str, article: Article, seen: datetime) -> None:
    given = batch.keys.get(article_id)
    signature, fingerprint = resolve_dedup_keys(article, given)
    day = story_day(article, seen)
    # the index keys the parse worker derived, when its signature and fingerprint are the ones in use
    lookup = given.lookup if given is not None and given.signature is signature else None
    known = _Known(article_id, article_id, article_id, seen, signature)
    batch.texts[article_id] = (article.title, article.body)
    update: dict[str, Any] = {
        "cluster_id": article_id,
        "copy_of": None,
        "similarity": 1.0,
        "containment": 1.0,
        "copy_diff": None,
        "story_id": article_id,
        "story_score": None,
    }
    if lookup is not None:
        keys: Sequence[int] = lookup.band_keys
    else:
        keys = derive_band_keys(signature) if signature.shingles >= MIN_SHINGLES else []
    day_keys: Sequence[int] | None = None  # the story posting keys of its week, unless it is a copy
    copy = _find_copy(batch, article_id, signature, keys) if keys else None
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
        day_keys = _posting_keys(fingerprint, day, lookup)[1][day // 7]
        for key in day_keys:
            batch.postings.setdefault(key, []).append(article_id)
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
        )
        batch.diffs[article_id] = canonical.article_id
        batch.counts.copies += 1
    elif article_id not in batch.article_updates:
        batch.new_clusters.append(article_id)
        batch.counts.clusters += 1
        features, posting_keys = _posting_keys(fingerprint, day, lookup)
        story = _find_story(batch, article_id, fingerprint, day, features, posting_keys)
        if story is not None:
            known.story_id, score = story
            update.update(story_id=known.story_id, story_score=score)
            batch.counts.stories_joined += 1
        else:
            batch.new_stories.append(article_id)
            batch.counts.stories += 1
        day_keys = posting_keys[day // 7]
        for key in day_keys:
            batch.postings.setdefault(key, []).append(article_id)
        batch.fingerprints[article_id] = (fingerprint, day)
    for key in keys:
        batch.bands.setdefault(key, []).append(article_id)
    batch.known[article_id] = known
    batch.article_updates[article_id] = update
    row = (article_id, signature.to_bytes(), signature.shingles, sorted(fingerprint.features), day, copy is not None)
    batch.signature_rows.append(row)
    if not batch.dry_run:
        batch.index.remember_keys(article_id, row[1], row[3], day, keys, day_keys)


def _find_copy(
    batch: _Batch, article_id: str, signature: Signature, keys: Sequence[int]
) -> tuple[_Known, float, float] | None:
    """The canonical copy of the best-matching cluster, merging clusters the article bridges.

    Candidates are verified on packed signatures (classify_packed): the stored ones are never unpacked."""
    candidates: dict[str, tuple[bytes | Signature, int, int]] = {
        r[0]: (r[1], r[2], r[3]) for r in batch.index.find_copy_docs(keys)
    }
    for key in keys:
        for other in batch.bands.get(key, ()):
            sig = batch.known[other].signature_of()
            if sig is not None:
                candidates[other] = (sig, sig.shingles, batch.pack(other, sig))
    candidates.pop(article_id, None)
    matches = []
    packed, shingles = batch.pack(article_id, signature), signature.shingles
    for other, (_, other_shingles, other_packed) in candidates.items():
        copy, jaccard, _ = classify_packed(other_packed, other_shingles, packed, shingles)
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
    canonical_sig = canonical.signature_of() or batch.index.lookup_signature(canonical.article_id)
    if canonical_sig is None:
        stored, stored_shingles, _ = candidates[matches[0][1]]
        canonical_sig = Signature.from_bytes(stored, stored_shingles) if isinstance(stored, bytes) else stored
    jaccard = estimate_jaccard(canonical_sig, signature)
    return canonical, jaccard, estimate_containment(canonical_sig, signature, jaccard)


def _log_merge(batch: _Batch, kind: str, old: str, into: str) -> None:
    """Record a merge for the index and `articles` (written by flush_writes) and for the rest of this transaction
    (redirects)."""
    batch.merge_log.append((kind, old, into))
    batch.redirects[(kind, old)] = into


def compose_merges(merges: Iterable[tuple[str, str]]) -> dict[str, str]:
    """What a sequence of `SET id = into WHERE id = from` statements does to each id it changes, as one mapping."""
    final: dict[str, str] = {}
    for old, into in merges:
        for start, current in final.items():
            if current == old:
                final[start] = into
        final.setdefault(old, into)
    return {start: current for start, current in final.items() if start != current}


def flush_writes(batch: _Batch) -> None:
    """Write the merges logged since the last flush: dedup_merges rows in order, the merged clusters' and stories'
    lineage, the ids of every article they move, and the copy columns of earlier batches' articles they changed.

    The same rows as one UPDATE per merge would give (compose_merges), one statement per table: an
    `UPDATE articles ... WHERE story_id = ?` scans the whole table, once per merge before.
    """
    if batch.dry_run or (not batch.merge_log and not batch.stored_copies):
        return
    con, log = batch.con, batch.merge_log
    if log:
        con.executemany(  # one row at a time, in order: seq numbers follow the merges (the index replays them)
            "INSERT INTO dedup_merges (kind, from_id, into_id, merged_at) VALUES (?, ?, ?, ?)",
            [[kind, old, into, batch.now] for kind, old, into in log],
        )
    for kind, table, column in (("cluster", "dedup_clusters", "cluster_id"), ("story", "dedup_stories", "story_id")):
        pairs = [(old, into) for k, old, into in log if k == kind]
        if not pairs:
            continue
        lineage = dict(pairs)  # a merged id's last merge says where it went
        con.execute(
            f"UPDATE {table} SET merged_into = m.into_id, merged_at = $1 "  # noqa: S608 - fixed identifiers
            f"FROM (SELECT unnest($2::VARCHAR[]) AS from_id, unnest($3::VARCHAR[]) AS into_id) m "
            f"WHERE {table}.{column} = m.from_id",
            [batch.now, list(lineage), list(lineage.values())],
        )
        moved = compose_merges(pairs)
        if moved:
            con.execute(
                f"UPDATE articles SET {column} = m.into_id "  # noqa: S608 - fixed identifiers
                f"FROM (SELECT unnest(?::VARCHAR[]) AS from_id, unnest(?::VARCHAR[]) AS into_id) m "
                f"WHERE articles.{column} = m.from_id",
                [list(moved), list(moved.values())],
            )
    if batch.stored_copies:
        ids = list(batch.stored_copies)
        values = list(batch.stored_copies.values())
        only = f" AND articles.article_id IN ({_id_list(ids)})" if all(_HEX_ID.match(i) for i in ids) else ""
        con.execute(
            "UPDATE articles SET copy_of = u.copy_of, similarity = u.similarity, "  # noqa: S608 - checked ids
            "containment = u.containment FROM (SELECT unnest(?::VARCHAR[]) AS id, unnest(?::VARCHAR[]) AS copy_of, "
            "unnest(?::DOUBLE[]) AS similarity, unnest(?::DOUBLE[]) AS containment) u "
            "WHERE articles.article_id = u.id" + only,
            [ids, [v[0] for v in values], [v[1] for v in values], [v[2] for v in values]],
        )
    batch.merge_log = []
    batch.stored_copies = {}


def _merge_clusters(batch: _Batch, canonicals: list[_Known]) -> _Known:
    """Keep the cluster whose canonical copy was seen first; merge the others into it, lineage recorded."""
    canonicals.sort(key=lambda k: (k.first_seen, k.article_id))
    survivor = canonicals[0]
    for loser in [] if batch.dry_run else canonicals[1:]:
        batch.counts.merges += 1
        _log_merge(batch, "cluster", loser.cluster_id, survivor.cluster_id)
        for pending in batch.article_updates.values():
            if pending["cluster_id"] == loser.cluster_id:
                pending["cluster_id"] = survivor.cluster_id
        for known in batch.known.values():
            if known.cluster_id == loser.cluster_id:
                known.cluster_id = survivor.cluster_id
        loser_sig = loser.signature_of() or batch.index.lookup_signature(loser.article_id)
        survivor_sig = survivor.signature_of() or batch.index.lookup_signature(survivor.article_id)
        values: dict[str, Any] = {"cluster_id": survivor.cluster_id, "copy_of": survivor.article_id}
        if loser_sig is not None and survivor_sig is not None:
            values["similarity"] = estimate_jaccard(survivor_sig, loser_sig)
            values["containment"] = estimate_containment(survivor_sig, loser_sig, values["similarity"])
        if loser.article_id in batch.article_updates:
            batch.article_updates[loser.article_id].update(values)
            batch.diffs[loser.article_id] = survivor.article_id
        else:
            batch.stored_copies[loser.article_id] = (
                values["copy_of"], values.get("similarity"), values.get("containment")
            )
            batch.stored_diffs[loser.article_id] = survivor.article_id
        if loser.story_id != survivor.story_id:
            _merge_stories(batch, [survivor, loser])
    return survivor


def _posting_keys(
    fingerprint: StoryFingerprint, day: int, lookup: LookupKeys | None
) -> tuple[Sequence[str], Mapping[int, Sequence[int]]]:
    """The retrieval features and, for every week around day (day // 7 among them), their posting keys in
    feature order: as the parse worker derived them when it knew the day, else derived here."""
    if lookup is not None and lookup.day == day and lookup.posting_keys is not None:
        return lookup.retrieval, lookup.posting_keys
    features = lookup.retrieval if lookup is not None else select_retrieval_features(fingerprint)
    return features, derive_posting_keys(features, day)


def _window_keys(posting_keys: Mapping[int, Sequence[int]], day: int) -> list[int]:
    """The posting keys (by week, as derive_posting_keys gives them) of every week the story window around day
    touches, as one list: candidates are counted, so the order does not matter."""
    return [key for week in story_weeks(day) for key in posting_keys[week]]


def _find_story(
    batch: _Batch,
    article_id: str,
    fingerprint: StoryFingerprint,
    day: int,
    features: Sequence[str],
    posting_keys: Mapping[int, Sequence[int]],
) -> tuple[str, float] | None:
    """The story this article tells, if an earlier account is in the window; merges stories it bridges.

    `features` are the fingerprint's retrieval features and `posting_keys` their keys in the weeks around `day`.
    """
    if len(features) < 2:
        return None
    keys = _window_keys(posting_keys, day)
    candidates = {
        c.article_id: (c.fingerprint, c.day)
        for c in batch.index.find_story_candidates(
            features, day, keys=keys, parsed=batch.candidate_fingerprints
        )
    }
    hits: dict[str, int] = {}
    common = batch.index.common_keys  # the keys find_story_candidates found too common: skipped here as well
    for key in keys:
        if key in common:
            continue
        for other in batch.postings.get(key, ()):
            hits[other] = hits.get(other, 0) + 1
    in_batch = [(n, other) for other, n in hits.items()
                if n >= 2 and abs(batch.fingerprints[other][1] - day) <= STORY_WINDOW_DAYS]
    for _, other in heapq.nlargest(_MAX_STORY_CANDIDATES, in_batch):  # as many as the index query returns
        candidates[other] = batch.fingerprints[other]
    candidates.pop(article_id, None)
    matches = []
    for other, (other_fp, _) in candidates.items():
        score = match_story(other_fp, fingerprint)
        if score is not None:
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
        _log_merge(batch, "story", old, survivor.story_id)
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
    signature, fingerprint = resolve_dedup_keys(article, batch.keys.get(article_id))
    batch.texts[article_id] = (article.title, article.body)
    update: dict[str, Any] = {"cluster_id": cluster_id, "copy_of": copy_of, "story_id": story_id}
    if copy_of is not None and (canonical := batch.fetch(copy_of)) is not None:
        canonical_sig = canonical.signature_of() or batch.index.lookup_signature(copy_of)
        if canonical_sig is not None:
            copy, jaccard, containment = classify_copy(canonical_sig, signature)
            update.update(similarity=jaccard, containment=containment)
            batch.diffs[article_id] = copy_of
            if not copy:  # the edit made it a text of its own: it leaves the cluster, lineage kept in copy_of
                update.update(cluster_id=article_id, copy_of=None)
                batch.restarted_clusters.append(article_id)
    batch.known[article_id] = _Known(article_id, update["cluster_id"], story_id, first_seen, signature)
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


def _id_list(ids: Iterable[str]) -> str:
    """Checked 16-hex-digit ids as an SQL literal list (DuckDB 1.5 looks those up in the primary key)."""
    return ",".join(f"'{i}'" for i in ids if _HEX_ID.match(i))


def _read_texts(batch: _Batch, ids: set[str]) -> dict[str, tuple[str | None, str]]:
    """Titles and bodies of the articles a batch's diffs need: from memory, else one read for all of them."""
    texts = {i: batch.texts[i] for i in ids if i in batch.texts}
    missing = ids - texts.keys()
    hex_ids = [i for i in missing if _HEX_ID.match(i)]
    rows = []
    if hex_ids:
        rows += batch.con.execute(
            f"SELECT article_id, title, body FROM articles WHERE article_id IN ({_id_list(hex_ids)})"  # noqa: S608
        ).fetchall()
    if len(hex_ids) < len(missing):
        rows += batch.con.execute(
            "SELECT article_id, title, body FROM articles WHERE article_id IN (SELECT unnest(?))",
            [[i for i in missing if not _HEX_ID.match(i)]],
        ).fetchall()
    texts.update((r[0], (r[1], r[2])) for r in rows)
    return texts


def _compute_diffs(batch: _Batch) -> None:
    """copy_diff of every copy the batch made, against its canonical copy (one read of the stored texts)."""
    pairs = {**batch.diffs, **batch.stored_diffs}
    if not pairs:
        return
    texts = _read_texts(batch, set(pairs) | set(pairs.values()))
    stored: dict[str, str] = {}
    for target, canonical in pairs.items():
        if target not in texts or canonical not in texts:
            continue
        (old_title, old_body), (title, body) = texts[canonical], texts[target]
        diff = json.dumps(diff_copy(old_title, old_body, title, body), ensure_ascii=False)
        if target in batch.diffs:
            batch.article_updates[target]["copy_diff"] = diff
        else:
            stored[target] = diff
    if stored:  # earlier batches' articles a merge made copies: one statement for all of them
        only = f" AND articles.article_id IN ({_id_list(stored)})" if all(map(_HEX_ID.match, stored)) else ""
        batch.con.execute(
            "UPDATE articles SET copy_diff = u.diff::JSON FROM (SELECT unnest(?::VARCHAR[]) AS id, "  # noqa: S608
            "unnest(?::VARCHAR[]) AS diff) u WHERE articles.article_id = u.id" + only,
            [list(stored), list(stored.values())],
        )


def _write_batch(batch: _Batch) -> None:
    """The batch's rows: signatures, new clusters and stories, the articles' dedup columns (bulk statements).

    Bulk values go through Arrow tables: DuckDB's conversion of bound Python lists of BLOBs and lists costs
    ~10 ms a row (measured), an Arrow table a few microseconds.
    """
    from warehouse.load import insert_columns  # warehouse.load calls this module: import here, not at the top

    con = batch.con
    flush_writes(batch)
    _compute_diffs(batch)
    if batch.signature_rows:
        rows = batch.signature_rows
        updates = [batch.article_updates[r[0]] for r in rows]
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
                "cluster_id": [u["cluster_id"] for u in updates],
                "story_id": [u["story_id"] for u in updates],
                "first_seen": [batch.known[r[0]].first_seen for r in rows],
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
        # With the ids also written as literals, DuckDB finds the rows through the primary key instead of
        # joining the whole table (measured: 9 against 11 ms for 50 rows at 100k articles).
        only = f" AND articles.article_id IN ({_id_list(ids)})" if all(_HEX_ID.match(i) for i in ids) else ""
        con.register("_newsmon_dedup_updates", updates)
        try:
            con.execute(
                "UPDATE articles SET cluster_id = u.cluster_id, copy_of = u.copy_of, "  # noqa: S608
                "similarity = u.similarity, "
                "containment = u.containment, copy_diff = u.copy_diff::JSON, story_id = u.story_id, "
                "story_score = u.story_score FROM _newsmon_dedup_updates u WHERE articles.article_id = u.id"
                + only
            )
        finally:
            con.unregister("_newsmon_dedup_updates")
