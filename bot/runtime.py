"""What every domain service is handed: settings, the clock, the working calendar, the relay's bell."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

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

    def now(self):
        return self.clock.now()
