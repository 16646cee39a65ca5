"""User training [000; 001 "用户培训服务流程"].

    course      the trainer sets a course: operation, advanced or business
    plan        a session L: course, date, place, trainer, capacity; optionally for a project,
                whose training stage it serves
    enrol       a trainee of a customer unit; refused beyond capacity; the notice for the unit
                goes to the staff who own the customer (the project managers of its open
                projects, else the chat of `training.notice_purpose`)
    attendance  taken by the session's trainer before the class (training norm 7)
    scores      the exam scores, all checked before any is written
    accept      the trainees signed the training acceptance; once every session of a project
                is signed, the project's training acceptance form is handed in
"""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from bot.errors import Forbidden, UsageError, UserError
from bot.services.directory.lookup import find_customer
from bot.services.outbox import notify_purpose, notify_staff
from bot.services.projects import acceptance as project_acceptance, lifecycle as projects
from bot.services.training import texts
from storage.models import Course, Project, Staff, Trainee, TrainingSession
from storage.models.people import Role
from storage.models.projects import FORM_TRAINING, OPEN_PROJECT

if TYPE_CHECKING:
    from bot.runtime import Runtime


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
    s = await TrainingSession.filter(id=number).select_related("course", "trainer").first()
    if s is None:
        raise UserError(texts.SESSION_NOT_FOUND.format(no=f"L{number}"))
    return s


async def plan(env: "Runtime", actor: Staff, course: str, day: date, time: str, place: str,
               trainer: Staff, capacity: int, project: int | None = None) -> TrainingSession:
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
    project_id = None
    if project is not None:
        p = await projects.get_project(project)
        projects.require(p, *OPEN_PROJECT)
        project_id = p.id
    s = await TrainingSession.create(course=c, day=day, time=time.strip()[:16],
                                     place=place.strip()[:128], trainer=trainer,
                                     capacity=capacity, project_id=project_id,
                                     created_at=env.now())
    s.course = c
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
    """The trainees signed the acceptance; returns whether the project's form was fed."""
    s = await get_session(number)
    _require_own(s, actor)
    if s.attendance_at is None:
        raise UserError(texts.ACCEPT_NEEDS_ATTENDANCE.format(no=s.number))
    if s.acceptance_at is not None:
        raise UserError(texts.ALREADY_ACCEPTED.format(no=s.number))
    s.acceptance_at = env.now()
    await s.save(update_fields=["acceptance_at"])
    if s.project_id is None:
        return s, False
    if await TrainingSession.filter(project_id=s.project_id, acceptance_at__isnull=True).exists():
        return s, False
    p = await projects.get_project(s.project_id)
    if p.status not in OPEN_PROJECT:
        return s, False
    numbers = await TrainingSession.filter(project_id=p.id).order_by("id") \
        .values_list("id", flat=True)
    await project_acceptance.record_form(env, p, FORM_TRAINING, texts.FORM_FROM_SESSIONS.format(
        sessions="、".join(f"L{n}" for n in numbers)), actor)
    return s, True
