"""One frozen Settings built from newsmon.toml plus NEWSMON_* environment variables; secrets only from the environment."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from flows.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_ROOT / "seeds"
DEFAULT_FEEDS_FILE = SEEDS_DIR / "feeds.toml"
FREQUENCIES = ("immediate", "hourly", "daily", "weekly")
LOAD_BATCH_PAGES = 500  # pages per load transaction unless configured: see Settings.load_batch_pages


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedConfig:
    """One configured feed."""

    url: str
    name: str | None = None
    outlet: str | None = None
    kind: str = "live"


@dataclass(frozen=True, slots=True, kw_only=True)
class DigestRule:
    """A digest rule: which stories (a query, or a spike of an entity/topic), to whom, how often."""

    name: str
    query: str  # parsers.query syntax; may be "" for a spike rule (then every story counts)
    recipients: tuple[str, ...]
    frequency: str = "immediate"  # immediate (each run), hourly, daily, weekly
    time: str = "08:00"  # daily/weekly: local time HH:MM in `timezone`
    timezone: str = "UTC"  # IANA name: Europe/London
    weekday: str = "monday"  # weekly
    spike: str | None = None  # "entity" or "topic": send when one's stories today exceed factor x 7-day mean
    spike_factor: float = 3.0
    spike_min: int = 3  # fewest stories today for a spike


@dataclass(frozen=True, slots=True, kw_only=True)
class SmtpSettings:
    """SMTP delivery; None in Settings.smtp means 'write .eml files to the outbox'."""

    host: str
    port: int = 25
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = False
    ssl: bool = False
    sender: str = "newsmon@localhost"


@dataclass(frozen=True, slots=True, kw_only=True)
class HttpSettings:
    """HTTP client limits and identity."""

    user_agent: str = "newsmon/0.1 (+https://github.com/newsmon/newsmon)"
    contact: str | None = None  # an email or URL: appended to the User-Agent and sent as From
    timeout: float = 20.0  # read timeout (seconds between bytes)
    connect_timeout: float = 10.0
    total_timeout: float = 60.0  # a whole response must arrive within this (slow-drip servers)
    max_bytes: int = 15_000_000  # after decompression
    max_redirects: int = 5
    concurrency: int = 8
    per_host_concurrency: int = 2
    per_host_interval: float = 1.0  # seconds between request starts to one host (robots Crawl-delay can raise it)
    robots: bool = True  # honour robots.txt for article pages
    allow_hosts: tuple[str, ...] = ()  # hosts or IPs allowed even when they resolve to private addresses
    resolve: tuple[tuple[str, str], ...] = ()  # (host, "ip:port") overrides, like curl --resolve

    @property
    def identity(self) -> str:
        """The User-Agent sent: names newsmon and, when configured, a contact."""
        return f"{self.user_agent} ({self.contact})" if self.contact else self.user_agent


@dataclass(frozen=True, slots=True, kw_only=True)
class ScheduleSettings:
    """When `newsmon serve` runs each flow, and how feeds are paced and retired between runs."""

    ingest_interval: float = 900.0  # seconds between scheduled ingest runs
    maintenance_cron: str = "30 3 * * *"  # nightly FTS refresh and compaction
    timezone: str = "Europe/London"  # for the maintenance cron
    min_poll_interval: float = 300.0  # a busy feed is polled at most this often (scheduled runs)
    max_poll_interval: float = 21_600.0  # a quiet feed is polled at least this often
    failure_backoff: float = 300.0  # first retry delay after a failed poll, doubled each time (with jitter)
    max_backoff: float = 86_400.0
    disable_after: int = 10  # consecutive failures before a feed is disabled and reported
    lock_stale_after: float = 3_600.0  # a run lock without a heartbeat for this long is taken over


@dataclass(frozen=True, slots=True, kw_only=True)
class WarehouseSettings:
    """[warehouse]: the embedded DuckDB file (default), or a DuckLake (PostgreSQL catalog + Parquet data path)."""

    backend: str = "duckdb"  # "duckdb" | "ducklake" (docs/scale-out.md)
    catalog: str = ""  # ducklake: libpq DSN of the catalog database; $NEWSMON_LAKE_CATALOG overrides (passwords)
    data_path: str = ""  # ducklake: a local or shared directory, or s3://bucket/prefix/ (httpfs)
    shards: int = 2  # ducklake: child runs the sharded ingest starts
    work_pool: str = "newsmon"  # ducklake: the Prefect process work pool the shard runs go to

    def lake(self) -> Any:
        """The warehouse.backend.LakeTarget this section describes (ducklake only)."""
        from warehouse.backend import LakeTarget

        if self.backend != "ducklake" or not self.catalog or not self.data_path:
            raise ConfigError("[warehouse] backend = \"ducklake\" needs catalog (or NEWSMON_LAKE_CATALOG) and data_path")
        return LakeTarget(catalog=self.catalog, data_path=self.data_path)


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Everything a run needs, immutable."""

    db: Path = Path("newsmon.duckdb")
    outbox: Path = Path("outbox")
    feeds: tuple[FeedConfig, ...] = ()
    relevance_threshold: float = 0.3
    http: HttpSettings = field(default_factory=HttpSettings)
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)
    smtp: SmtpSettings | None = None
    rules: tuple[DigestRule, ...] = ()
    digest_sender: str = "newsmon@localhost"
    parse_workers: int = 0  # processes that parse pages in big batches; 0 = one per CPU core, 1 = parse in-process
    # pages per load transaction: fewer file opens and checkpoints, at most this many redone
    load_batch_pages: int = LOAD_BATCH_PAGES
    warehouse: WarehouseSettings = field(default_factory=WarehouseSettings)

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with some fields replaced (CLI flags)."""
        return replace(self, **changes)


def load_feeds_file(path: Path, kinds: tuple[str, ...] | None = None) -> tuple[FeedConfig, ...]:
    """Read [[feed]] tables from a TOML file, keeping those of the given kinds."""
    data = _read_toml(path)
    feeds = []
    for index, item in enumerate(data.get("feed", [])):
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            raise ConfigError(f"{path}: feed #{index + 1} has no url")
        feed = FeedConfig(url=item["url"], name=item.get("name"), outlet=item.get("outlet"),
                          kind=item.get("kind", "live"))
        if kinds is None or feed.kind in kinds:
            feeds.append(feed)
    return tuple(feeds)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


_RULE_KEYS = {"name", "query", "recipients", "frequency", "time", "timezone", "weekday", "spike", "factor",
              "min_mentions"}
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _parse_rule(where: str, item: dict[str, Any]) -> DigestRule:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from parsers.query import QueryError, parse_query

    name, query = item.get("name"), item.get("query", "")
    recipients = item.get("recipients", [])
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where} needs a name")
    where = f"{where} ({name})"
    unknown = sorted(set(item) - _RULE_KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r}; known keys: {', '.join(sorted(_RULE_KEYS))}")
    spike = item.get("spike")
    if spike is not None and spike not in ("entity", "topic"):
        raise ConfigError(f"{where}: spike must be \"entity\" or \"topic\", not {spike!r}")
    if not isinstance(query, str) or (not query.strip() and spike is None):
        raise ConfigError(f"{where} needs a query (or spike = \"entity\" / \"topic\")")
    if query.strip():
        try:
            parse_query(query)
        except QueryError as exc:
            raise ConfigError(f"{where}: query {query!r}: {exc}") from None
    if not isinstance(recipients, list) or not recipients or not all(
            isinstance(r, str) and "@" in r and " " not in r.strip() for r in recipients):
        raise ConfigError(f"{where} needs recipients = [\"someone@example.org\", ...]")
    frequency = item.get("frequency", "immediate")
    if frequency not in FREQUENCIES:
        raise ConfigError(f"{where}: frequency must be one of {', '.join(FREQUENCIES)}, not {frequency!r}")
    time_text = item.get("time", "08:00")
    if not isinstance(time_text, str) or not _TIME.match(time_text):
        raise ConfigError(f"{where}: time must be HH:MM (24-hour), not {time_text!r}")
    timezone = item.get("timezone", "UTC")
    try:
        ZoneInfo(str(timezone))
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{where}: unknown timezone {timezone!r} (an IANA name: Europe/London)") from None
    weekday = str(item.get("weekday", "monday")).lower()
    if weekday not in WEEKDAYS:
        raise ConfigError(f"{where}: weekday must be one of {', '.join(WEEKDAYS)}, not {weekday!r}")
    factor, minimum = item.get("factor", 3.0), item.get("min_mentions", 3)
    if isinstance(factor, bool) or not isinstance(factor, int | float) or factor <= 0:
        raise ConfigError(f"{where}: factor must be a number above 0, not {factor!r}")
    if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 1:
        raise ConfigError(f"{where}: min_mentions must be a whole number, at least 1, not {minimum!r}")
    recipients = [r.strip() for r in recipients]
    return DigestRule(name=name.strip(), query=query.strip(), recipients=tuple(recipients),
                      frequency=frequency, time=time_text, timezone=str(timezone), weekday=weekday,
                      spike=spike, spike_factor=float(factor), spike_min=minimum)


def _parse_rules(path: Path, raw: Any) -> tuple[DigestRule, ...]:
    if raw is not None and not isinstance(raw, list):
        raise ConfigError(f"{path}: [[digest.rule]] must be an array of tables")
    rules: list[DigestRule] = []
    for index, item in enumerate(raw or []):
        where = f"{path}: digest rule #{index + 1}"
        if not isinstance(item, dict):
            raise ConfigError(f"{where} is not a table")
        rule = _parse_rule(where, item)
        if any(r.name == rule.name for r in rules):
            raise ConfigError(f"{where}: the name {rule.name!r} is used by another rule")
        rules.append(rule)
    return tuple(rules)


def _section_values(path: Path, section: str, raw: Any, cls: type) -> dict[str, Any]:
    """Typed keyword arguments for an [http] or [schedule] table: unknown keys and wrong types are errors."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: [{section}] must be a table")
    defaults = {f.name: f.default for f in fields(cls)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in defaults:
            raise ConfigError(f"{path}: [{section}] unknown key {key!r}; known keys: {', '.join(sorted(defaults))}")
        default = defaults[key]
        where = f"{path}: [{section}] {key}"
        if key == "resolve":  # {"host" = "ip:port"}, like curl --resolve host:port:ip
            if not isinstance(value, dict) or not all(
                    isinstance(v, str) and v.rsplit(":", 1)[-1].isdigit() for v in value.values()):
                raise ConfigError(f"{where} must be a table of \"host\" = \"ip:port\"")
            values[key] = tuple((str(h).lower(), v) for h, v in value.items())
        elif isinstance(default, tuple):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where} must be a list of strings")
            values[key] = tuple(value)
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise ConfigError(f"{where} must be true or false")
            values[key] = value
        elif isinstance(default, int | float):
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ConfigError(f"{where} must be a number of at least 0, not {value!r}")
            values[key] = type(default)(value)
        else:  # strings, and optional strings such as contact
            if not isinstance(value, str):
                raise ConfigError(f"{where} must be a string")
            values[key] = value
    return values


