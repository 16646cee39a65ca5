"""A fake DingTalk server: the robot OpenAPI (api.dingtalk.com) and the oapi robot endpoints.

A real aiohttp app on loopback. It issues and checks OpenAPI access tokens (expiring them on
demand: 401 InvalidAuthentication), verifies custom-robot signatures and their timestamp window,
serves session webhooks that expire, keeps interactive cards by outTrackId (sent the HTTP
callback way, interactiveCards/send, or the stream way, card/instances/createAndDeliver), takes legacy media
uploads (oapi `media/upload`, with the same access tokens, keeping each file's bytes under the
media_id it answers) and refuses image and file messages whose media_id it never issued, and
enforces 20
messages a minute per robot destination: a custom robot past it answers errcode 130101 and stays
blocked for 10 minutes; the OpenAPI answers HTTP 429 (groups) or lists the user under
flowControlledStaffIdList (one-to-one). Arrival times come from the clock it is given.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web

from bot.clock import SystemClock
from tests.fakes.loopback import Loopback


@dataclass
class Received:
    api: str  # "groupMessages", "oToMessages", "robot/send", "sendBySession", "interactiveCards"
    dest: str  # openConversationId, staffId, robot access_token, session id, outTrackId
    body: dict
    at: datetime

    @property
    def content(self) -> str:
        if "msgParam" in self.body:
            param = json.loads(self.body["msgParam"])
            return str(param.get("content") or param.get("text") or "")
        if "cardData" in self.body:
            card = json.loads(self.body["cardData"]["cardParamMap"]["sys_full_json_obj"])
            return "\n".join(c.get("text", "") for c in card.get("contents", [])
                             if c.get("type") == "markdown")
        msgtype = self.body.get("msgtype", "")
        part = self.body.get(msgtype) or {}
        return str(part.get("content") or part.get("text") or "")


class FakeDingTalk(Loopback):
    def __init__(self, clock: Any = None, *, app_key: str = "dingfakeappkey",
                 app_secret: str = "fake-app-secret", robot_code: str = "dingfakerobot",
                 token_ttl: int = 7200, window_s: float = 60.0, limit: int = 20,
                 block_s: float = 600.0, sign_window_s: float = 3600.0) -> None:
        self.clock = clock or SystemClock()
        self.app_key, self.app_secret, self.robot_code = app_key, app_secret, robot_code
        self.token_ttl = token_ttl
        self.window = timedelta(seconds=window_s)
        self.limit = limit
        self.block = timedelta(seconds=block_s)
        self.sign_window = timedelta(seconds=sign_window_s)
        self.received: list[Received] = []
        self.rejected: list[Received] = []  # refused for going too fast (130101, 429, flow control)
        self.card_updates: list[dict] = []
        self.card_update_paths: list[str] = []  # which API each update came through
        self.cards: dict[str, dict] = {}
        self.media: dict[str, tuple[str, str, bytes]] = {}  # media_id -> (type, filename, data)
        self.token_calls = 0
        self._tokens: dict[str, datetime] = {}
        self._webhooks: dict[str, str] = {}  # access_token -> signing secret ("" for none)
        self._sessions: dict[str, datetime] = {}
        self._blocked: dict[str, datetime] = {}
        self._ids = itertools.count(1)

    # -- what tests control -----------------------------------------------------------------

    def expire_tokens(self) -> None:
        now = self.clock.now()
        for token in self._tokens:
            self._tokens[token] = now

    def add_webhook(self, base: str, secret: str = "") -> str:
        """A custom robot; its webhook URL, as DingTalk shows it to the group's admin."""
        token = f"robot{next(self._ids)}"
        self._webhooks[token] = secret
        return f"{base}/robot/send?access_token={token}"

    def new_session(self, base: str, ttl_s: float = 5400.0) -> tuple[str, datetime]:
        """A sessionWebhook as an incoming message carries it, and when it expires."""
        session = f"session{next(self._ids)}"
        expires = self.clock.now() + timedelta(seconds=ttl_s)
        self._sessions[session] = expires
        return f"{base}/robot/sendBySession?session={session}", expires

    def contents(self, api: str | None = None, dest: str | None = None) -> list[str]:
        return [r.content for r in self.received
                if (api is None or r.api == api) and (dest is None or r.dest == dest)]

    def max_in_window(self, api: str, dest: str) -> int:
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
        app.router.add_post("/v1.0/oauth2/accessToken", self._access_token)
        app.router.add_post("/v1.0/robot/groupMessages/send", self._group_send)
        app.router.add_post("/v1.0/robot/oToMessages/batchSend", self._oto_send)
        app.router.add_post("/v1.0/im/interactiveCards/send", self._card_send)
        app.router.add_put("/v1.0/im/interactiveCards", self._card_update)
        app.router.add_post("/v1.0/card/instances/createAndDeliver", self._card_deliver)
        app.router.add_put("/v1.0/card/instances", self._card_update)
        app.router.add_post("/robot/send", self._robot_send)
        app.router.add_post("/media/upload", self._media_upload)
        app.router.add_post("/robot/sendBySession", self._session_send)
        return app

    # -- helpers ----------------------------------------------------------------------------

    def _count(self, api: str, dest: str) -> int:
        since = self.clock.now() - self.window
        return sum(1 for r in self.received if r.api == api and r.dest == dest and r.at > since)

    @staticmethod
    def _error(status: int, code: str, message: str) -> web.Response:
        return web.json_response({"code": code, "message": message,
                                  "requestid": "fake-request"}, status=status)

    def _auth(self, request: web.Request) -> web.Response | None:
        token = request.headers.get("x-acs-dingtalk-access-token", "")
        expires = self._tokens.get(token)
        if expires is None or self.clock.now() >= expires:
            return self._error(401, "InvalidAuthentication", "不合法的access_token")
        return None

    @staticmethod
    async def _json(request: web.Request) -> dict:
        try:
            body = await request.json()
        except ValueError:
            return {}
        return body if isinstance(body, dict) else {}

    def _check_robot(self, body: dict) -> web.Response | None:
        if body.get("robotCode") != self.robot_code:
            return self._error(400, "resource.not.found", "robot 不存在")
        return self._check_media(body)

    def _check_media(self, body: dict) -> web.Response | None:
        """Image and file messages must name media this server issued (or, for images, a URL)."""
        key = body.get("msgKey")
        if key not in ("sampleImageMsg", "sampleFile"):
            return None
        try:
            param = json.loads(body.get("msgParam") or "{}")
        except ValueError:
            return self._error(400, "param.invalid", "msgParam 不是 JSON")
        if key == "sampleImageMsg":
            photo = str(param.get("photoURL", ""))
            issued = self.media.get(photo, ("",))[0] == "image"
            if issued or photo.startswith(("http://", "https://")):
                return None
            return self._error(400, "param.invalid", "photoURL 不合法")
        if param.get("mediaId") not in self.media or not param.get("fileName") \
                or not param.get("fileType"):
            return self._error(400, "param.invalid", "mediaId、fileName、fileType 不合法")
        return None

    # -- OpenAPI ----------------------------------------------------------------------------

    async def _access_token(self, request: web.Request) -> web.Response:
        self.token_calls += 1
        body = await self._json(request)
        if body.get("appKey") != self.app_key or body.get("appSecret") != self.app_secret:
            return self._error(400, "invalidClientIdOrSecret", "无效的clientId或者clientSecret")
        token = f"dt-token-{next(self._ids)}"
        self._tokens[token] = self.clock.now() + timedelta(seconds=self.token_ttl)
        return web.json_response({"accessToken": token, "expireIn": self.token_ttl})

    async def _group_send(self, request: web.Request) -> web.Response:
        refused = self._auth(request)
        body = await self._json(request)
        refused = refused or self._check_robot(body)
        if refused:
            return refused
        if body.get("msgKey") not in ("sampleText", "sampleMarkdown", "sampleActionCard",
                                      "sampleActionCard2", "sampleActionCard3",
                                      "sampleActionCard4", "sampleActionCard5",
                                      "sampleActionCard6", "sampleImageMsg", "sampleFile"):
            return self._error(400, "param.invalid", "msgKey 不合法")
        json.loads(body.get("msgParam") or "{}")
        dest = str(body.get("openConversationId", ""))
        item = Received("groupMessages", dest, body, self.clock.now())
        if self._count("groupMessages", dest) >= self.limit:
            self.rejected.append(item)
            return self._error(429, "Throttling", "send too fast")
        self.received.append(item)
        return web.json_response({"processQueryKey": f"pqk{next(self._ids)}"})

    async def _oto_send(self, request: web.Request) -> web.Response:
        refused = self._auth(request)
        body = await self._json(request)
        refused = refused or self._check_robot(body)
        if refused:
            return refused
        controlled = []
        for user in body.get("userIds") or []:
            item = Received("oToMessages", str(user), body, self.clock.now())
            if self._count("oToMessages", str(user)) >= self.limit:
                self.rejected.append(item)
                controlled.append(user)
            else:
                self.received.append(item)
        return web.json_response({"processQueryKey": f"pqk{next(self._ids)}",
                                  "invalidStaffIdList": [],
                                  "flowControlledStaffIdList": controlled})

    async def _card_send(self, request: web.Request) -> web.Response:
        refused = self._auth(request)
        body = await self._json(request)
        refused = refused or self._check_robot(body)
        if refused:
            return refused
        track = body.get("outTrackId")
        if not track or track in self.cards or not body.get("callbackRouteKey"):
            return self._error(400, "param.invalid", "outTrackId 重复或缺少 callbackRouteKey")
        card = json.loads(body["cardData"]["cardParamMap"]["sys_full_json_obj"])
        if not card.get("header") or not isinstance(card.get("contents"), list):
            return self._error(400, "param.invalid", "卡片内容不合法")
        if body.get("conversationType") == 1:
            api, dest = "groupMessages", str(body.get("openConversationId", ""))
        else:
            api, dest = "oToMessages", str((body.get("receiverUserIdList") or [""])[0])
        item = Received(api, dest, body, self.clock.now())
        if self._count(api, dest) >= self.limit:
            self.rejected.append(item)
            return self._error(429, "Throttling", "send too fast")
        self.cards[track] = body
        self.received.append(item)
        return web.json_response({"processQueryKey": f"pqk{next(self._ids)}"})

    async def _card_deliver(self, request: web.Request) -> web.Response:
        """The card-instance API: the one whose cards call back over the stream."""
        refused = self._auth(request)
        body = await self._json(request)
        if refused:
            return refused
        track = body.get("outTrackId")
        if not track or track in self.cards:
            return self._error(400, "param.outTrackIdEmpty", "outTrackId 为空或重复")
        if body.get("callbackType") not in ("STREAM", "HTTP") or (
                body["callbackType"] == "HTTP" and not body.get("callbackRouteKey")):
            return self._error(400, "param.invalid", "callbackType 不合法")
        space = str(body.get("openSpaceId", ""))
        kind, _, dest = space.removeprefix("dtv1.card//").partition(".")
        deliver = {"IM_GROUP": ("groupMessages", "imGroupOpenDeliverModel"),
                   "IM_ROBOT": ("oToMessages", "imRobotOpenDeliverModel")}.get(kind)
        if deliver is None or not dest:
            return self._error(400, "param.openSpaceModelInvalid", "openSpaceId 不合法")
        api, model = deliver
        if (body.get(model) or {}).get("robotCode") != self.robot_code:
            return self._error(400, "chatbotNotFound", "不存在的机器人")
        card = json.loads(body["cardData"]["cardParamMap"]["sys_full_json_obj"])
        if not card.get("header") or not isinstance(card.get("contents"), list):
            return self._error(400, "param.invalid", "卡片内容不合法")
        item = Received(api, dest, body, self.clock.now())
        if self._count(api, dest) >= self.limit:
            self.rejected.append(item)
            return self._error(429, "Throttling", "send too fast")
        self.cards[track] = body
        self.received.append(item)
        return web.json_response({"success": True, "result": {"outTrackId": track, "deliverResults": [
            {"spaceType": kind, "spaceId": dest, "success": True}]}})

    async def _card_update(self, request: web.Request) -> web.Response:
        refused = self._auth(request)
        if refused:
            return refused
        body = await self._json(request)
        track = body.get("outTrackId")
        if track not in self.cards:
            return self._error(400, "param.invalid", "outTrackId 不存在")
        data = (body.get("cardData") or {}).get("cardParamMap") or {}
        try:
            card = json.loads(data.get("sys_full_json_obj") or "")
        except ValueError:
            card = None
        if not isinstance(card, dict) or not card.get("header"):
            return self._error(400, "param.invalid", "卡片内容不合法")
        # What every member of the conversation now sees.
        self.cards[track] = {**self.cards[track], "cardData": body["cardData"]}
        self.card_updates.append(body)
        self.card_update_paths.append(request.path)
        return web.json_response({"success": True})

    def card(self, track: str) -> dict:
        """The card of `track` as DingTalk shows it now: its StandardCard JSON."""
        return json.loads(self.cards[track]["cardData"]["cardParamMap"]["sys_full_json_obj"])

    # -- legacy media upload (oapi) -----------------------------------------------------------

    async def _media_upload(self, request: web.Request) -> web.Response:
        expires = self._tokens.get(request.query.get("access_token", ""))
        if expires is None:
            return self._robot_answer(40014, "不合法的access_token")
        if self.clock.now() >= expires:
            return self._robot_answer(42001, "access_token超时")
        kind = request.query.get("type", "")
        if kind not in ("image", "voice", "video", "file"):
            return self._robot_answer(40004, "不合法的媒体文件类型")
        found: tuple[str, bytes] | None = None
        async for part in await request.multipart():
            if getattr(part, "name", None) == "media":
                found = (part.filename or "", await part.read())  # type: ignore[union-attr]
        if not found or not found[1] or not found[0]:
            return self._robot_answer(41005, "缺少多媒体文件数据")
        media_id = f"@lAfake{next(self._ids)}"
        self.media[media_id] = (kind, found[0], found[1])
        return web.json_response({"errcode": 0, "errmsg": "ok", "type": kind,
                                  "media_id": media_id, "created_at": 1700000000000})

    # -- custom robots and session webhooks ---------------------------------------------------

    @staticmethod
    def _robot_answer(errcode: int = 0, errmsg: str = "ok") -> web.Response:
        return web.json_response({"errcode": errcode, "errmsg": errmsg})

    def _signed(self, request: web.Request, secret: str) -> bool:
        timestamp = request.query.get("timestamp", "")
        sign = request.query.get("sign", "")
        if not timestamp.isdigit():
            return False
        at = datetime.fromtimestamp(int(timestamp) / 1000, tz=self.clock.now().tzinfo)
        if abs(self.clock.now() - at) > self.sign_window:
            return False
        digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(),
                          hashlib.sha256).digest()
        return hmac.compare_digest(base64.b64encode(digest).decode(), sign)

    async def _robot_send(self, request: web.Request) -> web.Response:
        token = request.query.get("access_token", "")
        if token not in self._webhooks:
            return self._robot_answer(300001, "token is not exist")
        secret = self._webhooks[token]
        if secret and not self._signed(request, secret):
            return self._robot_answer(310000, "sign not match")
        body = await self._json(request)
        if body.get("msgtype") not in ("text", "markdown", "link", "actionCard", "feedCard"):
            return self._robot_answer(400102, "msgtype invalid")
        now = self.clock.now()
        item = Received("robot/send", token, body, now)
        if self._blocked.get(token, now) > now:
            self.rejected.append(item)
            return self._robot_answer(130101, "send too fast, exceed 20 times per minute")
        if self._count("robot/send", token) >= self.limit:
            self._blocked[token] = now + self.block
            self.rejected.append(item)
            return self._robot_answer(130101, "send too fast, exceed 20 times per minute")
        self.received.append(item)
        return self._robot_answer()

    async def _session_send(self, request: web.Request) -> web.Response:
        session = request.query.get("session", "")
        expires = self._sessions.get(session)
        if expires is None or self.clock.now() >= expires:
            return self._robot_answer(300001, "session is not exist or expired")
        body = await self._json(request)
        if body.get("msgtype") not in ("text", "markdown", "actionCard"):
            return self._robot_answer(400102, "msgtype invalid")
        self.received.append(Received("sendBySession", session, body, self.clock.now()))
        return self._robot_answer()
