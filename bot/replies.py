"""Answers to inbound messages leave through the outbox like every other message."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot import failures, texts
from bot.messages import TEXT, InboundMessage, OutboundMessage
from bot.services.cards import refresh as cards
from bot.services.outbox import enqueue

if TYPE_CHECKING:
    from bot.dispatcher import CommandContext
    from bot.runtime import Runtime


async def tell_sender(env: "Runtime", msg: InboundMessage, text: str, key: str, *,
                      conn: Any = None) -> bool:
    """Answer the message where it came from (False: it has no way back, or `key` was used)."""
    if msg.reply is None or not text:
        return False
    extra = {"expires_at": msg.reply.expires_at, **msg.reply.extra} if msg.reply.expires_at \
        else dict(msg.reply.extra)
    extra.setdefault("fallback_user", msg.sender_id)
    out = OutboundMessage(channel=msg.reply.channel, address=msg.reply.address, kind=TEXT,
                          text=text, extra=extra)
    return await enqueue(out, key, now=env.now(), conn=conn)


async def answer(env: "Runtime", ctx: "CommandContext", event_id: int) -> None:
    msg = ctx.msg
    if ctx.answer is not None:
        await tell_sender(env, msg, ctx.answer.text, f"reply:{event_id}")
    if msg.action is not None:
        await cards.after_click(env, msg)
    if ctx.outcome == "error":
        # The one error path: logged with the reference, the admins told (rate-limited).
        command = ctx.command.name if ctx.command else ""
        kind = f"command:{command}:{type(ctx.error).__name__ if ctx.error else ''}"
        note = texts.ADMIN_COMMAND_FAILED.format(
            who=msg.sender_id, text=msg.text[:80], ref=ctx.ref, error=ctx.detail[:300])
        await failures.report(env, kind, note, ctx.error or ctx.detail, ctx.ref)
