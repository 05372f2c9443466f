"""Feed parsing: RSS, Atom, a Latin-1 feed, malformed feeds kept, non-feeds refused."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import pytest

from parsers.feeds import FeedError, parse_feed

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Test Post</title>
<item><title>One</title><link>https://example.com/one?utm_source=rss</link>
<pubDate>Wed, 12 Feb 2025 09:30:00 GMT</pubDate><guid>one</guid></item>
<item><title>Relative</title><link>/two</link></item>
<item><title>No link</title></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Post</title>
<entry><title>A</title><link rel="alternate" href="https://example.org/a"/><id>urn:a</id>
<updated>2025-02-12T10:00:00+01:00</updated></entry></feed>"""


def test_rss_entries_are_plain_records() -> None:
    feed = parse_feed(RSS, "https://example.com/feed.xml", "application/rss+xml; charset=utf-8")
    assert feed.title == "Test Post"
    assert [e.url for e in feed.entries] == ["https://example.com/one?utm_source=rss", "https://example.com/two"]
    assert feed.entries[0].published_at == datetime(2025, 2, 12, 9, 30, tzinfo=UTC)
    assert not feed.bozo


def test_atom_dates_become_utc() -> None:
    feed = parse_feed(ATOM, "https://example.org/atom.xml")
    assert feed.entries[0].published_at == datetime(2025, 2, 12, 9, 0, tzinfo=UTC)
    assert feed.entries[0].url == "https://example.org/a"


def test_latin1_feed_is_decoded_by_its_declaration() -> None:
    data = ('<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>Caf\u00e9 \u00a3</title>'
            "<item><title>Asylum costs \u00a34.7bn</title><link>https://example.com/x</link></item>"
            "</channel></rss>").encode("iso-8859-1")
    feed = parse_feed(data, "https://example.com/latin1.xml", "application/rss+xml; charset=iso-8859-1")
    assert feed.title == "Caf\u00e9 \u00a3"
    assert feed.entries[0].title == "Asylum costs \u00a34.7bn"


def test_malformed_feed_keeps_what_parsed() -> None:
    broken = RSS.replace(b"</channel></rss>", b"<item><title>Unclosed & bad</title>")
    feed = parse_feed(broken, "https://example.com/feed.xml")
    assert feed.bozo and feed.bozo_reason
    assert "https://example.com/one?utm_source=rss" in [e.url for e in feed.entries]


def test_html_page_is_not_a_feed() -> None:
    with pytest.raises(FeedError, match="https://example.com/page: not a feed"):
        parse_feed(b"<html><body><p>Hello</p></body></html>", "https://example.com/page")


class _ImportRecorder:
    """A meta-path finder that finds nothing and notes what was looked for."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        self.names.append(name)


def test_parsing_a_feed_searches_for_no_module(monkeypatch: pytest.MonkeyPatch) -> None:
    # A module search per feed (feedparser's preferred libxml2 driver, which is not installed) runs under the
    # import lock that every polling thread shares.
    parse_feed(RSS, "https://example.com/feed.xml")
    recorder = _ImportRecorder()
    monkeypatch.setattr(sys, "meta_path", [recorder, *sys.meta_path])
    feed = parse_feed(ATOM, "https://example.org/atom.xml")
    assert [e.url for e in feed.entries] == ["https://example.org/a"]
    assert recorder.names == []
