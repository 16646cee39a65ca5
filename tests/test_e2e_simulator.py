"""The simulator end to end, as `make run` opens it: the page's JSON API into create_app(),
answers back through the outbox, the relay and the simulator sender to the page's message list
and its live stream."""
from __future__ import annotations

import asyncio
import json

import pytest

from bot.settings import load_settings
from storage.models import InboundEvent, Ticket, TicketEvent
from tests.app_harness import start_bot

CREATE = "/建单 客户=华东制造 打印凭证时报错"


@pytest.fixture
async def bot(demo, clock, aiohttp_client):
    settings = load_settings(None, database__url=demo, simulator__enabled=True)
    return await start_bot(aiohttp_client, settings, clock)


async def send(bot, userid: str, text: str, conv: str = "user", client_id: str = "") -> dict:
    body = {"userid": userid, "conv": conv, "text": text}
    if client_id:
        body["client_id"] = client_id
    resp = await bot.client.post("/sim/api/send", data=json.dumps(body, ensure_ascii=False),
                                 headers={"Content-Type": "application/json"})
    assert resp.status == 200, await resp.text()
    return await resp.json()


async def click(bot, userid: str, key: str, conv: str) -> dict:
    body = {"userid": userid, "conv": conv, "key": key, "label": "接单"}
    resp = await bot.client.post("/sim/api/click", json=body)
    assert resp.status == 200, await resp.text()
    return await resp.json()


async def bot_says(bot, conv: str) -> list[dict]:
    resp = await bot.client.get("/sim/api/messages", params={"conv": conv})
    entries = (await resp.json())["messages"]
    return [e for e in entries if e["dir"] == "out"]


async def test_create_claim_and_show_through_the_page(bot):
    sent = await send(bot, "zhangwei", CREATE)
    assert sent["ok"] and sent["forwarded"] and sent["accepted"]
    await bot.settle()
    [answer] = await bot_says(bot, "user:zhangwei")
    assert answer["text"].startswith("已建单 T1（客户：华东制造有限公司）")
    # The hotline group got the new ticket as a card with a claim button.
    [card] = await bot_says(bot, "chat:hotline")
    assert card["kind"] == "card" and card["buttons"][0]["key"] == "claim:T1"

    # Another engineer claims it from the card in the group.
    clicked = await click(bot, "lina", "claim:T1", "hotline")
    assert clicked["accepted"]
    await bot.settle()
    ticket = await Ticket.get(id=1).select_related("owner")
    assert ticket.owner.userid == "lina"
    said = [e["text"] for e in await bot_says(bot, "chat:hotline")]
    assert "你已接单 T1（华东制造有限公司），现在由你负责。" in said
    assert any("已由 李娜 接单" in e["text"] for e in await bot_says(bot, "user:zhangwei"))

    await send(bot, "wangqiang", "/单 T1")
    await bot.settle()
    shown = (await bot_says(bot, "user:wangqiang"))[-1]["text"]
    assert shown.startswith("T1［处理中］华东制造有限公司")
    assert "张伟 建单" in shown and "李娜 接单" in shown


async def test_typed_claim_in_the_group(bot):
    await send(bot, "zhangwei", CREATE, conv="hotline")
    await bot.settle()
    said = [e["text"] for e in await bot_says(bot, "chat:hotline")]
    # Asked in the group, answered in the group (beside the new-ticket card).
    assert any(t.startswith("已建单 T1（客户：华东制造有限公司）") for t in said)
    await send(bot, "lina", "@机器人 /接单 T1", conv="hotline")
    await send(bot, "wangqiang", "/接单 T1", conv="hotline")
    await bot.settle()
    said = [e["text"] for e in await bot_says(bot, "chat:hotline")]
    # Exactly one of the two wins and the other is told who: on PostgreSQL several workers
    # process in parallel, so the claim sent second may be decided first.
    owner = (await Ticket.get(id=1).select_related("owner")).owner
    assert owner.userid in ("lina", "wangqiang")
    assert "你已接单 T1（华东制造有限公司），现在由你负责。" in said
    assert f"T1 已由 {owner.name} 接单。" in said
    assert await TicketEvent.filter(ticket_id=1, kind="claimed").count() == 1


async def test_a_resent_page_message_is_one_ticket(bot):
    first = await send(bot, "zhangwei", CREATE, client_id="page-1-msg-1")
    again = await send(bot, "zhangwei", CREATE, client_id="page-1-msg-1")
    assert first["accepted"] and not again["accepted"]
    await bot.settle()
    assert await InboundEvent.all().count() == 1 and await Ticket.all().count() == 1
    assert len(await bot_says(bot, "user:zhangwei")) == 1


async def test_group_chatter_reaches_no_command(bot):
    sent = await send(bot, "zhangwei", "大家好，今天热线很忙", conv="hotline")
    assert sent["ok"] and not sent["forwarded"]
    await bot.settle()
    assert await InboundEvent.all().count() == 0
    assert await bot_says(bot, "chat:hotline") == []


async def test_the_answer_appears_live_on_the_stream(bot):
    resp = await bot.client.get("/sim/api/stream")
    assert resp.status == 200

    async def next_event() -> tuple[str, dict]:
        fields: dict[str, str] = {}
        while True:
            line = (await asyncio.wait_for(resp.content.readline(), 5)).decode().rstrip("\n")
            if not line and "data" in fields:
                return fields.get("event", ""), json.loads(fields["data"])
            if line and not line.startswith(":"):
                key, _, value = line.partition(":")
                fields[key] = value.removeprefix(" ")

    assert (await next_event())[0] == "hello"
    await send(bot, "zhangwei", CREATE)
    await bot.settle()
    seen = [await next_event() for _ in range(3)]  # typed, answer, hotline card (any order)
    entries = {(e["dir"], e["conv"]): e for _, e in seen}
    assert entries[("in", "user:zhangwei")]["text"] == CREATE
    assert entries[("out", "user:zhangwei")]["text"].startswith("已建单 T1")
    assert entries[("out", "chat:hotline")]["kind"] == "card"
    resp.close()
