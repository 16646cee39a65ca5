"""A project from its application to the end of its plan [001 "咨询、实施阶段服务流程"].

    apply       the implementation manager applies for a project, directly or from a first
                visit's need (首访=S3)
    assign      the project manager and the consultants; the project becomes active and daily
                logs are owed from the next working day on
    plan        stages (name, planned start and end, the deliverable); each stage runs the
                `project_stage` clock, due at the close of its planned end day, owned by the
                project manager, who is warned when it is late
    stage_done  a consultant delivers a stage with its result; a training stage only once it
                has sessions L and every one of them was held (attendance taken)
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from bot.errors import Forbidden, UsageError, UserError
from bot.services.deadlines import clocks
from bot.services.directory.lookup import find_customer
from bot.services.outbox import notify_staff
from bot.services.projects import texts
from storage.models import Customer, Project, ProjectEvent, ProjectStage, Staff, TrainingSession
from storage.models.customers import CustomerNeed, FirstVisit
from storage.models.people import Role
from storage.models.projects import (
    ACTIVE,
    APPLIED,
    OPEN_PROJECT,
    STAGE_DONE,
    STAGE_OPEN,
    TERMINATED,
)

if TYPE_CHECKING:
    from bot.runtime import Runtime

OBJECT, STAGE_OBJECT = "project", "project_stage"
STAGE_CLOCK, FORM_CLOCK = "project_stage", "impl_form_due"

_DAY = re.compile(r"^(?:(\d{4})[-/.年])?(\d{1,2})[-/.月](\d{1,2})日?$")


def when(env: "Runtime", dt: datetime | None) -> str:
    return env.calendar.local(dt).strftime("%m-%d %H:%M") if dt else "-"


def today(env: "Runtime") -> date:
    return env.calendar.local(env.now()).date()


def parse_day(env: "Runtime", text: str | None) -> date:
    """"11-24", "2026-11-24", "11月24日"; a month-day far in the past means next year."""
    m = _DAY.match((text or "").strip())
    if not m:
        raise UsageError(texts.BAD_DAY.format(text=text or ""))
    now = today(env)
    try:
        d = date(int(m.group(1) or now.year), int(m.group(2)), int(m.group(3)))
        if not m.group(1) and (now - d).days > 180:
            d = date(now.year + 1, d.month, d.day)
    except ValueError:
        raise UsageError(texts.BAD_DAY.format(text=text)) from None
    return d


async def get_project(number: int) -> Project:
    p = await Project.filter(id=number).select_related("customer", "manager", "applied_by") \
        .first()
    if p is None:
        raise UserError(texts.NOT_FOUND.format(no=f"P{number}"))
    return p


def require(p: Project, *states: str) -> None:
    if p.status not in states:
        raise UserError(texts.WRONG_STATE.format(no=p.number, status=texts.STATUS[p.status]))


def is_consultant(p: Project, staff: Staff) -> bool:
    return staff.userid in p.consultant_ids()


def is_manager(p: Project, staff: Staff) -> bool:
    return p.manager_id is not None and p.manager_id == staff.id


def open_involving(staff: Staff) -> QuerySet[Project]:
    """The open projects `staff` manages or may consult on, for the /我的 of everyone: not every
    open project of the center. The consultants column is matched as a substring; is_consultant
    tells a consultant from a userid that merely contains theirs."""
    return Project.filter(Q(manager_id=staff.id) | Q(consultants__contains=staff.userid),
                          status__in=OPEN_PROJECT)


def require_consultant(p: Project, actor: Staff) -> None:
    if not is_consultant(p, actor):
        raise Forbidden(texts.NOT_CONSULTANT.format(no=p.number))


def require_manager(p: Project, actor: Staff) -> None:
    if not is_manager(p, actor):
        raise Forbidden(texts.NOT_MANAGER.format(no=p.number, who=_name(p.manager)))


def _name(staff: Staff | None) -> str:
    return staff.name if staff else texts.NOBODY


async def consultants(p: Project) -> list[Staff]:
    ids = p.consultant_ids()
    found = {s.userid: s for s in await Staff.filter(userid__in=ids)}
    return [found[u] for u in ids if u in found]


async def impl_managers() -> list[Staff]:
    rows = await Staff.filter(active=True, roles__contains=Role.IMPL_MANAGER.value).order_by("id")
    return [s for s in rows if s.has_role(Role.IMPL_MANAGER)]


async def event(env: "Runtime", p: Project, actor: Staff | None, kind: str,
                detail: str = "") -> None:
    await ProjectEvent.create(project_id=p.id, at=env.now(), actor=actor, kind=kind,
                              detail=detail)


def context(p: Project, extra: str = "") -> dict:
    title = f"{p.number} {p.customer.name} {p.title}" + (f" {extra}" if extra else "")
    return {"number": p.number, "title": title}


async def stages(p: Project) -> list[ProjectStage]:
    return await ProjectStage.filter(project_id=p.id).order_by("seq", "id")


async def find_stage(p: Project, name: str) -> ProjectStage:
    rows = await stages(p)
    hit = [s for s in rows if s.name == name.strip()] or \
        [s for s in rows if name.strip() and name.strip() in s.name]
    if len(hit) != 1:
        raise UserError(texts.STAGE_NOT_FOUND.format(
            no=p.number, name=name, names="、".join(s.name for s in rows) or texts.NOBODY))
    return hit[0]


def stage_due(env: "Runtime", s: ProjectStage) -> datetime:
    return env.calendar.end_of_workday(env.calendar.prev_workday(s.planned_end)
                                       if not env.calendar.is_workday(s.planned_end)
                                       else s.planned_end)


# -- application and assignment -----------------------------------------------------------------

async def _check_visit(env: "Runtime", cust: Customer, number: int) -> None:
    """An application from a first visit: the visit is this customer's and has a confirmed
    need of the implementation department, not already applied for."""
    dept = env.settings.first_visit.project_department
    visit = await FirstVisit.filter(id=number).select_related("customer").first()
    if visit is None:
        raise UserError(texts.VISIT_NOT_FOUND.format(no=f"S{number}"))
    if visit.customer_id != cust.id:
        raise UserError(texts.VISIT_OTHER_CUSTOMER.format(no=visit.number,
                                                          owner=visit.customer.name,
                                                          customer=cust.name))
    if not await CustomerNeed.filter(visit_id=visit.id, department=dept,
                                     acked_at__not_isnull=True).exists():
        raise UserError(texts.VISIT_NO_NEED.format(no=visit.number, dept=dept))
    known = await project_of_visit(visit.id)
    if known is not None:
        raise UserError(texts.VISIT_HAS_PROJECT.format(no=visit.number, dept=dept,
                                                       project=known.number))


async def project_of_visit(visit_id: int) -> Project | None:
    """The application a first visit's implementation needs became (a terminated one does not
    count: the needs may be applied for again)."""
    return await Project.filter(first_visit=visit_id).exclude(status=TERMINATED) \
        .order_by("id").first()


async def apply_from_visit(env: "Runtime", actor: Staff, visit: FirstVisit,
                           needs: list[CustomerNeed]) -> tuple[Project, bool]:
    """Confirmed implementation needs of a first visit become its project application (one per
    visit: later needs are added to it); the implementation managers are told. Returns the
    project and whether it is new."""
    dept = env.settings.first_visit.project_department
    customer = visit.customer
    content = "；".join(n.content for n in needs)
    p = await project_of_visit(visit.id)
    fill = dict(customer=customer.name, visit=visit.number, dept=dept, who=actor.name,
                content=content)
    if p is None:
        p = await Project.create(customer=customer, content=content, first_visit=visit.id,
                                 title=texts.VISIT_TITLE.format(no=visit.number, dept=dept),
                                 applied_by=actor, created_at=env.now())
        await event(env, p, actor, "applied", texts.FROM_VISIT.format(no=visit.number))
        text, new = texts.VISIT_APPLIED_NOTICE.format(no=p.number, **fill), True
    else:
        p.content = f"{p.content}；{content}" if p.content else content
        await p.save(update_fields=["content"])
        await event(env, p, actor, "need_added", texts.VISIT_ADDED_DETAIL.format(**fill))
        text, new = texts.VISIT_ADDED_NOTICE.format(no=p.number, **fill), False
    p.customer = customer
    key = f"project:{p.id}:needs:{','.join(str(n.id) for n in needs)}"
    for person in await impl_managers():
        await notify_staff(env, person, text, f"{key}:{person.userid}")
    return p, new


async def apply(env: "Runtime", actor: Staff, customer: str, title: str, content: str = "",
                first_visit: int | None = None) -> Project:
    if not title.strip():
        raise UsageError(texts.NEED_TITLE)
    cust = await find_customer(customer)
    if first_visit is not None:
        await _check_visit(env, cust, first_visit)
    p = await Project.create(customer=cust, title=title.strip()[:128], content=content.strip(),
                             first_visit=first_visit, applied_by=actor, created_at=env.now())
    p.customer = cust
    await event(env, p, actor, "applied", texts.FROM_VISIT.format(no=f"S{first_visit}")
                if first_visit else "")
    return p


async def assign(env: "Runtime", actor: Staff, number: int, manager: Staff,
                 members: list[Staff]) -> Project:
    p = await get_project(number)
    require(p, APPLIED, ACTIVE)
    if not manager.has_role(Role.PROJECT_MANAGER):
        raise UserError(texts.NOT_A_PM.format(who=manager.name))
    if not members:
        raise UsageError(texts.NEED_CONSULTANTS)
    bad = [s.name for s in members if not s.has_role(Role.CONSULTANT)]
    if bad:
        raise UserError(texts.NOT_CONSULTANTS.format(who="、".join(bad)))
    p.manager, p.consultants = manager, ",".join(dict.fromkeys(s.userid for s in members))
    p.status = ACTIVE
    p.started_at = p.started_at or env.now()
    await p.save()
    names = "、".join(s.name for s in members)
    await event(env, p, actor, "assigned", texts.ASSIGNED_DETAIL.format(pm=manager.name,
                                                                          who=names))
    # The stage clocks follow the project manager.
    for stage in await stages(p):
        await clocks.set_owner(env, STAGE_OBJECT, stage.id, manager)
    fill = dict(no=p.number, customer=p.customer.name, title=p.title, pm=manager.name, who=names)
    await notify_staff(env, manager, texts.ASSIGNED_PM_NOTICE.format(**fill),
                       f"project:{p.id}:assigned:{manager.userid}")
    for s in members:
        await notify_staff(env, s, texts.ASSIGNED_NOTICE.format(**fill),
                           f"project:{p.id}:assigned:{s.userid}")
    return p


# -- plan and stages -----------------------------------------------------------------------------

async def add_stage(env: "Runtime", actor: Staff, number: int, name: str, start: date, end: date,
                    deliverable: str, training: bool = False) -> tuple[Project, ProjectStage]:
    p = await get_project(number)
    require(p, ACTIVE)
    if not is_manager(p, actor) and not actor.has_role(Role.IMPL_MANAGER):
        raise Forbidden(texts.NOT_PLANNER.format(no=p.number))
    name, deliverable = name.strip(), deliverable.strip()
    if not name or not deliverable:
        raise UsageError(texts.NEED_STAGE_FIELDS)
    if end < start:
        raise UserError(texts.STAGE_END_BEFORE_START)
    if await ProjectStage.filter(project_id=p.id, name=name).exists():
        raise UserError(texts.STAGE_EXISTS.format(no=p.number, name=name))
    seq = await ProjectStage.filter(project_id=p.id).count() + 1
    s = await ProjectStage.create(project_id=p.id, seq=seq, name=name[:64], planned_start=start,
                                  planned_end=end, deliverable=deliverable[:256],
                                  training=training)
    await clocks.start(env, STAGE_OBJECT, s.id, STAGE_CLOCK, owner=p.manager_id,
                       context=context(p, name), due_at=stage_due(env, s))
    await event(env, p, actor, "planned", texts.STAGE_LINE.format(
        seq=seq, name=name, start=start.strftime("%m-%d"), end=end.strftime("%m-%d"),
        deliverable=deliverable, status=texts.STAGE_STATUS[STAGE_OPEN]))
    return p, s


async def _require_sessions_held(p: Project, s: ProjectStage) -> None:
    sessions = await TrainingSession.filter(stage_id=s.id).order_by("id")
    if not sessions:
        raise UserError(texts.TRAINING_STAGE_NO_SESSIONS.format(no=p.number, name=s.name))
    unheld = [f"L{x.id}" for x in sessions if x.attendance_at is None]
    if unheld:
        raise UserError(texts.TRAINING_STAGE_NOT_HELD.format(no=p.number, name=s.name,
                                                             sessions="、".join(unheld)))


async def stage_done(env: "Runtime", actor: Staff, number: int, name: str,
                     result: str) -> tuple[ProjectStage, bool]:
    """The stage delivered; returns it and whether it was late (the project manager is told)."""
    p = await get_project(number)
    require(p, ACTIVE)
    require_consultant(p, actor)
    if not result.strip():
        raise UsageError(texts.NEED_RESULT)
    s = await find_stage(p, name)
    if s.status == STAGE_DONE:
        raise UserError(texts.STAGE_ALREADY_DONE.format(no=p.number, name=s.name,
                                                        at=when(env, s.done_at)))
    if s.training:
        await _require_sessions_held(p, s)
    s.status, s.done_at, s.done_by, s.result = STAGE_DONE, env.now(), actor, result.strip()
    await s.save()
    row = await clocks.meet(env, STAGE_OBJECT, s.id, STAGE_CLOCK)
    late = bool(row and row.late)
    await event(env, p, actor, "stage_done", texts.STAGE_DONE_DETAIL.format(
        name=s.name, result=s.result, late=texts.LATE_MARK if late else ""))
    if late and p.manager is not None:
        await notify_staff(env, p.manager, texts.STAGE_LATE_DONE_NOTICE.format(
            no=p.number, customer=p.customer.name, name=s.name, who=actor.name,
            due=when(env, row.due_at if row else None)),
            f"project:{p.id}:stage-late:{s.id}:{s.reopened}")
    return s, late
