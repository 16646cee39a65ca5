"""The deadline engine on the fake clock: reminders, escalations with their recipients, pause and
resume, met on time or late, ticks that never send twice, tiers, working-day clocks (bad policies
are refused by the settings: tests/test_rules.py).

The fixture clock starts on Monday 2026-11-23 09:00 in Beijing (01:00 UTC).
"""
from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.calendar import WorkCalendar
from bot.clock import FakeClock
from bot.runtime import Runtime
from bot.services.deadlines import clocks as deadlines
from bot.settings import load_settings
from storage.models import Chat, OutboxMessage, Staff
from storage.models.deadlines import BREACHED, MET, PAUSED, RUNNING, Deadline, DeadlineEvent

SH = ZoneInfo("Asia/Shanghai")
CTX = {"number": "T12", "title": "打印凭证报错"}


def bj(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)


async def people() -> dict[str, Staff]:
    zhang = await Staff.create(userid="zhang", name="张三", roles="engineer")
    boss = await Staff.create(userid="wang", name="王总", roles="manager")
    for purpose in ("hotline", "managers", "hq", "supervisors"):
        await Chat.create(platform="local", chat_key=f"{purpose}-chat", purpose=purpose,
                          name=purpose)
    return {"zhang": zhang, "boss": boss}


async def outbox() -> list[tuple[str, str, str]]:
    rows = await OutboxMessage.all().order_by("id")
    return [(r.channel, r.address, json.loads(r.payload)["text"]) for r in rows]


async def at(env: Runtime, when: datetime) -> int:
    env.clock.set(when.astimezone(timezone.utc))
    return await deadlines.tick(env)


async def test_unclaimed_ticket_reminded_at_10_minutes_escalated_at_15(db, env):
    p = await people()
    d = await deadlines.start(env, "ticket", 12, "ticket_claim", owner=p["zhang"], context=CTX)
    assert d.due_at == bj(2026, 11, 23, 9, 15)
    assert d.next_check_at == bj(2026, 11, 23, 9, 10)

    assert await at(env, bj(2026, 11, 23, 9, 9, 59)) == 0
    assert await outbox() == []

    assert await at(env, bj(2026, 11, 23, 9, 10)) == 1
    [(channel, address, text)] = await outbox()
    assert (channel, address) == ("local", "chat:hotline-chat")
    assert text == "【接单提醒】T12 打印凭证报错：剩余 5 分钟，截止 11-23 09:15。负责人：张三"

    assert await at(env, bj(2026, 11, 23, 9, 15)) == 2  # the breach, then level 1
    sent = (await outbox())[1:]
    assert sent == [("local", "chat:managers-chat",
                     "【接单超时·1级升级】T12 打印凭证报错：已到截止时间（截止 11-23 09:15）。"
                     "负责人：张三，请督促处理。")]
    row = await Deadline.get(id=d.id)
    assert row.state == BREACHED and row.level == 1
    assert row.next_check_at == bj(2026, 11, 23, 9, 45)
    msg = await OutboxMessage.filter(address="chat:managers-chat").first()
    assert json.loads(msg.payload)["mentions"] == ["zhang"]

    assert await at(env, bj(2026, 11, 23, 9, 44)) == 0
    assert await at(env, bj(2026, 11, 23, 9, 45)) == 1
    channel, address, text = (await outbox())[-1]
    assert (channel, address) == ("local", "chat:hq-chat")
    assert "2级升级" in text and "已超时 30 分钟" in text
    row = await Deadline.get(id=d.id)
    assert row.next_check_at is None  # nothing left to do until someone acts
    kinds = [e.kind for e in await DeadlineEvent.filter(deadline_id=d.id)]
    assert kinds == ["started", "warned", "breached", "escalated", "escalated"]
    assert await deadlines.breached_object_ids(env, "ticket") == [12]


