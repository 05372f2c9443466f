"""`newsmon demo`: the replay server on 127.0.0.1 plus the production ingest and digest flows, on the demo corpus."""

from __future__ import annotations

from pathlib import Path

from flows.digest import digest_flow
from flows.ingest import ingest_flow
from flows.replay import ReplayServer, load_manifest
from flows.settings import SEEDS_DIR, HttpSettings, Settings, load_settings
from warehouse.db import connect, ensure_schema

DEMO_CONFIG = SEEDS_DIR / "demo.toml"


def demo_settings(server: ReplayServer, db: Path, outbox: Path) -> Settings:
    """The demo configuration, pointed at a running replay server (host overrides + 127.0.0.1 allowed)."""
    base = load_settings(DEMO_CONFIG)
    http = HttpSettings(user_agent=base.http.user_agent, timeout=10.0, allow_hosts=("127.0.0.1",),
                        resolve=server.resolve_map(), per_host_interval=0.0)  # the replay server is ours
    return base.with_overrides(db=db, outbox=outbox, http=http, smtp=base.smtp)


def choose_phase(db: Path) -> int:
    """Phase 1 on a fresh warehouse; phase 2 (the edited page is out) once a demo ingest has completed."""
    if not db.exists():
        return 1
    ensure_schema(db)
    with connect(db) as con:
        row = con.execute("SELECT count(*) FROM runs WHERE flow = 'ingest' AND status = 'completed'").fetchone()
    return 2 if row and row[0] else 1


def run_demo(db: Path, outbox: Path = Path("outbox")) -> list[str]:
    """Run ingest then digest against the replay server; return the lines to print."""
    resources, _outlets = load_manifest()
    phase = choose_phase(db)
    with ReplayServer(resources, phase=phase) as server:
        settings = demo_settings(server, db, outbox)
        summary = ingest_flow(settings)
        report = digest_flow(settings)
    with connect(db, read_only=False) as con:
        total = con.execute("SELECT count(*) FROM articles").fetchone()
    lines = [
        f"replay server: http://127.0.0.1:{server.port} ({len(server.hosts)} demo outlets, phase {phase})",
        summary.line(),
        *(report or ["digest: nothing new to send"]),
        f"warehouse: {db.resolve()} ({total[0] if total else 0} articles in all)",
        "try: python -c \"import duckdb; duckdb.connect('" + str(db) + "', read_only=True).sql('SELECT outlet, "
        "count(*) AS articles FROM articles GROUP BY ALL ORDER BY 2 DESC').show()\"",
        f"  or: newsmon sql --db {db} \"SELECT speaker, count(*) AS quotes FROM quotes WHERE speaker IS NOT NULL "
        "GROUP BY ALL ORDER BY 2 DESC LIMIT 10\"",
    ]
    if phase == 1:
        lines.append("run `newsmon demo` again: the feeds answer 304 Not Modified and the edited page arrives as "
                     "a revision")
    return lines
