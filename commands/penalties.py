"""Penalty commands: /处罚 /处罚登记 /申诉 /申诉处理."""
from __future__ import annotations

from bot.dispatcher import CommandContext
from bot.errors import UsageError
from bot.routing import Router
from bot.services.directory.lookup import find_staff
from bot.services.penalties import ledger
from bot.services.penalties.texts import PEN_STATUS
from bot.services.roster.assignments import today
from commands import texts
from commands.parsing import object_number
from storage.models.people import Role

router = Router("penalties")


@router.command("处罚", aliases=("penalties",), usage="/处罚 [人员] [月份]",
                example="/处罚 张伟 2026-11")
async def show(ctx: CommandContext) -> str:
    """处罚记录和基金：监督员、经理可看所有人，其他人只能看自己；月份默认本月。"""
    env = ctx.env
    month, person = None, None
    for tok in ctx.args.positionals[:2]:
        m = ledger.parse_month(tok.text, today(env))
        if m and month is None:
            month = m
        elif person is None:
            person = await find_staff(tok.text, ctx.msg.mentions)
        else:
            raise UsageError(texts.PEN_SHOW_ARGS)
    led = await ledger.ledger(env, ctx.me, person, month or f"{today(env):%Y-%m}")
    who = led.person.name if led.person else texts.PEN_EVERYONE
    lines = [texts.PEN_SHOW_HEAD.format(month=led.month, who=who)]
    if not led.rows:
        lines.append(texts.PEN_SHOW_EMPTY)
    for p in led.rows:
        lines.append(texts.PEN_SHOW_LINE.format(
            no=p.number, at=env.calendar.local(p.issued_at).strftime("%m-%d"), name=p.staff.name,
            label=p.label, about=f"（{p.object_ref}）" if p.object_ref else "",
            amount=ledger.amount_text(p), status=PEN_STATUS[p.status]))
    lines.append(texts.PEN_SHOW_TOTALS.format(
        n=led.in_force.count, amount=led.in_force.amount, pending=led.pending.count,
        pending_amount=led.pending.amount, cancelled=led.cancelled.count,
        cancelled_amount=led.cancelled.amount))
    if led.fund_total is not None:
        lines.append(texts.PEN_SHOW_FUND.format(month=led.month, fund=led.fund_total))
    return "\n".join(lines)


@router.command("处罚登记", aliases=("fine",), roles=(Role.SUPERVISOR,),
                usage="/处罚登记 人员 类别 [金额] 理由（类别：迟到 2 元、缺席 10 元、联系不上 20-50 元或 0 即警告）",
                example="/处罚登记 王强 联系不上 30 周二下午三次电话未接")
async def register(ctx: CommandContext) -> str:
    """登记系统发现不了的处罚（会议迟到、缺席、工作时间联系不上），写明理由；本人和监督群会收到通知。"""
    a = ctx.args
    if len(a) < 3:
        raise UsageError(texts.PEN_REGISTER_MISSING)
    person = await find_staff(a.get(0, ""), ctx.msg.mentions)
    amount, start = None, 2
    word = a.get(2) or ""
    if word.isdigit():
        amount, start = int(word), 3
    elif word in ("警告", "warning"):
        amount, start = 0, 3
    reason = a.rest(start)
    p = await ledger.register(ctx.env, ctx.me, person, a.get(1, ""), amount, reason)
    return texts.PEN_REGISTER_DONE.format(no=p.number, name=person.name, label=p.label,
                                          amount=ledger.amount_text(p))


@router.command("申诉", aliases=("appeal",), usage="/申诉 F编号 理由",
                example="/申诉 F3 当天已交回单据，见行政部签收记录")
async def appeal(ctx: CommandContext) -> str:
    """对自己的处罚向服务中心经理申诉，写明理由。"""
    number = object_number(ctx.args.get(0), "F")
    reason = ctx.args.rest(1)
    if not reason:
        raise UsageError(texts.PEN_APPEAL_MISSING)
    p = await ledger.appeal(ctx.env, ctx.me, number, reason)
    return texts.PEN_APPEAL_DONE.format(no=p.number)


@router.command("申诉处理", aliases=("ruling",), roles=(Role.MANAGER,),
                usage="/申诉处理 F编号 维持或撤销 理由",
                example="/申诉处理 F3 撤销 行政部确认单据当天已交回")
async def decide(ctx: CommandContext) -> str:
    """服务中心经理处理申诉：维持或撤销处罚，并写明理由；撤销的不计入基金。"""
    a = ctx.args
    if len(a) < 3:
        raise UsageError(texts.PEN_DECIDE_MISSING)
    p = await ledger.decide(ctx.env, ctx.me, object_number(a.get(0), "F"), a.get(1, ""),
                               a.rest(2))
    return texts.PEN_DECIDE_DONE.format(no=p.number, name=p.staff.name,
                                        decision=PEN_STATUS[p.status])
