"""Smoke runs of the throughput and poll benchmarks: correctness on a tiny corpus, never speed."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from flows.bench_throughput import (PageFactory, page_path, run_poll_bench, run_throughput_bench, split_sentences,
                                    write_corpus)

pytestmark = pytest.mark.usefixtures("prefect_harness")


def test_generated_pages_are_varied_realistic_articles() -> None:
    factory = PageFactory(6)
    pages = [factory.page(i) for i in range(6)]
    assert all(60_000 <= len(p) <= 200_000 for p in pages)
    assert len(set(pages)) == 6
    assert factory.page(3) == PageFactory(6).page(3)  # deterministic: the server and the yardstick see one corpus
    assert b"<article" in pages[0] and b"application/ld+json" in pages[0]
    feed = factory.feed(0).decode()
    assert feed.count("<item>") == 6 and factory.url(5) in feed


def test_pages_carry_their_own_publication_date_spread_over_weeks() -> None:
    factory = PageFactory(20_000)
    late = factory.page(19_999).decode()
    assert factory.published(19_999).isoformat() in late and "2025-02-12T" not in late
    assert (factory.published(19_999) - factory.published(0)).days >= 21  # a big corpus spans weeks, as news does
    assert f"<pubDate>{factory.published(0):%a, %d %b %Y}" in factory.feed(0).decode()


def test_sentences_are_cut_outside_quotations_only() -> None:
    paragraph = ("<p>Ministers met council leaders on Monday morning. \u201cWe will act on this. Soon,\u201d the Home "
                 "Secretary said. The plan was published later that week.</p>")
    assert split_sentences(paragraph) == ["Ministers met council leaders on Monday morning.",
                                          "\u201cWe will act on this. Soon,\u201d the Home Secretary said.",
                                          "The plan was published later that week."]
    assert split_sentences("<p>A <a href='x'>linked</a> paragraph that is long enough to count here.</p>") == []


def test_corpus_is_written_gzipped_before_serving(tmp_path: Path) -> None:
    seconds, written = write_corpus(5, 50, tmp_path, workers=1)
    factory = PageFactory(5)
    assert seconds > 0 and written == sum(page_path(tmp_path, i).stat().st_size for i in range(5))
    assert all(gzip.decompress(page_path(tmp_path, i).read_bytes()) == factory.page(i) for i in range(5))


def test_throughput_bench_ingests_every_generated_page_and_reports_json() -> None:
    result = json.loads(run_throughput_bench(12, workers=1, as_json=True))
    assert {"articles_per_s", "ratio_vs_trafilatura", "peak_rss_mb", "trafilatura_per_s", "lxml_parse_per_s",
            "stage_ms_per_page"} <= set(result)
    assert result["fetched"] == 12 and result["stored"] == 12
    assert result["articles_per_s"] > 0 and result["ratio_vs_trafilatura"] > 0 and result["peak_rss_mb"] > 0


def test_poll_bench_repolls_without_fetching_anything() -> None:
    report = run_poll_bench(3)
    assert re.search(r"3 requests, 3 not modified, 0 pages fetched, 0 new", report), report
