"""The local simulator as a platform adapter: its JSON API, its live stream, its sender, its page.

The app here is assembled by hand around a recording pipeline, so these tests pin the adapter's
edge (what InboundMessage a typed message becomes, what the page receives); the end-to-end tests
drive the same routes through the real pipeline.
"""
from __future__ import annotations

import asyncio
import json
import re
from datetime import timedelta

import pytest
from aiohttp import web

from bot import keys, messages as base
from bot.messages import Button, OutboundMessage
from bot.platforms.local import (
    HEARTBEAT_KEY,
    SimulatorHub,
    parse_mentions,
    render_page,
    setup_routes,
    strip_bot_mention,
)
from bot.settings import load_settings
from notifiers.senders.base import SendFailed
from notifiers.senders.local import LocalSender
from storage.models import Chat, InboundEvent, OutboxMessage, Staff
from storage.models.messaging import PENDING, SENT

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
       b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")


class RecordingPipeline:
    """Accepts like the real pipeline does (once per dedupe key) and keeps what it was given."""

    def __init__(self) -> None:
        self.got: list[base.InboundMessage] = []

    async def accept(self, msg: base.InboundMessage) -> bool:
        if any(m.dedupe_key == msg.dedupe_key for m in self.got):
            return False
        self.got.append(msg)
        return True


async def _people() -> None:
    await Staff.create(userid="zhangsan", name="张三", roles="engineer", team="热线")
    await Staff.create(userid="lisi", name="李四", roles="engineer,manager")
    await Staff.create(userid="wangwu", name="王五", roles="supervisor")
    await Staff.create(userid="gone", name="离职", roles="engineer", active=False)
    await Chat.create(platform=base.LOCAL, chat_key="hotline", purpose="hotline", name="热线服务群")
    await Chat.create(platform=base.LOCAL, chat_key="mgr", purpose="managers", name="经理群")
    await Chat.create(platform=base.DINGTALK, chat_key="cidX", purpose="hq", name="钉钉总部群")


def _app(settings, clock) -> tuple[web.Application, RecordingPipeline]:
    app = web.Application()
    pipe = RecordingPipeline()
    app[keys.SETTINGS] = settings
    app[keys.CLOCK] = clock
    app[keys.PIPELINE] = pipe
    app[HEARTBEAT_KEY] = 0.05
    setup_routes(app)
    return app, pipe


@pytest.fixture
async def sim(db, settings, clock, aiohttp_client):
    await _people()
    app, pipe = _app(settings, clock)
    client = await aiohttp_client(app)
    return client, pipe, app[keys.SIMULATOR]


async def _post(client, path: str, body) -> tuple[int, dict]:
    data = body if isinstance(body, (bytes, str)) else json.dumps(body, ensure_ascii=False)
    resp = await client.post(path, data=data, headers={"Content-Type": "application/json"})
    return resp.status, await resp.json()


async def _event(resp) -> dict:
    """The next SSE event (comments skipped) as {"event", "id", "data"}."""
    ev: dict = {}
    while True:
        line = (await asyncio.wait_for(resp.content.readline(), 5)).decode()
        assert line, "stream ended"
        line = line.rstrip("\n")
        if not line:
            if "data" in ev:
                ev["data"] = json.loads(ev["data"])
                return ev
            continue
        if line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        ev[field] = value.removeprefix(" ")


# --- typed messages -> InboundMessage -----------------------------------------------------------

async def test_private_message_becomes_inbound(sim, clock):
    client, pipe, hub = sim
    status, body = await _post(client, "/sim/api/send",
                               {"userid": "zhangsan", "conv": "user", "text": " /帮助 ",
                                "client_id": "c-1"})
    assert status == 200 and body == {"ok": True, "forwarded": True, "accepted": True,
                                      "client_id": "c-1"}
    (msg,) = pipe.got
    assert msg == base.InboundMessage(
        platform=base.LOCAL, dedupe_key="local:c-1", sender_id="zhangsan", chat_type=base.PRIVATE,
        chat_id="", text="/帮助", mentions=(),
        reply=base.Reply(channel=base.CH_LOCAL, address="user:zhangsan"),
        sent_at=clock.now().timestamp())
    (entry,) = hub.messages(["user:zhangsan"])
    assert (entry["dir"], entry["sender_name"], entry["text"], entry["client_id"]) == (
        "in", "张三", "/帮助", "c-1")
    # The same client id again (a browser retry) reaches the pipeline as the same dedupe key.
    status, body = await _post(client, "/sim/api/send",
                               {"userid": "zhangsan", "conv": "user", "text": "/帮助",
                                "client_id": "c-1"})
    assert status == 200 and body["accepted"] is False
    assert len(hub.messages(["user:zhangsan"])) == 1


