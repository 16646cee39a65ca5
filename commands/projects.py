"""Implementation project commands: /项目申请 /项目分配 /项目计划 /项目 /日志 /阶段完成 /暂停 /恢复
/终止 /项目审批 /验收 /交表 /项目归档."""
from __future__ import annotations

from datetime import date
from typing import Any

from bot.dispatcher import CommandContext
from bot.routing import Router
from bot.services.deadlines import clocks
from bot.services.directory.lookup import find_staff
from bot.services.projects import acceptance, approvals, lifecycle, logs, texts, views
from bot.services.projects.acceptance import missing_forms
from commands.args import Arg, Choice, Obj, Person, Rest, column_limit
from commands.parsing import object_number
from storage.models import Customer, Project, ProjectStage, Staff
from storage.models.people import Role
from storage.models.projects import PAUSE, STAGE_DONE, TERMINATE

router = Router("projects")
IMPL = (Role.IMPL_MANAGER,)
CONSULTANT = (Role.CONSULTANT,)
PROJECT = Obj("number", "P")
NOTE = Rest("note", "说明", required=False, default="")


def _day(ctx: CommandContext, raw: str) -> date:
    return lifecycle.parse_day(ctx.env, raw)


def _words(choices: dict[Any, tuple[str, ...]]) -> dict[str, Any]:
    return {w: value for value, words in choices.items() for w in words}


@router.command("项目申请", aliases=("project",), roles=IMPL, args=(
    Arg("customer", "客户", max_len=column_limit(Customer, "name")),
    Arg("title", "项目名称", max_len=column_limit(Project, "title")),
    Rest("content", "内容", required=False, default=""),
    Obj("visit", "S", keys=("首访", "visit"), required=False, hint="S编号")),
                example="/项目申请 华东制造 财务软件实施 总账、报表、固定资产上线 首访=S3")
async def apply(ctx: CommandContext, customer: str, title: str, content: str,
                visit: int | None) -> str:
    """实施经理申请实施项目，生成项目编号 P；可注明来自哪次首访的需求（首访=S3），也可直接申请。"""
    p = await lifecycle.apply(ctx.env, ctx.me, customer, title, content, first_visit=visit)
    return texts.APPLIED_DONE.format(no=p.number, customer=p.customer.name, title=p.title,
                                     visit=f"（{texts.FROM_VISIT.format(no=f'S{visit}')}）"
                                     if visit else "")


@router.command("项目分配", aliases=("passign",), roles=IMPL, args=(
    PROJECT, Person("manager", "项目经理", keys=("经理", "pm"), hint="项目经理"),
    Arg("members", "顾问", keys=("顾问", "consultants"), hint="顾问,顾问",
        missing=texts.NEED_CONSULTANTS)),
                example="/项目分配 P1 经理=周航 顾问=吴敏,郑凯")
async def assign(ctx: CommandContext, number: int, manager: Staff, members: str) -> str:
    """实施经理为项目指定项目经理和实施顾问，项目进入实施；顾问自下一个工作日起每天确认实施日志。"""
    names = [n for n in members.replace("，", ",").replace("、", ",").split(",") if n.strip()]
    people = [await find_staff(n, ctx.msg.mentions) for n in names]
    p = await lifecycle.assign(ctx.env, ctx.me, number, manager, people)
    return texts.ASSIGNED_DONE.format(no=p.number, pm=manager.name,
                                      who="、".join(s.name for s in people))


@router.command("项目计划", aliases=("plan",), roles=(Role.PROJECT_MANAGER, Role.IMPL_MANAGER),
                args=(PROJECT,
                      Rest("name", "阶段名称", flag=("training", texts.TRAINING_WORDS),
                           max_len=column_limit(ProjectStage, "name")),
                      Arg("start", "开始日期", keys=("开始", "start"), parse=_day, hint="日期"),
                      Arg("end", "结束日期", keys=("结束", "end"), parse=_day, hint="日期"),
                      Arg("deliverable", "阶段成果", keys=("成果", "deliverable"),
                          max_len=column_limit(ProjectStage, "deliverable"))),
                example="/项目计划 P1 需求调研 开始=11-24 结束=11-25 成果=调研报告")
async def plan(ctx: CommandContext, number: int, name: str, training: bool, start: date,
               end: date, deliverable: str) -> str:
    """项目经理在计划中加入一个阶段（名称、计划起止日期、阶段成果）；末尾写“培训”表示培训阶段，
    可关联培训计划 L。阶段在计划结束日下班时到期，逾期提醒项目经理。"""
    env = ctx.env
    p, s = await lifecycle.add_stage(env, ctx.me, number, name, start, end, deliverable,
                                     training=training)
    return texts.PLANNED_DONE.format(
        no=p.number, seq=s.seq, name=s.name, start=s.planned_start.strftime("%m-%d"),
        end=s.planned_end.strftime("%m-%d"), deliverable=s.deliverable,
        due=lifecycle.when(env, lifecycle.stage_due(env, s)))


