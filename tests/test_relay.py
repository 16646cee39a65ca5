"""The outbox relay against the fake WeCom and DingTalk servers, on SQLite and PostgreSQL."""
from __future__ import annotations

import asyncio
import random
from datetime import datetime, timedelta, timezone
from functools import partial
from types import SimpleNamespace

import aiohttp
import pytest

from bot import messages as base
from bot.messages import MARKDOWN, OutboundMessage
from bot.runtime import Runtime
from bot.services.outbox import enqueue, notify_admins
from bot.settings import load_settings
from notifiers import render
from notifiers.ratelimit import NoRateLimiter
from notifiers.relay import Relay
from notifiers.senders.dingtalk import DingTalkSender
from notifiers.senders.wecom import WeComSender
from storage.models import OutboxMessage
from storage.models.messaging import DEAD, PENDING, SENT
from tests.fakes.dingtalk_api import FakeDingTalk
from tests.fakes.wecom_api import FakeWeCom


@pytest.fixture
async def rig(db, aiohttp_server, clock):
    wecom, dingtalk = FakeWeCom(clock), FakeDingTalk(clock)
    wurl = str((await aiohttp_server(wecom.app())).make_url("")).rstrip("/")
    durl = str((await aiohttp_server(dingtalk.app())).make_url("")).rstrip("/")
    settings = load_settings(
        None, database__url=db, center__admins=["admin1"], outbox__max_attempts=3,
        wecom__enabled=True, wecom__corp_id=wecom.corp_id, wecom__secret=wecom.secret,
        wecom__agent_id=wecom.agent_id, wecom__api_base=wurl,
        dingtalk__app_key=dingtalk.app_key, dingtalk__app_secret=dingtalk.app_secret,
        dingtalk__robot_code=dingtalk.robot_code, dingtalk__api_base=durl,
        dingtalk__oapi_base=durl)
    async with aiohttp.ClientSession() as session:
        senders = Relay.registry(WeComSender(settings, session, clock=clock),
                                 DingTalkSender(settings, session, clock=clock))
        yield SimpleNamespace(settings=settings, clock=clock, wecom=wecom, dingtalk=dingtalk,
                              senders=senders, wurl=wurl, durl=durl)


def make_relay(rig, owner: str = "relay-a", **kw) -> Relay:
    env = Runtime(settings=rig.settings, clock=rig.clock, calendar=None)
    return Relay(rig.settings, rig.clock, rig.senders, owner=owner, rng=random.Random(7),
                 notify_admins=partial(notify_admins, env), **kw)


async def put(rig, channel: str, address: str, text: str, key: str, **kw) -> None:
    msg = OutboundMessage(channel=channel, address=address, text=text,
                          kind=kw.pop("kind", "text"), mentions=kw.pop("mentions", ()))
    assert await enqueue(msg, key, now=rig.clock.now(), **kw)


async def test_due_rows_sent_and_marked(rig):
    for i in range(3):
        await put(rig, base.CH_WECOM_APP, "zhangsan", f"通知{i}", f"k{i}")
    assert await make_relay(rig).drain_once() == 3
    assert rig.wecom.contents("message/send", "zhangsan") == ["通知0", "通知1", "通知2"]
    rows = await OutboxMessage.all()
    assert {r.status for r in rows} == {SENT}
    assert all(r.sent_at == rig.clock.now() and r.lease_owner is None for r in rows)
    assert await make_relay(rig).drain_once() == 0


async def test_run_loop_sends_when_woken_and_stops(rig):
    relay = make_relay(rig)
    await relay.start()
    try:
        await put(rig, base.CH_WECOM_APP, "zhangsan", "唤醒", "k1")
        relay.wake()
        for _ in range(500):
            if rig.wecom.received:
                break
            await asyncio.sleep(0.01)
        assert relay.running
        assert rig.wecom.contents() == ["唤醒"]
    finally:
        await relay.stop()
    assert not relay.running


async def test_45009_survived_after_its_wait(rig):
    rig.wecom.fail(45009, api="message/send")
    await put(rig, base.CH_WECOM_APP, "zhangsan", "限频后再发", "k1")
    relay = make_relay(rig)
    assert await relay.drain_once() == 0
    row = await OutboxMessage.get(dedupe_key="k1")
    assert row.status == PENDING and row.attempts == 1 and "45009" in row.last_error
    assert row.next_attempt_at >= rig.clock.now() + timedelta(seconds=60)
    rig.clock.advance(seconds=59)
    assert await relay.drain_once() == 0
    rig.clock.advance(seconds=2)
    assert await relay.drain_once() == 1
    assert rig.wecom.contents() == ["限频后再发"]


async def test_token_expiry_survived(rig):
    relay = make_relay(rig)
    await put(rig, base.CH_WECOM_APP, "zhangsan", "一", "k1")
    await relay.drain_once()
    rig.clock.advance(seconds=30)
    rig.wecom.expire_tokens()
    await put(rig, base.CH_WECOM_APP, "zhangsan", "二", "k2")
    assert await relay.drain_once() == 1
    assert rig.wecom.contents() == ["一", "二"]
    assert rig.wecom.gettoken_calls == 2


