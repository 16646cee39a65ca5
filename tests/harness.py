"""A test bot in the errbot style: say something as someone, get the bot's answer back.

It drives the real pipeline and dispatcher against the real database (no HTTP, no platform), and
reads answers and pushes from the outbox, where every message the bot sends is written.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

from bot.dispatcher import Dispatcher
from bot.messages import (
    CH_LOCAL,
    GROUP,
    LOCAL,
    PRIVATE,
    CardAction,
    InboundMessage,
    OutboundMessage,
    Reply,
)
from bot.pipeline import Pipeline
from bot.runtime import Runtime
from commands import all_routers
from storage.models import InboundEvent, OutboxMessage

_ids = itertools.count(1)


@dataclass
class Sent:
    id: int
    key: str
    msg: OutboundMessage

    @property
    def text(self) -> str:
        return self.msg.text


class ChatHarness:
    def __init__(self, env: Runtime) -> None:
        self.env = env
        self.dispatcher = Dispatcher(env, all_routers())
        self.pipeline = Pipeline(env, self.dispatcher, batch_ms=0)
        self._seen_outbox = 0

    async def __aenter__(self) -> "ChatHarness":
        await self.pipeline.start()
        await self.pipeline.drain()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.pipeline.stop()

    def message(self, userid: str, text: str, *, chat: str = "", mentions: tuple[str, ...] = (),
                action: CardAction | None = None) -> InboundMessage:
        n = next(_ids)
        address = f"chat:{chat}" if chat else f"user:{userid}"
        return InboundMessage(
            platform=LOCAL, dedupe_key=f"test:{n}", sender_id=userid,
            chat_type=GROUP if chat else PRIVATE, chat_id=chat, text=text, mentions=mentions,
            reply=Reply(channel=CH_LOCAL, address=address), action=action,
            sent_at=self.env.now().timestamp())

    async def send(self, msg: InboundMessage) -> str:
        await self.pipeline.accept(msg)
        await self.pipeline.drain()
        event = await InboundEvent.get(dedupe_key=msg.dedupe_key)
        row = await OutboxMessage.filter(dedupe_key=f"reply:{event.id}").first()
        return OutboundMessage.from_json(row.payload).text if row else ""

    async def say(self, userid: str, text: str, **kw) -> str:
        return await self.send(self.message(userid, text, **kw))

    async def click(self, userid: str, key: str, **kw) -> str:
        return await self.send(self.message(userid, "", action=CardAction(key=key), **kw))

    async def pushes(self, *, channel: str | None = None, address: str | None = None,
                     new: bool = True, cards: bool = False) -> list[Sent]:
        """Messages the bot queued that were not answers to a command (notices, reminders).

        Redraws of cards shown earlier (tests/test_cards.py) only with `cards=True`."""
        q = OutboxMessage.filter(id__gt=self._seen_outbox if new else 0).order_by("id")
        if channel:
            q = q.filter(channel=channel)
        if address:
            q = q.filter(address=address)
        rows = await q
        if new and rows:
            self._seen_outbox = max(self._seen_outbox, rows[-1].id)
        return [Sent(r.id, r.dedupe_key, OutboundMessage.from_json(r.payload)) for r in rows
                if not r.dedupe_key.startswith("reply:")
                and (cards or not r.dedupe_key.startswith("card:"))]

    async def skip_pushes(self) -> None:
        last = await OutboxMessage.all().order_by("-id").first()
        self._seen_outbox = last.id if last else 0
