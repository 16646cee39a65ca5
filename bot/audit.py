"""The audit log: who ran what, from which chat, and how it ended. Every command leaves a row."""
from __future__ import annotations

from typing import TYPE_CHECKING

from storage.models import AuditLog

if TYPE_CHECKING:
    from bot.dispatcher import CommandContext
    from bot.runtime import Runtime


async def record(env: "Runtime", ctx: "CommandContext") -> None:
    if ctx.outcome == "ignored":
        return
    msg = ctx.msg
    text = msg.text if msg.action is None else f"[按钮] {msg.action.key}"
    await AuditLog.create(
        at=env.now(), actor=msg.sender_id, platform=msg.platform, chat=msg.chat_id,
        command=ctx.command.name if ctx.command else "", text=text[:2000], outcome=ctx.outcome,
        detail=(ctx.detail or (ctx.answer.text if ctx.answer else ""))[:2000],
    )


async def record_read(env: "Runtime", actor: str, what: str) -> None:
    """A read of personal data in full (a customer's phone numbers) is audited too."""
    await AuditLog.create(at=env.now(), actor=actor, platform="", command="read", text=what,
                          outcome="ok")
