"""The replay server serves the demo corpus like a real site: charset, ETag, Last-Modified, gzip, 304, 404."""

from __future__ import annotations

import tomllib

import httpx

from flows.replay import DEMO_DIR, ReplayServer


def client_for(server: ReplayServer) -> httpx.Client:
    return httpx.Client(base_url=f"http://127.0.0.1:{server.port}", timeout=5)


def test_every_manifest_resource_is_served_with_real_headers(replay_server: ReplayServer) -> None:
    manifest = tomllib.loads((DEMO_DIR / "manifest.toml").read_text(encoding="utf-8"))
    phase1 = [r for r in manifest["resource"] if int(r.get("phase", 1)) == 1]
    assert len([r for r in phase1 if r.get("kind") == "page"]) >= 20
    assert len([r for r in phase1 if r.get("kind") == "feed"]) >= 3
    with client_for(replay_server) as client:
        for item in phase1:
            url = httpx.URL(item["url"])
            response = client.get(url.raw_path.decode(), headers={"Host": url.host, "Accept-Encoding": "gzip"})
            assert response.status_code == 200, item["url"]
            assert response.headers["content-type"] == item["content_type"]
            assert response.headers["content-encoding"] == "gzip"
            assert response.headers["etag"] and response.headers["last-modified"]
            assert response.content == (DEMO_DIR / item["file"]).read_bytes()


def test_conditional_get_and_unknown_paths(replay_server: ReplayServer) -> None:
    manifest = tomllib.loads((DEMO_DIR / "manifest.toml").read_text(encoding="utf-8"))
    feed = next(r for r in manifest["resource"] if r.get("kind") == "feed")
    url = httpx.URL(feed["url"])
    with client_for(replay_server) as client:
        first = client.get(url.raw_path.decode(), headers={"Host": url.host})
        again = client.get(url.raw_path.decode(), headers={"Host": url.host, "If-None-Match": first.headers["etag"]})
        assert again.status_code == 304 and again.content == b""
        since = client.get(url.raw_path.decode(),
                           headers={"Host": url.host, "If-Modified-Since": first.headers["last-modified"]})
        assert since.status_code == 304
        missing = client.get("/no/such/page", headers={"Host": url.host})
        assert missing.status_code == 404
        other_host = client.get(url.raw_path.decode(), headers={"Host": "unknown.example"})
        assert other_host.status_code == 404


def test_non_utf8_feed_declares_its_charset(replay_server: ReplayServer) -> None:
    manifest = tomllib.loads((DEMO_DIR / "manifest.toml").read_text(encoding="utf-8"))
    latin = [r for r in manifest["resource"] if r.get("kind") == "feed" and "utf-8" not in r["content_type"].lower()]
    assert latin, "the demo corpus needs a feed in a non-UTF-8 charset"
    raw = (DEMO_DIR / latin[0]["file"]).read_bytes()
    charset = latin[0]["content_type"].split("charset=")[1]
    assert raw.decode(charset) and not _is_utf8(raw)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
