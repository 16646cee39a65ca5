"""Changing a ticket after it was created: notes, edits, reopening and cancelling.

Who may do what (documented in README and /帮助):
- a note (/备注): every engineer and manager, on a ticket in any state: it changes nothing but
  the history, and whoever touched a ticket may need to leave word on it;
- an edit (/改单): the owner or a service manager, while the ticket is open; the customer only
  before anyone was sent on site, since the visit was planned for that customer;
- a reopening (/重开): the owner or a service manager, on a resolved ticket; the ticket goes back
  to its owner, the callback clock restarts, and the reports count it as a reopening;
- a cancellation (/撤单): the owner or a service manager, on an open ticket without a visit in
  progress; every clock is cancelled, and the reports count it neither as open nor as a service.
Every change is an event in the ticket's history.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.errors import UserError
from bot.services.cards.refresh import refresh as redraw_cards, retext
from bot.services.deadlines import clocks
from bot.services.directory.lookup import find_customer
from bot.services.directory.phones import normalise_phone, shown_phone
from bot.services.outbox import notify_staff
from bot.services.tickets import texts
from bot.services.tickets.lifecycle import (
    announce_card,
    announcement,
    check_priority,
    clock_context,
    clock_tier,
    get_ticket,
    log_event,
    require_actor,
    require_no_visit,
    require_open,
    when,
)
from storage.models import Deadline, Dispatch, Staff, Ticket
from storage.models.dispatches import ACTIVE, CANCELLED as VISIT_CANCELLED, REQUESTED
from storage.models.tickets import CANCELLED, CLAIMED, RESOLVED

if TYPE_CHECKING:
    from bot.runtime import Runtime

CALLBACK_CLOCK = "ticket_callback"


@dataclass
class Edit:
    customer: str = ""
    contact: str = ""
    phone: str = ""
    product: str = ""
    priority: str = ""
    description: str = ""

    def empty(self) -> bool:
        return not any(vars(self).values())


async def add_note(env: "Runtime", actor: Staff, number: int, text: str) -> Ticket:
    ticket = await get_ticket(number)
    text = text.strip()
    if not text:
        raise UserError(texts.NOTE_NEEDS_TEXT)
    await log_event(env, ticket, actor, "note", text)
    return ticket


async def edit(env: "Runtime", actor: Staff, number: int, change: Edit) -> list[str]:
    """Applies the fields given; answers one line per field actually changed."""
    ticket = await get_ticket(number)
    require_open(ticket)
    require_actor(ticket, actor)
    if change.empty():
        raise UserError(texts.EDIT_NOTHING)
    updates: dict[str, object] = {}
    lines: list[str] = []

    def changed(column: str, label: str, old: str, new: str, shown_old: str = "",
                shown_new: str = "") -> None:
        if new != old:
            updates[column] = new
            lines.append(texts.EDIT_LINE.format(field=label, old=shown_old or old or "-",
                                                new=shown_new or new or "-"))

    if change.customer:
        customer = await find_customer(change.customer)
        if customer.id != ticket.customer_id:
            if await Dispatch.filter(ticket_id=ticket.id, status__in=ACTIVE).exists():
                raise UserError(texts.EDIT_CUSTOMER_VISIT.format(no=ticket.number))
            updates["customer_id"] = customer.id
            lines.append(texts.EDIT_LINE.format(field=texts.FIELD_NAMES["customer"],
                                                old=ticket.customer.name, new=customer.name))
    if change.phone:
        phone = normalise_phone(change.phone)
        # The history is read in groups too: it keeps the masked form.
        changed("phone", texts.FIELD_NAMES["phone"], ticket.phone, phone,
                shown_phone(ticket.phone, full=False), shown_phone(phone, full=False))
    if change.priority:
        changed("priority", texts.FIELD_NAMES["priority"], ticket.priority,
                check_priority(env, change.priority))
    for column in ("contact", "product", "description"):
        value = getattr(change, column).strip()
        if value:
            changed(column, texts.FIELD_NAMES[column], getattr(ticket, column), value)
    if not updates:
        raise UserError(texts.EDIT_SAME.format(no=ticket.number))
    await Ticket.filter(id=ticket.id).update(**updates)
    if "priority" in updates or "customer_id" in updates:
        lines += await _retime(env, ticket.id)
    await log_event(env, ticket, actor, "edited", "；".join(lines))
    # The hotline card shows what was edited: it is redrawn with the new words.
    edited = await get_ticket(ticket.id)
    await retext(announce_card(edited), announcement(edited, edited.customer.name,
                                                     edited.creator.name))
    await redraw_cards(env, "ticket", ticket.id, actor=actor, changes="；".join(lines))
    if ticket.owner_id != actor.id:
        await notify_staff(env, ticket.owner, texts.EDIT_NOTICE.format(
            no=ticket.number, who=actor.name, changes="；".join(lines)),
            f"ticket:{ticket.id}:edited:{env.now().timestamp()}")
    return lines


async def _retime(env: "Runtime", ticket_id: int) -> list[str]:
    """A new priority or customer may fall under other clocks: each open clock whose policy
    changes is re-timed from its start; one line per clock whose due time moved."""
    ticket = await get_ticket(ticket_id)
    lines = []
    for row in await clocks.get(env, "ticket", ticket.id):
        tier = clock_tier(env, row.clock, ticket)
        if not row.is_open or tier == row.tier:
            continue
        moved = await clocks.retime(env, "ticket", ticket.id, row.clock, tier)
        if moved is None or moved[0] == moved[1]:
            continue
        row = await Deadline.get(id=row.id)
        lines.append(texts.EDIT_RETIMED.format(label=clocks.label(env, row), old=when(env, moved[0]),
                                               new=when(env, moved[1]),
                                               status=clocks.describe(env, row)))
    return lines


async def reopen(env: "Runtime", actor: Staff, number: int, reason: str) -> Ticket:
    ticket = await get_ticket(number)
    if ticket.status != RESOLVED:
        raise UserError(texts.REOPEN_NOT_RESOLVED.format(no=ticket.number,
                                                         status=texts.STATUS[ticket.status]))
    require_actor(ticket, actor)
    reason = reason.strip()
    if not reason:
        raise UserError(texts.REOPEN_NEEDS_REASON)
    won = await Ticket.filter(id=ticket.id, status=RESOLVED).update(
        status=CLAIMED, resolved_at=None, solution="")
    if not won:
        raise UserError(texts.CHANGED_MEANWHILE.format(no=ticket.number))
    await log_event(env, ticket, actor, "reopened", reason)
    # The customer is still waiting: the owner owes a callback again, with fresh reminders.
    await clocks.start(env, "ticket", ticket.id, CALLBACK_CLOCK, owner=ticket.owner_id,
                       tier=clock_tier(env, CALLBACK_CLOCK, ticket), context=clock_context(ticket),
                       restart=True)
    if ticket.owner_id != actor.id:
        await notify_staff(env, ticket.owner, texts.REOPEN_NOTICE.format(
            no=ticket.number, who=actor.name, reason=reason),
            f"ticket:{ticket.id}:reopened:{env.now().timestamp()}")
    await redraw_cards(env, "ticket", ticket.id, actor=actor)
    return await get_ticket(number)


async def cancel(env: "Runtime", actor: Staff, number: int, reason: str) -> Ticket:
    ticket = await get_ticket(number)
    require_open(ticket)
    require_actor(ticket, actor)
    reason = reason.strip()
    if not reason:
        raise UserError(texts.CANCEL_NEEDS_REASON)
    await require_no_visit(ticket, texts.CANCEL_VISIT_RUNNING)
    won = await Ticket.filter(id=ticket.id, status=ticket.status).update(
        status=CANCELLED, offered_to_id=None)
    if not won:
        raise UserError(texts.CHANGED_MEANWHILE.format(no=ticket.number))
    await log_event(env, ticket, actor, "cancelled", reason)
    await Dispatch.filter(ticket_id=ticket.id, status=REQUESTED).update(status=VISIT_CANCELLED)
    await clocks.cancel(env, "ticket", ticket.id, reason=reason)
    if ticket.owner_id != actor.id:
        await notify_staff(env, ticket.owner, texts.CANCEL_NOTICE.format(
            no=ticket.number, who=actor.name, reason=reason), f"ticket:{ticket.id}:cancelled")
    await redraw_cards(env, "ticket", ticket.id, actor=actor)
    return await get_ticket(number)
