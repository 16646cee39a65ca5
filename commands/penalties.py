"""Penalty commands: /处罚 /处罚登记 /申诉 /申诉处理."""
from __future__ import annotations

from bot.dispatcher import CommandContext
from bot.routing import Router
from bot.services.penalties import ledger
from bot.services.penalties.texts import PEN_STATUS
from bot.services.reports.kpi import Month as KpiMonth
from bot.services.roster.assignments import today
from commands import texts
from commands.args import Arg, Count, Month, Obj, Person, Rest, looks_like_month
from storage.models import Staff
from storage.models.people import Role

router = Router("penalties")
PENALTY = Obj("number", "F")
# Amounts are yuan in an integer column; no rule of the center comes near this.
MAX_AMOUNT = 100_000


@router.command("处罚", aliases=("penalties",), unordered=True, args=(
    Person("person", required=False), Month("month", required=False, matches=looks_like_month)),
                example="/处罚 张伟 2026-11")
async def show(ctx: CommandContext, person: Staff | None, month: KpiMonth | None) -> str:
    """处罚记录和基金：监督员、经理可看所有人，其他人只能看自己；月份默认本月。

    系统自动登记：有效投诉 {penalty.complaint}，服务单据逾期 {penalty.forms_late}，
    上门未写服务记录 {penalty.onsite_no_record}，远程服务记录不全 {penalty.remote_no_record}，
    实施单据逾期 {penalty.impl_form_late}；
    监督员用 /处罚登记 登记：会议迟到 {penalty.meeting_late}，缺席 {penalty.absent}，
    工作时间联系不上 {penalty.unreachable}。处罚通知后 {penalty.appeal_within}内可 /申诉。
    """
    env = ctx.env
    led = await ledger.ledger(env, ctx.me, person,
                                 month.key if month else f"{today(env):%Y-%m}")
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


@router.command("处罚登记", aliases=("fine",), roles=(Role.SUPERVISOR,), args=(
    Person("person"), Arg("category", "类别", max_len=32),
    Count("amount", "金额", required=False, hi=MAX_AMOUNT, words=texts.PEN_WARNING_WORDS),
    Rest("reason", "理由")),
                example="/处罚登记 王强 联系不上 30 周二下午三次电话未接")
async def register(ctx: CommandContext, person: Staff, category: str, amount: int | None,
                   reason: str) -> str:
    """登记系统发现不了的处罚，写明理由；本人和监督群会收到通知。

    类别：会议迟到 {penalty.meeting_late}，缺席 {penalty.absent}，
    工作时间联系不上 {penalty.unreachable}（金额写在类别后面，写“警告”即 0 元）。
    """
    p = await ledger.register(ctx.env, ctx.me, person, category, amount, reason)
    return texts.PEN_REGISTER_DONE.format(no=p.number, name=person.name, label=p.label,
                                          amount=ledger.amount_text(p))


@router.command("申诉", aliases=("appeal",), args=(PENALTY, Rest("reason", "申诉理由")),
                example="/申诉 F3 当天已交回单据，见行政部签收记录")
async def appeal(ctx: CommandContext, number: int, reason: str) -> str:
    """对自己的处罚向服务中心经理申诉，写明理由（通知后 {penalty.appeal_within}内）。"""
    p = await ledger.appeal(ctx.env, ctx.me, number, reason)
    return texts.PEN_APPEAL_DONE.format(no=p.number)


@router.command("申诉处理", aliases=("ruling",), roles=(Role.MANAGER,), args=(
    PENALTY, Arg("decision", "维持或撤销", max_len=16), Rest("reason", "理由")),
                example="/申诉处理 F3 撤销 行政部确认单据当天已交回")
async def decide(ctx: CommandContext, number: int, decision: str, reason: str) -> str:
    """服务中心经理处理申诉：维持或撤销处罚，并写明理由；撤销的不计入基金。"""
    p = await ledger.decide(ctx.env, ctx.me, number, decision, reason)
    return texts.PEN_DECIDE_DONE.format(no=p.number, name=p.staff.name,
                                        decision=PEN_STATUS[p.status])
