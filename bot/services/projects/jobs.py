"""Scheduled work of the projects: the daily-log reminder and report, once per working day."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bot.services.projects import logs

if TYPE_CHECKING:
    from bot.runtime import JobScheduler, Runtime


def register(scheduler: "JobScheduler", env: "Runtime") -> None:
    cfg = env.settings.projects

    async def remind(day) -> None:
        await logs.remind(env, day)

    async def report(day) -> None:
        await logs.report(env, day)

    scheduler.add_daily("project_log_remind", cfg.log_remind_at, remind)
    scheduler.add_daily("project_log_report", cfg.log_report_at, report)
