"""Duty roster commands: /排班 /轮班 /值班表 /上班 /交接确认."""
from __future__ import annotations

import re
from datetime import timedelta

from bot.dispatcher import CommandContext
from bot.durations import humanize
from bot.errors import UsageError
from bot.routing import Router
from bot.services.directory.lookup import find_staff
from bot.services.roster import assignments, handover
from bot.services.roster.config import day_label, parse_day
from commands import texts
from storage.models.people import Role

router = Router("roster")

_CLEAR = ("清空", "无", "clear", "none")
_RANGE = re.compile(r"^(.+?)(?:\.\.|至|~|～)(.+)$")
VIEW_DAYS = 7


async def _people(ctx: CommandContext, start: int):
    return [await find_staff(t.text, ctx.msg.mentions) for t in ctx.args.positionals[start:]]


@router.command("排班", aliases=("duty",), roles=(Role.MANAGER,),
                usage="/排班 日期 班次 人员… （人员写“清空”即取消该班）",
                example="/排班 11-24 早班 张伟 李娜")
async def set_duty(ctx: CommandContext) -> str:
    """安排某天某个班次的值班人员（覆盖原有安排）；休息日排“值守”，热线转接到值守手机。"""
    a = ctx.args
    if len(a) < 3:
        raise UsageError(texts.DUTY_MISSING)
    day = parse_day(a.get(0), assignments.today(ctx.env))
    people = [] if a.get(2) in _CLEAR and len(a) == 3 else await _people(ctx, 2)
    done = await assignments.assign(ctx.env, ctx.me, day, a.get(1, ""), people)
    label = day_label(ctx.env.calendar, day)
    if not done.people:
        return texts.DUTY_CLEARED.format(day=label, shift=done.shift.name)
    return texts.DUTY_DONE.format(day=label, shift=done.shift.name, span=done.shift.span,
                                  names="、".join(p.name for p in done.people))


@router.command("轮班", aliases=("rotate",), roles=(Role.MANAGER,),
                usage="/轮班 开始日期 结束日期 班次 人员… [按=周|日]",
                example="/轮班 12-01 12-31 早班 张伟 李娜 王强 按=周")
async def rotate(ctx: CommandContext) -> str:
    """按轮换生成一段日期的排班：人员按顺序每周（或每天）轮换；“值守”只排休息日，其他班次只排工作日。"""
    a = ctx.args
    today = assignments.today(ctx.env)
    m = _RANGE.match(a.get(0) or "")
    if m:
        first, last, rest = parse_day(m.group(1), today), parse_day(m.group(2), today), 1
    else:
        if len(a) < 2:
            raise UsageError(texts.ROTATE_MISSING)
        first, last, rest = parse_day(a.get(0), today), parse_day(a.get(1), today), 2
    if len(a) < rest + 2:
        raise UsageError(texts.ROTATE_MISSING)
    by = (a.opt("按", "by", default="周") or "周").strip()
    period = {"周": assignments.WEEK, "week": assignments.WEEK, "日": assignments.DAY, "天": assignments.DAY,
              "day": assignments.DAY}.get(by.lower())
    if period is None:
        raise UsageError(texts.ROTATE_BAD_PERIOD.format(by=by))
    done = await assignments.rotate(ctx.env, ctx.me, first, last, a.get(rest, ""),
                               await _people(ctx, rest + 1), period)
    counts = "、".join(texts.ROTATE_COUNT.format(name=p.name, n=len(done.days[p.id]))
                      for p in done.people)
    return texts.ROTATE_DONE.format(shift=done.shift.name, first=f"{first:%m-%d}",
                                    last=f"{last:%m-%d}", total=done.total, counts=counts,
                                    period=texts.ROTATE_PERIODS[period])


@router.command("值班表", aliases=("roster",), usage="/值班表 [日期]", example="/值班表 明天")
async def show_roster(ctx: CommandContext) -> str:
    """查看值班表：不写日期看今天起 7 天，写日期看当天详情（含签到）。"""
    env = ctx.env
    if ctx.args.get(0):
        day = parse_day(ctx.args.get(0), assignments.today(env))
        return assignments.render_slots(env, await assignments.slots(env, day, day), detail=True)
    first = assignments.today(env)
    last = first + timedelta(days=VIEW_DAYS - 1)
    body = assignments.render_slots(env, await assignments.slots(env, first, last), detail=False)
    return texts.ROSTER_WEEK_HEAD + "\n" + body


@router.command("上班", aliases=("checkin",), roles=(Role.ENGINEER,), usage="/上班",
                example="/上班")
async def check_in(ctx: CommandContext) -> str:
    """值班签到：班次开始后 10 分钟内发送，否则提醒本人并通知服务经理。"""
    done = await assignments.check_in(ctx.env, ctx.me)
    late = texts.CHECKIN_LATE.format(over=humanize(done.late_by)) if done.late_by else ""
    answer = texts.CHECKIN_DONE.format(day=day_label(ctx.env.calendar, done.assignment.day),
                                       shift=done.shift.name, span=done.shift.span, late=late)
    pending = await handover.pending_handover_for(ctx.env, ctx.me)
    if pending is not None:
        answer += "\n" + texts.CHECKIN_HANDOVER_PENDING.format(n=len(pending.items))
    return answer


@router.command("交接确认", aliases=("handover",), roles=(Role.ENGINEER,), usage="/交接确认",
                example="/交接确认")
async def acknowledge(ctx: CommandContext) -> str:
    """确认接手交接清单上的未完成事项（接班后 30 分钟内）。"""
    done = await handover.acknowledge(ctx.env, ctx.me)
    h = done.handover
    late = texts.HANDOVER_ACK_LATE.format(over=humanize(done.late_by)) if done.late_by else ""
    refs = "、".join(i["ref"] for i in h.items[:20])
    return texts.HANDOVER_ACK_DONE.format(day=f"{h.day:%m-%d}", shift=h.shift, n=len(h.items),
                                          refs=refs, late=late)
