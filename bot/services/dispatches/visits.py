"""An on-site visit from the engineer's side: accept, appointment, arrival, data backup,
completion with the customer's signature or an unsolved outcome, write-off and the forms.

Rules the seeds set: no completion before the customer's data is backed up; the completion
names the customer's signatory; taking customer data away needs the customer's written
authorization, recorded with who gave it; an unsolved visit either asks for the next visit or
goes to HQ and stays tracked until solved. The write-off is due on the day of the visit and the
service forms by the next working day (clock "forms_due", which the penalty rules read).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.errors import Forbidden, UserError
from bot.services.cards.refresh import refresh as redraw_cards
from bot.services.deadlines import clocks
from bot.services.deadlines.steps import WARN, all_steps
from bot.services.dispatches import texts
from bot.services.dispatches.planning import (
    ACCEPT_CLOCK,
    APPOINTMENT_CLOCK,
    Requested,
    ask_for_next,
    dispatch_context,
)
from bot.services.knowledge import library
from bot.services.outbox import notify_staff
from bot.services.requests import papers, texts as request_texts
from bot.services.tickets import texts as ticket_texts
from bot.services.tickets.handling import escalate_to_hq
from bot.services.tickets.lifecycle import log_event, when
from storage.models import Deadline, Dispatch, KnowledgeEntry, Staff, Ticket
from storage.models.dispatches import (
    ACCEPTED,
    APPOINTED,
    DISPATCHED,
    DONE,
    NEXT_VISIT,
    ON_SITE,
    TO_HQ,
    UNSOLVED,
    WRITTEN_OFF,
)
from storage.models.people import Role
from storage.models.tickets import CLAIMED, NEW, RESOLVED

if TYPE_CHECKING:
    from bot.runtime import Runtime

WRITEOFF_CLOCK, FORMS_CLOCK = "dispatch_writeoff", "forms_due"
# Words that say "yes, data leaves" without naming who authorized it.
_BARE_YES = frozenset(("是", "要", "需要", "有", "带走", "yes", "y", "true", "1"))


async def get_dispatch(number: int) -> Dispatch:
    d = await Dispatch.filter(id=number).select_related(
        "ticket__customer", "ticket__owner", "engineer", "manager").first()
    if d is None:
        raise UserError(texts.DISPATCH_NOT_FOUND.format(d=f"D{number}"))
    return d


def _require_engineer(d: Dispatch, actor: Staff) -> Staff:
    """The dispatch's engineer, who must be `actor`."""
    if d.engineer_id is None:
        raise UserError(texts.DISPATCH_NOT_DISPATCHED.format(d=d.number))
    assert d.engineer is not None  # get_dispatch fetches the engineer with the dispatch
    if d.engineer_id != actor.id:
        raise Forbidden(texts.DISPATCH_NOT_YOURS.format(d=d.number, who=d.engineer.name))
    return d.engineer


def _require_state(d: Dispatch, *states: str) -> None:
    if d.status not in states:
        hint = texts.DISPATCH_STATE_HINT.get(d.status, "")
        raise UserError(texts.DISPATCH_WRONG_STATE.format(
            d=d.number, status=texts.DISPATCH_STATUS[d.status], hint=hint.format(d=d.number)))


@dataclass(frozen=True)
class DataAuthorization:
    """Customer data leaving the site: who authorized it, and the written authorization recorded
    the way a sensitive request's application is (a file or photo, or the paper's reference)."""

    who: str
    ref: str  # "file:<media id or name>" or "paper:<archive reference>"


def data_authorization(value: str | None, bare_word: bool, file_ref: str | None = None,
                       paper_ref: str | None = None) -> DataAuthorization | None:
    """Refuses a "yes" that names nobody, and an authorizer without the written authorization."""
    if value is None and not bare_word:
        return None
    who = (value or "").strip()
    if not who or who.lower() in _BARE_YES:
        raise UserError(texts.DATA_NEEDS_AUTHORIZATION)
    if not (file_ref or "").strip() and not (paper_ref or "").strip():
        raise UserError(texts.DATA_NEEDS_REFERENCE)
    app = papers.application(file_ref, paper_ref)
    return DataAuthorization(who, f"{app.via}:{app.ref}")


def describe_reference(ref: str) -> str:
    via, _, name = ref.partition(":")
    return f"{request_texts.APP_VIA.get(via, via)} {name}".strip()


