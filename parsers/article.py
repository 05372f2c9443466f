"""Extract an article's body text and metadata (title, authors, date, language, outlet, status) from HTML."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from itertools import islice
from typing import Literal, NamedTuple
from urllib.parse import urljoin, urlsplit

from lxml import etree

from parsers.dates import date_from_url, find_date_in_text, parse_local_date
from parsers.figures import fold_case, fold_pattern
from parsers.records import ArticleStatus, DateSource, ExtractedPage
from parsers.textscan import blank_marks, count_words, split_lower_words

# where the body came from; "checked" = trafilatura was consulted but our scored body was kept
BodyMethod = Literal["scored", "checked", "jsonld", "trafilatura", "none"]

# ---------------------------------------------------------------------------------------------------------
# Vocabulary

_BLOCK_TAGS = frozenset(
    "address article aside blockquote body center dd details dialog dir div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main menu nav ol p pre section summary table "
    "tbody thead tfoot tr ul caption legend".split()
)
_CELL_TAGS = frozenset({"td", "th"})
# Removed with their content before the body is looked for (the tail text after them is kept).
_DROP_TAGS = (
    "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed", "canvas", "video",
    "audio", "button", "select", "textarea", "input", "nav", "aside", "footer", "figcaption", "dialog",
    "label", "link", "meta", "head", "title", "picture", "source", "map",
)  # fmt: skip
# Removed before the page is surveyed, which then visits fewer elements: markup with no prose in it (icons,
# form options, media). Scripts stay until cleaning: bylines and dates sit in some pages' template scripts.
_INVISIBLE_TAGS = (
    "style", "svg", "math", "object", "embed", "canvas", "video", "audio", "select", "textarea", "input",
    "picture", "source", "map",
)  # fmt: skip
# Candidate-container tags that hold paragraphs directly (the paragraph's own element is not a candidate).
_PARAGRAPH_TAGS = frozenset({"p", "pre", "li", "td", "th", "dd", "dt", "blockquote", "tr", "h2", "h3", "h4"})

# class/id vocabulary. A class/id token is matched by substring against these keywords in one regex scan
# (lower-cased, longest first); its hyphen/underscore-separated parts are also looked up whole.
# Strong furniture (comments, related links, share bars, consent boxes) is dropped whatever it holds. Weak
# furniture is dropped unless it holds most of the page's paragraph text: sites wrap article bodies in
# "article-header", "modal-enabled", "content-and-menu" or "penci_sidebar" layout containers.
_COMMENT_WORDS = ("comment", "disqus", "reply", "respond")
_STRONG_FURNITURE_WORDS = (
    "share", "sharing", "social", "related", "recommend", "newsletter", "signup",
    "sign-up", "cookie", "consent", "gdpr", "outbrain", "taboola", "breadcrumb", "morestories",
    "more-stories",
    "readmore", "read-more", "also-read", "most-popular", "mostpopular", "trending", "about-the-author",
    "next-post", "nextpost", "next-story", "nextstory", "prev-post", "previous-post", "up-next", "upnext",
)  # fmt: skip
_WEAK_FURNITURE_WORDS = (
    "subscri", "promo", "advert", "adslot", "ad-slot", "ad_slot", "dfp", "sponsor", "sidebar", "footer",
    "navbar", "navigation", "menu", "masthead", "popup", "taglist", "tag-list", "pagination",
    "next-prev", "prev-next", "post-nav", "table-of-contents", "inline-promo", "carousel",
    "modal", "overlay", "banner", "byline", "author", "caption", "credit", "keywords", "toolbar", "print",
    "rating", "skip", "login", "register", "donat",
    "jump", "metadata", "post-meta", "entry-meta", "article-meta", "timestamp", "dateline", "publish-date",
    "inline-link", "video", "gallery", "slideshow", "lightbox", "icon", "logo", "hero", "paywall", "regwall",
    "references", "bibliography",
)  # fmt: skip
_FURNITURE_PARTS = frozenset(
    "ad ads nav side tag tags toc date bio embed header hdr meta dateline credit caption pager".split()
)
_BYLINE_WORDS = ("byline", "author", "writer", "contributor", "posted-by", "reporter")
_PAYWALL_WORDS = (
    "paywall", "piano", "subscri", "premium", "regwall", "metered", "locked", "gated", "article-gate",
)  # fmt: skip
_DATE_WORDS = ("date", "time", "publish", "posted", "dateline", "byline", "meta", "stamp")
_EXCLUDED_WORDS = ("comment", "reply", "respond", "avatar", "about", "related", "share", "bio", "recommend")
_BODYISH_WORDS = ("body", "content", "text", "copy", "article", "story", "entry", "post", "main", "prose")
_F_FURNITURE, _F_BYLINE, _F_PAYWALL, _F_DATE, _F_EXCLUDED, _F_BODYISH = 1, 2, 4, 8, 16, 32
_F_STRONG, _F_COMMENTS, _F_HIDDEN = 128, 256, 512
# text no sighted reader sees: dropped even from inside a sentence
_HIDDEN_WORDS = ("hidden", "sr-only", "screen-reader", "screenreader", "visually-hidden", "offscreen")


def _keyword_flags() -> dict[str, int]:
    flags: dict[str, int] = {}
    for words, flag in (
        (_COMMENT_WORDS, _F_FURNITURE | _F_STRONG | _F_COMMENTS),
        (_STRONG_FURNITURE_WORDS, _F_FURNITURE | _F_STRONG), (_WEAK_FURNITURE_WORDS, _F_FURNITURE),
        (_HIDDEN_WORDS, _F_FURNITURE | _F_HIDDEN),
        (_BYLINE_WORDS, _F_BYLINE), (_PAYWALL_WORDS, _F_PAYWALL),
        (_DATE_WORDS, _F_DATE), (_EXCLUDED_WORDS, _F_EXCLUDED), (_BODYISH_WORDS, _F_BODYISH),
    ):  # fmt: skip
        for word in words:
            flags[word] = flags.get(word, 0) | flag
    # a longer keyword hides the shorter ones inside it from the scan: give it their flags too
    for word in flags:
        for other, other_flags in list(flags.items()):
            if other != word and other in word:
                flags[word] |= other_flags
    return flags


_KEYWORD_FLAGS = _keyword_flags()
# a keyword must start a part of the token ("l-sidebar", "theiaStickySidebar"), not sit inside a word
_KEYWORD_SCAN = re.compile(
    r"(?:^|(?<=[-_]))(?:"
    + "|".join(re.escape(w) for w in sorted(_KEYWORD_FLAGS, key=len, reverse=True))
    + r")(?!d\b|d[-_])"  # "shared", "related" is listed itself
)
_RESPONSIVE_TOKEN = re.compile(
    r"^(?:hidden|hide|visible|show)-(?:for-)?(?:xs|sm|md|lg|xl|xxl|small|medium|large|mobile|phone|tablet|"
    r"desktop|print)(?:-(?:up|down|only))?$"
)
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_TOKEN_PARTS = re.compile(r"[-_]+")
_BODY_TOKEN = re.compile(
    r"(?:article|story|entry|post|blog|rich|main)[-_]?(?:body|content|text|copy)|articlebody"
    r"|^(?:body|content|text)[-_]?(?:article|story|entry|post)$"
    r"|^article$|^content$|^story$|^entry$|^main-?content$|^post$|^text$|^prose$"
)
_POSITIVE_HINT = re.compile(
    r"article|body|content|entry|hentry|h-entry|main|post|text|blog|story|prose", re.I
)
_NEGATIVE_HINT = re.compile(
    r"comment|com-|contact|foot|footer|masthead|media|meta|outbrain|promo|related|scroll|share|shoutbox|"
    r"sidebar|skyscraper|sponsor|shopping|tags|widget|nav|menu|teaser|card|list|byline|author",
    re.I,
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)

# Whole paragraphs that are furniture wherever they appear.
_BOILER_TEXT = re.compile(
    r"^(?:advertisement|advertisment|ad|sponsored|skip (?:to )?(?:main )?content"
    r"|share(?: this)?(?: article| story)?|read more|continue reading"
    r"|related(?: articles| stories| content)?|more on this story|see also|"
    r"recommended|most (?:read|popular)|follow us.*|sign up.*newsletter.*|subscribe.*|image:.*|photo:.*|"
    r"picture:.*|image (?:source|copyright|caption).*|getty images|reuters|pa media|click here.*|"
    r"view (?:\d+ )?comments?|comments?|\d+ comments?|leave a (?:comment|reply)|print|email|tweet|"
    r"facebook|twitter|whatsapp|linkedin|copy link|copied|back to top|top|home|loading\.*|"
    r"we use cookies.*|this (?:site|website) uses cookies.*|accept(?: all)?(?: cookies)?|"
    r"(?:all )?rights reserved.*|©.*|copyright|copyright (?:©|\(c\)|\d{4}).*)$",
    re.I,
)
_COOKIE_TEXT = re.compile(r"\bcookies?\b.*\b(?:consent|accept|agree|privacy|settings|preferences)\b", re.I)
# Calls to action at the edges of a body: a paywall prompt ends the article (what follows it is the pitch);
# copyright/reprint notices, app and newsletter pitches and "advertise with us" boxes are single paragraphs.
_PAYWALL_PROMPT = re.compile(
    r"\bto (?:view|read|continue reading|access|unlock) (?:the |this )?"
    r"(?:full |whole |entire |rest of the )?(?:story|article|piece)\b.{0,40}\bsubscri\w*"
    r"|\balready an? (?:subscriber|member)\b(?:\?|[^.]{0,60}\b(?:log|sign) ?in\b)"
    r"|\bsubscribe (?:now |today )?to (?:continue|keep reading|read|view|access|unlock)\b"
    r"|\b(?:log|sign) ?in (?:to continue|for (?:full|immediate) access)\b"
    r"|\bthis (?:article|story|content) is (?:only )?(?:available )?(?:exclusively )?"
    r"for (?:subscribers|members)\b",
    re.I,
)
_CALL_TO_ACTION = re.compile(
    r"^(?:©|\(c\)\s|copyright\s*(?:©|\(c\)|\d{4}|$))|\ball rights reserved\b"
    r"|\bcopyrighted (?:property|material)\b"
    r"|\bthis (?:material|article|content|story) may not be (?:re)?(?:published|produced|reproduced|copied)\b"
    r"|^(?:for (?:the )?(?:latest|more|breaking)\b[^.]{0,80}?)?download (?:the|our)\b[^.]{0,60}\bapps?\b"
    r"|^advertise (?:with|on)\b|\bsign up here\b|\bsubscribe to (?:our|the) newsletter\b"
    r"|\bsubmit (?:your |a )?letters? to the editor\b",
    re.I,
)
# cheap first tests (one literal scan) before the patterns above
_PAYWALL_HINT = re.compile(r"subscri|member|log ?in|sign ?in", re.I)
_CTA_HINT = re.compile(r"©|\(c\)|copyright|rights|may not|apps?\b|advertis|sign up|letter", re.I)
# their case-sensitive twins, to search fold_case(text) with: several times faster than IGNORECASE scans
_PAYWALL_PROMPT_F, _CALL_TO_ACTION_F = fold_pattern(_PAYWALL_PROMPT), fold_pattern(_CALL_TO_ACTION)
_PAYWALL_HINT_F, _CTA_HINT_F = fold_pattern(_PAYWALL_HINT), fold_pattern(_CTA_HINT)
# Cyrillic letters that spammers use inside Latin words so that filters miss "Аdvеrtіѕе"
_LOOKALIKE_CHARS = "АВЕКМНОРСТХаеорсухіїјѕԁ"
_LATIN_LOOKALIKES = str.maketrans(_LOOKALIKE_CHARS, "ABEKMHOPCTXaeopcyxiijsd")
_EDGE_PARAGRAPHS = 6

_ARTICLE_TYPES = re.compile(r"article|blogposting|posting|report|review|newsarticle|scholarly", re.I)
_PERSON_NAME_BAD = re.compile(
    r"\d|@|https?:|www\.|\.com\b|\b(?:staff|team|desk|editors?|reporters?|correspondents?|newsroom|admin|"
    r"agency|agencies|news|media|press|associated|reuters|afp|bbc|times|post|daily|journal|magazine|online|"
    r"limited|ltd|inc|llc|plc|group|company|foundation|network|radio|tv|guest|contributors?|unknown|"
    r"anonymous|wire|service)\b",
    re.I,
)
_BYLINE_PREFIX = re.compile(
    r"^\s*(?:post\s+author\s+|author\s+)?(?:(?:written|posted|published|reported|words|story|text|interview|"
    r"geschrieben|publicado|escrito|publié|verfasst)\s+)?(?:by|von|par|por|di|door|de)\s*:?\s+"
    r"|^\s*(?:author|autor|auteur|autore|written by|post author)\s*:?\s+",
    re.I,
)
_ROLE_SUFFIX = re.compile(
    r"\s*(?:,|\||–|—|-)\s*(?:the\s+)?(?:[\w'’.&]+\s+){0,5}?(?:editor|correspondent|reporter|writer|"
    r"columnist|journalist|contributor|analyst|producer|director|chief|head|critic|staff|political|"
    r"economics|home affairs|senior|deputy|associate|bureau|in\s+[A-Z][\w]+).*$",
    re.I,
)
_CREDENTIAL = re.compile(
    r"^(?:ph\.?d|m\.?d|mph|msc?|ma|ba|bsc|rd|rn|dr|prof|frcp|mba|jd|esq|cpa|lcsw)\.?$", re.I
)
# words that show a byline fragment is not a name: "Follow", "No Author", "3 Shares", "Posted on"
_NOT_NAME_WORDS = frozenset(
    "by von por par de di door posted on follow author authors no email comment comments kommentar "
    "share shares says reply views read minutes min updated published and the subscribe more view "
    "profile all articles posts contact about name login sign in photo photos image video editor "
    "reporter staff writer".split()
)
_ABBREVIATION_END = re.compile(r"(?:\b\w|Jr|Sr)\.$")
_AUTHOR_SPLIT = re.compile(r"\s*(?:;|\||&|\band\b|\bund\b|\bet\b|\by\b|\be\b)\s*", re.I)
_NAME_WORD = re.compile(r"^[^\W\d_][\w'’.-]*$")

_PAYWALL_MARKERS = (
    "subscribe to continue", "subscribe to read", "to continue reading",
    "continue reading with a subscription", "subscribers only", "for subscribers", "already a subscriber",
    "become a subscriber", "this article is for",
    "exclusive to subscribers", "premium article", "register to continue", "log in to continue",
    "sign in to continue", "create a free account to continue", "you have reached your", "free articles",
    "unlock this article", "start your free trial", "subscribe now to read",
)  # fmt: skip
_BLOCKED_TITLE = re.compile(
    r"access denied|attention required|just a moment|are you a robot|captcha|verify you are (?:a )?human|"
    r"request (?:blocked|unsuccessful|rejected)|pardon our interruption|403 forbidden|forbidden|"
    r"security check|bot (?:check|detection)|unusual traffic|please enable (?:javascript|cookies)|"
    r"ddos protection|checking your browser",
    re.I,
)
_NON_ALNUM = re.compile(r"[\W_]+")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|·|•|»|«|/)\s+")
_SPACE = re.compile(r"[\s\u200b\u200c\u200d\ufeff]+")

_STOPWORDS = {
    "en": frozenset(
        "the and of to in is that for it was on with as he she said by at from this have are be".split()
    ),
    "de": frozenset(
        "der die und das ist nicht mit den von zu sich auf für ein eine dem des auch es wird".split()
    ),
    "fr": frozenset(
        "le la les et des est une un pour dans que qui pas sur au du par en ce sont avec".split()
    ),
    "es": frozenset(
        "el la los las y de que en un una por con para es del se no al lo como más".split()
    ),
    "it": frozenset(
        "il di che la e è per un una non sono del della con si le da gli nel alla".split()
    ),
    "nl": frozenset(
        "de het een en van is dat op te in niet met voor zijn er aan ook als bij".split()
    ),
    "pt": frozenset(
        "o a os as e de que do da em um uma para com não é no na por se mais".split()
    ),
}  # fmt: skip

# Confidence thresholds for our own body extractor; below them trafilatura is consulted.
_CONFIDENT_WORDS = 120
_TEASER_WORDS = 80
_EMPTY_WORDS = 10


# ---------------------------------------------------------------------------------------------------------
# Public entry point


class TracedPage(NamedTuple):
    """An ExtractedPage with how it was found, for benchmarks and diagnostics."""

    page: ExtractedPage
    method: BodyMethod  # where the body came from
    published_on: date | None = None  # the publication date as the page states it (its local calendar day)


def extract_article(html: str, url: str | None = None, *, now: datetime | None = None) -> ExtractedPage:
    """Extract title, authors, date, language, outlet, canonical URL, body text and a status from one page."""
    return extract_article_traced(html, url, now=now).page


def extract_article_traced(html: str, url: str | None = None, *, now: datetime | None = None) -> TracedPage:
    """Extract title, authors, date, language, outlet, canonical URL, body text and a status from one page.

    The page is parsed once with lxml; metadata comes from the head, JSON-LD and microdata, the body from
    a text-density scorer over the cleaned tree (JSON-LD articleBody when it is present and at least as
    complete). When the scorer is not confident, trafilatura is consulted and the longer sane body kept.
    Never raises on content: an unparsable page yields status "empty". `method` names where the body came
    from ("scored", "jsonld", "trafilatura", "none"; "checked" when trafilatura was consulted but the
    scored body kept); `published_on` is the publication date in the page's own time zone: 22:05 at
    -05:00 on 8 November is published_at 03:05 UTC on 9 November but published_on 8 November.
    """
    tree = _parse_html(html)
    if tree is None:
        return TracedPage(_empty_page("no HTML to parse"), "none")
    meta = _read_meta(tree)
    objects = list(_read_jsonld(tree))
    article_ld = _pick_article_object(objects)
    outlet = _find_outlet(meta, objects)
    etree.strip_elements(tree, *_INVISIBLE_TAGS, with_tail=False)
    survey = _survey_page(tree)
    title = _find_title(tree, meta, article_ld, outlet, url)
    authors = _find_authors(survey, meta, article_ld, objects, outlet)
    published_local, date_source = _find_date(tree, survey, meta, article_ld, objects, url, now)
    canonical = _find_canonical(tree, meta, url)
    declared_language = _find_language(tree, meta, article_ld)
    paywall_marker = _find_paywall_marker(survey, article_ld)
    page_title = _text_of(tree.find(".//title"))

    _clean_tree(tree, survey)
    body, confident = _extract_body(tree, title)
    method: BodyMethod = "scored" if body else "none"
    ld_body = _prefer_jsonld_body(body, article_ld)
    if ld_body is not body:
        body, method, confident = ld_body, "jsonld", True
    if not confident:
        fallback = _prefer_fallback_body(body, html, url, title)
        if fallback is not body:
            body, method = fallback, "trafilatura"
        elif body:
            method = "checked"

    body, prompt = _trim_calls_to_action(body)
    language = declared_language or _guess_language(body)
    status, reason = _classify_status(body, page_title, prompt or paywall_marker)
    if status == "blocked":
        body, method = "", "none"
    page = ExtractedPage(
        title=title,
        authors=authors,
        published_at=published_local.astimezone(UTC) if published_local else None,
        published_at_source=date_source,
        language=language,
        outlet=outlet,
        canonical_url=canonical,
        body=body,
        status=status,
        status_reason=reason,
    )
    return TracedPage(page, method, published_local.date() if published_local else None)


def _empty_page(reason: str) -> ExtractedPage:
    return ExtractedPage(
        title=None,
        authors=(),
        published_at=None,
        published_at_source="none",
        language=None,
        outlet=None,
        canonical_url=None,
        body="",
        status="empty",
        status_reason=reason,
    )


# ---------------------------------------------------------------------------------------------------------
# Parsing and small text helpers


def _parse_html(html: str) -> etree._Element | None:
    if not html or html.isspace():  # isspace: strip() would copy the whole page
        return None
    html = _XML_DECL.sub("", html, count=1)
    # a plain libxml2 HTML parser: lxml.html's element-class lookup costs more than the parse itself
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    try:
        tree = etree.fromstring(html, parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None
    if tree is None or not isinstance(tree.tag, str):
        return None
    return tree


def _drop_element(el: etree._Element) -> None:
    """Remove an element and its content, keeping the text that follows it (its tail)."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _normalize_space(text: str | None) -> str:
    if not text:
        return ""
    if text.isascii() or not any(ch in text for ch in _ZERO_WIDTH_CHARS):
        # several times faster than the regex: str.split() and \s split on the same (Unicode) spaces
        return " ".join(text.split())
    return _SPACE.sub(" ", text).strip()


