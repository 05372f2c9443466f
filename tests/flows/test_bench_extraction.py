"""Tests for flows.bench_extraction on a tiny synthetic benchmark (never the shared benchmark pages)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "articles"

_FAKE_SCORER = """
import json, sys
mode, gold, pred = sys.argv[1], sys.argv[2], sys.argv[3]
peers = sys.argv[5] if len(sys.argv) > 5 else None
g, p = json.load(open(gold)), json.load(open(pred))
hits = sum(1 for k in g if p.get(k, {}).get("articleBody"))
print(f"{mode} n={len(g)} with_body={hits} peers={'yes' if peers else 'no'}")
print(json.dumps({"keys": sorted(p), "fields": sorted(next(iter(p.values())))}))
"""


def _write_synthetic_benchmarks(root: Path) -> tuple[Path, Path]:
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
    (fields_bench / "html" / "evening.html").write_bytes((FIXTURES / "local_date_evening.html").read_bytes())
    evening_url = "https://www.example-ledger.com/2023/11/08/river-levels-fall/"
    (fields_bench / "evaldata.json").write_text(
        json.dumps(
            {
                "https://example.com/two": {"file": "two.html", "with": [], "without": []},
                evening_url: {"file": "evening.html", "with": [], "without": []},
            }
        ),
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
    assert "fields n=2 with_body=2" in report
    fields = json.loads((tmp_path / "fields.json").read_text(encoding="utf-8"))
    assert fields["https://example.com/two"]["author"] == "Alice Fictional; Bob Imaginary"
    # the page's own calendar date (22:05 at -05:00 on 8 November), not the UTC day
    assert fields["https://www.example-ledger.com/2023/11/08/river-levels-fall/"]["date"] == "2023-11-08"


def test_bench_passes_peers_folder(tmp_path: Path) -> None:
    from flows.bench_extraction import run_extraction_bench

    body_bench, _ = _write_synthetic_benchmarks(tmp_path)
    assert "peers=yes" in run_extraction_bench(body_bench, tmp_path / "p.json", peers=True)


def test_bench_rejects_unknown_folder(tmp_path: Path) -> None:
    from flows.bench_extraction import run_extraction_bench

    with pytest.raises(FileNotFoundError):
        run_extraction_bench(tmp_path)
