"""Crash bench: does every acknowledged WeCom callback take effect exactly once across kill -9?

    .venv/bin/python bench/crash.py [--n 2000] [--kills 5] [--db sqlite|postgres|both]
                                    [--rate 40] [--concurrency 16] [--drain-timeout 300]
                                    [--seed S] [--port P]

Per database (a file in a temporary directory; on PostgreSQL a database of its own that the
bench creates and drops, see bench/benchdb.py) the bench writes a config file of its own, runs
`deskbot migrate`, `deskbot staff import` (one engineer per eight callbacks, so that no reply
waits for WeCom's 30-a-minute limit per member) and `deskbot customers import`, and starts a real
`deskbot serve` subprocess whose WeCom API is a fake one served on loopback by this process
(tests/fakes/wecom_api.py, per-member limits off). It then sends N signed, encrypted WeCom app
callbacks, each a distinct "/建单 ... 崩溃测试第i号" with its own MsgId, at --rate per second with
--concurrency in flight, and kills the bot with SIGKILL at k random moments of the planned send
time, restarting it at once each time. Every callback that got no 200 (refused connection, reset,
5 s timeout, error status) is sent again, as WeCom does, until it gets one. Then it waits (at
most --drain-timeout) for processing to finish and counts, per callback, the tickets whose
description carries its number and the "已建单 T<id>" replies the fake WeCom received for them:
  processed   acknowledged, with one ticket and one reply
  lost        acknowledged, but no ticket or no reply
  duplicated  two tickets, or two replies delivered to the member, for one callback
A reply the relay sent again after a kill (between WeCom's "ok" and marking the row sent) carries
the same idempotency mark, so the fake WeCom drops it as WeCom's duplicate check does: the
member reads it once. Those drops are printed apart ("bodies dropped by enable_duplicate_check").
"""
from __future__ import annotations

import argparse
import asyncio
import math
import random
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402

from bench import benchdb, served  # noqa: E402
from bench.served import Bot, deskbot, free_port  # noqa: E402
from tests.fakes.callbacks import WeComKeys, wecom_app_text  # noqa: E402
from tests.fakes.wecom_api import FakeWeCom  # noqa: E402

TOKEN = "crashBenchToken"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
CUSTOMER = "华东制造"  # one of bot/demo/customers.csv
CALLBACK = "/wecom/app/callback"
TEXT = "/建单 客户={customer} 查重=否 崩溃测试第{i}号 打印凭证时报错"
MARK = re.compile(r"崩溃测试第(\d+)号")
REPLY = re.compile(r"已建单 T(\d+)")
RESIGN_AFTER_S = 200  # the bot refuses timestamps older than 300 s; WeCom re-signs its retries


@dataclass
class Callback:
    i: int
    user: str
    msg_id: str
    signed_at: float = 0.0
    params: dict = field(default_factory=dict)
    body: str = ""
    acked: bool = False
    posts: int = 0


def write_setup(cwd: Path, url: str, port: int, fake: FakeWeCom, api_base: str,
                users: list[str]) -> Path:
    (cwd / "staff.csv").write_text(
        "userid,name,roles\n" + "".join(f"{u},崩溃测试员{u[-4:]},engineer\n" for u in users),
        encoding="utf-8")
    config = cwd / "deskbot.toml"
    config.write_text(f"""
[server]
host = "127.0.0.1"
port = {port}
public_url = "http://127.0.0.1:{port}"
[database]
url = "{url}"
[simulator]
enabled = false
[wecom]
enabled = true
corp_id = "{fake.corp_id}"
agent_id = {fake.agent_id}
secret = "{fake.secret}"
token = "{TOKEN}"
encoding_aes_key = "{AES_KEY}"
api_base = "{api_base}"
""", encoding="utf-8")
    return config


def sign(cb: Callback, keys: WeComKeys, agent_id: int) -> None:
    cb.signed_at = time.time()
    cb.params, cb.body = wecom_app_text(keys, cb.user, TEXT.format(customer=CUSTOMER, i=cb.i),
                                        cb.msg_id, at=cb.signed_at, agent_id=agent_id)


