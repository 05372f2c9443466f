"""`newsmon serve`: scheduled Prefect deployments (ingest, digests, maintenance) and a supervised local Prefect server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any

import urllib3
from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run

from flows.digest import digest_flow
from flows.errors import ConfigError, NewsmonError
from flows.ingest import INGEST_LOCK, ingest_flow
from flows.settings import DigestRule, Settings, load_settings
from warehouse.db import connect, ensure_schema, transaction
from warehouse.state import (
    abandon_dead_runs,
    acquire_run_lock,
    finish_run,
    release_run_lock,
    start_run,
)

WEEKDAY_CRON = {"monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6, "sunday": 0}
QUIET_PREFECT = {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1",
                 "PREFECT_LOGGING_LEVEL": "WARNING"}


def data_dir() -> Path:
    """newsmon's own state directory: $NEWSMON_HOME, else ~/.newsmon."""
    return Path(os.environ.get("NEWSMON_HOME") or Path.home() / ".newsmon")


def load_run_settings(config: str | None, db: str | None) -> Settings:
    """Settings for a scheduled run, from the parameters the deployment was served with."""
    settings = load_settings(Path(config) if config else None)
    return settings.with_overrides(db=Path(db)) if db else settings


@flow(name="ingest", validate_parameters=False)
def scheduled_ingest(config: str | None = None, db: str | None = None) -> str:
    """Scheduled ingest: like `newsmon ingest`, but each feed is polled only when its own interval is due."""
    summary = ingest_flow.fn(load_run_settings(config, db), honour_intervals=True)
    return summary.line()


@flow(name="digest", validate_parameters=False)
def scheduled_digest(config: str | None = None, db: str | None = None, rule: str | None = None) -> list[str]:
    """Scheduled digest for one rule (or all): sends what is due and new."""
    settings = load_run_settings(config, db)
    if rule is not None:
        settings = settings.with_overrides(rules=tuple(r for r in settings.rules if r.name == rule))
        if not settings.rules:
            raise ConfigError(f"{config}: no digest rule named {rule!r}")
    return list(digest_flow.fn(settings) or [])


def run_maintenance(settings: Settings, run_id: str) -> str:
    """Nightly upkeep under the ingest lock: mark dead runs abandoned, rebuild the search index, checkpoint."""
    from warehouse.fts import refresh_search_index

    ensure_schema(settings.db)
    started = datetime.now(UTC)
    with connect(settings.db) as con:
        with transaction(con):
            start_run(con, run_id, "maintenance", started)
            holder = acquire_run_lock(con, INGEST_LOCK, run_id, started, settings.schedule.lock_stale_after)
        if holder:
            line = f"maintenance {run_id[:8]}: skipped, {holder} is still writing"
            finish_run(con, run_id, datetime.now(UTC), "skipped", {}, line)
            return line
    status, line = "failed", f"maintenance {run_id[:8]}: failed"
    try:
        with connect(settings.db) as con:
            abandoned = abandon_dead_runs(con, started)
            index = refresh_search_index(con, force=True)
            con.execute("FORCE CHECKPOINT")  # folds the write-ahead log in and returns freed blocks
            size = con.execute("SELECT total_blocks, free_blocks FROM pragma_database_size()").fetchone()
        status = "completed"
        line = (f"maintenance {run_id[:8]}: {abandoned} dead runs marked abandoned, search index rebuilt over "
                f"{index.documents} articles, checkpointed ({size[1] if size else '?'} of "
                f"{size[0] if size else '?'} blocks free)")
    finally:
        with connect(settings.db) as con:
            finish_run(con, run_id, datetime.now(UTC), status, {}, line)
            release_run_lock(con, INGEST_LOCK, run_id)
    return line


@flow(name="maintenance", validate_parameters=False)
def scheduled_maintenance(config: str | None = None, db: str | None = None) -> str:
    """Nightly maintenance: search-index refresh and compaction, never while an ingest writes."""
    run_id = str(flow_run.get_id() or uuid.uuid4())
    line = run_maintenance(load_run_settings(config, db), run_id)
    get_run_logger().info(line)
    create_markdown_artifact(key="maintenance-summary", markdown=f"# newsmon maintenance\n\n{line}\n",
                             description=line)
    return line


def cron_for_rule(rule: DigestRule, ingest_interval: float) -> tuple[str | None, float | None]:
    """(cron, None) for hourly/daily/weekly rules, (None, seconds) for immediate ones (they follow ingest)."""
    hour, minute = (int(part) for part in rule.time.split(":"))
    if rule.frequency == "hourly":
        return f"{minute} * * * *", None
    if rule.frequency == "daily":
        return f"{minute} {hour} * * *", None
    if rule.frequency == "weekly":
        return f"{minute} {hour} * * {WEEKDAY_CRON[rule.weekday]}", None
    return None, ingest_interval


def build_deployments(settings: Settings, config: Path | None) -> list[Any]:
    """The RunnerDeployments `newsmon serve` serves: ingest on an interval, digests per rule, nightly maintenance.

    Each deployment allows one run at a time (later collisions are cancelled); the warehouse's ingest lock also
    keeps manual `newsmon ingest` runs and scheduled ones apart.
    """
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
    from prefect.schedules import Cron, Interval
    from prefect.types.entrypoint import EntrypointType

    params = {"config": str(config.resolve()) if config else None, "db": str(settings.db.resolve())}
    one_at_a_time = ConcurrencyLimitConfig(limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW)
    common: dict[str, Any] = {"concurrency_limit": one_at_a_time, "entrypoint_type": EntrypointType.MODULE_PATH,
                              "tags": ["newsmon"]}
    schedule = settings.schedule
    deployments = [
        scheduled_ingest.to_deployment(
            name="newsmon-ingest", schedules=[Interval(timedelta(seconds=schedule.ingest_interval))],
            parameters=params, description="Poll the configured feeds; each feed by its adaptive interval.",
            **common),
        scheduled_maintenance.to_deployment(
            name="newsmon-maintenance", schedules=[Cron(schedule.maintenance_cron, timezone=schedule.timezone)],
            parameters=params, description="Nightly: search index refresh, checkpoint, dead runs marked.",
            **common),
    ]
    for rule in settings.rules:
        cron, every = cron_for_rule(rule, schedule.ingest_interval)
        when = Cron(cron, timezone=rule.timezone) if cron else Interval(timedelta(seconds=every or 900))
        deployments.append(scheduled_digest.to_deployment(
            name=f"newsmon-digest-{rule.name}", schedules=[when], parameters={**params, "rule": rule.name},
            description=f"Digest rule {rule.name} ({rule.frequency}).", **common))
    return deployments