_ZERO_WIDTH_CHARS = "\u200b\u200c\u200d\ufeff"  # the spaces of _SPACE that str.split() keeps


def _text_of(el: etree._Element | None) -> str:
    if el is None:
        return ""
    return _normalize_space("".join(el.itertext()))


def _word_count(text: str) -> int:
    # the same body is counted up to three times (scorer, JSON-LD comparison, status): remember the last two
    for counted, count in _last_counted:
        if counted is text:
            return count
    count = count_words(text)  # the \w+ words, counted without a string for each
    _last_counted[1] = _last_counted[0]
    _last_counted[0] = (text, count)
    return count


_last_counted: list[tuple[str, int]] = [("", 0), ("", 0)]


# ---------------------------------------------------------------------------------------------------------
# Head metadata and JSON-LD


def _read_meta(tree: etree._Element) -> dict[str, list[str]]:
    """Collect <meta name|property|itemprop|http-equiv content> values, keyed in lower case, in page order."""
    meta: dict[str, list[str]] = {}
    for el in tree.iter("meta"):
        content = el.get("content")
        if content is None:
            continue
        content = _normalize_space(content)
        if not content:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = el.get(attr)
            if key:
                meta.setdefault(key.strip().lower(), []).append(content)
    return meta


def _first_meta(meta: dict[str, list[str]], *keys: str) -> str | None:
    for key in keys:
        values = meta.get(key)
        if values:
            return values[0]
    return None