async def send_all(callbacks: list[Callback], bot: Bot, keys: WeComKeys, agent_id: int,
                   args: argparse.Namespace, killer: asyncio.Future) -> dict:
    """Post every callback at the offered rate until each has had its 200; failures go back
    to the queue after --resend-after seconds, as WeCom's retries do."""
    queue: asyncio.Queue[Callback] = asyncio.Queue()
    remaining = len(callbacks)
    all_acked = asyncio.Event()
    failures = {"refused": 0, "timeout": 0, "status": 0}
    url = f"http://127.0.0.1:{bot.port}{CALLBACK}"

    async def offer() -> None:
        start = time.monotonic()
        for n, cb in enumerate(callbacks):
            await asyncio.sleep(max(0.0, start + n / args.rate - time.monotonic()))
            queue.put_nowait(cb)

    async def resend_later(cb: Callback) -> None:
        await asyncio.sleep(args.resend_after)
        queue.put_nowait(cb)

    async def worker(http: aiohttp.ClientSession) -> None:
        nonlocal remaining
        while True:
            cb = await queue.get()
            if time.time() - cb.signed_at > RESIGN_AFTER_S:
                sign(cb, keys, agent_id)
            cb.posts += 1
            try:
                async with http.post(url, params=cb.params, data=cb.body.encode()) as r:
                    await r.read()
                    ok = r.status == 200
                    failures["status"] += not ok
            except asyncio.TimeoutError:
                ok = False
                failures["timeout"] += 1
            except aiohttp.ClientError:
                ok = False
                failures["refused"] += 1
            if ok:
                cb.acked = True
                remaining -= 1
                if not remaining:
                    all_acked.set()
            else:
                asyncio.ensure_future(resend_later(cb))

    timeout = aiohttp.ClientTimeout(total=5)  # WeCom gives a callback 5 s
    async with aiohttp.ClientSession(timeout=timeout,
                                     connector=aiohttp.TCPConnector(limit=0)) as http:
        tasks = [asyncio.ensure_future(offer())]
        tasks += [asyncio.ensure_future(worker(http)) for _ in range(args.concurrency)]
        # Until every callback has its 200 and every kill is done, unless a restart failed.
        acked = asyncio.ensure_future(all_acked.wait())
        await asyncio.wait([acked, killer], timeout=args.send_timeout,
                           return_when=asyncio.FIRST_EXCEPTION)
        tasks.append(acked)
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return failures


async def kill_at_random(bot: Bot, moments: list[float], t0: float) -> list[float]:
    done = []
    for at in moments:
        await asyncio.sleep(max(0.0, t0 + at - time.monotonic()))
        await bot.up.wait()
        done.append(time.monotonic() - t0)
        await bot.kill()
        await bot.start()
    return done


async def tally(url: str, fake: FakeWeCom, callbacks: list[Callback]) -> dict:
    tickets = await benchdb.tickets_by_mark(url, MARK)
    owner = {tid: i for i, ids in tickets.items() for tid in ids}
    replies: dict[int, int] = {}
    other, examples = 0, []
    for r in fake.received:  # what reached the member; fake.duplicates were dropped
        m = REPLY.search(r.content) if r.api == "message/send" else None
        if m and int(m.group(1)) in owner:
            replies[owner[int(m.group(1))]] = replies.get(owner[int(m.group(1))], 0) + 1
        else:
            other += 1
            if r.content[:80] not in examples and len(examples) < 3:
                examples.append(r.content[:80])
    acked = [cb for cb in callbacks if cb.acked]
    return {
        "sent": len(callbacks), "acked": len(acked), "posts": sum(cb.posts for cb in callbacks),
        "tickets": sum(map(len, tickets.values())), "replies": sum(replies.values()),
        "processed": sum(1 for cb in acked if tickets.get(cb.i) and replies.get(cb.i)),
        "lost": sum(1 for cb in acked if not tickets.get(cb.i) or not replies.get(cb.i)),
        "lost_ids": [cb.i for cb in acked if not tickets.get(cb.i) or not replies.get(cb.i)],
        "dup_tickets": sum(1 for ids in tickets.values() if len(ids) > 1),
        "dup_replies": sum(1 for n in replies.values() if n > 1),
        "duplicated": sum(1 for cb in callbacks
                          if len(tickets.get(cb.i, ())) > 1 or replies.get(cb.i, 0) > 1),
        "other_replies": other, "other_examples": examples, "wecom_dropped_duplicates": len(fake.duplicates),
    }


