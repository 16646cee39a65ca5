"""DingTalk (钉钉) sender: session webhook replies, robot OpenAPI, custom robots, interactive cards.

Channels and what their address is:
- CH_DINGTALK_SESSION: the `sessionWebhook` URL of an incoming message. It lives about 90
  minutes; once `extra["expires_at"]` (unix seconds) is past, or DingTalk refuses the URL, the
  reply goes through the OpenAPI instead, to `extra["open_conversation_id"]` (a group) or to
  `extra["user_id"]` (a private chat). The inbound adapter fills these from the callback's
  conversationId / conversationType / senderStaffId.
- CH_DINGTALK_GROUP: an openConversationId; POST /v1.0/robot/groupMessages/send.
- CH_DINGTALK_USER: a staffId; POST /v1.0/robot/oToMessages/batchSend.
- CH_DINGTALK_WEBHOOK: a custom group robot's webhook URL (or its access_token); every call is
  signed: timestamp (ms) and sign = base64(HmacSHA256(secret, timestamp + "\\n" + secret)),
  URL-encoded. The secret is `extra["secret"]`, else the `push_secret` of the chat whose
  `push_address` is this URL (secrets never have to travel in outbox rows).
- CH_DINGTALK_CARD_UPDATE (kind CARD_UPDATE): the outTrackId of a card sent earlier;
  PUT /v1.0/im/interactiveCards (in Stream mode PUT /v1.0/card/instances, the API the card was
  created with) redraws it for everyone with the message's title, text (which
  ends in its state line) and the buttons still live, and the state in bold where buttons are
  gone (`extra["state"]`, e.g. "已由 张三 接单"). An outTrackId DingTalk does not know yet (the
  card itself still queued) is retried.

Images and files (kind IMAGE or FILE, `file_path` on disk) go to groups and users: the bytes are
first uploaded through the legacy media API, POST {oapi_base}/media/upload?access_token=&type=
image|file (multipart field `media`; up to 20 MB), which answers a `media_id`; then the robot
OpenAPI sends msgKey `sampleImageMsg` {"photoURL": media_id} or `sampleFile` {"mediaId",
"fileName", "fileType" (the extension)}. The upload takes the same OpenAPI token as the robot
calls (DingTalk's own stream SDK uploads with it), so there is one token per app. A session
reply carrying a file goes to the session's conversation through the OpenAPI instead (a session
webhook takes text, markdown and action cards only); a custom robot cannot carry uploaded media,
so a file to one fails for good.

Cards with buttons (kind CARD to a group or a user) are interactive cards (互动卡片, template
"StandardCard") sent with POST /v1.0/im/interactiveCards/send, `callbackRouteKey` =
settings.dingtalk.card_callback_route_key and outTrackId = OutboundMessage.task_id. Each
button is a "request" action whose id is Button.key. How a click comes back: DingTalk POSTs to
the callback URL registered for that route key (registration: POST
{oapi_base}/topapi/im/chat/scencegroup/interactivecard/callback/register with callback_url,
api_secret and callbackRouteKey) a JSON body carrying `outTrackId`, `userId` (the clicker's
staffId) and `content` = '{"cardPrivateData": {"actionIds": ["<Button.key>"], "params": {}}}';
the inbound side turns that into CardAction(key=actionIds[0], task_id=outTrackId). In Stream
mode cards go through the card-instance API instead, the only one that routes clicks to the
stream (notifiers/senders/dingtalk_cards.py). Custom robots
and session webhooks cannot call back, so there a card goes as markdown naming its actions.

The OpenAPI token comes from POST /v1.0/oauth2/accessToken {appKey, appSecret}, cached until
shortly before `expireIn`, dropped and fetched once more when DingTalk answers 401/403 or
InvalidAuthentication. Errcode 130101 (a custom robot past 20 messages a minute, blocked for 10
minutes) raises SendRetry(retry_after=600); HTTP 429 and throttling codes raise SendRetry.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from typing import Any

import aiohttp

from bot import messages
from bot.clock import Clock, SystemClock
from bot.messages import CARD, FILE, IMAGE, MARKDOWN, OutboundMessage
from notifiers import render
from notifiers.senders import dingtalk_cards as cards
from notifiers.senders.base import SendFailed, SendRetry
from notifiers.senders.http import call, media_form, read_file, rebase
from notifiers.senders.wecom import task_id_for
from notifiers.tokens import TokenCache

OFFICIAL_OAPI = "https://oapi.dingtalk.com"
BLOCKED = frozenset({130101, 130102})  # custom robot over 20 a minute: blocked 10 minutes
BLOCK_S = 600.0
THROTTLED_S = 60.0
CARD_NOT_YET_S = 5.0  # a card update that overtook its card: try again shortly
MEDIA_MAX = 20 * 1024 * 1024  # image and file uploads alike
# oapi errcodes: an access_token DingTalk no longer takes (invalid, expired).
OAPI_TOKEN_INVALID = frozenset({40014, 42001, 40001})
# oapi errcodes worth a later try: system busy, calls of this app or corp temporarily refused.
OAPI_BUSY = frozenset({-1, 90002, 90006, 90018})


class DingTalkSender:
    channels = (messages.CH_DINGTALK_SESSION, messages.CH_DINGTALK_GROUP, messages.CH_DINGTALK_USER,
                messages.CH_DINGTALK_WEBHOOK, messages.CH_DINGTALK_CARD_UPDATE)

    def __init__(self, settings: Any, session: aiohttp.ClientSession, *,
                 clock: Clock | None = None, quota: Any = None) -> None:
        self._cfg = settings.dingtalk
        self.quota = quota  # notifiers.quota.DingTalkQuota: every OpenAPI call is counted
        self._api_base = settings.dingtalk.api_base.rstrip("/")
        self._oapi_base = settings.dingtalk.oapi_base.rstrip("/")
        self._session = session
        self._clock = clock or SystemClock()
        self.tokens = TokenCache(self._fetch_token, self._clock)

    # -- OpenAPI token and calls -------------------------------------------------------------

    async def count_call(self) -> None:
        if self.quota is not None:
            await self.quota.count()

    async def _fetch_token(self) -> tuple[str, float]:
        await self.count_call()
        status, body = await call(self._session, "POST",
                                  f"{self._api_base}/v1.0/oauth2/accessToken",
                                  json_body={"appKey": self._cfg.app_key,
                                             "appSecret": self._cfg.app_secret})
        if status == 200 and body.get("accessToken"):
            return str(body["accessToken"]), float(body.get("expireIn") or 7200)
        if status == 429:
            raise SendRetry("accessToken: throttled", retry_after=THROTTLED_S)
        raise SendFailed(f"accessToken: HTTP {status} {body.get('code', '')} "
                         f"{body.get('message', '')}".strip())

    async def _openapi(self, method: str, path: str, body: dict) -> dict:
        refetched = False
        while True:
            token = await self.tokens.get()
            await self.count_call()
            status, result = await call(self._session, method, f"{self._api_base}{path}",
                                        json_body=body,
                                        headers={"x-acs-dingtalk-access-token": token})
            if status == 200:
                return result
            code = str(result.get("code", ""))
            if (status in (401, 403) or "InvalidAuthentication" in code) and not refetched:
                self.tokens.invalidate(token)
                refetched = True
                continue
            reason = f"{path}: HTTP {status} {code} {result.get('message', '')}".strip()
            if status == 429 or "Throttling" in code or "QpsLimit" in code:
                raise SendRetry(reason, retry_after=THROTTLED_S)
            if "130101" in code:
                raise SendRetry(reason, retry_after=BLOCK_S)
            raise SendFailed(reason)

    # -- the Sender protocol ----------------------------------------------------------------

    async def send(self, msg: OutboundMessage, dedupe_key: str) -> None:
        if msg.kind in (IMAGE, FILE):
            await self._send_media(msg)
            return
        channel = msg.channel
        if channel == messages.CH_DINGTALK_CARD_UPDATE:
            await self._update_card(msg)
        elif channel == messages.CH_DINGTALK_SESSION:
            await self._session_reply(msg, dedupe_key)
        elif channel in (messages.CH_DINGTALK_GROUP, messages.CH_DINGTALK_USER):
            await self._openapi_send(msg, dedupe_key)
        elif channel == messages.CH_DINGTALK_WEBHOOK:
            await self._custom_robot(msg)
        else:
            raise SendFailed(f"DingTalk sender has no channel {channel}")

    async def _openapi_send(self, msg: OutboundMessage, dedupe_key: str) -> None:
        if msg.kind == CARD and msg.buttons:
            await self._send_card(msg, dedupe_key)
            return
        for piece in render.parts(_as_markdown_if_card(msg)):
            key, param = _sample(piece)
            await self._robot_message(piece.channel, piece.address, key, param)

    async def _robot_message(self, channel: str, address: str, key: str, param: dict) -> None:
        """One robot OpenAPI message (msgKey and msgParam) to a group or a single user."""
        body: dict[str, Any] = {"robotCode": self._cfg.robot_code, "msgKey": key,
                                "msgParam": json.dumps(param, ensure_ascii=False)}
        if channel == messages.CH_DINGTALK_GROUP:
            body["openConversationId"] = address
            await self._openapi("POST", "/v1.0/robot/groupMessages/send", body)
            return
        body["userIds"] = [address]
        result = await self._openapi("POST", "/v1.0/robot/oToMessages/batchSend", body)
        if address in (result.get("invalidStaffIdList") or []):
            raise SendFailed(f"oToMessages: invalid staffId {address}")
        if address in (result.get("flowControlledStaffIdList") or []):
            raise SendRetry(f"oToMessages: flow controlled {address}", retry_after=THROTTLED_S)

    # -- images and files --------------------------------------------------------------------

    async def _send_media(self, msg: OutboundMessage) -> None:
        if msg.channel == messages.CH_DINGTALK_SESSION:
            fallback = self._fallback(msg)
            if fallback is None:
                raise SendFailed(f"a session webhook cannot carry a {msg.kind}, and the reply "
                                 "names no conversation to send it to")
            msg = fallback
        if msg.channel not in (messages.CH_DINGTALK_GROUP, messages.CH_DINGTALK_USER):
            raise SendFailed(f"{msg.channel} cannot carry a {msg.kind}")
        data = await read_file(msg.file_path)
        name = os.path.basename(msg.file_path)
        kind = "image" if msg.kind == IMAGE else "file"
        media_id = await self.upload(kind, name, data)
        if kind == "image":
            await self._robot_message(msg.channel, msg.address, "sampleImageMsg",
                                      {"photoURL": media_id})
        else:
            ext = os.path.splitext(name)[1].lstrip(".").lower() or "file"
            await self._robot_message(msg.channel, msg.address, "sampleFile",
                                      {"mediaId": media_id, "fileName": name, "fileType": ext})

    async def upload(self, kind: str, name: str, data: bytes) -> str:
        """The legacy media upload (type image or file): the media_id robots send by."""
        if len(data) > MEDIA_MAX:
            raise SendFailed(f"media/upload: {name} is over 20 MB")
        refetched = False
        while True:
            token = await self.tokens.get()
            await self.count_call()
            status, result = await call(self._session, "POST", f"{self._oapi_base}/media/upload",
                                        params={"access_token": token, "type": kind},
                                        data=media_form(name, data))
            code = _errcode(status, result)
            if (status in (401, 403) or code in OAPI_TOKEN_INVALID) and not refetched:
                self.tokens.invalidate(token)
                refetched = True
                continue
            reason = f"media/upload: {code} {result.get('errmsg', '')}".strip()
            if code == 0 and result.get("media_id"):
                return str(result["media_id"])
            if code == 0:
                raise SendRetry("media/upload returned no media_id", retry_after=THROTTLED_S)
            if code in OAPI_BUSY or code in OAPI_TOKEN_INVALID or status == 429:
                raise SendRetry(reason, retry_after=THROTTLED_S)
            raise SendFailed(reason)

    # -- session webhook, with the OpenAPI behind it ----------------------------------------

    def _fallback(self, msg: OutboundMessage) -> OutboundMessage | None:
        group = msg.extra.get("open_conversation_id") or msg.extra.get("conversation_id")
        user = msg.extra.get("user_id") or msg.extra.get("sender_staff_id")
        if group:
            return _retarget(msg, messages.CH_DINGTALK_GROUP, str(group))
        if user:
            return _retarget(msg, messages.CH_DINGTALK_USER, str(user))
        return None

    async def _session_reply(self, msg: OutboundMessage, dedupe_key: str) -> None:
        fallback = self._fallback(msg)
        expires = msg.extra.get("expires_at")
        expired = expires is not None and float(expires) <= self._clock.now().timestamp()
        if fallback is not None and (expired or (msg.kind == CARD and msg.buttons)):
            await self._openapi_send(fallback, dedupe_key)
            return
        if expired:
            raise SendFailed("sessionWebhook expired and no conversation to fall back on")
        url = rebase(msg.address, OFFICIAL_OAPI, self._oapi_base)
        for piece in render.parts(_as_markdown_if_card(msg)):
            status, result = await call(self._session, "POST", url, json_body=_robot_body(piece))
            code = _errcode(status, result)
            if code == 0:
                continue
            if code in BLOCKED:
                raise SendRetry(f"sessionWebhook: {code}", retry_after=BLOCK_S)
            if fallback is not None:  # the session died early: the OpenAPI still reaches them
                await self._openapi_send(fallback, dedupe_key)
                return
            raise SendFailed(f"sessionWebhook: {code} {result.get('errmsg', '')}".strip())

    # -- custom group robots -----------------------------------------------------------------

    async def _secret(self, msg: OutboundMessage) -> str:
        if "secret" in msg.extra:  # given with the message ("" for a robot without signing)
            return str(msg.extra["secret"])
        from storage.models import Chat

        chat = await Chat.filter(push_channel=messages.CH_DINGTALK_WEBHOOK,
                                 push_address=msg.address).first()
        return chat.push_secret if chat else ""

    def sign(self, secret: str) -> tuple[str, str]:
        """(timestamp in ms, signature) for a custom robot call, as DingTalk computes them."""
        timestamp = str(int(self._clock.now().timestamp() * 1000))
        digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(),
                          hashlib.sha256).digest()
        return timestamp, base64.b64encode(digest).decode()

    async def _custom_robot(self, msg: OutboundMessage) -> None:
        if msg.address.startswith(("http://", "https://")):
            url, params = rebase(msg.address, OFFICIAL_OAPI, self._oapi_base), {}
        else:
            url, params = f"{self._oapi_base}/robot/send", {"access_token": msg.address}
        secret = await self._secret(msg)
        for piece in render.parts(_as_markdown_if_card(msg)):
            query = dict(params)
            if secret:
                # aiohttp URL-encodes the query, which is the urlencode() the signature wants.
                query["timestamp"], query["sign"] = self.sign(secret)
            status, result = await call(self._session, "POST", url, params=query,
                                        json_body=_robot_body(piece))
            code = _errcode(status, result)
            if code in BLOCKED:
                raise SendRetry(f"robot/send: {code}", retry_after=BLOCK_S)
            if code != 0:
                raise SendFailed(f"robot/send: {code} {result.get('errmsg', '')}".strip())

    # -- interactive cards -------------------------------------------------------------------

    async def _send_card(self, msg: OutboundMessage, dedupe_key: str) -> None:
        track_id = task_id_for(msg, dedupe_key)
        if self._cfg.mode != "stream":
            await self._openapi("POST", "/v1.0/im/interactiveCards/send",
                                cards.route_key_body(self._cfg, msg, track_id))
            return
        result = await self._openapi("POST", "/v1.0/card/instances/createAndDeliver",
                                     cards.stream_body(self._cfg, msg, track_id))
        failed = [r for r in (result.get("result") or {}).get("deliverResults") or []
                  if isinstance(r, dict) and r.get("success") is False]
        if failed:
            raise SendFailed(f"card/instances/createAndDeliver: {failed[0].get('errorMsg', '')}")

    async def _update_card(self, msg: OutboundMessage) -> None:
        try:
            await self._openapi("PUT", cards.update_path(self._cfg), cards.update_body(msg))
        except SendFailed as exc:
            if "outTrackId" in str(exc):
                raise SendRetry(str(exc), retry_after=CARD_NOT_YET_S) from exc
            raise


def _retarget(msg: OutboundMessage, channel: str, address: str) -> OutboundMessage:
    return OutboundMessage(channel=channel, address=address, kind=msg.kind, text=msg.text,
                           title=msg.title, mentions=msg.mentions, buttons=msg.buttons,
                           task_id=msg.task_id, file_path=msg.file_path)


def _as_markdown_if_card(msg: OutboundMessage) -> OutboundMessage:
    if msg.kind != CARD:
        return msg
    return OutboundMessage(channel=msg.channel, address=msg.address, kind=MARKDOWN,
                           text=render.card_as_text(msg), title=msg.title,
                           mentions=msg.mentions, extra=msg.extra)


def _title(msg: OutboundMessage) -> str:
    return msg.title or msg.text.strip().split("\n", 1)[0].lstrip("# ")[:30]


def _sample(msg: OutboundMessage) -> tuple[str, dict]:
    """The OpenAPI msgKey and msgParam for a text or markdown message."""
    if msg.kind == MARKDOWN:
        return "sampleMarkdown", {"title": _title(msg), "text": msg.text}
    return "sampleText", {"content": msg.text}


def _robot_body(msg: OutboundMessage) -> dict:
    """A session-webhook or custom-robot body; mentions must also appear in the text as @id."""
    at = {"atUserIds": list(msg.mentions), "isAtAll": False}
    tail = "".join(f" @{m}" for m in msg.mentions)
    if msg.kind == MARKDOWN:
        return {"msgtype": "markdown", "markdown": {"title": _title(msg), "text": msg.text + tail},
                "at": at}
    return {"msgtype": "text", "text": {"content": msg.text + tail}, "at": at}




def _errcode(status: int, body: dict) -> int:
    if "errcode" in body:
        try:
            return int(body["errcode"])
        except (TypeError, ValueError):
            return -1
    if status == 200:
        return 0
    if status == 429:
        return 130101
    return -1
