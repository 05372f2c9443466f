"""Sharded ingest on Prefect workers into a DuckLake: a parent flow fans the feeds out to child deployment runs.

Topology and commands: docs/scale-out.md. The parent ("ingest-sharded") splits the configured feeds into shards
and starts one run of the "ingest-shard" deployment per shard with run_deployment; any worker of the process work
pool picks each up. A shard seeds a local DuckDB staging file from the lake (its feeds' state and articles), runs
the ordinary ingest pipeline into it, and publishes what changed in one DuckLake transaction (warehouse.backend:
conflicting writers retry, nothing is lost or stored twice). When every shard has finished, the parent runs the
cluster-merge pass, so near-copies that reached different shards at the same moment end in one cluster.
"""

from __future__ import annotations

import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run

from flows.errors import NewsmonError
from flows.ingest import run_ingest
from flows.settings import FeedConfig, Settings, load_settings
from warehouse.backend import (
    LakeTarget,
    connect_lake,
    ensure_lake,
    merge_clusters,
    publish_staging,
    seed_staging,
)

SHARD_FLOW = "ingest-shard"
SHARD_DEPLOYMENT = "newsmon-shard"


def split_feeds(feeds: tuple[FeedConfig, ...], shards: int) -> list[tuple[FeedConfig, ...]]:
    """Deal the feeds (sorted by URL) round-robin into `shards` lists: balanced, the same split every run."""
    if shards < 1:
        raise NewsmonError(f"shards must be at least 1, not {shards}")
    ordered = sorted(feeds, key=lambda f: f.url)
    return [tuple(ordered[i::shards]) for i in range(shards)]


def lake_settings(config: str) -> tuple[Settings, LakeTarget]:
    """Settings from a config file whose [warehouse] says backend = "ducklake", and the lake it names."""
    settings = load_settings(Path(config))
    if settings.warehouse.backend != "ducklake":
        raise NewsmonError(f"{config}: sharded ingest needs [warehouse] backend = \"ducklake\"")
    return settings, settings.warehouse.lake()


@dataclass(slots=True)
class ShardResult:
    """What one shard did: the ingest counts into its staging file and what it published."""

    shard: int
    feeds: int
    line: str
    new: int = 0
    duplicate: int = 0
    rejected: int = 0
    published_new: int = 0
    published_updated: int = 0
    taken_by_other_shard: int = 0
    publish_attempts: int = 1
    seconds: float = 0.0
    seeded: dict[str, int] = field(default_factory=dict)


def run_shard(config: str, shard: int, shards: int, run_id: str | None = None) -> ShardResult:
    """One shard: seed a staging file from the lake, ingest its feeds into it, publish the changes."""
    started = time.perf_counter()
    settings, lake = lake_settings(config)
    feeds = split_feeds(settings.feeds, shards)[shard]
    run_id = run_id or str(uuid.uuid4())
    ensure_lake(lake)
    with tempfile.TemporaryDirectory(prefix=f"newsmon-shard{shard}-") as tmp:
        staging = Path(tmp) / "staging.duckdb"
        seeded = seed_staging(staging, lake, [f.url for f in feeds])
        summary = run_ingest(settings.with_overrides(db=staging, feeds=feeds), run_id)
        published = publish_staging(staging, lake)
    return ShardResult(shard=shard, feeds=len(feeds), line=f"shard {shard}/{shards}: {summary.line()}; "
                       f"{published.line()}", new=summary.new, duplicate=summary.duplicate,
                       rejected=summary.rejected, published_new=published.articles_new,
                       published_updated=published.articles_updated,
                       taken_by_other_shard=published.articles_taken, publish_attempts=published.attempts,
                       seconds=time.perf_counter() - started, seeded=seeded)


@flow(name=SHARD_FLOW, validate_parameters=False)
def ingest_shard(config: str, shard: int, shards: int) -> dict[str, Any]:
    """Child flow, run by a worker: ingest one shard of the feeds into a staging file, publish it to the lake."""
    result = run_shard(config, shard, shards, str(flow_run.get_id() or uuid.uuid4()))
    get_run_logger().info(result.line)
    create_markdown_artifact(key=f"ingest-shard-{shard}",
                             markdown=f"# newsmon shard {shard}/{shards}\n\n{result.line}\n", description=result.line)
    return {k: getattr(result, k) for k in result.__slots__}  # type: ignore[attr-defined]


