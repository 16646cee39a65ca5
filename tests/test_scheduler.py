"""The scheduler and the claims under it: leases, once-per-period runs, daily and monthly jobs on
China's calendar, the one error path, and APScheduler really ticking."""
from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.calendar import WorkCalendar
from bot.clock import FakeClock, SystemClock
from bot.runtime import Runtime
from bot.scheduler import Scheduler
from bot.services.deadlines import clocks as deadlines
from bot.settings import load_settings
from storage.claims import claim_due, run_once_per_period
from storage.models import Chat, JobRun, OutboxMessage
from storage.models.deadlines import Deadline

SH = ZoneInfo("Asia/Shanghai")


def bj(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH).astimezone(timezone.utc)


async def test_period_job_runs_once_even_when_raced(db, clock):
    calls = []

    async def job():
        calls.append(1)
        await asyncio.sleep(0.01)

    results = await asyncio.gather(*[
        run_once_per_period("digest:2026-11-23", job, lease=60, clock=clock) for _ in range(3)])
    assert sorted(results) == [False, False, True] and len(calls) == 1
    run = await JobRun.get(period_key="digest:2026-11-23")
    assert run.finished_at == clock.now() and run.lease_until is None
    clock.advance(days=1)  # long after: a finished run never runs again
    assert await run_once_per_period("digest:2026-11-23", job, lease=60, clock=clock) is False
    assert len(calls) == 1


async def test_a_crashed_period_run_is_retaken_after_its_lease(db, clock):
    calls = []

    async def crash():
        calls.append("crash")
        raise RuntimeError("boom")

    async def job():
        calls.append("ok")

    with pytest.raises(RuntimeError):
        await run_once_per_period("report:2026-11", crash, lease=timedelta(minutes=10), clock=clock)
    clock.advance(minutes=9)
    assert await run_once_per_period("report:2026-11", job, lease=600, clock=clock) is False
    clock.advance(minutes=2)
    assert await run_once_per_period("report:2026-11", job, lease=600, clock=clock) is True
    assert await run_once_per_period("report:2026-11", job, lease=600, clock=clock) is False
    assert calls == ["crash", "ok"]


async def test_claims_never_hand_one_row_to_two_claimers(db):
    now = bj(2026, 11, 23, 9, 0)
    for i in range(10):
        await Deadline.create(object_type="t", object_id=i, clock="c", started_at=now,
                              anchor_at=now, due_at=now, next_check_at=now - timedelta(seconds=i))
    await Deadline.create(object_type="t", object_id=99, clock="c", started_at=now,
                          anchor_at=now, due_at=now, next_check_at=now + timedelta(minutes=1))
    lease = now + timedelta(seconds=30)
    a, b = await asyncio.gather(claim_due(Deadline, now=now, lease_until=lease, limit=6),
                                claim_due(Deadline, now=now, lease_until=lease, limit=6))
    assert sorted([len(a), len(b)]) == [4, 6]
    assert not set(a) & set(b)
    first = a if len(a) == 6 else b
    ids = {d.object_id: d.id for d in await Deadline.all()}
    assert first[0] == ids[9]  # the most overdue first
    assert await claim_due(Deadline, now=now, lease_until=lease, limit=100) == []
    later = lease + timedelta(seconds=1)  # the leases ran out: everything due is taken again
    assert len(await claim_due(Deadline, now=later, lease_until=later, limit=100)) == 10


async def test_claims_with_conditions_and_an_owner(db):
    now = bj(2026, 11, 23, 9, 0)
    for status in ("pending", "sent", "pending"):
        await OutboxMessage.create(dedupe_key=f"k{status}{await OutboxMessage.all().count()}",
                                   channel="local", address="user:a", payload="{}",
                                   status=status, next_attempt_at=now, created_at=now)
    got = await claim_due(OutboxMessage, now=now, lease_until=now + timedelta(seconds=60),
                          limit=10, due_field="next_attempt_at", where={"status": "pending"},
                          owner="relay-1", owner_field="lease_owner")
    assert len(got) == 2
    rows = await OutboxMessage.filter(id__in=got)
    assert {r.lease_owner for r in rows} == {"relay-1"} and {r.status for r in rows} == {"pending"}


async def test_daily_job_runs_on_working_days_after_its_time(db, env):
    days = []
    sched = Scheduler(env)
    sched.add_daily("daily_digest", "18:00", lambda day: _record(days, day))
    for when, expect in [
        (bj(2026, 11, 23, 17, 59), []),
        (bj(2026, 11, 23, 18, 0), [date(2026, 11, 23)]),
        (bj(2026, 11, 23, 20, 0), [date(2026, 11, 23)]),  # once a day
        (bj(2026, 11, 28, 18, 0), [date(2026, 11, 23)]),  # Saturday
        (bj(2026, 2, 14, 18, 5), [date(2026, 11, 23), date(2026, 2, 14)]),  # make-up Saturday
        (bj(2026, 2, 16, 18, 5), [date(2026, 11, 23), date(2026, 2, 14)]),  # Spring Festival
    ]:
        env.clock.set(when)
        await sched.run_due()
        assert days == expect, when
    assert await JobRun.filter(period_key="daily_digest:2026-11-23").exists()


async def _record(days: list, day: date) -> None:
    days.append(day)


