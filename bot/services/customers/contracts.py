"""Service contracts over time, renewals, and the reminders before a period ends.

The customer's current contract is the one whose period (installation date, by default the
contract date, to the end date [002 §7]) covers today; failing that, the latest one, which then
says the customer is outside the period (expired, or not begun). A renewal adds a contract that
follows the latest one, so the history of periods and tiers is kept.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from bot.errors import UserError
from bot.services.customers import texts
from bot.services.directory.lookup import find_customer
from bot.services.outbox import notify_purpose, notify_staff
from storage.models import Customer, Staff
from storage.models.customers import Contract
from storage.models.people import Purpose

if TYPE_CHECKING:
    from bot.runtime import Runtime

ACTIVE, EXPIRING, EXPIRED, PENDING = "active", "expiring", "expired", "pending"


def today(env: "Runtime") -> date:
    return env.calendar.local(env.now()).date()


def pick_current(rows: list[Contract], day: date) -> Contract | None:
    return in_force(rows, day) or (max(rows, key=lambda c: (c.ends_on, c.id)) if rows else None)


async def current(env: "Runtime", customer: Customer) -> Contract | None:
    return pick_current(await Contract.filter(customer_id=customer.id), today(env))


def state(env: "Runtime", contract: Contract, day: date) -> tuple[str, int]:
    """(state, days left): expiring within the first renewal reminder's days."""
    left = (contract.ends_on - day).days
    if day < contract.starts_on:
        return PENDING, left
    if left < 0:
        return EXPIRED, left
    if left <= max(env.settings.customers.renewal_reminders):
        return EXPIRING, left
    return ACTIVE, left


def describe_state(env: "Runtime", contract: Contract, day: date) -> str:
    name, left = state(env, contract, day)
    return texts.STATE[name].format(days=left)


async def add(env: "Runtime", actor: Staff | None, customer: Customer, signed_on: date,
              ends_on: date, *, installed_on: date | None = None, tier: str | None = None,
              modes: list[str] | None = None) -> Contract:
    if installed_on is not None and installed_on < signed_on:
        raise UserError(texts.INSTALL_BEFORE_SIGN.format(installed=installed_on, signed=signed_on))
    if ends_on < (installed_on or signed_on):
        raise UserError(texts.PERIOD_BAD.format(start=installed_on or signed_on, end=ends_on))
    tier = tier or customer.tier
    contract = await Contract.create(
        customer=customer, signed_on=signed_on, installed_on=installed_on, ends_on=ends_on,
        tier=tier, modes=modes or [], created_at=env.now(), created_by=actor)
    await sync_tier(env, customer)
    return contract


def in_force(rows: list[Contract], day: date) -> Contract | None:
    """The contract whose period covers `day`; none between periods or before the first."""
    covering = [c for c in rows if c.starts_on <= day <= c.ends_on]
    return max(covering, key=lambda c: (c.ends_on, c.id)) if covering else None


async def sync_tier(env: "Runtime", customer: Customer) -> bool:
    """Customer.tier follows the contract in force today: a renewal dated in the future changes
    nothing until its first day (the daily tier_switch job). Outside any period the tier stays
    as it was, since an expired customer is still served by its last tier's clocks."""
    now = in_force(await Contract.filter(customer_id=customer.id), today(env))
    if now is None or now.tier == customer.tier:
        return False
    customer.tier = now.tier
    await Customer.filter(id=customer.id).update(tier=now.tier)
    return True


async def switch_tiers(env: "Runtime") -> int:
    """Daily: every customer whose contract in force has another tier than its archive; returns
    the customers changed."""
    day = today(env)
    rows = await Contract.filter(signed_on__lte=day, ends_on__gte=day)
    by_customer: dict[int, list[Contract]] = {}
    for c in rows:
        by_customer.setdefault(c.customer_id, []).append(c)
    changed = 0
    for customer in await Customer.filter(id__in=list(by_customer)):
        now = in_force(by_customer[customer.id], day)
        if now is not None and now.tier != customer.tier:
            await Customer.filter(id=customer.id).update(tier=now.tier)
            changed += 1
    return changed


async def renew(env: "Runtime", actor: Staff, name: str, until: date, *, tier: str | None = None,
                start: date | None = None, installed_on: date | None = None) -> Contract:
    """The period moves: a new contract from the day after the latest one ends (or today, when
    it has already expired), to `until`."""
    customer = await find_customer(name)
    rows = await Contract.filter(customer_id=customer.id)
    latest = max(rows, key=lambda c: (c.ends_on, c.id)) if rows else None
    if latest is not None and until <= latest.ends_on:
        raise UserError(texts.RENEW_NOT_LATER.format(until=until, end=latest.ends_on))
    if start is None:
        start = today(env) if latest is None else max(latest.ends_on + timedelta(days=1),
                                                      today(env))
    contract = await add(env, actor, customer, start, until, installed_on=installed_on,
                         tier=tier or (latest.tier if latest else customer.tier))
    return contract


@dataclass
class Ending:
    contract: Contract
    left: int


async def _latest_ending(env: "Runtime", last_day: date) -> list[Ending]:
    """Each customer's latest contract when it ends between today and `last_day`."""
    day = today(env)
    rows = await Contract.filter(ends_on__gte=day).select_related("customer", "customer__sales")
    latest: dict[int, Contract] = {}
    for c in rows:
        seen = latest.get(c.customer_id)
        if seen is None or (c.ends_on, c.id) > (seen.ends_on, seen.id):
            latest[c.customer_id] = c
    out = [Ending(c, (c.ends_on - day).days) for c in latest.values() if c.ends_on <= last_day]
    return sorted(out, key=lambda e: (e.contract.ends_on, e.contract.customer.name))


async def expiring(env: "Runtime", days: int) -> list[Ending]:
    return await _latest_ending(env, today(env) + timedelta(days=days))


async def remind(env: "Runtime") -> int:
    """Run on working days: each contract gets one reminder per threshold it has crossed (the
    nearest one, so a bot that was down does not send the 30-day one at 6 days)."""
    thresholds = env.settings.customers.renewal_reminders
    sent = 0
    for e in await expiring(env, max(thresholds)):
        days = min(t for t in thresholds if e.left <= t)
        c = e.contract
        sales = c.customer.sales
        text = texts.RENEWAL_REMINDER.format(
            customer=c.customer.name, tier=c.tier, end=c.ends_on.isoformat(), left=e.left,
            sales=sales.name if sales else texts.EMPTY)
        key = f"contract:{c.id}:renewal:{days}"
        if sales is not None:
            sent += await notify_staff(env, sales, text, f"{key}:sales", urgent=False)
        sent += await notify_purpose(env, Purpose.MANAGERS, text, key, urgent=False)
    return sent
