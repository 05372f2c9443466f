"""Near-copy signatures and story fingerprints on hand-written cases (invented people, places and figures)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from parsers.dedup import (
    BANDS,
    NUM_HASHES,
    SCHEME,
    Signature,
    classify_copy,
    compute_signature,
    derive_band_keys,
    diff_copy,
    estimate_jaccard,
    fingerprint_story,
    hash_shingles,
    score_story,
    tokenize_words,
)
from parsers.records import Article, Entity, Figure
from parsers.urls import hash_text

T0 = datetime(2025, 3, 4, 8, 0, tzinfo=UTC)

# A wire story (agency copy) and what three outlets did with it.
WIRE = [
    "Inspectors have found that detainees at Harwick Immigration Removal Centre were locked in their rooms for up "
    "to 22 hours a day during staff shortages last summer, according to a report published on Tuesday.",
    "The Chief Inspector of Detention Sites, Gareth Ollerton, said staffing at the centre had fallen to 61 per "
    "cent of the agreed level in July and August, and that 317 shifts had gone unfilled.",
    "\u201cWhen a centre cannot staff its wings, the people inside pay the price. Locking men in for most of the "
    "day is not a regime, it is warehousing,\u201d Mr Ollerton said.",
    "The report says 14 detainees were held for longer than six months and one man for 412 days. Inspectors also "
    "found that 38 per cent of complaints received no reply within the required 20 working days.",
    "Brennock Custodial, which runs the centre under a \u00a3146m contract, said it had recruited 54 officers "
    "since September and that rooms were now unlocked for at least 12 hours a day.",
    "Detention minister Priya Halloran said the department had \u201cmade clear to the contractor that this "
    "cannot happen again\u201d and would publish an action plan within 60 days.",
    "Campaigners from the Harwick Visitors Group said the findings matched what detainees had told them for "
    "months. Its coordinator, Tobias Fenn, said: \u201cWe raised this in June. Nobody listened.\u201d",
    "Harwick holds up to 408 men and is one of seven removal centres in England.",
]


def wire_trimmed() -> list[str]:
    """An outlet's copy: the last paragraph cut, two house-style edits."""
    paras = WIRE[:-1]
    return [
        paras[0].replace("on Tuesday", "yesterday"),
        *paras[1:4],
        paras[4].replace("since September", "since the autumn"),
        *paras[5:],
    ]


def wire_with_local_line() -> list[str]:
    """An outlet's copy with its own closing line added."""
    return [
        *WIRE,
        "The Harwick Gazette has asked Brennock Custodial how many officers work at the centre today.",
    ]


# One event (a tribunal ruling) told by three outlets in their own words: same people, figures, quoted words.
RULING_A = [
    "A tribunal has ruled that the Home Office acted unlawfully when it refused to reconsider the asylum claim "
    "of a Milbrook man who was tortured in detention abroad.",
    "Upper Tribunal Judge Imogen Carver said the department had ignored medical evidence from the Lindell "
    "Foundation, which documented 27 scars consistent with the man's account.",
    "\u201cThe decision-maker gave no reasons at all for rejecting expert evidence of this weight,\u201d the "
    "judge wrote.",
    "The ruling could affect 1,870 similar refusals made since 2023, according to the man's solicitors, Ashdown "
    "Pryce.",
    "His solicitor, Ruth Ashdown, said: \u201cOur client waited four years for someone to read his file "
    "properly.\u201d",
    "The Home Office said it would consider the judgment.",
]
RULING_B = [
    "Asylum refusals that brushed aside medical reports of torture may have to be reopened after a judge found "
    "the Home Office had acted unlawfully in the case of a man from Milbrook.",
    "Judge Imogen Carver, sitting in the Upper Tribunal, found that caseworkers dismissed a report by the Lindell "
    "Foundation without explanation.",
    "Ruth Ashdown of Ashdown Pryce, who represented him, estimates that 1,870 refusals since 2023 used the same "
    "reasoning. \u201cOur client waited four years for someone to read his file properly,\u201d she said.",
    "The judgment says: \u201cThe decision-maker gave no reasons at all for rejecting expert evidence of this "
    "weight.\u201d",
]
RULING_C = [
    "Home Office caseworkers will have to look again at hundreds of torture survivors' cases, lawyers said, "
    "after a landmark Upper Tribunal judgment.",
    "In the judgment, Judge Imogen Carver criticised officials for setting aside evidence from the Lindell "
    "Foundation, a medical charity.",
    "Ruth Ashdown, the claimant's solicitor, put the number of refusals affected at 1,870.",
    "\u201cHe waited four years for someone to read his file properly,\u201d Ms Ashdown said of her client.",
    "The department has 28 days to decide whether to appeal.",
]

