"""`newsmon` command line: a thin layer over the flows; turns NewsmonError into one clear line and an exit code."""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import asdict, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flows.errors import NewsmonError
from flows.settings import Settings, load_settings
from warehouse.db import WarehouseError

EXIT_ERROR = 1
EXIT_USAGE = 2
READER_ATTEMPTS = 18  # a reader's retries while an ingest writes: ~13 s, longer than a load transaction


def _default_db() -> Path:
    return Path(os.environ.get("NEWSMON_DB", "newsmon.duckdb"))


def _settings(args: argparse.Namespace, config: Path | None = None) -> Settings:
    settings = load_settings(config if config is not None else getattr(args, "config", None))
    if getattr(args, "db", None):
        settings = settings.with_overrides(db=Path(args.db))
    return settings


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple | set):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def record_to_json(record: Any, path: str | None = None) -> str:
    """One Article as a JSON line."""
    data = asdict(record)
    for quote in data["quotes"]:
        quote.pop("start"), quote.pop("end")
    for figure in data["figures"]:
        figure.pop("start"), figure.pop("end")
    data = {"path": path, **data}
    return json.dumps(data, ensure_ascii=False, default=_json_default)


def cmd_parse(args: argparse.Namespace) -> int:
    """Parse local files into records, one JSON object per line."""
    from parsers.page import parse_page

    failures = 0
    for name in args.files:
        path = Path(name)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            print(f"newsmon: {path}: cannot read: {exc.strerror}", file=sys.stderr)
            failures += 1
            continue
        stem = path.name[:-3] if path.name.endswith(".gz") else path.name
        if path.name.endswith(".gz"):
            try:
                raw = gzip.decompress(raw)
            except (OSError, EOFError) as exc:
                print(f"newsmon: {path}: not a valid gzip file: {exc}", file=sys.stderr)
                failures += 1
                continue
        plain = stem.lower().endswith(".txt")
        url = args.url or path.resolve().as_uri()
        try:
            record = parse_page(raw, url=url, content_type="text/plain" if plain else "text/html", plain_text=plain)
        except Exception as exc:  # one bad file never stops the others
            print(f"newsmon: {path}: cannot parse: {type(exc).__name__}: {exc}", file=sys.stderr)
            failures += 1
            continue
        print(record_to_json(record, str(path)))
    return EXIT_ERROR if failures else 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Serve the demo corpus on 127.0.0.1 and run the real ingest and digest flows against it."""
    from flows.demo import run_demo

    db = Path(args.db) if args.db else _default_db()
    for line in run_demo(db, outbox=Path(args.outbox)):
        print(line)
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    """One pass over the configured feeds."""
    from flows.ingest import ingest_flow

    settings = _settings(args)
    if not settings.feeds:
        print("newsmon: no feeds configured (add [[feed]] tables or feeds_file to newsmon.toml)", file=sys.stderr)
        return EXIT_ERROR
    summary = ingest_flow(settings)
    print(summary.line())
    print(f"warehouse: {settings.db}")
    return 0


def cmd_digest(args: argparse.Namespace) -> int:
    """Send the due digests (or show them with --dry-run)."""
    from flows.digest import digest_flow

    settings = _settings(args)
    if args.outbox:
        settings = settings.with_overrides(outbox=Path(args.outbox))
    report = digest_flow(settings, dry_run=args.dry_run, preview=args.preview)
    for line in report or ["digest: nothing new to send"]:
        print(line)
    return 0


def cmd_sql(args: argparse.Namespace) -> int:
    """Run one read-only query and print the result as a table."""
    from warehouse.db import connect, load_extension

    db = Path(args.db) if args.db else _default_db()
    if not db.exists():
        print(f"newsmon: {db}: no such warehouse (run `newsmon demo` or `newsmon ingest` first)", file=sys.stderr)
        return EXIT_ERROR
    import duckdb

    try:
        with connect(db, read_only=True, attempts=READER_ATTEMPTS) as con:
            try:
                load_extension(con, "fts")  # for search_articles()
                relation = con.sql(args.query)
                if relation is not None:
                    relation.show(max_width=200, max_rows=args.max_rows)
            except duckdb.Error as exc:
                print(f"newsmon: {db}: query failed: {str(exc).splitlines()[0]}", file=sys.stderr)
                return EXIT_ERROR
    except WarehouseError as exc:
        if "busy" not in str(exc):
            raise
        print(f"newsmon: {db} is locked by a process writing to it (a scheduled ingest, usually for a few seconds). "
              "Nothing is damaged. Retry in a moment; or query the Parquet copy (`newsmon export --parquet DIR` "
              "once it is free); or, for long sessions, open the file read-only (`duckdb -readonly`) while no "
              "ingest runs.", file=sys.stderr)
        return EXIT_ERROR
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    """Create or upgrade the warehouse schema."""
    from warehouse.db import ensure_schema

    db = Path(args.db) if args.db else _default_db()
    applied = ensure_schema(db)
    print(f"{db}: applied {', '.join(applied)}" if applied else f"{db}: schema up to date")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Export every table to Parquet, article tables partitioned by month."""
    from warehouse.export import export_parquet

    db = Path(args.db) if args.db else _default_db()
    if not db.exists():
        print(f"newsmon: {db}: no such warehouse (run `newsmon demo` or `newsmon ingest` first)", file=sys.stderr)
        return EXIT_ERROR
    for item in export_parquet(db, Path(args.parquet)):
        print(f"{item.path}: {item.rows} rows{' (by month)' if item.partitioned else ''}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    """Benchmarks (speed and quality are measured here, never asserted in tests)."""
    if args.what == "extraction":
        if args.data is None:
            print("newsmon: bench extraction needs --data DIR", file=sys.stderr)
            return EXIT_USAGE
        from flows.bench_extraction import run_extraction_bench

        print(run_extraction_bench(Path(args.data), Path(args.out) if args.out else None))
        return 0
    if args.what == "feeds":
        if args.data is None:
            print("newsmon: bench feeds needs --data DIR (e.g. ../shared/benchmarks/feeds)", file=sys.stderr)
            return EXIT_USAGE
        from flows.bench_feeds import render_feeds_report, run_feeds_bench

        verdicts, seconds = run_feeds_bench(Path(args.data), Path(args.db) if args.db else None)
        print(render_feeds_report(Path(args.data), verdicts, seconds))
        return EXIT_ERROR if any(v.verdict == "crashed" for v in verdicts) else 0
    if args.what == "warehouse":
        from flows.bench_warehouse import run_warehouse_bench

        print(run_warehouse_bench(args.articles or 1_000_000, Path(args.db) if args.db else None,
                                  repeat=args.repeat, new_articles=args.new_articles))
        return 0
    if args.what == "dedup":
        from flows.bench_dedup import run_dedup_bench

        print(run_dedup_bench(args.articles or 1_000_000, Path(args.db) if args.db else None,
                              workers=args.workers))
        return 0
    if args.what == "throughput":
        from flows.bench_throughput import run_lake_throughput_bench, run_throughput_bench

        if args.backend == "ducklake":
            if args.config is None:
                print("newsmon: bench throughput --backend ducklake needs --config (with [warehouse] ducklake)",
                      file=sys.stderr)
                return EXIT_USAGE
            print(run_lake_throughput_bench(args.articles or 1000, args.config, shards=args.workers or 2,
                                            as_json=args.json))
            return 0
        print(run_throughput_bench(args.articles or 5000, workers=args.workers, as_json=args.json))
        return 0
    if args.what == "poll":
        from flows.bench_throughput import run_poll_bench

        print(run_poll_bench(args.feeds))
        return 0
    print(f"newsmon: unknown benchmark {args.what}", file=sys.stderr)
    return EXIT_USAGE


def cmd_scale_out(args: argparse.Namespace) -> int:
    """Scale-out on Prefect workers and a DuckLake (docs/scale-out.md): migrate the lake, deploy, run, merge."""
    from flows.shard import deploy_shard_flow, ingest_sharded, lake_settings
    from warehouse.backend import describe_lake, ensure_lake, merge_clusters

    settings, lake = lake_settings(str(args.config))
    if args.action == "migrate":
        applied = ensure_lake(lake)
        print(f"{lake}: " + (f"applied {', '.join(applied)}" if applied else "up to date"))
    elif args.action == "deploy":
        name = deploy_shard_flow(args.pool or settings.warehouse.work_pool)
        print(f"deployment {name} on work pool {args.pool or settings.warehouse.work_pool}")
    elif args.action == "ingest":
        for line in ingest_sharded(str(args.config.resolve()), args.shards, timeout=args.timeout):
            print(line)
    elif args.action == "merge":
        print(merge_clusters(lake, f"cli-{datetime.now(UTC):%Y%m%dT%H%M%S}").line())
    if args.action != "deploy":
        print("lake: " + json.dumps(describe_lake(lake)))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the scheduled deployments (ingest, digests, maintenance) until SIGINT/SIGTERM."""
    from flows.serve import run_serve

    settings = _settings(args)
    if args.ingest_interval:
        settings = settings.with_overrides(schedule=replace(settings.schedule, ingest_interval=args.ingest_interval))
    if not settings.feeds:
        print("newsmon: no feeds configured (add [[feed]] tables or feeds_file to newsmon.toml)", file=sys.stderr)
        return EXIT_ERROR
    run_serve(settings, args.config, port=args.port)
    return 0


def cmd_feeds(args: argparse.Namespace) -> int:
    """List feeds with their health, or enable / disable one."""
    from warehouse.db import connect, ensure_schema, transaction
    from warehouse.state import select_feed_health, set_feed_enabled, sync_feeds

    settings = _settings(args)
    ensure_schema(settings.db)
    if args.action == "list":
        with connect(settings.db) as con:
            sync_feeds(con, [(f.url, f.name, f.outlet, f.kind) for f in settings.feeds])
            feeds = select_feed_health(con, only=args.only)
        for feed in feeds:
            print(describe_feed(feed))
        print(f"{len(feeds)} feeds ({sum(not f.enabled for f in feeds)} disabled, "
              f"{sum(f.enabled and f.consecutive_failures > 0 for f in feeds)} failing)")
        return 0
    if not args.url:
        print(f"newsmon: feeds {args.action} needs a feed URL (see `newsmon feeds list`)", file=sys.stderr)
        return EXIT_USAGE
    with connect(settings.db) as con, transaction(con):
        changed = set_feed_enabled(con, args.url, args.action == "enable", datetime.now(UTC), args.reason)
    if not changed:
        print(f"newsmon: {args.url}: no such feed in {settings.db} (see `newsmon feeds list`)", file=sys.stderr)
        return EXIT_ERROR
    print(f"{args.url}: {args.action}d")
    return 0


def describe_feed(feed: Any) -> str:
    """One line per feed for `newsmon feeds list` and `newsmon status`."""
    if not feed.enabled:
        state = f"DISABLED ({feed.disabled_reason or 'by hand'})"
    elif feed.consecutive_failures:
        retry = f", next try {feed.next_poll_at:%Y-%m-%d %H:%M}" if feed.next_poll_at else ""
        state = f"FAILING x{feed.consecutive_failures}{retry}: {feed.last_error}"
    elif feed.last_polled_at is None:
        state = "never polled"
    else:
        every = f", every {feed.poll_interval_s // 60} min" if feed.poll_interval_s else ""
        state = f"ok (HTTP {feed.last_status}, {feed.last_polled_at:%Y-%m-%d %H:%M}{every})"
    return f"{feed.url}  {state}"


def cmd_status(args: argparse.Namespace) -> int:
    """The last runs, failing feeds and disabled feeds."""
    from warehouse.db import connect
    from warehouse.state import select_feed_health, select_recent_runs

    db = Path(args.db) if args.db else _settings(args).db
    if not db.exists():
        print(f"newsmon: {db}: no such warehouse (run `newsmon demo` or `newsmon ingest` first)", file=sys.stderr)
        return EXIT_ERROR
    with connect(db, read_only=True, attempts=READER_ATTEMPTS) as con:
        runs = select_recent_runs(con, args.runs)
        failing = select_feed_health(con, only="failing")
        disabled = select_feed_health(con, only="disabled")
    print(f"last {len(runs)} runs ({db}):")
    for flow_name, status, started, finished, summary in runs:
        took = f" {(finished - started).total_seconds():.0f} s" if finished else ""
        print(f"  {started:%Y-%m-%d %H:%M:%S} {flow_name:<11} {status:<9}{took}  {summary or ''}")
    print(f"failing feeds: {len(failing)}")
    for feed in failing:
        print("  " + describe_feed(feed))
    print(f"disabled feeds: {len(disabled)}" + (" (re-enable: newsmon feeds enable URL)" if disabled else ""))
    for feed in disabled:
        print("  " + describe_feed(feed))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="newsmon", description="Media monitoring for immigration news.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("demo", help="run the main job on the bundled demo corpus (replay server on 127.0.0.1)")
    p.add_argument("--db", help="DuckDB file (default ./newsmon.duckdb or $NEWSMON_DB)")
    p.add_argument("--outbox", default="outbox", help="where digests go as .eml files when no SMTP is set")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("ingest", help="one pass over the configured feeds")
    p.add_argument("--config", type=Path, help="newsmon.toml (default: the live feeds in seeds/feeds.toml)")
    p.add_argument("--db", help="DuckDB file (default from config, $NEWSMON_DB or ./newsmon.duckdb)")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("digest", help="email what is new for each digest rule (or write .eml files to outbox/)")
    p.add_argument("--config", type=Path, help="newsmon.toml with [[digest.rule]] tables")
    p.add_argument("--db", help="DuckDB file")
    p.add_argument("--outbox", help="outbox directory for .eml files when no SMTP is configured")
    p.add_argument("--dry-run", action="store_true", help="print what would be sent, send nothing")
    p.add_argument("--preview", type=Path, metavar="FILE.html",
                   help="write the HTML of what would be sent to FILE.html (implies --dry-run)")
    p.set_defaults(func=cmd_digest)

    p = sub.add_parser("parse", help="parse local .html/.htm/.txt files (optionally .gz) into JSON Lines records")
    p.add_argument("files", nargs="+", help="files to parse")
    p.add_argument("--url", help="the URL the page came from (for canonical URL and dates)")
    p.add_argument("--json", action="store_true", help="print JSON Lines (the only format; kept for clarity)")
    p.set_defaults(func=cmd_parse)

    p = sub.add_parser("sql", help="run a read-only SQL query against the warehouse")
    p.add_argument("query", help='e.g. "SELECT outlet, count(*) FROM articles GROUP BY ALL"')
    p.add_argument("--db", help="DuckDB file")
    p.add_argument("--max-rows", type=int, default=100, help="rows to print at most")
    p.set_defaults(func=cmd_sql)

    p = sub.add_parser("migrate", help="create or upgrade the warehouse schema")
    p.add_argument("--db", help="DuckDB file")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("export", help="export the warehouse as Parquet (article tables partitioned by month)")
    p.add_argument("--parquet", required=True, metavar="DIR", help="output directory, one subdirectory per table")
    p.add_argument("--db", help="DuckDB file")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("serve", help="run ingest, digests and maintenance on schedules (Prefect deployments)")
    p.add_argument("--config", type=Path, help="newsmon.toml ([schedule], [http], feeds, digest rules)")
    p.add_argument("--db", help="DuckDB file")
    p.add_argument("--ingest-interval", type=float, help="seconds between ingest runs (default [schedule] or 900)")
    p.add_argument("--port", type=int, help="port of the local Prefect server when PREFECT_API_URL is unset "
                                            "(default 4200, or a free one)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("scale-out", help="DuckLake + Prefect workers: migrate the lake, deploy the shard flow, "
                                         "run a sharded ingest, merge clusters (docs/scale-out.md)")
    p.add_argument("action", choices=["migrate", "deploy", "ingest", "merge"])
    p.add_argument("--config", type=Path, required=True, help="newsmon.toml with [warehouse] backend = \"ducklake\"")
    p.add_argument("--pool", help="deploy: process work pool (default [warehouse] work_pool)")
    p.add_argument("--shards", type=int, help="ingest: shard runs to start (default [warehouse] shards)")
    p.add_argument("--timeout", type=float, default=3600.0, help="ingest: seconds to wait for the shard runs")
    p.set_defaults(func=cmd_scale_out)

    p = sub.add_parser("feeds", help="list feeds and their health; enable or disable one")
    p.add_argument("action", nargs="?", default="list", choices=["list", "enable", "disable"])
    p.add_argument("url", nargs="?", help="the feed URL (or feed_id) to enable or disable")
    p.add_argument("--reason", help="disable: why (shown by `newsmon status`)")
    p.add_argument("--only", choices=["failing", "disabled"], help="list: only these feeds")
    p.add_argument("--config", type=Path, help="newsmon.toml")
    p.add_argument("--db", help="DuckDB file")
    p.set_defaults(func=cmd_feeds)

    p = sub.add_parser("status", help="last runs, failing feeds, disabled feeds")
    p.add_argument("--config", type=Path, help="newsmon.toml")
    p.add_argument("--db", help="DuckDB file")
    p.add_argument("--runs", type=int, default=10, help="how many recent runs to show")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("bench", help="benchmarks: extraction, warehouse, feeds, throughput, poll")
    p.add_argument("what", choices=["extraction", "warehouse", "feeds", "throughput", "poll", "dedup"],
                   help="which benchmark")
    p.add_argument("--articles", type=int, default=None,
                   help="synthetic articles to generate (warehouse: 1000000, throughput: 5000)")
    p.add_argument("--feeds", type=int, default=200, help="poll: feeds to re-poll")
    p.add_argument("--workers", type=int, default=None, help="throughput: parse processes (default: cores)")
    p.add_argument("--json", action="store_true", help="throughput: one JSON object instead of the table")
    p.add_argument("--db", help="warehouse: DuckDB file to build (default: a temp file, removed afterwards)")
    p.add_argument("--repeat", type=int, default=7, help="warehouse: runs per query (the median is reported)")
    p.add_argument("--new-articles", type=int, default=50,
                   help="warehouse: articles one timed ingest adds before the queries run (0: none)")
    p.add_argument("--data", help="benchmark data directory (read by path, never copied)")
    p.add_argument("--out", help="where to write predictions (default: a temp dir)")
    p.add_argument("--backend", choices=["duckdb", "ducklake"], default="duckdb",
                   help="throughput: ducklake runs --workers shard runs on the Prefect workers (docs/scale-out.md)")
    p.add_argument("--config", type=Path, help="throughput --backend ducklake: newsmon.toml naming the lake")
    p.set_defaults(func=cmd_bench)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `newsmon` console script."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except (NewsmonError, WarehouseError) as exc:
        print(f"newsmon: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("newsmon: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
