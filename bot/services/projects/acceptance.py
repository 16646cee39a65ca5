"""Acceptance, forms and the archive [001 咨询实施; 002 §5.1].

    evaluate  once every stage is delivered the consultant (or the project manager) records the
              acceptance evaluation. Passed -> final acceptance: the implementation has ended,
              the implementation form must be retrieved within 3 days (`impl_form_due`, owned
              by the project manager; the 500-yuan penalty rule reads it). Failed because of a
              pre-sales promise or a product gap -> termination may be requested. Failed
              because a stage's work is incomplete -> that stage reopens for the consultant.
    review    the project manager reviews the documents
    form      a form handed in: the implementation form (signed and stamped by the customer),
              the training acceptance (signed by each trainee; also fed by the training
              sessions linked to the project), the go-live plan
    archive   the implementation manager archives; refused while a form is missing or the
              documents are not reviewed
"""
from __future__ import annotations

from typing import TYPE_CHECKING, cast

from bot.errors import Forbidden, UsageError, UserError
from bot.services.deadlines import clocks
from bot.services.outbox import notify_staff
from bot.services.projects import lifecycle as lc, texts
from storage.models import Project, ProjectForm, Staff
from storage.models.people import Role
from storage.models.projects import (
    ACTIVE,
    ARCHIVED,
    FAILED,
    FINAL,
    FORM_IMPLEMENTATION,
    FORMS,
    STAGE_DONE,
    STAGE_OPEN,
    TERMINATED,
)

if TYPE_CHECKING:
    from bot.runtime import Runtime

PROMISE, GAP = "promise", "gap"


async def evaluate(env: "Runtime", actor: Staff, number: int, passed: bool, *, cause: str = "",
                   stage: str = "", note: str = "") -> Project:
    p = await lc.get_project(number)
    lc.require(p, ACTIVE)
    if not (lc.is_consultant(p, actor) or lc.is_manager(p, actor)):
        raise Forbidden(texts.NOT_MEMBER.format(no=p.number))
    rows = await lc.stages(p)
    undone = [s.name for s in rows if s.status != STAGE_DONE]
    if not rows or undone:
        raise UserError(texts.STAGES_NOT_DONE.format(no=p.number,
                                                     names="、".join(undone) or texts.NO_PLAN))
    p.acceptance_round += 1
    now = env.now()
    if passed:
        p.status, p.ended_at = FINAL, now
        await p.save()
        await lc.event(env, p, actor, "accepted", note.strip())
        if await ProjectForm.filter(project_id=p.id, kind=FORM_IMPLEMENTATION).exists():
            return p
        row = await clocks.start(env, lc.OBJECT, p.id, lc.FORM_CLOCK, owner=p.manager_id,
                                 context=lc.context(p, texts.FORM_NAMES[FORM_IMPLEMENTATION]))
        if p.manager is not None:
            await notify_staff(env, p.manager, texts.ACCEPTED_NOTICE.format(
                no=p.number, customer=p.customer.name, title=p.title,
                due=lc.when(env, row.due_at)), f"project:{p.id}:accepted")
        return p
    if stage:
        s = await lc.find_stage(p, stage)
        s.status, s.done_at, s.done_by_id = STAGE_OPEN, None, None
        s.reopened += 1
        await s.save()
        due = env.settings.clocks.get(lc.STAGE_CLOCK).due_from(now, env.calendar)
        await clocks.start(env, lc.STAGE_OBJECT, s.id, lc.STAGE_CLOCK, owner=p.manager_id,
                           context=lc.context(p, s.name), due_at=due, restart=True)
        await p.save()
        await lc.event(env, p, actor, "acceptance_failed",
                       texts.FAILED_STAGE_DETAIL.format(name=s.name, note=note.strip() or "-"))
        for c in await lc.consultants(p):
            await notify_staff(env, c, texts.STAGE_REOPENED_NOTICE.format(
                no=p.number, customer=p.customer.name, name=s.name, note=note.strip() or "-",
                due=lc.when(env, due)), f"project:{p.id}:reopen:{s.id}:{s.reopened}:{c.userid}")
        return p
    if cause not in (PROMISE, GAP):
        raise UsageError(texts.FAILED_NEEDS_CAUSE)
    p.status, p.failure = FAILED, cause
    await p.save()
    await lc.event(env, p, actor, "acceptance_failed", texts.FAILED_CAUSE_DETAIL.format(
        cause=texts.CAUSES[cause], note=note.strip() or "-"))
    for s in [m for m in [p.manager] if m] + await lc.impl_managers():
        await notify_staff(env, s, texts.FAILED_NOTICE.format(
            no=p.number, customer=p.customer.name, cause=texts.CAUSES[cause],
            note=note.strip() or "-"), f"project:{p.id}:failed:{p.acceptance_round}:{s.userid}")
    return p


