"""Customer management through the chat: the archive with masked and audited phones, contacts,
the provisional customer of an unknown caller, contracts, renewal reminders and /续约."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from bot.services.customers import jobs
from bot.services.deadlines import clocks as deadlines
from storage.models import AuditLog, Customer, Deadline, Staff, Ticket
from storage.models.customers import Contract, CustomerContact

BJ = ZoneInfo("Asia/Shanghai")


def bj(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BJ).astimezone(timezone.utc)


def by_address(pushes) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in pushes:
        out.setdefault(p.msg.address, []).append(p.text)
    return out


async def snapshot() -> tuple:
    """Everything a refused command must leave as it was."""
    customers = [(c.name, c.address, c.tier, c.sales_id, c.provisional)
                 for c in await Customer.all().order_by("id")]
    people = [(c.customer_id, c.name, c.role, c.phone, c.mobile, c.birthday, c.is_primary)
              for c in await CustomerContact.all().order_by("id")]
    contracts = [(c.customer_id, c.signed_on, c.ends_on, c.tier)
                 for c in await Contract.all().order_by("id")]
    return customers, people, contracts, await Ticket.all().count(), await Deadline.all().count()


async def contacts_of(customer: Customer) -> list[tuple]:
    return [(c.name, c.role, c.phone, c.mobile, c.birthday, c.is_primary)
            for c in await CustomerContact.filter(customer_id=customer.id).order_by("id")]


async def test_phones_masked_in_groups_full_in_private_and_audited(chat):
    group = await chat.say("lina", "/客户 华东制造", chat="hotline")
    assert group.startswith("【客户】华东制造有限公司（大客户）\n服务码：SC-1001　加密锁号：DG-88001\n")
    assert "· 王会计　电话 021*****0001　手机 139****0001" in group
    assert "服务合同：2026-01-01 至 2026-12-31，大客户，在服务期" in group
    assert group.endswith("（群内电话已隐藏，私聊查看完整号码）")
    assert not await AuditLog.filter(command="read").exists()

    private = await chat.say("lina", "/客户 SC-1001")  # by service code, in a private chat
    assert "· 王会计　电话 021-55550001　手机 13900000001" in private
    [read] = await AuditLog.filter(command="read")
    assert read.actor == "lina" and read.text.endswith("华东制造有限公司")

    # A supervisor's work does not need the phones: masked even in private, nothing audited.
    supervisor = await chat.say("chenjian", "/客户 华东制造")
    assert "电话 021*****0001" in supervisor and "手机 139****0001" in supervisor
    assert await AuditLog.filter(command="read").count() == 1


async def test_archive_contacts_and_refusals(chat, env):
    before = await snapshot()
    refusals = {
        ("zhangwei", "/建客户 西部电子有限公司"): "需要以下角色之一",
        ("sunli", "/改客户 不存在公司 地址=成都"): "找不到客户“不存在公司”",
        ("sunli", "/建客户 西部电子有限公司 合同=2026-13-01 至=2027-10-31"):
            "日期“2026-13-01”不对，请写成 2026-01-31。",
        ("sunli", "/建客户 西部电子有限公司 联系人=赵工 电话=028-6666"):
            "电话“028-6666”不是有效号码",
        ("sunli", "/建客户 西部电子有限公司 级别=钻石"): "级别“钻石”不对",
        ("sunli", "/建客户 西部电子有限公司 合同=2026-11-01"): "合同要同时写",
        ("sunli", "/建客户 华东制造有限公司"): "客户“华东制造有限公司”已在档案中",
        ("sunli", "/改客户 华东制造 颜色=红"): "不能修改“颜色”",
        ("sunli", "/改客户 华东制造 业务=张伟"): "张伟 不是业务人员或服务经理",
        ("sunli", "/联系人 华东制造 钱主任 手机=1390000"): "电话“1390000”不是有效号码",
        ("sunli", "/联系人 华东制造 钱主任 职务=主任"): "新联系人至少要有电话或手机",
        ("chenjian", "/联系人 华东制造 钱主任 手机=13900000009"): "需要以下角色之一",
        ("sunli", "/续约 华东制造 至=2026-06-30"): "应晚于当前合同结束日期 2026-12-31",
        ("sunli", "/续约 华东制造 至=明年"): "日期“明年”不对",
        ("zhangwei", "/续约 华东制造 至=2027-12-31"): "需要以下角色之一",
        ("sunli", "/到期 0"): "“0”不是有效的天数，应为 1 到 366 之间的整数。",
        ("sunli", "/续约 华东制造"): "请写明续约到哪天",
    }
    for (who, text), expected in refusals.items():
        answer = await chat.say(who, text)
        assert expected in answer, (text, answer)
    assert await snapshot() == before

    answer = await chat.say("sunli", "/建客户 西部电子有限公司 联系人=赵工 职务=信息主管 "
                                     "电话=“028 6666 0001” 地址=成都市高新区天府大道5号 地区=成都 "
                                     "产品=财务软件V10.2 服务码=SC-1004 加密锁号=DG-88004 "
                                     "业务=孙丽 合同=2026-11-01 安装=2026-11-10 至=2027-10-31")
    assert answer == "已建客户档案：西部电子有限公司（普通）。服务合同 2026-11-10 至 2027-10-31。"
    west = await Customer.get(name="西部电子有限公司").prefetch_related("sales")
    assert await contacts_of(west) == [("赵工", "信息主管", "028-66660001", "", "", True)]
    assert west.sales.userid == "sunli" and west.dongle == "DG-88004"
    # Full-width digits and spaces, a care date from a full birth date.
    answer = await chat.say("sunli", "/联系人 西部电子 钱主任 手机=“１３９ ００００ ０００９” "
                                     "生日=1980-05-12")
    assert answer == "已为 西部电子有限公司 添加联系人 钱主任。"
    answer = await chat.say("zhangwei", "/联系人 西部电子 赵工 手机=139-0000-0010")
    assert answer == "已修改 西部电子有限公司 的联系人 赵工：手机=13900000010。"
    west = await Customer.get(name="西部电子有限公司")
    assert await contacts_of(west) == [("赵工", "信息主管", "028-66660001", "13900000010", "", True),
                                       ("钱主任", "", "", "13900000009", "05-12", False)]
    # The primary contact changes; a ticket without a contact shows it on its card.
    assert await chat.say("sunli", "/联系人 西部电子 钱主任 主要=是") == \
        "已修改 西部电子有限公司 的联系人 钱主任：主要=是。"
    assert await chat.say("sunli", "/联系人 西部电子 钱主任 主要=不") == \
        "“主要=不”请写 主要=是（设为主要联系人）。"
    assert [c[-1] for c in await contacts_of(west)] == [False, True]
    assert "纪念日=纪念日 主要=是]" in await chat.say("sunli", "/帮助 联系人")
    card = await chat.say("sunli", "/客户 西部电子")
    assert "联系人：\n· 钱主任　手机 13900000009　生日 05-12　［主要联系人］\n" \
           "· 赵工（信息主管）　电话 028-66660001　手机 13900000010\n" in card
    await chat.say("zhangwei", "/建单 客户=西部电子 凭证打印空白")
    ticket_card = await chat.say("zhangwei", "/单 T1", chat="hotline")
    assert "联系人：钱主任（客户档案的主要联系人）；电话：139****0009；产品：-" in ticket_card
    answer = await chat.say("liujing", "/改客户 西部电子 级别=大客户 地址=成都市天府大道6号")
    assert answer == "已修改 西部电子有限公司：级别=大客户，地址=成都市天府大道6号。"


async def test_unknown_caller_gets_a_provisional_customer_and_a_ticket(chat, env):
    before = await snapshot()
    refused = await chat.say("zhangwei", "/建单 客户=西部电子 打印凭证时报错 电话=13900000020")
    assert refused.startswith("找不到客户“西部电子”。新来电客户请加 新客户=是")
    bad = await chat.say("zhangwei", "/建单 客户=西部电子 新客户=是 报错 电话=139")
    assert "电话“139”不是有效的号码" in bad
    similar = await chat.say("zhangwei", "/建单 客户=华东 新客户=是 报错")
    assert "档案中已有相近的客户：华东制造有限公司" in similar
    assert await snapshot() == before

    answer = await chat.say("zhangwei", "/建单 客户=西部电子 新客户=是 打印凭证时报错 "
                                        "联系人=赵工 电话=“028-6666 0001”")
    assert answer.startswith("已建单 T1（客户：西部电子）。")
    assert answer.endswith("“西部电子”不在档案中，已建临时档案，并通知业务人员补全。")
    west = await Customer.get(name="西部电子")
    assert west.provisional and west.tier == "普通"
    assert await contacts_of(west) == [("赵工", "", "028-66660001", "", "", True)]
    assert (await Ticket.get(id=1)).customer_id == west.id
    got = by_address(await chat.pushes())
    assert got["user:sunli"] == [
        "【完善客户档案】西部电子 是新来电客户，已由 张伟 建临时档案并建单 T1。"
        "请在 11-24 17:30 前补全地址、联系人电话和服务合同：/改客户 西部电子 地址=… "
        "/联系人 西部电子 姓名 电话=… /续约 西部电子 至=日期"]
    assert got["chat:managers"] == got["user:sunli"]
    assert "chat:hotline" in got  # the ticket itself is announced as always
    card = await chat.say("sunli", "/客户 西部电子")
    assert card.startswith("【客户】西部电子［临时档案，待业务完善］（普通）")

    # No sales person of the customer or its region is known and none is configured: the
    # engineer who registered it owns the clock. Not completed by the end of the next working
    # day: the owner is warned two working hours before, owner and managers told when overdue.
    row = await Deadline.get(object_type="customer", object_id=west.id)
    assert row.owner_id == (await Staff.get(userid="zhangwei")).id
    archive: dict[str, list[str]] = {}
    for hour, minute in ((15, 31), (17, 31)):
        env.clock.set(bj(11, 24, hour, minute))
        await deadlines.tick_until_idle(env)
        for address, got_texts in by_address(await chat.pushes()).items():
            archive.setdefault(address, []).extend(t for t in got_texts if "完善客户档案" in t)
    overdue = "【完善客户档案超时·1级升级】西部电子：已超时 1 分钟（截止 11-24 17:30）。"
    # The owner is told to act, the managers to chase (issue 15).
    assert archive["user:zhangwei"] == [
        "【完善客户档案提醒】西部电子：剩余 1 小时 59 分钟，截止 11-24 17:30。负责人：张伟",
        overdue + "你是负责人，请立即处理。"]
    assert archive["chat:managers"] == [overdue + "负责人：张伟，请督促处理。"]

    # Sales completes it: the address makes it complete (the contact already has a phone).
    answer = await chat.say("sunli", "/改客户 西部电子 名称=西部电子有限公司 地址=成都市高新区天府大道5号 "
                                     "业务=孙丽")
    assert answer.endswith("临时档案已完善，完善档案时限已完成。")
    west = await Customer.get(id=west.id)
    assert west.name == "西部电子有限公司" and not west.provisional
    row = await Deadline.get(object_type="customer", object_id=west.id)
    assert row.state == "met" and row.late is True
    # The same caller again: the archive knows the unit now, no second customer.
    again = await chat.say("lina", "/建单 客户=西部电子有限公司 新客户=是 月结时报错")
    assert again.startswith("已建单 T2（客户：西部电子有限公司）。")
    assert "临时档案" not in again
    assert await Customer.filter(name__contains="西部电子").count() == 1


async def test_renewal_reminder_renewal_and_the_new_tiers_modes(chat, env):
    await chat.say("sunli", "/改客户 北方物流 业务=孙丽")
    await chat.skip_pushes()
    # 北方物流集团's contract (紧急服务) ends 2026-11-30: 7 days from Monday 11-23.
    assert await chat.say("liujing", "/到期 10") == (
        "10 天内到期的服务合同 1 份：\n· 北方物流集团（紧急服务）2026-11-30 到期，还有 7 天，业务：孙丽")
    assert await chat.say("liujing", "/到期 5") == "5 天内没有到期的服务合同。"
    await jobs.renewal_reminders(env, date(2026, 11, 23))
    got = by_address(await chat.pushes())
    text = ("【续约提醒】北方物流集团（紧急服务）的服务合同 2026-11-30 到期，还有 7 天。"
            "业务：孙丽。续约后请登记：/续约 北方物流集团 至=日期")
    assert got == {"user:sunli": [text], "chat:managers": [text]}
    env.clock.set(bj(11, 24, 9))
    await jobs.renewal_reminders(env, date(2026, 11, 24))
    assert await chat.pushes() == []  # once per contract and threshold

    answer = await chat.say("sunli", "/续约 北方物流 至=2027-11-30 级别=大客户")
    assert answer == ("北方物流集团 已续约：服务期 2026-12-01 至 2027-11-30，大客户，"
                      "可提供：电话、远程、上门、送修、邮寄、有偿。")
    north = await Customer.get(name="北方物流集团")
    # The renewal starts in December: today's tier and service modes stay the old contract's.
    assert north.tier == "紧急服务"
    assert (await chat.say("zhangwei", "/客户 北方物流")).startswith("【客户】北方物流集团（紧急服务）")
    assert [(c.signed_on, c.ends_on, c.tier) for c in
            await Contract.filter(customer_id=north.id).order_by("id")] == [
        (date(2025, 12, 1), date(2026, 11, 30), "紧急服务"),
        (date(2026, 12, 1), date(2027, 11, 30), "大客户")]
    assert "服务合同：2025-12-01 至 2026-11-30，紧急服务，即将到期（还有 6 天）（历史合同 1 份）" in \
        await chat.say("sunli", "/客户 北方物流")
    # Renewed: no more reminders for the old contract.
    env.clock.set(bj(11, 25, 9))
    await jobs.renewal_reminders(env, date(2026, 11, 25))
    assert await chat.pushes() == []

    # The last day of the old period the daily switch changes nothing; the first day of the
    # new one it moves the tier, which the clocks read with the customer.
    env.clock.set(bj(11, 30, 0, 5))
    assert await jobs.tier_switch(env, date(2026, 11, 30)) == 0
    assert (await Customer.get(id=north.id)).tier == "紧急服务"
    refused = await chat.say("zhangwei", "/建单 客户=北方物流 工资表导不出 方式=送修")
    assert refused.startswith("北方物流集团 不能选择“送修”")
    env.clock.set(bj(12, 1, 0, 5))
    assert await jobs.tier_switch(env, date(2026, 12, 1)) == 1
    assert (await Customer.get(id=north.id)).tier == "大客户"
    assert await jobs.tier_switch(env, date(2026, 12, 1)) == 0

    # December: the new contract's tier decides; bring-in (送修) was not 紧急服务's.
    env.clock.set(bj(12, 1, 9))
    answer = await chat.say("zhangwei", "/建单 客户=北方物流 工资表导不出 方式=送修")
    assert answer.startswith("已建单 T1（客户：北方物流集团）。")
    assert "服务方式：送修" in answer
    assert "大客户" in await chat.say("zhangwei", "/客户 北方物流")


async def test_an_expired_contract_offers_paid_service_only_until_renewed(chat, env):
    env.clock.set(bj(12, 1, 9))
    refused = await chat.say("zhangwei", "/建单 客户=北方物流 工资表导不出 方式=上门")
    assert refused == "北方物流集团 不能选择“上门”：服务期已于 2026-11-30 到期，只提供：有偿"
    assert await Ticket.all().count() == 0
    renewed = await chat.say("liujing", "/续约 北方物流 至=2027-11-30")
    assert renewed.startswith("北方物流集团 已续约：服务期 2026-12-01 至 2027-11-30，紧急服务")
    answer = await chat.say("zhangwei", "/建单 客户=北方物流 工资表导不出 方式=上门")
    assert answer.startswith("已建单 T1")


async def test_imports_fill_contacts_and_contracts(demo, tmp_path):
    from bot.services.directory import imports

    sheet = tmp_path / "customers.csv"
    sheet.write_text(
        "单位,联系人,电话,手机,地址,级别,服务开始,服务结束\n"
        "华东制造有限公司,钱主任,,１３９ ０００ ０００９９,,大客户,2026-01-01,2026-12-31\n"
        "西部电子有限公司,赵工,028 6666 0001,,成都市高新区天府大道5号,普通,2026-11-01,2027-10-31\n"
        "坏电话公司,孙工,12345,,,普通,,\n"
        "半合同公司,周工,13900000030,,,普通,2026-01-01,\n", encoding="utf-8")
    report = await imports.import_customers(sheet)
    assert (report.created, report.updated) == (1, 1)
    assert report.errors == [
        "第 4 行：电话“12345”不是有效号码：手机 11 位（1 开头），固话带区号（如 021-55550001）。",
        "第 5 行：服务开始和服务结束日期要同时填写"]
    east = await Customer.get(name="华东制造有限公司")
    assert [c[:4] for c in await contacts_of(east)] == [
        ("王会计", "", "021-55550001", "13900000001"), ("钱主任", "", "", "13900000099")]
    assert east.address == "上海市浦东新区张江路1号"  # an empty cell changes nothing
    assert await Contract.filter(customer_id=east.id).count() == 1  # the same contract once
    west = await Customer.get(name="西部电子有限公司")
    [contract] = await Contract.filter(customer_id=west.id)
    assert (contract.signed_on, contract.ends_on, contract.tier) == (
        date(2026, 11, 1), date(2027, 10, 31), "普通")


async def test_care_dates_reach_the_sales_person_the_working_day_before(chat, env):
    await chat.say("sunli", "/改客户 华东制造 业务=孙丽")
    await chat.say("sunli", "/改客户 江南商贸 业务=孙丽")
    await chat.say("sunli", "/联系人 华东制造 钱主任 手机=13900000009 生日=1980-11-28")
    await chat.say("sunli", "/联系人 江南商贸 周出纳 纪念日=11-30")
    assert "· 钱主任　手机 13900000009　生日 11-28\n" in await chat.say("sunli", "/客户 华东制造")
    await chat.skip_pushes()
    await jobs.customer_care(env, date(2026, 11, 26))  # Thursday: only Friday is ahead
    assert await chat.pushes() == []
    # Friday: Saturday's birthday and Monday's anniversary, in one message.
    await jobs.customer_care(env, date(2026, 11, 27))
    await jobs.customer_care(env, date(2026, 11, 27))
    assert [(p.msg.address, p.text) for p in await chat.pushes()] == [
        ("user:sunli", "【客户关怀】下一个工作日前的关怀日期：\n· 11-28 华东制造有限公司 钱主任 生日\n"
                       "· 11-30 江南商贸公司 周出纳 纪念日")]
    # The working day before National Day: a greeting for each of the two customers.
    await jobs.customer_care(env, date(2026, 9, 30))
    [notice] = await chat.pushes()
    assert notice.text.endswith("· 10-01 国庆节：请向你负责的 2 家客户致以节日问候")
    bad = await chat.say("sunli", "/联系人 华东制造 钱主任 生日=02-30")
    assert bad == "生日或纪念日“02-30”不对，请写成 05-12 或 1980-05-12。"


async def test_provisional_archive_owner_by_region_and_completed_by_new_customer(chat, env):
    """The sales person of the customer's region owns the archive clock; /建客户 with the
    provisional name completes the archive and meets the clock."""
    await chat.say("sunli", "/改客户 华东制造 业务=孙丽")
    await chat.say("zhangwei", "/建单 客户=东海仪表 新客户=是 开票报错 联系人=钱工 电话=13900000040")
    east = await Customer.get(name="东海仪表")
    row = await Deadline.get(object_type="customer", object_id=east.id)
    assert row.owner_id == (await Staff.get(userid="zhangwei")).id
    # The region is known now: its sales person (孙丽 has 华东制造 in 上海) takes the clock over.
    answer = await chat.say("liujing", "/改客户 东海仪表 地区=上海")
    assert answer == "已修改 东海仪表：地区=上海。"
    row = await Deadline.get(id=row.id)
    assert row.owner_id == (await Staff.get(userid="sunli")).id and row.state == "running"
    await chat.skip_pushes()

    answer = await chat.say("sunli", "/建客户 东海仪表 地址=上海市闵行区1号 服务码=SC-1009 "
                                     "合同=2026-11-23 至=2027-11-22")
    assert answer == ("已补充临时档案：东海仪表（普通）。服务合同 2026-11-23 至 2027-11-22。"
                      "临时档案已完善，完善档案时限已完成。")
    east = await Customer.get(id=east.id)
    assert not east.provisional and east.service_code == "SC-1009"
    row = await Deadline.get(id=row.id)
    assert row.state == "met" and row.late is False
    assert await Customer.filter(name="东海仪表").count() == 1
    # A complete archive is not registered twice.
    again = await chat.say("sunli", "/建客户 东海仪表")
    assert again == "客户“东海仪表”已在档案中，请用 /改客户 修改。"


async def test_provisional_archive_owner_from_configuration(chat, env):
    env.settings.customers.archive_owner = "sunli"
    await chat.say("lina", "/建单 客户=南岭化工 新客户=是 报表打不开 电话=13900000041")
    row = await Deadline.get(object_type="customer",
                             object_id=(await Customer.get(name="南岭化工")).id)
    assert row.owner_id == (await Staff.get(userid="sunli")).id
