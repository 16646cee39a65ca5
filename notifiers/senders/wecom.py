"""WeCom (企业微信) sender: app messages, app group chats, group robot webhooks, robot replies.

Channels and what their address is:
- CH_WECOM_APP: a member's userid; `message/send` with text, markdown, a `template_card` of type
  `button_interaction` (button key = Button.key, task_id = OutboundMessage.task_id), or an image
  or file uploaded first through `media/upload`. Text and markdown end in an invisible mark
  derived from the outbox row's dedupe key (and the piece's index), and go with
  `enable_duplicate_check` for WeCom's longest interval: two rows with the same words differ in
  their marks, so both arrive (the same answer to the same question asked twice), while the same
  row sent again by a relay killed between WeCom's "ok" and its mark is dropped by WeCom. That
  makes a kill -9 of the relay exactly-once for app messages, which no local bookkeeping can.
- CH_WECOM_APPCHAT: the chatid of a group the app created (`appchat/create`, see create_appchat);
  `appchat/send`. Group chats have no buttons: a card goes as text naming its actions.
- CH_WECOM_WEBHOOK: a group robot's webhook key, or its whole URL; text (with `mentioned_list`),
  markdown (mentions written as `<@userid>`), image (base64 + md5), file (`webhook/upload_media`).
- CH_WECOM_RESPONSE: an intelligent robot's `response_url`, answered once with markdown; a text
  too long for one message is cut there, since the URL takes one answer only.
- CH_WECOM_CARD_UPDATE (kind CARD_UPDATE): an unused response_code of an app card (the one
  `message/send` answered, or a click's); `message/update_template_card`, which WeCom takes
  once per code within 72 hours. With no button left the card's buttons become one inert button
  labelled with the state (`extra["state"]`, e.g. "已由 张三 接单"); with buttons left the card is
  replaced by a new `button_interaction` card (same task_id, the text with its state line).
  `extra["userid"]` limits the update to that member. A code WeCom no longer takes (spent,
  expired: errcode 40058) turns the update into a fresh text to that member.
  The response_code of every app card sent is kept on its card row (storage/cards.py).

The access token is fetched with `gettoken` once per app and cached until shortly before its
7200 s run out; 40014/42001/40001 drop it and the call is made once more with a fresh one.
45009, 45033 and -1 raise SendRetry, other errors SendFailed.
"""
from __future__ import annotations

import base64
import hashlib
import os
import re
from dataclasses import replace
from datetime import datetime
from typing import Any, Awaitable, Callable

import aiohttp

from bot import messages
from bot.clock import Clock, SystemClock
from bot.messages import CARD, FILE, IMAGE, MARKDOWN, TEXT, OutboundMessage
from notifiers import render, texts
from notifiers.senders.base import SendFailed, SendRetry
from notifiers.senders.http import call, media_form, read_file, rebase
from notifiers.tokens import TokenCache

# (task_id, channel, userid, response_code, when): keeps a card's code for one later update.
KeepCode = Callable[[str, str, str, str, datetime], Awaitable[Any]]

OFFICIAL_BASE = "https://qyapi.weixin.qq.com"
TOKEN_INVALID = frozenset({40014, 42001, 40001})
# errcode -> seconds to wait: frequency limit, concurrency limit, system busy.
BACK_OFF = {45009: 60.0, 45033: 2.0, -1: 2.0}
# Credentials that a retry cannot fix: a wrong corpid or secret, a disabled app.
BAD_CREDENTIALS = frozenset({40013, 40091, 40056, 301002})
WEBHOOK_IMAGE_MAX = 2 * 1024 * 1024
_TASK_ID_BAD = re.compile(r"[^0-9A-Za-z_\-@]")
CARD_TITLE_CHARS = 26  # WeCom shows about this many characters of a card title
CARD_MAX_BUTTONS = 6
CODE_REFUSED = 40058  # update_template_card: response_code spent, expired or unknown


def task_id_for(msg: OutboundMessage, dedupe_key: str) -> str:
    """A card's task_id: digits, letters and _-@ only, at most 128 bytes, unique per app."""
    return _TASK_ID_BAD.sub("_", msg.task_id or dedupe_key)[:128]


