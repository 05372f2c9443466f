"""Label articles with immigration topics from seeds/topics.toml and score their immigration relevance."""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from parsers.records import Topic

TAXONOMY_PATH = Path(__file__).resolve().parent.parent / "seeds" / "topics.toml"
MIN_TOPIC_SCORE = 0.3  # topics scoring below this are not reported
TITLE_FACTOR = 2.5  # a phrase in the title counts this many times its weight, once
TOPIC_SCALE = 2.5  # topic score = 1 - exp(-strength / TOPIC_SCALE)
RELEVANCE_SCALE = 3.0  # relevance = 1 - exp(-strength / RELEVANCE_SCALE)
WORDS_PER_UNIT = 300  # body strength is divided by sqrt(words / WORDS_PER_UNIT) for longer texts
MAX_EVIDENCE = 8

_SPACE_TOKEN = "\x00"  # a space in a phrase: matches whitespace or a hyphen
_STAR_TOKEN = "\x01"  # a trailing * on a word: matches any word ending
_PHRASE_CHARS_RE = re.compile(r"^[\w'’(),.&-]+(?:\*)?(?: [\w'’(),.&-]+(?:\*)?)*$")


class TaxonomyError(ValueError):
    """The topic taxonomy file is malformed; the message names the topic or phrase."""


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """A compiled topic taxonomy: one regex for every phrase, and what each phrase is evidence of."""

    slugs: tuple[str, ...]
    labels: Mapping[str, str]
    descriptions: Mapping[str, str]
    pattern: re.Pattern[str]
    weights: Mapping[str, tuple[tuple[int, float], ...]]  # regex group -> ((topic index, weight), ...)
    phrases: Mapping[str, str]  # regex group -> phrase as written in the taxonomy


@dataclass(frozen=True, slots=True)
class _Scan:
    """The phrase hits in one article: per regex group, body count, title presence and surface text."""

    body_counts: Mapping[str, int]
    title_groups: frozenset[str]
    surfaces: Mapping[str, str]
    words: int


def _tokenize_phrase(phrase: str) -> list[str]:
    """Turn a taxonomy phrase into trie tokens: characters, a space token and a star token."""
    tokens: list[str] = []
    for i, word in enumerate(phrase.split(" ")):
        if i:
            tokens.append(_SPACE_TOKEN)
        star = word.endswith("*")
        tokens.extend(word.rstrip("*"))
        if star:
            tokens.append(_STAR_TOKEN)
    return tokens


def _build_trie_regex(phrases: Mapping[str, str]) -> str:
    """Build one regex alternation, factored as a trie, whose terminals are named groups.

    Literal continuations are tried before a word wildcard and before ending, so at any position the
    longest phrase wins: "deportivo" (neutral) before "deport*", "detention centre" before "detention".
    """
    trie: dict[str, dict] = {}
    for group, phrase in phrases.items():
        node = trie
        for token in _tokenize_phrase(phrase):
            node = node.setdefault(token, {})
        node[""] = group  # type: ignore[assignment]

    def render(node: dict) -> str:
        alternatives = []
        for token in sorted(k for k in node if k and k not in (_STAR_TOKEN,)):
            prefix = r"[\s-]+" if token == _SPACE_TOKEN else re.escape(token)
            alternatives.append(prefix + render(node[token]))
        if _STAR_TOKEN in node:
            alternatives.append(r"\w*" + render(node[_STAR_TOKEN]))
        if "" in node:
            alternatives.append(f"(?P<{node['']}>)(?!\\w)")
        return alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"

    return r"\b" + render(trie)


