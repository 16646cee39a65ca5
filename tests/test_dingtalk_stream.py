"""DingTalk Stream mode end to end: create_app() opens the stream to a fake gateway on loopback,
robot messages and card clicks arrive over it, answers leave through the outbox and the relay to
the fake DingTalk API; one instance holds the stream, reconnects, and a standby takes over."""
from __future__ import annotations

import asyncio
import json

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot import keys, longconn
from bot.messages import OutboundMessage
from bot.platforms import dingtalk
from storage.models import InboundEvent, OutboxMessage, RejectedInbound, Ticket, TicketEvent
from tests.app_harness import dingtalk_settings, serve_fake, start_bot
from tests.fakes.callbacks import dingtalk_card_click, dingtalk_message
from tests.fakes.dingtalk_api import FakeDingTalk
from tests.fakes.dingtalk_stream import FakeDingTalkStream

APP_KEY = "dingstreamappkey"
SECRET = "stream-dingtalk-app-secret"
ROBOT = "dingstreamrobot"
BOT_ID = "$:LWCP_v1:$streambot"
CREATE = "/建单 客户=华东制造 打印凭证时报错"
FAST = dict(long_connection__lease_s=0.6, long_connection__standby_poll_s=0.05,
            long_connection__backoff_min_s=0.02, long_connection__backoff_max_s=0.05,
            long_connection__alert_after_s=0.3)


@pytest.fixture
async def ding(clock, aiohttp_server):
    return await serve_fake(FakeDingTalk(clock, app_key=APP_KEY, app_secret=SECRET,
                                         robot_code=ROBOT), aiohttp_server)


@pytest.fixture
async def stream(aiohttp_server):
    return await serve_fake(FakeDingTalkStream(client_id=APP_KEY, client_secret=SECRET),
                            aiohttp_server)


def stream_settings(url, ding, stream, secret: str = SECRET, **extra):
    return dingtalk_settings(url, ding, app_key=APP_KEY, secret=secret, robot=ROBOT,
                             dingtalk__mode="stream", dingtalk__stream_base=stream.base,
                             center__admins=["admin"], **{**FAST, **extra})


async def connect(aiohttp_client, settings, clock):
    bot = await start_bot(aiohttp_client, settings, clock)
    for sup in bot.app[keys.LONG_CONNECTIONS]:
        await sup.start()
    return bot


@pytest.fixture
async def bot(demo, clock, ding, stream, aiohttp_client):
    bot = await connect(aiohttp_client, stream_settings(demo, ding, stream), clock)
    await stream.wait_connected()
    return bot


def robot_message(ding, clock, *, msg_id: str, sender: str = "zhangwei", text: str = CREATE,
                  conversation: str = "cidHOTLINE") -> dict:
    webhook, expires = ding.new_session(ding.base)
    _, body = dingtalk_message(
        SECRET, msg_id=msg_id, sender_staff_id=sender, text=text, at=clock,
        conversation_id=conversation, conversation_type="2", chatbot_user_id=BOT_ID,
        at_users=[{"dingtalkId": BOT_ID}], robot_code=ROBOT, session_webhook=webhook,
        session_webhook_expired_ms=int(expires.timestamp() * 1000))
    return json.loads(body)


async def say(bot, stream, ding, clock, msg_id: str, **kw) -> str:
    """A robot message over the stream, acked, processed and answered; the answer's text."""
    mid = await stream.push_message(robot_message(ding, clock, msg_id=msg_id, **kw))
    await stream.wait_acked(mid)
    before = len(ding.received)
    await bot.settle()
    return "\n".join(r.content for r in ding.received[before:])


