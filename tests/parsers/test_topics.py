"""Topics and relevance: the taxonomy, multi-label classification, and relevance on fictional articles."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import pytest

from parsers.records import Topic
from parsers.topics import (
    TAXONOMY_PATH,
    TaxonomyError,
    classify_topics,
    compile_taxonomy,
    load_taxonomy,
    score_relevance,
)

ROOT = Path(__file__).resolve().parents[2]
SEED_ARTICLE = ROOT / "seeds" / "seed-article.txt"
STORIES = ROOT / "seeds" / "demo" / "stories.py"
DEFAULT_THRESHOLD = 0.3
REQUIRED_SLUGS = {
    "asylum", "small-boats", "deportation", "foreign-national-offenders", "detention", "echr-human-rights",
    "refugee-convention", "work-visas", "net-migration", "integration", "border-security",
    "family-student-visas",
}  # fmt: skip

# Fictional articles (invented places, clubs and people).
FOOTBALL = """Harbury Rovers 3-1 Deportivo Esteban: Okafor double sends Rovers through

Harbury Rovers reached the quarter-finals of the Northern Cup with a comfortable win over their Spanish
visitors on a cold night at Millbrook Park.

The striker Sam Okafor, signed in the January transfer window after his work permit came through, opened
the scoring after 12 minutes and added a second before half-time. Deportivo pulled one back through their
captain, but substitute Lewis Penn sealed it in stoppage time.

Manager Carol Dunne said the result was a reward for the travelling fans who had crossed the Scottish border
for the first leg. "We defended our box, our borders if you like, and the lads were brilliant," she said.

Rovers return to league action on Saturday, when they host Kingsmoor, and the match is live on Channel 5.
The club confirmed that the winger Theo Marsh returned from injury in training and could feature.
"""

COUNCIL = """Dunmore council agrees 4.9 per cent council tax rise

Dunmore Borough Council has approved a 4.9 per cent rise in council tax, adding about £80 a year to the
average bill, after councillors voted 31 to 17 in favour.

The budget protects weekly bin collections but confirms the closure of two libraries. Spending on adult
social care will rise by £6m, and the council will seek better integration of health and care services.

A new hotel tax on overnight stays is expected to raise £1.2m, which will help to pay for road repairs and
graffiti removal in the town centre. The leader of the council said the settlement from government was
"the toughest in a decade" and warned of further savings next year.

Opposition councillors proposed using reserves to limit the rise, but the amendment was defeated.
"""

SMALL_BOATS = """More than 700 people cross the Channel in small boats in a single day

More than 700 people crossed the Channel in small boats on Tuesday, the highest daily number this year,
according to figures from the Borders Statistics Agency.

The crossings took place in 14 dinghies. Border Force vessels brought the migrants ashore at Dover, where
they were processed before being taken to a reception centre to claim asylum.

The shadow immigration minister, Ruth Calloway, said the government had lost control of the border and
that people smuggling gangs were "laughing at us". A government spokesperson said a new returns agreement
with France would allow more people who arrive by small boat to be sent back.
"""

# A long article on another subject with one passing mention of immigration.
ECONOMY_PARAGRAPHS = [
    "The Chancellor will set out plans for public spending in next month's statement, with departments "
    "told to find further efficiency savings as borrowing costs remain high.",
    "Economists at the Fenwick Institute said growth had been weaker than forecast in the second half of the "
    "year, and that household incomes were only now recovering from the rise in energy prices.",
    "Business groups have called for reform of business rates and for more help with the cost of training, "
    "while unions want public sector pay to keep pace with inflation.",
    "The Treasury is also reviewing how councils are funded, after several authorities warned that they "
    "could not balance their budgets without cutting services such as libraries and leisure centres.",
]
ECONOMY = (
    "\n\n".join(ECONOMY_PARAGRAPHS * 7)
    + "\n\nForecasters also noted that lower net migration would reduce the size of the workforce.\n\n"
    + "\n\n".join(ECONOMY_PARAGRAPHS * 6)
)

DETENTION_APPEAL = """Tribunal orders release of man held at Marsham immigration removal centre

An immigration tribunal has ordered the release on immigration bail of a man who was held in immigration
detention for nine months while the Home Office tried to deport him.

