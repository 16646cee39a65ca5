"""Hotline ticket commands: /建单 /接单 /单 /我的 /队列 /解决 /转派 /接收 /回电 /会诊 /答复 /升级."""
from __future__ import annotations

from bot.dispatcher import CommandContext
from bot.messages import PRIVATE
from bot.routing import Answer, Router
from bot.services.attachments import store as attachments
from bot.services.deadlines import clocks
from bot.services.dispatches import texts as dispatch_texts
from bot.services.firstvisits import tasks as first_visit_tasks
from bot.services.knowledge import library
from bot.services.projects import mine as project_mine
from bot.services.requests import mine as request_mine
from bot.services.tickets import (
    handling,
    lifecycle,
    service_modes,
    texts as ticket_texts,
    worklists,
)
from bot.services.training import mine as training_mine
from commands import texts
from commands.args import Arg, Obj, Person, Rest, column_limit
from storage.models import Customer, Staff, Ticket
from storage.models.people import Role

router = Router("tickets")
STAFF = (Role.ENGINEER, Role.MANAGER)
TICKET = Obj("number", "T")


def _field(name: str, keys: tuple[str, ...], column: str, hint: str = "", **kw) -> Arg:
    """An optional ticket field written as an option, as long as its column allows."""
    return Arg(name, keys[0], keys=keys, required=False, default=kw.pop("default", ""), hint=hint,
               max_len=column_limit(Ticket, column), **kw)


@router.command("建单", aliases=("new",), roles=STAFF, args=(
    Arg("customer", "客户名称", keys=("客户", "customer"), missing=texts.NEW_TICKET_NO_CUSTOMER,
        max_len=column_limit(Customer, "name")),
    Rest("description", "故障现象", missing=texts.NEW_TICKET_NO_DESCRIPTION),
    _field("contact", ("联系人", "contact"), "contact"),
    _field("phone", ("电话", "phone"), "phone"),
    _field("product", ("产品", "product"), "product"),
    _field("priority", ("优先级", "priority"), "priority"),
    _field("channel", ("渠道", "channel"), "channel", default="热线"),
    _field("mode", ("方式", "mode"), "service_mode"),
    Arg("check", "查重", keys=("查重", "dedupe"), required=False, default="", hint="否"),
    Arg("new_customer", "新客户", keys=("新客户", "newcustomer"), required=False, default="",
        hint="是")),
                example="/建单 客户=华东制造 打印凭证时报错 联系人=王会计 电话=13800001111")
async def new_ticket(ctx: CommandContext, customer: str, description: str, contact: str,
                     phone: str, product: str, priority: str, channel: str, mode: str,
                     check: str, new_customer: str) -> str:
    """新建热线服务单，回复单号、时限、可提供的服务方式和问题库中的相似条目；你是首问负责人，直到有人接单。

    方式= 电话、远程、上门、送修、邮寄或有偿，由客户级别和服务期决定可选哪些；
    同一客户短时间内的相似问题会判为重复并关联，不重复计数（查重=否 可跳过）。
    档案中没有的来电客户加 新客户=是：先建临时档案并建单，业务人员收到补全档案的提醒。
    """
    req = lifecycle.NewTicket(
        customer=customer, description=description, contact=contact, phone=phone,
        product=product, priority=priority, channel=channel, mode=mode,
        check_duplicates=check.lower() not in texts.NO_CHECK_WORDS,
        new_customer=new_customer.lower() in texts.YES_WORDS,
        source_platform=ctx.msg.platform, source_chat=ctx.msg.chat_id,
    )
    made = await lifecycle.open_ticket(ctx.env, ctx.me, req)
    t = made.ticket
    ctx.subject = t.id
    if made.duplicate_of is not None:
        orig = made.duplicate_of
        told = texts.NEW_TICKET_DUPLICATE_TOLD.format(owner=orig.owner.name) \
            if orig.owner_id != ctx.me.id else ""
        return texts.NEW_TICKET_DUPLICATE.format(
            customer=t.customer.name, window=ctx.env.settings.service.duplicate_window,
            orig=orig.number, status=ticket_texts.STATUS[orig.status], owner=orig.owner.name,
            no=t.number, told=told)
    described = clocks.describe_rows(ctx.env, made.clocks, open_only=True)
    lines = [texts.NEW_TICKET_DONE.format(no=t.number, customer=t.customer.name,
                                          clocks="；".join(described) or "-"),
             texts.NEW_TICKET_MODE.format(mode=t.service_mode,
                                          offer=service_modes.describe(made.offer))]
    if made.provisional:
        lines.append(ticket_texts.TICKET_PROVISIONAL.format(customer=t.customer.name))
    if made.suggestions:
        lines.append(texts.NEW_TICKET_KB)
        lines += [texts.KB_LINE.format(headline=library.headline(h.entry))
                  for h in made.suggestions]
    return "\n".join(lines)


