"""User training [000; 001 "用户培训服务流程"].

    course      the trainer sets a course: operation, advanced or business
    plan        a session L: course, date, start time, place, trainer, capacity; optionally
                for a project: then it belongs to the project's training stage, which is
                completed only once its sessions are held (attendance taken)
    enrol       a trainee of a customer unit; refused beyond capacity; the notice for the unit
                goes to the staff who own the customer (the project managers of its open
                projects, else the chat of `training.notice_purpose`)
    attendance  taken by the session's trainer before teaching (001 training norm 7, "授课前如实
                记录学员考勤情况"): at the class, so never before the session's start time
    scores      the exam scores, all checked before any is written
    accept      the trainees signed the training acceptance after the training (002 §5.1: "培训
                完毕后每个接受培训的人员均需在验收表上签字"), so only once attendance was taken;
                once every session of the training stage is signed, the project's training
                acceptance is for the project manager to sign off (bot/services/training/stage.py)
"""
from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from bot.errors import Forbidden, UsageError, UserError
from bot.services.directory.lookup import find_customer
from bot.services.outbox import notify_purpose, notify_staff
from bot.services.projects import lifecycle as projects
from bot.services.training import texts
from storage.models import Course, Project, ProjectStage, Staff, Trainee, TrainingSession
from storage.models.people import Role
from storage.models.projects import OPEN_PROJECT, STAGE_DONE

if TYPE_CHECKING:
    from bot.runtime import Runtime

_TIME = re.compile(r"^(\d{1,2})[:：点](\d{2})?$")


def parse_time(raw: str) -> time | None:
    """"09:00", "9:30", "9点": the planned start of a session; None when not given."""
    raw = raw.strip()
    if not raw:
        return None
    m = _TIME.match(raw)
    if not m or int(m.group(1)) > 23 or int(m.group(2) or 0) > 59:
        raise UsageError(texts.BAD_TIME.format(text=raw))
    return time(int(m.group(1)), int(m.group(2) or 0))


def starts_at(env: "Runtime", s: TrainingSession) -> datetime:
    """When the class begins: its planned time, or the opening of that day's working hours."""
    return env.calendar.at(s.day, parse_time(s.time) or env.calendar.windows[0][0])


async def training_stage(p: Project, name: str, open_only: bool = True) -> ProjectStage:
    """The project's training stage a session belongs to (阶段= when it has several)."""
    rows = await ProjectStage.filter(project_id=p.id, training=True).order_by("seq", "id")
    if name.strip():
        rows = [r for r in rows if r.name == name.strip()] or \
            [r for r in rows if name.strip() in r.name]
    if not rows:
        raise UserError(texts.NO_TRAINING_STAGE.format(no=p.number, name=name.strip() or "-"))
    if len(rows) > 1:
        raise UserError(texts.SEVERAL_TRAINING_STAGES.format(
            no=p.number, names="、".join(r.name for r in rows)))
    if open_only and rows[0].status == STAGE_DONE:
        raise UserError(texts.TRAINING_STAGE_DONE.format(no=p.number, name=rows[0].name))
    return rows[0]


def _require_trainer(actor: Staff) -> None:
    if not actor.has_role(Role.TRAINER):
        raise Forbidden(texts.NOT_TRAINER)


async def add_course(env: "Runtime", actor: Staff, name: str, kind: str,
                     content: str = "") -> Course:
    _require_trainer(actor)
    name = name.strip()
    if not name:
        raise UsageError(texts.NEED_COURSE_NAME)
    if await Course.filter(name=name).exists():
        raise UserError(texts.COURSE_EXISTS.format(name=name))
    return await Course.create(name=name[:64], kind=kind, content=content.strip(),
                               created_by=actor, created_at=env.now())


async def find_course(name: str) -> Course:
    c = await Course.filter(name=name.strip()).first()
    if c is None:
        hits = await Course.filter(name__icontains=name.strip()).limit(3) if name.strip() else []
        if len(hits) != 1:
            names = "、".join(x.name for x in await Course.all().order_by("id")) or "-"
            raise UserError(texts.COURSE_NOT_FOUND.format(name=name, names=names))
        c = hits[0]
    return c


async def get_session(number: int) -> TrainingSession:
    s = await TrainingSession.filter(id=number).select_related("course", "trainer", "stage") \
        .first()
    if s is None:
        raise UserError(texts.SESSION_NOT_FOUND.format(no=f"L{number}"))
    return s


async def plan(env: "Runtime", actor: Staff, course: str, day: date, time: str, place: str,
               trainer: Staff, capacity: int, project: int | None = None,
               stage: str = "") -> TrainingSession:
    _require_trainer(actor)
    c = await find_course(course)
    if not trainer.has_role(Role.TRAINER):
        raise UserError(texts.NOT_A_TRAINER.format(who=trainer.name))
    if not place.strip():
        raise UsageError(texts.NEED_PLACE)
    cap = env.settings.training.max_capacity
    if not 1 <= capacity <= cap:
        raise UserError(texts.BAD_CAPACITY.format(max=cap))
    if day < projects.today(env):
        raise UserError(texts.PAST_DAY)
    start = parse_time(time)
    project_id = stage_row = None
    if project is not None:
        p = await projects.get_project(project)
        projects.require(p, *OPEN_PROJECT)
        project_id, stage_row = p.id, await training_stage(p, stage)
    s = await TrainingSession.create(course=c, day=day, time=start.strftime("%H:%M") if start
                                     else "", place=place.strip()[:128], trainer=trainer,
                                     capacity=capacity, project_id=project_id, stage=stage_row,
                                     created_at=env.now())
    s.course, s.stage = c, stage_row
    return s


