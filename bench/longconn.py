"""WeCom robot long connection: answer latency, and failover between two served instances.

Two `deskbot serve` processes share one PostgreSQL database (made for the run, see
bench/benchdb.py) and are configured for the intelligent robot's long connection against the
fake WeCom endpoint of tests/fakes/wecom_ws.py, served by this process on loopback. The bench
checks that only one instance subscribes, sends `--n` @-mentions one after another and times
each from the callback frame to the answer frame (`aibot_respond_msg`), then kills the holder
with SIGKILL (its lease is not released) and times how long until the standby subscribes and
until it answers. The failover is bounded by `long_connection.lease_s` (`--lease`) plus the
standby's poll; the answer latency includes the pipeline, the command and the relay.

    .venv/bin/python bench/longconn.py --n 100 --lease 10
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import benchdb  # noqa: E402
from bench.served import Bot, deskbot  # noqa: E402
from tests.fakes.wecom_ws import FakeWeComWs  # noqa: E402

BOT_ID, SECRET = "aibBench0001", "bench-secret"


def config(cwd: Path, name: str, *, url: str, port: int, ws_url: str, lease: float) -> Path:
    path = cwd / name
    path.write_text(
        f'[server]\nport = {port}\n[database]\nurl = "{url}"\n'
        f'[wecom.bot]\nenabled = true\nmode = "long_connection"\nbot_id = "{BOT_ID}"\n'
        f'secret = "{SECRET}"\nws_url = "{ws_url}"\n'
        f'[long_connection]\nlease_s = {lease}\nstandby_poll_s = 1.0\n', encoding="utf-8")
    return path


async def answered(fake: FakeWeComWs, text: str, msgid: str, timeout: float = 60) -> float:
    """Seconds from the callback frame to its answer on the same req_id."""
    began = time.monotonic()
    req = await fake.say(text, userid="zhangwei", chatid="wrBENCH01", msgid=msgid)
    while not any(f.req_id == req for f in fake.responds):
        if time.monotonic() - began > timeout:
            raise RuntimeError(f"no answer to {msgid} within {timeout} s")
        await asyncio.sleep(0.002)
    return time.monotonic() - began


def summary(seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[max(0, round(len(ms) * 0.95) - 1)]
    return (f"n={len(ms)} p50={statistics.median(ms):.1f} ms p95={p95:.1f} ms "
            f"max={ms[-1]:.1f} ms")


async def run(args: argparse.Namespace, url: str) -> None:
    fake = FakeWeComWs(BOT_ID, SECRET)
    runner = web.AppRunner(fake.app())
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", args.ws_port).start()
    fake.url = f"ws://127.0.0.1:{args.ws_port}/"
    bots: list[Bot] = []
    try:
        with tempfile.TemporaryDirectory(prefix="deskbot-longconn-") as tmp:
            cwd = Path(tmp)
            configs = [config(cwd, f"bot{i}.toml", url=url, port=args.port + i,
                              ws_url=fake.url, lease=args.lease) for i in (1, 2)]
            await deskbot(cwd, configs[0], "migrate")
            await deskbot(cwd, configs[0], "demo-data")
            bots = [Bot(cwd, c, args.port + i) for i, c in zip((1, 2), configs)]
            await bots[0].start()
            await fake.wait_live(timeout=60)
            await bots[1].start()
            await asyncio.sleep(args.lease / 2)
            print(f"instances: 2, subscriptions while both live: {fake.subscriptions}")

            first = [await answered(fake, "/帮助", f"warm-{i}") for i in range(3)]
            times = [await answered(fake, "/帮助", f"m{i}") for i in range(args.n)]
            print(f"answer latency (/帮助, after {len(first)} warm-up): {summary(times)}")

            holder = fake.live
            await bots[0].kill()
            killed = time.monotonic()
            while fake.live is None or fake.live is holder or not fake.live.subscribed:
                if time.monotonic() - killed > args.lease * 4 + 30:
                    raise RuntimeError("the standby never subscribed")
                await asyncio.sleep(0.01)
            subscribed = time.monotonic() - killed
            first_answer = await answered(fake, "/帮助", "after-failover")
            print(f"failover after SIGKILL of the holder (lease_s={args.lease:g}): standby "
                  f"subscribed after {subscribed:.2f} s, first answer "
                  f"{first_answer * 1000:.1f} ms later; subscriptions in all: "
                  f"{fake.subscriptions}")
    finally:
        for bot in bots:
            await bot.stop()
        await runner.cleanup()


async def bench(args: argparse.Namespace) -> int:
    if await benchdb.pg_server_version() is None:
        print(f"skipped: no PostgreSQL answers at {benchdb.PG_SERVER} (two instances need it)")
        return 1
    async with benchdb.pg_database("longconn") as url:
        assert url is not None
        await run(args, url)
    return 0


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=100, help="@-mentions timed one after another")
    p.add_argument("--lease", type=float, default=10.0, help="long_connection.lease_s")
    p.add_argument("--port", type=int, default=18230, help="the bots listen on port+1, port+2")
    p.add_argument("--ws-port", type=int, default=18229, help="the fake WeCom endpoint's port")
    raise SystemExit(asyncio.run(bench(p.parse_args())))


if __name__ == "__main__":
    main()
