"""The duty roster: who is on which shift, set by managers (command, rotation, CSV import), who
is on duty at a moment (`on_duty`, which new tickets mention), and the check-in of /上班.

The hotline is never unattended [001 std 1, 002 part 3]: on working days the working shifts
apply, on days off the holiday shift (值守), whose engineer has the hotline forwarded to a mobile.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Iterable

from bot.errors import Forbidden, UserError
from bot.rules.roster import RosterSettings as RosterConfig, Shift
from bot.services.deadlines import clocks
from bot.services.outbox import notify_staff
from bot.services.roster import texts
from bot.services.roster.config import day_label
from storage.cache import lookup_cache
from storage.models import DutyAssignment, DutyRotation, Staff
from storage.models.people import Role
from storage.models.roster import BY_COMMAND, BY_ROTATION

if TYPE_CHECKING:
    from bot.runtime import Runtime

CHECKIN_CLOCK = "checkin"
DUTY = "duty"  # the deadline object type of an assignment (its check-in clock)
MAX_RANGE_DAYS = 366
WEEK, DAY = "week", "day"


def today(env: "Runtime") -> date:
    return env.calendar.local(env.now()).date()


def _shift(cfg: RosterConfig, name: str) -> Shift:
    shift = cfg.get(name)
    if shift is None:
        raise UserError(texts.ROSTER_UNKNOWN_SHIFT.format(name=name, names=cfg.names))
    return shift


def _check_day_kind(env: "Runtime", shift: Shift, day: date) -> None:
    if shift.applies(env.calendar, day):
        return
    cfg = env.settings.roster
    fits = "、".join(s.name for s in cfg.for_day(env.calendar, day)) or "-"
    problem = texts.ROSTER_WORK_SHIFT_ON_DAY_OFF if not shift.holiday else \
        texts.ROSTER_HOLIDAY_SHIFT_ON_WORKDAY
    raise UserError(problem.format(day=day_label(env.calendar, day), shift=shift.name, fits=fits))


# -- who is on duty ------------------------------------------------------------------------

async def people_on(day: date, shift: str) -> list[Staff]:
    rows = await DutyAssignment.filter(day=day, shift=shift).select_related("staff").order_by("id")
    return [r.staff for r in rows]


def shift_at(env: "Runtime", when: datetime) -> tuple[date, Shift] | None:
    """The shift responsible at `when`: the one running, or in a gap between two shifts of the
    same day (the lunch break) the one that just ended; None outside the day's shifts."""
    cfg, cal = env.settings.roster, env.calendar
    local_day = cal.local(when).date()
    running: list[tuple[datetime, date, Shift]] = []
    earlier: list[tuple[datetime, date, Shift]] = []
    later = False
    for day in (local_day - timedelta(days=1), local_day):
        for s in cfg.for_day(cal, day):
            start, end = s.starts(cal, day), s.ends(cal, day)
            if start <= when < end:
                running.append((start, day, s))
            elif end <= when and day == local_day:
                earlier.append((end, day, s))
            elif start > when and day == local_day:
                later = True
    if running:
        _, day, s = max(running, key=lambda r: r[0])
        return day, s
    if earlier and later:
        _, day, s = max(earlier, key=lambda r: r[0])
        return day, s
    return None


async def on_duty(env: "Runtime", when: datetime) -> list[Staff]:
    """The people on duty at `when` (see shift_at); empty when no shift covers it. Every new
    ticket asks, so the answer is kept in the lookup cache (emptied by any roster or staff
    write in this process, seen from another within its TTL)."""
    hit = shift_at(env, when)
    if hit is None:
        return []
    day, shift = hit

    async def load() -> list[Staff]:
        return [s for s in await people_on(day, shift.name) if s.active]

    return list(await lookup_cache(env.memo).get(("on_duty", day, shift.name), load))


# -- setting the roster --------------------------------------------------------------------

@dataclass
class Assigned:
    day: date
    shift: Shift
    people: list[Staff]
    added: list[Staff] = field(default_factory=list)
    removed: list[Staff] = field(default_factory=list)


