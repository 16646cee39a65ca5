"""The whole bot under test: create_app() behind aiohttp's test client, on the `db` fixture's
database.

The app gets the real platform senders (WeCom, DingTalk, the simulator's), built from the app's
own HTTP session and simulator hub once they exist, so replies really leave through the outbox
and the relay to loopback fakes. Background loops are off unless asked for: a test settles the
bot by hand, deterministically.

    bot = await start_bot(aiohttp_client, settings, clock)
    await bot.client.post(...)
    await bot.settle()          # every accepted event processed, every due message sent
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient

from bot import keys
from bot.app import create_app
from bot.messages import OutboundMessage
from bot.settings import load_settings
from notifiers.senders.dingtalk import DingTalkSender
from notifiers.senders.local import LocalSender
from notifiers.senders.wecom import WeComSender
from notifiers.senders.wecom_ws import WeComWsSender
from storage import cards
from storage.models import InboundEvent, OutboxMessage


class AppSenders:
    """The production senders, created on first use from the running app's resources (the app's
    HTTP session and simulator hub exist only once its cleanup contexts have run)."""

    def __init__(self) -> None:
        self.app: web.Application | None = None
        self._built: dict[str, Any] | None = None

    def _senders(self) -> dict[str, Any]:
        if self._built is None:
            app = self.app
            assert app is not None, "bind the app first"
            settings, http, clock = app[keys.SETTINGS], app[keys.HTTP], app[keys.CLOCK]
            built = [WeComSender(settings, http, clock=clock, keep_code=cards.note_code),
                     DingTalkSender(settings, http, clock=clock),
                     LocalSender(app[keys.SIMULATOR])]
            if keys.WECOM_WS in app:  # the robot's long connection, as create_app wires it
                built.append(WeComWsSender(app[keys.WECOM_WS], clock=clock,
                                           wait_s=settings.wecom.bot.wait_s,
                                           source=settings.center.name))
            self._built = {ch: s for s in built for ch in s.channels}
        return self._built

    def channels(self) -> dict[str, "_Channel"]:
        from bot import messages as base

        names = [v for k, v in vars(base).items() if k.startswith("CH_")]
        return {name: _Channel(self, name) for name in names}


class _Channel:
    def __init__(self, owner: AppSenders, channel: str) -> None:
        self.owner, self.channel = owner, channel
        self.channels = (channel,)

    async def send(self, msg: OutboundMessage, dedupe_key: str) -> None:
        await self.owner._senders()[self.channel].send(msg, dedupe_key)

    def unavailable(self) -> tuple[str, ...]:
        """The production sender's answer (a long connection held elsewhere or down)."""
        if self.owner.app is None or keys.HTTP not in self.owner.app:
            return ()
        sender = self.owner._senders().get(self.channel)
        paused = getattr(sender, "unavailable", None)
        return (self.channel,) if paused is not None and self.channel in paused() else ()


@dataclass
class Bot:
    client: TestClient
    app: web.Application

    @property
    def pipeline(self):
        return self.app[keys.PIPELINE]

    @property
    def relay(self):
        return self.app[keys.RELAY]

    async def settle(self, *, send: bool = True) -> int:
        """Process every accepted event, then send every due outbox row; messages sent."""
        sent = 0
        while True:
            await self.pipeline.drain()
            if not send:
                return sent
            n = await self.relay.drain_once()
            sent += n
            if not n:
                return sent

    async def replies(self) -> list[OutboundMessage]:
        """The answers the bot queued (one per inbound event it answered), in order."""
        rows = await OutboxMessage.filter(dedupe_key__startswith="reply:").order_by("id")
        return [OutboundMessage.from_json(r.payload) for r in rows]

    async def reply_to(self, dedupe_key: str) -> OutboundMessage | None:
        event = await InboundEvent.get_or_none(dedupe_key=dedupe_key)
        if event is None:
            return None
        row = await OutboxMessage.get_or_none(dedupe_key=f"reply:{event.id}")
        return OutboundMessage.from_json(row.payload) if row else None


async def start_bot(aiohttp_client, settings, clock, *, run_background: bool = False) -> Bot:
    """create_app() on the already opened test database, behind a test client."""
    senders = AppSenders()
    app = create_app(settings, clock=clock, senders=senders.channels(),
                     run_background=run_background, open_database=False)
    senders.app = app
    client = await aiohttp_client(app)
    return Bot(client=client, app=app)


async def serve_fake(fake, aiohttp_server):
    """A fake platform API served on loopback, its base URL kept on it for the bot's settings."""
    server = await aiohttp_server(fake.app())
    fake.base = str(server.make_url("")).rstrip("/")
    return fake


def wecom_settings(url: str, fake, *, corp: str, secret: str, agent: int, app, bot, **extra):
    """A bot with the WeCom app (keys `app`) and intelligent robot (keys `bot`) doors on,
    talking to `fake`; the simulator stays on for the demo's local chats."""
    return load_settings(
        None, database__url=url, simulator__enabled=True, center__admins=["admin"],
        wecom__enabled=True, wecom__corp_id=corp, wecom__secret=secret, wecom__agent_id=agent,
        wecom__token=app.token, wecom__encoding_aes_key=app.encoding_aes_key,
        wecom__api_base=fake.base, wecom__bot__enabled=True, wecom__bot__token=bot.token,
        wecom__bot__encoding_aes_key=bot.encoding_aes_key, **extra)


def dingtalk_settings(url: str, fake, *, app_key: str, secret: str, robot: str, **extra):
    """A bot with the DingTalk robot door on, talking to `fake` for both API hosts."""
    return load_settings(
        None, database__url=url, simulator__enabled=True, dingtalk__enabled=True,
        dingtalk__app_key=app_key, dingtalk__app_secret=secret, dingtalk__robot_code=robot,
        dingtalk__api_base=fake.base, dingtalk__oapi_base=fake.base, **extra)
