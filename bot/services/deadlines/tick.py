"""The deadline tick: take the rows whose next step is due, act, record, move them on.

A tick leases due rows (storage.claims), then handles them in transactions of up to 50 rows with
a savepoint per row: it locks the row, takes every step that has come (a warning, the breach, an escalation level), writes one
DeadlineEvent per step under a unique action key together with the step's outbox rows, and sets
`next_check_at` to the next step. A second tick, a crash-retry or a second instance finds the step
already recorded and sends nothing twice. One failing row rolls back to its savepoint and keeps
its lease until it expires, which paces its retry.
"""
from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from tortoise.transactions import in_transaction

from bot.durations import humanize
from bot.errors import ConfigError
from bot.rules.clocks import GENERAL_MANAGER, OWNER, Clocks, TierPolicy as Policy
from bot.services.deadlines import texts
from bot.services.deadlines.steps import DUE, ESCALATE, WARN, Step, next_check, pending_steps
from bot.services.outbox import notify_purpose, notify_staff
from storage.claims import claim_due, next_due_at
from storage.models import Staff
from storage.models.deadlines import BREACHED, RUNNING, Deadline, DeadlineEvent
from storage.models.people import Purpose

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)

_TICK_FIELDS = ["state", "next_check_at", "warnings_sent", "level", "breached_at", "lease_until"]
# Rows per transaction: one commit per row costs a disk flush each (about 5 ms on PostgreSQL
# here), one per chunk keeps row locks short while paying the flush once per chunk.
_CHUNK = 50
# Purposes that are our own people's groups: mentioning the owner there makes the push land.
_MENTION_IN = (Purpose.HOTLINE, Purpose.MANAGERS, Purpose.SUPERVISORS)


def _utc(dt: datetime) -> datetime:
    return dt.astimezone(timezone.utc)


async def tick(env: "Runtime", *, limit: int = 500) -> int:
    """One pass over due deadlines (at most `limit` rows); returns the number of steps taken."""
    _, actions = await _batch(env, limit)
    return actions


async def tick_until_idle(env: "Runtime", *, limit: int = 500, max_rounds: int = 20) -> int:
    """Ticks until a batch comes back short, so a backlog drains within one scheduler run."""
    total = 0
    for _ in range(max_rounds):
        claimed, actions = await _batch(env, limit)
        total += actions
        if claimed < limit:
            break
    return total


async def next_due(env: "Runtime") -> datetime | None:
    """The earliest moment any deadline has a step to take (an index lookup)."""
    return await next_due_at(Deadline, now=_utc(env.now()))


async def _batch(env: "Runtime", limit: int) -> tuple[int, int]:
    now = _utc(env.now())
    lease_until = now + timedelta(seconds=env.settings.scheduler.lease_s)
    ids = await claim_due(Deadline, now=now, lease_until=lease_until, limit=limit)
    if not ids:
        return 0, 0
    policies = env.settings.clocks
    cache: dict[str, Any] = {}
    actions = sent = 0
    for i in range(0, len(ids), _CHUNK):
        chunk_actions = chunk_sent = 0
        try:
            async with in_transaction():
                for row_id in ids[i:i + _CHUNK]:
                    try:
                        # A savepoint per row: one bad row rolls back alone; its lease paces
                        # its retry.
                        async with in_transaction() as conn:
                            a, s = await _process(env, policies, row_id, cache, conn)
                    except Exception:  # noqa: BLE001 - the other rows must go on
                        log.exception("deadline %s: tick failed", row_id)
                        continue
                    chunk_actions += a
                    chunk_sent += s
        except Exception:  # noqa: BLE001 - the commit failed: the leases bring the rows back
            log.exception("deadline tick: a batch failed to commit")
            continue
        actions += chunk_actions
        sent += chunk_sent
    if sent:
        env.wake_relay()
    return len(ids), actions


async def _process(env: "Runtime", policies: Clocks, row_id: int, cache: dict[str, Any],
                   conn: Any) -> tuple[int, int]:
    row = await Deadline.filter(id=row_id).select_for_update().using_db(conn).first()
    if row is None:
        return 0, 0
    row.lease_until = None
    if row.state not in (RUNNING, BREACHED):
        row.next_check_at = None
        await row.save(using_db=conn, update_fields=_TICK_FIELDS)
        return 0, 0
    try:
        policy = policies.get(row.clock, row.tier)
    except ConfigError:
        log.error("deadline %s: clock %r is no longer configured; it stops", row.id, row.clock)
        row.next_check_at = None
        await row.save(using_db=conn, update_fields=_TICK_FIELDS)
        return 0, 0
    actions = sent = 0
    now = _utc(env.now())
    for step in pending_steps(policy, row, env.calendar):
        if step.at > now:
            break
        a, s = await _take(env, policy, row, step, now, conn, cache)
        actions += a
        sent += s
    row.next_check_at = next_check(policy, row, env.calendar)
    await row.save(using_db=conn, update_fields=_TICK_FIELDS)
    return actions, sent