def deploy_shard_flow(work_pool: str) -> str:
    """Register (or update) the ingest-shard deployment on a process work pool; returns its full name.

    The entrypoint is a module path (flows.shard.ingest_shard), so every worker runs the newsmon it has
    installed: no image, no code storage.
    """
    from prefect.types.entrypoint import EntrypointType

    ingest_shard.deploy(name=SHARD_DEPLOYMENT, work_pool_name=work_pool,
                        entrypoint_type=EntrypointType.MODULE_PATH, print_next_steps=False, build=False, push=False, ignore_warnings=True,
                        tags=["newsmon", "scale-out"])
    return f"{SHARD_FLOW}/{SHARD_DEPLOYMENT}"


def wait_for_runs(run_ids: list[Any], timeout: float, poll: float = 2.0) -> list[Any]:
    """Poll the API until every flow run is in a final state (or raise after timeout seconds)."""
    from prefect.client.orchestration import get_client

    deadline = time.monotonic() + timeout
    with get_client(sync_client=True) as client:
        while True:
            runs = [client.read_flow_run(run_id) for run_id in run_ids]
            if all(r.state is not None and r.state.is_final() for r in runs):
                return runs
            if time.monotonic() > deadline:
                pending = [r.name for r in runs if r.state is None or not r.state.is_final()]
                raise NewsmonError(f"shard runs not finished after {timeout:g} s: {', '.join(pending)}")
            time.sleep(poll)


def run_sharded(config: str, shards: int | None = None, *, timeout: float = 3600.0,
                deployment: str = f"{SHARD_FLOW}/{SHARD_DEPLOYMENT}",
                pass_id: str | None = None) -> list[str]:
    """Start one child deployment run per shard, wait for all, then the cluster-merge pass; the summary lines."""
    from prefect.client.schemas.objects import FlowRun
    from prefect.deployments import run_deployment

    settings, lake = lake_settings(config)
    count = shards or settings.warehouse.shards
    ensure_lake(lake)  # once here, so the shards do not race to create the tables
    children: list[FlowRun] = [
        run_deployment(deployment, timeout=0, flow_run_name=f"shard-{i}-of-{count}",
                       parameters={"config": str(Path(config).resolve()), "shard": i, "shards": count})
        for i in range(count)]
    finished = wait_for_runs([child.id for child in children], timeout)
    failed = [f"{c.name}: {c.state.name if c.state else 'no state'}" for c in finished
              if c.state is None or not c.state.is_completed()]
    with connect_lake(lake, read_only=True) as con:  # each shard's run row, published with its articles
        summaries = dict(con.execute("SELECT run_id, summary FROM runs WHERE run_id IN (SELECT unnest(?))",
                                     [[str(c.id) for c in finished]]).fetchall())
    lines = [f"{c.name}: {summaries.get(str(c.id)) or (c.state.name if c.state else 'no state')}"
             for c in finished]
    merged = merge_clusters(lake, pass_id or str(uuid.uuid4()))  # also after a failed shard: the others published
    lines.append(merged.line())
    if failed:
        raise NewsmonError(f"{len(failed)} of {count} shard runs did not complete: {'; '.join(failed)}")
    return lines


@flow(name="ingest-sharded", validate_parameters=False)
def ingest_sharded(config: str, shards: int | None = None, timeout: float = 3600.0) -> list[str]:
    """Parent flow: fan the feeds out to ingest-shard runs on the work pool, then merge clusters across them."""
    lines = run_sharded(config, shards, timeout=timeout, pass_id=str(flow_run.get_id() or uuid.uuid4()))
    logger = get_run_logger()
    for line in lines:
        logger.info(line)
    create_markdown_artifact(key="ingest-sharded", markdown="# newsmon sharded ingest\n\n" +
                             "\n".join(f"- {line}" for line in lines) + "\n", description=lines[-1])
    return lines
