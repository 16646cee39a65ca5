"""Inbound acknowledgement benchmark: how fast the bot durably accepts WeCom app callbacks.

    .venv/bin/python bench/inbound.py [--seconds N] [--concurrency C] [--rounds R]
                                      [--drain-seconds D] [--no-postgres] [--json]

Each target runs alone in its own process on 127.0.0.1, while the load generator runs in this
one (on a 2-core machine: a core each, and PostgreSQL's own processes share them):
  success  a bare aiohttp handler that reads the body and answers "success";
  decrypt  a bare aiohttp handler that checks the timestamp, verifies the signature, decrypts with
           wechatpy's WeChatCrypto and parses with parse_message, then answers "";
  bot      the real bot from create_app() on a fresh SQLite file, and on PostgreSQL where it
           answers (a database the bench creates for each round and drops, see bench/benchdb.py),
           with
           the demo data loaded and every platform sender replaced by a sink.
Every request is a signed, encrypted WeCom app callback carrying a unique
"/建单 客户=华东制造 打印凭证时报错 第N次" (its own MsgId) from a demo engineer, sent by an
aiohttp client at fixed concurrency for --seconds after a short warm-up. The targets run in
turn, --rounds times, and the ratios are taken within each round, because a shared machine's
speed drifts between rounds. Besides throughput and acknowledgement latency, each line gives the
server's CPU time per request (and PostgreSQL's, for the bot on PostgreSQL), which contention
disturbs less than throughput.

The bot answers 200 only once the event's row is committed (the pipeline's group commit), so its
figure is durable acceptance; after each run the benchmark counts the stored rows against the
requests sent. Processing (the /建单 itself: ticket, deadlines, audit, outbox, relay) runs in the
bot as in production (bot/pipeline.py: acknowledgements go first, processing gets a bounded
share), so the report says how much was processed during the run and how much
--drain-seconds later; the bot is then stopped without waiting for the rest.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402

from bench import benchdb  # noqa: E402

TOKEN = "benchToken"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
CORP_ID = "wwbench0000000001"
AGENT_ID = 1000002
PATH = "/wecom/app/callback"
ENGINEERS = ("zhangwei", "lina", "wangqiang", "zhaomin")
TEXT = "/建单 客户=华东制造 打印凭证时报错"


# -- the servers (run with --serve TARGET in a child process) -------------------------------------

def bare_app(kind: str) -> web.Application:
    from wechatpy.enterprise import parse_message
    from wechatpy.enterprise.crypto import WeChatCrypto

    crypto = WeChatCrypto(TOKEN, AES_KEY, CORP_ID)

    async def success(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(text="success")

    async def decrypt(request: web.Request) -> web.Response:
        q = request.query
        body = await request.read()
        if abs(time.time() - int(q.get("timestamp", "0"))) > 300:
            return web.Response(status=403)
        try:
            plain = crypto.decrypt_message(body.decode(), q["msg_signature"], q["timestamp"],
                                           q["nonce"])
        except Exception:  # noqa: BLE001 - any failure is a refusal here
            return web.Response(status=403)
        msg = parse_message(plain)
        if msg is None or not getattr(msg, "content", ""):
            return web.Response(status=400)
        return web.Response(text="")

    app = web.Application()
    app.router.add_post(PATH, success if kind == "success" else decrypt)
    return app


async def prepare_database(url: str) -> None:
    """Tables and the demo data, as `make run` would have them, in a database of the bench's own."""
    from tortoise import Tortoise

    from bot.cli import DEMO_CHATS, DEMO_DIR
    from bot.services.directory import imports
    from storage.db import tortoise_config
    from storage.models import Chat

    await Tortoise.init(config=tortoise_config(url))
    await Tortoise.generate_schemas(safe=False)
    await imports.import_staff(DEMO_DIR / "staff.csv")
    await imports.import_customers(DEMO_DIR / "customers.csv")
    for purpose, name in DEMO_CHATS:
        await Chat.create(platform="local", chat_key=purpose, purpose=purpose, name=name)
    await Tortoise.close_connections()


