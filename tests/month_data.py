"""A deterministic month of activity (November 2026) written straight into the database, with
rows just outside the month on both sides, so the tests can compare every figure of /指标 and of
the monthly reports with figures computed by hand (see EXPECTED and the comments).

November 2026 has 21 working days (2-6, 9-13, 16-20, 23-27, 30), 7.5 working hours each.
"""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from storage.models import Complaint, Customer, Deadline, Dispatch, FollowUp, Staff, Ticket

BJ = ZoneInfo("Asia/Shanghai")
WORKDAYS = [d for d in range(1, 31) if datetime(2026, 11, d).weekday() < 5]
assert len(WORKDAYS) == 21


def bj(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BJ).astimezone(timezone.utc)


# Scores of the ten November visits: (timeliness, skill, attitude, engineer userid).
# Satisfied (average >= 4, i.e. sum >= 12): 1, 2, 3, 5, 7, 8, 10 -> 7 of 10 = 70.0%.
# Means: timeliness 42/10 = 4.20, skill 43/10 = 4.30, attitude 41/10 = 4.10.
VISITS = [(5, 5, 5, "zhangwei"), (4, 4, 4, "zhangwei"), (5, 4, 3, "zhangwei"),
          (3, 4, 4, "zhangwei"), (5, 5, 4, "zhangwei"), (2, 3, 3, "lina"), (4, 5, 5, "lina"),
          (5, 5, 5, "lina"), (4, 4, 3, "wangqiang"), (5, 4, 5, "wangqiang")]

EXPECTED_KPI = "\n".join([
    "【指标】2026-11（全月）",
    "完成服务 40 次（热线工单解决 36，上门派工核销 4）",
    "投诉率：3/40 = 7.5%（目标 < 5%）未达标",
    "投诉受理 5 起：有效 3，不属服务范围 1，待确认 1",
    "满意度：7/10 = 70.0%（三项平均 ≥ 4 分为满意；目标 ≥ 85%）未达标",
    "回访平均分：响应及时 4.20，服务技能 4.30，服务态度 4.10",
    "时限达标率：14/20 = 70.0%",
    "· 投诉受理：2/2 = 100.0%（超时完成 0，超时未完成 0）",
    "· 投诉回应：2/3 = 66.7%（超时完成 1，超时未完成 0）",
    "· 一般投诉处理方案：0/1 = 0.0%（超时完成 0，超时未完成 1）",
    "· 回电：2/4 = 50.0%（超时完成 1，超时未完成 1）",
    "· 接单：8/9 = 88.9%（超时完成 1，超时未完成 0）",
    "· 会诊答复：0/1 = 0.0%（超时完成 0，超时未完成 1）",
])


async def _people() -> dict[str, Staff]:
    return {s.userid: s for s in await Staff.all()}


