"""Scheduled work of customer management ([customers] in deskbot.toml):

    renewal_reminders   working days at renewal_at: contracts nearing their end, to the sales
                        person and the managers (once per contract and threshold: outbox keys)
"""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from tortoise.transactions import in_transaction

from bot.services.customers import care, contracts

if TYPE_CHECKING:
    from bot.runtime import JobScheduler, Runtime


async def renewal_reminders(env: "Runtime", day: date) -> int:
    async with in_transaction():
        sent = await contracts.remind(env)
    env.wake_relay()
    return sent


async def customer_care(env: "Runtime", day: date) -> int:
    async with in_transaction():
        sent = await care.remind(env, day)
    env.wake_relay()
    return sent


def register(scheduler: "JobScheduler", env: "Runtime") -> None:
    scheduler.add_daily("renewal_reminders", env.settings.customers.renewal_at,
                        lambda day: renewal_reminders(env, day))
    scheduler.add_daily("customer_care", env.settings.customers.care_at,
                        lambda day: customer_care(env, day))
