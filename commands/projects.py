"""Implementation project commands: /项目申请 /项目分配 /项目计划 /项目 /日志 /阶段完成 /暂停 /恢复
/终止 /项目审批 /验收 /交表 /项目归档."""
from __future__ import annotations

from bot.dispatcher import CommandContext
from bot.errors import UsageError
from bot.routing import Router
from bot.services.deadlines import clocks
from bot.services.directory.lookup import find_staff
from bot.services.projects import acceptance, approvals, lifecycle, logs, texts, views
from bot.services.projects.acceptance import missing_forms
from commands.parsing import object_number
from storage.models.people import Role
from storage.models.projects import PAUSE, STAGE_DONE, TERMINATE

router = Router("projects")
IMPL = (Role.IMPL_MANAGER,)
CONSULTANT = (Role.CONSULTANT,)


def _p(ctx: CommandContext) -> int:
    return object_number(ctx.args.get(0), "P")


def _word(word: str | None, choices: dict[str, tuple[str, ...]], usage: str) -> str:
    w = (word or "").strip().lower()
    for value, words in choices.items():
        if w in words:
            return value
    raise UsageError(usage)


@router.command("项目申请", aliases=("project",), roles=IMPL,
                usage="/项目申请 客户 项目名称 [内容] [首访=S编号]",
                example="/项目申请 华东制造 财务软件实施 总账、报表、固定资产上线 首访=S3")
async def apply(ctx: CommandContext) -> str:
    """实施经理申请实施项目，生成项目编号 P；可注明来自哪次首访的需求（首访=S3），也可直接申请。"""
    a = ctx.args
    customer, title = a.get(0), a.get(1)
    if not customer or not title:
        raise UsageError(texts.NEED_TITLE)
    visit = a.opt("首访", "visit")
    p = await lifecycle.apply(ctx.env, ctx.me, customer, title, a.rest(2),
                              first_visit=object_number(visit, "S") if visit else None)
    return texts.APPLIED_DONE.format(no=p.number, customer=p.customer.name, title=p.title,
                                     visit=f"（{texts.FROM_VISIT.format(no=visit.upper())}）"
                                     if visit else "")


@router.command("项目分配", aliases=("passign",), roles=IMPL,
                usage="/项目分配 P编号 经理=项目经理 顾问=顾问,顾问",
                example="/项目分配 P1 经理=周航 顾问=吴敏,郑凯")
async def assign(ctx: CommandContext) -> str:
    """实施经理为项目指定项目经理和实施顾问，项目进入实施；顾问自下一个工作日起每天确认实施日志。"""
    a = ctx.args
    pm_name = a.opt("经理", "pm")
    if not pm_name:
        raise UsageError(texts.NEED_CONSULTANTS)
    pm = await find_staff(pm_name, ctx.msg.mentions)
    names = [n for n in (a.opt("顾问", "consultants", default="").replace("，", ",")
                         .replace("、", ",").split(",")) if n.strip()]
    members = [await find_staff(n, ctx.msg.mentions) for n in names]
    p = await lifecycle.assign(ctx.env, ctx.me, _p(ctx), pm, members)
    return texts.ASSIGNED_DONE.format(no=p.number, pm=pm.name,
                                      who="、".join(s.name for s in members))


@router.command("项目计划", aliases=("plan",), roles=(Role.PROJECT_MANAGER, Role.IMPL_MANAGER),
                usage="/项目计划 P编号 阶段名称 开始=日期 结束=日期 成果=阶段成果 [培训]",
                example="/项目计划 P1 需求调研 开始=11-24 结束=11-25 成果=调研报告")
async def plan(ctx: CommandContext) -> str:
    """项目经理在计划中加入一个阶段（名称、计划起止日期、阶段成果）；末尾写“培训”表示培训阶段，
    可关联培训计划 L。阶段在计划结束日下班时到期，逾期提醒项目经理。"""
    a = ctx.args
    name, is_training = a.text_and_flag(1, texts.TRAINING_WORDS)
    env = ctx.env
    p, s = await lifecycle.add_stage(
        env, ctx.me, _p(ctx), name, lifecycle.parse_day(env, a.opt("开始", "start")),
        lifecycle.parse_day(env, a.opt("结束", "end")), a.opt("成果", "deliverable", default=""),
        training=is_training)
    return texts.PLANNED_DONE.format(
        no=p.number, seq=s.seq, name=s.name, start=s.planned_start.strftime("%m-%d"),
        end=s.planned_end.strftime("%m-%d"), deliverable=s.deliverable,
        due=lifecycle.when(env, await lifecycle.stage_due(env, s)))


