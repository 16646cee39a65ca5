"""What every sender promises the relay.

A sender turns one OutboundMessage into the platform's HTTP calls. It raises SendRetry when the
platform asks us to slow down or fails in a way worth retrying, and SendFailed when retrying can
never help (a bad address, a message the platform rejects), and SendLater when the channel is not
sendable from this process right now; the relay owns retries and backoff.
"""
from __future__ import annotations

from typing import Protocol, runtime_checkable

from bot.messages import OutboundMessage


class SendRetry(Exception):
    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class SendFailed(Exception):
    pass


class SendLater(Exception):
    """This process cannot send on the channel now, through no fault of the row: its long
    connection is down or held by another instance. The row waits `retry_after` seconds and is
    tried again, without counting an attempt, so a long outage never turns it into a dead letter."""

    def __init__(self, reason: str, retry_after: float) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class Sender(Protocol):
    @property
    def channels(self) -> tuple[str, ...]: ...  # read-only, so any fixed tuple of channels fits

    async def send(self, msg: OutboundMessage, dedupe_key: str) -> None: ...


@runtime_checkable
class Pausable(Protocol):
    """A sender whose channels are not always sendable from this process (a long connection
    held by another instance, or down): the relay claims no row on `unavailable()` channels."""

    def unavailable(self) -> tuple[str, ...]: ...
