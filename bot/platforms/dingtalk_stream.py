"""DingTalk Stream mode: robot messages and card clicks over a WebSocket deskbot opens itself.

No public URL: the bot dials out. The protocol is the one open-dingtalk's stream SDKs speak; it
is spoken here with aiohttp because `dingtalk-stream` 0.24.3 blocks the event loop (requests,
time.sleep) and has no dedupe.

1. POST {dingtalk.stream_base}/v1.0/gateway/connections/open with clientId (the AppKey),
   clientSecret and the subscriptions (EVENT *, the robot-message and card-callback topics);
   DingTalk answers {endpoint, ticket}, or an error body ({code, message}) on a wrong secret.
2. Open the WebSocket at endpoint?ticket=... (the ticket is good for one connection).
3. Frames: {specVersion, type: SYSTEM | EVENT | CALLBACK, headers: {messageId, topic,
   contentType, time, ...}, data: "<JSON text>"}.
   - SYSTEM `ping`: answered with an ack carrying the same data;
   - SYSTEM `disconnect`: DingTalk is about to close this connection (a gateway moving): the
     acks in flight get a moment, then `run` returns and the Supervisor opens a new one;
   - CALLBACK /v1.0/im/bot/messages/get: a robot message, the same body as the HTTP callback,
     so it goes through `dingtalk.to_inbound`;
   - CALLBACK /v1.0/card/instances/callback: a card click (`dingtalk.card_to_inbound`); cards
     call back here only when sent with callbackType STREAM (notifiers/senders/dingtalk.py);
   - EVENT: acknowledged; deskbot acts on no organisation event.
4. Every CALLBACK and EVENT is acked: {code: 200, headers: {contentType, messageId}, message,
   data: "{\\"response\\": ...}"}. DingTalk delivers an unacked one again, also after a
   reconnect, so the ack is sent only once the event is stored (or stored as rejected): nothing
   accepted is lost, and a redelivery is a duplicate dedupe key for the pipeline.

The HTTP door's signature check has no counterpart: the connection is authenticated by the
ticket DingTalk issued against the app secret. Only the lease holder runs this (bot/longconn.py):
DingTalk spreads messages over every open stream of an app, one stream keeps the order simple.
"""
from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from typing import Any

import aiohttp
from aiohttp import web
from yarl import URL

from bot import failures, keys, messages
from bot.platforms import dingtalk, guard, texts
from bot.platforms.guard import Malformed

log = logging.getLogger("deskbot.dingtalk.stream")

OPEN_PATH = "/v1.0/gateway/connections/open"
ROBOT_TOPIC = "/v1.0/im/bot/messages/get"
CARD_TOPIC = "/v1.0/card/instances/callback"
SYSTEM, EVENT, CALLBACK = "SYSTEM", "EVENT", "CALLBACK"
UA = "deskbot-dingtalk-stream/1"
# After a `disconnect`, DingTalk keeps the socket open a few seconds for the acks in flight.
DRAIN_S = 5.0
OPEN_TIMEOUT_S = 30.0  # opening and the WebSocket handshake together

_CONVERT: dict[str, Callable[[dict[str, Any]], messages.InboundMessage | None]] = {
    ROBOT_TOPIC: dingtalk.to_inbound, CARD_TOPIC: dingtalk.card_to_inbound}


class OpenFailed(Exception):
    """DingTalk did not hand out a stream endpoint (wrong AppKey or secret, app not in Stream
    mode, DingTalk unreachable): a failed attempt, retried with backoff."""


def ack(message_id: str, data: str, message: str = "OK") -> str:
    return json.dumps({"code": 200, "message": message, "data": data,
                       "headers": {"contentType": "application/json", "messageId": message_id}},
                      ensure_ascii=False)


