"""Pictures and files with tickets: /附件, and the middleware that keeps what comes with a command."""
from __future__ import annotations

import re

from bot.dispatcher import OK, CommandContext, Next, find_actor
from bot.errors import Forbidden, UserError
from bot.routing import Answer, Router
from bot.services.attachments import store
from bot.services.tickets import lifecycle
from commands import texts
from commands.args import Obj

router = Router("tickets")
_TICKET_REF = re.compile(r"[#＃]?[Tt](\d{1,9})")


@router.command("附件", aliases=("attach",), args=(Obj("number", "T"),), example="/附件 T12")
async def attach(ctx: CommandContext, number: int) -> str:
    """接下来几分钟内你发来的图片或文件附到这张工单上；建单时与命令一起发送的图片会直接附上。"""
    ticket = await lifecycle.get_ticket(number)
    return await store.wait_for(ctx.env, ctx.msg, ticket)


def _named_ticket(ctx: CommandContext) -> int | None:
    """The ticket a command is about: the one it created, else the T number it was given."""
    if ctx.subject is not None:
        return ctx.subject
    cmd = ctx.command
    if cmd is None or not any("T" in getattr(p, "letters", "") for p in cmd.params):
        return None
    for token in ctx.args.positionals:
        m = _TICKET_REF.fullmatch(token.text.strip())
        if m:
            return int(m.group(1))
    return None


async def keep_attachments(ctx: CommandContext, nxt: Next) -> None:
    """Answer what cannot be taken; download what can before the command, keep it after."""
    msg, env = ctx.msg, ctx.env
    if msg.unsupported:
        raise UserError(store.unsupported(msg.unsupported))
    if not msg.attachments:
        await nxt(ctx)
        return
    if not msg.text.strip():
        if await find_actor(msg) is None:
            raise Forbidden(texts.UNKNOWN_SENDER.format(userid=msg.sender_id))
        target = await store.waiting_ticket(env, msg)
        if target is None:
            raise UserError(store.no_target(env, msg))
        saved = await store.download(env, msg)
        ctx.answer, ctx.outcome = Answer(await store.attach(env, saved, target, msg)), OK
        return
    saved = await store.download(env, msg)
    try:
        await nxt(ctx)
    except BaseException:
        store.discard(env, saved)
        raise
    target = _named_ticket(ctx) if ctx.outcome == OK else None
    if target is None or ctx.answer is None:
        store.discard(env, saved)
        return
    note = await store.attach(env, saved, target, msg)
    ctx.answer = Answer(f"{ctx.answer.text}\n{note}")
