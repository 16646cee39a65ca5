"""Where a person or a purpose is reached: the one place that maps staff and chats to channels."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot import messages
from storage.cache import LookupCache
from storage.models import Chat, Staff

if TYPE_CHECKING:
    from bot.settings import Settings

# The channel a chat's own platform pushes through when the chat names none.
_DEFAULT_PUSH = {
    messages.LOCAL: messages.CH_LOCAL,
    messages.DINGTALK: messages.CH_DINGTALK_GROUP,
    messages.WECOM_APP: messages.CH_WECOM_APPCHAT,
}


def staff_platform(settings: "Settings") -> str:
    if settings.wecom.enabled:
        return messages.CH_WECOM_APP
    if settings.dingtalk.enabled:
        return messages.CH_DINGTALK_USER
    if settings.wecom.bot.enabled and settings.wecom.bot.mode == "long_connection":
        # No app to message people with: the robot reaches each privately, once they have
        # messaged it (its chat with a person is addressed by their userid).
        return messages.CH_WECOM_WS_SEND
    return messages.CH_LOCAL


def staff_target(settings: "Settings", staff: Staff) -> tuple[str, str]:
    channel = staff_platform(settings)
    if channel in (messages.CH_WECOM_APP, messages.CH_WECOM_WS_SEND):
        return channel, staff.userid
    if channel == messages.CH_DINGTALK_USER:
        return channel, staff.dingtalk_id or staff.userid
    return channel, f"user:{staff.userid}"


def chat_target(chat: Chat) -> tuple[str, str] | None:
    if chat.push_channel:
        return chat.push_channel, chat.push_address or chat.chat_key
    channel = _DEFAULT_PUSH.get(chat.platform)
    if channel is None:
        return None  # e.g. a WeCom robot group with no webhook configured: nowhere to push
    address = f"chat:{chat.chat_key}" if channel == messages.CH_LOCAL else chat.chat_key
    return channel, address


async def purpose_targets(purpose: str, conn: Any = None,
                          cache: LookupCache | None = None) -> list[tuple[str, str]]:
    async def load() -> list[tuple[str, str]]:
        chats = await Chat.filter(purpose=purpose).using_db(conn).order_by("id")
        return [t for t in (chat_target(c) for c in chats) if t is not None]
    # Bindings change rarely and every notice asks for them: cached when the caller has a cache.
    return await (cache.get(("purpose", purpose), load) if cache is not None else load())
