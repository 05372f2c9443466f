"""The reference article (seeds/seed-article.txt) must become a record a journalist would sign off.

Expectations are written by hand from the text, not generated from output.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from parsers.page import parse_page
from parsers.records import Article

SEED = Path(__file__).resolve().parent.parent / "seeds" / "seed-article.txt"

# (speaker, kind, words the quote starts with)
ATTRIBUTED_QUOTES = [
    ("Kemi Badenoch", "direct", "Otherwise, you’re rewarding people for breaking the law"),
    ("Kemi Badenoch", "direct", "We need to make sure that we remove foreign criminals"),
    ("Matt Chorley", "direct", "If you were Prime Minister you would commit to mass deportations"),
    ("Kemi Badenoch", "direct", "Of foreign criminals? Absolutely."),
    ("Nigel Farage", "partial", "many of them that come"),
    ("Nigel Farage", "direct", "Australian – Tony Abbott-style."),
    ("Keir Starmer", "partial", "changing the system"),
    ("Chris Philp", "direct", "This is deeply dishonest by Starmer."),
    ("Suella Braverman", "direct", "More hollow words that mean nothing."),
]
PEOPLE = {"Kemi Badenoch", "Donald Trump", "Nigel Farage", "Matt Chorley", "Tony Abbott", "Abdul Ezedi",
          "Keir Starmer", "Chris Philp", "Suella Braverman"}


@pytest.fixture(scope="module")
def record() -> Article:
    return parse_page(SEED.read_bytes(), url="file:///seed-article.txt", content_type="text/plain", plain_text=True)


def test_all_nine_attributed_quotes_have_the_right_speaker(record: Article) -> None:
    attributed = [(q.speaker, q.kind, q.text) for q in record.quotes if q.kind != "indirect" and q.speaker]
    assert len(attributed) == 9
    for (speaker, kind, opening), (got_speaker, got_kind, got_text) in zip(ATTRIBUTED_QUOTES, attributed,
                                                                          strict=True):
        assert (got_speaker, got_kind) == (speaker, kind), opening
        assert got_text.startswith(opening)


def test_multi_paragraph_quotes_are_one_quote_each(record: Article) -> None:
    by_opening = {q.text.split("\n")[0][:30]: q for q in record.quotes}
    badenoch = next(q for q in record.quotes if q.text.startswith("We need to make sure"))
    assert badenoch.text.endswith("And that is something that we are going to fix.")
    farage = next(q for q in record.quotes if q.text.startswith("Australian"))
    assert farage.text.endswith("End of.") and farage.speaker_role and "Reform UK leader" in farage.speaker_role
    philp = next(q for q in record.quotes if q.text.startswith("This is deeply dishonest"))
    assert philp.text.endswith("Starmer won’t fix this.")
    braverman = next(q for q in record.quotes if q.text.startswith("More hollow words"))
    assert braverman.text.endswith("take back control of our borders.")
    assert len(by_opening) == len(record.quotes)


def test_scare_quotes_are_not_attributed(record: Article) -> None:
    unattributed = {q.text for q in record.quotes if q.speaker is None}
    assert {"conducive to the public good", "particularly serious crime"} <= unattributed


def test_quote_offsets_point_into_the_body(record: Article) -> None:
    for quote in record.quotes:
        if quote.kind != "indirect":
            assert quote.text.split("\n")[0] in record.body[quote.start:quote.end]


def test_the_three_headline_figures(record: Article) -> None:
    figures = {f.value: f for f in record.figures}
    assert figures[19244].unit == "people" and "awaiting deportation" in (figures[19244].subject or "")
    assert figures[19244].source == "Home Office figures"
    assert figures[3594].unit == "people" and "deported" in (figures[3594].subject or "")
    assert figures[16].unit == "percent" and figures[16].change == "increase"
    assert figures[16].baseline == "the same period 12 months earlier"
    assert 2018 not in figures and 3 not in figures  # a year and "Article 3" are not claims


def test_people_topics_and_relevance(record: Article) -> None:
    people = {e.name for e in record.entities if e.type == "person"}
    assert PEOPLE <= people
    orgs = {e.name for e in record.entities if e.type == "org"}
    assert {"Home Office", "ECHR", "Refugee Convention", "Reform UK"} <= orgs
    topics = {t.topic for t in record.topics}
    assert {"deportation", "foreign-national-offenders", "echr-human-rights"} <= topics
    assert record.relevance > 0.8 and record.status == "full"
    assert record.title is None and record.authors == ()  # a .txt file is all body


def test_cli_parse_prints_the_documented_keys() -> None:
    out = subprocess.run([sys.executable, "-m", "flows.cli", "parse", str(SEED), "--json"], check=True,
                         capture_output=True, text=True).stdout
    data = json.loads(out)
    assert {"path", "url", "title", "authors", "published_at", "published_at_source", "language", "outlet",
            "status", "body", "quotes", "figures", "entities", "topics"} <= set(data)
    assert {"text", "speaker", "kind", "cue"} <= set(data["quotes"][0])
    assert {"value", "unit", "text", "subject", "source"} <= set(data["figures"][0])
    assert {"name", "type", "role"} <= set(data["entities"][0])
