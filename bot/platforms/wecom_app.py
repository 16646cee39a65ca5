"""WeCom self-built app (自建应用) callback: private chats with the app, and card button clicks.

GET  /wecom/app/callback  URL verification: answer the decrypted echostr.
POST /wecom/app/callback  encrypted XML. Text becomes an InboundMessage; a `template_card_event`
                          (a button on a card we sent) becomes a CardAction; everything else is
                          acknowledged and dropped. The answer is an empty 200 (WeCom's "no
                          passive reply"), sent only after the pipeline has stored the event.
"""
from __future__ import annotations

import logging
from typing import Any

import xmltodict
from aiohttp import web
from wechatpy.enterprise import parse_message

from bot import keys, messages
from bot.platforms.wecom_crypto import Envelope, Refused, add_routes

log = logging.getLogger("deskbot.wecom.app")

PATH = "/wecom/app/callback"


def build_envelope(settings) -> Envelope:
    w = settings.wecom
    return Envelope(w.token, w.encoding_aes_key, w.corp_id, w.timestamp_window_s)


def _encrypt_of(body: bytes) -> str:
    try:
        doc = xmltodict.parse(body)
    except Exception as exc:  # noqa: BLE001 - expat and xmltodict raise several kinds
        raise Refused(f"body is not XML: {type(exc).__name__}") from None
    outer = doc.get("xml") if isinstance(doc, dict) else None
    encrypt = outer.get("Encrypt") if isinstance(outer, dict) else None
    if not isinstance(encrypt, str):
        raise Refused("no <Encrypt> in body")
    return encrypt


def to_inbound(fields: dict[str, Any], expected_agent: int = 0) -> messages.InboundMessage | None:
    """The message the core should see, or None for what deskbot does not act on."""
    if expected_agent and str(fields.get("AgentID") or "") not in ("", str(expected_agent)):
        # Another app of the same corp pointed here by mistake: not ours to answer.
        log.warning("ignoring callback for agent %s", fields.get("AgentID"))
        return None
    sender = str(fields.get("FromUserName") or "")
    created = str(fields.get("CreateTime") or "0")
    msg_type = str(fields.get("MsgType") or "").lower()
    if not sender:
        return None
    sent_at = float(created) if created.isdigit() else 0.0
    reply = messages.Reply(channel=messages.CH_WECOM_APP, address=sender)
    if msg_type == "text":
        msg_id = str(fields.get("MsgId") or "")
        if not msg_id:
            return None
        return messages.InboundMessage(
            platform=messages.WECOM_APP, dedupe_key=f"wecom_app:{msg_id}", sender_id=sender,
            chat_type=messages.PRIVATE, text=str(fields.get("Content") or "").strip(),
            reply=reply, sent_at=sent_at)
    if msg_type == "event" and str(fields.get("Event") or "").lower() == "template_card_event":
        key = str(fields.get("EventKey") or "")
        task_id = str(fields.get("TaskId") or "")
        if not key:
            return None
        # A click has no MsgId; WeCom's retries repeat sender, time, key and card, so this
        # key collapses them into one event while a later click stays a new one.
        return messages.InboundMessage(
            platform=messages.WECOM_APP,
            dedupe_key=f"wecom_app:card:{sender}:{created}:{key}:{task_id}",
            sender_id=sender, chat_type=messages.PRIVATE, reply=reply, sent_at=sent_at,
            action=messages.CardAction(key=key, task_id=task_id,
                                   response_code=str(fields.get("ResponseCode") or "")))
    return None


async def _handle(request: web.Request, plain: str) -> None:
    try:
        parsed = parse_message(plain)
    except Exception as exc:  # noqa: BLE001 - signed by WeCom but unreadable: drop, don't retry
        log.error("signed WeCom callback could not be parsed: %s", type(exc).__name__)
        return
    settings = request.app[keys.SETTINGS]
    msg = to_inbound(parsed._data if parsed is not None else {}, settings.wecom.agent_id)
    if msg is not None:
        # Duplicates are acknowledged the same way: WeCom only needs to stop retrying.
        await request.app[keys.PIPELINE].accept(msg)


def setup_routes(app: web.Application) -> None:
    add_routes(app, PATH, build_envelope(app[keys.SETTINGS]), _encrypt_of, _handle)
