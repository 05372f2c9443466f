"""robots.txt for article pages: fetched once per site per process through HttpClient, read by urllib.robotparser."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from flows.errors import PermanentError, TransientError
from flows.http import HttpClient, HttpStatusError

ROBOTS_TOKEN = "newsmon"  # the product token robots.txt groups are matched against
_TTL = 3600.0  # seconds a robots.txt verdict is reused (RFC 9309 suggests at most 24 h)
_UNREACHABLE_TTL = 300.0


@dataclass(frozen=True, slots=True)
class _Verdict:
    parser: RobotFileParser | None  # None: allow everything (robots.txt missing)
    disallow_all: bool  # robots.txt unreachable (5xx, timeout): RFC 9309 says assume complete disallow
    expires: float
    reason: str


class RobotsPolicy:
    """Answers "may newsmon fetch this page?" for each site, caching robots.txt per scheme://host:port."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._site_locks: dict[str, threading.Lock] = {}
        self._cache: dict[str, _Verdict] = {}

    def clear(self) -> None:
        """Forget every cached robots.txt."""
        with self._lock:
            self._cache.clear()

    def check(self, client: HttpClient, url: str) -> str | None:
        """None when url may be fetched, else the reason it may not (robots.txt disallows it or is unreachable)."""
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc.lower()}"
        verdict = self._verdict(client, site)
        if verdict.disallow_all:
            return f"{url}: not fetched: {verdict.reason}"
        if verdict.parser is None:
            return None
        if not verdict.parser.can_fetch(ROBOTS_TOKEN, url):
            return f"{url}: disallowed by {site}/robots.txt"
        return None

    def _verdict(self, client: HttpClient, site: str) -> _Verdict:
        with self._lock:
            cached = self._cache.get(site)
            if cached is not None and cached.expires > time.monotonic():
                return cached
            site_lock = self._site_locks.setdefault(site, threading.Lock())
        with site_lock:  # one fetch per site even when many page threads ask at once
            with self._lock:
                cached = self._cache.get(site)
                if cached is not None and cached.expires > time.monotonic():
                    return cached
            verdict = fetch_robots(client, site)
            with self._lock:
                self._cache[site] = verdict
            return verdict


def fetch_robots(client: HttpClient, site: str) -> _Verdict:
    """Fetch and parse site/robots.txt under RFC 9309: 4xx allows all, 5xx or no answer disallows all for now."""
    url = f"{site}/robots.txt"
    now = time.monotonic()
    try:
        fetched = client.fetch(url, kind="robots")
    except HttpStatusError as exc:
        if 400 <= exc.status < 500:
            return _Verdict(None, False, now + _TTL, f"{url}: HTTP {exc.status}, no rules")
        return _Verdict(None, True, now + _UNREACHABLE_TTL, f"{url} unreachable (HTTP {exc.status})")
    except TransientError as exc:
        return _Verdict(None, True, now + _UNREACHABLE_TTL, f"robots.txt unreachable ({exc})")
    except PermanentError as exc:  # refused address, not text, oversize: no usable rules
        return _Verdict(None, False, now + _TTL, f"{url}: unusable ({exc})")
    text = fetched.body[:512_000].decode("utf-8", errors="replace")  # RFC 9309: at least 500 KiB are parsed
    parser = RobotFileParser(url)
    parser.parse(text.splitlines())
    delay = parser.crawl_delay(ROBOTS_TOKEN)
    if delay:
        client.set_crawl_delay(url, float(delay))
    return _Verdict(parser, False, now + _TTL, f"{url}: parsed")


ROBOTS = RobotsPolicy()
