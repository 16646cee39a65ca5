"""Follow-up visits (回访) [002 §6]: the day after a service is completed, the supervisor phones
the customer and records timeliness, skill and attitude (1-5); a doubt or an old unsolved
problem goes to the service manager, who must assign someone at once (followup_assign).

A completed service is a hotline ticket solved (resolved_at) or an on-site visit written off
(Dispatch.written_off_at, when the dispatch model exists): each has its own service record and
its own follow-up (V number), keyed "ticket:12" / "dispatch:3" so a service is listed once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, cast

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

import storage.models as models
from bot.errors import Forbidden, UsageError, UserError
from bot.services.deadlines import clocks
from bot.services.followups import texts
from bot.services.outbox import notify_purpose, notify_staff
from bot.services.tickets import texts as ticket_texts
from storage.models import Staff, Ticket
from storage.models.complaints import (
    DONE,
    DOUBT,
    DUE,
    ISSUE_ASSIGNED,
    ISSUE_CLOSED,
    ISSUE_OPEN,
    LEFTOVER,
    FollowUp,
)
from storage.models.people import Purpose, Role

if TYPE_CHECKING:
    from bot.runtime import Runtime

OBJECT = "followup"
ASSIGN_CLOCK = "followup_assign"
SCORE_MIN, SCORE_MAX = 1, 5
_TARGET = re.compile(r"^#?([VvTtDd])(\d+)$")


def dispatch_model() -> Any:
    """The on-site dispatch model, or None while that area is not installed."""
    return getattr(models, "Dispatch", None)


@dataclass
class Service:
    key: str  # "ticket:12" / "dispatch:3"
    number: str  # "T12" / "D3"
    ticket: Ticket
    dispatch_id: int | None
    engineer_id: int | None
    at: datetime


def local_midnight(env: "Runtime", day: date) -> datetime:
    return env.calendar.at(day, time(0))


async def completed_services(env: "Runtime", start: datetime, end: datetime) -> list[Service]:
    """Services completed in [start, end): tickets solved and visits written off, by time."""
    out = [Service(f"ticket:{t.id}", t.number, t, None, t.owner_id, cast(datetime, t.resolved_at))
           for t in await Ticket.filter(resolved_at__gte=start, resolved_at__lt=end)
           .select_related("customer")]
    Dispatch = dispatch_model()
    if Dispatch is not None:
        for d in await Dispatch.filter(written_off_at__gte=start, written_off_at__lt=end) \
                .select_related("ticket__customer"):
            out.append(Service(f"dispatch:{d.id}", d.number, d.ticket, d.id, d.engineer_id,
                               cast(datetime, d.written_off_at)))
    out.sort(key=lambda s: (s.at, s.key))
    return out


async def count_completed(env: "Runtime", start: datetime, end: datetime) -> tuple[int, int]:
    """(tickets solved, visits written off) in [start, end)."""
    tickets = await Ticket.filter(resolved_at__gte=start, resolved_at__lt=end).count()
    Dispatch = dispatch_model()
    visits = 0 if Dispatch is None else \
        await Dispatch.filter(written_off_at__gte=start, written_off_at__lt=end).count()
    return tickets, visits


async def _ensure(env: "Runtime", s: Service, listed_on: date | None) -> tuple[FollowUp, bool]:
    found = await FollowUp.filter(service_key=s.key).first()
    if found is not None:
        return found, False
    try:
        # A savepoint: a /回访 racing the morning list must not abort the whole transaction.
        async with in_transaction():
            row = await FollowUp.create(
                service_key=s.key, ticket_id=s.ticket.id, dispatch_id=s.dispatch_id,
                customer_id=s.ticket.customer_id, engineer_id=s.engineer_id, service_at=s.at,
                listed_on=listed_on, created_at=env.now())
    except IntegrityError:
        return await FollowUp.get(service_key=s.key), False
    return row, True


# -- the morning list ------------------------------------------------------------------------

@dataclass
class MorningList:
    day: date
    since: date  # the previous working day
    new: list[FollowUp]
    earlier: list[FollowUp]  # listed before and still not visited


async def morning_list(env: "Runtime", day: date) -> MorningList:
    """Every working morning: the services completed since the previous working day began
    (its evening and any day off after it included) become follow-ups, listed for the
    supervisors with those still not visited."""
    since = env.calendar.prev_workday(day)
    services = await completed_services(env, local_midnight(env, since), local_midnight(env, day))
    new = []
    for s in services:
        row, created = await _ensure(env, s, day)
        if created:
            new.append(row)
    new_ids = {r.id for r in new}
    earlier = [r for r in await FollowUp.filter(status=DUE).order_by("id")
               if r.id not in new_ids]
    result = MorningList(day, since, new, earlier)
    if new or earlier:
        await notify_purpose(env, Purpose.SUPERVISORS, await render_list(env, result),
                             f"followups:list:{day.isoformat()}")
    return result


async def line(env: "Runtime", f: FollowUp) -> str:
    await f.fetch_related("ticket", "customer", "engineer")
    number = f"D{f.dispatch_id}" if f.dispatch_id else f.ticket.number
    kind = texts.FU_KIND_VISIT if f.dispatch_id else texts.FU_KIND_TICKET
    return texts.FU_LIST_LINE.format(
        v=f.number, ref=number, customer=f.customer.name, desc=f.ticket.description[:30],
        engineer=f.engineer.name if f.engineer else "-", kind=kind,
        at=env.calendar.local(f.service_at).strftime("%m-%d %H:%M"))


def texts_time(env: "Runtime", dt: datetime | None) -> str:
    return env.calendar.local(dt).strftime("%m-%d %H:%M") if dt else "-"


async def issue_line(env: "Runtime", f: FollowUp) -> str:
    await f.fetch_related("customer", "assignee")
    return texts.FU_ISSUE_LINE.format(
        v=f.number, customer=f.customer.name, kind=texts.FU_ISSUE_KIND[f.issue_kind],
        issue=f.issue[:60], status=texts.FU_ISSUE_STATUS[f.issue_status],
        who=f.assignee.name if f.assignee else texts.FU_NOBODY)


async def render_list(env: "Runtime", m: MorningList) -> str:
    lines = [texts.FU_LIST_HEAD.format(day=f"{m.day:%m-%d}", since=f"{m.since:%m-%d}",
                                       n=len(m.new))]
    lines += [await line(env, f) for f in m.new]
    if m.earlier:
        lines.append(texts.FU_LIST_EARLIER.format(n=len(m.earlier)))
        lines += [await line(env, f) for f in m.earlier]
    lines.append(texts.FU_LIST_USAGE)
    return "\n".join(lines)


# -- the visit ---------------------------------------------------------------------------------

@dataclass
class Scores:
    timeliness: int
    skill: int
    attitude: int

    @property
    def mean(self) -> float:
        return (self.timeliness + self.skill + self.attitude) / 3


def parse_score(label: str, raw: str | None) -> int:
    if raw is None or not raw.strip():
        raise UsageError(texts.FU_NEED_SCORES)
    try:
        value = int(raw.strip())
    except ValueError:
        raise UsageError(texts.FU_BAD_SCORE.format(label=label, value=raw)) from None
    if not SCORE_MIN <= value <= SCORE_MAX:
        raise UsageError(texts.FU_BAD_SCORE.format(label=label, value=raw))
    return value


async def find_target(env: "Runtime", token: str | None) -> FollowUp:
    """V5, or the service itself: T12 (a solved ticket) or D3 (a visit written off)."""
    m = _TARGET.match((token or "").strip())
    if not m:
        raise UsageError(texts.FU_BAD_TARGET.format(token=token or ""))
    letter, n = m.group(1).upper(), int(m.group(2))
    if letter == "V":
        row = await FollowUp.filter(id=n).first()
        if row is None:
            raise UserError(texts.FU_NOT_FOUND.format(no=f"V{n}"))
        return row
    if letter == "T":
        t = await Ticket.filter(id=n).first()
        if t is None:
            raise UserError(ticket_texts.TICKET_NOT_FOUND.format(no=f"T{n}"))
        if t.resolved_at is None:
            raise UserError(texts.FU_NOT_COMPLETED.format(no=t.number))
        row, _ = await _ensure(env, Service(f"ticket:{t.id}", t.number, t, None, t.owner_id,
                                            t.resolved_at), None)
        return row
    Dispatch = dispatch_model()
    d = await Dispatch.filter(id=n).select_related("ticket").first() if Dispatch else None
    if d is None:
        raise UserError(texts.FU_DISPATCH_NOT_FOUND.format(no=f"D{n}"))
    if d.written_off_at is None:
        raise UserError(texts.FU_NOT_WRITTEN_OFF.format(no=f"D{n}"))
    row, _ = await _ensure(env, Service(f"dispatch:{d.id}", f"D{d.id}", d.ticket, d.id,
                                        d.engineer_id, d.written_off_at), None)
    return row


@dataclass
class Visit:
    followup: FollowUp
    issue_due: datetime | None = None  # a doubt or an old problem: assign by then


async def record_visit(env: "Runtime", actor: Staff, token: str | None, scores: Scores,
                       remarks: str = "", doubt: str = "", leftover: str = "") -> Visit:
    f = await find_target(env, token)
    if f.status == DONE:
        raise UserError(texts.FU_ALREADY.format(no=f.number, at=texts_time(env, f.visited_at)))
    if doubt.strip() and leftover.strip():
        raise UsageError(texts.FU_ONE_ISSUE)
    f.status, f.visitor, f.visited_at = DONE, actor, env.now()
    f.timeliness, f.skill, f.attitude = scores.timeliness, scores.skill, scores.attitude
    f.remarks = remarks.strip()
    issue = (doubt or leftover).strip()
    due = None
    if issue:
        f.issue_kind = DOUBT if doubt.strip() else LEFTOVER
        f.issue, f.issue_status = issue, ISSUE_OPEN
    await f.save()
    if issue:
        due = await _raise_issue(env, f, actor)
    return Visit(f, due)


async def _raise_issue(env: "Runtime", f: FollowUp, actor: Staff) -> datetime:
    await f.fetch_related("ticket", "customer", "engineer")
    manager = None
    userid = env.settings.reports.service_manager
    if userid:
        manager = await Staff.filter(userid=userid, active=True).first()
    row = await clocks.start(env, OBJECT, f.id, ASSIGN_CLOCK, owner=manager,
                                tier=f.customer.tier,
                                context={"number": f.number,
                                         "title": f"{f.number} {f.customer.name} "
                                                  f"{texts.FU_ISSUE_KIND[f.issue_kind]}"})
    text = texts.FU_ISSUE_NOTICE.format(
        v=f.number, ref=f"D{f.dispatch_id}" if f.dispatch_id else f.ticket.number,
        customer=f.customer.name, kind=texts.FU_ISSUE_KIND[f.issue_kind], issue=f.issue,
        who=actor.name, engineer=f.engineer.name if f.engineer else "-",
        due=texts_time(env, row.due_at))
    await notify_purpose(env, Purpose.MANAGERS, text, f"followup:{f.id}:issue")
    if manager is not None:
        await notify_staff(env, manager, text, f"followup:{f.id}:issue-manager")
    return row.due_at


async def _issue(number: int) -> FollowUp:
    f = await FollowUp.filter(id=number).select_related("ticket", "customer", "assignee",
                                                        "visitor").first()
    if f is None:
        raise UserError(texts.FU_NOT_FOUND.format(no=f"V{number}"))
    if not f.issue_status:
        raise UserError(texts.FU_NO_ISSUE.format(no=f.number))
    return f


async def assign_issue(env: "Runtime", actor: Staff, number: int, person: Staff) -> FollowUp:
    """The service manager names who handles the customer's doubt or old problem."""
    f = await _issue(number)
    if f.issue_status == ISSUE_CLOSED:
        raise UserError(texts.FU_ISSUE_CLOSED.format(no=f.number))
    f.assignee, f.assigned_by, f.assigned_at = person, actor, env.now()
    f.issue_status = ISSUE_ASSIGNED
    await f.save(update_fields=["assignee_id", "assigned_by_id", "assigned_at", "issue_status"])
    await clocks.meet(env, OBJECT, f.id, ASSIGN_CLOCK)
    await notify_staff(env, person, texts.FU_ASSIGNED_NOTICE.format(
        v=f.number, customer=f.customer.name, ref=f"D{f.dispatch_id}" if f.dispatch_id
        else f.ticket.number, kind=texts.FU_ISSUE_KIND[f.issue_kind], issue=f.issue,
        who=actor.name), f"followup:{f.id}:assigned:{person.id}:{f.assigned_at.timestamp():.0f}")
    return f


