"""The consultants' daily implementation logs [001 咨询实施 "每天确认实施日志"].

Each working day each consultant of an active project writes the day's log (/日志). The next
working morning at `projects.log_remind_at` a missing one is recorded and its consultant
reminded; still missing at `projects.log_report_at` it is reported to the project manager.
Both are once-per-day jobs (a period key per day), and each message has its own dedupe key.
"""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from bot.errors import UsageError, UserError
from bot.services.outbox import notify_staff
from bot.services.projects import lifecycle as lc, texts
from storage.models import Project, ProjectLog, Staff
from storage.models.projects import ACTIVE

if TYPE_CHECKING:
    from bot.runtime import Runtime


async def write(env: "Runtime", actor: Staff, number: int, content: str,
                day: date | None = None) -> ProjectLog:
    p = await lc.get_project(number)
    lc.require(p, ACTIVE)
    lc.require_consultant(p, actor)
    content = content.strip()
    if not content:
        raise UsageError(texts.NEED_LOG)
    today = lc.today(env)
    day = day or today
    if day > today:
        raise UserError(texts.LOG_FUTURE)
    row = await ProjectLog.filter(project_id=p.id, consultant_id=actor.id, day=day).first()
    if row is None:
        row = await ProjectLog.create(project_id=p.id, consultant_id=actor.id, day=day,
                                      content=content, at=env.now())
    else:
        # A second log of the day adds to the first; a late one fills a missing day.
        row.content = f"{row.content}；{content}" if row.content else content
        row.missing, row.at = False, env.now()
        await row.save()
    return row


def _owed_day(env: "Runtime", today: date) -> date:
    return env.calendar.prev_workday(today)


async def _owing(env: "Runtime", day: date) -> list[tuple[Project, Staff]]:
    out = []
    for p in await Project.filter(status=ACTIVE, started_at__not_isnull=True) \
            .select_related("customer", "manager").order_by("id"):
        assert p.started_at is not None  # filtered above
        if env.calendar.local(p.started_at).date() >= day:
            continue  # assigned that day or later: nothing was owed yet
        for c in await lc.consultants(p):
            out.append((p, c))
    return out


async def remind(env: "Runtime", today: date) -> int:
    """The morning after: record and remind every missing log of the previous working day."""
    day = _owed_day(env, today)
    n = 0
    for p, c in await _owing(env, day):
        row = await ProjectLog.filter(project_id=p.id, consultant_id=c.id, day=day).first()
        if row is not None:
            continue
        await ProjectLog.create(project_id=p.id, consultant_id=c.id, day=day, content="",
                                at=env.now(), missing=True, reminded_at=env.now())
        await notify_staff(env, c, texts.LOG_REMIND.format(
            no=p.number, customer=p.customer.name, day=day.strftime("%m-%d"),
            by=env.settings.projects.log_report_at), f"project-log:{p.id}:{c.id}:{day}:remind")
        n += 1
    return n


async def report(env: "Runtime", today: date) -> int:
    """Still missing later that morning: the project manager hears of each."""
    day = _owed_day(env, today)
    n = 0
    for row in await ProjectLog.filter(day=day, missing=True, reported_at__isnull=True) \
            .select_related("project", "project__customer", "project__manager", "consultant") \
            .order_by("id"):
        p = row.project
        row.reported_at = env.now()
        await row.save(update_fields=["reported_at"])
        if p.manager is None:
            continue
        await notify_staff(env, p.manager, texts.LOG_REPORT.format(
            no=p.number, customer=p.customer.name, who=row.consultant.name,
            day=day.strftime("%m-%d")), f"project-log:{row.id}:report")
        n += 1
    return n
