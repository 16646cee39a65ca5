"""User training through the chat: a course, a session L, registrations up to its capacity and
the notice to the staff owning each unit, attendance, scores (all checked before any is
written), lookups by unit, trainee and session, and a project's sessions feeding its training
acceptance form; each refusal changes nothing."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot.services.deadlines import clocks
from bot.services.projects.report import month_figures
from bot.services.reports import kpi, monthly
from storage.models import Course, ProjectForm, ProjectStage, Staff, Trainee, TrainingSession
from tests.test_projects import bj, by_address, team  # noqa: F401 (the fixture)


async def trainees() -> list[tuple]:
    return [(t.name, t.attended, t.score) for t in await Trainee.all().order_by("id")]


async def refused(chat, userid: str, text: str, expect: str) -> None:
    before = (await trainees(), await Course.all().count(), await TrainingSession.all().count(),
              [(s.attendance_at, s.acceptance_at) for s in await TrainingSession.all()])
    answer = await chat.say(userid, text)
    assert expect in answer, answer
    after = (await trainees(), await Course.all().count(), await TrainingSession.all().count(),
             [(s.attendance_at, s.acceptance_at) for s in await TrainingSession.all()])
    assert after == before


@pytest.fixture
async def trainer2(team):  # noqa: F811
    return await Staff.create(userid="tang", name="唐宁", roles="trainer", team="实施部")


async def test_course_session_registrations_attendance_scores(chat, env, team, trainer2):  # noqa: F811
    await refused(chat, "zhangwei", "/课程 总账操作 类别=操作", "只有培训讲师")
    await refused(chat, "feng", "/课程 总账操作 类别=随便", "不认识的课程类别")
    assert await chat.say("feng", "/课程 总账操作 类别=操作 凭证录入、审核、记账、结账") == \
        "已设课程“总账操作”［操作培训］。"
    await refused(chat, "feng", "/课程 总账操作 类别=高级", "已有课程")
    assert "总账操作［操作培训］凭证录入" in await chat.say("zhangwei", "/课程")

    await refused(chat, "feng", "/培训计划 总账操作 日期=11-25 地点=三楼 讲师=张伟 人数=2",
                  "张伟 不是培训讲师")
    await refused(chat, "feng", "/培训计划 总账操作 日期=11-20 地点=三楼 讲师=冯琳 人数=2",
                  "培训日期已过")
    answer = await chat.say("feng", "/培训计划 总账操作 日期=11-25 时间=09:00 地点=三楼培训室 "
                                    "讲师=冯琳 人数=2")
    assert answer.startswith("已排培训 L1「总账操作」：11-25 09:00，地点 三楼培训室，讲师 冯琳，限 2 人。")

    await chat.skip_pushes()
    answer = await chat.say("sunli", "/报名 L1 华东制造 王某 13800000011")
    assert answer == "已为 华东制造有限公司 的 王某 报名 L1（1/2），已通知负责该客户的人员。"
    await chat.say("sunli", "/报名 L1 江南商贸 李某 13900000012")
    await refused(chat, "sunli", "/报名 L1 北方物流 赵某 13700000013", "L1 已满（2 人）")
    got = by_address(await chat.pushes())
    # No project owns these units yet: the notices go to the hotline chat.
    assert list(got) == ["chat:hotline"] and len(got["chat:hotline"]) == 2
    assert got["chat:hotline"][0].startswith("【培训通知】华东制造有限公司 的 王某 已报名 L1「总账操作」：11-25 09:00")

    # Attendance is taken at the class, before teaching: not before the session starts.
    await refused(chat, "feng", "/考勤 L1 王某",
                  "培训 L1 于 11-25 09:00 开课，考勤须在开课时当场记录，现在还不能记录。")
    env.clock.set(bj(25, 8, 59))
    await refused(chat, "feng", "/考勤 L1 王某", "现在还不能记录")
    env.clock.set(bj(25, 9))
    await refused(chat, "tang", "/考勤 L1 王某", "只有 L1 的讲师（冯琳）")
    await refused(chat, "feng", "/考勤 L1 王某 赵某", "L1 没有这些学员：赵某")
    assert await chat.say("feng", "/考勤 L1 王某") == "L1 考勤已记录：到场 1 人，缺席 1 人。"

    await refused(chat, "feng", "/成绩录入 L1 王某=86 李某=90", "李某 未到场")
    await refused(chat, "feng", "/成绩录入 L1 王某=优秀", "应为 0 到 100 的整数")
    await refused(chat, "tang", "/成绩录入 L1 王某=86", "只有 L1 的讲师")
    assert await chat.say("feng", "/成绩录入 L1 王某=86") == "L1 已录入 1 人的成绩。"

    answer = await chat.say("zhangwei", "/成绩 华东制造")
    assert answer == "华东制造有限公司 学员成绩（平均 86.0）：\n  L1 总账操作 华东制造有限公司 王某：86（合格）"
    assert "江南商贸公司 李某：缺席" in await chat.say("zhangwei", "/成绩 L1")
    assert "王某：86（合格）" in await chat.say("zhangwei", "/成绩 王某")
    await refused(chat, "zhangwei", "/成绩 不存在的人", "没有找到")
    # Found by fuzzing the commands: a token longer than any name failed the lookup.
    await refused(chat, "zhangwei", "/成绩 华东制造 " + "x" * 300, "最多 64 个字")


async def test_project_sessions_feed_the_training_acceptance(chat, env, team):  # noqa: F811
    await chat.say("yang", "/项目申请 华东制造 财务软件实施")
    await chat.say("yang", "/项目分配 P1 经理=周航 顾问=吴敏")
    await chat.say("feng", "/课程 报表操作 类别=操作")
    # A project's session belongs to its training stage: none planned yet, none to join.
    await refused(chat, "feng", "/培训计划 报表操作 日期=11-24 地点=客户会议室 讲师=冯琳 人数=5 "
                                "项目=P1", "项目 P1 没有培训阶段")
    await chat.say("zhou", "/项目计划 P1 用户培训 开始=11-24 结束=11-25 成果=培训验收单 培训")
    answer = await chat.say("feng", "/培训计划 报表操作 日期=11-24 时间=14:00 地点=客户会议室 "
                                    "讲师=冯琳 人数=5 项目=P1")
    assert answer.startswith("已排培训 L1「报表操作」：11-24 14:00，地点 客户会议室，讲师 冯琳，"
                             "限 5 人，属项目 P1 的培训阶段“用户培训”。")
    await chat.say("feng", "/培训计划 报表操作 日期=11-25 地点=客户会议室 讲师=冯琳 人数=5 项目=P1")
    assert [s.stage_id for s in await TrainingSession.all().order_by("id")] == [1, 1]
    assert (await chat.say("zhou", "/培训计划")).splitlines()[1] == (
        "L1「报表操作」11-24 14:00 客户会议室，讲师 冯琳，已报名 0/5，项目 P1 培训阶段“用户培训”")
    await chat.skip_pushes()
    await chat.say("sunli", "/报名 L1 华东制造 王某 13800000011")
    # The unit's project manager owns it now: the notice goes to him.
    assert list(by_address(await chat.pushes())) == ["user:zhou"]
    await chat.say("sunli", "/报名 L2 华东制造 钱某 13800000012")
    await refused(chat, "feng", "/培训验收 L1", "尚未考勤")
    # The training stage is done only once its sessions are held.
    answer = await chat.say("wu", "/阶段完成 P1 用户培训 两期培训完成")
    assert answer == "项目 P1 的培训阶段“用户培训”还有培训未举办（未考勤）：L1、L2，考勤后才能完成。"
    assert (await ProjectStage.get(id=1)).status == "open"
    env.clock.set(bj(24, 14))
    # A latecomer is enrolled at the door until the attendance is taken, not after.
    assert "报名 L1（2/5）" in await chat.say("sunli", "/报名 L1 华东制造 孙某 13800000013")
    await chat.say("feng", "/考勤 L1 王某 孙某")
    await refused(chat, "sunli", "/报名 L1 华东制造 郑某 13800000014",
                  "培训 L1 已记录考勤，名单已定，不能再报名。")
    assert await chat.say("feng", "/培训验收 L1") == "L1 学员已签字验收。"
    assert not await ProjectForm.filter(project_id=1, kind="training").exists()
    await refused(chat, "feng", "/考勤 L2 钱某", "培训 L2 于 11-25 08:30 开课")
    shown = await chat.say("zhou", "/项目 P1")
    assert ("1. 用户培训 11-24～11-25，成果：培训验收单［进行中］\n"
            "   · L1「报表操作」11-24 14:00 客户会议室，讲师 冯琳，学员 2 人［已考勤、学员已签字验收］\n"
            "   · L2「报表操作」11-25 客户会议室，讲师 冯琳，学员 1 人［未举办］") in shown, shown
    # The stage's acceptance is the project manager's sign-off, once every session was held.
    await refused(chat, "zhou", "/培训验收 P1",
                  "项目 P1 的培训阶段“用户培训”还有培训未举办（未考勤）：L2，不能验收。")
    env.clock.set(bj(25, 9))
    await chat.say("feng", "/考勤 L2 钱某")
    await refused(chat, "zhou", "/培训验收 P1", "还有培训的学员未签字验收：L2（讲师 /培训验收 L编号）")
    assert await chat.say("feng", "/培训验收 L2") == (
        "L2 学员已签字验收。项目 P1 培训阶段“用户培训”的各期培训均已签字验收，待项目经理签核：/培训验收 P1")
    assert not await ProjectForm.filter(project_id=1, kind="training").exists()
    sign_off = "· 项目 P1 培训阶段“用户培训”的各期培训均已签字验收，待你签核（/培训验收 P1）"
    assert sign_off in await chat.say("zhou", "/我的")
    await refused(chat, "feng", "/培训验收 P1", "只有项目 P1 的项目经理（周航）可以签核培训验收")
    assert await chat.say("zhou", "/培训验收 P1") == (
        "项目 P1 培训阶段“用户培训”的培训验收已签核（L1、L2），项目的培训验收单已记录。")
    f = await ProjectForm.get(project_id=1, kind="training")
    assert f.note == "由培训 L1、L2 学员签字验收，项目经理 周航 签核"
    assert sign_off not in await chat.say("zhou", "/我的")
    assert "培训验收单（学员签字） 11-25 09:00" in await chat.say("zhou", "/项目 P1")
    assert (await chat.say("zhou", "/培训验收 P1")).startswith("项目 P1 的培训验收单已于 11-25 09:00 记录。")
    assert (await chat.say("wu", "/阶段完成 P1 用户培训 两期培训完成")).startswith(
        "项目 P1 的阶段“用户培训”已完成")


async def test_monthly_figures_of_projects_and_training(chat, env, team):  # noqa: F811
    await chat.say("yang", "/项目申请 华东制造 财务软件实施")
    await chat.say("yang", "/项目分配 P1 经理=周航 顾问=吴敏")
    await chat.say("zhou", "/项目计划 P1 总账上线 开始=11-23 结束=11-23 成果=总账上线")
    await chat.say("feng", "/课程 总账操作 类别=操作")
    await chat.say("feng", "/培训计划 总账操作 日期=11-23 地点=三楼 讲师=冯琳 人数=3")
    for unit, name in (("华东制造", "王某"), ("江南商贸", "李某"), ("北方物流", "赵某")):
        await chat.say("sunli", f"/报名 L1 {unit} {name}")
    await chat.say("feng", "/考勤 L1 王某 李某")
    await chat.say("feng", "/成绩录入 L1 王某=80 李某=91")
    # The stage goes late at Monday's close; Tuesday it is delivered and the project accepted.
    # Four working hours before Monday's close the project manager is warned; at it, escalated.
    await chat.skip_pushes()
    start_of_day = env.now()
    env.clock.set(start_of_day + timedelta(hours=4, minutes=31))  # 13:31
    await clocks.tick_until_idle(env)
    warned = by_address(await chat.pushes())
    assert warned == {"user:zhou": [
        "【项目阶段提醒】P1 华东制造有限公司 财务软件实施 总账上线：剩余 3 小时 59 分钟，截止 11-23 17:30。"
        "负责人：周航"]}
    env.clock.set(start_of_day + timedelta(days=1))
    await clocks.tick_until_idle(env)
    late = by_address(await chat.pushes())["user:zhou"]
    assert late[0].startswith("【项目阶段超时·1级升级】P1 华东制造有限公司 财务软件实施 总账上线")
    assert await chat.say("zhangwei", "/项目") == (
        "项目共 1 个：\n【实施中】1 个\nP1 华东制造有限公司「财务软件实施」项目经理：周航 ⚠ 阶段“总账上线”逾期")
    await chat.say("wu", "/阶段完成 P1 总账上线 已上线")
    await chat.say("wu", "/验收 P1 通过")
    month = kpi.Month(2026, 11)
    start, end = month.bounds(env)
    f = await month_figures(env, start, end)
    assert (f.started, f.accepted, f.paused, f.terminated, f.late_stages) == (1, 1, 0, 0, 1)
    assert (f.sessions, f.trainees, f.attended, f.mean_score) == (1, 3, 2, 85.5)
    text = monthly.render_complaints(env, await monthly.build(env, month))
    assert "实施项目：启动 1 个，验收通过 1 个，暂停 0 个，终止 0 个，逾期阶段 1 个。" in text
    assert "用户培训：举办 1 期，学员 3 人（到场 2 人），平均成绩 85.5。" in text
