"""Scheduled work of complaints, follow-ups, targets and reports (times in [reports]):

    followup_list    working mornings: last working day's completed services to the supervisors
    kpi_watch        working days: warn the managers when the month projects a missed target
    daily_digest     working days after work: the daily digest
    monthly_reports  the month's first working day: last month's complaint analysis report and
                     follow-up report, with charts and registers

Each is a period job, so its period key lets exactly one instance run it once per day or month.
"""
from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from tortoise.transactions import in_transaction

if TYPE_CHECKING:
    from bot.runtime import JobScheduler, Runtime

log = logging.getLogger(__name__)

# The complaint analysis report is due within 3 working days of the next month [001 §六 5].
REPORT_WORKDAYS = 3


async def _in_tx(env: "Runtime", fn: Callable[[], Awaitable[Any]]) -> Any:
    async with in_transaction():
        result = await fn()
    env.wake_relay()
    return result


async def followup_list(env: "Runtime", day: date) -> Any:
    from bot.services.followups import calls

    return await _in_tx(env, lambda: calls.morning_list(env, day))


async def kpi_watch(env: "Runtime", day: date) -> Any:
    from bot.services.reports import kpi

    return await _in_tx(env, lambda: kpi.watch(env))


async def daily_digest(env: "Runtime", day: date) -> Any:
    from bot.services.reports import daily

    return await _in_tx(env, lambda: daily.push(env, day))


def report_deadline(env: "Runtime", first_workday: date) -> date:
    """The last day the monthly report may go out: the 3rd working day of the month [001 §六 5]."""
    last = first_workday
    for _ in range(REPORT_WORKDAYS - 1):
        last = env.calendar.next_workday(last)
    return last


async def monthly_reports(env: "Runtime", day: date) -> Any:
    """Run on the first working day of a month (`day`): the reports of the month before.

    A bot that was down catches up on a later day, but only within the 3 working days the
    reports are due in; after that a late automatic push would only confuse, and /月报 remains.
    """
    from bot.services.reports import publish
    from bot.services.reports.kpi import Month

    today = env.calendar.local(env.now()).date()
    if today > report_deadline(env, day):
        log.warning("monthly reports of %s not sent: past their deadline (%s); use /月报",
                    Month(day.year, day.month).prev().key, report_deadline(env, day))
        return None
    result = await publish.publish(env, Month(day.year, day.month).prev())
    env.wake_relay()
    return result


def register(scheduler: "JobScheduler", env: "Runtime") -> None:
    cfg = env.settings.reports
    scheduler.add_daily("followup_list", cfg.followup_at, lambda day: followup_list(env, day))
    scheduler.add_daily("kpi_watch", cfg.kpi_watch_at, lambda day: kpi_watch(env, day))
    scheduler.add_daily("daily_digest", cfg.daily_at, lambda day: daily_digest(env, day))
    scheduler.add_monthly("monthly_reports", cfg.monthly_at,
                          lambda day: monthly_reports(env, day))
