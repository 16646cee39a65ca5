"""Lookups of the training: the courses, a session with its trainees, scores by trainee, unit or
session."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bot.errors import UserError
from bot.services.training import texts
from bot.services.training.sessions import get_session
from storage.models import Course, Customer, Trainee, TrainingSession

if TYPE_CHECKING:
    from bot.runtime import Runtime


async def courses() -> str:
    rows = await Course.all().order_by("id")
    if not rows:
        return texts.NO_COURSES
    return "\n".join([texts.COURSES_HEAD] + [texts.COURSE_LINE.format(
        name=c.name, kind=texts.KINDS[c.kind], content=c.content or "-") for c in rows])


async def sessions(env: "Runtime") -> str:
    rows = await TrainingSession.all().select_related("course", "trainer", "stage") \
        .order_by("day", "id")
    if not rows:
        return texts.NO_SESSIONS
    lines = [texts.SESSIONS_HEAD]
    for s in rows:
        n = await Trainee.filter(session_id=s.id).count()
        lines.append(texts.SESSION_LINE.format(
            no=s.number, course=s.course.name, day=s.day.strftime("%m-%d"), time=s.time or "",
            place=s.place, trainer=s.trainer.name, n=n, capacity=s.capacity,
            project=texts.SESSION_OF_STAGE.format(project=s.project_id, stage=s.stage.name)
            if s.stage else f" P{s.project_id}" if s.project_id else ""))
    return "\n".join(lines)


def _score(env: "Runtime", t: Trainee) -> str:
    if t.attended is False:
        return texts.ABSENT
    if t.score is None:
        return texts.NO_SCORE
    mark = texts.PASSED if t.score >= env.settings.training.pass_score else texts.FAILED
    return f"{t.score}（{mark}）"


def _lines(env: "Runtime", rows: list[Trainee], with_session: bool) -> list[str]:
    return [texts.SCORE_LINE.format(
        session=f"L{t.session_id} {t.session.course.name} " if with_session else "",
        unit=t.customer.name, name=t.name, score=_score(env, t)) for t in rows]


def _mean(rows: list[Trainee]) -> str:
    scored = [t.score for t in rows if t.score is not None]
    return f"{sum(scored) / len(scored):.1f}" if scored else "-"


async def scores(env: "Runtime", token: str) -> str:
    """By session (L2), by unit (a customer's name) or by trainee's name."""
    token = token.strip()
    q = Trainee.all().select_related("customer", "session", "session__course")
    number = token[1:].lstrip("#") if token[:1] in ("L", "l") else ""
    if number.isdigit():
        s = await get_session(int(number))
        rows = await q.filter(session_id=s.id).order_by("id")
        head = texts.SCORES_SESSION.format(no=s.number, course=s.course.name,
                                           day=s.day.strftime("%m-%d"), mean=_mean(rows))
        return "\n".join([head] + (_lines(env, rows, False) or [texts.NO_TRAINEES]))
    rows = await q.filter(name=token).order_by("id")
    if rows:
        return "\n".join([texts.SCORES_TRAINEE.format(name=token)] + _lines(env, rows, True))
    units = await Customer.filter(name__icontains=token).order_by("id") if token else []
    rows = await q.filter(customer_id__in=[u.id for u in units]).order_by("session_id", "id") \
        if units else []
    if not rows:
        raise UserError(texts.NO_SCORES_FOR.format(token=token))
    return "\n".join([texts.SCORES_UNIT.format(unit="、".join(sorted({t.customer.name
                                                                    for t in rows})),
                                               mean=_mean(rows))] + _lines(env, rows, True))