async def _owners(env: "Runtime", customer_id: int) -> list[Staff]:
    """Who owns the customer: the project managers of its open projects."""
    rows = await Project.filter(customer_id=customer_id, status__in=OPEN_PROJECT,
                                manager_id__not_isnull=True).select_related("manager")
    return list({p.manager.id: p.manager for p in rows if p.manager}.values())


async def enrol(env: "Runtime", actor: Staff, number: int, unit: str, name: str,
                phone: str) -> tuple[TrainingSession, Trainee, int]:
    """Returns the session, the trainee and how many are now enrolled."""
    s = await get_session(number)
    if s.day < projects.today(env):
        raise UserError(texts.SESSION_HELD.format(no=s.number))
    # A latecomer may still be enrolled at the door on the day, until the attendance is taken:
    # after that the list is what the trainees signed and the acceptance counts.
    if s.attendance_at is not None:
        raise UserError(texts.ENROL_AFTER_ATTENDANCE.format(no=s.number))
    if not name.strip():
        raise UsageError(texts.NEED_TRAINEE)
    customer = await find_customer(unit)
    taken = await Trainee.filter(session_id=s.id).count()
    if taken >= s.capacity:
        raise UserError(texts.FULL.format(no=s.number, capacity=s.capacity))
    if await Trainee.filter(session_id=s.id, customer_id=customer.id, name=name.strip()).exists():
        raise UserError(texts.ALREADY_ENROLLED.format(no=s.number, name=name.strip(),
                                                      unit=customer.name))
    t = await Trainee.create(session=s, customer=customer, name=name.strip()[:64],
                             phone=phone.strip()[:32], registered_at=env.now())
    text = texts.ENROL_NOTICE.format(
        unit=customer.name, name=t.name, no=s.number, course=s.course.name,
        day=s.day.strftime("%m-%d"), time=s.time or "-", place=s.place, trainer=s.trainer.name)
    owners = await _owners(env, customer.id)
    for o in owners:
        await notify_staff(env, o, text, f"trainee:{t.id}:notice:{o.userid}")
    if not owners:
        await notify_purpose(env, env.settings.training.notice_purpose, text,
                             f"trainee:{t.id}:notice")
    return s, t, taken + 1


def _require_own(s: TrainingSession, actor: Staff) -> None:
    if s.trainer_id != actor.id:
        raise Forbidden(texts.NOT_SESSION_TRAINER.format(no=s.number, who=s.trainer.name))


async def _by_name(s: TrainingSession, names: list[str]) -> dict[str, Trainee]:
    rows = await Trainee.filter(session_id=s.id).order_by("id")
    by: dict[str, list[Trainee]] = {}
    for t in rows:
        by.setdefault(t.name, []).append(t)
    unknown = [n for n in names if n not in by]
    if unknown:
        raise UserError(texts.NOT_ENROLLED.format(no=s.number, names="、".join(unknown)))
    twice = [n for n in names if len(by[n]) > 1]
    if twice:
        raise UserError(texts.SAME_NAME.format(no=s.number, names="、".join(twice)))
    return {n: by[n][0] for n in names}


async def attendance(env: "Runtime", actor: Staff, number: int,
                     present: list[str]) -> tuple[TrainingSession, int, int]:
    s = await get_session(number)
    _require_own(s, actor)
    start = starts_at(env, s)
    if env.now() < start:
        raise UserError(texts.ATTENDANCE_BEFORE_START.format(
            no=s.number, start=env.calendar.local(start).strftime("%m-%d %H:%M")))
    if not present:
        raise UsageError(texts.NEED_PRESENT)
    found = await _by_name(s, present)
    rows = await Trainee.filter(session_id=s.id)
    for t in rows:
        t.attended = t.id in {x.id for x in found.values()}
        await t.save(update_fields=["attended"])
    s.attendance_at = env.now()
    await s.save(update_fields=["attendance_at"])
    return s, len(found), len(rows) - len(found)


async def record_scores(env: "Runtime", actor: Staff, number: int,
                        scores: dict[str, str]) -> tuple[TrainingSession, list[Trainee]]:
    s = await get_session(number)
    _require_own(s, actor)
    if not scores:
        raise UsageError(texts.NEED_SCORES)
    values: dict[str, int] = {}
    for name, raw in scores.items():
        if not raw.strip().isdigit() or not 0 <= int(raw) <= 100:
            raise UserError(texts.BAD_SCORE.format(name=name, value=raw))
        values[name] = int(raw)
    found = await _by_name(s, list(values))
    absent = [n for n, t in found.items() if t.attended is False]
    if absent:
        raise UserError(texts.SCORE_ABSENT.format(names="、".join(absent)))
    for name, t in found.items():
        t.score = values[name]
        await t.save(update_fields=["score"])
    return s, list(found.values())


async def accept(env: "Runtime", actor: Staff, number: int) -> tuple[TrainingSession, bool]:
    """The trainees signed the acceptance; returns whether that was the last session of its
    training stage to be signed (the project manager signs the stage off next)."""
    s = await get_session(number)
    _require_own(s, actor)
    if s.attendance_at is None:
        raise UserError(texts.ACCEPT_NEEDS_ATTENDANCE.format(no=s.number))
    if s.acceptance_at is not None:
        raise UserError(texts.ALREADY_ACCEPTED.format(no=s.number))
    s.acceptance_at = env.now()
    await s.save(update_fields=["acceptance_at"])
    if s.stage_id is None:
        return s, False
    return s, not await TrainingSession.filter(stage_id=s.stage_id,
                                               acceptance_at__isnull=True).exists()
