"""Hotline tickets: creation, claiming, resolving, and what a person sees of them.

First-responder rule (首问责任制): whoever takes a request owns it until someone else claims it or
accepts a transfer, so `owner` is never empty; the creator is the owner of a new ticket. A
transfer only offers the ticket (`offered_to`): until the other person accepts, the owner stays
responsible and the offered person may not act on it. Transfers, callbacks, consultations and
HQ escalation are in handling.py; on-site visits in bot/services/dispatches/.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from bot.errors import Forbidden, UserError
from bot.messages import CARD, Button
from bot.services.cards.refresh import refresh as redraw_cards
from bot.services.customers import archive, contacts as customer_contacts
from bot.services.deadlines import clocks
from bot.services.directory.lookup import CustomerNotFound, find_customer
from bot.services.directory.phones import audit_full_read, normalise_phone, shown_phone
from bot.services.dispatches import texts as dispatch_texts
from bot.services.knowledge import library
from bot.services.outbox import notify_purpose, notify_staff
from bot.services.roster.duty import on_duty_userids
from bot.services.tickets import duplicates, service_modes, texts
from storage.models import Customer, Dispatch, KnowledgeEntry, Staff, Ticket, TicketEvent
from storage.models.deadlines import Deadline
from storage.models.dispatches import ACTIVE, CANCELLED, REQUESTED
from storage.models.people import Purpose, Role
from storage.models.tickets import CLAIMED, CLOSED, NEW, RESOLVED

if TYPE_CHECKING:
    from bot.runtime import Runtime

OPEN_STATES = (NEW, CLAIMED)
CLAIM_CLOCK = "ticket_claim"


@dataclass
class NewTicket:
    customer: str
    description: str
    contact: str = ""
    phone: str = ""
    product: str = ""
    priority: str = ""  # empty: the configured default
    channel: str = "热线"
    mode: str = ""  # service mode asked for; empty: the first the customer is offered
    check_duplicates: bool = True
    # An unknown caller: register a provisional customer instead of refusing (/建单 新客户=是).
    new_customer: bool = False
    source_platform: str = ""
    source_chat: str = ""


@dataclass
class Created:
    ticket: Ticket
    offer: service_modes.Offer
    duplicate_of: Ticket | None = None
    provisional: bool = False  # the customer was registered from this call
    suggestions: list[library.Hit] = field(default_factory=list)
    clocks: list[Deadline] = field(default_factory=list)  # started with the ticket


@dataclass
class Resolved:
    ticket: Ticket
    entry: KnowledgeEntry | None = None


def when(env: "Runtime", dt: datetime | None) -> str:
    if dt is None:
        return "-"
    return env.calendar.local(dt).strftime("%m-%d %H:%M")


def title(ticket: Ticket) -> str:
    return f"{ticket.number} {ticket.customer.name} {ticket.description[:20]}"


def clock_tier(env: "Runtime", clock: str, ticket: Ticket) -> str:
    """Ticket clocks follow the priority and the customer tier, most specific policy first."""
    priority, tier = ticket.priority, ticket.customer.tier
    return env.settings.clocks.key(clock, f"{priority}/{tier}", priority, tier)


def clock_context(ticket: Ticket) -> dict:
    return {"number": ticket.number, "title": title(ticket)}


async def log_event(env: "Runtime", ticket: Ticket, actor: Staff | None, kind: str,
                    detail: str = "") -> None:
    await TicketEvent.create(ticket=ticket, at=env.now(), actor=actor, kind=kind, detail=detail)


async def get_ticket(number: int) -> Ticket:
    ticket = await Ticket.filter(id=number).select_related("customer", "owner", "creator",
                                                           "offered_to").first()
    if ticket is None:
        raise UserError(texts.TICKET_NOT_FOUND.format(no=f"T{number}"))
    return ticket


def require_open(ticket: Ticket) -> None:
    if ticket.status not in OPEN_STATES:
        raise UserError(texts.TICKET_NOT_OPEN.format(no=ticket.number,
                                                     status=texts.STATUS[ticket.status]))


def require_actor(ticket: Ticket, actor: Staff, *, manager_ok: bool = True) -> None:
    """Only the owner (or a manager) acts on a ticket; an offered transfer gives no right yet."""
    if ticket.owner_id == actor.id:
        return
    if ticket.offered_to_id == actor.id:
        raise Forbidden(texts.TICKET_OFFER_NOT_ACCEPTED.format(no=ticket.number,
                                                               owner=ticket.owner.name))
    if manager_ok and actor.has_role(Role.MANAGER):
        return
    raise Forbidden(texts.TICKET_NOT_OWNER.format(no=ticket.number, owner=ticket.owner.name))


def check_priority(env: "Runtime", priority: str) -> str:
    allowed = env.settings.service.priorities
    priority = priority.strip()
    if priority not in allowed:
        raise UserError(texts.PRIORITY_UNKNOWN.format(priority=priority,
                                                      allowed="、".join(allowed)))
    return priority


def announce_card(ticket: Ticket) -> str:
    """The card key of the hotline card that announced the ticket (where it can be claimed)."""
    return f"claim-{ticket.number}"


def announcement(ticket: Ticket, customer: str, creator: str) -> str:
    """The hotline card's words: what a colleague on duty needs to decide to claim it. The
    phone is masked, as everything a group reads."""
    reach = [texts.ANNOUNCE_CONTACT.format(contact=ticket.contact)] if ticket.contact else []
    if ticket.phone:
        reach.append(texts.ANNOUNCE_PHONE.format(phone=shown_phone(ticket.phone, full=False)))
    lines = [texts.ANNOUNCE_CUSTOMER.format(customer=customer)]
    if reach:
        lines.append("　".join(reach))
    if ticket.product:
        lines.append(texts.ANNOUNCE_PRODUCT.format(product=ticket.product))
    lines.append(texts.ANNOUNCE_REST.format(priority=ticket.priority, mode=ticket.service_mode,
                                            desc=ticket.description[:200], creator=creator))
    return "\n".join(lines)


async def open_ticket(env: "Runtime", actor: Staff, req: NewTicket) -> Created:
    """A new ticket with its service mode, duplicate check and knowledge suggestions."""
    description = req.description.strip()
    if not description:
        raise UserError(texts.TICKET_NEEDS_DESCRIPTION)
    phone = normalise_phone(req.phone)
    priority = check_priority(env, req.priority) if req.priority.strip() \
        else env.settings.service.default_priority
    customer, provisional = await _customer_of(env, actor, req)
    mode, offer = await service_modes.choose(env, customer, req.mode)
    original = await duplicates.find_original(env, customer, description) \
        if req.check_duplicates else None
    ticket = await Ticket.create(
        customer=customer, description=description, contact=req.contact,
        phone=phone, product=req.product, priority=priority, channel=req.channel,
        service_mode=mode, status=CLOSED if original else NEW, creator=actor, owner=actor,
        created_at=env.now(), duplicate_of=original,
        source_platform=req.source_platform, source_chat=req.source_chat,
    )
    ticket.customer = customer
    await log_event(env, ticket, actor, "created", description)
    if original is not None:
        await _link_duplicate(env, actor, ticket, original)
        return Created(ticket, offer, duplicate_of=original, provisional=provisional)
    if provisional:
        await archive.ask_sales(env, actor, customer, ticket.number)
    claim_clock = await clocks.start(env, "ticket", ticket.id, CLAIM_CLOCK, owner=actor,
                                     tier=clock_tier(env, CLAIM_CLOCK, ticket),
                                     context=clock_context(ticket), fresh=True)
    duty = sorted(await on_duty_userids(env))
    await notify_purpose(
        env, Purpose.HOTLINE, announcement(ticket, customer.name, actor.name),
        f"ticket:{ticket.id}:announce", kind=CARD, title=texts.TICKET_ANNOUNCE_TITLE.format(
            no=ticket.number), mentions=duty,
        buttons=[Button(f"claim:{ticket.number}", texts.BUTTON_CLAIM)],
        task_id=announce_card(ticket))
    hits = await library.suggest(env, description, exclude_ticket=ticket.id)
    return Created(ticket, offer, suggestions=hits, provisional=provisional,
                   clocks=[claim_clock])


async def _customer_of(env: "Runtime", actor: Staff, req: NewTicket) -> tuple[Customer, bool]:
    """The archived customer, or with new_customer a provisional one (never a second archive
    for a name already there)."""
    if req.new_customer:
        known = await Customer.filter(name=req.customer.strip()).first()
        if known is not None:
            return known, False
        similar = await Customer.filter(name__icontains=req.customer.strip()).limit(5)
        if similar:
            raise UserError(texts.TICKET_NEW_CUSTOMER_SIMILAR.format(
                name=req.customer.strip(), choices="、".join(c.name for c in similar)))
        return await archive.register_provisional(env, actor, req.customer, req.contact,
                                                  req.phone), True
    try:
        return await find_customer(req.customer), False
    except CustomerNotFound:
        raise UserError(texts.TICKET_UNKNOWN_CUSTOMER.format(name=req.customer.strip())) from None


async def create(env: "Runtime", actor: Staff, req: NewTicket) -> Ticket:
    return (await open_ticket(env, actor, req)).ticket


async def _link_duplicate(env: "Runtime", actor: Staff, dup: Ticket, original: Ticket) -> None:
    await log_event(env, dup, actor, "duplicate", original.number)
    await log_event(env, original, actor, "repeated",
                    texts.TICKET_REPEATED_DETAIL.format(no=dup.number, desc=dup.description[:80]))
    if original.owner_id != actor.id:
        await notify_staff(env, original.owner, texts.TICKET_REPEATED_NOTICE.format(
            no=original.number, dup=dup.number, who=actor.name, desc=dup.description[:80]),
            f"ticket:{dup.id}:duplicate")


async def claim(env: "Runtime", actor: Staff, number: int) -> Ticket:
    ticket = await get_ticket(number)
    if ticket.status != NEW:
        if ticket.status in OPEN_STATES:
            raise UserError(texts.TICKET_ALREADY_CLAIMED.format(
                no=ticket.number, owner=ticket.owner.name))
        if ticket.status == RESOLVED:  # say by whom: a manager may have resolved it for the owner
            done = await TicketEvent.filter(ticket_id=ticket.id, kind="resolved") \
                .order_by("-id").select_related("actor").first()
            raise UserError(texts.TICKET_RESOLVED_CLAIM.format(
                no=ticket.number, at=when(env, ticket.resolved_at),
                who=done.actor.name if done and done.actor else ticket.owner.name))
        raise UserError(texts.TICKET_NOT_OPEN.format(no=ticket.number,
                                                     status=texts.STATUS[ticket.status]))
    # Conditional update: of two simultaneous claims exactly one wins. A pending transfer offer
    # lapses: the claimer is now the one responsible.
    won = await Ticket.filter(id=ticket.id, status=NEW).update(
        status=CLAIMED, owner_id=actor.id, claimed_at=env.now(), offered_to_id=None)
    if not won:
        # The other claim has committed by now (our update waited for its row lock): name it.
        fresh = await get_ticket(number)
        if fresh.status == CLAIMED and fresh.owner_id != actor.id:
            raise UserError(texts.TICKET_ALREADY_CLAIMED.format(no=fresh.number,
                                                                owner=fresh.owner.name))
        raise UserError(texts.TICKET_CLAIM_LOST.format(no=ticket.number))
    creator = ticket.creator
    await log_event(env, ticket, actor, "claimed")
    await clocks.meet(env, "ticket", ticket.id, CLAIM_CLOCK)
    await clocks.set_owner(env, "ticket", ticket.id, actor)
    if creator.id != actor.id:
        await notify_staff(env, creator, texts.TICKET_CLAIMED_NOTICE.format(
            no=ticket.number, who=actor.name), f"ticket:{ticket.id}:claimed")
    await redraw_cards(env, "ticket", ticket.id, actor=actor)
    return await get_ticket(number)


async def require_no_visit(ticket: Ticket, refusal: str) -> None:
    """A visit in progress must be finished on its dispatch before the ticket can end."""
    busy = await Dispatch.filter(ticket_id=ticket.id, status__in=ACTIVE).order_by("id").first()
    if busy is not None:
        raise UserError(refusal.format(no=ticket.number, d=busy.number))


async def resolve_ticket(env: "Runtime", actor: Staff, number: int, solution: str, *,
                         to_kb: bool = False, cause: str = "") -> Resolved:
    ticket = await get_ticket(number)
    require_open(ticket)
    require_actor(ticket, actor)
    solution = solution.strip()
    if not solution:
        raise UserError(texts.TICKET_NEEDS_SOLUTION)
    await require_no_visit(ticket, texts.TICKET_VISIT_RUNNING)
    await Ticket.filter(id=ticket.id).update(status=RESOLVED, solution=solution,
                                             resolved_at=env.now())
    await log_event(env, ticket, actor, "resolved", solution)
    # A visit asked for but never dispatched is no longer needed.
    await Dispatch.filter(ticket_id=ticket.id, status=REQUESTED).update(status=CANCELLED)
    await clocks.close_all(env, "ticket", ticket.id)
    entry = None
    if to_kb:
        product, version = library.split_product(ticket.product)
        entry = await library.add_entry(env, symptom=ticket.description, cause=cause,
                                          solution=solution, product=product, version=version,
                                          ticket=ticket, author=actor)
        await log_event(env, ticket, actor, "knowledge", entry.number)
    await redraw_cards(env, "ticket", ticket.id, actor=actor)
    return Resolved(await get_ticket(number), entry)


async def resolve(env: "Runtime", actor: Staff, number: int, solution: str) -> Ticket:
    return (await resolve_ticket(env, actor, number, solution)).ticket


async def history(ticket: Ticket) -> list[TicketEvent]:
    return await TicketEvent.filter(ticket_id=ticket.id).select_related("actor").order_by("id")


async def may_read_phone(ticket: Ticket, viewer: Staff) -> bool:
    """The owner and an engineer dispatched to the ticket call the customer back."""
    if ticket.owner_id == viewer.id:
        return True
    return await Dispatch.filter(ticket_id=ticket.id, engineer_id=viewer.id).exists()


async def contact_line(env: "Runtime", ticket: Ticket, viewer: Staff | None,
                       private: bool) -> str:
    """The phone in full only in a private chat with someone who needs it; that read is audited.
    A ticket taken without a contact shows the customer's primary contact from the archive."""
    contact, phone, line = ticket.contact, ticket.phone, texts.TICKET_CONTACT
    if not contact and not phone:
        first = await customer_contacts.primary(ticket.customer_id)
        if first is not None:
            contact, phone, line = first.name, first.number, texts.TICKET_CONTACT_ARCHIVE
    full = bool(phone) and viewer is not None and private \
        and await may_read_phone(ticket, viewer)
    if full:
        assert viewer is not None
        await audit_full_read(env, viewer.userid, texts.PHONE_READ.format(no=ticket.number))
    return line.format(contact=contact or "-", phone=shown_phone(phone, full=full),
                       product=ticket.product or "-")


