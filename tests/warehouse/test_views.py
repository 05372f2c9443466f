"""The analysts' views on a real DuckDB loaded by the real loader: copies count once, filters, London days, voices."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from parsers.records import Article, Entity, Figure, Quote, Topic
from parsers.urls import derive_article_id, hash_text
from warehouse.db import VIEWS_DIR, connect, ensure_schema, transaction
from warehouse.fts import refresh_search_index
from warehouse.load import PageResult, upsert_articles
from warehouse.state import start_run

T0 = datetime(2025, 2, 12, 9, 0, tzinfo=UTC)


def quote(text: str, speaker: str | None, role: str | None = None) -> Quote:
    return Quote(text=text, speaker=speaker, speaker_role=role, kind="direct", cue="said", start=0, end=len(text))


def figure(value: float, source: str | None) -> Figure:
    return Figure(value=value, unit="people", text=f"{value:,.0f} foreign criminals", subject="foreign criminals",
                  change=None, baseline=None, approximate=False, source=source, start=0, end=5)


def article(url: str, body: str, *, outlet: str, published: datetime | None = T0, relevance: float = 0.9,
            status: str = "full", quotes: tuple[Quote, ...] = (), figures: tuple[Figure, ...] = (),
            topics: tuple[str, ...] = ("deportation",), people: tuple[Entity, ...] = ()) -> Article:
    return Article(
        url=url, canonical_url=url, title=body[:30], authors=(), published_at=published,
        published_at_source="jsonld" if published else "none", language="en", outlet=outlet, status=status,  # type: ignore[arg-type]
        status_reason=None, body=body, body_hash=hash_text(body), relevance=relevance, relevance_evidence=(),
        quotes=quotes, figures=figures, entities=people,
        topics=tuple(Topic(topic=t, score=0.8, evidence=(t,)) for t in topics),
    )


def load(db: Path, articles: list[Article], at: datetime = T0) -> None:
    pages = [PageResult(article=a, fetched_url=a.url, feed_id=None, entry_sig=None, fetched_at=at) for a in articles]
    with connect(db) as con:
        with transaction(con):
            start_run(con, "run-1", "ingest", at)
            upsert_articles(con, pages, "run-1")
        refresh_search_index(con)


BODY = ("Foreign criminals should be deported, the minister said on Wednesday, as new figures showed 19,244 "
        "foreign criminals living in communities while they waited to be removed. The shadow home secretary said "
        "the plan was dishonest and that offenders would rely on the European Convention on Human Rights instead.")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "views.duckdb"
    ensure_schema(path)
    minister = quote("We will remove them.", "Alan Marchetti", "the Home Secretary")
    shadow = quote("This is dishonest.", "Chris Philp", "Shadow Home Secretary")
    charity = quote("People are being failed.", "Refugee Council", None)
    load(path, [
        article("http://north.example/1", BODY, outlet="North Post", quotes=(minister, shadow),
                figures=(figure(19244, "Home Office figures"),),
                people=(Entity(name="Kemi Badenoch", type="person", role="Conservative leader", mentions=3),)),
        # the same text at another outlet: a copy
        article("http://south.example/9", BODY + " ", outlet="South Herald", quotes=(minister, shadow),
                figures=(figure(19244, "Home Office figures"),),
                people=(Entity(name="Kemi Badenoch", type="person", role="Tory leader", mentions=2),)),
        # another text, other outlet, cites the figure again (attributed to a speaker)
        article("http://east.example/3", "Nearly 20,000 foreign criminals await removal, figures show.",
                outlet="East Echo", quotes=(charity,), figures=(figure(19244, "Chris Philp"),),
                topics=("deportation", "small-boats")),
        # below the relevance threshold, and a teaser: both left out of trends
        article("http://east.example/4", "Football results from Saturday.", outlet="East Echo", relevance=0.1),
        article("http://west.example/5", "Subscribe to read about small boats.", outlet="West Times", status="teaser",
                topics=("small-boats",)),
        # published late in the evening UTC in summer: the next day in London
        article("http://west.example/6", "Small boats crossed the Channel overnight.", outlet="West Times",
                published=datetime(2025, 6, 1, 23, 30, tzinfo=UTC), topics=("small-boats",)),
    ])
    return path


def rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with connect(db, read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_trend_views_count_a_text_and_its_copy_once(db: Path) -> None:
    assert rows(db, "SELECT day, articles, copies, outlets FROM daily_topic_counts WHERE topic = 'deportation'") == \
        [(T0.date(), 2, 3, 3)]
    by_outlet = rows(db, "SELECT outlet, articles FROM daily_outlet_counts WHERE day = ? ORDER BY outlet", [T0.date()])
    assert by_outlet == [("East Echo", 1), ("North Post", 1), ("South Herald", 1)]


def test_irrelevant_and_partial_articles_are_left_out_but_kept_in_article_facts(db: Path) -> None:
    counted = dict(rows(db, "SELECT canonical_url, counted FROM article_facts"))
    assert counted["http://east.example/4"] is False and counted["http://west.example/5"] is False
    assert counted["http://north.example/1"] is True
    assert rows(db, "SELECT count(*) FROM trend_articles") == [(4,)]
    assert rows(db, "SELECT week, articles FROM weekly_topic_counts WHERE topic = 'small-boats' ORDER BY week") == [
        (datetime(2025, 2, 10).date(), 1), (datetime(2025, 6, 2).date(), 1)]


def test_days_are_london_calendar_days(db: Path) -> None:
    # 23:30 UTC on Sunday 1 June is 00:30 on Monday 2 June in London (BST): a new day, week and the same month
    assert rows(db, "SELECT day, week, month FROM article_facts WHERE canonical_url = 'http://west.example/6'") == [
        (datetime(2025, 6, 2).date(), datetime(2025, 6, 2).date(), datetime(2025, 6, 1).date())]


def test_figures_tracker_follows_one_number_across_outlets_and_sources(db: Path) -> None:
    tracked = rows(db, "SELECT articles, copies, outlets, outlet_list, cited_by, first_day FROM figures_tracker "
                       "WHERE value = 19244")
    assert tracked == [(2, 3, 3, ["East Echo", "North Post", "South Herald"], ["Chris Philp", "Home Office figures"],
                        T0.date())]


def test_speakers_get_role_classes_and_parties_and_curated_rows_survive(db: Path) -> None:
    speakers = {r[0]: r[1:] for r in rows(db, "SELECT name, role_class, party, quotes FROM speakers")}
    assert speakers["Alan Marchetti"] == ("minister", None, 2)
    assert speakers["Chris Philp"] == ("opposition", None, 2)
    assert speakers["Refugee Council"][0] == "ngo"  # no role written: the name says it
    with connect(db) as con:
        con.execute("UPDATE speakers SET role_class = 'politician', party = 'Conservative', curated = TRUE "
                    "WHERE name = 'Chris Philp'")
        con.execute("UPDATE speakers SET role_class = 'official' WHERE name = 'Alan Marchetti'")  # not curated
        refresh_search_index(con, force=True)
    speakers = {r[0]: r[1:] for r in rows(db, "SELECT name, role_class, party, quotes FROM speakers")}
    assert speakers["Chris Philp"] == ("politician", "Conservative", 2)
    assert speakers["Alan Marchetti"] == ("minister", None, 2)


def test_voice_balance_shares_add_up_per_outlet(db: Path) -> None:
    balance = rows(db, "SELECT outlet, role_class, quotes, share FROM voice_balance ORDER BY outlet, role_class")
    assert ("North Post", "minister", 1, 0.5) in balance and ("North Post", "opposition", 1, 0.5) in balance
    assert ("East Echo", "ngo", 1, 1.0) in balance
    totals = rows(db, "SELECT outlet, sum(share) FROM voice_balance GROUP BY ALL")
    assert all(abs(total - 1.0) < 0.01 for _, total in totals)


def test_quotes_by_speaker_count_a_quote_in_a_copy_once(db: Path) -> None:
    assert rows(db, "SELECT count(DISTINCT (cluster_key, text)), count(*) FROM quote_facts "
                    "WHERE speaker = 'Alan Marchetti' AND counted") == [(1, 2)]
    daily = rows(db, "SELECT outlet, quotes FROM speaker_quotes_daily WHERE speaker = 'Alan Marchetti' ORDER BY 1")
    assert daily == [("North Post", 1), ("South Herald", 1)]


def test_entity_mentions_over_time(db: Path) -> None:
    assert rows(db, "SELECT day, articles, mentions, outlets FROM entity_mentions_daily WHERE name = 'Kemi Badenoch'") \
        == [(T0.date(), 1, 5, 2)]


def test_new_since_lists_new_and_revised_articles(db: Path) -> None:
    later = T0 + timedelta(days=1)
    assert {r[0] for r in rows(db, "SELECT canonical_url FROM new_since(?)", [T0 - timedelta(hours=1)])} >= {
        "http://north.example/1", "http://east.example/3"}
    assert rows(db, "SELECT count(*) FROM new_since(?)", [later]) == [(0,)]
    load(db, [article("http://north.example/1", BODY + " Updated with a reply.", outlet="North Post")],
         at=later + timedelta(hours=1))
    assert rows(db, "SELECT canonical_url, change FROM new_since(?)", [later]) == [("http://north.example/1", "revised")]
    assert rows(db, "SELECT count(*) FROM new_since(?, min_relevance := 0.0)", [T0 - timedelta(hours=1)]) == [(6,)]


def test_every_table_and_column_and_every_analysts_view_has_a_comment(db: Path) -> None:
    views = re.findall(r"CREATE OR REPLACE VIEW (\w+)", (VIEWS_DIR / "30_analysts.sql").read_text(encoding="utf-8"))
    assert len(views) >= 12
    missing = rows(db, """
        SELECT t.table_name FROM duckdb_tables() t WHERE t.schema_name = 'main' AND t.comment IS NULL
        UNION ALL
        SELECT c.table_name || '.' || c.column_name FROM duckdb_columns() c
        JOIN duckdb_tables() t ON t.table_oid = c.table_oid
        WHERE c.schema_name = 'main' AND c.comment IS NULL
        UNION ALL
        SELECT view_name FROM duckdb_views() WHERE view_name IN (SELECT unnest($1)) AND comment IS NULL
        UNION ALL
        SELECT c.table_name || '.' || c.column_name FROM duckdb_columns() c
        WHERE c.table_name IN (SELECT unnest($1)) AND c.comment IS NULL
        ORDER BY 1""", [views])
    assert missing == []


def test_article_id_is_what_views_join_on(db: Path) -> None:
    north = derive_article_id("http://north.example/1")
    assert rows(db, "SELECT cluster_key FROM article_facts WHERE canonical_url = 'http://south.example/9'") == [(north,)]
