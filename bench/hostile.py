"""Hostile-request fuzzing: N random hostile requests over every inbound door of a served bot.

    .venv/bin/python bench/hostile.py [--requests N] [--concurrency C] [--seed S] [--port P]
                                      [--pg-url postgres://.../bench_edge]

The bot is create_app() with the WeCom app, the WeCom robot, DingTalk and the simulator all
enabled, served on 127.0.0.1:--port (default 18377) from a fresh SQLite file in a temporary
directory, or from --pg-url (a database you created for this: its tables are created with
`deskbot migrate` semantics and left in place; nothing is dropped). Every platform sender is
a sink: nothing leaves 127.0.0.1.

Each request takes a random door and a random way to be wrong: no or forged signatures
(non-ASCII, undecodable), odd timestamps, empty, oversize, non-UTF-8 or deeply nested bodies,
wrong content types and methods, and signed bodies whose fields have random wrong types,
control characters or surrogates, plus the table of tests/test_edge_hostile.py. It prints the
status histogram per door and how many errors were logged while the bot processed what it
accepted (--drain-seconds), and exits 1 if any answer was a 5xx (the target is zero).
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import copy
import json
import logging
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402
from yarl import URL  # noqa: E402

from bench.inbound import SinkSender  # noqa: E402
from bot.clock import SystemClock  # noqa: E402
from tests import hostile_cases as table  # noqa: E402

WEIRD = ["", "²", "\x00", "\ud800", "é" * 50, "1" + "0" * 400, "-1", "null", "[]", " ", "\u202e",
         "9" * 30, "<a>", '"', "\\", "%FF"]
VALUES = [None, 0, -1, 1e999, True, "", "x" * 300, [], {}, [1], {"a": [1]}, "a\x00b",
          "\ud800", "²", 10 ** 40]


def _mutate(payload: dict, rng: random.Random) -> dict:
    out = json.loads(json.dumps(payload))
    for _ in range(rng.randint(1, 3)):
        keys = list(out)
        key = rng.choice(keys)
        if isinstance(out[key], dict) and out[key] and rng.random() < 0.5:
            inner = rng.choice(list(out[key]))
            out[key][inner] = copy.deepcopy(rng.choice(VALUES))
        else:
            # A copy: the shared {"a": [1]} mutated into itself would be a cycle json refuses.
            out[key] = copy.deepcopy(rng.choice(VALUES))
    return out


def _body(rng: random.Random) -> bytes:
    kind = rng.randrange(6)
    if kind == 0:
        return b""
    if kind == 1:
        depth = rng.choice([40, 1000, 30_000])
        return (("[" if rng.random() < 0.5 else '{"a":') * depth).encode()
    if kind == 2:
        return bytes(rng.randrange(256) for _ in range(rng.randint(1, 2000)))
    if kind == 3:
        return b"A" * (300 * 1024)
    if kind == 4:
        return ("<xml>" + "<a>" * rng.choice([10, 30_000]) + "</xml>").encode()
    return json.dumps({"encrypt": rng.choice(WEIRD)}).encode("utf-8", "surrogatepass")


def random_case(rng: random.Random, clock) -> tuple[str, str, tuple, dict, bytes]:
    """(door, method, target, headers, body) of one random hostile request."""
    door = rng.choice(list(table.TABLES))
    if rng.random() < 0.3:  # one of the tested cases
        case = rng.choice(table.TABLES[door])
        method, target, headers, body = case.build(clock)
        return door, method, target, headers, body
    path = {"wecom_app": table.wecom_app.PATH, "wecom_bot": table.wecom_bot.PATH,
            "dingtalk": rng.choice([table.dingtalk.PATH, table.dingtalk.CARD_PATH]),
            "simulator": rng.choice(["/sim/api/send", "/sim/api/click", "/sim/api/messages",
                                     "/sim/api/login"])}[door]
    method = rng.choice(["POST"] * 6 + ["GET", "PUT", "DELETE"])
    headers = {"Content-Type": rng.choice(["application/json", "text/plain", "text/xml",
                                           "application/x-www-form-urlencoded", "",
                                           "multipart/form-data; boundary=x"])}
    if door == "dingtalk":
        headers.update(table.dingtalk_headers(table.DING_SECRET, at=clock))
        if rng.random() < 0.3:
            headers[rng.choice(["sign", "timestamp"])] = rng.choice(WEIRD[:5] + ["AAAA"])
            headers = {k: v for k, v in headers.items() if "\x00" not in v and "\ud800" not in v}
        body = (json.dumps(_mutate(json.loads(table.ding_body()), rng)).encode()
                if rng.random() < 0.6 else _body(rng))
        return door, method, (path, None), headers, body
    if door == "wecom_bot" and rng.random() < 0.6:
        plain = json.dumps(_mutate(table.robot_payload(), rng), ensure_ascii=False)
        params, body = table.wecom_bot_encrypt_plain(table.BOT, plain.encode(
            "utf-8", "surrogatepass").decode("utf-8", "replace"), at=clock)
        return door, method, (path, params), headers, body
    if door == "wecom_app" and rng.random() < 0.5:
        xml = table.app_text_xml(sender=rng.choice(["zhangwei", "<a/>", "&#1;", "x" * 300]),
                                 created=rng.choice(["1795000000", "²", "", "9" * 40]),
                                 msg_id=rng.choice(["1", "", "<b>1</b>", "m" * 300]))
        params, body = table.wecom_encrypt_xml(table.APP, xml, at=clock, agent_id=table.AGENT)
        return door, method, (path, params), headers, body
    params = {k: rng.choice(WEIRD) for k in ("msg_signature", "timestamp", "nonce", "since")
              if rng.random() < 0.7}
    if door == "simulator" and rng.random() < 0.5:
        body = json.dumps(_mutate({"userid": "admin", "conv": "user", "text": "/帮助",
                                   "key": "claim:T1"}, rng)).encode()
        headers["Origin"] = rng.choice(["http://evil.example", "null", "http://127.0.0.1"])
        return door, method, (path, params), headers, body
    return door, method, (path, params), headers, _body(rng)


class ErrorCount(logging.Handler):
    """Counts ERROR records: a signed body that got in must not fail its processing."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.n = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.n += 1


