"""A fake WeCom server API: a real aiohttp app on loopback that speaks WeCom's JSON protocol.

It issues and checks access tokens (and can expire them: 42001), answers with injected error
codes (45009 once, -1, ...), enforces WeCom's per-destination limits the way WeCom does, by
answering errcode 0 and silently not delivering (app to one member 30 a minute, app group chat
200 a minute per chat, group robot webhook 20 a minute), honours `enable_duplicate_check`, cuts
text and markdown at WeCom's byte limits (counting each cut), and records every delivered
message with its arrival time on the clock it was given, so tests can run minutes of fake time.

Use it with pytest-aiohttp (`await aiohttp_server(fake.app())`) or on its own
(`base = await fake.start()` ... `await fake.close()`), as bench/outbound.py does.
"""
from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web

from bot.clock import SystemClock
from tests.fakes.loopback import Loopback

LIMITS = {"message/send": 30, "appchat/send": 200, "webhook/send": 20}
BYTE_LIMITS = {"text": 2048, "markdown": 4096}
CODE_TTL = timedelta(hours=72)  # a response_code updates a card once, within 72 hours
APPCHAT_BYTE_LIMITS = {"text": 2048, "markdown": 2048}


@dataclass
class Received:
    api: str  # "message/send", "appchat/send", "webhook/send", "aibot/response"
    dest: str  # touser, chatid, webhook key, response code
    body: dict
    at: datetime

    @property
    def msgtype(self) -> str:
        return str(self.body.get("msgtype", ""))

    @property
    def content(self) -> str:
        """The words a person would read: text, markdown, or a card's title and description."""
        part = self.body.get(self.msgtype) or {}
        if self.msgtype == "template_card":
            return "\n".join(x for x in (part.get("main_title", {}).get("title", ""),
                                         part.get("sub_title_text", "")) if x)
        # Zero-width characters are invisible to the reader (the sender's idempotency mark).
        return str(part.get("content", "")).rstrip(INVISIBLE)


INVISIBLE = "\u200b\u200c\u200d\u2060"


