"""The fast scans of parsers.figures find what plain regex scans find: end-anchored tests, marked scans."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from parsers import figures, quotes
from parsers.figures import ends_with, fold_case, words_ending
from parsers.textscan import find_chars, find_marked

ROOT = Path(__file__).resolve().parents[2]
SEED_ARTICLE = ROOT / "seeds" / "seed-article.txt"
SENTENCES = ROOT / "tests" / "fixtures" / "figures" / "sentences.toml"
CASES = tomllib.loads(SENTENCES.read_text(encoding="utf-8"))

# name, whether it searches fold_case(text) (the IGNORECASE patterns' twins) or the text itself
TAILS = [
    ("_MONTH_BEFORE", True),
    ("_LABEL_BEFORE", True),
    ("_APPROX_BEFORE", True),
    ("_CHANGE_BEFORE", True),
    ("_BACK_ANCHOR", True),
    ("_YEAR_RANGE_BEFORE", False),
    ("_DIGIT_DASH_BEFORE", False),
    ("_CAPITALISED_BEFORE", False),
    ("_AGE_BEFORE", True),
    ("_THRESHOLD_BEFORE", True),
]


def corpus() -> list[str]:
    texts = [SEED_ARTICLE.read_text(encoding="utf-8")]
    texts.extend(case["text"] for case in CASES["case"])
    # ends the word lists allow, with the marks and spaces the patterns take after them
    texts.append(
        "Arrivals rose by ~ 5 and fell to £ 7. It was up from $8, cost €9, hit  \n10. Tier 2, No. 3, Art. 4"
        " and Radio 5 Live. In Jan. 6, the 2019-20 season ended 2-1 then 3– 4. Some 30, c. 40, approx. 50, an"
        " estimated 60, the best part of 70, more than\n80 and ~90. Costs totalled $\n12 and jumped by a"
        " further 13 or dropped an 14. Channel\n4 Sept.\n5 2020/\n21 a 4-\n3 win. Children aged 5, those"
        " aged\nbetween 6 and the ages of 7 stayed at least £ 8 days, more than 9, no fewer than 10 and"
        " exceeding 11 nights."
    )
    return texts


def windows(text: str) -> list[str]:
    """Every 60-character window ending at a position of text, and every prefix of up to 80 characters."""
    return [text[max(0, end - 60) : end] for end in range(len(text) + 1)] + [text[:n] for n in range(80)]


@pytest.mark.parametrize(("name", "folded"), TAILS)
def test_pre_test_never_hides_a_match(name: str, folded: bool) -> None:
    tail = getattr(figures, name)
    found = 0
    for text in corpus():
        for window in windows(fold_case(text) if folded else text):
            expected = tail.pattern.search(window)
            got = tail.search(window)
            assert (got and got.span()) == (expected and expected.span()), (name, window)
            found += expected is not None
    assert found, f"{name}: the corpus never exercises the pattern"


@pytest.mark.parametrize(("name", "folded"), TAILS)
def test_pre_test_honours_pos_and_endpos(name: str, folded: bool) -> None:
    tail = getattr(figures, name)
    for text in corpus():
        text = fold_case(text) if folded else text
        for end in range(0, len(text) + 1, 7):
            start = max(0, end - 40)
            expected = tail.pattern.search(text, start, end)
            got = tail.search(text, start, end)
            assert (got and got.span()) == (expected and expected.span()), (name, text[start:end])


def test_pre_test_skips_windows_that_cannot_match() -> None:
    assert figures._MONTH_BEFORE.search("the total reached ") is None
    assert not ends_with("the total reached ", figures._MONTH_BEFORE.endings, ".")
    assert ends_with("in sept. ", figures._MONTH_BEFORE.endings, ".")
    assert ends_with("rose by £ ", figures._CHANGE_BEFORE.endings, "£$€~")


def test_words_ending_reads_the_word_lists() -> None:
    assert words_ending(r"rose|went\s+up|an?|approx\.?|c\.|an?\s+(?:almost|nearly)") == (
        "rose", "up", "an", "a", "approx.", "approx", "c.", "almost", "nearly",
    )  # fmt: skip
    with pytest.raises(ValueError, match="not a plain word list"):
        words_ending(r"rose|[£$€]")


def test_find_chars_finds_each_occurrence_in_order() -> None:
    text = "a.b!c?d…e\nf.g"
    assert find_chars(text, ".!?…\n") == [1, 3, 5, 7, 9, 11]
    assert find_chars(text, ".", 2, 11) == []
    assert find_chars(text, ".", 1, 12) == [1, 11]
    assert find_chars(text, "x") == []


@pytest.mark.parametrize(
    ("pattern", "marks"),
    [
        (figures._SENTENCE_END_RE, figures._SENTENCE_END_MARKS),
        (quotes._SENT_BREAK, quotes._SENT_BREAK_BEGINS),
    ],
)
def test_find_marked_is_finditer(pattern: re.Pattern[str], marks: str) -> None:
    extra = "He said so… Then “No.” (A) left!\n\nB. 2 c. D?  “E” ’F’. G.\u00a0H\n"
    found = 0
    for text in [*corpus(), extra]:
        for start, end in [(0, len(text)), (3, len(text) - 5), (len(text) // 2, len(text))]:
            expected = [m.span() for m in pattern.finditer(text, start, end)]
            assert [m.span() for m in find_marked(pattern, text, marks, start, end)] == expected
            found += len(expected)
    assert found
