"""Near-copy and same-story fingerprints: word shingles, one-permutation MinHash, LSH bands, story keys."""

from __future__ import annotations

import difflib
import hashlib
import re
import struct
import zlib
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import repeat
from operator import eq

from parsers.records import Article
from parsers.textscan import split_lower_words

# ---------------------------------------------------------------------------------------------
# Near-copies: MinHash over word 5-shingles.
#
# One-permutation hashing (Li, Owen & Zhang 2012) with rotation densification (Shrivastava & Li
# 2014): every shingle is hashed once with a fixed seeded 64-bit hash, its low 6 bits choose one of
# 64 bins and its high 32 bits are the value; a bin keeps its minimum. Equal bins estimate the
# Jaccard similarity of the two shingle sets exactly as 64 independent permutations would, for one
# hash per shingle instead of 64 (about 0.2 ms for a 700-word article in CPython).
#
# The shingle hash is CPython's tuple hash of (seed, crc32 of each of the 5 words): deterministic
# across processes and runs (it does not depend on PYTHONHASHSEED, which only salts str/bytes), and
# computed in C. A golden test pins it: if a future Python changed tuple hashing, SCHEME must change
# and the index be rebuilt (`warehouse.dedup.rebuild_index`).
# ---------------------------------------------------------------------------------------------

SCHEME = "oph64-w5-crc32tuple-v1"
SHINGLE_WORDS = 5
NUM_HASHES = 64
BAND_ROWS = 3
BANDS = 21  # 21 bands x 3 rows = 63 of the 64 values; LSH S-curve midpoint (1/21)^(1/3) = 0.36
_SEED = 0x5EED_D0C5
_M32 = 0xFFFF_FFFF
_M64 = 0xFFFF_FFFF_FFFF_FFFF
_EMPTY = _M32
_SIGNATURE = struct.Struct(f"<{NUM_HASHES}I")
_BAND = struct.Struct(f"<B{BAND_ROWS}I")

# Calibrated thresholds (docs/dedup.md says how): a copy when the estimated Jaccard similarity of the
# 5-shingle sets reaches COPY_JACCARD, or when the shorter text is COPY_CONTAINMENT contained in the
# longer one (a trimmed wire copy) and has at least MIN_SHINGLES_CONTAINED shingles.
COPY_JACCARD = 0.5
COPY_CONTAINMENT = 0.8
MIN_SHINGLES_CONTAINED = 40
MIN_SHINGLES = 8  # shorter texts are left to the exact same-text hash


@dataclass(frozen=True, slots=True)
class Signature:
    """A MinHash signature: NUM_HASHES 32-bit values and the number of distinct shingles it summarises."""

    values: tuple[int, ...]
    shingles: int

    def to_bytes(self) -> bytes:
        """The values packed little-endian (256 bytes), for storage."""
        return _SIGNATURE.pack(*self.values)

    @classmethod
    def from_bytes(cls, data: bytes, shingles: int) -> Signature:
        """Unpack a stored signature."""
        return cls(_SIGNATURE.unpack(data), shingles)


def tokenize_words(text: str) -> list[str]:
    """Lower-cased word tokens; punctuation, quote marks, dashes and whitespace fall away."""
    return split_lower_words(text)  # re.findall(r"\w+", text.lower()), at C speed on most texts


def hash_shingles(words: Sequence[str], size: int = SHINGLE_WORDS) -> set[int]:
    """The set of unsigned 64-bit hashes of every run of `size` consecutive words."""
    if not words:
        return set()
    codes = list(map(zlib.crc32, map(str.encode, words)))
    if len(codes) < size:
        return {hash((_SEED, *codes)) & _M64}
    grams = zip(repeat(_SEED), *(codes[i:] for i in range(size)), strict=False)
    return {h & _M64 for h in map(hash, grams)}


def compute_signature(text: str) -> Signature:
    """MinHash signature of a body text (one-permutation hashing, densified)."""
    hashes = hash_shingles(tokenize_words(text))
    if not hashes:
        return Signature((_EMPTY,) * NUM_HASHES, 0)
    # Sorting the 64-bit hashes orders them by their high 32 bits (the value); the last write per bin wins,
    # so iterating in descending order leaves each bin's minimum.
    bins = {h & (NUM_HASHES - 1): h >> 32 for h in sorted(hashes, reverse=True)}
    if len(bins) < NUM_HASHES:
        return Signature(_densify(bins), len(hashes))
    return Signature(tuple(bins[i] for i in range(NUM_HASHES)), len(hashes))