async def render(env: "Runtime", ticket: Ticket, viewer: Staff | None = None,
                 private: bool = False) -> str:
    """The ticket as `viewer` may see it; without a viewer (a group, a report) the phone is masked."""
    lines = [texts.TICKET_HEADER.format(no=ticket.number, status=texts.STATUS[ticket.status],
                                        customer=ticket.customer.name),
             texts.TICKET_DESC.format(desc=ticket.description),
             await contact_line(env, ticket, viewer, private),
             texts.TICKET_MODE.format(mode=ticket.service_mode, channel=ticket.channel,
                                      priority=ticket.priority)]
    lines.append(texts.TICKET_PEOPLE.format(creator=ticket.creator.name,
                                            owner=ticket.owner.name,
                                            created=when(env, ticket.created_at)))
    if ticket.offered_to_id and ticket.status in OPEN_STATES:
        assert ticket.offered_to is not None  # fetched with the ticket
        lines.append(texts.TICKET_OFFERED.format(who=ticket.offered_to.name))
    if ticket.duplicate_of_id:
        lines.append(texts.TICKET_DUPLICATE_OF.format(no=f"T{ticket.duplicate_of_id}"))
    dups = await Ticket.filter(duplicate_of_id=ticket.id).order_by("id").values_list("id",
                                                                                        flat=True)
    if dups:
        lines.append(texts.TICKET_DUPLICATES.format(nos="、".join(f"T{i}" for i in dups)))
    if ticket.solution:
        lines.append(texts.TICKET_SOLUTION.format(solution=ticket.solution))
    for d in await Dispatch.filter(ticket_id=ticket.id).select_related("engineer").order_by("id"):
        lines.append(texts.TICKET_DISPATCH_LINE.format(
            no=d.number, status=dispatch_texts.DISPATCH_STATUS[d.status],
            engineer=d.engineer.name if d.engineer else texts.DISPATCH_NOBODY))
    entries = await KnowledgeEntry.filter(ticket_id=ticket.id).order_by("id")
    if entries:
        lines.append(texts.TICKET_KB.format(nos="、".join(e.number for e in entries)))
    described = await clocks.describe_all(env, "ticket", ticket.id)
    if described:
        lines.append(texts.TICKET_CLOCKS.format(clocks="；".join(described)))
    lines.append(texts.TICKET_HISTORY)
    for ev in await history(ticket):
        who = ev.actor.name if ev.actor else texts.SYSTEM
        verb = texts.EVENT_NAMES.get(ev.kind, ev.kind)
        detail = f"：{ev.detail}" if ev.detail and ev.kind != "created" else ""
        lines.append(texts.TICKET_EVENT.format(at=when(env, ev.at), who=who, verb=verb,
                                               detail=detail[:120]))
    return "\n".join(lines)
