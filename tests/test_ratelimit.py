"""Per-destination limits and burst merging: the plan on its own, then bursts through real relays
to fake platforms that drop (WeCom) or refuse (DingTalk) anything above their limits."""
from __future__ import annotations

import asyncio
import random
import re
from datetime import timedelta

import aiohttp
import pytest

from bot import messages as base
from bot.messages import CARD, IMAGE, TEXT, Button, OutboundMessage
from bot.services.outbox import enqueue
from bot.settings import load_settings
from notifiers import render, texts
from notifiers.ratelimit import AS_IS, DIGEST, SPLIT, DbRateLimiter, Window, plan
from notifiers.relay import Relay
from notifiers.senders.dingtalk import DingTalkSender
from notifiers.senders.wecom import WeComSender
from storage.models import OutboxMessage
from storage.models.messaging import PENDING, SENT
from tests.fakes.dingtalk_api import FakeDingTalk
from tests.fakes.wecom_api import FakeWeCom

HOOK = base.CH_WECOM_WEBHOOK


def notice(i: int, channel: str = HOOK, **kw) -> OutboundMessage:
    text = f"【新工单 T{i:04d}】客户：第{i % 37}人民医院，打印凭证时报错，请尽快接单。"
    return OutboundMessage(channel=channel, address="hook-hotline", text=text, **kw)


# -- the plan ---------------------------------------------------------------------------------

def test_room_for_all_sends_each_as_it_is():
    units, held = plan([(i, notice(i)) for i in range(5)], free=5)
    assert [(u.kind, u.rows) for u in units] == [(AS_IS, (i,)) for i in range(5)]
    assert held == []


def test_unlimited_channel_never_merges():
    units, held = plan([(i, notice(i)) for i in range(100)], free=None)
    assert len(units) == 100 and held == []


def test_overflow_merges_in_order_each_notice_once_within_the_slots():
    items = [(i, notice(i)) for i in range(300)]
    units, held = plan(items, free=4)
    assert len(units) <= 4
    sent_rows = [r for u in units for r in u.rows]
    assert sent_rows == list(range(len(sent_rows)))  # in order, none twice
    assert held == list(range(len(sent_rows), 300))  # the rest waits, in order
    for u in units:
        assert u.kind == DIGEST and len(u.messages) == 1
        text = u.messages[0].text
        assert text.startswith(texts.DIGEST_HEADER)
        assert render.byte_len(text) <= 4096
        assert [int(n) for n in re.findall(r"T(\d{4})】", text)] == list(u.rows)


def test_image_is_never_merged_and_keeps_its_place():
    items = [(0, notice(0)), (1, notice(1)),
             (2, OutboundMessage(channel=HOOK, address="hook-hotline", kind=IMAGE,
                                 file_path="/tmp/x.png")),
             (3, notice(3)), (4, notice(4))]
    units, held = plan(items, free=3)
    assert [(u.kind, u.rows) for u in units] == [(DIGEST, (0, 1)), (AS_IS, (2,)), (DIGEST, (3, 4))]


def test_cards_merge_as_text_naming_their_actions():
    card = OutboundMessage(channel=HOOK, address="hook-hotline", kind=CARD, title="新工单 T1",
                           text="客户：某医院", buttons=(Button("claim:T1", "接单"),))
    units, _ = plan([(0, card), (1, notice(2))], free=1)
    assert "接单" in units[0].messages[0].text and units[0].kind == DIGEST


def test_digest_carries_every_mention_once():
    items = [(i, notice(i, mentions=("zhangsan",) if i % 2 else ("lisi", "zhangsan")))
             for i in range(6)]
    units, _ = plan(items, free=1)
    assert units[0].messages[0].mentions == ("lisi", "zhangsan")


def test_long_message_split_and_taken_in_part_when_slots_are_short():
    long_msg = OutboundMessage(channel=HOOK, address="hook-hotline", kind=TEXT,
                               text="\n".join(f"第{i}行排查步骤" for i in range(1200)))
    units, held = plan([(7, long_msg)], free=3)
    (unit,) = units
    assert unit.kind == SPLIT and unit.take == 3 and len(unit.messages) > 3
    assert "".join(m.text for m in unit.messages) == long_msg.text
    assert held == []  # its remaining pieces become rows of their own, held by the relay


def test_window_next_free_counts_from_the_oldest_send(clock):
    now = clock.now()
    w = Window(limit=3, window=timedelta(seconds=60),
               sent=[now - timedelta(seconds=50), now - timedelta(seconds=20)])
    assert w.free() == 1
    assert w.next_free_at(now, sent_now=1) > now + timedelta(seconds=10)
    assert w.next_free_at(now, sent_now=1) < now + timedelta(seconds=10, milliseconds=50)


# -- bursts through relays --------------------------------------------------------------------

