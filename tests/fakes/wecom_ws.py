"""A fake WeCom intelligent robot long-connection endpoint: an aiohttp WebSocket server speaking
the frames the bot uses (`aibot_subscribe`, `ping`, `aibot_msg_callback`, `aibot_event_callback`,
`aibot_respond_msg`, `aibot_send_msg`).

Like WeCom it checks the robot's secret, allows one connection per robot (a new subscription
kicks the old one with a `disconnected_event` and closes it), takes answers only on a req_id it
issued on that same connection (card updates only on a click's), and takes proactive pushes only as markdown or template cards
(40008 for anything else) and only to chats that have messaged the robot. Tests read what it
was sent from `responds` and `sends`, and drive it with `say`, `drop` and `forget`.
"""
from __future__ import annotations

import asyncio
import base64
import itertools
import json
import os
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

OK = 0
BAD_SECRET = 40001  # the fake's refusal of a wrong secret; the bot treats any errcode as a refusal
TEXT_REFUSED = 40008
NOT_SUBSCRIBED = 846609
STREAM_EXPIRED = 846608
CHAT_NOT_ALLOWED = 846605  # the fake's refusal of a push to a chat that never talked to the robot


@dataclass
class Link:
    ws: web.WebSocketResponse
    number: int
    subscribed: bool = False
    issued: set[str] = field(default_factory=set)  # req_ids of callbacks sent on this link
    events: set[str] = field(default_factory=set)  # those of event callbacks (card clicks)


@dataclass
class Frame:
    cmd: str
    req_id: str
    body: dict[str, Any]
    link: int  # which connection (1, 2, ...) it came on

    @property
    def content(self) -> str:
        b = self.body
        if b.get("msgtype") == "stream":
            return b["stream"]["content"]
        if b.get("msgtype") == "markdown":
            return b["markdown"]["content"]
        return json.dumps(b, ensure_ascii=False)


