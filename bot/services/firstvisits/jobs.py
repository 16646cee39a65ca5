"""Scheduled work of the first visit ([first_visit] in deskbot.toml):

    needs_digest   working days at needs_at: each department head gets the day's needs
"""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from tortoise.transactions import in_transaction

from bot.services.firstvisits import needs

if TYPE_CHECKING:
    from bot.runtime import JobScheduler, Runtime


async def needs_digest(env: "Runtime", day: date) -> int:
    async with in_transaction():
        sent = await needs.digest(env, day)
    env.wake_relay()
    return sent


def register(scheduler: "JobScheduler", env: "Runtime") -> None:
    scheduler.add_daily("needs_digest", env.settings.first_visit.needs_at,
                        lambda day: needs_digest(env, day))
