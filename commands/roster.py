"""Duty roster commands: /排班 /轮班 /值班表 /上班 /交接确认."""
from __future__ import annotations

from datetime import date, timedelta

from bot.dispatcher import CommandContext
from bot.durations import humanize
from bot.routing import Router
from bot.services.roster import assignments, handover
from bot.services.roster.config import day_label
from commands import texts
from commands.args import Arg, Choice, Day, DayRange, People
from storage.models import Staff
from storage.models.people import Role

router = Router("roster")

_CLEAR = ("清空", "无", "clear", "none")
VIEW_DAYS = 7
SHIFT = Arg("shift", "班次", max_len=32)
PERIODS = {"周": assignments.WEEK, "week": assignments.WEEK, "日": assignments.DAY, "天": assignments.DAY,
           "day": assignments.DAY}


@router.command("排班", aliases=("duty",), roles=(Role.MANAGER,), args=(
    Day("day"), SHIFT, People("people", "人员…", empty_words=_CLEAR)),
                example="/排班 11-24 早班 张伟 李娜")
async def set_duty(ctx: CommandContext, day: date, shift: str, people: list[Staff]) -> str:
    """安排某天某个班次的值班人员（覆盖原有安排）；休息日排“值守”，热线转接到值守手机。

    人员写“清空”即取消该班。
    """
    done = await assignments.assign(ctx.env, ctx.me, day, shift, people)
    label = day_label(ctx.env.calendar, day)
    if not done.people:
        return texts.DUTY_CLEARED.format(day=label, shift=done.shift.name)
    return texts.DUTY_DONE.format(day=label, shift=done.shift.name, span=done.shift.span,
                                  names="、".join(p.name for p in done.people))


@router.command("轮班", aliases=("rotate",), roles=(Role.MANAGER,), args=(
    DayRange("first", "last"), SHIFT, People("people", "人员…"),
    Choice("period", "按", PERIODS, keys=("按", "by"), required=False, default=assignments.WEEK,
           hint="周|日", invalid=texts.ROTATE_BAD_PERIOD)),
                example="/轮班 12-01 12-31 早班 张伟 李娜 王强 按=周")
async def rotate(ctx: CommandContext, first: date, last: date, shift: str, people: list[Staff],
                 period: str) -> str:
    """按轮换生成一段日期的排班：人员按顺序每周（或每天）轮换；“值守”只排休息日，其他班次只排工作日。"""
    done = await assignments.rotate(ctx.env, ctx.me, first, last, shift, people, period)
    counts = "、".join(texts.ROTATE_COUNT.format(name=p.name, n=len(done.days[p.id]))
                      for p in done.people)
    return texts.ROTATE_DONE.format(shift=done.shift.name, first=f"{first:%m-%d}",
                                    last=f"{last:%m-%d}", total=done.total, counts=counts,
                                    period=texts.ROTATE_PERIODS[period])


@router.command("值班表", aliases=("roster",), args=(Day("day", required=False),),
                example="/值班表 明天")
async def show_roster(ctx: CommandContext, day: date | None) -> str:
    """查看值班表：不写日期看今天起 7 天，写日期看当天详情（含签到）。"""
    env = ctx.env
    if day is not None:
        return assignments.render_slots(env, await assignments.slots(env, day, day), detail=True)
    first = assignments.today(env)
    last = first + timedelta(days=VIEW_DAYS - 1)
    body = assignments.render_slots(env, await assignments.slots(env, first, last), detail=False)
    return texts.ROSTER_WEEK_HEAD + "\n" + body


@router.command("上班", aliases=("checkin",), roles=(Role.ENGINEER,), example="/上班")
async def check_in(ctx: CommandContext) -> str:
    """值班签到：班次开始后 {clock.checkin}内发送，否则提醒本人并通知服务经理。"""
    done = await assignments.check_in(ctx.env, ctx.me)
    late = texts.CHECKIN_LATE.format(over=humanize(done.late_by)) if done.late_by else ""
    answer = texts.CHECKIN_DONE.format(day=day_label(ctx.env.calendar, done.assignment.day),
                                       shift=done.shift.name, span=done.shift.span, late=late)
    pending = await handover.pending_handover_for(ctx.env, ctx.me)
    if pending is not None:
        answer += "\n" + texts.CHECKIN_HANDOVER_PENDING.format(n=len(pending.items))
    return answer


@router.command("交接确认", aliases=("handover",), roles=(Role.ENGINEER,), example="/交接确认")
async def acknowledge(ctx: CommandContext) -> str:
    """确认接手交接清单上的未完成事项（接班后 {clock.handover_ack}内）。"""
    done = await handover.acknowledge(ctx.env, ctx.me)
    h = done.handover
    late = texts.HANDOVER_ACK_LATE.format(over=humanize(done.late_by)) if done.late_by else ""
    refs = "、".join(i["ref"] for i in h.items[:20])
    return texts.HANDOVER_ACK_DONE.format(day=f"{h.day:%m-%d}", shift=h.shift, n=len(h.items),
                                          refs=refs, late=late)