def _read_jsonld(tree: etree._Element) -> Iterator[dict]:
    """Yield every JSON-LD object on the page, flattening lists and @graph containers."""
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw, strict=False)
        except ValueError:
            try:
                data = json.loads(raw.rstrip(";").replace("\n", " "), strict=False)
            except ValueError:
                continue
        yield from _flatten_jsonld(data, depth=0)


def _flatten_jsonld(data: object, depth: int) -> Iterator[dict]:
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data:
            yield from _flatten_jsonld(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        graph = data.get("@graph")
        if graph is not None:
            yield from _flatten_jsonld(graph, depth + 1)
        main = data.get("mainEntity")
        if isinstance(main, dict | list):
            yield from _flatten_jsonld(main, depth + 1)


def _types_of(obj: dict) -> list[str]:
    kind = obj.get("@type")
    if isinstance(kind, str):
        return [kind]
    if isinstance(kind, list):
        return [k for k in kind if isinstance(k, str)]
    return []


def _pick_article_object(objects: list[dict]) -> dict | None:
    best: dict | None = None
    for obj in objects:
        if any(_ARTICLE_TYPES.search(kind) for kind in _types_of(obj)):
            if best is None or ("articleBody" in obj and "articleBody" not in best):
                best = obj
    if best is None:
        for obj in objects:
            if "headline" in obj or "datePublished" in obj:
                return obj
    return best


def _ld_text(value: object) -> str | None:
    if isinstance(value, str):
        return _normalize_space(value) or None
    if isinstance(value, list) and value:
        return _ld_text(value[0])
    if isinstance(value, dict):
        return _ld_text(value.get("name") or value.get("@value"))
    return None


def _find_outlet(meta: dict[str, list[str]], objects: list[dict]) -> str | None:
    name = _first_meta(meta, "og:site_name")
    if name:
        return name
    for obj in objects:
        publisher = obj.get("publisher")
        if isinstance(publisher, list) and publisher:
            publisher = publisher[0]
        if isinstance(publisher, dict):
            found = _ld_text(publisher.get("name"))
            if found:
                return found
    return None


def _find_canonical(tree: etree._Element, meta: dict[str, list[str]], url: str | None) -> str | None:
    href = None
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        if "canonical" in rel and link.get("href", "").strip():
            href = link.get("href", "").strip()
            break
    if not href:
        href = _first_meta(meta, "og:url")
    if not href:
        return None
    return urljoin(url, href) if url else href


def _find_language(tree: etree._Element, meta: dict[str, list[str]], article_ld: dict | None) -> str | None:
    candidates = [
        tree.get("lang"),
        tree.get("xml:lang"),
        _first_meta(meta, "content-language", "language", "dc.language", "og:locale"),
        _ld_text(article_ld.get("inLanguage")) if article_ld else None,
    ]
    for value in candidates:
        if value:
            code = re.split(r"[-_,;\s]", value.strip().lower(), maxsplit=1)[0]
            if 2 <= len(code) <= 3 and code.isalpha():
                return code
    return None


def _guess_language(text: str) -> str | None:
    words = split_lower_words(text[:3000])
    if len(words) < 20:
        return None
    scores = {lang: sum(1 for w in words if w in stops) for lang, stops in _STOPWORDS.items()}
    lang, best = max(scores.items(), key=lambda item: item[1])
    return lang if best >= max(3, len(words) // 20) else None


# ---------------------------------------------------------------------------------------------------------
# Title


def _strip_site_name(title: str, outlet: str | None, url: str | None) -> str:
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    site_keys = set()
    if outlet:
        site_keys.add(_squash(outlet))
    if url:
        host = urlsplit(url).hostname or ""
        labels = [label for label in host.split(".") if label not in {"www", "com", "co", "uk", "org", "net"}]
        site_keys.update(_squash(label) for label in labels)

    def is_site(part: str) -> bool:
        key = _squash(part)
        return bool(key) and any(key == s or (len(s) > 3 and (s in key or key in s)) for s in site_keys)

    while len(parts) > 1 and is_site(parts[-1]):
        parts.pop()
    while len(parts) > 1 and is_site(parts[0]):
        parts.pop(0)
    if len(parts) > 1 and len(parts[-1].split()) <= 3 and len(parts[0].split()) >= 4:
        parts.pop()  # "Headline | Section" or "Headline - Outlet" with an outlet we could not name
    separator_match = _TITLE_SEPARATORS.search(title)
    joiner = separator_match.group(0) if separator_match else " - "
    return joiner.join(parts)


def _squash(text: str) -> str:
    plain = blank_marks(text)  # ASCII but for marks that are no letters: translate() runs at C speed
    if plain is not None:
        return plain.translate(_SQUASH_ASCII)
    return _NON_ALNUM.sub("", text.lower())


# ASCII letters and digits lower-cased, all else deleted: _NON_ALNUM.sub("", text.lower()) on ASCII text
_SQUASH_ASCII = str.maketrans({c: chr(c).lower() if chr(c).isalnum() else None for c in range(128)})


def _find_title(
    tree: etree._Element,
    meta: dict[str, list[str]],
    article_ld: dict | None,
    outlet: str | None,
    url: str | None,
) -> str | None:
    candidates = [
        _first_meta(meta, "og:title"),
        _ld_text(article_ld.get("headline")) if article_ld else None,
        _first_meta(meta, "twitter:title"),
        _first_meta(meta, "dc.title", "title", "sailthru.title", "parsely-title"),
    ]
    declared = [d for d in candidates if d]
    page_title = _text_of(tree.find(".//head/title")) or _text_of(tree.find(".//title"))
    h1s = [text for text in (_text_of(h) for h in tree.iter("h1")) if 3 <= len(text) <= 300]
    squashed_heads = [_squash(t) for t in [*declared, page_title] if t]
    for h1 in h1s:
        key = _squash(h1)
        if key and any(key == head or (len(key) > 15 and key in head) for head in squashed_heads):
            return h1
    if declared:
        return _strip_site_name(declared[0], outlet, url)
    if page_title:
        return _strip_site_name(page_title, outlet, url)
    return h1s[0] if h1s else None


# ---------------------------------------------------------------------------------------------------------
# Authors


def _clean_author(raw: str, outlet: str | None) -> list[str]:
    text = _normalize_space(raw)
    if not text or len(text) > 200:
        return []
    text = _BYLINE_PREFIX.sub("", text)
    names: list[str] = []
    for piece in _AUTHOR_SPLIT.split(text):
        piece = _ROLE_SUFFIX.sub("", piece).strip(" ,:;-–—|")
        if "," in piece:
            # "A, B and C": comma-separated names, each checked below; "Name, PhD" drops the credential
            sub = [p.strip() for p in piece.split(",") if p.strip() and not _CREDENTIAL.match(p.strip())]
            if len(sub) == 1:
                piece = sub[0]
            elif sub and all(_looks_like_name(p, outlet) for p in sub):
                names.extend(sub)
                continue
            elif sub:
                piece = sub[0]
        piece = _BYLINE_PREFIX.sub("", piece).strip(" ,:;-–—|")
        if piece.endswith(".") and not _ABBREVIATION_END.search(piece):
            piece = piece[:-1]
        if _looks_like_name(piece, outlet):
            names.append(piece.title() if piece.isupper() and len(piece) > 3 else piece)
    return names


def _looks_like_name(text: str, outlet: str | None) -> bool:
    if not text or len(text) > 60 or _PERSON_NAME_BAD.search(text):
        return False
    words = text.split()
    if not 1 <= len(words) <= 5:
        return False
    if outlet and _squash(text) == _squash(outlet) and len(words) < 2:
        return False  # a one-word outlet name; "Pamela Anderson" may well run pamelaanderson.org
    if any(w.lower() in _NOT_NAME_WORDS for w in words) or _CREDENTIAL.match(text):
        return False
    return all(_NAME_WORD.match(w) for w in words)


def _ld_people(value: object) -> Iterator[str]:
    if isinstance(value, list):
        for item in value:
            yield from _ld_people(item)
    elif isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        types = [t.lower() for t in _types_of(value)]
        if types and "person" not in types:
            return  # Organization, NewsMediaOrganization, ...
        name = value.get("name")
        if isinstance(name, str):
            yield name
        elif isinstance(name, list):
            yield from (n for n in name if isinstance(n, str))


def _resolve_ld_refs(value: object, by_id: dict[str, dict]) -> object:
    """Replace {"@id": ...} references (Yoast-style @graph pages) by the objects they point to."""
    if isinstance(value, list):
        return [_resolve_ld_refs(item, by_id) for item in value]
    if isinstance(value, dict) and "name" not in value and isinstance(value.get("@id"), str):
        return by_id.get(value["@id"], value)
    return value


def _find_authors(
    survey: _Survey,
    meta: dict[str, list[str]],
    article_ld: dict | None,
    objects: list[dict],
    outlet: str | None,
) -> tuple[str, ...]:
    sources: list[Iterable[str]] = []
    if article_ld:
        by_id = {obj["@id"]: obj for obj in objects if isinstance(obj.get("@id"), str)}
        declared = _resolve_ld_refs(article_ld.get("author") or article_ld.get("creator"), by_id)
        sources.append(list(_ld_people(declared)))
    meta_values: list[str] = []
    for key in ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "byl",
                "twitter:creator:name", "cxenseparse:author", "dcterms.creator"):  # fmt: skip
        meta_values.extend(v for v in meta.get(key, []) if not v.startswith(("http", "@")))
    sources.append(meta_values)
    for raw_names in sources:
        found: list[str] = []
        for raw in raw_names:
            for name in _clean_author(raw, outlet):
                if name.lower() not in {f.lower() for f in found}:
                    found.append(name)
        if found:
            return tuple(found[:6])
    # the page's own byline, read only when nothing was declared: the first element naming someone
    # (later "author" elements belong to related stories, comments or author boxes)
    for raw in _byline_texts(survey):
        names = _clean_author(raw, outlet)
        if names:
            return tuple(dict.fromkeys(names))[:6]
    return ()


def _byline_texts(survey: _Survey) -> Iterator[str]:
    """Yield texts of byline-like elements: rel=author links, itemprop=author, class/id naming an author."""
    seen = 0
    for el in survey.bylines:
        if _inside_excluded(el):
            continue
        if (el.get("itemprop") or "").lower() in {"author", "creator"}:
            name_el = el.find(".//*[@itemprop='name']")
            if name_el is not None:
                yield name_el.get("content") or _text_of(name_el)
                seen += 1
                continue
        text = el.get("content") if el.tag == "meta" else _text_of(el)
        if text and len(text) <= 120:
            yield text
            seen += 1
        if seen >= 8:
            return


def _inside_excluded(el: etree._Element) -> bool:
    """True when an element sits in a comment, bio, related-links, footer or aside block."""
    node: etree._Element | None = el
    depth = 0
    while node is not None and depth < 8:
        if node.tag == "aside":
            return True
        hint = _hint_of(node)
        if hint and _classify_hint(hint) & _F_EXCLUDED:
            return True
        node = node.getparent()
        depth += 1
    return False


# ---------------------------------------------------------------------------------------------------------
# Dates

_META_DATE_KEYS = (
    "article:published_time", "og:published_time", "og:article:published_time", "datepublished",
    "article.published", "published_time", "publish-date", "publish_date", "publishdate", "pubdate",
    "publication_date", "date.release", "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date",
    "dcterms.created", "dc.date.created", "sailthru.date", "parsely-pub-date", "article_date_original",
    "originalpublicationdate", "cxenseparse:recs:publishtime", "date", "citation_publication_date",
    "citation_date", "datecreated", "created", "og:pubdate",
)  # fmt: skip


def _find_date(
    tree: etree._Element,
    survey: _Survey,
    meta: dict[str, list[str]],
    article_ld: dict | None,
    objects: list[dict],
    url: str | None,
    now: datetime | None,
) -> tuple[datetime | None, DateSource]:
    """The publication moment in the offset the page states it (UTC when it states none), and its source.

    A complete date in the URL path is fixed when the story is first published; a declared date more
    than a day away from it is a re-publication, a CMS migration or an update, so the URL date wins then.
    """
    moment, source = _find_declared_date(survey, meta, article_ld, objects, now)
    url_moment = date_from_url(url, now=now) if url else None
    if url_moment is not None:
        if moment is None or abs(moment.date() - url_moment.date()) > _URL_DATE_TOLERANCE:
            return url_moment, "url"
    if moment is not None:
        return moment, source
    moment = _date_from_text(tree, survey, now)
    if moment:
        return moment, "text"
    return None, "none"


_URL_DATE_TOLERANCE = timedelta(days=1)


def _find_declared_date(
    survey: _Survey,
    meta: dict[str, list[str]],
    article_ld: dict | None,
    objects: list[dict],
    now: datetime | None,
) -> tuple[datetime | None, DateSource]:
    """JSON-LD datePublished, then date meta tags, then <time> elements (in their stated offsets)."""
    ld_candidates = [article_ld] if article_ld else []
    ld_candidates += [obj for obj in objects if obj is not article_ld]
    for obj in ld_candidates:
        for key in ("datePublished", "dateCreated"):
            value = _ld_text(obj.get(key))
            if value and (moment := parse_local_date(value, now=now)):
                return moment, "jsonld"
    for key in _META_DATE_KEYS:
        for value in meta.get(key, []):
            if moment := parse_local_date(value, now=now):
                return moment, "meta"
    moment = _date_from_time_tags(survey, now)
    if moment:
        return moment, "time-tag"
    return None, "none"


def _date_from_time_tags(survey: _Survey, now: datetime | None) -> datetime | None:
    first: datetime | None = None
    for el in survey.times:
        if _inside_excluded(el):
            continue
        value = el.get("datetime") or el.get("content") or _text_of(el)
        moment = parse_local_date(value, now=now) if value else None
        if moment is None:
            continue
        hint = " ".join([el.get("class", ""), el.get("itemprop", ""), el.get("id", "")]).lower()
        if el.get("pubdate") is not None or "publish" in hint:
            return moment
        if "modif" in hint or "updat" in hint:
            continue
        if first is None:
            first = moment
    if first is not None:
        return first
    for el in survey.microdata_dates:
        value = el.get("content") or el.get("datetime") or _text_of(el)
        if value and (moment := parse_local_date(value, now=now)):
            return moment
    return None


def _date_from_text(tree: etree._Element, survey: _Survey, now: datetime | None) -> datetime | None:
    """A date written in the page: first in date/byline-classed elements, then in any short text line."""
    for checked, el in enumerate(survey.date_hints):
        if checked > 40:
            break
        if _inside_excluded(el):
            continue
        text = _text_of(el)
        if 6 <= len(text) <= 300 and (moment := find_date_in_text(text, now=now)):
            return moment
    body = tree.find("body")
    if body is None:
        return None
    for scanned, el in enumerate(body.iter(_TEXT_LINE_TAGS)):
        if scanned > 600:
            break
        text = el.text
        if text and 6 <= len(text) <= 120 and _HAS_YEAR_DIGITS.search(text) and not _inside_excluded(el):
            moment = find_date_in_text(text, now=now)
            if moment:
                return moment
    return None


_TEXT_LINE_TAGS = ("p", "span", "div", "i", "em", "small", "td", "li", "time", "b", "strong", "font")
_HAS_YEAR_DIGITS = re.compile(r"(?:19|20)\d\d")


# ---------------------------------------------------------------------------------------------------------
# Body extraction


_DROP_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "dialog", "alert"})


