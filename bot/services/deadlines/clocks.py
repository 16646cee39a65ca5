"""The one deadline engine: every obligation with a time limit, on any object, is a Deadline row.

Domain services call these functions, from inside their own transaction if they like (Tortoise
runs every query of the task in the transaction it has open; `conn` only says one is open):

    await deadlines.start(env, "ticket", t.id, "ticket_claim", owner=staff, tier=customer.tier,
                          context={"number": "T12", "title": "打印凭证报错"})
    await deadlines.pause(env, "ticket", t.id)            # waiting for the customer: clock stops
    await deadlines.resume(env, "ticket", t.id)           # the remaining time is given back
    await deadlines.meet(env, "ticket", t.id, "ticket_claim")   # done; on time or late, recorded
    await deadlines.cancel(env, "ticket", t.id)           # no longer owed

The scheduler's tick (`tick`, in tick.py) sends the warnings and escalations through the
outbox. Policies (targets, warnings, escalation levels, tiers) are typed settings:
bot/rules/clocks.py.
"""
from __future__ import annotations

import contextlib
import uuid
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, cast

from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from bot.durations import humanize
from bot.services.deadlines import texts
from bot.services.deadlines.steps import next_check
from bot.services.deadlines.tick import next_due, tick, tick_until_idle  # noqa: F401 (public API)
from storage.db import current_transaction
from storage.models import Staff
from storage.models.deadlines import (
    BREACHED,
    CANCELLED,
    MET,
    OPEN_STATES,
    PAUSED,
    RUNNING,
    Deadline,
    DeadlineEvent,
)

if TYPE_CHECKING:
    from bot.runtime import Runtime

__all__ = [
    "start", "pause", "resume", "retime", "meet", "cancel", "close_all", "set_owner", "get",
    "history", "describe", "describe_all", "describe_rows", "breached", "breached_object_ids",
    "tick", "tick_until_idle", "next_due",
]


def _utc(dt: datetime) -> datetime:
    if dt.tzinfo is None:
        raise ValueError("deadlines need aware datetimes")
    return dt.astimezone(timezone.utc)


def _tx(conn: Any):
    """The caller's open transaction, or a new one. Queries inside need no `using_db`: Tortoise
    routes them to the transaction open in this task."""
    # Inside a command's transaction a savepoint buys nothing (an error rolls the command back
    # whole) and costs two statements; only a caller outside any transaction needs its own.
    conn = conn if conn is not None else current_transaction()
    return contextlib.nullcontext(conn) if conn is not None else in_transaction()


def _owner_id(owner: Staff | int | None) -> int | None:
    return owner.id if isinstance(owner, Staff) else owner


async def _event(row: Deadline, kind: str, at: datetime, *, key: str, detail: str = "") -> None:
    await DeadlineEvent.create(deadline_id=row.id, at=at, kind=kind, detail=detail,
                               action_key=f"dl:{row.id}:{row.cycle}:{key}")


async def _locked(object_type: str, object_id: int, clock: str | None,
                  states: tuple[str, ...] | None = None) -> list[Deadline]:
    q = Deadline.filter(object_type=object_type, object_id=object_id)
    if clock is not None:
        q = q.filter(clock=clock)
    if states is not None:
        q = q.filter(state__in=states)
    # FOR UPDATE (PostgreSQL) so a tick working on the same row waits for this change or vice versa.
    return await q.select_for_update().order_by("id")


def _reschedule(env: "Runtime", row: Deadline) -> None:
    policy = env.settings.clocks.get(row.clock, row.tier)
    row.next_check_at = next_check(policy, row, env.calendar)


_SCHEDULE_FIELDS = ["state", "due_at", "anchor_at", "next_check_at", "paused_at", "remaining_s",
                    "closed_at", "late", "warnings_sent", "level", "breached_at", "owner_id",
                    "context", "tier", "cycle", "started_at", "working", "lease_until"]


async def start(env: "Runtime", object_type: str, object_id: int, clock: str, *,
                owner: Staff | int | None = None, tier: str | None = None,
                context: dict[str, Any] | None = None, start_at: datetime | None = None,
                due_at: datetime | None = None, restart: bool = False, fresh: bool = False,
                conn: Any = None) -> Deadline:
    """Start the clock `clock` on an object; idempotent per (object_type, object_id, clock).

    A second start returns the existing row unchanged, unless `restart` is true: then the row
    begins a new round (a reopened complaint), with fresh warnings and escalations. `due_at`
    fixes the due time (an appointment) instead of the policy's target. `fresh` says the object
    was created in this transaction, so no clock of it can exist yet and none is looked up.
    """
    policy = env.settings.clocks.get(clock, tier)
    now = _utc(env.now())
    begin = _utc(start_at) if start_at else now
    due = _utc(due_at) if due_at else policy.due_from(begin, env.calendar)
    async with _tx(conn):
        found = [] if fresh else await _locked(object_type, object_id, clock)
        if found and not restart:
            return found[0]
        fields = dict(tier=tier or "", state=RUNNING, started_at=begin, anchor_at=begin,
                      due_at=due, working=policy.working, warnings_sent=0, level=0,
                      breached_at=None, paused_at=None, remaining_s=None, closed_at=None,
                      late=None, owner_id=_owner_id(owner), context=dict(context or {}),
                      lease_until=None)
        if found:
            row = found[0]
            for name, value in {**fields, "cycle": row.cycle + 1}.items():
                setattr(row, name, value)
        else:
            row = Deadline(object_type=object_type, object_id=object_id, clock=clock, cycle=0,
                           **fields)
        row.next_check_at = next_check(policy, row, env.calendar)
        if found:
            await row.save(update_fields=_SCHEDULE_FIELDS)
        else:
            await row.save()
        await _event(row, "started", now, key="start",
                     detail=f"due={due.isoformat()}" + (f" tier={tier}" if tier else ""))
    return row


