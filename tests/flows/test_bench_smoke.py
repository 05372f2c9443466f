"""Smoke runs of the warehouse and dedup benchmarks on tiny synthetic data: they run and report, no speed asserted."""

from __future__ import annotations

import re

from flows.bench_dedup import run_dedup_bench
from flows.bench_warehouse import run_warehouse_bench


def test_warehouse_bench_times_every_documented_query() -> None:
    report = run_warehouse_bench(300, repeat=1)
    rows = re.findall(r"^\s*\|?\s*Q\d+", report, re.M)
    assert len(rows) >= 12, report


def test_dedup_bench_reports_latency_and_memory() -> None:
    report = run_dedup_bench(300, queries=20, workers=1)
    assert re.search(r"median", report) and re.search(r"RSS|MB", report), report