async def test_a_tick_run_twice_or_concurrently_sends_once(db, env):
    p = await people()
    d = await deadlines.start(env, "ticket", 1, "ticket_claim", owner=p["zhang"], context=CTX)
    env.clock.set(bj(2026, 11, 23, 9, 10).astimezone(timezone.utc))
    results = await asyncio.gather(deadlines.tick(env), deadlines.tick(env))
    assert sorted(results) == [0, 1]
    assert await deadlines.tick(env) == 0
    assert len(await outbox()) == 1
    # A crash after the outbox commit but with the row's progress lost, or a second instance
    # working from a stale row: the recorded action key stops a second send.
    await Deadline.filter(id=d.id).update(warnings_sent=0, next_check_at=d.next_check_at)
    assert await deadlines.tick(env) == 0
    assert len(await outbox()) == 1
    assert await DeadlineEvent.filter(deadline_id=d.id, kind="warned").count() == 1


async def test_an_expired_lease_is_taken_again(db, env):
    await people()
    d = await deadlines.start(env, "ticket", 1, "ticket_claim", context=CTX)
    env.clock.set(bj(2026, 11, 23, 9, 10).astimezone(timezone.utc))
    # Another instance claimed the row and died: the lease holds the row until it runs out.
    held = env.now() + timedelta(seconds=60)
    await Deadline.filter(id=d.id).update(lease_until=held)
    assert await deadlines.tick(env) == 0
    env.clock.set(held + timedelta(seconds=1))
    assert await deadlines.tick(env) == 1
    assert len(await outbox()) == 1


async def test_next_due_is_the_earliest_step_of_an_unleased_open_clock(db, env):
    """The tick's next-due lookup (issue 16: an index seek over the rows with a step to take)."""
    await people()
    assert await deadlines.next_due(env) is None
    first = await deadlines.start(env, "ticket", 1, "ticket_claim", context=CTX)
    await deadlines.start(env, "ticket", 2, "ticket_claim", context=CTX,
                          start_at=bj(2026, 11, 23, 9, 5))
    assert await deadlines.next_due(env) == bj(2026, 11, 23, 9, 10)
    # A row another tick holds under its lease waits for that tick; then it counts again.
    await Deadline.filter(id=first.id).update(lease_until=env.now() + timedelta(seconds=60))
    assert await deadlines.next_due(env) == bj(2026, 11, 23, 9, 15)
    env.clock.set(env.now() + timedelta(seconds=61))
    assert await deadlines.next_due(env) == bj(2026, 11, 23, 9, 10)
    # A met clock has nothing left to check.
    await deadlines.meet(env, "ticket", 1, "ticket_claim")
    await deadlines.meet(env, "ticket", 2, "ticket_claim")
    assert await deadlines.next_due(env) is None


async def test_pause_stops_the_clock_and_resume_gives_the_time_back(db, env):
    p = await people()
    d = await deadlines.start(env, "ticket", 7, "ticket_claim", owner=p["zhang"], context=CTX)
    env.clock.set(bj(2026, 11, 23, 9, 5).astimezone(timezone.utc))
    assert await deadlines.pause(env, "ticket", 7, reason="等客户") == 1
    row = await Deadline.get(id=d.id)
    assert row.state == PAUSED and row.next_check_at is None and row.remaining_s == 600
    assert deadlines.describe(env, row) == "已暂停（剩余 10 分钟）"

    assert await at(env, bj(2026, 11, 23, 11, 5)) == 0  # two hours later: nothing fired
    assert await outbox() == []
    assert await deadlines.breached_object_ids(env, "ticket") == []

    assert await deadlines.resume(env, "ticket", 7) == 1
    row = await Deadline.get(id=d.id)
    assert row.state == RUNNING
    assert row.due_at == bj(2026, 11, 23, 11, 15)
    assert row.next_check_at == bj(2026, 11, 23, 11, 10)  # "10 minutes elapsed", pause excluded
    assert deadlines.describe(env, row) == "剩余 10 分钟"
    assert await at(env, bj(2026, 11, 23, 11, 9)) == 0
    assert await at(env, bj(2026, 11, 23, 11, 10)) == 1
    assert await at(env, bj(2026, 11, 23, 11, 15)) == 2
    assert [a for _, a, _ in await outbox()] == ["chat:hotline-chat", "chat:managers-chat"]
    kinds = [e.kind for e in await DeadlineEvent.filter(deadline_id=d.id)]
    assert kinds == ["started", "paused", "resumed", "warned", "breached", "escalated"]