# Unrelated stories on the same topic that must NOT merge with the ruling or each other.
MILBROOK_HOTEL = [
    "Milbrook council has asked the Home Office to stop placing asylum seekers at the Riverside Hotel, saying "
    "the town's GP surgeries cannot register any more patients.",
    "Council leader Amanda Skerritt said 212 people were living at the hotel, up from 90 a year ago.",
    "\u201cWe are not against helping people. We are against doing it with no doctors and no notice,\u201d she said.",
    "Detention minister Priya Halloran said hotel use would fall this year.",
]
CROSSINGS = [
    "1,940 people crossed the Channel in small boats in February, the highest February total on record, "
    "according to official figures.",
    "Border minister Colin Haverstock said gangs were packing more people into each boat. \u201cThis is a "
    "business model built on risking lives,\u201d he said.",
    "The average number of people per boat rose to 61.",
]
RESCUE = [
    "Lifeboat crews from Dunmere rescued 48 people from a sinking dinghy in the Channel on Sunday.",
    "Coxswain Martin Pell said the boat was \u201ctaking on water fast\u201d when the crew arrived.",
    "The rescue came days after figures showed 1,940 people crossed in February.",
]


def body(paras: list[str]) -> str:
    return "\n\n".join(paras)


def article(
    paras: list[str],
    *,
    title: str = "Title",
    entities: tuple[Entity, ...] = (),
    figures: tuple[Figure, ...] = (),
) -> Article:
    text = body(paras)
    return Article(
        url="http://x.example/a",
        canonical_url="http://x.example/a",
        title=title,
        authors=(),
        published_at=T0,
        published_at_source="jsonld",
        language="en",
        outlet="X",
        status="full",
        status_reason=None,
        body=text,
        body_hash=hash_text(text),
        relevance=1.0,
        relevance_evidence=(),
        entities=entities,
        figures=figures,
    )


def test_signature_is_stable_across_processes() -> None:
    # Golden values: a change here means SCHEME must change and stored signatures be rebuilt.
    sig = compute_signature("the quick brown fox jumps over the lazy dog again and again")
    assert SCHEME == "oph64-w5-crc32tuple-v1"
    assert len(sig.values) == NUM_HASHES and sig.shingles == 8
    assert sig.values[:4] == GOLDEN_FIRST_VALUES
    assert Signature.from_bytes(sig.to_bytes(), sig.shingles) == sig


GOLDEN_FIRST_VALUES = (2297480820, 3938012355, 1283576594, 2924108129)


def test_tokens_ignore_case_quotes_dashes_and_space() -> None:
    assert tokenize_words("\u201cYou\u2019re  WRONG\u201d \u2013 she said") == [
        "you",
        "re",
        "wrong",
        "she",
        "said",
    ]
    assert hash_shingles(tokenize_words("a b c d e f")) == hash_shingles(
        tokenize_words("A  b, c \u2013 d; e f")
    )


def test_minhash_estimates_jaccard_of_shingle_sets() -> None:
    # Estimates stay within sampling error of the exact Jaccard similarity on the syndicated copies.
    for paras in (wire_trimmed(), wire_with_local_line(), RULING_A):
        a, b = set(hash_shingles(tokenize_words(body(WIRE)))), set(hash_shingles(tokenize_words(body(paras))))
        exact = len(a & b) / len(a | b)
        estimate = estimate_jaccard(compute_signature(body(WIRE)), compute_signature(body(paras)))
        assert abs(estimate - exact) < 0.15, (exact, estimate)


