"""The daily digest (日报): a working day's new, solved, open and overdue work, complaints,
follow-ups due, and tomorrow's duty, pushed after work and shown by /日报 [日期].

Every figure is "as of" the end of that day (or now, for today), computed from timestamps, so a
digest of an earlier day reads the same whenever it is asked for.
"""
from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from tortoise.expressions import Q

from bot.errors import UsageError
from bot.services.followups.calls import count_completed
from bot.services.outbox import notify_purpose
from bot.services.reports import texts
from storage.aggregate import Sql, n
from storage.models import Complaint, Deadline, FollowUp, Ticket, TicketEvent
from storage.models.complaints import DONE
from storage.models.deadlines import PAUSED
from storage.models.tickets import CANCELLED

if TYPE_CHECKING:
    from bot.runtime import Runtime

_DATE = re.compile(r"^(?:(\d{4})[-/.年])?(\d{1,2})[-/.月](\d{1,2})[日号]?$")
MAX_OVERDUE_LINES = 10


def parse_day(env: "Runtime", text: str | None) -> date:
    """"2026-11-23", "11-23", "11月23日", "今天", "昨天"; empty: today."""
    today = env.calendar.local(env.now()).date()
    t = (text or "").strip()
    if not t or t in texts.TODAY_WORDS:
        return today
    if t in texts.YESTERDAY_WORDS:
        return today - timedelta(days=1)
    m = _DATE.match(t)
    if not m:
        raise UsageError(texts.BAD_DAY.format(text=t))
    try:
        day = date(int(m.group(1) or today.year), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise UsageError(texts.BAD_DAY.format(text=t)) from None
    if day > today:
        raise UsageError(texts.FUTURE_DAY.format(day=day.isoformat()))
    return day


@dataclass
class Overdue:
    label: str
    subject: str
    due: datetime


@dataclass
class Digest:
    day: date
    as_of: datetime
    new: int = 0
    duplicates: int = 0
    solved: int = 0
    written_off: int = 0
    open_tickets: int = 0
    reopened: int = 0  # /重开 of resolved tickets: a solution that did not hold
    cancelled: int = 0  # /撤单: neither open work nor a service
    overdue_count: int = 0
    overdue: list[Overdue] = field(default_factory=list)  # the earliest few
    complaints_new: int = 0
    complaints_valid: int = 0
    complaints_open: int = 0
    visits: int = 0
    followups_due: int = 0
    issues_open: int = 0
    duty_tomorrow: str | None = None  # None when the roster is not installed


async def build(env: "Runtime", day: date) -> Digest:
    cal = env.calendar
    start, end = cal.at(day, time(0)), cal.at(day + timedelta(days=1), time(0))
    as_of = min(env.now(), end)
    # Today's digest includes what happened at this very instant; a past day ends at midnight.
    if as_of < end:
        as_of += timedelta(microseconds=1)
    d = Digest(day, as_of)
    created = Ticket.filter(created_at__gte=start, created_at__lt=as_of)
    d.new = await created.filter(duplicate_of_id__isnull=True).count()
    d.duplicates = await created.filter(duplicate_of_id__not_isnull=True).count()
    d.solved, d.written_off = await count_completed(env, start, as_of)
    d.open_tickets = await open_tickets_at(as_of)
    changed = TicketEvent.filter(at__gte=start, at__lt=as_of)
    d.reopened = await changed.filter(kind="reopened").count()
    d.cancelled = await changed.filter(kind="cancelled").count()
    d.overdue_count, d.overdue = await overdue_at(env, as_of)
    d.complaints_new = await Complaint.filter(received_at__gte=start, received_at__lt=as_of).count()
    d.complaints_valid = await Complaint.filter(confirmed_at__gte=start, confirmed_at__lt=as_of,
                                                valid=True).count()
    d.complaints_open = await Complaint.filter(
        Q(archived_at__isnull=True) | Q(archived_at__gte=as_of), received_at__lt=as_of).count()
    d.visits = await FollowUp.filter(status=DONE, visited_at__gte=start,
                                     visited_at__lt=as_of).count()
    d.followups_due = await FollowUp.filter(
        Q(visited_at__isnull=True) | Q(visited_at__gte=as_of), created_at__lt=as_of).count()
    d.issues_open = await open_issues_at(as_of)
    d.duty_tomorrow = await _duty(env, day + timedelta(days=1))
    return d


async def open_tickets_at(as_of: datetime) -> int:
    """Tickets created before `as_of` and not resolved by then (duplicates and cancelled ones are
    no open work). Counted as the unresolved ones plus those resolved later, each an indexed walk
    over resolved_at, never over the whole history before `as_of`."""
    open_ = Ticket.filter(created_at__lt=as_of, duplicate_of_id__isnull=True) \
        .exclude(status=CANCELLED)
    return await open_.filter(resolved_at__isnull=True).count() + \
        await open_.filter(resolved_at__gte=as_of).count()


def _overdue(q: Sql, still_open: bool, as_of: datetime) -> tuple[str, str]:
    """The condition and the order of one part of the overdue deadlines. Still open: the
    (closed_at, due_at) index serves both. Closed since: the few rows closed after `as_of`,
    never a walk down the due_at index of the whole history. The open ones are ordered as the
    (closed_at, due_at) index holds them, so no planner walks the due_at index instead."""
    due = "d.due_at" if still_open else q.unindexed("d.due_at")
    closed = "d.closed_at IS NULL" if still_open else f"d.closed_at > {q.p(as_of)}"
    return (f"{closed} AND {due} <= {q.p(as_of)} AND (d.state <> '{PAUSED}' "
            "OR d.remaining_s IS NULL OR d.remaining_s <= 0)",
            "d.closed_at, d.due_at" if still_open else due)


async def overdue_at(env: "Runtime", as_of: datetime,
                     limit: int = MAX_OVERDUE_LINES) -> tuple[int, list[Overdue]]:
    """How many deadlines are past due and not closed at `as_of`, and the `limit` earliest.

    A paused deadline counts only if it was already overdue when it paused. Counted in two
    parts, still open and closed since, each over the (closed_at, due_at) index: a range over
    due_at alone would walk the whole history of met deadlines."""
    policies = env.settings.clocks
    total, ids = 0, []
    for still_open in (True, False):
        q = Sql()
        where, _ = _overdue(q, still_open, as_of)
        found = n((await q.one(f"SELECT COUNT(*) AS n FROM deadline d WHERE {where}"))["n"])
        total += found
        if not found:
            continue
        q = Sql()
        where, order = _overdue(q, still_open, as_of)
        ids += [r["id"] for r in await q.rows(
            f"SELECT d.id AS id FROM deadline d WHERE {where} ORDER BY {order} "
            f"LIMIT {int(limit)}")]
    rows = await Deadline.filter(id__in=ids).order_by("due_at", "id").limit(limit) if ids else []
    out = []
    for r in rows:
        try:
            label = policies.get(r.clock, r.tier).label
        except ValueError:
            label = r.clock
        ctx = r.context or {}
        subject = str(ctx.get("title") or ctx.get("number") or f"{r.object_type} {r.object_id}")
        out.append(Overdue(label, subject, r.due_at))
    return total, out


async def open_issues_at(as_of: datetime) -> int:
    """Follow-up issues raised by `as_of` and not closed by then."""
    q = Sql()
    row = await q.one(
        # Over the visits made before `as_of` (visited_at index): nearly all have no issue, so
        # an index on the issue status would look to the planner like the whole table.
        "SELECT COUNT(*) AS n FROM followup f WHERE f.issue_status <> '' "
        f"AND f.visited_at < {q.p(as_of)} "
        f"AND (f.issue_closed_at IS NULL OR f.issue_closed_at >= {q.p(as_of)})")
    return n(row["n"])


async def _duty(env: "Runtime", day: date) -> str | None:
    """Tomorrow's duty from the roster (bot/services/roster/assignments.py), when that area is
    installed."""
    try:
        roster = importlib.import_module("bot.services.roster.assignments")
    except ModuleNotFoundError as exc:
        if exc.name != "bot.services.roster.assignments":
            raise
        return None
    slots, render = getattr(roster, "slots", None), getattr(roster, "render_slots", None)
    if slots is None or render is None:
        return None
    items = await slots(env, day, day)
    return render(env, items, detail=False) if items else texts.NO_DUTY


def render(env: "Runtime", d: Digest) -> str:
    cal = env.calendar
    # A day that is over is reported whole, not "as of" a time.
    head = texts.DIGEST_HEAD.format(day=f"{d.day:%Y-%m-%d}", as_of=cal.local(d.as_of).strftime(
        "%H:%M")) if d.as_of < cal.at(d.day + timedelta(days=1), time(0)) \
        else texts.DIGEST_HEAD_CLOSED.format(day=f"{d.day:%Y-%m-%d}")
    lines = [head,
             texts.DIGEST_WORK.format(new=d.new, dup=d.duplicates, solved=d.solved,
                                      written_off=d.written_off, open=d.open_tickets)
             + (texts.DIGEST_REOPENED.format(n=d.reopened) if d.reopened else "")
             + (texts.DIGEST_CANCELLED.format(n=d.cancelled) if d.cancelled else ""),
             texts.DIGEST_OVERDUE.format(n=d.overdue_count)]
    lines += [texts.DIGEST_OVERDUE_LINE.format(
        label=o.label, subject=o.subject, due=cal.local(o.due).strftime("%m-%d %H:%M"))
        for o in d.overdue]
    if d.overdue_count > len(d.overdue):
        lines.append(texts.DIGEST_MORE.format(n=d.overdue_count - len(d.overdue)))
    lines.append(texts.DIGEST_COMPLAINTS.format(new=d.complaints_new, valid=d.complaints_valid,
                                                open=d.complaints_open))
    lines.append(texts.DIGEST_FOLLOWUPS.format(visits=d.visits, due=d.followups_due,
                                               issues=d.issues_open))
    if d.duty_tomorrow is not None:
        lines.append(texts.DIGEST_DUTY.format(duty=d.duty_tomorrow))
    return "\n".join(lines)


async def push(env: "Runtime", day: date) -> int:
    """The scheduled digest: to the configured chats, once per day (the key carries the day)."""
    text = render(env, await build(env, day))
    sent = 0
    for purpose in env.settings.reports.daily_to:
        sent += await notify_purpose(env, purpose, text, f"digest:{day.isoformat()}:{purpose}",
                                     urgent=False)
    return sent