def _densify(bins: dict[int, int]) -> tuple[int, ...]:
    """Fill empty bins from the next non-empty bin to the right, offset by the distance (rotation)."""
    filled = [bins.get(i) for i in range(NUM_HASHES)]
    values = []
    for i, value in enumerate(filled):
        if value is None:
            step = 1
            while (value := filled[(i + step) % NUM_HASHES]) is None:
                step += 1
            value = (value + step * 0x9E37_79B1) & _M32
        values.append(value)
    return tuple(values)


def derive_band_keys(signature: Signature) -> list[int]:
    """One signed 64-bit key per LSH band: articles sharing any key are candidate copies."""
    keys = []
    for band in range(BANDS):
        rows = signature.values[band * BAND_ROWS : (band + 1) * BAND_ROWS]
        digest = hashlib.blake2b(_BAND.pack(band, *rows), digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys


def estimate_jaccard(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of the two shingle sets (share of equal MinHash values)."""
    if not a.shingles or not b.shingles:
        return 0.0
    return sum(map(eq, a.values, b.values)) / NUM_HASHES


def estimate_containment(a: Signature, b: Signature, jaccard: float | None = None) -> float:
    """Estimated share of the smaller text's shingles found in the larger, from Jaccard and the set sizes."""
    j = estimate_jaccard(a, b) if jaccard is None else jaccard
    smaller = min(a.shingles, b.shingles)
    if not smaller:
        return 0.0
    shared = j * (a.shingles + b.shingles) / (1.0 + j)
    return min(1.0, shared / smaller)


def classify_copy(a: Signature, b: Signature) -> tuple[bool, float, float]:
    """Whether b is a near-copy of a, with the estimated Jaccard similarity and containment."""
    return _classify(estimate_jaccard(a, b), a.shingles, b.shingles)


def _classify(jaccard: float, a_shingles: int, b_shingles: int) -> tuple[bool, float, float]:
    smaller = min(a_shingles, b_shingles)
    containment = 0.0
    if smaller:  # as estimate_containment computes it
        containment = min(1.0, jaccard * (a_shingles + b_shingles) / (1.0 + jaccard) / smaller)
    if smaller < MIN_SHINGLES:
        return False, jaccard, containment
    copy = jaccard >= COPY_JACCARD or (containment >= COPY_CONTAINMENT and smaller >= MIN_SHINGLES_CONTAINED)
    return copy, jaccard, containment


# A signature packed as one integer (its 256 stored bytes, little-endian): value i is bits 32i..32i+31, and
# the values two signatures share are the zero lanes of their XOR. A loader verifies ~30 candidates an
# article; this spares unpacking each stored signature into 64 ints and comparing them one by one.
_LANE_LOW_BITS = sum(1 << (32 * i) for i in range(NUM_HASHES))


def pack_signature(data: bytes) -> int:
    """A stored signature (Signature.to_bytes) as one integer, for classify_packed."""
    return int.from_bytes(data, "little")


def classify_packed(a: int, a_shingles: int, b: int, b_shingles: int) -> tuple[bool, float, float]:
    """classify_copy of two packed signatures and their shingle counts (the same floats)."""
    if not a_shingles or not b_shingles:
        return _classify(0.0, a_shingles, b_shingles)
    x = a ^ b
    # OR every lane's 32 bits into its lowest bit: each step reads only bits still fed by the lane itself
    x |= x >> 16
    x |= x >> 8
    x |= x >> 4
    x |= x >> 2
    x |= x >> 1
    return _classify((NUM_HASHES - (x & _LANE_LOW_BITS).bit_count()) / NUM_HASHES, a_shingles, b_shingles)


def split_paragraphs(body: str) -> list[str]:
    """Paragraphs of a body (separated by blank lines), whitespace-trimmed, empties dropped."""
    return [p.strip() for p in body.split("\n\n") if p.strip()]


def _fold(paragraph: str) -> str:
    return " ".join(tokenize_words(paragraph))


def diff_copy(canonical_title: str | None, canonical_body: str, title: str | None, body: str) -> dict:
    """What a copy changes from its canonical copy: headline, and paragraphs added, removed or edited."""
    old = split_paragraphs(canonical_body)
    new = split_paragraphs(body)
    matcher = difflib.SequenceMatcher(a=[_fold(p) for p in old], b=[_fold(p) for p in new], autojunk=False)
    added: list[str] = []
    removed: list[str] = []
    edited: list[dict[str, str]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        olds, news = old[i1:i2], new[j1:j2]
        if op == "replace":
            for before, after in zip(olds, news, strict=False):
                edited.append({"canonical": before, "copy": after})
            olds, news = olds[len(news) :], news[len(olds) :]
        removed.extend(olds)
        added.extend(news)
    headline_changed = (canonical_title or "").strip() != (title or "").strip()
    return {
        "title": {"canonical": canonical_title, "copy": title} if headline_changed else None,
        "paragraphs_added": added,
        "paragraphs_removed": removed,
        "paragraphs_edited": edited,
    }


# ---------------------------------------------------------------------------------------------
# Same story, different words: features an event leaves in every account of it.
# ---------------------------------------------------------------------------------------------

FeatureKind = str  # "figure", "person", "quote", "name", "org", "place"

# Points a shared feature of each kind is worth, and the calibrated decision (docs/dedup.md):
# same story when the shared points reach STORY_MIN_POINTS, come from at least STORY_MIN_KINDS of the
# strong kinds, cover STORY_MIN_OVERLAP of the smaller fingerprint's points, within STORY_WINDOW_DAYS.
KIND_POINTS: dict[str, float] = {
    "figure": 3.0,
    "quote": 1.5,
    "person": 2.0,
    "name": 1.0,
    "org": 0.5,
    "place": 0.5,
}
STRONG_KINDS = frozenset({"figure", "quote", "person", "name"})
_STRONG_AS = {"figure": "figure", "quote": "quote", "person": "person", "name": "person"}  # a name counts as a person
_MAX_POINTS = max(KIND_POINTS.values())  # the most one shared feature can add
_FEW_SHARED = 6  # up to this many shared features are scored one by one
STORY_MIN_POINTS = 7.0
STORY_MIN_KINDS = 2
STORY_MIN_OVERLAP = 0.2
STORY_WINDOW_DAYS = 4
QUOTE_SAMPLE_MOD = 3  # keep quote 4-gram hashes divisible by 3: a deterministic third, the same in every copy
MAX_RETRIEVAL_KEYS = 32

# Numbers worth remembering: at least 100, written with digits (19,244; 3,594; 1.1m are not all caught,
# and years are left out).
# (?<![\w.,])(\d{1,3}(?:,\d{3})+|\d{3,})(?:\.(\d+))?(?![\w,]\d) with the lookbehind moved after the first digit,
# so that the engine skips to digits instead of testing the lookbehind at every character (~3x faster)
_NUMBER = re.compile(r"(\d(?<![\w.,]\d)(?:\d{0,2}(?:,\d{3})+|\d{2,}))(?:\.(\d+))?(?![\w,]\d)")
_YEAR = range(1900, 2100)
_CAPITAL_RUN = re.compile(r"\b[A-Z][\w\u2019'-]*(?:[ \t]+[A-Z][\w\u2019'-]*)+")
_QUOTED = re.compile(r"[\u201c\"]([^\u201c\u201d\"]{20,}?)[\u201d\"]")
_NAME_STOP = frozenset(
    {
        "The",
        "A",
        "An",
        "In",
        "On",
        "At",
        "But",
        "And",
        "He",
        "She",
        "It",
        "They",
        "We",
        "This",
        "That",
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "Sir",
        "Lord",
        "Lady",
        "Home",
        "Shadow",
        "Former",
        "Prime",
        "Minister",
        "Secretary",
        "Council",
        "Councillor",
        "Cllr",
        "Asked",
        "Speaking",
        "Since",
        "Under",
        "According",
        "Separately",
        "Critics",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Conservative",
        "Labour",
        "Tory",
        "Reform",
        "Its",
        "His",
        "Her",
        "Their",
        "When",
        "While",
        "After",
        "Before",
        "If",
        "As",
    }
)


@dataclass(frozen=True, slots=True)
class StoryFingerprint:
    """The features of one article's event: kind-prefixed strings ('figure:19244', 'person:kemi badenoch')."""

    features: frozenset[str]
    # the features' total points, summed once: a candidate's fingerprint is scored against many articles
    total: float = field(default=-1.0, compare=False)

    def __post_init__(self) -> None:
        if self.total < 0:
            object.__setattr__(self, "total", _sum_points(self.features, "\n".join(self.features)))

    def points(self) -> float:
        """Total points of the fingerprint."""
        return self.total

    @classmethod
    def from_text(cls, text: str) -> StoryFingerprint:
        """A fingerprint stored as its features joined by newlines (the dedup index's `features` column)."""
        features = frozenset(text.split("\n"))
        return cls(features, _sum_points(features, text))


def _sum_points(features: frozenset[str], joined: str) -> float:
    """The features' total points, from their newline-joined text: a few str.count calls instead of a split per
    feature (candidate fingerprints are built by the thousand when a batch is loaded).

    Exact: points are multiples of 0.5, so every partial sum is exact whatever the order; a kind is what precedes a
    feature's first colon, so `\nkind:` (or a whole line `kind`) starts a feature of that kind. When a feature holds
    a newline itself, or `joined` repeats one, the features are summed one by one.
    """
    if not features:
        return 0.0
    if joined.count("\n") != len(features) - 1:
        return sum(KIND_POINTS.get(f.split(":", 1)[0], 0.0) for f in features)
    lines = f"\n{joined}\n"
    return sum(points * (lines.count(f"\n{kind}:") + lines.count(f"\n{kind}\n")) for kind, points in KIND_POINTS.items())


def _figure_key(value: float) -> str | None:
    if value != value or value < 100 or (value == int(value) and int(value) in _YEAR):
        return None
    return f"figure:{value:.6g}"


def _number_values(text: str) -> Iterable[float]:
    for match in _NUMBER.finditer(text):
        whole = match.group(1).replace(",", "")
        if "," not in match.group(1) and len(whole) == 4 and int(whole) in _YEAR:
            continue
        yield float(whole + ("." + match.group(2) if match.group(2) else ""))


def _quote_samples(text: str) -> set[str]:
    hashes = hash_shingles(tokenize_words(text), 4)
    return {f"quote:{h >> 40:x}" for h in hashes if h % QUOTE_SAMPLE_MOD == 0}


def _split_names(run: str) -> list[str]:
    """Runs of 2-4 capitalised words between stop words: 'Home Secretary Chris Philp' -> chris philp."""
    names, current = [], []
    for word in [*run.split(), "The"]:
        word = word[:-2] if word.endswith(("\u2019s", "'s")) else word
        if word in _NAME_STOP or word.isupper() or not word[1:].islower() and "-" not in word:
            if 2 <= len(current) <= 4:
                names.append(_name_key(" ".join(current)))
            current = []
        else:
            current.append(word)
    return names


def _name_key(name: str) -> str:
    return " ".join(tokenize_words(name))


def fingerprint_story(article: Article) -> StoryFingerprint:
    """Story features of an article: figures, people, quotation samples, and organisations and places.

    Uses the parsers' entities, figures and quotes when present, and falls back on the body text
    (numbers, capitalised name sequences, text between quotation marks) so a page whose entities were
    not found still has a fingerprint.
    """
    features: set[str] = set()
    text = article.body
    for figure in article.figures:
        if not figure.approximate and (key := _figure_key(figure.value)):
            features.add(key)
    for value in _number_values(text):
        if key := _figure_key(value):
            features.add(key)
    people = [e for e in article.entities if e.type == "person"]
    for entity in article.entities:
        if entity.type in ("person", "org", "place") and (name := _name_key(entity.name)):
            features.add(f"{entity.type}:{name}")
    if not people:
        for run in _CAPITAL_RUN.findall(text):
            features.update(f"name:{name}" for name in _split_names(run))
    quoted = [q.text for q in article.quotes if q.kind != "indirect"] or _QUOTED.findall(text)
    for quote in quoted:
        features |= _quote_samples(quote)
    return StoryFingerprint(frozenset(features))


_RETRIEVAL_KINDS = ("figure", "person", "quote", "name")


def select_retrieval_features(fingerprint: StoryFingerprint) -> list[str]:
    """The most distinctive features (figures, people, quotes, then names), at most MAX_RETRIEVAL_KEYS.

    Ranked by kind in that order, then by the feature's text. In the sorted features a kind's `kind:...` features
    are one slice (found by bisection; ';' follows ':'), and a bare `kind` sorts before them.
    """
    ordered = sorted(fingerprint.features)
    ranked: list[str] = []
    for kind in _RETRIEVAL_KINDS:
        if kind in fingerprint.features:
            ranked.append(kind)
        ranked += ordered[bisect_left(ordered, f"{kind}:") : bisect_left(ordered, f"{kind};")]
        if len(ranked) >= MAX_RETRIEVAL_KEYS:
            break
    return ranked[:MAX_RETRIEVAL_KEYS]


_FEATURE_BITS = 47  # a posting key: 16 bits of week, then 47 of feature hash (see derive_story_key)
_FEATURE_MASK = (1 << _FEATURE_BITS) - 1
_WEEK_MASK = 0xFFFF


def derive_story_key(feature: str, week: int) -> int:
    """Posting key of a feature within one week bucket (days since epoch // 7): the week in the top bits,
    then a 47-bit hash of the feature, so one week's keys are one range of the index.

    The postings B-tree is ordered by key: a batch's new postings and its lookups (the weeks around its
    articles' days) then touch a few weeks' range of leaf pages, which a page cache can hold however big the
    index grows. With the week in the low bits they touched random pages all over it (measured: a fifth
    more read calls at 30,000 articles; docs/benchmarks.md). The week wraps every 65,536 weeks (1,256
    years), so every key is a non-negative 63-bit integer. Two of one week's ~10^5 features share a key with
    odds of ~4 in 100,000 (the birthday bound), and then count as one more shared feature.
    """
    return _week_bits(week) | _feature_hash(feature)


def _week_bits(week: int) -> int:
    return (week & _WEEK_MASK) << _FEATURE_BITS


def _feature_hash(feature: str) -> int:
    digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") & _FEATURE_MASK


def score_story(a: StoryFingerprint, b: StoryFingerprint) -> tuple[bool, float]:
    """Whether two fingerprints tell the same story, and the shared points over the smaller fingerprint's."""
    shared = a.features & b.features
    if not shared:
        return False, 0.0
    return _score_shared(shared, min(a.total, b.total) or 1.0)


def match_story(a: StoryFingerprint, b: StoryFingerprint) -> float | None:
    """score_story's score when the two fingerprints tell the same story, else None; what the loader asks of every
    candidate. At most _MAX_POINTS a shared feature: fewer than three shared features cannot reach
    STORY_MIN_POINTS, and too few to cover STORY_MIN_OVERLAP of the smaller fingerprint's points cannot
    reach the overlap (a quarter of the pairs the 5,000-page bench scores): those are answered unscored."""
    shared = a.features & b.features
    ceiling = len(shared) * _MAX_POINTS
    if ceiling < STORY_MIN_POINTS:
        return None
    smaller = min(a.total, b.total) or 1.0  # as score_story passes it
    if ceiling / smaller < STORY_MIN_OVERLAP:
        return None  # as _score_shared divides: the bound is exact, rounding included
    same, score = _score_shared(shared, smaller)
    return score if same else None


def _score_shared(shared: frozenset[str], smaller: float) -> tuple[bool, float]:
    """Whether the shared features tell the same story, and their points over `smaller`, the smaller
    fingerprint's points (1 when one is empty)."""
    joined = "\n".join(shared)
    if len(shared) > _FEW_SHARED and joined.count("\n") == len(shared) - 1:
        # many shared features (copies of one wire story share dozens): counted in their joined text, as
        # _sum_points does; a feature's kind is what precedes its first colon
        lines = f"\n{joined}\n"
        points = _sum_points(shared, joined)
        kinds = {_STRONG_AS[kind] for kind in STRONG_KINDS if f"\n{kind}:" in lines or f"\n{kind}\n" in lines}
    else:
        points = 0.0
        kinds = set()
        for feature in shared:
            kind = feature.split(":", 1)[0]
            points += KIND_POINTS.get(kind, 0.0)
            if kind in STRONG_KINDS:
                kinds.add(_STRONG_AS[kind])
    overlap = points / smaller
    same = points >= STORY_MIN_POINTS and len(kinds) >= STORY_MIN_KINDS and overlap >= STORY_MIN_OVERLAP
    return same, round(overlap, 4)


def story_day(article: Article, seen: datetime) -> int:
    """Days since 1970-01-01 of the event: publication time when known, else when first seen."""
    moment = article.published_at or seen
    return int(moment.timestamp() // 86400)


# ---------------------------------------------------------------------------------------------
# Both, computed once where the page is parsed.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LookupKeys:
    """The dedup index keys of a signature and fingerprint, derived in the parse worker for the loader.

    `posting_keys` hold, for every week of story_weeks(day), the posting keys of the `retrieval` features in
    order; they are only good for an article whose story day is `day` (its publication day: the worker does
    not know when the loader will have seen it, so an article without a publication time has none).
    """

    band_keys: tuple[int, ...]  # derive_band_keys(signature); () for a text too short for LSH
    retrieval: tuple[str, ...]  # select_retrieval_features(fingerprint)
    day: int | None = None
    posting_keys: dict[int, tuple[int, ...]] | None = None  # week -> keys, for the weeks around day


@dataclass(frozen=True, slots=True)
class DedupKeys:
    """An article's MinHash signature and story fingerprint, computed in the parse worker, not the loader.

    `body_hash` and `scheme` say what they were computed from: the loader recomputes them for an article whose
    body changed since (dataclasses.replace) or for another signature scheme. `lookup` carries the index keys
    derived from them (the loader hashes ~100 keys an article otherwise).
    """

    scheme: str
    body_hash: str
    signature: Signature
    fingerprint: StoryFingerprint
    lookup: LookupKeys | None = None

    def __setstate__(self, state: Sequence[object]) -> None:
        names = ("scheme", "body_hash", "signature", "fingerprint", "lookup")
        for name, value in zip(names, state, strict=False):
            object.__setattr__(self, name, value)
        if len(state) < 5:  # pickled before `lookup` was kept
            object.__setattr__(self, "lookup", None)


def story_weeks(day: int) -> list[int]:
    """Every week bucket the story window around day touches (a 9-day window can span three weeks)."""
    return list(range((day - STORY_WINDOW_DAYS) // 7, (day + STORY_WINDOW_DAYS) // 7 + 1))


def derive_posting_keys(features: Sequence[str], day: int) -> dict[int, tuple[int, ...]]:
    """For every week of the story window around day, the posting keys of the retrieval features, in order."""
    hashes = [_feature_hash(f) for f in features]  # a feature's hash is the same every week
    return {week: tuple(_week_bits(week) | h for h in hashes) for week in story_weeks(day)}


def derive_lookup_keys(signature: Signature, fingerprint: StoryFingerprint, day: int | None) -> LookupKeys:
    """The LSH band keys of a signature, and the posting keys of the fingerprint's retrieval features."""
    band_keys = tuple(derive_band_keys(signature)) if signature.shingles >= MIN_SHINGLES else ()
    retrieval = tuple(select_retrieval_features(fingerprint))
    if day is None:
        return LookupKeys(band_keys, retrieval)
    return LookupKeys(band_keys, retrieval, day, derive_posting_keys(retrieval, day))


def compute_dedup_keys(article: Article) -> DedupKeys:
    """The signature and story fingerprint of a parsed article, with their index keys."""
    signature, fingerprint = compute_signature(article.body), fingerprint_story(article)
    # the loader's story_day() when the page gave a publication time (else it is when the loader first sees it)
    day = story_day(article, article.published_at) if article.published_at is not None else None
    lookup = derive_lookup_keys(signature, fingerprint, day)
    return DedupKeys(SCHEME, article.body_hash, signature, fingerprint, lookup)


def resolve_dedup_keys(article: Article, keys: DedupKeys | None = None) -> tuple[Signature, StoryFingerprint]:
    """Keys precomputed for the article (by the parse worker) when they still match its body and the scheme, else
    computed now."""
    if keys is not None and keys.scheme == SCHEME and keys.body_hash == article.body_hash:
        return keys.signature, keys.fingerprint
    return compute_signature(article.body), fingerprint_story(article)