def button_card(msg: OutboundMessage, dedupe_key: str, source: str) -> dict[str, Any]:
    """A `template_card` of type button_interaction, as app messages and the intelligent
    robot's long connection both take it."""
    lines = msg.text.split("\n", 1)
    title = msg.title or lines[0]
    desc = msg.text if msg.title else (lines[1] if len(lines) > 1 else "")
    if len(title) > CARD_TITLE_CHARS:
        title = title[: CARD_TITLE_CHARS - 1] + "…"
    card: dict[str, Any] = {
        "card_type": "button_interaction",
        "source": {"desc": source},
        "main_title": {"title": title},
        "task_id": task_id_for(msg, dedupe_key),
        "button_list": [{"text": b.text, "style": 1 if i == 0 else 2, "key": b.key}
                        for i, b in enumerate(msg.buttons[:CARD_MAX_BUTTONS])],
    }
    if desc:
        card["sub_title_text"] = render.truncate_utf8(desc, render.LIMITS[msg.channel][CARD])
    return card


class WeComSender:
    channels = (messages.CH_WECOM_APP, messages.CH_WECOM_APPCHAT, messages.CH_WECOM_WEBHOOK,
                messages.CH_WECOM_RESPONSE, messages.CH_WECOM_CARD_UPDATE)

    def __init__(self, settings: Any, session: aiohttp.ClientSession, *,
                 clock: Clock | None = None, keep_code: KeepCode | None = None) -> None:
        # Where the response_code of each app card sent is kept (storage.cards.note_code in the
        # bot); without it the code is dropped, as a bare sender has no database.
        self._keep_code = keep_code
        self._cfg = settings.wecom
        self._source = settings.center.name
        self._base = settings.wecom.api_base.rstrip("/")
        self._session = session
        self._clock = clock or SystemClock()
        self.tokens = TokenCache(self._fetch_token, self._clock)

    # -- access token ---------------------------------------------------------------------

    async def _fetch_token(self) -> tuple[str, float]:
        status, body = await call(self._session, "GET", f"{self._base}/cgi-bin/gettoken",
                                  params={"corpid": self._cfg.corp_id,
                                          "corpsecret": self._cfg.secret})
        code = _errcode(status, body)
        if code == 0 and body.get("access_token"):
            return str(body["access_token"]), float(body.get("expires_in") or 7200)
        if code in BAD_CREDENTIALS or code == 40001:
            raise SendFailed(f"gettoken: {code} {body.get('errmsg', '')}")
        raise SendRetry(f"gettoken: {code} {body.get('errmsg', '')}",
                        retry_after=BACK_OFF.get(code, 5.0))

    async def _api(self, path: str, *, json_body: Any = None,
                   form: Callable[[], aiohttp.FormData] | None = None,
                   params: dict[str, str] | None = None) -> dict:
        """POST to an access-token API; one refetch when WeCom calls the token invalid."""
        refetched = False
        while True:
            token = await self.tokens.get()
            status, body = await call(self._session, "POST", f"{self._base}{path}",
                                      params={"access_token": token, **(params or {})},
                                      json_body=json_body, data=form() if form else None)
            code = _errcode(status, body)
            if code in TOKEN_INVALID and not refetched:
                self.tokens.invalidate(token)
                refetched = True
                continue
            _check(path, code, body)
            return body

    # -- the Sender protocol ----------------------------------------------------------------

    async def send(self, msg: OutboundMessage, dedupe_key: str) -> None:
        channel = msg.channel
        if channel == messages.CH_WECOM_CARD_UPDATE:
            await self._update_card(msg)
        elif channel == messages.CH_WECOM_RESPONSE:
            await self._respond(msg)
        elif msg.kind in (IMAGE, FILE):
            await self._send_media(msg)
        else:
            for n, piece in enumerate(render.parts(self._for_channel(msg))):
                await self._send_one(piece, f"{dedupe_key}#{n}" if n else dedupe_key)

    def _for_channel(self, msg: OutboundMessage) -> OutboundMessage:
        """Cards exist only in app messages; elsewhere they travel as text naming their actions."""
        if msg.kind != CARD or msg.channel == messages.CH_WECOM_APP:
            return msg
        kind = MARKDOWN if msg.channel == messages.CH_WECOM_WEBHOOK else TEXT
        return OutboundMessage(channel=msg.channel, address=msg.address, kind=kind,
                               text=render.card_as_text(msg), mentions=msg.mentions,
                               extra=msg.extra)

    async def _send_one(self, msg: OutboundMessage, dedupe_key: str) -> None:
        if msg.channel == messages.CH_WECOM_APP:
            await self._app_send(self._app_body(msg, dedupe_key))
        elif msg.channel == messages.CH_WECOM_APPCHAT:
            await self._api("/cgi-bin/appchat/send", json_body=self._appchat_body(msg))
        elif msg.channel == messages.CH_WECOM_WEBHOOK:
            await self._webhook(msg.address, _webhook_body(msg))
        else:
            raise SendFailed(f"WeCom sender has no channel {msg.channel}")

    # -- app messages ----------------------------------------------------------------------

    def _app_head(self, userid: str) -> dict[str, Any]:
        """What every app message carries besides its content."""
        return {"touser": userid, "agentid": self._cfg.agent_id, "safe": 0,
                "enable_duplicate_check": 1,
                "duplicate_check_interval": render.DUPLICATE_CHECK_S}

    def _app_body(self, msg: OutboundMessage, dedupe_key: str) -> dict:
        if msg.kind == CARD:
            return {**self._app_head(msg.address), "msgtype": "template_card",
                    "template_card": self._card(msg, dedupe_key)}
        marked = replace(msg, text=msg.text + render.idempotency_mark(dedupe_key))
        return {**self._app_head(msg.address), **_text_content(marked)}

    def _card(self, msg: OutboundMessage, dedupe_key: str) -> dict:
        return button_card(msg, dedupe_key, self._source)

    async def _app_send(self, body: dict) -> None:
        result = await self._api("/cgi-bin/message/send", json_body=body)
        invalid = {u for u in str(result.get("invaliduser") or "").split("|") if u}
        if body["touser"] in invalid:
            raise SendFailed(f"message/send: invalid user {body['touser']}")
        code = result.get("response_code")
        if code and body.get("msgtype") == "template_card" and self._keep_code is not None:
            # The send's own code allows one update: a claim by typed command redraws the card.
            await self._keep_code(body["template_card"]["task_id"], messages.CH_WECOM_APP,
                                  body["touser"], str(code), self._clock.now())

    def _appchat_body(self, msg: OutboundMessage) -> dict:
        return {"chatid": msg.address, "safe": 0, **_text_content(msg)}

    async def create_appchat(self, name: str, owner: str, userlist: list[str],
                             chatid: str = "") -> str:
        """Create a group chat owned by the app (only these can take appchat/send); its chatid."""
        body: dict[str, Any] = {"name": name, "owner": owner, "userlist": userlist}
        if chatid:
            body["chatid"] = chatid
        result = await self._api("/cgi-bin/appchat/create", json_body=body)
        return str(result.get("chatid") or chatid)

    # -- webhooks, robot replies and card updates ---------------------------------------------

    def _webhook_url(self, address: str) -> tuple[str, dict[str, str]]:
        if address.startswith(("http://", "https://")):
            return rebase(address, OFFICIAL_BASE, self._base), {}
        return f"{self._base}/cgi-bin/webhook/send", {"key": address}

    async def _webhook(self, address: str, body: dict) -> None:
        url, params = self._webhook_url(address)
        status, result = await call(self._session, "POST", url, params=params, json_body=body)
        _check("webhook/send", _errcode(status, result), result)

    async def _respond(self, msg: OutboundMessage) -> None:
        text = render.card_as_text(msg) if msg.kind == CARD else render.body_text(msg)
        text = render.truncate_utf8(text, render.LIMITS[msg.channel][MARKDOWN])
        url = rebase(msg.address, OFFICIAL_BASE, self._base)
        body = {"msgtype": "markdown", "markdown": {"content": text}}
        status, result = await call(self._session, "POST", url, json_body=body)
        _check("response_url", _errcode(status, result), result)

    async def _update_card(self, msg: OutboundMessage) -> None:
        body: dict[str, Any] = {"agentid": self._cfg.agent_id, "response_code": msg.address}
        state = str(msg.extra.get("state") or msg.text)
        if msg.buttons:
            body["template_card"] = self._card(msg, msg.task_id)
        else:
            body["button"] = {"replace_name": state}
        userid = msg.extra.get("userid")
        if userid:
            body["userids"] = [userid]
        else:
            body["atall"] = 1
        try:
            await self._api("/cgi-bin/message/update_template_card", json_body=body)
        except SendFailed as exc:
            if f": {CODE_REFUSED} " not in f"{exc} ":
                raise
            if not userid:
                raise
            # WeCom no longer takes the code: the member gets the state as a fresh message.
            title = msg.title or msg.task_id
            fresh = OutboundMessage(channel=messages.CH_WECOM_APP, address=str(userid),
                                    text=texts.CARD_STATE.format(title=title, state=state))
            await self._app_send(self._app_body(fresh, f"card-fallback:{msg.task_id}:{state}"))

    # -- images and files --------------------------------------------------------------------

    async def _send_media(self, msg: OutboundMessage) -> None:
        data = await read_file(msg.file_path)
        name = os.path.basename(msg.file_path)
        kind = "image" if msg.kind == IMAGE else "file"
        if msg.channel == messages.CH_WECOM_WEBHOOK:
            if kind == "image":
                if len(data) > WEBHOOK_IMAGE_MAX:
                    raise SendFailed(f"webhook image over 2 MB: {name}")
                content = {"base64": base64.b64encode(data).decode(),
                           "md5": hashlib.md5(data).hexdigest()}
            else:
                content = {"media_id": await self._webhook_upload(msg.address, name, data)}
            await self._webhook(msg.address, {"msgtype": kind, kind: content})
            return
        media_id = await self.upload(kind, name, data)
        if msg.channel == messages.CH_WECOM_APP:
            await self._app_send({**self._app_head(msg.address),
                                  "msgtype": kind, kind: {"media_id": media_id}})
        elif msg.channel == messages.CH_WECOM_APPCHAT:
            await self._api("/cgi-bin/appchat/send", json_body={
                "chatid": msg.address, "msgtype": kind, kind: {"media_id": media_id}, "safe": 0})
        else:
            raise SendFailed(f"{msg.channel} cannot carry a {kind}")

    async def upload(self, kind: str, name: str, data: bytes) -> str:
        """media/upload (type image or file): the media_id, valid for three days."""
        result = await self._api("/cgi-bin/media/upload", params={"type": kind},
                                 form=lambda: media_form(name, data))
        media_id = result.get("media_id")
        if not media_id:
            raise SendRetry("media/upload returned no media_id")
        return str(media_id)

    async def _webhook_upload(self, address: str, name: str, data: bytes) -> str:
        url, params = self._webhook_url(address)
        url = url.replace("/webhook/send", "/webhook/upload_media")
        status, result = await call(self._session, "POST", url,
                                    params={**params, "type": "file"}, data=media_form(name, data))
        _check("webhook/upload_media", _errcode(status, result), result)
        return str(result["media_id"])


