"""Issue 15, item 6: /队列 bounded, the most urgent first, counts for the rest."""
from bot.services.tickets import worklists
from storage.models import Customer, Staff, Ticket


async def test_queue_lists_the_most_urgent_first_and_counts_the_rest(chat, env):
    customer = await Customer.filter(name="华东制造有限公司").first()
    creator = await Staff.get(userid="zhangwei")
    now = env.now()
    await Ticket.bulk_create([
        Ticket(customer=customer, description=f"问题{i}", creator=creator, owner=creator,
               created_at=now, priority="紧急" if i % 100 == 99 else "普通")
        for i in range(1000)])
    answer = await chat.say("liujing", "/队列")
    lines = answer.split("\n")
    assert lines[0] == "待接单（1000）："
    urgent = [line for line in lines[1:11] if "［紧急］" in line]
    assert len(urgent) == 10 and lines[1].startswith("· T100［紧急］华东制造有限公司：问题99")
    assert lines[11] == "……另有 990 张未列出（/工单 待接单 查看全部）"
    # One message on every platform: WeCom cuts text at 2048 bytes.
    assert len(answer.encode()) < 2048


async def test_short_queue_has_no_count_line(chat):
    await chat.say("zhangwei", "/建单 客户=华东制造 打印报错 优先级=低")
    await chat.say("zhangwei", "/建单 客户=华东制造 无法登录 优先级=紧急 查重=否")
    lines = (await chat.say("liujing", "/队列")).split("\n")
    assert lines[0] == "待接单（2）：" and len(lines) == 3
    assert lines[1].startswith("· T2［紧急］") and lines[2].startswith("· T1［低］")


async def test_mine_lists_a_page_of_each_area_and_counts_the_rest(chat, env):
    """Issue 16: /我的 of an engineer with a backlog stays one message."""
    customer = await Customer.filter(name="华东制造有限公司").first()
    me = await Staff.get(userid="zhangwei")
    other = await Staff.get(userid="lina")
    now = env.now()
    await Ticket.bulk_create([
        Ticket(customer=customer, description=f"问题{i}", creator=me, owner=me, created_at=now,
               status="claimed" if i % 2 else "new") for i in range(25)]
        + [Ticket(customer=customer, description="已解决", creator=me, owner=me, created_at=now,
                  status="resolved")]
        + [Ticket(customer=customer, description=f"转来{i}", creator=other, owner=other,
                  offered_to=me, created_at=now) for i in range(3)])
    lines = (await chat.say("zhangwei", "/我的")).split("\n")
    assert lines[0] == "你的未完成工作："
    assert lines[1].startswith("· T1［") and "问题0" in lines[1]
    assert lines[10].startswith("· T10［") and lines[11] == "……另有 15 项未列出"
    assert [line.split("［")[0] for line in lines[12:]] == ["· T27", "· T28", "· T29"]
    assert all("［待你接收］" in line for line in lines[12:])


async def test_queue_lists_the_overdue_whether_few_or_many(chat, env, monkeypatch):
    """Open tickets past a clock's due time, urgent first; chosen by the breached clocks' ids
    when they are few, by one query when they are many (the same answer either way)."""
    await chat.say("zhangwei", "/建单 客户=华东制造 打印报错 优先级=低")
    await chat.say("zhangwei", "/建单 客户=华东制造 无法登录 优先级=紧急 查重=否")
    await chat.say("zhangwei", "/建单 客户=华东制造 报表取数为零 查重=否")
    await chat.say("lina", "/接单 T3")  # its claim clock is met: not overdue
    assert "已超时" not in await chat.say("liujing", "/队列")
    env.clock.advance(days=2)
    answers = [await chat.say("liujing", "/队列")]
    monkeypatch.setattr(worklists, "OVERDUE_BY_IDS", 1)
    answers.append(await chat.say("liujing", "/队列"))
    for answer in answers:
        lines = answer.split("\n")
        at = lines.index("已超时（2）：")
        assert lines[at + 1].startswith("· T2［紧急］") and lines[at + 2].startswith("· T1［低］")
    assert answers[0] == answers[1]