async def pause(env: "Runtime", object_type: str, object_id: int, clock: str | None = None, *,
                reason: str = "", conn: Any = None) -> int:
    """Stop the clock(s) of an object (all its open clocks when `clock` is None)."""
    now = _utc(env.now())
    n = 0
    async with _tx(conn):
        for row in await _locked(object_type, object_id, clock, (RUNNING, BREACHED)):
            if row.due_at > now and row.working:
                left = env.calendar.working_time_between(now, row.due_at)
            else:
                left = row.due_at - now  # negative when overdue: kept as wall time
            row.state, row.paused_at, row.remaining_s = PAUSED, now, left.total_seconds()
            row.next_check_at = None
            await row.save(update_fields=_SCHEDULE_FIELDS)
            await _event(row, "paused", now, key=f"pause:{uuid.uuid4().hex}", detail=reason)
            n += 1
    return n


async def resume(env: "Runtime", object_type: str, object_id: int, clock: str | None = None, *,
                 conn: Any = None) -> int:
    """Restart paused clock(s); each gets back the time it had left when paused."""
    now = _utc(env.now())
    n = 0
    async with _tx(conn):
        for row in await _locked(object_type, object_id, clock, (PAUSED,)):
            left = timedelta(seconds=row.remaining_s or 0.0)
            if left > timedelta(0) and row.working:
                due = env.calendar.add_working_time(now, left)
            else:
                due = now + left
            row.anchor_at = row.anchor_at + (due - row.due_at)
            row.due_at = due
            row.state = BREACHED if row.breached_at is not None else RUNNING
            row.paused_at = row.remaining_s = None
            _reschedule(env, row)
            await row.save(update_fields=_SCHEDULE_FIELDS)
            await _event(row, "resumed", now, key=f"resume:{uuid.uuid4().hex}",
                         detail=f"due={due.isoformat()}")
            n += 1
    return n


async def retime(env: "Runtime", object_type: str, object_id: int, clock: str, tier: str, *,
                 conn: Any = None) -> tuple[datetime, datetime] | None:
    """The object now falls under another policy of `clock` (a ticket's priority changed): its
    open clock is re-timed by the policy of `tier`, counted from the same start (pauses kept).

    Returns (old due, new due), or None when the clock is not open. Warnings start over for the
    new timing; a breach and escalations already sent stand when the new due has passed too.
    """
    policy = env.settings.clocks.get(clock, tier)
    now = _utc(env.now())
    async with _tx(conn):
        rows = await _locked(object_type, object_id, clock, OPEN_STATES)
        if not rows:
            return None
        row = rows[0]
        old_due, due = row.due_at, policy.due_from(row.anchor_at, env.calendar)
        row.tier, row.due_at, row.working = tier, due, policy.working
        row.cycle, row.warnings_sent = row.cycle + 1, 0
        if row.state == PAUSED:
            paused = cast(datetime, row.paused_at)
            left = env.calendar.working_time_between(paused, due) \
                if due > paused and row.working else due - paused
            row.remaining_s = left.total_seconds()
        if due > now:
            row.breached_at, row.level = None, 0
            if row.state == BREACHED:
                row.state = RUNNING
        if row.state != PAUSED:
            _reschedule(env, row)
        await row.save(update_fields=_SCHEDULE_FIELDS)
        await _event(row, "retimed", now, key=f"retime:{uuid.uuid4().hex}",
                     detail=f"tier={tier} due={old_due.isoformat()}->{due.isoformat()}")
    return old_due, due


async def meet(env: "Runtime", object_type: str, object_id: int, clock: str, *,
               conn: Any = None) -> Deadline | None:
    """Mark the obligation done; `late` records whether it was after due. Idempotent."""
    now = _utc(env.now())
    async with _tx(conn):
        rows = await _locked(object_type, object_id, clock)
        if not rows:
            return None
        row = rows[0]
        if row.state in OPEN_STATES:
            await _close(row, MET, now)
    return row


