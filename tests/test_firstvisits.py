"""First visit (S) through the chat on the fake clock: sales submits a new customer, the desk's
clock reminds, a failed call sets the next attempt, the call's checklist with a "no" becoming a
task, needs for two departments, and that evening each head receives exactly their own."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.services.customers import jobs
from bot.services.deadlines import clocks as deadlines
from bot.settings import load_settings
from storage.models import Customer, Deadline, Project, Staff
from storage.models.customers import CustomerContact, CustomerNeed, FirstVisit, FirstVisitTask

BJ = ZoneInfo("Asia/Shanghai")
SUBMIT = "/首访申请 西部电子有限公司 赵工 “028 6666 0001” 成都市高新区天府大道5号 财务软件V10.2"


def bj(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=BJ).astimezone(timezone.utc)


@pytest.fixture
def settings(db_url):
    return load_settings(None, database__url=db_url, simulator__enabled=True, first_visit={
        "max_attempts": 2,
        "departments": {"实施": "zhaomin", "培训": "liujing", "热线": "", "其他": ""}})


async def texts_to(chat, address: str) -> list[str]:
    return [p.text for p in await chat.pushes(address=address)]


async def test_first_visit_from_submission_to_the_evening_digest(chat, env):
    answer = await chat.say("sunli", SUBMIT)
    assert answer == ("已提交首访 S1：西部电子有限公司，联系人 赵工。服务台须在 11-24 17:30 前电话联系。")
    west = await Customer.get(name="西部电子有限公司").prefetch_related("sales")
    assert west.sales.userid == "sunli" and west.products == "财务软件V10.2"
    [contact] = await CustomerContact.filter(customer_id=west.id)
    assert (contact.name, contact.phone, contact.is_primary) == ("赵工", "028-66660001", True)
    [announce] = await texts_to(chat, "chat:hotline")
    assert announce.startswith("【新首访 S1】西部电子有限公司（业务：孙丽）\n联系人：赵工 028*****0001")

    # Within a working day: two working hours before the end of Tuesday the hotline is reminded.
    env.clock.set(bj(24, 15, 31))
    await deadlines.tick_until_idle(env)
    reminders = await texts_to(chat, "chat:hotline")
    assert reminders and reminders[0].startswith("【首访电话提醒】S1 西部电子有限公司：剩余")

    # Not reached: the next attempt restarts the clock at that time.
    answer = await chat.say("zhangwei", "/首访 S1 未联系 下次=明天10:00")
    assert answer == "S1 第 1 次未联系上，下次联系：11-25 10:00，时限已重新计算（11-25 10:00）。"
    row = await Deadline.get(object_type="first_visit", object_id=1)
    assert row.due_at == bj(25, 10) and row.cycle == 1
    assert await texts_to(chat, "chat:managers") == []

    # Reached the next morning: one item "no" becomes a task, the verified address is stored.
    env.clock.set(bj(25, 9, 40))
    refused = await chat.say("zhangwei", "/首访 S1 已联系 服务码=是 锁号=是")
    assert refused.startswith("请逐项写明是否已告知客户：电话、报修")
    bad = await chat.say("zhangwei", "/首访 S1 已联系 服务码=是 锁号=也许 电话=是 报修=是")
    assert bad == "“锁号=也许”请写 是 或 否。"
    assert (await FirstVisit.get(id=1)).status == "pending"
    answer = await chat.say("zhangwei", "/首访 S1 已联系 服务码=是 锁号=否 电话=是 报修=是 "
                                        "地址=成都市高新区天府大道6号")
    assert answer == ("S1 已联系客户，核对清单：服务码已收到✓、加密锁号正确✗、监督电话和技术电话已告知✓、"
                      "报修方式和响应时限已告知✓。\n需跟进：加密锁号正确（已通知热线群，由你跟进，"
                      "完成后用 /首访跟进 S1 登记）。\n"
                      "档案已更新：地址=成都市高新区天府大道6号。")
    assert [t.item for t in await FirstVisitTask.all()] == ["加密锁号正确"]
    assert (await Customer.get(id=west.id)).address == "成都市高新区天府大道6号"
    row = await Deadline.get(object_type="first_visit", object_id=1)
    assert row.state == "met" and row.late is False
    assert await texts_to(chat, "chat:hotline") == [
        "【首访跟进】S1 西部电子有限公司：加密锁号正确，由 张伟 跟进。"]
    again = await chat.say("zhangwei", "/首访 S1 未联系")
    assert again.startswith("S1 已联系过客户")

    # Needs for two departments; a wrong department is refused.
    wrong = await chat.say("zhangwei", "/需求 S1 部门=财务 开发票")
    assert wrong == "部门“财务”不对，可选：实施、培训、热线、其他。"
    assert await chat.say("zhangwei", "/需求 S1 部门=实施 需要上门安装并初始化账套") == \
        "已记录 S1 的需求（实施）：需要上门安装并初始化账套。今天下班后汇总发给部门负责人。"
    await chat.say("zhangwei", "/需求 S1 部门=培训 两名会计参加下月的总账培训")
    assert await CustomerNeed.all().count() == 2

    # After work each head gets exactly their department's needs, once.
    env.clock.set(bj(25, 17, 45))
    await jobs.needs_digest(env, date(2026, 11, 25))
    await jobs.needs_digest(env, date(2026, 11, 25))
    got = {p.msg.address: p.text for p in await chat.pushes()}
    assert got == {
        "user:zhaomin": "【首访需求日报 2026-11-25·实施】共 1 条：\n"
                        "· S1 西部电子有限公司：需要上门安装并初始化账套（张伟）\n请确认：/需求确认",
        "user:liujing": "【首访需求日报 2026-11-25·培训】共 1 条：\n"
                        "· S1 西部电子有限公司：两名会计参加下月的总账培训（张伟）\n请确认：/需求确认"}
    assert await chat.say("zhaomin", "/需求确认") == (
        "已确认 1 条需求（实施）。\nS1 西部电子有限公司 的实施需求已生成项目申请 P1，已通知实施经理。")
    assert await chat.say("zhaomin", "/需求确认") == "没有待你确认的需求。"
    assert await chat.say("chenjian", "/需求确认") == "你不是任何部门的负责人（配置 first_visit.departments）。"


async def test_failed_calls_tell_the_managers_and_refusals_change_nothing(chat, env):
    assert "需要以下角色之一" in await chat.say("zhangwei", SUBMIT)
    assert "电话“123”不是有效号码" in await chat.say(
        "sunli", "/首访申请 西部电子 赵工 123 成都 财务软件")
    assert await FirstVisit.all().count() == 0 and not await Customer.filter(name="西部电子").exists()
    await chat.say("sunli", SUBMIT)
    await chat.skip_pushes()
    assert "需要以下角色之一" in await chat.say("sunli", "/首访 S1 未联系")
    assert await chat.say("zhangwei", "/首访 S9 未联系") == "找不到首访 S9。"
    past = await chat.say("zhangwei", "/首访 S1 未联系 下次=今天08:00")
    assert past.startswith("下次联系时间 11-23 08:00 已经过去")
    await chat.say("zhangwei", "/首访 S1 未联系")
    assert await texts_to(chat, "chat:managers") == []
    await chat.say("zhangwei", "/首访 S1 未联系 下次=明天15:00")
    assert await texts_to(chat, "chat:managers") == [
        "【首访多次未联系上】S1 西部电子有限公司 已 2 次未联系上（联系人 赵工），请经理协调业务核实联系方式。"]
    assert (await FirstVisit.get(id=1)).attempts == 2


async def test_first_visit_scenario_through_the_simulator(demo, settings, env, clock,
                                                         aiohttp_client):
    """The acceptance scenario as people would live it on the simulator page."""
    import json

    from tests.app_harness import start_bot

    bot = await start_bot(aiohttp_client, settings, clock)

    async def say(userid: str, text: str) -> str:
        body = json.dumps({"userid": userid, "conv": "user", "text": text}, ensure_ascii=False)
        resp = await bot.client.post("/sim/api/send", data=body,
                                     headers={"Content-Type": "application/json"})
        assert resp.status == 200, await resp.text()
        await bot.settle()
        return (await page(f"user:{userid}"))[-1]

    async def page(conv: str) -> list[str]:
        resp = await bot.client.get("/sim/api/messages", params={"conv": conv})
        return [e["text"] for e in (await resp.json())["messages"] if e["dir"] == "out"]

    assert (await say("sunli", SUBMIT)).startswith("已提交首访 S1")
    assert (await page("chat:hotline"))[-1].startswith("【新首访 S1】西部电子有限公司")

    clock.set(bj(24, 15, 31))  # the desk's clock reminds the hotline chat
    await deadlines.tick_until_idle(env)
    await bot.settle()
    assert (await page("chat:hotline"))[-1].startswith("【首访电话提醒】S1 西部电子有限公司")

    assert (await say("zhangwei", "/首访 S1 未联系 下次=明天10:00")).startswith(
        "S1 第 1 次未联系上，下次联系：11-25 10:00")
    clock.set(bj(25, 9, 30))
    answer = await say("zhangwei", "/首访 S1 已联系 服务码=是 锁号=是 电话=否 报修=是")
    assert "需跟进：监督电话和技术电话已告知" in answer
    assert (await page("chat:hotline"))[-1] == \
        "【首访跟进】S1 西部电子有限公司：监督电话和技术电话已告知，由 张伟 跟进。"
    await say("lina", "/需求 S1 部门=实施 需要上门安装并初始化账套")
    await say("lina", "/需求 S1 部门=培训 两名会计参加下月的总账培训")

    clock.set(bj(25, 17, 45))
    await jobs.needs_digest(env, date(2026, 11, 25))
    await bot.settle()
    implementation = [t for t in await page("user:zhaomin") if t.startswith("【首访需求日报")]
    training = [t for t in await page("user:liujing") if t.startswith("【首访需求日报")]
    assert implementation == ["【首访需求日报 2026-11-25·实施】共 1 条：\n"
                              "· S1 西部电子有限公司：需要上门安装并初始化账套（李娜）\n请确认：/需求确认"]
    assert training == ["【首访需求日报 2026-11-25·培训】共 1 条：\n"
                        "· S1 西部电子有限公司：两名会计参加下月的总账培训（李娜）\n请确认：/需求确认"]
    assert await say("liujing", "/需求确认") == "已确认 1 条需求（培训）。"


async def test_follow_up_tasks_have_a_clock_are_in_mine_and_are_closed(chat, env):
    await chat.say("sunli", SUBMIT)
    env.clock.set(bj(24, 10))
    await chat.say("zhangwei", "/首访 S1 已联系 服务码=是 锁号=否 电话=是 报修=否")
    await chat.skip_pushes()
    zhangwei = await Staff.get(userid="zhangwei")
    tasks = await FirstVisitTask.all().order_by("id")
    assert [(t.item, t.assignee_id) for t in tasks] == [
        ("加密锁号正确", zhangwei.id), ("报修方式和响应时限已告知", zhangwei.id)]
    rows = await Deadline.filter(object_type="first_visit_task").order_by("object_id")
    assert [(r.object_id, r.owner_id, r.due_at) for r in rows] == [
        (tasks[0].id, zhangwei.id, bj(25, 17, 30)), (tasks[1].id, zhangwei.id, bj(25, 17, 30))]
    mine = await chat.say("zhangwei", "/我的")
    assert mine.endswith("首访跟进：\n· S1 西部电子有限公司：加密锁号正确（截止 11-25 17:30）\n"
                         "· S1 西部电子有限公司：报修方式和响应时限已告知（截止 11-25 17:30）")
    assert "首访跟进" not in await chat.say("lina", "/我的")

    # Reminded before the end, the managers told when it is overdue.
    env.clock.set(bj(25, 15, 31))
    await deadlines.tick_until_idle(env)
    got = [p.text for p in await chat.pushes(address="user:zhangwei")]
    assert got[0].startswith("【首访跟进提醒】S1 西部电子有限公司 加密锁号正确：剩余")
    assert len(got) == 2
    env.clock.set(bj(25, 17, 31))
    await deadlines.tick_until_idle(env)
    managers = [p.text for p in await chat.pushes(address="chat:managers")]
    assert managers[0].startswith("【首访跟进超时·1级升级】S1 西部电子有限公司 加密锁号正确：已超时 1 分钟")

    # Refusals change nothing.
    refusals = {
        ("chenjian", "/首访跟进 S1 锁号"): "需要以下角色之一",
        ("zhangwei", "/首访跟进 S9 锁号"): "找不到首访 S9。",
        ("zhangwei", "/首访跟进 S1"): "S1 有多项待跟进：加密锁号正确、报修方式和响应时限已告知。请写明哪一项",
        ("zhangwei", "/首访跟进 S1 发票 已开"): "S1 没有待跟进的“发票”。待跟进：加密锁号正确、报修方式和响应时限已告知。",
    }
    for (who, text), expected in refusals.items():
        assert expected in await chat.say(who, text), text
    assert await FirstVisitTask.filter(done_at=None).count() == 2

    # Another engineer of the desk closes one; the last one is closed with just a note.
    assert await chat.say("lina", "/首访跟进 S1 锁号 已重新寄送加密锁号并核对") == \
        "已完成 S1 的跟进：加密锁号正确。还有 1 项待跟进。"
    done = await FirstVisitTask.get(id=tasks[0].id)
    assert done.note == "已重新寄送加密锁号并核对" and done.done_by_id == (
        await Staff.get(userid="lina")).id
    assert await chat.say("zhangwei", "/首访跟进 S1 已告知报修电话和响应时限") == \
        "已完成 S1 的跟进：报修方式和响应时限已告知。S1 的跟进任务已全部完成。"
    assert (await FirstVisitTask.get(id=tasks[1].id)).note == "已告知报修电话和响应时限"
    rows = await Deadline.filter(object_type="first_visit_task").order_by("object_id")
    assert [(r.state, r.late) for r in rows] == [("met", True), ("met", True)]
    assert "首访跟进" not in await chat.say("zhangwei", "/我的")
    assert await chat.say("zhangwei", "/首访跟进 S1 全部") == "S1 没有待跟进的任务。"


async def test_confirmed_implementation_needs_become_a_project_application(chat, env):
    yang = await Staff.get(userid="yang")  # the demo roster's implementation manager
    await chat.say("sunli", SUBMIT)
    await chat.say("zhangwei", "/首访 S1 已联系 服务码=是 锁号=是 电话=是 报修=是")
    await chat.say("zhangwei", "/需求 S1 部门=实施 需要上门安装并初始化账套")
    await chat.say("zhangwei", "/需求 S1 部门=实施 总账和报表上线")
    await chat.say("zhangwei", "/需求 S1 部门=培训 两名会计参加总账培训")
    await chat.skip_pushes()

    # Before the head confirms, a project may not be applied for from S1.
    refusals = {
        "/项目申请 西部电子有限公司 财务软件实施 首访=S1":
            "首访 S1 没有已确认的实施需求：部门负责人用 /需求确认 确认后才能据此申请项目。",
        "/项目申请 西部电子有限公司 财务软件实施 首访=S9": "找不到首访 S9。",
    }
    for text, expected in refusals.items():
        assert await chat.say("yang", text) == expected
    assert await Project.all().count() == 0

    # The training head's confirmation makes no project; the implementation head's makes one.
    assert await chat.say("liujing", "/需求确认") == "已确认 1 条需求（培训）。"
    assert await Project.all().count() == 0
    assert await chat.say("zhaomin", "/需求确认") == (
        "已确认 2 条需求（实施）。\nS1 西部电子有限公司 的实施需求已生成项目申请 P1，已通知实施经理。")
    p = await Project.get(id=1).prefetch_related("customer", "applied_by")
    assert (p.customer.name, p.first_visit, p.status, p.title, p.content, p.applied_by.userid) == (
        "西部电子有限公司", 1, "applied", "首访 S1 实施需求", "需要上门安装并初始化账套；总账和报表上线",
        "zhaomin")
    notice = ("【项目申请 P1】西部电子有限公司：来自首访 S1 的实施需求（赵敏 确认）："
              "需要上门安装并初始化账套；总账和报表上线\n请分配项目经理和顾问：/项目分配 P1 经理=… 顾问=…")
    # Every implementation manager of the demo roster (the admin holds the role too).
    assert [(x.msg.address, x.text) for x in await chat.pushes()] == [
        ("user:admin", notice), ("user:yang", notice)]

    # A later implementation need of the same visit is added to the same application.
    await chat.say("lina", "/需求 S1 部门=实施 固定资产模块")
    assert await chat.say("zhaomin", "/需求确认") == (
        "已确认 1 条需求（实施）。\nS1 西部电子有限公司 的实施需求已追加到项目申请 P1，已通知实施经理。")
    assert (await Project.get(id=1)).content.endswith("；固定资产模块")
    assert await Project.all().count() == 1
    [notice] = await chat.pushes(address="user:yang")
    assert notice.text == "【项目申请 P1】西部电子有限公司：首访 S1 又确认了实施需求（赵敏）：固定资产模块"
    assert "追加需求" in await chat.say("yang", "/项目 P1")

    # /项目申请 首访=S checks the visit's customer and refuses a second application.
    refusals = {
        "/项目申请 华东制造 财务软件实施 首访=S1": "首访 S1 是 西部电子有限公司 的，不是 华东制造有限公司 的。",
        "/项目申请 西部电子有限公司 财务软件实施 首访=S1":
            "首访 S1 的实施需求已有项目申请 P1，请用 /项目 P1 查看。",
    }
    for text, expected in refusals.items():
        assert await chat.say("yang", text) == expected
    assert await Project.all().count() == 1
    # Once that application is terminated, the confirmed needs may be applied for again.
    await Project.filter(id=1).update(status="terminated")
    answer = await chat.say("yang", "/项目申请 西部电子有限公司 财务软件二期 首访=S1")
    assert answer.startswith("已申请项目 P2：西部电子有限公司「财务软件二期」（来自首访 S1 的需求）")
    assert yang.id == (await Project.get(id=2)).applied_by_id