async def _tell_manager(env: "Runtime", d: Dispatch, text: str, key: str) -> None:
    if d.manager is not None and d.manager_id != d.engineer_id:
        await notify_staff(env, d.manager, text, key)


async def accept(env: "Runtime", actor: Staff, number: int) -> Dispatch:
    d = await get_dispatch(number)
    engineer = _require_engineer(d, actor)
    if d.status != DISPATCHED:
        raise UserError(texts.DISPATCH_ALREADY_TAKEN.format(d=d.number, who=engineer.name)
                        if d.accepted_at else texts.DISPATCH_WRONG_STATE.format(
            d=d.number, status=texts.DISPATCH_STATUS[d.status], hint=""))
    won = await Dispatch.filter(id=d.id, status=DISPATCHED).update(status=ACCEPTED,
                                                                   accepted_at=env.now())
    if not won:
        raise UserError(texts.DISPATCH_ALREADY_TAKEN.format(d=d.number, who=engineer.name))
    await clocks.meet(env, "dispatch", d.id, ACCEPT_CLOCK)
    await log_event(env, d.ticket, actor, "dispatch_accepted", d.number)
    await _tell_manager(env, d, texts.DISPATCH_ACCEPTED_NOTICE.format(
        d=d.number, no=d.ticket.number, customer=d.ticket.customer.name, who=actor.name),
        f"dispatch:{d.id}:accepted")
    await redraw_cards(env, "dispatch", d.id, actor=actor)
    return await get_dispatch(number)


async def clock(env: "Runtime", d: Dispatch, name: str) -> Deadline | None:
    return await Deadline.filter(object_type="dispatch", object_id=d.id, clock=name).first()


def first_warning(env: "Runtime", row: Deadline) -> datetime | None:
    """When the first reminder of a clock goes out (the appointment reminder)."""
    policy = env.settings.clocks.get(row.clock, row.tier)
    warns = [s for s in all_steps(policy, row, env.calendar) if s.kind == WARN]
    return warns[0].at if warns else None


async def appoint(env: "Runtime", actor: Staff, number: int, at: datetime) -> Dispatch:
    d = await get_dispatch(number)
    _require_engineer(d, actor)
    _require_state(d, ACCEPTED, APPOINTED)
    if at <= env.now():
        raise UserError(texts.TIME_PAST.format(at=when(env, at)))
    d.status, d.appointment_at = APPOINTED, at
    await d.save(update_fields=["status", "appointment_at"])
    await clocks.start(env, "dispatch", d.id, APPOINTMENT_CLOCK, owner=actor,
                          tier=d.ticket.customer.tier, context=dispatch_context(d, d.ticket),
                          due_at=at, restart=True)
    # The customer now has an on-site appointment: the consultation's answer is given.
    await clocks.meet(env, "ticket", d.ticket_id, "ticket_consult")
    await log_event(env, d.ticket, actor, "appointed", f"{d.number} {when(env, at)}")
    await _tell_manager(env, d, texts.DISPATCH_APPOINTED_NOTICE.format(
        d=d.number, no=d.ticket.number, at=when(env, at), who=actor.name),
        f"dispatch:{d.id}:appointed:{at.isoformat()}")
    await redraw_cards(env, "dispatch", d.id, actor=actor)
    return d


async def arrive(env: "Runtime", actor: Staff, number: int) -> Dispatch:
    d = await get_dispatch(number)
    _require_engineer(d, actor)
    _require_state(d, ACCEPTED, APPOINTED)
    d.status, d.arrived_at = ON_SITE, env.now()
    await d.save(update_fields=["status", "arrived_at"])
    await clocks.meet(env, "dispatch", d.id, APPOINTMENT_CLOCK)
    await clocks.start(env, "dispatch", d.id, WRITEOFF_CLOCK, owner=actor,
                          tier=d.ticket.customer.tier, context=dispatch_context(d, d.ticket))
    await log_event(env, d.ticket, actor, "arrived", d.number)
    await redraw_cards(env, "dispatch", d.id, actor=actor)
    return d


async def _record_data(env: "Runtime", d: Dispatch, actor: Staff,
                       auth: DataAuthorization | None) -> None:
    if auth is not None:
        d.data_authorized_by, d.data_taken_at = auth.who, env.now()
        d.data_authorization_ref = auth.ref
        await log_event(env, d.ticket, actor, "data_taken", texts.DATA_TAKEN_DETAIL.format(
            d=d.number, who=auth.who, ref=describe_reference(auth.ref)))