async def test_retries_exhausted_dead_letter_tells_admins(rig):
    rig.wecom.fail(-1, api="webhook/send", times=10)
    await put(rig, base.CH_WECOM_WEBHOOK, "hook-hotline", "新工单 T9", "k1")
    relay = make_relay(rig)
    for _ in range(3):  # settings.outbox.max_attempts
        await relay.drain_once()
        rig.clock.advance(seconds=700)
    row = await OutboxMessage.get(dedupe_key="k1")
    assert row.status == DEAD and row.attempts == 3 and "-1" in row.last_error
    notice = await OutboxMessage.get(dedupe_key=f"dead:{row.id}:admin1")
    assert notice.status == SENT and notice.channel == base.CH_WECOM_APP
    (text,) = rig.wecom.contents("message/send", "admin1")
    assert "消息发送失败" in text and "hook-hotline" in text and "新工单 T9" in text
    assert rig.wecom.contents("webhook/send") == []


async def test_rejected_message_dead_at_once_and_a_dead_notice_begets_no_notice(rig):
    rig.wecom.fail(93000, api="webhook/send")  # invalid webhook: retrying cannot help
    rig.wecom.fail(60011, api="message/send", times=5)  # and the admin cannot be reached
    await put(rig, base.CH_WECOM_WEBHOOK, "bad-hook", "x", "k1")
    await make_relay(rig).drain_once()
    rows = await OutboxMessage.all().order_by("id")
    assert [(r.dedupe_key.split(":")[0], r.status, r.attempts) for r in rows] == [
        ("k1", DEAD, 1), ("dead", DEAD, 1)]


async def test_unknown_channel_and_bad_payload_are_dead_letters(rig):
    await put(rig, "carrier_pigeon", "roof", "咕", "k1")
    await OutboxMessage.create(dedupe_key="k2", channel=base.CH_WECOM_APP, address="x",
                               payload="{not json", next_attempt_at=rig.clock.now(),
                               created_at=rig.clock.now())
    await make_relay(rig).drain_once()
    assert {r.dedupe_key: r.status for r in await OutboxMessage.filter(
        dedupe_key__in=["k1", "k2"])} == {"k1": DEAD, "k2": DEAD}
    assert len(rig.wecom.contents("message/send", "admin1")) == 2


async def test_quiet_hours_hold_only_what_is_not_urgent(rig, calendar):
    rig.clock.set(datetime(2026, 11, 23, 14, 0, tzinfo=timezone.utc))  # 22:00 in Beijing
    assert calendar.in_quiet_hours(rig.clock.now())
    await put(rig, base.CH_WECOM_APP, "zhangsan", "紧急升级", "k1", urgent=True)
    await put(rig, base.CH_WECOM_APP, "zhangsan", "日报", "k2", urgent=False)
    relay = make_relay(rig, calendar=calendar)
    assert await relay.drain_once() == 1
    held = await OutboxMessage.get(dedupe_key="k2")
    assert held.status == PENDING and held.attempts == 0
    assert held.next_attempt_at == calendar.end_of_quiet(rig.clock.now())
    rig.clock.set(held.next_attempt_at)
    assert await relay.drain_once() == 1
    assert rig.wecom.contents() == ["紧急升级", "日报"]


async def test_long_text_becomes_one_row_per_message(rig):
    text = "\n".join(f"第{i}步：检查凭证打印模板是否与版本匹配" for i in range(120))
    await put(rig, base.CH_WECOM_WEBHOOK, "hook-kb", text, "long")
    assert await make_relay(rig).drain_once() >= 3
    got = rig.wecom.contents("webhook/send", "hook-kb")
    assert "".join(got) == text and all(render.byte_len(c) <= 2048 for c in got)
    original = await OutboxMessage.get(dedupe_key="long")
    pieces = await OutboxMessage.filter(dedupe_key__startswith=f"split:{original.id}:")
    assert len(pieces) == len(got) and all(p.status == SENT and p.sent_at for p in pieces)
    assert original.merged_into == min(p.id for p in pieces) and original.sent_at is None


async def test_dingtalk_block_130101_holds_the_destination_ten_minutes(rig):
    hook = rig.dingtalk.add_webhook(rig.durl)
    for i in range(22):
        await enqueue(OutboundMessage(channel=base.CH_DINGTALK_WEBHOOK, address=hook,
                                      text=f"n{i}", extra={"secret": ""}),
                      f"k{i:02d}", now=rig.clock.now())
    relay = make_relay(rig, limiter=NoRateLimiter())  # let the platform's own limit bite
    assert await relay.drain_once() == 20
    blocked = await OutboxMessage.filter(status=PENDING).order_by("id")
    assert [r.dedupe_key for r in blocked] == ["k20", "k21"]
    assert all(r.next_attempt_at >= rig.clock.now() + timedelta(seconds=600) for r in blocked)
    assert blocked[0].attempts == 1 and blocked[1].attempts == 0
    rig.clock.advance(seconds=601)
    assert await relay.drain_once() == 2
    assert rig.dingtalk.contents("robot/send") == [f"n{i}" for i in range(22)]


