"""Scheduled work of customer management and first visits ([customers], [first_visit]):

    renewal_reminders   working days at renewal_at: contracts nearing their end, to the sales
                        person and the managers (once per contract and threshold: outbox keys)
    customer_care       working days at care_at: birthdays, anniversaries and holidays up to the
                        next working day, to each sales person
    needs_digest        working days at needs_at: each department head gets the day's
                        first-visit needs
    tier_switch         every day at tier_switch_at: a customer's tier becomes that of the
                        contract in force (a renewal dated in the future starts that day)
"""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Awaitable, Callable

from tortoise.transactions import in_transaction

from bot.services.customers import care, contracts
from bot.services.firstvisits import needs

if TYPE_CHECKING:
    from bot.runtime import JobScheduler, Runtime


async def _in_tx(env: "Runtime", fn: Callable[[], Awaitable[int]]) -> int:
    async with in_transaction():
        sent = await fn()
    env.wake_relay()
    return sent


async def renewal_reminders(env: "Runtime", day: date) -> int:
    return await _in_tx(env, lambda: contracts.remind(env))


async def customer_care(env: "Runtime", day: date) -> int:
    return await _in_tx(env, lambda: care.remind(env, day))


async def needs_digest(env: "Runtime", day: date) -> int:
    return await _in_tx(env, lambda: needs.digest(env, day))


async def tier_switch(env: "Runtime", day: date) -> int:
    async with in_transaction():
        return await contracts.switch_tiers(env)


def register(scheduler: "JobScheduler", env: "Runtime") -> None:
    cfg = env.settings
    scheduler.add_daily("renewal_reminders", cfg.customers.renewal_at,
                        lambda day: renewal_reminders(env, day))
    scheduler.add_daily("customer_care", cfg.customers.care_at,
                        lambda day: customer_care(env, day))
    scheduler.add_daily("needs_digest", cfg.first_visit.needs_at,
                        lambda day: needs_digest(env, day))
    scheduler.add_daily("tier_switch", cfg.customers.tier_switch_at,
                        lambda day: tier_switch(env, day), workdays_only=False)
