"""The steps of one deadline, computed from its policy and its row: no I/O, so it is cheap to redo.

Steps are warnings (before due), the breach (at due) and escalation levels (after due). The row
remembers how far it got (warnings_sent, breached_at, level); `next_check_at` is the earliest step
still to take. Steps are recomputed rather than stored, so a pause that moves due_at and anchor_at
moves every step still to come.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from storage.models.deadlines import BREACHED, RUNNING, Deadline

if TYPE_CHECKING:
    from bot.calendar import WorkCalendar
    from bot.rules.clocks import TierPolicy as Policy

WARN, DUE, ESCALATE = "warn", "due", "escalate"


@dataclass(frozen=True)
class Step:
    key: str  # part of the action key: "w0", "due", "e1"
    kind: str  # WARN, DUE, ESCALATE
    index: int  # warning index (0-based) or escalation level (1-based)
    at: datetime
    to: tuple[str, ...] = ()


def all_steps(policy: "Policy", row: Deadline, calendar: "WorkCalendar") -> list[Step]:
    due = row.due_at
    steps: list[Step] = []
    floor = None
    for i, w in enumerate(policy.warnings):
        at = w.offset.subtract_from(due, calendar) if w.before else \
            w.offset.add_to(row.anchor_at, calendar)
        # Declared order is firing order; mixed units could disagree, the later one then waits.
        if floor is not None and at < floor:
            at = floor
        floor = at
        if at >= due:
            break  # a warning at or after due says nothing the breach does not
        if at < row.anchor_at:
            continue  # e.g. "2wh before" a "0wd" clock started late in the day: nothing to warn
        steps.append(Step(f"w{i}", WARN, i, at, w.to))
    steps.append(Step("due", DUE, 0, due))
    floor = due
    for i, e in enumerate(policy.escalations, start=1):
        at = max(e.after.add_to(due, calendar), floor)
        floor = at
        steps.append(Step(f"e{i}", ESCALATE, i, at, e.to))
    return steps


def pending_steps(policy: "Policy", row: Deadline, calendar: "WorkCalendar") -> list[Step]:
    if row.state not in (RUNNING, BREACHED):
        return []
    out = []
    for s in all_steps(policy, row, calendar):
        if s.kind == WARN and s.index < row.warnings_sent:
            continue
        if s.kind == DUE and row.breached_at is not None:
            continue
        if s.kind == ESCALATE and s.index <= row.level:
            continue
        out.append(s)
    return out


def next_check(policy: "Policy", row: Deadline, calendar: "WorkCalendar") -> datetime | None:
    pending = pending_steps(policy, row, calendar)
    return min((s.at for s in pending), default=None)
