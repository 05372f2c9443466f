"""HttpClient against a real fault-injecting server on 127.0.0.1: limits, errors, SSRF guard, politeness, robots."""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

import flows.http as http_module
from flows.errors import PermanentError, TransientError
from flows.http import HostGate, HttpClient, HttpStatusError, is_public_address, parse_retry_after
from flows.robots import RobotsPolicy
from flows.settings import HttpSettings
from tests.faultserver import FEED_TYPE, FaultServer, Reply, make_gzip_bomb, make_rss


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer() as running:
        yield running


def make_client(**overrides: object) -> HttpClient:
    values: dict[str, object] = {"allow_hosts": ("127.0.0.1",), "timeout": 1.0, "connect_timeout": 1.0,
                                 "total_timeout": 5.0, "per_host_interval": 0.0, "max_bytes": 200_000}
    values.update(overrides)
    return HttpClient(HttpSettings(**values), gate=HostGate())  # type: ignore[arg-type]


def test_ok_body_and_identity(server: FaultServer) -> None:
    server.routes["/feed"] = Reply(body=make_rss([("a", "http://example.invalid/a")]), content_type=FEED_TYPE)
    with make_client(contact="ops@newsroom.example") as client:
        fetched = client.fetch(server.url("/feed"), kind="feed")
    assert fetched.status == 200 and b"<rss" in fetched.body
    headers = server.requests[-1][2]
    assert "newsmon" in headers["user-agent"] and "ops@newsroom.example" in headers["user-agent"]
    assert headers["from"] == "ops@newsroom.example"


def test_conditional_get_gets_304(server: FaultServer) -> None:
    server.routes["/feed"] = Reply(body=b"<rss/>", content_type=FEED_TYPE, conditional=True)
    with make_client() as client:
        first = client.fetch(server.url("/feed"))
        second = client.fetch(server.url("/feed"), etag=first.headers["etag"],
                              last_modified=first.headers["last-modified"])
    assert (first.status, second.status, second.body) == (200, 304, b"")
    assert server.requests[-1][2]["if-none-match"] == first.headers["etag"]
    assert server.requests[-1][2]["if-modified-since"] == first.headers["last-modified"]


@pytest.mark.parametrize(("status", "retry_after", "expected"), [(503, "120", 120.0), (429, "7", 7.0),
                                                                  (500, None, None)])
def test_transient_status_carries_retry_after(server: FaultServer, status: int, retry_after: str | None,
                                              expected: float | None) -> None:
    server.routes["/busy"] = Reply(status=status, body=b"busy", content_type="text/plain",
                                   headers={"Retry-After": retry_after} if retry_after else {})
    with make_client() as client, pytest.raises(TransientError) as caught:
        client.fetch(server.url("/busy"))
    assert caught.value.retry_after == expected
    assert f"HTTP {status}" in str(caught.value) and "/busy" in str(caught.value)


def test_retry_after_http_date() -> None:
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: retry now
    assert parse_retry_after("Wed, 21 Oct 2999 07:28:00 GMT") > 10**9  # type: ignore[operator]
    assert parse_retry_after("soon") is None


def test_permanent_status(server: FaultServer) -> None:
    with make_client() as client, pytest.raises(HttpStatusError) as caught:
        client.fetch(server.url("/missing"))
    assert caught.value.status == 404


def test_read_timeout_is_transient(server: FaultServer) -> None:
    server.routes["/stall"] = Reply(body=b"late", delay=2.5)
    with make_client(timeout=0.5) as client, pytest.raises(TransientError, match="timed out"):
        client.fetch(server.url("/stall"))


def test_slow_drip_hits_total_deadline(server: FaultServer) -> None:
    # each byte arrives well within the read timeout, but the whole body never would within total_timeout
    server.routes["/drip"] = Reply(body=b"x" * 400, drip=0.05, drip_size=1)
    with make_client(timeout=1.0, total_timeout=1.0) as client, pytest.raises(TransientError, match="too slow"):
        client.fetch(server.url("/drip"))


def test_truncated_body_is_transient(server: FaultServer) -> None:
    server.routes["/cut"] = Reply(body=b"x" * 5000, truncate_at=1000)
    with make_client() as client, pytest.raises(TransientError, match="connection failed"):
        client.fetch(server.url("/cut"))


def test_oversize_declared_and_streamed(server: FaultServer) -> None:
    server.routes["/big"] = Reply(body=b"x" * 500_000)
    server.routes["/big-stream"] = Reply(body=b"x" * 300_000, no_length=True)
    with make_client(max_bytes=200_000) as client:
        with pytest.raises(PermanentError, match="too large"):
            client.fetch(server.url("/big"))
        with pytest.raises(PermanentError, match="too large"):
            client.fetch(server.url("/big-stream"))