def read_secret_block(name: str) -> str:
    """The value of a Prefect Secret block (for teams that keep secrets in their Prefect server)."""
    from prefect.blocks.system import Secret

    try:
        value = Secret.load(name).get()
    except ValueError as exc:
        raise ConfigError(f"NEWSMON_SMTP_PASSWORD_BLOCK: cannot load Prefect Secret block {name!r}: "
                          f"{str(exc).splitlines()[0]}") from None
    return str(value)


def smtp_from_env(env: dict[str, str] | os._Environ[str] = os.environ) -> SmtpSettings | None:
    """SMTP settings from NEWSMON_SMTP_HOST/_PORT/_USER/_PASSWORD (or _PASSWORD_BLOCK, a Prefect Secret block
    name)/_STARTTLS/_SSL/_FROM, or None."""
    host = env.get("NEWSMON_SMTP_HOST")
    if not host:
        return None
    port_text = env.get("NEWSMON_SMTP_PORT", "")
    try:
        port = int(port_text) if port_text else 25
    except ValueError:
        raise ConfigError(f"NEWSMON_SMTP_PORT: not a port number: {port_text!r}") from None
    truthy = ("1", "true", "yes", "on")
    password = env.get("NEWSMON_SMTP_PASSWORD") or None
    block = env.get("NEWSMON_SMTP_PASSWORD_BLOCK")
    if password is None and block:
        password = read_secret_block(block)
    return SmtpSettings(
        host=host, port=port, user=env.get("NEWSMON_SMTP_USER") or None,
        password=password,
        starttls=env.get("NEWSMON_SMTP_STARTTLS", "").lower() in truthy,
        ssl=env.get("NEWSMON_SMTP_SSL", "").lower() in truthy,
        sender=env.get("NEWSMON_SMTP_FROM", "newsmon@localhost"),
    )