async def backup(env: "Runtime", actor: Staff, number: int, note: str = "",
                 authorization: DataAuthorization | None = None) -> Dispatch:
    d = await get_dispatch(number)
    _require_engineer(d, actor)
    _require_state(d, ON_SITE)
    d.backup_at, d.backup_note = env.now(), note.strip()
    await _record_data(env, d, actor, authorization)
    await d.save(update_fields=["backup_at", "backup_note", "data_authorized_by",
                                "data_taken_at", "data_authorization_ref"])
    await log_event(env, d.ticket, actor, "backup", f"{d.number} {note.strip()}".strip())
    return d


@dataclass
class Completed:
    dispatch: Dispatch
    entry: KnowledgeEntry
    forms_due: datetime


async def _after_visit(env: "Runtime", d: Dispatch, actor: Staff) -> datetime:
    row = await clocks.start(env, "dispatch", d.id, FORMS_CLOCK, owner=actor,
                                tier=d.ticket.customer.tier,
                                context=dispatch_context(d, d.ticket))
    return row.due_at


async def complete(env: "Runtime", actor: Staff, number: int, signatory: str, result: str,
                   cause: str = "",
                   authorization: DataAuthorization | None = None) -> Completed:
    d = await get_dispatch(number)
    _require_engineer(d, actor)
    _require_state(d, ON_SITE)
    if d.backup_at is None:
        raise UserError(texts.DONE_NEEDS_BACKUP.format(d=d.number))
    if not signatory.strip():
        raise UserError(texts.DONE_NEEDS_SIGNATORY.format(d=d.number))
    if not result.strip():
        raise UserError(texts.DONE_NEEDS_RESULT.format(d=d.number))
    now = env.now()
    d.status, d.finished_at, d.signatory = DONE, now, signatory.strip()
    d.result, d.cause = result.strip(), cause.strip()
    await _record_data(env, d, actor, authorization)
    await d.save()
    ticket = d.ticket
    await log_event(env, ticket, actor, "onsite_done",
                    texts.DONE_DETAIL.format(d=d.number, who=d.signatory, result=d.result))
    if ticket.status in (NEW, CLAIMED):
        await Ticket.filter(id=ticket.id).update(status=RESOLVED, solution=d.result,
                                                 resolved_at=now)
        await log_event(env, ticket, actor, "resolved", d.result)
        await clocks.close_all(env, "ticket", ticket.id)
        await redraw_cards(env, "ticket", ticket.id, actor=actor)
    await redraw_cards(env, "dispatch", d.id, actor=actor)
    product, version = library.split_product(ticket.product)
    entry = await library.add_entry(env, symptom=ticket.description, cause=d.cause,
                                      solution=d.result, product=product, version=version,
                                      ticket=ticket, dispatch=d, author=actor)
    await log_event(env, ticket, actor, "knowledge", entry.number)
    forms_due = await _after_visit(env, d, actor)
    await _tell_manager(env, d, texts.DONE_NOTICE.format(
        d=d.number, no=ticket.number, customer=ticket.customer.name, who=actor.name,
        signatory=d.signatory, result=d.result[:100]), f"dispatch:{d.id}:done")
    if ticket.owner_id not in (actor.id, d.manager_id):
        await notify_staff(env, ticket.owner, texts.DONE_NOTICE.format(
            d=d.number, no=ticket.number, customer=ticket.customer.name, who=actor.name,
            signatory=d.signatory, result=d.result[:100]), f"dispatch:{d.id}:done-owner")
    return Completed(d, entry, forms_due)


@dataclass
class Unsolved:
    dispatch: Dispatch
    forms_due: datetime
    next_request: Requested | None = None  # asked the managers for the next visit
    hq_due: datetime | None = None  # escalated to HQ: tracked until solved