async def serve(url: str, port: int) -> web.AppRunner:
    from bot import messages
    from bot.app import create_app
    from bot.settings import load_settings
    from storage.db import migrate

    await migrate(url)
    settings = load_settings(
        None, database__url=url, simulator__enabled=True, center__admins=["admin"],
        wecom__enabled=True, wecom__corp_id=table.CORP, wecom__agent_id=table.AGENT,
        wecom__token=table.APP.token, wecom__encoding_aes_key=table.APP.encoding_aes_key,
        wecom__bot__enabled=True, wecom__bot__token=table.BOT.token,
        wecom__bot__encoding_aes_key=table.BOT.encoding_aes_key, dingtalk__enabled=True,
        dingtalk__app_secret=table.DING_SECRET)
    channels = tuple(v for k, v in vars(messages).items() if k.startswith("CH_"))
    sink = SinkSender(channels)
    app = create_app(settings, senders={ch: sink for ch in channels})
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner


async def fire(n: int, concurrency: int, seed: int, port: int) -> dict:
    rng, clock = random.Random(seed), SystemClock()
    hist: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    base_url = f"http://127.0.0.1:{port}"
    sem = asyncio.Semaphore(concurrency)
    timeout = aiohttp.ClientTimeout(total=30)

    async def one(session: aiohttp.ClientSession, spec) -> None:
        door, method, target, headers, body = spec
        if isinstance(target, URL):  # a query sent as is, undecodable escapes and all
            url = URL(base_url + str(target), encoded=True)
        else:
            path, params = target
            url = URL(base_url + path)
            if params:
                url = url.with_query({k: v.encode("utf-8", "surrogatepass").decode(
                    "utf-8", "replace") for k, v in params.items()})
        async with sem:
            try:
                async with session.request(method, url, headers=headers, data=body) as resp:
                    await resp.read()
                    hist[door][str(resp.status)] += 1
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
                hist[door][f"client:{type(exc).__name__}"] += 1

    async with aiohttp.ClientSession(timeout=timeout) as session:
        specs = [random_case(rng, clock) for _ in range(n)]
        await asyncio.gather(*(one(session, s) for s in specs))
    return hist


async def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=5000)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--seed", type=int, default=9)
    ap.add_argument("--port", type=int, default=18377)
    ap.add_argument("--pg-url", default="")
    ap.add_argument("--drain-seconds", type=float, default=5.0)
    args = ap.parse_args()
    errors = ErrorCount()
    logging.getLogger().addHandler(errors)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.pg_url or f"sqlite://{tmp}/hostile.sqlite3"
        runner = await serve(url, args.port)
        started = time.perf_counter()
        try:
            hist = await fire(args.requests, args.concurrency, args.seed, args.port)
            await asyncio.sleep(args.drain_seconds)  # let what was accepted be processed
        finally:
            await runner.cleanup()
        took = time.perf_counter() - started
    fivexx = sum(c for h in hist.values() for s, c in h.items() if s.startswith("5"))
    print(f"{args.requests} hostile requests, seed {args.seed}, concurrency {args.concurrency}, "
          f"{'PostgreSQL' if args.pg_url else 'SQLite'}, {took:.1f} s")
    for door in sorted(hist):
        print(f"  {door:10} " + "  ".join(f"{s}:{c}" for s, c in sorted(hist[door].items())))
    print(f"5xx: {fivexx}; errors logged while processing what was accepted: {errors.n}")
    return 1 if fivexx else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
