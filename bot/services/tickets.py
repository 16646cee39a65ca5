"""Hotline tickets: creation, claiming, resolving, and what a person sees of them.

First-responder rule (首问责任制): whoever takes a request owns it until someone else claims it or
accepts a transfer, so `owner` is never empty; the creator is the owner of a new ticket.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.errors import Forbidden, UserError
from bot.platforms.base import CARD, Button
from bot.services import deadlines, texts
from bot.services.people import find_customer
from notifiers.outbox import notify_purpose, notify_staff
from storage.models import Staff, Ticket, TicketEvent
from storage.models.tickets import CLAIMED, NEW, RESOLVED

if TYPE_CHECKING:
    from bot.services.env import Env

OPEN_STATES = (NEW, CLAIMED)
CLAIM_CLOCK = "ticket_claim"


@dataclass
class NewTicket:
    customer: str
    description: str
    contact: str = ""
    phone: str = ""
    product: str = ""
    priority: str = "普通"
    channel: str = "热线"
    source_platform: str = ""
    source_chat: str = ""


def when(env: "Env", dt: datetime | None) -> str:
    if dt is None:
        return "-"
    return env.calendar.local(dt).strftime("%m-%d %H:%M")


async def log_event(env: "Env", ticket: Ticket, actor: Staff | None, kind: str,
                    detail: str = "") -> None:
    await TicketEvent.create(ticket=ticket, at=env.now(), actor=actor, kind=kind, detail=detail)


async def get_ticket(number: int) -> Ticket:
    ticket = await Ticket.filter(id=number).select_related("customer", "owner", "creator",
                                                           "offered_to").first()
    if ticket is None:
        raise UserError(texts.TICKET_NOT_FOUND.format(no=f"T{number}"))
    return ticket


async def create(env: "Env", actor: Staff, req: NewTicket) -> Ticket:
    if not req.description.strip():
        raise UserError(texts.TICKET_NEEDS_DESCRIPTION)
    customer = await find_customer(req.customer)
    ticket = await Ticket.create(
        customer=customer, description=req.description.strip(), contact=req.contact,
        phone=req.phone, product=req.product, priority=req.priority, channel=req.channel,
        status=NEW, creator=actor, owner=actor, created_at=env.now(),
        source_platform=req.source_platform, source_chat=req.source_chat,
    )
    ticket.customer = customer
    await log_event(env, ticket, actor, "created", req.description.strip())
    await deadlines.start(env, "ticket", ticket.id, CLAIM_CLOCK, owner=actor, tier=customer.tier,
                          context={"number": ticket.number, "title": _title(ticket)})
    await notify_purpose(
        env, "hotline", texts.TICKET_ANNOUNCE.format(
            no=ticket.number, customer=customer.name, desc=ticket.description[:200],
            creator=actor.name, priority=ticket.priority),
        f"ticket:{ticket.id}:announce", kind=CARD, title=texts.TICKET_ANNOUNCE_TITLE.format(
            no=ticket.number), buttons=[Button(f"claim:{ticket.number}", texts.BUTTON_CLAIM)],
        task_id=f"claim-{ticket.number}")
    return ticket


def _title(ticket: Ticket) -> str:
    return f"{ticket.number} {ticket.customer.name} {ticket.description[:20]}"


async def claim(env: "Env", actor: Staff, number: int) -> Ticket:
    ticket = await get_ticket(number)
    if ticket.status != NEW:
        if ticket.status in OPEN_STATES:
            raise UserError(texts.TICKET_ALREADY_CLAIMED.format(
                no=ticket.number, owner=ticket.owner.name))
        raise UserError(texts.TICKET_NOT_OPEN.format(no=ticket.number,
                                                     status=texts.STATUS[ticket.status]))
    # Conditional update: of two simultaneous claims exactly one wins.
    won = await Ticket.filter(id=ticket.id, status=NEW).update(
        status=CLAIMED, owner_id=actor.id, claimed_at=env.now())
    if not won:
        raise UserError(texts.TICKET_CLAIM_LOST.format(no=ticket.number))
    creator = ticket.creator
    await log_event(env, ticket, actor, "claimed")
    await deadlines.meet(env, "ticket", ticket.id, CLAIM_CLOCK)
    if creator.id != actor.id:
        await notify_staff(env, creator, texts.TICKET_CLAIMED_NOTICE.format(
            no=ticket.number, who=actor.name), f"ticket:{ticket.id}:claimed")
    return await get_ticket(number)


async def resolve(env: "Env", actor: Staff, number: int, solution: str) -> Ticket:
    ticket = await get_ticket(number)
    if ticket.status not in OPEN_STATES:
        raise UserError(texts.TICKET_NOT_OPEN.format(no=ticket.number,
                                                     status=texts.STATUS[ticket.status]))
    if ticket.owner_id != actor.id and not actor.has_role("manager"):
        raise Forbidden(texts.TICKET_NOT_OWNER.format(no=ticket.number, owner=ticket.owner.name))
    if not solution.strip():
        raise UserError(texts.TICKET_NEEDS_SOLUTION)
    await Ticket.filter(id=ticket.id).update(status=RESOLVED, solution=solution.strip(),
                                             resolved_at=env.now())
    await log_event(env, ticket, actor, "resolved", solution.strip())
    await deadlines.close_all(env, "ticket", ticket.id)
    return await get_ticket(number)


async def history(ticket: Ticket) -> list[TicketEvent]:
    return await TicketEvent.filter(ticket_id=ticket.id).select_related("actor").order_by("id")


async def render(env: "Env", ticket: Ticket) -> str:
    lines = [texts.TICKET_HEADER.format(no=ticket.number, status=texts.STATUS[ticket.status],
                                        customer=ticket.customer.name),
             texts.TICKET_DESC.format(desc=ticket.description)]
    lines.append(texts.TICKET_PEOPLE.format(creator=ticket.creator.name,
                                            owner=ticket.owner.name,
                                            created=when(env, ticket.created_at)))
    if ticket.solution:
        lines.append(texts.TICKET_SOLUTION.format(solution=ticket.solution))
    clocks = await deadlines.describe_all(env, "ticket", ticket.id)
    if clocks:
        lines.append(texts.TICKET_CLOCKS.format(clocks="；".join(clocks)))
    lines.append(texts.TICKET_HISTORY)
    for ev in await history(ticket):
        who = ev.actor.name if ev.actor else texts.SYSTEM
        verb = texts.EVENT_NAMES.get(ev.kind, ev.kind)
        detail = f"：{ev.detail}" if ev.detail and ev.kind != "created" else ""
        lines.append(texts.TICKET_EVENT.format(at=when(env, ev.at), who=who, verb=verb,
                                               detail=detail[:120]))
    return "\n".join(lines)


async def mine(env: "Env", actor: Staff) -> list[Ticket]:
    owned = await Ticket.filter(owner_id=actor.id, status__in=OPEN_STATES) \
        .select_related("customer").order_by("id")
    offered = await Ticket.filter(offered_to_id=actor.id, status__in=OPEN_STATES) \
        .select_related("customer").order_by("id")
    return owned + [t for t in offered if t.owner_id != actor.id]


async def queue(env: "Env") -> tuple[list[Ticket], list[Ticket]]:
    """Unclaimed tickets, and open tickets with a breached clock."""
    unclaimed = await Ticket.filter(status=NEW).select_related("customer", "owner").order_by("id")
    overdue_ids = await deadlines.breached_object_ids(env, "ticket")
    overdue = await Ticket.filter(id__in=overdue_ids, status__in=OPEN_STATES) \
        .select_related("customer", "owner").order_by("id") if overdue_ids else []
    return unclaimed, overdue
