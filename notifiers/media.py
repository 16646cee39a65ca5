"""Downloading the pictures and files people send, through each platform's API.

- WeCom self-built app (image, file): GET {api_base}/cgi-bin/media/get?access_token=&media_id=;
  the body is the file, or a JSON error (token errors refetch once).
- WeCom intelligent robot (image, and the images of a "mixed" message): the callback carries a
  URL whose content is AES-256-CBC encrypted with the robot's EncodingAESKey (IV: the key's
  first 16 bytes, PKCS#7 padding to 32 bytes), as WeCom documents for robot media; over the long
  connection the same scheme under the message's own `aeskey`.
- DingTalk robot (picture, file, the pictures of richText): POST {api_base}/v1.0/robot/
  messageFiles/download {downloadCode, robotCode} answers {downloadUrl}, which is then fetched.
The platform senders' token caches are reused, so a download costs no extra token fetch.
"""
from __future__ import annotations

import base64
import json
import re
from typing import Any

import aiohttp

from bot import messages
from bot.errors import MediaError
from notifiers.senders.base import SendFailed, SendRetry
from notifiers.senders.dingtalk import DingTalkSender
from notifiers.senders.http import TIMEOUT, call
from notifiers.senders.wecom import WeComSender

TOKEN_INVALID = {40014, 42001, 40001}
_FILENAME = re.compile(r'filename\*?=(?:UTF-8\'\')?"?([^";]+)"?', re.I)


class MediaFetcher:
    def __init__(self, settings: Any, session: aiohttp.ClientSession,
                 wecom: WeComSender | None, dingtalk: DingTalkSender | None) -> None:
        self._settings = settings
        self._session = session
        self._wecom, self._dingtalk = wecom, dingtalk
        self._max = settings.files.max_bytes

    async def fetch(self, platform: str, att: messages.Attachment) -> tuple[bytes, str, str]:
        """(bytes, content type, file name) of one attachment; MediaError when it cannot be had."""
        try:
            if platform == messages.WECOM_APP and self._wecom is not None:
                return await self._wecom_media(att)
            if platform == messages.WECOM_BOT:
                key = str(att.extra.get("aeskey") or self._settings.wecom.bot.encoding_aes_key)
                if not key:
                    raise MediaError("robot media without a key to decrypt it")
                data, ctype, name = await self._get(att.ref)
                return _robot_decrypt(key, data), ctype, name
            if platform == messages.DINGTALK and self._dingtalk is not None:
                return await self._dingtalk_file(att)
        except (SendRetry, SendFailed) as exc:
            raise MediaError(str(exc)) from exc
        raise MediaError(f"no media API for {platform}")

    async def _get(self, url: str, params: dict[str, str] | None = None) -> tuple[bytes, str, str]:
        try:
            async with self._session.get(url, params=params, timeout=TIMEOUT) as resp:
                if resp.status != 200:
                    raise MediaError(f"HTTP {resp.status}")
                if (resp.content_length or 0) > self._max:
                    raise MediaError(f"over {self._max} bytes")
                data = await resp.content.read(self._max + 1)
                if len(data) > self._max:
                    raise MediaError(f"over {self._max} bytes")
                found = _FILENAME.search(resp.headers.get("Content-Disposition", ""))
                return data, resp.content_type, found.group(1) if found else ""
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise MediaError(f"network: {exc!r}") from exc

    async def _wecom_media(self, att: messages.Attachment) -> tuple[bytes, str, str]:
        assert self._wecom is not None
        base = self._settings.wecom.api_base.rstrip("/")
        for _ in range(2):
            token = await self._wecom.tokens.get()
            data, ctype, name = await self._get(f"{base}/cgi-bin/media/get",
                                                {"access_token": token, "media_id": att.ref})
            if ctype not in ("application/json", "text/plain"):
                return data, ctype, name or att.name
            code = _json_errcode(data)
            if code not in TOKEN_INVALID:
                raise MediaError(f"media/get: errcode {code}")
            self._wecom.tokens.invalidate(token)
        raise MediaError("media/get: token refused twice")

    async def _dingtalk_file(self, att: messages.Attachment) -> tuple[bytes, str, str]:
        assert self._dingtalk is not None
        base = self._settings.dingtalk.api_base.rstrip("/")
        robot = att.extra.get("robot_code") or self._settings.dingtalk.robot_code
        token = await self._dingtalk.tokens.get()
        await self._dingtalk.count_call()
        status, body = await call(self._session, "POST",
                                  f"{base}/v1.0/robot/messageFiles/download",
                                  json_body={"downloadCode": att.ref, "robotCode": robot},
                                  headers={"x-acs-dingtalk-access-token": token})
        url = body.get("downloadUrl")
        if status != 200 or not isinstance(url, str):
            raise MediaError(f"messageFiles/download: HTTP {status} {body.get('code', '')}")
        data, ctype, name = await self._get(url)
        return data, ctype, att.name or name


def _json_errcode(data: bytes) -> int:
    try:
        return int(json.loads(data).get("errcode", -1))
    except (ValueError, AttributeError, TypeError):
        return -1


def _robot_decrypt(encoding_aes_key: str, data: bytes) -> bytes:
    """Robot media: AES-256-CBC under the robot's EncodingAESKey (43 characters), or under the
    per-message `aeskey` the long connection gives (base64, with or without its padding)."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    try:
        key = base64.b64decode(encoding_aes_key + "=" * (-len(encoding_aes_key) % 4))
        if len(key) != 32:
            raise ValueError(f"{len(key)} bytes")
    except ValueError as exc:
        raise MediaError(f"robot media key unusable: {exc}") from exc
    if not data or len(data) % 16:
        raise MediaError("robot media is not AES blocks")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    plain = decryptor.update(data) + decryptor.finalize()
    pad = plain[-1]
    if not 1 <= pad <= 32:
        raise MediaError("robot media has bad padding")
    return plain[:-pad]


def build(settings: Any, session: aiohttp.ClientSession, senders: dict[str, Any],
          clock: Any, quota: Any = None) -> MediaFetcher:
    """A fetcher sharing the platform senders' token caches when they are the real ones."""
    wecom = next((s for s in senders.values() if isinstance(s, WeComSender)), None)
    dingtalk = next((s for s in senders.values() if isinstance(s, DingTalkSender)), None)
    if wecom is None and settings.wecom.enabled:
        wecom = WeComSender(settings, session, clock=clock)
    if dingtalk is None and settings.dingtalk.enabled:
        dingtalk = DingTalkSender(settings, session, clock=clock, quota=quota)
    return MediaFetcher(settings, session, wecom, dingtalk)
