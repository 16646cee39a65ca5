"""Issue 15, item 7: smaller defects seen on the way, one test each."""
from bot.services.deadlines import clocks
from bot.services.knowledge.library import headline
from storage.models import Deadline, KnowledgeEntry
from tests.test_dispatches import refused


async def test_manager_transfer_names_the_owner_and_tells_them(chat):
    await chat.say("zhangwei", "/建单 客户=华东制造 打印报错")
    await chat.skip_pushes()
    answer = await chat.say("liujing", "/转派 T1 李娜 需要熟悉打印的同事")
    assert answer == "T1 已转派给 李娜，等待其接收；在此之前负责人仍是 张伟，已通知 张伟。"
    told = [p.msg.text for p in await chat.pushes(address="user:zhangwei")]
    assert "刘静 把你负责的 T1 转派给了 李娜（说明：需要熟悉打印的同事）；李娜 接收前你仍是负责人。" in told
    own = await chat.say("zhangwei", "/转派 T1 王强")
    assert own == "T1 已转派给 王强，等待其接收；在此之前你仍是负责人。"


async def test_time_left_is_rounded_up(chat, env, clock):
    await chat.say("zhangwei", "/建单 客户=华东制造 打印报错")
    row = await Deadline.get(object_type="ticket", object_id=1, clock="ticket_claim")
    clock.advance(minutes=10, seconds=1)  # 4:59 left of 15 minutes
    assert clocks.describe(env, row) == "剩余 5 分钟"
    clock.advance(minutes=4, seconds=30)  # 29 seconds left
    assert clocks.describe(env, row) == "剩余 不到 1 分钟"
    clock.advance(seconds=29)
    assert clocks.describe(env, row).startswith("已超时")


async def test_knowledge_line_without_product_keeps_a_gap(db):
    entry = KnowledgeEntry(id=2, symptom="打印凭证时报错", solution="重装打印控件", product="",
                           version="")
    assert headline(entry) == "K2 打印凭证时报错 → 重装打印控件"
    entry.product, entry.version = "财务软件", "V10.2"
    assert headline(entry) == "K2［财务软件 V10.2］打印凭证时报错 → 重装打印控件"


async def test_cancel_refused_while_a_visit_runs(chat):
    await chat.say("zhangwei", "/建单 客户=华东制造 服务器上账套无法打开")
    await chat.say("zhangwei", "/接单 T1")
    await chat.say("zhangwei", "/申请上门 T1 远程连不上服务器")
    await chat.say("liujing", "/派工 T1 王强")
    assert await refused(chat, "zhangwei", "/撤单 T1 误建") == \
        "T1 还有进行中的上门 D1，不能撤单：请先在派工单上 /完工 或 /未解决。"


async def test_a_second_number_is_not_silently_ignored(chat):
    await chat.say("zhangwei", "/建单 客户=华东制造 打印报错")
    answer = await refused(chat, "lina", "/接单 T1 T6")
    assert answer.startswith("一次只能处理一个编号，“T6”没有处理：请分别发送。"), answer
    assert (await chat.say("lina", "/接单 T1")).startswith("你已接单 T1")