async def _replace(env: "Runtime", actor: Staff | None, day: date, shift: Shift,
                   people: list[Staff], source: str,
                   rotation: DutyRotation | None = None) -> Assigned:
    existing = await DutyAssignment.filter(day=day, shift=shift.name).select_related("staff")
    wanted = {p.id for p in people}
    removed = [a for a in existing if a.staff_id not in wanted]
    kept = {a.staff_id for a in existing if a.staff_id in wanted}
    for a in removed:
        await clocks.cancel(env, DUTY, a.id, CHECKIN_CLOCK, reason="removed from the roster")
        await a.delete()
    added = []
    for p in people:
        if p.id in kept:
            continue
        await DutyAssignment.create(day=day, shift=shift.name, staff=p, source=source,
                                    rotation=rotation, assigned_by=actor, assigned_at=env.now())
        added.append(p)
    return Assigned(day, shift, people, added, [a.staff for a in removed])


def _unique(people: Iterable[Staff]) -> list[Staff]:
    seen, out = set(), []
    for p in people:
        if p.id not in seen:
            seen.add(p.id)
            out.append(p)
    return out


async def assign(env: "Runtime", actor: Staff, day: date, shift_name: str,
                 people: list[Staff]) -> Assigned:
    """Set who is on one shift of one day (an empty list clears it); tells those added or
    removed."""
    if not actor.has_role(Role.MANAGER):
        raise Forbidden(texts.ROSTER_MANAGERS_ONLY)
    shift = _shift(env.settings.roster, shift_name)
    if day < today(env):
        raise UserError(texts.ROSTER_PAST_DAY.format(day=day_label(env.calendar, day)))
    _check_day_kind(env, shift, day)
    inactive = [p.name for p in people if not p.active]
    if inactive:
        raise UserError(texts.ROSTER_INACTIVE.format(names="、".join(inactive)))
    result = await _replace(env, actor, day, shift, _unique(people), BY_COMMAND)
    label = day_label(env.calendar, day)
    stamp = int(env.now().timestamp())
    for p in result.added:
        await notify_staff(env, p, texts.ROSTER_ASSIGNED_NOTICE.format(
            day=label, shift=shift.name, span=shift.span, by=actor.name),
            f"duty:{day}:{shift.name}:{p.id}:added:{stamp}")
    for p in result.removed:
        await notify_staff(env, p, texts.ROSTER_REMOVED_NOTICE.format(
            day=label, shift=shift.name, by=actor.name),
            f"duty:{day}:{shift.name}:{p.id}:removed:{stamp}")
    return result


@dataclass
class Rotated:
    rotation: DutyRotation
    shift: Shift
    days: dict[int, list[date]]  # staff id -> the days given to them
    people: list[Staff]

    @property
    def total(self) -> int:
        return sum(len(d) for d in self.days.values())


async def rotate(env: "Runtime", actor: Staff, first: date, last: date, shift_name: str,
                 people: list[Staff], period: str = WEEK) -> Rotated:
    """A rotation over a date range: the people take turns a week each (or a day each) on
    every day of the range the shift applies to (working days, or days off for 值守). It
    replaces that shift's roster on those days."""
    if not actor.has_role(Role.MANAGER):
        raise Forbidden(texts.ROSTER_MANAGERS_ONLY)
    shift = _shift(env.settings.roster, shift_name)
    people = _unique(people)
    if not people:
        raise UserError(texts.ROSTER_ROTATION_NOBODY)
    if last < first:
        raise UserError(texts.ROSTER_RANGE_BACKWARDS)
    if first < today(env):
        raise UserError(texts.ROSTER_PAST_DAY.format(day=day_label(env.calendar, first)))
    if (last - first).days >= MAX_RANGE_DAYS:
        raise UserError(texts.ROSTER_RANGE_TOO_LONG.format(days=MAX_RANGE_DAYS))
    rotation = await DutyRotation.create(shift=shift.name, first_day=first, last_day=last,
                                         people=[p.id for p in people], period=period,
                                         created_by=actor, created_at=env.now())
    week0 = first - timedelta(days=first.weekday())
    given: dict[int, list[date]] = {p.id: [] for p in people}
    n, day = 0, first
    while day <= last:
        if shift.applies(env.calendar, day):
            turn = (day - week0).days // 7 if period == WEEK else n
            person = people[turn % len(people)]
            await _replace(env, actor, day, shift, [person], BY_ROTATION, rotation)
            given[person.id].append(day)
            n += 1
        day += timedelta(days=1)
    if n == 0:
        raise UserError(texts.ROSTER_ROTATION_NO_DAYS.format(shift=shift.name))
    for p in people:
        days = given[p.id]
        if not days:
            continue
        shown = "、".join(f"{d:%m-%d}" for d in days[:10]) + ("…" if len(days) > 10 else "")
        await notify_staff(env, p, texts.ROSTER_ROTATION_NOTICE.format(
            by=actor.name, shift=shift.name, span=shift.span, first=f"{first:%m-%d}",
            last=f"{last:%m-%d}", n=len(days), days=shown),
            f"rotation:{rotation.id}:{p.id}")
    return Rotated(rotation, shift, given, people)