async def close_issue(env: "Runtime", actor: Staff, number: int, result: str) -> FollowUp:
    f = await _issue(number)
    if f.issue_status == ISSUE_CLOSED:
        raise UserError(texts.FU_ISSUE_CLOSED.format(no=f.number))
    if f.assignee_id != actor.id and not actor.has_role(Role.MANAGER, Role.SUPERVISOR):
        raise Forbidden(texts.FU_NOT_ASSIGNEE.format(
            no=f.number, who=f.assignee.name if f.assignee else texts.FU_NOBODY))
    if not result.strip():
        raise UsageError(texts.FU_NEED_RESULT)
    f.issue_status, f.issue_result, f.issue_closed_at = ISSUE_CLOSED, result.strip(), env.now()
    await f.save(update_fields=["issue_status", "issue_result", "issue_closed_at"])
    # Closed without an assignment (the manager handled it): the assignment clock is settled.
    await clocks.meet(env, OBJECT, f.id, ASSIGN_CLOCK)
    if f.visitor is not None and f.visitor.id != actor.id:
        await notify_staff(env, f.visitor, texts.FU_CLOSED_NOTICE.format(
            v=f.number, customer=f.customer.name, result=f.issue_result, who=actor.name),
            f"followup:{f.id}:closed")
    return f