def test_bins_are_filled_evenly() -> None:
    hashes = hash_shingles([f"w{i % 5000}" for i in range(20_000)] + tokenize_words(body(WIRE)))
    counts = [0] * NUM_HASHES
    values = 0
    for h in hashes:
        counts[h & (NUM_HASHES - 1)] += 1
        values += (h >> 32) < (1 << 31)
    expected = len(hashes) / NUM_HASHES  # about 80 a bin
    assert max(counts) < 1.5 * expected and min(counts) > 0.6 * expected
    assert 0.45 < values / len(hashes) < 0.55  # the value half is not skewed either


@pytest.mark.parametrize("variant", [wire_trimmed, wire_with_local_line])
def test_syndicated_copies_are_near_copies_and_share_a_band(variant) -> None:
    original, copy = compute_signature(body(WIRE)), compute_signature(body(variant()))
    is_copy, jaccard, containment = classify_copy(original, copy)
    assert is_copy and jaccard > 0.6 and containment > 0.85
    assert set(derive_band_keys(original)) & set(derive_band_keys(copy))
    assert len(derive_band_keys(original)) == BANDS


def test_rewrites_and_other_stories_are_not_copies() -> None:
    signatures = [compute_signature(body(p)) for p in (WIRE, RULING_A, RULING_B, RULING_C, MILBROOK_HOTEL)]
    for i, a in enumerate(signatures):
        for b in signatures[i + 1 :]:
            assert not classify_copy(a, b)[0]


def test_short_texts_are_left_to_the_exact_hash() -> None:
    assert not classify_copy(
        compute_signature("Home Office statement."), compute_signature("Home Office statement.")
    )[0]


def test_diff_copy_names_headline_and_paragraph_changes() -> None:
    diff = diff_copy(
        "Detainees locked up 22 hours a day", body(WIRE), "Harwick centre damned", body(wire_trimmed())
    )
    assert diff["title"] == {
        "canonical": "Detainees locked up 22 hours a day",
        "copy": "Harwick centre damned",
    }
    assert diff["paragraphs_removed"] == [WIRE[-1]]
    assert [e["canonical"] for e in diff["paragraphs_edited"]] == [WIRE[0], WIRE[4]]
    assert diff["paragraphs_added"] == []
    extra = diff_copy("T", body(WIRE), "T", body(wire_with_local_line()))
    assert extra["title"] is None and extra["paragraphs_added"] == [wire_with_local_line()[-1]]


def test_one_event_in_three_outlets_words_is_one_story() -> None:
    prints = [fingerprint_story(article(p)) for p in (RULING_A, RULING_B, RULING_C)]
    for i, a in enumerate(prints):
        for b in prints[i + 1 :]:
            assert score_story(a, b)[0], sorted(a.features & b.features)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        (RULING_A, MILBROOK_HOTEL),  # same town and department
        (CROSSINGS, RESCUE),  # same figure, same sea
        (MILBROOK_HOTEL, WIRE),  # same minister
        (RULING_B, WIRE),
    ],
)
def test_same_topic_stories_stay_apart(left: list[str], right: list[str]) -> None:
    same, _ = score_story(fingerprint_story(article(left)), fingerprint_story(article(right)))
    assert not same


def test_fingerprint_uses_parsed_entities_and_figures() -> None:
    fp = fingerprint_story(
        article(
            ["Nothing capitalised here, just words about numbers such as 2024."],
            entities=(
                Entity(name="Imogen Carver", type="person", role="judge", mentions=2),
                Entity(name="Milbrook", type="place", role=None, mentions=1),
            ),
            figures=(
                Figure(
                    value=1870.0,
                    unit="count",
                    text="1,870 refusals",
                    subject="refusals",
                    change=None,
                    baseline=None,
                    approximate=False,
                    source=None,
                    start=0,
                    end=5,
                ),
            ),
        )
    )
    assert {"person:imogen carver", "place:milbrook", "figure:1870"} <= fp.features
    assert not any(f.startswith("figure:2024") for f in fp.features)


