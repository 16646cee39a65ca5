"""Submitting a first visit and recording the desk's calls.

The desk's clock (first_visit_call) starts at submission; a failed call restarts it with the
next attempt as its due time, and after [first_visit] max_attempts failures the managers are
told. On the call the checklist is recorded item by item; a "no" becomes a follow-up task for
the desk, and data verified on the call (address, contact phone) updates the archive.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from bot.errors import UserError
from bot.services.customers import archive, phones
from bot.services.deadlines import clocks
from bot.services.firstvisits import tasks as followups, texts
from bot.services.outbox import notify_purpose
from storage.models import Customer, Staff
from storage.models.customers import VISIT_PENDING, VISIT_REACHED, FirstVisit
from storage.models.people import Purpose

if TYPE_CHECKING:
    from bot.runtime import Runtime

OBJECT, CALL_CLOCK = "first_visit", "first_visit_call"


def when(env: "Runtime", dt: datetime | None) -> str:
    return env.calendar.local(dt).strftime("%m-%d %H:%M") if dt else "-"


async def get_visit(number: int) -> FirstVisit:
    visit = await FirstVisit.filter(id=number).select_related("customer").first()
    if visit is None:
        raise UserError(texts.VISIT_NOT_FOUND.format(no=f"S{number}"))
    return visit


def _context(visit: FirstVisit, customer: Customer) -> dict:
    return {"number": visit.number, "title": f"{visit.number} {customer.name}"}


async def submit(env: "Runtime", actor: Staff, unit: str, contact: str, phone: str,
                 address: str, software: str) -> tuple[FirstVisit, datetime]:
    if not all(x.strip() for x in (unit, contact, phone, address, software)):
        raise UserError(texts.NEED_FIELDS)
    number = phones.normalize(phone)
    customer = await Customer.filter(name=unit.strip()).first() or Customer(name=unit.strip())
    customer.address, customer.products = address.strip(), software.strip()
    customer.sales_id = customer.sales_id or actor.id
    await customer.save()
    await archive.merge_contact(customer, contact.strip(), {"phone": number})
    visit = await FirstVisit.create(customer=customer, submitted_by=actor, contact=contact.strip(),
                                    phone=number, address=address.strip(),
                                    software=software.strip(), created_at=env.now())
    row = await clocks.start(env, OBJECT, visit.id, CALL_CLOCK, tier=customer.tier,
                             context=_context(visit, customer))
    await notify_purpose(env, Purpose.HOTLINE, texts.ANNOUNCE.format(
        no=visit.number, customer=customer.name, sales=actor.name, contact=visit.contact,
        phone=phones.mask(number), address=visit.address, software=visit.software,
        due=when(env, row.due_at)), f"first_visit:{visit.id}:submitted")
    return visit, row.due_at


def _pending(visit: FirstVisit) -> None:
    if visit.status != VISIT_PENDING:
        raise UserError(texts.VISIT_DONE_ALREADY.format(no=visit.number,
                                                        at=visit.reached_at or "-"))


async def not_reached(env: "Runtime", actor: Staff, number: int,
                      next_at: datetime | None) -> tuple[FirstVisit, datetime]:
    visit = await get_visit(number)
    _pending(visit)
    if next_at is not None and next_at <= env.now():
        raise UserError(texts.NEXT_PAST.format(at=when(env, next_at)))
    visit.attempts += 1
    visit.next_attempt_at = next_at
    visit.caller_id = actor.id
    await visit.save()
    row = await clocks.start(env, OBJECT, visit.id, CALL_CLOCK, tier=visit.customer.tier,
                             context=_context(visit, visit.customer), due_at=next_at,
                             restart=True)
    if visit.attempts >= env.settings.first_visit.max_attempts:
        await notify_purpose(env, Purpose.MANAGERS, texts.TOO_MANY.format(
            no=visit.number, customer=visit.customer.name, n=visit.attempts,
            contact=visit.contact), f"first_visit:{visit.id}:attempts:{visit.attempts}")
    return visit, row.due_at


@dataclass
class Reached:
    visit: FirstVisit
    tasks: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)


async def reached(env: "Runtime", actor: Staff, number: int, answers: dict[str, bool],
                  address: str = "", phone: str = "") -> Reached:
    visit = await get_visit(number)
    _pending(visit)
    missing = [k for k in texts.CHECKLIST if k not in answers]
    if missing:
        raise UserError(texts.CHECKLIST_MISSING.format(items="、".join(missing)))
    customer = visit.customer
    changes = []
    if phone:
        number_ = phones.normalize(phone)
        await archive.merge_contact(customer, visit.contact, {"phone": number_})
        changes.append(f"{visit.contact} 电话={number_}")
    if address:
        customer.address = address.strip()
        changes.append(f"地址={customer.address}")
    if changes:
        await customer.save()
    visit.status, visit.reached_at, visit.caller_id = VISIT_REACHED, env.now(), actor.id
    visit.checklist = {texts.CHECKLIST[k]: v for k, v in answers.items()}
    await visit.save()
    await clocks.meet(env, OBJECT, visit.id, CALL_CLOCK)
    tasks = [texts.CHECKLIST[k] for k, ok in answers.items() if not ok]
    await followups.open_tasks(env, actor, visit, customer, tasks)
    if tasks:
        await notify_purpose(env, Purpose.HOTLINE, texts.TASK_NOTICE.format(
            no=visit.number, customer=customer.name, tasks="、".join(tasks), who=actor.name),
            f"first_visit:{visit.id}:tasks")
    return Reached(visit, tasks, changes)


def parse_answer(key: str, value: str) -> bool:
    v = value.strip().lower()
    if v in texts.YES_WORDS:
        return True
    if v in texts.NO_WORDS:
        return False
    raise UserError(texts.CHECKLIST_BAD.format(key=key, value=value))
