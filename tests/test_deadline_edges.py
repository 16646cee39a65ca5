"""The deadline engine at its edges: what each operation leaves alone (other clocks, closed states,
other objects), restarts that forget the old round, resuming a breached clock, instants exactly at
due, a tier's reminders after a pause, and a start that fails as a whole.

The fixture clock starts on Monday 2026-11-23 09:00 in Beijing (01:00 UTC).
"""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from tortoise.exceptions import IntegrityError

from bot.calendar import WorkCalendar
from bot.runtime import Runtime
from bot.services.deadlines import clocks as deadlines
from bot.settings import load_settings
from storage.models.deadlines import BREACHED, MET, PAUSED, RUNNING, Deadline, DeadlineEvent
from tests.test_deadlines import CTX, at, bj, people


def _now(env: Runtime, when: datetime) -> None:
    env.clock.set(when.astimezone(timezone.utc))


async def _states(env: Runtime, object_type: str, object_id: int) -> dict[str, str]:
    return {d.clock: d.state for d in await deadlines.get(env, object_type, object_id)}


async def test_breached_object_ids_takes_only_open_clocks_past_due_of_that_type(db, env):
    for number in range(1, 8):
        await deadlines.start(env, "ticket", number, "ticket_claim", context=CTX)  # due 09:15
    await deadlines.start(env, "ticket", 8, "ticket_callback", context=CTX)  # due 10:00
    await deadlines.start(env, "dispatch", 9, "ticket_claim", context=CTX)
    _now(env, bj(2026, 11, 23, 9, 14))
    await deadlines.pause(env, "ticket", 2)  # one minute left
    await deadlines.meet(env, "ticket", 7, "ticket_claim")  # on time
    _now(env, bj(2026, 11, 23, 9, 15))
    assert await deadlines.breached_object_ids(env, "ticket") == [1, 3, 4, 5, 6]  # due now: past due
    await deadlines.pause(env, "ticket", 3)  # paused overdue: still breached
    await deadlines.cancel(env, "ticket", 4)
    await Deadline.filter(object_type="ticket", object_id=4).update(remaining_s=-60)
    await deadlines.meet(env, "ticket", 5, "ticket_claim")  # late, but met
    await Deadline.filter(object_type="ticket", object_id=5).update(remaining_s=0)
    _now(env, bj(2026, 11, 23, 9, 16))
    assert await deadlines.breached_object_ids(env, "ticket") == [1, 3, 6]
    await deadlines.resume(env, "ticket", 2)  # 09:17 now; the ticket-type filter still holds
    assert await deadlines.breached_object_ids(env, "dispatch") == [9]


