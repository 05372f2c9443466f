"""The records newsmon's parsers produce: plain frozen dataclasses whose fields equal column names."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from operator import attrgetter
from typing import Any, Literal, TypeVar

QuoteKind = Literal["direct", "partial", "indirect"]
EntityType = Literal["person", "org", "place"]
DateSource = Literal["jsonld", "meta", "time-tag", "feed", "url", "text", "none"]
ArticleStatus = Literal["full", "teaser", "paywalled", "blocked", "empty"]


_Record = TypeVar("_Record")


def pickle_fast(cls: type[_Record]) -> type[_Record]:
    """Give a slotted dataclass a cheap pickled state: its field values as a tuple, restored through the slots.

    Records cross process boundaries by the thousand (parse workers return every page's record); the generated
    __setstate__ of a slotted dataclass looks its fields up for every object, most of the cost of unpickling.
    """
    names = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]
    slots = tuple(cls.__dict__[name] for name in names)
    read = attrgetter(*names)

    def __getstate__(self: Any) -> tuple[Any, ...]:  # noqa: N807
        values = read(self)
        return values if len(names) > 1 else (values,)

    def __setstate__(self: Any, state: tuple[Any, ...]) -> None:  # noqa: N807
        for slot, value in zip(slots, state, strict=True):
            slot.__set__(self, value)

    cls.__getstate__ = __getstate__  # type: ignore[attr-defined]
    cls.__setstate__ = __setstate__  # type: ignore[attr-defined]
    return cls



@pickle_fast
@dataclass(frozen=True, slots=True, kw_only=True)
class Quote:
    """One quotation in Article.body; offsets are character offsets into the body."""

    text: str
    speaker: str | None  # canonical name: "Kemi Badenoch", not "Mrs Badenoch"
    speaker_role: str | None  # the role as written: "the Reform UK leader"
    kind: QuoteKind
    cue: str | None  # "said", "insisted", "added"
    start: int
    end: int


@pickle_fast
@dataclass(frozen=True, slots=True, kw_only=True)
class Figure:
    """One numeric claim: 19,244 foreign criminals awaiting deportation."""

    value: float
    unit: str  # "people", "percent", "GBP", "boats", "count", ...
    text: str  # the sentence fragment as written
    subject: str | None  # what it counts: "foreign criminals awaiting deportation"
    change: Literal["increase", "decrease"] | None
    baseline: str | None  # "the same period 12 months earlier"
    approximate: bool
    source: str | None  # "Home Office figures", or a canonical speaker name
    start: int
    end: int


@pickle_fast
@dataclass(frozen=True, slots=True, kw_only=True)
class Entity:
    """A person, organisation or place named in an article, with its mention count."""

    name: str  # canonical: "Kemi Badenoch", "Home Office", "ECHR"
    type: EntityType
    role: str | None  # role/title written beside it: "Conservative leader"
    mentions: int


@pickle_fast
@dataclass(frozen=True, slots=True, kw_only=True)
class Topic:
    """One immigration topic label with the phrases that triggered it."""

    topic: str  # slug from seeds/topics.toml: "deportation", "small-boats", ...
    score: float
    evidence: tuple[str, ...]


@pickle_fast
@dataclass(frozen=True, slots=True, kw_only=True)
class ExtractedPage:
    """What the body/metadata extractor finds in one page, before text analysis."""

    title: str | None
    authors: tuple[str, ...]
    published_at: datetime | None  # timezone-aware UTC
    published_at_source: DateSource
    language: str | None
    outlet: str | None
    canonical_url: str | None  # as declared by the page (rel=canonical / og:url), not yet checked
    body: str  # paragraphs separated by "\n\n"
    status: ArticleStatus
    status_reason: str | None


@pickle_fast
@dataclass(frozen=True, slots=True, kw_only=True)
class Article:
    """The full record for one fetched page: metadata, body and everything found in it."""

    url: str  # the URL it was fetched from
    canonical_url: str  # the normalised identity URL (see parsers.urls)
    title: str | None
    authors: tuple[str, ...]
    published_at: datetime | None
    published_at_source: DateSource
    language: str | None
    outlet: str | None
    status: ArticleStatus
    status_reason: str | None
    body: str
    body_hash: str  # sha256 of the normalised body (see parsers.urls.hash_text)
    relevance: float  # immigration relevance 0..1
    relevance_evidence: tuple[str, ...]
    quotes: tuple[Quote, ...] = field(default=())
    figures: tuple[Figure, ...] = field(default=())
    entities: tuple[Entity, ...] = field(default=())
    topics: tuple[Topic, ...] = field(default=())


@pickle_fast
@dataclass(frozen=True, slots=True, kw_only=True)
class FeedEntry:
    """One item of a feed, converted from feedparser's dict at the boundary."""

    url: str
    title: str | None
    published_at: datetime | None
    summary: str | None
    guid: str | None


@pickle_fast
@dataclass(frozen=True, slots=True, kw_only=True)
class ParsedFeed:
    """A parsed feed: its entries, and whether the XML was malformed (bozo) and why."""

    title: str | None
    entries: tuple[FeedEntry, ...]
    bozo: bool
    bozo_reason: str | None