class SinkSender:
    """Stands in for every platform API (no traffic leaves 127.0.0.1): counts and returns."""

    def __init__(self, channels: tuple[str, ...]) -> None:
        self.channels = channels
        self.sent = 0

    async def send(self, msg, dedupe_key: str) -> None:
        self.sent += 1


def bot_app(url: str, batch_ms: float | None) -> web.Application:
    from bot import messages as base
    from bot.app import create_app
    from bot.settings import load_settings
    from storage.models import InboundEvent, Ticket

    overrides = dict(database__url=url, simulator__enabled=False, wecom__enabled=True,
                     wecom__corp_id=CORP_ID, wecom__token=TOKEN, wecom__encoding_aes_key=AES_KEY,
                     wecom__agent_id=AGENT_ID, wecom__secret="unused",
                     wecom__api_base="http://127.0.0.1:9")
    if batch_ms is not None:
        overrides["database__inbound_batch_ms"] = batch_ms
    settings = load_settings(None, **overrides)
    channels = tuple(v for k, v in vars(base).items() if k.startswith("CH_"))
    sink = SinkSender(channels)
    app = create_app(settings, senders={c: sink for c in channels})

    async def stats(request: web.Request) -> web.Response:
        return web.json_response({
            "events": await InboundEvent.all().count(),
            "processed": await InboundEvent.filter(processed_at__isnull=False).count(),
            "tickets": await Ticket.all().count(),
            "sent": sink.sent,
        })

    app.router.add_get("/bench/stats", stats)
    return app


