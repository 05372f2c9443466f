"""`newsmon bench throughput` and `bench poll`: the real ingest path on generated pages, against trafilatura alone."""

from __future__ import annotations

import gzip
import json
import multiprocessing
import os
import random
import re
import resource
import tempfile
import time
import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from email.utils import format_datetime
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from flows.replay import DEMO_DIR, load_manifest

BENCH_HOST_COUNT = 40  # outlets (virtual hosts) the generated corpus is spread over
ITEMS_PER_FEED = 50
POLL_ITEMS_PER_FEED = 2  # the poll bench measures feeds, not pages: a short first pass
_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.S)
_TAG = re.compile(r"<[^>]+>")
_CLOSES_BLOCK = re.compile(r"</(?:div|header|section|figure|aside)>")
_NUMBER = re.compile(r"\b\d[\d,]*\b")
_OPEN_P = re.compile(r"^<p\b[^>]*>")
_SENTENCE_END = re.compile(r"(?<=[.!?\u201d])\s+(?=[A-Z\u201c])")  # a split is kept only outside quotation marks
_ISO_STAMP = re.compile(r"\b2025-02-\d\dT\d\d:\d\d(?::\d\d)?(?:\+00:00|Z)?")
_DAY_MONTH = re.compile(r"\b\d{1,2} (February|Feb) 2025\b")
_WORD = re.compile(r"(?<![<&/=\w])\b[a-z]{4,}\b(?![^<]*>)")  # lower-case words outside tags and entities
_NAME = re.compile(r"\b[A-Z][a-z]+ [A-Z][a-z]{2,}\b")
_FIRST = ("Amira", "Ben", "Carys", "Dev", "Elin", "Femi", "Grace", "Hamid", "Isla", "Jonah", "Kaveh", "Lena",
          "Marek", "Nadia", "Owen", "Priya", "Quinn", "Rosa", "Sami", "Tariq", "Una", "Vikram", "Wren", "Yusuf",
          "Abdul", "Bethan", "Ciaran", "Darren", "Eilidh", "Farah", "Gareth", "Hannah", "Imran", "Joanne", "Kieran",
          "Leila", "Mohammed", "Niamh", "Olu", "Paul", "Rachel", "Sanjay", "Teresa", "Uzma", "Victoria", "Wayne",
          "Zainab", "Aled", "Bukola", "Colin", "Deborah", "Ewan", "Fiona", "Gurpreet", "Helen", "Ibrahim", "Jasmine",
          "Karen", "Liam", "Mairead", "Nikhil", "Oksana", "Patrick", "Ruth", "Stuart", "Tomasz", "Yvonne", "Zoe")
_LAST = ("Adeyemi", "Brooks", "Castell", "Dunmore", "Everley", "Fairholt", "Garside", "Holloway", "Ingram",
         "Jessop", "Kerridge", "Lomax", "Maddox", "Norcott", "Okafor", "Pemberton", "Quarry", "Radcliffe",
         "Sedley", "Thorne", "Upcott", "Varley", "Whitlow", "Yardley", "Ahmed", "Bhatti", "Campbell", "Davies",
         "Evans", "Fletcher", "Gallagher", "Hussain", "Iqbal", "Jenkins", "Kowalski", "Lloyd", "McAllister",
         "Nowak", "Osei", "Patel", "Quinlan", "Rahman", "Sutherland", "Thompson", "Ullah", "Vaughan", "Walsh",
         "Young", "Ashworth", "Bellamy", "Chowdhury", "Doherty", "Eze", "Fraser", "Grant", "Harrington", "Jamal",
         "Kaur", "Mensah", "Nicholson", "O'Brien", "Parry", "Rees", "Sandhu", "Tennant", "Whitaker")
