"""Fast scans find what the plain regexes find: textscan's \\w+ words (str.translate + str.split on ASCII
views), the story fingerprint's number scan."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from parsers import article, dedup, urls
from parsers.textscan import blank_marks, count_words, split_lower_words

ROOT = Path(__file__).resolve().parents[2]
WORD = re.compile(r"\w+")

TEXTS = [
    "",
    "   ",
    "Plain ASCII text, with 12,000 numbers_and underscores; and punctuation!",
    "\u201cWe will stop the boats,\u201d the Prime Minister\u2019s spokesman said \u2013 \u00a3700m\u2026",
    # accented letters are words: these take the regex path
    "Caf\u00e9 owners in S\u00e3o Paulo \u2014 na\u00efve \u201cr\u00e9sum\u00e9s\u201d",
    "\u0130stanbul and D\u0130YARBAKIR \u212a",  # lower() changes length / non-ASCII case folds
    "x\u00a0y\u2009z\u202fw\u200bv \u00a92025 \u00ae\u2122 5\u00d76 90\u00b0 \u00a7 3 \u00b6 \u2032\u2033",
    "tabs\tand\nnew\r\nlines\x0b\x0c\x1c\x1d\x1e\x1f and \x00 controls",
    "digits \u0661\u0662\u0663 and \u00b2 superscripts, \u2155 fractions",  # non-ASCII digits are \w
    "__ _x_ a_b ---",
    "\u201c\u201d\u2019",
]


def corpus() -> list[str]:
    texts = list(TEXTS)
    texts.append((ROOT / "seeds" / "seed-article.txt").read_text(encoding="utf-8"))
    demo_pages = sorted((ROOT / "seeds" / "demo").rglob("*.htm*"))[:12]
    texts.extend(p.read_text(encoding="utf-8", errors="replace") for p in demo_pages)
    return texts


@pytest.mark.parametrize("text", corpus())
def test_split_lower_words_is_findall_of_lower(text: str) -> None:
    assert split_lower_words(text) == WORD.findall(text.lower())


@pytest.mark.parametrize("text", corpus())
def test_count_words_counts_the_regex_words(text: str) -> None:
    assert count_words(text) == len(WORD.findall(text))


@pytest.mark.parametrize("text", corpus())
def test_blank_marks_keeps_words_and_offsets(text: str) -> None:
    plain = blank_marks(text)
    if plain is not None:
        assert plain.isascii() and len(plain) == len(text)
        assert [m.span() for m in WORD.finditer(plain)] == [m.span() for m in WORD.finditer(text)]


def test_blank_marks_takes_the_fast_path_on_typical_news_text() -> None:
    plain = " We will stop the boats,  the Prime Minister s spokesman said    700m "
    assert blank_marks(TEXTS[3]) == plain
    assert blank_marks(TEXTS[4]) is None  # accented letters are words: the regex path


# the story fingerprint's number scan, as first written: the rewrite must find the same matches
_NUMBER_AS_WRITTEN = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d{3,})(?:\.(\d+))?(?![\w,]\d)")


def test_number_scan_finds_what_the_plain_pattern_finds() -> None:
    rng = random.Random(7)
    alphabet = "0123456789,,.. ax_\u0663\u00a3"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 40))) for _ in range(20_000)]
    texts += corpus()
    for text in texts:
        got = [(m.span(), m.groups()) for m in dedup._NUMBER.finditer(text)]
        assert got == [(m.span(), m.groups()) for m in _NUMBER_AS_WRITTEN.finditer(text)], text


@pytest.mark.parametrize("text", [*corpus(), "The_Home Office\u2019s 2025 plan", "\u00c9tat \u2013 NHS"])
def test_squash_keeps_lower_case_letters_and_digits_only(text: str) -> None:
    assert article._squash(text) == re.sub(r"[\W_]+", "", text.lower())


@pytest.mark.parametrize(
    "text",
    [*corpus(), "a\n\nb", "a\n\n\nb", " a", "a ", "a  b", "a\n\n", "\n\na", "a\u3000b", "a\u2028b"]
    + ["x\u00a0\n\ny", "x\t\n\ny", ""],
)
def test_join_words_is_split_and_join(text: str) -> None:
    assert urls._join_words(text) == " ".join(text.split())
    assert urls._join_words(text.replace("\n", "\n\n")) == " ".join(text.split())
