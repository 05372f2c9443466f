"""`newsmon bench warehouse`: a synthetic warehouse of N articles, then every docs/analysts.md query timed (median)."""

from __future__ import annotations

import os
import platform
import re
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from flows.settings import PROJECT_ROOT
from warehouse.db import connect, ensure_schema, load_extension
from warehouse.fts import refresh_search_index

ANALYSTS_DOC = PROJECT_ROOT / "docs" / "analysts.md"
_SQL_BLOCK = re.compile(r"```sql\n(.*?)```", re.S)
_QUESTION = re.compile(r"^--\s*(Q\d+)\.?\s*(.*)$", re.M)

# Fictional people, outlets and places: synthetic quotes are never put in real people's mouths.
FIRST_NAMES = ["Alex", "Sam", "Jo", "Chris", "Priya", "Tom", "Aisha", "Ben", "Fatima", "Dan", "Grace", "Omar",
               "Lucy", "Raj", "Emma", "Kwame", "Sophie", "Liam", "Nadia", "Owen"]
SURNAMES = ["Ashdown", "Barraclough", "Caldwell", "Dunmore", "Ellery", "Fairbank", "Garside", "Holloway",
            "Inchley", "Jessop", "Kettering", "Lowther", "Marchbank", "Northcott", "Ormerod"]
# Role texts by speaker rank: the most quoted people are ministers and shadow ministers, as in real coverage.
ROLES = ["the Home Secretary", "the immigration minister", "the Prime Minister", "the shadow home secretary",
         "Leader of the Opposition", "the Reform UK leader", "Labour MP", "Conservative MP",
         "Liberal Democrat home affairs spokesperson", "a Home Office spokesperson", "chief executive of a refugee charity",
         "a campaigner for migrants' rights", "an asylum seeker who crossed the Channel", "a migrant worker",
         "director of a migration research institute", "a Border Force officer", "a local resident", "an immigration lawyer"]
ORGS = ["Home Office", "Border Force", "ECHR", "Refugee Council", "Migration Observatory", "Office for National Statistics",
        "National Crime Agency", "Care4Calais", "Reform UK", "Labour", "Conservatives", "European Court of Human Rights",
        "United Nations", "Immigration Enforcement", "House of Commons"]
PLACES = ["Dover", "Calais", "Kent", "London", "Manston", "Dunkirk", "Rwanda", "Albania", "France", "Birmingham",
          "Manchester", "Glasgow", "Belfast", "Cardiff", "Folkestone"]
TOPICS = ["asylum", "small-boats", "deportation", "detention", "visas", "net-migration", "asylum-hotels", "echr",
          "border-security", "integration", "citizenship", "illegal-working"]
UNITS = ["people", "people", "people", "percent", "GBP", "boats", "count"]
SUBJECTS = ["foreign criminals awaiting deportation", "people crossing the Channel in small boats",
            "asylum seekers in hotels", "asylum applications", "people removed", "net migration",
            "visa applications", "cost of asylum hotels", "asylum claims refused", "people in detention",
            "returns to Albania", "small boats intercepted"]
SOURCES = ["Home Office figures", "Office for National Statistics", "Migration Observatory", "the National Audit Office",
           None, None]
VOCABULARY = 30_000
PARAGRAPHS = 20_000
COMMON_WORDS = ("said year week told new government people last time first two three many including month day "
                "number country officials public local national plans according further statement").split()
WORDS = ("asylum migrants small boats channel crossing deportation removal foreign criminals home office government "
         "minister policy border force hotels accommodation claims appeal tribunal court human rights convention "
         "returns agreement france kent dover beaches people smugglers gangs crackdown figures statistics rise fall "
         "record year month week backlog caseworkers detention centre immigration rules visa workers students "
         "families children unaccompanied councils housing costs taxpayers billion million funding plan scheme "
         "rwanda albania safe legal routes refugees resettlement integration citizenship votes election poll voters "
         "party leader shadow opposition labour conservative reform liberal democrats parliament bill vote law "
         "lawyers judges ruling injunction flights charter removal centre overcrowding inspectors report "
         "conditions deaths drowning rescue lifeboat coastguard navy patrols cooperation europe treaty").split()


