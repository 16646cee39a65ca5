"""Nothing accepted is lost, and unexpected errors take one path, on SQLite and PostgreSQL.

A dead instance's events are taken over by a live one once the lease runs out (without a
restart: the live instance's own sweep finds them); a failing event is retried with backoff and,
past inbound.max_attempts, dead-lettered with its sender and the admins told exactly once; a
poison event does not hold up the next one; the HTTP request id is stored with the event and is
the reference the user and the admins see; job and relay errors reach the admins the same way,
at most once per kind of error per window.
"""
from __future__ import annotations

import asyncio
import json
import random
from datetime import timedelta

import pytest

from bot import failures, keys, messages as base, texts
from bot.app import report_error
from bot.dispatcher import Dispatcher
from bot.messages import InboundMessage, OutboundMessage, Reply
from bot.pipeline import Pipeline
from bot.services.outbox import enqueue
from bot.settings import load_settings
from commands import all_routers
from notifiers.relay import Relay
from storage.models import InboundEvent, OutboxMessage, Ticket
from tests.app_harness import start_bot

ADMIN = "zhaomin"
CREATE = "/建单 客户=华东制造 打印凭证时报错"


@pytest.fixture
def settings(demo):
    return load_settings(None, database__url=demo, simulator__enabled=True,
                         center__admins=[ADMIN], inbound__max_attempts=3,
                         inbound__retry_base_s=2.0, inbound__sweep_s=0.05)


def message(key: str, text: str, sender: str = "zhangwei") -> InboundMessage:
    return InboundMessage(platform=base.LOCAL, dedupe_key=f"local:{key}", sender_id=sender,
                          chat_type=base.PRIVATE, text=text,
                          reply=Reply(channel=base.CH_LOCAL, address=f"user:{sender}"))


async def accept(pipe: Pipeline, msg: InboundMessage, request_id: str) -> None:
    token = failures.REQUEST_ID.set(request_id)  # what request_id_middleware does per request
    try:
        assert await pipe.accept(msg) is True
    finally:
        failures.REQUEST_ID.reset(token)


class Dies(Dispatcher):
    """The instance dies while processing: its command never finishes."""

    def __init__(self, real: Dispatcher) -> None:
        self.__dict__.update(real.__dict__)

    async def handle(self, msg):
        raise asyncio.CancelledError("killed while processing")


class Poison(Dispatcher):
    """One message's processing raises every time; the others run normally."""

    def __init__(self, real: Dispatcher, text: str) -> None:
        self.__dict__.update(real.__dict__)
        self.text = text

    async def handle(self, msg):
        if msg.text == self.text:
            raise RuntimeError("poison")
        return await super().handle(msg)


async def outbox(prefix: str) -> list[tuple[str, str, str]]:
    rows = await OutboxMessage.filter(dedupe_key__startswith=prefix).order_by("id")
    return [(r.dedupe_key, r.address, OutboundMessage.from_json(r.payload).text) for r in rows]


