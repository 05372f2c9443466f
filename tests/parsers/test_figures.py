"""Figures: hand-written expectations for the reference article and fictional sentences, plus golden files."""

from __future__ import annotations

import dataclasses
import json
import math
import os
import tomllib
from pathlib import Path

import pytest

from parsers.figures import extract_figures
from parsers.records import Figure, Quote

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "figures"
SEED_ARTICLE = ROOT / "seeds" / "seed-article.txt"
REGEN = os.environ.get("NEWSMON_REGEN") == "1"

CASES = tomllib.loads((FIXTURES / "sentences.toml").read_text(encoding="utf-8"))["case"]
CHECKED_FIELDS = ("change", "baseline", "source")


def make_quotes(text: str, specs: list[dict]) -> tuple[Quote, ...]:
    """Quote records for the quoted passages named in a case (spans found in the text)."""
    quotes = []
    for spec in specs:
        start = text.index(spec["text"])
        quotes.append(Quote(text=spec["text"], speaker=spec["speaker"], speaker_role=None, kind="direct",
                            cue=spec.get("cue"), start=start, end=start + len(spec["text"])))  # fmt: skip
    return tuple(quotes)


def seed_quotes(body: str) -> tuple[Quote, ...]:
    """The reference article's quote that carries a figure: Matt Chorley's question, as printed."""
    return make_quotes(body, [{
        "text": "If you were Prime Minister you would commit to mass deportations of hundreds of thousands "
                "of illegal immigrants?",
        "speaker": "Matt Chorley",
        "cue": "responded",
    }])  # fmt: skip


def as_json(figures: tuple[Figure, ...]) -> list[dict]:
    return [dataclasses.asdict(f) for f in figures]