@dataclass(slots=True)
class _Survey:
    """What one pass over the body finds: furniture to drop and the elements metadata is read from."""

    furniture: list[etree._Element] = field(default_factory=list)
    strong: dict[etree._Element, int] = field(default_factory=dict)
    headers: list[etree._Element] = field(default_factory=list)
    bylines: list[etree._Element] = field(default_factory=list)
    paywall: list[etree._Element] = field(default_factory=list)
    date_hints: list[etree._Element] = field(default_factory=list)
    times: list[etree._Element] = field(default_factory=list)
    microdata_dates: list[etree._Element] = field(default_factory=list)
    body_marks: list[etree._Element] = field(default_factory=list)  # class/itemprop naming the article body


def _hint_of(el: etree._Element) -> str:
    cls, ident = el.get("class"), el.get("id")
    if cls and ident:
        return f"{cls} {ident}"
    return cls or ident or ""


_F_BODY = 64  # a token naming the article body ("article-body"): protects the element from dropping


@lru_cache(maxsize=65536)
def _classify_token(token: str) -> int:
    """Flags for one class/id token; tokens repeat across a site's pages, hence the cache."""
    token = _CAMEL_BOUNDARY.sub("-", token).lower()
    if _RESPONSIVE_TOKEN.match(token):
        return 0  # "hidden-xs", "hide-for-small-only": shown on other screens, and on desktop pages
    flags = 0
    for match in _KEYWORD_SCAN.finditer(token):
        flags |= _KEYWORD_FLAGS[match.group(0)]
    if not _FURNITURE_PARTS.isdisjoint(_TOKEN_PARTS.split(token)):
        flags |= _F_FURNITURE
    if flags & _F_BODYISH and not flags & _F_STRONG and _BODY_TOKEN.search(token):
        flags |= _F_BODY
    return flags


