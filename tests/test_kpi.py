"""The center's targets: /指标 on a generated month against figures computed by hand, the
month parsing, and the warning to the managers when the month so far projects a miss (linear
projection over working time; once a day at most)."""
from __future__ import annotations

from datetime import date

import pytest

from bot.errors import UsageError
from bot.services.reports import jobs as reports_jobs, kpi
from storage.models import Complaint, Customer, FollowUp, Staff, Ticket
from tests.month_data import EXPECTED_KPI, bj, generate


async def test_kpi_of_a_generated_month_equals_the_hand_computation(chat, env):
    await generate()
    env.clock.set(bj(12, 1, 9))
    assert await chat.say("liujing", "/指标 2026-11") == EXPECTED_KPI
    assert await chat.say("chenjian", "/指标 上月") == EXPECTED_KPI
    k = await kpi.month_kpi(env, kpi.Month(2026, 11))
    assert (k.services, k.valid, k.complaint_rate.value) == (40, 3, 3 / 40)
    assert (k.visits, k.satisfied, k.satisfaction.value) == (10, 7, 0.7)
    assert k.means == (4.2, 4.3, 4.1)
    assert (k.compliance.num, k.compliance.den) == (14, 20)
    assert (k.rate_ok(), k.satisfaction_ok()) == (False, False)
    # October holds only the rows just before the month: one ticket, one valid complaint, one
    # visit scored 1-1-1, one on-time claim.
    assert await chat.say("liujing", "/指标 2026年10月") == "\n".join([
        "【指标】2026-10（截至 月末）",
        "完成服务 2 次（热线工单解决 1，上门派工核销 1）",
        "投诉率：1/2 = 50.0%（目标 < 5%）未达标",
        "投诉受理 1 起：有效 1，不属服务范围 0，待确认 0",
        "满意度：0/1 = 0.0%（三项平均 ≥ 4 分为满意；目标 ≥ 85%）未达标",
        "回访平均分：响应及时 1.00，服务技能 1.00，服务态度 1.00",
        "时限达标率：1/1 = 100.0%",
        "· 接单：1/1 = 100.0%（超时完成 0，超时未完成 0）"])
    assert (await chat.say("sunli", "/指标")).startswith("“/指标”需要")
    assert (await chat.say("liujing", "/指标 2027-01")).startswith("2027-01 还没开始。")
    assert (await chat.say("liujing", "/指标 十一月")).startswith("“十一月”不是月份")


def test_month_words(env):
    # The env's clock is Monday 2026-11-23.
    assert kpi.parse_month(env, "") == kpi.Month(2026, 11)
    assert kpi.parse_month(env, "上个月") == kpi.Month(2026, 10)
    assert kpi.parse_month(env, "2026/3") == kpi.Month(2026, 3)
    assert kpi.parse_month(env, "12月") == kpi.Month(2025, 12)
    assert kpi.Month(2026, 12).next() == kpi.Month(2027, 1)
    assert kpi.Month(2026, 1).prev() == kpi.Month(2025, 12)
    with pytest.raises(UsageError):
        kpi.parse_month(env, "2026-13")


