"""Scheduled work of the roster and the penalty ledger.

Each shift's start is a daily period job at the shift's start time, on every day (start_shift
itself skips the days the shift does not apply to), so its period key ("shift_start:早班:
2026-11-23") lets exactly one instance announce it, once, whatever restarts. The penalty scan
is a plain tick: every finding carries its own unique key, so running it often is harmless.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from bot.services.penalties import ledger
from bot.services.roster import handover

if TYPE_CHECKING:
    from bot.runtime import JobScheduler, Runtime


def register(scheduler: "JobScheduler", env: "Runtime") -> None:
    for shift in env.settings.roster.shifts.values():
        async def run(day, name=shift.name) -> None:
            await handover.start_shift(env, day, name)

        scheduler.add_daily(f"shift_start:{shift.name}", shift.start.strftime("%H:%M"), run,
                            workdays_only=False)
    rules = env.settings.penalties
    if rules.enabled:
        scheduler.add_tick("penalty_scan", lambda: ledger.scan(env), rules.scan_every_s)
