"""Complaints through the chat, every clock on the fake clock: intake and its 1-hour
confirmation, the 3-hour response, the handling plan, verification within a working day, the
reopen path, HQ feedback within a working day, escalation to HQ, and each refusal."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.services.deadlines import clocks as deadlines
from bot.settings import load_settings
from storage.models import Complaint, ComplaintEvent, Deadline, DeadlineEvent, Staff

BJ = ZoneInfo("Asia/Shanghai")


def bj(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=BJ).astimezone(timezone.utc)


@pytest.fixture
def settings(db_url, tmp_path):
    return load_settings(None, database__url=db_url, simulator__enabled=True,
                         center__general_manager="boss", reports={"dir": str(tmp_path)})


@pytest.fixture
async def boss(demo):
    return await Staff.create(userid="boss", name="王总", roles="manager", team="总经办")


async def tick_at(env, when: datetime) -> None:
    env.clock.set(when)
    await deadlines.tick_until_idle(env)


def by_address(pushes) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in pushes:
        out.setdefault(p.msg.address, []).append(p.text)
    return out


async def clock_row(cid: int, clock: str) -> Deadline:
    return await Deadline.get(object_type="complaint", object_id=cid, clock=clock)


async def test_valid_key_customer_complaint_through_reopen_to_archive(chat, env, boss):
    # Monday 09:00: an engineer records the customer's complaint.
    answer = await chat.say("zhangwei", "/投诉 客户=华东制造 类别=态度 "
                                        "工程师电话里态度生硬，问题拖了两天 联系人=王会计")
    assert answer == ("已登记投诉 C1：华东制造有限公司［服务态度，来源：客户］。\n"
                      "请告知客户：投诉已受理，11-23 13:00 前给予答复。监督员须在 11-23 10:00 前确认。")
    got = by_address(await chat.pushes())
    assert list(got) == ["chat:supervisors"]
    assert got["chat:supervisors"][0].startswith("【新投诉 C1】华东制造有限公司（大客户）")
    ack = await clock_row(1, "complaint_ack")
    assert ack.due_at == bj(23, 10) and ack.owner_id is None

    # 15 minutes before the hour the supervisors are reminded.
    await tick_at(env, bj(23, 9, 45))
    got = by_address(await chat.pushes())
    assert list(got) == ["chat:supervisors"]
    assert got["chat:supervisors"][0].startswith("【投诉受理提醒】C1 华东制造有限公司 服务态度：剩余 15 分钟")

    # 09:55 the supervisor confirms it: the responsible engineer, the managers and, for a key
    # customer, the general manager hear of it.
    env.clock.set(bj(23, 9, 55))
    answer = await chat.say("chenjian", "/投诉确认 C1 有效 责任人=张伟 回电超时属实")
    assert answer.startswith("C1 确认有效，已交 张伟 处理，已通知本人和服务经理群。大客户投诉，已通知总经理。")
    assert answer.endswith("\n时限：投诉回应：剩余 3 小时；一般投诉处理方案：剩余 3 天 7 小时")
    got = by_address(await chat.pushes())
    assert sorted(got) == ["chat:managers", "user:boss", "user:zhangwei"]
    assert got["user:zhangwei"][0].startswith("【投诉处理】C1 由你负责：华东制造有限公司（大客户）［服务态度］")
    assert "请在 11-23 12:55 前联系客户并回应" in got["user:zhangwei"][0]
    assert "处理方案（一般投诉）截止 11-26 17:30" in got["user:zhangwei"][0]
    assert got["user:boss"][0].startswith("【大客户有效投诉】C1 华东制造有限公司")
    ack = await clock_row(1, "complaint_ack")
    assert ack.state == "met" and ack.late is False
    c = await Complaint.get(id=1)
    assert (c.valid, c.counted, c.status, c.department) == (True, True, "handling", "热线组")
    assert c.gm_notified_at == bj(23, 9, 55)

    # The response is due at 12:55: a warning to the engineer at 12:25, the breach at 12:55
    # goes to the engineer and the managers.
    await tick_at(env, bj(23, 12, 25))
    got = by_address(await chat.pushes())
    assert list(got) == ["user:zhangwei"] and got["user:zhangwei"][0].startswith("【投诉回应提醒】C1")
    await tick_at(env, bj(23, 12, 55))
    got = by_address(await chat.pushes())
    assert sorted(got) == ["chat:managers", "user:zhangwei"]
    assert got["chat:managers"][0].startswith("【投诉回应超时·1级升级】C1 华东制造有限公司 服务态度：已到截止时间")

    # 13:10 an interim response (late), the plan still running; only lina or a manager? No:
    # lina is not responsible and is refused, changing nothing.
    env.clock.set(bj(23, 13, 10))
    refused = await chat.say("lina", "/投诉回应 C1 我来回应")
    assert refused == "C1 的责任人是 张伟，只有责任人或服务经理可以回应。"
    assert (await Complaint.get(id=1)).responded_at is None
    answer = await chat.say("zhangwei", "/投诉回应 C1 已致电道歉，明天上午上门重新处理 原因=回电超时 处理中")
    assert answer == "C1 已记录阶段回应；处理方案截止 11-26 17:30，完成后再发 /投诉回应 给出结果。"
    resp = await clock_row(1, "complaint_response")
    assert resp.state == "met" and resp.late is True
    assert (await clock_row(1, "plan_general")).state == "running"

    # Tuesday 10:00 the result: the plan is met, verification due by Wednesday's close.
    await tick_at(env, bj(24, 10))
    await chat.skip_pushes()
    answer = await chat.say("zhangwei", "/投诉回应 C1 上门重新处理完毕，客户确认正常")
    assert answer == "C1 已记录处理结果；监督员须在 11-25 17:30 前联系客户核实。"
    got = by_address(await chat.pushes())
    assert list(got) == ["chat:supervisors"] and got["chat:supervisors"][0].startswith("【投诉待核实】C1")
    plan = await clock_row(1, "plan_general")
    assert plan.state == "met" and plan.late is False
    assert (await clock_row(1, "complaint_verify")).due_at == bj(25, 17, 30)

    # Not satisfied at 11:00: reopened, a new round of response (14:00) and plan clocks.
    env.clock.set(bj(24, 11))
    answer = await chat.say("chenjian", "/投诉核实 C1 不满意 上门时间太晚")
    assert answer == "C1 客户不满意，已退回 张伟 重新调查处理，须在 11-24 14:00 前再次回应。"
    got = by_address(await chat.pushes())
    assert sorted(got) == ["chat:managers", "user:zhangwei"]
    assert got["user:zhangwei"][0].startswith("【投诉重新处理】C1 华东制造有限公司［服务态度］客户不满意（第 1 次），意见：上门时间太晚")
    resp = await clock_row(1, "complaint_response")
    assert (resp.state, resp.cycle, resp.due_at) == ("running", 1, bj(24, 14))
    plan = await clock_row(1, "plan_general")
    assert (plan.state, plan.cycle, plan.due_at) == ("running", 1, bj(27, 17, 30))
    verify = await clock_row(1, "complaint_verify")
    assert verify.state == "met" and verify.late is False
    c = await Complaint.get(id=1)
    assert (c.status, c.reopened, c.satisfied, c.responded_at) == ("handling", 1, False, None)

    # The second round is answered in time and verified: satisfied.
    env.clock.set(bj(24, 11, 30))
    await chat.say("zhangwei", "/投诉回应 C1 经理亲自致歉，并赠送一次上门巡检")
    resp = await clock_row(1, "complaint_response")
    assert (resp.state, resp.late) == ("met", False)
    assert (await clock_row(1, "complaint_verify")).due_at == bj(25, 17, 30)
    env.clock.set(bj(24, 15))
    assert await chat.say("chenjian", "/投诉核实 C1 满意 客户认可") == \
        "C1 客户满意，请写明纠正和预防措施后归档：/投诉归档 C1 纠正=… 预防=…"

    # Archive needs both measures.
    refused = await chat.say("chenjian", "/投诉归档 C1 纠正=向客户致歉")
    assert refused == "C1 归档还缺预防措施：请发送 /投诉归档 C1 纠正=向客户致歉 预防=…"
    assert "C5" not in await chat.say("chenjian", "/投诉归档 C1")
    assert (await Complaint.get(id=1)).status == "verified"
    assert await chat.say("chenjian", "/投诉归档 C1 纠正=向客户致歉并重新上门 预防=回电纳入每日检查") == \
        "C1 已归档。"
    c = await Complaint.get(id=1)
    assert (c.status, c.corrective, c.preventive) == ("archived", "向客户致歉并重新上门", "回电纳入每日检查")
    assert c.hq_feedback_at is None
    assert not await Deadline.filter(object_type="complaint", state__in=("running", "breached")).exists()
    kinds = [e.kind for e in await ComplaintEvent.filter(complaint_id=1).order_by("id")]
    assert kinds == ["registered", "confirmed", "interim", "responded", "reopened", "responded",
                     "verified", "archived"]
    # The first round's late response stays in the clock's history beside the second round's.
    met = await DeadlineEvent.filter(deadline__clock="complaint_response", kind="met") \
        .order_by("id").values_list("detail", flat=True)
    assert met == ["late", "on_time"]
    shown = await chat.say("liujing", "/投诉单 C1")
    assert shown.startswith("C1［已归档］华东制造有限公司（大客户）")
    assert "核实：满意（陈健，11-24 15:00）；客户意见：客户认可；重新处理 1 次" in shown
    assert "归档：11-24 15:00；纠正：向客户致歉并重新上门；预防：回电纳入每日检查" in shown


async def test_hq_complaints_feedback_clock_and_invalid_one(chat, env, boss):
    # A complaint HQ forwarded, outside the service contract: explained, archived, not
    # counted, and the result goes straight back to HQ.
    await chat.say("lina", "/投诉 客户=江南商贸 类别=收费 来源=总部 要求免费上门做二次开发")
    await chat.skip_pushes()
    refused = await chat.say("chenjian", "/投诉确认 C1 无效")
    assert refused.startswith("不属服务范围的投诉，请写明向客户所作的解释说明。")
    assert (await Complaint.get(id=1)).status == "registered"
    answer = await chat.say("chenjian", "/投诉确认 C1 无效 二次开发不在服务合同内，已向客户说明收费标准")
    assert answer == "C1 不属服务范围，已归档，不计入投诉率。处理结果已反馈总部。"
    got = by_address(await chat.pushes())
    assert list(got) == ["chat:hq"]
    assert got["chat:hq"][0].startswith("【投诉处理结果反馈】C1 江南商贸公司［服务收费］")
    assert "结论：不属服务合同范围，已向客户解释：二次开发不在服务合同内" in got["chat:hq"][0]
    c = await Complaint.get(id=1)
    assert (c.valid, c.counted, c.status, c.source, c.channel) == (False, False, "archived", "hq", "总部转来")

    # A valid one from HQ, received by phone at 08:40 and recorded at 09:00.
    await chat.say("lina", "/投诉 客户=北方物流 类别=服务延时 来源=总部 级别=重大 时间=08:40 "
                           "上门一周未到")
    assert (await clock_row(2, "complaint_ack")).due_at == bj(23, 9, 40)
    await chat.say("chenjian", "/投诉确认 C2 有效 责任人=王强")
    assert (await clock_row(2, "plan_major")).due_at == bj(30, 17, 30)
    await chat.say("wangqiang", "/投诉回应 C2 已上门处理完毕")
    await chat.skip_pushes()
    # Verification is due by Tuesday's close: the supervisor who confirmed it is reminded.
    assert (await clock_row(2, "complaint_verify")).due_at == bj(24, 17, 30)
    await tick_at(env, bj(24, 15, 30))
    got = by_address(await chat.pushes())
    assert list(got) == ["user:chenjian"]
    assert got["user:chenjian"][0].startswith("【投诉核实提醒】C2 北方物流集团 服务延时：剩余 2 小时")
    env.clock.set(bj(24, 16))
    answer = await chat.say("chenjian", "/投诉核实 C2 满意")
    assert answer.endswith("总部转来的投诉，须在 11-25 17:30 前归档并反馈总部。")
    fb = await clock_row(2, "complaint_hq_feedback")
    owner = await Staff.get(userid="chenjian")
    assert (fb.due_at, fb.owner_id) == (bj(25, 17, 30), owner.id)

    # Not archived in time: a warning 2 working hours before, the breach to the supervisor and
    # the managers, one working day later the general manager.
    await tick_at(env, bj(25, 15, 30))
    got = by_address(await chat.pushes())
    assert list(got) == ["user:chenjian"]
    assert got["user:chenjian"][0].startswith("【投诉结果反馈总部提醒】C2 北方物流集团 服务延时")
    await tick_at(env, bj(25, 17, 30))
    assert sorted(by_address(await chat.pushes())) == ["chat:managers", "user:chenjian"]
    await tick_at(env, bj(26, 17, 30))
    got = by_address(await chat.pushes())
    assert list(got) == ["user:boss"] and "投诉结果反馈总部超时·2级升级" in got["user:boss"][0]

    env.clock.set(bj(27, 9))
    answer = await chat.say("chenjian", "/投诉归档 C2 纠正=补派工程师 预防=派工超两天自动升级")
    assert answer == "C2 已归档。处理结果已反馈总部。"
    got = by_address(await chat.pushes())
    assert list(got) == ["chat:hq"]
    assert "结论：有效投诉；责任人 王强" in got["chat:hq"][0]
    assert "纠正措施：补派工程师\n预防措施：派工超两天自动升级" in got["chat:hq"][0]
    fb = await clock_row(2, "complaint_hq_feedback")
    assert (fb.state, fb.late) == ("met", True)
    assert (await Complaint.get(id=2)).hq_feedback_at == bj(27, 9)


async def test_unconfirmed_complaint_escalates_and_refusals_change_nothing(chat, env, boss):
    await chat.say("sunli", "/投诉 客户=江南商贸 类别=服务质量 报表还是算错")
    await chat.skip_pushes()
    # Nobody confirms: the breach at 10:00 reaches the supervisors and the managers, HQ at 12:00.
    await tick_at(env, bj(23, 10))
    assert sorted(by_address(await chat.pushes())) == ["chat:managers", "chat:supervisors"]
    await tick_at(env, bj(23, 12))
    got = by_address(await chat.pushes())
    assert list(got) == ["chat:hq"] and got["chat:hq"][0].startswith("【投诉受理超时·2级升级】C1")

    before = await Complaint.get(id=1)
    # Wrong role, missing person, bad words, wrong state: each answered, nothing changed.
    assert (await chat.say("zhangwei", "/投诉确认 C1 有效 责任人=李娜")) == \
        "“/投诉确认”需要以下角色之一：服务监督员。你的角色：工程师。"
    assert await chat.say("chenjian", "/投诉确认 C1 有效") == \
        "有效投诉请写明 责任人=，例如 /投诉确认 C1 有效 责任人=张伟。"
    assert (await chat.say("chenjian", "/投诉确认 C1 也许")).startswith("请写 有效 或 无效")
    assert (await chat.say("chenjian", "/投诉核实 C1 满意")) == "C1 当前状态为“待确认”，不能这样操作。"
    assert (await chat.say("zhangwei", "/投诉回应 C1 已处理")) == "C1 当前状态为“待确认”，不能这样操作。"
    assert (await chat.say("zhangwei", "/投诉 客户=江南商贸 类别=心情 不高兴")).startswith(
        "投诉类别“心情”不对，可选：服务延时、服务质量")
    assert (await chat.say("zhangwei", "/投诉 客户=江南商贸 类别=服务质量 来源=媒体 报道")).startswith(
        "来源“媒体”不对")
    assert (await chat.say("chenjian", "/投诉单 C9")) == "找不到投诉 C9。"
    after = await Complaint.get(id=1)
    assert (after.status, after.valid, after.confirmed_at) == (before.status, None, None)
    assert await Complaint.all().count() == 1

    # Escalation to HQ by a supervisor, with the whole record.
    answer = await chat.say("chenjian", "/投诉升级 C1 涉及产品缺陷，需总部协调研发")
    assert answer == "C1 已升级总部，总部群已收到完整记录。"
    got = by_address(await chat.pushes())
    assert list(got) == ["chat:hq"]
    assert got["chat:hq"][0].startswith("【投诉升级】C1 江南商贸公司（普通）［服务质量，一般］")
    assert "升级原因：涉及产品缺陷，需总部协调研发" in got["chat:hq"][0]
    listed = await chat.say("liujing", "/投诉单")
    assert listed == "未归档的投诉 1 起：\n· C1［待确认］江南商贸公司 服务质量，责任人 -，受理 11-23 09:00"


async def test_mine_lists_my_open_complaints(chat):
    await chat.say("zhangwei", "/投诉 客户=华东制造 类别=服务态度 工程师态度生硬")
    await chat.say("chenjian", "/投诉确认 C1 有效 责任人=李娜")
    mine = await chat.say("lina", "/我的")
    assert "我负责的投诉：" in mine and "C1 华东制造有限公司［服务态度］" in mine
