"""Every scheduled job of the bot, registered in one place so a newcomer can see the day's rhythm.

Each area module exposes `register(scheduler, env)`; the deadline engine's tick is the heartbeat
under all of them.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.scheduler import Scheduler
    from bot.services.env import Env


def register(scheduler: "Scheduler", env: "Env") -> None:
    from bot.services import deadlines

    scheduler.add_tick("deadlines", lambda: deadlines.tick(env), env.settings.scheduler.tick_s)
    # Area jobs (digests, handovers, follow-up prompts, penalties, reports) register below.
