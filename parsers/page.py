"""One fetched page in, one Article record out: decode, extract, then analyse the text."""

from __future__ import annotations

import re
from datetime import datetime

from parsers.article import extract_article
from parsers.encoding import decode_document
from parsers.entities import extract_entities
from parsers.figures import extract_figures
from parsers.quotes import extract_quotes
from parsers.records import Article, ExtractedPage, FeedEntry
from parsers.topics import classify_topics, score_relevance
from parsers.urls import choose_canonical_url, hash_text

_BLANK_LINES = re.compile(r"\n\s*\n")
_HTML_TYPES = ("text/html", "application/xhtml+xml")


class PageError(ValueError):
    """The resource is not an article page newsmon can read (wrong type, no text)."""


def extract_plaintext(text: str) -> ExtractedPage:
    """A .txt article: all of it is body; paragraphs are blank-line or line separated."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    blocks = _BLANK_LINES.split(text) if _BLANK_LINES.search(text) else text.split("\n")
    paragraphs = [" ".join(block.split()) for block in blocks if block.strip()]
    body = "\n\n".join(paragraphs)
    words = len(body.split())
    return ExtractedPage(
        title=None, authors=(), published_at=None, published_at_source="none", language=None, outlet=None,
        canonical_url=None, body=body, status="full" if words >= 80 else ("empty" if not words else "teaser"),
        status_reason=None if words >= 80 else f"body has {words} words",
    )


def is_html(content_type: str | None, data: bytes) -> bool:
    """Whether a response is an HTML document, by its declared type or, when undeclared, by its first bytes."""
    if content_type:
        mime = content_type.split(";", 1)[0].strip().lower()
        if mime in _HTML_TYPES:
            return True
        if mime not in ("", "application/octet-stream", "text/plain"):
            return False
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head or b"<head" in head


def analyse_text(extracted: ExtractedPage, *, url: str, feed_entry: FeedEntry | None = None) -> Article:
    """Run the text analysers (entities, quotes, figures, topics) over an extracted page."""
    published_at: datetime | None = extracted.published_at
    source = extracted.published_at_source
    if published_at is None and feed_entry is not None and feed_entry.published_at is not None:
        published_at, source = feed_entry.published_at, "feed"
    title = extracted.title or (feed_entry.title if feed_entry else None)
    body = extracted.body
    entities = extract_entities(body, title)
    quotes = extract_quotes(body, entities)
    figures = extract_figures(body, quotes)
    topics = classify_topics(title, body)
    relevance, evidence = score_relevance(title, body, topics)
    return Article(
        url=url,
        canonical_url=choose_canonical_url(url, extracted.canonical_url),
        title=title,
        authors=extracted.authors,
        published_at=published_at,
        published_at_source=source,
        language=extracted.language,
        outlet=extracted.outlet,
        status=extracted.status,
        status_reason=extracted.status_reason,
        body=body,
        body_hash=hash_text(body),
        relevance=relevance,
        relevance_evidence=evidence,
        quotes=quotes,
        figures=figures,
        entities=entities,
        topics=topics,
    )


def parse_page(
    data: bytes,
    *,
    url: str,
    content_type: str | None = None,
    feed_entry: FeedEntry | None = None,
    plain_text: bool = False,
) -> Article:
    """Turn a fetched page (HTML, or plain text when plain_text) into a full Article record."""
    if plain_text:
        extracted = extract_plaintext(decode_document(data, content_type))
    elif is_html(content_type, data):
        extracted = extract_article(decode_document(data, content_type), url)
    else:
        raise PageError(f"{url}: not an HTML page (Content-Type {content_type or 'missing'})")
    return analyse_text(extracted, url=url, feed_entry=feed_entry)
