"""Pause, resume and terminate [001 咨询实施 "项目暂停/终止"]: a consultant asks with the reason;
the request takes effect only when both the project manager and the implementation manager
(two different people) have approved it; one refusal ends it. While a project is paused every
clock of it (its stages, the implementation form) stands still; /恢复 gives them their time
back. A terminated project's clocks are cancelled."""
from __future__ import annotations

from typing import TYPE_CHECKING, cast

from bot.errors import Forbidden, UsageError, UserError
from bot.services.deadlines import clocks
from bot.services.outbox import notify_staff
from bot.services.projects import lifecycle as lc, texts
from storage.models import Project, ProjectRequest, ProjectStage, Staff
from storage.models.people import Role
from storage.models.projects import (
    ACTIVE,
    EFFECTIVE,
    FAILED,
    PAUSE,
    PAUSED,
    PENDING,
    REFUSED,
    TERMINATE,
    TERMINATED,
)

if TYPE_CHECKING:
    from bot.runtime import Runtime

# Where each request may be made from.
_FROM = {PAUSE: (ACTIVE,), TERMINATE: (PAUSED, FAILED)}


async def _objects(p: Project) -> list[tuple[str, int]]:
    ids = cast("list[int]", await ProjectStage.filter(project_id=p.id)
               .values_list("id", flat=True))
    return [(lc.OBJECT, p.id)] + [(lc.STAGE_OBJECT, i) for i in ids]


async def pending(p: Project) -> ProjectRequest | None:
    return await ProjectRequest.filter(project_id=p.id, status=PENDING).first()


async def request(env: "Runtime", actor: Staff, number: int, kind: str,
                  reason: str) -> ProjectRequest:
    p = await lc.get_project(number)
    lc.require(p, *_FROM[kind])
    if kind == PAUSE:
        lc.require_consultant(p, actor)
    elif not (lc.is_consultant(p, actor) or lc.is_manager(p, actor)):
        raise Forbidden(texts.NOT_MEMBER.format(no=p.number))
    if not reason.strip():
        raise UsageError(texts.NEED_REASON)
    open_one = await pending(p)
    if open_one is not None:
        raise UserError(texts.REQUEST_PENDING.format(no=p.number,
                                                     kind=texts.REQUEST_KIND[open_one.kind]))
    r = await ProjectRequest.create(project_id=p.id, kind=kind, reason=reason.strip(),
                                    requested_by=actor, requested_at=env.now())
    await lc.event(env, p, actor, f"{kind}_requested", r.reason)
    text = texts.REQUEST_NOTICE.format(no=p.number, customer=p.customer.name, title=p.title,
                                       kind=texts.REQUEST_KIND[kind], who=actor.name,
                                       reason=r.reason)
    approvers = ([p.manager] if p.manager else []) + await lc.impl_managers()
    for s in {s.id: s for s in approvers}.values():
        await notify_staff(env, s, text, f"project-request:{r.id}:ask:{s.userid}")
    return r


async def decide(env: "Runtime", actor: Staff, number: int, agree: bool,
                 note: str = "") -> tuple[Project, ProjectRequest]:
    """One approval (or refusal) of the pending request, as project manager or as
    implementation manager; the request is effective once both sides have agreed."""
    p = await lc.get_project(number)
    r = await pending(p)
    if r is None:
        raise UserError(texts.NO_PENDING.format(no=p.number))
    now = env.now()
    if lc.is_manager(p, actor):
        if r.pm_at is not None:
            raise UserError(texts.ALREADY_DECIDED.format(no=p.number))
        r.pm_by, r.pm_at, side = actor, now, texts.SIDE_PM
    elif actor.has_role(Role.IMPL_MANAGER):
        if r.mgr_at is not None:
            raise UserError(texts.ALREADY_DECIDED.format(no=p.number))
        r.mgr_by, r.mgr_at, side = actor, now, texts.SIDE_MGR
    else:
        raise Forbidden(texts.NOT_APPROVER.format(no=p.number, pm=lc._name(p.manager)))
    kind = texts.REQUEST_KIND[r.kind]
    requester = await Staff.get(id=r.requested_by_id)
    if not agree:
        r.status, r.decided_at = REFUSED, now
        await r.save()
        await lc.event(env, p, actor, f"{r.kind}_refused", note.strip())
        await notify_staff(env, requester, texts.REFUSED_NOTICE.format(
            no=p.number, kind=kind, who=actor.name, side=side, note=note.strip() or "-"),
            f"project-request:{r.id}:refused")
        return p, r
    await lc.event(env, p, actor, f"{r.kind}_approved", texts.APPROVED_DETAIL.format(
        side=side, note=note.strip() or "-"))
    if r.pm_at is None or r.mgr_at is None:
        await r.save()
        return p, r
    r.status, r.decided_at = EFFECTIVE, now
    await r.save()
    if r.kind == PAUSE:
        p.status, p.paused_at = PAUSED, now
        for obj, oid in await _objects(p):
            await clocks.pause(env, obj, oid, reason=r.reason)
    else:
        p.status, p.terminated_at = TERMINATED, now
        for obj, oid in await _objects(p):
            await clocks.cancel(env, obj, oid, reason=texts.TERMINATED_REASON)
    await p.save()
    await lc.event(env, p, None, r.kind, r.reason)
    members = await lc.consultants(p)
    for s in {s.id: s for s in members + [requester]}.values():
        await notify_staff(env, s, texts.EFFECTIVE_NOTICE.format(no=p.number, kind=kind,
                                                                 reason=r.reason),
                           f"project-request:{r.id}:effective:{s.userid}")
    return p, r


async def resume(env: "Runtime", actor: Staff, number: int) -> Project:
    p = await lc.get_project(number)
    lc.require(p, PAUSED)
    if not (lc.is_consultant(p, actor) or lc.is_manager(p, actor)
            or actor.has_role(Role.IMPL_MANAGER)):
        raise Forbidden(texts.NOT_MEMBER.format(no=p.number))
    p.status, p.paused_at = ACTIVE, None
    await p.save()
    for obj, oid in await _objects(p):
        await clocks.resume(env, obj, oid)
    await lc.event(env, p, actor, "resumed")
    return p
