"""Change and sensitive request commands: /改需 /改需审核 /改需告知 /改需完成 /改需测试
/敏感申请 /敏感审批 /敏感办结 /申请归档."""
from __future__ import annotations

from datetime import datetime

from bot.dispatcher import CommandContext
from bot.errors import UsageError
from bot.routing import Router
from bot.services.requests import changes, papers, sensitive, texts as req_texts, views
from bot.services.requests.papers import when
from commands import texts
from commands.parsing import Args, object_number
from commands.timeparse import parse_when
from storage.models import ChangeRequest
from storage.models.people import Role

router = Router("requests")
STAFF = (Role.ENGINEER, Role.MANAGER)
MANAGER = (Role.MANAGER,)


def _verdict(word: str | None, yes: tuple[str, ...], no: tuple[str, ...], usage: str) -> bool:
    w = (word or "").strip().lower()
    if w in yes:
        return True
    if w in no:
        return False
    raise UsageError(usage)


def _estimate(ctx: CommandContext, raw: str | None) -> datetime | None:
    """预计=12-10 17:00, or a bare date: the end of that day's working hours."""
    if not raw:
        return None
    try:
        return parse_when(ctx.env, raw)
    except UsageError:
        end = ctx.env.calendar.windows[-1][1]
        return parse_when(ctx.env, f"{raw} {end:%H:%M}")


def _application(a: Args) -> tuple[str | None, str | None]:
    return a.opt("附件", "file"), a.opt("存档", "paper")


@router.command("改需", aliases=("change",), roles=STAFF,
                usage="/改需 客户=客户名称 附件=文件或存档=编号 [类型=需求或缺陷 步骤= 报错=] 内容"
                      " | /改需 [R编号]",
                example="/改需 客户=华东制造 附件=申请单.jpg 凭证打印增加审核人签章")
async def change(ctx: CommandContext) -> str:
    """提交经与客户确认的程序修改申请，生成编号 R；不带参数列出未结束的申请（按状态），带 R 编号查看一项。

    须先收到客户盖章的书面申请：附件= 写平台收到的文件或照片，存档= 写已存档纸质件的编号。
    软件缺陷（类型=缺陷）必须写明 步骤= 和 报错=。服务经理须在 1 个工作日内审核。
    """
    a = ctx.args
    customer = a.opt("客户", "customer")
    if customer is None:
        token = a.get(0)
        if token is None:
            return await views.list_changes(ctx.env)
        return await views.render_change(ctx.env, await changes.get(object_number(token, "R")))
    file_ref, paper_ref = _application(a)
    step = await changes.submit(ctx.env, ctx.me, changes.NewChange(
        customer=customer, content=a.rest(0), kind=a.opt("类型", "kind", default=""),
        steps=a.opt("步骤", "steps", default=""), error=a.opt("报错", "error", default=""),
        file_ref=file_ref, paper_ref=paper_ref))
    r = step.request
    archive = (req_texts.CHG_ARCHIVE_DUE.format(no=r.number, due=when(ctx.env, step.archive_due))
               if step.archive_due else "")
    return req_texts.CHG_SUBMITTED.format(
        no=r.number, customer=r.customer.name, kind=req_texts.CHG_KIND[r.kind],
        app=papers.describe_application(r), due=when(ctx.env, step.due), archive=archive)


@router.command("改需审核", aliases=("review",), roles=MANAGER,
                usage="/改需审核 R编号 同意 预计=完工时间 [意见] | /改需审核 R编号 拒绝 原因",
                example="/改需审核 R5 同意 预计=12-10 下个版本一并发布")
async def review(ctx: CommandContext) -> str:
    """服务经理审核程序修改申请：同意须写预计完工时间（过期会提醒服务经理），拒绝须写原因。

    审核后提交人须在 1 个工作日内告知客户（/改需告知）。
    """
    a = ctx.args
    number = object_number(a.get(0), "R")
    approve = _verdict(a.get(1), req_texts.CHG_APPROVE_WORDS, req_texts.CHG_REFUSE_WORDS,
                       req_texts.CHG_REVIEW_WORD)
    step = await changes.review(ctx.env, ctx.me, number, approve,
                                estimate=_estimate(ctx, a.opt("预计", "estimate")),
                                note=a.rest(2))
    r = step.request
    fill = dict(no=r.number, who=r.applicant.name, due=when(ctx.env, step.due))
    if approve:
        return req_texts.CHG_APPROVED_DONE.format(estimate=when(ctx.env, r.estimate), **fill)
    return req_texts.CHG_REFUSED_DONE.format(reason=r.review_note, **fill)


@router.command("改需告知", aliases=("changetell",), roles=STAFF,
                usage="/改需告知 R编号 [说明]", example="/改需告知 R5 已电话告知王会计预计完工时间")
async def tell(ctx: CommandContext) -> str:
    """记录已告知客户：审核结果（同意则交开发，拒绝则结束），或测试通过后告知客户并结束。"""
    a = ctx.args
    before = (await changes.get(object_number(a.get(0), "R"))).status
    r = await changes.tell(ctx.env, ctx.me, object_number(a.get(0), "R"), a.rest(1))
    if r.status != "closed":
        return req_texts.CHG_TOLD_ESTIMATE.format(no=r.number, estimate=when(ctx.env, r.estimate))
    if before == "refused":
        return req_texts.CHG_TOLD_REFUSED.format(no=r.number)
    return req_texts.CHG_TOLD_CLOSED.format(no=r.number)


@router.command("改需完成", aliases=("changedone",), roles=STAFF,
                usage="/改需完成 R编号 [说明]", example="/改需完成 R5 开发已提交补丁 V10.2.3")