@pytest.fixture
async def rig(db, aiohttp_server, clock):
    wecom, dingtalk = FakeWeCom(clock), FakeDingTalk(clock)
    wurl = str((await aiohttp_server(wecom.app())).make_url("")).rstrip("/")
    durl = str((await aiohttp_server(dingtalk.app())).make_url("")).rstrip("/")
    settings = load_settings(
        None, database__url=db, wecom__enabled=True, wecom__corp_id=wecom.corp_id,
        wecom__secret=wecom.secret, wecom__agent_id=wecom.agent_id, wecom__api_base=wurl,
        dingtalk__app_key=dingtalk.app_key, dingtalk__app_secret=dingtalk.app_secret,
        dingtalk__robot_code=dingtalk.robot_code, dingtalk__api_base=durl,
        dingtalk__oapi_base=durl)
    async with aiohttp.ClientSession() as session:
        senders = Relay.registry(WeComSender(settings, session, clock=clock),
                                 DingTalkSender(settings, session, clock=clock))
        relays = [Relay(settings, clock, senders, owner=f"relay-{n}", rng=random.Random(n))
                  for n in (1, 2)]
        yield wecom, dingtalk, relays


async def burst(clock, relays, msgs: list[OutboundMessage], *, span_s: float,
                step_s: float = 1.0, limit_s: float = 900) -> float:
    """Enqueue `msgs` spread over `span_s` seconds while two relays drain side by side every
    `step_s`; then keep draining until nothing is pending. Fake seconds from start to done."""
    start = clock.now()
    per_step = max(1, int(len(msgs) * step_s / span_s))
    for i, msg in enumerate(msgs):
        await enqueue(msg, f"burst:{i}", now=clock.now())
        if (i + 1) % per_step == 0:
            await asyncio.gather(*(r.drain_once() for r in relays))
            clock.advance(seconds=step_s)
    while await OutboxMessage.filter(status=PENDING).exists():
        assert (clock.now() - start).total_seconds() < limit_s, "burst never drained"
        await asyncio.gather(*(r.drain_once() for r in relays))
        clock.advance(seconds=step_s)
    return (clock.now() - start).total_seconds()


def assert_each_once(contents: list[str], n: int) -> None:
    seen = [int(x) for c in contents for x in re.findall(r"T(\d{4})】", c)]
    assert sorted(seen) == list(range(n))


async def test_burst_of_1000_to_one_group_robot_within_limits_nothing_lost(rig, clock):
    wecom, _, relays = rig
    took = await burst(clock, relays, [notice(i) for i in range(1000)], span_s=50)
    got = wecom.contents("webhook/send", "hook-hotline")
    assert wecom.dropped == []  # WeCom would have dropped these silently
    assert wecom.max_in_window("webhook/send", "hook-hotline") <= 20
    assert_each_once(got, 1000)
    assert len(got) < 100  # merged, not one message per notice
    assert all(render.byte_len(c) <= 4096 for c in got) and wecom.truncated == 0
    assert took < 180
    rows = await OutboxMessage.filter(dedupe_key__startswith="burst:")
    assert all(r.status == SENT for r in rows)
    carriers = {r.id: r for r in await OutboxMessage.filter(
        id__in=[r.merged_into for r in rows if r.merged_into])}
    assert all(c.status == SENT and c.sent_at and c.merged_into is None
               for c in carriers.values())
    assert all(r.sent_at or r.merged_into in carriers for r in rows)


async def test_burst_to_one_member_stays_under_30_a_minute(rig, clock):
    wecom, _, relays = rig
    msgs = [notice(i, channel=base.CH_WECOM_APP) for i in range(300)]
    await burst(clock, relays, msgs, span_s=30)
    assert wecom.dropped == [] and wecom.duplicates == []
    assert wecom.max_in_window("message/send", "hook-hotline") <= 30
    assert_each_once(wecom.contents("message/send"), 300)


async def test_burst_to_a_dingtalk_group_never_refused(rig, clock):
    _, dingtalk, relays = rig
    msgs = [notice(i, channel=base.CH_DINGTALK_GROUP) for i in range(400)]
    await burst(clock, relays, msgs, span_s=40)
    assert dingtalk.rejected == []
    assert dingtalk.max_in_window("groupMessages", "hook-hotline") <= 20
    assert_each_once(dingtalk.contents("groupMessages"), 400)


async def test_a_fresh_relay_respects_the_window_its_predecessor_filled(rig, clock):
    wecom, _, (first, second) = rig
    for i in range(20):
        await enqueue(notice(i), f"a{i}", now=clock.now())
    assert await first.drain_once() == 20
    clock.advance(seconds=10)
    for i in range(20, 25):
        await enqueue(notice(i), f"b{i}", now=clock.now())
    fresh = Relay(first.settings, clock, first.senders, owner="relay-restarted",
                  limiter=DbRateLimiter())
    assert await fresh.drain_once() == 0
    held = await OutboxMessage.filter(status=PENDING)
    assert len(held) == 5
    assert all(r.next_attempt_at >= clock.now() + timedelta(seconds=50) for r in held)
    clock.advance(seconds=51)
    assert await fresh.drain_once() == 5  # the whole window moved on: room for each
    assert_each_once(wecom.contents("webhook/send"), 25)
    assert wecom.max_in_window("webhook/send", "hook-hotline") <= 20