def test_gzip_bomb_stops_at_the_limit(server: FaultServer) -> None:
    bomb = make_gzip_bomb(64 * 1_048_576)  # 64 MiB of zeros in ~64 KB
    assert len(bomb) < 200_000
    server.routes["/bomb"] = Reply(raw_encoded=bomb, content_type=FEED_TYPE)
    with make_client(max_bytes=1_000_000) as client, pytest.raises(PermanentError, match="decompressed body over"):
        client.fetch(server.url("/bomb"), kind="feed")


def test_gzip_body_is_decoded(server: FaultServer) -> None:
    server.routes["/gz"] = Reply(body=b"hello " * 1000, gzip=True, content_type="text/plain")
    with make_client() as client:
        assert client.fetch(server.url("/gz")).body == b"hello " * 1000


def test_corrupt_gzip_is_refused(server: FaultServer) -> None:
    server.routes["/bad-gz"] = Reply(raw_encoded=b"\x1f\x8b\x08\x00garbage-not-deflate", content_type="text/plain")
    with make_client() as client, pytest.raises(PermanentError, match="corrupt gzip"):
        client.fetch(server.url("/bad-gz"))


def test_redirects_are_capped(server: FaultServer) -> None:
    for hop in range(10):
        server.routes[f"/r{hop}"] = Reply(status=302, headers={"Location": f"/r{hop + 1}"})
    with make_client(max_redirects=3) as client, pytest.raises(PermanentError, match="more than 3 redirects"):
        client.fetch(server.url("/r0"))


@pytest.mark.parametrize("target", ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.7/admin",
                                    "http://127.0.0.2:{port}/x", "http://[::1]:{port}/x",
                                    "http://[::ffff:127.0.0.1]:{port}/x", "file:///etc/passwd"])
def test_redirect_to_private_address_is_refused(server: FaultServer, target: str) -> None:
    server.routes["/go"] = Reply(status=302, headers={"Location": target.format(port=server.port)})
    with make_client() as client, pytest.raises(PermanentError, match="refused|unsupported scheme"):
        client.fetch(server.url("/go"))
    assert server.count("/x") == 0


def test_loopback_refused_unless_allow_listed(server: FaultServer) -> None:
    server.routes["/ok"] = Reply(body=b"fine", content_type="text/plain")
    with make_client(allow_hosts=()) as client, pytest.raises(PermanentError, match="non-public address"):
        client.fetch(server.url("/ok"))
    with make_client(allow_hosts=(), resolve=(("news.example", f"127.0.0.1:{server.port}"),)) as client, \
            pytest.raises(PermanentError, match="non-public address 127.0.0.1"):
        client.fetch("http://news.example/ok")  # a host override does not bypass the guard
    with make_client(allow_hosts=("news.example",),
                     resolve=(("news.example", f"127.0.0.1:{server.port}"),)) as client:
        assert client.fetch("http://news.example/ok").body == b"fine"
    assert server.requests[-1][2]["host"] == "news.example"


@pytest.mark.parametrize(("address", "public"), [
    ("8.8.8.8", True), ("2606:4700:4700::1111", True), ("127.0.0.1", False), ("10.1.2.3", False),
    ("172.16.0.1", False), ("192.168.1.1", False), ("169.254.169.254", False), ("100.64.0.1", False),
    ("0.0.0.0", False), ("::1", False), ("fe80::1", False), ("fd00::1", False), ("::ffff:10.0.0.1", False),
    ("64:ff9b::a00:1", False), ("2002:7f00:1::", False), ("224.0.0.1", False), ("not-an-ip", False),
])
def test_public_address_table(address: str, public: bool) -> None:
    assert is_public_address(address) is public


def test_content_type_checked_before_body(server: FaultServer) -> None:
    server.routes["/doc.pdf"] = Reply(body=b"%PDF-1.7" + b"x" * 1000, content_type="application/pdf")
    server.routes["/logo.png"] = Reply(body=b"\x89PNG", content_type="image/png")
    with make_client() as client:
        with pytest.raises(PermanentError, match="not a web page"):
            client.fetch(server.url("/doc.pdf"), kind="page")
        with pytest.raises(PermanentError, match="not a feed"):
            client.fetch(server.url("/logo.png"), kind="feed")
        assert client.fetch(server.url("/logo.png")).body == b"\x89PNG"  # no kind: no check


