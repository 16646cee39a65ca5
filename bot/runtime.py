"""The runtime context every domain service is handed: settings, the clock, the working
calendar, the relay's bell."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Protocol

if TYPE_CHECKING:
    from bot.calendar import WorkCalendar
    from bot.clock import Clock
    from bot.settings import Settings


def _nothing() -> None:
    return None


@dataclass
class Runtime:
    settings: "Settings"
    clock: "Clock"
    calendar: "WorkCalendar"
    # Rung after a commit that wrote outbox rows, so the relay sends at once instead of polling.
    wake_relay: Callable[[], None] = field(default=_nothing)
    # Downloads a picture or file that came with a message (bot.messages.Attachment) from its
    # platform: (platform, attachment) -> (bytes, content type, file name). None: no platform API.
    fetch_media: Callable[[str, Any], Awaitable[tuple[bytes, str, str]]] | None = None
    # Per-process memo for storage's lookup cache (storage.cache), kept here so it lives and dies
    # with the runtime, not the module.
    memo: dict[str, Any] = field(default_factory=dict)

    def now(self):
        return self.clock.now()


class JobScheduler(Protocol):
    """What an area needs of the scheduler to register its jobs (bot.scheduler.Scheduler is one),
    so services declare their rhythm without importing the runtime's machinery."""

    def add_tick(self, name: str, fn: Callable[[], Awaitable[Any]], seconds: float, *,
                 next_due: Callable[[], Awaitable[datetime | None]] | None = None) -> None: ...

    def add_daily(self, name: str, at: str | time, fn: Callable[[date], Awaitable[Any]], *,
                  workdays_only: bool = True, lease_s: float = 600.0) -> None: ...

    def add_monthly(self, name: str, at: str | time, fn: Callable[[date], Awaitable[Any]], *,
                    first_workday: bool = True, day: int = 1, lease_s: float = 600.0) -> None: ...