async def review(env: "Runtime", actor: Staff, number: int, note: str = "") -> Project:
    p = await lc.get_project(number)
    lc.require(p, FINAL)
    lc.require_manager(p, actor)
    if p.reviewed_at is not None:
        raise UserError(texts.ALREADY_REVIEWED.format(no=p.number, at=lc.when(env, p.reviewed_at)))
    p.reviewed_at, p.reviewed_by = env.now(), actor
    await p.save()
    await lc.event(env, p, actor, "reviewed", note.strip())
    return p


async def record_form(env: "Runtime", p: Project, kind: str, note: str,
                      actor: Staff | None) -> ProjectForm:
    """Idempotent: a form already handed in keeps its first record."""
    found = await ProjectForm.filter(project_id=p.id, kind=kind).first()
    if found is not None:
        return found
    f = await ProjectForm.create(project_id=p.id, kind=kind, note=note.strip()[:256],
                                 handed_at=env.now(), handed_by=actor)
    if kind == FORM_IMPLEMENTATION:
        await clocks.meet(env, lc.OBJECT, p.id, lc.FORM_CLOCK)
    await lc.event(env, p, actor, "form", texts.FORM_DETAIL.format(
        form=texts.FORM_NAMES[kind], note=note.strip() or "-"))
    return f


async def hand_in(env: "Runtime", actor: Staff, number: int, kind: str,
                  note: str = "") -> ProjectForm:
    p = await lc.get_project(number)
    if p.status in (TERMINATED, ARCHIVED):
        raise UserError(texts.WRONG_STATE.format(no=p.number, status=texts.STATUS[p.status]))
    if not (lc.is_consultant(p, actor) or lc.is_manager(p, actor)
            or actor.has_role(Role.IMPL_MANAGER)):
        raise Forbidden(texts.NOT_MEMBER.format(no=p.number))
    if await ProjectForm.filter(project_id=p.id, kind=kind).exists():
        raise UserError(texts.FORM_ALREADY.format(no=p.number, form=texts.FORM_NAMES[kind]))
    return await record_form(env, p, kind, note, actor)


async def missing_forms(p: Project) -> list[str]:
    have = set(cast("list[str]", await ProjectForm.filter(project_id=p.id)
                    .values_list("kind", flat=True)))
    return [k for k in FORMS if k not in have]


async def archive(env: "Runtime", actor: Staff, number: int) -> Project:
    p = await lc.get_project(number)
    lc.require(p, FINAL)
    if not actor.has_role(Role.IMPL_MANAGER):
        raise Forbidden(texts.NOT_IMPL_MANAGER)
    if p.reviewed_at is None:
        raise UserError(texts.ARCHIVE_NOT_REVIEWED.format(no=p.number, pm=lc._name(p.manager)))
    missing = await missing_forms(p)
    if missing:
        raise UserError(texts.ARCHIVE_FORMS_MISSING.format(
            no=p.number, forms="、".join(texts.FORM_NAMES[k] for k in missing)))
    p.status, p.archived_at = ARCHIVED, env.now()
    await p.save()
    await clocks.cancel(env, lc.OBJECT, p.id, reason=texts.ARCHIVED_REASON)
    await lc.event(env, p, actor, "archived")
    return p
