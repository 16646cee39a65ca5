"""WeCom intelligent robot (智能机器人, API mode): group @-mentions and private chats.

GET  /wecom/bot/callback  URL verification, like the app's but with an empty receive id.
POST /wecom/bot/callback  {"encrypt": "..."}; the plaintext is JSON (企业微信 智能机器人 "接收消息",
                          "接收事件"). Text (and the text parts of a "mixed" message) becomes an
                          InboundMessage answered later through its response_url, carrying the
                          images and files of the message (their encrypted URLs); voice, video,
                          location and link are answered with what the bot takes; a
                          template_card_event becomes a CardAction; stream refreshes and
                          enter_chat are acknowledged and dropped; a field of the wrong type
                          stores the callback as rejected. The answer is an empty 200:
                          replies go through response_url, not passively. WeCom allows one call
                          per response_url, within an hour ("主动回复消息"): the relay must send
                          the whole answer to a message in one post.
"""
from __future__ import annotations

import logging
import re
from typing import Any

from aiohttp import web

from bot import keys, messages
from bot.platforms import guard
from bot.platforms.guard import Malformed
from bot.platforms.wecom_crypto import JSON_ENCRYPT, Envelope, add_routes, encrypt_in

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


# Kinds that are neither run nor kept: answered with what the bot takes.
UNSUPPORTED = frozenset({"voice", "video", "location", "link", "emotion"})


def _media(item: dict[str, Any], kind: str) -> messages.Attachment:
    media = guard.obj(item, kind)
    url = guard.string(media, "url")
    if not url:
        raise Malformed(f"{kind} without url")
    # Over the long connection each picture or file comes with its own key; over the callback
    # door it is encrypted with the robot's EncodingAESKey.
    aeskey = guard.string(media, "aeskey")
    return messages.Attachment(messages.IMAGE if kind == "image" else messages.FILE, url,
                               extra={"aeskey": aeskey} if aeskey else {})


def _content_of(data: dict[str, Any]) -> tuple[str | None, tuple[messages.Attachment, ...]]:
    """The text to run (None: no text part) and the pictures and files of the message."""
    msg_type = guard.string(data, "msgtype")
    if msg_type == "text":
        return guard.string(guard.obj(data, "text"), "content") or None, ()
    if msg_type in ("image", "file"):
        return "", (_media(data, msg_type),)
    if msg_type == "mixed":
        items = guard.obj(data, "mixed").get("msg_item")
        if not isinstance(items, list):
            raise Malformed("mixed.msg_item is not a list")
        parts: list[str] = []
        media: list[messages.Attachment] = []
        for i in items:
            if not isinstance(i, dict):
                continue
            if i.get("msgtype") == "text":
                parts.append(guard.string(guard.obj(i, "text"), "content"))
            elif i.get("msgtype") in ("image", "file"):
                media.append(_media(i, str(i["msgtype"])))
        parts = [p for p in parts if p]
        return (" ".join(parts) if parts else ("" if media else None)), tuple(media)
    return None, ()


def to_inbound(data: dict[str, Any], now: float, bot_name: str = "",
               reply: messages.Reply | None = None) -> messages.InboundMessage | None:
    """The message the core should see, or None for what deskbot does not act on; Malformed
    when a field has the wrong type. `reply` replaces the way back through response_url (the
    long connection answers on the frame's req_id instead)."""
    msg_id = guard.string(data, "msgid")
    sender = guard.string(guard.obj(data, "from"), "userid")
    if not msg_id or not sender:
        return None
    chat = guard.string(data, "chatid")
    chat_type = guard.string(data, "chattype")
    group = chat_type == "group"
    response_url = guard.string(data, "response_url")
    if reply is None and response_url:
        reply = messages.Reply(
            channel=messages.CH_WECOM_RESPONSE, address=response_url,
            expires_at=now + RESPONSE_URL_TTL_S,
            extra={"chatid": chat, "chattype": chat_type, "aibotid": guard.string(data, "aibotid")})
    common: dict[str, Any] = dict(platform=messages.WECOM_BOT, dedupe_key=f"wecom_bot:{msg_id}", sender_id=sender,
                  chat_type=messages.GROUP if group else messages.PRIVATE, chat_id=chat if group else "",
                  reply=reply, sent_at=guard.unix_seconds(data.get("create_time")) or 0.0)
    text, media = _content_of(data)
    if text is not None:
        return messages.InboundMessage(text=strip_bot_mention(text, bot_name) if text else "",
                                       attachments=media, **common)
    msg_type = guard.string(data, "msgtype")
    if msg_type in UNSUPPORTED:
        return messages.InboundMessage(unsupported=msg_type, **common)
    event = guard.obj(data, "event") if msg_type == "event" else {}
    if event.get("eventtype") == "template_card_event":
        # The documented shape nests the details under the event type's name; accept the flat
        # form too, which some deliveries use.
        detail = event.get("template_card_event")
        detail = detail if isinstance(detail, dict) else event
        key = guard.string(detail, "event_key")
        if key:
            return messages.InboundMessage(
                action=messages.CardAction(key=key, task_id=guard.string(detail, "task_id")), **common)
    return None


def _encrypt_of(body: bytes) -> str:
    return encrypt_in(body, JSON_ENCRYPT)


async def _handle(request: web.Request, plain: str) -> None:
    data = guard.load_json(plain)
    if not isinstance(data, dict):
        raise Malformed("plaintext is not a JSON object")
    settings = request.app[keys.SETTINGS]
    now = request.app[keys.CLOCK].now().timestamp()
    await guard.deliver(request, to_inbound(data, now, settings.wecom.bot.name), plain)


def setup_routes(app: web.Application) -> None:
    add_routes(app, PATH, messages.WECOM_BOT, build_envelope(app[keys.SETTINGS]), _encrypt_of, _handle)
