"""Real, signed and encrypted platform callbacks, built the way WeCom and DingTalk build them.

WeCom messages are encrypted with wechatpy's own WeChatCrypto / PrpCrypto (the scheme of 企业微信
"回调和回复的加解密方案"), DingTalk requests signed with HmacSHA256 of the app secret. Each factory
returns what aiohttp's test client needs:

    params, body = wecom_app_text(WECOM, "zhangsan", "/帮助", "1001", at=clock)
    await client.post(wecom_app.PATH, params=params, data=body)

    headers, body = dingtalk_message(SECRET, msg_id="m1", sender_staff_id="u1", text="/帮助",
                                     at=clock)
    await client.post(dingtalk.PATH, headers=headers, data=body)

`at` is the moment the platform signs the request: a Clock, an aware datetime, or unix seconds.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Sequence

import xmltodict
from aiohttp import web
from wechatpy.crypto import _get_signature
from wechatpy.enterprise.crypto import PrpCrypto, WeChatCrypto

from bot import keys
from bot.messages import InboundMessage
from bot.settings import load_settings


@dataclass(frozen=True)
class WeComKeys:
    """What a WeCom admin types into the callback page; receive_id "" for an intelligent robot."""

    token: str
    encoding_aes_key: str
    receive_id: str = ""

    @property
    def aes_key(self) -> bytes:
        return base64.b64decode(self.encoding_aes_key + "=")


# WeCom's published sample keys (also in /work/shared/architecture.md).
WECOM_SAMPLE = WeComKeys("QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
                         "wx5823bf96d3bd56c7")
# wechatpy's own test keys (tests/test_crypto.py of wechatpy).
WECHATPY_SAMPLE = WeComKeys("123456", "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR",
                            "wx49f0ab532d5d035a")


def _moment(at: Any) -> float:
    """Unix seconds of a Clock, an aware datetime or a number."""
    if not isinstance(at, datetime) and hasattr(at, "now"):  # a Clock (datetime has .now too)
        at = at.now()
    if isinstance(at, datetime):
        return at.timestamp()
    return float(at)


def unix(at: Any) -> int:
    return int(_moment(at))


def _nonce(seed: str) -> str:
    # Deterministic, so a retried callback is byte-for-byte the same request, as WeCom's are.
    return str(int(hashlib.sha1(seed.encode()).hexdigest()[:8], 16))


def _cdata(v: Any) -> str:
    return f"<![CDATA[{v}]]>"


# -- WeCom self-built app (XML) -----------------------------------------------------------------

def wecom_encrypt_xml(keys: WeComKeys, plain_xml: str, *, at: Any, agent_id: int = 1,
                      nonce: str | None = None) -> tuple[dict[str, str], str]:
    """Encrypt a plaintext callback as WeCom posts it: query params and the XML envelope."""
    ts = str(unix(at))
    nonce = nonce or _nonce(plain_xml + ts)
    crypto = WeChatCrypto(keys.token, keys.encoding_aes_key, keys.receive_id)
    # wechatpy renders the encrypted reply envelope; a callback carries the same Encrypt and
    # signature, with the signature moved to the query.
    sealed = xmltodict.parse(crypto.encrypt_message(plain_xml, nonce, ts))["xml"]
    body = (f"<xml><ToUserName>{_cdata(keys.receive_id)}</ToUserName>"
            f"<Encrypt>{_cdata(sealed['Encrypt'])}</Encrypt>"
            f"<AgentID>{_cdata(agent_id)}</AgentID></xml>")
    return {"msg_signature": sealed["MsgSignature"], "timestamp": ts, "nonce": nonce}, body


def wecom_url_check(keys: WeComKeys, echo: str, *, at: Any,
                    nonce: str = "263014780") -> dict[str, str]:
    """The GET query of a URL verification whose decrypted echostr is `echo`."""
    ts = str(unix(at))
    encrypt = PrpCrypto(keys.aes_key).encrypt(echo, keys.receive_id).decode()
    return {"msg_signature": _get_signature(keys.token, ts, nonce, encrypt), "timestamp": ts,
            "nonce": nonce, "echostr": encrypt}


def wecom_app_text(keys: WeComKeys, from_user: str, text: str, msg_id: str, *, at: Any,
                   agent_id: int = 1, create_time: int | None = None,
                   nonce: str | None = None) -> tuple[dict[str, str], str]:
    created = create_time if create_time is not None else unix(at)
    plain = (f"<xml><ToUserName>{_cdata(keys.receive_id)}</ToUserName>"
             f"<FromUserName>{_cdata(from_user)}</FromUserName><CreateTime>{created}</CreateTime>"
             f"<MsgType>{_cdata('text')}</MsgType><Content>{_cdata(text)}</Content>"
             f"<MsgId>{msg_id}</MsgId><AgentID>{agent_id}</AgentID></xml>")
    return wecom_encrypt_xml(keys, plain, at=at, agent_id=agent_id, nonce=nonce)


def wecom_app_card_click(keys: WeComKeys, from_user: str, event_key: str, task_id: str, *,
                         at: Any, response_code: str = "RESPONSE_CODE",
                         card_type: str = "button_interaction", agent_id: int = 1,
                         create_time: int | None = None,
                         nonce: str | None = None) -> tuple[dict[str, str], str]:
    """A `template_card_event`: someone pressed button `event_key` on card `task_id`."""
    created = create_time if create_time is not None else unix(at)
    plain = (f"<xml><ToUserName>{_cdata(keys.receive_id)}</ToUserName>"
             f"<FromUserName>{_cdata(from_user)}</FromUserName><CreateTime>{created}</CreateTime>"
             f"<MsgType>{_cdata('event')}</MsgType><Event>{_cdata('template_card_event')}</Event>"
             f"<EventKey>{_cdata(event_key)}</EventKey><TaskId>{_cdata(task_id)}</TaskId>"
             f"<CardType>{_cdata(card_type)}</CardType>"
             f"<ResponseCode>{_cdata(response_code)}</ResponseCode>"
             f"<AgentID>{agent_id}</AgentID></xml>")
    return wecom_encrypt_xml(keys, plain, at=at, agent_id=agent_id, nonce=nonce)


# -- WeCom intelligent robot (JSON) ---------------------------------------------------------------

def wecom_bot_encrypt(keys: WeComKeys, payload: dict[str, Any], *, at: Any,
                      nonce: str | None = None) -> tuple[dict[str, str], str]:
    """Encrypt a robot callback: query params and the {"encrypt": ...} JSON body."""
    return wecom_bot_encrypt_plain(keys, json.dumps(payload, ensure_ascii=False), at=at,
                                   nonce=nonce)


def wecom_bot_encrypt_plain(keys: WeComKeys, plain: str, *, at: Any,
                            nonce: str | None = None) -> tuple[dict[str, str], str]:
    """The same for any plaintext at all, JSON or not (hostile-input tests)."""
    ts = str(unix(at))
    nonce = nonce or _nonce(plain + ts)
    encrypt = PrpCrypto(keys.aes_key).encrypt(plain, keys.receive_id).decode()
    query = {"msg_signature": _get_signature(keys.token, ts, nonce, encrypt), "timestamp": ts,
             "nonce": nonce}
    return query, json.dumps({"encrypt": encrypt})


def wecom_bot_message(keys: WeComKeys, *, chatid: str, chattype: str, userid: str, text: str,
                      msgid: str, response_url: str, at: Any, aibotid: str = "AIBOTID",
                      nonce: str | None = None) -> tuple[dict[str, str], str]:
    """A text message to the robot; in a group `text` carries the @-mention, as WeCom sends it."""
    payload = {"msgid": msgid, "aibotid": aibotid, "chatid": chatid, "chattype": chattype,
               "from": {"userid": userid}, "response_url": response_url, "msgtype": "text",
               "text": {"content": text}}
    return wecom_bot_encrypt(keys, payload, at=at, nonce=nonce)


def wecom_bot_card_click(keys: WeComKeys, *, userid: str, event_key: str, task_id: str,
                         msgid: str, at: Any, chatid: str = "", chattype: str = "single",
                         response_url: str = "", aibotid: str = "AIBOTID",
                         nonce: str | None = None) -> tuple[dict[str, str], str]:
    payload: dict[str, Any] = {
        "msgid": msgid, "create_time": unix(at), "aibotid": aibotid, "chatid": chatid,
        "chattype": chattype, "from": {"userid": userid}, "msgtype": "event",
        "event": {"eventtype": "template_card_event",
                  "template_card_event": {"card_type": "button_interaction",
                                          "event_key": event_key, "task_id": task_id}}}
    if response_url:
        payload["response_url"] = response_url
    return wecom_bot_encrypt(keys, payload, at=at, nonce=nonce)


# -- DingTalk ------------------------------------------------------------------------------------

DINGTALK_SESSION_WEBHOOK = "https://oapi.dingtalk.com/robot/sendBySession?session=s1"


def dingtalk_sign(app_secret: str, timestamp_ms: int | str) -> str:
    digest = hmac.new(app_secret.encode(), f"{timestamp_ms}\n{app_secret}".encode(),
                      hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def dingtalk_headers(app_secret: str, *, at: Any) -> dict[str, str]:
    ms = int(_moment(at) * 1000)
    return {"timestamp": str(ms), "sign": dingtalk_sign(app_secret, ms),
            "Content-Type": "application/json; charset=utf-8"}


def dingtalk_message(app_secret: str, *, msg_id: str, sender_staff_id: str, text: str, at: Any,
                     conversation_id: str = "cidPRIVATE", conversation_type: str = "1",
                     at_users: Sequence[dict[str, str]] = (),
                     session_webhook: str = DINGTALK_SESSION_WEBHOOK,
                     session_webhook_expired_ms: int | None = None,
                     chatbot_user_id: str = "$:LWCP_v1:$bot", robot_code: str = "dingrobot",
                     sender_nick: str = "") -> tuple[dict[str, str], str]:
    """A robot message. `at_users` as DingTalk lists them: {"dingtalkId", "staffId"}; add the
    bot itself ({"dingtalkId": chatbot_user_id}) for a group @-mention, as DingTalk does."""
    headers = dingtalk_headers(app_secret, at=at)
    now_ms = int(headers["timestamp"])
    body = {
        "msgId": msg_id, "msgtype": "text", "text": {"content": text},
        "createAt": now_ms, "conversationId": conversation_id,
        "conversationType": conversation_type, "senderStaffId": sender_staff_id,
        "senderId": f"$:LWCP_v1:${sender_staff_id}", "senderNick": sender_nick or sender_staff_id,
        "chatbotUserId": chatbot_user_id, "robotCode": robot_code,
        "atUsers": list(at_users), "isInAtList": True, "sessionWebhook": session_webhook,
        "sessionWebhookExpiredTime": (session_webhook_expired_ms if session_webhook_expired_ms
                                      is not None else now_ms + 90 * 60 * 1000),
    }
    if conversation_type == "2":
        body["conversationTitle"] = "售后热线群"
    return headers, json.dumps(body, ensure_ascii=False)


def dingtalk_card_click(app_secret: str, *, user_id: str, out_track_id: str, key: str, at: Any,
                        space_type: str = "IM_GROUP", space_id: str = "cidGROUP",
                        corp_id: str = "dingcorp") -> tuple[dict[str, str], str]:
    """A click on a DingTalk interactive card, in the payload /dingtalk/card accepts."""
    body = {"type": "actionCallback", "outTrackId": out_track_id, "userId": user_id,
            "userIdType": 1, "corpId": corp_id, "spaceType": space_type, "spaceId": space_id,
            "content": json.dumps({"cardPrivateData": {"actionIds": [key.split(":")[0]],
                                                       "params": {"key": key}}})}
    return dingtalk_headers(app_secret, at=at), json.dumps(body, ensure_ascii=False)


# -- one edge alone --------------------------------------------------------------------------------

class RecordingPipeline:
    """Stands in for the pipeline when an edge is tested alone: it records what the edge hands
    over and answers "new" the first time it sees a dedupe key, which is all an edge relies on.
    It is a fake collaborator, not a store; the durable pipeline is tested through create_app."""

    def __init__(self) -> None:
        self.accepted: list[InboundMessage] = []
        self._seen: set[str] = set()

    async def accept(self, msg: InboundMessage) -> bool:
        self.accepted.append(msg)
        new = msg.dedupe_key not in self._seen
        self._seen.add(msg.dedupe_key)
        return new


def edge_app(setup_routes: Callable[[web.Application], None], clock: Any,
             **settings_overrides: Any) -> tuple[web.Application, RecordingPipeline]:
    """An aiohttp app holding only the platform routes of `setup_routes`, a RecordingPipeline and
    the given clock, with settings from load_settings(None, **settings_overrides)."""
    app = web.Application()
    pipeline = RecordingPipeline()
    app[keys.SETTINGS] = load_settings(None, **settings_overrides)
    app[keys.CLOCK] = clock
    app[keys.PIPELINE] = pipeline  # type: ignore[assignment] - duck-typed: only accept() is used
    setup_routes(app)
    return app, pipeline
