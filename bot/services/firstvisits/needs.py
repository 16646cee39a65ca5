"""Needs voiced on the first visit, one department each; the day's needs go to each department
head after work (one message per department, once per day: the outbox key), and the head
acknowledges them with /需求确认."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from bot.errors import UserError
from bot.services.firstvisits import texts
from bot.services.firstvisits.calls import get_visit
from bot.services.outbox import notify_staff
from bot.services.projects import lifecycle
from storage.models import Project, Staff
from storage.models.customers import CustomerNeed, FirstVisit

if TYPE_CHECKING:
    from bot.runtime import Runtime


def department(env: "Runtime", word: str) -> str:
    depts = env.settings.first_visit.departments
    if word.strip() not in depts:
        raise UserError(texts.BAD_DEPARTMENT.format(dept=word, depts="、".join(depts)))
    return word.strip()


async def record(env: "Runtime", actor: Staff, number: int, dept: str,
                 content: str) -> CustomerNeed:
    visit = await get_visit(number)
    dept = department(env, dept)
    if not content.strip():
        raise UserError(texts.NEED_CONTENT)
    return await CustomerNeed.create(visit=visit, department=dept, content=content.strip(),
                                     created_at=env.now(), created_by=actor)


def _day_bounds(env: "Runtime", day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=env.calendar.tz)
    return start, start + timedelta(days=1)


async def digest(env: "Runtime", day: date) -> int:
    """One message per department with that day's needs to its head; returns messages queued."""
    start, end = _day_bounds(env, day)
    rows = await CustomerNeed.filter(created_at__gte=start, created_at__lt=end) \
        .select_related("visit__customer", "created_by").order_by("id")
    sent = 0
    for dept, head_id in env.settings.first_visit.departments.items():
        mine = [n for n in rows if n.department == dept]
        head = await Staff.filter(userid=head_id, active=True).first() if head_id else None
        if not mine or head is None:
            continue
        lines = "\n".join(texts.DIGEST_LINE.format(
            no=n.visit.number, customer=n.visit.customer.name, content=n.content,
            who=n.created_by.name) for n in mine)
        sent += await notify_staff(env, head, texts.DIGEST.format(
            day=day.isoformat(), dept=dept, n=len(mine), lines=lines),
            f"needs:{day.isoformat()}:{dept}")
    return sent


@dataclass
class Acknowledged:
    count: int
    departments: list[str]
    # Project applications made or added to from the confirmed implementation needs.
    projects: list[tuple[Project, FirstVisit, bool]] = field(default_factory=list)


async def acknowledge(env: "Runtime", actor: Staff) -> Acknowledged:
    """The head confirms the needs of their departments; the implementation department's
    confirmed needs become a project application per first visit (projects.lifecycle)."""
    depts = [d for d, head in env.settings.first_visit.departments.items()
             if head == actor.userid]
    if not depts:
        raise UserError(texts.NOT_HEAD)
    rows = await CustomerNeed.filter(department__in=depts, acked_at=None) \
        .select_related("visit__customer").order_by("id")
    if rows:
        await CustomerNeed.filter(id__in=[n.id for n in rows]) \
            .update(acked_at=env.now(), acked_by_id=actor.id)
    by_visit: dict[int, list[CustomerNeed]] = {}
    for n in rows:
        if n.department == env.settings.first_visit.project_department:
            by_visit.setdefault(n.visit_id, []).append(n)
    done = Acknowledged(len(rows), depts)
    for mine in by_visit.values():
        project, new = await lifecycle.apply_from_visit(env, actor, mine[0].visit, mine)
        done.projects.append((project, mine[0].visit, new))
    return done
