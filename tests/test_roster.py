"""The duty roster: /排班 /轮班 /值班表, holiday on-call, who is on duty at a moment, CSV import.

The fixture clock starts on Monday 2026-11-23 09:00 in Beijing; 11-28 and 11-29 are a weekend.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from bot.services.roster import assignments as roster
from bot.services.roster.spreadsheet import import_roster
from storage.models import DutyAssignment, DutyRotation

SH = ZoneInfo("Asia/Shanghai")


def bj(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH).astimezone(timezone.utc)


async def on(env, *when: int) -> list[str]:
    return [s.name for s in await roster.on_duty(env, bj(*when))]


async def slot(day: date, shift: str) -> list[str]:
    rows = await DutyAssignment.filter(day=day, shift=shift).select_related("staff").order_by("id")
    return [r.staff.userid for r in rows]


async def test_set_view_and_clear_a_shift(chat, env):
    answer = await chat.say("liujing", "/排班 11-24 早班 张伟 李娜")
    assert answer == "已排班：11-24（周二） 早班（08:30-12:00）：张伟、李娜。"
    notices = await chat.pushes()
    assert [(n.msg.address, n.text) for n in notices] == [
        ("user:zhangwei", "【排班通知】你被安排在 11-24（周二） 早班（08:30-12:00）值班（刘静 安排）。"),
        ("user:lina", "【排班通知】你被安排在 11-24（周二） 早班（08:30-12:00）值班（刘静 安排）。"),
    ]
    # Setting the shift again replaces it: 李娜 is told she is off, 王强 that he is on.
    await chat.say("liujing", "/duty 2026-11-24 早班 张伟 王强")
    assert await slot(date(2026, 11, 24), "早班") == ["zhangwei", "wangqiang"]
    notices = {n.msg.address: n.text for n in await chat.pushes()}
    assert notices == {
        "user:lina": "【排班变更】你在 11-24（周二） 早班 的值班已取消（刘静 调整）。",
        "user:wangqiang": "【排班通知】你被安排在 11-24（周二） 早班（08:30-12:00）值班（刘静 安排）。",
    }
    await chat.say("liujing", "/排班 明天 午班 李娜")
    await chat.say("liujing", "/排班 11-28 值守 王强")
    day = await chat.say("zhangwei", "/值班表 11-24")
    assert day == ("值班表 11-24（周二）：\n· 早班 08:30-12:00：张伟、王强\n"
                   "· 午班 13:30-17:30：李娜")
    week = await chat.say("sunli", "/roster")
    assert week.splitlines()[:3] == [
        "值班表（今天起 7 天）：",
        "· 11-23（周一） 早班 未排班；午班 未排班",
        "· 11-24（周二） 早班 张伟、王强；午班 李娜",
    ]
    assert "· 11-28（周六，休息日） 值守 王强" in week
    assert await chat.say("liujing", "/排班 11-24 早班 清空") == "已取消 11-24（周二） 早班 的排班。"
    assert await slot(date(2026, 11, 24), "早班") == []


async def test_roster_refusals_change_nothing(chat):
    assert "需要以下角色之一：服务经理" in await chat.say("zhangwei", "/排班 11-24 早班 张伟")
    assert await chat.say("liujing", "/排班 11-28 早班 张伟") == \
        "11-28（周六，休息日） 是休息日，不排“早班”；休息日请排：值守。"
    assert await chat.say("liujing", "/排班 11-24 值守 张伟") == \
        "11-24（周二） 是工作日，“值守”只用于休息日；工作日请排：早班、午班。"
    assert await chat.say("liujing", "/排班 11-24 夜班 张伟") == \
        "没有班次“夜班”，可用班次：值守、早班、午班。"
    assert await chat.say("liujing", "/排班 11-20 早班 张伟") == "11-20（周五） 已经过去，不能再排班。"
    assert "找不到员工“小明”" in await chat.say("liujing", "/排班 11-24 早班 张伟 小明")
    bad_day = await chat.say("liujing", "/排班 下周 早班 张伟")
    assert bad_day.startswith("“下周”不是日期") and "例如：/排班 11-24 早班 张伟 李娜" in bad_day
    assert "用法：/排班 日期 班次" in await chat.say("liujing", "/排班 11-24")
    assert await DutyAssignment.all().count() == 0
    assert await chat.pushes() == []
    help_text = await chat.say("liujing", "/帮助 排班")
    assert "用法：/排班 日期 班次 人员" in help_text and "例如：/排班 11-24 早班 张伟 李娜" in help_text


async def test_weekly_rotation_and_holiday_on_call(chat, env):
    answer = await chat.say("liujing", "/轮班 11-23 12-06 早班 张伟 李娜")
    assert answer == "已生成轮班：早班 11-23 至 12-06，每周轮换，共 10 个班：张伟 5 天、李娜 5 天。"
    assert await slot(date(2026, 11, 27), "早班") == ["zhangwei"]
    assert await slot(date(2026, 11, 30), "早班") == ["lina"]
    assert await slot(date(2026, 11, 28), "早班") == []  # a weekend day gets no working shift
    notices = {n.msg.address: n.text for n in await chat.pushes()}
    assert notices["user:lina"] == ("【排班通知】刘静 排了轮班：早班（08:30-12:00），11-23 至 12-06，"
                                    "你值班 5 天：11-30、12-01、12-02、12-03、12-04。")
    # A daily rotation of the holiday shift covers only the days off.
    answer = await chat.say("liujing", "/rotate 11-23..12-06 值守 王强 赵敏 按=日")
    assert answer == "已生成轮班：值守 11-23 至 12-06，每天轮换，共 4 个班：王强 2 天、赵敏 2 天。"
    assert await slot(date(2026, 11, 28), "值守") == ["wangqiang"]
    assert await slot(date(2026, 11, 29), "值守") == ["zhaomin"]
    assert await slot(date(2026, 12, 5), "值守") == ["wangqiang"]
    assert await DutyRotation.all().count() == 2
    # Running a rotation again over part of the range replaces those days only.
    await chat.say("liujing", "/轮班 11-30 12-06 早班 王强")
    assert await slot(date(2026, 11, 30), "早班") == ["wangqiang"]
    assert await slot(date(2026, 11, 27), "早班") == ["zhangwei"]
    assert "按=周 或 按=日" in await chat.say("liujing", "/轮班 11-23 11-27 早班 张伟 按=月")
    assert await chat.say("liujing", "/轮班 11-27 11-23 早班 张伟") == "结束日期早于开始日期。"


async def test_on_duty_by_time_of_day_and_on_days_off(chat, env):
    await chat.say("liujing", "/排班 11-23 早班 张伟")
    await chat.say("liujing", "/排班 11-23 午班 李娜")
    await chat.say("liujing", "/排班 11-28 值守 王强")
    assert await on(env, 2026, 11, 23, 8, 29) == []
    assert await on(env, 2026, 11, 23, 8, 30) == ["张伟"]
    assert await on(env, 2026, 11, 23, 12, 30) == ["张伟"]  # lunch: the morning shift answers
    assert await on(env, 2026, 11, 23, 13, 30) == ["李娜"]
    assert await on(env, 2026, 11, 23, 17, 30) == []
    assert await on(env, 2026, 11, 28, 10, 0) == ["王强"]
    assert await on(env, 2026, 11, 29, 10, 0) == []  # nobody on call on Sunday


async def test_csv_import_is_idempotent_and_reports_bad_lines(demo, settings, clock, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(
        "日期,班次,人员\n"
        "2026-11-24,早班,zhangwei、李娜\n"
        "2026-11-24,午班,王强\n"
        "2026-11-24,早班,wangqiang\n"
        "2026-11-28,早班,张伟\n"
        "2026-11-29,值守,王强\n"
        "11月25日,夜班,张伟\n"
        "2026-11-26,午班,小明\n", encoding="utf-8")
    report = await import_roster(path, settings, clock=clock)
    assert report.created == 5 and report.updated == 0
    assert report.errors == [
        "第 5 行：2026-11-28 不适用班次“早班”（工作日排工作班次，休息日排值守班次）",
        "第 7 行：没有班次“夜班”，可用班次：值守、早班、午班。",
        "第 8 行：找不到员工“小明”。",
    ]
    assert await slot(date(2026, 11, 24), "早班") == ["zhangwei", "lina", "wangqiang"]
    again = await import_roster(path, settings, clock=clock)
    assert (again.created, again.updated, len(again.errors)) == (0, 0, 3)
    assert await DutyAssignment.all().count() == 5


async def test_a_new_ticket_mentions_whoever_is_on_duty(chat, env):
    await chat.say("liujing", "/排班 11-23 早班 李娜 王强")
    await chat.skip_pushes()
    env.clock.set(bj(2026, 11, 23, 9, 0))
    assert (await chat.say("zhangwei", "/建单 客户=华东制造 打印凭证时报错")).startswith("已建单 T1")
    [announce] = await chat.pushes(address="chat:hotline")
    assert sorted(announce.msg.mentions) == ["lina", "wangqiang"]
    # Who is on duty is cached for the tickets that follow; a change of the roster is seen at once.
    await chat.say("liujing", "/排班 11-23 早班 张伟")
    await chat.skip_pushes()
    assert (await chat.say("lina", "/建单 客户=华东制造 打印报表时报错")).startswith("已建单 T2")
    [announce] = await chat.pushes(address="chat:hotline")
    assert list(announce.msg.mentions) == ["zhangwei"]