async def _close(row: Deadline, state: str, now: datetime, reason: str = "") -> None:
    if row.state == PAUSED:
        late = (row.remaining_s or 0.0) <= 0
    else:
        late = now > row.due_at
    row.state, row.closed_at, row.next_check_at = state, now, None
    row.late = late if state == MET else None
    await row.save(update_fields=_SCHEDULE_FIELDS)
    if state == MET:
        await _event(row, "met", now, key="met", detail="late" if late else "on_time")
    else:
        await _event(row, "cancelled", now, key="cancel", detail=reason)


async def cancel(env: "Runtime", object_type: str, object_id: int, clock: str | None = None, *,
                 reason: str = "", conn: Any = None) -> int:
    """The obligation is no longer owed (all open clocks of the object when `clock` is None)."""
    now = _utc(env.now())
    async with _tx(conn):
        rows = await _locked(object_type, object_id, clock, OPEN_STATES)
        for row in rows:
            await _close(row, CANCELLED, now, reason)
    return len(rows)


async def close_all(env: "Runtime", object_type: str, object_id: int, *, conn: Any = None) -> int:
    """The object is finished (a ticket resolved): every open clock counts as met, on time or late."""
    now = _utc(env.now())
    async with _tx(conn):
        rows = await _locked(object_type, object_id, None, OPEN_STATES)
        for row in rows:
            await _close(row, MET, now)
    return len(rows)


async def set_owner(env: "Runtime", object_type: str, object_id: int, owner: Staff | int | None,
                    clock: str | None = None, *, conn: Any = None) -> int:
    """Who reminders address from now on (a transfer accepted)."""
    q = Deadline.filter(object_type=object_type, object_id=object_id, state__in=OPEN_STATES)
    if clock is not None:
        q = q.filter(clock=clock)
    return await q.using_db(conn).update(owner_id=_owner_id(owner))


async def get(env: "Runtime", object_type: str, object_id: int, *,
              conn: Any = None) -> list[Deadline]:
    return await Deadline.filter(object_type=object_type, object_id=object_id) \
        .order_by("id").using_db(conn)


async def history(env: "Runtime", object_type: str, object_id: int, *,
                  conn: Any = None) -> list[DeadlineEvent]:
    return await DeadlineEvent.filter(deadline__object_type=object_type,
                                      deadline__object_id=object_id) \
        .order_by("id").using_db(conn)


def _whole_minutes(left: timedelta) -> timedelta:
    """Time left is rounded up: with 4:59 to go, "剩余 4 分钟" would promise less than there is."""
    if left < timedelta(minutes=1):
        return left
    return timedelta(minutes=-(-left.total_seconds() // 60))


def describe(env: "Runtime", d: Deadline) -> str:
    """A short Chinese status: "剩余 12 分钟", "已超时 5 分钟", "已暂停（剩余 …）", "已按时完成"."""
    now = _utc(env.now())
    if d.state in (RUNNING, BREACHED):
        left = d.due_at - now
        if left > timedelta(0):
            return texts.DL_REMAINING.format(left=humanize(_whole_minutes(left)))
        return texts.DL_OVERDUE.format(over=humanize(-left))
    if d.state == PAUSED:
        left = timedelta(seconds=d.remaining_s or 0.0)
        if left > timedelta(0):
            return texts.DL_PAUSED.format(left=humanize(_whole_minutes(left)))
        return texts.DL_PAUSED_OVERDUE.format(over=humanize(-left))
    if d.state == MET:
        if d.late and d.closed_at:
            return texts.DL_MET_LATE.format(over=humanize(d.closed_at - d.due_at))
        return texts.DL_MET
    return texts.DL_CANCELLED


def label(env: "Runtime", d: Deadline) -> str:
    return env.settings.clocks.get(d.clock, d.tier).label


async def describe_all(env: "Runtime", object_type: str, object_id: int, *, conn: Any = None,
                       open_only: bool = False) -> list[str]:
    """One line per clock of the object: "接单：剩余 12 分钟"."""
    return describe_rows(env, await get(env, object_type, object_id, conn=conn),
                         open_only=open_only)


def describe_rows(env: "Runtime", rows: list[Deadline], *, open_only: bool = False) -> list[str]:
    """describe_all for rows already at hand (a clock just started is not read back)."""
    return [texts.DL_LINE.format(label=f"{label(env, d)}：", status=describe(env, d))
            for d in rows if not open_only or d.is_open]


def breached(env: "Runtime", object_type: str) -> QuerySet[Deadline]:
    """Open clocks past due (including rows the tick has not seen yet). `closed_at IS NULL` is
    what every open row has; said here, the closed_at index finds the open rows, not the
    history."""
    now = _utc(env.now())
    return Deadline.filter(
        Q(state=BREACHED) | Q(state=RUNNING, due_at__lte=now)
        | Q(state=PAUSED, remaining_s__lte=0),
        object_type=object_type, closed_at__isnull=True)


async def breached_object_ids(env: "Runtime", object_type: str, *, conn: Any = None) -> list[int]:
    """Objects with a clock past due and still open (including rows the tick has not seen yet)."""
    ids = await breached(env, object_type).using_db(conn).distinct() \
        .values_list("object_id", flat=True)
    return sorted(set(cast("list[int]", ids)))