@router.command("项目", aliases=("projects",), args=(
    Arg("token", "P编号或全部", required=False, default=""),), example="/项目 P1")
async def show(ctx: CommandContext, token: str) -> str:
    """不写编号：按状态列出进行中的项目及逾期事项（“全部”含已归档、已终止）；写编号：项目的计划、
    阶段、日志、审批、表单和全部记录。"""
    if token and token not in texts.ALL_WORDS:
        return await views.render(ctx.env, object_number(token, "P"))
    return await views.listing(ctx.env, all_states=bool(token))


@router.command("日志", aliases=("log",), roles=CONSULTANT, args=(
    PROJECT, Rest("content", "实施内容"),
    Arg("day", "日期", keys=("日期", "day"), required=False, parse=_day, hint="补写的日期")),
                example="/日志 P1 完成总账科目设置，培训财务人员凭证录入")
async def log(ctx: CommandContext, number: int, content: str, day: date | None) -> str:
    """实施顾问确认当天的实施日志；缺失的日志次日上午提醒，仍未补写则报项目经理。"""
    row = await logs.write(ctx.env, ctx.me, number, content, day)
    return texts.LOG_DONE.format(no=f"P{row.project_id}", day=row.day.strftime("%m-%d"))


@router.command("阶段完成", aliases=("stage",), roles=CONSULTANT, args=(
    PROJECT, Arg("stage", "阶段名称", max_len=column_limit(ProjectStage, "name")),
    Rest("result", "交付成果")),
                example="/阶段完成 P1 需求调研 调研报告已交客户财务部确认")
async def stage(ctx: CommandContext, number: int, stage: str, result: str) -> str:
    """实施顾问提交阶段成果，完成该阶段；逾期完成的，项目经理会收到提醒。"""
    s, late = await lifecycle.stage_done(ctx.env, ctx.me, number, stage, result)
    rows = await lifecycle.stages(await lifecycle.get_project(number))
    nxt = texts.STAGE_NEXT_ACCEPT.format(no=f"P{number}") \
        if all(r.status == STAGE_DONE for r in rows) else ""
    return texts.STAGE_DONE_DONE.format(no=f"P{number}", name=s.name,
                                        late=texts.LATE_MARK if late else "", next=nxt)


async def _request(ctx: CommandContext, number: int, kind: str, reason: str) -> str:
    r = await approvals.request(ctx.env, ctx.me, number, kind, reason)
    return texts.REQUESTED_DONE.format(no=f"P{r.project_id}", kind=texts.REQUEST_KIND[kind])


@router.command("暂停", aliases=("pause",), roles=CONSULTANT,
                args=(PROJECT, Rest("reason", "原因")),
                example="/暂停 P1 客户年底结账，要求一月再继续")
async def pause(ctx: CommandContext, number: int, reason: str) -> str:
    """实施顾问申请暂停项目；项目经理和实施经理都同意后生效，暂停期间项目的时限停止计算。"""
    return await _request(ctx, number, PAUSE, reason)


@router.command("终止", aliases=("terminate",), roles=(Role.CONSULTANT, Role.PROJECT_MANAGER),
                args=(PROJECT, Rest("reason", "原因")),
                example="/终止 P1 客户要求的功能产品不支持，无法解决")
async def terminate(ctx: CommandContext, number: int, reason: str) -> str:
    """暂停中或验收未通过的项目，问题无法解决时申请终止；项目经理和实施经理都同意后生效。"""
    return await _request(ctx, number, TERMINATE, reason)


@router.command("恢复", aliases=("resume",), args=(PROJECT,), example="/恢复 P1")
async def resume(ctx: CommandContext, number: int) -> str:
    """暂停的项目恢复实施（项目成员或实施经理），时限从暂停时剩余的时间继续计算。"""
    p = await approvals.resume(ctx.env, ctx.me, number)
    return texts.RESUMED_DONE.format(no=p.number)


@router.command("项目审批", aliases=("papprove",), roles=(Role.PROJECT_MANAGER, Role.IMPL_MANAGER),
                args=(PROJECT,
                      Choice("agree", "同意或拒绝", _words({True: texts.AGREE_WORDS,
                                                            False: texts.REFUSE_WORDS}),
                             invalid=texts.DECISION_WORD),
                      NOTE),
                example="/项目审批 P1 同意 客户确认一月继续")