async def generate() -> dict:
    """Write the month; returns the people and customers used."""
    p = await _people()
    east = await Customer.get(name="华东制造有限公司")
    south = await Customer.get(name="江南商贸公司")
    north = await Customer.get(name="北方物流集团")
    customers = [east, south, north]

    # Tickets: 36 solved in November (one every working day at 10:00, 11:00, ... round robin),
    # plus one solved 10-31, one solved 12-01 00:00 (outside), a duplicate and two open ones.
    tickets = []
    for i in range(36):
        day = WORKDAYS[i % 21]
        solved = bj(11, day, 10 + i // 21)
        tickets.append(Ticket(customer=customers[i % 3], description=f"问题 {i + 1}",
                              creator=p["zhangwei"], owner=p["zhangwei"], status="resolved",
                              created_at=solved, resolved_at=solved, solution="已解决"))
    tickets.append(Ticket(customer=east, description="十月的问题", creator=p["lina"],
                          owner=p["lina"], status="resolved", created_at=bj(10, 31, 9),
                          resolved_at=bj(10, 31, 23, 59), solution="已解决"))
    tickets.append(Ticket(customer=east, description="十二月的问题", creator=p["lina"],
                          owner=p["lina"], status="resolved", created_at=bj(11, 30, 17),
                          resolved_at=bj(12, 1, 0, 0), solution="已解决"))
    tickets.append(Ticket(customer=south, description="未结问题一", creator=p["lina"],
                          owner=p["lina"], status="claimed", created_at=bj(11, 27)))
    tickets.append(Ticket(customer=south, description="未结问题二", creator=p["lina"],
                          owner=p["lina"], status="new", created_at=bj(11, 30)))
    await Ticket.bulk_create(tickets)
    first = await Ticket.get(description="问题 1")
    await Ticket.create(customer_id=first.customer_id, description="问题 1（重复）", creator=p["lina"],
                        owner=p["lina"], status="closed", created_at=bj(11, 2, 10, 5),
                        duplicate_of=first)

    # Visits written off: 4 in November, one 10-30, one finished but not written off.
    for i, (month, day) in enumerate([(11, 3), (11, 12), (11, 19), (11, 30), (10, 30), (11, 27)]):
        ticket = await Ticket.get(description=f"问题 {i + 1}")
        await Dispatch.create(ticket=ticket, status="written_off" if i < 5 else "done",
                              requested_at=bj(month, day, 8), engineer=p["wangqiang"],
                              finished_at=bj(month, day, 15),
                              written_off_at=bj(month, day, 17) if i < 5 else None)

    # Complaints: received in November 5 (valid 3, outside the contract 1, unconfirmed 1),
    # one valid received 10-31 23:30 and one 12-01 00:00: outside the month.
    def complaint(**kw) -> Complaint:
        base = dict(customer=east, category="服务态度", content="投诉内容", channel="电话",
                    registered_by=p["zhangwei"], source="customer")
        base.update(kw)
        base.setdefault("created_at", base["received_at"])
        return Complaint(**base)

    await Complaint.bulk_create([
        complaint(received_at=bj(10, 31, 23, 30), valid=True, counted=True, status="archived",
                  confirmed_by=p["chenjian"], confirmed_at=bj(11, 2, 9),
                  responsible=p["lina"]),
        # Valid, archived, reopened once: 服务态度, zhangwei.
        complaint(received_at=bj(11, 5, 9), valid=True, counted=True, status="archived",
                  confirmed_by=p["chenjian"], confirmed_at=bj(11, 5, 9, 30),
                  responsible=p["zhangwei"], department="热线组", cause="回电超时",
                  measure="致歉并上门", reopened=1, satisfied=True, verified_at=bj(11, 6),
                  verified_by=p["chenjian"], corrective="重新上门", preventive="回电纳入检查",
                  archived_by=p["chenjian"], archived_at=bj(11, 6, 15), contact="王会计",
                  phone="13900000001"),
        # Valid, forwarded by HQ, major, fed back: 服务延时, wangqiang.
        complaint(customer=north, category="服务延时", source="hq", channel="总部转来",
                  level="major", received_at=bj(11, 16, 14), valid=True, counted=True,
                  status="archived", confirmed_by=p["chenjian"], confirmed_at=bj(11, 16, 14, 30),
                  responsible=p["wangqiang"], cause="派工积压", measure="当天补派",
                  corrective="补派工程师", preventive="派工超两天自动升级",
                  archived_at=bj(11, 18), archived_by=p["chenjian"],
                  hq_feedback_at=bj(11, 18), escalated_at=bj(11, 17),
                  escalation_note="需总部协调"),
        # Valid, still being handled, received in the last minutes of the month.
        complaint(received_at=bj(11, 30, 23, 50), valid=True, counted=True, status="handling",
                  confirmed_by=p["chenjian"], confirmed_at=bj(12, 1, 8, 40),
                  responsible=p["zhangwei"]),
        # Outside the service contract: not counted.
        complaint(customer=south, category="服务收费", received_at=bj(11, 10), valid=False,
                  counted=False, status="archived", confirmed_by=p["chenjian"],
                  confirmed_at=bj(11, 10, 10, 20), confirm_note="二次开发不在合同内",
                  archived_at=bj(11, 10, 10, 20), archived_by=p["chenjian"]),
        # Not yet confirmed.
        complaint(customer=south, category="服务质量", received_at=bj(11, 30, 17)),
        complaint(received_at=bj(12, 1, 0, 0), valid=True, counted=True, status="handling",
                  confirmed_by=p["chenjian"], confirmed_at=bj(12, 1, 8),
                  responsible=p["lina"]),
    ])

    # Follow-up visits: ten in November (VISITS), one 10-31, one still due.
    for i, (t, s, a, who) in enumerate(VISITS):
        ticket = await Ticket.get(description=f"问题 {i + 7}")
        day = WORKDAYS[2 * i]
        issue = {}
        if i == 5:
            issue = dict(issue_kind="leftover", issue="上月的凭证问题", issue_status="closed",
                         assignee=p["lina"], assigned_by=p["liujing"],
                         assigned_at=bj(11, day, 15), issue_result="已处理",
                         issue_closed_at=bj(11, day, 16))
        elif i == 8:
            issue = dict(issue_kind="doubt", issue="年结取数", issue_status="open")
        await FollowUp.create(service_key=f"ticket:{ticket.id}", ticket=ticket,
                              customer_id=ticket.customer_id, engineer=p[who],
                              service_at=bj(11, day, 9), status="done", listed_on=None,
                              created_at=bj(11, day, 9), visitor=p["chenjian"],
                              visited_at=bj(11, day, 14), timeliness=t, skill=s, attitude=a,
                              remarks=f"意见 {i + 1}", **issue)
    for key, visited, desc in (("ticket:9001", bj(10, 31, 10), "问题 20"),
                               ("ticket:9002", None, "问题 21")):
        ticket = await Ticket.get(description=desc)
        await FollowUp.create(service_key=key, ticket=ticket, customer_id=ticket.customer_id,
                              engineer=p["lina"], service_at=bj(10, 30), created_at=bj(10, 30),
                              status="done" if visited else "due", visitor=p["chenjian"],
                              visited_at=visited, timeliness=1 if visited else None,
                              skill=1 if visited else None, attitude=1 if visited else None)

    # Deadlines due in November (the clocks' compliance), and some that must not count.
    rows = []

    def dl(clock: str, due: datetime, state: str, late: bool | None = None,
           remaining: float | None = None) -> None:
        n = len(rows) + 1
        closed = due if state in ("met", "cancelled") else None
        rows.append(Deadline(object_type="ticket", object_id=n, clock=clock, state=state,
                             started_at=due, anchor_at=due, due_at=due, late=late,
                             closed_at=closed, remaining_s=remaining,
                             context={"number": f"T{n}", "title": f"T{n} 测试"}))

    for day in WORKDAYS[:8]:
        dl("ticket_claim", bj(11, day, 9), "met", late=False)  # 8 on time
    dl("ticket_claim", bj(11, 16, 9), "met", late=True)  # late
    dl("ticket_claim", bj(11, 17, 9), "cancelled")  # never counted
    dl("ticket_callback", bj(11, 2, 11), "met", late=False)
    dl("ticket_callback", bj(11, 3, 11), "met", late=False)
    dl("ticket_callback", bj(11, 4, 11), "met", late=True)
    dl("ticket_callback", bj(11, 20, 11), "breached")  # still open past due
    dl("complaint_response", bj(11, 5, 12), "met", late=False)
    dl("complaint_response", bj(11, 16, 17), "met", late=False)
    dl("complaint_response", bj(11, 6, 12), "met", late=True)
    dl("complaint_ack", bj(11, 5, 10), "met", late=False)
    dl("complaint_ack", bj(11, 16, 15), "met", late=False)
    dl("plan_general", bj(11, 30, 12), "running")  # past due by the month's end
    dl("ticket_consult", bj(11, 10, 12), "paused", remaining=-600.0)  # paused, overdue
    dl("ticket_consult", bj(11, 25, 12), "paused", remaining=3600.0)  # paused in time
    dl("ticket_claim", bj(10, 31, 9), "met", late=False)  # October
    dl("ticket_claim", bj(12, 1, 9), "met", late=True)  # December
    await Deadline.bulk_create(rows)
    return {"people": p, "customers": customers}
