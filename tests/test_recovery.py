"""A crash between the acknowledgement and the processing loses nothing and doubles nothing.

The first bot acknowledges real WeCom callbacks (so their events are committed) and then "dies"
while processing them: before the command runs, or after it wrote its ticket inside the
processing transaction but before the answer and the processed mark (the transaction is then
rolled back). Rows stored by an acceptance that was never followed by any processing at all are
recovered too. A bot started later on the same database processes every event exactly once: one
ticket and one answer each.
"""
from __future__ import annotations

import asyncio

import pytest

from bot import messages as base
from bot.dispatcher import Dispatcher
from bot.messages import InboundMessage, Reply
from bot.platforms import wecom_app
from bot.settings import load_settings
from storage.models import InboundEvent, OutboxMessage, Ticket
from tests.app_harness import start_bot
from tests.fakes.callbacks import WeComKeys, wecom_app_text

CORP = "wwrecovery0001"
AGENT = 1000002
APP = WeComKeys("recoveryToken", "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG", CORP)
CREATE = "/建单 客户=华东制造 打印凭证时报错"
# Three different problems (similar ones would be linked as duplicates of the first).
PROBLEMS = {"zhangwei": "打印凭证时报错", "lina": "工资表导出为空白", "wangqiang": "登录后报表菜单消失"}
ENGINEERS = tuple(PROBLEMS)


class Crash(Dispatcher):
    """The process dies while processing: before the command, or after it but before the answer
    is recorded (the command's writes are then rolled back with the processing transaction)."""

    def __init__(self, real: Dispatcher, *, after_command: bool) -> None:
        self.__dict__.update(real.__dict__)
        self.after_command = after_command
        self.ran = 0

    async def handle(self, msg: InboundMessage):
        if self.after_command:
            await super().handle(msg)
            self.ran += 1
        raise asyncio.CancelledError("killed while processing")


@pytest.fixture
def settings(demo):
    return load_settings(None, database__url=demo, simulator__enabled=True,
                         wecom__enabled=True, wecom__corp_id=CORP, wecom__agent_id=AGENT,
                         wecom__token=APP.token, wecom__encoding_aes_key=APP.encoding_aes_key,
                         wecom__api_base="http://127.0.0.1:9")


async def post_creates(bot, clock) -> None:
    for n, (who, problem) in enumerate(PROBLEMS.items()):
        params, body = wecom_app_text(APP, who, f"/建单 客户=华东制造 {problem}", f"55{n}",
                                      at=clock, agent_id=AGENT)
        resp = await bot.client.post(wecom_app.PATH, params=params, data=body)
        assert resp.status == 200


async def assert_each_processed_once() -> None:
    events = await InboundEvent.all().order_by("id")
    assert len(events) == len(ENGINEERS)
    assert all(e.processed_at is not None and e.lease_until is None for e in events)
    tickets = await Ticket.all().order_by("id").prefetch_related("creator")
    assert sorted(t.creator.userid for t in tickets) == sorted(ENGINEERS)
    assert sorted((t.creator.userid, t.description) for t in tickets) == sorted(
        PROBLEMS.items())
    for e in events:
        [reply] = await OutboxMessage.filter(dedupe_key=f"reply:{e.id}")
        assert reply.channel == base.CH_WECOM_APP
        assert "已建单 T" in reply.payload


