"""Issue 15, item 3: /查单 by customer, phone, state, owner and date range, paged; /工单 [状态]."""
from tests.test_dispatches import refused


async def some_tickets(chat, clock) -> None:
    """T1..T12 for 华东制造 on 11-23 (T3 claimed by 李娜, T4 resolved), T13 a day later."""
    for i in range(12):
        await chat.say("zhangwei", f"/建单 客户=华东制造 第{i + 1}个问题 电话=1380000{i:04d} 查重=否")
    await chat.say("lina", "/接单 T3")
    await chat.say("lina", "/接单 T4")
    await chat.say("lina", "/解决 T4 已处理")
    clock.advance(days=1)
    await chat.say("zhangwei", "/建单 客户=华东制造 次日问题 电话=021-62345678")


async def test_find_by_customer_is_paged_newest_first(chat, clock):
    await some_tickets(chat, clock)
    first = await chat.say("liujing", "/查单 客户=华东")
    lines = first.split("\n")
    assert lines[0] == "找到 13 张工单（第 1/2 页）："
    assert lines[1].startswith("· T13［待接单］华东制造有限公司：次日问题（张伟，")
    assert len(lines) == 12 and lines[-1] == "下一页：/查单 客户=华东 页=2"
    second = await chat.say("liujing", "/查单 客户=华东 页=2")
    assert second.startswith("找到 13 张工单（第 2/2 页）：\n· T3［处理中］")
    assert "下一页" not in second
    assert await chat.say("liujing", "/查单 客户=华东 页=3") == "没有第 3 页，共 2 页。"


async def test_find_by_phone_state_owner_and_dates(chat, clock):
    await some_tickets(chat, clock)
    by_phone = await chat.say("zhangwei", "/查单 电话=１３８-００００-０００５")
    assert by_phone.startswith("找到 1 张工单") and "T6［待接单］" in by_phone
    assert "T13" in await chat.say("zhangwei", "/查单 电话=5678")
    assert await chat.say("zhangwei", "/查单 电话=12") == "按电话查找至少要写 4 位数字（“12”不够）。"
    owner = await chat.say("zhangwei", "/查单 负责人=李娜")
    assert owner.startswith("找到 2 张工单") and "T4［已解决］" in owner and "T3［处理中］" in owner
    solved = await chat.say("zhangwei", "/查单 状态=已解决")
    assert solved.startswith("找到 1 张工单") and "T4" in solved
    assert (await chat.say("zhangwei", "/查单 状态=特急")).startswith("没有“特急”这个状态，可用：未完成、待接单")
    day = await chat.say("zhangwei", "/查单 从=11-24 到=11-24")
    assert day.startswith("找到 1 张工单") and "T13" in day
    assert await chat.say("zhangwei", "/查单 从=11-24 到=11-23") == \
        "开始日期 2026-11-24 晚于结束日期 2026-11-23。"
    assert await chat.say("zhangwei", "/查单 客户=不存在") == "没有找到符合条件的工单。"
    assert (await refused(chat, "zhangwei", "/查单")).startswith("请写明查找条件")
    assert "需要以下角色之一" in await chat.say("sunli", "/查单 客户=华东")


async def test_tickets_list_by_state(chat, clock):
    await some_tickets(chat, clock)
    open_ = await chat.say("zhangwei", "/工单")
    assert open_.startswith("找到 12 张工单（第 1/2 页）：") and "T4" not in open_
    assert open_.endswith("下一页：/工单 未完成 页=2")
    claimed = await chat.say("zhangwei", "/工单 处理中")
    assert claimed.split("\n")[1].startswith("· T3［处理中］")
    assert await chat.say("zhangwei", "/工单 已撤销") == "没有找到符合条件的工单。"
