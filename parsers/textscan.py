"""Fast text scans the analysers share: a trie-factored regex alternation for word lists, and finding where a
pattern can match by str.find on the characters its matches start with."""

from __future__ import annotations

import re
from collections.abc import Sequence


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
