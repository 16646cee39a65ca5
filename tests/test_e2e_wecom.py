"""WeCom end to end: encrypted callbacks into create_app(), answers out through the outbox and the
relay to a fake WeCom server on loopback (real token flow, real response_url)."""
from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot import messages as base
from bot.platforms import wecom_app, wecom_bot
from storage.models import AuditLog, InboundEvent, OutboxMessage, Ticket, TicketEvent
from tests.app_harness import serve_fake, start_bot, wecom_settings
from tests.fakes.callbacks import (
    WeComKeys,
    wecom_app_card_click,
    wecom_app_text,
    wecom_bot_message,
)
from tests.fakes.wecom_api import FakeWeCom

CORP = "wwdeskbote2e0001"
SECRET = "e2e-app-secret"
AGENT = 1000002
APP = WeComKeys("appToken7", "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG", CORP)
BOT = WeComKeys("botToken9", "ZYXWVUTSRQPONMLKJIHGFEDCBAzyxwvutsrqponmlkj", "")
BOT_NAME = "售后助手"
CREATE = "/建单 客户=华东制造 打印凭证时报错"


@pytest.fixture
async def wecom(clock, aiohttp_server):
    return await serve_fake(FakeWeCom(clock, corp_id=CORP, secret=SECRET, agent_id=AGENT),
                            aiohttp_server)


@pytest.fixture
async def bot(demo, clock, wecom, aiohttp_client):
    settings = wecom_settings(demo, wecom, corp=CORP, secret=SECRET, agent=AGENT, app=APP,
                              bot=BOT, wecom__bot__name=BOT_NAME)
    return await start_bot(aiohttp_client, settings, clock)


async def app_text(bot, clock, user: str, text: str, msg_id: str, **kw):
    params, body = wecom_app_text(APP, user, text, msg_id, at=clock, agent_id=AGENT, **kw)
    return await bot.client.post(wecom_app.PATH, params=params, data=body)


async def nothing_stored() -> bool:
    return (await InboundEvent.all().count(), await Ticket.all().count(),
            await OutboxMessage.all().count()) == (0, 0, 0)


async def test_group_mention_creates_a_ticket_answered_in_that_group(bot, clock, wecom):
    url = wecom.response_url(wecom.base, "RC-group-1")
    params, body = wecom_bot_message(
        BOT, chatid="wrGROUP42", chattype="group", userid="zhangwei",
        text=f"@{BOT_NAME}\u2005{CREATE}", msgid="bot-msg-1", response_url=url, at=clock)
    resp = await bot.client.post(wecom_bot.PATH, params=params, data=body)
    assert (resp.status, await resp.text()) == (200, "")
    # The event is stored before the 200; processing and sending happen afterwards.
    assert await InboundEvent.filter(dedupe_key="wecom_bot:bot-msg-1").exists()

    await bot.settle()
    ticket = await Ticket.get().select_related("owner", "customer")
    assert (ticket.owner.userid, ticket.customer.name, ticket.description) == (
        "zhangwei", "华东制造有限公司", "打印凭证时报错")
    assert (ticket.source_platform, ticket.source_chat) == (base.WECOM_BOT, "wrGROUP42")
    reply = await bot.reply_to("wecom_bot:bot-msg-1")
    assert (reply.channel, reply.address) == (base.CH_WECOM_RESPONSE, url)
    assert reply.extra["chatid"] == "wrGROUP42"
    # The group's answer went to that message's response_url, once, as markdown.
    [answer] = [r for r in wecom.received if r.api == "aibot/response"]
    assert answer.dest == "RC-group-1" and answer.msgtype == "markdown"
    assert answer.content.startswith(f"已建单 T{ticket.id}（客户：华东制造有限公司）")
    assert await AuditLog.filter(actor="zhangwei", command="建单", outcome="ok",
                                 chat="wrGROUP42").count() == 1


