"""Shift start and handover: who is on duty is posted, /上班 is clocked, and the incoming shift
takes over the unresolved work with /交接确认 [001 std 1, 2].

`start_shift` runs once per shift and day (the scheduler's period key, see jobs.py): it
posts the people on duty to the hotline chat, starts each one's check-in clock ("checkin", 10
minutes by default), and posts the handover list: every open ticket and every open clock, with
its state, then starts the incoming shift's "handover_ack" clock (30 minutes). Both clocks live
in the deadline engine, which sends the reminder and the escalation to the managers.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from tortoise.transactions import in_transaction

from bot.durations import humanize
from bot.errors import UserError
from bot.rules.roster import Shift
from bot.services.deadlines import clocks, texts as deadline_texts
from bot.services.directory.lookup import mask_phone
from bot.services.outbox import notify_purpose, notify_staff
from bot.services.roster import texts
from bot.services.roster.assignments import CHECKIN_CLOCK, DUTY, people_on, today
from bot.services.roster.config import day_label
from bot.services.tickets import texts as ticket_texts
from storage.models import Deadline, DutyAssignment, DutyHandover, Staff, Ticket
from storage.models.deadlines import OPEN_STATES
from storage.models.people import Purpose
from storage.models.tickets import CLAIMED, NEW

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)

HANDOVER = "handover"  # the deadline object type of a handover (its acknowledgement clock)
ACK_CLOCK = "handover_ack"
# Clocks about the roster itself are not work to hand over.
_NOT_WORK = (DUTY, HANDOVER)
MAX_ITEMS = 30
# How far back the outgoing shift is looked for (a long holiday with nobody on call).
_LOOKBACK_DAYS = 14


def _target_text(env: "Runtime", clock: str) -> str:
    target = env.settings.clocks.get(clock).target
    return humanize(target.wall) if not target.is_working else str(target)


# -- the handover list ---------------------------------------------------------------------

@dataclass
class Item:
    ref: str
    text: str


async def open_items(env: "Runtime") -> list[Item]:
    """Open tickets (new or claimed) with their clocks, then the other objects' open clocks."""
    items: list[Item] = []
    tickets = await Ticket.filter(status__in=(NEW, CLAIMED)) \
        .select_related("customer", "owner").order_by("id")
    open_rows = await Deadline.filter(state__in=OPEN_STATES).exclude(object_type__in=_NOT_WORK) \
        .order_by("due_at", "id")
    by_object: dict[tuple[str, int], list[Deadline]] = {}
    for d in open_rows:
        by_object.setdefault((d.object_type, d.object_id), []).append(d)

    def clock_list(rows: list[Deadline]) -> str:
        return "；".join(deadline_texts.DL_LINE.format(label=f"{clocks.label(env, d)}：",
                                             status=clocks.describe(env, d)) for d in rows)

    for t in tickets:
        rows = by_object.pop(("ticket", t.id), [])
        extra = texts.HANDOVER_CLOCKS.format(clocks=clock_list(rows)) if rows else ""
        items.append(Item(t.number, texts.HANDOVER_TICKET.format(
            no=t.number, status=ticket_texts.STATUS.get(t.status, t.status), customer=t.customer.name,
            desc=t.description[:30], owner=t.owner.name, clocks=extra)))
    owners = {s.id: s.name for s in await Staff.filter(
        id__in={d.owner_id for rows in by_object.values() for d in rows if d.owner_id})}
    for (otype, oid), rows in by_object.items():
        ctx = rows[0].context or {}
        ref = str(ctx.get("number") or f"{otype}:{oid}")
        title = str(ctx.get("title") or "")
        subject = title if ref in title else f"{ref} {title}".strip()
        owner = owners.get(rows[0].owner_id or 0, deadline_texts.DL_NO_OWNER)  # ids start at 1
        items.append(Item(ref, texts.HANDOVER_OTHER.format(subject=subject, clocks=clock_list(rows),
                                                           owner=owner)))
    return items


