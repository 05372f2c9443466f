"""Golden and unit tests for parsers.article; NEWSMON_REGEN=1 rewrites the expected files for review."""

from __future__ import annotations

import json
import os
import re
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from parsers.article import TracedPage, extract_article, extract_article_traced
from parsers.encoding import decode_document
from parsers.records import ExtractedPage

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "articles"
NOW = datetime(2025, 6, 1, tzinfo=UTC)
REGEN = os.environ.get("NEWSMON_REGEN") == "1"
_URL_LINE = re.compile(rb"<!-- URL: (\S+) -->")
CASES = sorted(path.stem for path in FIXTURES.glob("*.html"))


def _trace_case(name: str) -> TracedPage:
    raw = (FIXTURES / f"{name}.html").read_bytes()
    match = _URL_LINE.search(raw)
    assert match, f"{name}.html must declare its URL in a '<!-- URL: ... -->' line"
    return extract_article_traced(decode_document(raw), match.group(1).decode(), now=NOW)


def _load_case(name: str) -> tuple[ExtractedPage, str]:
    traced = _trace_case(name)
    return traced.page, traced.method


def _as_json(traced: TracedPage) -> dict:
    page, method = traced.page, traced.method
    return {
        "title": page.title,
        "authors": list(page.authors),
        "published_at": page.published_at.isoformat() if page.published_at else None,
        "published_at_source": page.published_at_source,
        "published_on": traced.published_on.isoformat() if traced.published_on else None,
        "language": page.language,
        "outlet": page.outlet,
        "canonical_url": page.canonical_url,
        "status": page.status,
        "status_reason": page.status_reason,
        "body_source": method,
        "body": page.body.split("\n\n") if page.body else [],
    }


def test_fixture_set_is_complete() -> None:
    assert len(CASES) >= 8
    for name in CASES:
        assert (FIXTURES / f"{name}.expected.json").exists() or REGEN, f"{name}: run with NEWSMON_REGEN=1"


@pytest.mark.parametrize("name", CASES)
def test_golden_article(name: str) -> None:
    got = _as_json(_trace_case(name))
    expected_path = FIXTURES / f"{name}.expected.json"
    if REGEN:
        expected_path.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    assert got == expected


# ---- properties the golden files encode, asserted directly so a careless regeneration cannot hide them


def test_jsonld_metadata_and_body() -> None:
    page, method = _load_case("jsonld_with_body")
    assert page.title == "Small boat arrivals rise in first weeks of year"
    assert page.authors == ("Jane Example",)
    assert page.outlet == "The Example Courier"
    assert page.published_at == datetime(2025, 2, 13, 9, 30, tzinfo=UTC)
    assert page.published_at_source == "jsonld"
    assert page.canonical_url == "https://news.example.co.uk/politics/small-boats-figures-rise"
    assert page.language == "en"
    assert page.status == "full"
    assert page.body.count("\n\n") == 4
    assert "Politics" not in page.body and "All rights reserved" not in page.body


def test_jsonld_author_reference_is_resolved() -> None:
    page, method = _load_case("jsonld_without_body")
    assert method == "scored"
    assert page.authors == ("Priya Sample",)
    assert page.outlet == "Example Times"
    assert page.published_at == datetime(2025, 3, 4, 18, 15, tzinfo=UTC)
    assert "Most read" not in page.body and "Story one" not in page.body


def test_opengraph_only_page() -> None:
    page, _ = _load_case("opengraph_only")
    assert page.title == "Visa fees to rise again in April"
    assert page.outlet == "Example Blog"
    assert page.canonical_url == "https://blog.example.org/2025/visa-fees"
    assert page.published_at == datetime(2025, 1, 20, 6, 0, tzinfo=UTC)  # +01:00 converted to UTC
    assert page.published_at_source == "meta"
    assert page.authors == ("Sam Placeholder",)


