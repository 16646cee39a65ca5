"""Change and sensitive request commands: /改需 /改需审核 /改需告知 /改需完成 /改需测试
/敏感申请 /敏感审批 /敏感办结 /申请归档."""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from bot.dispatcher import CommandContext
from bot.errors import UsageError
from bot.routing import Router
from bot.services.requests import changes, papers, sensitive, texts as req_texts, views
from bot.services.requests.papers import Request, when
from commands.args import Arg, Choice, Obj, Rest, column_limit
from commands.timeparse import parse_when
from storage.models import ChangeRequest, Customer, SensitiveRequest
from storage.models.people import Role
from storage.models.requests import CLOSED, REFUSED

router = Router("requests")
STAFF = (Role.ENGINEER, Role.MANAGER)
MANAGER = (Role.MANAGER,)
CUSTOMER = Arg("customer", "客户", keys=("客户", "customer"), required=False, hint="客户名称",
               max_len=column_limit(Customer, "name"))
# The stamped application: a picture already kept (A3), or the paper's archive reference; or
# neither yet, and the scan follows with /附件 R5.
APP_FILE = Arg("file_ref", "附件", keys=("附件", "file"), required=False, hint="A编号",
               max_len=16)
APP_PAPER = Arg("paper_ref", "存档", keys=("存档", "paper"), required=False, hint="存档编号",
                max_len=column_limit(ChangeRequest, "app_ref"))
NOTE = Rest("note", "说明", required=False, default="")


def _numbered(letter: str) -> Obj:
    """An optional R or M number that only a word like R5 takes (other words are content)."""
    pattern = re.compile(rf"^#?[{letter}{letter.lower()}]\d+$")
    return Obj("number", letter, required=False, matches=lambda t: bool(pattern.match(t)))


def _verdict(yes: tuple[str, ...], no: tuple[str, ...]) -> dict[str, bool]:
    return {**{w: True for w in yes}, **{w: False for w in no}}


def _estimate(ctx: CommandContext, raw: str) -> datetime:
    """预计=12-10 17:00, or a bare date: the end of that day's working hours."""
    return parse_when(ctx.env, raw, day_time=ctx.env.calendar.windows[-1][1])


def _submitted(ctx: CommandContext, template: str, req: Request, kind: str, due: Any,
               archive_due: datetime | None) -> str:
    archive = (req_texts.CHG_ARCHIVE_DUE.format(no=req.number, due=when(ctx.env, archive_due))
               if archive_due else "")
    return template.format(no=req.number, customer=req.customer.name, kind=kind,
                           app=papers.describe_application(req), due=when(ctx.env, due),
                           archive=archive,
                           scan=req_texts.SCAN_NEEDED.format(no=req.number)
                           if not req.app_via else "")


@router.command("改需", aliases=("change",), roles=STAFF, args=(
    _numbered("R"), Rest("content", "需求内容", required=False, default=""), CUSTOMER,
    Arg("kind", "类型", keys=("类型", "kind"), required=False, default="", hint="需求或缺陷"),
    Arg("steps", "步骤", keys=("步骤", "steps"), required=False, default="", hint="操作步骤"),
    Arg("error", "报错", keys=("报错", "error"), required=False, default="", hint="错误提示"),
    APP_FILE, APP_PAPER),
                example="/改需 客户=华东制造 附件=A3 凭证打印增加审核人签章")
async def change(ctx: CommandContext, number: int | None, content: str, customer: str | None,
                 kind: str, steps: str, error: str, file_ref: str | None,
                 paper_ref: str | None) -> str:
    """提交经与客户确认的程序修改申请，生成编号 R；不带参数列出未结束的申请（按状态），带 R 编号查看一项。

    客户盖章的书面申请：附件=A3 写已收到的扫描件（工单的附件编号），存档= 写已存档纸质件的编号；
    也可与本命令一起发送扫描件，或提交后用 /附件 R编号 发送。收到扫描件或纸质件存档前，服务经理不能审核同意。
    软件缺陷（类型=缺陷）必须写明 步骤= 和 报错=。服务经理须在 {clock.change_review}内审核。
    """
    if customer is None:
        if number is not None:
            return await views.render_change(ctx.env, await changes.get(number))
        if content:
            raise UsageError(req_texts.CHG_NEEDS_CUSTOMER)
        return await views.list_changes(ctx.env)
    step = await changes.submit(ctx.env, ctx.me, changes.NewChange(
        customer=customer, content=content, kind=kind, steps=steps, error=error,
        file_ref=file_ref, paper_ref=paper_ref, scan_sent=bool(ctx.msg.attachments)))
    r = step.request
    ctx.scan_for = r.number
    return _submitted(ctx, req_texts.CHG_SUBMITTED, r, req_texts.CHG_KIND[r.kind], step.due,
                      step.archive_due)