async def test_pause_resume_cancel_and_set_owner_touch_only_the_named_clock_and_open_states(db, env):
    p = await people()
    for clock in ("ticket_claim", "ticket_callback", "ticket_consult"):
        await deadlines.start(env, "ticket", 1, clock, owner=p["zhang"], context=CTX)
        await deadlines.start(env, "dispatch", 1, clock, owner=p["zhang"], context=CTX)
    await deadlines.meet(env, "ticket", 1, "ticket_consult")
    _now(env, bj(2026, 11, 23, 9, 5))
    assert await deadlines.pause(env, "ticket", 1, "ticket_claim") == 1
    assert await _states(env, "ticket", 1) == {"ticket_claim": PAUSED, "ticket_callback": RUNNING,
                                               "ticket_consult": MET}
    assert await deadlines.pause(env, "ticket", 1) == 1  # the met one and the paused one stay
    assert await deadlines.resume(env, "ticket", 1, "ticket_callback") == 1
    assert await _states(env, "ticket", 1) == {"ticket_claim": PAUSED, "ticket_callback": RUNNING,
                                               "ticket_consult": MET}
    assert await deadlines.resume(env, "ticket", 1) == 1
    assert await deadlines.set_owner(env, "ticket", 1, p["boss"], "ticket_claim") == 1
    assert await deadlines.set_owner(env, "ticket", 1, p["boss"].id) == 2  # the met one keeps its owner
    owners = {d.clock: d.owner_id for d in await deadlines.get(env, "ticket", 1)}
    assert owners == {"ticket_claim": p["boss"].id, "ticket_callback": p["boss"].id,
                      "ticket_consult": p["zhang"].id}
    assert await deadlines.cancel(env, "ticket", 1, "ticket_claim") == 1
    assert await deadlines.meet(env, "ticket", 1, "ticket_claim") is not None
    assert await _states(env, "ticket", 1) == {"ticket_claim": "cancelled", "ticket_callback": RUNNING,
                                               "ticket_consult": MET}
    assert await deadlines.close_all(env, "ticket", 1) == 1
    assert await deadlines.cancel(env, "ticket", 1) == 0
    # The dispatch with the same number was never touched.
    assert await _states(env, "dispatch", 1) == dict.fromkeys(
        ("ticket_claim", "ticket_callback", "ticket_consult"), RUNNING)
    assert {d.owner_id for d in await deadlines.get(env, "dispatch", 1)} == {p["zhang"].id}
    assert [e.kind for e in await deadlines.history(env, "dispatch", 1)] == ["started"] * 3
    assert len(await deadlines.describe_all(env, "dispatch", 1, open_only=True)) == 3
    assert await deadlines.describe_all(env, "ticket", 1, open_only=True) == []


async def test_a_restart_forgets_the_old_round(db, env):
    p = await people()
    d = await deadlines.start(env, "complaint", 3, "complaint_ack", owner=p["zhang"], tier="大客户",
                              context={"number": "C3"})
    assert await at(env, bj(2026, 11, 23, 9, 45)) == 1  # warned
    assert await at(env, bj(2026, 11, 23, 10, 0)) == 2  # breached, level 1
    _now(env, bj(2026, 11, 23, 10, 10))
    await deadlines.pause(env, "complaint", 3)
    await Deadline.filter(id=d.id).update(lease_until=bj(2026, 11, 23, 10, 11))
    _now(env, bj(2026, 11, 23, 10, 30))
    row = await deadlines.start(env, "complaint", 3, "complaint_ack", restart=True)
    fresh = await Deadline.get(id=d.id)
    for r in (row, fresh):
        assert (r.cycle, r.state, r.warnings_sent, r.level, r.breached_at, r.paused_at, r.remaining_s,
                r.closed_at, r.late, r.owner_id, r.tier, r.lease_until, r.context) == (
            1, RUNNING, 0, 0, None, None, None, None, None, None, "", None, {})
        assert (r.started_at, r.anchor_at, r.due_at) == (bj(2026, 11, 23, 10, 30), bj(2026, 11, 23, 10, 30),
                                                         bj(2026, 11, 23, 11, 30))
        assert r.next_check_at == bj(2026, 11, 23, 11, 15)
    assert await at(env, bj(2026, 11, 23, 11, 15)) == 1  # the new round warns again
    starts = [e for e in await deadlines.history(env, "complaint", 3) if e.kind == "started"]
    assert [(e.detail, e.action_key) for e in starts] == [
        ("due=2026-11-23T02:00:00+00:00 tier=大客户", f"dl:{d.id}:0:start"),
        ("due=2026-11-23T03:30:00+00:00", f"dl:{d.id}:1:start")]


async def test_a_start_that_cannot_record_its_event_changes_nothing(db, env):
    d = await deadlines.start(env, "complaint", 3, "complaint_ack", context={"number": "C3"})
    # The event the restart would write already exists: the restart fails as a whole.
    await DeadlineEvent.create(deadline_id=d.id, at=env.now(), kind="started", action_key=f"dl:{d.id}:1:start")
    env.clock.advance(minutes=30)
    with pytest.raises(IntegrityError):
        await deadlines.start(env, "complaint", 3, "complaint_ack", restart=True)
    row = await Deadline.get(id=d.id)
    assert (row.cycle, row.due_at) == (0, bj(2026, 11, 23, 10, 0))


