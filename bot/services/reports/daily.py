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
from storage.models import Complaint, Deadline, FollowUp, Ticket
from storage.models.complaints import DONE
from storage.models.deadlines import PAUSED

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
    overdue: list[Overdue] = field(default_factory=list)
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
    d.open_tickets = await Ticket.filter(
        Q(resolved_at__isnull=True) | Q(resolved_at__gte=as_of), created_at__lt=as_of,
        duplicate_of_id__isnull=True).count()
    d.overdue = await overdue_at(env, as_of)
    d.complaints_new = await Complaint.filter(received_at__gte=start, received_at__lt=as_of).count()
    d.complaints_valid = await Complaint.filter(confirmed_at__gte=start, confirmed_at__lt=as_of,
                                                valid=True).count()
    d.complaints_open = await Complaint.filter(
        Q(archived_at__isnull=True) | Q(archived_at__gte=as_of), received_at__lt=as_of).count()
    d.visits = await FollowUp.filter(status=DONE, visited_at__gte=start,
                                     visited_at__lt=as_of).count()
    d.followups_due = await FollowUp.filter(
        Q(visited_at__isnull=True) | Q(visited_at__gte=as_of), created_at__lt=as_of).count()
    d.issues_open = await FollowUp.filter(
        Q(issue_closed_at__isnull=True) | Q(issue_closed_at__gte=as_of),
        issue_status__not="", visited_at__lt=as_of).count()
    d.duty_tomorrow = await _duty(env, day + timedelta(days=1))
    return d


async def overdue_at(env: "Runtime", as_of: datetime) -> list[Overdue]:
    """Deadlines past due and not closed at `as_of` (a paused one only if already overdue)."""
    policies = env.settings.clocks
    rows = await Deadline.filter(Q(closed_at__isnull=True) | Q(closed_at__gt=as_of),
                                 due_at__lte=as_of).order_by("due_at", "id")
    out = []
    for r in rows:
        if r.state == PAUSED and (r.remaining_s or 0.0) > 0:
            continue
        try:
            label = policies.get(r.clock, r.tier).label
        except ValueError:
            label = r.clock
        ctx = r.context or {}
        subject = str(ctx.get("title") or ctx.get("number") or f"{r.object_type} {r.object_id}")
        out.append(Overdue(label, subject, r.due_at))
    return out


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
    as_of = cal.local(d.as_of).strftime("%H:%M") if d.as_of < cal.at(
        d.day + timedelta(days=1), time(0)) else texts.DAY_CLOSED
    lines = [texts.DIGEST_HEAD.format(day=f"{d.day:%Y-%m-%d}", as_of=as_of),
             texts.DIGEST_WORK.format(new=d.new, dup=d.duplicates, solved=d.solved,
                                      written_off=d.written_off, open=d.open_tickets),
             texts.DIGEST_OVERDUE.format(n=len(d.overdue))]
    lines += [texts.DIGEST_OVERDUE_LINE.format(
        label=o.label, subject=o.subject, due=cal.local(o.due).strftime("%m-%d %H:%M"))
        for o in d.overdue[:MAX_OVERDUE_LINES]]
    if len(d.overdue) > MAX_OVERDUE_LINES:
        lines.append(texts.DIGEST_MORE.format(n=len(d.overdue) - MAX_OVERDUE_LINES))
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
