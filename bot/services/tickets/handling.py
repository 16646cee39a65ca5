"""What happens to an open ticket between claim and solution: transfers, the callback and
consultation clocks, the answer to the customer, and escalation to HQ.

A transfer is an offer: the owner stays responsible (首问责任制) until the offered person accepts;
only then do ownership and every running clock's reminders move to them.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from bot.errors import Forbidden, UserError
from bot.messages import CARD, Button
from bot.services.cards.refresh import refresh as redraw_cards
from bot.services.deadlines import clocks
from bot.services.outbox import notify_purpose, notify_staff
from bot.services.tickets import texts
from bot.services.tickets.lifecycle import (
    CLAIM_CLOCK,
    OPEN_STATES,
    clock_context,
    clock_tier,
    get_ticket,
    log_event,
    require_actor,
    require_open,
    when,
)
from storage.models import Staff, Ticket, TicketEvent
from storage.models.deadlines import OPEN_STATES as CLOCK_OPEN, Deadline
from storage.models.people import Purpose, Role
from storage.models.tickets import CLAIMED, NEW

if TYPE_CHECKING:
    from bot.runtime import Runtime

CALLBACK_CLOCK, CONSULT_CLOCK, HQ_CLOCK = "ticket_callback", "ticket_consult", "ticket_hq"


async def transfer(env: "Runtime", actor: Staff, number: int, target: Staff,
                   note: str = "") -> Ticket:
    ticket = await get_ticket(number)
    require_open(ticket)
    require_actor(ticket, actor)
    if not target.has_role(Role.ENGINEER, Role.MANAGER):
        raise UserError(texts.TRANSFER_NOT_ENGINEER.format(who=target.name))
    if target.id == ticket.owner_id:
        raise UserError(texts.TRANSFER_TO_OWNER.format(no=ticket.number, who=target.name))
    if target.id == ticket.offered_to_id:
        raise UserError(texts.TRANSFER_ALREADY_OFFERED.format(no=ticket.number, who=target.name))
    await Ticket.filter(id=ticket.id).update(offered_to_id=target.id)
    await log_event(env, ticket, actor, "transferred", f"→ {target.name}" +
                    (f"：{note}" if note else ""))
    n = await TicketEvent.filter(ticket_id=ticket.id, kind="transferred").count()
    await notify_staff(env, target, texts.TRANSFER_OFFER.format(
        no=ticket.number, customer=ticket.customer.name, desc=ticket.description[:100],
        who=actor.name, owner=ticket.owner.name, note=note or "-"),
        f"ticket:{ticket.id}:offer:{n}", kind=CARD,
        title=texts.TRANSFER_OFFER_TITLE.format(no=ticket.number),
        buttons=[Button(f"accept:{ticket.number}", texts.BUTTON_ACCEPT_TRANSFER)],
        task_id=f"accept-{ticket.number}-{n}")
    if ticket.owner_id != actor.id:
        # A manager moved someone else's ticket: the owner stays responsible and must know.
        await notify_staff(env, ticket.owner, texts.TRANSFER_OWNER_NOTICE.format(
            no=ticket.number, who=actor.name, target=target.name, note=note or "-"),
            f"ticket:{ticket.id}:offer:{n}:owner")
    await redraw_cards(env, "ticket", ticket.id, actor=actor)
    return await get_ticket(number)


async def accept_transfer(env: "Runtime", actor: Staff, number: int) -> Ticket:
    ticket = await get_ticket(number)
    require_open(ticket)
    if ticket.offered_to_id != actor.id:
        if ticket.owner_id == actor.id:
            raise UserError(texts.ACCEPT_ALREADY_OWNER.format(no=ticket.number))
        raise Forbidden(texts.ACCEPT_NOT_OFFERED.format(no=ticket.number))
    was_new = ticket.status == NEW
    previous = ticket.owner
    won = await Ticket.filter(id=ticket.id, offered_to_id=actor.id, status__in=OPEN_STATES) \
        .update(owner_id=actor.id, offered_to_id=None, status=CLAIMED,
                claimed_at=ticket.claimed_at or env.now())
    if not won:
        raise UserError(texts.ACCEPT_LOST.format(no=ticket.number))
    await log_event(env, ticket, actor, "accepted", f"{previous.name} → {actor.name}")
    if was_new:  # a technician has now taken the request
        await clocks.meet(env, "ticket", ticket.id, CLAIM_CLOCK)
    await clocks.set_owner(env, "ticket", ticket.id, actor)
    n = await TicketEvent.filter(ticket_id=ticket.id, kind="accepted").count()
    await notify_staff(env, previous, texts.ACCEPT_NOTICE.format(no=ticket.number, who=actor.name),
                       f"ticket:{ticket.id}:accepted:{n}")
    await redraw_cards(env, "ticket", ticket.id, actor=actor)
    return await get_ticket(number)


async def _open_clock(ticket: Ticket, clock: str) -> Deadline | None:
    return await Deadline.filter(object_type="ticket", object_id=ticket.id, clock=clock,
                                 state__in=CLOCK_OPEN).first()


async def _start(env: "Runtime", ticket: Ticket, clock: str, busy_text: str) -> Deadline:
    running = await _open_clock(ticket, clock)
    if running is not None:
        raise UserError(busy_text.format(no=ticket.number, due=when(env, running.due_at)))
    # A clock met earlier (a second consultation) starts a new round.
    return await clocks.start(env, "ticket", ticket.id, clock, owner=ticket.owner,
                                 tier=clock_tier(env, clock, ticket), context=clock_context(ticket),
                                 restart=True)


async def callback(env: "Runtime", actor: Staff, number: int, note: str = "") -> Deadline:
    """Internal consultation needed: the owner calls the customer back within the clock."""
    ticket = await get_ticket(number)
    require_open(ticket)
    require_actor(ticket, actor)
    row = await _start(env, ticket, CALLBACK_CLOCK, texts.CALLBACK_RUNNING)
    await log_event(env, ticket, actor, "callback", note)
    return row


async def consult(env: "Runtime", actor: Staff, number: int, note: str = "") -> Deadline:
    """The manager organises a consultation; the customer gets an answer within the clock."""
    ticket = await get_ticket(number)
    require_open(ticket)
    require_actor(ticket, actor)
    row = await _start(env, ticket, CONSULT_CLOCK, texts.CONSULT_RUNNING)
    await log_event(env, ticket, actor, "consult", note)
    await notify_purpose(env, Purpose.MANAGERS, texts.CONSULT_NOTICE.format(
        no=ticket.number, customer=ticket.customer.name, desc=ticket.description[:100],
        who=actor.name, note=note or "-", due=when(env, row.due_at)),
        f"ticket:{ticket.id}:consult:{row.cycle}")
    return row


async def answer_customer(env: "Runtime", actor: Staff, number: int, text: str) -> list[str]:
    """The customer was called back with the result or the status: the open callback and
    consultation clocks are met. Returns the labels of the clocks met."""
    ticket = await get_ticket(number)
    require_open(ticket)
    require_actor(ticket, actor)
    if not text.strip():
        raise UserError(texts.ANSWER_NEEDS_TEXT)
    met = []
    for clock in (CALLBACK_CLOCK, CONSULT_CLOCK):
        if await _open_clock(ticket, clock) is not None:
            await clocks.meet(env, "ticket", ticket.id, clock)
            met.append(env.settings.clocks.get(clock, ticket.customer.tier).label)
    if not met:
        raise UserError(texts.ANSWER_NOTHING_DUE.format(no=ticket.number))
    await log_event(env, ticket, actor, "answered", text.strip())
    return met


async def escalate_to_hq(env: "Runtime", actor: Staff, ticket: Ticket, reason: str) -> Deadline:
    """A problem the center cannot solve goes to HQ and is tracked until the ticket is solved."""
    if not reason.strip():
        raise UserError(texts.ESCALATE_NEEDS_REASON)
    running = await _open_clock(ticket, HQ_CLOCK)
    if running is not None:
        raise UserError(texts.ESCALATE_RUNNING.format(no=ticket.number))
    row = await clocks.start(env, "ticket", ticket.id, HQ_CLOCK, owner=ticket.owner,
                                tier=clock_tier(env, HQ_CLOCK, ticket), context=clock_context(ticket),
                                restart=True)
    await log_event(env, ticket, actor, "escalated", reason.strip())
    fill = dict(no=ticket.number, customer=ticket.customer.name, tier=ticket.customer.tier,
                desc=ticket.description[:200], reason=reason.strip(), who=actor.name,
                owner=ticket.owner.name, product=ticket.product or "-")
    await notify_purpose(env, Purpose.HQ, texts.HQ_ESCALATION.format(**fill),
                         f"ticket:{ticket.id}:hq:{row.cycle}")
    await notify_purpose(env, Purpose.MANAGERS, texts.HQ_ESCALATION_MANAGERS.format(**fill),
                         f"ticket:{ticket.id}:hq-managers:{row.cycle}")
    return row


async def escalate(env: "Runtime", actor: Staff, number: int, reason: str) -> Deadline:
    ticket = await get_ticket(number)
    require_open(ticket)
    require_actor(ticket, actor)
    return await escalate_to_hq(env, actor, ticket, reason)
