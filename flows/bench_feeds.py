"""`newsmon bench feeds`: every feed file of a corpus served from 127.0.0.1 through the real ingest path; counts."""

from __future__ import annotations

import re
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from flows.http import HttpClient
from flows.ingest import FeedOutcome, plan_next_poll, poll_feed
from flows.settings import HttpSettings, ScheduleSettings
from warehouse.db import connect, ensure_schema, transaction
from warehouse.load import derive_feed_id
from warehouse.state import FeedState, finish_run, record_feed_polls, record_rejects, start_run, sync_feeds

FEED_SUFFIXES = {".xml": "application/xml", ".rss": "application/rss+xml", ".atom": "application/atom+xml",
                 ".rdf": "application/rdf+xml", ".json": "application/feed+json"}
_HEADER_LINE = re.compile(rb"^Header:\s*([A-Za-z0-9-]+):\s*(.*?)\s*$", re.MULTILINE)
_REASON_SHAPE = re.compile(r"^\S+: ")  # the URL every reason starts with
CLASSES = ("kept", "flagged", "refused", "crashed")


@dataclass(frozen=True, slots=True)
class FeedVerdict:
    """What the ingest path made of one file."""

    path: str  # relative to the corpus directory
    verdict: str  # kept, flagged (bozo but usable: entries kept), refused (unusable, with a reason), crashed
    entries: int
    reason: str | None


def list_feed_files(root: Path) -> list[Path]:
    """Feed files under root: .xml/.rss/.atom/.rdf/.json, leaving out peer parsers' expected outputs."""
    files = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.suffix.lower() not in FEED_SUFFIXES:
            continue
        if path.name.endswith(".serde.json") or "expected-output" in path.parts:
            continue
        files.append(path)
    return files


def corpus_headers(data: bytes) -> dict[str, str]:
    """Simulated response headers a test feed declares in its leading comment ("Header: Content-Type: ...")."""
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in _HEADER_LINE.findall(data[:4096])}