async def _previous_shift(env: "Runtime", day: date,
                          shift: Shift) -> tuple[date, Shift, list[Staff]]:
    """The latest earlier shift that had people on it."""
    cfg, cal = env.settings.roster, env.calendar
    start = shift.starts(cal, day)
    for back in range(_LOOKBACK_DAYS + 1):
        d = day - timedelta(days=back)
        for s in sorted(cfg.for_day(cal, d), key=lambda s: s.starts(cal, d), reverse=True):
            if s.starts(cal, d) >= start:
                continue
            people = await people_on(d, s.name)
            if people:
                return d, s, people
    return day, shift, []


# -- shift start ---------------------------------------------------------------------------

async def start_shift(env: "Runtime", day: date, shift_name: str) -> bool:
    """Everything that happens when a shift starts; True if it did (the shift applies that day
    and has not ended: a bot that was down through a whole shift does not announce it late)."""
    cfg, cal = env.settings.roster, env.calendar
    shift = cfg.get(shift_name)
    if shift is None or not shift.applies(cal, day):
        return False
    begins, ends = shift.starts(cal, day), shift.ends(cal, day)
    if not begins <= env.now() < ends:
        log.warning("shift %s of %s not started: now is outside it", shift.name, day)
        return False
    async with in_transaction():
        assignments = await DutyAssignment.filter(day=day, shift=shift.name) \
            .select_related("staff").order_by("id")
        await _announce(env, day, shift, assignments)
        people = [a.staff for a in assignments]
        for a in assignments:
            if shift.checkin and a.checked_in_at is None:
                await clocks.start(
                    env, DUTY, a.id, CHECKIN_CLOCK, owner=a.staff, start_at=begins,
                    context={"title": texts.CHECKIN_SUBJECT.format(
                        day=f"{day:%m-%d}", shift=shift.name, name=a.staff.name)})
        if shift.handover and people:
            await _post_handover(env, day, shift, people)
    env.wake_relay()
    return True


async def _announce(env: "Runtime", day: date, shift: Shift,
                    assignments: list[DutyAssignment]) -> None:
    label = day_label(env.calendar, day)
    key = f"shift:{day}:{shift.name}"
    if not assignments:
        await notify_purpose(env, Purpose.MANAGERS, texts.SHIFT_NOBODY.format(
            day=label, shift=shift.name, span=shift.span), f"{key}:nobody")
        return
    people = [a.staff for a in assignments]
    names = "、".join(p.name for p in people)
    mentions = [p.userid for p in people]
    if shift.holiday:
        phones = "、".join(f"{p.name} {mask_phone(p.mobile)}" for p in people if p.mobile)
        await notify_purpose(env, Purpose.HOTLINE, texts.SHIFT_ONCALL.format(
            day=label, shift=shift.name, span=shift.span, names=names, phones=phones or "-"),
            f"{key}:announce", mentions=mentions)
        for p in people:
            await notify_staff(env, p, texts.SHIFT_ONCALL_PRIVATE.format(
                day=label, shift=shift.name, span=shift.span, mobile=p.mobile or "-"),
                f"{key}:{p.id}:oncall")
        return
    checkin = texts.SHIFT_CHECKIN.format(limit=_target_text(env, CHECKIN_CLOCK)) \
        if shift.checkin else ""
    await notify_purpose(env, Purpose.HOTLINE, texts.SHIFT_ANNOUNCE.format(
        day=label, shift=shift.name, span=shift.span, names=names, checkin=checkin),
        f"{key}:announce", mentions=mentions)