async def test_group_message_strips_bot_mention_and_reads_mentions(sim):
    client, pipe, hub = sim
    status, _ = await _post(client, "/sim/api/send",
                            {"userid": "lisi", "conv": "hotline",
                             "text": "@机器人 /转派 T12 @张三 请跟进，@王五 知悉"})
    assert status == 200
    msg = pipe.got[-1]
    assert (msg.chat_type, msg.chat_id, msg.text, msg.mentions) == (
        base.GROUP, "hotline", "/转派 T12 @张三 请跟进，@王五 知悉", ("zhangsan", "wangwu"))
    assert msg.reply == base.Reply(channel=base.CH_LOCAL, address="chat:hotline")
    assert msg.dedupe_key.startswith("local:") and len(msg.dedupe_key) > 10

    typed = "＠DeskBot　建单 客户=华东电力 打印报错"
    await _post(client, "/sim/api/send", {"userid": "lisi", "conv": "chat:mgr", "text": typed})
    msg = pipe.got[-1]
    assert (msg.chat_id, msg.text) == ("mgr", "建单 客户=华东电力 打印报错")
    # The page shows what was typed, mention and all.
    assert hub.messages(["chat:mgr"])[-1]["text"] == typed


async def test_group_chatter_not_addressed_to_the_bot_stays_in_the_group(sim):
    client, pipe, hub = sim
    status, body = await _post(client, "/sim/api/send",
                               {"userid": "lisi", "conv": "hotline", "text": "大家早上好"})
    assert status == 200 and body["forwarded"] is False and body["accepted"] is False
    assert pipe.got == []
    (entry,) = hub.messages(["chat:hotline"])
    assert entry["text"] == "大家早上好" and entry["forwarded"] is False


@pytest.mark.parametrize("body, error", [
    ({"userid": "nobody", "conv": "user", "text": "/帮助"}, "没有这个员工（或已停用）：nobody"),
    ({"userid": "gone", "conv": "user", "text": "/帮助"}, "没有这个员工（或已停用）：gone"),
    ({"userid": "lisi", "conv": "cidX", "text": "/帮助"}, "没有这个群：cidX"),
    ({"conv": "user", "text": "/帮助"}, "请求缺少或写错了字段：userid"),
    ({"userid": "lisi", "conv": "user", "text": "  "}, "消息不能为空"),
    ({"userid": "lisi", "conv": "user", "text": 5}, "请求缺少或写错了字段：text"),
    ({"userid": "lisi", "conv": "user", "text": "/帮助", "client_id": "a b"},
     "请求缺少或写错了字段：client_id"),
    ({"userid": "lisi", "conv": "user", "text": "长" * 4001}, "消息太长：最多 4000 个字"),
    (b"{not json", "请求格式错误：需要一个 JSON 对象"),
    (b'["a list"]', "请求格式错误：需要一个 JSON 对象"),
    (b"\xff\xfe", "请求格式错误：需要一个 JSON 对象"),
    (json.dumps({"userid": "lisi", "conv": "user", "text": "x", "pad": "x" * 70000}),
     "请求太大：最多 65536 字节"),
])
async def test_bad_sends_are_refused_in_chinese(sim, body, error):
    client, pipe, hub = sim
    status, answer = await _post(client, "/sim/api/send", body)
    assert status == 400 and answer == {"ok": False, "error": error}
    assert pipe.got == [] and hub.messages() == []


