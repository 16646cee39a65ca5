"""The WeCom intelligent robot over its long connection, through create_app against a fake WeCom
WebSocket endpoint (tests/fakes/wecom_ws.py): @-mentions answered on their req_id, pushes to a
group bound from chat, reconnects, the one-holder rule between two instances, and 846609."""
from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot import keys, messages as base
from bot.settings import load_settings
from storage.models import Chat, InboundEvent, OutboxMessage, Ticket, TicketAttachment
from tests.app_harness import Bot, start_bot
from tests.fakes.wecom_ws import BAD_SECRET, NOT_SUBSCRIBED, STREAM_EXPIRED, FakeWeComWs

BOT_ID, SECRET = "aibRobot0001", "robot-secret-1"
GROUP, OTHER = "wrHOTLINE01", "wrOTHER0002"
CONN = f"wecom_robot:{BOT_ID}"


def robot_settings(url: str, fake: FakeWeComWs, *, secret: str = SECRET,
                   admins: tuple[str, ...] = ("admin",), **extra):
    return load_settings(
        None, database__url=url, simulator__enabled=True, center__admins=list(admins),
        wecom__bot__enabled=True, wecom__bot__mode="long_connection", wecom__bot__bot_id=BOT_ID,
        wecom__bot__secret=secret, wecom__bot__ws_url=fake.url, wecom__bot__wait_s=1.0, wecom__bot__ping_s=0.2,
        long_connection__lease_s=1.5, long_connection__standby_poll_s=0.05,
        long_connection__backoff_min_s=0.05, long_connection__backoff_max_s=0.2, **extra)


@pytest.fixture
async def fake(aiohttp_server):
    fake = FakeWeComWs(BOT_ID, SECRET)
    server = await aiohttp_server(fake.app())
    fake.url = str(server.make_url("/")).replace("http://", "ws://")
    return fake


async def online(bot: Bot, fake: FakeWeComWs, count: int = 1) -> None:
    """Until the fake holds the `count`-th subscription and the bot knows it is subscribed."""
    await fake.wait_live(count)
    [sup] = bot.app[keys.LONG_CONNECTIONS]
    await until(lambda: _true(sup.state == "connected"))


async def connected_bot(aiohttp_client, settings, clock) -> Bot:
    bot = await start_bot(aiohttp_client, settings, clock)
    await Chat.filter(platform=base.LOCAL).delete()  # only the WeCom groups of each test
    for sup in bot.app[keys.LONG_CONNECTIONS]:
        await sup.start()
    return bot


@pytest.fixture
async def bot(demo, fake, clock, aiohttp_client):
    bot = await connected_bot(aiohttp_client, robot_settings(demo, fake), clock)
    await online(bot, fake)
    return bot


