"""What every sender promises the relay.

A sender turns one OutboundMessage into the platform's HTTP calls. It raises SendRetry when the
platform asks us to slow down or fails in a way worth retrying, and SendFailed when retrying can
never help (a bad address, a message the platform rejects); the relay owns retries and backoff.
"""
from __future__ import annotations

from typing import Protocol

from bot.messages import OutboundMessage


class SendRetry(Exception):
    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class SendFailed(Exception):
    pass


class Sender(Protocol):
    @property
    def channels(self) -> tuple[str, ...]: ...  # read-only, so any fixed tuple of channels fits

    async def send(self, msg: OutboundMessage, dedupe_key: str) -> None: ...