def serve(target: str, url: str, batch_ms: float | None) -> None:
    import logging

    logging.basicConfig(level=logging.ERROR)
    if target == "bot":
        asyncio.run(prepare_database(url))
        app = bot_app(url, batch_ms)
    else:
        app = bare_app(target)

    async def main() -> None:
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        print(f"READY {port}", flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        loop.add_signal_handler(signal.SIGINT, stop.set)
        await stop.wait()
        await runner.cleanup()

    asyncio.run(main())


# -- the load generator --------------------------------------------------------------------------

class Callbacks:
    """Signed, encrypted WeCom app text callbacks, each with its own MsgId and text."""

    def __init__(self) -> None:
        import base64

        from wechatpy.crypto import _get_signature
        from wechatpy.enterprise.crypto import PrpCrypto

        self._sign = _get_signature
        self._prp = PrpCrypto(base64.b64decode(AES_KEY + "="))
        self._serial = itertools.count(1)
        self._run = int(time.time() * 1000)

    def next(self) -> tuple[dict[str, str], bytes]:
        n = next(self._serial)
        ts = str(int(time.time()))
        user = ENGINEERS[n % len(ENGINEERS)]
        plain = (f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName>"
                 f"<FromUserName><![CDATA[{user}]]></FromUserName><CreateTime>{ts}</CreateTime>"
                 f"<MsgType><![CDATA[text]]></MsgType>"
                 f"<Content><![CDATA[{TEXT} 第{n}次]]></Content>"
                 f"<MsgId>{self._run}{n:09d}</MsgId><AgentID>{AGENT_ID}</AgentID></xml>")
        encrypt = self._prp.encrypt(plain, CORP_ID).decode()
        nonce = str(n)
        query = {"msg_signature": self._sign(TOKEN, ts, nonce, encrypt), "timestamp": ts,
                 "nonce": nonce}
        body = (f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName>"
                f"<Encrypt><![CDATA[{encrypt}]]></Encrypt>"
                f"<AgentID><![CDATA[{AGENT_ID}]]></AgentID></xml>").encode()
        return query, body


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux), to price each request in CPU."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds() -> float:
    """CPU time used so far by the local PostgreSQL server's processes (Linux, same machine)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            name, rest = stat.read_text().split(") ", 1)
        except OSError:
            continue
        if name.endswith("(postgres"):
            fields = rest.split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


async def load(port: int, seconds: float, warmup: float, concurrency: int,
               pid: int = 0) -> dict:
    url = f"http://127.0.0.1:{port}{PATH}"
    gen = Callbacks()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    counting = False
    deadline = 0.0

    async def worker(session: aiohttp.ClientSession) -> None:
        while time.perf_counter() < deadline:
            query, body = gen.next()
            t0 = time.perf_counter()
            async with session.post(url, params=query, data=body) as resp:
                await resp.read()
                status = resp.status
            if counting:
                latencies.append(time.perf_counter() - t0)
                statuses[status] = statuses.get(status, 0) + 1

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        deadline = time.perf_counter() + warmup
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        counting = True
        cpu0, pg0 = cpu_seconds(pid), postgres_cpu_seconds()
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
        cpu, pg = cpu_seconds(pid) - cpu0, postgres_cpu_seconds() - pg0
    latencies.sort()
    ok = statuses.get(200, 0)
    return {"requests": len(latencies), "ok": ok, "statuses": statuses, "elapsed": elapsed,
            "cpu_ms": 1000 * cpu / ok if ok else float("nan"),
            "pg_cpu_ms": 1000 * pg / ok if ok else float("nan"),
            "rps": ok / elapsed, "warmup_and_run_sent": next(gen._serial) - 1,
            "p50_ms": 1000 * latencies[len(latencies) // 2] if latencies else float("nan"),
            "p99_ms": 1000 * latencies[int(len(latencies) * 0.99)] if latencies else float("nan"),
            "mean_ms": 1000 * statistics.fmean(latencies) if latencies else float("nan")}


class Server:
    def __init__(self, target: str, url: str = "", batch_ms: float | None = None) -> None:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--serve", target]
        if url:
            cmd += ["--url", url]
        if batch_ms is not None:
            cmd += ["--batch-ms", str(batch_ms)]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if not line.startswith("READY "):
            self.proc.kill()
            raise SystemExit(f"{target} server did not start: {line!r}")
        self.port = int(line.split()[1])

    def stop(self) -> None:
        # A graceful stop would work off the whole backlog first; the figures are taken by
        # then, so the bot gets a short grace and is then killed (its database is thrown away).
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


async def bot_stats(port: int) -> dict:
    async with aiohttp.ClientSession() as s:
        async with s.get(f"http://127.0.0.1:{port}/bench/stats") as resp:
            return await resp.json()


async def run_bot(url: str, args) -> dict:
    server = Server("bot", url, args.batch_ms)
    try:
        before = await bot_stats(server.port)
        result = await load(server.port, args.seconds, args.warmup, args.concurrency,
                            server.proc.pid)
        after_load = await bot_stats(server.port)
        t0 = time.perf_counter()
        drained = after_load
        while drained["processed"] < drained["events"] and \
                time.perf_counter() - t0 < args.drain_seconds:
            await asyncio.sleep(0.5)
            drained = await bot_stats(server.port)
        drain_s = time.perf_counter() - t0
    finally:
        server.stop()
    sent = result["warmup_and_run_sent"]
    result.update(stored=after_load["events"] - before["events"], sent_total=sent,
                  processed_during=after_load["processed"], drained=drained, drain_s=drain_s)
    return result


def fmt(r: dict, postgres: bool = False) -> str:
    other = {k: v for k, v in r["statuses"].items() if k != 200}
    pg = f" + PostgreSQL {r['pg_cpu_ms']:.2f}" if postgres else ""
    extra = f"  non-200: {other}" if other else ""
    return (f"{r['rps']:7.0f} req/s  p50 {r['p50_ms']:7.2f} ms  p99 {r['p99_ms']:7.2f} ms  "
            f"server CPU {r['cpu_ms']:.2f} ms/req{pg} ({r['ok']} acknowledged in "
            f"{r['elapsed']:.1f} s){extra}")


def describe_bot(r: dict, rnd: dict) -> list[str]:
    d = r["drained"]
    durable = "every 200 has its row" if r["stored"] >= r["sent_total"] else "ROWS MISSING"
    return [
        f"{'':>18}x{r['rps'] / rnd['success']['rps']:.2f} of success, "
        f"x{r['rps'] / rnd['decrypt']['rps']:.2f} of decrypt; {r['stored']} rows for "
        f"{r['sent_total']} requests sent, warm-up included ({durable})",
        f"{'':>18}processing: {r['processed_during']} of {r['stored']} /建单 done when the "
        f"load stopped, {d['processed']} after {r['drain_s']:.1f} s more ({d['tickets']} "
        f"tickets; {d['sent']} replies and notices handed to the sink)"]


async def bench(args) -> None:
    import wechatpy

    print(f"deskbot inbound bench  {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    print(f"CPU count {os.cpu_count()}, Python {platform.python_version()}, aiohttp "
          f"{aiohttp.__version__}, wechatpy {wechatpy.__version__}; concurrency "
          f"{args.concurrency}, {args.seconds:g} s per target after {args.warmup:g} s warm-up, "
          f"{args.rounds} round(s); load generator and server in separate processes on 127.0.0.1")
    dbs = [("sqlite", benchdb.sqlite_database)]
    if args.postgres and await benchdb.pg_server_version():
        dbs.append(("postgres", benchdb.pg_database))
    elif args.postgres:
        print(f"PostgreSQL not reachable at {benchdb.PG_SERVER}: skipped")
    rounds: list[dict[str, dict]] = []
    for n in range(args.rounds):
        rnd: dict[str, dict] = {}
        print(f"round {n + 1}")
        for target in ("success", "decrypt"):
            server = Server(target)
            try:
                rnd[target] = await load(server.port, args.seconds, args.warmup,
                                         args.concurrency, server.proc.pid)
            finally:
                server.stop()
            print(f"{target:>16}: {fmt(rnd[target])}")
        for name, database in dbs:
            async with database(f"inbound_r{n}") as url:
                rnd[name] = r = await run_bot(url, args)
            print(f"{'bot ' + name:>16}: {fmt(r, name == 'postgres')}")
            for line in describe_bot(r, rnd):
                print(line)
        rounds.append(rnd)
    if args.rounds > 1:
        print(f"median of {args.rounds} rounds (ratios taken within each round):")
        for target in ("success", "decrypt", *(name for name, _ in dbs)):
            rps = statistics.median(r[target]["rps"] for r in rounds)
            p50 = statistics.median(r[target]["p50_ms"] for r in rounds)
            p99 = statistics.median(r[target]["p99_ms"] for r in rounds)
            line = f"{target:>16}: {rps:7.0f} req/s  p50 {p50:7.2f} ms  p99 {p99:7.2f} ms"
            if target not in ("success", "decrypt"):
                to_ok = statistics.median(r[target]["rps"] / r["success"]["rps"] for r in rounds)
                to_dec = statistics.median(r[target]["rps"] / r["decrypt"]["rps"]
                                           for r in rounds)
                line += f"  x{to_ok:.2f} of success, x{to_dec:.2f} of decrypt"
            print(line)
    if args.json:
        print(json.dumps(rounds, ensure_ascii=False, default=str))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--warmup", type=float, default=1.0)
    p.add_argument("--rounds", type=int, default=3, help="targets are run in turn this often")
    p.add_argument("--concurrency", type=int, default=64)
    p.add_argument("--drain-seconds", type=float, default=20.0)
    p.add_argument("--batch-ms", type=float, default=None, help="override inbound_batch_ms")
    p.add_argument("--no-postgres", dest="postgres", action="store_false")
    p.add_argument("--json", action="store_true")
    p.add_argument("--serve", choices=("success", "decrypt", "bot"), help=argparse.SUPPRESS)
    p.add_argument("--url", default="", help=argparse.SUPPRESS)
    args = p.parse_args()
    if not 0 < args.seconds <= 600 or not 1 <= args.concurrency <= 1024 \
            or not 1 <= args.rounds <= 20:
        p.error("--seconds must be in (0, 600], --concurrency in [1, 1024], --rounds in [1, 20]")
    if args.serve:
        serve(args.serve, args.url, args.batch_ms)
    else:
        asyncio.run(bench(args))


if __name__ == "__main__":
    main()
