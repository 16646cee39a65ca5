"""WeCom intelligent robot sender over the robot's long connection (bot/platforms/wecom_ws.py).

Channels and what their address is:
- CH_WECOM_WS_REPLY: the req_id of the message being answered; `aibot_respond_msg` with a
  finished stream (markdown content), WeCom's one answer to one message. The req_id is good on
  the connection it came on and for `respond_window_s`: an answer written later, or after a
  reconnect (ours or another instance's), goes as a proactive push to the message's chat
  (`extra["chatid"]`; the sender's userid in a private chat). So does an answer WeCom refuses
  with 846608 (the stream expired) or any other error but "not subscribed".
- CH_WECOM_WS_SEND: a chatid (a group's, or a userid for a private chat) that has talked to the
  robot; `aibot_send_msg` with markdown or a template card. WeCom refuses plain text there
  (40008), so text goes as markdown, a card with buttons as a `button_interaction` template card
  (its clicks come back over the connection), pictures and files as a line saying so.
- CH_WECOM_WS_CARD_UPDATE: the req_id of a click on a card pushed over the connection (a
  redraw by bot/services/cards); `aibot_respond_update_msg` with the card as it now stands: the
  buttons still live, or one naming its state (e.g. "已由 张三 接单"). WeCom takes it within 5 s
  of the click on that connection; later, or refused, the state is pushed to the chat afresh.
An answer to a card click is pushed, never responded: an event's req_id takes card updates only.

Only the instance holding the connection can write to it. Anywhere else, and while it is down,
`unavailable()` names these channels and the relay there claims none of their rows; a row caught
by a drop between claim and send raises SendLater: held for `wecom.bot.wait_s` without counting
an attempt. The relay beside the holder sends them once the connection is up. 846609 ("not
subscribed": WeCom lost our subscription without closing the socket) closes the connection so
the supervisor reconnects, and the row is tried once more after that.
"""
from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any, Protocol

from bot import messages
from bot.clock import Clock, SystemClock
from bot.messages import CARD, FILE, IMAGE, MARKDOWN, Button, OutboundMessage
from notifiers import render
from notifiers.senders.base import SendFailed, SendLater, SendRetry
from notifiers.senders.wecom import button_card

log = logging.getLogger("deskbot.wecom.ws")

RESPOND = "aibot_respond_msg"
RESPOND_UPDATE = "aibot_respond_update_msg"
SEND = "aibot_send_msg"
NOT_SUBSCRIBED = 846609
STREAM_EXPIRED = 846608
TEXT_REFUSED = 40008
STATE_BUTTON_CHARS = 10  # a button's label shows about this many characters
# errcode -> seconds to wait: frequency limit, system busy.
BACK_OFF = {45009: 60.0, 45033: 2.0, -1: 2.0}


class Link(Protocol):
    """What the sender needs of the connection (bot.platforms.wecom_ws.RobotConnection)."""

    @property
    def session(self) -> str: ...  # "" when this process holds no live subscription

    async def request(self, cmd: str, body: Any, req_id: str | None = None,
                      timeout: float = ...) -> dict[str, Any]: ...

    def reset(self) -> None: ...