def check_golden(name: str, actual: object) -> None:
    """Compare with <name>.expected.json; NEWSMON_REGEN=1 rewrites it (review the diff)."""
    path = FIXTURES / f"{name}.expected.json"
    rendered = json.dumps(actual, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if REGEN:
        path.write_text(rendered, encoding="utf-8")
    assert path.exists(), f"{path} missing: run with NEWSMON_REGEN=1 and review it"
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(rendered)


# --- the reference article ---------------------------------------------------------------------------


def test_seed_article_figures_by_hand() -> None:
    body = SEED_ARTICLE.read_text(encoding="utf-8")
    figures = extract_figures(body, seed_quotes(body))
    assert [f.value for f in figures] == [19244.0, 3594.0, 16.0, 200000.0]
    criminals, deported, rise, question = figures

    assert criminals.unit == "people"
    assert criminals.subject == "foreign criminals awaiting deportation"
    assert criminals.source == "Home Office figures"
    assert criminals.approximate is False
    assert criminals.change is None

    assert deported.unit == "people"
    assert deported.subject == "foreign criminals deported since Labour came to power"
    assert deported.approximate is True  # "Some 3,594"
    assert deported.text.startswith("Some 3,594")

    assert rise.unit == "percent"
    assert rise.change == "increase"
    assert rise.baseline == "the same period 12 months earlier"
    assert rise.approximate is False

    assert question.unit == "people"
    assert question.subject == "illegal immigrants"
    assert question.approximate is True
    assert question.source == "Matt Chorley"
    assert question.text == "hundreds of thousands of illegal immigrants"


def test_seed_article_non_claims_are_left_out() -> None:
    body = SEED_ARTICLE.read_text(encoding="utf-8")
    texts = " | ".join(f.text for f in extract_figures(body))
    for non_claim in ("2018", "Article 3", "12 months behind bars", "more than 12 months as", "two children",
                      "5 Live"):  # fmt: skip
        assert non_claim not in texts


def test_seed_article_golden() -> None:
    body = SEED_ARTICLE.read_text(encoding="utf-8")
    check_golden("seed-article", as_json(extract_figures(body, seed_quotes(body))))


def test_seed_article_without_quotes_has_no_speaker_source() -> None:
    body = SEED_ARTICLE.read_text(encoding="utf-8")
    question = extract_figures(body)[-1]
    assert question.value == 200000.0
    assert question.source is None


# --- fictional sentences -----------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_sentence_case(case: dict) -> None:
    text = case["text"]
    figures = extract_figures(text, make_quotes(text, case.get("quotes", [])))
    expected = case.get("expect", [])
    assert len(figures) == len(expected), [f.text for f in figures]
    for figure, want in zip(figures, expected, strict=True):
        assert math.isclose(figure.value, want["value"], rel_tol=1e-3), figure
        assert figure.unit == want["unit"], figure
        assert figure.approximate is want.get("approximate", False), figure
        for name in CHECKED_FIELDS:
            assert getattr(figure, name) == want.get(name), (name, figure)
        if "subject" in want:
            assert figure.subject == want["subject"], figure


def test_sentence_cases_cover_enough_ground() -> None:
    assert len(CASES) >= 30
    non_claims = [c for c in CASES if not c.get("expect")]
    assert len(non_claims) >= 10


def test_sentences_golden() -> None:
    actual = {}
    for case in CASES:
        text = case["text"]
        actual[case["name"]] = as_json(extract_figures(text, make_quotes(text, case.get("quotes", []))))
    check_golden("sentences", actual)


# --- properties ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_offsets_point_at_the_text(case: dict) -> None:
    text = case["text"]
    for figure in extract_figures(text, make_quotes(text, case.get("quotes", []))):
        assert text[figure.start : figure.end] == figure.text


def test_seed_offsets_point_at_the_text() -> None:
    body = SEED_ARTICLE.read_text(encoding="utf-8")
    for figure in extract_figures(body):
        assert body[figure.start : figure.end] == figure.text


@pytest.mark.parametrize("body", ["", "No numbers at all here.", "\n\n", "Someone, somewhere, once."])
def test_no_figures_in_numberless_text(body: str) -> None:
    assert extract_figures(body) == ()


def test_stated_data_source_wins_over_quote_speaker() -> None:
    text = "“Borders Agency figures show 12,400 overstayers were traced,” said Dana Whitfield."
    quotes = make_quotes(text, [{"text": "Borders Agency figures show 12,400 overstayers were traced,",
                                  "speaker": "Dana Whitfield"}])  # fmt: skip
    (figure,) = extract_figures(text, quotes)
    assert figure.source == "Borders Agency figures"


def test_quote_speaker_only_inside_the_quote() -> None:
    text = (
        "Some 600 people were moved last month.\n\n"
        "“We moved 400 families,” said Dana Whitfield."
    )
    quotes = make_quotes(text, [{"text": "We moved 400 families,", "speaker": "Dana Whitfield"}])
    first, second = extract_figures(text, quotes)
    assert first.source is None
    assert second.source == "Dana Whitfield"


def test_source_does_not_leak_across_paragraphs() -> None:
    text = "Borders Agency figures show that 1,200 boats were stopped.\n\n500 people were moved."
    first, second = extract_figures(text)
    assert first.source == "Borders Agency figures"
    assert second.source is None


def test_single_newline_separates_sentences() -> None:
    text = "The board's report was published on Tuesday\n4,000 people were moved, according to the report"
    (figure,) = extract_figures(text)
    assert figure.value == 4000.0
    assert figure.source == "report"


def test_figures_are_in_text_order() -> None:
    text = "Some 30 boats carried 1,500 people; a further 200 people were stopped and 12 boats seized."
    figures = extract_figures(text)
    assert [f.start for f in figures] == sorted(f.start for f in figures)
    assert [f.value for f in figures] == [30.0, 1500.0, 200.0, 12.0]


# --- the fast paths must find what the plain ones find ------------------------------------------------


def _candidates_by_token_scan(body: str) -> list[tuple[int, int]]:
    """The candidate scan as written before the opener regex: every token, filtered in Python."""
    from parsers.figures import _CANDIDATE_RE, _NUMBER_OPENERS, _OPENING_WORDS, _TOKEN_RE

    found, last_end = [], 0
    for token in _TOKEN_RE.finditer(body):
        first = token.group()
        if token.start() < last_end or not (first[0] in _NUMBER_OPENERS or first.lower() in _OPENING_WORDS):
            continue
        m = _CANDIDATE_RE.match(body, token.start())
        if m:
            last_end = m.end()
            found.append(m.span())
    return found


@pytest.mark.parametrize(
    "body",
    [
        "Two hundred people, then TWENTY-ONE boats and an 8% rise; half of them left.",
        "ſix boats and ıt: not numbers under str.lower(); ٣5 is one token, £3.5bn another, x5 and 5two too.",
        "Seventy-seven, Hundreds of thousands, a few thousand, one in five, 1,200,000 and Anna's 3 cats.",
        "\u212aeep ſeven, İt: each of İ ı ſ K sends the whole text down the unfolded scan; ÉIGHT, Nine",
        "THIRTY-ONE ÉTÉ, twenty-fives, x9 and 9x, tens of millions, TEN-FOLD, a Half and an EIGHT",
        "A quarter of a\nmillion, a-half, An  eighth, a third, a Tenth, a\tfew hundred; an A, a, an. A ten",
        "Data: a 5, an 8; a quarters, an halves, A FEW THOUSAND, a sixth of a billion, a hundred and five",
    ],
)
def test_candidate_scan_matches_token_scan(body: str) -> None:
    from parsers.figures import _find_candidates

    assert [m.span() for m in _find_candidates(body)] == _candidates_by_token_scan(body)


def test_fold_case_keeps_offsets_and_folds_like_ignorecase() -> None:
    import re

    from parsers.figures import fold_case

    text = "İstanbul, ıt, ſix, \u212aelvin, ÉTÉ and “QUOTES”"
    folded = fold_case(text)
    assert len(folded) == len(text)
    assert folded.startswith("istanbul, it, six, kelvin, ")
    pattern = re.compile(r"\b(?:istanbul|it|six|kelvin)\b", re.IGNORECASE)
    twin = re.compile(pattern.pattern)
    assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in twin.finditer(folded)]


@pytest.mark.parametrize("text", ["in May ", "see Article 8. ", "tier  ", "no. ", "the sept. ", "mayor ", "x-line "])
def test_trie_twins_agree_with_the_word_list_patterns(text: str) -> None:
    from parsers.figures import (
        _LABEL_BEFORE_F,
        _LABEL_BEFORE_RE,
        _MONTH_BEFORE_F,
        _MONTH_BEFORE_RE,
        fold_case,
        fold_pattern,
    )

    for twin, pattern in [(_LABEL_BEFORE_F, _LABEL_BEFORE_RE), (_MONTH_BEFORE_F, _MONTH_BEFORE_RE)]:
        assert bool(twin.search(fold_case(text))) == bool(fold_pattern(pattern).search(fold_case(text)))
        assert bool(twin.search(fold_case(text))) == bool(pattern.search(text))