async def _take(env: "Runtime", policy: Policy, row: Deadline, step: Step, now: datetime,
                conn: Any, cache: dict[str, Any]) -> tuple[int, int]:
    """Record one step and send its messages; returns (steps recorded, messages queued)."""
    if step.kind == WARN:
        row.warnings_sent = step.index + 1
        if row.due_at <= now:
            return 0, 0  # a warning that comes after due is stale: the breach says more
        kind = "warned"
    elif step.kind == DUE:
        row.breached_at, row.state = step.at, BREACHED
        kind = "breached"
    else:
        row.level = step.index
        kind = "escalated"
    key = f"dl:{row.id}:{row.cycle}:{step.key}"
    if await DeadlineEvent.filter(action_key=key).using_db(conn).exists():
        return 0, 0  # already taken by an earlier run whose row update was lost
    recipients: dict[str, int] = {}
    if step.kind != DUE:
        recipients = await _notify(env, policy, row, step, now, key, conn, cache)
    detail = json.dumps({"step_at": step.at.isoformat(), "sent": recipients}, ensure_ascii=False)
    await DeadlineEvent.create(deadline_id=row.id, at=_utc(env.now()), kind=kind,
                               level=step.index if step.kind == ESCALATE else 0, detail=detail,
                               action_key=key, using_db=conn)
    return 1, sum(recipients.values())


def _subject(row: Deadline) -> str:
    ctx = row.context or {}
    number, title = str(ctx.get("number") or ""), str(ctx.get("title") or "")
    if number and title and number not in title:
        return f"{number} {title}"
    return title or number or f"{row.object_type} {row.object_id}"


async def _notify(env: "Runtime", policy: Policy, row: Deadline, step: Step, now: datetime,
                  key: str, conn: Any, cache: dict[str, Any]) -> dict[str, int]:
    owner = await Staff.filter(id=row.owner_id).using_db(conn).first() if row.owner_id else None
    due = env.calendar.local(row.due_at).strftime("%m-%d %H:%M")
    fill = dict(label=policy.label, subject=_subject(row), due=due,
                owner=owner.name if owner else texts.DL_NO_OWNER)
    if step.kind == WARN:
        text = own_text = texts.DL_WARN.format(
            status=texts.DL_REMAINING.format(left=humanize(row.due_at - now)), **fill)
    else:
        over = now - row.due_at
        overdue = texts.DL_OVERDUE.format(over=humanize(over)) if over >= timedelta(minutes=1) \
            else texts.DL_JUST_DUE
        text = texts.DL_ESCALATE.format(level=step.index, overdue=overdue, **fill)
        own_text = texts.DL_ESCALATE_OWNER.format(level=step.index, overdue=overdue, **fill)
    sent: dict[str, int] = {}
    for target in step.to:
        k = f"{key}:{target}"
        if target == OWNER:
            sent[target] = int(await notify_staff(env, owner, own_text, k, urgent=policy.urgent,
                                                  conn=conn)) if owner else 0
        elif target == GENERAL_MANAGER:
            gm = await _general_manager(env, conn, cache)
            sent[target] = int(await notify_staff(env, gm, text, k, urgent=policy.urgent,
                                                  conn=conn)) if gm else 0
        else:
            mentions = (owner.userid,) if owner and target in _MENTION_IN else ()
            sent[target] = await notify_purpose(env, target, text, k, mentions=mentions,
                                                urgent=policy.urgent, conn=conn)
        if not sent[target]:
            log.warning("deadline %s step %s: nobody to reach as %s", row.id, step.key, target)
    return sent


async def _general_manager(env: "Runtime", conn: Any, cache: dict[str, Any]) -> Staff | None:
    if "gm" not in cache:
        userid = env.settings.center.general_manager
        cache["gm"] = await Staff.filter(userid=userid).using_db(conn).first() if userid else None
    return cache["gm"]