async def test_click_becomes_card_action(sim):
    client, pipe, hub = sim
    status, body = await _post(client, "/sim/api/click",
                               {"userid": "zhangsan", "conv": "hotline", "key": "claim:T12",
                                "task_id": "ticket-12", "label": "接单", "client_id": "k-9"})
    assert status == 200 and body["accepted"] is True
    (msg,) = pipe.got
    assert msg.action == base.CardAction(key="claim:T12", task_id="ticket-12")
    assert (msg.text, msg.chat_type, msg.chat_id, msg.dedupe_key, msg.reply.address) == (
        "", base.GROUP, "hotline", "local:k-9", "chat:hotline")
    (entry,) = hub.messages(["chat:hotline"])
    assert (entry["kind"], entry["text"], entry["key"]) == ("click", "接单", "claim:T12")
    status, answer = await _post(client, "/sim/api/click",
                                 {"userid": "ghost", "conv": "user", "key": "claim:T12"})
    assert status == 400 and "ghost" in answer["error"]
    status, answer = await _post(client, "/sim/api/click", {"userid": "lisi", "conv": "user"})
    assert status == 400 and answer["error"] == "请求缺少或写错了字段：key"


async def test_staff_and_chat_lists(sim):
    client, _, _ = sim
    staff = await (await client.get("/sim/api/staff")).json()
    assert [(s["userid"], s["name"], s["roles"]) for s in staff] == [
        ("zhangsan", "张三", ["engineer"]), ("lisi", "李四", ["engineer", "manager"]),
        ("wangwu", "王五", ["supervisor"])]
    chats = await (await client.get("/sim/api/chats")).json()
    assert chats == [{"chat_key": "hotline", "name": "热线服务群", "purpose": "hotline"},
                     {"chat_key": "mgr", "name": "经理群", "purpose": "managers"}]


# --- outbound: the sender, the hub, the stream -------------------------------------------------

async def test_sender_delivery_reaches_hub_and_stream(sim):
    client, _, hub = sim
    sender = LocalSender(hub)
    assert sender.channels == (base.CH_LOCAL,)
    stream = await client.get("/sim/api/stream")
    assert stream.headers["Content-Type"].startswith("text/event-stream")
    hello = await _event(stream)
    assert hello["event"] == "hello" and hello["data"] == {"epoch": hub.epoch}

    card = OutboundMessage(channel=base.CH_LOCAL, address="chat:hotline", kind=base.CARD,
                           title="新工单 T12", text="**华东电力**：打印凭证时报错",
                           mentions=("zhangsan",), task_id="ticket-12",
                           buttons=(Button(key="claim:T12", text="接单"),))
    await sender.send(card, "push:T12#0")
    await sender.send(card, "push:T12#0")  # the relay's at-least-once retry: shown once
    await _post(client, "/sim/api/send", {"userid": "lisi", "conv": "user", "text": "/我的"})
    md = OutboundMessage(channel=base.CH_LOCAL, address="user:lisi", kind=base.MARKDOWN,
                         text="# 我的工作\n- T12 <font color=\"warning\">超时</font>")
    await sender.send(md, "reply:7")

    first, typed, second = await _event(stream), await _event(stream), await _event(stream)
    assert first["event"] == "msg" and first["id"] == f"{hub.epoch}-{first['data']['id']}"
    assert {k: first["data"][k] for k in ("conv", "dir", "kind", "title", "text", "buttons",
                                          "task_id", "mentions", "sender_name")} == {
        "conv": "chat:hotline", "dir": "out", "kind": "card", "title": "新工单 T12",
        "text": "**华东电力**：打印凭证时报错", "buttons": [{"key": "claim:T12", "text": "接单"}],
        "task_id": "ticket-12", "mentions": ["zhangsan"], "sender_name": "机器人"}
    assert (typed["data"]["dir"], typed["data"]["text"]) == ("in", "/我的")
    assert (second["data"]["kind"], second["data"]["conv"]) == ("markdown", "user:lisi")
    assert [e["kind"] for e in hub.messages()] == ["card", "text", "markdown"]

    # A reconnecting browser is replayed what came after its Last-Event-ID.
    again = await client.get("/sim/api/stream", headers={"Last-Event-ID": first["id"]})
    assert (await _event(again))["event"] == "hello"
    assert [(await _event(again))["data"]["id"] for _ in range(2)] == [
        typed["data"]["id"], second["data"]["id"]]
    # Keep-alive comments flow while nothing happens.
    while (await asyncio.wait_for(again.content.readline(), 5)) != b": ping\n":
        pass
    stream.close()
    again.close()


