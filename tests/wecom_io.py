"""The hotline scenario's transport over WeCom: encrypted app callbacks into create_app(), answers
and notices out through the outbox and the relay to a fake WeCom server on loopback.

`say` posts a signed, encrypted text callback, lets the pipeline process it, runs the relay and
returns the words the fake server received for that person through message/send. `click` posts a
`template_card_event` for the card the bot last sent with that button. `drain` reads the notices
queued since its last call from the outbox, in the scenario's transport-neutral names: a staff
member is reached on channel wecom_app at their userid ("user:<userid>"), a bound group keeps its
own address ("chat:<purpose>"). `travel` moves the fake clock, runs the deadline tick and delivers
what it queued, at that moment, as the background loops would.
"""
from __future__ import annotations

import itertools
from datetime import datetime, timezone

from aiohttp import web
from aiohttp.test_utils import TestClient

from bot import keys, messages as base
from bot.clock import FakeClock
from bot.messages import OutboundMessage
from bot.platforms import wecom_app
from bot.services.deadlines import clocks as deadlines
from notifiers import render
from notifiers.senders.wecom import task_id_for
from storage.models import OutboxMessage
from tests.fakes.callbacks import WeComKeys, wecom_app_card_click, wecom_app_text
from tests.fakes.wecom_api import FakeWeCom, Received
from tests.hotline_scenario import Push, ScenarioIO

# Rows the relay writes itself (pieces of a long message, rate-limit digests): not new notices.
_RELAY_ROWS = ("split:", "digest:")


class WeComIO:
    def __init__(self, client: TestClient, app: web.Application, fake: FakeWeCom,
                 app_keys: WeComKeys, clock: FakeClock, *, agent_id: int) -> None:
        self.client, self.app, self.fake = client, app, fake
        self.keys, self.clock, self.agent_id = app_keys, clock, agent_id
        self._msg_ids = itertools.count(1001)
        self._drained = 0  # the last outbox row `drain` has handed out
        self.answers: list[tuple[str, str]] = []  # (userid, answer) in the order given

    def scenario_io(self) -> ScenarioIO:
        return ScenarioIO(say=self.say, click=self.click, drain=self.drain, travel=self.travel)

    # -- the scenario's four verbs ------------------------------------------------------------

    async def say(self, userid: str, text: str) -> str:
        params, body = wecom_app_text(self.keys, userid, text, str(next(self._msg_ids)),
                                      at=self.clock, agent_id=self.agent_id)
        return await self._callback(userid, params, body)

    async def click(self, userid: str, key: str) -> str:
        # WeCom hands every click a ResponseCode that may update the clicked card once.
        params, body = wecom_app_card_click(
            self.keys, userid, key, await self._task_id(key), at=self.clock,
            response_code=self.fake.issue_response_code(), agent_id=self.agent_id)
        return await self._callback(userid, params, body)

    async def drain(self) -> list[Push]:
        await self._deliver()
        rows = await OutboxMessage.filter(id__gt=self._drained).order_by("id")
        if rows:
            self._drained = rows[-1].id
        pushes = []
        for row in rows:
            if row.dedupe_key.startswith(("reply:", *_RELAY_ROWS)):
                continue
            if row.channel == base.CH_WECOM_CARD_UPDATE or row.dedupe_key.startswith("card:"):
                # A redraw of a card shown earlier (tests/test_cards.py), not a new notice.
                assert row.status == "sent", (row.dedupe_key, row.status, row.last_error)
                continue
            msg = OutboundMessage.from_json(row.payload)
            if row.channel == base.CH_WECOM_APP:
                assert row.status == "sent", (row.address, msg.text[:60], row.last_error)
                to = f"user:{row.address}"
            else:
                assert row.channel == base.CH_LOCAL, (row.channel, row.address)
                to = row.address
            pushes.append(Push(to, f"{msg.title}\n{msg.text}".strip(),
                               tuple(b.key for b in msg.buttons)))
        return pushes

    async def travel(self, when: datetime) -> None:
        self.clock.set(when.astimezone(timezone.utc))
        await deadlines.tick_until_idle(self.app[keys.ENV])
        await self._deliver()

    # -- plumbing ---------------------------------------------------------------------------

    async def _deliver(self) -> int:
        return await self.app[keys.RELAY].drain_once()

    async def _last_row(self) -> int:
        last = await OutboxMessage.all().order_by("-id").first()
        return last.id if last else 0

    async def _callback(self, userid: str, params: dict[str, str], body: str) -> str:
        await self._deliver()  # anything older is not part of this answer
        before, mark = await self._last_row(), len(self.fake.received)
        resp = await self.client.post(wecom_app.PATH, params=params, data=body)
        assert (resp.status, await resp.text()) == (200, ""), resp.status
        await self.app[keys.PIPELINE].drain()
        # What this callback queued for its sender, in the order the relay sends one person's
        # messages: the answer, and any notice that happens to be for the same person.
        mine = await OutboxMessage.filter(
            id__gt=before, channel=base.CH_WECOM_APP, address=userid).order_by("created_at", "id")
        replies = [r for r in mine if r.dedupe_key.startswith("reply:")]
        assert len(replies) == 1, [r.dedupe_key for r in mine]
        await self._deliver()
        got = [r for r in self.fake.received[mark:]
               if r.api == "message/send" and r.dest == userid]
        answer, i = "", 0
        for row in mine:
            await row.refresh_from_db()
            assert row.status == "sent", (row.dedupe_key, row.status, row.last_error)
            n = len(render.parts(OutboundMessage.from_json(row.payload)))
            if row.id == replies[0].id:
                answer = "".join(_words(r) for r in got[i:i + n])
            i += n
        assert i == len(got), (i, [r.content[:40] for r in got])
        self.answers.append((userid, answer))
        return answer

    async def _task_id(self, key: str) -> str:
        """The card carrying button `key`: as WeCom delivered it, else as the bot queued it
        (a card to a bound local group never passed through WeCom)."""
        for r in reversed(self.fake.received):
            card = r.body.get("template_card") if r.msgtype == "template_card" else None
            if card and any(b.get("key") == key for b in card.get("button_list", [])):
                return str(card["task_id"])
        for row in await OutboxMessage.all().order_by("-id"):
            msg = OutboundMessage.from_json(row.payload)
            if any(b.key == key for b in msg.buttons):
                return task_id_for(msg, row.dedupe_key)
        raise AssertionError(f"no card with button {key!r} was sent")


def _words(r: Received) -> str:
    assert r.msgtype in ("text", "markdown"), (r.msgtype, r.content[:60])
    return r.content