def free_port(host: str = "127.0.0.1") -> int:
    """A free TCP port."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_is_free(host: str, port: int) -> bool:
    """True when nothing listens on host:port."""
    with socket.socket() as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


@dataclass
class LocalPrefectServer:
    """`prefect server start` on 127.0.0.1 as a child process, its state (SQLite) under home; restarted if it dies."""

    home: Path
    port: int
    host: str = "127.0.0.1"
    startup_timeout: float = 90.0
    max_restarts: int = 5
    process: subprocess.Popen[bytes] | None = None
    restarts: int = 0

    def __post_init__(self) -> None:
        self._stopping = threading.Event()
        self._watcher: threading.Thread | None = None

    @property
    def api_url(self) -> str:
        """The API URL flows and the runner talk to."""
        return f"http://{self.host}:{self.port}/api"

    @property
    def log_path(self) -> Path:
        """Where the server's output goes."""
        return self.home / "server.log"

    def _spawn(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, **QUIET_PREFECT, "PREFECT_HOME": str(self.home)}
        env.pop("PREFECT_API_URL", None)
        log = self.log_path.open("ab")
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "prefect", "server", "start", "--host", self.host, "--port", str(self.port)],
                env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True)  # its own process group: a terminal Ctrl-C reaches us, and we stop it
        finally:
            log.close()

    def wait_healthy(self) -> None:
        """Block until /api/health answers, or raise NewsmonError naming the log file."""
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise NewsmonError(f"prefect server exited with {self.process.returncode}; see {self.log_path}")
            try:
                if urllib3.request("GET", f"{self.api_url}/health", timeout=2.0, retries=False).status == 200:
                    return
            except urllib3.exceptions.HTTPError:
                pass
            time.sleep(0.25)
        raise NewsmonError(f"prefect server on {self.host}:{self.port} not healthy after {self.startup_timeout:g} s; "
                           f"see {self.log_path}")

    def start(self) -> LocalPrefectServer:
        """Start the server, wait until healthy, and watch it."""
        self._spawn()
        self.wait_healthy()
        self._watcher = threading.Thread(target=self._watch, name="prefect-server-watch", daemon=True)
        self._watcher.start()
        return self

    def _watch(self) -> None:
        while not self._stopping.wait(2.0):
            if self.process is None or self.process.poll() is None:
                continue
            if self.restarts >= self.max_restarts:
                print(f"newsmon serve: prefect server keeps exiting; giving up (see {self.log_path})", file=sys.stderr)
                return
            self.restarts += 1
            print(f"newsmon serve: prefect server exited ({self.process.returncode}); restarting "
                  f"({self.restarts}/{self.max_restarts})", file=sys.stderr)
            time.sleep(min(30.0, 2.0 ** self.restarts))
            if self._stopping.is_set():
                return
            self._spawn()

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM the server's process group, then SIGKILL whatever is left after timeout."""
        self._stopping.set()
        process = self.process
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait(timeout=10)


@contextmanager
def prefect_api(port: int | None = None, home: Path | None = None) -> Iterator[str]:
    """The Prefect API to serve on: $PREFECT_API_URL when set, else a local server started (and stopped) here."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    external = PREFECT_API_URL.value()  # from the environment or the active Prefect profile
    if external:
        yield external
        return
    home = home or data_dir() / "prefect"
    chosen = port or 4200
    if not port_is_free("127.0.0.1", chosen):
        if port:
            raise NewsmonError(f"127.0.0.1:{port} is in use; pick another --port or set PREFECT_API_URL")
        chosen = free_port()
    server = LocalPrefectServer(home=home, port=chosen)
    try:
        server.start()
        os.environ["PREFECT_API_URL"] = server.api_url  # for flow-run processes the runner starts
        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            yield server.api_url
    finally:
        os.environ.pop("PREFECT_API_URL", None)
        server.stop()


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def run_serve(settings: Settings, config: Path | None, *, port: int | None = None) -> None:
    """Serve the deployments until SIGINT or SIGTERM; stop what was started here (runner, then server)."""
    from prefect import serve

    previous = signal.signal(signal.SIGTERM, _raise_interrupt)  # until the runner installs its own handler
    # Ctrl-C (SIGINT) stops serve even when it was started with SIGINT ignored, as a non-interactive shell
    # starts a background job (`newsmon serve &` in a script): Python then keeps it ignored, and asyncio
    # installs its own SIGINT handling only over Python's default handler.
    previous_int = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        ensure_schema(settings.db)
        with prefect_api(port) as api:
            deployments = build_deployments(settings, config)
            print(f"newsmon serve: {len(deployments)} deployments on {api} "
                  f"(ingest every {settings.schedule.ingest_interval:g} s); Ctrl-C or SIGTERM stops", flush=True)
            serve(*deployments, print_starting_message=False)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_int)
    print("newsmon serve: stopped", flush=True)