@lru_cache(maxsize=65536)
def _classify_hint(hint: str) -> int:
    """Flags for a class/id string: the union over its tokens, furniture unless a token names the body."""
    flags = 0
    for token in hint.split():
        flags |= _classify_token(token)
    if flags & _F_BODY:
        flags &= ~(_F_FURNITURE | _F_STRONG)
    return flags


_UNCLASSIFIED_TAGS = frozenset({"body", "main", "article", "html"})
_SPECIAL_ATTRIBUTES = frozenset({"rel", "itemprop", "hidden", "aria-hidden", "role", "style"})
# class/id strings seen so far and their flags: a plain dict lookup is cheaper than a cached call, and the
# same strings recur on every page of a site (bounded: cleared when it grows past _HINT_CACHE_SIZE)
_HINT_FLAGS: dict[str, int] = {}
_HINT_CACHE_SIZE = 200_000


def _survey_page(tree: etree._Element) -> _Survey:
    survey = _Survey()
    if len(_HINT_FLAGS) > _HINT_CACHE_SIZE:
        _HINT_FLAGS.clear()
    root = tree.find("body")
    if root is None:
        root = tree
    for el in root.iter(etree.Element):
        tag = el.tag
        if tag == "time":
            survey.times.append(el)
        elif tag == "header":
            survey.headers.append(el)
        items = el.items()
        if not items or tag in _UNCLASSIFIED_TAGS:
            continue
        # one attribute read per element: this loop visits every element of the page
        cls = ident = None
        special = False  # rel, itemprop, or an attribute that can hide the element
        for name, value in items:
            if name == "class":
                cls = value
            elif name == "id":
                ident = value
            elif name in _SPECIAL_ATTRIBUTES:
                special = True
        hint = f"{cls} {ident}" if cls and ident else cls or ident
        if hint:
            flags = _HINT_FLAGS.get(hint)
            if flags is None:
                flags = _HINT_FLAGS[hint] = _classify_hint(hint)
        else:
            flags = 0
        if special:
            rel, itemprop = el.get("rel"), el.get("itemprop")
            if rel and rel.lower() == "author":
                flags |= _F_BYLINE
            if itemprop:
                itemprop = itemprop.lower()
                if itemprop in {"author", "creator"}:
                    flags |= _F_BYLINE
                elif itemprop == "datepublished":
                    survey.microdata_dates.append(el)
                elif itemprop == "articlebody":
                    survey.body_marks.append(el)
        elif not flags:
            continue
        if flags & _F_BODY:
            survey.body_marks.append(el)
        if flags & _F_BYLINE:
            survey.bylines.append(el)
        if flags & _F_PAYWALL:
            survey.paywall.append(el)
        if flags & _F_DATE:
            survey.date_hints.append(el)
        if flags & _F_FURNITURE:
            survey.furniture.append(el)
            if flags & _F_STRONG:
                survey.strong[el] = flags
        elif special and _is_hidden(el):
            survey.furniture.append(el)
    return survey


