"""Implementation projects through the chat, every clock on the fake clock: application,
assignment, the plan's stage clocks, a missing daily log reminded then reported, a pause that
one approval leaves pending and two make effective (the clocks stop), resume, acceptance failed
for incomplete stage work, the stage redone, accepted, the implementation form late (the
500-yuan penalty once), the archive; and each refusal changing nothing."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.services.deadlines import clocks as deadlines
from bot.services.penalties import ledger
from bot.services.projects import logs
from storage.models import (
    Deadline,
    DeadlineEvent,
    Penalty,
    Project,
    ProjectLog,
    ProjectRequest,
    ProjectStage,
    Staff,
)

BJ = ZoneInfo("Asia/Shanghai")


def bj(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=BJ).astimezone(timezone.utc)


@pytest.fixture
async def team(demo):
    """The demo roster's implementation department (bot/demo/staff.csv), as `make run` has it."""
    return {s.userid: s for s in await Staff.filter(
        userid__in=("yang", "zhou", "wu", "zheng", "qian", "feng", "admin"))}


def by_address(pushes) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in pushes:
        out.setdefault(p.msg.address, []).append(p.text)
    return out


async def tick_at(env, when: datetime) -> None:
    env.clock.set(when)
    await deadlines.tick_until_idle(env)


async def stage_clock(name: str) -> Deadline:
    s = await ProjectStage.get(name=name)
    return await Deadline.get(object_type="project_stage", object_id=s.id)


async def snapshot() -> tuple:
    """What a refused command must leave as it was."""
    p = await Project.get(id=1)
    stages = [(s.name, s.status, s.reopened) for s in await ProjectStage.all().order_by("id")]
    reqs = [(r.kind, r.status, r.pm_at, r.mgr_at) for r in await ProjectRequest.all()]
    dls = [(d.clock, d.state, d.due_at, d.cycle) for d in await Deadline.all().order_by("id")]
    return p.status, p.manager_id, p.consultants, p.reviewed_at, stages, reqs, dls


async def refused(chat, userid: str, text: str, expect: str) -> None:
    before = await snapshot()
    answer = await chat.say(userid, text)
    assert expect in answer, answer
    assert await snapshot() == before


