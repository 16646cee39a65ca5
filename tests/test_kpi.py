"""The center's targets: /指标 on a generated month against figures computed by hand, the
month parsing, and the warning to the managers when the month so far projects a miss (linear
projection over working time; once a day at most)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.calendar import WorkCalendar
from bot.errors import UsageError
from bot.runtime import Runtime
from bot.services.reports import jobs as reports_jobs, kpi, texts
from bot.settings import load_settings
from storage.models import Complaint, Customer, Deadline, FollowUp, Staff, Ticket
from storage.models.deadlines import BREACHED, CANCELLED, MET, PAUSED, RUNNING
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


# -- targets at their edges, on figures built by hand --------------------------------------------

def _env(env, **reports) -> Runtime:
    return replace(env, settings=load_settings(None, database__url=env.settings.database.url, reports=reports))


def _kpi(env, *, services: int = 20, valid: int = 0, visits: int = 20, satisfied: int = 20,
         clocks: tuple[kpi.ClockStat, ...] = (), as_of=None) -> kpi.MonthKpi:
    month = kpi.Month(2026, 11)
    start, end = month.bounds(env)
    return kpi.MonthKpi(month=month, start=start, end=end, as_of=as_of or end, tickets_solved=services,
                        visits_written_off=0, received=valid, valid=valid, invalid=0, unconfirmed=0,
                        visits=visits, satisfied=satisfied,
                        means=(4.0, 4.5, 5.0) if visits else (None, None, None), clocks=list(clocks),
                        cfg=env.settings.reports)


def test_month_bounds_are_local_midnights(env):
    assert kpi.Month(2026, 11).bounds(env) == (bj(11, 1, 0), bj(12, 1, 0))
    assert kpi.Month(2026, 11).key == "2026-11" and kpi.Month(2026, 11).prev() == kpi.Month(2026, 10)


def test_exactly_5_percent_misses_and_exactly_85_percent_meets(env):
    k = _kpi(env, services=20, valid=1, visits=20, satisfied=17)
    assert (k.rate_ok(), k.satisfaction_ok()) == (False, True)
    lines = kpi.render(env, k).split("\n")
    assert lines[2] == "投诉率：1/20 = 5.0%（目标 < 5%）未达标"
    assert lines[4] == "满意度：17/20 = 85.0%（三项平均 ≥ 4 分为满意；目标 ≥ 85%）达标"
    p = kpi.project(env, k)
    # At the month's end: 20 services allow no valid complaint, since one is exactly 5%.
    assert (p.fraction, p.services, p.valid, p.allowed, p.misses) == (1.0, 20, 1, 0, ["complaint_rate"])
    on_target = _kpi(env, services=21, valid=1, visits=20, satisfied=16)
    assert (on_target.rate_ok(), on_target.satisfaction_ok()) == (True, False)
    assert kpi.render(env, on_target).split("\n")[2] == "投诉率：1/21 = 4.8%（目标 < 5%）达标"
    assert kpi.project(env, on_target).allowed == 1


def test_a_month_without_figures_says_so(env):
    k = _kpi(env, services=0, visits=0, satisfied=0)
    assert (k.rate_ok(), k.satisfaction_ok(), k.compliance.value) == (None, None, None)
    assert kpi.render(env, k, kpi.project(env, k)).split("\n") == [
        "【指标】2026-11（截至 月末）",
        "完成服务 0 次（热线工单解决 0，上门派工核销 0）",
        "投诉率：0/0 = —（目标 < 5%）（暂无数据）",
        "投诉受理 0 起：有效 0，不属服务范围 0，待确认 0",
        "满意度：0/0 = —（三项平均 ≥ 4 分为满意；目标 ≥ 85%）（暂无数据）",
        "时限达标率：0/0 = —"]
    assert kpi.project(env, k).misses == []


def test_projection_at_the_months_first_instant_and_late_in_the_month(env):
    start, _ = kpi.Month(2026, 11).bounds(env)
    first = kpi.project(env, _kpi(env, services=0, as_of=start))
    assert (first.fraction, first.services, first.valid, first.allowed) == (0, None, None, None)
    # By Friday 11-27 17:30, 20 of 21 working days are gone: 150 / 157.5 h = 95%.
    k = _kpi(env, services=20, valid=2, as_of=bj(11, 27, 17, 30))
    assert kpi.render(env, k, kpi.project(env, k)).split("\n")[-1] == (
        "预测：本月工作时间已过 95%，按此线性推算月底完成服务约 21 次、有效投诉约 2.1 起；"
        "投诉率要达标，本月有效投诉最多 1 起（已有 2 起）。")
    assert kpi.project(env, _kpi(env, services=10, valid=0)).allowed == 0


def test_a_month_without_working_time_counts_as_gone(env):
    nov = [date(2026, 11, d) for d in range(1, 31)]
    idle = replace(env, calendar=WorkCalendar(days_off=nov))
    p = kpi.project(idle, _kpi(idle, services=12, valid=1, as_of=bj(11, 15)))
    assert (p.fraction, p.services, p.valid) == (1.0, 12, 1)


def test_warning_thresholds(env):
    # Exactly warn_min_services (10) services are enough to warn; 4 visits are too few.
    assert kpi.project(env, _kpi(env, services=10, valid=1, visits=4, satisfied=0)).misses == ["complaint_rate"]
    assert kpi.project(env, _kpi(env, services=9, valid=1, visits=5, satisfied=0)).misses == ["satisfaction"]
    # With the minimums set to 0, one service or one visit is still needed.
    eager = _env(env, warn_min_services=0, warn_min_visits=0)
    assert kpi.project(eager, _kpi(eager, services=1, valid=1, visits=1, satisfied=0)).misses == [
        "complaint_rate", "satisfaction"]


def test_compliance_warns_only_below_a_set_target(env):
    strict = _env(env, compliance_target=0.9)
    at_target = (kpi.ClockStat("ticket_claim", "接单", on_time=9, late=1),)
    below = (kpi.ClockStat("ticket_claim", "接单", on_time=8, late=1, overdue=1),)
    assert kpi.project(strict, _kpi(strict, clocks=at_target)).misses == []
    assert kpi.project(strict, _kpi(strict, clocks=below)).misses == ["compliance"]
    assert kpi.project(strict, _kpi(strict)).misses == []  # no clock due: nothing to judge
    assert kpi.project(env, _kpi(env, clocks=below)).misses == []  # target 0: no warning


def test_bare_months_and_their_edges(env):
    # The env's clock is Monday 2026-11-23: "11月" typed in November is this November.
    assert kpi.parse_month(env, "11月") == kpi.Month(2026, 11)
    assert kpi.parse_month(env, "1月") == kpi.Month(2026, 1)
    assert kpi.parse_month(env, "2026-11") == kpi.Month(2026, 11)
    assert kpi.parse_month(env, "2026年 9 月") == kpi.Month(2026, 9)
    for text, message in [("2026-13", texts.KPI_BAD_MONTH.format(text="2026-13")),
                          ("13月", texts.KPI_BAD_MONTH.format(text="13月")),
                          ("0月", texts.KPI_BAD_MONTH.format(text="0月")),
                          ("2026-12", texts.KPI_FUTURE_MONTH.format(month="2026-12"))]:
        with pytest.raises(UsageError) as exc:
            kpi.parse_month(env, text)
        assert str(exc.value) == message


# -- counted in the database ---------------------------------------------------------------------

async def test_clock_compliance_counts_settled_deadlines_and_warns_with_the_worst(chat, env):
    env.clock.set(bj(11, 23, 10))
    rows = [
        ("ticket_claim", bj(11, 3), MET, False, None), ("ticket_claim", bj(11, 4), MET, False, None),
        ("ticket_claim", bj(11, 5), MET, False, None), ("ticket_claim", bj(11, 6), MET, True, None),
        ("ticket_callback", bj(11, 9), MET, False, None), ("ticket_callback", bj(11, 20), BREACHED, None, None),
        ("ticket_callback", bj(11, 19), PAUSED, None, 0),
        ("old_clock", bj(11, 10), MET, False, None), ("older_clock", bj(11, 11), MET, False, None),
        # Not counted: due after now, paused with time left, cancelled, due in October.
        ("ticket_claim", bj(11, 25), RUNNING, None, None), ("ticket_claim", bj(11, 19), PAUSED, None, 1),
        ("ticket_callback", bj(11, 18), CANCELLED, None, 0), ("ticket_claim", bj(10, 30), MET, True, None),
    ]
    await Deadline.bulk_create([
        Deadline(object_type="ticket", object_id=i, clock=clock, state=state, started_at=due,
                 anchor_at=due, due_at=due, late=late, remaining_s=left,
                 closed_at=due if state in (MET, CANCELLED) else None)
        for i, (clock, due, state, late, left) in enumerate(rows, 1)])
    k = await kpi.month_kpi(env, kpi.Month(2026, 11))
    assert [(c.label, c.on_time, c.late, c.overdue) for c in k.clocks] == [
        ("old_clock", 1, 0, 0), ("older_clock", 1, 0, 0), ("回电", 1, 0, 2), ("接单", 3, 1, 0)]
    assert await kpi.watch(_env(env, compliance_target=0.9)) == ["compliance"]
    assert [p.text for p in await chat.pushes()] == [
        "【指标预警】2026-11 时限达标率 6/9 = 66.7%，低于目标 90%。最低：回电 33.3%、接单 75.0%、old_clock 100.0%。"]


async def test_complaints_and_visits_of_a_month_in_order_with_their_people(demo, env):
    zhang, chen = await Staff.get(userid="zhangwei"), await Staff.get(userid="chenjian")
    east = await Customer.get(name="华东制造有限公司")
    for day in (20, 10, 10):
        await Complaint.create(customer=east, category="服务态度", content=f"{day} 日", received_at=bj(11, day),
                               created_at=bj(11, day), registered_by=zhang, confirmed_by=chen,
                               responsible=zhang, verified_by=chen, archived_by=chen)
    ticket = await Ticket.create(customer=east, description="问题", creator=zhang, owner=zhang,
                                 status="resolved", created_at=bj(11, 2), resolved_at=bj(11, 2))
    for key, day, status in [("a", 12, "done"), ("b", 11, "done"), ("c", 11, "done"), ("d", 11, "due")]:
        await FollowUp.create(service_key=key, ticket=ticket, customer=east, engineer=zhang, visitor=chen,
                              assignee=zhang, service_at=bj(11, 2), created_at=bj(11, 2), status=status,
                              visited_at=bj(11, day), timeliness=5, skill=5, attitude=5)
    start, end = kpi.Month(2026, 11).bounds(env)
    found = await kpi.complaints_in(start, end)
    assert [c.content for c in found] == ["10 日", "10 日", "20 日"] and found[0].id < found[1].id
    assert {(c.customer.name, c.registered_by.userid, c.confirmed_by.userid, c.responsible.userid,
             c.verified_by.userid, c.archived_by.userid) for c in found} == {
        ("华东制造有限公司", "zhangwei", "chenjian", "zhangwei", "chenjian", "chenjian")}
    visits = await kpi.visits_in(start, end)
    assert [f.service_key for f in visits] == ["b", "c", "a"]  # the one still due is no visit
    assert {(f.ticket.description, f.customer.name, f.engineer.userid, f.visitor.userid, f.assignee.userid)
            for f in visits} == {("问题", "华东制造有限公司", "zhangwei", "chenjian", "zhangwei")}
