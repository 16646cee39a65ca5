"""/帮助: what this person may use here, by area, or one command's usage, example and rules.

Help texts quote rule numbers (clock targets, penalty amounts, report targets) that are
configuration. The docstrings name them as fields (`{clock.ticket_consult}`,
`{penalty.meeting_late}`, `{report.satisfaction_target}`) filled from the live settings each time
help is shown, so changing deskbot.toml changes what help says.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable

from bot.dispatcher import CommandContext, role_names
from bot.durations import format_duration, humanize
from bot.messages import GROUP, PRIVATE
from bot.routing import GROUP_ONLY, PRIVATE_ONLY, Command, Router
from bot.services.penalties.rules import rule_amount_text
from commands import texts
from commands.args import Arg

if TYPE_CHECKING:
    from bot.runtime import Runtime
    from storage.models import Staff

router = Router("help")


# -- the live numbers: one small accessor per rule table ------------------------------------------

def clock_text(env: "Runtime", clock: str) -> str:
    """A clock's target as people say it: "3 小时", "1 个工作日"."""
    return format_duration(env.settings.clocks.get(clock).target)


def penalty_text(env: "Runtime", rule: str) -> str:
    """A penalty rule's amount ("2 元", "警告（0）或 20-50 元"), or the appeal window."""
    rules = env.settings.penalties
    if rule == "appeal_within":
        return humanize(rules.appeal_within)
    r = rules.rules[rule]
    return rule_amount_text(r) if r.enabled and rules.enabled else texts.HELP_RULE_OFF


def report_text(env: "Runtime", key: str) -> str:
    """A target of [reports]: fractions as percentages, scores as numbers."""
    value = getattr(env.settings.reports, key)
    return f"{value:.0%}" if key.endswith("_target") else f"{value:g}"


class _Live:
    """`{clock.ticket_consult}` in a docstring: attribute access reads the settings."""

    def __init__(self, env: "Runtime", read: Callable[["Runtime", str], str]) -> None:
        self._env, self._read = env, read

    def __getattr__(self, name: str) -> str:
        return self._read(self._env, name)


def render_doc(env: "Runtime", cmd: Command) -> str:
    # Docstring lines are wrapped for the source: Chinese joins them without spaces, except after
    # the end of a sentence or an item, where the chat keeps the line break.
    lines = "\n".join(line.strip() for line in cmd.doc.splitlines())
    text = re.sub(r"\n+", "\n", re.sub(r"(?<![。；：])\n(?!\n)", "", lines))
    return text.format_map({"clock": _Live(env, clock_text), "penalty": _Live(env, penalty_text),
                            "report": _Live(env, report_text)})


# -- who may use what, where ----------------------------------------------------------------------

def usable(cmd: Command, me: "Staff", chat_type: str) -> bool:
    if cmd.roles is not None and not me.has_role(*cmd.roles):
        return False
    if cmd.where == PRIVATE_ONLY and chat_type != PRIVATE:
        return False
    return not (cmd.where == GROUP_ONLY and chat_type != GROUP)


def overview(ctx: CommandContext) -> str:
    lines = [texts.HELP_HEADER]
    area = None
    for cmd in ctx.dispatcher.commands:
        if not usable(cmd, ctx.me, ctx.msg.chat_type):
            continue
        if cmd.area != area:
            area = cmd.area
            lines.append(texts.HELP_AREA.format(area=texts.AREA_NAMES.get(area, area)))
        summary = render_doc(ctx.env, cmd).splitlines()[0] if cmd.doc else ""
        fmt = texts.HELP_LINE if cmd.aliases else texts.HELP_LINE_NO_ALIAS
        lines.append(fmt.format(name=cmd.name, alias=cmd.aliases[0] if cmd.aliases else "",
                                summary=summary))
    return "\n".join(lines)


def one_command(ctx: CommandContext, cmd: Command) -> str:
    aliases = texts.HELP_ALIASES.format(aliases="、".join(f"/{a}" for a in cmd.aliases)) \
        if cmd.aliases else ""
    roles = role_names(sorted(cmd.roles)) if cmd.roles is not None else texts.HELP_ALL_ROLES
    where = texts.HELP_WHERE.get(cmd.where, "")
    return texts.HELP_ONE.format(name=cmd.name, aliases=aliases, doc=render_doc(ctx.env, cmd),
                                 usage=cmd.usage, example=cmd.example, roles=roles + where)


@router.command("帮助", aliases=("help",), args=(Arg("name", "命令", required=False, max_len=32),),
                example="/帮助 建单")
async def help_command(ctx: CommandContext, name: str | None) -> str:
    """列出你在这里可以使用的命令（按业务分组），或查看某个命令的用法、例子和现行规则。"""
    if not name:
        return overview(ctx)
    dispatcher = ctx.dispatcher
    cmd = dispatcher.find(name.lstrip("/"))
    if cmd is None:
        close = dispatcher.suggest(name.lstrip("/"))
        hint = texts.DID_YOU_MEAN.format(names="、".join(f"/{n}" for n in close)) \
            if close else texts.SEE_HELP
        return texts.UNKNOWN_COMMAND.format(name=name) + "\n" + hint
    return one_command(ctx, cmd)