def _is_hidden(el: etree._Element) -> bool:
    """Hidden by attribute, ARIA or inline style, or a navigation/banner/dialog landmark."""
    if el.get("hidden") is not None or el.get("aria-hidden") == "true" or el.get("role") in _DROP_ROLES:
        return True
    style = el.get("style")
    return bool(style) and _HIDDEN_STYLE.search(style) is not None


def _prose_chars(el: etree._Element, at_least: int = 0) -> int:
    """Non-space characters of the text under an element that is not link text (0 if under `at_least`)."""
    text = _STRING_VALUE(el)
    if len(text) < at_least:
        return 0
    links = "".join([_STRING_VALUE(a) for a in el.iter("a")])
    return max(_count_non_space(text) - _count_non_space(links), 0)


# the text under an element, as "".join(el.itertext()) on a tree without comments and processing instructions
# (the parser drops them), built in C rather than from one Python string per text node
_STRING_VALUE = etree.XPath("string()", smart_strings=False)


def _count_non_space(text: str) -> int:
    # str.count per space character runs at C speed; split() + join() built a copy of the whole page
    return len(text) - sum(map(text.count, _SPACE_CHARS))


_SPACE_CHARS = " \n\t\r\xa0\x0b\x0c\u2009\u200a\u202f\u3000\u2002\u2003"


def _is_attached(el: etree._Element, root: etree._Element) -> bool:
    node = el
    parent = node.getparent()
    while parent is not None:
        node, parent = parent, parent.getparent()
    return node is root


_GUARDED_TAGS = frozenset(
    {"div", "section", "main", "article", "table", "tbody", "tr", "td", "form", "center"}
)


def _clean_tree(tree: etree._Element, survey: _Survey) -> None:
    """Drop scripts, navigation and page furniture in place, keeping the text that follows each element."""
    for header in survey.headers:
        if next(islice(header.iter("p"), 2, None), None) is None:  # < 3 paragraphs (ElementPath is slow)
            _drop_element(header)
    etree.strip_elements(tree, *_DROP_TAGS, with_tail=False)
    page_chars: int | None = None
    furniture = survey.furniture
    index, count = 0, len(furniture)
    while index < count:
        el = furniture[index]
        index += 1
        if el.getparent() is None:
            if page_chars is not None:
                index = _skip_descendants(el, furniture, index)
            continue
        if el.tag not in _GUARDED_TAGS or not len(el):
            if not _is_part_of_sentence(el, survey):
                _drop_element(el)
                if page_chars is not None:
                    index = _skip_descendants(el, furniture, index)
            continue
        strength = survey.strong.get(el, 0)
        if strength & _F_COMMENTS:
            _drop_element(el)  # comment threads can outweigh the article: never kept
            if page_chars is not None:
                index = _skip_descendants(el, furniture, index)
            continue
        if page_chars is None:
            body = tree.find("body")
            page_chars = _prose_chars(body if body is not None else tree)
        share = 0.75 if strength else 0.4
        wanted = max(500, int(share * page_chars))
        if page_chars and _is_attached(el, tree) and _prose_chars(el, wanted) >= wanted:
            if not _is_marked_elsewhere(el, survey.body_marks, tree):
                continue  # a layout wrapper holding the article, whatever its class says
        _drop_element(el)
        index = _skip_descendants(el, furniture, index)


def _skip_descendants(el: etree._Element, furniture: list[etree._Element], index: int) -> int:
    """The index of the first furniture element from `index` on that is not inside `el`, an element now
    out of the tree: furniture is in document order, so the elements inside `el` follow it in one run.

    Dropping them too would change nothing that is read later; only the page's prose total is taken
    lazily at the first big container, so the caller skips only once that total is taken. An element
    that left `el` before (a dropped header, a stripped <nav>) ends the run: it is then handled as before.
    """
    count = len(furniture)
    if index >= count or not len(el):
        return index
    following = furniture[index]
    for inner in el.iterdescendants():
        if inner is following:
            index += 1
            if index == count:
                break
            following = furniture[index]
    return index