async def _kill_mid_batch(rig, channel: str, address: str, n: int, hold_at: int) -> None:
    for i in range(n):
        await put(rig, channel, address, f"消息{i:02d}", f"k{i:02d}")
    rig.wecom.hold_after(hold_at)
    first = asyncio.create_task(make_relay(rig, owner="relay-dies").drain_once())
    await asyncio.wait_for(rig.wecom.holding.wait(), 10)
    first.cancel()  # killed while the platform has the message and the relay has no answer
    with pytest.raises(asyncio.CancelledError):
        await first
    rig.wecom.release.set()
    assert await make_relay(rig, owner="relay-new").drain_once() == 0  # leases still held
    rig.clock.advance(seconds=rig.settings.outbox.lease_s + 1)
    await make_relay(rig, owner="relay-new").drain_once()
    assert await OutboxMessage.filter(status=PENDING).count() == 0


@pytest.mark.parametrize("channel,api", [(base.CH_WECOM_APP, "message/send"),
                                         (base.CH_WECOM_WEBHOOK, "webhook/send")])
async def test_killed_relay_restarted_repeats_at_most_the_one_in_flight(rig, channel, api):
    # The platform said yes and the relay died before marking the row: only that one message
    # can come twice (no platform offers an idempotency key; WeCom's duplicate check is off so
    # that identical answers to identical questions both arrive).
    await _kill_mid_batch(rig, channel, "hook-hotline", n=10, hold_at=4)
    got = rig.wecom.contents(api, "hook-hotline")
    expected = [f"消息{i:02d}" for i in range(10)]
    assert sorted(set(got)) == expected  # every message arrived
    assert len(got) - len(set(got)) <= 1  # and only the one in flight at the kill came twice
    assert got.count("消息03") == len(got) - 9


async def test_markdown_with_mentions_to_a_group_robot(rig):
    await put(rig, base.CH_WECOM_WEBHOOK, "hook-hotline", "**新工单**", "k1", kind=MARKDOWN,
              mentions=("zhangsan",))
    await make_relay(rig).drain_once()
    assert rig.wecom.contents() == ["**新工单**\n<@zhangsan>"]


class _Recorder:
    """A sender that records what it is asked to send; `hooks[n]` runs during its n-th call."""

    channels = (base.CH_WECOM_APP,)

    def __init__(self, hooks=None, delay: float = 0.0) -> None:
        self.sent: list[str] = []
        self.hooks, self.delay = dict(hooks or {}), delay

    async def send(self, msg: OutboundMessage, dedupe_key: str) -> None:
        self.sent.append(dedupe_key)
        hook = self.hooks.pop(len(self.sent), None)
        if hook is not None:
            await hook()
        if self.delay:
            await asyncio.sleep(self.delay)


async def test_a_relay_that_outlived_its_lease_does_not_send_what_another_took(rig):
    for i in range(5):
        await put(rig, base.CH_WECOM_APP, f"user{i}", f"通知{i}", f"k{i}")
    taken = _Recorder()
    b = Relay(rig.settings, rig.clock, {base.CH_WECOM_APP: taken}, owner="relay-b",
              limiter=NoRateLimiter(), concurrency=1)

    async def slow_platform() -> None:
        rig.clock.advance(seconds=rig.settings.outbox.lease_s + 1)

    async def other_relay() -> None:
        # Relay A's pass has outlived the leases of the rows it has not reached yet.
        assert await b.drain_once() == 3

    slow = _Recorder(hooks={1: slow_platform, 2: other_relay})
    a = Relay(rig.settings, rig.clock, {base.CH_WECOM_APP: slow}, owner="relay-a",
              limiter=NoRateLimiter(), concurrency=1)
    # A renews the lease of its second row before sending it, and skips the three B took.
    assert await a.drain_once() == 2
    assert (len(slow.sent), len(taken.sent)) == (2, 3)
    assert sorted(slow.sent + taken.sent) == [f"k{i}" for i in range(5)]  # each row once
    assert await OutboxMessage.filter(status=SENT).count() == 5


async def test_two_relays_racing_send_every_row_once(rig):
    for i in range(60):
        await put(rig, base.CH_WECOM_APP, f"user{i % 7}", f"通知{i}", f"k{i:02d}")
    senders = [_Recorder(delay=0.001) for _ in range(2)]
    relays = [Relay(rig.settings, rig.clock, {base.CH_WECOM_APP: s}, owner=f"relay-{n}",
                    limiter=NoRateLimiter(), rng=random.Random(n))
              for n, s in enumerate(senders)]
    relays[0]._cfg = relays[1]._cfg = rig.settings.outbox.model_copy(update={"batch": 5})

    async def run(relay: Relay) -> int:
        total = 0
        for _ in range(40):
            total += await relay.drain_once()
            await asyncio.sleep(0)
        return total

    counts = await asyncio.gather(*(run(r) for r in relays))
    sent = senders[0].sent + senders[1].sent
    assert sorted(sent) == [f"k{i:02d}" for i in range(60)]  # each row once, none lost
    assert sum(counts) == 60 and all(counts)  # and both relays took part
