"""The first capability end to end through the pipeline: /帮助 /建单 /接单 /单 /我的 /队列 /解决."""
from storage.models import AuditLog, Ticket, TicketEvent


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