async def test_met_on_time_and_met_late_are_recorded(db, env):
    p = await people()
    await deadlines.start(env, "ticket", 1, "ticket_claim", owner=p["zhang"], context=CTX)
    await deadlines.start(env, "ticket", 2, "ticket_claim", owner=p["zhang"], context=CTX)
    env.clock.set(bj(2026, 11, 23, 9, 12).astimezone(timezone.utc))
    on_time = await deadlines.meet(env, "ticket", 1, "ticket_claim")
    assert on_time.state == MET and on_time.late is False
    assert deadlines.describe(env, on_time) == "已按时完成"

    assert await at(env, bj(2026, 11, 23, 9, 20)) == 2  # only ticket 2: breach + level 1
    late = await deadlines.meet(env, "ticket", 2, "ticket_claim")
    assert late.late is True and late.next_check_at is None
    assert deadlines.describe(env, late) == "已完成（超时 5 分钟）"
    again = await deadlines.meet(env, "ticket", 2, "ticket_claim")  # idempotent
    assert again.closed_at == late.closed_at
    assert await at(env, bj(2026, 11, 23, 12, 0)) == 0
    assert await deadlines.meet(env, "ticket", 99, "ticket_claim") is None
    assert await deadlines.describe_all(env, "ticket", 2) == ["接单：已完成（超时 5 分钟）"]


async def test_start_is_idempotent_and_restart_begins_a_new_round(db, env):
    await people()
    a = await deadlines.start(env, "complaint", 3, "complaint_ack", context={"number": "C3"})
    env.clock.advance(minutes=5)
    b = await deadlines.start(env, "complaint", 3, "complaint_ack")
    assert b.id == a.id and b.due_at == a.due_at
    await deadlines.meet(env, "complaint", 3, "complaint_ack")
    c = await deadlines.start(env, "complaint", 3, "complaint_ack", restart=True)
    assert c.id == a.id and c.cycle == 1 and c.state == RUNNING
    assert c.due_at == bj(2026, 11, 23, 10, 5)
    assert await Deadline.filter(object_type="complaint").count() == 1


async def test_cancel_stops_everything(db, env):
    await people()
    await deadlines.start(env, "ticket", 5, "ticket_claim", context=CTX)
    await deadlines.start(env, "ticket", 5, "ticket_callback", context=CTX)
    assert await deadlines.cancel(env, "ticket", 5, reason="重复工单") == 2
    assert await at(env, bj(2026, 11, 23, 18, 0)) == 0
    assert {d.state for d in await deadlines.get(env, "ticket", 5)} == {"cancelled"}
    assert await deadlines.describe_all(env, "ticket", 5) == ["接单：已取消", "回电：已取消"]


async def test_owner_and_general_manager_targets(db, settings, clock, calendar):
    settings = settings.model_copy(deep=True)
    settings.center.general_manager = "wang"
    env = Runtime(settings=settings, clock=clock, calendar=calendar)
    p = await people()
    await deadlines.start(env, "complaint", 8, "complaint_hq_feedback", owner=p["zhang"],
                          context={"number": "C8", "title": "总部转来的投诉"})
    # Monday 09:00 + 1 working day: Tuesday's close, 17:30. Warning 2 working hours before.
    row = (await deadlines.get(env, "complaint", 8))[0]
    assert row.due_at == bj(2026, 11, 24, 17, 30)
    assert row.next_check_at == bj(2026, 11, 24, 15, 30)
    assert await at(env, bj(2026, 11, 24, 15, 30)) == 1
    assert (await outbox())[-1][:2] == ("local", "user:zhang")
    assert await at(env, bj(2026, 11, 24, 17, 30)) == 2
    assert [x[:2] for x in (await outbox())[1:]] == [("local", "user:zhang"),
                                                       ("local", "chat:managers-chat")]
    # Level 2, one working day after due: Wednesday's close, to the general manager himself.
    assert await at(env, bj(2026, 11, 25, 17, 29)) == 0
    assert await at(env, bj(2026, 11, 25, 17, 30)) == 1
    channel, address, text = (await outbox())[-1]
    assert (channel, address) == ("local", "user:wang")
    assert text.startswith("【投诉结果反馈总部超时·2级升级】C8 总部转来的投诉：已超时 1 天")