def compile_taxonomy(toml_text: str) -> Taxonomy:
    """Compile the taxonomy TOML (see seeds/topics.toml) into one regex and its weight table."""
    data = tomllib.loads(toml_text)
    slugs: list[str] = []
    labels: dict[str, str] = {}
    descriptions: dict[str, str] = {}
    group_of: dict[str, str] = {}  # normalised phrase -> group name
    phrases: dict[str, str] = {}
    weights: dict[str, list[tuple[int, float]]] = {}

    def add(phrase: str, topic_index: int | None, weight: float) -> None:
        norm = " ".join(phrase.lower().split())
        if not _PHRASE_CHARS_RE.match(norm):
            raise TaxonomyError(f"topics.toml: phrase {phrase!r} has characters outside the phrase syntax")
        group = group_of.get(norm)
        if group is None:
            group = group_of[norm] = f"p{len(group_of)}"
            phrases[group] = norm
            weights[group] = []
        if topic_index is not None:
            weights[group].append((topic_index, weight))

    for phrase in data.get("neutral", {}).get("phrases", []):
        add(phrase, None, 0.0)
    for entry in data.get("topics", []):
        slug = entry.get("slug")
        if not slug or not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug) or slug in labels:
            raise TaxonomyError(f"topics.toml: bad or duplicate slug {slug!r}")
        if not entry.get("label") or not entry.get("description") or not entry.get("phrases"):
            raise TaxonomyError(f"topics.toml: topic {slug!r} needs a label, a description and phrases")
        index = len(slugs)
        slugs.append(slug)
        labels[slug] = entry["label"]
        descriptions[slug] = entry["description"]
        for phrase, weight in entry["phrases"].items():
            if not isinstance(weight, int | float) or not 0 <= weight <= 3:
                raise TaxonomyError(f"topics.toml: topic {slug!r} phrase {phrase!r} weight must be 0..3")
            add(phrase, index, float(weight))
    pattern = re.compile(_build_trie_regex(phrases))
    return Taxonomy(
        slugs=tuple(slugs),
        labels=labels,
        descriptions=descriptions,
        pattern=pattern,
        weights={g: tuple(w) for g, w in weights.items()},
        phrases=phrases,
    )


@cache
def load_taxonomy() -> Taxonomy:
    """Compile the bundled taxonomy, seeds/topics.toml, once per process."""
    return compile_taxonomy(TAXONOMY_PATH.read_text(encoding="utf-8"))


def _scan_phrases(taxonomy: Taxonomy, text: str, surfaces: dict[str, str]) -> dict[str, int]:
    """Count the taxonomy's phrase hits in text (neutral phrases are consumed but not counted).

    The first text each phrase matched is kept in surfaces: "deportations" for "deport*".
    """
    counts: dict[str, int] = {}
    weights = taxonomy.weights
    for m in taxonomy.pattern.finditer(text):
        group = m.lastgroup
        if group is not None and weights[group]:
            if group in counts:
                counts[group] += 1
            else:
                counts[group] = 1
                surfaces.setdefault(group, " ".join(m.group().split()))
    return counts


@lru_cache(maxsize=64)
def _scan_article(title: str | None, body: str) -> _Scan:
    """Scan title and body once; classify_topics and score_relevance share the result."""
    taxonomy = load_taxonomy()
    surfaces: dict[str, str] = {}
    title_counts = _scan_phrases(taxonomy, title.lower(), surfaces) if title else {}
    body_counts = _scan_phrases(taxonomy, body.lower(), surfaces)
    return _Scan(
        body_counts=body_counts,
        title_groups=frozenset(title_counts),
        surfaces=surfaces,
        words=body.count(" ") + body.count("\n") + 1,
    )


def _group_strengths(scan: _Scan, topic_index: int | None, taxonomy: Taxonomy) -> dict[str, float]:
    """Each hit phrase's contribution, for one topic or (None) for immigration as a whole."""
    strengths: dict[str, float] = {}
    for group in (*scan.body_counts, *scan.title_groups):
        if group in strengths:
            continue
        pairs = taxonomy.weights[group]
        if topic_index is None:
            weight = max(w for _, w in pairs)
        else:
            weight = next((w for t, w in pairs if t == topic_index), 0.0)
        if weight <= 0:
            continue
        count = scan.body_counts.get(group, 0)
        body_part = weight * (1 + math.log(count)) if count else 0.0
        title_part = TITLE_FACTOR * weight if group in scan.title_groups else 0.0
        strengths[group] = body_part + title_part
    return strengths


