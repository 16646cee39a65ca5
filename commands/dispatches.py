"""On-site service commands: /申请上门 /派工 /接受派工 /预约 /到场 /备份 /完工 /未解决 /核销 /交单
/派工单."""
from __future__ import annotations

from datetime import datetime

from bot.dispatcher import CommandContext
from bot.routing import Answer, Router
from bot.services.dispatches import planning, visits
from bot.services.tickets import service_modes
from commands import texts
from commands.args import Arg, BareOption, Obj, Person, Rest, When, column_limit
from commands.timeparse import format_local
from storage.models import Dispatch, Staff
from storage.models.people import Role

router = Router("dispatches")
STAFF = (Role.ENGINEER, Role.MANAGER)
TICKET, DISPATCH = Obj("number", "T"), Obj("number", "D")
# 带走数据=授权人; the bare word, or a "yes" naming nobody, is refused by the service.
DATA = BareOption("data", "授权人", keys=(texts.DATA_WORD, "take_data"), required=False,
                  hint="授权人", max_len=column_limit(Dispatch, "data_authorized_by"))
CAUSE = Arg("cause", "原因", keys=("原因", "cause"), required=False, default="")
# The written authorization for taking data away, recorded like a sensitive request's application.
AUTH_FILE = Arg("auth_file", "附件", keys=("附件", "file"), required=False, hint="授权书文件",
                max_len=column_limit(Dispatch, "data_authorization_ref") - 8)
AUTH_PAPER = Arg("auth_paper", "存档", keys=("存档", "paper"), required=False, hint="授权书存档编号",
                 max_len=column_limit(Dispatch, "data_authorization_ref") - 8)


@router.command("申请上门", aliases=("onsite",), roles=STAFF, args=(
    TICKET, Rest("reason", "原因", missing=texts.VISIT_MISSING)),
                example="/申请上门 T12 远程无法连接，需现场检查服务器")
async def request_visit(ctx: CommandContext, number: int, reason: str) -> str:
    """电话和远程解决不了：申请上门，服务经理群收到申请和推荐的工程师。"""
    req = await planning.request_visit(ctx.env, ctx.me, number, reason)
    paid = ""
    if req.paid:
        offer = await service_modes.current_offer(ctx.env, req.dispatch.ticket.customer)
        paid = texts.VISIT_PAID.format(why=service_modes.describe(offer))
    return texts.VISIT_DONE.format(d=req.dispatch.number, no=f"T{req.dispatch.ticket_id}",
                                   paid=paid,
                                   suggest=planning.describe_suggestions(req.suggestions))


@router.command("派工", aliases=("dispatch",), roles=(Role.MANAGER,), args=(
    TICKET, Person("engineer", "工程师"),
    When("at", "预约时间", keys=("时间", "at"), required=False, hint="预约时间", or_rest=True)),
                example="/派工 T12 王强 时间=明天14:00")
async def assign(ctx: CommandContext, number: int, engineer: Staff, at: datetime | None) -> str:
    """派工程师上门，生成派工单 D；工程师须在 {clock.dispatch_accept}内确认派工卡片。"""
    d = await planning.assign(ctx.env, ctx.me, number, engineer, at)
    row = await visits.clock(ctx.env, d, planning.ACCEPT_CLOCK)
    return texts.DISPATCH_DONE.format(
        d=d.number, who=engineer.name, no=f"T{number}", customer=d.ticket.customer.name,
        accept_due=format_local(ctx.env, row.due_at if row else None),
        at=texts.DISPATCH_AT.format(at=format_local(ctx.env, at)) if at else "")


@router.command("接受派工", aliases=("take",), roles=(Role.ENGINEER,), args=(DISPATCH,),
                example="/接受派工 D3", actions=("take",))
async def take(ctx: CommandContext, number: int) -> Answer:
    """确认派给你的上门任务（派工卡片上的按钮同样有效）。"""
    d = await visits.accept(ctx.env, ctx.me, number)
    return Answer(texts.TAKE_DONE.format(d=d.number, no=f"T{d.ticket_id}",
                                         customer=d.ticket.customer.name))


@router.command("预约", aliases=("appoint",), roles=(Role.ENGINEER,), args=(
    DISPATCH, When("at", "时间", missing=texts.APPOINT_MISSING)),
                example="/预约 D3 明天14:00")
async def appoint(ctx: CommandContext, number: int, at: datetime) -> str:
    """与客户约定上门时间（可提前改约）；上门前提醒，错过时通知服务经理。"""
    d = await visits.appoint(ctx.env, ctx.me, number, at)
    row = await visits.clock(ctx.env, d, planning.APPOINTMENT_CLOCK)
    remind = visits.first_warning(ctx.env, row) if row else None
    return texts.APPOINT_DONE.format(d=d.number, at=format_local(ctx.env, at),
                                     remind=format_local(ctx.env, remind))


@router.command("到场", aliases=("arrive",), roles=(Role.ENGINEER,), args=(DISPATCH,),
                example="/到场 D3")