async def until(check, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await check():
        assert loop.time() < deadline, "condition not reached"
        await asyncio.sleep(0.02)


async def stored(msgid: str) -> None:
    await until(lambda: InboundEvent.filter(dedupe_key=f"wecom_bot:{msgid}").exists())


async def say(bot: Bot, fake: FakeWeComWs, text: str, *, userid: str = "zhangwei",
              chatid: str = GROUP, msgid: str) -> str:
    """An @-mention over the connection, processed and answered; the req_id it came with."""
    req = await fake.say(text, userid=userid, chatid=chatid, msgid=msgid)
    await stored(msgid)
    await bot.settle()
    return req


def answer_to(fake: FakeWeComWs, req: str) -> str:
    [frame] = [f for f in fake.responds if f.req_id == req]
    return frame.content


def pushes_to(fake: FakeWeComWs, chatid: str) -> list[str]:
    return [f.content for f in fake.sends if f.body.get("chatid") == chatid]


def cards_to(fake: FakeWeComWs, chatid: str) -> list[dict]:
    return [f.body["template_card"] for f in fake.sends
            if f.body.get("chatid") == chatid and f.body["msgtype"] == "template_card"]


async def test_an_at_mention_is_answered_on_its_req_id(bot, fake):
    req = await say(bot, fake, "@值班助手 /建单 客户=华东制造 打印凭证时报错", msgid="m1")
    answer = answer_to(fake, req)
    assert "T1" in answer
    ticket = await Ticket.get()
    assert "打印凭证时报错" in ticket.description
    [frame] = fake.responds
    assert frame.body["msgtype"] == "stream" and frame.body["stream"]["finish"] is True
    # Heard from once: registered unbound, with the connection as its way to be pushed to.
    chat = await Chat.get(platform=base.WECOM_BOT, chat_key=GROUP)
    assert (chat.purpose, chat.push_channel) == (None, base.CH_WECOM_WS_SEND)

    # WeCom delivers the same message again (as after a reconnect): nothing happens twice.
    await fake.say("@值班助手 /建单 客户=华东制造 打印凭证时报错", userid="zhangwei",
                   chatid=GROUP, msgid="m1")
    await until(lambda: _counted(bot, (base.WECOM_BOT, "duplicate"), 1))
    await bot.settle()
    assert await Ticket.all().count() == 1
    assert len(fake.responds) == 1
    assert await _counted(bot, (base.WECOM_BOT, "accepted"), 1)

    families = await _metrics(bot)
    states = {s.labels["state"]: s.value for s in families["deskbot_long_connection_state"].samples
              if s.labels["connection"] == CONN}
    assert states["connected"] == 1 and states["standby"] == 0


async def _metrics(bot: Bot) -> dict:
    resp = await bot.client.get("/metrics")
    return {f.name: f for f in text_string_to_metric_families(await resp.text())}


async def _counted(bot: Bot, labels: tuple[str, str], value: float) -> bool:
    """Whether /metrics counts `value` inbound events of (platform, result)."""
    samples = (await _metrics(bot))["deskbot_inbound_events"].samples
    got = {(s.labels["platform"], s.labels["result"]): s.value
           for s in samples if s.name.endswith("_total")}
    return got.get(labels, 0) == value


async def test_a_private_message_is_answered_too(bot, fake):
    req = await fake.say("/帮助", userid="zhangwei", chattype="single", msgid="p1")
    await stored("p1")
    await bot.settle()
    assert "/建单" in answer_to(fake, req)


async def test_bound_hotline_group_gets_new_tickets_as_proactive_pushes(bot, fake):
    req = await say(bot, fake, "/绑定 热线", userid="zhaomin", msgid="b1")
    answer = answer_to(fake, req)
    assert "热线群" in answer and "长连接" in answer
    await say(bot, fake, "/群", chatid=OTHER, msgid="o1")  # another group, never bound

    await say(bot, fake, "/建单 客户=华东制造 打印凭证时报错", chatid=OTHER, msgid="o2")
    # The announcement is a button card: its 接单 comes back over the connection.
    [card] = cards_to(fake, GROUP)
    assert "T1" in card["main_title"]["title"] and "华东制造" in card["sub_title_text"]
    assert [b["key"] for b in card["button_list"]] == ["claim:T1"]
    assert pushes_to(fake, OTHER) == []

    shown = answer_to(fake, await say(bot, fake, "/群", msgid="b2"))
    assert GROUP in shown and "热线群" in shown and "长连接" in shown


async def test_after_a_drop_the_bot_reconnects_and_answers_what_waited(bot, fake, clock):
    await fake.say("/建单 客户=华东制造 打印凭证时报错", userid="zhangwei", chatid=GROUP,
                   msgid="d1")
    await stored("d1")
    await fake.drop(stay_down=True)
    [sup] = bot.app[keys.LONG_CONNECTIONS]
    await until(lambda: _true(sup.state != "connected"))
    await bot.settle()  # the answer is written while the connection is down: it waits
    row = await OutboxMessage.get(dedupe_key__startswith="reply:")
    assert (row.status, row.attempts) == ("pending", 0)
    fake.accepting = True

    await online(bot, fake, count=2)
    clock.advance(seconds=2)
    await bot.settle()
    # Its req_id died with the old connection: the answer arrives as a push to the group.
    [late] = pushes_to(fake, GROUP)
    assert "T1" in late
    assert fake.responds == []

    req = await say(bot, fake, "/单 T1", msgid="d2")
    assert "T1" in answer_to(fake, req)
    assert fake.live is not None and fake.live.number == 2
    await until(lambda: _true(fake.pings >= 1))  # the heartbeat runs on the new connection


async def test_not_subscribed_reconnects_and_the_answer_still_arrives(bot, fake, clock):
    await fake.say("/建单 客户=华东制造 打印凭证时报错", userid="zhangwei", chatid=GROUP,
                   msgid="n1")
    await stored("n1")
    fake.forget()  # WeCom lost the subscription, the socket stays open
    await bot.settle()
    assert ("aibot_respond_msg", NOT_SUBSCRIBED) in fake.refused
    await online(bot, fake, count=2)
    clock.advance(seconds=2)
    await bot.settle()
    [late] = pushes_to(fake, GROUP)
    assert "T1" in late
    assert (await OutboxMessage.get(dedupe_key__startswith="reply:")).status == "sent"


async def test_a_second_instance_stands_by_until_the_first_dies(demo, fake, clock,
                                                               aiohttp_client):
    first = await connected_bot(aiohttp_client, robot_settings(demo, fake), clock)
    await online(first, fake)
    second = await connected_bot(aiohttp_client, robot_settings(demo, fake), clock)
    [sup1], [sup2] = first.app[keys.LONG_CONNECTIONS], second.app[keys.LONG_CONNECTIONS]
    await asyncio.sleep(0.5)  # ten lease polls of the standby
    assert fake.subscriptions == 1 and sup2.state == "standby" and sup1.state == "connected"

    # A push written by the standby: its relay cannot send it and leaves it, uncounted, for
    # the holder's relay.
    await say(first, fake, "/绑定 热线", userid="zhaomin", msgid="s1")
    await say(first, fake, "/群", chatid=OTHER, msgid="s2")
    req = await fake.say("/建单 客户=华东制造 打印凭证时报错", userid="zhangwei",
                         chatid=OTHER, msgid="s3")
    await stored("s3")
    await first.pipeline.drain()  # the holder took the event; the standby's relay tries first
    assert await second.relay.drain_once() == 0
    waiting = await OutboxMessage.filter(status="pending")
    assert waiting and all(r.attempts == 0 for r in waiting)
    clock.advance(seconds=2)
    await first.settle()
    assert "T1" in answer_to(fake, req) and len(pushes_to(fake, GROUP)) == 1

    # The holder dies without releasing its lease: the standby connects once it runs out.
    task = sup1._task
    assert task is not None
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    sup1._task = None
    await online(second, fake, count=2)
    assert fake.subscriptions == 2
    req = await say(second, fake, "/单 T1", msgid="s4")
    assert "T1" in answer_to(fake, req)


async def test_a_wrong_secret_is_refused_and_the_connection_stays_down(demo, fake, clock,
                                                                      aiohttp_client):
    bot = await connected_bot(aiohttp_client, robot_settings(demo, fake, secret="wrong"), clock)
    [sup] = bot.app[keys.LONG_CONNECTIONS]
    await until(lambda: _true(len(fake.refused) >= 2))
    assert set(fake.refused) == {("aibot_subscribe", BAD_SECRET)}
    assert fake.subscriptions == 0 and sup.state in ("down", "connecting")


async def _true(value: bool) -> bool:
    return value


async def test_a_connection_of_someone_else_kicks_ours_and_we_do_not_kick_back(bot, fake,
                                                                             aiohttp_client):
    [sup] = bot.app[keys.LONG_CONNECTIONS]
    # Another program subscribes with the same robot: WeCom keeps the newest connection.
    async with aiohttp.ClientSession() as http, http.ws_connect(fake.url) as other:
        await other.send_json({"cmd": "aibot_subscribe", "headers": {"req_id": "sub-x"},
                               "body": {"bot_id": BOT_ID, "secret": SECRET}})
        assert (await other.receive_json())["errcode"] == 0
        await until(lambda: _true(sup.state == "standby"))
        await asyncio.sleep(0.3)  # longer than the reconnect backoff: no second try
        assert fake.subscriptions == 2 and fake.live is not None and fake.live.number == 2
    notices = await OutboxMessage.filter(dedupe_key__contains=":kicked:")
    assert notices and "企业微信智能机器人" in notices[0].payload


async def test_a_card_click_over_the_connection_runs_its_command(bot, fake):
    await say(bot, fake, "/绑定 热线", userid="zhaomin", msgid="c0")
    await say(bot, fake, "/建单 客户=华东制造 打印凭证时报错", chatid=OTHER, msgid="c1")
    [card] = cards_to(fake, GROUP)
    req = await fake.click(card["button_list"][0]["key"], userid="lina", chatid=GROUP,
                           task_id=card["task_id"], msgid="c2")
    await stored("c2")
    await bot.settle()
    ticket = await Ticket.get()
    assert ticket.owner_id is not None
    # The card is redrawn on the click's req_id: no 接单 any more, its state on the button.
    [update] = fake.updates
    redrawn = update.body["template_card"]
    assert update.req_id == req and redrawn["task_id"] == card["task_id"]
    assert [b["text"] for b in redrawn["button_list"]] != ["接单"]
    assert "李娜" in json.dumps(redrawn, ensure_ascii=False)
    # The answer to a click is pushed to the chat (an event's req_id takes card updates only).
    assert any("已接单 T1" in p for p in pushes_to(fake, GROUP))
    assert [f for f in fake.responds if f.req_id == req] == []


async def test_a_card_redrawn_after_wecoms_5_seconds_is_told_afresh(bot, fake, clock):
    await say(bot, fake, "/绑定 热线", userid="zhaomin", msgid="l0")
    await say(bot, fake, "/建单 客户=华东制造 打印凭证时报错", chatid=OTHER, msgid="l1")
    [card] = cards_to(fake, GROUP)
    await fake.click(card["button_list"][0]["key"], userid="lina", chatid=GROUP,
                     task_id=card["task_id"], msgid="l2")
    await stored("l2")
    await bot.pipeline.drain()  # claimed, the redraw queued
    clock.advance(seconds=6)  # the relay comes too late for WeCom's card update
    await bot.settle()
    assert fake.updates == []
    assert any("李娜" in p and "状态" in p for p in pushes_to(fake, GROUP))


async def test_admins_told_of_an_outage_over_the_robot_once_it_is_back(demo, fake, clock,
                                                                       aiohttp_client):
    # No self-built app: people are reached in their private chat with the robot.
    settings = robot_settings(demo, fake, admins=("zhaomin",),
                              long_connection__alert_after_s=0.3)
    bot = await connected_bot(aiohttp_client, settings, clock)
    await online(bot, fake)
    req = await fake.say("/帮助", userid="zhaomin", chattype="single", msgid="a1")
    await stored("a1")
    await bot.settle()
    assert answer_to(fake, req)

    await fake.drop(stay_down=True)
    await until(lambda: OutboxMessage.filter(dedupe_key__contains=":down:").exists())
    fake.accepting = True
    await online(bot, fake, count=2)
    await until(lambda: OutboxMessage.filter(dedupe_key__contains=":back:").exists())
    await bot.settle()
    told = pushes_to(fake, "zhaomin")
    assert len(told) == 2 and "企业微信智能机器人" in told[0]


async def test_answers_past_their_window_or_refused_as_expired_are_pushed(bot, fake, clock):
    late = await fake.say("/建单 客户=华东制造 打印凭证时报错", userid="zhangwei", chatid=GROUP,
                          msgid="w1")
    await stored("w1")
    clock.advance(seconds=301)  # past wecom.bot.respond_window_s: not even tried on its req_id
    await bot.settle()
    refused = await fake.say("/单 T1", userid="zhangwei", chatid=GROUP, msgid="w2")
    await stored("w2")
    fake.expire(refused)  # WeCom says the stream expired (846608)
    await bot.settle()
    # The late one's req_id was still good at WeCom, so an attempt would show in responds.
    assert fake.responds == [] and late
    assert fake.refused == [("aibot_respond_msg", STREAM_EXPIRED)]
    pushed = pushes_to(fake, GROUP)
    assert len(pushed) == 2 and all("T1" in p for p in pushed)
    assert await OutboxMessage.filter(status="sent", dedupe_key__startswith="reply:").count() == 2


async def test_a_picture_under_a_new_ticket_is_kept_decrypted_with_its_own_key(
        demo, fake, clock, aiohttp_client, tmp_path):
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(200))
    settings = robot_settings(demo, fake, files__dir=str(tmp_path / "files"))
    bot = await connected_bot(aiohttp_client, settings, clock)
    await online(bot, fake)
    req = await fake.say("/建单 客户=华东制造 打印凭证时报错", userid="zhangwei", chatid=GROUP,
                         msgid="i1", image=fake.add_image(png))
    await stored("i1")
    await bot.settle()
    assert "T1" in answer_to(fake, req)
    ticket = await Ticket.get()
    [row] = await TicketAttachment.filter(ticket_id=ticket.id)
    assert (tmp_path / "files" / row.path).read_bytes() == png


