"""One frozen Settings built from newsmon.toml plus NEWSMON_* environment variables; secrets only from the environment."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from flows.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_ROOT / "seeds"
DEFAULT_FEEDS_FILE = SEEDS_DIR / "feeds.toml"
FREQUENCIES = ("immediate", "hourly", "daily", "weekly")


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedConfig:
    """One configured feed."""

    url: str
    name: str | None = None
    outlet: str | None = None
    kind: str = "live"


@dataclass(frozen=True, slots=True, kw_only=True)
class DigestRule:
    """A digest rule: which articles, to whom, how often."""

    name: str
    query: str
    recipients: tuple[str, ...]
    frequency: str = "immediate"


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
    timeout: float = 20.0
    max_bytes: int = 15_000_000
    max_redirects: int = 5
    concurrency: int = 8
    allow_hosts: tuple[str, ...] = ()  # hosts or IPs allowed even when they resolve to private addresses
    resolve: tuple[tuple[str, str], ...] = ()  # (host, "ip:port") overrides, like curl --resolve


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Everything a run needs, immutable."""

    db: Path = Path("newsmon.duckdb")
    outbox: Path = Path("outbox")
    feeds: tuple[FeedConfig, ...] = ()
    relevance_threshold: float = 0.3
    http: HttpSettings = field(default_factory=HttpSettings)
    smtp: SmtpSettings | None = None
    rules: tuple[DigestRule, ...] = ()
    digest_sender: str = "newsmon@localhost"

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


def _parse_rules(path: Path, raw: Any) -> tuple[DigestRule, ...]:
    rules = []
    for index, item in enumerate(raw or []):
        where = f"{path}: digest rule #{index + 1}"
        if not isinstance(item, dict):
            raise ConfigError(f"{where} is not a table")
        name, query = item.get("name"), item.get("query")
        recipients = item.get("recipients", [])
        if not isinstance(name, str) or not name:
            raise ConfigError(f"{where} needs a name")
        if not isinstance(query, str) or not query.strip():
            raise ConfigError(f"{where} ({name}) needs a query")
        if not isinstance(recipients, list) or not recipients or not all("@" in str(r) for r in recipients):
            raise ConfigError(f"{where} ({name}) needs recipients = [\"someone@example.org\", ...]")
        frequency = item.get("frequency", "immediate")
        if frequency not in FREQUENCIES:
            raise ConfigError(f"{where} ({name}): frequency must be one of {', '.join(FREQUENCIES)}")
        rules.append(DigestRule(name=name, query=query, recipients=tuple(map(str, recipients)), frequency=frequency))
    return tuple(rules)


def smtp_from_env(env: dict[str, str] | os._Environ[str] = os.environ) -> SmtpSettings | None:
    """SMTP settings from NEWSMON_SMTP_HOST/_PORT/_USER/_PASSWORD/_STARTTLS/_SSL/_FROM, or None."""
    host = env.get("NEWSMON_SMTP_HOST")
    if not host:
        return None
    port_text = env.get("NEWSMON_SMTP_PORT", "")
    try:
        port = int(port_text) if port_text else 25
    except ValueError:
        raise ConfigError(f"NEWSMON_SMTP_PORT: not a port number: {port_text!r}") from None
    truthy = ("1", "true", "yes", "on")
    return SmtpSettings(
        host=host, port=port, user=env.get("NEWSMON_SMTP_USER") or None,
        password=env.get("NEWSMON_SMTP_PASSWORD") or None,
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
    http = HttpSettings(
        user_agent=http_raw.get("user_agent", HttpSettings.user_agent),
        timeout=float(http_raw.get("timeout", HttpSettings.timeout)),
        max_bytes=int(http_raw.get("max_bytes", HttpSettings.max_bytes)),
        max_redirects=int(http_raw.get("max_redirects", HttpSettings.max_redirects)),
        concurrency=int(http_raw.get("concurrency", HttpSettings.concurrency)),
        allow_hosts=tuple(http_raw.get("allow_hosts", ())),
    )
    smtp = smtp_from_env(env)
    sender = (smtp.sender if smtp else None) or data.get("digest", {}).get("from", "newsmon@localhost")
    return Settings(
        db=db if db.is_absolute() or config is None else base / db,
        outbox=Path(main.get("outbox", "outbox")),
        feeds=feeds,
        relevance_threshold=float(main.get("relevance_threshold", 0.3)),
        http=http,
        smtp=smtp,
        rules=_parse_rules(config or Path("newsmon.toml"), data.get("digest", {}).get("rule")),
        digest_sender=sender,
    )
