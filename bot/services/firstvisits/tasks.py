"""Follow-up tasks of a first visit: each checklist item the customer answered "no" to belongs
to the desk engineer who made the call, runs the first_visit_task clock (reminders to them,
escalation to the managers) and is closed with /首访跟进, by them or another engineer or a
manager of the desk. Open tasks are listed in their assignee's /我的.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from bot.errors import UserError
from bot.services.deadlines import clocks
from bot.services.firstvisits import texts
from storage.models import Customer, Staff
from storage.models.customers import FirstVisit, FirstVisitTask
from storage.models.deadlines import OPEN_STATES, Deadline

if TYPE_CHECKING:
    from bot.runtime import Runtime

OBJECT = CLOCK = "first_visit_task"


async def open_tasks(env: "Runtime", actor: Staff, visit: FirstVisit, customer: Customer,
                     items: list[str]) -> list[FirstVisitTask]:
    """One task per "no", owned by the caller, each with its clock."""
    made = []
    for item in items:
        task = await FirstVisitTask.create(visit=visit, item=item, created_at=env.now(),
                                           assignee=actor)
        await clocks.start(env, OBJECT, task.id, CLOCK, owner=actor, tier=customer.tier,
                           context={"number": visit.number,
                                    "title": f"{visit.number} {customer.name} {item}"})
        made.append(task)
    return made


def _pick(visit: FirstVisit, pending: list[FirstVisitTask],
          item: str) -> tuple[list[FirstVisitTask], bool]:
    """The tasks `item` names, and whether it named them: with one task open, a first word
    naming none is the start of the note ("/首访跟进 S3 已重新寄送")."""
    word = item.strip()
    if word in texts.ALL_WORDS:
        return pending, True
    full = texts.CHECKLIST.get(word, word)
    hit = [t for t in pending if t.item == full] or \
        [t for t in pending if word and word in t.item]
    if hit:
        return hit, True
    if len(pending) == 1:
        return pending, False
    if not word:
        raise UserError(texts.TASK_WHICH.format(
            no=visit.number, items="、".join(t.item for t in pending)))
    raise UserError(texts.TASK_NOT_FOUND.format(
        no=visit.number, item=word, items="、".join(t.item for t in pending)))


async def close(env: "Runtime", actor: Staff, number: int, item: str,
                note: str) -> tuple[FirstVisit, list[FirstVisitTask], int]:
    """Close the task named by `item` (a checklist key, its text, or 全部); returns the visit,
    the tasks closed and how many stay open."""
    # Not calls.get_visit: calls opens the tasks through this module.
    visit = await FirstVisit.filter(id=number).first()
    if visit is None:
        raise UserError(texts.VISIT_NOT_FOUND.format(no=f"S{number}"))
    pending = await FirstVisitTask.filter(visit_id=visit.id, done_at=None).order_by("id")
    if not pending:
        raise UserError(texts.TASK_NONE.format(no=visit.number))
    chosen, named = _pick(visit, pending, item)
    note = note.strip() if named else f"{item.strip()} {note.strip()}".strip()
    for task in chosen:
        task.done_at, task.done_by, task.note = env.now(), actor, note[:256]
        await task.save(update_fields=["done_at", "done_by_id", "note"])
        await clocks.meet(env, OBJECT, task.id, CLOCK)
    return visit, chosen, len(pending) - len(chosen)


async def mine_lines(env: "Runtime", actor: Staff) -> list[str]:
    """/我的: the open first-visit follow-ups of this person, a heading and one line each."""
    rows = await FirstVisitTask.filter(assignee_id=actor.id, done_at=None) \
        .select_related("visit__customer").order_by("id")
    if not rows:
        return []
    due = {d.object_id: d.due_at for d in await Deadline.filter(
        object_type=OBJECT, object_id__in=[t.id for t in rows], state__in=OPEN_STATES)}
    return [texts.MINE_HEAD] + [texts.MINE_LINE.format(
        no=t.visit.number, customer=t.visit.customer.name, item=t.item,
        due=env.calendar.local(due[t.id]).strftime("%m-%d %H:%M") if t.id in due else "-")
        for t in rows]