def load_settings(config: Path | None = None, *, env: dict[str, str] | os._Environ[str] = os.environ) -> Settings:
    """Build Settings from a newsmon.toml (optional) and the environment."""
    data: dict[str, Any] = {}
    base = Path.cwd()
    if config is not None:
        data = _read_toml(config)
        base = config.resolve().parent
        if "smtp" in data and "password" in data["smtp"]:
            raise ConfigError(f"{config}: put the SMTP password in NEWSMON_SMTP_PASSWORD, never in the config file")
    main = data.get("newsmon", {})
    http_raw = data.get("http", {})
    feeds: tuple[FeedConfig, ...] = ()
    for item in data.get("feed", []):
        if not isinstance(item, dict) or "url" not in item:
            raise ConfigError(f"{config}: every [[feed]] needs a url")
        feeds += (FeedConfig(url=item["url"], name=item.get("name"), outlet=item.get("outlet"),
                             kind=item.get("kind", "live")),)
    feeds_file = main.get("feeds_file")
    if feeds_file:
        feeds += load_feeds_file(base / feeds_file, tuple(main.get("feed_kinds", ["live"])))
    if config is None:
        feeds = load_feeds_file(DEFAULT_FEEDS_FILE, ("live",))
    db = Path(env.get("NEWSMON_DB") or main.get("db") or "newsmon.duckdb")
    where = config or Path("newsmon.toml")
    http = HttpSettings(**_section_values(where, "http", http_raw, HttpSettings))
    schedule = ScheduleSettings(**_section_values(where, "schedule", data.get("schedule", {}), ScheduleSettings))
    smtp = smtp_from_env(env)
    sender = (smtp.sender if smtp else None) or data.get("digest", {}).get("from", "newsmon@localhost")
    return Settings(
        db=db if db.is_absolute() or config is None else base / db,
        outbox=Path(main.get("outbox", "outbox")),
        feeds=feeds,
        relevance_threshold=float(main.get("relevance_threshold", 0.3)),
        parse_workers=int(main.get("parse_workers", 0)),
        load_batch_pages=max(1, int(main.get("load_batch_pages", LOAD_BATCH_PAGES))),
        http=http,
        schedule=schedule,
        smtp=smtp,
        rules=_parse_rules(config or Path("newsmon.toml"), data.get("digest", {}).get("rule")),
        digest_sender=sender,
        warehouse=_warehouse_settings(where, data.get("warehouse", {}), env),
    )


def _warehouse_settings(path: Path, raw: Any, env: dict[str, str] | os._Environ[str]) -> WarehouseSettings:
    values = _section_values(path, "warehouse", raw, WarehouseSettings)
    if env.get("NEWSMON_LAKE_CATALOG"):
        values["catalog"] = env["NEWSMON_LAKE_CATALOG"]
    if values.get("backend", "duckdb") not in ("duckdb", "ducklake"):
        raise ConfigError(f"{path}: [warehouse] backend must be \"duckdb\" or \"ducklake\", not {values['backend']!r}")
    return WarehouseSettings(**values)