async def test_a_robot_message_over_the_stream_creates_the_ticket_and_is_answered(
        bot, clock, ding, stream):
    assert {(s["type"], s["topic"]) for s in stream.subscriptions} == {
        ("EVENT", "*"), ("CALLBACK", "/v1.0/im/bot/messages/get"),
        ("CALLBACK", "/v1.0/card/instances/callback")}
    mid = await stream.push_message(robot_message(ding, clock, msg_id="smsg-1"))
    acked = await stream.wait_acked(mid)
    # Acked only once stored: the event is in the database before DingTalk forgets it.
    assert await InboundEvent.filter(dedupe_key="dingtalk:smsg-1").exists()
    assert acked["code"] == 200 and acked["headers"] == {
        "contentType": "application/json", "messageId": mid}
    assert json.loads(acked["data"]) == {"response": {}}
    await bot.settle()
    ticket = await Ticket.get().select_related("owner")
    assert ticket.owner.userid == "zhangwei" and ticket.source_chat == "cidHOTLINE"
    [answer] = [r for r in ding.received if r.api == "sendBySession"]
    assert answer.content.startswith(f"已建单 T{ticket.id}（客户：华东制造有限公司）")
    # A ping is answered with its own data.
    ping = await stream.ping()
    pong = await stream.wait_pong(ping)
    assert json.loads(pong["data"]) == {"opaque": ping}
    # The HTTP callback door is not served in Stream mode: nothing reaches the bot that way.
    assert (await bot.client.post(dingtalk.PATH, data=b"{}")).status == 404


async def test_a_card_click_over_the_stream_claims_the_ticket(bot, clock, ding, stream):
    bound = await say(bot, stream, ding, clock, "bind-1", sender="admin", text="/绑定 热线")
    assert "热线" in bound
    created = await say(bot, stream, ding, clock, "smsg-2")
    assert created.startswith("已建单 T1")
    # The announcement is an interactive card created to call back over the stream.
    [track] = [t for t, body in ding.cards.items() if body.get("callbackType") == "STREAM"]
    assert ding.cards[track]["openSpaceId"] == "dtv1.card//IM_GROUP.cidHOTLINE"
    assert track == "claim-T1-1"
    assert "华东制造有限公司" in ding.contents("groupMessages", "cidHOTLINE")[-1]
    _, click = dingtalk_card_click(SECRET, user_id="lina", out_track_id=track, key="claim:T1",
                                   space_id="cidHOTLINE", at=clock)
    mid = await stream.push_card(json.loads(click))
    await stream.wait_acked(mid)
    await bot.settle()
    ticket = await Ticket.get(id=1).select_related("owner")
    assert ticket.owner.userid == "lina"
    assert await TicketEvent.filter(ticket_id=1, kind="claimed").count() == 1
    assert "你已接单 T1（华东制造有限公司），现在由你负责。" in ding.contents(dest="cidHOTLINE")
    # The card is redrawn through the card-instance API it was created with, without buttons.
    assert ding.card_update_paths == ["/v1.0/card/instances"]
    card = ding.card(track)
    assert not [c for c in card["contents"] if c["type"] == "action"]
    assert card["contents"][-1]["text"] == "**已由 李娜 接单**"


async def test_a_redelivered_message_does_nothing_twice(bot, clock, ding, stream):
    data = robot_message(ding, clock, msg_id="smsg-3")
    # The ack is lost on the way: DingTalk delivers the message again on the next connection.
    stream.lose_acks = True
    first = await stream.push_message(data)
    for _ in range(200):
        if await InboundEvent.filter(dedupe_key="dingtalk:smsg-3").exists():
            break
        await asyncio.sleep(0.02)
    stream.lose_acks = False
    await stream.drop()
    await stream.wait_connected(2)
    await stream.wait_acked(first)
    # And the same message pushed once more as a new frame.
    await stream.wait_acked(await stream.push_message(data))
    await bot.settle()
    assert await InboundEvent.filter(dedupe_key="dingtalk:smsg-3").count() == 1
    assert await Ticket.all().count() == 1
    assert len([r for r in ding.received if r.api == "sendBySession"]) == 1


async def test_the_bot_reconnects_after_a_drop_and_after_a_disconnect(bot, clock, ding, stream):
    await stream.drop()
    await stream.wait_connected(2)
    assert (await say(bot, stream, ding, clock, "smsg-4")).startswith("已建单 T1")
    await stream.disconnect()
    await stream.wait_connected(3)
    answer = await say(bot, stream, ding, clock, "smsg-5", sender="lina", text="/接单 T1")
    assert "你已接单 T1（华东制造有限公司）" in answer
    assert stream.opens == 3  # a fresh ticket for every connection
    # Short outages: nobody was told.
    assert not await OutboxMessage.filter(dedupe_key__contains="longconn").exists()


