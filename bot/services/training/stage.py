"""A project's training stage signed off [002 §5.1: "培训完毕后每个接受培训的人员均需在验收表上签字，
最终由负责人签核"]: once every session of the stage was held (attendance taken) and its trainees
signed (/培训验收 L2, by the trainer), the project manager, the one in charge, signs the stage's
training acceptance (/培训验收 P1), which is the project's training acceptance form."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bot.errors import Forbidden, UserError
from bot.services.projects import acceptance as project_acceptance, lifecycle as projects
from bot.services.training import texts
from bot.services.training.sessions import training_stage
from storage.models import ProjectForm, Staff, TrainingSession
from storage.models.projects import FORM_TRAINING, OPEN_PROJECT

if TYPE_CHECKING:
    from bot.runtime import Runtime


async def sign_off(env: "Runtime", actor: Staff, number: int,
                   stage_name: str = "") -> tuple[str, str, list[str]]:
    """Returns the project number, the stage's name and its sessions."""
    p = await projects.get_project(number)
    projects.require(p, *OPEN_PROJECT)
    if not projects.is_manager(p, actor):
        raise Forbidden(texts.STAGE_NOT_MANAGER.format(
            no=p.number, who=p.manager.name if p.manager else "-"))
    form = await ProjectForm.filter(project_id=p.id, kind=FORM_TRAINING).first()
    if form is not None:
        raise UserError(texts.STAGE_ALREADY.format(no=p.number, at=projects.when(env,
                                                                                form.handed_at)))
    stage = await training_stage(p, stage_name, open_only=False)
    fill = dict(no=p.number, stage=stage.name)
    rows = await TrainingSession.filter(stage_id=stage.id).order_by("id")
    if not rows:
        raise UserError(texts.STAGE_NO_SESSIONS.format(**fill))
    unheld = [x.number for x in rows if x.attendance_at is None]
    if unheld:
        raise UserError(texts.STAGE_NOT_HELD.format(sessions="、".join(unheld), **fill))
    unsigned = [x.number for x in rows if x.acceptance_at is None]
    if unsigned:
        raise UserError(texts.STAGE_NOT_SIGNED.format(sessions="、".join(unsigned), **fill))
    numbers = [x.number for x in rows]
    await project_acceptance.record_form(env, p, FORM_TRAINING, texts.STAGE_SIGNED_OFF.format(
        sessions="、".join(numbers), pm=actor.name), actor)
    return p.number, stage.name, numbers
