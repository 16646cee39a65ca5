"""Every scheduled job of the bot, registered in one place so a newcomer can see the day's rhythm.

Each area module exposes `register(scheduler, env)`; the deadline engine's tick is the heartbeat
under all of them.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.runtime import Runtime
    from bot.scheduler import Scheduler


PRUNE_AT = "03:30"  # local time, every day: the quietest hour of a service center


def register(scheduler: "Scheduler", env: "Runtime") -> None:
    from bot.services.deadlines import clocks

    # next_due: between interval runs the tick also runs when the next step falls due, so a
    # reminder is late by the cost of a tick, not by up to tick_s (bench/timers.py).
    scheduler.add_tick("deadlines", lambda: clocks.tick_until_idle(env),
                       env.settings.scheduler.tick_s, next_due=lambda: clocks.next_due(env))
    # Area jobs (digests, handovers, follow-up prompts, penalties, reports) register below.
    from bot.services.roster import jobs as roster_jobs

    roster_jobs.register(scheduler, env)  # shift starts, handovers, the penalty scan
    from bot.services.reports import jobs as reports_jobs

    reports_jobs.register(scheduler, env)  # follow-up list, target watch, daily and monthly reports
    from bot.services.customers import jobs as customer_jobs

    customer_jobs.register(scheduler, env)  # renewals, care dates, first-visit needs digest
    from bot.services.projects import jobs as project_jobs

    project_jobs.register(scheduler, env)  # daily implementation logs reminded, then reported

    async def prune(day: date) -> None:
        await prune_rejected(env)

    scheduler.add_daily("rejected_inbound_prune", PRUNE_AT, prune, workdays_only=False)


async def prune_rejected(env: "Runtime") -> int:
    """Delete the unreadable requests older than `inbound.rejected_keep_days`; how many."""
    from storage.models import RejectedInbound

    cutoff = env.now() - timedelta(days=env.settings.inbound.rejected_keep_days)
    return await RejectedInbound.filter(received_at__lt=cutoff).delete()
