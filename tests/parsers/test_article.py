"""Golden and unit tests for parsers.article; NEWSMON_REGEN=1 rewrites the expected files for review."""

from __future__ import annotations

import json
import os
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from parsers.article import extract_article, extract_article_traced
from parsers.encoding import decode_document
from parsers.records import ExtractedPage

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "articles"
NOW = datetime(2025, 6, 1, tzinfo=UTC)
REGEN = os.environ.get("NEWSMON_REGEN") == "1"
_URL_LINE = re.compile(rb"<!-- URL: (\S+) -->")
CASES = sorted(path.stem for path in FIXTURES.glob("*.html"))


def _load_case(name: str) -> tuple[ExtractedPage, str]:
    raw = (FIXTURES / f"{name}.html").read_bytes()
    match = _URL_LINE.search(raw)
    assert match, f"{name}.html must declare its URL in a '<!-- URL: ... -->' line"
    page, method = extract_article_traced(decode_document(raw), match.group(1).decode(), now=NOW)
    return page, method


def _as_json(page: ExtractedPage, method: str) -> dict:
    return {
        "title": page.title,
        "authors": list(page.authors),
        "published_at": page.published_at.isoformat() if page.published_at else None,
        "published_at_source": page.published_at_source,
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
    page, method = _load_case(name)
    got = _as_json(page, method)
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

    for module in ("prefect", "httpx", "duckdb", "flows", "warehouse"):
        imported = [name for name in sys.modules if name == module or name.startswith(module + ".")]
        source = Path(parsers.article.__file__).read_text(encoding="utf-8")
        assert f"import {module}" not in source and f"from {module}" not in source, imported


# ---- the extraction benchmark runner, on a tiny synthetic benchmark (never the shared pages)

_FAKE_SCORER = '''
import json, sys
mode, gold, pred = sys.argv[1], sys.argv[2], sys.argv[3]
peers = sys.argv[5] if len(sys.argv) > 5 else None
g, p = json.load(open(gold)), json.load(open(pred))
hits = sum(1 for k in g if p.get(k, {}).get("articleBody"))
print(f"{mode} n={len(g)} with_body={hits} peers={'yes' if peers else 'no'}")
print(json.dumps({"keys": sorted(p), "fields": sorted(next(iter(p.values())))}))
'''


def _write_synthetic_benchmarks(root: Path) -> tuple[Path, Path]:
    import gzip

    (root / "tools").mkdir(parents=True)
    (root / "tools" / "score_extraction.py").write_text(_FAKE_SCORER, encoding="utf-8")
    page = (FIXTURES / "jsonld_with_body.html").read_bytes()
    body_bench = root / "benchmarks" / "article-extraction"
    (body_bench / "html").mkdir(parents=True)
    (body_bench / "peers").mkdir()
    (body_bench / "html" / "abc.html.gz").write_bytes(gzip.compress(page))
    (body_bench / "ground-truth.json").write_text(
        json.dumps({"abc": {"articleBody": "x", "url": "https://news.example.co.uk/a"}}), encoding="utf-8"
    )
    fields_bench = root / "benchmarks" / "article-metadata"
    (fields_bench / "html").mkdir(parents=True)
    (fields_bench / "html" / "two.html").write_bytes((FIXTURES / "two_authors.html").read_bytes())
    (fields_bench / "evaldata.json").write_text(
        json.dumps({"https://example.com/two": {"file": "two.html", "with": [], "without": []}}),
        encoding="utf-8",
    )
    return body_bench, fields_bench


def test_bench_runs_on_synthetic_benchmarks(tmp_path: Path) -> None:
    from flows.bench_extraction import run_extraction_bench

    body_bench, fields_bench = _write_synthetic_benchmarks(tmp_path)
    out = tmp_path / "pred.json"
    report = run_extraction_bench(body_bench, out, peers=False)
    assert "body n=1 with_body=1 peers=no" in report
    assert "median" in report and "p95" in report
    predictions = json.loads(out.read_text(encoding="utf-8"))
    assert set(predictions["abc"]) == {"articleBody", "title", "author", "date"}
    assert predictions["abc"]["author"] == "Jane Example"
    assert predictions["abc"]["date"] == "2025-02-13"

    report = run_extraction_bench(fields_bench, tmp_path / "fields.json", peers=False)
    assert "fields n=1 with_body=1" in report
    fields = json.loads((tmp_path / "fields.json").read_text(encoding="utf-8"))
    assert fields["https://example.com/two"]["author"] == "Alice Fictional; Bob Imaginary"


def test_bench_passes_peers_folder(tmp_path: Path) -> None:
    from flows.bench_extraction import run_extraction_bench

    body_bench, _ = _write_synthetic_benchmarks(tmp_path)
    assert "peers=yes" in run_extraction_bench(body_bench, tmp_path / "p.json", peers=True)


def test_bench_rejects_unknown_folder(tmp_path: Path) -> None:
    from flows.bench_extraction import run_extraction_bench

    with pytest.raises(FileNotFoundError):
        run_extraction_bench(tmp_path)
