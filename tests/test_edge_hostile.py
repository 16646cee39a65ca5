"""Hostile requests on every inbound door of a whole bot: none gets a 5xx, none changes anything.

One table per endpoint (tests/hostile_cases.py). Each case is sent to create_app() on both
databases, with WeCom (app and robot), DingTalk and the simulator all enabled and the relay
pointed at fake WeCom and DingTalk servers. After each case the bot is settled (every accepted
event processed, every due message sent) and the test checks: the status is below 500 (and the
one expected), no business row and no outbox row changed, the fakes received nothing, and a
RejectedInbound row was written exactly when the request was signed but not understood.
"""
from __future__ import annotations

import pytest
from yarl import URL

from bot.messages import InboundMessage
from bot.platforms import dingtalk
from bot.settings import load_settings
from commands import texts
from storage import models
from storage.models import InboundEvent, RejectedInbound
from tests.app_harness import start_bot
from tests.fakes.callbacks import dingtalk_message
from tests.fakes.dingtalk_api import FakeDingTalk
from tests.fakes.wecom_api import FakeWeCom
from tests.hostile_cases import AGENT, APP, BOT, CORP, DEEP, DING_SECRET, TABLES, Case, deep_json


@pytest.fixture
async def wecom(clock, aiohttp_server):
    fake = FakeWeCom(clock, corp_id=CORP, secret="s", agent_id=AGENT)
    fake.base = str((await aiohttp_server(fake.app())).make_url("")).rstrip("/")
    return fake


@pytest.fixture
async def dingfake(clock, aiohttp_server):
    fake = FakeDingTalk(clock, app_secret=DING_SECRET)
    fake.base = str((await aiohttp_server(fake.app())).make_url("")).rstrip("/")
    return fake


@pytest.fixture
async def bot(demo, clock, wecom, dingfake, aiohttp_client):
    settings = load_settings(
        None, database__url=demo, simulator__enabled=True, center__admins=["admin"],
        wecom__enabled=True, wecom__corp_id=CORP, wecom__secret="s", wecom__agent_id=AGENT,
        wecom__token=APP.token, wecom__encoding_aes_key=APP.encoding_aes_key,
        wecom__api_base=wecom.base, wecom__bot__enabled=True, wecom__bot__token=BOT.token,
        wecom__bot__encoding_aes_key=BOT.encoding_aes_key, dingtalk__enabled=True,
        dingtalk__app_secret=DING_SECRET, dingtalk__api_base=dingfake.base,
        dingtalk__oapi_base=dingfake.base)
    return await start_bot(aiohttp_client, settings, clock)


async def snapshot() -> dict[str, int]:
    """Row counts of every table but the rejected requests'."""
    return {m.__name__: await m.all().count() for m in models.__models__
            if m is not RejectedInbound}


async def send(bot, clock, case: Case):
    method, target, headers, body = case.build(clock)
    if isinstance(target, URL):
        base = str(bot.client.make_url("/")).rstrip("/")
        url = URL(base + str(target), encoded=True)
        return await bot.client.session.request(method, url, headers=headers, data=body)
    path, params = target
    if "?" in path:
        path, _, qs = path.partition("?")
        params = dict(p.split("=", 1) for p in qs.split("&"))
    return await bot.client.request(method, path, params=params, headers=headers, data=body)


@pytest.mark.parametrize("endpoint", list(TABLES))
async def test_hostile_requests_get_no_5xx_and_change_nothing(bot, clock, wecom, dingfake,
                                                              endpoint):
    before = await snapshot()
    problems = []
    for case in TABLES[endpoint]:
        rejected_before = await RejectedInbound.all().count()
        resp = await send(bot, clock, case)
        await resp.read()
        await bot.settle()
        rejected = await RejectedInbound.all().count() - rejected_before
        if resp.status >= 500 or resp.status != case.status:
            problems.append(f"{case.name}: status {resp.status}, expected {case.status}")
        if rejected != (1 if case.rejected else 0):
            problems.append(f"{case.name}: {rejected} rejected rows")
        if await snapshot() != before:
            problems.append(f"{case.name}: rows changed")
            before = await snapshot()
    assert problems == []
    assert wecom.received == [] and dingfake.received == []
    # Every rejected row is storable and bounded: a short reason, an escaped excerpt.
    for row in await RejectedInbound.all():
        assert row.reason and len(row.excerpt) <= 1000 and "\x00" not in row.excerpt


async def test_nul_in_a_signed_command_is_taken_out_and_the_command_runs_once(bot, clock,
                                                                              dingfake):
    webhook, expires = dingfake.new_session(dingfake.base)
    headers, body = dingtalk_message(
        DING_SECRET, msg_id="nul-1", sender_staff_id="zhangwei", text="/帮\x00助\x07", at=clock,
        session_webhook=webhook, session_webhook_expired_ms=int(expires.timestamp() * 1000))
    for _ in range(2):  # DingTalk's redelivery is a duplicate, not a second command
        resp = await bot.client.post(dingtalk.PATH, headers=headers, data=body.encode())
        assert resp.status == 200
    await bot.settle()
    event = await InboundEvent.get(dedupe_key="dingtalk:nul-1")
    assert event.processed_at is not None and "\\u0000" not in event.payload
    assert InboundMessage.from_json(event.payload).text == "/帮助"
    # One run of /帮助; its answer may come in pieces when it is longer than one DingTalk message.
    answer = "".join(r.content for r in dingfake.received if r.api == "sendBySession")
    assert answer.count(texts.HELP_HEADER) == 1 and "帮助" in answer
    assert await RejectedInbound.all().count() == 0


def test_guard_helpers_on_edge_values():
    from bot.platforms import guard

    # Brackets inside strings (escaped quotes included) do not count as nesting.
    assert guard.json_depth(b'{"a": "[[[[\\"{{", "b": [[1]]}') == 3
    assert guard.json_depth(deep_json().encode()) == DEEP
    with pytest.raises(guard.Malformed):
        guard.load_json(deep_json())
    assert guard.same_bytes("abc", "abc") and not guard.same_bytes("abc", "ab\udcff")
    assert guard.ascii_int("²") is None and guard.ascii_int("1" * 14) is None
    assert guard.unix_seconds(1795000000123, per_second=1000) == 1795000000.123
    for bad in (float("inf"), float("nan"), True, "²", 10 ** 400, -5, None, [1]):
        assert guard.unix_seconds(bad) is None
    assert guard.clean_text("a\x00b\u200bc\x1b\ud800\td") == "ab\u200bc\td"
    assert guard.excerpt("x\x00y") == "x\\u0000y"