async def developed(ctx: CommandContext) -> str:
    """登记开发人员已完成修改，等待提交人测试。"""
    a = ctx.args
    step = await changes.developed(ctx.env, ctx.me, object_number(a.get(0), "R"), a.rest(1))
    r = step.request
    return req_texts.CHG_DEVELOPED_DONE.format(no=r.number, who=r.applicant.name,
                                               late=changes.late_text(r))


@router.command("改需测试", aliases=("changetest",), roles=STAFF,
                usage="/改需测试 R编号 通过 | /改需测试 R编号 不通过 未通过的情况",
                example="/改需测试 R5 不通过 审核人签章位置错位")
async def test(ctx: CommandContext) -> str:
    """提交人测试修改结果：通过则告知客户后结束，不通过则写明情况退回开发人员。"""
    a = ctx.args
    passed = _verdict(a.get(1), req_texts.CHG_PASS_WORDS, req_texts.CHG_FAIL_WORDS,
                      req_texts.CHG_TEST_WORD)
    step = await changes.test(ctx.env, ctx.me, object_number(a.get(0), "R"), passed, a.rest(2))
    r = step.request
    if passed:
        return req_texts.CHG_PASSED_DONE.format(no=r.number, due=when(ctx.env, step.due))
    return req_texts.CHG_FAILED_DONE.format(no=r.number, n=r.failed_tests,
                                            what=a.rest(2), estimate=when(ctx.env, r.estimate))


@router.command("敏感申请", aliases=("敏感", "sensitive"), roles=STAFF,
                usage="/敏感申请 客户=客户名称 类型=超级管理员密码|账套密码|报表密码|清除数据 "
                      "附件=文件或存档=编号 [说明] | /敏感申请 [M编号]",
                example="/敏感申请 客户=华东制造 类型=超级管理员密码 附件=密码恢复申请.jpg 会计离职")
async def submit_sensitive(ctx: CommandContext) -> str:
    """登记客户盖章的书面敏感申请（超级管理员密码恢复、账套或报表密码、清除数据），生成编号 M。

    服务经理批准前不得处理；不带参数列出未办结的敏感申请，带 M 编号查看一项。
    """
    a = ctx.args
    customer = a.opt("客户", "customer")
    if customer is None:
        token = a.get(0)
        if token is None:
            return await views.list_sensitive(ctx.env)
        return await views.render_sensitive(ctx.env,
                                             await sensitive.get(object_number(token, "M")))
    file_ref, paper_ref = _application(a)
    done = await sensitive.submit(ctx.env, ctx.me, customer, a.opt("类型", "kind", default=""),
                                  a.rest(0), file_ref, paper_ref)
    m = done.request
    archive = (req_texts.CHG_ARCHIVE_DUE.format(no=m.number, due=when(ctx.env, done.archive_due))
               if done.archive_due else "")
    return req_texts.SEN_SUBMITTED.format(
        no=m.number, customer=m.customer.name, kind=req_texts.SEN_KIND[m.kind],
        app=papers.describe_application(m), due=when(ctx.env, done.review_due), archive=archive)


@router.command("敏感审批", aliases=("approve",), roles=MANAGER,
                usage="/敏感审批 M编号 同意 [意见] | /敏感审批 M编号 拒绝 原因",
                example="/敏感审批 M3 同意 已核对公章")
async def decide(ctx: CommandContext) -> str:
    """服务经理批准或拒绝敏感申请；只有批准后工程师才能处理并查看相关敏感资料。"""
    a = ctx.args
    approve = _verdict(a.get(1), req_texts.CHG_APPROVE_WORDS, req_texts.CHG_REFUSE_WORDS,
                       req_texts.SEN_APPROVE_WORD)
    m = await sensitive.decide(ctx.env, ctx.me, object_number(a.get(0), "M"), approve, a.rest(2))
    if approve:
        return req_texts.SEN_APPROVED_DONE.format(no=m.number, who=m.engineer.name)
    return req_texts.SEN_REFUSED_DONE.format(no=m.number, reason=m.decision_note)


@router.command("敏感办结", aliases=("sensitivedone",), roles=STAFF,
                usage="/敏感办结 M编号 告知=联系人 [说明]",
                example="/敏感办结 M3 告知=王会计 已恢复并请其立即修改密码")
async def finish(ctx: CommandContext) -> str:
    """负责的工程师在批准后处理完毕，写明把密码或结果告知了客户的哪位联系人。"""
    a = ctx.args
    m = await sensitive.done(ctx.env, ctx.me, object_number(a.get(0), "M"),
                             a.opt("告知", "told", default=""), a.rest(1))
    return req_texts.SEN_DONE.format(no=m.number, contact=m.told_contact)


@router.command("申请归档", aliases=("filed",), roles=STAFF,
                usage="/申请归档 R或M编号 存档编号", example="/申请归档 M3 XZ-2026-031")
async def filed(ctx: CommandContext) -> str:
    """登记客户盖章的书面申请原件已交行政部存档（时限 1 个工作日，超时按制度处罚）。"""
    a = ctx.args
    if a.get(0) is None:
        raise UsageError(texts.REQ_MISSING_NUMBER.format(example="/申请归档 R5 XZ-2026-031"))
    req = await papers.find(a.get(0, ""))
    owner = req.applicant_id if isinstance(req, ChangeRequest) else req.engineer_id
    await papers.archive(ctx.env, ctx.me, req, owner, a.rest(1))
    return req_texts.ARCHIVED_DONE.format(no=req.number, ref=req.archive_ref)
