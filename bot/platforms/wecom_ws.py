"""WeCom intelligent robot (智能机器人) over its long connection: no public URL needed.

The bot opens a WebSocket to `wecom.bot.ws_url` and subscribes with the robot's id and secret
(`aibot_subscribe`). Frames are JSON `{cmd, headers: {req_id}, body}`; WeCom acknowledges each of
ours with a frame carrying the same req_id and an errcode. It delivers:
- `aibot_msg_callback`: the same JSON as the callback door (group @-mentions, private chats,
  text, mixed, image, file, voice...), normalised by wecom_bot.to_inbound with a way back on the
  frame's req_id instead of a response_url;
- `aibot_event_callback`: template card clicks (a CardAction, like the callback door),
  enter_chat (nothing to do), and `disconnected_event`: another connection for this robot
  subscribed and WeCom dropped ours, which ends `run` with longconn.Kicked so the supervisor
  stands by instead of kicking back.

This module only connects, pings, reads and writes frames; the supervisor (bot/longconn.py)
decides when to connect (it holds the lease) and the sender (notifiers/senders/wecom_ws.py)
writes answers and pushes through `request`. Inbound frames go through the same accept path as
every door, so a message WeCom redelivers after a reconnect is stored once and answered once.
"""
from __future__ import annotations

import asyncio
import json
import logging
import uuid
from typing import Any, Callable

import aiohttp
from aiohttp import web

from bot import failures, keys, messages
from bot.longconn import Kicked
from bot.platforms import guard, texts, wecom_bot
from bot.platforms.guard import Malformed

log = logging.getLogger("deskbot.wecom.ws")

SUBSCRIBE = "aibot_subscribe"
PING = "ping"
MSG_CALLBACK = "aibot_msg_callback"
EVENT_CALLBACK = "aibot_event_callback"
RESPOND = "aibot_respond_msg"
RESPOND_UPDATE = "aibot_respond_update_msg"
SEND = "aibot_send_msg"
DISCONNECTED_EVENT = "disconnected_event"
ACK_TIMEOUT_S = 10.0
MISSED_PINGS = 2  # unanswered pings in a row before the connection counts as dead


class LinkDown(ConnectionError):
    """No live, subscribed connection here, or it ended while a frame waited for its ack."""


class SubscribeRefused(ConnectionError):
    """WeCom answered the subscription with an error (a wrong bot id or secret)."""


def wanted(settings: Any) -> bool:
    bot = settings.wecom.bot
    return bool(bot.enabled and bot.mode == "long_connection")


def new_req_id(cmd: str) -> str:
    return f"{cmd}_{uuid.uuid4().hex[:16]}"