async def test_rows_for_a_connection_held_elsewhere_are_neither_claimed_nor_waited_for(db, clock):
    from bot.services.outbox import enqueue
    from notifiers import relay_store

    now = clock.now()
    await enqueue(base.OutboundMessage(channel=base.CH_WECOM_WS_SEND, address=GROUP, text="x"),
                  "robot:1", now=now)
    skip = [base.CH_WECOM_WS_SEND]
    lease = timedelta(seconds=30)
    assert await relay_store.next_due(now, skip) is None  # the idle relay does not spin on it
    assert await relay_store.claim("standby", now, lease, 10, skip) == []
    assert await relay_store.next_due(now) is not None
    [row] = await relay_store.claim("holder", now, lease, 10)
    assert row.channel == base.CH_WECOM_WS_SEND


async def test_a_message_right_behind_the_subscription_is_answered_on_its_req_id(
        demo, fake, clock, aiohttp_client):
    fake.waiting.append({"text": "/帮助", "userid": "zhangwei", "chatid": GROUP, "msgid": "q1",
                         "req_id": "req-waiting"})
    bot = await connected_bot(aiohttp_client, robot_settings(demo, fake), clock)
    await online(bot, fake)
    await stored("q1")
    await bot.settle()
    assert "/建单" in answer_to(fake, "req-waiting")
    assert fake.sends == []