async def approve(ctx: CommandContext, number: int, agree: bool, note: str) -> str:
    """项目经理或实施经理审批项目的暂停或终止申请；两人都同意才生效，任一方拒绝即驳回。"""
    p, r = await approvals.decide(ctx.env, ctx.me, number, agree, note)
    kind = texts.REQUEST_KIND[r.kind]
    if not agree:
        return texts.REFUSED_DONE.format(no=p.number, kind=kind)
    if r.decided_at is not None:
        return texts.APPROVED_EFFECTIVE.format(no=p.number, kind=kind)
    side = texts.SIDE_PM if lifecycle.is_manager(p, ctx.me) else texts.SIDE_MGR
    return texts.APPROVED_WAIT.format(no=p.number, kind=kind, side=side)


@router.command("验收", aliases=("acceptance",), roles=(Role.CONSULTANT, Role.PROJECT_MANAGER),
                args=(PROJECT,
                      Choice("verdict", "通过或不通过或审核",
                             _words({"pass": texts.PASS_WORDS, "fail": texts.FAIL_WORDS,
                                     "review": texts.REVIEW_WORDS}), invalid=texts.VERDICT_WORD),
                      Choice("cause", "原因", _words(texts.CAUSE_WORDS), keys=("原因", "cause"),
                             required=False, default="", hint="售前承诺或产品差距",
                             invalid=texts.FAILED_NEEDS_CAUSE),
                      Arg("stage", "阶段", keys=("阶段", "stage"), required=False, default="",
                          hint="阶段名称", max_len=column_limit(ProjectStage, "name")),
                      NOTE),
                example="/验收 P1 不通过 阶段=总账上线 期初余额未核对")
async def accept(ctx: CommandContext, number: int, verdict: str, cause: str, stage: str,
                 note: str) -> str:
    """验收评估：通过则进入终验（实施单 {clock.impl_form_due}内取回）；因售前承诺或产品差距不通过的
    可申请终止；因某阶段工作不完整不通过的（阶段=），该阶段退回顾问重做。
    项目经理用“审核”记录终验资料已审核。"""
    env = ctx.env
    if verdict == "review":
        p = await acceptance.review(env, ctx.me, number, note)
        return texts.REVIEWED_DONE.format(no=p.number)
    p = await acceptance.evaluate(env, ctx.me, number, verdict == "pass", cause=cause,
                                  stage=stage, note=note)
    if verdict == "pass":
        rows = [d for d in await clocks.get(env, lifecycle.OBJECT, p.id)
                if d.clock == lifecycle.FORM_CLOCK and d.is_open]
        if not rows:
            return texts.ACCEPTED_FORM_DONE.format(no=p.number)
        return texts.ACCEPTED_DONE.format(no=p.number, due=lifecycle.when(env, rows[0].due_at))
    if stage:
        s = await lifecycle.find_stage(p, stage)
        return texts.REOPENED_DONE.format(no=p.number, name=s.name)
    return texts.FAILED_DONE.format(no=p.number, cause=texts.CAUSES[cause])


@router.command("交表", aliases=("pform",),
                roles=(Role.CONSULTANT, Role.PROJECT_MANAGER, Role.IMPL_MANAGER),
                args=(PROJECT,
                      Choice("kind", "实施单或培训验收或上线计划", _words(texts.FORM_WORDS),
                             invalid=texts.BAD_FORM_TOKEN),
                      NOTE),
                example="/交表 P1 实施单 客户财务部签字盖章")
async def form(ctx: CommandContext, number: int, kind: str, note: str) -> str:
    """记录交回的项目表单：实施单（客户签字盖章，实施结束后 {clock.impl_form_due}内取回，
    逾期罚款 {penalty.impl_form_late}）、培训验收单（学员签字）、上线计划（与客户确认）。
    缺任一表单不能归档。"""
    await acceptance.hand_in(ctx.env, ctx.me, number, kind, note)
    missing = await missing_forms(await lifecycle.get_project(number))
    left = texts.FORMS_LEFT.format(forms="、".join(texts.FORM_NAMES[k] for k in missing)) \
        if missing else ""
    return texts.FORM_DONE.format(no=f"P{number}", form=texts.FORM_NAMES[kind], left=left)


@router.command("项目归档", aliases=("parchive",), roles=IMPL, args=(PROJECT,),
                example="/项目归档 P1")
async def archive(ctx: CommandContext, number: int) -> str:
    """实施经理归档终验资料；须项目经理已审核资料，且实施单、培训验收单、上线计划都已交回。"""
    p = await acceptance.archive(ctx.env, ctx.me, number)
    return texts.ARCHIVED_DONE.format(no=p.number)