async def test_a_silently_dead_stream_is_noticed_by_the_heartbeat_and_reopened(
        demo, clock, ding, stream, aiohttp_client):
    settings = stream_settings(demo, ding, stream, dingtalk__stream_heartbeat_s=0.2)
    bot = await connect(aiohttp_client, settings, clock)
    await stream.wait_connected()
    stream.mute()
    await stream.wait_connected(2)
    await stream.wait(lambda: len(stream.live) == 1)
    assert (await say(bot, stream, ding, clock, "smsg-8")).startswith("已建单 T1")


async def test_a_second_instance_connects_only_after_the_first_dies(
        demo, clock, ding, stream, aiohttp_client):
    # A lease long enough that a loaded machine still renews it in time.
    settings = stream_settings(demo, ding, stream, long_connection__lease_s=1.5)
    first = await connect(aiohttp_client, settings, clock)
    await stream.wait_connected()
    second = await connect(aiohttp_client, settings, clock)
    await asyncio.sleep(2.0)  # longer than the lease: the first renews it
    [a], [b] = first.app[keys.LONG_CONNECTIONS], second.app[keys.LONG_CONNECTIONS]
    assert stream.connects == 1 and len(stream.live) == 1
    assert (a.state, b.state) == (longconn.CONNECTED, longconn.STANDBY)
    # The first dies without releasing its lease (killed); the second takes over once it runs out.
    assert a._task is not None
    a._task.cancel()
    await asyncio.gather(a._task, return_exceptions=True)
    await stream.wait_connected(2)
    await asyncio.sleep(0.1)
    assert b.state == longconn.CONNECTED and len(stream.live) == 1
    assert (await say(second, stream, ding, clock, "smsg-6")).startswith("已建单 T1")
    metrics = await (await second.client.get("/metrics")).text()
    state = {s.labels["state"]: s.value
             for family in text_string_to_metric_families(metrics)
             if family.name == "deskbot_long_connection_state" for s in family.samples
             if s.labels["connection"] == f"dingtalk_stream:{APP_KEY}"}
    assert state == {"standby": 0, "connecting": 0, "connected": 1, "down": 0, "stopped": 0}


async def test_a_wrong_secret_is_retried_and_the_admins_are_told(
        demo, clock, ding, stream, aiohttp_client):
    bot = await connect(aiohttp_client, stream_settings(demo, ding, stream, secret="wrong"),
                        clock)
    await stream.wait(lambda: stream.refused_opens >= 3)
    [sup] = bot.app[keys.LONG_CONNECTIONS]
    for _ in range(300):
        if await OutboxMessage.filter(dedupe_key__contains="longconn").exists():
            break
        await asyncio.sleep(0.02)
    [row] = await OutboxMessage.filter(dedupe_key__contains="longconn")
    assert row.dedupe_key.endswith(":admin")
    notice = OutboundMessage.from_json(row.payload)
    assert notice.text.startswith("【连接中断】钉钉 Stream 模式 长连接已断开")
    assert "HTTP 400 invalidClientIdOrSecret 无效的clientId或者clientSecret" in notice.text
    assert stream.connects == 0 and sup.state in (longconn.DOWN, longconn.CONNECTING)


async def test_malformed_frames_are_survived_and_malformed_callbacks_kept_as_rejected(
        bot, clock, ding, stream):
    for junk in ("not json", "[1, 2]", '{"type": "CALLBACK", "headers": "x"}', "{" * 5000):
        await stream.send_raw(junk)
    mid = await stream.push_message({"msgId": "bad-1", "senderStaffId": "zhangwei",
                                     "msgtype": "text", "text": "not an object"})
    await stream.wait_acked(mid)
    assert await RejectedInbound.filter(platform="dingtalk").count() == 1
    assert await InboundEvent.all().count() == 0
    # Events and topics deskbot does not act on are acknowledged, so DingTalk stops sending them.
    event = await stream.push("chat_update_title", {"title": "新群名"}, kind="EVENT")
    assert json.loads((await stream.wait_acked(event))["data"])["status"] == "SUCCESS"
    other = await stream.push("/v1.0/graph/api/invoke", {"x": 1})
    await stream.wait_acked(other)
    # The same connection carries on.
    assert (await say(bot, stream, ding, clock, "smsg-7")).startswith("已建单 T1")
    assert stream.connects == 1
