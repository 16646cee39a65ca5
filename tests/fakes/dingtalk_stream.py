"""A fake DingTalk Stream gateway: the open-connection endpoint and the WebSocket behind it.

A real aiohttp app on loopback speaking the protocol bot/platforms/dingtalk_stream.py describes:
- POST /v1.0/gateway/connections/open checks clientId and clientSecret (a wrong pair gets
  DingTalk's error body, HTTP 400) and the subscriptions, and answers {endpoint, ticket} with a
  one-time ticket;
- GET /connect?ticket=... upgrades to a WebSocket only for an issued, unused ticket (else 403);
- the tests push robot-message and card callbacks, pings and `disconnect`; every CALLBACK must be
  acked with code 200 and its messageId; whatever is not acked when a connection ends is pushed
  again, in order, on the next one (as DingTalk redelivers);
- `drop()` closes every connection without a word (a network failure), `disconnect()` sends the
  system message first and closes a moment later, as the gateway does, and `mute()` leaves a
  connection open but deaf to WebSocket pings (a path that died without a FIN).
"""
from __future__ import annotations

import asyncio
import itertools
import json
import time
from typing import Any

from aiohttp import WSMsgType, web

from tests.fakes.loopback import Loopback

ROBOT_TOPIC = "/v1.0/im/bot/messages/get"
CARD_TOPIC = "/v1.0/card/instances/callback"


