"""Hotline tickets through the pipeline: /帮助 /建单 /接单 /单 /我的 /队列 /解决, and issue 4's
transfers, callback and consultation clocks, HQ escalation, duplicates and service modes."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from bot.services.deadlines import clocks as deadlines
from bot.services.tickets.duplicates import counted
from storage.models import AuditLog, Deadline, Ticket, TicketEvent
from tests.hotline_scenario import snapshot

SH = ZoneInfo("Asia/Shanghai")


async def new_ticket(chat, who="zhangwei", text="/建单 客户=华东制造 打印凭证时报错") -> int:
    answer = await chat.say(who, text)
    assert "已建单 T" in answer, answer
    return int(answer.split("已建单 T")[1].split("（")[0])


async def test_help_lists_only_what_the_person_may_use(chat):
    engineer = await chat.say("zhangwei", "/帮助")
    assert "/建单（/new）" in engineer and "/接单（/claim）" in engineer
    sales = await chat.say("sunli", "/help")
    assert "/帮助" in sales and "/建单" not in sales and "/接单" not in sales


async def test_help_for_one_command_gives_usage_and_example(chat):
    answer = await chat.say("zhangwei", "/帮助 建单")
    assert "用法：/建单 客户=" in answer and "例如：/建单 客户=华东制造" in answer


async def test_create_answers_number_owner_and_deadline(chat):
    answer = await chat.say("zhangwei", "/建单 客户=华东制造 打印凭证时报错 联系人=王会计")
    assert answer.startswith("已建单 T1（客户：华东制造有限公司）")
    assert "首问负责人" in answer and "接单" in answer
    ticket = await Ticket.get(id=1).select_related("owner", "creator")
    assert ticket.owner.userid == "zhangwei" and ticket.creator.userid == "zhangwei"
    assert ticket.contact == "王会计" and ticket.status == "new"
    pushes = await chat.pushes(address="chat:hotline")
    assert len(pushes) == 1 and pushes[0].msg.kind == "card"
    assert pushes[0].msg.buttons[0].key == "claim:T1"


async def test_create_refusals_change_nothing(chat):
    assert "需要以下角色之一" in await chat.say("sunli", "/建单 客户=华东制造 报错")
    assert "用法：/建单" in await chat.say("zhangwei", "/建单 打印报错")
    assert "找不到客户“不存在公司”" in await chat.say("zhangwei", "/建单 客户=不存在公司 报错")
    assert "还不是本系统登记的员工" in await chat.say("stranger", "/建单 客户=华东制造 报错")
    assert await Ticket.all().count() == 0
    assert await chat.pushes() == []


async def test_claim_by_another_engineer_makes_them_owner(chat):
    no = await new_ticket(chat)
    answer = await chat.say("lina", f"/接单 T{no}")
    assert answer == f"你已接单 T{no}（华东制造有限公司），现在由你负责。"
    ticket = await Ticket.get(id=no).select_related("owner")
    assert ticket.owner.userid == "lina" and ticket.status == "claimed"
    notices = await chat.pushes(address="user:zhangwei")
    assert any("已由 李娜 接单" in n.text for n in notices)


async def test_claim_refusals(chat):
    no = await new_ticket(chat)
    await chat.say("lina", f"/接单 T{no}")
    assert await chat.say("wangqiang", f"/接单 T{no}") == f"T{no} 已由 李娜 接单。"
    assert "需要以下角色之一：工程师" in await chat.say("liujing", f"/接单 T{no}")
    assert "找不到工单 T99" in await chat.say("wangqiang", "/接单 T99")
    assert "不是有效的编号" in await chat.say("wangqiang", "/接单 D3")
    ticket = await Ticket.get(id=no).select_related("owner")
    assert ticket.owner.userid == "lina"


async def test_claim_by_card_click_is_idempotent(chat):
    no = await new_ticket(chat)
    first = await chat.click("lina", f"claim:T{no}")
    second = await chat.click("wangqiang", f"claim:T{no}")
    assert "你已接单" in first and "已由 李娜 接单" in second
    assert await TicketEvent.filter(ticket_id=no, kind="claimed").count() == 1


async def test_show_has_history_and_clocks(chat):
    no = await new_ticket(chat)
    await chat.say("lina", f"/接单 T{no}")
    shown = await chat.say("wangqiang", f"/单 T{no}")
    assert shown.startswith(f"T{no}［处理中］华东制造有限公司")
    assert "现象：打印凭证时报错" in shown
    assert "张伟 建单" in shown and "李娜 接单" in shown


async def test_mine_and_queue(chat):
    a = await new_ticket(chat)
    b = await new_ticket(chat, text="/建单 客户=江南商贸 月末结账失败")
    await chat.say("lina", f"/接单 T{b}")
    assert f"T{a}" in await chat.say("zhangwei", "/我的")
    mine = await chat.say("lina", "/我的")
    assert f"T{b}" in mine and f"T{a}" not in mine
    queue = await chat.say("liujing", "/队列")
    assert "待接单（1）" in queue and f"T{a}" in queue


async def test_resolve_by_owner_only(chat):
    no = await new_ticket(chat)
    await chat.say("lina", f"/接单 T{no}")
    assert "负责人是 李娜" in await chat.say("wangqiang", f"/解决 T{no} 重装控件")
    assert "请写明解决方法" in await chat.say("lina", f"/解决 T{no}")
    assert await chat.say("lina", f"/解决 T{no} 重新安装打印控件后正常") == f"T{no} 已解决。"
    ticket = await Ticket.get(id=no)
    assert ticket.status == "resolved" and ticket.solution == "重新安装打印控件后正常"
    assert "不能这样操作" in await chat.say("lina", f"/解决 T{no} 再次")


async def test_unknown_command_suggests_close_names(chat):
    answer = await chat.say("zhangwei", "/建")
    assert "没有命令“建”" in answer and "/建单" in answer
    assert "/接单" in await chat.say("zhangwei", "/claimm T1")


async def test_every_command_is_audited(chat):
    await chat.say("zhangwei", "/建单 客户=华东制造 打印凭证时报错")
    await chat.say("sunli", "/接单 T1")
    rows = await AuditLog.all().order_by("id")
    assert [(r.actor, r.command, r.outcome) for r in rows] == [
        ("zhangwei", "建单", "ok"), ("sunli", "接单", "refused")]


# -- issue 4: transfers, callback and consultation clocks, HQ, duplicates, service modes ---------



async def travel(env, clock, *args) -> None:
    clock.set(datetime(2026, *args, tzinfo=SH).astimezone(timezone.utc))
    await deadlines.tick(env)


async def test_transfer_keeps_the_owner_responsible_until_accepted(chat):
    no = await new_ticket(chat)
    await chat.say("lina", f"/接单 T{no}")
    await chat.skip_pushes()
    assert await chat.say("lina", f"/转派 T{no} 王强 需要现场经验") == \
        f"T{no} 已转派给 王强，等待其接收；在此之前你仍是负责人。"
    card = (await chat.pushes(address="user:wangqiang"))[0]
    assert card.msg.buttons[0].key == f"accept:T{no}" and "需要现场经验" in card.text
    assert "已转派给 王强，等待其接收" in await chat.say("lina", f"/单 T{no}")
    assert f"T{no}［待你接收］" in await chat.say("wangqiang", "/我的")

    before = await snapshot()
    not_yet = f"T{no} 已转派给你，但你还没有接收：请先 /接收 T{no}。在此之前负责人仍是 李娜。"
    for text in (f"/解决 T{no} 已处理", f"/回电 T{no}", f"/会诊 T{no}", f"/升级 T{no} 难题",
                 f"/申请上门 T{no} 去现场", f"/转派 T{no} 张伟", f"/答复 T{no} 已告知"):
        assert await chat.say("wangqiang", text) == not_yet, text
    assert await chat.say("zhangwei", f"/接收 T{no}") == f"T{no} 没有转派给你，不能接收。"
    assert await chat.say("lina", f"/接收 T{no}") == f"你已经是 T{no} 的负责人。"
    assert await chat.say("lina", f"/转派 T{no} 王强") == f"T{no} 已转派给 王强，正在等待其接收。"
    assert await chat.say("lina", f"/转派 T{no} 李娜") == f"李娜 已经是 T{no} 的负责人。"
    assert await chat.say("lina", f"/转派 T{no} 孙丽") == "只能转派给工程师或服务经理，孙丽 不是。"
    assert (await chat.say("sunli", f"/转派 T{no} 王强")).startswith("“/转派”需要以下角色之一")
    assert await snapshot() == before

    # The owner still acts meanwhile; then the accept moves ownership and the clocks' reminders.
    await chat.say("lina", f"/回电 T{no} 查补丁")
    assert (await chat.click("wangqiang", f"accept:T{no}")).startswith(f"你已接收 T{no}")
    ticket = await Ticket.get(id=no).select_related("owner")
    assert ticket.owner.userid == "wangqiang" and ticket.offered_to_id is None
    row = await Deadline.get(object_type="ticket", object_id=no, clock="ticket_callback") \
        .select_related("owner")
    assert row.owner.userid == "wangqiang"
    assert any("已由 王强 接收" in p.text for p in await chat.pushes(address="user:lina"))
    assert "负责人是 王强" in await chat.say("lina", f"/解决 T{no} 已处理")


async def test_accepting_an_unclaimed_ticket_meets_the_claim_clock(chat):
    no = await new_ticket(chat)
    await chat.say("zhangwei", f"/转派 T{no} 李娜")
    await chat.say("lina", f"/接收 T{no}")
    ticket = await Ticket.get(id=no)
    assert ticket.status == "claimed"
    row = await Deadline.get(object_type="ticket", object_id=no, clock="ticket_claim")
    assert (row.state, row.late) == ("met", False)
    # A claim by someone else lapses a pending offer.
    other = await new_ticket(chat, text="/建单 客户=江南商贸 月末结账失败")
    await chat.say("zhangwei", f"/转派 T{other} 李娜")
    await chat.say("wangqiang", f"/接单 T{other}")
    assert await chat.say("lina", f"/接收 T{other}") == f"T{other} 没有转派给你，不能接收。"


async def test_callback_and_consultation_clocks_and_their_escalations(chat, env, clock):
    no = await new_ticket(chat)
    await chat.say("lina", f"/接单 T{no}")
    assert await chat.say("lina", f"/答复 T{no} 已告知") == f"T{no} 没有待回电或待会诊答复的时限。"
    await travel(env, clock, 11, 23, 9, 30)
    assert "11-23 10:30 前回电客户" in await chat.say("lina", f"/回电 T{no} 查询补丁")
    assert await chat.say("lina", f"/回电 T{no}") == \
        f"T{no} 已在等待回电（截止 11-23 10:30）。回电后用 /答复 T{no} 结果 记录。"
    await chat.skip_pushes()
    await travel(env, clock, 11, 23, 10, 30)
    pushes = await chat.pushes()
    assert sorted(p.msg.address for p in pushes) == ["chat:managers", "user:lina"]
    assert await chat.say("lina", f"/答复 T{no} 已告知客户补丁地址") == \
        f"T{no} 已记录答复，回电时限已完成。"

    # A second callback is a new round of the same clock.
    await chat.say("lina", f"/回电 T{no} 再次确认")
    row = await Deadline.get(object_type="ticket", object_id=no, clock="ticket_callback")
    assert (row.state, row.cycle) == ("running", 1)
    await chat.skip_pushes()
    answer = await chat.say("lina", f"/会诊 T{no} 电话无法解决")
    assert "11-23 13:30 前给客户答复或上门预约" in answer
    managers = await chat.pushes(address="chat:managers")
    assert len(managers) == 1 and "【会诊申请】T1" in managers[0].text
    assert await chat.say("lina", f"/答复 T{no} 已安排工程师") == \
        f"T{no} 已记录答复，回电、会诊答复时限已完成。"
    await chat.skip_pushes()
    await travel(env, clock, 11, 23, 16, 0)
    assert await chat.pushes() == []


async def test_escalation_to_hq_is_tracked_until_solved(chat, env, clock):
    no = await new_ticket(chat)
    await chat.say("lina", f"/接单 T{no}")
    await chat.skip_pushes()
    answer = await chat.say("lina", f"/升级 T{no} 疑似产品缺陷")
    assert answer == f"T{no} 已升级总部，问题解决前持续跟踪（下次跟踪截止 11-24 17:30）。"
    hq = await chat.pushes(address="chat:hq")
    assert len(hq) == 1 and "【升级总部】T1 华东制造有限公司（大客户）" in hq[0].text
    assert "疑似产品缺陷" in hq[0].text
    assert "已升级总部、跟踪中（1）" in await chat.say("liujing", "/队列")
    assert await chat.say("lina", f"/升级 T{no} 再次") == f"T{no} 已升级总部，正在跟踪中。"
    await chat.skip_pushes()
    await travel(env, clock, 11, 24, 17, 30)
    assert sorted(p.msg.address for p in await chat.pushes()) == ["chat:managers", "user:lina"]
    await travel(env, clock, 11, 25, 17, 30)
    assert [p.msg.address for p in await chat.pushes()] == ["chat:hq"]
    await chat.say("lina", f"/解决 T{no} 总部发布补丁后解决")
    row = await Deadline.get(object_type="ticket", object_id=no, clock="ticket_hq")
    assert (row.state, row.late) == ("met", True)
    assert "已升级总部" not in await chat.say("liujing", "/队列")


async def test_duplicates_are_linked_not_counted_twice(chat, env, clock):
    no = await new_ticket(chat)
    await chat.skip_pushes()
    answer = await chat.say("lina", "/建单 客户=华东制造 凭证打印报错了")
    assert answer == ("华东制造有限公司 在 24h 内已报过相似问题 T1（待接单，负责人 张伟）。本次记为 T2，"
                      "已关联到 T1 并关闭，不重复计数；已通知 张伟。如确是新问题，请加 查重=否 重新建单。")
    dup = await Ticket.get(id=2)
    assert (dup.status, dup.duplicate_of_id) == ("closed", no)
    assert [p.msg.address for p in await chat.pushes()] == ["user:zhangwei"]
    assert "重复来电：T2" in await chat.say("zhangwei", f"/单 T{no}")
    assert "待接单（1）" in await chat.say("liujing", "/队列")
    assert await counted().count() == 1

    # Another customer, another problem, or 查重=否: not duplicates.
    assert "已建单 T3" in await chat.say("lina", "/建单 客户=江南商贸 凭证打印报错")
    assert "已建单 T4" in await chat.say("lina", "/建单 客户=华东制造 月末结账失败")
    assert "已建单 T5" in await chat.say("lina", "/建单 客户=华东制造 凭证打印报错 查重=否")
    # Outside the window (24h by default) a repeat is a new ticket.
    clock.advance(hours=25)
    assert "已建单 T6" in await chat.say("lina", "/建单 客户=江南商贸 凭证打印报错")
    assert await counted().count() == 5


async def test_service_modes_follow_tier_and_contract_period(chat, env, clock):
    answer = await chat.say("zhangwei", "/建单 客户=江南商贸 月末结账失败 方式=送修")
    assert "服务方式：送修（客户级别“普通”可提供：电话、远程、送修、邮寄、有偿）" in answer
    before = await snapshot()
    assert await chat.say("zhangwei", "/建单 客户=江南商贸 月末结账失败 方式=上门") == \
        "江南商贸公司 不能选择“上门”：客户级别“普通”可提供：电话、远程、送修、邮寄、有偿"
    assert await chat.say("zhangwei", "/建单 客户=江南商贸 报错 方式=飞鸽") == \
        "不认识的服务方式“飞鸽”，可用：电话、远程、上门、送修、邮寄、有偿。"
    assert await snapshot() == before
    # 北方物流's contract ended on 2026-11-30: from December only paid service is offered.
    clock.set(datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc))
    answer = await chat.say("zhangwei", "/建单 客户=北方物流 加密锁无法识别")
    assert "服务方式：有偿（服务期已于 2026-11-30 到期，只提供：有偿）" in answer
    assert await chat.say("zhangwei", "/建单 客户=北方物流 报表错误 方式=电话") == \
        "北方物流集团 不能选择“电话”：服务期已于 2026-11-30 到期，只提供：有偿"
    assert (await Ticket.get(id=2)).service_mode == "有偿"


async def test_resolve_refused_while_a_visit_is_running(chat):
    no = await new_ticket(chat)
    await chat.say("zhangwei", f"/申请上门 T{no} 需要现场")
    await chat.say("liujing", f"/派工 T{no} 王强")
    before = await snapshot()
    assert await chat.say("zhangwei", f"/解决 T{no} 电话里解决了") == \
        f"T{no} 还有进行中的上门 D1：请先在派工单上 /完工 或 /未解决。"
    assert await snapshot() == before
