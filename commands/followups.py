"""Follow-up visit commands: /回访 /回访分派 /回访办结 /待回访."""
from __future__ import annotations

from bot.dispatcher import CommandContext
from bot.routing import Router
from bot.services.followups import calls
from commands import texts
from commands.args import Arg, Obj, Person, Rest
from storage.models import Staff
from storage.models.people import Role

router = Router("followups")
VISIT = Obj("number", "V")


def _score(name: str, keys: tuple[str, ...]) -> Arg:
    # The service checks the scores, so that all three missing are asked for in one answer.
    return Arg(name, keys[0], keys=keys, default=None, hint="1-5", lenient=True, max_len=12)


@router.command("回访", aliases=("visit",), roles=(Role.SUPERVISOR,), args=(
    Obj("ref", "VTD", missing=texts.FU_MISSING),
    _score("timeliness", ("及时", "timeliness")), _score("skill", ("技能", "skill")),
    _score("attitude", ("态度", "attitude")),
    Arg("doubt", "疑问", keys=("疑问", "doubt"), required=False, default="", hint="…"),
    Arg("leftover", "遗留", keys=("遗留", "leftover"), required=False, default="", hint="…"),
    Rest("remarks", "意见", required=False, default="")),
                example="/回访 V8 及时=5 技能=4 态度=5 疑问=年结后报表取数不对 工程师很耐心")
async def visit(ctx: CommandContext, ref: str, timeliness: str | None, skill: str | None,
                attitude: str | None, doubt: str, leftover: str, remarks: str) -> str:
    """记录回访：响应及时性、服务技能、服务态度各 1-5 分和客户意见。

    每个工作日早上监督群会收到上一个工作日完成的服务清单（V 编号）；也可以直接写工单 T 或派工 D。
    客户的疑问（疑问=）或以前没解决的问题（遗留=）转服务经理，经理须在 {clock.followup_assign}内指派人处理。
    """
    scores = calls.Scores(
        timeliness=calls.parse_score(texts.FU_TIMELINESS, timeliness),
        skill=calls.parse_score(texts.FU_SKILL, skill),
        attitude=calls.parse_score(texts.FU_ATTITUDE, attitude))
    done = await calls.record_visit(ctx.env, ctx.me, ref, scores, remarks=remarks,
                                        doubt=doubt, leftover=leftover)
    f = done.followup
    issue = texts.FU_ISSUE_SENT.format(due=calls.texts_time(ctx.env, done.issue_due)) \
        if done.issue_due else ""
    return texts.FU_VISIT_DONE.format(no=f.number, t=f.timeliness, s=f.skill, a=f.attitude,
                                      mean=f"{scores.mean:.2f}", issue=issue)


@router.command("回访分派", aliases=("vassign",), roles=(Role.MANAGER,), args=(
    VISIT, Person("person", "处理人")), example="/回访分派 V8 李娜")
async def assign(ctx: CommandContext, number: int, person: Staff) -> str:
    """指派人员处理回访发现的客户疑问或遗留问题（被指派人收到通知）。"""
    f = await calls.assign_issue(ctx.env, ctx.me, number, person)
    return texts.FU_ASSIGN_DONE.format(no=f.number, who=person.name)


@router.command("回访办结", aliases=("vclose",), args=(
    VISIT, Rest("result", "处理结果", default="", lenient=True)),
                example="/回访办结 V8 已远程演示年结取数设置，客户确认正常")
async def close(ctx: CommandContext, number: int, result: str) -> str:
    """被指派人（或经理、监督员）记录回访问题的处理结果并办结。"""
    f = await calls.close_issue(ctx.env, ctx.me, number, result)
    return texts.FU_CLOSE_DONE.format(no=f.number)


@router.command("待回访", aliases=("visits",), roles=(Role.SUPERVISOR, Role.MANAGER),
                example="/待回访")
async def due(ctx: CommandContext) -> str:
    """已完成、尚未回访的服务（包括今天刚完成、还没列入回访单的），以及待指派、待办结的回访问题。"""
    pending = await calls.pending(ctx.env)
    recent = await calls.not_yet_listed(ctx.env)
    issues = await calls.open_issues(ctx.env)
    if not pending and not recent and not issues:
        return texts.FU_NOTHING_DUE
    lines = []
    if pending:
        lines.append(texts.FU_DUE_HEAD.format(n=len(pending)))
        lines += [await calls.line(ctx.env, f) for f in pending]
    if recent:
        lines.append(texts.FU_DUE_RECENT_HEAD.format(n=len(recent)))
        lines += [await calls.service_line(ctx.env, s) for s in recent]
    if issues:
        lines.append(texts.FU_ISSUES_HEAD.format(n=len(issues)))
        lines += [await calls.issue_line(ctx.env, f) for f in issues]
    return "\n".join(lines)