def test_fingerprint_points_and_retrieval_order_match_the_per_feature_rules() -> None:
    """Points counted in the joined text, and retrieval features found by bisection, equal the per-feature rules,
    also for odd features: a bare kind, a kind-like prefix, a feature holding a newline."""
    from parsers.dedup import KIND_POINTS, StoryFingerprint, select_retrieval_features

    odd = frozenset({"figure", "figure-x:1", "figure:100", "figure:;", "figures:2", "name:a b", "org", "org:x",
                     "person:z", "place:\nquote:1", "quote:9", "quote", ":", ""})
    for features in (odd, odd - {"place:\nquote:1"}, frozenset(), frozenset({"figure:1", "quote:a"})):
        expected = sum(KIND_POINTS.get(f.split(":", 1)[0], 0.0) for f in features)
        assert StoryFingerprint(features).points() == expected
        ranked = sorted((f for f in features if f.split(":", 1)[0] in ("figure", "person", "quote", "name")),
                        key=lambda f: (("figure", "person", "quote", "name").index(f.split(":", 1)[0]), f))
        assert select_retrieval_features(StoryFingerprint(features)) == ranked
    text = "\n".join(sorted(odd - {"place:\nquote:1"}))
    parsed = StoryFingerprint.from_text(text)
    assert parsed.features == frozenset(text.split("\n"))
    assert parsed.points() == 3.0 * 3 + 1.0 + 1.5 * 2 + 0.5 * 2 + 2.0  # figures, name, quotes, orgs, person


def test_packed_signatures_classify_as_unpacked_ones() -> None:
    """classify_packed counts equal values from the XOR of two packed signatures; a difference in any bit of
    any value must count, and short or empty texts must stay short or empty."""
    import random

    from parsers.dedup import NUM_HASHES, Signature, classify_packed, pack_signature

    rng = random.Random(11)
    base = compute_signature(body(WIRE))
    cases = [(base, base), *((base, compute_signature(body(paras))) for paras in (wire_trimmed(), RULING_A))]
    for bit in (0, 1, 15, 16, 31):  # one value differing in one bit, at each end of its 32 bits
        for index in (0, 1, NUM_HASHES - 1):
            values = list(base.values)
            values[index] ^= 1 << bit
            cases.append((base, Signature(tuple(values), base.shingles)))
    for _ in range(300):
        values = [v if rng.random() < 0.6 else rng.getrandbits(32) for v in base.values]
        cases.append((base, Signature(tuple(values), rng.choice([0, 3, 8, 39, 40, 200]))))
    for a, b in cases:
        packed_a, packed_b = pack_signature(a.to_bytes()), pack_signature(b.to_bytes())
        assert classify_packed(packed_a, a.shingles, packed_b, b.shingles) == classify_copy(a, b)
    packed = pack_signature(base.to_bytes())
    assert classify_packed(packed, base.shingles, packed, 0) == (False, 0.0, 0.0)


def test_match_story_answers_as_score_story_on_pairs_it_does_not_score() -> None:
    """match_story skips scoring pairs whose shared features cannot reach the points or the overlap; its
    answer must still be score_story's, on either side of both bounds."""
    from parsers.dedup import KIND_POINTS, STORY_MIN_OVERLAP, STORY_MIN_POINTS, StoryFingerprint, match_story

    def fingerprint(shared: list[str], own: int, tag: str) -> StoryFingerprint:
        return StoryFingerprint(frozenset(shared + [f"place:{tag} {i}" for i in range(own)]))

    kinds = list(KIND_POINTS)
    bounded = matched = 0
    for n_shared in range(0, 16):
        shared = [f"{kinds[i % 4]}:shared {i}" for i in range(n_shared)]  # figures, quotes, people, names
        for own in (0, 5, 40, 120, 400):
            a, b = fingerprint(shared, own, "a"), fingerprint(shared, own * 2, "b")
            same, score = score_story(a, b)
            assert match_story(a, b) == (score if same else None), (n_shared, own)
            matched += same
            ceiling = n_shared * max(KIND_POINTS.values())
            smaller = min(a.points(), b.points())
            bounded += ceiling >= STORY_MIN_POINTS and ceiling / smaller < STORY_MIN_OVERLAP
    assert bounded > 5 and matched > 5  # both bounds were met on this grid, and pairs on the other side match
