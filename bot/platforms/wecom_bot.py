"""WeCom intelligent robot (智能机器人, API mode): group @-mentions and private chats.

GET  /wecom/bot/callback  URL verification, like the app's but with an empty receive id.
POST /wecom/bot/callback  {"encrypt": "..."}; the plaintext is JSON (企业微信 智能机器人 "接收消息",
                          "接收事件"). Text (and the text parts of a "mixed" message) becomes an
                          InboundMessage answered later through its response_url; a
                          template_card_event becomes a CardAction; stream refreshes, enter_chat
                          and media are acknowledged and dropped. The answer is an empty 200:
                          replies go through response_url, not passively. WeCom allows one call
                          per response_url, within an hour ("主动回复消息"): the relay must send
                          the whole answer to a message in one post.
"""
from __future__ import annotations

import json
import logging
import re
from typing import Any

from aiohttp import web

from bot import keys, messages
from bot.platforms.wecom_crypto import Envelope, Refused, add_routes

log = logging.getLogger("deskbot.wecom.bot")

PATH = "/wecom/bot/callback"
RESPONSE_URL_TTL_S = 3600  # WeCom: a response_url may be used within one hour of the message

# WeCom writes a mention as "@name" followed by a space, often U+2005 (four-per-em space).
_LEADING_MENTION = re.compile(r"^\s*[@＠]\S+\s*")


def build_envelope(settings) -> Envelope:
    w = settings.wecom
    return Envelope(w.bot.token, w.bot.encoding_aes_key, "", w.timestamp_window_s)


def strip_bot_mention(text: str, bot_name: str = "") -> str:
    """The text without the robot's own @-mention.

    With the robot's display name configured, every "@name" is removed wherever it stands (a
    person may mention a colleague first). Without it, only a leading mention is removed, which
    is where WeCom puts it when the message is started by tapping the robot.
    """
    if bot_name:
        pattern = re.compile(r"[@＠]" + re.escape(bot_name) + r"(?=\s|$)\s*")
        stripped = pattern.sub("", text)
        if stripped != text:
            return stripped.strip()
    return _LEADING_MENTION.sub("", text, count=1).strip()


def _text_of(data: dict[str, Any]) -> str | None:
    msg_type = data.get("msgtype")
    if msg_type == "text":
        content = (data.get("text") or {}).get("content")
        return content if isinstance(content, str) else None
    if msg_type == "mixed":
        items = (data.get("mixed") or {}).get("msg_item") or []
        found = [(i.get("text") or {}).get("content") for i in items
                 if isinstance(i, dict) and i.get("msgtype") == "text"]
        parts = [p for p in found if isinstance(p, str)]
        return " ".join(parts) if parts else None
    return None


def to_inbound(data: dict[str, Any], now: float,
               bot_name: str = "") -> messages.InboundMessage | None:
    """The message the core should see, or None for what deskbot does not act on."""
    msg_id = data.get("msgid")
    sender = (data.get("from") or {}).get("userid")
    if not isinstance(msg_id, str) or not msg_id or not isinstance(sender, str) or not sender:
        return None
    group = data.get("chattype") == "group"
    chat_id = str(data.get("chatid") or "") if group else ""
    response_url = data.get("response_url")
    reply = None
    if isinstance(response_url, str) and response_url:
        reply = messages.Reply(
            channel=messages.CH_WECOM_RESPONSE, address=response_url,
            expires_at=now + RESPONSE_URL_TTL_S,
            extra={"chatid": str(data.get("chatid") or ""), "chattype": data.get("chattype") or "",
                   "aibotid": str(data.get("aibotid") or "")})
    created = str(data.get("create_time") or "")
    sent_at = float(created) if created.isdigit() else 0.0
    common: dict[str, Any] = dict(
                  platform=messages.WECOM_BOT, dedupe_key=f"wecom_bot:{msg_id}", sender_id=sender,
                  chat_type=messages.GROUP if group else messages.PRIVATE, chat_id=chat_id,
                  reply=reply,
                  sent_at=sent_at)
    text = _text_of(data)
    if text is not None:
        return messages.InboundMessage(text=strip_bot_mention(text, bot_name), **common)
    event = data.get("event") if data.get("msgtype") == "event" else None
    if isinstance(event, dict) and event.get("eventtype") == "template_card_event":
        # The documented shape nests the details under the event type's name; accept the flat
        # form too, which some deliveries use.
        detail = event.get("template_card_event")
        detail = detail if isinstance(detail, dict) else event
        key = detail.get("event_key")
        if isinstance(key, str) and key:
            return messages.InboundMessage(
                action=messages.CardAction(key=key, task_id=str(detail.get("task_id") or "")),
                **common)
    return None


def _encrypt_of(body: bytes) -> str:
    try:
        doc = json.loads(body)
    except ValueError:
        raise Refused("body is not JSON") from None
    encrypt = doc.get("encrypt") if isinstance(doc, dict) else None
    if not isinstance(encrypt, str):
        raise Refused("no encrypt in body")
    return encrypt


async def _handle(request: web.Request, plain: str) -> None:
    try:
        data = json.loads(plain)
    except ValueError:
        log.error("signed WeCom robot callback is not JSON")
        return
    if not isinstance(data, dict):
        return
    settings = request.app[keys.SETTINGS]
    now = request.app[keys.CLOCK].now().timestamp()
    msg = to_inbound(data, now, settings.wecom.bot.name)
    if msg is not None:
        await request.app[keys.PIPELINE].accept(msg)


def setup_routes(app: web.Application) -> None:
    add_routes(app, PATH, build_envelope(app[keys.SETTINGS]), _encrypt_of, _handle)
