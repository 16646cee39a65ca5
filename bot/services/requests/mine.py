"""The requests' part of /我的: change and sensitive requests waiting on the caller.

    applicant / engineer   the customer to tell, the developers' work to test, an approved
                           sensitive request to act on, a scan not sent, a paper not filed
    manager                requests to review or approve (not one's own sensitive request)
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise.expressions import Q

from bot.services.attachments import applications as scans
from bot.services.requests import papers, texts
from storage.models import ChangeRequest, SensitiveRequest, Staff
from storage.models.people import Role
from storage.models.requests import (
    APPROVED,
    DEVELOPED,
    PASSED,
    REFUSED,
    SUBMITTED,
)

if TYPE_CHECKING:
    from bot.runtime import Runtime

_CHANGE_WAITS = {APPROVED: texts.MINE_TELL, REFUSED: texts.MINE_TELL, PASSED: texts.MINE_TELL,
                 DEVELOPED: texts.MINE_TEST}


async def _paperwork(req: papers.Request) -> list[str]:
    out = []
    if req.archived_at is None and not await scans.count(papers.kind_of(req), req.id):
        out.append(texts.MINE_SCAN.format(no=req.number, customer=req.customer.name))
    if req.archived_at is None:
        out.append(texts.MINE_FILE.format(no=req.number, customer=req.customer.name))
    return out


async def lines(env: "Runtime", actor: Staff) -> list[str]:
    """Everyone asks /我的: a person's own requests are read, and a manager's the submitted
    ones too, never every open request of the center. Each table is read once for the
    person (what waits on them, and what their paperwork still owes)."""
    manager = actor.has_role(Role.MANAGER)
    out: list[str] = []
    own_changes = await ChangeRequest.filter(
        Q(status__in=list(_CHANGE_WAITS)) | Q(archived_at__isnull=True), applicant_id=actor.id) \
        .select_related("customer").order_by("id")
    own_sensitive = await SensitiveRequest.filter(
        Q(status=APPROVED) | Q(archived_at__isnull=True), engineer_id=actor.id) \
        .select_related("customer").order_by("id")
    to_review = await ChangeRequest.filter(status=SUBMITTED).select_related("customer") \
        .order_by("id") if manager else []
    to_decide = await SensitiveRequest.filter(status=SUBMITTED).exclude(engineer_id=actor.id) \
        .select_related("customer").order_by("id") if manager else []
    changes = {r.id: r for r in [*own_changes, *to_review]}
    for r in sorted(changes.values(), key=lambda r: r.id):
        fill = dict(no=r.number, customer=r.customer.name, kind=texts.CHG_KIND[r.kind],
                    content=r.content[:20])
        if r.applicant_id == actor.id and r.status in _CHANGE_WAITS:
            out.append(_CHANGE_WAITS[r.status].format(**fill))
        if manager and r.status == SUBMITTED:
            out.append(texts.MINE_REVIEW.format(**fill))
    sensitive = {m.id: m for m in [*own_sensitive, *to_decide]}
    for m in sorted(sensitive.values(), key=lambda m: m.id):
        fill = dict(no=m.number, customer=m.customer.name, kind=texts.SEN_KIND[m.kind])
        if m.engineer_id == actor.id and m.status == APPROVED:
            out.append(texts.MINE_SEN_ACT.format(**fill))
        elif m.engineer_id != actor.id and manager and m.status == SUBMITTED:
            out.append(texts.MINE_SEN_DECIDE.format(**fill))
    # The paper owes the archive whatever became of the request.
    owed: list[papers.Request] = [*(r for r in own_changes if r.archived_at is None),
                                  *(m for m in own_sensitive if m.archived_at is None)]
    for req in owed:
        out += await _paperwork(req)
    return [texts.MINE_HEAD] + out if out else []
