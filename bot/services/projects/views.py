"""What /项目 shows: the projects by state with what is late, or one project in full."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bot.services.deadlines import clocks
from bot.services.projects import lifecycle as lc, texts
from bot.services.projects.acceptance import missing_forms
from storage.models import (
    Project,
    ProjectEvent,
    ProjectForm,
    ProjectLog,
    ProjectRequest,
    ProjectStage,
    Staff,
    Trainee,
    TrainingSession,
)
from storage.models.projects import OPEN_PROJECT, STAGE_DONE

if TYPE_CHECKING:
    from bot.runtime import Runtime


async def _late(env: "Runtime", p: Project, stages: set[int], projects: set[int]) -> list[str]:
    """What is late: open stages and the implementation form past their clocks."""
    out = [texts.LATE_STAGE.format(name=s.name) for s in await lc.stages(p)
           if s.status != STAGE_DONE and s.id in stages]
    return out + [texts.LATE_FORM] if p.id in projects else out


async def listing(env: "Runtime", all_states: bool = False) -> str:
    q = Project.all() if all_states else Project.filter(status__in=OPEN_PROJECT)
    rows = await q.select_related("customer", "manager").order_by("id")
    if not rows:
        return texts.NONE_OPEN
    lines = [texts.LIST_HEAD.format(n=len(rows))]
    late_stages = set(await clocks.breached_object_ids(env, lc.STAGE_OBJECT))
    late_forms = set(await clocks.breached_object_ids(env, lc.OBJECT))
    for state in texts.STATUS:
        group = [p for p in rows if p.status == state]
        if not group:
            continue
        lines.append(texts.LIST_GROUP.format(status=texts.STATUS[state], n=len(group)))
        for p in group:
            late = await _late(env, p, late_stages, late_forms)
            lines.append(texts.LIST_LINE.format(
                no=p.number, customer=p.customer.name, title=p.title,
                pm=p.manager.name if p.manager else texts.NOBODY,
                late=texts.LATE_PREFIX + "、".join(late) if late else ""))
    return "\n".join(lines)


async def _sessions(stage: ProjectStage) -> list[str]:
    """The training stage's sessions L, each with whether it was held and signed."""
    rows = await TrainingSession.filter(stage_id=stage.id).select_related("course", "trainer") \
        .order_by("day", "id")
    if not rows:
        return [texts.NO_SESSIONS_YET]
    out = []
    for x in rows:
        state = texts.SESSION_SIGNED if x.acceptance_at else \
            texts.SESSION_HELD if x.attendance_at else texts.SESSION_PLANNED
        out.append(texts.SESSION_LINE.format(
            no=x.number, course=x.course.name, when=f"{x.day:%m-%d} {x.time}".strip(),
            place=x.place, trainer=x.trainer.name,
            n=await Trainee.filter(session_id=x.id).count(), state=state))
    return out


async def render(env: "Runtime", number: int) -> str:
    p = await lc.get_project(number)
    members = await lc.consultants(p)
    lines = [texts.SHOW_HEAD.format(no=p.number, customer=p.customer.name, title=p.title,
                                    status=texts.STATUS[p.status]),
             texts.SHOW_PEOPLE.format(pm=p.manager.name if p.manager else texts.NOBODY,
                                      who="、".join(s.name for s in members) or texts.NOBODY,
                                      applied=p.applied_by.name)]
    if p.first_visit:
        lines.append(texts.FROM_VISIT.format(no=f"S{p.first_visit}"))
    if p.content:
        lines.append(texts.SHOW_CONTENT.format(content=p.content))
    rows = await lc.stages(p)
    lines.append(texts.SHOW_PLAN if rows else texts.NO_PLAN)
    for s in rows:
        status = texts.STAGE_STATUS[s.status] + (texts.REOPENED_MARK.format(n=s.reopened)
                                                 if s.reopened else "")
        lines.append(texts.STAGE_LINE.format(
            seq=s.seq, name=s.name, start=s.planned_start.strftime("%m-%d"),
            end=s.planned_end.strftime("%m-%d"), deliverable=s.deliverable, status=status))
        if s.training:
            lines += await _sessions(s)
    described = await clocks.describe_all(env, lc.OBJECT, p.id, open_only=True)
    for s in rows:
        described += [f"{s.name}{d}" for d in
                      await clocks.describe_all(env, lc.STAGE_OBJECT, s.id, open_only=True)]
    if described:
        lines.append(texts.SHOW_CLOCKS.format(items="；".join(described)))
    logs = await ProjectLog.filter(project_id=p.id).select_related("consultant") \
        .order_by("-day", "id").limit(10)
    if logs:
        lines.append(texts.SHOW_LOGS)
        lines += [texts.LOG_LINE.format(day=g.day.strftime("%m-%d"), who=g.consultant.name,
                                        content=g.content if not g.missing else texts.LOG_MISSING)
                  for g in logs]
    for r in await ProjectRequest.filter(project_id=p.id).order_by("id"):
        pm = await Staff.filter(id=r.pm_by_id).first() if r.pm_by_id else None
        mgr = await Staff.filter(id=r.mgr_by_id).first() if r.mgr_by_id else None
        lines.append(texts.REQUEST_LINE.format(
            kind=texts.REQUEST_KIND[r.kind], reason=r.reason, status=texts.REQUEST_STATUS[r.status],
            pm=pm.name if pm else "-", mgr=mgr.name if mgr else "-"))
    forms = {f.kind: f for f in await ProjectForm.filter(project_id=p.id)}
    lines.append(texts.SHOW_FORMS.format(items="；".join(
        texts.FORM_ITEM.format(form=texts.FORM_NAMES[k], state=lc.when(env, forms[k].handed_at)
                               if k in forms else texts.FORM_MISSING)
        for k in texts.FORM_NAMES)))
    if p.status in OPEN_PROJECT and p.ended_at and (missing := await missing_forms(p)):
        lines.append(texts.CHECKLIST.format(forms="、".join(texts.FORM_NAMES[k] for k in missing)))
    lines.append(texts.SHOW_HISTORY)
    for e in await ProjectEvent.filter(project_id=p.id).select_related("actor").order_by("id"):
        lines.append(texts.HISTORY_LINE.format(
            at=lc.when(env, e.at), who=e.actor.name if e.actor else texts.SYSTEM,
            what=texts.EVENTS.get(e.kind, e.kind), detail=f"：{e.detail}" if e.detail else ""))
    return "\n".join(lines)
