"""The requests' part of /我的: change and sensitive requests waiting on the caller.

    applicant / engineer   the customer to tell, the developers' work to test, an approved
                           sensitive request to act on, a scan not sent, a paper not filed
    manager                requests to review or approve (not one's own sensitive request)
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from bot.services.attachments import applications as scans
from bot.services.requests import papers, texts
from storage.models import ChangeRequest, SensitiveRequest, Staff
from storage.models.people import Role
from storage.models.requests import (
    APPROVED,
    DEVELOPED,
    OPEN_CHANGE,
    OPEN_SENSITIVE,
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
    manager = actor.has_role(Role.MANAGER)
    out: list[str] = []
    for r in await ChangeRequest.filter(status__in=OPEN_CHANGE).select_related("customer") \
            .order_by("id"):
        fill = dict(no=r.number, customer=r.customer.name, kind=texts.CHG_KIND[r.kind],
                    content=r.content[:20])
        if r.applicant_id == actor.id and r.status in _CHANGE_WAITS:
            out.append(_CHANGE_WAITS[r.status].format(**fill))
        if manager and r.status == SUBMITTED:
            out.append(texts.MINE_REVIEW.format(**fill))
    for m in await SensitiveRequest.filter(status__in=OPEN_SENSITIVE).select_related("customer") \
            .order_by("id"):
        fill = dict(no=m.number, customer=m.customer.name, kind=texts.SEN_KIND[m.kind])
        if m.engineer_id == actor.id and m.status == APPROVED:
            out.append(texts.MINE_SEN_ACT.format(**fill))
        elif m.engineer_id != actor.id and manager and m.status == SUBMITTED:
            out.append(texts.MINE_SEN_DECIDE.format(**fill))
    # The paper owes the archive whatever became of the request.
    owed: list[papers.Request] = [
        *await ChangeRequest.filter(applicant_id=actor.id, archived_at__isnull=True)
        .select_related("customer").order_by("id"),
        *await SensitiveRequest.filter(engineer_id=actor.id, archived_at__isnull=True)
        .select_related("customer").order_by("id")]
    for req in owed:
        out += await _paperwork(req)
    return [texts.MINE_HEAD] + out if out else []