async def pending(env: "Runtime") -> list[FollowUp]:
    return await FollowUp.filter(status=DUE).order_by("id")


async def not_yet_listed(env: "Runtime") -> list[Service]:
    """Services completed since the last morning list's window began (today's included) that
    have no follow-up yet: the morning list only takes them the next working morning, but a
    supervisor may phone the customer the same day (/回访 T12 or D3)."""
    today = env.calendar.local(env.now()).date()
    since = local_midnight(env, env.calendar.prev_workday(today))
    services = await completed_services(env, since, env.now() + timedelta(seconds=1))
    if not services:
        return []
    known = set(cast("list[str]", await FollowUp.filter(
        service_key__in=[s.key for s in services]).values_list("service_key", flat=True)))
    return [s for s in services if s.key not in known]


async def service_line(env: "Runtime", s: Service) -> str:
    engineer = await Staff.filter(id=s.engineer_id).first() if s.engineer_id else None
    return texts.FU_SERVICE_LINE.format(
        ref=s.number, customer=s.ticket.customer.name, desc=s.ticket.description[:30],
        kind=texts.FU_KIND_VISIT if s.dispatch_id else texts.FU_KIND_TICKET,
        engineer=engineer.name if engineer else "-",
        at=env.calendar.local(s.at).strftime("%m-%d %H:%M"))


async def open_issues(env: "Runtime") -> list[FollowUp]:
    return await FollowUp.filter(issue_status__in=(ISSUE_OPEN, ISSUE_ASSIGNED)).order_by("id")


def mine(actor: Staff) -> QuerySet[FollowUp]:
    """Follow-up issues assigned to this person and not closed (for /我的, a page of them)."""
    return FollowUp.filter(issue_status=ISSUE_ASSIGNED, assignee_id=actor.id) \
        .select_related("customer").order_by("id")