async def test_tier_override_shortens_the_target(db, db_url, clock):
    settings = load_settings(None, database__url=db_url, clocks={
        "ticket_claim": {"tiers": {"大客户": {"target": "10m", "warnings": ["5m"]}}}})
    env = Runtime(settings=settings, clock=clock, calendar=WorkCalendar.from_settings(settings))
    await people()
    big = await deadlines.start(env, "ticket", 1, "ticket_claim", tier="大客户", context=CTX)
    normal = await deadlines.start(env, "ticket", 2, "ticket_claim", tier="普通", context=CTX)
    assert big.due_at == bj(2026, 11, 23, 9, 10) and big.tier == "大客户"
    assert normal.due_at == bj(2026, 11, 23, 9, 15)
    assert await at(env, bj(2026, 11, 23, 9, 5)) == 1
    assert await at(env, bj(2026, 11, 23, 9, 10)) == 3  # big: breach + level 1; normal: warning
    sent = [t for _, _, t in await outbox()]
    assert "剩余 5 分钟，截止 11-23 09:10" in sent[0]
    assert sorted(sent[1:]) == sorted([
        "【接单提醒】T12 打印凭证报错：剩余 5 分钟，截止 11-23 09:15。负责人：未指定",
        "【接单超时·1级升级】T12 打印凭证报错：已到截止时间（截止 11-23 09:10）。"
        "负责人：未指定，请督促处理。"])


def _calendar_env(when: datetime) -> Runtime:
    settings = load_settings(None)
    return Runtime(settings=settings, clock=FakeClock(when.astimezone(timezone.utc)),
               calendar=WorkCalendar.from_settings(settings))


async def test_working_day_clocks_follow_chinas_calendar(db):
    # complaint_verify is "1wd": by the close (17:30) of the next working day.
    cases = [
        # Friday before the 2026 Spring Festival: Saturday 02-14 is a make-up working day.
        (bj(2026, 2, 13, 10, 0), bj(2026, 2, 14, 17, 30)),
        # That Saturday: 02-15..02-23 are off, work resumes Tuesday 02-24.
        (bj(2026, 2, 14, 10, 0), bj(2026, 2, 24, 17, 30)),
        # During the festival.
        (bj(2026, 2, 18, 10, 0), bj(2026, 2, 24, 17, 30)),
        # 2025: Friday 09-26 -> Sunday 09-28 is a make-up working day.
        (bj(2025, 9, 26, 10, 0), bj(2025, 9, 28, 17, 30)),
        # 09-30 -> National Day and Mid-Autumn 10-01..10-08 off -> Thursday 10-09.
        (bj(2025, 9, 30, 16, 0), bj(2025, 10, 9, 17, 30)),
        # Friday 10-10 -> Saturday 10-11 is a make-up working day.
        (bj(2025, 10, 10, 9, 0), bj(2025, 10, 11, 17, 30)),
        # An ordinary weekend: Friday evening -> Monday.
        (bj(2026, 11, 27, 20, 0), bj(2026, 11, 30, 17, 30)),
    ]
    for start, due in cases:
        env = _calendar_env(start)
        d = await deadlines.start(env, "complaint", int(start.timestamp()), "complaint_verify")
        assert d.due_at == due, (start, d.due_at.astimezone(SH))
    # plan_general is 3 working days: from Thursday 2025-09-25 -> 09-26, 09-28, 09-29.
    env = _calendar_env(bj(2025, 9, 25, 11, 0))
    d = await deadlines.start(env, "complaint", 1, "plan_general")
    assert d.due_at == bj(2025, 9, 29, 17, 30)


