"""WeCom self-built app (自建应用) callback: private chats with the app, and card button clicks.

GET  /wecom/app/callback  URL verification: answer the decrypted echostr.
POST /wecom/app/callback  encrypted XML. Text becomes an InboundMessage; an image or file an
                          InboundMessage carrying its MediaId; voice, video, location and link
                          one that is answered with what the bot takes; a `template_card_event`
                          (a button on a card we sent) becomes a CardAction; other events are
                          acknowledged and dropped. The answer is an empty 200 (WeCom's "no
                          passive reply"), sent only after the pipeline has stored the event.
                          A field of the wrong shape (a nested element where text belongs)
                          stores the callback as rejected; it is still answered 200.
"""
from __future__ import annotations

import logging
from typing import Any

import xmltodict
from aiohttp import web

from bot import keys, messages
from bot.platforms import guard
from bot.platforms.guard import Malformed
from bot.platforms.wecom_crypto import XML_ENCRYPT, Envelope, add_routes, encrypt_in

log = logging.getLogger("deskbot.wecom.app")

PATH = "/wecom/app/callback"
# Kinds kept with a ticket (downloaded by MediaId), and kinds answered with what the bot takes.
MEDIA = {"image": messages.IMAGE, "file": messages.FILE}
UNSUPPORTED = frozenset({"voice", "video", "location", "link"})


def build_envelope(settings) -> Envelope:
    w = settings.wecom
    return Envelope(w.token, w.encoding_aes_key, w.corp_id, w.timestamp_window_s)


def _encrypt_of(body: bytes) -> str:
    return encrypt_in(body, XML_ENCRYPT)


def to_inbound(fields: dict[str, Any], expected_agent: int = 0) -> messages.InboundMessage | None:
    """The message the core should see, or None for what deskbot does not act on."""
    agent = guard.string(fields, "AgentID")
    if expected_agent and agent not in ("", str(expected_agent)):
        # Another app of the same corp pointed here by mistake: not ours to answer.
        log.warning("ignoring callback for agent %s", agent[:20])
        return None
    sender = guard.string(fields, "FromUserName")
    created = guard.string(fields, "CreateTime")
    if created and guard.ascii_int(created) is None:
        raise Malformed("<CreateTime> is not a unix time")
    msg_type = guard.string(fields, "MsgType").lower()
    if not sender:
        return None
    sent_at = guard.unix_seconds(created) or 0.0
    reply = messages.Reply(channel=messages.CH_WECOM_APP, address=sender)
    if msg_type == "text":
        msg_id = guard.string(fields, "MsgId")
        if not msg_id:
            return None
        return messages.InboundMessage(
            platform=messages.WECOM_APP, dedupe_key=f"wecom_app:{msg_id}", sender_id=sender,
            chat_type=messages.PRIVATE, text=guard.string(fields, "Content").strip(),
            reply=reply, sent_at=sent_at)
    if msg_type in MEDIA:
        msg_id, media_id = guard.string(fields, "MsgId"), guard.string(fields, "MediaId")
        if not (msg_id and media_id):
            return None
        return messages.InboundMessage(
            platform=messages.WECOM_APP, dedupe_key=f"wecom_app:{msg_id}", sender_id=sender,
            chat_type=messages.PRIVATE, reply=reply, sent_at=sent_at,
            attachments=(messages.Attachment(MEDIA[msg_type], media_id,
                                             guard.string(fields, "FileName")),))
    if msg_type in UNSUPPORTED:
        msg_id = guard.string(fields, "MsgId")
        if not msg_id:
            return None
        return messages.InboundMessage(
            platform=messages.WECOM_APP, dedupe_key=f"wecom_app:{msg_id}", sender_id=sender,
            chat_type=messages.PRIVATE, reply=reply, sent_at=sent_at, unsupported=msg_type)
    if msg_type == "event" and guard.string(fields, "Event").lower() == "template_card_event":
        key = guard.string(fields, "EventKey")
        task_id = guard.string(fields, "TaskId")
        if not key:
            return None
        # A click has no MsgId; WeCom's retries repeat sender, time, key and card, so this
        # key collapses them into one event while a later click stays a new one.
        return messages.InboundMessage(
            platform=messages.WECOM_APP,
            dedupe_key=f"wecom_app:card:{sender}:{created}:{key}:{task_id}",
            sender_id=sender, chat_type=messages.PRIVATE, reply=reply, sent_at=sent_at,
            action=messages.CardAction(key=key, task_id=task_id,
                                   response_code=guard.string(fields, "ResponseCode")))
    return None


def parse_plain(plain: str) -> dict[str, Any]:
    """The fields of a decrypted callback; Malformed when it is not the XML WeCom sends."""
    try:
        doc = xmltodict.parse(plain)
    except (Exception, RecursionError) as exc:  # noqa: BLE001 - expat raises several kinds
        raise Malformed(f"plaintext is not XML: {type(exc).__name__}") from None
    fields = doc.get("xml") if isinstance(doc, dict) else None
    if not isinstance(fields, dict):
        raise Malformed("plaintext has no <xml> root")
    return fields


async def _handle(request: web.Request, plain: str) -> None:
    settings = request.app[keys.SETTINGS]
    msg = to_inbound(parse_plain(plain), settings.wecom.agent_id)
    # Duplicates are acknowledged the same way: WeCom only needs to stop retrying.
    await guard.deliver(request, msg, plain)


def setup_routes(app: web.Application) -> None:
    add_routes(app, PATH, messages.WECOM_APP, build_envelope(app[keys.SETTINGS]), _encrypt_of, _handle)