def _is_part_of_sentence(el: etree._Element, survey: _Survey) -> bool:
    """An inline element inside a paragraph's running text ("<p><span class=dateline>KOBE – </span>A total
    of ..."): removing it would cut words out of a sentence, whatever its class says."""
    parent = el.getparent()
    if el.tag not in _INLINE_TAGS or parent is None or parent.tag != "p" or el in survey.strong:
        return False
    if len(_text_of(el)) > 60 or not _is_visible_inline(el):
        return False
    return len(_text_of(parent)) - len(_text_of(el)) >= 80


def _is_visible_inline(el: etree._Element) -> bool:
    return not _is_hidden(el) and not (_classify_hint(_hint_of(el)) & _F_HIDDEN)


_INLINE_TAGS = frozenset({"span", "a", "em", "strong", "b", "i", "small", "time", "abbr", "cite"})


def _is_marked_elsewhere(el: etree._Element, body_marks: list[etree._Element], tree: etree._Element) -> bool:
    """True when the page marks its article body (entry-content, itemprop=articleBody) outside `el` and
    that body has prose: then a big popup or overlay is not the article, however much text it holds."""
    for mark in body_marks:
        if _is_within(mark, {el}) or _is_within(el, {mark}) or not _is_attached(mark, tree):
            continue
        if _prose_chars(mark, 500) >= 500:
            return True
    return False


@dataclass(slots=True)
class _Block:
    text: str
    link_chars: int
    container: etree._Element
    tag: str


@dataclass(slots=True)
class _Walker:
    blocks: list[_Block] = field(default_factory=list)
    buffer: list[str] = field(default_factory=list)
    link_chars: int = 0

    def add(self, text: str | None, in_link: bool) -> None:
        if text:
            self.buffer.append(text)
            if in_link:
                self.link_chars += len(text.strip())

    def flush(self, container: etree._Element) -> None:
        if self.buffer:
            text = _normalize_space("".join(self.buffer))
            if text:
                self.blocks.append(_Block(text, min(self.link_chars, len(text)), container, container.tag))
        self.buffer = []
        self.link_chars = 0

    def visit(self, el: etree._Element, container: etree._Element, in_link: bool, depth: int) -> None:
        tag = el.tag
        if not isinstance(tag, str):
            self.add(el.tail, in_link)
            return
        if tag == "br":
            self.flush(container)
            self.add(el.tail, in_link)
            return
        is_block = tag in _BLOCK_TAGS
        here = el if is_block else container
        if is_block:
            self.flush(container)
        elif tag in _CELL_TAGS:
            self.buffer.append(" ")
        link = in_link or tag == "a"
        self.add(el.text, link)
        if depth > 250:
            for child in el:
                self.add("".join(child.itertext()), link)
                self.add(child.tail, in_link)
        else:
            for child in el:
                self.visit(child, here, link, depth + 1)
        if is_block:
            self.flush(el)
        elif tag in _CELL_TAGS:
            self.buffer.append(" ")
        self.add(el.tail, in_link)


def _segment_blocks(root: etree._Element) -> list[_Block]:
    walker = _Walker()
    walker.visit(root, root, False, 0)
    walker.flush(root)
    return walker.blocks


def _class_weight(el: etree._Element) -> float:
    hint = el.get("class", "") + " " + el.get("id", "")
    if not hint.strip():
        return 0.0
    weight = 0.0
    if _NEGATIVE_HINT.search(hint):
        weight -= 25
    if _POSITIVE_HINT.search(hint):
        weight += 25
    if el.get("itemprop") == "articleBody":
        weight += 50
    return weight


_TAG_WEIGHT = {
    "article": 10.0, "main": 5.0, "div": 5.0, "section": 3.0, "pre": 3.0, "td": 3.0, "blockquote": 3.0,
    "form": -3.0, "ol": -3.0, "ul": -3.0, "dl": -3.0, "dd": -3.0, "dt": -3.0, "li": -3.0, "address": -3.0,
    "th": -5.0,
}  # fmt: skip


def _extract_body(tree: etree._Element, title: str | None) -> tuple[str, bool]:
    """Return (body text, confident) from the cleaned tree, by paragraph scoring over block containers."""
    root = tree.find("body")
    if root is None:
        root = tree
    blocks = _segment_blocks(root)
    if not blocks:
        return "", False
    # per-element totals of text and link text, for link density
    totals: dict[etree._Element, list[int]] = {}
    scores: dict[etree._Element, float] = {}
    for block in blocks:
        length = len(block.text)
        node: etree._Element | None = block.container
        while node is not None:
            entry = totals.get(node)
            if entry is None:
                totals[node] = [length, block.link_chars]
            else:
                entry[0] += length
                entry[1] += block.link_chars
            node = node.getparent()
        if length < 25 or block.tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            continue
        if block.link_chars > length * 0.5:
            continue
        content = 1.0 + block.text.count(",") + block.text.count("، ") + min(length / 100.0, 3.0)
        node = block.container.getparent() if block.tag in _PARAGRAPH_TAGS else block.container
        level = 0
        while node is not None and level < 4:
            if node not in scores:
                scores[node] = _TAG_WEIGHT.get(node.tag, 0.0) + _class_weight(node)
            divider = 1 if level == 0 else (2 if level == 1 else level * 3)
            scores[node] += content / divider
            node = node.getparent()
            level += 1
    if not scores:
        return _join_blocks(blocks, title), False
    ranked = []
    for node, score in scores.items():
        chars, link_chars = totals.get(node, (0, 0))
        density = link_chars / chars if chars else 0.0
        ranked.append((score * (1.0 - density), node))
    ranked.sort(key=lambda item: -item[0])
    top_score, top = ranked[0]
    top = _climb_candidate(top, top_score, scores, totals)
    chosen = _with_siblings(top, top_score, scores, totals)
    chosen.update(_find_split_parts(top, top_score, ranked))
    kept = [b for b in blocks if _is_within(b.container, chosen)]
    body = _join_blocks(kept, title)
    words = _word_count(body)
    page_words = sum(len(b.text) for b in blocks) / 6.0
    confident = words >= 0.15 * page_words and (
        words >= _CONFIDENT_WORDS or (words >= 40 and top_score >= 20)
    )
    return body, confident


def _find_split_parts(
    top: etree._Element, top_score: float, ranked: list[tuple[float, etree._Element]]
) -> list[etree._Element]:
    """Other parts of a body split into same-class containers ("story-text", "article-section") that sit
    in separate wrappers, so neither climbing nor the sibling rule reaches them: each scoring >= 20 % of
    the top candidate's score."""
    cls = top.get("class")
    if not cls:
        return []
    parts = []
    for score, node in ranked[1:]:
        if score < 0.2 * top_score:
            break
        if node.tag == top.tag and node.get("class") == cls and not _is_within(node, {top}):
            if not _is_within(top, {node}):
                parts.append(node)
    return parts


def _climb_candidate(
    top: etree._Element,
    top_score: float,
    scores: dict[etree._Element, float],
    totals: dict[etree._Element, list[int]],
) -> etree._Element:
    """Move up while the parent holds the top candidate and other content of similar worth (split bodies)."""
    node = top
    parent = node.getparent()
    while parent is not None and parent.tag not in {"body", "html"}:
        parent_score = scores.get(parent, 0.0)
        chars, link_chars = totals.get(parent, (0, 0))
        density = link_chars / chars if chars else 0.0
        if parent_score * (1 - density) < top_score * 0.75:
            break
        if density > 0.33:
            break
        node = parent
        parent = node.getparent()
    return node