class FakeWeComWs:
    def __init__(self, bot_id: str, secret: str) -> None:
        self.bot_id, self.secret = bot_id, secret
        self.live: Link | None = None
        self.links: list[Link] = []
        self.frames: list[Frame] = []
        self.talked: set[str] = set()
        self.pings = 0
        self.refused: list[tuple[str, int]] = []
        self.unsubscribed = False  # answer every frame with 846609 until a new subscription
        self.accepting = True  # False: the endpoint cannot be reached (connections refused)
        self._numbers = itertools.count(1)
        self._msgids = itertools.count(1)
        self.url = ""
        self.media: dict[str, bytes] = {}
        # Messages WeCom had waiting: delivered right behind the next subscription's ack.
        self.waiting: list[dict[str, Any]] = []

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/", self._handler)
        app.router.add_get("/media/{key}", self._media)
        return app

    def add_image(self, data: bytes) -> dict[str, str]:
        """Store a picture as WeCom serves long-connection media: encrypted under a key of its
        own; the `image` object a message carries for it (url, aeskey)."""
        raw = os.urandom(32)
        pad = 32 - len(data) % 32
        enc = Cipher(algorithms.AES(raw), modes.CBC(raw[:16])).encryptor()
        key = f"m{len(self.media) + 1}"
        self.media[key] = enc.update(data + bytes([pad]) * pad) + enc.finalize()
        http = self.url.replace("ws://", "http://").rstrip("/")
        return {"url": f"{http}/media/{key}", "aeskey": base64.b64encode(raw).decode()}

    async def _media(self, request: web.Request) -> web.Response:
        data = self.media.get(request.match_info["key"])
        if data is None:
            return web.Response(status=404)
        return web.Response(body=data, content_type="application/octet-stream")

    # -- what tests read ---------------------------------------------------------------------

    @property
    def responds(self) -> list[Frame]:
        return [f for f in self.frames if f.cmd == "aibot_respond_msg"]

    @property
    def sends(self) -> list[Frame]:
        return [f for f in self.frames if f.cmd == "aibot_send_msg"]

    @property
    def updates(self) -> list[Frame]:
        return [f for f in self.frames if f.cmd == "aibot_respond_update_msg"]

    @property
    def subscriptions(self) -> int:
        return sum(1 for link in self.links if link.subscribed)

    # -- what tests do -----------------------------------------------------------------------

    async def wait_live(self, count: int = 1, timeout: float = 10.0) -> Link:
        """Until the `count`-th subscription is live."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not (self.live and self.live.subscribed and self.subscriptions >= count):
            assert loop.time() < deadline, f"no live subscription #{count}"
            await asyncio.sleep(0.01)
        return self.live

    async def say(self, text: str, *, userid: str, chatid: str = "", chattype: str = "group",
                  msgid: str | None = None, req_id: str | None = None,
                  image: dict[str, str] | None = None) -> str:
        """A message to the robot (a group @-mention, or a private chat), with `image` a
        "mixed" one of text and picture; its req_id."""
        link = self.live
        assert link is not None and link.subscribed, "no live connection"
        n = next(self._msgids)
        req_id = req_id or f"req-{link.number}-{n}"
        body = {"msgid": msgid or f"msg{n}", "aibotid": self.bot_id, "chattype": chattype,
                "from": {"userid": userid}, "msgtype": "text", "text": {"content": text},
                "create_time": 1764400000}
        if image is not None:
            body["msgtype"] = "mixed"
            body["mixed"] = {"msg_item": [{"msgtype": "text", "text": body.pop("text")},
                                          {"msgtype": "image", "image": image}]}
        if chatid:
            body["chatid"] = chatid
        self.talked.add(chatid or userid)
        link.issued.add(req_id)
        await link.ws.send_json({"cmd": "aibot_msg_callback", "headers": {"req_id": req_id},
                                 "body": body})
        return req_id

    async def click(self, key: str, *, userid: str, chatid: str = "", task_id: str = "task-1",
                    msgid: str | None = None) -> str:
        """A click on a template card's button (the card's task_id): an event callback; its
        req_id."""
        link = self.live
        assert link is not None and link.subscribed, "no live connection"
        n = next(self._msgids)
        req_id = f"evt-{link.number}-{n}"
        body = {"msgid": msgid or f"evt{n}", "aibotid": self.bot_id, "create_time": 1764400000,
                "chattype": "group" if chatid else "single", "from": {"userid": userid},
                "msgtype": "event", "event": {"eventtype": "template_card_event",
                                              "template_card_event": {
                                                  "card_type": "button_interaction",
                                                  "event_key": key, "task_id": task_id}}}
        if chatid:
            body["chatid"] = chatid
        link.events.add(req_id)
        await link.ws.send_json({"cmd": "aibot_event_callback", "headers": {"req_id": req_id},
                                 "body": body})
        return req_id

    async def drop(self, *, stay_down: bool = False) -> None:
        """The network drops the connection (no disconnect event); with `stay_down`, new
        connections are refused until `accepting` is set again."""
        self.accepting = not stay_down
        link = self.live
        self.live = None
        if link is not None:
            await link.ws.close(code=1011, message=b"gone")

    def expire(self, req_id: str) -> None:
        """The answer window of a message closed on WeCom's side: respond gets 846608."""
        for link in self.links:
            link.issued.discard(req_id)

    def forget(self) -> None:
        """WeCom loses the subscription but keeps the socket open: frames get 846609."""
        self.unsubscribed = True

    # -- the protocol ------------------------------------------------------------------------

    async def _handler(self, request: web.Request) -> web.StreamResponse:
        if not self.accepting:
            return web.Response(status=503)
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        link = Link(ws, next(self._numbers))
        self.links.append(link)
        async for m in ws:
            frame = json.loads(m.data)
            await self._frame(link, frame)
        if self.live is link:
            self.live = None
        return ws

    async def _ack(self, link: Link, req_id: str, code: int, msg: str = "ok") -> None:
        if not link.ws.closed:
            await link.ws.send_json({"headers": {"req_id": req_id}, "errcode": code,
                                     "errmsg": msg})

    async def _frame(self, link: Link, frame: dict[str, Any]) -> None:
        cmd = frame.get("cmd", "")
        req_id = frame.get("headers", {}).get("req_id", "")
        body = frame.get("body") or {}
        self.frames.append(Frame(cmd, req_id, body, link.number))
        if cmd == "aibot_subscribe":
            if body.get("bot_id") != self.bot_id or body.get("secret") != self.secret:
                self.refused.append((cmd, BAD_SECRET))
                await self._ack(link, req_id, BAD_SECRET, "invalid secret")
                await link.ws.close()
                return
            old, self.live = self.live, link
            if old is not None and old is not link:
                await old.ws.send_json({"cmd": "aibot_event_callback",
                                        "headers": {"req_id": f"evt-{old.number}"},
                                        "body": {"msgtype": "event", "aibotid": self.bot_id,
                                                 "event": {"eventtype": "disconnected_event"}}})
                await old.ws.close()
            link.subscribed, self.unsubscribed = True, False
            await self._ack(link, req_id, OK)
            for kw in self.waiting:
                await self.say(**kw)
            self.waiting.clear()
            return
        if not link.subscribed or self.unsubscribed:
            self.refused.append((cmd, NOT_SUBSCRIBED))
            await self._ack(link, req_id, NOT_SUBSCRIBED, "not subscribed")
            return
        if cmd == "ping":
            self.pings += 1
            await self._ack(link, req_id, OK)
        elif cmd == "aibot_respond_msg":
            code = OK if req_id in link.issued else STREAM_EXPIRED
            if code:
                self.frames.pop()
                self.refused.append((cmd, code))
            await self._ack(link, req_id, code)
        elif cmd == "aibot_respond_update_msg":
            card = body.get("template_card") or {}
            ok = (req_id in link.events and body.get("response_type") == "update_template_card"
                  and card.get("task_id"))
            if not ok:
                self.frames.pop()
                self.refused.append((cmd, STREAM_EXPIRED))
            await self._ack(link, req_id, OK if ok else STREAM_EXPIRED)
        elif cmd == "aibot_send_msg":
            code = OK
            card = body.get("template_card") or {}
            if body.get("msgtype") not in ("markdown", "template_card") or (
                    body.get("msgtype") == "template_card" and not card.get("card_type")):
                code = TEXT_REFUSED
            elif body.get("chatid") not in self.talked:
                code = CHAT_NOT_ALLOWED
            if code:
                self.frames.pop()
                self.refused.append((cmd, code))
            await self._ack(link, req_id, code)
        else:
            await self._ack(link, req_id, 40058, "unknown cmd")
