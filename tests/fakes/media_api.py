"""The platforms' download endpoints, added to the fake WeCom and DingTalk servers.

- WeCom `GET /cgi-bin/media/get?access_token=&media_id=`: the file with Content-Type and
  Content-Disposition, or a JSON errcode (40007 unknown media_id, token errors as elsewhere).
- WeCom intelligent robot media: `GET /aibot-media/<id>`, the bytes AES-256-CBC encrypted with
  the robot's EncodingAESKey (IV the key's first 16 bytes, PKCS#7 to 32), as WeCom serves them.
- DingTalk `POST /v1.0/robot/messageFiles/download {downloadCode, robotCode}` answers
  {downloadUrl}; `GET /dingtalk-files/<code>` is that URL.
"""
from __future__ import annotations

import base64
from typing import Any

from aiohttp import web
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from tests.fakes.dingtalk_api import FakeDingTalk
from tests.fakes.wecom_api import FakeWeCom

Stored = tuple[str, str, bytes]  # content type, file name, bytes


def _file(stored: Stored) -> web.Response:
    ctype, name, data = stored
    return web.Response(body=data, content_type=ctype,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})


class FakeWeComMedia(FakeWeCom):
    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.downloads: dict[str, Stored] = {}
        self.robot_media: dict[str, bytes] = {}
        self.base = ""

    def add_download(self, media_id: str, data: bytes, name: str = "a.png",
                     ctype: str = "image/png") -> None:
        self.downloads[media_id] = (ctype, name, data)

    def add_robot_image(self, key: str, encoding_aes_key: str, data: bytes) -> str:
        """Store an image as WeCom serves robot media; the URL a callback carries for it."""
        aes = base64.b64decode(encoding_aes_key + "=")
        pad = 32 - len(data) % 32
        enc = Cipher(algorithms.AES(aes), modes.CBC(aes[:16])).encryptor()
        self.robot_media[key] = enc.update(data + bytes([pad]) * pad) + enc.finalize()
        return f"{self.base}/aibot-media/{key}"

    def app(self) -> web.Application:
        app = super().app()
        app.router.add_get("/cgi-bin/media/get", self._media_get)
        app.router.add_get("/aibot-media/{key}", self._robot_get)
        return app

    async def _media_get(self, request: web.Request) -> web.Response:
        self.calls.append("media/get")
        code = self._auth(request)
        if code:
            return web.json_response({"errcode": code, "errmsg": "token"})
        stored = self.downloads.get(request.query.get("media_id", ""))
        if stored is None:
            return web.json_response({"errcode": 40007, "errmsg": "invalid media_id"})
        return _file(stored)

    async def _robot_get(self, request: web.Request) -> web.Response:
        data = self.robot_media.get(request.match_info["key"])
        if data is None:
            raise web.HTTPNotFound()
        return web.Response(body=data, content_type="application/octet-stream")


class FakeDingTalkMedia(FakeDingTalk):
    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.downloads: dict[str, Stored] = {}
        self.download_calls = 0
        self.base = ""

    def add_download(self, code: str, data: bytes, name: str = "a.png",
                     ctype: str = "image/png") -> None:
        self.downloads[code] = (ctype, name, data)

    def app(self) -> web.Application:
        app = super().app()
        app.router.add_post("/v1.0/robot/messageFiles/download", self._download)
        app.router.add_get("/dingtalk-files/{code}", self._file)
        return app

    async def _download(self, request: web.Request) -> web.Response:
        refused = self._auth(request)
        if refused is not None:
            return refused
        body = await self._json(request)
        refused = self._check_robot(body)
        if refused is not None:
            return refused
        self.download_calls += 1
        code = str(body.get("downloadCode", ""))
        if code not in self.downloads:
            return self._error(400, "invalidParameter.downloadCode", "downloadCode 无效")
        return web.json_response({"downloadUrl": f"{self.base}/dingtalk-files/{code}"})

    async def _file(self, request: web.Request) -> web.Response:
        stored = self.downloads.get(request.match_info["code"])
        if stored is None:
            raise web.HTTPNotFound()
        return _file(stored)
