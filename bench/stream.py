"""DingTalk Stream bench: does every message pushed over the stream take effect exactly once, when
the bot holding the stream is killed under it?

    .venv/bin/python bench/stream.py [--n 600] [--kills 3] [--rate 30] [--db sqlite|postgres|both]
                                     [--lease-s 3] [--drain-timeout 300] [--seed S] [--port P]

Per database (a temporary SQLite file; on PostgreSQL a database the bench creates and drops, see
bench/benchdb.py) the bench writes a config of its own (DingTalk in Stream mode, the stream
gateway and the DingTalk API both fakes served on loopback by this process:
tests/fakes/dingtalk_stream.py, tests/fakes/dingtalk_api.py), runs `deskbot migrate` and the
staff and customer imports, and starts a real `deskbot serve`. It pushes N robot messages, each
a distinct "/建单 ... 流测试第i号" from one of the demo engineers with a session webhook of its
own, at --rate per second, and kills the bot with SIGKILL at k random moments, restarting it at
once. The killed bot's lease (`long_connection.lease_s` = --lease-s) must run out before the
new one connects; the fake gateway pushes every frame no connection acked again on the next
one, as DingTalk does. It then waits for processing and counts, per message:
  processed   acked, with one ticket and one "已建单" answer through its session webhook
  lost        acked, but no ticket or no answer
  duplicated  two tickets, or two answers, for one message (printed apart: a second ticket would
              be the stream's fault; a second answer is the relay's at-least-once sending, killed
              between DingTalk's ok and marking the row sent)
and prints push-to-ack latency (p50, p99 over the frames acked on the connection they were
first pushed to, and the worst over all: a frame pushed while no bot held the stream waits for
the next holder) and how long the stream was down after each kill.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from bench import benchdb, served  # noqa: E402
from bench.served import Bot, deskbot, free_port  # noqa: E402
from tests.fakes.callbacks import dingtalk_message  # noqa: E402
from tests.fakes.dingtalk_api import FakeDingTalk  # noqa: E402
from tests.fakes.dingtalk_stream import FakeDingTalkStream  # noqa: E402

APP_KEY, SECRET, ROBOT = "dingbenchstream", "bench-stream-secret", "dingbenchrobot"
ENGINEERS = ("zhangwei", "lina", "wangqiang", "zhaomin")
TEXT = "/建单 客户=华东制造 查重=否 流测试第{i}号 打印凭证时报错"
MARK = re.compile(r"流测试第(\d+)号")


def write_setup(cwd: Path, url: str, port: int, api: str, gateway: str, lease_s: float) -> Path:
    config = cwd / "deskbot.toml"
    config.write_text(f"""
