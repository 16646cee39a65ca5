"""WeCom's callback envelope, shared by the self-built app (XML) and the intelligent robot (JSON).

Both doors use the same scheme (企业微信 "回调和回复的加解密方案"): the query carries
msg_signature = sha1(sorted(token, timestamp, nonce, encrypt)), and `encrypt` is AES-256-CBC of
random(16) + len(4) + message + receive id, where the receive id is the corp id for an app and the
empty string for an intelligent robot. wechatpy's WeChatCrypto does the AES and the receive-id
check; this module adds what wechatpy leaves out: a constant-time signature comparison of bytes
(it cannot raise, whatever characters the query holds), done on `encrypt` as it stands in the raw
body before the body is parsed or anything decrypted, and a timestamp window against replays,
read from the app's clock. A signed plaintext the door cannot understand is stored as rejected
and answered 200 (bot/platforms/guard.py), so WeCom does not retry it for ever.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web
from wechatpy.enterprise.crypto import WeChatCrypto
from wechatpy.enterprise.exceptions import InvalidCorpIdException
from wechatpy.exceptions import InvalidSignatureException

from bot import keys
from bot.clock import Clock
from bot.errors import ConfigError
from bot.platforms import guard, texts

log = logging.getLogger("deskbot.wecom")


class Refused(Exception):
    """The request is not provably WeCom's, or not fresh: answer 403 and change nothing."""


def aes_key_problem(key: str) -> str | None:
    """Why an EncodingAESKey cannot work, or None. wechatpy decodes it leniently (dropping
    characters outside base64) and then asserts on the length, which tells a deployer nothing."""
    if len(key) != 43:
        return texts.BAD_AES_KEY
    try:
        decoded = base64.b64decode(key + "=", validate=True)
    except (binascii.Error, ValueError):
        return texts.BAD_AES_KEY_CHARS
    return None if len(decoded) == 32 else texts.BAD_AES_KEY_CHARS