class WeComWsSender:
    channels = (messages.CH_WECOM_WS_REPLY, messages.CH_WECOM_WS_SEND,
                messages.CH_WECOM_WS_CARD_UPDATE)

    def __init__(self, link: Link, *, wait_s: float = 2.0, clock: Clock | None = None,
                 source: str = "") -> None:
        self._link = link
        self._wait_s = wait_s
        self._clock = clock or SystemClock()
        self._source = source  # the card's source line: the center's name

    def unavailable(self) -> tuple[str, ...]:
        """Every channel, while this process holds no live connection: no relay here claims
        their rows, so the holder's relay finds them untouched."""
        return () if self._link.session else self.channels

    async def send(self, msg: OutboundMessage, dedupe_key: str) -> None:
        session = self._link.session
        if not session:
            raise SendLater("企业微信长连接不在本实例或未连接", self._wait_s)
        if msg.channel == messages.CH_WECOM_WS_CARD_UPDATE:
            await self._update_card(msg, dedupe_key, session)
        elif msg.channel == messages.CH_WECOM_WS_REPLY:
            if self._may_respond(msg, session, "expires_at"):
                body = {"msgtype": "stream",
                        "stream": {"id": _stream_id(dedupe_key), "finish": True,
                                   "content": _markdown(msg)}}
                code, ack = await self._call(RESPOND, body, req_id=msg.address)
                if code == 0:
                    return
                self._not_subscribed(code)
                log.info("respond on %s refused (%s %s): pushing instead", msg.address, code,
                         ack.get("errmsg", ""))
            chat = str(msg.extra.get("chatid") or msg.extra.get("fallback_user") or "")
            if not chat:
                raise SendFailed("robot answer: req_id no longer good and no chat to push to")
            await self._push(chat, self._content(msg, dedupe_key))
        elif msg.channel == messages.CH_WECOM_WS_SEND:
            await self._push(msg.address, self._content(msg, dedupe_key))
        else:
            raise SendFailed(f"WeCom long-connection sender has no channel {msg.channel}")

    def _may_respond(self, msg: OutboundMessage, session: str, until: str) -> bool:
        if msg.extra.get("session") != session:
            return False  # the message came on an earlier connection: its req_id is gone
        if msg.extra.get("event") and until == "expires_at":
            return False  # an event's req_id takes card updates, not answers
        expires = msg.extra.get(until)
        return expires is None or float(expires) > self._clock.now().timestamp()

    def _content(self, msg: OutboundMessage, dedupe_key: str) -> dict[str, Any]:
        if msg.kind == CARD and msg.buttons:
            return {"msgtype": "template_card",
                    "template_card": button_card(msg, dedupe_key, self._source)}
        return {"msgtype": "markdown", "markdown": {"content": _markdown(msg)}}

    async def _update_card(self, msg: OutboundMessage, dedupe_key: str, session: str) -> None:
        """A redrawn card (bot/services/cards): its buttons still live, or one naming its state
        when none is; pushed afresh to its chat when WeCom would not take the update."""
        chat = str(msg.extra.get("chatid") or "")
        fresh = {"msgtype": "markdown", "markdown": {"content": _markdown(
            replace(msg, channel=messages.CH_WECOM_WS_SEND, kind=MARKDOWN, buttons=()))}}
        if not self._may_respond(msg, session, "update_until"):
            if not chat:
                raise SendFailed("card update past its window and no chat to tell")
            await self._push(chat, fresh)
            return
        buttons = msg.buttons
        if not buttons:  # nothing left to press: one button that says how it stands
            keys = msg.extra.get("keys") or [f"done:{msg.task_id}"]
            state = str(msg.extra.get("state") or msg.text)
            buttons = (Button(str(keys[0]), state[:STATE_BUTTON_CHARS]),)
        card = button_card(replace(msg, channel=messages.CH_WECOM_WS_SEND, buttons=buttons),
                           dedupe_key, self._source)
        body = {"response_type": "update_template_card", "template_card": card}
        code, ack = await self._call(RESPOND_UPDATE, body, req_id=msg.address)
        if code == 0:
            return
        self._not_subscribed(code)
        log.info("card update on %s refused (%s %s): telling the chat afresh", msg.address,
                 code, ack.get("errmsg", ""))
        if chat:
            await self._push(chat, fresh)

    async def _push(self, chatid: str, content: dict[str, Any]) -> None:
        body = {"chatid": chatid, **content}
        code, ack = await self._call(SEND, body)
        if code == 0:
            return
        self._not_subscribed(code)
        reason = f"{SEND}: {code} {ack.get('errmsg', '')}".strip()
        if code in BACK_OFF:
            raise SendRetry(reason, retry_after=BACK_OFF[code])
        # 40008 (not markdown), a chat that never talked to the robot: retrying cannot help.
        raise SendFailed(reason)

    async def _call(self, cmd: str, body: dict[str, Any],
                    req_id: str | None = None) -> tuple[int, dict[str, Any]]:
        try:
            ack = await self._link.request(cmd, body, req_id)
        except ConnectionError as exc:  # the connection ended while the frame waited
            raise SendLater(f"{cmd}: {exc}", self._wait_s) from exc
        try:
            return int(ack.get("errcode") or 0), ack
        except (TypeError, ValueError):
            return -1, ack

    def _not_subscribed(self, code: int) -> None:
        if code == NOT_SUBSCRIBED:
            # WeCom forgot the subscription while the socket stayed open: reconnect, then retry.
            self._link.reset()
            raise SendLater(f"{NOT_SUBSCRIBED}: not subscribed, reconnecting", self._wait_s)


def _stream_id(dedupe_key: str) -> str:
    return "".join(c if c.isalnum() or c in "_-" else "_" for c in dedupe_key)[:64]


def _markdown(msg: OutboundMessage) -> str:
    """The one kind the long connection takes everywhere."""
    if msg.kind == CARD:
        text = render.card_as_text(msg)
    elif msg.kind in (IMAGE, FILE):
        text = render.body_text(msg)
    else:
        text = render.body_text(replace(msg, kind=MARKDOWN) if msg.title else msg)
    if msg.mentions:
        text += "\n" + " ".join(f"<@{m}>" for m in msg.mentions)
    return render.truncate_utf8(text, render.LIMITS[msg.channel][MARKDOWN])
