"""Scheduling for real: `prefect server start` on 127.0.0.1, `newsmon serve` against it and the replay server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from flows.replay import ReplayServer
from flows.serve import cron_for_rule
from flows.settings import SEEDS_DIR, DigestRule, load_settings
from tests.conftest import free_port
from warehouse.db import connect

pytestmark = pytest.mark.slow
PROJECT = Path(__file__).resolve().parents[2]
QUIET = {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1", "PREFECT_LOGGING_LEVEL": "WARNING",
         "PREFECT_RUNNER_POLL_FREQUENCY": "1", "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "5"}


def child_env(home: Path, api_url: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(QUIET, PREFECT_HOME=str(home), NEWSMON_HOME=str(home / "newsmon"))
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return env


def wait_healthy(api_url: str, process: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"process exited with {process.returncode}"
        try:
            if httpx.get(f"{api_url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise AssertionError(f"{api_url} not healthy after {timeout} s")


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM, timeout: float = 30) -> int:
    """Signal a child's process group and wait; SIGKILL it if it does not stop."""
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    return process.returncode


def completed_ingest_runs(api_url: str) -> list[dict]:
    response = httpx.post(f"{api_url}/flow_runs/filter", timeout=10, json={
        "flow_runs": {"state": {"type": {"any_": ["COMPLETED"]}}},
        "deployments": {"name": {"any_": ["newsmon-ingest"]}}})
    response.raise_for_status()
    return list(response.json())


def write_config(tmp_path: Path, replay: ReplayServer, interval: float) -> Path:
    resolve = "".join(f'"{host}" = "{address}"\n' for host, address in replay.resolve_map())
    config = tmp_path / "newsmon.toml"
    config.write_text(
        f'[newsmon]\ndb = "serve.duckdb"\nfeeds_file = "{SEEDS_DIR / "feeds.toml"}"\nfeed_kinds = ["demo"]\n\n'
        f'[http]\nallow_hosts = ["127.0.0.1"]\nper_host_interval = 0.0\ntimeout = 10.0\n\n[http.resolve]\n{resolve}\n'
        f"[schedule]\ningest_interval = {interval}\nmin_poll_interval = 0\n", encoding="utf-8")
    return config


@pytest.fixture
def prefect_server(tmp_path: Path) -> Iterator[str]:
    """`prefect server start` on 127.0.0.1 and a free port, state in a temp PREFECT_HOME; stopped afterwards."""
    port = free_port()
    home = tmp_path / "prefect-home"
    home.mkdir()
    log = (tmp_path / "prefect-server.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                                "--port", str(port)], env=child_env(home), stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    api_url = f"http://127.0.0.1:{port}/api"
    try:
        wait_healthy(api_url, process)
        yield api_url
    finally:
        stop(process)
        log.close()
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"{api_url}/health", timeout=2)