@router.command("项目", aliases=("projects",), usage="/项目 [P编号 或 全部]",
                example="/项目 P1")
async def show(ctx: CommandContext) -> str:
    """不写编号：按状态列出进行中的项目及逾期事项（“全部”含已归档、已终止）；写编号：项目的计划、
    阶段、日志、审批、表单和全部记录。"""
    token = ctx.args.get(0)
    if token and token not in ("全部", "all"):
        return await views.render(ctx.env, object_number(token, "P"))
    return await views.listing(ctx.env, all_states=bool(token))


@router.command("日志", aliases=("log",), roles=CONSULTANT,
                usage="/日志 P编号 实施内容 [日期=补写的日期]",
                example="/日志 P1 完成总账科目设置，培训财务人员凭证录入")
async def log(ctx: CommandContext) -> str:
    """实施顾问确认当天的实施日志；缺失的日志次日上午提醒，仍未补写则报项目经理。"""
    a = ctx.args
    raw = a.opt("日期", "day")
    row = await logs.write(ctx.env, ctx.me, _p(ctx), a.rest(1),
                           lifecycle.parse_day(ctx.env, raw) if raw else None)
    return texts.LOG_DONE.format(no=f"P{row.project_id}", day=row.day.strftime("%m-%d"))


@router.command("阶段完成", aliases=("stage",), roles=CONSULTANT,
                usage="/阶段完成 P编号 阶段名称 交付成果",
                example="/阶段完成 P1 需求调研 调研报告已交客户财务部确认")
async def stage(ctx: CommandContext) -> str:
    """实施顾问提交阶段成果，完成该阶段；逾期完成的，项目经理会收到提醒。"""
    a = ctx.args
    number = _p(ctx)
    s, late = await lifecycle.stage_done(ctx.env, ctx.me, number, a.get(1, ""), a.rest(2))
    rows = await lifecycle.stages(await lifecycle.get_project(number))
    nxt = texts.STAGE_NEXT_ACCEPT.format(no=f"P{number}") \
        if all(r.status == STAGE_DONE for r in rows) else ""
    return texts.STAGE_DONE_DONE.format(no=f"P{number}", name=s.name,
                                        late=texts.LATE_MARK if late else "", next=nxt)


async def _request(ctx: CommandContext, kind: str) -> str:
    r = await approvals.request(ctx.env, ctx.me, _p(ctx), kind, ctx.args.rest(1))
    return texts.REQUESTED_DONE.format(no=f"P{r.project_id}", kind=texts.REQUEST_KIND[kind])


@router.command("暂停", aliases=("pause",), roles=CONSULTANT, usage="/暂停 P编号 原因",
                example="/暂停 P1 客户年底结账，要求一月再继续")
async def pause(ctx: CommandContext) -> str:
    """实施顾问申请暂停项目；项目经理和实施经理都同意后生效，暂停期间项目的时限停止计算。"""
    return await _request(ctx, PAUSE)


@router.command("终止", aliases=("terminate",), roles=(Role.CONSULTANT, Role.PROJECT_MANAGER),
                usage="/终止 P编号 原因", example="/终止 P1 客户要求的功能产品不支持，无法解决")
async def terminate(ctx: CommandContext) -> str:
    """暂停中或验收未通过的项目，问题无法解决时申请终止；项目经理和实施经理都同意后生效。"""
    return await _request(ctx, TERMINATE)


@router.command("恢复", aliases=("resume",), usage="/恢复 P编号", example="/恢复 P1")
async def resume(ctx: CommandContext) -> str:
    """暂停的项目恢复实施（项目成员或实施经理），时限从暂停时剩余的时间继续计算。"""
    p = await approvals.resume(ctx.env, ctx.me, _p(ctx))
    return texts.RESUMED_DONE.format(no=p.number)


@router.command("项目审批", aliases=("papprove",), roles=(Role.PROJECT_MANAGER, Role.IMPL_MANAGER),
                usage="/项目审批 P编号 同意或拒绝 [说明]", example="/项目审批 P1 同意 客户确认一月继续")
