"""Dedup keys computed in the parse worker: the same as the loader's, picklable, and ignored once stale."""

from __future__ import annotations

import dataclasses
import pickle
from types import SimpleNamespace

from parsers.dedup import (
    SCHEME,
    compute_dedup_keys,
    compute_signature,
    fingerprint_story,
    resolve_dedup_keys,
)
from parsers.urls import hash_text
from tests.parsers.test_dedup import RULING_A, WIRE, article, body


def test_keys_equal_what_the_loader_computes_and_survive_pickling() -> None:
    record = article(RULING_A)
    keys = compute_dedup_keys(record)
    assert keys.scheme == SCHEME and keys.body_hash == record.body_hash
    assert keys.signature == compute_signature(record.body)
    assert keys.fingerprint == fingerprint_story(record)
    assert pickle.loads(pickle.dumps(keys)) == keys  # they cross the process pool with the Article


def test_the_loader_uses_matching_keys_and_recomputes_stale_ones() -> None:
    record = article(RULING_A)
    keys = compute_dedup_keys(record)
    carrier = SimpleNamespace(**{f.name: getattr(record, f.name) for f in dataclasses.fields(record)})
    carrier.dedup_keys = keys
    signature, fingerprint = resolve_dedup_keys(carrier, carrier.dedup_keys)  # type: ignore[arg-type]
    assert signature is keys.signature and fingerprint is keys.fingerprint
    carrier.body = body(WIRE)  # edited after parsing: the keys no longer describe the body
    carrier.body_hash = hash_text(carrier.body)
    signature, fingerprint = resolve_dedup_keys(carrier, carrier.dedup_keys)  # type: ignore[arg-type]
    assert signature == compute_signature(carrier.body) != keys.signature
    carrier.dedup_keys = dataclasses.replace(compute_dedup_keys(carrier), scheme="an-older-scheme")  # type: ignore[arg-type]
    assert resolve_dedup_keys(carrier, carrier.dedup_keys)[0] is not carrier.dedup_keys.signature  # type: ignore[arg-type]


def test_an_article_without_keys_gets_them_computed() -> None:
    record = article(WIRE)
    assert resolve_dedup_keys(record) == (compute_signature(record.body), fingerprint_story(record))


def test_keys_passed_beside_the_article_are_used_when_they_match() -> None:
    record = article(RULING_A)
    keys = compute_dedup_keys(record)
    signature, fingerprint = resolve_dedup_keys(record, keys)  # how the loader gets the parse worker's keys
    assert signature is keys.signature and fingerprint is keys.fingerprint
    stale = compute_dedup_keys(article(WIRE))  # another article's keys: its body_hash does not match
    assert resolve_dedup_keys(record, stale)[0] == compute_signature(record.body) != stale.signature



def test_the_worker_derives_the_index_keys_the_loader_would() -> None:
    from parsers.dedup import (
        derive_band_keys,
        derive_story_key,
        select_retrieval_features,
        story_day,
        story_weeks,
    )

    record = article(RULING_A)
    keys = compute_dedup_keys(record)
    lookup = keys.lookup
    assert lookup is not None
    assert list(lookup.band_keys) == derive_band_keys(keys.signature)
    assert list(lookup.retrieval) == select_retrieval_features(keys.fingerprint)
    day = story_day(record, record.published_at)  # type: ignore[arg-type]
    assert lookup.day == day and lookup.posting_keys is not None
    assert set(lookup.posting_keys) == set(story_weeks(day))
    for week, posting in lookup.posting_keys.items():
        assert list(posting) == [derive_story_key(f, week) for f in lookup.retrieval]
    assert pickle.loads(pickle.dumps(keys)) == keys
    undated = compute_dedup_keys(dataclasses.replace(record, published_at=None))
    assert undated.lookup is not None and undated.lookup.day is None and undated.lookup.posting_keys is None


def test_keys_pickled_before_lookup_keys_were_kept_still_load() -> None:
    from parsers.dedup import DedupKeys

    keys = compute_dedup_keys(article(RULING_A))
    older = object.__new__(DedupKeys)
    older.__setstate__([keys.scheme, keys.body_hash, keys.signature, keys.fingerprint])  # the 4-field state
    assert older.lookup is None and older.signature == keys.signature


def test_one_weeks_posting_keys_are_one_range_of_the_index_below_the_next_weeks() -> None:
    from parsers.dedup import derive_posting_keys, derive_story_key, story_weeks

    features = [f"person:someone {i}" for i in range(300)] + ["figure:19244", "quote:1a2b3c"]
    weeks = [2899, 2900, 2901]
    keys = {week: [derive_story_key(f, week) for f in features] for week in weeks}
    for week in weeks:
        assert all(0 <= k < 2**63 for k in keys[week])  # SQLite's signed 64-bit INTEGER, never negative
        assert len(set(keys[week])) == len(features)
    assert max(keys[2899]) < min(keys[2900]) and max(keys[2900]) < min(keys[2901])
    # the same feature in another week is another key; days before 1970 and far-future weeks still fit
    # (the week wraps every 65,536 weeks)
    assert derive_story_key("figure:19244", -1) != derive_story_key("figure:19244", 0)
    assert derive_story_key("figure:19244", -1) == derive_story_key("figure:19244", 65_535)
    assert all(0 <= derive_story_key("figure:19244", week) < 2**63 for week in (-1, 10**6))
    day = 2900 * 7 + 3
    assert derive_posting_keys(features, day) == {
        week: tuple(derive_story_key(f, week) for f in features) for week in story_weeks(day)
    }