@router.command("接单", aliases=("claim",), roles=(Role.ENGINEER,), args=(TICKET,),
                example="/接单 T12", actions=("claim",))
async def claim(ctx: CommandContext, number: int) -> Answer:
    """认领一张无人接的工单，你成为负责人。"""
    ticket = await lifecycle.claim(ctx.env, ctx.me, number)
    return Answer(texts.CLAIM_DONE.format(no=ticket.number, customer=ticket.customer.name))


@router.command("单", aliases=("show",), args=(TICKET,), example="/单 T12")
async def show(ctx: CommandContext, number: int) -> str:
    """查看工单详情、联系人、上门、时限和处理历史；完整电话只在私聊中给负责人和派工工程师看（留痕）。"""
    ticket = await lifecycle.get_ticket(number)
    kept = await attachments.listing(ctx.env, ticket.id)
    return "\n".join([await lifecycle.render(ctx.env, ticket, ctx.me, ctx.msg.chat_type == PRIVATE),
                      *kept])


def _mine_tickets(ctx: CommandContext, page) -> list[str]:
    return [texts.TICKET_LINE.format(no=t.number, status=ticket_texts.STATUS[t.status],
                                     customer=t.customer.name, desc=t.description[:30])
            for t in page.items]


def _mine_offered(ctx: CommandContext, page) -> list[str]:
    return [texts.MINE_OFFERED_LINE.format(no=t.number, customer=t.customer.name,
                                           desc=t.description[:30]) for t in page.items]


def _mine_visits(ctx: CommandContext, page) -> list[str]:
    lines = [texts.MINE_VISITS]
    for d in page.items:
        at = texts.MINE_VISIT_AT.format(at=lifecycle.when(ctx.env, d.appointment_at)) \
            if d.appointment_at and d.status in ("dispatched", "accepted", "appointed") else ""
        lines.append(texts.MINE_VISIT_LINE.format(
            d=d.number, status=dispatch_texts.DISPATCH_STATUS[d.status],
            no=f"T{d.ticket_id}", customer=d.ticket.customer.name, at=at))
    return lines


def _mine_complaints(ctx: CommandContext, page) -> list[str]:
    return [texts.MINE_COMPLAINTS] + [
        texts.MINE_COMPLAINT_LINE.format(no=c.number, customer=c.customer.name,
                                         category=c.category, desc=c.content[:30])
        for c in page.items]


def _mine_followups(ctx: CommandContext, page) -> list[str]:
    return [texts.MINE_FOLLOWUPS] + [
        texts.MINE_FOLLOWUP_LINE.format(no=v.number, customer=v.customer.name,
                                        issue=v.issue[:30]) for v in page.items]


# One formatter per area of worklists.MINE_AREAS (its header, if any, and a line per row).
MINE_LINES = {"tickets": _mine_tickets, "offered": _mine_offered, "visits": _mine_visits,
              "complaints": _mine_complaints, "followups": _mine_followups}


