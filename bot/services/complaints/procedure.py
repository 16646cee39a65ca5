"""Complaints (投诉), the whole procedure of [001 §六] and [004 §6], with its clocks.

    register  intake; the supervisors must confirm within 1 hour (complaint_ack)
    confirm   valid -> the responsible person answers the customer within 3 hours
              (complaint_response) and the handling plan is due in 3 or 5 working days
              (plan_general / plan_major); a key customer's valid complaint reaches the general
              manager. Outside the service contract -> explained, archived, not counted.
    respond   the measure given to the customer; the final one is the result, and the supervisor
              verifies it with the customer within 1 working day (complaint_verify)
    verify    satisfied -> ready to archive; HQ-forwarded complaints must have their result fed
              back to HQ within 1 working day (complaint_hq_feedback), which the archive does.
              Not satisfied -> reopened and investigated again (the clocks start a new round).
    archive   corrective and preventive measures required
    escalate  to HQ (服务发展部) when the center cannot resolve it
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.errors import Forbidden, UsageError, UserError
from bot.services.complaints import texts
from bot.services.complaints.intake import NewComplaint, parse_category, parse_level, parse_source
from bot.services.customers import contacts as customer_contacts
from bot.services.deadlines import clocks
from bot.services.directory.lookup import find_customer
from bot.services.directory.phones import contact_text, shown_phone
from bot.services.outbox import notify_purpose, notify_staff
from bot.services.reports import kpi
from bot.services.tickets import texts as ticket_texts
from storage.models import Customer, Staff, Ticket
from storage.models.complaints import (
    ARCHIVED,
    FROM_HQ,
    GENERAL,
    HANDLING,
    MAJOR,
    OPEN_COMPLAINT,
    REGISTERED,
    RESPONDED,
    VERIFIED,
    Complaint,
    ComplaintEvent,
)
from storage.models.people import Purpose, Role

if TYPE_CHECKING:
    from bot.runtime import Runtime

OBJECT = "complaint"
ACK, RESPONSE, VERIFY, HQ_FEEDBACK = (
    "complaint_ack", "complaint_response", "complaint_verify", "complaint_hq_feedback")
PLAN = {GENERAL: "plan_general", MAJOR: "plan_major"}
CLOCKS = (ACK, RESPONSE, VERIFY, HQ_FEEDBACK, PLAN[GENERAL], PLAN[MAJOR])


@dataclass
class Registered:
    complaint: Complaint
    ack_due: datetime
    answer_by: datetime  # what the customer is told: when to expect an answer


def when(env: "Runtime", dt: datetime | None) -> str:
    return env.calendar.local(dt).strftime("%m-%d %H:%M") if dt else "-"


def status_text(c: Complaint) -> str:
    if c.status == ARCHIVED and c.valid is False:
        return texts.CMP_STATUS_NOT_COUNTED
    return texts.CMP_STATUS[c.status]


def _context(c: Complaint, customer: Customer) -> dict:
    return {"number": c.number, "title": f"{c.number} {customer.name} {c.category}"}


async def _event(env: "Runtime", c: Complaint, actor: Staff | None, kind: str,
                 detail: str = "") -> None:
    await ComplaintEvent.create(complaint_id=c.id, at=env.now(), actor=actor, kind=kind,
                                detail=detail)


async def get_complaint(number: int) -> Complaint:
    c = await Complaint.filter(id=number).select_related(
        "customer", "registered_by", "confirmed_by", "responsible", "responded_by",
        "verified_by", "archived_by").first()
    if c is None:
        raise UserError(texts.CMP_NOT_FOUND.format(no=f"C{number}"))
    return c


def _require(c: Complaint, *states: str) -> None:
    if c.status not in states:
        raise UserError(texts.CMP_WRONG_STATE.format(no=c.number, status=status_text(c)))


async def _general_manager(env: "Runtime") -> Staff | None:
    userid = env.settings.center.general_manager
    return await Staff.filter(userid=userid, active=True).first() if userid else None


# -- intake ------------------------------------------------------------------------------------

async def register(env: "Runtime", actor: Staff, req: NewComplaint) -> Registered:
    content = req.content.strip()
    if not content:
        raise UsageError(texts.CMP_NEED_CONTENT)
    customer = await find_customer(req.customer)
    category = parse_category(env, req.category)
    source = parse_source(req.source)
    level = parse_level(req.level)
    now = env.now()
    received = req.received_at or now
    if received > now:
        raise UserError(texts.CMP_RECEIVED_FUTURE)
    ticket_id = None
    if req.ticket is not None:
        ticket = await Ticket.filter(id=req.ticket).first()
        if ticket is None:
            raise UserError(ticket_texts.TICKET_NOT_FOUND.format(no=f"T{req.ticket}"))
        if ticket.customer_id != customer.id:
            raise UserError(texts.CMP_TICKET_OTHER_CUSTOMER.format(no=ticket.number,
                                                                   customer=customer.name))
        ticket_id = ticket.id
    contact = req.contact.strip()
    phone = req.phone.strip()
    first = await customer_contacts.primary(customer.id) if not contact else None
    if first is not None:
        contact, phone = first.name, phone or first.number
    channel = req.channel.strip() or (texts.CMP_CHANNEL_HQ if source == FROM_HQ
                                      else texts.CMP_CHANNEL_DEFAULT)
    c = await Complaint.create(
        source=source, channel=channel, customer=customer, contact=contact, phone=phone,
        category=category, level=level, content=content, ticket_id=ticket_id,
        received_at=received, registered_by=actor, created_at=now)
    await _event(env, c, actor, "registered", content)
    row = await clocks.start(env, OBJECT, c.id, ACK, tier=customer.tier,
                                context=_context(c, customer), start_at=received)
    policies = env.settings.clocks
    answer_by = policies.get(RESPONSE, customer.tier).due_from(row.due_at, env.calendar)
    await notify_purpose(env, Purpose.SUPERVISORS, texts.CMP_NEW_NOTICE.format(
        no=c.number, customer=customer.name, tier=customer.tier, category=category,
        source=texts.CMP_SOURCE[source], level=texts.CMP_LEVEL[level], content=content[:300],
        who=actor.name, received=when(env, received), due=when(env, row.due_at)),
        f"complaint:{c.id}:new")
    c.customer = customer
    return Registered(c, row.due_at, answer_by)


# -- confirmation --------------------------------------------------------------------------

async def confirm(env: "Runtime", actor: Staff, number: int, valid: bool, *,
                  responsible: Staff | None = None, department: str = "", level: str = "",
                  note: str = "") -> Complaint:
    c = await get_complaint(number)
    _require(c, REGISTERED)
    note = note.strip()
    now = env.now()
    c.confirmed_by, c.confirmed_at, c.confirm_note = actor, now, note
    if level:
        c.level = parse_level(level)
    if not valid:
        if not note:
            raise UsageError(texts.CMP_INVALID_NEEDS_NOTE)
        c.valid, c.counted, c.status = False, False, ARCHIVED
        c.archived_by, c.archived_at = actor, now
        await c.save()
        await clocks.meet(env, OBJECT, c.id, ACK)
        await _event(env, c, actor, "invalid", note)
        if c.source == FROM_HQ:
            await _feed_back_to_hq(env, c, actor)
        return c
    if responsible is None:
        raise UserError(texts.CMP_VALID_NEEDS_RESPONSIBLE.format(no=c.number))
    c.valid, c.counted, c.status = True, True, HANDLING
    c.responsible, c.department = responsible, department.strip() or responsible.team
    await c.save()
    await clocks.meet(env, OBJECT, c.id, ACK)
    await _event(env, c, actor, "confirmed", texts.CMP_CONFIRMED_DETAIL.format(
        who=responsible.name, dept=c.department or "-", level=texts.CMP_LEVEL[c.level],
        note=note or "-"))
    response, plan = await _start_handling(env, c)
    fill = _fill(env, c) | dict(due=when(env, response.due_at), plan_due=when(env, plan.due_at),
                                plan=texts.CMP_PLAN_LABEL[c.level], note=note or "-",
                                confirmer=actor.name)
    await notify_staff(env, responsible, texts.CMP_ASSIGNED_NOTICE.format(**fill),
                       f"complaint:{c.id}:assigned")
    await notify_purpose(env, Purpose.MANAGERS, texts.CMP_VALID_MANAGERS.format(**fill),
                         f"complaint:{c.id}:valid")
    if c.customer.tier in env.settings.reports.key_tiers:
        gm = await _general_manager(env)
        if gm is not None:
            await notify_staff(env, gm, texts.CMP_KEY_CUSTOMER_GM.format(**fill),
                               f"complaint:{c.id}:gm")
            c.gm_notified_at = now
            await c.save(update_fields=["gm_notified_at"])
    # The month may now project a complaint rate above target: the managers hear it today.
    await kpi.watch(env)
    return c


async def _start_handling(env: "Runtime", c: Complaint):
    """The response and plan clocks of a handling round (a new round after a reopen)."""
    ctx, tier = _context(c, c.customer), c.customer.tier
    response = await clocks.start(env, OBJECT, c.id, RESPONSE, owner=c.responsible_id,
                                     tier=tier, context=ctx, restart=True)
    plan = await clocks.start(env, OBJECT, c.id, PLAN[c.level], owner=c.responsible_id,
                                 tier=tier, context=ctx, restart=True)
    return response, plan


def _fill(env: "Runtime", c: Complaint) -> dict:
    return dict(no=c.number, customer=c.customer.name, tier=c.customer.tier,
                category=c.category, level=texts.CMP_LEVEL[c.level],
                source=texts.CMP_SOURCE[c.source], content=c.content[:300],
                contact=contact_text(c.contact, shown_phone(c.phone, full=False)),
                responsible=c.responsible.name if c.responsible_id and c.responsible else "-",
                received=when(env, c.received_at))


# -- handling ----------------------------------------------------------------------------------

@dataclass
class Responded:
    complaint: Complaint
    final: bool
    verify_due: datetime | None = None
    plan_due: datetime | None = None  # still running (an interim response)


async def respond(env: "Runtime", actor: Staff, number: int, measure: str, *, final: bool = True,
                  cause: str = "") -> Responded:
    c = await get_complaint(number)
    _require(c, HANDLING)
    assert c.responsible is not None  # a complaint in handling has its responsible person
    if c.responsible_id != actor.id and not actor.has_role(Role.MANAGER):
        raise Forbidden(texts.CMP_NOT_RESPONSIBLE.format(no=c.number, who=c.responsible.name))
    measure = measure.strip()
    if not measure:
        raise UsageError(texts.CMP_NEED_MEASURE)
    now = env.now()
    c.measure = f"{c.measure}；{measure}" if c.measure else measure
    if cause.strip():
        c.cause = cause.strip()
    if c.responded_at is None:
        c.responded_at, c.responded_by = now, actor
        await clocks.meet(env, OBJECT, c.id, RESPONSE)
    await _event(env, c, actor, "responded" if final else "interim", measure)
    if not final:
        await c.save()
        plan = [d for d in await clocks.get(env, OBJECT, c.id)
                if d.clock == PLAN[c.level] and d.is_open]
        return Responded(c, False, plan_due=plan[0].due_at if plan else None)
    c.result_at, c.status = now, RESPONDED
    await c.save()
    await clocks.meet(env, OBJECT, c.id, PLAN[c.level])
    owner = c.confirmed_by_id
    row = await clocks.start(env, OBJECT, c.id, VERIFY, owner=owner, tier=c.customer.tier,
                                context=_context(c, c.customer), restart=True)
    await notify_purpose(env, Purpose.SUPERVISORS, texts.CMP_RESULT_NOTICE.format(
        **_fill(env, c), measure=measure[:300], who=actor.name, due=when(env, row.due_at)),
        f"complaint:{c.id}:result:{c.reopened}")
    return Responded(c, True, verify_due=row.due_at)


# -- verification ------------------------------------------------------------------------------

@dataclass
class Verified:
    complaint: Complaint
    satisfied: bool
    hq_due: datetime | None = None  # HQ-forwarded: the result must reach HQ by then
    response_due: datetime | None = None  # reopened: the new round's response deadline


async def verify(env: "Runtime", actor: Staff, number: int, satisfied: bool, opinion: str = "", *,
                 escalate_to_hq: bool = False) -> Verified:
    c = await get_complaint(number)
    _require(c, RESPONDED)
    now = env.now()
    c.verified_by, c.verified_at, c.satisfied = actor, now, satisfied
    c.opinion = opinion.strip()
    await clocks.meet(env, OBJECT, c.id, VERIFY)
    if satisfied:
        c.status = VERIFIED
        await c.save()
        await _event(env, c, actor, "verified", c.opinion)
        hq_due = None
        if c.source == FROM_HQ:
            row = await clocks.start(env, OBJECT, c.id, HQ_FEEDBACK, owner=actor,
                                        tier=c.customer.tier, context=_context(c, c.customer))
            hq_due = row.due_at
        return Verified(c, True, hq_due=hq_due)
    # Not satisfied: investigated again [004 §6.2.3 (6)], a new round of response and plan.
    c.status, c.reopened = HANDLING, c.reopened + 1
    c.responded_at = c.responded_by = c.result_at = None
    await c.save()
    await _event(env, c, actor, "reopened", c.opinion)
    response, plan = await _start_handling(env, c)
    fill = _fill(env, c) | dict(opinion=c.opinion or "-", who=actor.name, n=c.reopened,
                                due=when(env, response.due_at), plan_due=when(env, plan.due_at))
    assert c.responsible is not None  # only a valid complaint is verified and reopened
    await notify_staff(env, c.responsible, texts.CMP_REOPENED_NOTICE.format(**fill),
                       f"complaint:{c.id}:reopened:{c.reopened}")
    await notify_purpose(env, Purpose.MANAGERS, texts.CMP_REOPENED_NOTICE.format(**fill),
                         f"complaint:{c.id}:reopened-managers:{c.reopened}")
    if escalate_to_hq:
        await _escalate(env, c, actor, c.opinion or texts.CMP_ESCALATE_DISSATISFIED)
    return Verified(c, False, response_due=response.due_at)


# -- archive, HQ -------------------------------------------------------------------------------

async def archive(env: "Runtime", actor: Staff, number: int, corrective: str,
                  preventive: str) -> Complaint:
    c = await get_complaint(number)
    if c.status == ARCHIVED:
        raise UserError(texts.CMP_ALREADY_ARCHIVED.format(no=c.number,
                                                          at=when(env, c.archived_at)))
    _require(c, VERIFIED)
    corrective, preventive = corrective.strip(), preventive.strip()
    if not corrective or not preventive:
        missing = [texts.CMP_MEASURE_NAMES[name] for name, value in
                   (("corrective", corrective), ("preventive", preventive)) if not value]
        raise UserError(texts.CMP_ARCHIVE_NEEDS_MEASURES.format(
            no=c.number, missing="和".join(missing),
            corrective=corrective or texts.CMP_MEASURE_BLANK,
            preventive=preventive or texts.CMP_MEASURE_BLANK))
    now = env.now()
    c.corrective, c.preventive = corrective, preventive
    c.status, c.archived_by, c.archived_at = ARCHIVED, actor, now
    await c.save()
    await _event(env, c, actor, "archived", texts.CMP_ARCHIVED_DETAIL.format(
        corrective=corrective, preventive=preventive))
    if c.source == FROM_HQ:
        await _feed_back_to_hq(env, c, actor)
        await clocks.meet(env, OBJECT, c.id, HQ_FEEDBACK)
    await clocks.cancel(env, OBJECT, c.id, reason=texts.CMP_ARCHIVED_REASON)
    return c


async def _feed_back_to_hq(env: "Runtime", c: Complaint, actor: Staff) -> None:
    """The result of a complaint HQ forwarded goes back to HQ [001 §六 5]."""
    c.hq_feedback_at = env.now()
    await c.save(update_fields=["hq_feedback_at"])
    if c.valid:
        result = texts.CMP_HQ_RESULT_VALID.format(
            responsible=c.responsible.name if c.responsible else "-", cause=c.cause or "-",
            measure=c.measure or "-", opinion=c.opinion or "-", corrective=c.corrective or "-",
            preventive=c.preventive or "-")
    else:
        result = texts.CMP_HQ_RESULT_INVALID.format(note=c.confirm_note)
    await notify_purpose(env, Purpose.HQ, texts.CMP_HQ_FEEDBACK.format(
        no=c.number, customer=c.customer.name, category=c.category,
        received=when(env, c.received_at), content=c.content[:300], result=result,
        who=actor.name), f"complaint:{c.id}:hq-feedback")
    await _event(env, c, actor, "hq_feedback")


async def escalate(env: "Runtime", actor: Staff, number: int, reason: str) -> Complaint:
    c = await get_complaint(number)
    if c.status not in OPEN_COMPLAINT:
        raise UserError(texts.CMP_WRONG_STATE.format(no=c.number, status=status_text(c)))
    if not reason.strip():
        raise UsageError(texts.CMP_ESCALATE_NEEDS_REASON)
    await _escalate(env, c, actor, reason.strip())
    return c


async def _escalate(env: "Runtime", c: Complaint, actor: Staff, reason: str) -> None:
    n = await ComplaintEvent.filter(complaint_id=c.id, kind="escalated").count()
    c.escalated_at = env.now()
    c.escalation_note = f"{c.escalation_note}；{reason}" if c.escalation_note else reason
    await c.save(update_fields=["escalated_at", "escalation_note"])
    await _event(env, c, actor, "escalated", reason)
    await notify_purpose(env, Purpose.HQ, texts.CMP_HQ_ESCALATION.format(
        **_fill(env, c), reason=reason, who=actor.name, measure=c.measure or "-"),
        f"complaint:{c.id}:escalated:{n}")
