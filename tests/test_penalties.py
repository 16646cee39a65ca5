"""The penalty ledger: every rule found in the data once and never again (later ticks, a restart),
the notices, penalties entered by supervisors, appeals upheld and cancelled, the fund.

Monday 2026-11-23 09:00 Beijing is the fixture's start; "1wd" windows end at 17:30 the next
working day.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.calendar import WorkCalendar
from bot.clock import FakeClock
from bot.runtime import Runtime
from bot.scheduler import Scheduler
from bot.services.deadlines import clocks as deadlines
from bot.services.penalties import ledger as penalties
from bot.services.roster import jobs as roster_jobs
from storage.models import Customer, Dispatch, Penalty, Staff, Ticket

SH = ZoneInfo("Asia/Shanghai")


def bj(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH).astimezone(timezone.utc)


async def notices(chat) -> list[tuple[str, str]]:
    """Penalty notices since the last call, as (address, text); reminders of clocks left out."""
    return [(n.msg.address, n.text) for n in await chat.pushes() if n.key.startswith("penalty:")]


async def scan_at(env, *when: int) -> list[str]:
    env.clock.set(bj(*when))
    await deadlines.tick(env)
    return [f"{p.number}:{p.rule}:{p.staff_id}" for p in await penalties.scan(env)]


async def seed(env) -> dict[str, Staff]:
    people = {s.userid: s for s in await Staff.all()}
    customer = await Customer.get(name="华东制造有限公司")
    now = env.now()

    async def ticket(mode: str, solution: str, owner: Staff) -> Ticket:
        return await Ticket.create(customer=customer, description="打印凭证时报错", status="resolved",
                                   service_mode=mode, solution=solution, creator=owner, owner=owner,
                                   created_at=now, resolved_at=now + timedelta(minutes=20))

    async def dispatch(engineer: Staff, **dates) -> Dispatch:
        t = await ticket("上门", "更换打印驱动后正常打印", engineer)
        return await Dispatch.create(ticket=t, status="written_off", requested_at=now,
                                     engineer=engineer, **dates)

    await ticket("远程", "已处理", people["lina"])  # T1: remote, record too short
    await ticket("远程", "远程重装打印控件，调整凭证模板边距后打印正常", people["lina"])  # T2: fine
    # D1: the dispatch service's forms clock (owner 王强), breached Tuesday 17:30.
    d1 = await dispatch(people["wangqiang"], arrived_at=now, finished_at=now, written_off_at=now)
    await deadlines.start(env, "dispatch", d1.id, "forms_due", owner=people["wangqiang"],
                          context={"number": d1.number, "title": f"{d1.number}（华东制造有限公司）"})
    # D2: finished, no forms clock, forms never handed in (赵敏).
    await dispatch(people["zhaomin"], arrived_at=now, finished_at=now, written_off_at=now)
    # D3: 王强 arrived and never wrote the visit into the record.
    await dispatch(people["wangqiang"], arrived_at=now)
    # D4: all in time: forms handed in, written off the same day.
    await dispatch(people["zhangwei"], arrived_at=now, finished_at=now, written_off_at=now,
                   forms_at=now + timedelta(hours=3))
    # P1: an implementation ended today; its form is due back in 3 days (赵敏).
    await deadlines.start(env, "project", 1, "impl_form_due", owner=people["zhaomin"],
                          context={"number": "P1", "title": "P1 华东制造有限公司 实施"})
    return people


async def test_every_rule_found_once_then_appeals_and_the_fund(chat, env):
    p = await seed(env)
    lina, wang, zhao = p["lina"].id, p["wangqiang"].id, p["zhaomin"].id

    assert await scan_at(env, 2026, 11, 23, 9, 30) == [f"F1:remote_no_record:{lina}"]
    assert await notices(chat) == [
        ("user:lina", "【处罚通知】F1：远程服务未按要求填写记录（T1），50 元。原因：T1 为远程服务，"
                      "解决记录只有 3 个字（要求至少 10 个字）\n如有异议，请在 7 天内发送 /申诉 F1 理由，"
                      "向服务中心经理申诉。"),
        ("chat:supervisors", "【处罚登记】F1 李娜：远程服务未按要求填写记录（T1），50 元。原因：T1 为远程服务，"
                             "解决记录只有 3 个字（要求至少 10 个字）（系统自动发现）"),
    ]
    assert await scan_at(env, 2026, 11, 24, 17, 29) == []
    assert await scan_at(env, 2026, 11, 24, 17, 30) == [
        f"F2:forms_late:{wang}", f"F3:forms_late:{zhao}", f"F4:onsite_no_record:{wang}"]
    sent = await notices(chat)
    assert ("user:wangqiang", "【处罚通知】F2：服务单据未按时交回（D1），30 元。原因：D1 的服务单据未在 "
                              "11-24 17:30 前交回\n如有异议，请在 7 天内发送 /申诉 F2 理由，向服务中心经理申诉。") in sent
    assert ("chat:supervisors", "【处罚登记】F4 王强：上门服务未填写服务记录（D3），30 元。原因：D3 11-23 09:00 "
                                "到场，11-24 17:30 前未填写服务记录（核销）（系统自动发现）") in sent
    assert len(sent) == 6
    assert await scan_at(env, 2026, 11, 26, 9, 0) == [f"F5:impl_form_late:{zhao}"]
    assert ("user:zhaomin", "【处罚通知】F5：实施单未按时取回（P1），500 元。原因：P1 的实施单未在 11-26 09:00 "
                            "前取回\n如有异议，请在 7 天内发送 /申诉 F5 理由，向服务中心经理申诉。") in await notices(chat)

    # Found once: later ticks, and a restart (a new Runtime and scheduler on the same database).
    assert await scan_at(env, 2026, 11, 26, 9, 5) == []
    assert await scan_at(env, 2026, 12, 3, 9, 0) == []
    env2 = Runtime(settings=env.settings, clock=FakeClock(bj(2026, 12, 4, 9, 0)),
               calendar=WorkCalendar.from_settings(env.settings))
    sched = Scheduler(env2)
    roster_jobs.register(sched, env2)
    assert "penalty_scan" in sched.jobs
    await sched.run_due()
    assert await Penalty.all().count() == 5
    assert await notices(chat) == []
    env.clock.set(bj(2026, 11, 26, 10, 0))

    # Supervisors enter what the data cannot see.
    assert await chat.say("chenjian", "/处罚登记 王强 迟到 周一例会迟到 15 分钟") == \
        "已登记 F6：王强 会议迟到，2 元。已通知本人和监督群。"
    assert await chat.say("chenjian", "/fine 李娜 联系不上 30 周二下午三次电话未接") == \
        "已登记 F7：李娜 工作时间联系不上，30 元。已通知本人和监督群。"
    assert await notices(chat) == [
        ("user:wangqiang", "【处罚通知】F6：会议迟到，2 元。原因：周一例会迟到 15 分钟\n"
                           "如有异议，请在 7 天内发送 /申诉 F6 理由，向服务中心经理申诉。"),
        ("chat:supervisors", "【处罚登记】F6 王强：会议迟到，2 元。原因：周一例会迟到 15 分钟（陈健）"),
        ("user:lina", "【处罚通知】F7：工作时间联系不上，30 元。原因：周二下午三次电话未接\n"
                      "如有异议，请在 7 天内发送 /申诉 F7 理由，向服务中心经理申诉。"),
        ("chat:supervisors", "【处罚登记】F7 李娜：工作时间联系不上，30 元。原因：周二下午三次电话未接（陈健）"),
    ]
    assert "需要以下角色之一：服务监督员" in await chat.say("liujing", "/处罚登记 王强 迟到 例会迟到")
    assert "请写明金额：警告（0）或 20-50 元" in await chat.say("chenjian", "/处罚登记 王强 联系不上 电话未接")
    assert await chat.say("chenjian", "/处罚登记 王强 联系不上 80 电话未接") == \
        "“工作时间联系不上”的金额应为 警告（0）或 20-50 元。"
    assert "没有处罚类别“旷工”" in await chat.say("chenjian", "/处罚登记 王强 旷工 没来")
    assert await Penalty.all().count() == 7

    # Appeals: 王强 wins F2, 赵敏 loses F5, 李娜's F1 is still open at the month's end.
    assert await chat.say("wangqiang", "/申诉 F2 单据当天已交行政部，有签收记录") == \
        "已提交 F2 的申诉，等待服务中心经理处理。"
    assert await notices(chat) == [("chat:managers", "【处罚申诉】F2 王强：服务单据未按时交回（D1），30 元。"
                                                     "申诉理由：单据当天已交行政部，有签收记录\n"
                                                     "请服务中心经理发送 /申诉处理 F2 维持或撤销 理由。")]
    assert await chat.say("zhangwei", "/申诉 F2 替他申诉") == \
        "F2 不是对你的处罚，只有被处罚人本人可以申诉。"
    assert await chat.say("wangqiang", "/申诉 F2 再次申诉") == "F2 当前为“申诉中”，不能申诉。"
    assert "需要以下角色之一：服务经理" in await chat.say("chenjian", "/申诉处理 F2 撤销 核实")
    assert await chat.say("liujing", "/申诉处理 F2 撤销 行政部确认单据当天已交回") == \
        "已处理 F2（王强）的申诉：撤销。已通知本人和监督群。"
    assert await notices(chat) == [
        ("user:wangqiang", "【申诉结果】F2：服务单据未按时交回（D1），30 元。结果：撤销。"
                           "理由：行政部确认单据当天已交回（刘静）"),
        ("chat:supervisors", "【申诉结果】F2 王强：服务单据未按时交回（D1），30 元。结果：撤销。"
                             "理由：行政部确认单据当天已交回（刘静）"),
    ]
    await chat.say("zhaomin", "/申诉 F5 客户财务休假，无法盖章")
    assert await chat.say("zhaomin", "/申诉处理 F5 撤销 自己处理") == \
        "F5 是对你本人的处罚，请由其他服务经理处理。"
    assert await chat.say("liujing", "/申诉处理 F5 维持 应提前与客户约定取回时间") == \
        "已处理 F5（赵敏）的申诉：维持。已通知本人和监督群。"
    assert await chat.say("liujing", "/申诉处理 F5 撤销 改主意") == "F5 当前为“维持”，没有待处理的申诉。"
    await chat.say("lina", "/申诉 F1 客户要求简短记录")
    env.clock.set(bj(2026, 12, 4, 9, 0))
    assert await chat.say("wangqiang", "/申诉 F6 没迟到") == "F6 已超过申诉期限（通知后 7 天内）。"

    # The ledger: in force F3 30 + F4 30 + F5 500 + F6 2 + F7 30 = 592; F1 50 pending; F2 cancelled.
    ledger = await chat.say("chenjian", "/处罚 2026-11")
    assert ledger.splitlines()[0] == "处罚记录 2026-11（全部人员）："
    assert "· F2 11-24 王强 服务单据未按时交回（D1） 30 元［撤销］" in ledger
    assert "· F5 11-26 赵敏 实施单未按时取回（P1） 500 元［维持］" in ledger
    assert ledger.splitlines()[-2:] == [
        "生效 5 笔 592 元；申诉中 1 笔 50 元（未计入）；已撤销 1 笔 30 元。",
        "售后服务部基金累计（截至 2026-11）：592 元。"]
    own = await chat.say("wangqiang", "/penalties 11月")
    assert own.splitlines() == [
        "处罚记录 2026-11（王强）：",
        "· F2 11-24 王强 服务单据未按时交回（D1） 30 元［撤销］",
        "· F4 11-24 王强 上门服务未填写服务记录（D3） 30 元［生效］",
        "· F6 11-26 王强 会议迟到 2 元［生效］",
        "生效 2 笔 32 元；申诉中 0 笔 0 元（未计入）；已撤销 1 笔 30 元。"]
    assert await chat.say("wangqiang", "/处罚 张伟") == "你只能查看自己的处罚记录。"
    assert (await chat.say("chenjian", "/处罚 王强 本月")).splitlines()[0] == "处罚记录 2026-12（王强）："

    summary = await penalties.monthly_summary(env, 2026, 11)
    assert (summary.in_force.count, summary.in_force.amount) == (5, 592)
    assert (summary.pending.amount, summary.cancelled.amount, summary.fund_total) == (50, 30, 592)
    assert summary.by_person == [("赵敏", 2, 530), ("王强", 2, 32), ("李娜", 1, 30)]
    assert summary.render().splitlines()[0] == "处罚汇总 2026-11：生效 5 笔，共 592 元；基金累计 592 元。"



async def test_valid_complaints_are_fined_and_a_third_in_half_a_year_is_a_review(chat, env):
    from storage.models import Complaint

    people = {s.userid: s for s in await Staff.all()}
    customer = await Customer.get(name="江南商贸公司")

    async def complaint(who: str, confirmed: datetime, *, valid: bool = True,
                        counted: bool = True) -> Complaint:
        return await Complaint.create(
            customer=customer, category="服务态度", content="接电话时态度生硬", received_at=confirmed,
            registered_by=people["chenjian"], created_at=confirmed, valid=valid, counted=counted,
            confirmed_by=people["chenjian"], confirmed_at=confirmed, responsible=people[who])

    await complaint("zhangwei", bj(2026, 9, 10, 10, 0))  # C1
    await complaint("zhangwei", bj(2026, 10, 15, 10, 0))  # C2
    await complaint("zhangwei", bj(2026, 11, 23, 8, 0))  # C3: the third within half a year
    await complaint("zhangwei", bj(2026, 11, 23, 8, 10), valid=False)  # C4: not valid
    await complaint("zhangwei", bj(2026, 11, 23, 8, 20), counted=False)  # C5: outside the contract
    await complaint("lina", bj(2026, 11, 23, 8, 30))  # C6
    zhang, lina = people["zhangwei"].id, people["lina"].id

    assert await scan_at(env, 2026, 11, 23, 9, 0) == [
        f"F1:complaint:{zhang}", f"F2:complaint:{zhang}", f"F3:complaint:{zhang}",
        f"F4:complaint:{lina}", f"F5:complaint_review:{zhang}"]
    sent = await notices(chat)
    assert ("user:zhangwei", "【处罚通知】F3：有效投诉（C3），200 元。原因：C3 确认为有效投诉\n"
                             "如有异议，请在 7 天内发送 /申诉 F3 理由，向服务中心经理申诉。") in sent
    review = "【降级/辞退评审】F5 张伟：半年内有效投诉 3 次（C1、C2、C3）。请服务经理评审。"
    assert [n for n in sent if "F5" in n[1]] == [("chat:managers", review),
                                                  ("chat:supervisors", review)]
    assert len(sent) == 10

    # A fourth complaint within the window is fined, but the review is not raised again.
    await complaint("zhangwei", bj(2026, 11, 25, 10, 0))  # C7
    assert await scan_at(env, 2026, 11, 25, 11, 0) == [f"F6:complaint:{zhang}"]
    assert await scan_at(env, 2026, 11, 25, 11, 5) == []
    env2 = Runtime(settings=env.settings, clock=FakeClock(bj(2026, 11, 26, 9, 0)),
               calendar=WorkCalendar.from_settings(env.settings))
    assert await penalties.scan(env2) == []

    assert await chat.say("zhangwei", "/申诉 F5 不同意") == "F5 是评审提示，不是罚款，不需要申诉。"
    ledger = await chat.say("liujing", "/处罚 张伟")
    assert "· F5 11-23 张伟 半年内多次有效投诉（C3） 降级/辞退评审［待评审］" in ledger
    assert "生效 4 笔 800 元；申诉中 0 笔 0 元（未计入）；已撤销 0 笔 0 元。" in ledger
    summary = await penalties.monthly_summary(env, 2026, 11)
    assert summary.reviews == ["张伟，半年内有效投诉 3 次（C1、C2、C3）"]
    assert summary.by_rule == [("有效投诉", 5, 1000)]
