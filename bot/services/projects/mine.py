"""The projects' part of /我的: what the caller owes on open projects today.

    consultant        today's daily log not yet written, missing logs not made up, the open
                      stages to deliver, and the acceptance evaluation once every stage is done
    project manager   the open stages they answer for (with the planned end), the final
                      acceptance's documents to review, the forms still missing
    either manager    a pause or termination waiting on their approval
    impl. manager     applications to assign, reviewed projects to archive
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise.expressions import Q

from bot.services.projects import lifecycle as lc, texts
from bot.services.projects.acceptance import missing_forms
from storage.models import Project, ProjectLog, ProjectRequest, ProjectStage, Staff
from storage.models.people import Role
from storage.models.projects import ACTIVE, APPLIED, FINAL, OPEN_PROJECT, PENDING, STAGE_DONE

if TYPE_CHECKING:
    from bot.runtime import Runtime


def _name(p: Project) -> str:
    return f"{p.number} {p.customer.name}「{p.title}」"


def _as_consultant(env: "Runtime", p: Project, stages: list[ProjectStage],
                   logs: list[ProjectLog]) -> list[str]:
    """`logs`: the consultant's logs of this project that matter here (today's, the missing)."""
    out: list[str] = []
    today = lc.today(env)
    if p.status == ACTIVE and env.calendar.is_workday(today) and not any(
            g.day == today and not g.missing for g in logs):
        out.append(texts.MINE_LOG_TODAY.format(p=_name(p), day=f"{today:%m-%d}", no=p.number))
    for g in sorted((g for g in logs if g.missing), key=lambda g: g.day):
        out.append(texts.MINE_LOG_MISSING.format(p=_name(p), day=f"{g.day:%m-%d}", no=p.number))
    if p.status != ACTIVE:
        return out
    for st in stages:
        if st.status != STAGE_DONE:
            out.append(texts.MINE_STAGE_TO_DELIVER.format(p=_name(p), name=st.name,
                                                          end=f"{st.planned_end:%m-%d}"))
    if stages and all(st.status == STAGE_DONE for st in stages):
        out.append(texts.MINE_EVALUATE.format(p=_name(p), no=p.number))
    return out


async def _as_manager(p: Project, stages: list[ProjectStage]) -> list[str]:
    out = [texts.MINE_STAGE_OWNED.format(p=_name(p), name=st.name, end=f"{st.planned_end:%m-%d}")
           for st in stages if st.status != STAGE_DONE and p.status == ACTIVE]
    if p.status == FINAL:
        if p.reviewed_at is None:
            out.append(texts.MINE_REVIEW.format(p=_name(p), no=p.number))
        missing = await missing_forms(p)
        if missing:
            out.append(texts.MINE_FORMS.format(p=_name(p), forms="、".join(
                texts.FORM_NAMES[k] for k in missing), no=p.number))
    return out


async def _work_of(env: "Runtime", actor: Staff, rows: list[Project]
                   ) -> tuple[dict[int, list[ProjectStage]], dict[int, list[ProjectLog]]]:
    """The stages of the projects `actor` works on and their logs that /我的 looks at, in two
    queries however many projects that is."""
    ids = [p.id for p in rows if lc.is_consultant(p, actor) or lc.is_manager(p, actor)]
    stages: dict[int, list[ProjectStage]] = {i: [] for i in ids}
    logs: dict[int, list[ProjectLog]] = {i: [] for i in ids}
    if not ids:
        return stages, logs
    for st in await ProjectStage.filter(project_id__in=ids).order_by("seq", "id"):
        stages[st.project_id].append(st)
    for g in await ProjectLog.filter(Q(day=lc.today(env), missing=False) | Q(missing=True),
                                     project_id__in=ids, consultant_id=actor.id):
        logs[g.project_id].append(g)
    return stages, logs


async def _approvals(actor: Staff, rows: list[Project]) -> list[str]:
    """One query for the pending requests of all the projects listed, not one per project."""
    out = []
    impl = actor.has_role(Role.IMPL_MANAGER)
    pending = {r.project_id: r for r in await ProjectRequest.filter(
        project_id__in=[p.id for p in rows], status=PENDING).order_by("-id")} if rows else {}
    for p in rows:
        r = pending.get(p.id)
        if r is None:
            continue
        waits = (lc.is_manager(p, actor) and r.pm_at is None) or \
            (impl and not lc.is_manager(p, actor) and r.mgr_at is None)
        if waits:
            out.append(texts.MINE_APPROVE.format(p=_name(p), kind=texts.REQUEST_KIND[r.kind],
                                                 no=p.number))
    return out


async def lines(env: "Runtime", actor: Staff) -> list[str]:
    # The implementation manager answers for every open project; anyone else reads only theirs.
    query = Project.filter(status__in=OPEN_PROJECT) if actor.has_role(Role.IMPL_MANAGER) \
        else lc.open_involving(actor)
    rows = await query.select_related("customer").order_by("id")
    out: list[str] = []
    stages, logs = await _work_of(env, actor, rows)
    for p in rows:
        if lc.is_consultant(p, actor):
            out += _as_consultant(env, p, stages[p.id], logs[p.id])
        if lc.is_manager(p, actor):
            out += await _as_manager(p, stages[p.id])
    out += await _approvals(actor, rows)
    if actor.has_role(Role.IMPL_MANAGER):
        out += [texts.MINE_ASSIGN.format(p=_name(p), no=p.number)
                for p in rows if p.status == APPLIED]
        out += [texts.MINE_ARCHIVE.format(p=_name(p), no=p.number) for p in rows
                if p.status == FINAL and p.reviewed_at is not None and not await missing_forms(p)]
    return [texts.MINE_HEAD] + out if out else []
