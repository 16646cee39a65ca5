"""Issue 15, item 2: /备注 /改单 /重开 /撤单, and /接单 on a resolved ticket; priorities checked."""
from storage.models import Deadline, Ticket, TicketEvent
from tests.test_dispatches import refused

NEW = "/建单 客户=华东制造 打印凭证时报错 联系人=王会计 电话=13800001111"


async def resolved(chat) -> None:
    await chat.say("zhangwei", NEW)
    await chat.say("lina", "/接单 T1")
    await chat.say("lina", "/解决 T1 重装打印控件")
    await chat.skip_pushes()


async def test_note_goes_into_the_history(chat):
    await chat.say("zhangwei", NEW)
    assert await chat.say("lina", "/备注 T1 客户下午三点后方便接电话") == "已在 T1 的历史中记下备注。"
    shown = await chat.say("zhangwei", "/单 T1")
    assert "李娜 备注：客户下午三点后方便接电话" in shown
    assert "找不到工单 T9" in await refused(chat, "lina", "/备注 T9 内容")
    assert "需要以下角色之一" in await refused(chat, "sunli", "/备注 T1 内容")


async def test_edit_by_owner_changes_fields_and_history(chat):
    await chat.say("zhangwei", NEW)
    answer = await chat.say("zhangwei", "/改单 T1 联系人=李出纳 电话=139-0000-2222 优先级=紧急 产品=T6")
    assert answer.startswith("已修改 T1：")
    assert "联系人：王会计 → 李出纳" in answer and "电话：138****1111 → 139****2222" in answer
    assert "优先级：普通 → 紧急" in answer and "产品：- → T6" in answer
    t = await Ticket.get(id=1)
    assert (t.contact, t.phone, t.priority, t.product) == ("李出纳", "13900002222", "紧急", "T6")
    assert await TicketEvent.filter(ticket_id=1, kind="edited").count() == 1


async def test_edit_by_manager_tells_the_owner_and_refusals_change_nothing(chat):
    await chat.say("zhangwei", NEW)
    await chat.skip_pushes()
    answer = await chat.say("liujing", "/改单 T1 现象=凭证打印空白")
    assert answer == "已修改 T1：\n现象：打印凭证时报错 → 凭证打印空白"
    notices = await chat.pushes(address="user:zhangwei")
    assert any("T1 已由 刘静 修改：现象：打印凭证时报错 → 凭证打印空白" in n.text for n in notices)
    assert (await refused(chat, "lina", "/改单 T1 联系人=某人")).startswith(
        "T1 的负责人是 张伟，只有负责人或服务经理可以这样操作")
    assert await refused(chat, "zhangwei", "/改单 T1 优先级=特急") == \
        "没有“特急”这个优先级，可用：紧急、高、普通、低。"
    assert (await refused(chat, "zhangwei", "/改单 T1 电话=12345")).startswith(
        "电话“12345”不是有效的号码")
    assert (await refused(chat, "zhangwei", "/改单 T1")).startswith("请写明要修改的字段")
    assert await refused(chat, "zhangwei", "/改单 T1 联系人=王会计") == \
        "T1 的这些字段已经是这个值，没有修改。"


async def test_create_refuses_an_unknown_priority(chat):
    assert await refused(chat, "zhangwei", "/建单 客户=华东制造 打印报错 优先级=特急") == \
        "没有“特急”这个优先级，可用：紧急、高、普通、低。"
    await chat.say("zhangwei", "/建单 客户=华东制造 打印报错")
    assert (await Ticket.get(id=1)).priority == "普通"


async def test_claim_on_resolved_points_to_reopen(chat):
    await resolved(chat)
    assert await refused(chat, "wangqiang", "/接单 T1") == \
        "T1 已由 李娜 于 11-23 09:00 解决，不能再接单；如问题没有解决，可用 /重开 T1 原因 重新打开。"


async def test_reopen_restarts_the_callback_clock_and_is_in_history(chat):
    await resolved(chat)
    answer = await chat.say("liujing", "/重开 T1 客户反馈问题再次出现")
    assert answer == "T1 已重开，负责人 李娜，回电时限重新开始。"
    t = await Ticket.get(id=1)
    assert t.status == "claimed" and t.resolved_at is None
    clock = await Deadline.get(object_type="ticket", object_id=1, clock="ticket_callback")
    assert clock.state == "running"
    notices = await chat.pushes(address="user:lina")
    assert any("T1 已由 刘静 重开：客户反馈问题再次出现" in n.text for n in notices)
    shown = await chat.say("lina", "/单 T1")
    assert "刘静 重开：客户反馈问题再次出现" in shown and "［处理中］" in shown
    assert (await refused(chat, "lina", "/重开 T1 再来")).startswith(
        "T1 当前状态为“处理中”，只有已解决的工单可以重开")


async def test_reopen_refusals(chat):
    await resolved(chat)
    assert (await refused(chat, "wangqiang", "/重开 T1 原因")).startswith("T1 的负责人是 李娜")
    assert "用法：/重开" in await refused(chat, "lina", "/重开 T1")


async def test_cancel_cancels_clocks_and_is_not_a_service(chat):
    await chat.say("zhangwei", NEW)
    assert await chat.say("zhangwei", "/撤单 T1 误建，客户已自行解决") == \
        "T1 已撤单，时限已取消，不计为服务。"
    t = await Ticket.get(id=1)
    assert t.status == "cancelled" and t.resolved_at is None
    assert await Deadline.filter(object_type="ticket", object_id=1, state="running").count() == 0
    assert "［已撤销］" in await chat.say("zhangwei", "/单 T1")
    assert (await refused(chat, "zhangwei", "/撤单 T1 再撤")).startswith(
        "T1 当前状态为“已撤销”，不能这样操作")
    assert (await refused(chat, "zhangwei", "/改单 T1 联系人=某人")).startswith(
        "T1 当前状态为“已撤销”")


async def test_daily_digest_counts_reopenings_and_leaves_cancelled_out(chat):
    await resolved(chat)
    await chat.say("lina", "/重开 T1 客户反馈问题再次出现")
    await chat.say("zhangwei", "/建单 客户=华东制造 误建的单 查重=否")
    await chat.say("zhangwei", "/撤单 T2 误建")
    digest = await chat.say("liujing", "/日报")
    assert "解决 0；上门核销 0；未结工单 1；重开 1；撤单 1（不计为服务）" in digest, digest
