"""Benchmark body and metadata extraction on a shared evaluation corpus, scored by the shared scorer."""

from __future__ import annotations

import gzip
import importlib
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from parsers.article import extract_article_traced
from parsers.encoding import decode_document


@dataclass(frozen=True, slots=True)
class _Page:
    key: str
    path: Path
    url: str | None


def _detect_benchmark(data: Path) -> tuple[str, Path, list[_Page]]:
    """Return (scorer mode, gold file, pages) for an article-extraction or article-metadata folder."""
    html_dir = data / "html"
    if (data / "ground-truth.json").is_file():
        gold_path = data / "ground-truth.json"
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        pages = [
            _Page(key, _find_page(html_dir, f"{key}.html"), item.get("url")) for key, item in gold.items()
        ]
        return "body", gold_path, pages
    if (data / "evaldata.json").is_file():
        gold_path = data / "evaldata.json"
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        pages = [_Page(key, _find_page(html_dir, item["file"]), key) for key, item in gold.items()]
        return "fields", gold_path, pages
    raise FileNotFoundError(f"{data}: neither ground-truth.json (article-extraction) nor evaldata.json")


def _find_page(html_dir: Path, name: str) -> Path:
    plain = html_dir / name
    return plain if plain.is_file() else html_dir / f"{name}.gz"


def _read_page(path: Path) -> bytes:
    raw = path.read_bytes()
    return gzip.decompress(raw) if path.suffix == ".gz" else raw


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def _time_pages(
    pages: list[_Page], raw: dict[str, bytes], work: Callable[[_Page, bytes], object]
) -> list[float]:
    timings = []
    for page in pages:
        start = time.perf_counter()
        work(page, raw[page.key])
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def run_extraction_bench(data: Path, out: Path | None = None, peers: bool = True) -> str:
    """Extract every page of a benchmark folder, score the predictions, and return the report text.

    `data` is an article-extraction folder (ground-truth.json + html/*.html.gz, scored in `body` mode
    against data/peers) or an article-metadata folder (evaldata.json + html/, scored in `fields` mode).
    The scorer is ../../tools/score_extraction.py relative to `data`. Predictions go to `out` (a temporary
    file when None). With `peers`, trafilatura.extract is also timed on the same pages for comparison.
    """
    data = Path(data)
    mode, gold_path, pages = _detect_benchmark(data)
    importlib.import_module("trafilatura")  # the fallback's one-off import cost is not a per-page cost
    raw = {page.key: _read_page(page.path) for page in pages}

    predictions: dict[str, dict[str, str]] = {}
    methods: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    failures: list[str] = []
    consulted_keys: set[str] = set()

    def extract(page: _Page, body: bytes) -> None:
        try:
            extracted, method, published_on = extract_article_traced(decode_document(body), page.url)
        except Exception as exc:  # noqa: BLE001 - a crash is a finding to report, not a reason to stop
            failures.append(f"{page.key}: {type(exc).__name__}: {exc}")
            predictions[page.key] = {"articleBody": "", "title": "", "author": "", "date": ""}
            return
        methods[method] += 1
        if method in {"trafilatura", "checked"}:
            consulted_keys.add(page.key)
        statuses[extracted.status] += 1
        predictions[page.key] = {
            "articleBody": extracted.body,
            "title": extracted.title or "",
            "author": "; ".join(extracted.authors),
            # the publication date as the page states it: the gold's convention, and a reader's
            "date": published_on.isoformat() if published_on else "",
        }

    timings = _time_pages(pages, raw, extract)

    if out is None:
        out = Path(tempfile.mkdtemp(prefix="newsmon-bench-")) / f"predictions-{mode}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(predictions, ensure_ascii=False, indent=1), encoding="utf-8")

    scorer = data.parent.parent / "tools" / "score_extraction.py"
    if not scorer.is_file():
        raise FileNotFoundError(f"{scorer}: scorer not found (expected at data/../../tools/)")
    command = [sys.executable, str(scorer), mode, str(gold_path), str(out)]
    if peers and mode == "body" and (data / "peers").is_dir():
        command += ["--peers", str(data / "peers")]
    scored = subprocess.run(command, capture_output=True, text=True, check=False)
    if scored.returncode != 0:
        raise RuntimeError(f"{scorer} failed: {scored.stderr.strip()[-500:]}")

    lines = [scored.stdout.rstrip(), ""]
    lines.append(
        f"newsmon decode+extract: median {statistics.median(timings):.2f} ms, "
        f"p95 {_percentile(timings, 0.95):.2f} ms, max {max(timings):.2f} ms per page (n={len(pages)})"
    )
    consulted = methods.get("trafilatura", 0) + methods.get("checked", 0)
    share = 100 * consulted / max(len(pages), 1)
    fallback_ms = [ms for ms, page in zip(timings, pages, strict=True) if page.key in consulted_keys]
    lines.append(
        "body source: "
        + ", ".join(f"{name} {count}" for name, count in methods.most_common())
        + f"; trafilatura consulted on {consulted}/{len(pages)} pages ({share:.1f}%)"
        + (f", median {statistics.median(fallback_ms):.1f} ms on those pages" if fallback_ms else "")
    )
    own_ms = [ms for ms, page in zip(timings, pages, strict=True) if page.key not in consulted_keys]
    if own_ms:
        lines.append(f"pages not needing trafilatura: median {statistics.median(own_ms):.2f} ms")
    lines.append("status: " + ", ".join(f"{name} {count}" for name, count in statuses.most_common()))
    if peers:
        lines.append(_time_trafilatura(pages, raw))
    if failures:
        lines.append(f"CRASHES ({len(failures)}):")
        lines.extend(f"  {failure}" for failure in failures)
    lines.append(f"predictions: {out}")
    return "\n".join(lines)


def _time_trafilatura(pages: list[_Page], raw: dict[str, bytes]) -> str:
    try:
        import trafilatura
    except ImportError:  # pragma: no cover - declared dependency
        return "trafilatura not installed: no timing comparison"

    def work(page: _Page, body: bytes) -> None:
        trafilatura.extract(decode_document(body), url=page.url)

    timings = _time_pages(pages, raw, work)
    return (
        f"trafilatura.extract (same pages, same decoding): median {statistics.median(timings):.2f} ms, "
        f"p95 {_percentile(timings, 0.95):.2f} ms per page"
    )


if __name__ == "__main__":  # pragma: no cover - manual runs before the CLI wires it
    print(run_extraction_bench(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else None))
