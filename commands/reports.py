"""Targets and reports: /指标 /日报 /月报."""
from __future__ import annotations

from datetime import date

from bot.dispatcher import CommandContext
from bot.routing import Router
from bot.services.reports import daily, kpi, publish
from commands import texts
from commands.args import Month, ReportDay
from storage.models.people import Role

router = Router("reports")
READERS = (Role.MANAGER, Role.SUPERVISOR)


@router.command("指标", aliases=("kpi",), roles=READERS, args=(Month("month", required=False),),
                example="/指标 2026-11")
async def show_kpi(ctx: CommandContext, month: kpi.Month | None) -> str:
    """投诉率、满意度和各项时限达标率（分子/分母），本月还有按工作时间的线性预测；月份默认本月。

    投诉率 = 当月受理且确认有效的投诉 / 当月完成的服务（热线工单解决 + 上门派工核销），
    目标低于 {report.complaint_rate_target}；
    满意度 = 当月回访中三项平均 ≥ {report.satisfied_score} 分的次数 / 当月回访次数，
    目标不低于 {report.satisfaction_target}；
    时限达标率 = 当月到期的时限中按时完成的 / 当月到期且已完成或已超时的。
    """
    k = await kpi.month_kpi(ctx.env, month or kpi.this_month(ctx.env))
    return kpi.render(ctx.env, k, kpi.project(ctx.env, k))


@router.command("日报", aliases=("daily",), roles=READERS,
                args=(ReportDay("day", required=False),), example="/日报 昨天")
async def show_daily(ctx: CommandContext, day: date | None) -> str:
    """某天的日报：新建、解决、未结和超时的工作，投诉，待回访，明日值班；日期默认今天。"""
    day = day or daily.parse_day(ctx.env, None)
    return daily.render(ctx.env, await daily.build(ctx.env, day))


@router.command("月报", aliases=("monthly",), roles=READERS,
                args=(Month("month", required=False),), example="/月报 2026-11")
async def show_monthly(ctx: CommandContext, month: kpi.Month | None) -> str:
    """客户投诉分析报告（回复），回访报表、统计图和 Excel 登记表私信发给你；月份默认上月。"""
    g = await publish.generate(ctx.env, month or kpi.this_month(ctx.env).prev())
    await publish.send_to_requester(ctx.env, ctx.me, g)
    return g.complaint_text + "\n" + texts.REPORT_FILES_SENT
