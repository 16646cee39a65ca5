"""Steady-load benchmark: does processing keep up as the offered rate grows?

    .venv/bin/python bench/load.py [--rates 20,50,100,200] [--seconds 60] [--no-postgres]

For each database (SQLite in a temporary directory; PostgreSQL in a database this bench creates,
`deskbot_bench_load` on DESKBOT_BENCH_PG_SERVER, default postgres://postgres@127.0.0.1:5432, and
drops at the end) a real `deskbot serve` runs as a child process with a config file of its own,
sending through a fake WeCom API (tests/fakes/wecom_api.py) that this process serves on loopback.
Staff are synthetic engineers (enough that no one exceeds WeCom's 30 app messages a minute, so
the relay never has to merge replies into digests). Each rate runs for --seconds, the rates in
turn on the same bot: signed, encrypted WeCom app callbacks sent open-loop at a fixed rate, the
mix 60 % /单 /查 /我的, 30 % /建单, 10 % /接单 /解决.

Per rate it prints: offered/s; processed/s (events the bot marked processed during the window,
from the database); acknowledgement p50/p99; callback-to-reply p50/p99 (a reply is matched to
its callback first-in first-out per recipient, as the relay sends each recipient's rows in order;
callbacks still unanswered when the next rate starts are counted as `unanswered`); the bot's CPU
(from /proc of the child, in % of one core), and this process's own (the load and the fake
WeCom API share the machine's cores with the bot and the database: on 2 cores, a falling bot
CPU at the highest rate means the machine, not the bot, ran out).
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402

from bench.inbound import AES_KEY, AGENT_ID, CORP_ID, PATH, TOKEN, cpu_seconds  # noqa: E402
from tests.fakes.wecom_api import FakeWeCom  # noqa: E402

PG_SERVER = os.environ.get("DESKBOT_BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
PG_DB = "deskbot_bench_load"
SECRET = "bench-secret"
USERS = 1200
# The bench ports of this work tree's engineer; DESKBOT_BENCH_PORTS=18160-18179 narrows them
# when several engineers bench on one machine.
_FIRST, _, _LAST = os.environ.get("DESKBOT_BENCH_PORTS", "18130-18199").partition("-")
PORTS = range(int(_FIRST), int(_LAST or _FIRST) + 1)
PORT = 0  # the served bot's, chosen free per database


class TimedWeCom(FakeWeCom):
    """The fake WeCom API, recording only who got a message when (its body comparison for
    enable_duplicate_check scans every earlier message, too slow for thousands)."""

    def __init__(self) -> None:
        super().__init__(corp_id=CORP_ID, secret=SECRET, agent_id=AGENT_ID, limits={})
        self.arrivals: dict[str, collections.deque[float]] = collections.defaultdict(
            collections.deque)
        self.count = 0

    async def _deliver(self, api: str, dest: str, body: dict) -> bool:
        self.arrivals[dest].append(time.perf_counter())
        self.count += 1
        return True


class Callbacks:
    def __init__(self) -> None:
        import base64

        from wechatpy.crypto import _get_signature
        from wechatpy.enterprise.crypto import PrpCrypto

        self._sign = _get_signature
        self._prp = PrpCrypto(base64.b64decode(AES_KEY + "="))
        self._n = 0
        self._run = int(time.time() * 1000)
        self._rng = random.Random(9)
        self.tickets = 1

    def text(self) -> str:
        r, t = self._rng.random(), f"T{self._rng.randint(1, max(1, self.tickets))}"
        if r < 0.2:
            return f"/单 {t}"
        if r < 0.4:
            return "/查 打印凭证"
        if r < 0.6:
            return "/我的"
        if r < 0.9:
            self.tickets += 1
            return f"/建单 客户=华东制造 打印凭证时报错 第{self._n}次 编号{self._rng.random()}"
        return f"/接单 {t}" if r < 0.95 else f"/解决 {t} 已重装驱动"

    def next(self) -> tuple[str, dict[str, str], bytes]:
        self._n += 1
        n, ts = self._n, str(int(time.time()))
        user = f"eng{n % USERS:04d}"
        plain = (f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName>"
                 f"<FromUserName><![CDATA[{user}]]></FromUserName><CreateTime>{ts}</CreateTime>"
                 f"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{self.text()}]]>"
                 f"</Content><MsgId>{self._run}{n:09d}</MsgId><AgentID>{AGENT_ID}</AgentID></xml>")
        encrypt = self._prp.encrypt(plain, CORP_ID).decode()
        query = {"msg_signature": self._sign(TOKEN, ts, str(n), encrypt), "timestamp": ts,
                 "nonce": str(n)}
        body = (f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><Encrypt><![CDATA["
                f"{encrypt}]]></Encrypt><AgentID><![CDATA[{AGENT_ID}]]></AgentID></xml>").encode()
        return user, query, body


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def free_port() -> int:
    import socket

    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


def write_config(tmp: Path, url: str, api_base: str) -> Path:
    cfg = tmp / "deskbot.toml"
    cfg.write_text(f"""