@dataclass(frozen=True, slots=True)
class QueryTiming:
    """One documented example query, timed."""

    question: str
    title: str
    median_ms: float
    cpu_ms: float  # median CPU time of this process (all threads): what the query costs, whatever else runs
    rows: int


def extract_sql_blocks(markdown: str) -> list[tuple[str, str, str]]:
    """Every ```sql block of a Markdown file, as (question id, question, sql); blocks without '-- Qn.' are 'Q?'."""
    blocks = []
    for match in _SQL_BLOCK.finditer(markdown):
        sql = match.group(1).strip()
        head = _QUESTION.search(sql)
        blocks.append((head.group(1), head.group(2).strip(), sql) if head else ("Q?", "", sql))
    return blocks


def _list_literal(values: list[str | None]) -> str:
    return "[" + ", ".join("NULL" if v is None else "'" + v.replace("'", "''") + "'" for v in values) + "]"


def _generation_sql(articles: int) -> list[str]:
    """The statements that fill a migrated warehouse with synthetic data (DuckDB SQL only: fast)."""
    names = [f"{f} {s}" for s in SURNAMES for f in FIRST_NAMES][:300]
    outlets = [f"The {a} {b}" for a in ("Daily", "Evening", "Morning", "Sunday") for b in
               ("Ledger", "Courier", "Herald", "Post", "Chronicle", "Gazette", "Standard", "Times", "Echo", "Record")]
    lists = {
        "names": names, "outlets": outlets, "roles": ROLES, "orgs": ORGS, "places": PLACES, "topics": TOPICS,
        "units": UNITS, "subjects": SUBJECTS, "sources": SOURCES, "words": WORDS,
    }
    u = "((hash({}) % 1000003) / 1000003.0)"  # a uniform 0..1 from a hash: deterministic, fast
    statements = [
        "SET enable_progress_bar = false",
        f"SET VARIABLE n = {int(articles)}",
        # Articles arrive in time order over three years (2023-03 to 2026-02), as an ingest stores them.
        # Every block of 20 articles ends with two copies (same text, another outlet) of the block's first one.
        f"""CREATE TEMP TABLE gen AS
        SELECT i, CASE WHEN i % 20 >= 18 THEN i - i % 20 ELSE i END AS b,
               1 + (floor(40 * pow({u.format('i, 1')}, 1.6)))::INTEGER AS o
        FROM range(getvariable('n')) t(i)""",
        "ALTER TABLE gen ADD COLUMN id VARCHAR",
        "UPDATE gen SET id = md5('a' || i)[:16]",
        # A Zipf-like vocabulary of 30,000 words (common words first, then the immigration words, then rare ones):
        # word r is drawn with probability about 1/r, as in real text, so a query word is in 5-25% of articles.
        f"""CREATE TEMP TABLE vocab AS
        SELECT r - 1 AS rank, coalesce(list_element({_list_literal(list(COMMON_WORDS + WORDS))}, r::BIGINT),
                                       'w' || r) AS word
        FROM range(1, {VOCABULARY + 1}) t(r)""",
        # 20,000 paragraphs of 40 words; a body is three of them (120 words, about 800 characters).
        f"""CREATE TEMP TABLE paras AS
        SELECT x.p, string_agg(CASE WHEN hash(x.p, x.k, 8) % 20 = 0 THEN pick(getvariable('places'), hash(x.p, x.k))
                                    WHEN hash(x.p, x.k, 8) % 20 = 1 THEN pick(getvariable('names'), hash(x.p, x.k))
                                    ELSE v.word END, ' ' ORDER BY x.k) AS text
        FROM (SELECT p, k, least(floor(exp({u.format('p, k, 9')} * ln({VOCABULARY}))) - 1, {VOCABULARY - 1}) AS r
              FROM range({PARAGRAPHS}) t(p), range(40) r(k)) x
        JOIN vocab v ON v.rank = x.r
        GROUP BY x.p""",
        f"""INSERT INTO articles (article_id, canonical_url, url, title, authors, published_at, published_at_source,
                                  language, outlet, status, status_reason, body, body_hash, relevance,
                                  relevance_evidence, feed_id, first_seen, last_seen, revision, same_text_as, run_id,
                                  cluster_id, story_id)
        SELECT id,
               'https://outlet' || o || '.example/news/' || i,
               'https://outlet' || o || '.example/news/' || i || '?utm_source=rss',
               pick(getvariable('words'), hash(b, 11)) || ' ' ||
                 pick(getvariable('words'), hash(b, 12)) || ': ' ||
                 pick(getvariable('subjects'), hash(b, 13)),
               [pick(getvariable('names'), hash(b, 14))],
               TIMESTAMPTZ '2023-03-01 00:00:00+00' + to_seconds(b * 1096 * 86400 // getvariable('n')
                 + (hash(b, 2) % 7200)::BIGINT) + to_hours((i - b)::BIGINT),
               'jsonld', 'en', list_element(getvariable('outlets'), o),
               CASE WHEN hash(b, 3) % 100 < 88 THEN 'full' WHEN hash(b, 3) % 100 < 95 THEN 'teaser'
                    WHEN hash(b, 3) % 100 < 98 THEN 'paywalled' ELSE 'blocked' END,
               NULL,
               p1.text || '\n\n' || p2.text || '\n\n' || p3.text,
               md5('body' || b),
               CASE WHEN hash(b, 4) % 100 < 80 THEN 0.3 + 0.7 * {u.format('b, 5')} ELSE 0.3 * {u.format('b, 5')} END,
               ['deportation'], NULL,
               TIMESTAMPTZ '2023-03-01 00:10:00+00' + to_seconds(b * 1096 * 86400 // getvariable('n')
                 + (hash(b, 2) % 7200)::BIGINT) + to_hours((i - b)::BIGINT),
               TIMESTAMPTZ '2023-03-01 00:10:00+00' + to_seconds(b * 1096 * 86400 // getvariable('n')
                 + (hash(b, 2) % 7200)::BIGINT) + to_hours((i - b)::BIGINT),
               1, CASE WHEN b <> i THEN md5('a' || b)[:16] END, NULL,
               md5('a' || b)[:16],
               CASE WHEN hash(b, 6) % 10 < 3 THEN md5('a' || (b - b % 100))[:16] ELSE md5('a' || b)[:16] END
        FROM gen
        JOIN paras p1 ON p1.p = hash(b, 7) % {PARAGRAPHS}
        JOIN paras p2 ON p2.p = hash(b, 8) % {PARAGRAPHS}
        JOIN paras p3 ON p3.p = hash(b, 9) % {PARAGRAPHS}""",
        # Quotes: 0-6 per article (3 on average), a copy repeats its original's; speakers Zipf-distributed.
        f"""INSERT INTO quotes
        WITH q AS (
            SELECT g.id, g.b, k, (floor(300 * pow({u.format('g.b, k, 21')}, 2.2)))::INTEGER AS s
            FROM gen g, range((hash(g.b, 20) % 7)::BIGINT) r(k))
        SELECT id, k,
               'We will ' || pick(getvariable('words'), hash(b, k, 22)) || ' the '
                 || pick(getvariable('words'), hash(b, k, 23)) || ' and '
                 || pick(getvariable('words'), hash(b, k, 24)) || ' now.',
               pick(getvariable('names'), s),
               CASE WHEN hash(b, k, 25) % 2 = 0 THEN pick(getvariable('roles'), s) END,
               CASE hash(b, k, 26) % 3 WHEN 0 THEN 'direct' WHEN 1 THEN 'partial' ELSE 'indirect' END,
               'said', 100 * k, 100 * k + 40
        FROM q""",
        # Figures: 0-5 per article from 3,000 recurring numbers (a few are repeated everywhere).
        f"""INSERT INTO figures
        WITH f AS (
            SELECT g.id, g.b, k, (floor(3000 * pow({u.format('g.b, k, 31')}, 3)))::INTEGER AS x
            FROM gen g, range((hash(g.b, 30) % 6)::BIGINT) r(k))
        SELECT id, k, (hash(x, 32) % 50000)::DOUBLE,
               pick(getvariable('units'), x),
               (hash(x, 32) % 50000)::VARCHAR || ' ' || pick(getvariable('subjects'), x),
               pick(getvariable('subjects'), x),
               CASE x % 5 WHEN 0 THEN 'increase' WHEN 1 THEN 'decrease' END, NULL, x % 9 = 0,
               CASE WHEN hash(b, k, 33) % 4 = 0 THEN pick(getvariable('names'), x)
                    ELSE pick(getvariable('sources'), x) END,
               200 * k, 200 * k + 30
        FROM f""",
        # Entities: 3 people, 2 organisations and 1 place per article, distinct within the article.
        f"""INSERT INTO entities
        WITH e AS (
            SELECT g.id, g.b, k, (floor(300 * pow({u.format('g.b, 41')}, 2.2)))::INTEGER AS s FROM gen g, range(6) r(k))
        SELECT id,
               CASE WHEN k < 3 THEN pick(getvariable('names'), (s + 37 * k))
                    WHEN k < 5 THEN pick(getvariable('orgs'), (hash(b, 42) + k))
                    ELSE pick(getvariable('places'), hash(b, 43)) END,
               CASE WHEN k < 3 THEN 'person' WHEN k < 5 THEN 'org' ELSE 'place' END,
               CASE WHEN k < 3 AND hash(b, k, 44) % 3 = 0 THEN pick(getvariable('roles'), (s + 37 * k) % 300) END,
               1 + hash(b, k, 45) % 5
        FROM e""",
        # Topics: 1-3 per article.
        """INSERT INTO topics
        SELECT g.id, pick(getvariable('topics'), (hash(g.b, 50) + 5 * k)),
               0.5 + (hash(g.b, k, 51) % 50) / 100.0, ['synthetic']
        FROM gen g, range((1 + hash(g.b, 52) % 3)::BIGINT) r(k)""",
        # Half a percent of articles were revised once.
        """INSERT INTO article_revisions
        SELECT article_id, 2, last_seen + INTERVAL 3 HOUR, title, body, body_hash, '{"quotes_added": []}'
        FROM articles WHERE hash(article_id) % 200 = 0""",
        """UPDATE articles SET revision = 2 WHERE hash(article_id) % 200 = 0""",
        "DROP TABLE gen",
        "DROP TABLE paras",
        "DROP TABLE vocab",
    ]
    return [_inline_lists(statement, lists) for statement in statements]


