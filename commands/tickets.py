"""Hotline ticket commands: /建单 /接单 /单 /我的 /队列 /解决."""
from __future__ import annotations

from bot.dispatcher import CommandContext
from bot.errors import UsageError
from bot.routing import Answer, Router
from bot.services import tickets
from commands import texts
from commands.parsing import object_number

router = Router("tickets")


@router.command("建单", aliases=("new",), roles=("engineer", "manager"),
                usage="/建单 客户=客户名称 故障现象 [联系人= 电话= 产品= 优先级= 渠道=]",
                example="/建单 客户=华东制造 打印凭证时报错 联系人=王会计 电话=13800001111")
async def new_ticket(ctx: CommandContext) -> str:
    """新建热线服务单，回复单号和时限；你是首问负责人，直到有人接单。"""
    a = ctx.args
    customer = a.opt("客户", "customer")
    description = a.rest(0)
    if not customer or not description:
        raise UsageError(texts.NEW_TICKET_MISSING)
    req = tickets.NewTicket(
        customer=customer, description=description,
        contact=a.opt("联系人", "contact", default=""), phone=a.opt("电话", "phone", default=""),
        product=a.opt("产品", "product", default=""),
        priority=a.opt("优先级", "priority", default="普通"),
        channel=a.opt("渠道", "channel", default="热线"),
        source_platform=ctx.msg.platform, source_chat=ctx.msg.chat_id,
    )
    ticket = await tickets.create(ctx.env, ctx.me, req)
    clocks = await tickets.deadlines.describe_all(ctx.env, "ticket", ticket.id, due=True)
    return texts.NEW_TICKET_DONE.format(no=ticket.number, customer=ticket.customer.name,
                                        clocks="；".join(clocks) or "-")


@router.command("接单", aliases=("claim",), roles=("engineer",), usage="/接单 T编号",
                example="/接单 T12", actions=("claim",))
async def claim(ctx: CommandContext) -> Answer:
    """认领一张无人接的工单，你成为负责人。"""
    ticket = await tickets.claim(ctx.env, ctx.me, object_number(ctx.args.get(0), "T"))
    return Answer(texts.CLAIM_DONE.format(no=ticket.number, customer=ticket.customer.name),
                  card_note=texts.CLAIMED_BY.format(who=ctx.me.name))


@router.command("单", aliases=("show",), usage="/单 T编号", example="/单 T12")
async def show(ctx: CommandContext) -> str:
    """查看工单详情、时限和处理历史。"""
    ticket = await tickets.get_ticket(object_number(ctx.args.get(0), "T"))
    return await tickets.render(ctx.env, ticket)


@router.command("我的", aliases=("mine",), usage="/我的", example="/我的")
async def mine(ctx: CommandContext) -> str:
    """我负责的未完成工单，以及转派给我待接收的工单。"""
    items = await tickets.mine(ctx.env, ctx.me)
    if not items:
        return texts.MINE_EMPTY
    lines = [texts.MINE_HEADER]
    for t in items:
        status = texts.OFFERED if t.offered_to_id == ctx.me.id and t.owner_id != ctx.me.id \
            else tickets.texts.STATUS[t.status]
        lines.append(texts.TICKET_LINE.format(no=t.number, status=status,
                                              customer=t.customer.name, desc=t.description[:30]))
    return "\n".join(lines)


@router.command("队列", aliases=("queue",), roles=("engineer", "manager"), usage="/队列",
                example="/队列")
async def queue(ctx: CommandContext) -> str:
    """无人接单和已超时的工单。"""
    unclaimed, overdue = await tickets.queue(ctx.env)
    if not unclaimed and not overdue:
        return texts.QUEUE_EMPTY
    lines = []
    if unclaimed:
        lines.append(texts.QUEUE_UNCLAIMED.format(n=len(unclaimed)))
        lines += [texts.QUEUE_LINE.format(no=t.number, customer=t.customer.name,
                                          desc=t.description[:30], owner=t.owner.name,
                                          at=tickets.when(ctx.env, t.created_at))
                  for t in unclaimed]
    if overdue:
        lines.append(texts.QUEUE_OVERDUE.format(n=len(overdue)))
        lines += [texts.QUEUE_LINE.format(no=t.number, customer=t.customer.name,
                                          desc=t.description[:30], owner=t.owner.name,
                                          at=tickets.when(ctx.env, t.created_at))
                  for t in overdue]
    return "\n".join(lines)


@router.command("解决", aliases=("resolve",), roles=("engineer", "manager"),
                usage="/解决 T编号 解决方法 [入库]",
                example="/解决 T12 重新安装打印控件后正常 入库")
async def resolve(ctx: CommandContext) -> str:
    """记录解决方法并结单；加“入库”把它收入标准化问题库。"""
    a = ctx.args
    number = object_number(a.get(0), "T")
    words = [t.text for t in a.positionals[1:]]
    to_kb = bool(words) and words[-1] in ("入库", "kb")
    solution = " ".join(words[:-1] if to_kb else words)
    if not solution:
        raise UsageError(texts.RESOLVE_MISSING)
    ticket = await tickets.resolve(ctx.env, ctx.me, number, solution)
    return texts.RESOLVE_DONE.format(no=ticket.number)