def _topic_strengths(scan: _Scan, taxonomy: Taxonomy) -> dict[int, dict[str, float]]:
    """_group_strengths for every topic at once (topic index -> strengths): one pass over the hit phrases,
    not one per topic of the taxonomy. Same contributions, in the same order, as _group_strengths."""
    by_topic: dict[int, dict[str, float]] = {}
    for group in dict.fromkeys((*scan.body_counts, *scan.title_groups)):
        count = scan.body_counts.get(group, 0)
        in_title = group in scan.title_groups
        seen: set[int] = set()
        for topic_index, weight in taxonomy.weights[group]:
            if topic_index in seen:
                continue  # _group_strengths takes a topic's first weight
            seen.add(topic_index)
            if weight <= 0:
                continue
            body_part = weight * (1 + math.log(count)) if count else 0.0
            title_part = TITLE_FACTOR * weight if in_title else 0.0
            by_topic.setdefault(topic_index, {})[group] = body_part + title_part
    return by_topic


def _ranked_evidence(strengths: Mapping[str, float], scan: _Scan) -> tuple[str, ...]:
    """Phrases in order of contribution, as they were first found (lowercased)."""
    ranked = sorted(strengths, key=lambda g: (-strengths[g], scan.surfaces[g]))
    seen: dict[str, None] = {}
    for group in ranked:
        seen.setdefault(scan.surfaces[group], None)
    return tuple(seen)[:MAX_EVIDENCE]


def classify_topics(title: str | None, body: str) -> tuple[Topic, ...]:
    """Label an article with every taxonomy topic it carries evidence for, best first."""
    taxonomy = load_taxonomy()
    scan = _scan_article(title, body)
    topics: list[Topic] = []
    by_topic = _topic_strengths(scan, taxonomy)
    for index, slug in enumerate(taxonomy.slugs):
        strengths = by_topic.get(index)
        if not strengths:
            continue
        score = 1 - math.exp(-sum(strengths.values()) / TOPIC_SCALE)
        if score >= MIN_TOPIC_SCORE:
            evidence = _ranked_evidence(strengths, scan)
            topics.append(Topic(topic=slug, score=round(score, 3), evidence=evidence))
    topics.sort(key=lambda t: (-t.score, t.topic))
    return tuple(topics)


def score_relevance(title: str | None, body: str, topics: Sequence[Topic]) -> tuple[float, tuple[str, ...]]:
    """Score how much an article is about immigration, 0..1, with the phrases that say so.

    Body evidence is damped for long texts (one passing mention in 1,500 words is not a topic) and
    when a single phrase is all there is; title phrases weigh TITLE_FACTOR times more. `topics`, from
    classify_topics on the same text, adds a small bonus when several topics are strongly present.
    Evidence: title phrases first ("title: asylum hotel"), then body phrases by contribution.
    """
    taxonomy = load_taxonomy()
    scan = _scan_article(title, body)
    strengths = _group_strengths(scan, None, taxonomy)
    if not strengths:
        return 0.0, ()
    length_damping = math.sqrt(max(1.0, scan.words / WORDS_PER_UNIT))
    body_strength = 0.0
    title_strength = 0.0
    for group, strength in strengths.items():
        if group in scan.title_groups:
            weight = max(w for _, w in taxonomy.weights[group])
            title_strength += TITLE_FACTOR * weight
            strength -= TITLE_FACTOR * weight
        body_strength += strength
    strong_topics = sum(1 for t in topics if t.score >= 0.5)
    breadth = min(1.5, 1 + 0.1 * max(0, strong_topics - 1))
    # one phrase on its own is weak evidence ("our borders" in a football quote); two or more are not
    single = min(1.0, (len(strengths) + 1) / 3)
    x = (body_strength / length_damping + title_strength) * breadth * single
    relevance = round(1 - math.exp(-x / RELEVANCE_SCALE), 3)
    evidence = [f"title: {scan.surfaces[g]}" for g in sorted(scan.title_groups & strengths.keys())]
    evidence.extend(e for e in _ranked_evidence(strengths, scan) if f"title: {e}" not in evidence)
    return relevance, tuple(evidence[: MAX_EVIDENCE + len(scan.title_groups)])
