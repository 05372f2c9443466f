"""Fast text scans the analysers share: a trie-factored regex alternation for word lists, finding where a
pattern can match by str.find on the characters its matches start with, and \\w+ words at C speed."""

from __future__ import annotations

import re
from collections.abc import Sequence

_WORD = re.compile(r"\w+")
# Non-ASCII marks common in news text that are not word characters (quotation marks, dashes, currency
# signs, spaces), the most frequent first. With them blanked out most bodies are ASCII, and ASCII text is
# cut into its \w+ words by str.translate + str.split at C speed, where a \w+ regex scan costs ~30 ns a
# character of non-ASCII text.
_NON_WORD_MARKS = "".join(
    mark
    for mark in "\u201c\u201d\u2019\u2018\u2013\u2014\u00a3\u00a0\u20ac\u2026\u201e\u201a\u00ab\u00bb"
    "\u2039\u203a\u2012\u2015\u2212\u00a5\u00a2\u00b0\u00b7\u2022\u2009\u200a\u202f\u2002\u2003\u200b"
    "\u2032\u2033\u00a9\u00ae\u2122\u00a7\u00b6\u00d7"
    if not _WORD.match(mark) and mark.lower() == mark  # kept out of words by \w+ and by str.lower() alike
)
_ASCII_WORD_CHARS = frozenset(c for c in range(128) if _WORD.match(chr(c)))
# ASCII text -> its words lower-cased between spaces / every word character as "a" between spaces
_LOWER_WORDS = str.maketrans({c: chr(c).lower() if c in _ASCII_WORD_CHARS else " " for c in range(128)})
_WORD_RUNS = str.maketrans({c: "a" if c in _ASCII_WORD_CHARS else " " for c in range(128)})


def blank_marks(text: str) -> str | None:
    """text with its common non-word marks (_NON_WORD_MARKS) replaced by spaces when that leaves it ASCII,
    else None: the same \\w+ words at the same offsets, in a string that str methods scan fastest."""
    if text.isascii():
        return text
    for mark in _NON_WORD_MARKS:
        if mark in text:
            text = text.replace(mark, " ")  # the result is stored as ASCII once no other character is left
            if text.isascii():
                return text
    return None


def split_lower_words(text: str) -> list[str]:
    """re.findall(r"\\w+", text.lower()), by str.translate and str.split if the text allows (blank_marks)."""
    plain = blank_marks(text)
    if plain is None:
        return _WORD.findall(text.lower())
    return plain.translate(_LOWER_WORDS).split()


def count_words(text: str) -> int:
    """len(re.findall(r"\\w+", text)), without a string for each word (see blank_marks)."""
    plain = blank_marks(text)
    if plain is None:
        return _WORD.subn("", text)[1]  # counts the matches without building a string for each word
    return f" {plain.translate(_WORD_RUNS)}".count(" a")


def find_chars(text: str, chars: str, start: int = 0, end: int | None = None) -> list[int]:
    """The offsets of every occurrence of any of chars in text[start:end], in order.

    str.find per character: many times faster than a character-class regex, whose scan still visits every
    position of the text.
    """
    end = len(text) if end is None else end
    found: list[int] = []
    for ch in chars:
        pos = text.find(ch, start, end)
        while pos >= 0:
            found.append(pos)
            pos = text.find(ch, pos + 1, end)
    if len(chars) > 1:
        found.sort()
    return found


def find_marked(
    pattern: re.Pattern[str], text: str, marks: str, start: int = 0, end: int | None = None
) -> list[re.Match[str]]:
    """pattern.finditer(text, start, end) as a list, for a pattern whose every match starts with one of the
    characters marks (and is never empty): the pattern is only tried at those characters (see find_chars)."""
    end = len(text) if end is None else end
    found: list[re.Match[str]] = []
    last_end = start
    for pos in find_chars(text, marks, start, end):
        if pos >= last_end and (m := pattern.match(text, pos, end)) is not None:
            found.append(m)
            last_end = m.end()
    return found


def build_trie_pattern(words: Sequence[str]) -> str:
    """One regex alternation for many words, factored as a trie so the engine need not try each in turn."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch != ""]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return f"(?:{body})?" if len(branches) > 1 or len(body) > 1 else f"{body}?"
        return body

    return emit(trie)