def _with_siblings(
    top: etree._Element,
    top_score: float,
    scores: dict[etree._Element, float],
    totals: dict[etree._Element, list[int]],
) -> set[etree._Element]:
    chosen = {top}
    parent = top.getparent()
    if parent is None:
        return chosen
    threshold = max(10.0, top_score * 0.2)
    top_class = top.get("class")
    for sibling in parent:
        if sibling is top or not isinstance(sibling.tag, str):
            continue
        chars, link_chars = totals.get(sibling, (0, 0))
        if not chars:
            continue
        density = link_chars / chars
        bonus = top_score * 0.2 if top_class and sibling.get("class") == top_class else 0.0
        score = scores.get(sibling, 0.0) * (1 - density) + bonus
        if score >= threshold and density < 0.33:
            chosen.add(sibling)
        elif sibling.tag == "p" and chars > 80 and density < 0.25:
            chosen.add(sibling)
    return chosen


def _is_within(el: etree._Element, chosen: set[etree._Element]) -> bool:
    node: etree._Element | None = el
    while node is not None:
        if node in chosen:
            return True
        node = node.getparent()
    return False


def _join_blocks(blocks: Iterable[_Block], title: str | None) -> str:
    title_key = _squash(title) if title else ""
    longest_title = 2 * len(title) + 20 if title else 0
    out: list[str] = []
    for block in blocks:
        text = block.text
        length = len(text)
        if block.tag == "h1":
            continue
        if title_key and length <= longest_title and _squash(text) == title_key:
            continue
        if block.link_chars > length * 0.5 and (length < 200 or block.link_chars > length * 0.8):
            continue
        if _is_boilerplate_text(text):
            continue
        out.append(text)
    return "\n\n".join(out)


def _is_boilerplate_text(text: str) -> bool:
    """A paragraph that is furniture wherever it appears: "Advertisement", cookie notices, share prompts."""
    length = len(text)
    return (length < 120 and _BOILER_TEXT.match(text) is not None) or (
        # "cookie" in the fold is what _COOKIE_TEXT cannot match without, and a far cheaper scan
        length < 400 and "cookie" in fold_case(text) and _COOKIE_TEXT.search(text) is not None
    )


def _trim_calls_to_action(body: str) -> tuple[str, str | None]:
    """Drop calls to action from the first and last paragraphs: a paywall prompt and all that follows it,
    copyright/reprint notices, app and newsletter pitches. Return the body and the paywall prompt's wording
    (None when there was none), which is evidence for the paywalled status."""
    if not body:
        return body, None
    paragraphs = body.split("\n\n")
    prompt: str | None = None
    # the earliest prompt among the closing paragraphs (a pitch runs to a dozen short lines), never the first
    cut, after = None, 0
    for index in range(len(paragraphs) - 1, max(0, len(paragraphs) - 2 * _EDGE_PARAGRAPHS), -1):
        text = paragraphs[index]
        if after > 1500:
            break
        if len(text) < 400:
            folded = fold_case(text)  # same length and offsets as text
            match = _PAYWALL_PROMPT_F.search(folded) if _PAYWALL_HINT_F.search(folded) else None
            if match:
                prompt, cut = text[match.start() : match.end()].lower(), index
        after += len(text)
    if cut is not None:
        marker = _PAYWALL_TEXT.search(" ".join(paragraphs[cut:]))  # the wording the status reason uses
        prompt = marker.group(0).lower() if marker else prompt
        paragraphs = paragraphs[:cut]
    kept = [
        text
        for index, text in enumerate(paragraphs)
        if not ((index < 2 or index >= len(paragraphs) - _EDGE_PARAGRAPHS) and _is_call_to_action(text))
    ]
    if not kept:  # a page that is nothing but a notice: keep it rather than invent emptiness
        return "\n\n".join(paragraphs) or body, prompt
    if cut is None and len(kept) == len(paragraphs):
        return body, prompt  # nothing dropped: the same string (its word count is remembered)
    return "\n\n".join(kept), prompt


def _is_call_to_action(text: str) -> bool:
    if len(text) >= 400:
        return False
    if not text.isascii() and any(ch in text for ch in _LOOKALIKE_CHARS):  # translate() is slow on non-ASCII
        text = text.translate(_LATIN_LOOKALIKES)
    folded = fold_case(text)
    return _CTA_HINT_F.search(folded) is not None and _CALL_TO_ACTION_F.search(folded) is not None


def _body_from_jsonld(article_ld: dict | None) -> str:
    if not article_ld:
        return ""
    raw = article_ld.get("articleBody")
    if isinstance(raw, list):
        raw = "\n".join(r for r in raw if isinstance(r, str))
    if not isinstance(raw, str) or not raw.strip():
        return ""
    if "<" in raw and ">" in raw:
        fragment = _parse_html(f"<html><body><div>{raw}</div></body></html>")
        if fragment is None:
            return ""
        return "\n\n".join(b.text for b in _segment_blocks(fragment))
    paragraphs = [_normalize_space(p) for p in re.split(r"\n\s*\n|\r?\n", raw)]
    return "\n\n".join(p for p in paragraphs if p)


def _prefer_jsonld_body(body: str, article_ld: dict | None) -> str:
    """Use JSON-LD articleBody when it is substantially more complete than the scored body."""
    ld_body = _body_from_jsonld(article_ld)
    if not ld_body:
        return body
    ld_words, our_words = _word_count(ld_body), _word_count(body)
    if ld_words < 50:
        return body
    if ld_words > our_words * 1.15 or our_words < _CONFIDENT_WORDS:
        return ld_body
    return body


def _prefer_fallback_body(body: str, html: str, url: str | None, title: str | None) -> str:
    """Ask trafilatura for the body when our scorer was not confident; keep the longer sane answer."""
    try:
        import trafilatura  # deferred: costly to import and only needed on the fallback path
    except ImportError:  # pragma: no cover - trafilatura is a declared dependency
        return body
    try:
        text = trafilatura.extract(html, url=url, include_comments=False, include_tables=True)
    except Exception:  # noqa: BLE001 - a third-party parser failing on one page must not fail the page
        return body
    if not text:
        return body
    title_key = _squash(title) if title else ""
    other = "\n\n".join(
        p
        for p in (_normalize_space(line) for line in text.split("\n"))
        if p and not _is_boilerplate_text(p) and not (title_key and _squash(p) == title_key)
    )
    if _word_count(other) > _word_count(body) * 1.1:
        return other
    return body


# ---------------------------------------------------------------------------------------------------------
# Status


_PAYWALL_TEXT = re.compile("|".join(map(re.escape, _PAYWALL_MARKERS)), re.I)


def _find_paywall_marker(survey: _Survey, article_ld: dict | None) -> str | None:
    """Return the paywall evidence on the page: a prompt's wording, or JSON-LD isAccessibleForFree=false."""
    for el in survey.paywall[:20]:
        match = _PAYWALL_TEXT.search(_text_of(el)[:2000])
        if match:
            return match.group(0).lower()
    if article_ld:
        free = article_ld.get("isAccessibleForFree")
        if free is False or (isinstance(free, str) and free.strip().lower() == "false"):
            return "isAccessibleForFree is false"
    return None


def _classify_status(
    body: str, page_title: str, paywall_marker: str | None
) -> tuple[ArticleStatus, str | None]:
    words = _word_count(body)
    if words < 200 and page_title and _BLOCKED_TITLE.search(page_title):
        return "blocked", f"captcha/access denied page: {page_title[:80]}"
    if words < 400:
        marker = paywall_marker
        tail_match = _PAYWALL_TEXT.search(body[-600:]) if body else None
        if tail_match:
            marker = tail_match.group(0).lower()
        if marker:
            return "paywalled", f"paywall marker: {marker}"
    if words < _EMPTY_WORDS:
        return "empty", f"body has {words} words"
    if words < _TEASER_WORDS:
        return "teaser", f"body has {words} words"
    return "full", None
