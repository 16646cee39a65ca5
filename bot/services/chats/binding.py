"""Binding chats to purposes without SQL: the rows `/绑定`, `/解绑`, `/群` and `deskbot chats` use.

A chat is registered the first time the bot hears from it, unbound: pushes address purposes, so
an unbound chat receives nothing it did not ask for. Each change of binding leaves an audit row
naming the old and the new state, whether it came from chat or from the command line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot import messages
from bot.errors import UserError
from bot.services.addressing import chat_target
from bot.services.chats import texts
from storage.models import AuditLog, Chat
from storage.models.people import Purpose

if TYPE_CHECKING:
    from bot.runtime import Runtime

CLEAR_WORDS = frozenset({"无", "清除", "none", "-"})
_WECOM_KEY = re.compile(r"[A-Za-z0-9-]{8,128}")
_DINGTALK_TOKEN = re.compile(r"[A-Za-z0-9]{16,128}")
_MAX_ADDRESS = 512
WECOM_PLATFORMS = (messages.WECOM_BOT, messages.WECOM_APP)


@dataclass(frozen=True)
class Push:
    """A push route given by hand; an empty channel clears the chat's own."""

    channel: str
    address: str
    secret: str = ""


@dataclass(frozen=True)
class Unbound:
    old_purpose: str
    last_hotline: bool


# The way back a message came with -> how pushes reach its chat without any webhook: a group
# that talks to the WeCom robot over its long connection can be pushed to over it.
_PUSH_BY_REPLY = {messages.CH_WECOM_WS_REPLY: messages.CH_WECOM_WS_SEND}


async def register(platform: str, chat_key: str, via: str = "") -> Chat:
    """The chat's row, created unbound when the bot hears from a group for the first time.

    `via` is the reply channel of the message heard: where it implies a push route and the chat
    has none of its own (never set, or a webhook cleared with 推送=无), that route is recorded."""
    chat = await Chat.filter(platform=platform, chat_key=chat_key).first()
    if chat is None:
        chat, _ = await Chat.get_or_create(platform=platform, chat_key=chat_key)
    push = _PUSH_BY_REPLY.get(via)
    if push and not chat.push_channel:
        chat.push_channel, chat.push_address = push, chat_key
        await chat.save(update_fields=["push_channel", "push_address"])
    return chat


def parse_purpose(word: str) -> str:
    word = word.strip()
    if word.lower() in {p.value for p in Purpose}:
        return word.lower()
    purpose = texts.PURPOSE_WORDS.get(word)
    if purpose is None:
        raise UserError(texts.UNKNOWN_PURPOSE.format(word=word[:20]))
    return purpose


def parse_push(platform: str, value: str, secret: str = "") -> Push:
    """The robot webhook a chat's pushes go through: a WeCom group robot key or URL, a DingTalk
    custom robot URL or access token (with its signing secret)."""
    value = value.strip()
    if value.lower() in CLEAR_WORDS:
        return Push("", "")
    if platform == messages.LOCAL:
        raise UserError(texts.PUSH_NOT_HERE)
    is_url = value.startswith(("https://", "http://")) and " " not in value
    if len(value) > _MAX_ADDRESS:
        raise UserError(texts.BAD_PUSH)
    if platform == messages.DINGTALK:
        if not (is_url or _DINGTALK_TOKEN.fullmatch(value)):
            raise UserError(texts.BAD_PUSH)
        return Push(messages.CH_DINGTALK_WEBHOOK, value, secret.strip())
    if not (is_url or _WECOM_KEY.fullmatch(value)):
        raise UserError(texts.BAD_PUSH)
    return Push(messages.CH_WECOM_WEBHOOK, value)


def purpose_name(purpose: str | None) -> str:
    return texts.PURPOSE_NAMES.get(purpose or "", purpose or texts.NOT_BOUND)


def describe_route(chat: Chat) -> str:
    target = chat_target(chat)
    if target is None:
        if not chat.purpose:
            return texts.ROUTE_NONE_UNBOUND
        return texts.ROUTE_NONE.format(purpose=texts.PURPOSE_NAMES[chat.purpose].removesuffix("群"))
    channel, address = target
    return texts.ROUTE.format(channel=texts.CHANNEL_NAMES.get(channel, channel),
                              address=_masked(address))


def _masked(address: str) -> str:
    # A webhook key lets anyone post into the group: show enough to recognise it, not to use it.
    if address.startswith(("https://", "http://")) or len(address) < 24 or "-" not in address:
        return re.sub(r"(key|access_token)=([^&]{6})[^&]*", r"\1=\2…", address)
    return address[:6] + "…"


def describe(chat: Chat) -> str:
    return texts.CHAT_INFO.format(
        platform=texts.PLATFORM_NAMES.get(chat.platform, chat.platform), chat=chat.chat_key,
        purpose=purpose_name(chat.purpose), route=describe_route(chat))


async def find(platform: str, chat_key: str) -> Chat:
    chat = await Chat.filter(platform=platform, chat_key=chat_key).first()
    if chat is None:
        raise UserError(texts.NO_SUCH_CHAT.format(platform=platform, chat=chat_key[:64]))
    return chat


async def bind(env: "Runtime", actor: str, platform: str, chat_key: str, purpose: str,
               push: Push | None = None) -> Chat:
    chat = await register(platform, chat_key)
    chat.purpose = purpose
    fields = ["purpose"]
    if push is not None:
        chat.push_channel, chat.push_address, chat.push_secret = (
            push.channel, push.address, push.secret)
        fields += ["push_channel", "push_address", "push_secret"]
    await chat.save(update_fields=fields)
    await _audit(env, actor, chat, texts.AUDIT_BIND.format(
        platform=platform, chat=chat_key, purpose=purpose, route=describe_route(chat)))
    return chat


async def unbind(env: "Runtime", actor: str, platform: str, chat_key: str) -> Unbound | None:
    """None when the chat had no purpose; else what it was and whether it was the last hotline."""
    chat = await Chat.filter(platform=platform, chat_key=chat_key).first()
    if chat is None or not chat.purpose:
        return None
    old = chat.purpose
    chat.purpose = None
    await chat.save(update_fields=["purpose"])
    await _audit(env, actor, chat, texts.AUDIT_UNBIND.format(
        platform=platform, chat=chat_key, purpose=old))
    last = old == Purpose.HOTLINE and not await Chat.filter(purpose=Purpose.HOTLINE).exists()
    return Unbound(old, last)


async def listing() -> list[str]:
    chats = await Chat.all().order_by("id")
    return [texts.CHAT_ROW.format(
        id=c.id, platform=c.platform, chat=c.chat_key, purpose=c.purpose or "-",
        route=describe_route(c), name=c.name) for c in chats]


async def _audit(env: "Runtime", actor: str, chat: Chat, detail: str) -> None:
    await AuditLog.create(at=env.now(), actor=actor, platform=chat.platform, chat=chat.chat_key,
                          command="chat.bind", text="", outcome="ok", detail=detail)