async def arrive(ctx: CommandContext, number: int) -> str:
    """已到客户现场；当天需核销。"""
    d = await visits.arrive(ctx.env, ctx.me, number)
    row = await visits.clock(ctx.env, d, visits.WRITEOFF_CLOCK)
    return texts.ARRIVE_DONE.format(d=d.number, at=format_local(ctx.env, d.arrived_at),
                                    writeoff=format_local(ctx.env, row.due_at if row else None))


@router.command("备份", aliases=("backup",), roles=(Role.ENGINEER,), args=(
    DISPATCH, Rest("note", "说明", required=False, default="", drop=(texts.DATA_WORD,)), DATA,
    AUTH_FILE, AUTH_PAPER),
                example="/备份 D3 已备份账套到移动硬盘 带走数据=王会计 附件=授权书.jpg")
async def backup(ctx: CommandContext, number: int, note: str, data: str | None,
                 auth_file: str | None, auth_paper: str | None) -> str:
    """记录已备份客户数据（完工前必须备份）；带走客户数据须写明客户授权人和盖章的书面授权（附件= 或 存档=）。"""
    auth = visits.data_authorization(data, data == "", auth_file, auth_paper)
    d = await visits.backup(ctx.env, ctx.me, number, note, auth)
    data = texts.BACKUP_DATA.format(
        who=d.data_authorized_by, ref=visits.describe_reference(d.data_authorization_ref)) \
        if d.data_authorized_by else ""
    return texts.BACKUP_DONE.format(d=d.number, data=data)


@router.command("完工", aliases=("done",), roles=(Role.ENGINEER,), args=(
    DISPATCH,
    # The service names a missing signatory or result with the command's own wording.
    Arg("signatory", "客户签字人", keys=("签字人", "signatory"), default="", lenient=True,
        max_len=column_limit(Dispatch, "signatory")),
    Rest("result", "处理结果", default="", lenient=True, drop=(texts.DATA_WORD,)),
    CAUSE, DATA, AUTH_FILE, AUTH_PAPER),
                example="/完工 D3 签字人=王会计 重装打印控件后凭证打印正常 原因=控件未注册")
async def done(ctx: CommandContext, number: int, signatory: str, result: str, cause: str,
               data: str | None, auth_file: str | None, auth_paper: str | None) -> str:
    """上门解决，客户签字确认；工单结单并收入问题库。必须先 /备份。

    带走客户数据写 带走数据=授权人，并以 附件= 或 存档= 记录盖章的书面授权。
    """
    auth = visits.data_authorization(data, data == "", auth_file, auth_paper)
    c = await visits.complete(ctx.env, ctx.me, number, signatory=signatory, result=result,
                                  cause=cause, authorization=auth)
    d = c.dispatch
    return texts.DONE_DONE.format(d=d.number, signatory=d.signatory, no=f"T{d.ticket_id}",
                                  kb=c.entry.number, forms=format_local(ctx.env, c.forms_due))


@router.command("未解决", aliases=("unsolved",), roles=(Role.ENGINEER,), args=(
    DISPATCH, Rest("reason", "未解决的原因", flag=("to_hq", texts.UNSOLVED_WORDS))),
                example="/未解决 D3 服务器硬盘故障，需更换后再来 升级")
async def unsolved(ctx: CommandContext, number: int, reason: str, to_hq: bool) -> str:
    """上门未解决：默认请服务经理安排下一次上门；加“升级”则升级总部并持续跟踪。"""
    u = await visits.unsolved(ctx.env, ctx.me, number, reason, to_hq)
    d = u.dispatch
    forms = format_local(ctx.env, u.forms_due)
    if u.next_request is not None:
        return texts.UNSOLVED_NEXT.format(d=d.number, next=u.next_request.dispatch.number,
                                          forms=forms)
    return texts.UNSOLVED_HQ.format(d=d.number, no=f"T{d.ticket_id}",
                                    due=format_local(ctx.env, u.hq_due), forms=forms)


@router.command("核销", aliases=("writeoff",), roles=(Role.ENGINEER,), args=(DISPATCH,),
                example="/核销 D3")
async def write_off(ctx: CommandContext, number: int) -> str:
    """上门结束返回后核销派工单（当天完成）。"""
    d, forms_due = await visits.write_off(ctx.env, ctx.me, number)
    forms = texts.WRITEOFF_FORMS.format(at=format_local(ctx.env, forms_due), d=d.number) \
        if forms_due else ""
    return texts.WRITEOFF_DONE.format(d=d.number, forms=forms)


@router.command("交单", aliases=("forms",), roles=(Role.ENGINEER, Role.SUPERVISOR, Role.MANAGER),
                args=(DISPATCH,), example="/交单 D3")
async def forms(ctx: CommandContext, number: int) -> str:
    """服务单据（客户签字的上门服务记录、反馈表）已交回，须在上门后 {clock.forms_due}内。"""
    d = await visits.hand_in_forms(ctx.env, ctx.me, number)
    return texts.FORMS_DONE.format(d=d.number)


@router.command("派工单", aliases=("dshow",), args=(DISPATCH,), example="/派工单 D3")
async def show(ctx: CommandContext, number: int) -> str:
    """查看派工单的进度、签字、数据授权和时限。"""
    d = await visits.get_dispatch(number)
    return await visits.render(ctx.env, d)