async def test_one_app_callback_delivered_four_times_is_one_ticket_and_one_reply(
        bot, clock, wecom):
    # WeCom resends a callback it got no timely 200 for; a retry keeps the MsgId. Two arrive
    # together (the same commit batch) and two later, signed afresh.
    first = [app_text(bot, clock, "zhangwei", CREATE, "7001") for _ in range(2)]
    statuses = [r.status for r in await asyncio.gather(*first)]
    for _ in range(2):
        clock.advance(seconds=5)
        statuses.append((await app_text(bot, clock, "zhangwei", CREATE, "7001",
                                        create_time=int(clock.now().timestamp()) - 10)).status)
    assert statuses == [200, 200, 200, 200]
    await bot.settle()
    assert await InboundEvent.all().count() == 1
    assert await Ticket.all().count() == 1
    replies = await bot.replies()
    assert len(replies) == 1 and replies[0].text.startswith("已建单 T1")
    # The answer reached zhangwei through message/send, with one gettoken.
    assert wecom.contents("message/send", "zhangwei") == [replies[0].text]
    assert wecom.gettoken_calls == 1


async def test_the_same_question_asked_twice_gets_two_answers(bot, clock, wecom):
    # Two messages (two MsgIds) with the same text: the answers are identical bodies to the
    # same member, which WeCom would drop with enable_duplicate_check on.
    await app_text(bot, clock, "zhangwei", CREATE, "7101")
    await bot.settle()
    for msg_id in ("7102", "7103"):
        assert (await app_text(bot, clock, "zhangwei", "/单 T1", msg_id)).status == 200
        await bot.settle()
    first, second = [(await bot.reply_to(f"wecom_app:{m}")).text for m in ("7102", "7103")]
    assert first == second
    assert wecom.contents("message/send", "zhangwei")[-2:] == [first, second]
    assert wecom.duplicates == []


async def test_reply_tokens_are_fetched_once_and_reused(bot, clock, wecom):
    for n, who in enumerate(("zhangwei", "lina", "wangqiang")):
        await app_text(bot, clock, who, "/我的", f"80{n}")
        await bot.settle()
    assert [r.dest for r in wecom.received if r.api == "message/send"] == [
        "zhangwei", "lina", "wangqiang"]
    mine = (await bot.reply_to("wecom_app:800")).text
    assert wecom.contents("message/send") == [mine] * 3
    assert wecom.gettoken_calls == 1
    # An expired token (42001) is refetched once, and the answer still arrives.
    wecom.expire_tokens()
    await app_text(bot, clock, "zhaomin", "/我的", "899")
    await bot.settle()
    assert wecom.gettoken_calls == 2
    assert len(wecom.contents("message/send", "zhaomin")) == 1


async def test_private_claim_by_another_engineer(bot, clock, wecom):
    await app_text(bot, clock, "zhangwei", CREATE, "9001")
    await bot.settle()
    resp = await app_text(bot, clock, "lina", "/接单 T1", "9002")
    assert resp.status == 200
    await bot.settle()
    ticket = await Ticket.get(id=1).select_related("owner")
    assert (ticket.owner.userid, ticket.status) == ("lina", "claimed")
    answer = await bot.reply_to("wecom_app:9002")
    assert (answer.channel, answer.address) == (base.CH_WECOM_APP, "lina")
    assert wecom.contents("message/send", "lina") == ["你已接单 T1（华东制造有限公司），现在由你负责。"]
    # The first responder hears that someone took it over.
    assert any("已由 李娜 接单" in c for c in wecom.contents("message/send", "zhangwei"))
    refused = await app_text(bot, clock, "wangqiang", "/接单 T1", "9003")
    assert refused.status == 200
    await bot.settle()
    assert wecom.contents("message/send", "wangqiang") == ["T1 已由 李娜 接单。"]
    assert await TicketEvent.filter(ticket_id=1, kind="claimed").count() == 1


