"""newsmon's error tree: every error names its URL or file; transient ones are retried, permanent ones recorded."""

from __future__ import annotations


class NewsmonError(Exception):
    """Base of every error newsmon reports to a user; str() is one line naming the URL or file."""


class TransientError(NewsmonError):
    """Worth retrying later: timeouts, connection resets, 429 and 5xx responses."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentError(NewsmonError):
    """Retrying will not help: 4xx, not a feed, not HTML, refused address, oversize."""


class ConfigError(NewsmonError):
    """The configuration file or environment is invalid."""