@router.command("改需审核", aliases=("review",), roles=MANAGER, args=(
    Obj("number", "R"),
    Choice("approve", "同意或拒绝", _verdict(req_texts.CHG_APPROVE_WORDS, req_texts.CHG_REFUSE_WORDS),
           invalid=req_texts.CHG_REVIEW_WORD),
    Rest("note", "意见或拒绝原因", required=False, default=""),
    Arg("estimate", "预计", keys=("预计", "estimate"), required=False, hint="完工时间",
        parse=_estimate)),
                example="/改需审核 R5 同意 预计=12-10 下个版本一并发布")
async def review(ctx: CommandContext, number: int, approve: bool, note: str,
                 estimate: datetime | None) -> str:
    """服务经理审核程序修改申请：同意须写预计完工时间（过期会提醒服务经理），拒绝须写原因。

    审核后提交人须在 {clock.change_tell}内告知客户（/改需告知）。预计=12-10 表示当天下班前。
    """
    step = await changes.review(ctx.env, ctx.me, number, approve, estimate=estimate, note=note)
    r = step.request
    fill = dict(no=r.number, who=r.applicant.name, due=when(ctx.env, step.due))
    if approve:
        return req_texts.CHG_APPROVED_DONE.format(estimate=when(ctx.env, r.estimate), **fill)
    return req_texts.CHG_REFUSED_DONE.format(reason=r.review_note, **fill)


@router.command("改需告知", aliases=("changetell",), roles=STAFF, args=(Obj("number", "R"), NOTE),
                example="/改需告知 R5 已电话告知王会计预计完工时间")
async def tell(ctx: CommandContext, number: int, note: str) -> str:
    """记录已告知客户：审核结果（同意则交开发，拒绝则结束），或测试通过后告知客户并结束。"""
    before = (await changes.get(number)).status
    r = await changes.tell(ctx.env, ctx.me, number, note)
    if r.status != CLOSED:
        return req_texts.CHG_TOLD_ESTIMATE.format(no=r.number, estimate=when(ctx.env, r.estimate))
    if before == REFUSED:
        return req_texts.CHG_TOLD_REFUSED.format(no=r.number)
    return req_texts.CHG_TOLD_CLOSED.format(no=r.number)


@router.command("改需完成", aliases=("changedone",), roles=STAFF, args=(Obj("number", "R"), NOTE),
                example="/改需完成 R5 开发已提交补丁 V10.2.3")
async def developed(ctx: CommandContext, number: int, note: str) -> str:
    """登记开发人员已完成修改，等待提交人测试。"""
    step = await changes.developed(ctx.env, ctx.me, number, note)
    r = step.request
    return req_texts.CHG_DEVELOPED_DONE.format(no=r.number, who=r.applicant.name,
                                               late=changes.late_text(r))


@router.command("改需测试", aliases=("changetest",), roles=STAFF, args=(
    Obj("number", "R"),
    Choice("passed", "通过或不通过", _verdict(req_texts.CHG_PASS_WORDS, req_texts.CHG_FAIL_WORDS),
           invalid=req_texts.CHG_TEST_WORD),
    Rest("what", "未通过的情况", required=False, default="")),
                example="/改需测试 R5 不通过 审核人签章位置错位")
async def test(ctx: CommandContext, number: int, passed: bool, what: str) -> str:
    """提交人测试修改结果：通过则在 {clock.change_tell}内告知客户后结束，不通过则写明情况退回开发人员。"""
    step = await changes.test(ctx.env, ctx.me, number, passed, what)
    r = step.request
    if passed:
        return req_texts.CHG_PASSED_DONE.format(no=r.number, due=when(ctx.env, step.due))
    return req_texts.CHG_FAILED_DONE.format(no=r.number, n=r.failed_tests, what=what,
                                            estimate=when(ctx.env, r.estimate))