@router.command("我的", aliases=("mine",), example="/我的")
async def mine(ctx: CommandContext) -> str:
    """我负责的未完成工单、转派给我待接收的工单、我的上门派工、投诉和回访遗留问题（每类最多列 10 项，其余给出数目），
    以及待我处理的项目事项（日志、阶段、验收、审批）、近期培训和改需、敏感申请，以及首访跟进任务。"""
    pages = await worklists.mine(ctx.env, ctx.me)
    # Each area of the center says what it waits on the caller for, in its own module.
    areas = [*await project_mine.lines(ctx.env, ctx.me),
             *await training_mine.lines(ctx.env, ctx.me),
             *await request_mine.lines(ctx.env, ctx.me),
             *await first_visit_tasks.mine_lines(ctx.env, ctx.me)]
    if not pages and not areas:
        return texts.MINE_EMPTY
    lines = [texts.MINE_HEADER]
    for area, page in pages.items():
        lines += MINE_LINES[area](ctx, page)
        if page.rest:
            lines.append(texts.MINE_MORE.format(n=page.rest))
    return "\n".join(lines + areas)


def _ticket_lines(ctx: CommandContext, page, more: str) -> list[str]:
    lines = [texts.QUEUE_LINE.format(no=t.number, customer=t.customer.name, priority=t.priority,
                                     desc=t.description[:30], owner=t.owner.name,
                                     at=lifecycle.when(ctx.env, t.created_at))
             for t in page.items]
    if page.rest:
        lines.append(texts.QUEUE_MORE.format(n=page.rest, more=more))
    return lines


@router.command("队列", aliases=("queue",), roles=STAFF, example="/队列")
async def queue(ctx: CommandContext) -> str:
    """无人接单和已超时的工单（最紧急的在前，每类最多列 10 张，其余给出数目）、待派工的上门申请、已升级总部跟踪中的工单。"""
    q = await worklists.queue(ctx.env)
    if not (q.unclaimed or q.overdue or q.requests or q.at_hq):
        return texts.QUEUE_EMPTY
    lines = []
    if q.unclaimed:
        lines.append(texts.QUEUE_UNCLAIMED.format(n=q.unclaimed.total))
        lines += _ticket_lines(ctx, q.unclaimed, texts.QUEUE_MORE_UNCLAIMED)
    if q.overdue:
        lines.append(texts.QUEUE_OVERDUE.format(n=q.overdue.total))
        lines += _ticket_lines(ctx, q.overdue, texts.QUEUE_MORE_OPEN)
    if q.requests:
        lines.append(texts.QUEUE_REQUESTS.format(n=q.requests.total))
        lines += [texts.QUEUE_REQUEST_LINE.format(d=d.number, no=f"T{d.ticket_id}",
                                                  customer=d.ticket.customer.name,
                                                  reason=d.reason[:40])
                  for d in q.requests.items]
        if q.requests.rest:
            lines.append(texts.QUEUE_MORE.format(n=q.requests.rest,
                                                 more=texts.QUEUE_MORE_VISITS))
    if q.at_hq:
        lines.append(texts.QUEUE_HQ.format(n=q.at_hq.total))
        lines += _ticket_lines(ctx, q.at_hq, texts.QUEUE_MORE_OPEN)
    return "\n".join(lines)


@router.command("解决", aliases=("resolve",), roles=STAFF, args=(
    TICKET, Rest("solution", "解决方法", flag=("to_kb", texts.KB_WORDS)),
    Arg("cause", "原因", keys=("原因", "cause"), required=False, default="")),
                example="/解决 T12 重新安装打印控件后正常 原因=打印控件未注册 入库")