async def test_monthly_job_on_the_first_working_day(db, env):
    days, fixed = [], []
    sched = Scheduler(env)
    sched.add_monthly("complaint_report", "09:00", lambda day: _record(days, day))
    sched.add_monthly("penalty_summary", "10:00", lambda day: _record(fixed, day),
                      first_workday=False, day=5)
    # October 2026: 10-01..10-07 are National Day holidays, so the first working day is 10-08.
    for when in [bj(2026, 10, 1, 10, 0), bj(2026, 10, 8, 8, 59)]:
        env.clock.set(when)
        await sched.run_due()
    assert days == []
    env.clock.set(bj(2026, 10, 8, 9, 0))
    await sched.run_due()
    env.clock.set(bj(2026, 10, 9, 9, 0))
    await sched.run_due()
    assert days == [date(2026, 10, 8)] and fixed == [date(2026, 10, 5)]
    # November 2026: the 1st is a Sunday; a bot down that morning catches up on the 3rd.
    env.clock.set(bj(2026, 11, 3, 11, 0))
    await sched.run_due()
    assert days == [date(2026, 10, 8), date(2026, 11, 2)]
    assert fixed == [date(2026, 10, 5)]  # the 5th has not come yet


async def test_job_errors_go_to_one_handler_and_nothing_stops(db, env):
    errors, ran = [], []

    async def bad():
        raise RuntimeError("tick broke")

    async def good():
        ran.append(1)

    async def bad_period(day):
        raise ValueError("report broke")

    sched = Scheduler(env, on_error=lambda name, exc: errors.append((name, str(exc))))
    sched.add_tick("bad", bad, 1)
    sched.add_tick("good", good, 1)
    sched.add_daily("report", "09:00", bad_period)
    env.clock.set(bj(2026, 11, 23, 9, 0))
    await sched.run_due()
    await sched.run_due()  # the failed period run holds its lease: not retried at once
    assert ran == [1, 1]
    assert errors == [("bad", "tick broke"), ("report", "report broke"), ("bad", "tick broke")]
    env.clock.set(bj(2026, 11, 23, 9, 11))  # the lease (600 s) ran out: retried
    await sched.run_due()
    assert errors[-1] == ("report", "report broke")
    with pytest.raises(ValueError, match="registered twice"):
        sched.add_tick("good", good, 1)


async def test_run_due_drives_the_deadline_tick(db, env):
    await Chat.create(platform="local", chat_key="hotline", purpose="hotline")
    sched = Scheduler(env)
    sched.add_tick("deadlines", lambda: deadlines.tick(env), 1)
    await deadlines.start(env, "ticket", 1, "ticket_claim", context={"number": "T1"})
    env.clock.advance(minutes=10)
    assert (await sched.run_due())["deadlines"] == 1
    assert (await sched.run_due())["deadlines"] == 0
    assert await OutboxMessage.filter(address="chat:hotline").count() == 1


async def test_apscheduler_really_ticks_and_stops():
    settings = load_settings(None)
    env = Runtime(settings=settings, clock=SystemClock(),
                  calendar=WorkCalendar.from_settings(settings))
    count, errors = [], []
    enough = asyncio.Event()

    async def tick():
        count.append(1)
        if len(count) == 2:
            raise RuntimeError("one bad run")
        if len(count) >= 4:
            enough.set()

    sched = Scheduler(env, on_error=lambda name, exc: errors.append(name))
    sched.add_tick("fast", tick, 0.02)
    sched.start()
    assert sched.running
    await asyncio.wait_for(enough.wait(), timeout=5)
    await sched.stop()
    assert not sched.running and errors == ["fast"]
    stopped_at = len(count)
    await asyncio.sleep(0.1)
    assert len(count) == stopped_at


async def test_a_tick_also_runs_when_its_work_is_next_due():
    settings = load_settings(None)
    env = Runtime(settings=settings, clock=SystemClock(),
                  calendar=WorkCalendar.from_settings(settings))
    runs = []
    second = asyncio.Event()

    async def tick():
        runs.append(datetime.now(timezone.utc))
        if len(runs) == 2:
            second.set()

    async def next_due():
        return datetime.now(timezone.utc) + timedelta(milliseconds=50) if len(runs) < 2 else None

    sched = Scheduler(env)
    sched.add_tick("slow", tick, 3600, next_due=next_due)  # the interval alone: once an hour
    sched.start()
    try:
        await asyncio.wait_for(second.wait(), timeout=5)
    finally:
        await sched.stop()
    assert len(runs) == 2


def test_fake_clock_env_for_period_keys():
    settings = load_settings(None)
    env = Runtime(settings=settings, clock=FakeClock(bj(2026, 11, 23, 18, 0)),
              calendar=WorkCalendar.from_settings(settings))
    sched = Scheduler(env)

    async def job(day):
        return day

    sched.add_daily("digest", "18:00", job)
    sched.add_monthly("report", "09:00", job)
    p = sched._periods
    assert sched.period_key(p["digest"], env.now()) == ("digest:2026-11-23", date(2026, 11, 23))
    assert sched.period_key(p["report"], env.now()) == ("report:2026-11", date(2026, 11, 2))
    assert sched.jobs == ["digest", "report"]
    with pytest.raises(ValueError):
        sched.add_daily("x", "25h", job)


async def test_unreadable_requests_are_kept_for_their_days_then_pruned_nightly(db, env):
    """rejected_inbound does not grow without end: a nightly job (every day, weekends too)
    deletes what is older than inbound.rejected_keep_days (30 by default)."""
    from bot import jobs
    from storage.models import RejectedInbound

    env.clock.set(bj(2026, 11, 28, 3, 0))  # a Saturday
    for days_ago in (31, 29, 0):
        await RejectedInbound.create(platform="wecom", reason="not xml",
                                     received_at=env.now() - timedelta(days=days_ago))
    sched = Scheduler(env)
    jobs.register(sched, env)
    await sched.run_due()  # 03:00: the night's prune is not due yet
    assert await RejectedInbound.all().count() == 3
    env.clock.set(bj(2026, 11, 28, 3, 30))
    await sched.run_due()
    kept = sorted(r.received_at for r in await RejectedInbound.all())
    assert len(kept) == 2 and kept[0] > env.now() - timedelta(days=30)