[server]
host = "127.0.0.1"
port = {PORT}
public_url = "http://127.0.0.1:{PORT}"
[database]
url = "{url}"
[simulator]
enabled = false
[wecom]
enabled = true
corp_id = "{CORP_ID}"
agent_id = {AGENT_ID}
secret = "{SECRET}"
token = "{TOKEN}"
encoding_aes_key = "{AES_KEY}"
api_base = "{api_base}"
""", encoding="utf-8")
    staff = tmp / "staff.csv"
    rows = ["userid,name,mobile,roles,team"]
    rows += [f"eng{i:04d},工程师{i},139{i:08d},engineer,热线组" for i in range(USERS)]
    staff.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return cfg


def deskbot(cfg: Path, *args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", "-c", str(cfg), *args], cwd=ROOT,
                          check=True, capture_output=True, text=True, **kw)


async def processed_count(url: str) -> int:
    from tortoise import Tortoise

    from storage.db import connection, tortoise_config

    await Tortoise.init(config=tortoise_config(url))
    try:
        _, rows = await connection().execute_query(
            'SELECT count(*) AS n FROM "inbound_event" WHERE "processed_at" IS NOT NULL')
        return int(rows[0]["n"])
    finally:
        await Tortoise.close_connections()


async def wait_ready(port: int, proc: subprocess.Popen) -> None:
    async with aiohttp.ClientSession() as s:
        for _ in range(300):
            if proc.poll() is not None:
                raise SystemExit(f"deskbot serve exited with {proc.returncode}")
            try:
                async with s.get(f"http://127.0.0.1:{port}/healthz") as r:
                    if r.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise SystemExit("deskbot serve did not become healthy")


async def run_rate(rate: float, seconds: float, gen: Callbacks, api: TimedWeCom,
                   session: aiohttp.ClientSession, url: str, pid: int) -> dict:
    sent: dict[str, collections.deque[float]] = collections.defaultdict(collections.deque)
    acks: list[float] = []
    replies: list[float] = []
    statuses: collections.Counter[int] = collections.Counter()
    target = f"http://127.0.0.1:{PORT}{PATH}"

    async def one(user: str, query: dict, body: bytes) -> None:
        t0 = time.perf_counter()
        try:
            async with session.post(target, params=query, data=body) as resp:
                await resp.read()
                statuses[resp.status] += 1
                if resp.status == 200:
                    sent[user].append(t0)
        except aiohttp.ClientError:
            statuses[0] += 1
        acks.append(time.perf_counter() - t0)

    def match() -> None:
        for user, times in sent.items():
            arrived = api.arrivals.get(user)
            while times and arrived:
                replies.append(arrived.popleft() - times.popleft())

    for q in api.arrivals.values():
        q.clear()
    before, cpu0 = await processed_count(url), cpu_seconds(pid)
    own0 = time.process_time()
    tasks: set[asyncio.Task] = set()
    start = time.perf_counter()
    n = int(rate * seconds)
    for i in range(n):
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(one(*gen.next()))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    if tasks:
        await asyncio.wait(tasks, timeout=30)
    elapsed = time.perf_counter() - start
    cpu, own = cpu_seconds(pid) - cpu0, time.process_time() - own0
    processed = await processed_count(url) - before
    await asyncio.sleep(min(5.0, seconds / 4))  # replies to the last callbacks of the window
    match()
    return {"rate": rate, "offered": n / elapsed, "processed": processed / elapsed,
            "ack50": pct(acks, 0.5), "ack99": pct(acks, 0.99), "rep50": pct(replies, 0.5),
            "rep99": pct(replies, 0.99), "cpu": 100 * cpu / elapsed,
            "own": 100 * own / elapsed,
            "unanswered": sum(len(t) for t in sent.values()), "statuses": dict(statuses)}


async def bench_db(name: str, url: str, rates: list[float], seconds: float, tmp: Path) -> None:
    global PORT
    PORT = free_port()
    api = TimedWeCom()
    api_base = await api.start()
    cfg = write_config(tmp, url, api_base)
    deskbot(cfg, "migrate")
    deskbot(cfg, "demo-data")
    deskbot(cfg, "staff", "import", str(tmp / "staff.csv"))
    log = (tmp / f"serve-{name}.log").open("w")
    proc = serve(cfg, log)
    try:
        await wait_ready(PORT, proc)
        if proc.poll() is not None:  # the port was taken meanwhile: that was another's bot
            raise SystemExit(f"deskbot serve exited with {proc.returncode}")
        gen = Callbacks()
        conn = aiohttp.TCPConnector(limit=500)
        async with aiohttp.ClientSession(connector=conn,
                                         timeout=aiohttp.ClientTimeout(total=30)) as session:
            for rate in rates:
                r = await run_rate(rate, seconds, gen, api, session, url, proc.pid)
                print(f"{name:8} offered {r['offered']:6.1f}/s  processed {r['processed']:6.1f}/s"
                      f"  ack p50 {r['ack50'] * 1000:6.1f} ms p99 {r['ack99'] * 1000:7.1f} ms"
                      f"  reply p50 {r['rep50']:6.2f} s p99 {r['rep99']:6.2f} s"
                      f"  bot CPU {r['cpu']:5.1f} %  load+fake API CPU {r['own']:5.1f} %"
                      f"  unanswered {r['unanswered']}"
                      f"  statuses {r['statuses']}", flush=True)
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        await api.close()


def serve(cfg: Path, log) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "bot", "-c", str(cfg), "serve"], cwd=ROOT,
                            stdout=log, stderr=subprocess.STDOUT)


def psql(sql: str) -> None:
    subprocess.run(["psql", f"{PG_SERVER}/postgres", "-q", "-c", sql], check=True,
                   capture_output=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rates", default="20,50,100,200")
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--no-postgres", action="store_true")
    ap.add_argument("--no-sqlite", action="store_true")
    ap.add_argument("--pg-db", default=PG_DB, help="the PostgreSQL database to create and drop")
    args = ap.parse_args()
    rates = [float(r) for r in args.rates.split(",")]
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    print(f"# bench/load.py at {commit}: {', '.join(f'{r:g}/s' for r in rates)} for "
          f"{args.seconds:g} s each; bot = `deskbot serve` child on a free 127.0.0.1 port, load and "
          f"fake WeCom API in this process; {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M:%S %Z')}", flush=True)
    with tempfile.TemporaryDirectory(prefix="deskbot-load-") as tmp:
        if not args.no_sqlite:
            asyncio.run(bench_db("sqlite", f"sqlite://{tmp}/bench.sqlite3", rates,
                                 args.seconds, Path(tmp)))
        if not args.no_postgres:
            try:
                psql(f"CREATE DATABASE {args.pg_db}")
            except subprocess.CalledProcessError as exc:
                # Never drop a database this run did not create.
                raise SystemExit(
                    f"cannot create database {args.pg_db}: {exc.stderr.decode().strip()}") from None
            try:
                asyncio.run(bench_db("postgres", f"{PG_SERVER}/{args.pg_db}", rates, args.seconds,
                                     Path(tmp)))
            finally:
                psql(f"DROP DATABASE IF EXISTS {args.pg_db} WITH (FORCE)")


if __name__ == "__main__":
    main()
