"""The training's part of /我的: the sessions a trainer teaches soon or still owes attendance or
the trainees' signed acceptance for, and the sessions of the projects a person works on (the
project manager and consultants attend their customer's training)."""
from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, cast

from bot.services.projects import lifecycle as projects
from bot.services.training import texts
from bot.services.training.sessions import starts_at
from storage.models import Project, ProjectForm, ProjectStage, Staff, Trainee, TrainingSession
from storage.models.projects import FORM_TRAINING

if TYPE_CHECKING:
    from bot.runtime import Runtime


def _when(env: "Runtime", s: TrainingSession) -> str:
    return env.calendar.local(starts_at(env, s)).strftime("%m-%d %H:%M")


async def lines(env: "Runtime", actor: Staff) -> list[str]:
    today = projects.today(env)
    until = today + timedelta(days=env.settings.training.soon_days)
    now = env.now()
    out: list[str] = []
    taught = await TrainingSession.filter(trainer_id=actor.id, day__lte=until) \
        .filter(acceptance_at__isnull=True).select_related("course").order_by("day", "id")
    for s in taught:
        n = await Trainee.filter(session_id=s.id).count()
        fill = dict(no=s.number, course=s.course.name, when=_when(env, s), place=s.place, n=n,
                    capacity=s.capacity)
        if s.attendance_at is not None:
            out.append(texts.MINE_ACCEPT.format(**fill))
        elif starts_at(env, s) <= now:
            out.append(texts.MINE_ATTEND.format(**fill))
        elif s.day >= today:
            out.append(texts.MINE_TEACH.format(**fill))
    open_projects = await projects.open_involving(actor).order_by("id")
    mine = [p.id for p in open_projects
            if projects.is_consultant(p, actor) or projects.is_manager(p, actor)]
    if mine:
        for s in await TrainingSession.filter(project_id__in=mine, day__gte=today, day__lte=until,
                                              attendance_at__isnull=True) \
                .exclude(trainer_id=actor.id).select_related("course", "trainer") \
                .order_by("day", "id"):
            out.append(texts.MINE_PROJECT_SESSION.format(
                no=s.number, course=s.course.name, when=_when(env, s), place=s.place,
                trainer=s.trainer.name, project=f"P{s.project_id}"))
    out += await _sign_offs([p for p in open_projects if projects.is_manager(p, actor)])
    return [texts.MINE_HEAD] + out if out else []


async def _sign_offs(managed: list[Project]) -> list[str]:
    """Training stages whose sessions are all held and signed, for their manager to sign off.
    Three queries however many projects the manager has (the forms, the stages, the sessions)."""
    signed = set(cast("list[int]", await ProjectForm.filter(
        project_id__in=[p.id for p in managed], kind=FORM_TRAINING)
        .values_list("project_id", flat=True))) if managed else set()
    waiting = [p for p in managed if p.id not in signed]
    if not waiting:
        return []
    stages: dict[int, list[ProjectStage]] = {}
    for st in await ProjectStage.filter(project_id__in=[p.id for p in waiting], training=True) \
            .order_by("seq"):
        stages.setdefault(st.project_id, []).append(st)
    held: dict[int, list[TrainingSession]] = {}
    for x in await TrainingSession.filter(
            stage_id__in=[st.id for rows in stages.values() for st in rows]):
        held.setdefault(cast(int, x.stage_id), []).append(x)
    out = []
    for p in waiting:  # the managed projects' order, each project's stages in plan order
        for stage in stages.get(p.id, []):
            rows = held.get(stage.id, [])
            if rows and all(x.acceptance_at for x in rows):
                out.append(texts.MINE_SIGN_OFF.format(project=p.number, stage=stage.name))
    return out