# words that immigration reports use, added to the corpus' own for the one-word-in-four substitution
_EXTRA_WORDS = ("appeal", "appeals", "applicants", "arrivals", "asylum", "backlog", "barracks", "border", "borders",
                "caseworkers", "casework", "charity", "citizenship", "claimants", "coastguard", "councils",
                "crossings", "decisions", "dependants", "deportation", "detention", "dinghies", "employers",
                "enforcement", "families", "funding", "graduates", "hearings", "hostels", "housing", "inspectors",
                "interviews", "judges", "landlords", "lawyers", "licences", "ministers", "minors", "nurses",
                "officials", "overstayers", "passports", "permits", "placements", "processing", "quotas",
                "refugees", "removals", "residency", "returns", "sanctions", "settlement", "shortfall", "smugglers",
                "sponsors", "sponsorship", "students", "tribunal", "trafficking", "visas", "vessels", "volunteers",
                "wages", "workers", "accommodation", "allowance", "campaigners", "caseload", "checks", "committee",
                "consultation", "contractors", "convictions", "countries", "figures", "guidance", "inquiry",
                "legislation", "migrants", "offences", "partnership", "patrols", "pilots", "prisons", "proposals",
                "rulings", "scheme", "seekers", "statistics", "surveys", "treaty", "unions", "welfare")
PAGE_MINUTES = 2  # page i is published 2*i minutes after the first: 720 a day, 100,000 pages span 20 weeks


@dataclass(frozen=True, slots=True)
class Template:
    """A demo page cut around its article paragraphs: head + paragraphs + tail."""

    head: str
    tail: str
    paragraphs: tuple[str, ...]


def load_templates() -> list[Template]:
    """The demo corpus' article pages, each split at its first and last paragraph."""
    resources, _ = load_manifest(DEMO_DIR)
    templates = []
    for r in resources:
        if r.phase != 1 or not r.content_type.startswith("text/html"):
            continue
        html = r.body.decode("utf-8", "replace") if "utf-8" in r.content_type else r.body.decode("latin-1")
        start, end = html.find("<article"), html.rfind("</article>")
        if start < 0 or end < 0:
            continue
        matches = [m for m in _PARAGRAPH.finditer(html, start, end)]  # the article's own paragraphs only
        while len(matches) > 1 and _CLOSES_BLOCK.search(html, matches[0].end(), matches[1].start()):
            matches.pop(0)  # a standfirst in a box of its own stays in the head: the body goes after it
        if len(matches) < 4:
            continue
        templates.append(Template(head=html[:matches[0].start()], tail=html[matches[-1].end():],
                                  paragraphs=tuple(m.group(0) for m in matches)))
    return templates


def mark_dates(html: str) -> str:
    """A template's publication dates replaced by markers that fill_dates() sets to a page's own date."""
    html = _ISO_STAMP.sub("\x00iso\x00", html)
    return _DAY_MONTH.sub(lambda m: "\x00long\x00" if m.group(1) == "February" else "\x00short\x00", html)


def fill_dates(html: str, when: datetime) -> str:
    """Put a page's publication date where mark_dates() left markers."""
    return (html.replace("\x00iso\x00", when.isoformat()).replace("\x00long\x00", f"{when.day} {when:%B %Y}")
            .replace("\x00short\x00", f"{when.day} {when:%b %Y}"))


def split_sentences(paragraph: str) -> list[str]:
    """The sentences of a <p> paragraph without inner tags, cut only where no quotation is open; [] otherwise."""
    inner = _OPEN_P.sub("", paragraph).removesuffix("</p>")
    if "<" in inner:
        return []
    sentences, start = [], 0
    for match in _SENTENCE_END.finditer(inner):
        before = inner[start:match.start()]
        if before.count("\u201c") == before.count("\u201d") and before.count('"') % 2 == 0:
            sentences.append(before)
            start = match.end()
    sentences.append(inner[start:])
    return [s for s in sentences if len(s) > 30]