def test_date_sources_in_precedence_order() -> None:
    assert _load_case("time_tag_only")[0].published_at_source == "time-tag"
    url_page = _load_case("url_only_date")[0]
    assert url_page.published_at_source == "url"
    assert url_page.published_at == datetime(2025, 2, 12, tzinfo=UTC)


def test_two_authors_are_split() -> None:
    assert _load_case("two_authors")[0].authors == ("Alice Fictional", "Bob Imaginary")


def test_byline_role_dropped_and_outlet_never_an_author() -> None:
    page, _ = _load_case("byline_role")
    assert page.authors == ("Chris Madeup",)
    assert page.published_at == datetime(2025, 2, 12, tzinfo=UTC)  # "12/02/2025": day first


def test_paywall_teaser_is_flagged() -> None:
    page, _ = _load_case("paywall_teaser")
    assert page.status == "paywalled"
    assert page.status_reason is not None and page.status_reason.startswith("paywall marker:")
    assert "Subscribe" not in page.body


def test_furniture_is_removed() -> None:
    page, _ = _load_case("furniture_heavy")
    for furniture in ("cookies", "Share on", "newsletter", "Read more", "Related stories", "Photo:",
                      "McCommenter", "third report this year"):  # fmt: skip
        assert furniture not in page.body, furniture
    assert page.body.count("\n\n") == 4
    assert page.authors == ()  # comment authors are never article authors


def test_blocked_page() -> None:
    page, _ = _load_case("blocked")
    assert page.status == "blocked"
    assert page.body == ""


def test_non_utf8_page_keeps_its_characters() -> None:
    page, _ = _load_case("non_utf8")
    assert page.title == "Café owners fear £1,000 visa charge"
    assert "“impossible”" in page.body


# ---- robustness


@pytest.mark.parametrize(
    "html",
    ["", "   ", "<html></html>", "<p>just text</p>",
     "<?xml version='1.0' encoding='utf-8'?><html><body><p>x</p>",
     "<html><body>" + "<div>" * 3000 + "deep" + "</div>" * 3000 + "</body></html>",
     '<script type="application/ld+json">{broken</script><p>' + "word " * 200 + "</p>"],
)  # fmt: skip
def test_never_raises(html: str) -> None:
    page = extract_article(html, "https://example.com/x", now=NOW)
    assert page.status in {"full", "teaser", "paywalled", "blocked", "empty"}


def test_empty_page_status() -> None:
    page = extract_article("<html><body><nav><a href='/'>Home</a></nav></body></html>", now=NOW)
    assert page.status == "empty"
    assert page.body == ""


def test_teaser_reports_word_count() -> None:
    html = "<html><body><article><p>" + " ".join(["word"] * 38) + "</p></article></body></html>"
    page = extract_article(html, now=NOW)
    assert page.status == "teaser"
    assert page.status_reason == "body has 38 words"


def test_future_and_ancient_dates_are_rejected() -> None:
    head = '<meta property="article:published_time" content="{}">'
    body = "<article>" + "<p>" + "Some words here for the body. " * 30 + "</p></article>"
    for value in ("2031-01-01T00:00:00Z", "1990-05-05T00:00:00Z"):
        page = extract_article(f"<html><head>{head.format(value)}</head><body>{body}</body></html>", now=NOW)
        assert page.published_at is None
        assert page.published_at_source == "none"


def test_parsers_stay_pure() -> None:
    import parsers.article  # noqa: F401

    for module in ("prefect", "httpx", "urllib3", "duckdb", "flows", "warehouse"):
        imported = [name for name in sys.modules if name == module or name.startswith(module + ".")]
        source = Path(parsers.article.__file__).read_text(encoding="utf-8")
        assert f"import {module}" not in source and f"from {module}" not in source, imported


# ---- dates: the page's own calendar day, and the URL's date against a re-stamped declared date


