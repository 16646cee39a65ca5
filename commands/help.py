"""/帮助: what this person may use, or one command's usage and example."""
from __future__ import annotations

from bot.dispatcher import CommandContext, role_names
from bot.routing import Router
from commands import texts

router = Router("help")


@router.command("帮助", aliases=("help",), usage="/帮助 [命令]", example="/帮助 建单")
async def help_command(ctx: CommandContext) -> str:
    """列出你可以使用的命令，或查看某个命令的用法。"""
    dispatcher, me = ctx.dispatcher, ctx.me
    name = ctx.args.get(0)
    if name:
        cmd = dispatcher.find(name.lstrip("/"))
        if cmd is None:
            close = dispatcher.suggest(name.lstrip("/"))
            hint = texts.DID_YOU_MEAN.format(names="、".join(f"/{n}" for n in close)) \
                if close else texts.SEE_HELP
            return texts.UNKNOWN_COMMAND.format(name=name) + "\n" + hint
        aliases = texts.HELP_ALIASES.format(aliases="、".join(f"/{a}" for a in cmd.aliases)) \
            if cmd.aliases else ""
        roles = role_names(sorted(cmd.roles)) if cmd.roles is not None else texts.HELP_ALL_ROLES
        return texts.HELP_ONE.format(name=cmd.name, aliases=aliases, doc=cmd.doc,
                                     usage=cmd.usage, example=cmd.example, roles=roles)
    lines = [texts.HELP_HEADER]
    for cmd in dispatcher.commands:
        if cmd.roles is not None and not me.has_role(*cmd.roles):
            continue
        fmt = texts.HELP_LINE if cmd.aliases else texts.HELP_LINE_NO_ALIAS
        lines.append(fmt.format(name=cmd.name, alias=cmd.aliases[0] if cmd.aliases else "",
                                summary=cmd.summary))
    return "\n".join(lines)