# -- reading the roster --------------------------------------------------------------------

@dataclass
class Slot:
    day: date
    shift: Shift
    assignments: list[DutyAssignment]


async def slots(env: "Runtime", first: date, last: date) -> list[Slot]:
    """Every applicable shift of every day in the range, with its assignments (maybe none)."""
    cfg = env.settings.roster
    rows = await DutyAssignment.filter(day__gte=first, day__lte=last) \
        .select_related("staff").order_by("id")
    by_slot: dict[tuple[date, str], list[DutyAssignment]] = {}
    for r in rows:
        by_slot.setdefault((r.day, r.shift), []).append(r)
    out = []
    day = first
    while day <= last:
        for s in cfg.for_day(env.calendar, day):
            out.append(Slot(day, s, by_slot.get((day, s.name), [])))
        day += timedelta(days=1)
    return out


def render_slots(env: "Runtime", items: list[Slot], *, detail: bool) -> str:
    """One day in detail (check-ins shown), or several days one line each."""
    cal = env.calendar
    lines: list[str] = []
    days = sorted({s.day for s in items})
    for day in days:
        mine = [s for s in items if s.day == day]
        if detail:
            lines.append(texts.ROSTER_VIEW_DAY.format(day=day_label(cal, day)))
            for s in mine:
                people = "、".join(
                    a.staff.name + (texts.ROSTER_CHECKED_IN.format(
                        at=cal.local(a.checked_in_at).strftime("%H:%M")) if a.checked_in_at else "")
                    for a in s.assignments) or texts.ROSTER_NOBODY
                lines.append(texts.ROSTER_VIEW_SLOT.format(shift=s.shift.name, span=s.shift.span,
                                                           people=people))
        else:
            parts = [texts.ROSTER_VIEW_PART.format(
                shift=s.shift.name, people="、".join(a.staff.name for a in s.assignments)
                or texts.ROSTER_NOBODY) for s in mine]
            lines.append(texts.ROSTER_VIEW_LINE.format(day=day_label(cal, day),
                                                       parts="；".join(parts)))
    return "\n".join(lines)


# -- check-in ------------------------------------------------------------------------------

@dataclass
class CheckedIn:
    assignment: DutyAssignment
    shift: Shift
    late_by: timedelta | None  # past the check-in limit by this much; None when in time


async def _current_assignment(env: "Runtime", actor: Staff) -> tuple[DutyAssignment, Shift] | None:
    """The caller's assignment whose shift is running, or starts within early_checkin."""
    cfg, cal, now = env.settings.roster, env.calendar, env.now()
    d = today(env)
    rows = await DutyAssignment.filter(staff_id=actor.id, day__in=[d - timedelta(days=1), d])
    best: tuple[datetime, DutyAssignment, Shift] | None = None
    for a in rows:
        s = cfg.get(a.shift)
        if s is None:
            continue
        start, end = s.starts(cal, a.day), s.ends(cal, a.day)
        if start - cfg.early_checkin <= now < end and (best is None or start > best[0]):
            best = (start, a, s)
    return (best[1], best[2]) if best else None


async def check_in(env: "Runtime", actor: Staff) -> CheckedIn:
    hit = await _current_assignment(env, actor)
    if hit is None:
        nxt = await DutyAssignment.filter(staff_id=actor.id, day__gte=today(env)) \
            .order_by("day", "id").first()
        hint = texts.ROSTER_NEXT_DUTY.format(day=day_label(env.calendar, nxt.day), shift=nxt.shift) \
            if nxt else ""
        raise UserError(texts.CHECKIN_NOT_ON_DUTY + hint)
    a, shift = hit
    if a.checked_in_at is not None:
        raise UserError(texts.CHECKIN_ALREADY.format(
            at=env.calendar.local(a.checked_in_at).strftime("%H:%M"), shift=shift.name))
    now = env.now()
    won = await DutyAssignment.filter(id=a.id, checked_in_at=None).update(checked_in_at=now)
    if not won:
        raise UserError(texts.CHECKIN_ALREADY.format(at="-", shift=shift.name))
    a.checked_in_at = now
    row = await clocks.meet(env, DUTY, a.id, CHECKIN_CLOCK)
    late_by = now - row.due_at if row is not None and row.late else None
    return CheckedIn(a, shift, late_by)