async def test_sender_images_files_and_refusals(sim, tmp_path):
    client, _, hub = sim
    sender = LocalSender(hub)
    chart = tmp_path / "chart.png"
    chart.write_bytes(PNG)
    image = OutboundMessage(channel=base.CH_LOCAL, address="user:wangwu", kind=base.IMAGE,
                            title="月报图表", file_path=str(chart))
    await sender.send(image, "img")
    (entry,) = hub.messages(["user:wangwu"])
    assert entry["kind"] == "image" and entry["file_name"] == "chart.png"
    resp = await client.get(entry["url"])
    assert resp.status == 200 and resp.content_type == "image/png" and await resp.read() == PNG
    assert (await client.get("/sim/media/0123456789abcdef01234567")).status == 404

    with pytest.raises(SendFailed):
        await sender.send(OutboundMessage(channel=base.CH_LOCAL, address="wangwu"), "bad-address")
    with pytest.raises(SendFailed):
        await sender.send(OutboundMessage(channel=base.CH_LOCAL, address="user:wangwu",
                                          kind=base.FILE, file_path=str(tmp_path / "no.xlsx")),
                          "no-file")
    assert len(hub.messages()) == 1


async def test_messages_endpoint_filters(sim):
    client, _, hub = sim
    sender = LocalSender(hub)
    for i, address in enumerate(["user:zhangsan", "user:lisi", "chat:hotline", "chat:mgr"]):
        await sender.send(OutboundMessage(channel=base.CH_LOCAL, address=address, text=f"m{i}"),
                          f"k{i}")

    async def texts(query: str) -> list[str]:
        body = await (await client.get("/sim/api/messages?" + query)).json()
        assert body["epoch"] == hub.epoch
        return [m["text"] for m in body["messages"]]

    assert await texts("userid=zhangsan") == ["m0", "m2", "m3"]
    assert await texts("conv=user&userid=lisi") == ["m1"]
    assert await texts("conv=hotline") == ["m2"]
    assert await texts("conv=chat:mgr") == ["m3"]
    first = hub.messages()[0]["id"]
    assert await texts(f"since={first}") == ["m1", "m2", "m3"]
    assert (await client.get("/sim/api/messages?since=x")).status == 400
    assert (await client.get("/sim/api/messages?conv=user")).status == 400


# --- history survives a restart ----------------------------------------------------------------

async def test_history_reloads_from_outbox_and_inbound_events(db, settings, clock, aiohttp_client):
    await _people()
    t0 = clock.now()

    def out(key: str, address: str, text: str, *, minutes: int, status: str = SENT,
            channel: str = base.CH_LOCAL, merged: int | None = None) -> OutboxMessage:
        msg = OutboundMessage(channel=channel, address=address, text=text)
        at = t0 + timedelta(minutes=minutes)
        return OutboxMessage(dedupe_key=key, channel=channel, address=address,
                             payload=msg.to_json(), status=status, next_attempt_at=at,
                             created_at=at, sent_at=at if status == SENT else None,
                             merged_into=merged)

    await OutboxMessage.bulk_create([
        out("reply:1", "user:zhangsan", "已建单 T1", minutes=1),
        out("push:1", "chat:hotline", "新工单 T1", minutes=2),
        out("pending", "chat:hotline", "还没发", minutes=3, status=PENDING),
        out("merged", "chat:hotline", "并入摘要", minutes=3, merged=99),
        out("wecom", "zhangsan", "企业微信的", minutes=3, channel=base.CH_WECOM_APP),
    ])
    typed = base.InboundMessage(platform=base.LOCAL, dedupe_key="local:c-7", sender_id="zhangsan",
                                chat_type=base.PRIVATE, text="/建单 客户=华东电力 打印报错",
                                reply=base.Reply(channel=base.CH_LOCAL, address="user:zhangsan"))
    await InboundEvent.create(dedupe_key=typed.dedupe_key, platform=base.LOCAL,
                              payload=typed.to_json(), received_at=t0)

    app, _ = _app(settings, clock)
    client = await aiohttp_client(app)  # on_startup reloads the history
    hub = app[keys.SIMULATOR]
    assert hub.history_loaded
    assert [(e["conv"], e["dir"], e["text"]) for e in hub.messages()] == [
        ("user:zhangsan", "in", "/建单 客户=华东电力 打印报错"),
        ("user:zhangsan", "out", "已建单 T1"),
        ("chat:hotline", "out", "新工单 T1"),
    ]
    assert hub.messages()[0]["sender_name"] == "张三"
    assert hub.messages()[1]["at"] == (t0 + timedelta(minutes=1)).isoformat()
    body = await (await client.get("/sim/api/messages?userid=zhangsan")).json()
    assert len(body["messages"]) == 3
    # The relay retrying a message already reloaded does not show it twice.
    await LocalSender(hub).send(OutboundMessage(channel=base.CH_LOCAL, address="chat:hotline",
                                                text="新工单 T1"), "push:1")
    assert len(hub.messages()) == 3
    assert await hub.load_history() == 0  # once per start