class FakeDingTalkStream(Loopback):
    def __init__(self, *, client_id: str, client_secret: str) -> None:
        self.client_id, self.client_secret = client_id, client_secret
        self.base = ""
        self.opens = 0  # successful open-connection calls
        self.refused_opens = 0
        self.connects = 0  # WebSocket connections accepted, ever
        self.subscriptions: list[dict] = []
        self.live: list[web.WebSocketResponse] = []
        self.acks: list[dict] = []
        self.pongs: list[dict] = []
        self.lose_acks = False  # acks arriving now are thrown away (lost on the way)
        self.unacked: dict[str, dict] = {}  # messageId -> frame, in push order
        self.pushed_at: dict[str, float] = {}  # messageId -> time.monotonic() of the first push
        self.acked_at: dict[str, float] = {}
        self._tickets: set[str] = set()
        self._muted: set[web.WebSocketResponse] = set()
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()

    # -- what tests do ----------------------------------------------------------------------

    async def push(self, topic: str, data: dict, *, kind: str = "CALLBACK") -> str:
        """A frame to the live connection (kept until acked); its messageId."""
        message_id = f"msg-{next(self._ids)}"
        frame = {"specVersion": "1.0", "type": kind,
                 "headers": {"appId": "fake-app", "connectionId": "fake-conn",
                             "contentType": "application/json", "messageId": message_id,
                             "time": "1764381600000", "topic": topic},
                 "data": json.dumps(data, ensure_ascii=False)}
        self.unacked[message_id] = frame
        self.pushed_at[message_id] = time.monotonic()
        await self._broadcast(json.dumps(frame, ensure_ascii=False))
        return message_id

    async def _broadcast(self, text: str) -> None:
        for ws in list(self.live):
            try:
                await ws.send_str(text)
            except (ConnectionError, RuntimeError):  # closing under us: kept for redelivery
                pass

    async def send_raw(self, text: str) -> None:
        """Anything at all as a text frame (what a broken gateway or proxy might send)."""
        await self._broadcast(text)

    async def push_message(self, data: dict) -> str:
        return await self.push(ROBOT_TOPIC, data)

    async def push_card(self, data: dict) -> str:
        return await self.push(CARD_TOPIC, data)

    async def ping(self) -> str:
        message_id = f"ping-{next(self._ids)}"
        await self._system("ping", message_id, json.dumps({"opaque": message_id}))
        return message_id

    async def disconnect(self, grace_s: float = 0.3) -> None:
        """Tell the live connections to go, and close them a moment later (not the new one)."""
        going = list(self.live)
        await self._system("disconnect", f"sys-{next(self._ids)}",
                           json.dumps({"reason": "gateway upgrade"}))
        await asyncio.sleep(grace_s)
        for ws in going:
            await ws.close()

    def mute(self) -> None:
        """The live connections stop answering WebSocket pings (a silently dead network path);
        frames still go out to them. Later connections answer again."""
        self._muted.update(self.live)

    async def drop(self) -> None:
        for ws in list(self.live):
            await ws.close()

    async def wait(self, check, timeout: float = 10.0) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(check), timeout)

    async def wait_connected(self, connects: int = 1, timeout: float = 10.0) -> None:
        await self.wait(lambda: self.connects >= connects and self.live, timeout)

    async def wait_acked(self, message_id: str, timeout: float = 10.0) -> dict:
        await self.wait(lambda: any(a["headers"]["messageId"] == message_id for a in self.acks),
                        timeout)
        return next(a for a in self.acks if a["headers"]["messageId"] == message_id)

    async def wait_pong(self, message_id: str, timeout: float = 10.0) -> dict:
        await self.wait(lambda: any(p["headers"]["messageId"] == message_id for p in self.pongs),
                        timeout)
        return next(p for p in self.pongs if p["headers"]["messageId"] == message_id)

    # -- serving ----------------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v1.0/gateway/connections/open", self._open)
        app.router.add_get("/connect", self._connect)
        app.on_shutdown.append(lambda _: self.drop())
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Served on its own (benches); the base URL, also kept as `base`."""
        self.base = await super().start(host, port)
        return self.base

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _system(self, topic: str, message_id: str, data: str) -> None:
        frame = {"specVersion": "1.0", "type": "SYSTEM",
                 "headers": {"contentType": "application/json", "messageId": message_id,
                             "time": "1764381600000", "topic": topic}, "data": data}
        await self._broadcast(json.dumps(frame))

    async def _open(self, request: web.Request) -> web.Response:
        try:
            body: Any = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or body.get("clientId") != self.client_id \
                or body.get("clientSecret") != self.client_secret:
            self.refused_opens += 1
            await self._notify()
            return web.json_response({"code": "invalidClientIdOrSecret",
                                      "message": "无效的clientId或者clientSecret",
                                      "requestid": "fake-request"}, status=400)
        subs = body.get("subscriptions")
        if not isinstance(subs, list) or not subs or not all(
                isinstance(s, dict) and s.get("type") in ("EVENT", "CALLBACK", "SYSTEM")
                and s.get("topic") for s in subs):
            return web.json_response({"code": "invalidParameter",
                                      "message": "subscriptions 不合法"}, status=400)
        self.subscriptions = subs
        self.opens += 1
        ticket = f"ticket-{next(self._ids)}"
        self._tickets.add(ticket)
        return web.json_response({"endpoint": f"ws://{request.host}/connect", "ticket": ticket})

    async def _connect(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        if ticket not in self._tickets:
            return web.json_response({"code": "invalidTicket", "message": "ticket 无效"},
                                     status=403)
        self._tickets.discard(ticket)
        ws = web.WebSocketResponse(autoping=False)  # pongs by hand, so `mute` can stop them
        await ws.prepare(request)
        self.connects += 1
        self.live.append(ws)
        # Redelivery: what no earlier connection acked, in the order it was first pushed.
        await self._notify()
        try:
            for frame in list(self.unacked.values()):
                await ws.send_str(json.dumps(frame, ensure_ascii=False))
            async for msg in ws:
                if msg.type == WSMsgType.PING:
                    if ws not in self._muted:
                        await ws.pong(msg.data)
                elif msg.type == WSMsgType.TEXT:
                    await self._answer(json.loads(msg.data))
        finally:
            self.live.remove(ws)
            self._muted.discard(ws)
            await self._notify()
        return ws

    async def _answer(self, reply: dict) -> None:
        message_id = reply.get("headers", {}).get("messageId", "")
        if reply.get("code") != 200 or not isinstance(reply.get("data"), str):
            return  # not an ack DingTalk takes: the frame stays unacked
        if message_id.startswith("ping-"):
            self.pongs.append(reply)
        elif message_id in self.unacked and not self.lose_acks:
            del self.unacked[message_id]
            self.acks.append(reply)
            self.acked_at[message_id] = time.monotonic()
        await self._notify()