def test_published_on_is_the_pages_local_date() -> None:
    traced = _trace_case("local_date_evening")
    assert traced.page.published_at == datetime(2023, 11, 9, 3, 5, 41, tzinfo=UTC)  # the record stays UTC
    assert traced.published_on == date(2023, 11, 8)  # 22:05 at -05:00, as the page's readers saw it
    assert traced.page.published_at_source == "jsonld"


def test_url_date_wins_over_a_much_later_declared_date() -> None:
    traced = _trace_case("url_date_wins")
    assert traced.page.published_at_source == "url"
    assert traced.page.published_at == datetime(2017, 7, 12, tzinfo=UTC)
    assert traced.published_on == date(2017, 7, 12)


def test_declared_date_kept_when_the_url_agrees_within_a_day() -> None:
    head = '<meta property="article:published_time" content="2023-11-08T22:05:41-05:00">'
    body = "<article>" + "<p>" + "Some words here for the body. " * 30 + "</p></article>"
    html = f"<html><head>{head}</head><body>{body}</body></html>"
    traced = extract_article_traced(html, "https://example.com/2023/11/09/story", now=NOW)
    assert traced.page.published_at_source == "meta"  # the URL's 9 November is the UTC day: no conflict
    assert traced.published_on == date(2023, 11, 8)


# ---- body: split bodies, overlays, words inside sentences, calls to action


def test_body_split_into_same_class_sections_is_joined() -> None:
    page, _ = _load_case("split_sections")
    assert page.body.startswith("When I moved to the valley")
    assert page.body.endswith("eat their fruit.")
    assert page.body.count("\n\n") == 6
    assert "Advertisement" not in page.body and "Share on" not in page.body


def test_popup_overlay_is_not_the_article() -> None:
    page, _ = _load_case("popup_overlay")
    assert page.body.startswith("Participants can expect")
    assert "officer" not in page.body.lower()


def test_calls_to_action_are_trimmed_and_sentences_kept_whole() -> None:
    page, _ = _load_case("calls_to_action")
    assert page.body.startswith("PORT EXAMPLE – Repairs to the harbour wall")  # the dateline span stays
    assert page.body.endswith("end of the summer season.")
    for pitch in ("Submit your letter", "download the Example Gazette apps", "marketing", "copyrighted"):
        assert pitch not in page.body, pitch


def test_news_sentences_that_resemble_calls_to_action_are_kept() -> None:
    lines = [
        "The council said the new rules would take effect in the spring, after a consultation. " * 4,
        "The company also released new apps for iOS and Android last week.",
        "Her photographs were published without permission, the court heard.",
        "He is already a member of the committee and will chair its next meeting.",
        "Copyright lawyers said the ruling could change how archives are licensed.",
    ]
    html = "<html><body><article>" + "".join(f"<p>{line}</p>" for line in lines) + "</article></body></html>"
    page = extract_article(html, now=NOW)
    assert page.body.count("\n\n") == 4
    assert page.status != "paywalled"


def test_paywall_pitch_is_cut_and_flagged() -> None:
    page, _ = _load_case("paywall_prompt_tail")
    assert page.status == "paywalled"
    assert page.status_reason == "paywall marker: already a subscriber"
    assert page.body.endswith("long stays in hospital between the visits.")
    assert "subscri" not in page.body.lower() and "Join now" not in page.body


def test_responsive_visibility_classes_are_not_hidden() -> None:
    short = "<p>" + "A paragraph that a desktop reader sees. " * 6 + "</p>"
    long = "<p>" + "Words of the article that every reader sees, on any screen. " * 20 + "</p>"
    html = f"<html><body><article><div class='hidden-xs'>{short}</div>{long}</article></body></html>"
    page = extract_article(html, now=NOW)
    assert page.body.startswith("A paragraph that a desktop reader sees.")  # hidden on small screens only
    hidden = f"<html><body><article><div class='visually-hidden'>{short}</div>{long}</article></body></html>"
    assert extract_article(hidden, now=NOW).body.startswith("Words of the article")