def _text_content(msg: OutboundMessage) -> dict:
    """The content of a text or markdown message in an app or app-chat body."""
    kind = "markdown" if msg.kind == MARKDOWN else "text"
    return {"msgtype": kind, kind: {"content": msg.text}}


def _webhook_body(msg: OutboundMessage) -> dict:
    if msg.kind == MARKDOWN:
        content = msg.text
        if msg.mentions:
            content += "\n" + " ".join(f"<@{m}>" for m in msg.mentions)
        return {"msgtype": "markdown", "markdown": {"content": content}}
    text: dict[str, Any] = {"content": msg.text}
    if msg.mentions:
        text["mentioned_list"] = list(msg.mentions)
    return {"msgtype": "text", "text": text}




def _errcode(status: int, body: dict) -> int:
    if "errcode" in body:
        try:
            return int(body["errcode"])
        except (TypeError, ValueError):
            return -1
    if status == 200:
        return 0
    if status == 429:
        return 45009
    raise SendFailed(f"HTTP {status}: {body}")


def _check(what: str, code: int, body: dict) -> None:
    if code == 0:
        return
    reason = f"{what}: {code} {body.get('errmsg', '')}".strip()
    if code in BACK_OFF:
        raise SendRetry(reason, retry_after=BACK_OFF[code])
    if code in TOKEN_INVALID:  # still invalid after a fresh token: let the relay back off
        raise SendRetry(reason, retry_after=5.0)
    raise SendFailed(reason)
