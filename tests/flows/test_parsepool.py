"""The parse pool's work item: a page parsed into its record and the record's dedup keys."""

from __future__ import annotations

from flows.parsepool import parse_fetched
from parsers.dedup import compute_dedup_keys


def test_the_parse_pool_returns_the_article_with_its_keys() -> None:
    html = (b"<html><head><title>Ferry timetable</title></head><body><article><p>"
            + b"The Fenwick ferry timetable changes on Monday, the operator said in a notice to passengers. " * 8
            + b"</p></article></body></html>")
    record, keys = parse_fetched(html, url="https://news.example/ferry", content_type="text/html", feed_entry=None)
    assert keys == compute_dedup_keys(record) and keys.body_hash == record.body_hash