def _inline_lists(sql: str, lists: dict[str, list[str | None]]) -> str:
    """Rewrite pick(getvariable('x'), h) as list_element(<constant list>, 1 + h % len): ten times faster than a macro."""
    out, pos = [], 0
    while (start := sql.find("pick(getvariable('", pos)) >= 0:
        name_end = sql.index("'", start + 18)
        name = sql[start + 18:name_end]
        expr_start = sql.index(",", name_end) + 1
        depth, end = 0, expr_start
        while depth or sql[end] != ")":
            depth += {"(": 1, ")": -1}.get(sql[end], 0)
            end += 1
        out.append(sql[pos:start])
        out.append(f"list_element({_list_literal(lists[name])}, (1 + ({sql[expr_start:end].strip()}) "
                   f"% {len(lists[name])})::BIGINT)")
        pos = end + 1
    out.append(sql[pos:])
    return "".join(out).replace("getvariable('outlets')", _list_literal(lists["outlets"]))


def _increment_sql(new: int, revised: int) -> list[str]:
    """Statements that do what one ingest does to the synthetic warehouse: `new` articles published after the last
    one (with quotes, figures, entities, topics; some words never seen before), and `revised` older articles
    given a new revision (body and quotes replaced)."""
    names = [f"{f} {s}" for s in SURNAMES for f in FIRST_NAMES][:300]
    outlets = [f"The {a} {b}" for a in ("Daily", "Evening", "Morning", "Sunday") for b in
               ("Ledger", "Courier", "Herald", "Post", "Chronicle", "Gazette", "Standard", "Times", "Echo", "Record")]
    lists = {"names": names, "outlets": outlets, "roles": ROLES, "orgs": ORGS, "places": PLACES, "topics": TOPICS,
             "units": UNITS, "subjects": SUBJECTS, "sources": SOURCES, "words": WORDS}
    body = ("array_to_string(list_transform(range(120), k -> CASE WHEN k % 40 = 39 THEN 'neologism' || (b + k) "
            "ELSE pick(getvariable('words'), hash(b, k, 60)) END), ' ')")
    statements = [
        "SET VARIABLE n0 = (SELECT count(*) FROM articles)",
        "SET VARIABLE t0 = (SELECT max(first_seen) FROM articles)",
        f"""CREATE OR REPLACE TEMP TABLE inc AS
        SELECT i, getvariable('n0') + i AS b, md5('inc' || (getvariable('n0') + i))[:16] AS id,
               1 + (hash(i, 61) % 40)::INTEGER AS o
        FROM range({int(new)}) t(i)""",
        f"""INSERT INTO articles (article_id, canonical_url, url, title, authors, published_at, published_at_source,
                                  language, outlet, status, status_reason, body, body_hash, relevance,
                                  relevance_evidence, feed_id, first_seen, last_seen, revision, same_text_as, run_id,
                                  cluster_id, story_id)
        SELECT id, 'https://outlet' || o || '.example/news/new-' || b,
               'https://outlet' || o || '.example/news/new-' || b,
               pick(getvariable('words'), hash(b, 11)) || ' ' || pick(getvariable('subjects'), hash(b, 13)),
               [], getvariable('t0') + to_minutes(i::BIGINT), 'jsonld', 'en', list_element(getvariable('outlets'), o),
               'full', NULL, {body}, md5({body}), 0.8, ['deportation'], NULL,
               getvariable('t0') + to_minutes(i::BIGINT) + INTERVAL 10 MINUTE,
               getvariable('t0') + to_minutes(i::BIGINT) + INTERVAL 10 MINUTE, 1, NULL, NULL, id, id
        FROM inc""",
        """INSERT INTO quotes
        SELECT id, k, 'We will ' || pick(getvariable('words'), hash(b, k, 22)) || ' now.',
               pick(getvariable('names'), hash(b, k, 21) % 40), pick(getvariable('roles'), hash(b, k, 21) % 40),
               'direct', 'said', 100 * k, 100 * k + 20
        FROM inc, range(3) r(k)""",
        """INSERT INTO figures
        SELECT id, k, (hash(b, k, 32) % 50000)::DOUBLE, 'people', 'some ' || pick(getvariable('subjects'), hash(b, k)),
               pick(getvariable('subjects'), hash(b, k)), NULL, NULL, FALSE, pick(getvariable('sources'), hash(b, k)),
               200 * k, 200 * k + 30
        FROM inc, range(2) r(k)""",
        """INSERT INTO entities
        SELECT id, CASE WHEN k = 0 THEN pick(getvariable('names'), hash(b, 41))
                        ELSE pick(getvariable('orgs'), hash(b, 42)) END,
               CASE WHEN k = 0 THEN 'person' ELSE 'org' END, NULL, 1 + hash(b, k, 45) % 5
        FROM inc, range(2) r(k)""",
        "INSERT INTO topics SELECT id, pick(getvariable('topics'), hash(b, 50)), 0.7, ['synthetic'] FROM inc",
        f"""CREATE OR REPLACE TEMP TABLE rev AS
        SELECT article_id FROM articles WHERE hash(article_id) % 1000 = 7 ORDER BY article_id LIMIT {int(revised)}""",
        """DELETE FROM quotes WHERE article_id IN (SELECT article_id FROM rev)""",
        """INSERT INTO quotes SELECT article_id, 0, 'The figures speak for themselves.', 'Alex Ashdown',
               'the Home Secretary', 'direct', 'said', 0, 30 FROM rev""",
        """UPDATE articles SET revision = revision + 1, body = body || ' Update: the deportation flight was cancelled.',
               body_hash = md5(body || ' update'), last_seen = getvariable('t0')
        WHERE article_id IN (SELECT article_id FROM rev)""",
        "DROP TABLE inc",
        "DROP TABLE rev",
    ]
    return [_inline_lists(statement, lists) for statement in statements]


