"""Before a visit: the engineer's request, the managers' suggestion of engineers, the dispatch.

The suggestion ranks engineers by their current open load (open tickets they own plus visits
they are out on) and, at equal load, puts whoever the duty roster has on duty first.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.errors import UserError
from bot.messages import CARD, Button
from bot.services.customers import contacts as customer_contacts
from bot.services.deadlines import clocks
from bot.services.directory.lookup import mask_phone
from bot.services.directory.phones import contact_text
from bot.services.dispatches import texts
from bot.services.outbox import notify_purpose, notify_staff
from bot.services.roster.duty import on_duty_userids
from bot.services.tickets import service_modes
from bot.services.tickets.lifecycle import (
    OPEN_STATES,
    get_ticket,
    log_event,
    require_actor,
    require_open,
    when,
)
from storage.models import Dispatch, Staff, Ticket
from storage.models.dispatches import ACTIVE, DISPATCHED, REQUESTED
from storage.models.people import Purpose, Role

if TYPE_CHECKING:
    from bot.runtime import Runtime

ACCEPT_CLOCK, APPOINTMENT_CLOCK = "dispatch_accept", "dispatch_appointment"
SUGGESTIONS = 3


@dataclass
class Suggestion:
    staff: Staff
    load: int
    on_duty: bool


@dataclass
class Requested:
    dispatch: Dispatch
    paid: bool  # the customer is not offered on-site service: this visit is paid service
    suggestions: list[Suggestion]


def dispatch_context(d: Dispatch, ticket: Ticket) -> dict:
    return {"number": d.number, "title": f"{d.number}（{ticket.number} {ticket.customer.name}）",
            "ticket": ticket.number}


async def suggest_engineers(env: "Runtime", limit: int = SUGGESTIONS) -> list[Suggestion]:
    engineers = [s for s in await Staff.filter(active=True).order_by("id")
                 if s.has_role(Role.ENGINEER)]
    duty = await on_duty_userids(env)
    out = []
    for s in engineers:
        load = await Ticket.filter(owner_id=s.id, status__in=OPEN_STATES).count() + \
            await Dispatch.filter(engineer_id=s.id, status__in=ACTIVE).count()
        out.append(Suggestion(s, load, s.userid in duty))
    out.sort(key=lambda x: (x.load, not x.on_duty, x.staff.id))
    return out[:limit]


def describe_suggestions(items: list[Suggestion]) -> str:
    return "、".join(texts.SUGGEST_ITEM.format(
        name=s.staff.name, load=s.load, duty=texts.SUGGEST_ON_DUTY if s.on_duty else "")
        for s in items) or "-"


async def _announce_request(env: "Runtime", d: Dispatch, ticket: Ticket, who: Staff, paid: bool,
                            again: bool) -> list[Suggestion]:
    suggestions = await suggest_engineers(env)
    first = suggestions[0].staff.name if suggestions else texts.SUGGEST_SOMEONE
    template = texts.VISIT_REQUEST_AGAIN if again else texts.VISIT_REQUEST
    await notify_purpose(env, Purpose.MANAGERS, template.format(
        d=d.number, no=ticket.number, customer=ticket.customer.name, tier=ticket.customer.tier,
        desc=ticket.description[:100], reason=d.reason, who=who.name,
        paid=texts.VISIT_PAID_NOTE if paid else "", suggest=describe_suggestions(suggestions),
        first=first), f"dispatch:{d.id}:requested")
    return suggestions


async def visit_mode(env: "Runtime", ticket: Ticket) -> tuple[str, bool]:
    """On-site if the customer is offered it, else paid service if that is offered."""
    offer = await service_modes.current_offer(env, ticket.customer)
    if offer.allows(service_modes.ONSITE):
        return service_modes.ONSITE, False
    if offer.allows(service_modes.PAID):
        return service_modes.PAID, True
    raise UserError(texts.VISIT_NOT_OFFERED.format(customer=ticket.customer.name,
                                                   why=service_modes.describe(offer)))


async def request_visit(env: "Runtime", actor: Staff, number: int, reason: str) -> Requested:
    ticket = await get_ticket(number)
    require_open(ticket)
    require_actor(ticket, actor)
    if not reason.strip():
        raise UserError(texts.VISIT_NEEDS_REASON)
    pending = await Dispatch.filter(ticket_id=ticket.id, status__in=(REQUESTED, *ACTIVE)) \
        .order_by("id").first()
    if pending is not None:
        raise UserError(texts.VISIT_ALREADY.format(no=ticket.number, d=pending.number,
                                                   status=texts.DISPATCH_STATUS[pending.status]))
    mode, paid = await visit_mode(env, ticket)
    d = await Dispatch.create(ticket=ticket, status=REQUESTED, reason=reason.strip(),
                              requested_by=actor, requested_at=env.now())
    await Ticket.filter(id=ticket.id).update(service_mode=mode)
    await log_event(env, ticket, actor, "onsite", f"{d.number}：{reason.strip()}")
    suggestions = await _announce_request(env, d, ticket, actor, paid, again=False)
    return Requested(d, paid, suggestions)


async def ask_for_next(env: "Runtime", actor: Staff, previous: Dispatch, ticket: Ticket,
                       reason: str) -> Requested:
    """An unsolved visit asks the managers for the next one."""
    d = await Dispatch.create(ticket=ticket, status=REQUESTED, previous=previous,
                              reason=texts.VISIT_NEXT_REASON.format(d=previous.number,
                                                                    reason=reason),
                              requested_by=actor, requested_at=env.now())
    await log_event(env, ticket, actor, "onsite", f"{d.number}：{d.reason}")
    paid = ticket.service_mode == service_modes.PAID
    suggestions = await _announce_request(env, d, ticket, actor, paid, again=True)
    return Requested(d, paid, suggestions)


async def _visit_contact(ticket: Ticket) -> tuple[str, str]:
    """Whom the engineer calls: the ticket's contact with their number (from the archive when the
    ticket has none), else the archive's primary contact; never one person's name with another's
    number."""
    if ticket.contact or ticket.phone:
        found = await customer_contacts.find(ticket.customer_id, ticket.contact) \
            if ticket.contact else None
        return ticket.contact, ticket.phone or (found.number if found else "")
    first = await customer_contacts.primary(ticket.customer_id)
    return (first.name, first.number) if first else ("", "")


async def assign(env: "Runtime", manager: Staff, number: int, engineer: Staff,
                 at: datetime | None = None) -> Dispatch:
    """/派工: the manager sends an engineer; the visit asked for is used, or one is created."""
    ticket = await get_ticket(number)
    require_open(ticket)
    if not engineer.has_role(Role.ENGINEER):
        raise UserError(texts.DISPATCH_NOT_ENGINEER.format(who=engineer.name))
    busy = await Dispatch.filter(ticket_id=ticket.id, status__in=ACTIVE) \
        .select_related("engineer").order_by("id").first()
    if busy is not None:
        assert busy.engineer is not None  # an active visit names its engineer
        raise UserError(texts.DISPATCH_BUSY.format(no=ticket.number, d=busy.number,
                                                   who=busy.engineer.name))
    if at is not None and at <= env.now():
        raise UserError(texts.TIME_PAST.format(at=when(env, at)))
    d = await Dispatch.filter(ticket_id=ticket.id, status=REQUESTED).order_by("id").first()
    if d is None:  # dispatched without a request: the visit's mode is set here
        mode, _ = await visit_mode(env, ticket)
        await Ticket.filter(id=ticket.id).update(service_mode=mode)
        d = await Dispatch.create(ticket=ticket, status=REQUESTED, requested_by=manager,
                                  requested_at=env.now())
    d.status, d.engineer, d.manager, d.dispatched_at = DISPATCHED, engineer, manager, env.now()
    d.appointment_at = at
    await d.save()
    d.ticket = ticket
    ctx = dispatch_context(d, ticket)
    tier = ticket.customer.tier
    await clocks.start(env, "dispatch", d.id, ACCEPT_CLOCK, owner=engineer, tier=tier,
                          context=ctx)
    if at is not None:
        await clocks.start(env, "dispatch", d.id, APPOINTMENT_CLOCK, owner=engineer,
                              tier=tier, context=ctx, due_at=at)
    await log_event(env, ticket, manager, "dispatched", f"{d.number} → {engineer.name}")
    c = ticket.customer
    contact, phone = await _visit_contact(ticket)
    await notify_staff(env, engineer, texts.DISPATCH_CARD.format(
        d=d.number, no=ticket.number, customer=c.name, address=c.address or "-",
        contact=contact_text(contact, phone), desc=ticket.description[:100],
        reason=d.reason or "-",
        at=when(env, at) if at else texts.DISPATCH_NO_TIME.format(d=d.number),
        manager=manager.name), f"dispatch:{d.id}:card", kind=CARD,
        title=texts.DISPATCH_CARD_TITLE.format(d=d.number),
        buttons=[Button(f"take:{d.number}", texts.BUTTON_TAKE)], task_id=f"take-{d.number}")
    if ticket.owner_id not in (engineer.id, manager.id):
        await notify_staff(env, ticket.owner, texts.DISPATCH_OWNER_NOTICE.format(
            no=ticket.number, d=d.number, who=engineer.name,
            phone=texts.DISPATCH_OWNER_PHONE.format(phone=mask_phone(phone)) if phone else ""),
            f"dispatch:{d.id}:owner")
    return d
