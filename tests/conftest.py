"""Shared fixtures: a real replay server on 127.0.0.1, temp warehouses, a real SMTP server, Prefect's test harness."""

from __future__ import annotations

import socket
import threading
import tomllib
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from flows.replay import DEMO_DIR, ReplayServer, load_manifest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """A temporary Prefect API for the whole session (costs ~7 s once)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield


@pytest.fixture(scope="session")
def demo_expected() -> dict:
    """seeds/demo/expected.toml: the demo corpus' ground truth."""
    return tomllib.loads((DEMO_DIR / "expected.toml").read_text(encoding="utf-8"))


@pytest.fixture
def replay_server() -> Iterator[ReplayServer]:
    """The demo corpus served on 127.0.0.1, phase 1."""
    resources, _ = load_manifest()
    with ReplayServer(resources, phase=1) as server:
        yield server


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class CollectingHandler:
    """aiosmtpd handler that keeps every received message."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802, ANN001 - aiosmtpd API
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server() -> Iterator[tuple[str, int, CollectingHandler]]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1."""
    from aiosmtpd.controller import Controller

    handler = CollectingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield "127.0.0.1", controller.port, handler
    finally:
        controller.stop()
