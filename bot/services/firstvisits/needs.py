"""Needs voiced on the first visit, one department each; the day's needs go to each department
head after work (one message per department, once per day: the outbox key), and the head
acknowledges them with /需求确认."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from bot.errors import UserError
from bot.services.firstvisits import texts
from bot.services.firstvisits.calls import get_visit
from bot.services.outbox import notify_staff
from storage.models import Staff
from storage.models.customers import CustomerNeed

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


async def acknowledge(env: "Runtime", actor: Staff) -> tuple[int, list[str]]:
    depts = [d for d, head in env.settings.first_visit.departments.items()
             if head == actor.userid]
    if not depts:
        raise UserError(texts.NOT_HEAD)
    n = await CustomerNeed.filter(department__in=depts, acked_at=None) \
        .update(acked_at=env.now(), acked_by_id=actor.id)
    return n, depts
