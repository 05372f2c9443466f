"""Feed parsing: RSS/Atom bytes in, a ParsedFeed with plain FeedEntry records out (never raises on bad XML)."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime
from urllib.parse import urljoin

import feedparser
import feedparser.api

from parsers.records import FeedEntry, ParsedFeed

# feedparser asks xml.sax for its preferred driver, libxml2's, before the expat one Python ships. That driver
# is not installed, so every parse paid a failed import under the interpreter's import lock: ~0.05 ms alone,
# but feeds polled from several threads while the loader holds the GIL queued on that lock (a sixth of the
# flow process's samples in a 5,000-page bench). Expat is what parses either way.
feedparser.api.PREFERRED_XML_PARSERS = []


class FeedError(ValueError):
    """The bytes are not a usable feed (no entries and not a feed document), or were refused as unsafe."""


_DOCTYPE = re.compile(r"<!DOCTYPE\b", re.IGNORECASE)
_ENTITY = re.compile(r"<!ENTITY\b(?P<decl>[^>]*)>?", re.IGNORECASE)
_ENTITY_BODY = re.compile(r"^\s*(?P<pe>%\s+)?(?P<name>[^\s\"'%]+)\s*(?P<ext>SYSTEM|PUBLIC)?\s*(?P<q>[\"'])?", re.I)
_PE_REFERENCE = re.compile(r"%[A-Za-z_:][^\s;%]*;")
_CHAR_REF = re.compile(r"&#(?:\d+|x[0-9a-fA-F]+);")
_PROLOG_BYTES = 65_536
_MAX_ENTITIES = 32
_MAX_ENTITY_VALUE = 256


def _decode_prolog(data: bytes) -> str:
    head = data[:_PROLOG_BYTES]
    for bom, codec in ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
                       (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom):].decode(codec, errors="ignore")
    for pattern, codec in ((b"\x00\x00\x00<", "utf-32-be"), (b"<\x00\x00\x00", "utf-32-le"),
                           (b"\x00<\x00", "utf-16-be"), (b"<\x00", "utf-16-le")):
        if head.startswith(pattern):
            return head.decode(codec, errors="ignore")
    return head.decode("latin-1")


def check_entities(data: bytes) -> str | None:
    """Why a document's DOCTYPE is unsafe to parse (entity expansion bombs, external entities), or None.

    Checked before any XML parser sees the bytes: parameter entities, SYSTEM/PUBLIC (external) entities, entity
    values that reference other entities, long values and many declarations are all refused; a DOCTYPE whose
    internal subset does not end within the first 64 KiB is refused too.
    """
    prolog = _decode_prolog(data)
    doctype = _DOCTYPE.search(prolog)
    if doctype is None:
        return None
    rest = prolog[doctype.end():]
    bracket, close = rest.find("["), rest.find(">")
    if bracket == -1 or -1 < close < bracket:
        return None  # no internal subset: only an external DTD identifier, which no parser here fetches
    end = rest.find("]", bracket)
    if end == -1:
        return "DOCTYPE internal subset does not end within 64 KiB"
    subset = rest[bracket + 1:end]
    declarations = _ENTITY.findall(subset)
    if len(declarations) > _MAX_ENTITIES:
        return f"DOCTYPE declares {len(declarations)} entities (at most {_MAX_ENTITIES})"
    for decl in declarations:
        head = _ENTITY_BODY.match(decl)
        if head is None:
            return "malformed ENTITY declaration"
        if head.group("pe"):
            return f"parameter entity %{head.group('name')} declared"
        if head.group("ext"):
            return f"external entity {head.group('name')} declared ({head.group('ext').upper()})"
        quote = head.group("q")
        value = decl[head.end():].split(quote, 1)[0] if quote else ""
        if len(value) > _MAX_ENTITY_VALUE:
            return f"entity {head.group('name')} is {len(value)} characters long (at most {_MAX_ENTITY_VALUE})"
        if "&" in _CHAR_REF.sub("", value) or "%" in value:
            return f"entity {head.group('name')} refers to other entities (expansion bomb)"
    if _PE_REFERENCE.search(_ENTITY.sub("", subset)):
        return "parameter entity reference in DOCTYPE"
    return None


def _entry_time(entry: feedparser.FeedParserDict) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            try:
                moment = datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
            except (OverflowError, ValueError, TypeError):
                continue
            if moment.year >= 1995:
                return moment
    return None


def _entry_url(entry: feedparser.FeedParserDict, base: str) -> str | None:
    link = entry.get("link")
    if not link:
        for candidate in entry.get("links", ()):
            if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
                link = candidate["href"]
                break
    if not link and str(entry.get("id", "")).startswith(("http://", "https://")):
        link = entry["id"]
    if not link:
        return None
    absolute = urljoin(base, str(link).strip())
    return absolute if absolute.startswith(("http://", "https://")) else None


def parse_feed(data: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse RSS/Atom bytes; keep what parsed from a malformed (bozo) feed; raise FeedError if nothing is a feed."""
    unsafe = check_entities(data)
    if unsafe is not None:
        raise FeedError(f"{url}: refused: {unsafe}")
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(data, response_headers=headers)
    bozo_reason = None
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        bozo_reason = f"{type(exc).__name__}: {exc}".strip() if exc else "malformed feed"
    entries = []
    for entry in parsed.entries:
        link = _entry_url(entry, url)
        if link is None:
            continue
        entries.append(
            FeedEntry(
                url=link,
                title=(entry.get("title") or None),
                published_at=_entry_time(entry),
                summary=(entry.get("summary") or None),
                guid=(entry.get("id") or None),
            )
        )
    if not entries and not parsed.get("version"):
        raise FeedError(f"{url}: not a feed ({bozo_reason or 'no entries, no feed element'})")
    return ParsedFeed(
        title=parsed.feed.get("title") or None,
        entries=tuple(entries),
        bozo=bool(parsed.get("bozo")),
        bozo_reason=bozo_reason,
    )