[server]
host = "127.0.0.1"
port = {port}
[database]
url = "{url}"
[simulator]
enabled = false
[dingtalk]
enabled = true
mode = "stream"
app_key = "{APP_KEY}"
app_secret = "{SECRET}"
robot_code = "{ROBOT}"
api_base = "{api}"
oapi_base = "{api}"
stream_base = "{gateway}"
[long_connection]
lease_s = {lease_s}
standby_poll_s = {max(0.2, lease_s / 6)}
backoff_min_s = 0.2
backoff_max_s = 2.0
""", encoding="utf-8")
    return config


async def tally(url: str, api: FakeDingTalk, sessions: dict[str, int],
                frames: dict[int, str], gateway: FakeDingTalkStream) -> dict:
    tickets = await benchdb.tickets_by_mark(url, MARK)
    answers: dict[int, int] = {}
    for r in api.received:
        if r.api == "sendBySession" and r.dest in sessions and r.content.startswith("已建单"):
            answers[sessions[r.dest]] = answers.get(sessions[r.dest], 0) + 1
    acked = [i for i, mid in frames.items() if mid in gateway.acked_at]
    bad = [i for i in acked if not tickets.get(i) or not answers.get(i)]
    return {"sent": len(frames), "acked": len(acked),
            "processed": len(acked) - len(bad), "lost": len(bad), "lost_ids": bad,
            "duplicated": sum(1 for i in frames
                              if len(tickets.get(i, ())) > 1 or answers.get(i, 0) > 1),
            "dup_tickets": sum(1 for i in frames if len(tickets.get(i, ())) > 1),
            "dup_answers": sum(1 for i in frames if answers.get(i, 0) > 1),
            "tickets": sum(map(len, tickets.values())), "answers": sum(answers.values())}


async def watch_down(gateway: FakeDingTalkStream, stop: asyncio.Event) -> list[float]:
    """Seconds the stream had no live connection, each time it had none."""
    gaps, since = [], None
    while not stop.is_set():
        if not gateway.live and since is None:
            since = time.monotonic()
        elif gateway.live and since is not None:
            gaps.append(time.monotonic() - since)
            since = None
        await asyncio.sleep(0.02)
    return gaps


async def run_db(label: str, url: str, args: argparse.Namespace, rng: random.Random) -> dict:
    api = FakeDingTalk(app_key=APP_KEY, app_secret=SECRET, robot_code=ROBOT)
    api_base = await api.start()
    gateway = FakeDingTalkStream(client_id=APP_KEY, client_secret=SECRET)
    await gateway.start()
    with tempfile.TemporaryDirectory(prefix="deskbot-stream-") as tmp:
        cwd = Path(tmp)
        port = free_port(args.port)
        config = write_setup(cwd, url, port, api_base, gateway.base, args.lease_s)
        await deskbot(cwd, config, "migrate")
        await deskbot(cwd, config, "staff", "import", str(ROOT / "bot/demo/staff.csv"))
        await deskbot(cwd, config, "customers", "import", str(ROOT / "bot/demo/customers.csv"))
        bot = Bot(cwd, config, port)
        stop = asyncio.Event()
        try:
            await bot.start()
            await gateway.wait_connected(timeout=60)
            watcher = asyncio.ensure_future(watch_down(gateway, stop))
            planned = args.n / args.rate
            moments = sorted(rng.uniform(0.1, 0.9) * planned for _ in range(args.kills))
            sessions: dict[str, int] = {}
            frames: dict[int, str] = {}
            kills: list[float] = []
            starts: list[asyncio.Future] = []
            t0 = time.monotonic()
            for i in range(args.n):
                await asyncio.sleep(max(0.0, t0 + i / args.rate - time.monotonic()))
                # A kill waits for the bot to be up again after the last one.
                if moments and time.monotonic() - t0 >= moments[0] and bot.up.is_set():
                    moments.pop(0)
                    kills.append(time.monotonic() - t0)
                    await bot.kill()
                    starts.append(asyncio.ensure_future(bot.start()))
                webhook, expires = api.new_session(api_base, ttl_s=3600)
                sessions[webhook.rsplit("=", 1)[1]] = i
                _, body = dingtalk_message(
                    SECRET, msg_id=f"stream-bench-{i}", sender_staff_id=ENGINEERS[i % 4],
                    text=TEXT.format(i=i), at=time.time(), conversation_id="cidBENCH",
                    conversation_type="2", robot_code=ROBOT, session_webhook=webhook,
                    session_webhook_expired_ms=int(expires.timestamp() * 1000))
                frames[i] = await gateway.push_message(json.loads(body))
            sent_s = time.monotonic() - t0
            await asyncio.gather(*starts)
            t1 = shown = time.monotonic()
            while time.monotonic() - t1 < args.drain_timeout:
                r = await tally(url, api, sessions, frames, gateway)
                if r["acked"] == args.n and r["processed"] == args.n:
                    break
                if time.monotonic() - shown >= 10:
                    shown = time.monotonic()
                    print(f"  {label}: acked {r['acked']}, processed {r['processed']}",
                          flush=True)
                await asyncio.sleep(0.5)
            r = await tally(url, api, sessions, frames, gateway)
            stop.set()
            gaps = await watcher
            first_kill = t0 + (kills[0] if kills else sent_s)
            latencies = sorted(gateway.acked_at[m] - gateway.pushed_at[m]
                               for m in frames.values() if m in gateway.acked_at)
            steady = sorted(gateway.acked_at[m] - gateway.pushed_at[m]
                            for m in frames.values()
                            if m in gateway.acked_at and gateway.pushed_at[m] < first_kill - 1)
            r.update(kills=kills, gaps=gaps, sent_s=sent_s, drain_s=time.monotonic() - t1,
                     connects=gateway.connects, latencies=latencies, steady=steady)
            return r
        finally:
            stop.set()
            await bot.stop()
            await gateway.close()
            await api.close()


def pct(values: list[float], p: float) -> float:
    return values[min(len(values) - 1, int(len(values) * p / 100))]


def report(label: str, r: dict) -> None:
    lat, steady = r["latencies"], r["steady"]
    print(f"[{label}] sent {r['sent']}, acked {r['acked']}, processed {r['processed']}, "
          f"lost {r['lost']}, duplicated {r['duplicated']} (tickets {r['dup_tickets']}, "
          f"answers {r['dup_answers']}; {r['tickets']} tickets, {r['answers']} answers)")
    if r["dup_answers"] and not r["dup_tickets"]:
        print("  an answer twice, one ticket: the relay killed between DingTalk's ok and "
              "marking its row sent sends it again (a session webhook has no idempotency key)")
    print(f"  {len(r['kills'])} kill -9 at {', '.join(f'{k:.1f}' for k in r['kills'])} s; "
          f"stream down {', '.join(f'{g:.1f}' for g in r['gaps']) or '-'} s; "
          f"{r['connects']} connections; sending took {r['sent_s']:.1f} s, then "
          f"{r['drain_s']:.1f} s to drain")
    if steady:
        print(f"  push-to-ack before the first kill ({len(steady)} frames): p50 "
              f"{pct(steady, 50) * 1000:.1f} ms, p99 {pct(steady, 99) * 1000:.1f} ms")
    if lat:
        print(f"  push-to-ack over all: p50 {pct(lat, 50):.2f} s, p99 {pct(lat, 99):.2f} s, "
              f"worst {lat[-1]:.2f} s (a frame pushed while nobody held the stream waits for "
              f"the next holder, then for the backlog ahead of it)")
    if r["lost_ids"]:
        print(f"  lost: {r['lost_ids'][:20]}")


async def bench(args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)
    served.print_run_header(
        "DingTalk stream bench", "stream.py", args.seed,
        f"; N={args.n}, k={args.kills}, {args.rate:g} messages/s, lease {args.lease_s:g} s; bot, "
        f"fake gateway and fake DingTalk API on 127.0.0.1")
    bad = await benchdb.on_each_database(
        args.db, "stream", lambda label, url: run_db(label, url, args, rng), report)
    return 1 if bad else 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=600)
    p.add_argument("--kills", type=int, default=3)
    p.add_argument("--rate", type=float, default=30.0)
    p.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    p.add_argument("--lease-s", type=float, default=3.0)
    p.add_argument("--drain-timeout", type=float, default=300.0)
    p.add_argument("--seed", type=int, default=random.randrange(10_000))
    p.add_argument("--port", type=int, default=None)
    return asyncio.run(bench(p.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