async def unsolved(env: "Runtime", actor: Staff, number: int, reason: str,
                   to_hq: bool = False) -> Unsolved:
    d = await get_dispatch(number)
    _require_engineer(d, actor)
    _require_state(d, ON_SITE)
    reason = reason.strip()
    if not reason:
        raise UserError(texts.UNSOLVED_NEEDS_REASON.format(d=d.number))
    d.status, d.finished_at, d.result = UNSOLVED, env.now(), reason
    d.outcome = TO_HQ if to_hq else NEXT_VISIT
    await d.save(update_fields=["status", "finished_at", "result", "outcome"])
    ticket = d.ticket
    await log_event(env, ticket, actor, "onsite_unsolved", f"{d.number}：{reason}")
    await redraw_cards(env, "dispatch", d.id, actor=actor)
    forms_due = await _after_visit(env, d, actor)
    if to_hq:
        row = await escalate_to_hq(env, actor, ticket,
                                   texts.UNSOLVED_HQ_REASON.format(d=d.number, reason=reason))
        return Unsolved(d, forms_due, hq_due=row.due_at)
    nxt = await ask_for_next(env, actor, d, ticket, reason)
    return Unsolved(d, forms_due, next_request=nxt)


async def write_off(env: "Runtime", actor: Staff, number: int) -> tuple[Dispatch, datetime | None]:
    """The visit is over and written off; returns it with the forms' due time, if still owed."""
    d = await get_dispatch(number)
    _require_engineer(d, actor)
    _require_state(d, DONE, UNSOLVED)
    d.status, d.written_off_at = WRITTEN_OFF, env.now()
    await d.save(update_fields=["status", "written_off_at"])
    await clocks.meet(env, "dispatch", d.id, WRITEOFF_CLOCK)
    await log_event(env, d.ticket, actor, "written_off", d.number)
    await redraw_cards(env, "dispatch", d.id, actor=actor)
    forms = None
    if d.forms_at is None:
        rows = [r for r in await clocks.get(env, "dispatch", d.id)
                if r.clock == FORMS_CLOCK and r.is_open]
        forms = rows[0].due_at if rows else None
    return d, forms


async def hand_in_forms(env: "Runtime", actor: Staff, number: int) -> Dispatch:
    """The service forms (signed on-site record, feedback form) are in."""
    d = await get_dispatch(number)
    if d.engineer_id != actor.id and not actor.has_role(Role.SUPERVISOR, Role.MANAGER):
        _require_engineer(d, actor)
    _require_state(d, DONE, UNSOLVED, WRITTEN_OFF)
    if d.forms_at is not None:
        raise UserError(texts.FORMS_ALREADY.format(d=d.number, at=when(env, d.forms_at)))
    d.forms_at = env.now()
    await d.save(update_fields=["forms_at"])
    await clocks.meet(env, "dispatch", d.id, FORMS_CLOCK)
    await log_event(env, d.ticket, actor, "forms", d.number)
    return d


async def render(env: "Runtime", d: Dispatch) -> str:
    t = d.ticket
    lines = [texts.DISPATCH_HEADER.format(d=d.number, status=texts.DISPATCH_STATUS[d.status],
                                          no=t.number, customer=t.customer.name),
             texts.DISPATCH_REASON.format(reason=d.reason or "-")]
    if d.engineer:
        lines.append(texts.DISPATCH_PEOPLE.format(
            engineer=d.engineer.name, manager=d.manager.name if d.manager else "-",
            at=when(env, d.dispatched_at)))
    steps = [(texts.DISPATCH_STEP_ACCEPTED, d.accepted_at), (texts.DISPATCH_STEP_APPOINTMENT,
                                                            d.appointment_at),
             (texts.DISPATCH_STEP_ARRIVED, d.arrived_at), (texts.DISPATCH_STEP_BACKUP, d.backup_at),
             (texts.DISPATCH_STEP_FINISHED, d.finished_at),
             (texts.DISPATCH_STEP_WRITTEN_OFF, d.written_off_at),
             (texts.DISPATCH_STEP_FORMS, d.forms_at)]
    shown = [f"{name} {when(env, at)}" for name, at in steps if at is not None]
    if shown:
        lines.append("；".join(shown))
    if d.signatory:
        lines.append(texts.DISPATCH_SIGNED.format(who=d.signatory))
    if d.data_authorized_by:
        lines.append(texts.DISPATCH_DATA.format(who=d.data_authorized_by,
                                                ref=describe_reference(d.data_authorization_ref)))
    if d.result:
        lines.append(texts.DISPATCH_RESULT.format(result=d.result))
    described = await clocks.describe_all(env, "dispatch", d.id)
    if described:
        lines.append(ticket_texts.TICKET_CLOCKS.format(clocks="；".join(described)))
    return "\n".join(lines)