def time_incremental_refresh(db: Path, new: int = 50, revised: int = 5) -> dict[str, float]:
    """Add `new` articles and revise `revised` (as one ingest would), then time the post-ingest refresh."""
    with connect(db) as con:
        con.execute("BEGIN TRANSACTION")
        for statement in _increment_sql(new, revised):
            con.execute(statement)
        con.execute("COMMIT")
        started, started_cpu = time.perf_counter(), time.process_time()
        state = refresh_search_index(con)
        seconds, cpu = time.perf_counter() - started, time.process_time() - started_cpu
        con.execute("CHECKPOINT")
    return {"seconds": seconds, "cpu": cpu, "changed": state.changed, "documents": state.documents}


def build_synthetic_warehouse(db: Path, articles: int) -> dict[str, float]:
    """Create db with the schema and N synthetic articles (plus quotes, figures, entities, topics); step timings."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    ensure_schema(db)
    with connect(db) as con:
        for statement in _generation_sql(articles):
            con.execute(statement)
        con.execute("CHECKPOINT")
    timings["generate"] = time.perf_counter() - started
    started = time.perf_counter()
    with connect(db) as con:
        state = refresh_search_index(con, force=True)
        con.execute("CHECKPOINT")
    timings["full refresh (article facts, derived rows, speakers, BM25 index)"] = time.perf_counter() - started
    timings["fts documents"] = state.documents
    return timings


def time_queries(db: Path, doc: Path = ANALYSTS_DOC, repeat: int = 7) -> list[QueryTiming]:
    """Run every documented example query once to warm up, then `repeat` times; the median of those runs."""
    results = []
    with connect(db, read_only=True) as con:
        load_extension(con, "fts")
        for question, title, sql in extract_sql_blocks(doc.read_text(encoding="utf-8")):
            rows = len(con.execute(sql).fetchall())
            runs, cpu = [], []
            for _ in range(repeat):
                started, started_cpu = time.perf_counter(), time.process_time()
                con.execute(sql).fetchall()
                runs.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
            results.append(QueryTiming(question=question, title=title, median_ms=statistics.median(runs),
                                       cpu_ms=statistics.median(cpu), rows=rows))
    return results


def render_table(articles: int, counts: dict[str, int], timings: dict[str, float],
                 queries: list[QueryTiming], repeat: int, increment: dict[str, float] | None = None) -> str:
    """The bench report as Markdown."""
    refresh = [] if not increment else [
        f"incremental refresh after an ingest of {increment['new']:,.0f} new and {increment['revised']:,.0f} revised "
        f"articles: {increment['seconds']:.2f} s ({increment['cpu']:.2f} s CPU), {increment['changed']:,.0f} "
        f"articles re-derived, {increment['documents']:,.0f} in the search index"]
    lines = [
        f"warehouse bench: {articles:,} synthetic articles; " + ", ".join(f"{v:,} {k}" for k, v in counts.items()),
        f"machine: {platform.machine()}, {_cpu_count()} cores, Python {platform.python_version()}, "
        f"DuckDB {duckdb.__version__}; load average {os.getloadavg()[0]:.1f} (other processes share these cores)",
        "build: " + ("(reused an existing file)" if not timings else "") + ", ".join(f"{k} {v:.1f} s" if k != "fts documents" else f"{k} {int(v):,}"
                              for k, v in timings.items()),
        *refresh,
        "",
        f"| query | question | median ms ({repeat} runs) | median CPU ms | rows | < 300 ms |",
        "|---|---|---:|---:|---:|:---:|",
    ]
    for q in queries:
        lines.append(f"| {q.question} | {q.title} | {q.median_ms:.1f} | {q.cpu_ms:.0f} | {q.rows} | "
                     f"{'yes' if q.median_ms < 300 else 'NO'} |")
    return "\n".join(lines)


def _cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def run_warehouse_bench(articles: int, db: Path | None = None, repeat: int = 7, new_articles: int = 50) -> str:
    """Build (or reuse, when db exists) a synthetic warehouse, time the refresh after an ingest of `new_articles`
    (0: skip it; a tenth as many older articles are revised too), then time every docs/analysts.md query."""
    with tempfile.TemporaryDirectory(prefix="newsmon-bench-") as tmp:
        path = db or Path(tmp) / "bench.duckdb"
        timings: dict[str, float] = {}
        increment: dict[str, float] | None = None
        if not path.exists():
            timings = build_synthetic_warehouse(path, articles)
        if new_articles:
            revised = max(1, new_articles // 10)
            increment = {"new": new_articles, "revised": revised,
                         **time_incremental_refresh(path, new_articles, revised)}
        with connect(path, read_only=True) as con:
            counts = {t: int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0])  # type: ignore[index]  # noqa: S608
                      for t in ("quotes", "figures", "entities", "topics", "speakers")}
            articles = int(con.execute("SELECT count(*) FROM articles").fetchone()[0])  # type: ignore[index]
        queries = time_queries(path, repeat=repeat)
        return render_table(articles, counts, timings, queries, repeat, increment)
