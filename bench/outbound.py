"""Outbound burst benchmark: 1,000 notices to one WeCom group through the real relay.

    .venv/bin/python bench/outbound.py [--notices N] [--scale S] [--burst-seconds B]
                                       [--db sqlite|postgres|both] [--timeout-minutes M]

The notices are written to the outbox the way services write them (one commit each, the relay
woken after every commit), spread over --burst-seconds platform seconds, all to one group robot
webhook. The relay (notifiers.relay.Relay with the database-counted rate limiter) sends them to
the fake WeCom server (tests/fakes/wecom_api.py) running on 127.0.0.1 in this process, which
enforces WeCom's 20-a-minute webhook limit by silently dropping the excess, as WeCom does.

Time scale: a platform minute is 60/S real seconds (default S=5: a 12-second window, the burst
over 10 real seconds), shrunk the same way in the relay's limiter and in the fake server, so the
run takes seconds instead of minutes; --scale 1 runs in real time (about two minutes). Both the
real drain time and the drain time in platform minutes are printed.

Printed: messages sent (delivered to the group), the highest count in any sliding platform
minute, notices lost (missing from what the group received), notices present twice, messages
the platform dropped, and the time from the first notice queued to the last message delivered.
Targets: no limit exceeded, nothing lost, drained within 3 platform minutes.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402

from bench import benchdb  # noqa: E402

HOOK = "bench-hotline-group"
MARKER = re.compile(r"T(\d{5})】")


def notice_text(i: int) -> str:
    return f"【新工单 T{i:05d}】客户：第{i % 37}人民医院，打印凭证时报错，请值班工程师尽快接单。"


async def run_once(url: str, args: argparse.Namespace) -> dict:
    from tortoise import Tortoise

    from bot import messages as base
    from bot.clock import SystemClock
    from bot.messages import OutboundMessage
    from bot.services.outbox import enqueue
    from bot.settings import load_settings
    from notifiers.ratelimit import LIMITS, WINDOW_S, DbRateLimiter
    from notifiers.relay import Relay
    from notifiers.senders.wecom import WeComSender
    from storage.models import OutboxMessage
    from storage.models.messaging import PENDING
    from tests.fakes.wecom_api import FakeWeCom

    window_s = WINDOW_S / args.scale
    clock = SystemClock()
    await benchdb.create_schema(url)
    fake = FakeWeCom(clock, window_s=window_s)
    api_base = await fake.start()
    settings = load_settings(None, database__url=url, wecom__enabled=True,
                             wecom__corp_id=fake.corp_id, wecom__secret=fake.secret,
                             wecom__agent_id=fake.agent_id, wecom__api_base=api_base,
                             outbox__poll_s=min(1.0, window_s / 20))
    try:
        async with aiohttp.ClientSession() as session:
            relay = Relay(settings, clock, Relay.registry(WeComSender(settings, session,
                                                                      clock=clock)),
                          owner=f"bench-{os.getpid()}", rng=random.Random(1),
                          limiter=DbRateLimiter(window_s=window_s))
            await relay.start()
            gap = args.burst_seconds / args.scale / args.notices
            t0 = time.perf_counter()
            for i in range(args.notices):
                msg = OutboundMessage(channel=base.CH_WECOM_WEBHOOK, address=HOOK,
                                      text=notice_text(i))
                await enqueue(msg, f"bench:{i}", now=clock.now())
                relay.wake()  # as the services do after each commit that wrote outbox rows
                target = t0 + gap * (i + 1)
                if target > time.perf_counter():
                    await asyncio.sleep(target - time.perf_counter())
            queued = time.perf_counter() - t0
            deadline = t0 + args.timeout_minutes * window_s
            while await OutboxMessage.filter(status=PENDING).exists():
                if time.perf_counter() > deadline:
                    break
                await asyncio.sleep(min(0.05, window_s / 100))
            drained = time.perf_counter() - t0
            pending = await OutboxMessage.filter(status=PENDING).count()
            await relay.stop()
    finally:
        await fake.close()
        await Tortoise.close_connections()

    got = fake.contents("webhook/send", HOOK)
    seen: dict[int, int] = {}
    for content in got:
        for n in MARKER.findall(content):
            seen[int(n)] = seen.get(int(n), 0) + 1
    return {
        "sent": len(got),
        "max_window": fake.max_in_window("webhook/send", HOOK),
        "limit": LIMITS[base.CH_WECOM_WEBHOOK],
        "lost": sum(1 for i in range(args.notices) if i not in seen),
        "twice": sum(1 for c in seen.values() if c > 1),
        "dropped": len(fake.dropped),
        "truncated": fake.truncated,
        "pending": pending,
        "queued_s": queued,
        "drain_s": drained,
        "window_s": window_s,
    }


def describe_machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{platform.node()} · {platform.system()} {platform.release()} · "
            f"{os.cpu_count()} cores {cpu} · Python {platform.python_version()}")


def report(name: str, r: dict, args: argparse.Namespace) -> bool:
    platform_minutes = r["drain_s"] / r["window_s"]
    ok = (r["max_window"] <= r["limit"] and r["lost"] == 0 and r["dropped"] == 0
          and r["pending"] == 0 and platform_minutes <= 3.0)
    print(f"\n[{name}]")
    print(f"  notices queued           {args.notices} in {r['queued_s']:.2f} s real = "
          f"{r['queued_s'] / r['window_s'] * 60:.0f} platform seconds")
    print(f"  messages sent            {r['sent']} (digests packing the notices)")
    print(f"  highest in any minute    {r['max_window']} (limit {r['limit']} per minute)")
    print(f"  notices lost             {r['lost']}")
    print(f"  notices present twice    {r['twice']}")
    print(f"  dropped by the platform  {r['dropped']}  (cut at byte limit: {r['truncated']})")
    print(f"  still pending            {r['pending']}")
    print(f"  time to drain            {r['drain_s']:.2f} s real = "
          f"{platform_minutes:.2f} platform minutes (target <= 3)")
    print(f"  verdict                  {'OK' if ok else 'TARGET MISSED'}")
    return ok


async def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--notices", type=int, default=1000)
    ap.add_argument("--scale", type=float, default=5.0,
                    help="platform seconds per real second (1 = real time)")
    ap.add_argument("--burst-seconds", type=float, default=50.0,
                    help="platform seconds over which the notices are queued")
    ap.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    ap.add_argument("--timeout-minutes", type=float, default=10.0,
                    help="give up after this many platform minutes")
    args = ap.parse_args()

    print("deskbot outbound burst benchmark")
    print(f"  date     {dt.datetime.now().astimezone().isoformat(timespec='seconds')}")
    print(f"  machine  {describe_machine()}")
    print("  target   fake WeCom group robot webhook on 127.0.0.1, limit 20 per minute, "
          "excess dropped silently")
    print(f"  time     scale x{args.scale:g}: one platform minute = {60 / args.scale:g} s real "
          f"(the relay's limiter window and the fake server's window are both shrunk)"
          if args.scale != 1 else "  time     real time (scale 1)")
    print(f"  burst    {args.notices} notices over {args.burst_seconds:g} platform seconds, "
          f"one commit each, relay woken after each")

    ok = True
    if args.db in ("sqlite", "both"):
        async with benchdb.sqlite_database("outbound") as url:
            print(f"  db       SQLite (WAL) {url}")
            ok &= report("SQLite", await run_once(url, args), args)
    if args.db in ("postgres", "both"):
        version = await benchdb.pg_server_version()
        if version is None:
            print(f"\n[PostgreSQL] skipped: nothing answers at {benchdb.PG_SERVER}")
            ok &= args.db != "postgres"
        else:
            async with benchdb.pg_database("outbound") as url:
                print(f"\n  db       PostgreSQL {version} {url}")
                ok &= report("PostgreSQL", await run_once(url, args), args)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