async def _post_handover(env: "Runtime", day: date, shift: Shift, people: list[Staff]) -> None:
    prev_day, prev_shift, prev_people = await _previous_shift(env, day, shift)
    if prev_people and {p.id for p in prev_people} == {p.id for p in people}:
        return  # the same people carry on: nothing changes hands
    items = await open_items(env)
    previous = texts.HANDOVER_PREVIOUS.format(
        day=f"{prev_day:%m-%d}", shift=prev_shift.name,
        names="、".join(p.name for p in prev_people)) if prev_people else ""
    handover, created = await DutyHandover.get_or_create(
        day=day, shift=shift.name,
        defaults={"posted_at": env.now(), "owner": people[0], "previous": previous,
                  "items": [{"ref": i.ref, "text": i.text} for i in items]})
    if not created:
        return
    names = "、".join(p.name for p in people)
    head = texts.HANDOVER_HEAD.format(day=f"{day:%m-%d}", shift=shift.name, names=names,
                                      previous=previous)
    key = f"handover:{handover.id}"
    mentions = [p.userid for p in people]
    if not items:
        await notify_purpose(env, Purpose.HOTLINE, head + "\n" + texts.HANDOVER_NOTHING,
                             f"{key}:posted", mentions=mentions)
        handover.acked_at = env.now()  # nothing to take over, nothing to acknowledge
        await handover.save(update_fields=["acked_at"])
        return
    shown = items[:MAX_ITEMS]
    lines = [head, texts.HANDOVER_COUNT.format(n=len(items))]
    lines += [f"{i}. {item.text}" for i, item in enumerate(shown, start=1)]
    if len(items) > MAX_ITEMS:
        lines.append(texts.HANDOVER_MORE.format(n=len(items) - MAX_ITEMS))
    lines.append(texts.HANDOVER_ASK.format(limit=_target_text(env, ACK_CLOCK)))
    await notify_purpose(env, Purpose.HOTLINE, "\n".join(lines), f"{key}:posted", mentions=mentions)
    await clocks.start(env, HANDOVER, handover.id, ACK_CLOCK, owner=people[0],
                          start_at=shift.starts(env.calendar, day),
                          context={"title": texts.HANDOVER_SUBJECT.format(
                              day=f"{day:%m-%d}", shift=shift.name, n=len(items))})


# -- acknowledgement -----------------------------------------------------------------------

@dataclass
class Acknowledged:
    handover: DutyHandover
    late_by: timedelta | None


async def acknowledge(env: "Runtime", actor: Staff) -> Acknowledged:
    """/交接确认 by one of the incoming shift's people: the handover is taken over."""
    d = today(env)
    mine = {tuple(x) for x in await DutyAssignment.filter(
        staff_id=actor.id, day__in=[d - timedelta(days=1), d]).values_list("day", "shift")}
    pending = None
    for h in await DutyHandover.filter(day__in=[d - timedelta(days=1), d]) \
            .select_related("acked_by").order_by("-posted_at"):
        if (h.day, h.shift) in mine:
            if h.acked_at is None:
                pending = h
                break
            if h.acked_by is not None:
                raise UserError(texts.HANDOVER_ALREADY.format(
                    who=h.acked_by.name, at=env.calendar.local(h.acked_at).strftime("%H:%M")))
    if pending is None:
        raise UserError(texts.HANDOVER_NONE)
    now = env.now()
    won = await DutyHandover.filter(id=pending.id, acked_at=None) \
        .update(acked_at=now, acked_by_id=actor.id)
    if not won:
        raise UserError(texts.HANDOVER_NONE)
    pending.acked_at, pending.acked_by = now, actor
    row = await clocks.meet(env, HANDOVER, pending.id, ACK_CLOCK)
    late_by = now - row.due_at if row is not None and row.late else None
    late = texts.HANDOVER_LATE.format(over=humanize(late_by)) if late_by else ""
    await notify_purpose(env, Purpose.HOTLINE, texts.HANDOVER_DONE_NOTICE.format(
        name=actor.name, day=f"{pending.day:%m-%d}", shift=pending.shift,
        n=len(pending.items), late=late), f"handover:{pending.id}:acked")
    return Acknowledged(pending, late_by)


async def pending_handover_for(env: "Runtime", actor: Staff) -> DutyHandover | None:
    """A handover the caller could acknowledge now (for the /上班 answer)."""
    d = today(env)
    slots = {tuple(x) for x in await DutyAssignment.filter(
        staff_id=actor.id, day__in=[d - timedelta(days=1), d]).values_list("day", "shift")}
    for h in await DutyHandover.filter(day__in=[d - timedelta(days=1), d], acked_at=None) \
            .order_by("-posted_at"):
        if (h.day, h.shift) in slots:
            return h
    return None