The judge found that officials had failed to review his detention properly. His lawyers said they would now
bring a claim for unlawful detention, and that his asylum appeal would be heard next year.
"""


def body_of(article: str) -> tuple[str, str]:
    """Split a fictional article into its title (first line) and body."""
    title, _, body = article.strip().partition("\n\n")
    return title, body


def topics_by_slug(topics: tuple[Topic, ...]) -> dict[str, Topic]:
    return {t.topic: t for t in topics}


# --- the taxonomy ------------------------------------------------------------------------------------


def test_taxonomy_has_the_required_topics() -> None:
    taxonomy = load_taxonomy()
    assert len(taxonomy.slugs) >= 12
    assert REQUIRED_SLUGS <= set(taxonomy.slugs)
    for slug in taxonomy.slugs:
        assert taxonomy.labels[slug] and taxonomy.descriptions[slug]


def test_taxonomy_compiles_to_one_regex_with_weighted_phrases() -> None:
    taxonomy = load_taxonomy()
    assert taxonomy.pattern.groups == len(taxonomy.phrases)
    weighted = [w for pairs in taxonomy.weights.values() for _, w in pairs]
    assert len(weighted) >= 12 * 5
    assert all(0 < w <= 3 for w in weighted)


@pytest.mark.parametrize(
    "toml_text",
    [
        '[[topics]]\nslug = "Bad Slug"\nlabel = "x"\ndescription = "x"\n[topics.phrases]\n"asylum" = 1.0\n',
        '[[topics]]\nslug = "asylum"\nlabel = "x"\ndescription = "x"\n[topics.phrases]\n"asylum" = 9.0\n',
        '[[topics]]\nslug = "asylum"\nlabel = "x"\ndescription = "x"\n[topics.phrases]\n"a[s]ylum" = 1.0\n',
        '[[topics]]\nslug = "asylum"\nlabel = "x"\n[topics.phrases]\n"asylum" = 1.0\n',
    ],
    ids=["slug", "weight", "phrase-syntax", "no-description"],
)
def test_malformed_taxonomy_is_refused(toml_text: str) -> None:
    with pytest.raises(TaxonomyError):
        compile_taxonomy(toml_text)


def test_phrase_syntax_wildcards_hyphens_and_longest_match() -> None:
    taxonomy = compile_taxonomy(
        '[neutral]\nphrases = ["deportivo"]\n'
        '[[topics]]\nslug = "t"\nlabel = "T"\ndescription = "T"\n[topics.phrases]\n'
        '"deport*" = 1.0\n"small boat*" = 1.0\n"detention" = 0.2\n"detention centre" = 1.0\n'
    )
    groups = {
        taxonomy.phrases[m.lastgroup]
        for m in taxonomy.pattern.finditer("deportations, small-boats, deportivo, a detention centre")
        if m.lastgroup
    }
    assert groups == {"deport*", "small boat*", "deportivo", "detention centre"}
    assert taxonomy.pattern.search("the deporter") is not None
    assert taxonomy.pattern.search("redeport") is None  # whole words only


def test_bundled_taxonomy_file_is_the_one_loaded() -> None:
    assert TAXONOMY_PATH.name == "topics.toml"
    assert compile_taxonomy(TAXONOMY_PATH.read_text(encoding="utf-8")).slugs == load_taxonomy().slugs


# --- classification ----------------------------------------------------------------------------------


def test_seed_article_topics() -> None:
    body = SEED_ARTICLE.read_text(encoding="utf-8")
    topics = topics_by_slug(classify_topics(None, body))
    expected = ("deportation", "foreign-national-offenders", "echr-human-rights", "asylum", "refugee-convention")
    for slug in expected:
        assert slug in topics
        assert topics[slug].score >= 0.5
    assert "foreign criminals" in topics["foreign-national-offenders"].evidence
    assert "small-boats" not in topics or topics["small-boats"].score < topics["deportation"].score


def test_topics_are_multi_label_sorted_and_bounded() -> None:
    title, body = body_of(DETENTION_APPEAL)
    topics = classify_topics(title, body)
    slugs = [t.topic for t in topics]
    assert {"detention", "immigration-tribunals"} <= set(slugs)
    assert [t.score for t in topics] == sorted((t.score for t in topics), reverse=True)
    assert all(0 < t.score <= 1 and t.evidence for t in topics)
    assert "immigration detention" in topics_by_slug(topics)["detention"].evidence


def test_small_boats_article_topics() -> None:
    title, body = body_of(SMALL_BOATS)
    topics = topics_by_slug(classify_topics(title, body))
    assert topics["small-boats"].score > 0.8
    assert "small boats" in topics["small-boats"].evidence


@pytest.mark.parametrize("article", [FOOTBALL, COUNCIL], ids=["football", "council"])
def test_unrelated_articles_get_no_topics(article: str) -> None:
    title, body = body_of(article)
    assert classify_topics(title, body) == ()


def test_empty_text_has_no_topics_and_zero_relevance() -> None:
    assert classify_topics(None, "") == ()
    assert score_relevance(None, "", ()) == (0.0, ())


# --- relevance ---------------------------------------------------------------------------------------


def relevance(article: str, *, with_title: bool = True) -> tuple[float, tuple[str, ...]]:
    title, body = body_of(article)
    title_or_none = title if with_title else None
    return score_relevance(title_or_none, body, classify_topics(title_or_none, body))


def test_seed_article_is_highly_relevant() -> None:
    body = SEED_ARTICLE.read_text(encoding="utf-8")
    score, evidence = score_relevance(None, body, classify_topics(None, body))
    assert score > 0.8
    assert "foreign criminals" in evidence


@pytest.mark.parametrize("article", [FOOTBALL, COUNCIL], ids=["football", "council"])
def test_unrelated_articles_score_low(article: str) -> None:
    score, _ = relevance(article)
    assert score < 0.2


def test_passing_mention_in_a_long_article_stays_below_threshold() -> None:
    body = ECONOMY
    assert len(body.split()) > 1400
    title = "Chancellor to set out spending plans"
    score, evidence = score_relevance(title, body, classify_topics(title, body))
    assert score < DEFAULT_THRESHOLD
    assert evidence == ("net migration",)


def test_immigration_articles_score_high_with_evidence() -> None:
    for article in (SMALL_BOATS, DETENTION_APPEAL):
        score, evidence = relevance(article)
        assert score > 0.8
        assert evidence


def test_title_hits_weigh_more() -> None:
    body = "The plan was discussed at length by councillors on Tuesday evening; a decision is due in March."
    plain, _ = score_relevance("Councillors discuss plan", body, ())
    titled, evidence = score_relevance("Councillors discuss asylum hotel plan", body, ())
    assert plain == 0.0
    assert titled >= DEFAULT_THRESHOLD
    assert evidence[0] == "title: asylum hotel"
    in_body, _ = score_relevance(None, body + " It concerns an asylum hotel.", ())
    assert titled > in_body


def test_relevance_is_bounded_and_repeatable() -> None:
    title, body = body_of(SMALL_BOATS)
    topics = classify_topics(title, body)
    first = score_relevance(title, body, topics)
    assert score_relevance(title, body, topics) == first
    assert 0.0 <= first[0] <= 1.0
    assert not math.isnan(first[0])


def test_scan_cache_does_not_mix_articles() -> None:
    football = relevance(FOOTBALL)
    boats = relevance(SMALL_BOATS)
    assert relevance(FOOTBALL) == football
    assert boats[0] > football[0]


def test_demo_corpus_relevance_labels() -> None:
    """The bundled demo stories: the football report and council budget are the unrelated ones."""
    spec = importlib.util.spec_from_file_location("demo_stories", STORIES)
    assert spec and spec.loader
    stories = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(stories)
    unrelated = {"FOOTBALL", "COUNCIL_BUDGET"}
    seen = set()
    for name in dir(stories):
        value = getattr(stories, name)
        if not name.isupper() or not isinstance(value, list) or not value:
            continue
        body = "\n\n".join(p if isinstance(p, str) else p[1] for p in value)
        score, _ = score_relevance(None, body, classify_topics(None, body))
        seen.add(name)
        if name in unrelated:
            assert score < 0.2, name
        else:
            assert score >= DEFAULT_THRESHOLD, name
    assert unrelated <= seen and len(seen) >= 10