async def test_a_start_from_an_earlier_instant(db, env):
    d = await deadlines.start(env, "ticket", 1, "ticket_callback", start_at=bj(2026, 11, 23, 8, 40))
    assert (d.started_at, d.anchor_at, d.due_at) == (bj(2026, 11, 23, 8, 40), bj(2026, 11, 23, 8, 40),
                                                     bj(2026, 11, 23, 9, 40))
    with pytest.raises(ValueError):
        await deadlines.start(env, "ticket", 2, "ticket_callback", start_at=datetime(2026, 11, 23, 8, 40))


async def test_resuming_a_breached_clock_keeps_it_breached(db, env):
    d = await deadlines.start(env, "ticket", 1, "ticket_claim", context=CTX)
    assert await at(env, bj(2026, 11, 23, 9, 20)) == 2
    await deadlines.pause(env, "ticket", 1)  # 5 minutes over, kept as wall time
    row = await Deadline.get(id=d.id)
    assert (row.state, row.remaining_s) == (PAUSED, -300)
    assert deadlines.describe(env, row) == "已暂停（已超时 5 分钟）"
    _now(env, bj(2026, 11, 23, 9, 40))
    assert await deadlines.resume(env, "ticket", 1) == 1
    row = await Deadline.get(id=d.id)
    assert (row.state, row.due_at) == (BREACHED, bj(2026, 11, 23, 9, 35))
    assert deadlines.describe(env, row) == "已超时 5 分钟"
    assert await deadlines.breached_object_ids(env, "ticket") == [1]


async def test_a_wall_clock_paused_and_resumed_after_hours_keeps_wall_time(db, env):
    _now(env, bj(2026, 11, 23, 17, 0))
    d = await deadlines.start(env, "ticket", 1, "ticket_callback", context=CTX)  # due 18:00
    _now(env, bj(2026, 11, 23, 17, 10))
    await deadlines.pause(env, "ticket", 1, reason="等客户")
    assert (await Deadline.get(id=d.id)).remaining_s == 50 * 60
    _now(env, bj(2026, 11, 23, 17, 20))
    await deadlines.resume(env, "ticket", 1)
    assert (await Deadline.get(id=d.id)).due_at == bj(2026, 11, 23, 18, 10)
    events = await deadlines.history(env, "ticket", 1)
    assert [(e.kind, e.detail) for e in events][1:] == [
        ("paused", "等客户"), ("resumed", "due=2026-11-23T10:10:00+00:00")]


async def test_pausing_two_clocks_counts_both_and_a_plain_pause_has_no_reason(db, env):
    await deadlines.start(env, "ticket", 1, "ticket_claim", context=CTX)
    await deadlines.start(env, "ticket", 1, "ticket_callback", context=CTX)
    assert await deadlines.pause(env, "ticket", 1) == 2
    assert await deadlines.resume(env, "ticket", 1) == 2
    assert await deadlines.cancel(env, "ticket", 1) == 2
    events = await deadlines.history(env, "ticket", 1)
    assert {(e.kind, e.detail) for e in events if e.kind in ("paused", "cancelled")} == {
        ("paused", ""), ("cancelled", "")}
    assert {d.late for d in await deadlines.get(env, "ticket", 1)} == {None}


async def test_met_exactly_at_due_or_while_paused(db, env):
    await deadlines.start(env, "ticket", 1, "ticket_claim", context=CTX)
    await deadlines.start(env, "ticket", 2, "ticket_claim", context=CTX)
    await deadlines.start(env, "ticket", 3, "ticket_claim", context=CTX)
    _now(env, bj(2026, 11, 23, 9, 14, 59, 500000))
    await deadlines.pause(env, "ticket", 2)  # half a second left
    _now(env, bj(2026, 11, 23, 9, 15))
    await deadlines.pause(env, "ticket", 3)  # nothing left
    row = await Deadline.get(object_type="ticket", object_id=1)
    assert deadlines.describe(env, row) == "已超时 不到 1 分钟"
    met = [await deadlines.meet(env, "ticket", n, "ticket_claim") for n in (1, 2, 3)]
    assert [m.late for m in met] == [False, False, True]
    details = [[e.detail for e in await deadlines.history(env, "ticket", n) if e.kind == "met"] for n in (1, 2, 3)]
    assert details == [["on_time"], ["on_time"], ["late"]]
    assert [e.action_key for e in await deadlines.history(env, "ticket", 1)][-1] == f"dl:{met[0].id}:0:met"


