"""The one HTTP client: fetch(url) -> Fetched, with size and redirect limits, an SSRF guard and host overrides."""

from __future__ import annotations

import email.utils
import ipaddress
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import httpx

from flows.errors import PermanentError, TransientError
from flows.settings import HttpSettings

_TRANSIENT_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504, 520, 521, 522, 523, 524})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True, slots=True)
class Fetched:
    """A finished HTTP response: status 200 with its body, or 304 Not Modified with an empty body."""

    url: str  # the URL requested
    final_url: str  # after redirects
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def content_type(self) -> str | None:
        """The Content-Type header, if any."""
        return self.headers.get("content-type")


class _ResolvingTransport(httpx.HTTPTransport):
    """Connects to overridden addresses for some hosts (curl --resolve) while keeping the Host header."""

    def __init__(self, resolve: dict[str, tuple[str, int]], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._resolve = resolve

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        target = self._resolve.get(request.url.host.lower())
        if target is not None:
            request.url = request.url.copy_with(host=target[0], port=target[1])
        return super().handle_request(request)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class HttpClient:
    """A pooled httpx client with newsmon's limits; use as a context manager."""

    def __init__(self, settings: HttpSettings) -> None:
        self.settings = settings
        self._resolve = {
            host.lower(): (addr.rsplit(":", 1)[0], int(addr.rsplit(":", 1)[1])) for host, addr in settings.resolve
        }
        self._allow = {h.lower() for h in settings.allow_hosts}
        transport = _ResolvingTransport(self._resolve, retries=0)
        self._client = httpx.Client(
            transport=transport,
            timeout=httpx.Timeout(settings.timeout, connect=min(settings.timeout, 10.0)),
            follow_redirects=False,
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
            limits=httpx.Limits(max_connections=max(4, settings.concurrency * 2)),
        )

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close pooled connections."""
        self._client.close()

    def check_address(self, url: str) -> None:
        """Refuse URLs whose host resolves to loopback, private, link-local or reserved addresses (SSRF guard)."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise PermanentError(f"{url}: unsupported scheme {parts.scheme or '(none)'}")
        host = (parts.hostname or "").lower()
        if not host:
            raise PermanentError(f"{url}: no host")
        if host in self._allow:
            return
        if host in self._resolve:
            addresses = [self._resolve[host][0]]
        else:
            try:
                infos = socket.getaddrinfo(host, parts.port or (443 if parts.scheme == "https" else 80),
                                           type=socket.SOCK_STREAM)
            except socket.gaierror as exc:
                raise TransientError(f"{url}: cannot resolve host {host}: {exc.strerror}") from None
            addresses = [str(info[4][0]) for info in infos]
        for address in addresses:
            if address in self._allow:
                continue
            ip = ipaddress.ip_address(address.split("%", 1)[0])
            if not ip.is_global or ip.is_multicast:
                raise PermanentError(f"{url}: refused: {host} resolves to non-public address {address}")

    def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """GET a URL, following redirects by hand (each hop checked), enforcing the size limit while streaming."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        for _hop in range(self.settings.max_redirects + 1):
            self.check_address(current)
            try:
                with self._client.stream("GET", current, headers=headers) as response:
                    if response.status_code in _REDIRECTS and "location" in response.headers:
                        current = urljoin(current, response.headers["location"])
                        continue
                    return self._finish(url, current, response)
            except httpx.TimeoutException as exc:
                raise TransientError(f"{current}: timed out ({type(exc).__name__})") from None
            except httpx.DecodingError as exc:
                raise PermanentError(f"{current}: undecodable content encoding: {exc}") from None
            except httpx.TransportError as exc:
                raise TransientError(f"{current}: connection failed: {exc or type(exc).__name__}") from None
        raise PermanentError(f"{url}: more than {self.settings.max_redirects} redirects")

    def _finish(self, url: str, current: str, response: httpx.Response) -> Fetched:
        status = response.status_code
        headers = {k.lower(): v for k, v in response.headers.items()}
        if status == 304:
            return Fetched(url=url, final_url=current, status=304, headers=headers, body=b"")
        if status in _TRANSIENT_STATUS:
            raise TransientError(f"{current}: HTTP {status}",
                                 retry_after=parse_retry_after(headers.get("retry-after")))
        if status >= 400 or status < 200:
            raise PermanentError(f"{current}: HTTP {status}")
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.settings.max_bytes:
            raise PermanentError(f"{current}: too large ({declared} bytes > {self.settings.max_bytes})")
        chunks, size = [], 0
        for chunk in response.iter_bytes():  # decoded bytes: a gzip bomb hits the limit too
            size += len(chunk)
            if size > self.settings.max_bytes:
                raise PermanentError(f"{current}: too large (over {self.settings.max_bytes} bytes)")
            chunks.append(chunk)
        return Fetched(url=url, final_url=current, status=status, headers=headers, body=b"".join(chunks))
