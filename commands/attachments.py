"""Pictures and files with tickets: /附件, and the middleware that keeps what comes with a command."""
from __future__ import annotations

import re

from bot.dispatcher import OK, CommandContext, Next, find_actor
from bot.errors import Forbidden, UserError
from bot.routing import Answer, Router
from bot.services.attachments import store
from bot.services.requests import papers
from bot.services.tickets import lifecycle
from commands import texts
from commands.args import Obj

router = Router("tickets")
_TICKET_REF = re.compile(r"[#＃]?[Tt](\d{1,9})")


@router.command("附件", aliases=("attach",), args=(Obj("ref", "TRM"),), example="/附件 T12")
async def attach(ctx: CommandContext, ref: str) -> str:
    """接下来几分钟内你发来的图片或文件附到这张工单上；建单时与命令一起发送的图片会直接附上。
    写 R编号 或 M编号：附上客户盖章申请的扫描件或照片（收到前申请不能审核同意）。"""
    if ref.startswith("T"):
        return await store.wait_for(ctx.env, ctx.msg, await lifecycle.get_ticket(int(ref[1:])))
    ctx.scan_for = ref
    return await papers.wait_for_scan(ctx.env, ctx.me, ctx.msg, await papers.find(ref))


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


async def _named_request(ctx: CommandContext) -> papers.Request | None:
    """The request a picture sent with the command is the scan of (`/改需 …`, `/附件 R5`)."""
    return await papers.find(ctx.scan_for) if ctx.scan_for else None


async def keep_attachments(ctx: CommandContext, nxt: Next) -> None:
    """Answer what cannot be taken; download what can before the command, keep it after."""
    msg, env = ctx.msg, ctx.env
    if msg.unsupported:
        raise UserError(store.unsupported(msg.unsupported))
    if not msg.attachments:
        await nxt(ctx)
        return
    if not msg.text.strip():
        actor = await find_actor(msg)
        if actor is None:
            raise Forbidden(texts.UNKNOWN_SENDER.format(userid=msg.sender_id))
        target = await store.waiting_ticket(env, msg)
        request = await papers.waiting_request(env, msg) if target is None else None
        if target is None and request is None:
            raise UserError(store.no_target(env, msg))
        saved = await store.download(env, msg)
        if request is not None:
            note = await papers.attach_scan(env, actor, request, saved, msg)
        elif target is not None:
            note = await store.attach(env, saved, target, msg)
        ctx.answer, ctx.outcome = Answer(note), OK
        return
    saved = await store.download(env, msg)
    try:
        await nxt(ctx)
    except BaseException:
        store.discard(env, saved)
        raise
    target = _named_ticket(ctx) if ctx.outcome == OK else None
    request = await _named_request(ctx) if ctx.outcome == OK and target is None else None
    if ctx.answer is None or (target is None and request is None):
        store.discard(env, saved)
        return
    if request is not None:
        note = await papers.attach_scan(env, ctx.me, request, saved, msg)
    elif target is not None:
        note = await store.attach(env, saved, target, msg)
    ctx.answer = Answer(f"{ctx.answer.text}\n{note}")
