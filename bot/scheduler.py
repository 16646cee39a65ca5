"""The clock of the bot: short interval ticks and once-per-period jobs on APScheduler.

APScheduler keeps only a handful of jobs in memory (one per registered tick, one for the period
jobs); deadlines and messages are rows that the ticks find. Period jobs (a daily digest, a monthly
report) are checked every `period_check_s`; when one is due, `run_once_per_period` under its
period key lets exactly one instance run it once.

    scheduler.add_tick("relay-sweep", sweep, 5)
    scheduler.add_daily("daily_digest", "18:00", send_digest)              # fn(day: date)
    scheduler.add_monthly("complaint_report", "09:00", send_report)        # first working day

Tests drive everything without real time: `await scheduler.run_due(now)`.
"""
from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from time import perf_counter
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from apscheduler.executors.asyncio import AsyncIOExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from storage.claims import run_once_per_period

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger("deskbot.scheduler")

TickFn = Callable[[], Awaitable[Any]]
PeriodFn = Callable[[date], Awaitable[Any]]
ErrorHandler = Callable[[str, BaseException], Any]


@dataclass
class _Tick:
    name: str
    fn: TickFn
    seconds: float
    next_due: Callable[[], Awaitable[datetime | None]] | None = None


@dataclass
class _Period:
    name: str
    at: time
    fn: PeriodFn
    monthly: bool
    workdays_only: bool = True  # daily: skip days off
    first_workday: bool = True  # monthly: the month's first working day, else `day`
    day: int = 1
    lease_s: float = 600.0


def _parse_at(text: str | time) -> time:
    if isinstance(text, time):  # a time of day from the settings, already checked
        return text
    try:
        hh, mm = text.split(":")
        return time(int(hh), int(mm))
    except ValueError:
        raise ValueError(f"bad time of day {text!r}, expected HH:MM") from None