async def test_crash_mid_processing_is_recovered_exactly_once(settings, clock, aiohttp_client):
    first = await start_bot(aiohttp_client, settings, clock)
    crashing = Crash(first.pipeline.dispatcher, after_command=True)
    first.pipeline.dispatcher = crashing
    await post_creates(first, clock)
    await first.settle(send=False)
    assert crashing.ran == len(ENGINEERS)  # every ticket was written, then rolled back
    assert await InboundEvent.all().count() == len(ENGINEERS)
    assert await InboundEvent.filter(processed_at=None).count() == len(ENGINEERS)
    assert await Ticket.all().count() == 0 and await OutboxMessage.all().count() == 0
    await first.client.close()

    # A restart within the lease leaves the events to the instance that may still hold them.
    second = await start_bot(aiohttp_client, settings, clock)
    await second.settle(send=False)
    assert await Ticket.all().count() == 0
    await second.client.close()

    clock.advance(seconds=61)  # the dead instance's leases run out
    third = await start_bot(aiohttp_client, settings, clock)
    await third.settle(send=False)
    await assert_each_processed_once()
    assert all(e.attempts == 2 for e in await InboundEvent.all())
    await third.client.close()

    # Yet another start finds nothing left to do.
    fourth = await start_bot(aiohttp_client, settings, clock)
    await fourth.settle(send=False)
    await assert_each_processed_once()


async def test_events_acknowledged_but_never_processed_are_processed_at_next_start(
        settings, clock, aiohttp_client):
    first = await start_bot(aiohttp_client, settings, clock)
    first.pipeline.dispatcher = Crash(first.pipeline.dispatcher, after_command=False)
    await post_creates(first, clock)
    await first.settle(send=False)
    await first.client.close()
    assert await InboundEvent.filter(processed_at=None, attempts=1).count() == len(ENGINEERS)
    assert await Ticket.all().count() == 0

    clock.advance(seconds=61)
    second = await start_bot(aiohttp_client, settings, clock)
    await second.settle(send=False)
    await assert_each_processed_once()


async def test_the_stored_event_is_the_whole_message(settings, clock, aiohttp_client):
    # Recovery rebuilds the message from the row alone: every field must survive the trip.
    bot = await start_bot(aiohttp_client, settings, clock)
    msg = InboundMessage(
        platform=base.WECOM_BOT, dedupe_key="wecom_bot:whole-1", sender_id="lina",
        chat_type=base.GROUP, chat_id="wrG1", text="/接单 T9", mentions=("zhangwei", "赵敏"),
        reply=Reply(channel=base.CH_WECOM_RESPONSE, address="http://127.0.0.1:9/r?c=1",
                    expires_at=1795400000.5, extra={"chatid": "wrG1", "nested": {"a": [1, 2]}}),
        action=base.CardAction(key="claim:T9", task_id="card-9", response_code="RC9"),
        sent_at=1795396000.0)
    assert await bot.pipeline.accept(msg) is True
    assert await bot.pipeline.accept(msg) is False  # the same key again is a duplicate
    row = await InboundEvent.get(dedupe_key=msg.dedupe_key)
    assert row.payload == msg.to_json()
    assert InboundMessage.from_json(row.payload) == msg


async def test_stored_events_from_any_platform_are_recovered(settings, clock, aiohttp_client):
    # Rows exactly as accept() writes them, for a simulator message and a DingTalk one.
    msgs = [
        InboundMessage(platform=base.LOCAL, dedupe_key="local:crash-1", sender_id="zhangwei",
                       chat_type=base.PRIVATE, text=CREATE,
                       reply=Reply(channel=base.CH_LOCAL, address="user:zhangwei")),
        InboundMessage(platform=base.DINGTALK, dedupe_key="dingtalk:crash-2", sender_id="lina",
                       chat_type=base.GROUP, chat_id="cidX",
                       text="/建单 客户=江南商贸 工资表导出为空白",
                       reply=Reply(channel=base.CH_DINGTALK_SESSION,
                                   address="http://127.0.0.1:9/robot/sendBySession?s=1")),
    ]
    for m in msgs:
        await InboundEvent.create(dedupe_key=m.dedupe_key, platform=m.platform,
                                  payload=m.to_json(), received_at=clock.now())
    bot = await start_bot(aiohttp_client, settings, clock)
    await bot.settle(send=False)
    assert await Ticket.all().count() == 2
    for m in msgs:
        reply = await bot.reply_to(m.dedupe_key)
        assert reply.channel == m.reply.channel and reply.text.startswith("已建单 T")
