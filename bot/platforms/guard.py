"""What every inbound door checks before the core sees a request, and what it does with the rest.

A request is judged in three steps, and each step has one answer:
- not provably the platform's, or not fresh (no or a wrong signature, a timestamp outside the
  window, a body too big to be one): 4xx, nothing stored (the door's own `refuse`);
- signed, but not something we can understand (not JSON or XML, too deep, a field of the wrong
  type, an identifier with control characters or too long): `reject` stores a RejectedInbound
  row, logs one line and the door answers as the platform expects of a success, so the
  platform does not retry it for ever; nothing else changes and nothing is sent;
- understood: `deliver` cleans the text and hands the message to the pipeline.

Helpers here never raise anything but `Malformed` or `TooLarge` on any input, so a door built on
them cannot answer 5xx because of what a request carries.
"""
from __future__ import annotations

import dataclasses
import hmac
import logging
import math
import re
from datetime import timezone
from typing import Any

from aiohttp import web

from bot import keys
from bot.messages import CardAction, InboundMessage, Reply

log = logging.getLogger("deskbot.edge")

MAX_CALLBACK_BYTES = 256 * 1024  # a platform callback is a few KB; this is generous
MAX_DEPTH = 32  # no platform body nests deeper than a handful of levels
MAX_TEXT_CHARS = 8000
MAX_ID_CHARS = 255  # the width of inbound_event.dedupe_key
MAX_USER_CHARS = 64  # the width of staff.userid and audit_log.actor
MAX_CHAT_CHARS = 128  # the width of chat.chat_key and audit_log.chat
MAX_ADDRESS_CHARS = 512  # the width of outbox.address
EXCERPT_CHARS = 1000
# Unix seconds a platform may claim for a message: 2001-09-09 .. 2286-11-20.
_SANE_UNIX = (1e9, 1e10)

# C0 and C1 controls, DEL and lone surrogates: PostgreSQL refuses NUL in text and asyncpg cannot
# encode a surrogate, so none of them may reach the database. Tabs and newlines are text.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_ID_BAD = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")
_DIGITS = re.compile(r"[0-9]{1,13}")


class Malformed(Exception):
    """Signed, but not a message we can understand: stored as rejected, answered as a success."""


class TooLarge(Exception):
    """The body is bigger than any genuine callback."""


def same_bytes(expected: str, given: str) -> bool:
    """Constant-time equality that cannot raise: `given` may hold any character at all."""
    return hmac.compare_digest(expected.encode("utf-8", "replace"),
                               given.encode("utf-8", "replace"))


def ascii_int(value: str) -> int | None:
    """A timestamp as platforms write it (ASCII digits only); None for anything else. int()
    alone would take "²"-like digits of other scripts, and a 400-digit number overflows the
    float comparison with the clock."""
    return int(value) if isinstance(value, str) and _DIGITS.fullmatch(value) else None


async def read_body(request: web.Request, limit: int = MAX_CALLBACK_BYTES) -> bytes:
    """The raw body, refused past `limit` without reading the rest."""
    if request.content_length is not None and request.content_length > limit:
        raise TooLarge(f"Content-Length {request.content_length} > {limit}")
    body = bytearray()
    while chunk := await request.content.read(65536):
        body += chunk
        if len(body) > limit:
            raise TooLarge(f"body over {limit} bytes")
    return bytes(body)


def json_depth(raw: bytes) -> int:
    """How deep the brackets of a JSON text nest, counted without parsing it (strings removed
    first), so a 30,000-deep body is turned away before json.loads recurses into it."""
    depth = deepest = 0
    for m in _BRACKETS.finditer(_JSON_STRING.sub(b'""', raw)):
        if m.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def load_json(raw: bytes | str, max_depth: int = MAX_DEPTH) -> Any:
    """json.loads behind a depth check; raises Malformed, never RecursionError."""
    import json

    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    if json_depth(data) > max_depth:
        raise Malformed(f"JSON nested deeper than {max_depth}")
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise Malformed(f"not JSON: {type(exc).__name__}") from None


def unix_seconds(value: Any, *, per_second: int = 1) -> float | None:
    """A platform's timestamp (a number, or digits) as unix seconds, if it is a sane one."""
    if isinstance(value, str):
        value = ascii_int(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, int) and abs(value) > 10 ** 18:  # json.loads takes any length
        return None
    seconds = value / per_second
    if not math.isfinite(seconds) or not _SANE_UNIX[0] <= seconds <= _SANE_UNIX[1]:
        return None
    return float(seconds)


def clean_text(text: str) -> str:
    """Message text with control characters and lone surrogates removed."""
    return _CONTROLS.sub("", text)


def obj(data: dict[str, Any], name: str) -> dict[str, Any]:
    """A field that must be an object when present ({} when absent); Malformed otherwise."""
    value = data.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Malformed(f"{name} is not an object")
    return value