class RobotConnection:
    """One robot's WebSocket: longconn.Connection for the supervisor, a link for the sender."""

    title = texts.ROBOT_TITLE

    def __init__(self, app: web.Application) -> None:
        self._app = app
        self._cfg = app[keys.SETTINGS].wecom.bot
        self.name = f"wecom_robot:{self._cfg.bot_id}"[:64]
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        # Named when the socket opens, so a message read right behind the subscription's ack
        # already carries it; offered to the sender only once the subscription is confirmed.
        self._session = ""
        self._subscribed = False
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._send_lock = asyncio.Lock()

    # -- what the sender sees ----------------------------------------------------------------

    @property
    def session(self) -> str:
        """The id of the live subscription here; "" when this instance has none. Answers carry
        the session their message came on: a req_id is good on that connection only."""
        ws = self._ws
        return self._session if self._subscribed and ws is not None and not ws.closed else ""

    async def request(self, cmd: str, body: Any, req_id: str | None = None,
                      timeout: float = ACK_TIMEOUT_S) -> dict[str, Any]:
        """Write one frame and wait for WeCom's ack (a dict with errcode); LinkDown when the
        connection is not here or ends first."""
        ws = self._ws
        if ws is None or ws.closed or not self.session:
            raise LinkDown("long connection not held here")
        return await self._call(ws, cmd, body, req_id or new_req_id(cmd), timeout)

    def reset(self) -> None:
        """Close the connection (WeCom says it is not subscribed): the supervisor reconnects."""
        ws = self._ws
        if ws is not None and not ws.closed:
            task = asyncio.ensure_future(ws.close())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    # -- what the supervisor runs ----------------------------------------------------------------

    async def run(self, connected: Callable[[], None]) -> None:
        # A session of its own: the app's has a total timeout meant for API calls, not for a
        # connection that lives for days.
        async with aiohttp.ClientSession() as http, http.ws_connect(
                self._cfg.ws_url, heartbeat=None, max_msg_size=4 * 1024 * 1024) as ws:
            self._ws, self._session = ws, uuid.uuid4().hex[:12]
            reader = asyncio.create_task(self._read(ws))
            pinger: asyncio.Task[None] | None = None
            try:
                ack = await self._call(ws, SUBSCRIBE, {"bot_id": self._cfg.bot_id,
                                                      "secret": self._cfg.secret},
                                       new_req_id(SUBSCRIBE), ACK_TIMEOUT_S, reader)
                if ack.get("errcode", 0) != 0:
                    raise SubscribeRefused(f"{SUBSCRIBE}: {ack.get('errcode')} "
                                           f"{ack.get('errmsg', '')}".strip())
                self._subscribed = True
                connected()
                # Rows that waited for the connection are claimable from here now.
                self._app[keys.ENV].wake_relay()
                pinger = asyncio.create_task(self._ping(ws))
                await reader  # Kicked, or the connection's end
            finally:
                self._session, self._subscribed = "", False
                self._ws = None
                for task in (reader, pinger):
                    if task is not None and not task.done():
                        task.cancel()
                for fut in self._pending.values():
                    fut.cancel()  # its waiter turns that into LinkDown, or has gone itself
                self._pending.clear()

    async def _call(self, ws: aiohttp.ClientWebSocketResponse, cmd: str, body: Any, req_id: str,
                    timeout: float, reader: asyncio.Task[None] | None = None) -> dict[str, Any]:
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[req_id] = fut
        frame: dict[str, Any] = {"cmd": cmd, "headers": {"req_id": req_id}}
        if body is not None:
            frame["body"] = body
        try:
            async with self._send_lock:
                await ws.send_str(json.dumps(frame, ensure_ascii=False))
            waiting: set[asyncio.Future[Any]] = {fut}
            if reader is not None:
                waiting.add(reader)  # during the subscription the reader may end first
            done, _ = await asyncio.wait(waiting, timeout=timeout,
                                         return_when=asyncio.FIRST_COMPLETED)
            if fut in done:
                if fut.cancelled():
                    raise LinkDown(f"{cmd}: connection closed before the ack")
                return fut.result()
            if reader is not None and reader in done:
                reader.result()  # Kicked or a read error surfaces here
                raise LinkDown(f"{cmd}: connection closed before the ack")
            raise LinkDown(f"{cmd}: no ack within {timeout:g} s")
        except (ConnectionResetError, RuntimeError) as exc:  # writing to a closing socket
            raise LinkDown(f"{cmd}: {exc}") from exc
        finally:
            self._pending.pop(req_id, None)

    async def _ping(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        missed = 0
        while not ws.closed:
            await asyncio.sleep(self._cfg.ping_s)
            try:
                await self._call(ws, PING, None, new_req_id(PING), self._cfg.ping_s)
                missed = 0
            except LinkDown:
                missed += 1
                if missed >= MISSED_PINGS:
                    log.warning("long connection %s: %d pings unanswered, closing", self.name,
                                missed)
                    await ws.close()
                    return

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for m in ws:
            if m.type == aiohttp.WSMsgType.TEXT:
                self._frame(m.data)
            elif m.type == aiohttp.WSMsgType.ERROR:
                raise ConnectionError(f"WebSocket error: {ws.exception()!r}")
        log.info("long connection %s closed by the server (code %s)", self.name, ws.close_code)

    # -- frames from WeCom ---------------------------------------------------------------------

    def _frame(self, raw: str) -> None:
        try:
            frame = guard.load_json(raw)
        except Malformed:
            log.warning("long connection %s: a frame that is not JSON", self.name)
            return
        if not isinstance(frame, dict):
            return
        headers = frame.get("headers")
        headers = headers if isinstance(headers, dict) else {}
        req_id = headers.get("req_id")
        req_id = req_id if isinstance(req_id, str) else ""
        cmd = frame.get("cmd")
        body = frame.get("body")
        if cmd in (MSG_CALLBACK, EVENT_CALLBACK) and isinstance(body, dict):
            event = body.get("event")
            event = event if isinstance(event, dict) else {}
            if cmd == EVENT_CALLBACK and event.get("eventtype") == DISCONNECTED_EVENT:
                raise Kicked()
            # The session it came on is taken now: by the time the task runs it may have ended.
            task = asyncio.create_task(self._deliver(req_id, body, raw, cmd == EVENT_CALLBACK,
                                                     self._session))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            return
        fut = self._pending.get(req_id)
        if fut is not None and not fut.done():
            fut.set_result(frame)

    def reply_for(self, req_id: str, body: dict[str, Any], now: float, session: str,
                  event: bool = False) -> messages.Reply | None:
        """The way back to a message: its req_id on this session, then a push to its chat. An
        event's req_id takes only a card update (bot/services/cards): its answers are pushed."""
        if not req_id:
            return None
        chat_type = guard.string(body, "chattype")
        extra: dict[str, Any] = {
            "chatid": guard.string(body, "chatid"), "chattype": chat_type,
            "aibotid": guard.string(body, "aibotid"), "session": session}
        if event:
            extra["event"] = True
        return messages.Reply(channel=messages.CH_WECOM_WS_REPLY, address=req_id,
                              expires_at=now + self._cfg.respond_window_s, extra=extra)

    async def _deliver(self, req_id: str, body: dict[str, Any], raw: str, event: bool,
                       session: str) -> None:
        app = self._app
        rid = failures.new_ref()
        token = failures.REQUEST_ID.set(rid)
        try:
            now = app[keys.CLOCK].now().timestamp()
            try:
                msg = wecom_bot.to_inbound(body, now, self._cfg.name,
                                           reply=self.reply_for(req_id, body, now, session, event))
            except Malformed as why:
                await guard.reject_in(app, rid, messages.WECOM_BOT, str(why), raw)
                return
            await guard.deliver_in(app, rid, msg, raw)
        except Exception:  # one bad frame must not end the connection; it is logged with its ref
            log.exception("long connection %s: frame %s not accepted (ref %s)", self.name,
                          req_id, rid)
        finally:
            failures.REQUEST_ID.reset(token)