def signature(token: str, timestamp: str, nonce: str, encrypt: str) -> str:
    parts = sorted([token, timestamp, nonce, encrypt])
    return hashlib.sha1("".join(parts).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SignedQuery:
    msg_signature: str
    timestamp: str
    nonce: str


class Envelope:
    """Verify and open WeCom callbacks for one token/key/receive id."""

    def __init__(self, token: str, encoding_aes_key: str, receive_id: str, window_s: int) -> None:
        self.token = token
        self.receive_id = receive_id
        self.window_s = window_s
        problem = aes_key_problem(encoding_aes_key)
        if problem:
            raise ConfigError(problem)
        self.crypto = WeChatCrypto(token, encoding_aes_key, receive_id)

    def signed_query(self, request: web.Request, clock: Clock) -> SignedQuery:
        """The three signing parameters, after the timestamp window; raises Refused."""
        q = request.query
        sig, ts, nonce = q.get("msg_signature", ""), q.get("timestamp", ""), q.get("nonce", "")
        if not (sig and ts and nonce):
            raise Refused("missing msg_signature, timestamp or nonce")
        sent = guard.ascii_int(ts)
        if sent is None:
            raise Refused(f"timestamp is not a number: {ts[:20]!r}")
        skew = abs(clock.now().timestamp() - sent)
        if skew > self.window_s:
            raise Refused(f"timestamp {sent} is {skew:.0f}s away from now")
        return SignedQuery(sig, ts, nonce)

    def _check(self, sq: SignedQuery, encrypt: str) -> None:
        expected = signature(self.token, sq.timestamp, sq.nonce, encrypt)
        if not guard.same_bytes(expected, sq.msg_signature):
            raise Refused("bad msg_signature")

    def open(self, sq: SignedQuery, encrypt: str) -> str:
        """The plaintext of `encrypt`, once the signature and the receive id are proven."""
        if not encrypt:
            raise Refused("empty encrypt")
        self._check(sq, encrypt)
        try:
            return self.crypto.decrypt_message({"Encrypt": encrypt}, sq.msg_signature,
                                               sq.timestamp, sq.nonce)
        except InvalidCorpIdException:
            raise Refused("receive id (corp id) does not match") from None
        except InvalidSignatureException:
            raise Refused("bad msg_signature") from None
        except Exception as exc:  # noqa: BLE001 - garbage ciphertext fails in many ways
            raise Refused(f"cannot decrypt: {type(exc).__name__}") from None

    def open_echo(self, sq: SignedQuery, echostr: str) -> str:
        """URL verification: the decrypted echostr that WeCom expects back as the body."""
        if not echostr:
            raise Refused("empty echostr")
        self._check(sq, echostr)
        try:
            return self.crypto.check_signature(sq.msg_signature, sq.timestamp, sq.nonce, echostr)
        except InvalidCorpIdException:
            raise Refused("receive id (corp id) does not match") from None
        except InvalidSignatureException:
            raise Refused("bad msg_signature") from None
        except Exception as exc:  # noqa: BLE001
            raise Refused(f"cannot decrypt echostr: {type(exc).__name__}") from None


# `encrypt` is base64; JSON writers may escape its slashes.
_B64 = rb"([A-Za-z0-9+/=\\]+)"


def encrypt_in(body: bytes, pattern: re.Pattern[bytes]) -> str:
    """The `encrypt` value as it stands in the raw body, found without parsing the body, so
    nothing a forger writes around it is parsed before the signature has been checked."""
    m = pattern.search(body)
    if m is None:
        raise Refused("no encrypt in body")
    return m.group(1).replace(b"\\/", b"/").decode("ascii")


XML_ENCRYPT = re.compile(rb"<Encrypt>\s*(?:<!\[CDATA\[)?" + _B64 + rb"(?:\]\]>)?\s*</Encrypt>")
JSON_ENCRYPT = re.compile(rb'"encrypt"\s*:\s*"' + _B64 + rb'"')


def refuse(request: web.Request, why: Refused | str) -> web.Response:
    # The reason goes to the log only: a forger learns nothing from the answer.
    log.warning("refused %s %s from %s: %s", request.method, request.path, request.remote, why)
    return web.Response(status=403, text="forbidden")


def add_routes(app: web.Application, path: str, platform: str, envelope: Envelope,
               encrypt_of: Callable[[bytes], str],
               handle: Callable[[web.Request, str], Awaitable[None]]) -> None:
    """One callback door: GET answers the URL verification with the decrypted echostr; POST
    takes `encrypt` out of the body with `encrypt_of` (raising Refused when it is not there),
    opens it and hands the plaintext to `handle`. Anything not provably WeCom's and fresh gets
    403 (413 past the size cap); `handle` raising guard.Malformed stores the plaintext as
    rejected; the rest an empty 200 (no passive reply), sent only once `handle` has returned, so an
    event is stored before WeCom stops retrying it."""

    async def verify_url(request: web.Request) -> web.Response:
        try:
            sq = envelope.signed_query(request, request.app[keys.CLOCK])
            echo = envelope.open_echo(sq, request.query.get("echostr", ""))
        except Refused as why:
            return refuse(request, why)
        return web.Response(text=echo)

    async def receive(request: web.Request) -> web.Response:
        body, plain = b"", ""
        try:
            sq = envelope.signed_query(request, request.app[keys.CLOCK])
            body = await guard.read_body(request)
            plain = envelope.open(sq, encrypt_of(body))
            await handle(request, plain)
        except guard.TooLarge as why:
            refuse(request, str(why))
            return web.Response(status=413, text="too large")
        except Refused as why:
            return refuse(request, why)
        except guard.Malformed as why:
            await guard.reject(request, platform, str(why), plain or body)
        return web.Response(text="")

    app.router.add_get(path, verify_url)
    app.router.add_post(path, receive)
