"""Chat binding commands: /绑定 /解绑 /群, and the middleware that registers every group heard."""
from __future__ import annotations

from bot.dispatcher import CommandContext, Next
from bot.messages import GROUP
from bot.routing import GROUP_ONLY, Router
from bot.services.chats import binding, texts
from commands.args import Arg
from storage.models.people import Role

router = Router("chats")
BINDERS = (Role.ADMIN, Role.MANAGER)


def _purpose(ctx: CommandContext, raw: str) -> str:
    return binding.parse_purpose(raw)


@router.command("绑定", aliases=("bind",), roles=BINDERS, where=GROUP_ONLY, args=(
    Arg("purpose", "用途", parse=_purpose, max_len=32),
    Arg("push", "推送", keys=("推送", "push"), required=False, default=None, hint="Webhook"),
    Arg("secret", "密钥", keys=("密钥", "secret"), required=False, default="", max_len=128)),
                example="/绑定 热线 推送=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa")
async def bind(ctx: CommandContext, purpose: str, push: str | None, secret: str) -> str:
    """把本群绑定为某种用途的群：热线、服务经理、质量监督、总部、部门负责人；通知按用途推送到群。

    推送= 设置主动推送用的群机器人 Webhook（企业微信群机器人地址或 key；钉钉自定义机器人地址，
    加签时再写 密钥=）；写“推送=无”清除。钉钉群不写推送时由机器人 OpenAPI 推送；
    企业微信智能机器人走长连接时，群里跟机器人说过话即可由长连接推送，不必写推送。
    """
    msg = ctx.msg
    route = binding.parse_push(msg.platform, push, secret) if push is not None else None
    chat = await binding.bind(ctx.env, msg.sender_id, msg.platform, msg.chat_id, purpose, route)
    return texts.BOUND.format(purpose=binding.purpose_name(purpose),
                              route=binding.describe_route(chat))


@router.command("解绑", aliases=("unbind",), roles=BINDERS, where=GROUP_ONLY)
async def unbind(ctx: CommandContext) -> str:
    """解除本群的用途绑定，之后不再向本群推送通知。"""
    msg = ctx.msg
    done = await binding.unbind(ctx.env, msg.sender_id, msg.platform, msg.chat_id)
    if done is None:
        return texts.UNBOUND_NOTHING
    lines = [texts.UNBOUND.format(purpose=binding.purpose_name(done.old_purpose))]
    if done.last_hotline:
        lines.append(texts.LAST_HOTLINE)
    return "\n".join(lines)


@router.command("群", aliases=("chat",), where=GROUP_ONLY)
async def show(ctx: CommandContext) -> str:
    """查看本群的平台、群 id、绑定用途和主动推送的方式。"""
    chat = await binding.register(ctx.msg.platform, ctx.msg.chat_id)
    return binding.describe(chat)


async def register_chats(ctx: CommandContext, nxt: Next) -> None:
    """Every group the bot hears from gets its row, so it can be listed and bound later."""
    msg = ctx.msg
    if msg.chat_type == GROUP and msg.chat_id:
        await binding.register(msg.platform, msg.chat_id, msg.reply.channel if msg.reply else "")
    await nxt(ctx)