async def test_project_from_application_to_archive(chat, env, team):
    # Monday 11-23 09:00: the implementation manager applies; an engineer may not.
    answer = await chat.say("zhangwei", "/项目申请 华东制造 财务软件实施")
    assert "实施经理" in answer and await Project.all().count() == 0
    answer = await chat.say("yang", "/项目申请 华东制造 财务软件实施 总账、报表上线")
    assert answer.startswith("已申请项目 P1：华东制造有限公司「财务软件实施」")

    await refused(chat, "yang", "/项目分配 P1 经理=吴敏 顾问=吴敏", "吴敏 不是项目经理")
    await refused(chat, "yang", "/项目分配 P1 经理=周航 顾问=钱进", "钱进 不是实施顾问")
    await refused(chat, "zhou", "/项目计划 P1 调研 开始=11-23 结束=11-24 成果=报告",
                  "项目 P1 当前已申请（待分配）")
    answer = await chat.say("yang", "/项目分配 P1 经理=周航 顾问=吴敏")
    assert answer == "项目 P1 已分配：项目经理 周航，顾问 吴敏，项目进入实施。"
    got = by_address(await chat.pushes())
    assert got["user:zhou"][0].startswith("【项目分配】P1 华东制造有限公司「财务软件实施」由你任项目经理")
    assert got["user:wu"][0].startswith("【项目分配】你参与项目 P1")

    # The plan: each stage's clock is due at the close of its planned end day.
    await refused(chat, "wu", "/项目计划 P1 调研 开始=11-23 结束=11-24 成果=报告", "项目经理")
    await refused(chat, "qian", "/项目计划 P1 调研 开始=11-23 结束=11-24 成果=报告",
                  "只有项目 P1 的项目经理或实施经理可以制定计划")
    await refused(chat, "zhou", "/项目计划 P1 调研 开始=11-25 结束=11-24 成果=报告", "早于开始")
    answer = await chat.say("zhou", "/项目计划 P1 需求调研 开始=11-23 结束=11-24 成果=调研报告")
    assert answer == ("项目 P1 已加入阶段 1“需求调研”（11-23～11-24，成果：调研报告），"
                      "截止 11-24 17:30。")
    await chat.say("zhou", "/项目计划 P1 总账上线 开始=11-25 结束=11-26 成果=总账上线运行")
    first, second = await stage_clock("需求调研"), await stage_clock("总账上线")
    assert first.due_at == bj(24, 17, 30) and first.owner_id == team["zhou"].id
    assert second.due_at == bj(26, 17, 30)

    # Monday's log is written; nothing was owed for it yet (assigned that morning).
    env.clock.set(bj(23, 17))
    assert await chat.say("wu", "/日志 P1 调研财务部核算流程") == "已记录项目 P1 11-23 的实施日志。"
    await refused(chat, "zheng", "/日志 P1 不是我的项目", "你不是项目 P1 的实施顾问")
    await refused(chat, "zhou", "/日志 P1 经理写日志", "实施顾问")

    # Tuesday: the first stage is delivered on time, but no log is written. The 1-day warning of
    # the second stage's clock reaches the project manager on Wednesday afternoon.
    env.clock.set(bj(24, 10))
    answer = await chat.say("wu", "/阶段完成 P1 需求调研 调研报告已由财务部确认")
    assert answer == "项目 P1 的阶段“需求调研”已完成。"
    assert (await stage_clock("需求调研")).state == "met"
    await chat.skip_pushes()

    # Wednesday 09:00: the missing Tuesday log is reminded; 11:00 still missing: reported.
    env.clock.set(bj(25, 9))
    assert await logs.remind(env, bj(25, 9).astimezone(BJ).date()) == 1
    assert await logs.remind(env, bj(25, 9).astimezone(BJ).date()) == 0  # once
    got = by_address(await chat.pushes())
    assert list(got) == ["user:wu"]
    assert got["user:wu"][0].startswith("【日志提醒】你在项目 P1 华东制造有限公司 缺少 11-24 的实施日志")
    env.clock.set(bj(25, 11))
    assert await logs.report(env, bj(25, 11).astimezone(BJ).date()) == 1
    assert await logs.report(env, bj(25, 11).astimezone(BJ).date()) == 0
    got = by_address(await chat.pushes())
    assert got == {"user:zhou": ["【日志缺失】项目 P1 华东制造有限公司：顾问 吴敏 未确认 11-24 的实施日志（已提醒）。"]}
    missing = await ProjectLog.get(day=bj(24, 12).astimezone(BJ).date())
    assert missing.missing and missing.reminded_at == bj(25, 9) and missing.reported_at == bj(25, 11)

    # Wednesday 11:30: the consultant asks for a pause; one approval leaves it pending.
    env.clock.set(bj(25, 11, 30))
    await refused(chat, "zhou", "/暂停 P1 客户年底结账", "实施顾问")
    answer = await chat.say("wu", "/暂停 P1 客户年底结账，要求下周再继续")
    assert answer == "已提交项目 P1 的暂停申请，待项目经理和实施经理审批。"
    # The project manager and every implementation manager of the roster (杨帆, and the
    # demo's administrator, who holds every manager role) are asked, once each.
    got = by_address(await chat.pushes())
    assert sorted(got) == ["user:admin", "user:yang", "user:zhou"]
    assert all(texts == ["【项目暂停申请】P1 华东制造有限公司「财务软件实施」：吴敏 申请暂停，"
                         "原因：客户年底结账，要求下周再继续。须项目经理和实施经理都同意后生效："
                         "/项目审批 P1 同意或拒绝"] for texts in got.values()), got
    await refused(chat, "wu", "/暂停 P1 再申请一次", "已有待审批的暂停申请")
    await refused(chat, "zhangwei", "/项目审批 P1 同意", "项目经理")
    await refused(chat, "qian", "/项目审批 P1 同意", "你都不是")
    await refused(chat, "zhou", "/项目审批 P1 也许", "请写“同意”或“拒绝”")
    answer = await chat.say("zhou", "/项目审批 P1 同意 客户确认")
    assert answer == "已记录你的同意（项目经理），项目 P1 的暂停申请还需另一方同意。"
    assert (await Project.get(id=1)).status == "active"
    assert (await stage_clock("总账上线")).state == "running"
    await refused(chat, "zhou", "/项目审批 P1 同意", "你已审批过")
    answer = await chat.say("yang", "/项目审批 P1 同意")
    assert answer == "项目 P1 的暂停申请已生效。"
    p = await Project.get(id=1)
    assert p.status == "paused" and p.paused_at == bj(25, 11, 30)
    paused = await stage_clock("总账上线")
    assert paused.state == "paused" and paused.next_check_at is None
    # Left at the pause: Wednesday 11:30-12:00 and 13:30-17:30, and Thursday's 7.5 hours.
    assert paused.remaining_s == (4.5 + 7.5) * 3600

    # While paused nothing about the project is reminded, logs included, however long it lasts.
    await chat.skip_pushes()
    await tick_at(env, bj(27, 18))
    env.clock.set(bj(30, 9))
    assert await logs.remind(env, bj(30, 9).astimezone(BJ).date()) == 0
    await tick_at(env, bj(30, 9))
    assert await chat.pushes() == []
    assert (await stage_clock("总账上线")).breached_at is None

    # Monday 11-30 09:00: resumed; the clock gets back the time it had left.
    await refused(chat, "zhangwei", "/恢复 P1", "不是项目 P1 的成员")
    assert await chat.say("wu", "/恢复 P1") == "项目 P1 已恢复实施，时限继续计算。"
    resumed = await stage_clock("总账上线")
    assert resumed.state == "running"
    assert resumed.due_at == env.calendar.add_working_time(bj(30, 9), timedelta(hours=12))
    assert resumed.due_at == datetime(2026, 12, 1, 15, tzinfo=BJ).astimezone(timezone.utc)

    # The stage is delivered; the acceptance fails because its work was incomplete: it reopens.
    await refused(chat, "wu", "/验收 P1 通过", "还有阶段未完成：总账上线")
    env.clock.set(bj(30, 15))
    await chat.say("wu", "/阶段完成 P1 总账上线 总账已上线运行")
    await refused(chat, "wu", "/验收 P1 不通过", "须写明原因")
    await refused(chat, "zheng", "/验收 P1 通过", "不是项目 P1 的成员")
    answer = await chat.say("wu", "/验收 P1 不通过 阶段=总账上线 期初余额未核对")
    assert answer == "项目 P1 验收未通过，阶段“总账上线”退回顾问重做。"
    s = await ProjectStage.get(name="总账上线")
    assert s.status == "open" and s.reopened == 1
    redo = await stage_clock("总账上线")
    assert redo.state == "running" and redo.cycle == 1
    # A reopened stage is given the policy's target (one working day) from the failed evaluation.
    assert redo.due_at == datetime(2026, 12, 1, 17, 30, tzinfo=BJ).astimezone(timezone.utc)
    got = by_address(await chat.pushes())
    assert got["user:wu"][0].startswith("【阶段返工】P1 华东制造有限公司 验收未通过：阶段“总账上线”工作不完整")

    # Tuesday 12-01 10:00: redone and accepted: the implementation form is due in 3 days.
    env.clock.set(datetime(2026, 12, 1, 10, tzinfo=BJ).astimezone(timezone.utc))
    await chat.say("wu", "/阶段完成 P1 总账上线 期初余额已核对，总账运行正常")
    answer = await chat.say("wu", "/验收 P1 通过")
    assert answer == "项目 P1 验收通过，进入终验；实施单须在 12-04 10:00 前取回。"
    form = await Deadline.get(object_type="project", object_id=1, clock="impl_form_due")
    assert form.owner_id == team["zhou"].id
    assert form.due_at == datetime(2026, 12, 4, 10, tzinfo=BJ).astimezone(timezone.utc)

    # The archive waits for the review and every form.
    await refused(chat, "zhou", "/项目归档 P1", "实施经理")
    await refused(chat, "yang", "/项目归档 P1", "尚未经项目经理（周航）审核")
    await refused(chat, "wu", "/验收 P1 审核", "只有项目 P1 的项目经理")
    assert await chat.say("zhou", "/验收 P1 审核 资料齐全") == "项目 P1 的资料已审核，待实施经理归档。"
    answer = await chat.say("wu", "/交表 P1 上线计划 客户财务部确认")
    assert answer == ("已记录项目 P1 的上线计划（与客户确认）。还缺：实施单（客户签字盖章）、"
                      "培训验收单（学员签字）。")
    await chat.say("wu", "/交表 P1 培训验收")
    await refused(chat, "wu", "/交表 P1 上线计划", "已交回")
    await refused(chat, "yang", "/项目归档 P1", "还缺：实施单（客户签字盖章），不能归档")

    # One day before: the project manager is warned; at the due time, escalated.
    await chat.skip_pushes()
    await tick_at(env, datetime(2026, 12, 3, 10, 1, tzinfo=BJ).astimezone(timezone.utc))
    got = by_address(await chat.pushes())
    assert got["user:zhou"][0].startswith("【实施单取回提醒】P1 华东制造有限公司 财务软件实施")
    await tick_at(env, datetime(2026, 12, 4, 10, 5, tzinfo=BJ).astimezone(timezone.utc))
    got = by_address(await chat.pushes())
    assert got["user:zhou"][0].startswith("【实施单取回超时·1级升级】P1")
    assert "chat:managers" in got

    # The 500-yuan penalty, once, whatever reruns the scan.
    issued = await ledger.scan(env)
    assert [(p.rule, p.amount, p.staff_id) for p in issued] == [
        ("impl_form_late", 500, team["zhou"].id)]
    assert await ledger.scan(env) == []
    assert await Penalty.filter(rule="impl_form_late").count() == 1

    # Handed in late; now the archive goes through and no clock is left open.
    answer = await chat.say("wu", "/交表 P1 实施单 客户签字盖章")
    assert answer == "已记录项目 P1 的实施单（客户签字盖章）。"
    form = await Deadline.get(object_type="project", object_id=1, clock="impl_form_due")
    assert form.state == "met" and form.late is True
    assert await chat.say("yang", "/项目归档 P1") == "项目 P1 已归档。"
    assert (await Project.get(id=1)).status == "archived"
    assert await Deadline.filter(state__in=("running", "paused", "breached")).count() == 0
    assert await ledger.scan(env) == []

    page = await chat.say("zhangwei", "/项目 P1")
    assert page.startswith("项目 P1 华东制造有限公司「财务软件实施」［已归档］")
    for part in ("2. 总账上线 11-25～11-26，成果：总账上线运行［已完成（第 1 次返工）］",
                 "11-24 吴敏：（缺失）", "暂停申请：客户年底结账，要求下周再继续［已生效；项目经理：周航；实施经理：杨帆］",
                 "验收未通过：阶段“总账上线”工作不完整", "实施经理归档"):
        assert part in page, part
    assert "P1" not in await chat.say("zhangwei", "/项目")
    assert "P1" in await chat.say("zhangwei", "/项目 全部")
    kinds = set(await DeadlineEvent.all().values_list("kind", flat=True))
    assert {"started", "paused", "resumed", "met", "warned", "breached", "escalated"} <= kinds