# --- the page ------------------------------------------------------------------------------------

async def test_page_is_served_and_works_offline(sim):
    client, _, _ = sim
    resp = await client.get("/", allow_redirects=False)
    assert resp.status == 302 and resp.headers["Location"] == "/sim"
    resp = await client.get("/sim")
    assert resp.status == 200 and resp.content_type == "text/html"
    page = await resp.text()
    for needle in ('lang="zh-CN"', 'id="staff-select"', 'id="conv-list"', 'id="messages"',
                   'id="composer"', 'id="input"', 'id="send-btn"', "输入 /帮助 查看命令",
                   '<meta name="sim-tz" content="Asia/Shanghai">',
                   'src="/sim/static/sim.js"', 'href="/sim/static/sim.css"'):
        assert needle in page, needle
    assert "{{" not in page and "%%" not in page
    labels = json.loads(re.search(r'<script id="sim-texts" type="application/json">(.*?)</script>',
                                  page, re.S).group(1))
    assert labels["private_chat"] == "私聊机器人" and labels["roles"]["manager"] == "服务经理"
    js = await (await client.get("/sim/static/sim.js")).text()
    css = await (await client.get("/sim/static/sim.css")).text()
    for needle in ("EventSource", "/sim/api/stream", "/sim/api/send", "/sim/api/click",
                   "/sim/api/staff", "/sim/api/chats", "/sim/api/messages"):
        assert needle in js, needle
    # Offline: nothing is fetched from another host.
    for text in (page, js, css):
        assert not re.search(r"""(src|href)=["']?(https?:)?//|@import|url\(\s*["']?https?:""", text)


async def test_simulator_disabled_mounts_nothing(aiohttp_client, clock):
    settings = load_settings(None, simulator__enabled=False)
    app, _ = _app(settings, clock)
    assert keys.SIMULATOR not in app
    client = await aiohttp_client(app)
    assert (await client.get("/sim")).status == 404
    assert (await client.post("/sim/api/send", data=b"{}")).status == 404


def test_page_template_fills_every_label():
    page = render_page()
    assert "{{" not in page and "deskbot 模拟器" in page


# --- pieces ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("@机器人 /帮助", ("/帮助", True)),
    ("@deskbot  接单 T3", ("接单 T3", True)),
    ("＠机器人\u3000我的", ("我的", True)),
    ("@deskbotx 你好", ("@deskbotx 你好", False)),
    ("请 @机器人 建单", ("请   建单", True)),
    ("  /队列  ", ("/队列", False)),
])
def test_strip_bot_mention(text, expected):
    assert strip_bot_mention(text) == expected


def test_parse_mentions_prefers_the_longest_name():
    staff = [("zs", "张三"), ("zsf", "张三丰"), ("ls", "李四")]
    assert parse_mentions("@张三丰 和 @张三 还有＠ls 再 @张三", staff) == ("zsf", "zs", "ls")
    assert parse_mentions("@无名 没人", staff) == ()


async def test_hub_rings_are_bounded_and_slow_subscribers_cut_off(clock):
    hub = SimulatorHub(clock, per_conv=3, queue_size=2)
    sub = hub.subscribe()
    for i in range(5):
        hub.publish({"conv": "user:a", "dir": "out", "text": str(i)})
    assert [e["text"] for e in hub.messages(["user:a"])] == ["2", "3", "4"]
    # The subscriber read nothing: it was cut off rather than allowed to grow without end.
    assert sub.overflowed and hub.subscriber_count == 0
    assert await sub.get(1) is None
    live = hub.subscribe()
    hub.close()
    assert await live.get(1) is None
