"""DingTalk end to end: signed robot callbacks into create_app(), answers out through the outbox
and the relay to a fake DingTalk server on loopback (session webhook, OpenAPI behind it)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot import messages as base
from bot.platforms import dingtalk
from storage.models import AuditLog, InboundEvent, OutboxMessage, Ticket, TicketEvent
from tests.app_harness import dingtalk_settings, serve_fake, start_bot
from tests.fakes.callbacks import dingtalk_message, dingtalk_sign
from tests.fakes.dingtalk_api import FakeDingTalk

APP_KEY = "dinge2eappkey"
SECRET = "e2e-dingtalk-app-secret"
ROBOT = "dinge2erobot"
BOT_ID = "$:LWCP_v1:$e2ebot"
CREATE = "/建单 客户=华东制造 打印凭证时报错"


@pytest.fixture
async def ding(clock, aiohttp_server):
    return await serve_fake(FakeDingTalk(clock, app_key=APP_KEY, app_secret=SECRET,
                                         robot_code=ROBOT), aiohttp_server)


@pytest.fixture
async def bot(demo, clock, ding, aiohttp_client):
    settings = dingtalk_settings(demo, ding, app_key=APP_KEY, secret=SECRET, robot=ROBOT)
    return await start_bot(aiohttp_client, settings, clock)


def group_message(ding, clock, *, msg_id: str, sender: str = "zhangwei", text: str = CREATE,
                  at=None, session_ttl_s: float = 5400.0):
    webhook, expires = ding.new_session(ding.base, ttl_s=session_ttl_s)
    headers, body = dingtalk_message(
        SECRET, msg_id=msg_id, sender_staff_id=sender, text=text, at=at or clock,
        conversation_id="cidHOTLINE", conversation_type="2", chatbot_user_id=BOT_ID,
        at_users=[{"dingtalkId": BOT_ID}], robot_code=ROBOT, session_webhook=webhook,
        session_webhook_expired_ms=int(expires.timestamp() * 1000))
    return headers, body.encode(), webhook


async def nothing_stored() -> bool:
    return (await InboundEvent.all().count(), await Ticket.all().count(),
            await OutboxMessage.all().count(), await AuditLog.all().count()) == (0, 0, 0, 0)


async def test_good_sign_creates_a_ticket_answered_through_the_session_webhook(bot, clock, ding):
    headers, body, webhook = group_message(ding, clock, msg_id="dmsg-1")
    resp = await bot.client.post(dingtalk.PATH, headers=headers, data=body)
    assert resp.status == 200 and await resp.json() == {}
    assert await InboundEvent.filter(dedupe_key="dingtalk:dmsg-1").exists()
    await bot.settle()
    ticket = await Ticket.get().select_related("owner")
    assert ticket.owner.userid == "zhangwei"
    assert (ticket.source_platform, ticket.source_chat) == (base.DINGTALK, "cidHOTLINE")
    reply = await bot.reply_to("dingtalk:dmsg-1")
    assert (reply.channel, reply.address) == (base.CH_DINGTALK_SESSION, webhook)
    [answer] = [r for r in ding.received if r.api == "sendBySession"]
    assert answer.content.startswith(f"已建单 T{ticket.id}（客户：华东制造有限公司）")


async def test_redelivered_message_is_one_ticket(bot, clock, ding):
    headers, body, _ = group_message(ding, clock, msg_id="dmsg-2")
    for _ in range(3):
        assert (await bot.client.post(dingtalk.PATH, headers=headers, data=body)).status == 200
    await bot.settle()
    assert await InboundEvent.all().count() == 1
    assert await Ticket.all().count() == 1
    assert len([r for r in ding.received if r.api == "sendBySession"]) == 1


async def test_claim_from_dingtalk_after_the_session_expired_goes_through_the_openapi(
        bot, clock, ding):
    headers, body, _ = group_message(ding, clock, msg_id="dmsg-3")
    await bot.client.post(dingtalk.PATH, headers=headers, data=body)
    await bot.settle()
    headers, body, _ = group_message(ding, clock, msg_id="dmsg-4", sender="lina",
                                     text="/接单 T1", session_ttl_s=60)
    assert (await bot.client.post(dingtalk.PATH, headers=headers, data=body)).status == 200
    await bot.settle(send=False)
    clock.advance(seconds=120)  # the relay gets to it after the session webhook died
    await bot.settle()
    ticket = await Ticket.get(id=1).select_related("owner")
    assert ticket.owner.userid == "lina"
    assert await TicketEvent.filter(ticket_id=1, kind="claimed").count() == 1
    assert "你已接单 T1（华东制造有限公司），现在由你负责。" in ding.contents(dest="cidHOTLINE")


@pytest.mark.parametrize("case", ["bad_sign", "other_secret", "expired", "future", "no_sign"])
async def test_bad_or_expired_sign_changes_nothing(bot, clock, ding, case):
    at = clock.now()
    if case == "expired":  # DingTalk's sign is valid for one hour
        at = clock.now() - timedelta(hours=1, minutes=1)
    elif case == "future":
        at = clock.now() + timedelta(hours=1, minutes=1)
    headers, body, _ = group_message(ding, clock, msg_id=f"evil-{case}", at=at)
    if case == "bad_sign":
        headers["sign"] = headers["sign"][:-4] + "AAA="
    elif case == "other_secret":
        headers["sign"] = dingtalk_sign("not-the-secret", headers["timestamp"])
    elif case == "no_sign":
        del headers["sign"]
    resp = await bot.client.post(dingtalk.PATH, headers=headers, data=body)
    assert resp.status == 403
    await bot.settle()
    assert await nothing_stored()
    assert ding.received == [] and ding.token_calls == 0


async def test_sign_just_inside_the_hour_is_accepted(bot, clock, ding):
    at = clock.now().timestamp() - 3590
    headers, body, _ = group_message(ding, clock, msg_id="dmsg-edge", at=at)
    assert (await bot.client.post(dingtalk.PATH, headers=headers, data=body)).status == 200
    await bot.settle()
    assert await Ticket.all().count() == 1
