"""Sensitive requests (敏感申请, M) [000, 002 §5, §8]: super-administrator password recovery, an
account-set or report password, clearing data.

Only on the customer unit's stamped written application (recorded, and owed to the paper
archive); a manager approves or refuses within sensitive_review; only after approval may the
engineer act, and the one who acts records the contact person told. While an engineer holds an
approved request for a customer, sensitive knowledge and phrases are open to that engineer for
that customer, and every such read is audited (the audit log and the request's history).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.errors import Forbidden, UsageError, UserError
from bot.services.deadlines import clocks
from bot.services.directory.lookup import find_customer
from bot.services.outbox import notify_purpose, notify_staff
from bot.services.requests import papers, texts
from bot.services.requests.papers import when
from storage.models import AuditLog, Customer, Staff
from storage.models.people import Purpose
from storage.models.requests import (
    APPROVED,
    DONE,
    OPEN_SENSITIVE,
    REFUSED,
    SENSITIVE,
    SENSITIVE_KINDS,
    SUBMITTED,
    SensitiveRequest,
)

if TYPE_CHECKING:
    from bot.runtime import Runtime

REVIEW = "sensitive_review"


@dataclass
class Submitted:
    request: SensitiveRequest
    review_due: datetime
    archive_due: datetime | None


def parse_kind(word: str) -> str:
    w = word.strip()
    if not w:
        raise UsageError(texts.SEN_NEEDS_KIND)
    for kind in SENSITIVE_KINDS:
        if w == texts.SEN_KIND[kind] or w in texts.SEN_KIND_WORDS[kind]:
            return kind
    raise UsageError(texts.SEN_BAD_KIND.format(word=w))


def _ctx(m: SensitiveRequest) -> dict:
    return papers.context(m, m.customer.name, texts.SEN_KIND[m.kind])


async def get(number: int) -> SensitiveRequest:
    m = await SensitiveRequest.filter(id=number).select_related(
        "customer", "engineer", "decided_by").first()
    if m is None:
        raise UserError(texts.NOT_FOUND.format(no=f"M{number}"))
    return m


def _wrong_state(m: SensitiveRequest) -> UserError:
    return UserError(texts.WRONG_STATE.format(no=m.number, status=texts.SEN_STATUS[m.status]))


async def submit(env: "Runtime", actor: Staff, customer_name: str, kind_word: str, note: str,
                 file_ref: str | None, paper_ref: str | None,
                 scan_sent: bool = False) -> Submitted:
    kind = parse_kind(kind_word)
    app = await papers.received_application(file_ref, paper_ref, scan_sent)
    customer = await find_customer(customer_name)
    m = await SensitiveRequest.create(customer=customer, kind=kind, note=note.strip(),
                                      app_via=app.via, app_ref=app.ref, engineer=actor,
                                      created_at=env.now())
    m.customer, m.engineer = customer, actor
    await papers.event(env, m, actor, "submitted", note.strip())
    await papers.receive(env, m, app, actor)
    row = await clocks.start(env, SENSITIVE, m.id, REVIEW, tier=customer.tier, context=_ctx(m))
    archive_due = await papers.owe_archive(env, m, app, actor, customer.tier, _ctx(m))
    await notify_purpose(env, Purpose.MANAGERS, texts.SEN_NEW_NOTICE.format(
        no=m.number, customer=customer.name, tier=customer.tier, kind=texts.SEN_KIND[kind],
        note=note.strip() or "-", app=papers.describe_application(m), who=actor.name,
        due=when(env, row.due_at)), f"sensitive:{m.id}:new")
    return Submitted(m, row.due_at, archive_due)


async def decide(env: "Runtime", actor: Staff, number: int, approve: bool,
                 note: str = "") -> SensitiveRequest:
    """A manager's decision (the command admits managers only)."""
    m = await get(number)
    if m.status != SUBMITTED:
        raise _wrong_state(m)
    # A manager who is also the engineer of the request does not approve it himself.
    if m.engineer_id == actor.id:
        raise Forbidden(texts.SEN_OWN_REQUEST.format(no=m.number))
    note = note.strip()
    if not approve and not note:
        raise UsageError(texts.CHG_NEEDS_REASON)
    if approve:
        await papers.require_application(m, texts.APP_ACTION_APPROVE)
    m.status = APPROVED if approve else REFUSED
    m.decided_by, m.decided_at, m.decision_note = actor, env.now(), note
    await m.save(update_fields=["status", "decided_by_id", "decided_at", "decision_note"])
    await clocks.meet(env, SENSITIVE, m.id, REVIEW)
    await papers.event(env, m, actor, "approved" if approve else "refused", note)
    fill = dict(no=m.number, customer=m.customer.name, kind=texts.SEN_KIND[m.kind],
                manager=actor.name, reason=note or "-")
    text = (texts.SEN_APPROVED_NOTICE if approve else texts.SEN_REFUSED_NOTICE).format(**fill)
    await notify_staff(env, m.engineer, text, f"sensitive:{m.id}:decided")
    return m


async def done(env: "Runtime", actor: Staff, number: int, contact: str,
               note: str = "") -> SensitiveRequest:
    """The engineer acted on the approved request and told `contact` at the customer."""
    m = await get(number)
    if m.engineer_id != actor.id:
        raise Forbidden(texts.SEN_NOT_ENGINEER.format(no=m.number, who=m.engineer.name))
    if m.status != APPROVED:
        raise UserError(texts.SEN_NOT_APPROVED.format(no=m.number,
                                                      status=texts.SEN_STATUS[m.status]))
    contact = contact.strip()
    if not contact:
        raise UsageError(texts.SEN_NEEDS_CONTACT)
    await papers.require_application(m, texts.APP_ACTION_DONE)
    m.status, m.done_at, m.told_contact, m.done_note = DONE, env.now(), contact, note.strip()
    await m.save(update_fields=["status", "done_at", "told_contact", "done_note"])
    await papers.event(env, m, actor, "done", f"{contact} {note.strip()}".strip())
    return m


async def grant(actor: Staff, customer: Customer) -> SensitiveRequest | None:
    """The approved request, not yet done, this engineer holds for this customer."""
    return await SensitiveRequest.filter(engineer_id=actor.id, customer_id=customer.id,
                                         status=APPROVED).order_by("-id").first()


async def access(actor: Staff, customer_name: str) -> tuple[Customer, SensitiveRequest]:
    customer = await find_customer(customer_name)
    m = await grant(actor, customer)
    if m is None:
        raise Forbidden(texts.SEN_NO_ACCESS.format(customer=customer.name))
    m.customer = customer
    return customer, m


async def audit_read(env: "Runtime", actor: Staff, m: SensitiveRequest, what: str) -> None:
    """A read of sensitive knowledge: in the audit log and in the request's history."""
    detail = texts.SEN_READ_DETAIL.format(what=what, customer=m.customer.name)
    await AuditLog.create(at=env.now(), actor=actor.userid, platform="", command="sensitive_read",
                          text=f"{m.number} {detail}"[:2000], outcome="ok")
    await papers.event(env, m, actor, "read", detail)


async def open_requests() -> list[SensitiveRequest]:
    return await SensitiveRequest.filter(status__in=OPEN_SENSITIVE).select_related(
        "customer", "engineer").order_by("id")
