"""Answers to inbound messages leave through the outbox like every other message."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bot import texts
from bot.messages import CH_WECOM_CARD_UPDATE, TEXT, OutboundMessage
from bot.services.outbox import enqueue, notify_staff
from storage.models import Staff

if TYPE_CHECKING:
    from bot.dispatcher import CommandContext
    from bot.runtime import Runtime


async def answer(env: "Runtime", ctx: "CommandContext", event_id: int) -> None:
    msg = ctx.msg
    now = env.now()
    if ctx.answer is not None and ctx.answer.text and msg.reply is not None:
        extra = {"expires_at": msg.reply.expires_at, **msg.reply.extra} if msg.reply.expires_at \
            else dict(msg.reply.extra)
        extra.setdefault("fallback_user", msg.sender_id)
        out = OutboundMessage(channel=msg.reply.channel, address=msg.reply.address, kind=TEXT,
                              text=ctx.answer.text, extra=extra)
        await enqueue(out, f"reply:{event_id}", now=now)
    action = msg.action
    if action is not None and action.response_code and ctx.answer and ctx.answer.card_note:
        update = OutboundMessage(channel=CH_WECOM_CARD_UPDATE, address=action.response_code,
                                 text=ctx.answer.card_note, task_id=action.task_id,
                                 extra={"userid": msg.sender_id})
        await enqueue(update, f"card:{event_id}", now=now)
    if ctx.outcome == "error":
        for admin in await Staff.filter(userid__in=env.settings.center.admins):
            note = texts.ADMIN_COMMAND_FAILED.format(
                who=msg.sender_id, text=msg.text[:80], ref=ctx.ref, error=ctx.detail[:300])
            await notify_staff(env, admin, note, f"error:{event_id}:{admin.userid}")