async def eventually(check, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not await check():
        assert loop.time() < end, "not reached in time"
        await asyncio.sleep(0.02)


async def test_a_dead_instances_event_is_processed_by_a_live_one_after_its_lease(
        settings, env, clock):
    env.settings = settings
    dead = Pipeline(env, Dies(Dispatcher(env, all_routers())), owner="instance-dead")
    live = Pipeline(env, Dispatcher(env, all_routers()), owner="instance-live")
    await dead.start()
    try:
        await accept(dead, message("dead-1", CREATE), "req-dead-1")
        await dead.drain()
        await dead.stop()  # gone, its lease still on the event
        await live.start()  # running before the lease runs out: no restart is needed after
        row = await InboundEvent.get(dedupe_key="local:dead-1")
        assert row.processed_at is None and row.attempts == 1 and row.lease_until is not None
        await live.drain()  # the lease is live: the live instance leaves the event alone
        assert await Ticket.all().count() == 0

        clock.advance(seconds=settings.inbound.lease_s + 1)

        async def processed() -> bool:
            return (await InboundEvent.get(id=row.id)).processed_at is not None

        await eventually(processed)  # the live instance's own sweep, no restart, no drain
        row = await InboundEvent.get(id=row.id)
        assert row.attempts == 2 and row.lease_until is None and row.dead_at is None
        assert await Ticket.all().count() == 1
        [(_, address, text)] = await outbox(f"reply:{row.id}")
        assert address == "user:zhangwei" and text.startswith("已建单 T")
    finally:
        await live.stop()


async def test_a_failing_event_is_retried_then_dead_lettered_and_does_not_block_others(
        settings, env, clock):
    env.settings = settings
    bad = "/我的 坏消息"
    pipe = Pipeline(env, Poison(Dispatcher(env, all_routers()), bad))
    await pipe.start()
    try:
        await accept(pipe, message("poison", bad), "req-poison-1")
        await accept(pipe, message("next", CREATE, sender="lina"), "req-next-1")
        await pipe.drain()
        poison = await InboundEvent.get(dedupe_key="local:poison")
        good = await InboundEvent.get(dedupe_key="local:next")
        assert good.processed_at is not None and await Ticket.all().count() == 1
        assert poison.processed_at is None and poison.dead_at is None
        assert poison.attempts == 1 and poison.lease_until is None
        assert poison.next_attempt_at == clock.now() + timedelta(seconds=2)
        assert "RuntimeError: poison" in poison.last_error
        assert poison.request_id == "req-poison-1" and good.request_id == "req-next-1"

        await pipe.drain()  # not due yet: no attempt
        assert (await InboundEvent.get(id=poison.id)).attempts == 1
        clock.advance(seconds=2)
        await pipe.drain()
        poison = await InboundEvent.get(id=poison.id)
        assert poison.attempts == 2 and poison.next_attempt_at == clock.now() + timedelta(
            seconds=4)  # the backoff doubles
        assert await outbox("failed:") == [] and await outbox("inbound-dead:") == []

        clock.advance(seconds=4)
        await pipe.drain()
        poison = await InboundEvent.get(id=poison.id)
        assert poison.attempts == 3 and poison.dead_at == clock.now()
        assert poison.processed_at is None and poison.lease_until is None
        assert await outbox("failed:") == [(
            f"failed:{poison.id}", "user:zhangwei",
            "处理失败，参考号 req-poison-1：“/我的 坏消息”多次重试仍未能处理，已通知管理员，请稍后再试。")]
        [(key, _, text)] = await outbox("inbound-dead:")
        assert key == f"inbound-dead:{poison.id}:{ADMIN}"
        assert text == ("【系统错误】zhangwei 的消息“/我的 坏消息”经 3 次尝试仍处理失败，已停止重试"
                        "（参考号 req-poison-1）：RuntimeError: poison")

        clock.advance(seconds=3600)  # a dead letter is never tried again, nor told twice
        await pipe.drain()
        assert (await InboundEvent.get(id=poison.id)).attempts == 3
        assert len(await outbox("failed:")) == 1 and len(await outbox("inbound-dead:")) == 1
        assert await outbox("reply:") == [(f"reply:{good.id}", "user:lina",
                                           (await outbox(f"reply:{good.id}"))[0][2])]
    finally:
        await pipe.stop()


async def test_an_event_that_kills_every_try_is_dead_lettered_without_another(
        settings, env, clock):
    env.settings = settings
    msg = message("killer", CREATE)
    # Three tries claimed it (max_attempts) and none came back; the last lease has run out.
    row = await InboundEvent.create(
        dedupe_key=msg.dedupe_key, platform=msg.platform, payload=msg.to_json(),
        received_at=clock.now(), attempts=3, request_id="req-killer-1",
        lease_until=clock.now() - timedelta(seconds=1))
    pipe = Pipeline(env, Dies(Dispatcher(env, all_routers())))
    await pipe.start()
    try:
        await pipe.drain()
    finally:
        await pipe.stop()
    row = await InboundEvent.get(id=row.id)
    assert row.dead_at == clock.now() and row.processed_at is None and row.attempts == 4
    assert "interrupted 3 times" in row.last_error
    [(_, _, text)] = await outbox("failed:")
    assert text.startswith("处理失败，参考号 req-killer-1：")
    assert len(await outbox("inbound-dead:")) == 1 and await Ticket.all().count() == 0


async def test_the_request_id_is_the_reference_of_a_failed_command(
        settings, clock, aiohttp_client, monkeypatch):
    bot = await start_bot(aiohttp_client, settings, clock)

    async def broken(ctx):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(bot.pipeline.dispatcher.find("我的"), "handler", broken)
    for rid in ("req-http-1", "req-http-2"):
        body = {"userid": "zhangwei", "conv": "user", "text": "/我的"}
        resp = await bot.client.post("/sim/api/send", data=json.dumps(body, ensure_ascii=False),
                                     headers={"Content-Type": "application/json",
                                              "X-Request-Id": rid})
        assert resp.status == 200 and resp.headers["X-Request-Id"] == rid
        await bot.settle(send=False)
    events = await InboundEvent.all().order_by("id")
    assert [e.request_id for e in events] == ["req-http-1", "req-http-2"]
    assert all(e.processed_at is not None for e in events)  # answered: nothing to retry
    for event in events:
        [(_, _, text)] = await outbox(f"reply:{event.id}")
        assert text == f"处理失败，参考号 {event.request_id}：“/我的”出错，已通知管理员，请稍后再试。"
    # The admins hear of the first; the same kind of error again within the window is quiet.
    [(key, address, text)] = await outbox("alert:")
    assert key.startswith("alert:command:我的:ZeroDivisionError:") and key.endswith(ADMIN)
    assert "参考号 req-http-1" in text and "ZeroDivisionError: division by zero" in text
    assert "10 分钟内只通知一次" in text


async def test_job_and_relay_errors_take_the_same_path(settings, clock, aiohttp_client):
    bot = await start_bot(aiohttp_client, settings, clock)
    env = bot.app[keys.ENV]
    sched = bot.app[keys.SCHEDULER]

    async def explode():
        raise KeyError("no such shift")

    sched.add_tick("explode", explode, 60)
    assert await sched.run_tick("explode") is None
    assert await sched.run_tick("explode") is None  # rate-limited: one notice in the window
    [(key, _, text)] = await outbox("alert:job:")
    assert key.startswith("alert:job:explode:KeyError:")
    assert text.startswith("【系统错误】定时任务 explode 出错（参考号 ")
    assert "KeyError: 'no such shift'" in text
    clock.advance(minutes=settings.inbound.error_notice_minutes)
    await sched.run_tick("explode")
    assert len(await outbox("alert:job:")) == 2  # a new window, a new notice

    class Broken:
        channels = (base.CH_LOCAL,)

        async def send(self, msg, dedupe_key):
            raise RuntimeError("sender bug")

    relay = Relay(settings, clock, {base.CH_LOCAL: Broken()}, owner="relay-broken",
                  rng=random.Random(1), on_error=lambda kind, exc: report_error(
                      env, kind, texts.RELAY_FAILED, exc))
    msg = OutboundMessage(channel=base.CH_LOCAL, address="user:lina", text="你好")
    assert await enqueue(msg, "hello-1", now=clock.now())
    assert await relay.drain_once() == 0
    [(key, _, text)] = await outbox("alert:relay:")
    assert key.startswith(f"alert:relay:{base.CH_LOCAL}:RuntimeError:")
    assert text.startswith("【系统错误】消息发送环节出错（参考号 ") and "sender bug" in text
    row = await OutboxMessage.get(dedupe_key="hello-1")
    assert row.status == "pending" and row.attempts == 1  # retried later, as before
