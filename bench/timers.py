"""Deadline engine benchmark: lateness of firing, cost of a tick, memory against open deadlines.

    .venv/bin/python bench/timers.py [--open 100000] [--firing 1500] [--window 30] [--no-postgres]

For each database (a fresh SQLite file; on PostgreSQL, when it answers, a database the bench
creates and drops, see bench/benchdb.py) the benchmark:
  1. fills the table with 10,000 open deadlines whose steps lie weeks ahead (inserted by the
     database itself, INSERT ... SELECT, so the Python heap does not hold them at any time);
  2. starts `--firing` deadlines through the real engine (`deadlines.start`) due at moments
     spread over `--window` seconds, each escalating to a managers chat at due time, and runs the
     real Scheduler (APScheduler, the system clock, the tick registered as bot/jobs.py does:
     interval tick_s, brought forward to the next due step) until all have fired; lateness =
     when the escalation was recorded (with its outbox row) minus when it was due;
  3. reads the process's RSS;
  4. grows the table to `--open` (100,000) open deadlines and repeats 2-3, then once more with
     the interval tick alone (no next-due wake) for comparison;
  5. times ticks at 100,000 open: an idle tick (nothing due) and a tick that takes 500 due rows.
Targets (issue 3): p99 lateness under 1 s; RSS that does not grow with open deadlines.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tortoise import Tortoise, connections  # noqa: E402
from tortoise.transactions import in_transaction  # noqa: E402

from bench import benchdb  # noqa: E402
from bot.calendar import WorkCalendar  # noqa: E402
from bot.clock import SystemClock  # noqa: E402
from bot.runtime import Runtime  # noqa: E402
from bot.scheduler import Scheduler  # noqa: E402
from bot.services.deadlines import clocks as deadlines  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from storage.db import connection, tortoise_config  # noqa: E402
from storage.models import Chat, DeadlineEvent  # noqa: E402

CLOCKS = {"bench": {"target": "1h", "escalations": [{"after": "0m", "to": "managers"}]}}
FAR = 40 * 86400  # open deadlines' next step: weeks ahead


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


async def fresh_schema(url: str) -> None:
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    await Tortoise.generate_schemas(safe=False)


async def add_open(url: str, first: int, count: int) -> None:
    """Insert `count` open deadlines, generated inside the database."""
    conn = connection()
    base = int(time.time()) + FAR
    if url.startswith("sqlite"):
        ts = "strftime('%Y-%m-%d %H:%M:%S+00:00', {} , 'unixepoch')"
        sql = f"""
        WITH RECURSIVE n(i) AS (SELECT {first} UNION ALL SELECT i + 1 FROM n
                                WHERE i < {first + count - 1})
        INSERT INTO deadline (object_type, object_id, clock, tier, state, cycle, started_at,
            anchor_at, due_at, working, next_check_at, warnings_sent, level, context)
        SELECT 'ticket', i, 'ticket_claim', '', 'running', 0, {ts.format(base - FAR)},
            {ts.format(base - FAR)}, {ts.format(f'{base} + i')}, 0, {ts.format(f'{base} + i')},
            0, 0, '{{}}' FROM n"""
    else:
        sql = f"""
        INSERT INTO deadline (object_type, object_id, clock, tier, state, cycle, started_at,
            anchor_at, due_at, working, next_check_at, warnings_sent, level, context)
        SELECT 'ticket', i, 'ticket_claim', '', 'running', 0, to_timestamp({base - FAR}),
            to_timestamp({base - FAR}), to_timestamp({base} + i), false,
            to_timestamp({base} + i), 0, 0, '{{}}'::jsonb
        FROM generate_series({first}, {first + count - 1}) AS i"""
    await conn.execute_script(sql)


async def firing_round(env: Runtime, tag: str, n: int, window: float, wake: bool) -> dict:
    """Start n deadlines due over `window` seconds; run the scheduler until all have fired."""
    lead = 3.0 + n / 500  # time to create them before the first is due
    t0 = datetime.now(timezone.utc) + timedelta(seconds=lead)
    created = time.perf_counter()
    # As a domain service would: inside its own transaction (here 100 starts per commit).
    for chunk in range(0, n, 100):
        async with in_transaction() as conn:
            for i in range(chunk, min(n, chunk + 100)):
                await deadlines.start(env, f"bench-{tag}", i, "bench", due_at=t0 + timedelta(
                    seconds=window * i / n), context={"number": f"B{i}", "title": "压测"},
                    conn=conn)
    created = time.perf_counter() - created
    if datetime.now(timezone.utc) > t0:
        print(f"  warning: creating {n} deadlines took {created:.1f}s, past the first due time")
    sched = Scheduler(env)
    sched.add_tick("deadlines", lambda: deadlines.tick_until_idle(env),
                   env.settings.scheduler.tick_s,
                   next_due=(lambda: deadlines.next_due(env)) if wake else None)
    sched.start()
    deadline = time.monotonic() + lead + window + 30
    query = DeadlineEvent.filter(kind="escalated", deadline__object_type=f"bench-{tag}")
    try:
        while time.monotonic() < deadline:
            await asyncio.sleep(0.5)
            if await query.count() >= n:
                break
    finally:
        await sched.stop()
    late = []
    for ev in await query:
        step_at = datetime.fromisoformat(json.loads(ev.detail)["step_at"])
        late.append((ev.at - step_at).total_seconds())
    return {"fired": len(late), "p50": pct(late, 50), "p99": pct(late, 99),
            "max": max(late, default=float("nan")), "create_s": created}


async def tick_costs(env: Runtime, n_due: int = 500) -> dict:
    idle = []
    for _ in range(50):
        t = time.perf_counter()
        await deadlines.tick(env)
        idle.append(time.perf_counter() - t)
    past = datetime.now(timezone.utc) - timedelta(seconds=1)
    for i in range(n_due):
        await deadlines.start(env, "bench-busy", i, "bench", due_at=past,
                              context={"number": f"X{i}"})
    t = time.perf_counter()
    actions = await deadlines.tick(env, limit=n_due)
    busy = time.perf_counter() - t
    t = time.perf_counter()
    for _ in range(50):
        await deadlines.next_due(env)
    nd = (time.perf_counter() - t) / 50
    return {"idle_ms": statistics.median(idle) * 1000, "busy_ms": busy * 1000,
            "busy_actions": actions, "next_due_ms": nd * 1000}


async def run(url: str, label: str, args: argparse.Namespace) -> None:
    print(f"\n== {label} ==")
    await fresh_schema(url)
    settings = load_settings(None, database__url=url, clocks=CLOCKS)
    env = Runtime(settings=settings, clock=SystemClock(),
                  calendar=WorkCalendar.from_settings(settings))
    await Chat.create(platform="local", chat_key="managers", purpose="managers")
    print(f"tick interval {settings.scheduler.tick_s}s, lease {settings.scheduler.lease_s}s; "
          f"{args.firing} deadlines fire over {args.window}s per round")
    print(f"RSS at start: {rss_mb():.1f} MB")

    small = min(10_000, args.open)
    await add_open(url, 0, small)
    r1 = await firing_round(env, "a", args.firing, args.window, wake=True)
    rss_small = rss_mb()
    await add_open(url, small, args.open - small)
    r2 = await firing_round(env, "b", args.firing, args.window, wake=True)
    rss_big = rss_mb()
    r3 = await firing_round(env, "c", args.firing, args.window, wake=False)
    costs = await tick_costs(env)

    print(f"{'open deadlines':>16} {'tick':>22} {'fired':>6} {'p50 late':>9} {'p99 late':>9} "
          f"{'max':>7} {'RSS MB':>7}")
    for open_n, mode, r, mem in [(small, "interval + next-due", r1, rss_small),
                                 (args.open, "interval + next-due", r2, rss_big),
                                 (args.open, "interval only", r3, rss_mb())]:
        print(f"{open_n:>16,} {mode:>22} {r['fired']:>6} {r['p50']:>8.3f}s {r['p99']:>8.3f}s "
              f"{r['max']:>6.2f}s {mem:>7.1f}")
    print(f"RSS growth from {small:,} to {args.open:,} open deadlines: "
          f"{rss_big - rss_small:+.1f} MB "
          f"({(rss_big - rss_small) * 1024 * 1024 / max(1, args.open - small):+.1f} bytes each)")
    print(f"idle tick (nothing due, {args.open:,} open): {costs['idle_ms']:.2f} ms; "
          f"next_due lookup: {costs['next_due_ms']:.2f} ms")
    print(f"busy tick: {costs['busy_actions']} steps (500 deadlines: breach + escalation with "
          f"its outbox row) in {costs['busy_ms']:.0f} ms = "
          f"{costs['busy_ms'] / max(1, costs['busy_actions'] / 2):.2f} ms per deadline")
    print(f"creating a deadline through start() (100 per transaction): "
          f"{r2['create_s'] / args.firing * 1000:.2f} ms each")
    ok = r2["p99"] < 1.0 and (rss_big - rss_small) < 20
    print(f"targets (p99 < 1 s with next-due wake, RSS flat): {'met' if ok else 'MISSED'}")
    await connections.close_all()


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--open", type=int, default=100_000)
    ap.add_argument("--firing", type=int, default=1500)
    ap.add_argument("--window", type=float, default=30.0)
    ap.add_argument("--no-postgres", action="store_true")
    args = ap.parse_args()
    async with benchdb.sqlite_database("timers") as url:
        await run(url, "SQLite (WAL)", args)
    if not args.no_postgres:
        async with benchdb.pg_database("timers") as url:
            if url is None:
                print(f"\nPostgreSQL at {benchdb.PG_SERVER} not reachable: skipped")
                return
            await Tortoise._reset_apps()
            await run(url, f"PostgreSQL ({urlparse(url).path.lstrip('/')})", args)


if __name__ == "__main__":
    asyncio.run(main())
