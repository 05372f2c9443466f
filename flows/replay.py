"""Replay server: serves the bundled demo corpus over real HTTP on 127.0.0.1, one virtual host per outlet."""

from __future__ import annotations

import gzip
import hashlib
import sys
import threading
import tomllib
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from flows.errors import ConfigError
from flows.settings import SEEDS_DIR

DEMO_DIR = SEEDS_DIR / "demo"


@dataclass(frozen=True, slots=True)
class Resource:
    """One servable file: its body, headers and the phase from which it is served."""

    host: str
    path: str  # path plus ?query when the manifest URL has one
    body: bytes
    content_type: str
    last_modified: datetime
    phase: int

    @property
    def etag(self) -> str:
        """A strong ETag from the bytes."""
        return '"' + hashlib.sha256(self.body).hexdigest()[:20] + '"'


def load_manifest(directory: Path = DEMO_DIR) -> tuple[list[Resource], dict[str, str]]:
    """Read manifest.toml: the resources and the outlets (host -> name)."""
    manifest = directory / "manifest.toml"
    try:
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{manifest}: cannot read demo manifest: {exc}") from None
    outlets = {o["host"].lower(): o.get("name", o["host"]) for o in data.get("outlet", [])}
    resources = []
    for item in data.get("resource", []):
        parts = urlsplit(item["url"])
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        stamp = datetime.fromisoformat(str(item.get("last_modified", "2025-01-01T00:00:00Z")).replace("Z", "+00:00"))
        resources.append(Resource(
            host=(parts.hostname or "").lower(), path=path, body=(directory / item["file"]).read_bytes(),
            content_type=item.get("content_type", "application/octet-stream"), last_modified=stamp,
            phase=int(item.get("phase", 1)),
        ))
    return resources, outlets


class _QuietServer(ThreadingHTTPServer):
    """A client hanging up a kept-alive connection is normal: no traceback on the console for it."""

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class ReplayServer:
    """A threaded HTTP server on 127.0.0.1 (random free port) serving the corpus by Host header and path."""

    def __init__(self, resources: list[Resource], *, phase: int = 1) -> None:
        self._resources = resources
        self.phase = phase
        self.requests: list[tuple[str, str, int]] = []  # (host, path, status), for tests and benchmarks
        self._lock = threading.Lock()
        handler = self._make_handler()
        self._httpd = _QuietServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="replay-server", daemon=True)

    @property
    def port(self) -> int:
        """The bound port."""
        return int(self._httpd.server_address[1])

    @property
    def hosts(self) -> list[str]:
        """Every virtual host in the corpus."""
        return sorted({r.host for r in self._resources})

    def resolve_map(self) -> tuple[tuple[str, str], ...]:
        """(host, '127.0.0.1:port') pairs for HttpSettings.resolve."""
        return tuple((host, f"127.0.0.1:{self.port}") for host in self.hosts)

    def lookup(self, host: str, path: str) -> Resource | None:
        """The resource served for host+path in the current phase (a later phase replaces an earlier one)."""
        bare = path.split("?", 1)[0]
        best: Resource | None = None
        for candidate_path in (path, bare):
            for resource in self._resources:
                if resource.host == host and resource.path == candidate_path and resource.phase <= self.phase:
                    if best is None or resource.phase > best.phase:
                        best = resource
            if best is not None:
                return best
        return None

    def start(self) -> ReplayServer:
        """Start serving in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _record(self, host: str, path: str, status: int) -> None:
        with self._lock:
            self.requests.append((host, path, status))

    def _make_handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet server
                return

            def do_GET(self) -> None:  # noqa: N802 - http.server API
                host = (self.headers.get("Host") or "").split(":", 1)[0].lower()
                resource = server.lookup(host, self.path)
                if resource is None:
                    self._send(404, b"not found", "text/plain; charset=utf-8", {})
                    server._record(host, self.path, 404)
                    return
                headers = {"ETag": resource.etag, "Last-Modified": format_datetime(resource.last_modified, usegmt=True),
                           "Cache-Control": "max-age=60"}
                if self._not_modified(resource):
                    self._send(304, b"", None, headers)
                    server._record(host, self.path, 304)
                    return
                body = resource.body
                if "gzip" in (self.headers.get("Accept-Encoding") or ""):
                    body = gzip.compress(body, mtime=0)
                    headers["Content-Encoding"] = "gzip"
                    headers["Vary"] = "Accept-Encoding"
                self._send(200, body, resource.content_type, headers)
                server._record(host, self.path, 200)

            def _not_modified(self, resource: Resource) -> bool:
                tag = self.headers.get("If-None-Match")
                if tag is not None:
                    return resource.etag in [t.strip() for t in tag.split(",")]
                since = self.headers.get("If-Modified-Since")
                if since:
                    try:
                        return resource.last_modified <= parsedate_to_datetime(since)
                    except (TypeError, ValueError):
                        return False
                return False

            def _send(self, status: int, body: bytes, content_type: str | None, headers: dict[str, str]) -> None:
                self.send_response(status)
                if content_type:
                    self.send_header("Content-Type", content_type)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    self.wfile.write(body)

        return Handler