async def test_a_working_clock_paused_over_a_holiday_keeps_its_working_time(db):
    env = _calendar_env(bj(2026, 2, 13, 16, 0))  # Friday 16:00
    d = await deadlines.start(env, "complaint", 1, "complaint_verify")
    assert d.due_at == bj(2026, 2, 14, 17, 30)
    # Paused Friday 17:00: left = 0.5h on Friday + 7.5h on Saturday 02-14 = 8 working hours.
    env.clock.set(bj(2026, 2, 13, 17, 0).astimezone(timezone.utc))
    await deadlines.pause(env, "complaint", 1)
    assert (await Deadline.get(id=d.id)).remaining_s == 8 * 3600
    # Resumed on Saturday 02-14 at 13:30: 4h that afternoon, then 4h from Tuesday 02-24 08:30
    # (3.5h to noon, 0.5h after lunch) -> 14:00.
    env.clock.set(bj(2026, 2, 14, 13, 30).astimezone(timezone.utc))
    await deadlines.resume(env, "complaint", 1)
    row = await Deadline.get(id=d.id)
    assert row.due_at == bj(2026, 2, 24, 14, 0)
    # Its "2 working hours before" warning: 0.5h back to the end of lunch, 1.5h before noon.
    assert row.next_check_at == bj(2026, 2, 24, 10, 30)


async def test_explicit_due_at_for_appointments(db, env):
    p = await people()
    appointment = bj(2026, 11, 25, 14, 0)
    d = await deadlines.start(env, "dispatch", 4, "dispatch_appointment", owner=p["zhang"],
                              due_at=appointment, context={"number": "D4", "title": "上门"})
    assert d.due_at == appointment
    assert d.next_check_at == bj(2026, 11, 25, 13, 0)
    assert await at(env, bj(2026, 11, 25, 13, 0)) == 1
    assert (await outbox())[0][:2] == ("local", "user:zhang")


async def test_set_owner_and_describe_while_running(db, env):
    p = await people()
    d = await deadlines.start(env, "ticket", 9, "ticket_callback", owner=p["zhang"], context=CTX)
    assert await deadlines.set_owner(env, "ticket", 9, p["boss"]) == 1
    env.clock.advance(minutes=48)
    row = await Deadline.get(id=d.id)
    assert row.owner_id == p["boss"].id
    assert deadlines.describe(env, row) == "剩余 12 分钟"
    env.clock.advance(minutes=17)
    assert deadlines.describe(env, row) == "已超时 5 分钟"
    assert await deadlines.breached_object_ids(env, "ticket") == [9]  # even before a tick
    await deadlines.close_all(env, "ticket", 9)
    assert (await Deadline.get(id=d.id)).late is True
    events = await deadlines.history(env, "ticket", 9)
    assert [e.kind for e in events] == ["started", "met"] and events[-1].detail == "late"


async def test_a_clock_dropped_from_the_configuration_stops_alone(db, db_url, clock):
    old = load_settings(None, database__url=db_url, clocks={
        "survey": {"target": "5m", "urgent": False,
                   "escalations": [{"after": "0m", "to": "supervisors"}]}})
    cal = WorkCalendar.from_settings(old)
    before = Runtime(settings=old, clock=clock, calendar=cal)
    await people()
    gone = await deadlines.start(before, "followup", 1, "survey", context={"number": "F1"})
    await deadlines.start(before, "followup", 2, "survey", context={"number": "F2"})
    await deadlines.start(before, "ticket", 3, "ticket_claim", context=CTX)
    assert await at(before, bj(2026, 11, 23, 9, 5)) == 4  # two breaches, two escalations
    rows = await OutboxMessage.filter(address="chat:supervisors-chat")
    assert len(rows) == 2 and not any(r.urgent for r in rows)  # held through quiet hours
    # Restarted without "survey": its rows stop quietly, the others go on.
    await deadlines.start(before, "followup", 3, "survey", context={"number": "F3"})
    after = Runtime(settings=load_settings(None, database__url=db_url), clock=clock, calendar=cal)
    assert await at(after, bj(2026, 11, 23, 9, 10)) == 1  # ticket 3's warning only
    stopped = await Deadline.get(object_type="followup", object_id=3)
    assert stopped.next_check_at is None and stopped.lease_until is None
    assert (await Deadline.get(id=gone.id)).state == BREACHED
