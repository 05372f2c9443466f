"""A fault-injecting HTTP server on 127.0.0.1 for tests: slow, truncated, oversize, bombs, redirects, errors, 304s."""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FEED_TYPE = "application/rss+xml; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"


@dataclass
class Reply:
    """What the server answers for one route. Fields combine: a delayed, gzip-encoded 503 with Retry-After, etc."""

    status: int = 200
    body: bytes = b""
    content_type: str | None = HTML_TYPE
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the status line
    drip: float = 0.0  # seconds between body chunks of drip_size bytes (a slow-drip server)
    drip_size: int = 1
    truncate_at: int | None = None  # announce the whole length, send this many bytes, close
    no_length: bool = False  # no Content-Length: the body ends when the connection closes
    gzip: bool = False  # Content-Encoding: gzip (body is compressed here)
    raw_encoded: bytes | None = None  # send these bytes as the (already encoded) body instead
    conditional: bool = False  # send an ETag/Last-Modified from the body and answer 304 when they match


def make_gzip_bomb(decoded_bytes: int) -> bytes:
    """A gzip stream of decoded_bytes zero bytes (about 1000:1), built without holding the decoded data."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * 1_048_576
    parts = []
    for _ in range(decoded_bytes // len(block)):
        parts.append(compressor.compress(block))
    parts.append(compressor.flush())
    return b"".join(parts)


def make_rss(items: list[tuple[str, str]], title: str = "Fault feed") -> bytes:
    """An RSS 2.0 document with (title, link) items."""
    entries = "".join(f"<item><title>{t}</title><link>{link}</link><guid>{link}</guid>"
                      f"<pubDate>Mon, 03 Feb 2025 10:00:00 GMT</pubDate></item>" for t, link in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>http://example.invalid/</link><description>d</description>{entries}</channel></rss>").encode()


def make_article(title: str, paragraphs: list[str], charset: str = "utf-8") -> bytes:
    """A plain news article page."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    page = (f'<!doctype html><html lang="en"><head><meta charset="{charset}"><title>{title}</title>'
            f'<meta property="og:title" content="{title}"><meta property="og:site_name" content="Fault Gazette">'
            f'<meta property="article:published_time" content="2025-02-03T10:00:00Z"></head><body>'
            f"<header><nav>Home | News</nav></header><article><h1>{title}</h1>{body}</article>"
            f"<footer>Fault Gazette</footer></body></html>")
    return page.encode(charset)


class FaultServer:
    """A threaded HTTP/1.1 server on 127.0.0.1 (free port); routes map a path (or host+path) to a Reply.

    A route may be a Reply, a list of Replies served in turn (the last one repeats), or a callable returning one.
    Every request is recorded as (method, path, headers) for assertions.
    """

    def __init__(self) -> None:
        self.routes: dict[str, Reply | list[Reply] | Callable[[], Reply]] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.started: list[tuple[str, float]] = []  # (path, time.monotonic()) of each request's arrival
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._make_handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fault-server", daemon=True)

    @property
    def port(self) -> int:
        """The bound port."""
        return int(self._httpd.server_address[1])

    def url(self, path: str) -> str:
        """http://127.0.0.1:port/path."""
        return f"http://127.0.0.1:{self.port}{path}"

    def count(self, path: str) -> int:
        """How many requests reached path."""
        with self._lock:
            return sum(1 for _, p, _ in self.requests if p == path)

    def start(self) -> FaultServer:
        """Serve in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _reply_for(self, path: str) -> Reply | None:
        with self._lock:
            route = self.routes.get(path)
            if isinstance(route, list):
                return route.pop(0) if len(route) > 1 else route[0]
        return route() if callable(route) else route

    def _make_handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet server
                return

            def handle(self) -> None:
                try:
                    super().handle()
                except (TimeoutError, ConnectionResetError, BrokenPipeError):
                    pass  # the client gave up (a limit tripped): expected in these tests

            def do_GET(self) -> None:  # noqa: N802 - http.server API
                with server._lock:
                    server.requests.append(("GET", self.path, {k.lower(): v for k, v in self.headers.items()}))
                    server.started.append((self.path, time.monotonic()))
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    reply = server._reply_for(self.path)
                    if reply is None:
                        reply = Reply(status=404, body=b"not found", content_type="text/plain")
                    self._answer(reply)
                except (TimeoutError, BrokenPipeError, ConnectionResetError):
                    self.close_connection = True
                finally:
                    with server._lock:
                        server.in_flight -= 1

            def _answer(self, reply: Reply) -> None:
                if reply.delay:
                    time.sleep(reply.delay)
                headers = dict(reply.headers)
                status = reply.status
                body = reply.body
                if reply.conditional:
                    tag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                    headers.setdefault("ETag", tag)
                    headers.setdefault("Last-Modified", "Mon, 03 Feb 2025 10:00:00 GMT")
                    if self.headers.get("If-None-Match") == tag:
                        status, body = 304, b""
                if reply.raw_encoded is not None:
                    body = reply.raw_encoded
                elif reply.gzip and body:
                    body = gzip.compress(body, mtime=0)
                if reply.gzip or reply.raw_encoded is not None:
                    headers.setdefault("Content-Encoding", "gzip")
                self.send_response(status)
                if reply.content_type and status != 304:
                    self.send_header("Content-Type", reply.content_type)
                for key, value in headers.items():
                    self.send_header(key, value)
                if reply.no_length:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                else:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if reply.truncate_at is not None:
                    self.wfile.write(body[:reply.truncate_at])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                if reply.drip:
                    for start in range(0, len(body), reply.drip_size):
                        self.wfile.write(body[start:start + reply.drip_size])
                        self.wfile.flush()
                        time.sleep(reply.drip)
                    return
                if body:
                    self.wfile.write(body)

        return Handler
