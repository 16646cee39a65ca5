"""What both platform senders need from HTTP: JSON calls whose network failures mean "retry",
and the bytes of a file to upload."""
from __future__ import annotations

import asyncio
import json
import mimetypes
from pathlib import Path
from typing import Any

import aiohttp

from notifiers.senders.base import SendFailed, SendRetry

TIMEOUT = aiohttp.ClientTimeout(total=15)
# A network failure or a 5xx is worth another try soon; the relay's backoff grows from here.
NETWORK_RETRY_S = 5.0


def rebase(url: str, official: str, configured: str) -> str:
    """Point a platform-issued URL (webhook, session, response_url) at the configured host.

    Platforms hand out absolute URLs on their public host; a private deployment or a test fake
    serves the same paths elsewhere, so the configured base replaces the official one.
    """
    official = official.rstrip("/")
    configured = configured.rstrip("/")
    if configured != official and url.startswith(official + "/"):
        return configured + url[len(official):]
    return url


async def call(session: aiohttp.ClientSession, method: str, url: str, *,
               params: dict[str, Any] | None = None, json_body: Any = None,
               data: Any = None, headers: dict[str, str] | None = None) -> tuple[int, dict]:
    """One HTTP call answered with JSON; (status, body). Network trouble raises SendRetry."""
    try:
        async with session.request(method, url, params=params, json=json_body, data=data,
                                   headers=headers, timeout=TIMEOUT) as resp:
            raw = await resp.read()
            status = resp.status
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        raise SendRetry(f"network: {exc!r}", retry_after=NETWORK_RETRY_S) from exc
    if status >= 500:
        raise SendRetry(f"HTTP {status}", retry_after=NETWORK_RETRY_S)
    try:
        body = json.loads(raw) if raw else {}
    except ValueError:
        body = {"_raw": raw[:200].decode("utf-8", "replace")}
    if not isinstance(body, dict):
        body = {"_raw": body}
    return status, body


async def read_file(path: str) -> bytes:
    """The bytes of an image or file to send; a missing file will not appear by retrying."""
    try:
        return await asyncio.to_thread(Path(path).read_bytes)
    except OSError as exc:
        raise SendFailed(f"cannot read {path}: {exc}") from exc


def media_form(name: str, data: bytes) -> aiohttp.FormData:
    """The multipart body both platforms' media uploads take: one field "media". The name goes
    as raw UTF-8, as browsers send it, not aiohttp's percent-encoding, which a platform would
    show as "%E7%99%BB..."."""
    form = aiohttp.FormData(quote_fields=False)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    form.add_field("media", data, filename=name, content_type=content_type)
    return form