async def _month_so_far(services: int, valid: int, scores: list[tuple[int, int, int]]) -> None:
    """By Monday 11-23 09:00: `services` tickets solved 11-02..11-20, `valid` valid complaints,
    visits with `scores`."""
    zhang = await Staff.get(userid="zhangwei")
    east = await Customer.get(name="华东制造有限公司")
    days = [2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 16, 17, 18, 19, 20]
    for i in range(services):
        at = bj(11, days[i % len(days)], 10 + i // len(days))
        await Ticket.create(customer=east, description=f"问题 {i}", creator=zhang, owner=zhang,
                            status="resolved", created_at=at, resolved_at=at, solution="好")
    for i in range(valid):
        await Complaint.create(customer=east, category="服务态度", content="态度差",
                               received_at=bj(11, 10 + i), created_at=bj(11, 10 + i),
                               registered_by=zhang, valid=True, counted=True,
                               status="handling", responsible=zhang,
                               confirmed_at=bj(11, 10 + i, 11))
    for i, (t, s, a) in enumerate(scores):
        ticket = await Ticket.get(description=f"问题 {i}")
        await FollowUp.create(service_key=f"ticket:{ticket.id}", ticket=ticket, customer=east,
                              engineer=zhang, service_at=ticket.resolved_at, status="done",
                              created_at=ticket.resolved_at, visited_at=bj(11, 20, 15),
                              timeliness=t, skill=s, attitude=a)


async def test_projected_miss_warns_the_managers_once_a_day(chat, env):
    # November 2026: 21 working days of 7.5 h = 157.5 h; by Monday 11-23 09:00, 15 days and
    # half an hour = 113 h are gone: 113 / 157.5 = 71.7%.
    await _month_so_far(20, 2, [(5, 5, 5), (4, 4, 4), (3, 3, 3), (2, 4, 4), (5, 5, 5)])
    env.clock.set(bj(11, 23, 9))
    shown = await chat.say("liujing", "/指标")
    assert shown.startswith("【指标】2026-11（截至 11-23 09:00）\n完成服务 20 次（热线工单解决 20，上门派工核销 0）\n"
                            "投诉率：2/20 = 10.0%（目标 < 5%）未达标")
    # 20 / 0.7175 = 27.9 services and 2 / 0.7175 = 2.8 complaints projected; under 5% of 27.9
    # (1.39) at most 1 valid complaint is allowed.
    assert shown.endswith("预测：本月工作时间已过 72%，按此线性推算月底完成服务约 28 次、有效投诉约 2.8 起；"
                          "投诉率要达标，本月有效投诉最多 1 起（已有 2 起）。")
    await chat.skip_pushes()

    env.clock.set(bj(11, 23, 10))
    assert await reports_jobs.kpi_watch(env, date(2026, 11, 23)) == ["complaint_rate",
                                                                    "satisfaction"]
    pushes = await chat.pushes()
    assert [p.msg.address for p in pushes] == ["chat:managers", "chat:managers"]
    assert pushes[0].text == ("【指标预警】2026-11 投诉率 2/20 = 10.0%，高于目标 5%。本月工作时间已过 72%，"
                              "线性推算月底完成服务约 28 次、有效投诉约 2.8 起；要达标，本月有效投诉最多 1 起。")
    # Satisfied: 15, 12 and 15 points of five visits: 3/5.
    assert pushes[1].text == "【指标预警】2026-11 满意度 3/5 = 60.0%，低于目标 85%（本月工作时间已过 72%）。"
    # Again the same day (another instance, a complaint confirmed): nothing more.
    env.clock.set(bj(11, 23, 16))
    await reports_jobs.kpi_watch(env, date(2026, 11, 23))
    assert await chat.pushes() == []
    # The next working day it warns again.
    env.clock.set(bj(11, 24, 10))
    await reports_jobs.kpi_watch(env, date(2026, 11, 24))
    assert len(await chat.pushes()) == 2


async def test_no_warning_while_on_target_or_too_few_services(chat, env):
    await _month_so_far(9, 1, [(5, 5, 5)] * 4)
    env.clock.set(bj(11, 23, 10))
    # 1/9 is above 5% but 9 services are below warn_min_services (10); 4 visits below 5.
    assert await kpi.watch(env) == []
    zhang = await Staff.get(userid="zhangwei")
    east = await Customer.get(name="华东制造有限公司")
    for i in range(21):
        await Ticket.create(customer=east, description=f"更多 {i}", creator=zhang, owner=zhang,
                            status="resolved", created_at=bj(11, 20), resolved_at=bj(11, 20),
                            solution="好")
    # 1/30 = 3.3% is on target.
    assert await kpi.watch(env) == []
    assert await chat.pushes() == []