def string(data: dict[str, Any], name: str) -> str:
    """A field that must be a string when present ("" when absent); Malformed otherwise (a
    nested XML element, which xmltodict turns into a dict, included)."""
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Malformed(f"{name} is not a string")
    return value


def has_controls(value: str) -> bool:
    return _ID_BAD.search(value) is not None


def _ident(name: str, value: str, limit: int) -> str:
    if len(value) > limit:
        raise Malformed(f"{name} longer than {limit}")
    if _ID_BAD.search(value):
        raise Malformed(f"{name} holds control characters")
    return value


def _extra(extra: dict[str, Any]) -> dict[str, Any]:
    return {k: _ident(f"reply.{k}", v, MAX_ADDRESS_CHARS) if isinstance(v, str) else v
            for k, v in extra.items()}


def clean_message(msg: InboundMessage) -> InboundMessage:
    """The message with clean text, or Malformed when an identifier cannot be stored as is.

    Identifiers are refused rather than repaired: a changed user id or dedupe key would be
    another person or another message."""
    text = clean_text(msg.text)
    if len(text) > MAX_TEXT_CHARS:
        raise Malformed(f"text longer than {MAX_TEXT_CHARS}")
    reply, action = msg.reply, msg.action
    if reply is not None:
        reply = Reply(channel=reply.channel,
                      address=_ident("reply.address", reply.address, MAX_ADDRESS_CHARS),
                      expires_at=reply.expires_at, extra=_extra(reply.extra))
    if action is not None:
        action = CardAction(key=_ident("action.key", action.key, MAX_ID_CHARS),
                            task_id=_ident("action.task_id", action.task_id, MAX_ID_CHARS),
                            response_code=_ident("action.response_code", action.response_code,
                                                 MAX_ADDRESS_CHARS))
    attachments = tuple(dataclasses.replace(
        a, ref=_ident("attachment.ref", a.ref, MAX_ADDRESS_CHARS), name=clean_text(a.name)[:200],
        extra=_extra(a.extra)) for a in msg.attachments)
    return dataclasses.replace(
        msg, text=text, reply=reply, action=action, attachments=attachments,
        unsupported=_ident("unsupported", msg.unsupported, MAX_ID_CHARS),
        dedupe_key=_ident("dedupe_key", msg.dedupe_key, MAX_ID_CHARS),
        sender_id=_ident("sender", msg.sender_id, MAX_USER_CHARS),
        chat_id=_ident("chat_id", msg.chat_id, MAX_CHAT_CHARS),
        mentions=tuple(_ident("mention", m, MAX_USER_CHARS) for m in msg.mentions))


def excerpt(data: bytes | str) -> str:
    """A bounded, storable look at what was received: controls and surrogates escaped."""
    if isinstance(data, bytes):
        data = data[:EXCERPT_CHARS * 4].decode("utf-8", "backslashreplace")
    data = data[:EXCERPT_CHARS]
    return _CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", data)


async def reject(request: web.Request, platform: str, reason: str, received: bytes | str) -> None:
    """Keep a signed request we could not understand, for the operator to look at."""
    await reject_in(request.app, request.get(keys.REQUEST_ID, ""), platform, reason, received)


async def reject_in(app: web.Application, rid: str, platform: str, reason: str,
                    received: bytes | str) -> None:
    """`reject` for what arrives without an HTTP request (a long connection's frame)."""
    from storage.models import RejectedInbound

    log.warning("rejected signed %s request %s: %s", platform, rid, reason)
    metrics = app.get(keys.METRICS)
    if metrics is not None:
        metrics.inbound.labels(platform, "rejected").inc()
    await RejectedInbound.create(
        platform=platform, request_id=rid[:64], reason=excerpt(reason)[:255],
        received_at=app[keys.CLOCK].now().astimezone(timezone.utc),
        excerpt=excerpt(received))


async def deliver(request: web.Request, msg: InboundMessage | None, received: bytes | str) -> None:
    """Clean `msg` and hand it to the pipeline, or store the request as rejected."""
    await deliver_in(request.app, request.get(keys.REQUEST_ID, ""), msg, received)


async def deliver_in(app: web.Application, rid: str, msg: InboundMessage | None,
                     received: bytes | str) -> bool:
    """`deliver` for what arrives without an HTTP request; True when the message was new."""
    if msg is None:
        return False
    try:
        msg = clean_message(msg)
    except Malformed as why:
        await reject_in(app, rid, msg.platform, str(why), received)
        return False
    fresh = await app[keys.PIPELINE].accept(msg)
    metrics = app.get(keys.METRICS)
    if metrics is not None:
        metrics.inbound_result(msg.platform, fresh)
    return fresh