class DingTalkStream:
    """One DingTalk app's stream, as a `longconn.Connection`."""

    def __init__(self, app: web.Application) -> None:
        self.app = app
        self.cfg = app[keys.SETTINGS].dingtalk
        self.name = f"dingtalk_stream:{self.cfg.app_key}"[:64]
        self.title = texts.DINGTALK_STREAM_TITLE
        self._send_lock = asyncio.Lock()

    async def open(self, http: aiohttp.ClientSession) -> URL:
        """The WebSocket URL of a new connection (endpoint with its one-time ticket)."""
        body = {"clientId": self.cfg.app_key, "clientSecret": self.cfg.app_secret,
                "subscriptions": [{"type": EVENT, "topic": "*"},
                                  {"type": CALLBACK, "topic": ROBOT_TOPIC},
                                  {"type": CALLBACK, "topic": CARD_TOPIC}],
                "ua": UA}
        url = f"{self.cfg.stream_base.rstrip('/')}{OPEN_PATH}"
        async with http.post(url, json=body) as resp:
            try:
                answer = await resp.json(content_type=None)
            except ValueError:
                answer = None
            status = resp.status
        if not isinstance(answer, dict):
            answer = {}
        endpoint, ticket = answer.get("endpoint"), answer.get("ticket")
        if status != 200 or not isinstance(endpoint, str) or not isinstance(ticket, str) \
                or not endpoint or not ticket:
            raise OpenFailed(f"gateway/connections/open: HTTP {status} "
                             f"{answer.get('code', '')} {answer.get('message', '')}".strip())
        return URL(endpoint).update_query(ticket=ticket)

    async def run(self, connected: Callable[[], None]) -> None:
        # Its own session: the app's has a 15 s total timeout meant for API calls, and a stream
        # lives for hours.
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=15)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            async with asyncio.timeout(OPEN_TIMEOUT_S):  # a gateway that never answers
                url = await self.open(http)
                ws = await http.ws_connect(url, heartbeat=self.cfg.stream_heartbeat_s,
                                           timeout=aiohttp.ClientWSTimeout(ws_receive=None,
                                                                           ws_close=5))
            async with ws:
                log.info("DingTalk stream connected")
                connected()
                await self._pump(ws)

    async def _pump(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        busy: set[asyncio.Task[None]] = set()
        try:
            async for frame in ws:
                if frame.type == aiohttp.WSMsgType.TEXT:
                    if await self._frame(ws, frame.data, busy):
                        log.info("DingTalk stream: disconnect asked, reconnecting")
                        if busy:
                            await asyncio.wait(busy, timeout=DRAIN_S)
                        return
                elif frame.type == aiohttp.WSMsgType.ERROR:
                    raise ConnectionError(f"stream error: {ws.exception()}")
            log.info("DingTalk stream closed by the server (code %s)", ws.close_code)
        finally:
            # What is not acked yet comes again on the next connection, as a duplicate if stored.
            for task in busy:
                task.cancel()
            if busy:
                await asyncio.gather(*busy, return_exceptions=True)

    async def _frame(self, ws: aiohttp.ClientWebSocketResponse, raw: str,
                     busy: set[asyncio.Task[None]]) -> bool:
        """Handle one frame; True when DingTalk asked us to reconnect."""
        try:
            frame = guard.load_json(raw)
            if not isinstance(frame, dict):
                raise Malformed("frame is not a JSON object")
            headers = guard.obj(frame, "headers")
            kind, topic = guard.string(frame, "type"), guard.string(headers, "topic")
            message_id = guard.string(headers, "messageId")
        except Malformed as why:
            # Without a messageId there is nothing to ack; DingTalk's own frames always have one.
            log.warning("DingTalk stream: unreadable frame ignored: %s", why)
            return False
        if kind == SYSTEM:
            if topic == "ping":
                data = frame.get("data")
                await self._send(ws, ack(message_id, data if isinstance(data, str) else ""))
            elif topic == "disconnect":
                return True
            else:
                log.info("DingTalk stream: system topic %s ignored", topic[:64])
            return False
        if kind in (CALLBACK, EVENT):
            # Concurrently, so a slow commit does not hold the pings; tasks start in frame order,
            # and so reach the pipeline's queue in it.
            task = asyncio.create_task(self._deliver(ws, kind, topic, message_id,
                                                     frame.get("data")))
            busy.add(task)
            task.add_done_callback(busy.discard)
        else:
            log.info("DingTalk stream: frame type %s ignored", kind[:32])
        return False

    async def _deliver(self, ws: aiohttp.ClientWebSocketResponse, kind: str, topic: str,
                       message_id: str, data: Any) -> None:
        rid = failures.new_ref()
        failures.REQUEST_ID.set(rid)  # this task's own context: the pipeline stores it
        convert = _CONVERT.get(topic) if kind == CALLBACK else None
        if convert is None:
            if kind == CALLBACK:
                log.info("DingTalk stream: callback topic %s not subscribed by deskbot",
                         topic[:64])
            await self._send(ws, ack(message_id, json.dumps(
                {"status": "SUCCESS", "message": "success"})))
            return
        raw = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
        try:
            try:
                body = guard.load_json(raw)
                if not isinstance(body, dict):
                    raise Malformed("data is not a JSON object")
                msg = convert(body)
            except Malformed as why:
                await guard.reject_in(self.app, rid, messages.DINGTALK, str(why), raw)
            else:
                await guard.deliver_in(self.app, rid, msg, raw)
        except asyncio.CancelledError:
            raise
        except Exception:
            # Not stored, so not acked: DingTalk delivers it again.
            log.exception("DingTalk stream: %s %s not stored", topic[:64], message_id[:64])
            return
        # The answer itself goes later through the session webhook or the OpenAPI (the relay).
        await self._send(ws, ack(message_id, json.dumps({"response": {}})))

    async def _send(self, ws: aiohttp.ClientWebSocketResponse, text: str) -> None:
        if ws.closed:
            return
        async with self._send_lock:
            try:
                await ws.send_str(text)
            except (ConnectionError, RuntimeError) as exc:  # closing under us: redelivered later
                log.info("DingTalk stream: ack not sent: %s", exc)


def connections(app: web.Application) -> list[DingTalkStream]:
    """The stream the settings ask for: DingTalk on, in Stream mode."""
    d = app[keys.SETTINGS].dingtalk
    return [DingTalkStream(app)] if d.enabled and d.mode == "stream" else []
