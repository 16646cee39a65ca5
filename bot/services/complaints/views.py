"""What people see of complaints: the register entry of one, the open ones, one person's own."""
from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise.queryset import QuerySet

from bot.services.complaints import texts
from bot.services.complaints.procedure import OBJECT, status_text, when
from bot.services.deadlines import clocks
from bot.services.directory.phones import contact_text, shown_phone
from storage.models import Complaint, Staff
from storage.models.complaints import FROM_HQ, OPEN_COMPLAINT, ComplaintEvent

if TYPE_CHECKING:
    from bot.runtime import Runtime


async def open_complaints() -> list[Complaint]:
    return await Complaint.filter(status__in=OPEN_COMPLAINT) \
        .select_related("customer", "responsible").order_by("id")


async def render(env: "Runtime", c: Complaint) -> str:
    """The register entry (用户投诉登记表) of one complaint, its clocks and its history."""
    lines = [texts.CMP_VIEW_HEAD.format(no=c.number, status=status_text(c),
                                        customer=c.customer.name, tier=c.customer.tier),
             texts.CMP_VIEW_INTAKE.format(
                 source=texts.CMP_SOURCE[c.source], channel=c.channel, category=c.category,
                 level=texts.CMP_LEVEL[c.level], received=when(env, c.received_at),
                 who=c.registered_by.name),
             texts.CMP_VIEW_CONTACT.format(contact=contact_text(c.contact,
                                                               shown_phone(c.phone, full=False)),
                                           ticket=f"T{c.ticket_id}" if c.ticket_id else "-"),
             texts.CMP_VIEW_CONTENT.format(content=c.content)]
    if c.confirmed_at:
        assert c.confirmed_by is not None  # set together with confirmed_at
        verdict = texts.CMP_VALID if c.valid else texts.CMP_INVALID
        lines.append(texts.CMP_VIEW_CONFIRM.format(
            verdict=verdict, who=c.confirmed_by.name, at=when(env, c.confirmed_at),
            note=c.confirm_note or "-"))
    if c.valid:
        assert c.responsible is not None  # named on confirmation
        lines.append(texts.CMP_VIEW_HANDLING.format(
            dept=c.department or "-", responsible=c.responsible.name, cause=c.cause or "-",
            measure=c.measure or "-"))
    if c.verified_at:
        assert c.verified_by is not None  # set together with verified_at
        lines.append(texts.CMP_VIEW_VERIFY.format(
            result=texts.CMP_SATISFIED if c.satisfied else texts.CMP_DISSATISFIED,
            who=c.verified_by.name, at=when(env, c.verified_at), opinion=c.opinion or "-",
            reopened=c.reopened))
    if c.escalated_at:
        lines.append(texts.CMP_VIEW_ESCALATED.format(at=when(env, c.escalated_at),
                                                     note=c.escalation_note))
    if c.archived_at and c.valid:
        lines.append(texts.CMP_VIEW_ARCHIVE.format(corrective=c.corrective,
                                                   preventive=c.preventive,
                                                   at=when(env, c.archived_at)))
    if c.source == FROM_HQ:
        lines.append(texts.CMP_VIEW_HQ.format(at=when(env, c.hq_feedback_at)))
    described = await clocks.describe_all(env, OBJECT, c.id)
    if described:
        lines.append(texts.CMP_VIEW_CLOCKS.format(clocks="；".join(described)))
    events = await ComplaintEvent.filter(complaint_id=c.id).select_related("actor").order_by("id")
    lines.append(texts.CMP_VIEW_HISTORY)
    lines += [texts.CMP_VIEW_EVENT.format(at=when(env, e.at), who=e.actor.name if e.actor else "-",
                                          kind=texts.CMP_EVENT.get(e.kind, e.kind),
                                          detail=f"：{e.detail[:80]}" if e.detail else "")
              for e in events]
    return "\n".join(lines)


def mine(actor: Staff) -> QuerySet[Complaint]:
    """Open complaints this person is responsible for (for /我的, which shows a page of them)."""
    return Complaint.filter(status__in=OPEN_COMPLAINT, responsible_id=actor.id) \
        .select_related("customer").order_by("id")