async def run_db(label: str, url: str, args: argparse.Namespace, rng: random.Random) -> dict:
    fake = FakeWeCom(limits={})
    api_base = await fake.start()
    n_users = max(1, math.ceil(args.n / 8))
    users = [f"crash{u:04d}" for u in range(n_users)]
    keys = WeComKeys(TOKEN, AES_KEY, fake.corp_id)
    base_id = int(time.time()) * 100_000
    callbacks = [Callback(i, users[i % n_users], str(base_id + i)) for i in range(args.n)]
    for cb in callbacks:
        sign(cb, keys, fake.agent_id)
    with tempfile.TemporaryDirectory(prefix="deskbot-crash-") as tmp:
        cwd = Path(tmp)
        port = free_port(args.port)
        config = write_setup(cwd, url, port, fake, api_base, users)
        await deskbot(cwd, config, "migrate")
        await deskbot(cwd, config, "staff", "import", str(cwd / "staff.csv"))
        await deskbot(cwd, config, "customers", "import", str(ROOT / "bot/demo/customers.csv"))
        bot = Bot(cwd, config, port)
        try:
            await bot.start()
            planned = args.n / args.rate
            moments = sorted(rng.uniform(0.05, 0.95) * planned for _ in range(args.kills))
            t0 = time.monotonic()
            killer = asyncio.ensure_future(kill_at_random(bot, moments, t0))
            failures = await send_all(callbacks, bot, keys, fake.agent_id, args, killer)
            sent_s = time.monotonic() - t0
            kills = await killer
            acked = sum(cb.acked for cb in callbacks)
            t1 = shown = time.monotonic()
            while time.monotonic() - t1 < args.drain_timeout:
                r = await tally(url, fake, callbacks)
                if r["processed"] >= acked:
                    break
                if time.monotonic() - shown >= 10:
                    shown = time.monotonic()
                    print(f"  {label}: {shown - t0:6.0f} s  acknowledged {acked}, "
                          f"processed {r['processed']}", flush=True)
                await asyncio.sleep(1)
            r = await tally(url, fake, callbacks)
            r.update(kills=kills, sent_s=sent_s, drain_s=time.monotonic() - t1,
                     starts=bot.starts, failures=failures)
            return r
        finally:
            await bot.stop()
            await fake.close()


def report(label: str, r: dict) -> None:
    f = r["failures"]
    print(f"[{label}] sent {r['sent']}, acknowledged {r['acked']}, processed {r['processed']}, "
          f"lost {r['lost']}, duplicated {r['duplicated']} "
          f"(tickets {r['dup_tickets']}, replies {r['dup_replies']})")
    kills = (f"{len(r['kills'])} kill -9 at {', '.join(f'{k:.1f}' for k in r['kills'])} s, "
             f"healthy again after {', '.join(f'{s:.1f}' for s in r['starts'][1:])} s"
             if r["kills"] else "no kill")
    print(f"  {kills}; "
          f"{r['posts']} posts for {r['sent']} callbacks (refused/reset {f['refused']}, "
          f"timeout {f['timeout']}, error status {f['status']}); sending took "
          f"{r['sent_s']:.1f} s, then {r['drain_s']:.1f} s waiting for processing")
    print(f"  {r['tickets']} tickets, {r['replies']} ticket replies at the fake WeCom, "
          f"{r['other_replies']} other messages, {r['wecom_dropped_duplicates']} bodies dropped "
          f"by enable_duplicate_check")
    for text in r["other_examples"]:
        print(f"  e.g. {text!r}")
    if r["lost_ids"]:
        print(f"  lost callbacks: {r['lost_ids'][:20]}{' ...' if r['lost'] > 20 else ''}")


async def bench(args: argparse.Namespace) -> int:
    import wechatpy

    rng = random.Random(args.seed)
    served.print_run_header(
        "crash bench", "crash.py", args.seed,
        f", wechatpy {wechatpy.__version__}; N={args.n}, k={args.kills}, offered {args.rate:g}/s "
        f"with {args.concurrency} in flight, resend after {args.resend_after:g} s; bot, fake WeCom "
        f"and sender on 127.0.0.1")
    bad = await benchdb.on_each_database(
        args.db, "crash", lambda label, url: run_db(label, url, args, rng), report)
    return 1 if bad else 0


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=2000, help="callbacks per database")
    p.add_argument("--kills", type=int, default=5, help="kill -9 of the bot per database")
    p.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    p.add_argument("--rate", type=float, default=40.0, help="callbacks offered per second")
    p.add_argument("--concurrency", type=int, default=16)
    p.add_argument("--resend-after", type=float, default=1.0)
    p.add_argument("--send-timeout", type=float, default=900.0)
    p.add_argument("--drain-timeout", type=float, default=300.0)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--port", type=int, default=None, help="the bot's port (default: free one "
                                                          "in 18240-18299)")
    args = p.parse_args()
    if not (1 <= args.n <= 100_000 and 0 <= args.kills <= 100 and 0 < args.rate <= 5000
            and 1 <= args.concurrency <= 512):
        p.error("--n in [1, 100000], --kills in [0, 100], --rate in (0, 5000], "
                "--concurrency in [1, 512]")
    if args.seed is None:
        args.seed = random.SystemRandom().randrange(1 << 30)
    sys.exit(asyncio.run(bench(args)))


if __name__ == "__main__":
    main()
