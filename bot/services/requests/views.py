"""How change and sensitive requests read in chat: one request with its clocks and history, and
the open ones grouped by state."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bot.services.attachments import applications as scans
from bot.services.deadlines import clocks
from bot.services.requests import changes, papers, sensitive, texts
from bot.services.requests.papers import Request, when
from storage.models.requests import BUG, OPEN_CHANGE, ChangeRequest, SensitiveRequest

if TYPE_CHECKING:
    from bot.runtime import Runtime


async def _tail(env: "Runtime", req: Request, events: dict[str, str]) -> list[str]:
    lines = []
    described = await clocks.describe_all(env, papers.kind_of(req), req.id, open_only=True)
    if described:
        lines.append(texts.VIEW_CLOCKS.format(clocks="；".join(described)))
    lines.append(texts.VIEW_HISTORY)
    for e in await papers.history(req):
        lines.append(texts.VIEW_EVENT.format(
            at=when(env, e.at), who=e.actor.name if e.actor else "-",
            kind=events.get(e.kind, e.kind), detail=f"：{e.detail}" if e.detail else ""))
    return lines


def _archive(env: "Runtime", req: Request) -> str:
    return f"{req.archive_ref}（{when(env, req.archived_at)}）" if req.archived_at else "-"


async def render_change(env: "Runtime", r: ChangeRequest) -> str:
    lines = [texts.CHG_VIEW_HEAD.format(no=r.number, status=texts.CHG_STATUS[r.status],
                                        customer=r.customer.name, tier=r.customer.tier,
                                        kind=texts.CHG_KIND[r.kind]),
             texts.CHG_VIEW_CONTENT.format(content=r.content)]
    if r.kind == BUG:
        lines.append(texts.CHG_BUG_LINES.format(steps=r.steps, error=r.error).strip())
    lines.append(texts.CHG_VIEW_APP.format(app=papers.describe_application(r),
                                           archive=_archive(env, r)))
    lines += await scans.listing(env, papers.kind_of(r), r.id)
    if r.reviewed_at:
        lines.append(texts.CHG_VIEW_REVIEW.format(
            who=r.reviewed_by.name if r.reviewed_by else "-", at=when(env, r.reviewed_at),
            estimate=when(env, r.estimate), note=r.review_note or "-"))
    return "\n".join(lines + await _tail(env, r, texts.CHG_EVENT))


async def render_sensitive(env: "Runtime", m: SensitiveRequest) -> str:
    lines = [texts.SEN_VIEW_HEAD.format(no=m.number, status=texts.SEN_STATUS[m.status],
                                        customer=m.customer.name, tier=m.customer.tier,
                                        kind=texts.SEN_KIND[m.kind])]
    if m.note:
        lines.append(texts.VIEW_NOTE.format(note=m.note))
    lines.append(texts.CHG_VIEW_APP.format(app=papers.describe_application(m),
                                           archive=_archive(env, m)))
    lines += await scans.listing(env, papers.kind_of(m), m.id)
    if m.decided_at:
        lines.append(texts.SEN_VIEW_DECISION.format(
            who=m.decided_by.name if m.decided_by else "-", at=when(env, m.decided_at),
            note=m.decision_note or "-"))
    if m.done_at:
        lines.append(texts.SEN_VIEW_DONE.format(at=when(env, m.done_at), contact=m.told_contact,
                                                note=m.done_note or "-"))
    return "\n".join(lines + await _tail(env, m, texts.SEN_EVENT))


async def list_changes(env: "Runtime") -> str:
    items = await changes.open_requests()
    if not items:
        return texts.CHG_NONE_OPEN
    lines = [texts.CHG_OPEN_HEAD.format(n=len(items))]
    for state in OPEN_CHANGE:
        group = [r for r in items if r.status == state]
        if not group:
            continue
        lines.append(texts.CHG_OPEN_STATE.format(status=texts.CHG_STATUS[state], n=len(group)))
        lines += [texts.CHG_OPEN_LINE.format(
            no=r.number, customer=r.customer.name, kind=texts.CHG_KIND[r.kind],
            content=r.content[:30], who=r.applicant.name, at=when(env, r.created_at),
            estimate=texts.CHG_OPEN_ESTIMATE.format(at=when(env, r.estimate))
            if r.estimate else "") for r in group]
    return "\n".join(lines)


async def list_sensitive(env: "Runtime") -> str:
    items = await sensitive.open_requests()
    if not items:
        return texts.SEN_NONE_OPEN
    lines = [texts.SEN_OPEN_HEAD.format(n=len(items))]
    lines += [texts.SEN_OPEN_LINE.format(
        no=m.number, status=texts.SEN_STATUS[m.status], customer=m.customer.name,
        kind=texts.SEN_KIND[m.kind], who=m.engineer.name, at=when(env, m.created_at))
        for m in items]
    return "\n".join(lines)


async def render(env: "Runtime", req: Request) -> str:
    if isinstance(req, ChangeRequest):
        return await render_change(env, await changes.get(req.id))
    return await render_sensitive(env, await sensitive.get(req.id))