async def test_a_tier_keeps_its_own_reminders_after_a_pause(db, db_url, clock):
    settings = load_settings(None, database__url=db_url, clocks={
        "ticket_claim": {"tiers": {"大客户": {"target": "10m", "warnings": ["5m"], "label": "大客户接单"}}}})
    env = Runtime(settings=settings, clock=clock, calendar=WorkCalendar.from_settings(settings))
    await deadlines.start(env, "ticket", 1, "ticket_claim", tier="大客户", context=CTX)  # due 09:10
    _now(env, bj(2026, 11, 23, 9, 2))
    await deadlines.pause(env, "ticket", 1)
    _now(env, bj(2026, 11, 23, 9, 30))
    await deadlines.resume(env, "ticket", 1)
    row = (await deadlines.get(env, "ticket", 1))[0]
    assert (row.due_at, row.next_check_at) == (bj(2026, 11, 23, 9, 38), bj(2026, 11, 23, 9, 33))
    assert await deadlines.describe_all(env, "ticket", 1) == ["大客户接单：剩余 8 分钟"]


async def test_events_of_pauses_cancels_and_restarts_after_a_late_meet(db, env):
    p = await people()
    d = await deadlines.start(env, "ticket", 1, "ticket_claim", owner=p["zhang"], context=CTX)
    await deadlines.start(env, "ticket", 2, "ticket_claim", owner=p["zhang"], context=CTX)
    for _ in range(2):  # every pause and resume is its own event
        await deadlines.pause(env, "ticket", 1)
        await deadlines.resume(env, "ticket", 1)
    assert await deadlines.set_owner(env, "ticket", 1, p["boss"]) == 1
    assert (await Deadline.get(object_type="ticket", object_id=2)).owner_id == p["zhang"].id
    _now(env, bj(2026, 11, 23, 9, 14, 59, 500000))
    await deadlines.pause(env, "ticket", 2)
    _now(env, bj(2026, 11, 23, 9, 20))
    assert await deadlines.breached_object_ids(env, "ticket") == [1]  # half a second left is not past due
    assert await deadlines.cancel(env, "ticket", 2, reason="重复工单") == 1
    met = await deadlines.meet(env, "ticket", 1, "ticket_claim")
    assert (met.late, met.closed_at) == (True, bj(2026, 11, 23, 9, 20))
    again = await deadlines.start(env, "ticket", 1, "ticket_claim", restart=True)
    assert (again.state, again.late, again.closed_at, again.cycle) == (RUNNING, None, None, 1)
    kinds = [e.kind for e in await deadlines.history(env, "ticket", 1)]
    assert kinds == ["started", "paused", "resumed", "paused", "resumed", "met", "started"]
    [cancelled] = [e for e in await deadlines.history(env, "ticket", 2) if e.kind == "cancelled"]
    assert (cancelled.detail, cancelled.action_key) == ("重复工单", f"dl:{cancelled.deadline_id}:0:cancel")
    assert d.id == again.id


async def test_a_paused_clock_with_nothing_left_says_it_is_over(db, env):
    d = await deadlines.start(env, "ticket", 1, "ticket_claim", context=CTX)
    _now(env, bj(2026, 11, 23, 9, 15))
    await deadlines.pause(env, "ticket", 1)
    row = await Deadline.get(id=d.id)
    assert (row.remaining_s, deadlines.describe(env, row)) == (0, "已暂停（已超时 不到 1 分钟）")
