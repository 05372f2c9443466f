"""Benchmark the dedup index at scale: generate N synthetic articles (some syndicated copies), time checks.

The corpus is invented text: a Zipf vocabulary of lower-case words, capitalised names and figures drawn
from pools, 20% of articles being edited copies of an earlier one. Every stored article goes through the real
fingerprint code (parsers.dedup) and the real index (warehouse.dedup); only the bulk write skips the per-batch
assignment, so building 1M articles takes minutes, not hours. The timed part runs in a fresh process, so its
peak RSS is that of a process checking articles against a 1M index, not of the corpus builder.
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

COPY_SHARE = 0.2
_BASE = datetime(2023, 1, 2, tzinfo=UTC)
_SPAN_DAYS = 1095
_CHUNK = 5_000
_LOAD_BATCH = 50
_LOAD_BATCHES = 10
_WORDS = [
    f"{a}{b}"
    for a in ("ba", "ko", "mi", "te", "ru", "sa", "lo", "pe", "di", "nu", "ga", "vo")
    for b in (
        "rn",
        "st",
        "l",
        "m",
        "nd",
        "x",
        "th",
        "ck",
        "p",
        "ss",
        "ng",
        "v",
        "ft",
        "rd",
        "lk",
        "mb",
        "sh",
        "ch",
        "z",
        "n",
    )
]
_CUM_WEIGHTS = list(accumulate(1 / (i + 1) for i in range(len(_WORDS))))
_FIRST = [
    "Alice",
    "Boris",
    "Chidi",
    "Dana",
    "Emre",
    "Fiona",
    "Goran",
    "Hana",
    "Ivo",
    "Jana",
    "Kofi",
    "Lena",
    "Milo",
    "Nia",
    "Oren",
    "Pia",
    "Quinn",
    "Rosa",
    "Sven",
    "Tara",
]
_LAST = [
    "Abbot",
    "Bexley",
    "Carrow",
    "Dunmore",
    "Elwood",
    "Farrant",
    "Gilmore",
    "Harrow",
    "Ingram",
    "Jessop",
    "Kettle",
    "Lowry",
    "Marden",
    "Norcott",
    "Osgood",
    "Pryor",
    "Quarles",
    "Rendell",
    "Stroud",
    "Tilney",
]


def _paragraphs(i: int) -> list[str]:
    """The text of synthetic article i (deterministic: any process can regenerate it)."""
    rng = random.Random(i * 7919 + 1)
    people = [f"{rng.choice(_FIRST)} {rng.choice(_LAST)}" for _ in range(3)]
    figures = [f"{rng.randint(1, 99)},{rng.randint(0, 999):03d}" for _ in range(2)]
    paras = []
    for p in range(rng.randint(5, 8)):
        words = rng.choices(_WORDS, cum_weights=_CUM_WEIGHTS, k=rng.randint(18, 32))
        if p < 3:
            words.insert(rng.randrange(len(words)), people[p])
        if p in (1, 4):
            words.insert(rng.randrange(len(words)), figures[p // 4])
        paras.append(" ".join(words).capitalize() + ".")
    return paras


def _source_of(i: int) -> int | None:
    """The earlier original article i copies, or None when i is an original."""
    if i == 0 or random.Random(i).random() >= COPY_SHARE:
        return None
    rng = random.Random(-i)
    for _ in range(50):
        j = max(0, i - rng.randint(1, 2000))
        if _source_of_is_original(j):
            return j
    return None


def _source_of_is_original(j: int) -> bool:
    return j == 0 or random.Random(j).random() >= COPY_SHARE


def synthetic_body(i: int) -> tuple[str, int | None]:
    """Body of article i, and the original it is an edited copy of."""
    source = _source_of(i)
    if source is None:
        return "\n\n".join(_paragraphs(i)), None
    paras = _paragraphs(source)
    rng = random.Random(i * 31)
    edit = rng.randrange(3)
    if edit == 0 and len(paras) > 5:
        paras.pop()
    elif edit == 1:
        paras.append(f"The {rng.choice(_LAST)} Gazette has asked for comment.")
    else:
        k = rng.randrange(len(paras))
        paras[k] = paras[k].replace(" ", " very ", 1)
    return "\n\n".join(paras), source


def synthetic_article(i: int) -> tuple[Any, int | None, datetime]:
    """An Article record for synthetic article i, its source, and when it was seen."""
    from parsers.records import Article
    from parsers.urls import hash_text

    body, source = synthetic_body(i)
    seen = _BASE + timedelta(days=_SPAN_DAYS * i / max(1, _TOTAL), minutes=i % 60)
    url = f"http://outlet{i % 40}.example/news/{i}"
    article = Article(
        url=url,
        canonical_url=url,
        title=f"Story {source if source is not None else i}",
        authors=(),
        published_at=seen,
        published_at_source="feed",
        language="en",
        outlet=f"Outlet {i % 40}",
        status="full",
        status_reason=None,
        body=body,
        body_hash=hash_text(body),
        relevance=0.8,
        relevance_evidence=(),
    )
    return article, source, seen


_TOTAL = 1_000_000


def _init_worker(total: int) -> None:
    global _TOTAL
    _TOTAL = total


def _build_chunk(bounds: tuple[int, int]) -> dict[str, list[Any]]:
    """Articles [start, stop): rows and fingerprints, computed with the real parsers.dedup code."""
    from parsers.dedup import compute_signature, fingerprint_story, story_day
    from parsers.urls import derive_article_id

    out: dict[str, list[Any]] = {
        k: []
        for k in (
            "article_id",
            "canonical_url",
            "url",
            "title",
            "authors",
            "published_at",
            "published_at_source",
            "outlet",
            "status",
            "body",
            "body_hash",
            "relevance",
            "relevance_evidence",
            "first_seen",
            "last_seen",
            "revision",
            "cluster_id",
            "story_id",
            "similarity",
            "copy_of",
            "minhash",
            "shingles",
            "story_features",
            "story_day",
            "is_copy",
        )
    }
    for i in range(*bounds):
        article, source, seen = synthetic_article(i)
        article_id = derive_article_id(article.canonical_url)
        signature = compute_signature(article.body)
        cluster = (
            derive_article_id(f"http://outlet{source % 40}.example/news/{source}")
            if source is not None
            else article_id
        )
        row = {
            "article_id": article_id,
            "canonical_url": article.canonical_url,
            "url": article.url,
            "title": article.title,
            "authors": [],
            "published_at": seen,
            "published_at_source": "feed",
            "outlet": article.outlet,
            "status": "full",
            "body": article.body,
            "body_hash": article.body_hash,
            "relevance": 0.8,
            "relevance_evidence": [],
            "first_seen": seen,
            "last_seen": seen,
            "revision": 1,
            "cluster_id": cluster,
            "story_id": cluster,
            "similarity": 1.0 if source is None else None,
            "copy_of": None if source is None else cluster,
            "minhash": signature.to_bytes(),
            "shingles": signature.shingles,
            "story_features": sorted(fingerprint_story(article).features),
            "story_day": story_day(article, seen),
            "is_copy": source is not None,
        }
        for key, value in row.items():
            out[key].append(value)
    return out


def build_corpus(db: Path, articles: int, workers: int) -> float:
    """Create the warehouse and its index with `articles` synthetic articles; returns the seconds taken."""
    import pyarrow as pa

    from warehouse.db import connect, ensure_schema, transaction
    from warehouse.dedup import open_index
    from warehouse.load import insert_columns
    from warehouse.state import start_run

    started = time.perf_counter()
    ensure_schema(db)
    with connect(db) as con:
        start_run(con, "bench", "bench", datetime.now(UTC))
    article_cols = (
        "article_id",
        "canonical_url",
        "url",
        "title",
        "authors",
        "published_at",
        "published_at_source",
        "outlet",
        "status",
        "body",
        "body_hash",
        "relevance",
        "relevance_evidence",
        "first_seen",
        "last_seen",
        "revision",
        "cluster_id",
        "story_id",
        "similarity",
        "copy_of",
    )
    bounds = [(s, min(articles, s + _CHUNK)) for s in range(0, articles, _CHUNK)]
    with (
        ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(articles,)) as pool,
        connect(db) as con,
    ):
        for n, chunk in enumerate(pool.map(_build_chunk, bounds)):
            with transaction(con):
                insert_columns(con, "articles", {k: chunk[k] for k in article_cols})
                insert_columns(
                    con,
                    "dedup_signatures",
                    {
                        "article_id": chunk["article_id"],
                        "scheme": [_scheme()] * len(chunk["article_id"]),
                        "minhash": pa.array(chunk["minhash"], pa.binary()),
                        "shingles": chunk["shingles"],
                        "story_features": pa.array(chunk["story_features"], pa.list_(pa.string())),
                        "story_day": chunk["story_day"],
                        "is_copy": chunk["is_copy"],
                        "computed_at": [datetime.now(UTC)] * len(chunk["article_id"]),
                    },
                )
            if n % 10 == 0:
                print(
                    f"  built {bounds[n][1]:,} articles ({time.perf_counter() - started:.0f} s)",
                    file=sys.stderr,
                )
        with transaction(con):
            con.execute(
                "INSERT INTO dedup_clusters SELECT article_id, article_id, first_seen, NULL, NULL "
                "FROM articles WHERE copy_of IS NULL ON CONFLICT DO NOTHING"
            )
            con.execute(
                "INSERT INTO dedup_stories SELECT article_id, article_id, first_seen, NULL, NULL "
                "FROM articles WHERE copy_of IS NULL ON CONFLICT DO NOTHING"
            )
        con.execute("CHECKPOINT")
        print("  indexing ...", file=sys.stderr)
        open_index(con).close()
    return time.perf_counter() - started


def _scheme() -> str:
    from parsers.dedup import SCHEME

    return SCHEME


def read_peak_rss_mb() -> float:
    """This process's peak resident memory in MB.

    VmHWM from /proc where there is one: Linux carries ru_maxrss over exec, so a measuring process started by
    the 1.7 GB corpus builder would report the builder's peak (the 1.4 GB once quoted here was that).
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(db: Path, articles: int, queries: int) -> dict[str, Any]:
    """Time checks of new articles (half copies of stored ones) against the index; run in a fresh process."""
    import warehouse.load as load_module
    from parsers.dedup import compute_signature, fingerprint_story
    from parsers.urls import derive_article_id
    from warehouse.db import connect, transaction
    from warehouse.dedup import check_article, open_index
    from warehouse.load import PageResult, upsert_articles

    _init_worker(articles)
    rng = random.Random(99)
    copies = [rng.randrange(articles) for _ in range(queries // 2)]
    timings: dict[str, list[float]] = {
        "check_unique": [],
        "check_copy": [],
        "signature": [],
        "fingerprint": [],
    }
    found = 0
    with connect(db) as con:
        index = open_index(con)
        for q in range(queries):
            if q % 2:
                i = copies[q // 2]
                article, _, seen = synthetic_article(i)
                article = _edited(article, q)
                kind = "check_copy"
            else:
                article, _, seen = synthetic_article(articles + 10 * q + 7)
                seen = seen - timedelta(days=5)
                kind = "check_unique"
            t = time.perf_counter()
            compute_signature(article.body)
            timings["signature"].append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            fingerprint_story(article)
            timings["fingerprint"].append((time.perf_counter() - t) * 1000)
            new_id = derive_article_id(f"http://bench.example/{q}")
            t = time.perf_counter()
            decision = check_article(con, index, new_id, article, seen)
            timings[kind].append((time.perf_counter() - t) * 1000)
            found += kind == "check_copy" and decision["copy_of"] is not None
        index.close()
        rss_checks = read_peak_rss_mb()
        # The real load path: 50-article batches through upsert_articles (insert, dedup, one transaction),
        # a third of them copies of stored articles; assign_dedup (the dedup share) is timed on its own too.
        batch_ms: list[float] = []
        assign_ms: list[float] = []
        assign_cpu_ms: list[float] = []
        real_assign = load_module.assign_dedup

        def timed_assign(*args: Any, **kwargs: Any) -> Any:
            t, c = time.perf_counter(), time.process_time()
            try:
                return real_assign(*args, **kwargs)
            finally:
                assign_ms.append((time.perf_counter() - t) * 1000)
                assign_cpu_ms.append((time.process_time() - c) * 1000)

        load_module.assign_dedup = timed_assign
        run = time.time_ns()  # fresh URLs each run on a reused warehouse: new articles, not duplicates
        for b in range(_LOAD_BATCHES + 2):  # the first two batches warm up imports and caches, not counted
            pages = []
            for k in range(_LOAD_BATCH):
                i = rng.randrange(articles) if k % 3 == 0 else articles + 100_000 + b * _LOAD_BATCH + k
                article, _, seen = synthetic_article(i)
                url = f"http://load.example/{run}/{b}/{k}"
                article = _edited(article, b * _LOAD_BATCH + k, url=url)
                pages.append(
                    PageResult(
                        article=article, fetched_url=url, feed_id=None, entry_sig=None, fetched_at=seen
                    )
                )
            t = time.perf_counter()
            with transaction(con):
                upsert_articles(con, pages, "bench")
            if b < 2:
                assign_ms.clear()
                assign_cpu_ms.clear()
            else:
                batch_ms.append((time.perf_counter() - t) * 1000)
        load_module.assign_dedup = real_assign
    result: dict[str, Any] = {
        k: {"median_ms": round(statistics.median(v), 3), "p95_ms": round(_percentile(v, 0.95), 3)}
        for k, v in timings.items()
    }
    checks = timings["check_unique"] + timings["check_copy"]
    result["check_all"] = {
        "median_ms": round(statistics.median(checks), 3),
        "p95_ms": round(_percentile(checks, 0.95), 3),
    }
    result["copies_found"] = f"{found}/{len(timings['check_copy'])}"
    result["load_batch"] = {
        "size": _LOAD_BATCH,
        "median_ms": round(statistics.median(batch_ms), 1),
        "per_article_ms": round(statistics.median(batch_ms) / _LOAD_BATCH, 2),
        "assign_per_article_ms": round(statistics.median(assign_ms) / _LOAD_BATCH, 2),
        "assign_cpu_per_article_ms": round(statistics.median(assign_cpu_ms) / _LOAD_BATCH, 2),
    }
    result["peak_rss_checks_mb"] = round(rss_checks, 1)
    result["peak_rss_mb"] = round(read_peak_rss_mb(), 1)
    return result


def _edited(article: Any, q: int, url: str | None = None) -> Any:
    """A re-syndicated copy: same text with one more line, at another URL."""
    from dataclasses import replace

    from parsers.urls import hash_text

    body = article.body + f"\n\nThis copy was republished by outlet {q}."
    url = url or f"http://bench.example/{q}"
    return replace(article, url=url, canonical_url=url, body=body, body_hash=hash_text(body))


def run_dedup_bench(
    articles: int, db: Path | None = None, queries: int = 2000, workers: int | None = None
) -> str:
    """Build (or reuse) a warehouse of synthetic articles, time checks in a fresh process, report."""
    workdir = None
    if db is None:
        workdir = Path(tempfile.mkdtemp(prefix="newsmon-bench-dedup-"))
        db = workdir / "bench.duckdb"
    try:
        built = None
        if not db.exists():
            built = build_corpus(db, articles, workers or os.cpu_count() or 1)
        code = (
            "import json, sys; from pathlib import Path; from flows.bench_dedup import measure; "
            f"print(json.dumps(measure(Path({str(db)!r}), {articles}, {queries})))"
        )
        proc = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=False,
            cwd=Path(__file__).resolve().parent.parent,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"bench dedup: measuring failed: {proc.stderr.strip().splitlines()[-1:]}")
        figures = json.loads(proc.stdout.strip().splitlines()[-1])
        return render_report(articles, queries, figures, built, db)
    finally:
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)


def render_report(articles: int, queries: int, figures: dict[str, Any], built: float | None, db: Path) -> str:
    """The bench's figures as a few lines of text."""
    index = Path(f"{db}.dedup.sqlite")
    lines = [
        f"newsmon bench dedup: {articles:,} stored articles ({COPY_SHARE:.0%} syndicated copies), "
        f"{queries:,} checks (half are copies)"
    ]
    if built is not None:
        lines.append(f"  corpus built in {built:.0f} s")
    if db.exists():
        lines.append(
            f"  warehouse {db.stat().st_size / 1e6:,.0f} MB; index beside it "
            f"{index.stat().st_size / 1e6 if index.exists() else 0:,.0f} MB"
        )
    for key, label in (
        ("check_all", "check a new article (lookup + decision)"),
        ("check_unique", "  of which: no copy found"),
        ("check_copy", "  of which: copy found"),
        ("signature", "MinHash signature"),
        ("fingerprint", "story fingerprint"),
    ):
        v = figures[key]
        lines.append(f"  {label:<42} median {v['median_ms']:.3f} ms   p95 {v['p95_ms']:.3f} ms")
    lines.append(f"  copies found by the check: {figures['copies_found']}")
    lb = figures["load_batch"]
    lines.append(
        f"  upsert_articles batch of {lb['size']} (insert + dedup): median {lb['median_ms']:.1f} ms "
        f"({lb['per_article_ms']:.2f} ms an article)"
    )
    lines.append(
        f"    of which assign_dedup: {lb['assign_per_article_ms']:.2f} ms an article "
        f"({lb['assign_cpu_per_article_ms']:.2f} ms CPU)"
    )
    lines.append(
        f"  peak RSS of the checking process: {figures['peak_rss_checks_mb']:.0f} MB after the checks, "
        f"{figures['peak_rss_mb']:.0f} MB after the upsert batches"
    )
    return "\n".join(lines)