def test_per_host_concurrency_limit(server: FaultServer) -> None:
    server.routes["/slow"] = Reply(body=b"ok", delay=0.2)
    gate = HostGate()
    clients = [HttpClient(HttpSettings(allow_hosts=("127.0.0.1",), per_host_concurrency=1, per_host_interval=0.0),
                          gate=gate) for _ in range(3)]
    threads = [threading.Thread(target=c.fetch, args=(server.url("/slow"),)) for c in clients for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for c in clients:
        c.close()
    assert server.count("/slow") == 6 and server.max_in_flight == 1


def test_a_client_sharing_hosts_with_other_processes_takes_its_share(server: FaultServer) -> None:
    # two parse workers each fetch with share=2: a host allowing 2 at once gets 1 from each, spaced twice as far
    server.routes["/slow"] = Reply(body=b"ok", delay=0.2)
    settings = HttpSettings(allow_hosts=("127.0.0.1",), per_host_concurrency=2, per_host_interval=0.0)
    gate = HostGate()
    with HttpClient(settings, gate=gate, share=2) as client:
        threads = [threading.Thread(target=client.fetch, args=(server.url("/slow"),)) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        client.set_crawl_delay(server.url("/"), 1.5)
    assert server.count("/slow") == 4 and server.max_in_flight == 1
    assert gate._slot("127.0.0.1", 1).interval == 3.0


def test_per_host_spacing() -> None:
    # request starts through the gate (not arrivals at a server, which network jitter can bunch) are spaced
    gate = HostGate()
    starts: dict[str, list[float]] = {"a.example": [], "b.example": []}

    def enter(host: str) -> None:
        with gate.enter(host, concurrency=4, interval=0.2):
            starts[host].append(time.monotonic())

    threads = [threading.Thread(target=enter, args=(host,)) for host in starts for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for times in starts.values():
        times.sort()
        assert len(times) == 3 and all(b - a >= 0.19 for a, b in zip(times, times[1:], strict=False))
    gate.set_interval("a.example", 0.5, 4)  # a robots.txt Crawl-delay raises one host's spacing
    enter("a.example")
    enter("a.example")
    assert starts["a.example"][-1] - starts["a.example"][-2] >= 0.49


def test_robots_disallow_and_crawl_delay(server: FaultServer) -> None:
    server.routes["/robots.txt"] = Reply(body=b"User-agent: *\nDisallow: /private/\nCrawl-delay: 9\n\n"
                                              b"User-agent: newsmon\nDisallow: /no-newsmon/\nCrawl-delay: 1\n",
                                         content_type="text/plain")
    policy = RobotsPolicy()
    with make_client() as client:
        assert policy.check(client, server.url("/news/1")) is None
        assert "disallowed by" in (policy.check(client, server.url("/no-newsmon/2")) or "")
        # the newsmon group applies, not the * group
        assert policy.check(client, server.url("/private/3")) is None
        assert client.gate._slot("127.0.0.1", 1).interval == 1.0  # the newsmon group's Crawl-delay, not 9
    assert server.count("/robots.txt") == 1  # cached


@pytest.mark.parametrize(("reply", "allowed"), [(Reply(status=404, body=b"no"), True),
                                                (Reply(status=503, body=b"down"), False)])
def test_robots_missing_allows_unreachable_disallows(server: FaultServer, reply: Reply, allowed: bool) -> None:
    server.routes["/robots.txt"] = reply
    with make_client() as client:
        verdict = RobotsPolicy().check(client, server.url("/news/1"))
    assert (verdict is None) is allowed


def test_every_connection_is_checked_not_only_each_url(server: FaultServer) -> None:
    # the connection layer re-resolves and refuses on its own, and connects to the address it checked:
    # a DNS answer that changes between the URL check and the connection (rebinding) cannot slip through
    with make_client(allow_hosts=(), resolve=(("rebind.example", f"127.0.0.1:{server.port}"),)) as client:
        for _ in range(2):
            with pytest.raises(PermanentError, match="rebind.example resolves to non-public address"):
                client._pools.connection_from_url("http://rebind.example/x").urlopen("GET", "/x", retries=False)
    assert server.count("/x") == 0


def make_certificate(directory: Path, name: str) -> tuple[Path, Path]:
    """A self-signed certificate for name and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(hours=1))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_https_verifies_the_host_name_over_the_checked_connection(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    cert, key = make_certificate(tmp_path, "news.example")

    class Page(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802
            body = b"<html><body><p>over TLS</p></body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    address = f"127.0.0.1:{httpd.server_address[1]}"
    resolve = (("news.example", address), ("other.example", address))
    try:
        with make_client(allow_hosts=("127.0.0.1",), resolve=resolve) as client, \
                pytest.raises(TransientError, match="connection failed: .*CERTIFICATE_VERIFY_FAILED"):
            client.fetch("https://news.example/a", kind="page")  # not signed by a CA the default context trusts
        monkeypatch.setattr(http_module, "_ssl_context", ssl.create_default_context(cafile=str(cert)))
        with make_client(allow_hosts=("127.0.0.1",), resolve=resolve) as client:
            fetched = client.fetch("https://news.example/a", kind="page")
            assert (fetched.status, fetched.body) == (200, b"<html><body><p>over TLS</p></body></html>")
            with pytest.raises(TransientError, match="connection failed: .*(match|mismatch)"):
                client.fetch("https://other.example/a", kind="page")  # same server, a name its certificate lacks
    finally:
        httpd.shutdown()
        httpd.server_close()