async def test_failed_for_a_product_gap_then_terminated_by_both(chat, env, team):
    await chat.say("yang", "/项目申请 江南商贸 进销存实施")
    await chat.say("yang", "/项目分配 P1 经理=周航 顾问=吴敏,郑凯")
    await chat.say("zhou", "/项目计划 P1 库存上线 开始=11-23 结束=11-23 成果=库存上线")
    await chat.say("zheng", "/阶段完成 P1 库存上线 已上线")
    await refused(chat, "wu", "/终止 P1 产品不支持", "当前实施中")
    answer = await chat.say("wu", "/验收 P1 不通过 原因=产品差距 客户要求的批次管理产品不支持")
    assert answer == "项目 P1 验收未通过（产品差距），可申请终止：/终止 P1 原因"
    assert (await Project.get(id=1)).status == "failed"
    await chat.say("zheng", "/终止 P1 批次管理产品不支持，无法解决")
    assert "已驳回" in await chat.say("yang", "/项目审批 P1 拒绝 先与总部沟通")
    assert (await Project.get(id=1)).status == "failed"
    await chat.say("zheng", "/终止 P1 总部确认不支持")
    await chat.say("yang", "/项目审批 P1 同意")
    assert (await Project.get(id=1)).status == "failed"
    assert await chat.say("zhou", "/项目审批 P1 同意") == "项目 P1 的终止申请已生效。"
    assert (await Project.get(id=1)).status == "terminated"
    assert await Deadline.filter(state__in=("running", "paused", "breached")).count() == 0


async def test_help_documents_the_project_and_training_commands(chat, team):
    answer = await chat.say("yang", "/帮助 项目申请")
    assert "/项目申请 华东制造 财务软件实施 总账、报表、固定资产上线 首访=S3" in answer
    listing = await chat.say("wu", "/帮助")
    for name in ("/日志", "/阶段完成", "/暂停", "/验收", "/项目", "/成绩"):
        assert name in listing, name
    assert "/项目申请" not in listing  # the implementation manager's, not a consultant's
