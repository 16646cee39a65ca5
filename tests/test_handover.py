"""A week of shifts on the fake clock: shift starts announced once, /上班 within 10 minutes or the
owner is reminded and then the managers, the handover list with its clocks, /交接确认 within 30
minutes or it escalates, holiday on-call, a shift nobody was put on, and a restart.

Monday 2026-11-23 .. Sunday 11-29 (a plain week of China's 2026 calendar), then Monday 11-30.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from bot.calendar import WorkCalendar
from bot.clock import FakeClock
from bot.runtime import Runtime
from bot.scheduler import Scheduler
from bot.services.deadlines import clocks as deadlines
from bot.services.roster import jobs as roster_jobs
from storage.models import DutyHandover, JobRun, Staff

SH = ZoneInfo("Asia/Shanghai")


def bj(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH).astimezone(timezone.utc)


def make_scheduler(env: Runtime) -> Scheduler:
    sched = Scheduler(env)
    sched.add_tick("deadlines", lambda: deadlines.tick(env), 1)
    roster_jobs.register(sched, env)
    return sched


class Week:
    def __init__(self, chat, env):
        self.chat, self.env = chat, env
        self.sched = make_scheduler(env)

    async def at(self, *when: int) -> dict[str, list[str]]:
        """Move the clock, run what is due, and return what was pushed, by address."""
        self.env.clock.set(bj(*when))
        await self.sched.run_due()
        return await self.pushed()

    async def pushed(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for n in await self.chat.pushes():
            out[n.msg.address].append(n.text)
        return dict(out)

    async def say(self, who: str, text: str, *when: int) -> str:
        self.env.clock.set(bj(*when))
        return await self.chat.say(who, text)


async def test_a_week_of_shifts(chat, env):
    w = Week(chat, env)
    # Sunday evening: the manager sets the week up.
    env.clock.set(bj(2026, 11, 22, 20, 0))
    await chat.say("liujing", "/轮班 11-23 11-27 早班 张伟 李娜 按=日")
    await chat.say("liujing", "/轮班 11-23 11-27 午班 李娜 张伟 按=日")
    await chat.say("liujing", "/排班 11-28 值守 王强")
    await chat.skip_pushes()
    wangqiang = await Staff.get(userid="wangqiang")

    # Monday 08:30: 张伟's morning shift; nothing is open yet.
    out = await w.at(2026, 11, 23, 8, 30)
    assert out == {"chat:hotline": [
        "【值班】11-23（周一） 早班（08:30-12:00）值班：张伟。请在 10 分钟内发送 /上班 签到。",
        "【交接清单】11-23 早班 接班：张伟\n没有未完成事项，无需确认。",
    ]}
    assert await w.say("zhangwei", "/上班", 2026, 11, 23, 8, 33) == \
        "已签到：11-23（周一） 早班（08:30-12:00）。"
    assert await w.say("zhangwei", "/上班", 2026, 11, 23, 8, 34) == "你已于 08:33 签到（早班）。"
    assert await w.say("wangqiang", "/上班", 2026, 11, 23, 8, 35) == \
        "你现在没有值班，不需要签到。你的下一个值班：11-28（周六，休息日） 值守。"
    assert await w.at(2026, 11, 23, 8, 45) == {}  # checked in: no reminder
    # A ticket stays open into the afternoon.
    answer = await w.say("zhangwei", "/建单 客户=华东制造 打印凭证时报错", 2026, 11, 23, 10, 0)
    assert answer.startswith("已建单 T1")
    await chat.skip_pushes()
    await w.say("zhangwei", "/接单 T1", 2026, 11, 23, 10, 5)
    # And an open clock on another object (a visit's appointment, owned by 王强).
    await deadlines.start(env, "dispatch", 7, "dispatch_appointment", owner=wangqiang,
                          due_at=bj(2026, 11, 25, 16, 0),
                          context={"number": "D7", "title": "D7（T1 华东制造有限公司）"})
    await chat.skip_pushes()

    # Monday 13:30: 李娜 takes over T1 and acknowledges in time.
    out = await w.at(2026, 11, 23, 13, 30)
    assert out == {"chat:hotline": [
        "【值班】11-23（周一） 午班（13:30-17:30）值班：李娜。请在 10 分钟内发送 /上班 签到。",
        "【交接清单】11-23 午班 接班：李娜（上一班：11-23 早班 张伟）\n未完成事项 2 项：\n"
        "1. T1［处理中］华东制造有限公司：打印凭证时报错（负责人 张伟）\n"
        "2. D7（T1 华东制造有限公司）：上门预约：剩余 2 天 2 小时（负责人 王强）\n"
        "请在 30 分钟内发送 /交接确认。",
    ]}
    assert await w.say("lina", "/checkin", 2026, 11, 23, 13, 35) == \
        "已签到：11-23（周一） 午班（13:30-17:30）。\n交接清单有 2 项待你确认，请查看后发送 /交接确认。"
    assert await w.say("zhangwei", "/交接确认", 2026, 11, 23, 13, 36) == "你现在没有待确认的交接。"
    assert await w.say("lina", "/交接确认", 2026, 11, 23, 13, 40) == \
        "已确认接手 11-23 午班 的交接，共 2 项：T1、D7。"
    assert await w.pushed() == {"chat:hotline": ["【交接完成】李娜 已确认 11-23 午班 的交接（2 项）。"]}
    assert await w.say("lina", "/交接确认", 2026, 11, 23, 13, 41) == "这次交接已由 李娜 于 13:40 确认。"
    assert await w.at(2026, 11, 23, 14, 30) == {}

    # Tuesday 08:30: 李娜 again (the same person carries on: no handover); she misses check-in.
    out = await w.at(2026, 11, 24, 8, 30)
    assert out == {"chat:hotline": [
        "【值班】11-24（周二） 早班（08:30-12:00）值班：李娜。请在 10 分钟内发送 /上班 签到。"]}
    assert await w.at(2026, 11, 24, 8, 39) == {}
    assert await w.at(2026, 11, 24, 8, 40) == {"user:lina": [
        "【值班签到超时·1级升级】11-24 早班 李娜：已到截止时间（截止 11-24 08:40）。"
        "你是负责人，请立即处理。"]}
    assert await w.at(2026, 11, 24, 8, 45) == {"chat:managers": [
        "【值班签到超时·2级升级】11-24 早班 李娜：已超时 5 分钟（截止 11-24 08:40）。"
        "负责人：李娜，请督促处理。"]}
    assert await w.say("lina", "/上班", 2026, 11, 24, 8, 52) == \
        "已签到：11-24（周二） 早班（08:30-12:00），晚了 12 分钟。"
    assert await w.at(2026, 11, 24, 10, 0) == {}

    # Tuesday 13:30: 张伟 takes over from 李娜 but acknowledges late.
    out = await w.at(2026, 11, 24, 13, 30)
    assert out["chat:hotline"][1].split("\n")[:4] == [
        "【交接清单】11-24 午班 接班：张伟（上一班：11-24 早班 李娜）", "未完成事项 2 项：",
        "1. T1［处理中］华东制造有限公司：打印凭证时报错（负责人 张伟）",
        "2. D7（T1 华东制造有限公司）：上门预约：剩余 1 天 2 小时（负责人 王强）"]
    await w.say("zhangwei", "/上班", 2026, 11, 24, 13, 31)
    await chat.skip_pushes()
    assert await w.at(2026, 11, 24, 13, 50) == {"user:zhangwei": [
        "【交接确认提醒】11-24 午班 交接（2 项）：剩余 10 分钟，截止 11-24 14:00。负责人：张伟"]}
    assert await w.at(2026, 11, 24, 14, 0) == {
        "user:zhangwei": ["【交接确认超时·1级升级】11-24 午班 交接（2 项）：已到截止时间"
                          "（截止 11-24 14:00）。你是负责人，请立即处理。"],
        "chat:managers": ["【交接确认超时·1级升级】11-24 午班 交接（2 项）：已到截止时间"
                          "（截止 11-24 14:00）。负责人：张伟，请督促处理。"]}
    assert await w.say("zhangwei", "/handover", 2026, 11, 24, 14, 12) == \
        "已确认接手 11-24 午班 的交接，共 2 项：T1、D7（超时 12 分钟）。"
    assert await w.pushed() == {"chat:hotline": [
        "【交接完成】张伟 已确认 11-24 午班 的交接（2 项，超时 12 分钟）。"]}
    env.clock.set(bj(2026, 11, 24, 16, 0))
    await deadlines.meet(env, "dispatch", 7, "dispatch_appointment")  # 王强 was there
    handover = await DutyHandover.get(day="2026-11-24", shift="午班").select_related("acked_by")
    assert handover.acked_by.userid == "zhangwei" and handover.items[0]["ref"] == "T1"

    # Wednesday to Friday: every shift in time; nothing escalates.
    for day, morning, afternoon in ((25, "zhangwei", "lina"), (26, "lina", "zhangwei"),
                                    (27, "zhangwei", "lina")):
        out = await w.at(2026, 11, day, 8, 30)
        assert len(out["chat:hotline"]) in (1, 2)
        await w.say(morning, "/上班", 2026, 11, day, 8, 32)
        if len(out["chat:hotline"]) == 2:
            await w.say(morning, "/交接确认", 2026, 11, day, 8, 40)
        out = await w.at(2026, 11, day, 13, 30)
        assert len(out["chat:hotline"]) == 2
        await w.say(afternoon, "/上班", 2026, 11, day, 13, 32)
        assert "已确认接手" in await w.say(afternoon, "/交接确认", 2026, 11, day, 13, 45)
        await chat.skip_pushes()
        assert await w.at(2026, 11, day, 17, 0) == {}

    # Saturday: 王强 on call, the hotline forwarded to his mobile; no check-in, no handover.
    out = await w.at(2026, 11, 28, 8, 30)
    assert out == {
        "chat:hotline": ["【值守】11-28（周六，休息日） 值守（08:30-17:30）值守：王强。"
                         "热线已转接到值守手机：王强 138****0003。"],
        "user:wangqiang": ["【值守提醒】11-28（周六，休息日） 值守（08:30-17:30）由你值守，"
                           "热线已转接到你的手机 13800000003，请保持畅通。"]}
    assert await w.at(2026, 11, 28, 9, 0) == {}
    # Sunday: nobody was put on call.
    assert await w.at(2026, 11, 29, 8, 30) == {"chat:managers": [
        "【值班缺人】11-29（周日，休息日） 值守（08:30-17:30）没有排班，热线无人值守。请用 /排班 安排。"]}

    # Each shift start ran once: a second run and a restarted scheduler on a new Runtime find
    # every period key taken.
    assert await w.at(2026, 11, 29, 8, 31) == {}
    env2 = Runtime(settings=env.settings, clock=FakeClock(bj(2026, 11, 29, 9, 0)),
               calendar=WorkCalendar.from_settings(env.settings))
    await make_scheduler(env2).run_due()
    assert await w.pushed() == {}
    keys = set(await JobRun.filter(finished_at__not_isnull=True).values_list("period_key", flat=True))
    assert {"shift_start:早班:2026-11-23", "shift_start:午班:2026-11-27",
            "shift_start:值守:2026-11-28"} <= keys


async def test_a_bot_down_through_a_shift_does_not_announce_it_late(chat, env):
    w = Week(chat, env)
    env.clock.set(bj(2026, 11, 23, 7, 0))
    await chat.say("liujing", "/排班 11-23 早班 张伟")
    await chat.say("liujing", "/排班 11-23 午班 李娜")
    await chat.skip_pushes()
    out = await w.at(2026, 11, 23, 14, 0)  # back after lunch: only the afternoon shift starts
    assert [t.split("\n")[0] for t in out["chat:hotline"]] == [
        "【值班】11-23（周一） 午班（13:30-17:30）值班：李娜。请在 10 分钟内发送 /上班 签到。",
        "【交接清单】11-23 午班 接班：李娜（上一班：11-23 早班 张伟）",
    ]
    # The afternoon check-in clock counts from the shift's start, not from the late run.
    late = "11-23 午班 李娜：已超时 21 分钟（截止 11-23 13:40）。"
    assert await w.at(2026, 11, 23, 14, 1) == {
        "user:lina": ["【值班签到超时·1级升级】" + late + "你是负责人，请立即处理。"],
        "chat:managers": ["【值班签到超时·2级升级】" + late + "负责人：李娜，请督促处理。"]}