async def approve(ctx: CommandContext) -> str:
    """项目经理或实施经理审批项目的暂停或终止申请；两人都同意才生效，任一方拒绝即驳回。"""
    a = ctx.args
    agree = _word(a.get(1), {"y": texts.AGREE_WORDS, "n": texts.REFUSE_WORDS},
                  texts.DECISION_WORD) == "y"
    p, r = await approvals.decide(ctx.env, ctx.me, _p(ctx), agree, a.rest(2))
    kind = texts.REQUEST_KIND[r.kind]
    if not agree:
        return texts.REFUSED_DONE.format(no=p.number, kind=kind)
    if r.decided_at is not None:
        return texts.APPROVED_EFFECTIVE.format(no=p.number, kind=kind)
    side = texts.SIDE_PM if lifecycle.is_manager(p, ctx.me) else texts.SIDE_MGR
    return texts.APPROVED_WAIT.format(no=p.number, kind=kind, side=side)


@router.command("验收", aliases=("acceptance",), roles=(Role.CONSULTANT, Role.PROJECT_MANAGER),
                usage="/验收 P编号 通过 | 不通过 原因=售前承诺或产品差距 | 不通过 阶段=阶段名 | 审核",
                example="/验收 P1 不通过 阶段=总账上线 期初余额未核对")
async def accept(ctx: CommandContext) -> str:
    """验收评估：通过则进入终验（实施单 3 天内取回）；因售前承诺或产品差距不通过的可申请终止；
    因某阶段工作不完整不通过的，该阶段退回顾问重做。项目经理用“审核”记录终验资料已审核。"""
    a = ctx.args
    verdict = _word(a.get(1), {"pass": texts.PASS_WORDS, "fail": texts.FAIL_WORDS,
                               "review": texts.REVIEW_WORDS}, texts.VERDICT_WORD)
    env, number = ctx.env, _p(ctx)
    if verdict == "review":
        p = await acceptance.review(env, ctx.me, number, a.rest(2))
        return texts.REVIEWED_DONE.format(no=p.number)
    cause_word = a.opt("原因", "cause")
    cause = _word(cause_word, texts.CAUSE_WORDS, texts.FAILED_NEEDS_CAUSE) if cause_word else ""
    stage_name = a.opt("阶段", "stage", default="")
    p = await acceptance.evaluate(env, ctx.me, number, verdict == "pass", cause=cause,
                                  stage=stage_name, note=a.rest(2))
    if verdict == "pass":
        rows = [d for d in await clocks.get(env, lifecycle.OBJECT, p.id)
                if d.clock == lifecycle.FORM_CLOCK and d.is_open]
        if not rows:
            return texts.ACCEPTED_FORM_DONE.format(no=p.number)
        return texts.ACCEPTED_DONE.format(no=p.number, due=lifecycle.when(env, rows[0].due_at))
    if stage_name:
        s = await lifecycle.find_stage(p, stage_name)
        return texts.REOPENED_DONE.format(no=p.number, name=s.name)
    return texts.FAILED_DONE.format(no=p.number, cause=texts.CAUSES[cause])


@router.command("交表", aliases=("pform",),
                roles=(Role.CONSULTANT, Role.PROJECT_MANAGER, Role.IMPL_MANAGER),
                usage="/交表 P编号 实施单或培训验收或上线计划 [说明]",
                example="/交表 P1 实施单 客户财务部签字盖章")
async def form(ctx: CommandContext) -> str:
    """记录交回的项目表单：实施单（客户签字盖章，实施结束后 3 天内取回，逾期罚款 500 元）、
    培训验收单（学员签字）、上线计划（与客户确认）。缺任一表单不能归档。"""
    a = ctx.args
    number = _p(ctx)
    kind = acceptance.parse_form(a.get(1, ""))
    await acceptance.hand_in(ctx.env, ctx.me, number, kind, a.rest(2))
    missing = await missing_forms(await lifecycle.get_project(number))
    left = texts.FORMS_LEFT.format(forms="、".join(texts.FORM_NAMES[k] for k in missing)) \
        if missing else ""
    return texts.FORM_DONE.format(no=f"P{number}", form=texts.FORM_NAMES[kind], left=left)


@router.command("项目归档", aliases=("parchive",), roles=IMPL, usage="/项目归档 P编号",
                example="/项目归档 P1")
async def archive(ctx: CommandContext) -> str:
    """实施经理归档终验资料；须项目经理已审核资料，且实施单、培训验收单、上线计划都已交回。"""
    p = await acceptance.archive(ctx.env, ctx.me, _p(ctx))
    return texts.ARCHIVED_DONE.format(no=p.number)