class Scheduler:
    stop_timeout_s = 10.0

    def __init__(self, env: "Runtime", *, period_check_s: float = 30.0,
                 on_error: ErrorHandler | None = None, instance: str = "") -> None:
        self.env = env
        self.period_check_s = period_check_s
        self.instance = instance or f"sched-{uuid.uuid4().hex[:6]}"
        self._on_error = on_error
        self._ticks: dict[str, _Tick] = {}
        self._periods: dict[str, _Period] = {}
        self._aps: AsyncIOScheduler | None = None
        self._running: set[asyncio.Task] = set()  # job runs in flight, awaited by stop()
        # Told how long each tick run took (the app's metrics).
        self.on_tick: Callable[[str, float], None] = lambda name, seconds: None

    # -- registry ----------------------------------------------------------------------------

    def add_tick(self, name: str, fn: TickFn, seconds: float, *,
                 next_due: Callable[[], Awaitable[datetime | None]] | None = None) -> None:
        """Run `fn()` every `seconds`. `next_due()`, if given, returns when work is next due (in
        the env's clock), so the tick also runs then when that is sooner than its next interval."""
        if name in self._ticks or name in self._periods:
            raise ValueError(f"job {name!r} registered twice")
        self._ticks[name] = _Tick(name, fn, float(seconds), next_due)
        if self._aps is not None:
            self._schedule_tick(self._ticks[name])

    def add_daily(self, name: str, at: str | time, fn: PeriodFn, *, workdays_only: bool = True,
                  lease_s: float = 600.0) -> None:
        """Run `fn(day)` once a day at local time `at` (on working days only, by default).

        A bot that was down at that time runs the job when it comes back the same day."""
        self._add_period(_Period(name, _parse_at(at), fn, monthly=False,
                                 workdays_only=workdays_only, lease_s=lease_s))

    def add_monthly(self, name: str, at: str | time, fn: PeriodFn, *, first_workday: bool = True,
                    day: int = 1, lease_s: float = 600.0) -> None:
        """Run `fn(day)` once a month at local time `at`: on the month's first working day, or on
        day `day` when `first_workday` is false. Catches up later in the month if missed."""
        if not 1 <= day <= 28:
            raise ValueError("monthly day must be 1..28")
        self._add_period(_Period(name, _parse_at(at), fn, monthly=True,
                                 first_workday=first_workday, day=day, lease_s=lease_s))

    def _add_period(self, p: _Period) -> None:
        # A job that takes no argument is called without the day.
        if not inspect.signature(p.fn).parameters:
            fn = p.fn
            p.fn = lambda day: fn()  # type: ignore[call-arg]
        if p.name in self._ticks or p.name in self._periods:
            raise ValueError(f"job {p.name!r} registered twice")
        self._periods[p.name] = p

    @property
    def jobs(self) -> list[str]:
        return sorted([*self._ticks, *self._periods])

    # -- periods -----------------------------------------------------------------------------

    def period_key(self, p: _Period, now: datetime) -> tuple[str, date] | None:
        """The key and day of the run of `p` that is due at `now`, or None if none is."""
        cal = self.env.calendar
        local = cal.local(now)
        today = local.date()
        if p.monthly:
            if p.first_workday:
                run_day = today.replace(day=1)
                if not cal.is_workday(run_day):
                    run_day = cal.next_workday(run_day)
                if run_day.month != today.month:
                    return None
            else:
                run_day = today.replace(day=p.day)
            if today < run_day or (today == run_day and local.time() < p.at):
                return None
            return f"{p.name}:{today:%Y-%m}", run_day
        if p.workdays_only and not cal.is_workday(today):
            return None
        if local.time() < p.at:
            return None
        return f"{p.name}:{today.isoformat()}", today

    async def _run_periods(self, now: datetime) -> int:
        ran = 0
        for p in list(self._periods.values()):
            due = self.period_key(p, now)
            if due is None:
                continue
            key, day = due
            ok = await self._guard(p.name, run_once_per_period, key, lambda p=p, day=day: p.fn(day),
                                   lease=timedelta(seconds=p.lease_s), clock=self.env.clock,
                                   owner=f"{self.instance}-{uuid.uuid4().hex[:6]}")
            ran += bool(ok)
        return ran

    # -- running -----------------------------------------------------------------------------

    async def _guard(self, name: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """The one error path of every job: log with the job's name, tell the hook, carry on."""
        try:
            result = fn(*args, **kwargs)
            if inspect.isawaitable(result):
                result = await result
            return result
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - a job's failure must never stop the clock
            pending = self.handle_error(name, exc)
            if pending is not None:
                try:
                    await pending
                except Exception:  # noqa: BLE001
                    log.exception("error handler failed for job %s", name)
            return None

    def handle_error(self, name: str, exc: BaseException) -> Awaitable[Any] | None:
        """Hand the error to the hook (the app's is the one error path, bot/failures.py, which
        logs it itself); an awaitable the hook returns is awaited by the caller."""
        if self._on_error is None:
            log.error("job %s failed: %s", name, exc, exc_info=exc)
            return None
        try:
            result = self._on_error(name, exc)
        except Exception:  # noqa: BLE001
            log.exception("error handler failed for job %s", name)
            return None
        return result if inspect.isawaitable(result) else None

    async def run_tick(self, name: str) -> Any:
        started = perf_counter()
        try:
            return await self._guard(name, self._ticks[name].fn)
        finally:
            self.on_tick(name, perf_counter() - started)

    async def run_due(self, now: datetime | None = None) -> dict[str, Any]:
        """Run every tick once and every period job due at `now` (default: the env's clock).

        For tests on a FakeClock: set the clock, then call this instead of waiting."""
        now = now or self.env.now()
        results: dict[str, Any] = {}
        for name in list(self._ticks):
            results[name] = await self.run_tick(name)
        results["periods"] = await self._run_periods(now)
        return results

    def _schedule_tick(self, t: _Tick) -> None:
        assert self._aps is not None

        async def job() -> None:
            async with self._in_flight():
                await self.run_tick(t.name)
                if t.next_due is not None:
                    await self._pull_forward(t)

        self._aps.add_job(job, "interval", seconds=t.seconds, id=t.name, name=t.name,
                          max_instances=1, coalesce=True, misfire_grace_time=None,
                          next_run_time=datetime.now(timezone.utc), replace_existing=True)

    async def _pull_forward(self, t: _Tick) -> None:
        """Bring the tick's next run forward to when `next_due()` says work comes.

        Lateness is then the cost of a tick instead of up to a whole interval, with still one
        job (never one per deadline) and never two runs of it at once; the interval remains the
        longest wait."""
        if t.next_due is None:
            return
        when = await self._guard(f"{t.name}:next_due", t.next_due)
        job = self._aps.get_job(t.name) if self._aps is not None else None
        if when is None or job is None or job.next_run_time is None:
            return
        # At least a few milliseconds: this run must have ended before the next one starts, and
        # a row due now that the tick cannot take must not make it spin.
        delay = max((when - self.env.now()).total_seconds(), 0.005)
        run_at = datetime.now(timezone.utc) + timedelta(seconds=delay)
        if run_at < job.next_run_time:
            job.modify(next_run_time=run_at)

    def start(self) -> None:
        """Start the interval jobs on the running event loop."""
        if self._aps is not None:
            return
        self._aps = AsyncIOScheduler(jobstores={"default": MemoryJobStore()},
                                     executors={"default": AsyncIOExecutor()},
                                     timezone=timezone.utc)
        for t in self._ticks.values():
            self._schedule_tick(t)

        async def periods() -> None:
            async with self._in_flight():
                await self._guard("periods", self._run_periods, self.env.now())

        self._aps.add_job(periods, "interval", seconds=self.period_check_s, id="periods",
                          name="periods", max_instances=1, coalesce=True,
                          misfire_grace_time=None, next_run_time=datetime.now(timezone.utc))
        self._aps.start()

    @contextlib.asynccontextmanager
    async def _in_flight(self):
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
        try:
            yield
        finally:
            if task is not None:
                self._running.discard(task)

    @property
    def running(self) -> bool:
        return self._aps is not None and self._aps.running

    async def stop(self) -> None:
        if self._aps is None:
            return
        aps, self._aps = self._aps, None
        aps.pause()  # no new runs; APScheduler's shutdown would cancel the running ones mid-query
        # Runs already started finish (they hold database transactions); then the caller may
        # close the database.
        running = [t for t in self._running if t is not asyncio.current_task()]
        if running:
            await asyncio.wait(running, timeout=self.stop_timeout_s)
        aps.shutdown(wait=False)