@router.command("敏感申请", aliases=("敏感", "sensitive"), roles=STAFF, args=(
    _numbered("M"), Rest("note", "说明", required=False, default=""), CUSTOMER,
    Arg("kind", "类型", keys=("类型", "kind"), required=False, default="",
        hint="超级管理员密码|账套密码|报表密码|清除数据"),
    APP_FILE, APP_PAPER),
                example="/敏感申请 客户=华东制造 类型=超级管理员密码 附件=A3 会计离职")
async def submit_sensitive(ctx: CommandContext, number: int | None, note: str,
                           customer: str | None, kind: str, file_ref: str | None,
                           paper_ref: str | None) -> str:
    """登记客户盖章的书面敏感申请（超级管理员密码恢复、账套或报表密码、清除数据），生成编号 M。

    附件=A3 写已收到的扫描件，存档= 写已存档纸质件的编号，或提交后用 /附件 M编号 发送扫描件；收到前不能批准。
    服务经理须在 {clock.sensitive_review}内审批，批准前不得处理；不带参数列出未办结的敏感申请，带 M 编号查看一项。
    """
    if customer is None:
        if number is not None:
            return await views.render_sensitive(ctx.env, await sensitive.get(number))
        if note or kind:
            raise UsageError(req_texts.SEN_NEEDS_CUSTOMER)
        return await views.list_sensitive(ctx.env)
    done = await sensitive.submit(ctx.env, ctx.me, customer, kind, note, file_ref, paper_ref,
                                  scan_sent=bool(ctx.msg.attachments))
    m = done.request
    ctx.scan_for = m.number
    return _submitted(ctx, req_texts.SEN_SUBMITTED, m, req_texts.SEN_KIND[m.kind],
                      done.review_due, done.archive_due)


@router.command("敏感审批", aliases=("approve",), roles=MANAGER, args=(
    Obj("number", "M"),
    Choice("approve", "同意或拒绝", _verdict(req_texts.CHG_APPROVE_WORDS, req_texts.CHG_REFUSE_WORDS),
           invalid=req_texts.SEN_APPROVE_WORD),
    Rest("note", "意见或拒绝原因", required=False, default="")),
                example="/敏感审批 M3 同意 已核对公章")
async def decide(ctx: CommandContext, number: int, approve: bool, note: str) -> str:
    """服务经理批准或拒绝敏感申请；只有批准后工程师才能处理并查看相关敏感资料。"""
    m = await sensitive.decide(ctx.env, ctx.me, number, approve, note)
    if approve:
        return req_texts.SEN_APPROVED_DONE.format(no=m.number, who=m.engineer.name)
    return req_texts.SEN_REFUSED_DONE.format(no=m.number, reason=m.decision_note)


@router.command("敏感办结", aliases=("sensitivedone",), roles=STAFF, args=(
    Obj("number", "M"), NOTE,
    Arg("contact", "告知的联系人", keys=("告知", "told"), default="", lenient=True, hint="联系人",
        max_len=column_limit(SensitiveRequest, "told_contact"))),
                example="/敏感办结 M3 告知=王会计 已恢复并请其立即修改密码")
async def finish(ctx: CommandContext, number: int, note: str, contact: str) -> str:
    """负责的工程师在批准后处理完毕，写明把密码或结果告知了客户的哪位联系人。"""
    m = await sensitive.done(ctx.env, ctx.me, number, contact, note)
    return req_texts.SEN_DONE.format(no=m.number, contact=m.told_contact)


@router.command("申请归档", aliases=("filed",), roles=STAFF, args=(
    Obj("ref", "RM"),
    Rest("archive_ref", "存档编号", missing=req_texts.ARCHIVE_NEEDS_REF,
         max_len=column_limit(ChangeRequest, "archive_ref"))),
                example="/申请归档 M3 XZ-2026-031")
async def filed(ctx: CommandContext, ref: str, archive_ref: str) -> str:
    """登记客户盖章的书面申请原件已交行政部存档（时限 {clock.request_archive}，超时按制度处罚 {penalty.archive_late}）。"""
    req = await papers.find(ref)
    owner = req.applicant_id if isinstance(req, ChangeRequest) else req.engineer_id
    await papers.archive(ctx.env, ctx.me, req, owner, archive_ref)
    return req_texts.ARCHIVED_DONE.format(no=req.number, ref=req.archive_ref)