async def resolve(ctx: CommandContext, number: int, solution: str, to_kb: bool,
                  cause: str) -> str:
    """记录解决方法并结单；加“入库”把它收入标准化问题库（现象、原因、解决方法、产品、版本）。"""
    done = await lifecycle.resolve_ticket(ctx.env, ctx.me, number, solution, to_kb=to_kb,
                                        cause=cause)
    if done.entry is not None:
        return texts.RESOLVE_KB_DONE.format(no=done.ticket.number, kb=done.entry.number)
    return texts.RESOLVE_DONE.format(no=done.ticket.number)


@router.command("转派", aliases=("transfer",), roles=STAFF, args=(
    TICKET, Person("target", "转派对象"), Rest("note", "说明", required=False, default="")),
                example="/转派 T12 李娜 需要熟悉进销存的同事")
async def transfer(ctx: CommandContext, number: int, target: Staff, note: str) -> str:
    """把工单转给别人；对方 /接收 之前，你仍是负责人（首问负责制）。"""
    ticket = await handling.transfer(ctx.env, ctx.me, number, target, note)
    if ticket.owner_id != ctx.me.id:
        return texts.TRANSFER_DONE_FOR_OWNER.format(no=ticket.number, who=target.name,
                                                    owner=ticket.owner.name)
    return texts.TRANSFER_DONE.format(no=ticket.number, who=target.name)


@router.command("接收", aliases=("accept",), roles=STAFF, args=(TICKET,),
                example="/接收 T12", actions=("accept",))
async def accept(ctx: CommandContext, number: int) -> Answer:
    """接收转派给你的工单，从此由你负责。"""
    ticket = await handling.accept_transfer(ctx.env, ctx.me, number)
    return Answer(texts.ACCEPT_DONE.format(no=ticket.number, customer=ticket.customer.name))


@router.command("回电", aliases=("callback",), roles=STAFF, args=(
    TICKET, Rest("note", "说明", required=False, default="")),
                example="/回电 T12 需要查询补丁版本")
async def callback(ctx: CommandContext, number: int, note: str) -> str:
    """需要内部查询后回电客户：开始 {clock.ticket_callback}回电时限。"""
    row = await handling.callback(ctx.env, ctx.me, number, note)
    return texts.CALLBACK_DONE.format(no=f"T{row.object_id}",
                                      due=lifecycle.when(ctx.env, row.due_at),
                                      label=clocks.label(ctx.env, row))


@router.command("会诊", aliases=("consult",), roles=STAFF, args=(
    TICKET, Rest("note", "说明", required=False, default="")),
                example="/会诊 T12 电话无法解决，需要开发确认")
async def consult(ctx: CommandContext, number: int, note: str) -> str:
    """电话解决不了：请服务经理组织内部会诊，开始 {clock.ticket_consult}答复时限。"""
    row = await handling.consult(ctx.env, ctx.me, number, note)
    return texts.CONSULT_DONE.format(no=f"T{row.object_id}",
                                     due=lifecycle.when(ctx.env, row.due_at))


@router.command("答复", aliases=("answer",), roles=STAFF, args=(
    TICKET, Rest("text", "答复内容")),
                example="/答复 T12 已告知客户补丁下载地址，等待客户安装")
async def answer(ctx: CommandContext, number: int, text: str) -> str:
    """已回电或已给客户会诊结果：完成回电、会诊答复时限。"""
    labels = await handling.answer_customer(ctx.env, ctx.me, number, text)
    return texts.ANSWER_DONE.format(no=f"T{number}", labels="、".join(labels))


@router.command("升级", aliases=("escalate",), roles=STAFF, args=(
    TICKET, Rest("reason", "升级原因")),
                example="/升级 T12 疑似产品缺陷，需要总部技术中心确认")
async def escalate(ctx: CommandContext, number: int, reason: str) -> str:
    """疑难问题升级总部（技术中心），解决前持续跟踪。"""
    row = await handling.escalate(ctx.env, ctx.me, number, reason)
    return texts.ESCALATE_DONE.format(no=f"T{number}", due=lifecycle.when(ctx.env, row.due_at))