class FakeWeCom(Loopback):
    def __init__(self, clock: Any = None, *, corp_id: str = "wwfakecorp",
                 secret: str = "fake-app-secret", agent_id: int = 1000002,
                 token_ttl: int = 7200, window_s: float = 60.0,
                 limits: dict[str, int] | None = None) -> None:
        self.clock = clock or SystemClock()
        self.corp_id, self.secret, self.agent_id = corp_id, secret, agent_id
        self.token_ttl = token_ttl
        self.window = timedelta(seconds=window_s)
        self.limits = dict(LIMITS if limits is None else limits)
        self.received: list[Received] = []  # delivered to people
        self.dropped: list[Received] = []  # answered errcode 0, never delivered (over a limit)
        self.duplicates: list[Received] = []  # caught by enable_duplicate_check
        self.card_updates: list[dict] = []
        self.appchats: dict[str, dict] = {}
        self.media: dict[str, tuple[str, str, bytes]] = {}  # media_id -> (type, filename, data)
        self.truncated = 0  # messages WeCom would have cut at its byte limit
        self.gettoken_calls = 0
        self.calls: list[str] = []  # every API path called, in order
        self._tokens: dict[str, datetime] = {}
        self._errors: list[tuple[str | None, int]] = []
        # card response codes -> (issued at, used, the cards it may update: (task_id, userid))
        self._response_codes: dict[str, tuple[datetime, bool, list[tuple[str, str]]]] = {}
        self.cards: dict[tuple[str, str], dict] = {}  # (task_id, userid) -> the card shown now
        self._used_response_urls: set[str] = set()
        self._ids = itertools.count(1)
        self._hold_at: int | None = None
        self.holding = asyncio.Event()  # set while a request is held (see hold_after)
        self.release = asyncio.Event()

    # -- what tests control -----------------------------------------------------------------

    def expire_tokens(self) -> None:
        """Every token issued so far is now expired: the next call with one gets 42001."""
        now = self.clock.now()
        for token in self._tokens:
            self._tokens[token] = now

    def fail(self, errcode: int, *, api: str | None = None, times: int = 1) -> None:
        """Answer the next `times` calls (to `api`, or to any API) with `errcode`."""
        self._errors.extend([(api, errcode)] * times)

    def hold_after(self, n: int) -> None:
        """Deliver the n-th message, then keep its HTTP answer until `release` is set."""
        self._hold_at = n

    def add_appchat(self, chatid: str, userlist: list[str] | None = None) -> None:
        self.appchats[chatid] = {"chatid": chatid, "userlist": userlist or []}

    def response_url(self, base: str, code: str) -> str:
        return f"{base}/cgi-bin/aibot/response?response_code={code}"

    def contents(self, api: str | None = None, dest: str | None = None) -> list[str]:
        return [r.content for r in self.received
                if (api is None or r.api == api) and (dest is None or r.dest == dest)]

    def max_in_window(self, api: str, dest: str) -> int:
        """The most messages `dest` received within any window (sliding, by arrival time)."""
        times = sorted(r.at for r in self.received if r.api == api and r.dest == dest)
        best, start = 0, 0
        for end, at in enumerate(times):
            while times[start] <= at - self.window:
                start += 1
            best = max(best, end - start + 1)
        return best

    # -- serving ----------------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/cgi-bin/gettoken", self._gettoken)
        app.router.add_post("/cgi-bin/message/send", self._message_send)
        app.router.add_post("/cgi-bin/message/update_template_card", self._update_card)
        app.router.add_post("/cgi-bin/appchat/create", self._appchat_create)
        app.router.add_post("/cgi-bin/appchat/send", self._appchat_send)
        app.router.add_post("/cgi-bin/media/upload", self._media_upload)
        app.router.add_post("/cgi-bin/webhook/send", self._webhook_send)
        app.router.add_post("/cgi-bin/webhook/upload_media", self._webhook_upload)
        app.router.add_post("/cgi-bin/aibot/response", self._aibot_response)
        return app

    # -- helpers ----------------------------------------------------------------------------

    @staticmethod
    def _answer(errcode: int = 0, errmsg: str = "ok", **extra: Any) -> web.Response:
        return web.json_response({"errcode": errcode, "errmsg": errmsg, **extra})

    def _injected(self, api: str) -> int | None:
        for i, (target, code) in enumerate(self._errors):
            if target is None or target == api:
                del self._errors[i]
                return code
        return None

    def _auth(self, request: web.Request) -> int:
        token = request.query.get("access_token")
        if not token:
            return 41001
        expires = self._tokens.get(token)
        if expires is None:
            return 40014
        if self.clock.now() >= expires:
            return 42001
        return 0

    def _over_limit(self, api: str, dest: str) -> bool:
        limit = self.limits.get(api)
        if limit is None:
            return False
        since = self.clock.now() - self.window
        return sum(1 for r in self.received if r.api == api and r.dest == dest
                   and r.at > since) >= limit

    def _cut(self, body: dict, limits: dict[str, int]) -> None:
        part = body.get(body.get("msgtype", ""))
        limit = limits.get(body.get("msgtype", ""))
        if not isinstance(part, dict) or limit is None:
            return
        raw = str(part.get("content", "")).encode()
        if len(raw) > limit:
            self.truncated += 1
            part["content"] = raw[:limit].decode("utf-8", "ignore")

    async def _deliver(self, api: str, dest: str, body: dict) -> bool:
        """Record a message unless over the limit; False when silently dropped."""
        item = Received(api, dest, body, self.clock.now())
        if self._over_limit(api, dest):
            self.dropped.append(item)
            return False
        self.received.append(item)
        if self._hold_at is not None and len(self.received) == self._hold_at:
            self.holding.set()
            await self.release.wait()
        return True

    async def _json(self, request: web.Request) -> dict:
        try:
            body = await request.json()
        except ValueError:
            return {}
        return body if isinstance(body, dict) else {}

    # -- handlers ---------------------------------------------------------------------------

    async def _gettoken(self, request: web.Request) -> web.Response:
        self.calls.append("gettoken")
        self.gettoken_calls += 1
        if request.query.get("corpid") != self.corp_id:
            return self._answer(40013, "invalid corpid")
        if request.query.get("corpsecret") != self.secret:
            return self._answer(40001, "invalid credential")
        code = self._injected("gettoken")
        if code:
            return self._answer(code, "injected")
        token = f"fake-token-{next(self._ids)}"
        self._tokens[token] = self.clock.now() + timedelta(seconds=self.token_ttl)
        return self._answer(access_token=token, expires_in=self.token_ttl)

    async def _preamble(self, request: web.Request, api: str) -> int:
        self.calls.append(api)
        return self._auth(request) or self._injected(api) or 0

    async def _message_send(self, request: web.Request) -> web.Response:
        api = "message/send"
        code = await self._preamble(request, api)
        if code:
            return self._answer(code, "refused")
        body = await self._json(request)
        if body.get("agentid") != self.agent_id:
            return self._answer(40056, "invalid agentid")
        msgtype = body.get("msgtype")
        if msgtype not in ("text", "markdown", "template_card", "image", "file"):
            return self._answer(40008, "invalid message type")
        if msgtype in ("image", "file") and body[msgtype].get("media_id") not in self.media:
            return self._answer(40007, "invalid media_id")
        extra: dict[str, Any] = {"msgid": f"msg-{next(self._ids)}"}
        if msgtype == "template_card":
            card = body["template_card"]
            if card.get("card_type") != "button_interaction" or not card.get("task_id"):
                return self._answer(40058, "invalid template_card")
            if any(not b.get("key") for b in card.get("button_list", [])):
                return self._answer(40058, "button key missing")
            users = [u for u in str(body.get("touser", "")).split("|") if u]
            task = str(card["task_id"])
            if any((task, u) in self.cards for u in users):
                return self._answer(40078, "duplicate task_id")  # unique per app
            for u in users:
                self.cards[(task, u)] = card
            extra["response_code"] = f"rc-{next(self._ids)}"
            self._response_codes[extra["response_code"]] = (self.clock.now(), False,
                                                            [(task, u) for u in users])
        self._cut(body, BYTE_LIMITS)
        dest = str(body.get("touser", ""))
        if body.get("enable_duplicate_check"):
            interval = timedelta(seconds=int(body.get("duplicate_check_interval") or 1800))
            same = json.dumps(body.get(msgtype), sort_keys=True, ensure_ascii=False)
            since = self.clock.now() - interval
            for r in self.received:
                if (r.api == api and r.dest == dest and r.at > since and r.msgtype == msgtype
                        and json.dumps(r.body.get(msgtype), sort_keys=True,
                                       ensure_ascii=False) == same):
                    self.duplicates.append(Received(api, dest, body, self.clock.now()))
                    return self._answer(**extra)
        await self._deliver(api, dest, body)
        return self._answer(invaliduser="", invalidparty="", invalidtag="", **extra)

    async def _update_card(self, request: web.Request) -> web.Response:
        code = await self._preamble(request, "update_template_card")
        if code:
            return self._answer(code, "refused")
        body = await self._json(request)
        if body.get("agentid") != self.agent_id:
            return self._answer(40056, "invalid agentid")
        rc = str(body.get("response_code", ""))
        if rc not in self._response_codes:
            return self._answer(40058, "invalid response_code")
        issued, used, targets = self._response_codes[rc]
        if used:
            return self._answer(40058, "response_code has been used")
        if self.clock.now() - issued >= CODE_TTL:
            return self._answer(40058, "response_code expired")
        replace = (body.get("button") or {}).get("replace_name")
        card = body.get("template_card")
        if not replace and not isinstance(card, dict):
            return self._answer(40058, "button.replace_name or template_card missing")
        userids = body.get("userids") or []
        if not body.get("atall") and not userids:
            return self._answer(40058, "no receiver to update")
        self._response_codes[rc] = (issued, True, targets)
        for task, user in targets:
            if body.get("atall") or user in userids:
                shown = self.cards.get((task, user), {"task_id": task})
                if replace:
                    shown = {**shown, "button_list": [], "replaced_by": replace}
                else:
                    shown = card
                self.cards[(task, user)] = shown
        self.card_updates.append(body)
        return self._answer()

    def issue_response_code(self, task_id: str = "", userid: str = "") -> str:
        """A ResponseCode as a click on card `task_id` by `userid` would carry it."""
        code = f"rc-{next(self._ids)}"
        self._response_codes[code] = (self.clock.now(), False,
                                      [(task_id, userid)] if task_id else [])
        return code

    def card(self, task_id: str, userid: str) -> dict | None:
        """The template card `userid` sees for `task_id` now (None: never sent to them)."""
        return self.cards.get((task_id, userid))

    async def _appchat_create(self, request: web.Request) -> web.Response:
        code = await self._preamble(request, "appchat/create")
        if code:
            return self._answer(code, "refused")
        body = await self._json(request)
        if len(body.get("userlist") or []) < 2:
            return self._answer(86004, "userlist needs at least 2 members")
        chatid = body.get("chatid") or f"chat{next(self._ids)}"
        self.appchats[chatid] = body
        return self._answer(chatid=chatid)

    async def _appchat_send(self, request: web.Request) -> web.Response:
        api = "appchat/send"
        code = await self._preamble(request, api)
        if code:
            return self._answer(code, "refused")
        body = await self._json(request)
        chatid = str(body.get("chatid", ""))
        if chatid not in self.appchats:
            return self._answer(86003, "chat not exist")
        msgtype = body.get("msgtype")
        if msgtype not in ("text", "markdown", "image", "file"):
            return self._answer(40008, "invalid message type")
        if msgtype in ("image", "file") and body[msgtype].get("media_id") not in self.media:
            return self._answer(40007, "invalid media_id")
        self._cut(body, APPCHAT_BYTE_LIMITS)
        await self._deliver(api, chatid, body)
        return self._answer()

    async def _read_media(self, request: web.Request) -> tuple[str, bytes] | None:
        reader = await request.multipart()
        async for part in reader:
            if getattr(part, "name", None) == "media":
                return part.filename or "", await part.read()  # type: ignore[union-attr]
        return None

    async def _media_upload(self, request: web.Request) -> web.Response:
        code = await self._preamble(request, "media/upload")
        if code:
            return self._answer(code, "refused")
        kind = request.query.get("type", "")
        if kind not in ("image", "voice", "video", "file"):
            return self._answer(40004, "invalid media type")
        media = await self._read_media(request)
        if media is None or not media[1]:
            return self._answer(41005, "media data missing")
        media_id = f"media-{next(self._ids)}"
        self.media[media_id] = (kind, media[0], media[1])
        return self._answer(type=kind, media_id=media_id, created_at="1700000000")

    async def _webhook_send(self, request: web.Request) -> web.Response:
        api = "webhook/send"
        self.calls.append(api)
        key = request.query.get("key", "")
        if not key:
            return self._answer(93000, "invalid webhook url")
        code = self._injected(api)
        if code:
            return self._answer(code, "injected")
        body = await self._json(request)
        msgtype = body.get("msgtype")
        if msgtype not in ("text", "markdown", "image", "file", "news", "template_card"):
            return self._answer(40008, "invalid message type")
        if msgtype == "file" and body["file"].get("media_id") not in self.media:
            return self._answer(40007, "invalid media_id")
        if msgtype == "image" and not self._webhook_image_ok(body["image"]):
            return self._answer(40009, "invalid image: base64, md5, size or format")
        self._cut(body, BYTE_LIMITS)
        await self._deliver(api, key, body)
        return self._answer()

    @staticmethod
    def _webhook_image_ok(image: dict) -> bool:
        """A robot image: base64 of a JPG or PNG of at most 2 MB, with the md5 of those bytes."""
        try:
            data = base64.b64decode(str(image.get("base64", "")), validate=True)
        except ValueError:
            return False
        return (0 < len(data) <= 2 * 1024 * 1024 and data[:3] in (b"\xff\xd8\xff", b"\x89PN")
                and hashlib.md5(data).hexdigest() == image.get("md5"))

    async def _webhook_upload(self, request: web.Request) -> web.Response:
        self.calls.append("webhook/upload_media")
        if not request.query.get("key"):
            return self._answer(93000, "invalid webhook url")
        if request.query.get("type") not in ("file", "voice"):
            return self._answer(40004, "invalid media type")
        media = await self._read_media(request)
        if media is None:
            return self._answer(41005, "media data missing")
        media_id = f"media-{next(self._ids)}"
        self.media[media_id] = ("file", media[0], media[1])
        return self._answer(type="file", media_id=media_id, created_at="1700000000")

    async def _aibot_response(self, request: web.Request) -> web.Response:
        api = "aibot/response"
        self.calls.append(api)
        code = request.query.get("response_code", "")
        if not code or code in self._used_response_urls:
            return self._answer(40058, "response_code used or missing")
        self._used_response_urls.add(code)
        body = await self._json(request)
        self._cut(body, BYTE_LIMITS)
        await self._deliver(api, code, body)
        return self._answer()