def test_scheduled_ingest_runs_twice_against_the_replay_server(tmp_path: Path, replay_server: ReplayServer,
                                                               prefect_server: str) -> None:
    config = write_config(tmp_path, replay_server, interval=5)
    log = (tmp_path / "serve.log").open("wb")
    serve = subprocess.Popen([sys.executable, "-m", "flows.cli", "serve", "--config", str(config)], cwd=PROJECT,
                             env=child_env(tmp_path / "prefect-home", prefect_server), stdout=log,
                             stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        runs: list[dict] = []
        while time.monotonic() < deadline and len(runs) < 2:
            assert serve.poll() is None, (tmp_path / "serve.log").read_text()
            runs = completed_ingest_runs(prefect_server)
            time.sleep(0.5)
        assert len(runs) >= 2, (tmp_path / "serve.log").read_text()
        assert all(run["auto_scheduled"] for run in runs)  # made by the schedule, not by hand
    finally:
        code = stop(serve)
        log.close()
    assert code == 0, (tmp_path / "serve.log").read_text()
    assert "newsmon serve: stopped" in (tmp_path / "serve.log").read_text()

    settings = load_settings(config)
    with connect(settings.db) as con:
        statuses = [r[0] for r in con.execute("SELECT status FROM runs WHERE flow = 'ingest' ORDER BY started_at")
                    .fetchall()]
        articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        polls = con.execute("SELECT count(*), count(*) FILTER (WHERE not_modified) FROM feed_fetches").fetchone()
        locks = con.execute("SELECT count(*) FROM run_locks").fetchone()[0]
        spans = con.execute("SELECT started_at, finished_at FROM runs WHERE flow = 'ingest' AND status = 'completed' "
                            "ORDER BY started_at").fetchall()
    assert statuses.count("completed") >= 2 and "running" not in statuses[:-1]
    assert all(done <= after for (_, done), (after, _) in zip(spans, spans[1:], strict=False))  # never overlapping
    assert articles > 0 and locks in (0, 1)  # 1 only if the stop landed mid-run
    feeds = len(settings.feeds)
    assert polls[0] >= 2 * feeds and polls[1] >= feeds  # later runs got 304 Not Modified
    run_ids = {run["id"] for run in runs}
    with connect(settings.db) as con:
        stored = {r[0] for r in con.execute("SELECT run_id FROM runs").fetchall()}
    assert run_ids <= stored  # runs rows carry the Prefect flow-run ids


def test_serve_starts_and_stops_its_own_prefect_server(tmp_path: Path, replay_server: ReplayServer) -> None:
    """SIGINT stops serve, even one started with SIGINT ignored, as a script's background job is
    (`newsmon serve &` in a non-interactive shell): the child here inherits the ignored signal whatever runs
    the tests."""
    config = write_config(tmp_path, replay_server, interval=3600)
    port = free_port()
    log_path = tmp_path / "serve.log"
    log = log_path.open("wb")
    ignoring_sigint = ["sh", "-c", 'trap "" INT; exec "$0" "$@"']  # exec keeps the ignored disposition
    serve = subprocess.Popen([*ignoring_sigint, sys.executable, "-m", "flows.cli", "serve", "--config",
                              str(config), "--port", str(port)], cwd=PROJECT,
                             env=child_env(tmp_path / "prefect-home"), stdout=log, stderr=subprocess.STDOUT,
                             start_new_session=True)
    api_url = f"http://127.0.0.1:{port}/api"
    try:
        wait_healthy(api_url, serve)
        deadline = time.monotonic() + 60
        names: set[str] = set()
        wanted = {"newsmon-ingest", "newsmon-maintenance"}
        while time.monotonic() < deadline and not wanted <= names:
            response = httpx.post(f"{api_url}/deployments/filter", json={}, timeout=10)
            names = {d["name"] for d in response.json()}
            time.sleep(0.5)
        assert wanted <= names, log_path.read_text()
    finally:
        code = stop(serve, signal.SIGINT)
        log.close()
    assert code == 0, log_path.read_text()
    assert (tmp_path / "prefect-home" / "newsmon" / "prefect" / "server.log").exists()
    with pytest.raises(httpx.HTTPError):  # the server it started is gone
        httpx.get(f"{api_url}/health", timeout=2)


def test_digest_rules_become_cron_schedules() -> None:
    daily = DigestRule(name="d", query="q", recipients=("a@b.example",), frequency="daily", time="07:00",
                       timezone="Europe/London")
    weekly = DigestRule(name="w", query="q", recipients=("a@b.example",), frequency="weekly", time="06:30",
                        weekday="friday")
    hourly = DigestRule(name="h", query="q", recipients=("a@b.example",), frequency="hourly", time="00:15")
    now = DigestRule(name="n", query="q", recipients=("a@b.example",))
    assert cron_for_rule(daily, 900) == ("0 7 * * *", None)
    assert cron_for_rule(weekly, 900) == ("30 6 * * 5", None)
    assert cron_for_rule(hourly, 900) == ("15 * * * *", None)
    assert cron_for_rule(now, 900) == (None, 900)


def test_prefect_yaml_deployments_point_at_real_flows() -> None:
    import importlib

    import yaml
    from prefect import Flow
    from prefect.cli.deploy._models import PrefectYamlModel

    model = PrefectYamlModel.model_validate(yaml.safe_load((PROJECT / "prefect.yaml").read_text(encoding="utf-8")))
    names = {d.name for d in model.deployments}
    assert {"newsmon-ingest", "newsmon-maintenance"} <= names
    for deployment in model.deployments:
        path, function = (deployment.entrypoint or "").split(":")
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        assert isinstance(getattr(module, function), Flow)
        assert deployment.concurrency_limit is not None and deployment.concurrency_limit.limit == 1  # type: ignore[union-attr]
