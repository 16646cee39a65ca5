"""/我的 beyond tickets: each area lists what waits on the caller - the project tasks (daily
logs due, stages owned, acceptance and approvals pending), the training sessions taught or of
one's projects soon, and the change and sensitive requests waiting on them."""
from __future__ import annotations

from tests.test_projects import bj, team  # noqa: F401 (the fixture)


async def test_mine_lists_project_training_and_request_work(chat, env, team):  # noqa: F811
    await chat.say("yang", "/项目申请 华东制造 财务软件实施")
    for who in ("yang", "admin"):
        assert "· P1 华东制造有限公司「财务软件实施」：待分配项目经理和顾问（/项目分配 P1 经理=… 顾问=…）" \
            in await chat.say(who, "/我的")
    await chat.say("yang", "/项目分配 P1 经理=周航 顾问=吴敏")
    await chat.say("zhou", "/项目计划 P1 需求调研 开始=11-23 结束=11-24 成果=调研报告")
    await chat.say("zhou", "/项目计划 P1 用户培训 开始=11-25 结束=11-26 成果=培训验收单 培训")
    await chat.say("feng", "/课程 总账操作 类别=操作")
    await chat.say("feng", "/培训计划 总账操作 日期=11-25 时间=10:00 地点=客户会议室 讲师=冯琳 "
                           "人数=10 项目=P1")

    assert await chat.say("wu", "/我的") == "\n".join([
        "你的未完成工作：",
        "项目：",
        "· P1 华东制造有限公司「财务软件实施」：今天（11-23）的实施日志未写（/日志 P1 内容）",
        "· P1 华东制造有限公司「财务软件实施」：阶段“需求调研”待完成，计划 11-24 结束",
        "· P1 华东制造有限公司「财务软件实施」：阶段“用户培训”待完成，计划 11-26 结束",
        "培训：",
        "· L1「总账操作」11-25 10:00 客户会议室，讲师 冯琳，项目 P1 的培训"])
    assert await chat.say("zhou", "/我的") == "\n".join([
        "你的未完成工作：",
        "项目：",
        "· P1 华东制造有限公司「财务软件实施」：你负责的阶段“需求调研”进行中，计划 11-24 结束",
        "· P1 华东制造有限公司「财务软件实施」：你负责的阶段“用户培训”进行中，计划 11-26 结束",
        "培训：",
        "· L1「总账操作」11-25 10:00 客户会议室，讲师 冯琳，项目 P1 的培训"])
    assert await chat.say("feng", "/我的") == "\n".join([
        "你的未完成工作：", "培训：", "· L1「总账操作」11-25 10:00 客户会议室，你授课，已报名 0/10"])
    assert "P1" not in await chat.say("yang", "/我的")

    # The day's log written, it is no longer owed; a pause waits on both approvers.
    await chat.say("wu", "/日志 P1 完成调研访谈")
    assert "实施日志未写" not in await chat.say("wu", "/我的")
    await chat.say("wu", "/暂停 P1 客户年底结账")
    approve = "· P1 华东制造有限公司「财务软件实施」：暂停申请待你审批（/项目审批 P1 同意或拒绝）"
    for who in ("zhou", "yang", "admin"):
        assert approve in await chat.say(who, "/我的"), who
    await chat.say("zhou", "/项目审批 P1 同意")
    assert approve not in await chat.say("zhou", "/我的")
    assert approve in await chat.say("yang", "/我的")

    # Wednesday 10:30 the class has begun: the trainer owes its attendance.
    env.clock.set(bj(25, 10, 30))
    assert "· L1「总账操作」11-25 10:00 已开课，考勤未记录（/考勤 L1 到场学员…）" in \
        await chat.say("feng", "/我的")

    # A change request submitted before its scan: the applicant owes the scan and the paper,
    # the managers its review; a sensitive request waits on the managers but its engineer.
    await chat.say("zhangwei", "/改需 客户=华东制造 凭证打印增加审核人签章")
    await chat.say("zhaomin", "/敏感申请 客户=北方物流 类型=报表密码 存档=XZ-10")
    assert await chat.say("zhangwei", "/我的") == "\n".join([
        "你的未完成工作：",
        "改需和敏感申请：",
        "· R1 华东制造有限公司：盖章申请扫描件未收到（/附件 R1 后发送）",
        "· R1 华东制造有限公司：纸质申请单待交行政部存档（/申请归档 R1 存档编号）"])
    mine = await chat.say("liujing", "/我的")
    assert "· R1 华东制造有限公司［程序修改］凭证打印增加审核人签章：待审核（/改需审核 R1 同意 预计=… 或 拒绝 原因）" in mine
    assert "· M1 北方物流集团［报表密码］：待审批（/敏感审批 M1 同意 或 拒绝 原因）" in mine
    assert "M1" not in await chat.say("zhaomin", "/我的")
