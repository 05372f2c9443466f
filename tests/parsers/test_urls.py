"""Canonical URLs, article ids and text hashes."""

from __future__ import annotations

import pytest

from parsers.urls import canonicalize_url, choose_canonical_url, derive_article_id, hash_text, normalize_text


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://WWW.Example.co.uk/News/Story?utm_source=rss&utm_medium=feed", "https://example.co.uk/News/Story"),
        ("https://m.example.com/a/b/#comments", "https://example.com/a/b"),
        ("https://amp.example.com/a/b/amp", "https://example.com/a/b"),
        ("https://example.com/a/b.amp", "https://example.com/a/b"),
        ("https://example.com/a?id=7&fbclid=XYZ&gclid=1", "https://example.com/a?id=7"),
        ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
        ("http://example.com:80//a//b/", "http://example.com/a/b"),
        ("https://example.com", "https://example.com/"),
    ],
)
def test_canonicalize_url(url: str, expected: str) -> None:
    assert canonicalize_url(url) == expected


def test_declared_canonical_is_honoured_only_on_the_same_host() -> None:
    fetched = "http://m.northgate-post.example/news/x/amp?utm_source=rss"
    assert choose_canonical_url(fetched, "http://www.northgate-post.example/news/x") == \
        "http://northgate-post.example/news/x"
    assert choose_canonical_url(fetched, "https://evil.example/other") == "http://northgate-post.example/news/x"
    assert choose_canonical_url(fetched, "/news/y") == "http://northgate-post.example/news/y"


def test_article_id_ignores_scheme_but_not_path() -> None:
    assert derive_article_id("http://example.com/a") == derive_article_id("https://example.com/a")
    assert derive_article_id("http://example.com/a") != derive_article_id("http://example.com/b")
    assert len(derive_article_id("http://example.com/a")) == 16


def test_hash_text_folds_quotes_dashes_space_and_case() -> None:
    a = "“Otherwise,  you’re rewarding people” – she said.\n\nNext"
    b = '"otherwise, you\'re rewarding people" - she said. next'
    assert hash_text(a) == hash_text(b)
    assert hash_text(a) != hash_text(a + " more")


def test_normalize_text_folds_quotes_dashes_spaces_and_case() -> None:
    curly = "\u201cWe will\u00a0act\u201d \u2013 the Home\u2019s   \u00abplan\u00bb \u2212 \uff21"
    assert normalize_text(curly) == "\"we will act\" - the home's \"plan\" - a"
    assert hash_text(curly) == hash_text('"We will act" - the Home\'s "plan" - A')
    assert normalize_text("  plain\tASCII\n") == "plain ascii"


def test_normalize_text_folds_every_unicode_space() -> None:
    spaces = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
    assert normalize_text(f"{spaces}Home{spaces}Office\u2028said ") == "home office said"
    assert hash_text("Home  Office") == hash_text("home\u3000office")
