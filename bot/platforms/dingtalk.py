"""DingTalk enterprise robot over HTTP, and button clicks on DingTalk interactive cards.

Both routes are authenticated the way DingTalk signs robot callbacks (钉钉 "接收消息的消息协议"):
headers `timestamp` (ms) and `sign` = base64(HmacSHA256(appSecret, timestamp + "\\n" +
appSecret)); a wrong sign, or a timestamp further than `dingtalk.sign_window_s` from now, is
refused with 403 and nothing is stored. The sign covers only the timestamp, not the body: HTTPS
is what protects the body, as DingTalk designed it. A signed body that is not JSON, nests too
deep or has a field of the wrong type is stored as rejected (bot/platforms/guard.py) and
acknowledged, so DingTalk does not redeliver it; control characters are taken out of the text.

POST /dingtalk/callback  a robot message: msgId, senderStaffId, conversationId,
    conversationType ("1" single, "2" group), text.content, atUsers, sessionWebhook(+ExpiredTime).
    msgtype "richText" (content.richText: text items run as the command, picture items are
    attachments), "picture" and "file" (content.downloadCode) carry attachments; any other type
    (audio, video, ...) is answered with what the bot can take.

POST /dingtalk/card      a card button click. deskbot registers this URL as the card callback of
    its interactive cards and signs like the robot. Accepted body (the shape DingTalk's card
    callback carries):
        {"type": "actionCallback",
         "outTrackId": "<the card's id, set when deskbot sent it>",
         "userId": "<staffId of the person who clicked>",
         "corpId": "...",
         "spaceType": "IM_GROUP" | "IM_ROBOT" | "IM_SINGLE",   (optional)
         "spaceId": "<openConversationId when IM_GROUP>",      (optional)
         "content": "{\\"cardPrivateData\\": {\\"actionIds\\": [\\"claim\\"],
                                           \\"params\\": {\\"key\\": \\"claim:T12\\"}}}"}
    `content` may also be the object itself. The action key is params.key, else actionIds[0].
    A click has no message id, so the dedupe key is person + card + key: a button does its
    work once however often it is clicked or redelivered.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from collections.abc import Callable
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from bot import keys, messages, texts as bot_texts
from bot.platforms import guard, texts
from bot.platforms.guard import Malformed
from bot.settings import SettingsError

log = logging.getLogger("deskbot.dingtalk")

PATH = "/dingtalk/callback"
CARD_PATH = "/dingtalk/card"


class Refused(Exception):
    pass


def sign(app_secret: str, timestamp_ms: str) -> str:
    digest = hmac.new(app_secret.encode("utf-8"),
                      f"{timestamp_ms}\n{app_secret}".encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def verify(request: web.Request) -> None:
    """Raise Refused unless the headers prove DingTalk sent this within the window."""
    settings = request.app[keys.SETTINGS].dingtalk
    ts, given = request.headers.get("timestamp", ""), request.headers.get("sign", "")
    if not ts or not given:
        raise Refused("missing timestamp or sign header")
    sent_ms = guard.ascii_int(ts)
    if sent_ms is None:
        raise Refused(f"timestamp is not a number: {ts[:20]!r}")
    now_ms = request.app[keys.CLOCK].now().timestamp() * 1000
    if abs(now_ms - sent_ms) > settings.sign_window_s * 1000:
        raise Refused(f"timestamp {sent_ms} is {abs(now_ms - sent_ms) / 1000:.0f}s away from now")
    if not guard.same_bytes(sign(settings.app_secret, ts), given):
        raise Refused("bad sign")


def _refuse(request: web.Request, why: Refused | str, status: int = 403) -> web.Response:
    log.warning("refused %s %s from %s: %s", request.method, request.path, request.remote, why)
    return web.Response(status=status, text="forbidden" if status == 403 else "too large")


def _ack() -> web.Response:
    # An empty JSON object carries no msgtype, so DingTalk posts nothing back: the reply comes
    # later through sessionWebhook, after the pipeline has processed the message.
    return web.json_response({})


def _scalar(data: dict[str, Any], name: str) -> str:
    """A field DingTalk writes as a string or a number (conversationType, robotCode)."""
    value = data.get(name)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise Malformed(f"{name} is neither a string nor a number")
    return str(value)


def to_inbound(data: dict[str, Any]) -> messages.InboundMessage | None:
    """A robot message as the core sees it, or None for what deskbot does not act on; Malformed
    when a field has the wrong type."""
    msg_id, sender = guard.string(data, "msgId"), guard.string(data, "senderStaffId")
    if not msg_id:
        return None
    if not sender:
        # Someone outside the organisation (no staffId): not a member deskbot can act for.
        log.info("ignoring DingTalk message %s without senderStaffId", msg_id[:64])
        return None
    msg_type = guard.string(data, "msgtype") or "text"
    content, attachments, unsupported = _content(data, msg_type)
    if content is None and not attachments and not unsupported:
        return None
    conversation_type = _scalar(data, "conversationType")
    group = conversation_type == "2"
    conversation = guard.string(data, "conversationId")
    bot_id = data.get("chatbotUserId")
    at_users = data.get("atUsers") or []
    if not isinstance(at_users, list):
        raise Malformed("atUsers is not a list")
    mentions = []
    for u in at_users:
        if not isinstance(u, dict) or (bot_id and u.get("dingtalkId") == bot_id):
            continue
        staff = u.get("staffId")
        if isinstance(staff, str) and staff and staff not in mentions:
            mentions.append(staff)
    reply = None
    webhook = guard.string(data, "sessionWebhook")
    if webhook:
        reply = messages.Reply(
            channel=messages.CH_DINGTALK_SESSION, address=webhook,
            expires_at=guard.unix_seconds(data.get("sessionWebhookExpiredTime"),
                                          per_second=1000),
            # Where the answer goes once the session webhook has expired: the group, or the
            # sender in a private chat (the sender falls back to the robot OpenAPI).
            extra={"robot_code": _scalar(data, "robotCode"),
                   "conversation_type": conversation_type,
                   **({"open_conversation_id": conversation} if group
                      else {"user_id": sender})})
    return messages.InboundMessage(
        platform=messages.DINGTALK, dedupe_key=f"dingtalk:{msg_id}", sender_id=sender,
        chat_type=messages.GROUP if group else messages.PRIVATE, chat_id=conversation if group else "",
        # DingTalk already removes the robot's own @-mention from the content.
        text=(content or "").strip(), mentions=tuple(mentions), reply=reply,
        sent_at=guard.unix_seconds(data.get("createAt"), per_second=1000) or 0.0,
        attachments=attachments, unsupported=unsupported)


def _content(data: dict[str, Any], msg_type: str
             ) -> tuple[str | None, tuple[messages.Attachment, ...], str]:
    """(text, pictures and files, unsupported kind) of a robot message of any type."""
    if msg_type == "text":
        text = guard.obj(data, "text")
        return (guard.string(text, "content") if text.get("content") is not None else None), (), ""
    robot = {"robot_code": _scalar(data, "robotCode")}
    body = guard.obj(data, "content")
    if msg_type == "picture":
        return "", (_picture(body, robot),), ""
    if msg_type == "file":
        code = guard.string(body, "downloadCode")
        if not code:
            raise Malformed("file without downloadCode")
        return "", (messages.Attachment(messages.FILE, code, guard.string(body, "fileName"),
                                        robot),), ""
    if msg_type == "richText":
        items = body.get("richText")
        if not isinstance(items, list):
            raise Malformed("content.richText is not a list")
        parts: list[str] = []
        pictures: list[messages.Attachment] = []
        for item in items:
            if not isinstance(item, dict):
                raise Malformed("richText item is not an object")
            if "text" in item:
                parts.append(guard.string(item, "text"))
            elif item.get("downloadCode") or item.get("pictureDownloadCode"):
                pictures.append(_picture(item, robot))
        return " ".join(p.strip() for p in parts if p.strip()), tuple(pictures), ""
    return None, (), msg_type[:32]


def _picture(body: dict[str, Any], robot: dict[str, Any]) -> messages.Attachment:
    code = guard.string(body, "downloadCode") or guard.string(body, "pictureDownloadCode")
    if not code:
        raise Malformed("picture without downloadCode")
    return messages.Attachment(messages.IMAGE, code, "", robot)


def card_to_inbound(data: dict[str, Any]) -> messages.InboundMessage | None:
    track_id, user = guard.string(data, "outTrackId"), guard.string(data, "userId")
    if not (track_id and user):
        return None
    content = data.get("content")
    if isinstance(content, str):
        content = guard.load_json(content)
    private = content.get("cardPrivateData") if isinstance(content, dict) else None
    if not isinstance(private, dict):
        return None
    params = private.get("params")
    if not isinstance(params, dict):
        params = {}
    action_ids = private.get("actionIds")
    first_id = action_ids[0] if isinstance(action_ids, list) and action_ids else ""
    key = params.get("key") or first_id
    if not isinstance(key, str) or not key:
        return None
    space = guard.string(data, "spaceId")
    group = data.get("spaceType") == "IM_GROUP" and bool(space)
    reply = (messages.Reply(channel=messages.CH_DINGTALK_GROUP, address=space) if group
             else messages.Reply(channel=messages.CH_DINGTALK_USER, address=user))
    return messages.InboundMessage(
        platform=messages.DINGTALK, dedupe_key=f"dingtalk:card:{user}:{track_id}:{key}",
        sender_id=user, chat_type=messages.GROUP if group else messages.PRIVATE,
        chat_id=space if group else "", reply=reply,
        action=messages.CardAction(key=key, task_id=track_id))


def _door(convert: Callable[[dict[str, Any]], messages.InboundMessage | None]) -> Handler:
    """A signed route: what `convert` makes of the body goes to the pipeline before the ack.

    The sign covers the headers only, so the body is read (bounded) and judged after them: a
    body we cannot understand is stored as rejected and acknowledged like any other."""

    async def handler(request: web.Request) -> web.Response:
        try:
            verify(request)
            body = await guard.read_body(request)
        except Refused as why:
            return _refuse(request, why)
        except guard.TooLarge as why:
            return _refuse(request, str(why), 413)
        try:
            data = guard.load_json(body)
            if not isinstance(data, dict):
                raise Malformed("body is not a JSON object")
            msg = convert(data)
        except Malformed as why:
            await guard.reject(request, messages.DINGTALK, str(why), body)
            return _ack()
        await guard.deliver(request, msg, body)
        return _ack()

    return handler


receive = _door(to_inbound)
receive_card = _door(card_to_inbound)


def setup_routes(app: web.Application) -> None:
    d = app[keys.SETTINGS].dingtalk
    if not d.enabled:
        return
    if not d.app_secret:
        raise SettingsError(bot_texts.SETTINGS_BAD_KEY.format(key="dingtalk.app_secret",
                                                              problem=texts.MISSING_KEY))
    if d.mode == "stream":
        if not d.app_key:  # the stream is opened with it (the console's Client ID)
            raise SettingsError(bot_texts.SETTINGS_BAD_KEY.format(key="dingtalk.app_key",
                                                                  problem=texts.MISSING_KEY))
        return  # they arrive over the stream deskbot opens (bot/platforms/dingtalk_stream.py)
    app.router.add_post(PATH, receive)
    app.router.add_post(CARD_PATH, receive_card)