async def test_card_click_claims_once_and_updates_the_card(bot, clock, wecom):
    await app_text(bot, clock, "zhangwei", CREATE, "9101")
    await bot.settle()
    code = wecom.issue_response_code()
    params, body = wecom_app_card_click(APP, "lina", "claim:T1", "card-T1", at=clock,
                                        response_code=code, agent_id=AGENT)
    # The click and its retry (same sender, time, key and card) are one event.
    for _ in range(2):
        resp = await bot.client.post(wecom_app.PATH, params=params, data=body)
        assert resp.status == 200
    await bot.settle()
    assert await InboundEvent.filter(platform=base.WECOM_APP).count() == 2
    assert await TicketEvent.filter(ticket_id=1, kind="claimed").count() == 1
    ticket = await Ticket.get(id=1).select_related("owner")
    assert ticket.owner.userid == "lina"
    [row] = await OutboxMessage.filter(channel=base.CH_WECOM_CARD_UPDATE)
    assert row.address == code and row.status == "sent"
    [update] = wecom.card_updates
    assert update["response_code"] == code
    assert update["button"]["replace_name"] == "已由 李娜 接单"
    # A later click by someone else is a new event, answered, and claims nothing.
    clock.advance(seconds=30)
    params, body = wecom_app_card_click(APP, "wangqiang", "claim:T1", "card-T1", at=clock,
                                        response_code=wecom.issue_response_code(),
                                        agent_id=AGENT)
    assert (await bot.client.post(wecom_app.PATH, params=params, data=body)).status == 200
    await bot.settle()
    assert wecom.contents("message/send", "wangqiang") == ["T1 已由 李娜 接单。"]
    assert await TicketEvent.filter(ticket_id=1, kind="claimed").count() == 1
    # His card was stale (it still offered 接单): his click's code redraws it with the state.
    assert len(wecom.card_updates) == 2
    assert wecom.card_updates[1]["userids"] == ["wangqiang"]
    assert wecom.card_updates[1]["button"]["replace_name"] == "已由 李娜 接单"


@pytest.mark.parametrize("case", ["forged", "stale", "future", "wrong_corp", "wrong_agent"])
async def test_forged_or_stale_app_callbacks_change_nothing(bot, clock, wecom, case):
    at, keys, agent = clock.now(), APP, AGENT
    if case == "stale":
        at = clock.now() - timedelta(minutes=6)
    elif case == "future":
        at = clock.now() + timedelta(minutes=6)
    elif case == "wrong_corp":
        keys = WeComKeys(APP.token, APP.encoding_aes_key, "wwSOMEONEELSE")
    elif case == "wrong_agent":
        agent = AGENT + 1
    params, body = wecom_app_text(keys, "zhangwei", CREATE, "666", at=at, agent_id=agent)
    if case == "forged":
        params = {**params, "msg_signature": "0" * 40}
    resp = await bot.client.post(wecom_app.PATH, params=params, data=body)
    # Another app's callback is WeCom's and signed: acknowledged, but not ours to act on.
    assert resp.status == (200 if case == "wrong_agent" else 403)
    await bot.settle()
    assert await nothing_stored()
    assert wecom.calls == []


@pytest.mark.parametrize("case", ["forged", "stale", "wrong_key", "tampered"])
async def test_forged_or_stale_robot_callbacks_change_nothing(bot, clock, wecom, case):
    keys, at = BOT, clock.now()
    if case == "stale":
        at = clock.now() - timedelta(hours=1)
    elif case == "wrong_key":
        keys = WeComKeys(BOT.token, APP.encoding_aes_key, "")
    params, body = wecom_bot_message(
        keys, chatid="wrGROUP42", chattype="group", userid="zhangwei", text=CREATE,
        msgid="evil-1", response_url=wecom.response_url(wecom.base, "RC-x"), at=at)
    if case == "forged":
        params = {**params, "msg_signature": "f" * 40}
    elif case == "tampered":
        body = body.replace('"encrypt": "', '"encrypt": "AAAA', 1)
    resp = await bot.client.post(wecom_bot.PATH, params=params, data=body)
    assert resp.status == 403
    await bot.settle()
    assert await nothing_stored()
    assert wecom.received == []