class CorpusServer:
    """Serves a directory read-only on 127.0.0.1, with each file's declared headers (or one by its suffix)."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._make_handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="corpus-server", daemon=True)

    def url_for(self, path: Path) -> str:
        """The URL a file is served at."""
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/" + quote(path.relative_to(self.root).as_posix())

    def __enter__(self) -> CorpusServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _make_handler(self) -> type[BaseHTTPRequestHandler]:
        root = self.root

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet server
                return

            def do_GET(self) -> None:  # noqa: N802 - http.server API
                target = (root / unquote(urlsplit(self.path).path).lstrip("/")).resolve()
                if root not in target.parents or not target.is_file():
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = target.read_bytes()
                headers = {"content-type": FEED_SUFFIXES.get(target.suffix.lower(), "application/xml")}
                headers.update(corpus_headers(body))
                self.send_response(200)
                for key, value in headers.items():
                    if key not in ("content-length", "transfer-encoding", "connection", "content-encoding"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler


def judge_outcome(path: str, outcome: FeedOutcome) -> FeedVerdict:
    """Classify one poll: a parser exception is a crash even though poll_feed caught it."""
    if outcome.reject is not None:
        verdict = "crashed" if "parser failed" in outcome.reject.reason else "refused"
        return FeedVerdict(path, verdict, 0, _REASON_SHAPE.sub("", outcome.reject.reason, count=1))
    if outcome.bozo_reason:
        return FeedVerdict(path, "flagged", len(outcome.entries), outcome.bozo_reason)
    return FeedVerdict(path, "kept", len(outcome.entries), None)


def run_feeds_bench(data: Path, db: Path | None = None, workers: int = 8) -> tuple[list[FeedVerdict], float]:
    """Serve every feed file under data from 127.0.0.1, poll each through poll_feed, record it in a warehouse."""
    data = data.resolve()  # the server maps files to URLs relative to this root
    files = list_feed_files(data)
    settings = HttpSettings(allow_hosts=("127.0.0.1",), timeout=10.0, total_timeout=30.0, per_host_interval=0.0,
                            per_host_concurrency=workers, concurrency=workers)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="newsmon-bench-feeds-") as tmp, CorpusServer(data) as server, \
            HttpClient(settings) as client:
        warehouse = db or Path(tmp) / "bench.duckdb"
        ensure_schema(warehouse)
        urls = {path: server.url_for(path) for path in files}
        states = [FeedState(feed_id=derive_feed_id(url), url=url, name=path.name, outlet=None, etag=None,
                            last_modified=None, content_hash=None) for path, url in urls.items()]
        run_id = str(uuid.uuid4())
        with connect(warehouse) as con, transaction(con):
            sync_feeds(con, [(s.url, s.name, None, "bench") for s in states])
            start_run(con, run_id, "bench-feeds", datetime.now(UTC))

        def poll_one(state: FeedState) -> tuple[FeedState, FeedOutcome | None, str | None]:
            try:
                return state, poll_feed(client, state), None
            except Exception as exc:  # counted as a crash: poll_feed must never raise
                return state, None, f"{type(exc).__name__}: {exc}"

        with ThreadPoolExecutor(max_workers=workers) as pool:
            polled = list(pool.map(poll_one, states))
        verdicts = []
        schedule = ScheduleSettings()
        with connect(warehouse) as con, transaction(con):
            for (state, outcome, crash), path in zip(polled, files, strict=True):
                rel = path.relative_to(data).as_posix()
                if outcome is None:
                    verdicts.append(FeedVerdict(rel, "crashed", 0, crash))
                    continue
                verdicts.append(judge_outcome(rel, outcome))
                record_feed_polls(con, run_id, [plan_next_poll(state, outcome.poll, schedule)])
                record_rejects(con, run_id, [outcome.reject] if outcome.reject else [])
            counts = Counter(v.verdict for v in verdicts)
            finish_run(con, run_id, datetime.now(UTC), "completed",
                       {"feeds_polled": len(verdicts), "feeds_failed": counts["refused"] + counts["crashed"]},
                       format_counts(verdicts))
    return verdicts, time.perf_counter() - started


def format_counts(verdicts: list[FeedVerdict]) -> str:
    """kept / flagged / refused / crashed in one line."""
    counts = Counter(v.verdict for v in verdicts)
    return f"{len(verdicts)} feeds: " + " / ".join(f"{counts[c]} {c}" for c in CLASSES)


def summarise_reason(reason: str | None) -> str:
    """A reason without its specifics (line numbers, names), for grouping."""
    text = (reason or "").split(" (", 1)[0]
    return re.sub(r"\d+", "N", text)[:90]


def render_feeds_report(data: Path, verdicts: list[FeedVerdict], seconds: float) -> str:
    """The bench's printout: counts overall, per top-level corpus directory, and the commonest reasons."""
    lines = [f"feeds bench: {data}", format_counts(verdicts) + f"  ({seconds:.1f} s)",
             f"entries kept: {sum(v.entries for v in verdicts)}"]
    by_dir: dict[str, Counter[str]] = {}
    for v in verdicts:
        by_dir.setdefault(v.path.split("/", 1)[0], Counter())[v.verdict] += 1
    lines.append("")
    for directory, counts in sorted(by_dir.items()):
        lines.append(f"  {directory:<22} " + " / ".join(f"{counts[c]} {c}" for c in CLASSES))
    for verdict in ("refused", "crashed", "flagged"):
        reasons = Counter(summarise_reason(v.reason) for v in verdicts if v.verdict == verdict)
        if reasons:
            lines.append("")
            lines.append(f"{verdict}, commonest reasons:")
            lines.extend(f"  {n:>5}  {reason}" for reason, n in reasons.most_common(8))
    crashed = [v for v in verdicts if v.verdict == "crashed"]
    if crashed:
        lines.append("")
        lines.append("crashed files:")
        lines.extend(f"  {v.path}: {v.reason}" for v in crashed[:20])
    return "\n".join(lines)