class PageFactory:
    """Deterministic page i: a demo template with its paragraphs remixed, numbers varied, padded to 60-150 KB."""

    def __init__(self, n: int, seed: int = 7, items_per_feed: int = ITEMS_PER_FEED) -> None:
        self.n = n
        self.seed = seed
        self.items_per_feed = items_per_feed
        self.templates = load_templates()
        self.pool = [p for t in self.templates for p in t.paragraphs if len(_TAG.sub("", p)) > 60]
        self.frames = [(mark_dates(t.head), mark_dates(t.tail)) for t in self.templates]  # str.replace per page
        self.sentences = [s for p in self.pool for s in split_sentences(p)]  # for paragraphs remixed from sentences
        self.vocabulary = sorted({w for p in self.pool for w in _WORD.findall(_TAG.sub(" ", p))} | set(_EXTRA_WORDS))

    def published(self, i: int) -> datetime:
        """When page i was published: one every PAGE_MINUTES, so a big corpus spans weeks like real news."""
        return datetime(2025, 2, 1, 6, tzinfo=UTC) + timedelta(minutes=PAGE_MINUTES * i)

    def host(self, k: int) -> str:
        """The virtual host of feed k: an outlet's feed lists the outlet's own pages."""
        return f"outlet{k % BENCH_HOST_COUNT:02d}.bench.example"

    def url(self, i: int) -> str:
        """The URL of page i, on the host of the feed that lists it."""
        return f"http://{self.host(i // self.items_per_feed)}/news/2025/02/story-{i}.html"

    def page(self, i: int) -> bytes:
        """The HTML of page i."""
        rng = random.Random(self.seed * 1_000_003 + i)
        count = rng.randint(8, 20)
        names: dict[str, str] = {}  # each page has its own cast: shared names would make every page one story
        when = self.published(i)

        def recast(match: re.Match[str]) -> str:
            return names.setdefault(match.group(0), f"{rng.choice(_FIRST)} {rng.choice(_LAST)}")

        def reword(match: re.Match[str]) -> str:  # one word in four replaced: pages share themes, not sentences
            return rng.choice(self.vocabulary) if rng.random() < 0.25 else match.group(0)

        def renumber(match: re.Match[str]) -> str:  # counts from a handful to hundreds of thousands
            return f"{round(10 ** rng.uniform(0.3, 5.7)):,}"

        picked = []
        for whole in rng.sample(self.pool, min(count, len(self.pool))):  # half as written, half re-made from 1-3
            if rng.random() < 0.5:                                        # sentences of any article
                picked.append(whole)
            else:
                picked.append("<p>" + " ".join(rng.choice(self.sentences) for _ in range(rng.randint(1, 3))) + "</p>")
        paragraphs = [_WORD.sub(reword, _NAME.sub(recast, _NUMBER.sub(renumber, p))) for p in picked]
        head, tail = (fill_dates(frame, when) for frame in self.frames[i % len(self.templates)])
        head = head.replace("</title>", f" ({i})</title>", 1)
        body = f"<p>Story {i} from the bench corpus, filed {when.day} {when:%B}.</p>" + "".join(paragraphs)
        html = head + body + tail
        target = rng.randint(60_000, 150_000)
        if len(html) < target:  # pages carry big inline scripts and menus: pad with a realistic JSON state blob
            blob = json.dumps({"related": [{"id": k, "headline": f"Related story {k} " + "x" * 40}
                                           for k in range((target - len(html)) // 80)]})
            html = html.replace("</body>", f'<script type="application/json" id="state">{blob}</script></body>', 1)
        return html.encode("utf-8")

    def feed(self, k: int) -> bytes:
        """RSS feed k, listing pages k*items_per_feed onwards."""
        items = []
        for i in range(k * self.items_per_feed, min(self.n, (k + 1) * self.items_per_feed)):
            stamp = format_datetime(self.published(i), usegmt=True)
            items.append(f"<item><title>Story {i}</title><link>{self.url(i)}</link><guid>{self.url(i)}</guid>"
                         f"<pubDate>{stamp}</pubDate></item>")
        return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Bench feed '
                f'{k}</title>{"".join(items)}</channel></rss>').encode()

    @property
    def feed_count(self) -> int:
        """How many feeds list the n pages."""
        return (self.n + self.items_per_feed - 1) // self.items_per_feed


def page_path(directory: Path, i: int) -> Path:
    """Where write_corpus() stores page i, gzipped (a thousand files a folder)."""
    return directory / f"{i // 1000:04d}" / f"story-{i}.html.gz"


def _write_pages(n: int, items_per_feed: int, directory: str, indices: range) -> int:
    """Worker: generate and gzip these pages into directory; returns the bytes written."""
    factory = PageFactory(n, items_per_feed=items_per_feed)
    written = 0
    for i in indices:
        path = page_path(Path(directory), i)
        path.parent.mkdir(exist_ok=True)
        data = gzip.compress(factory.page(i), compresslevel=6, mtime=0)  # a web server's usual level
        path.write_bytes(data)
        written += len(data)
    return written


def write_corpus(n: int, items_per_feed: int, directory: Path, workers: int | None = None) -> tuple[float, int]:
    """Generate the n pages gzipped into directory before any timing starts; returns (seconds, bytes)."""
    workers = max(1, min(workers or os.cpu_count() or 2, n // 200 or 1))
    started = time.perf_counter()
    chunks = [range(lo, min(lo + 1000, n)) for lo in range(0, n, 1000)]
    if workers == 1:
        written = sum(_write_pages(n, items_per_feed, str(directory), c) for c in chunks)
    else:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            written = sum(pool.map(_write_pages, [n] * len(chunks), [items_per_feed] * len(chunks),
                                   [str(directory)] * len(chunks), chunks))
    return time.perf_counter() - started, written


def _serve(n: int, items_per_feed: int, pages: str, port_box: Any, ready: Any) -> None:
    """Subprocess: an HTTP server for the generated corpus (ETags, 304s, gzip), so it does not share our GIL.

    Pages are read from the files write_corpus() made (the server neither generates nor compresses: its CPU would
    compete with the ingest for the cores) and are not kept in memory; feeds are small and made on request.
    """
    factory = PageFactory(n, items_per_feed=items_per_feed)
    directory = Path(pages)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body are two writes: Nagle + delayed ACK = 40 ms per response

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return

        def do_GET(self) -> None:  # noqa: N802
            path = self.path.split("?", 1)[0]
            feed = re.fullmatch(r"/feeds/(\d+)\.xml", path)
            story = re.fullmatch(r"/news/2025/02/story-(\d+)\.html", path)
            gzipped = False
            if feed:
                body, ctype = factory.feed(int(feed.group(1))), "application/rss+xml; charset=utf-8"
                etag = f'"{hash(body) & 0xFFFFFFFF:x}"'
            elif story and int(story.group(1)) < n:
                body, ctype = page_path(directory, int(story.group(1))).read_bytes(), "text/html; charset=utf-8"
                gzipped = True
                etag = f'"{zlib.crc32(body):x}"'
            else:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            accepts_gzip = "gzip" in (self.headers.get("Accept-Encoding") or "")
            if gzipped and not accepts_gzip:
                body, gzipped = gzip.decompress(body), False
            elif accepts_gzip and not gzipped:
                body, gzipped = gzip.compress(body, compresslevel=1, mtime=0), True
            encoding = "gzip" if gzipped else None
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("ETag", etag)
            if encoding:
                self.send_header("Content-Encoding", encoding)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    class Server(ThreadingHTTPServer):
        request_queue_size = 256  # listen backlog: the default 5 drops SYNs of a burst of connections (1 s retries)

    httpd = Server(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    port_box.value = httpd.server_address[1]
    ready.set()
    httpd.serve_forever()


class BenchServer:
    """The generated corpus, written to a temporary folder first, served by a separate process on 127.0.0.1."""

    def __init__(self, n: int, items_per_feed: int = ITEMS_PER_FEED) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.n = n
        self.items_per_feed = items_per_feed
        self._port = ctx.Value("i", 0)
        self._ready = ctx.Event()
        self._pages = tempfile.TemporaryDirectory(prefix="newsmon-bench-pages-")
        self._process = ctx.Process(target=_serve, args=(n, items_per_feed, self._pages.name, self._port,
                                                         self._ready), daemon=True)
        self.factory = PageFactory(n, items_per_feed=items_per_feed)
        self.generation_seconds = 0.0
        self.corpus_bytes = 0

    def __enter__(self) -> BenchServer:
        try:
            self.generation_seconds, self.corpus_bytes = write_corpus(self.n, self.items_per_feed,
                                                                      Path(self._pages.name))
            self._process.start()
            if not self._ready.wait(60):
                raise RuntimeError("bench server did not start")
        except BaseException:
            self._pages.cleanup()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self._process.terminate()
        self._process.join(10)
        self._pages.cleanup()

    @property
    def port(self) -> int:
        """The server's port."""
        return int(self._port.value)

    def resolve_map(self) -> tuple[tuple[str, str], ...]:
        """Host overrides for every bench outlet."""
        return tuple((f"outlet{k:02d}.bench.example", f"127.0.0.1:{self.port}") for k in range(BENCH_HOST_COUNT))


def _time_trafilatura(indices: list[int], n: int) -> tuple[float, float]:
    """Worker: seconds spent in trafilatura.extract and in lxml parsing alone for these pages."""
    import lxml.html
    import trafilatura

    factory = PageFactory(n)
    extract_s = parse_s = 0.0
    for i in indices:
        html = factory.page(i).decode("utf-8")
        t0 = time.perf_counter()
        trafilatura.extract(html)
        t1 = time.perf_counter()
        lxml.html.fromstring(html)
        parse_s += time.perf_counter() - t1
        extract_s += t1 - t0
    return extract_s, parse_s


def measure_yardsticks(n: int, workers: int) -> dict[str, float]:
    """trafilatura.extract alone and lxml parsing alone, on the same pages with the same number of processes."""
    chunks = [list(range(k, n, workers)) for k in range(workers)]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        results = list(pool.map(_time_trafilatura, chunks, [n] * workers))
    extract = max(r[0] for r in results)  # the slowest worker bounds the wall time
    parse = max(r[1] for r in results)
    return {"trafilatura_per_s": n / extract, "lxml_parse_per_s": n / parse}


def profile_stages(factory: PageFactory, sample: int = 200) -> dict[str, float]:
    """Per-stage share of CPU time on a sample of pages, in one process."""
    from parsers.article import extract_article
    from parsers.dedup import compute_signature
    from parsers.encoding import decode_document
    from parsers.page import analyse_text

    totals = {"decode": 0.0, "extract": 0.0, "analyse": 0.0, "dedup_signature": 0.0}
    for i in range(min(sample, factory.n)):
        raw = factory.page(i)
        t0 = time.perf_counter()
        html = decode_document(raw, "text/html; charset=utf-8")
        t1 = time.perf_counter()
        extracted = extract_article(html, factory.url(i))
        t2 = time.perf_counter()
        article = analyse_text(extracted, url=factory.url(i))
        t3 = time.perf_counter()
        compute_signature(article.body)
        t4 = time.perf_counter()
        totals["decode"] += t1 - t0
        totals["extract"] += t2 - t1
        totals["analyse"] += t3 - t2
        totals["dedup_signature"] += t4 - t3
    count = min(sample, factory.n)
    return {k: v / count * 1000 for k, v in totals.items()}


def _cpu_seconds() -> tuple[float, float]:
    """CPU seconds (user + system) used so far by this process and by its exited children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def peak_rss_mb() -> tuple[float, float]:
    """Peak resident memory of this process and of its largest child, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def run_throughput_bench(n: int, *, workers: int | None = None, as_json: bool = False,
                         db: Path | None = None) -> str:
    """Serve n generated pages, ingest them with the production flow, and compare with trafilatura alone."""
    from flows.ingest import ingest_flow
    from flows.settings import FeedConfig, HttpSettings, ScheduleSettings, Settings
    from warehouse.db import connect

    workers = workers or os.cpu_count() or 2
    tmp = tempfile.TemporaryDirectory(prefix="newsmon-bench-")
    db = db or Path(tmp.name) / "bench.duckdb"
    with BenchServer(n) as server:
        factory = server.factory
        feeds = tuple(FeedConfig(url=f"http://{factory.host(k)}/feeds/{k}.xml", name=f"bench {k}", kind="bench")
                      for k in range(factory.feed_count))
        http = HttpSettings(allow_hosts=("127.0.0.1",), resolve=server.resolve_map(), robots=False,
                            per_host_interval=0.0, per_host_concurrency=16, concurrency=16, timeout=30.0)
        settings = Settings(db=db, feeds=feeds, http=http, schedule=ScheduleSettings(), parse_workers=workers)
        wall0 = time.perf_counter()
        own0, children0 = _cpu_seconds()
        summary = ingest_flow(settings)
        own1, children1 = _cpu_seconds()  # the parse pool has exited: its CPU is in the children's account
        wall = time.perf_counter() - wall0
        with connect(db) as con:
            run_s = con.execute("SELECT epoch(finished_at) - epoch(started_at) FROM runs WHERE run_id = ?",
                                [summary.run_id]).fetchone()[0]
            stored = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    yard = measure_yardsticks(min(n, 2000), workers)
    stages = profile_stages(PageFactory(n), sample=min(200, n))
    own_rss, child_rss = peak_rss_mb()
    rate = summary.fetched / run_s if run_s else 0.0
    result = {
        "articles": n, "fetched": summary.fetched, "stored": stored, "new": summary.new, "workers": workers,
        "run_seconds": round(run_s, 2), "wall_seconds_with_prefect_startup": round(wall, 2),
        "articles_per_s": round(rate, 1),
        # pages are generated and gzipped into files before the timed run (not counted in it), then served from disk
        "corpus_generation_seconds": round(server.generation_seconds, 1),
        "corpus_gzipped_mb": round(server.corpus_bytes / 2**20, 1),
        "trafilatura_per_s": round(yard["trafilatura_per_s"], 1),
        "lxml_parse_per_s": round(yard["lxml_parse_per_s"], 1),
        "ratio_vs_trafilatura": round(rate / yard["trafilatura_per_s"], 3),
        "peak_rss_mb": round(max(own_rss, child_rss), 1), "peak_rss_main_mb": round(own_rss, 1),
        "peak_rss_child_mb": round(child_rss, 1),
        "stage_ms_per_page": {k: round(v, 3) for k, v in stages.items()},
        # CPU per fetched page, robust to other load on the machine: the flow process (Prefect, fetching, loading,
        # dedup) and the parse workers; the bench's page server and Prefect's temporary server are not counted
        "cpu_ms_per_page": {"flow_process": round((own1 - own0) / max(summary.fetched, 1) * 1000, 2),
                            "parse_workers": round((children1 - children0) / max(summary.fetched, 1) * 1000, 2)},
    }
    tmp.cleanup()
    if as_json:
        return json.dumps(result)
    total = sum(stages.values()) or 1.0
    lines = [f"newsmon bench throughput: {n} generated pages (60-150 KB), {workers} parse workers, "
             f"{os.cpu_count()} cores",
             f"  end to end (fetch, parse, extract, dedup, load): {rate:8.1f} articles/s "
             f"({summary.fetched} fetched in {run_s:.1f} s; {wall:.1f} s with Prefect start-up)",
             f"  corpus generated and gzipped before the run in {server.generation_seconds:.1f} s "
             f"({server.corpus_bytes / 2**20:.0f} MB on disk, served from files)",
             f"  trafilatura.extract alone, {workers} processes:   {yard['trafilatura_per_s']:8.1f} pages/s",
             f"  lxml parsing alone (ceiling):                  {yard['lxml_parse_per_s']:8.1f} pages/s",
             f"  ratio newsmon / trafilatura:                   {result['ratio_vs_trafilatura']:8.3f}",
             f"  peak RSS: main {own_rss:.0f} MB, largest child {child_rss:.0f} MB",
             f"  CPU per page: flow process {result['cpu_ms_per_page']['flow_process']:.2f} ms, "
             f"parse workers {result['cpu_ms_per_page']['parse_workers']:.2f} ms",
             "  per-stage CPU per page (one process, 200-page sample):"]
    lines += [f"    {k:16s} {v:7.2f} ms  {v / total:6.1%}" for k, v in stages.items()]
    return "\n".join(lines)


def write_lake_bench_config(path: Path, lake_config: Path, server: BenchServer, shards: int) -> Path:
    """A newsmon.toml for the shard workers: the generated feeds, the bench server's hosts, the given lake."""
    import tomllib

    warehouse = tomllib.loads(lake_config.read_text(encoding="utf-8")).get("warehouse", {})
    factory = server.factory
    lines = ["[newsmon]", "parse_workers = 1", "", "[http]", 'allow_hosts = ["127.0.0.1"]', "robots = false",
             "per_host_interval = 0.0", "per_host_concurrency = 16", "concurrency = 16", "timeout = 30.0", "",
             "[http.resolve]", *(f'"{h}" = "{t}"' for h, t in server.resolve_map()), "", "[warehouse]",
             'backend = "ducklake"', f"catalog = {json.dumps(warehouse.get('catalog', ''))}",
             f"data_path = {json.dumps(warehouse.get('data_path', ''))}", f"shards = {shards}", ""]
    for k in range(factory.feed_count):
        lines += ["[[feed]]", f'url = "http://{factory.host(k)}/feeds/{k}.xml"', f'name = "bench {k}"',
                  'kind = "bench"', ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def run_lake_throughput_bench(n: int, lake_config: Path, *, shards: int = 2, as_json: bool = False) -> str:
    """The same n pages two ways on this machine: one process into a DuckDB file, then `shards` shard runs on the
    Prefect workers ($PREFECT_API_URL, `newsmon scale-out deploy` done, workers started) into the DuckLake that
    lake_config's [warehouse] names, with the cluster-merge pass. Prints both figures side by side."""
    from flows.ingest import ingest_flow
    from flows.settings import FeedConfig, HttpSettings, ScheduleSettings, Settings
    from flows.shard import lake_settings, run_sharded
    from warehouse.backend import connect_lake

    _, lake = lake_settings(str(lake_config))
    with tempfile.TemporaryDirectory(prefix="newsmon-bench-") as tmp, BenchServer(n) as server:
        factory = server.factory
        feeds = tuple(FeedConfig(url=f"http://{factory.host(k)}/feeds/{k}.xml", name=f"bench {k}", kind="bench")
                      for k in range(factory.feed_count))
        http = HttpSettings(allow_hosts=("127.0.0.1",), resolve=server.resolve_map(), robots=False,
                            per_host_interval=0.0, per_host_concurrency=16, concurrency=16, timeout=30.0)
        settings = Settings(db=Path(tmp) / "bench.duckdb", feeds=feeds, http=http, schedule=ScheduleSettings(),
                            parse_workers=1)
        started = time.perf_counter()
        single = ingest_flow(settings)
        single_s = time.perf_counter() - started
        config = write_lake_bench_config(Path(tmp) / "lake-bench.toml", lake_config, server, shards)
        with connect_lake(lake, read_only=True) as con:
            before = con.execute("SELECT count(*) FROM articles").fetchone()
        started = time.perf_counter()
        lines = run_sharded(str(config), shards)
        lake_s = time.perf_counter() - started
        with connect_lake(lake, read_only=True) as con:
            after = con.execute("SELECT count(*) FROM articles").fetchone()
    stored = (after[0] if after else 0) - (before[0] if before else 0)
    result = {"articles": n, "cores": os.cpu_count(),
              "duckdb_single_process": {"fetched": single.fetched, "seconds": round(single_s, 1),
                                        "articles_per_s": round(single.fetched / single_s, 1)},
              "ducklake_sharded": {"shards": shards, "stored": stored, "seconds": round(lake_s, 1),
                                   "articles_per_s": round(stored / lake_s, 1), "runs": lines}}
    if as_json:
        return json.dumps(result)
    return "\n".join([
        f"newsmon bench throughput --backend ducklake: {n} generated pages, {os.cpu_count()} cores, parse in-process",
        f"  DuckDB file, one process:              {result['duckdb_single_process']['articles_per_s']:8.1f} "
        f"articles/s ({single.fetched} in {single_s:.1f} s)",
        f"  DuckLake, {shards} shard runs on workers + merge: {result['ducklake_sharded']['articles_per_s']:8.1f} "
        f"articles/s ({stored} in {lake_s:.1f} s, wall clock from the parent)",
        *(f"    {line}" for line in lines)])


def run_poll_bench(feeds: int) -> str:
    """A re-poll of `feeds` feeds where nothing changed: time from flow start, and requests made."""
    from flows.ingest import ingest_flow
    from flows.settings import FeedConfig, HttpSettings, ScheduleSettings, Settings
    from warehouse.db import connect

    n = feeds * POLL_ITEMS_PER_FEED
    with tempfile.TemporaryDirectory(prefix="newsmon-bench-") as tmp, BenchServer(n, POLL_ITEMS_PER_FEED) as server:
        factory = server.factory
        config = tuple(FeedConfig(url=f"http://{factory.host(k)}/feeds/{k}.xml", name=f"bench {k}", kind="bench")
                       for k in range(feeds))
        http = HttpSettings(allow_hosts=("127.0.0.1",), resolve=server.resolve_map(), robots=False,
                            per_host_interval=0.0, per_host_concurrency=16, concurrency=16)
        settings = Settings(db=Path(tmp) / "poll.duckdb", feeds=config, http=http, schedule=ScheduleSettings())
        first = ingest_flow(settings)
        again = ingest_flow(settings)
        with connect(settings.db) as con:
            run_s = con.execute("SELECT epoch(finished_at) - epoch(started_at) FROM runs WHERE run_id = ?",
                                [again.run_id]).fetchone()[0]
            not_modified = con.execute("SELECT count(*) FILTER (WHERE not_modified), count(*) FROM feed_fetches "
                                       "WHERE run_id = ?", [again.run_id]).fetchone()
    return (f"newsmon bench poll: {feeds} feeds ({first.fetched} pages on the first pass)\n"
            f"  re-poll with nothing changed: {run_s:.2f} s from flow start, {not_modified[1]} requests, "
            f"{not_modified[0]} not modified, {again.fetched} pages fetched, {again.new} new")

