"""On-site dispatches: requests with suggested engineers, the dispatch card, the visit's rules
(backup before completion, the customer's signatory, data leaves only with an authorizer),
unsolved visits (next visit or HQ), paid visits, and every refusal changing nothing."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from bot.services.deadlines import clocks as deadlines
from storage.models import Deadline, Dispatch, Ticket, TicketEvent
from tests.hotline_scenario import snapshot

SH = ZoneInfo("Asia/Shanghai")


def bj(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SH)


async def travel(env, clock, when: datetime) -> None:
    clock.set(when.astimezone(timezone.utc))
    await deadlines.tick(env)


async def dispatched(chat, customer="华东制造") -> None:
    """T1 owned by 张伟, visit D1 dispatched to 王强 by 刘静."""
    await chat.say("zhangwei", f"/建单 客户={customer} 服务器上账套无法打开")
    await chat.say("zhangwei", "/接单 T1")
    await chat.say("zhangwei", "/申请上门 T1 远程连不上服务器")
    await chat.say("liujing", "/派工 T1 王强")
    await chat.skip_pushes()


async def on_site(chat) -> None:
    await dispatched(chat)
    await chat.say("wangqiang", "/接受派工 D1")
    await chat.say("wangqiang", "/到场 D1")
    await chat.skip_pushes()


async def refused(chat, who: str, text: str) -> str:
    """The answer to a command that must change nothing."""
    before = await snapshot()
    answer = await chat.say(who, text)
    assert await snapshot() == before, text
    return answer


async def test_request_suggests_engineers_by_load_and_duty(chat):
    await chat.say("liujing", "/排班 11-23 早班 赵敏")
    await chat.say("zhangwei", "/建单 客户=华东制造 服务器上账套无法打开")
    await chat.say("wangqiang", "/建单 客户=江南商贸 进销存出库单无法保存")
    announce = await chat.pushes(address="chat:hotline")
    assert [p.msg.mentions for p in announce] == [("zhaomin",), ("zhaomin",)]  # on duty
    await chat.skip_pushes()
    answer = await chat.say("zhangwei", "/申请上门 T1 远程连不上服务器")
    suggest = "建议工程师：赵敏（进行中 0 项，值班）、李娜（进行中 0 项）、张伟（进行中 1 项）"
    assert answer == f"已提交上门申请 D1（T1），已通知服务经理派工。\n{suggest}"
    managers = await chat.pushes(address="chat:managers")
    assert len(managers) == 1
    assert managers[0].text.startswith("【上门申请 D1】T1 华东制造有限公司（大客户）")
    assert suggest in managers[0].text and "派工：/派工 T1 赵敏" in managers[0].text
    assert "待派工（1）" in await chat.say("liujing", "/队列")
    assert await refused(chat, "zhangwei", "/申请上门 T1 再申请") == "T1 已有上门 D1（待派工）。"
    assert "请写明申请上门的原因。" in await refused(chat, "zhangwei", "/申请上门 T1")
    assert (await refused(chat, "lina", "/申请上门 T1 我也想去")).startswith(
        "T1 的负责人是 张伟")


async def test_dispatch_card_accept_once_and_refusals(chat, env):
    await chat.say("zhangwei", "/建单 客户=华东制造 服务器上账套无法打开 联系人=王会计 电话=13911112222")
    assert (await refused(chat, "zhangwei", "/派工 T1 王强")).startswith(
        "“/派工”需要以下角色之一：服务经理")
    assert await refused(chat, "liujing", "/派工 T1 孙丽") == "孙丽 不是工程师，不能派工。"
    assert (await refused(chat, "liujing", "/派工 T1 王强 时间=今天08:00")).startswith(
        "时间 11-23 08:00 已经过去")
    assert (await refused(chat, "liujing", "/派工 T1 王强 时间=下周")).startswith(
        "无法识别的时间“下周”")
    await chat.skip_pushes()

    answer = await chat.say("liujing", "/派工 T1 王强 时间=明天14:00")
    assert answer == ("已派工 D1：王强 上门处理 T1（华东制造有限公司），已通知其确认（11-23 09:30 前）。"
                      "预约时间 11-24 14:00。")
    pushes = await chat.pushes()
    assert [p.msg.address for p in pushes] == ["user:wangqiang", "user:zhangwei"]
    card = pushes[0].msg
    assert card.kind == "card" and card.title == "派工 D1"
    assert [b.key for b in card.buttons] == ["take:D1"]
    assert "王会计 13911112222" in card.text and "时间：11-24 14:00" in card.text
    assert "客户电话 139****2222" in pushes[1].text  # masked for everyone but the engineer
    clocks = {r.clock: r.due_at for r in await Deadline.filter(object_type="dispatch")}
    assert clocks == {"dispatch_accept": bj(23, 9, 30), "dispatch_appointment": bj(24, 14)}
    assert (await Ticket.get(id=1)).service_mode == "上门"  # dispatched without a request
    assert await refused(chat, "liujing", "/派工 T1 李娜") == "T1 已有进行中的上门 D1（王强）。"

    # Only the dispatched engineer confirms; the card confirms once however often clicked.
    assert await refused(chat, "lina", "/接受派工 D1") == "D1 派给了 王强，只有 王强 可以这样操作。"
    assert await refused(chat, "wangqiang", "/到场 D1") == \
        "D1 当前状态为“待接受”，不能这样操作。请先 /接受派工 D1。"
    assert (await chat.click("wangqiang", "take:D1")).startswith("你已接受派工 D1（T1 华东制造有限公司）")
    assert await refused(chat, "wangqiang", "/接受派工 D1") == "D1 已由 王强 接受。"
    assert await chat.click("lina", "take:D1") == "D1 派给了 王强，只有 王强 可以这样操作。"
    assert await TicketEvent.filter(kind="dispatch_accepted").count() == 1
    assert await refused(chat, "wangqiang", "/接受派工 D9") == "找不到派工单 D9。"
    assert "派工单 D1" not in await chat.say("wangqiang", "/我的")
    assert "D1［已接受］T1 华东制造有限公司（预约 11-24 14:00）" in await chat.say("wangqiang", "/我的")


async def test_appointment_reschedule_reminder_and_missed_alert(chat, env, clock):
    await dispatched(chat)
    assert await refused(chat, "wangqiang", "/预约 D1 明天10:00") == \
        "D1 当前状态为“待接受”，不能这样操作。请先 /接受派工 D1。"
    await chat.say("wangqiang", "/接受派工 D1")
    assert await chat.say("wangqiang", "/预约 D1 11-24 10:00") == \
        "D1 已预约 11-24 10:00 上门，11-24 09:00 会提醒你。"
    # Changed in advance: the clock moves, a new round.
    assert await chat.say("wangqiang", "/预约 D1 明天 下午3点半") == \
        "D1 已预约 11-24 15:30 上门，11-24 14:30 会提醒你。"
    row = await Deadline.get(object_type="dispatch", object_id=1, clock="dispatch_appointment")
    assert (row.due_at, row.cycle) == (bj(24, 15, 30), 1)
    assert (await refused(chat, "wangqiang", "/预约 D1 今天08:00")).startswith("时间 11-23 08:00 已经过去")
    await chat.skip_pushes()
    await travel(env, clock, bj(24, 10))
    assert await chat.pushes() == []  # the old appointment's steps are gone
    await travel(env, clock, bj(24, 14, 30))
    assert [p.msg.address for p in await chat.pushes()] == ["user:wangqiang"]
    await travel(env, clock, bj(24, 15, 30))
    assert sorted(p.msg.address for p in await chat.pushes()) == ["chat:managers",
                                                                  "user:wangqiang"]


async def test_visit_rules_backup_signatory_and_data_authorization(chat):
    await on_site(chat)
    assert await refused(chat, "wangqiang", "/核销 D1") == \
        "D1 当前状态为“已到场”，不能这样操作。请先 /完工 或 /未解决 D1。"
    assert await refused(chat, "lina", "/备份 D1") == "D1 派给了 王强，只有 王强 可以这样操作。"
    assert await refused(chat, "wangqiang", "/完工 D1 签字人=王会计 已修复") == \
        "D1 还没有备份客户数据：请先 /备份 D1，再完工。"
    no_auth = "带走客户数据需要客户的书面授权：请写明授权人，例如 带走数据=王会计。"
    assert await refused(chat, "wangqiang", "/备份 D1 已备份 带走数据") == no_auth
    assert await refused(chat, "wangqiang", "/备份 D1 已备份 带走数据=是") == no_auth
    assert await chat.say("wangqiang", "/备份 D1 已备份账套") == "D1 已记录数据备份。"
    assert await refused(chat, "wangqiang", "/完工 D1 已修复") == \
        "请写明客户签字人：/完工 D1 签字人=姓名 处理结果。"
    assert await refused(chat, "wangqiang", "/完工 D1 签字人=王会计") == \
        "请写明处理结果：/完工 D1 签字人=姓名 处理结果。"
    assert await refused(chat, "wangqiang", "/完工 D1 签字人=王会计 已修复 带走数据") == no_auth
    answer = await chat.say("wangqiang", "/完工 D1 签字人=王会计 修复数据库索引后账套可以打开 "
                                         "原因=数据库索引损坏 带走数据=王会计")
    assert answer == ("带走客户数据还须记录客户盖章的书面授权：附件=平台收到的文件或照片，"
                      "或 存档=纸质授权书的存档编号，例如 带走数据=王会计 附件=授权书.jpg。")
    assert (await Dispatch.get(id=1)).status == "on_site"
    answer = await chat.say("wangqiang", "/完工 D1 签字人=王会计 修复数据库索引后账套可以打开 "
                                         "原因=数据库索引损坏 带走数据=王会计 存档=XZ-2026-040")
    assert answer == ("D1 已完工，客户签字人 王会计；T1 已解决并收入问题库 K1。返回后请 /核销 D1，"
                      "服务单据 11-24 17:30 前交回（/交单 D1）。")
    d = await Dispatch.get(id=1)
    assert (d.status, d.signatory, d.data_authorized_by, d.cause) == (
        "done", "王会计", "王会计", "数据库索引损坏")
    assert (await Ticket.get(id=1)).status == "resolved"
    assert await refused(chat, "wangqiang", "/完工 D1 签字人=王会计 再次") == \
        "D1 当前状态为“已完工”，不能这样操作。请 /核销 D1。"
    assert await refused(chat, "lina", "/核销 D1") == "D1 派给了 王强，只有 王强 可以这样操作。"
    assert await chat.say("wangqiang", "/核销 D1") == \
        "D1 已核销。服务单据请在 11-24 17:30 前交回（/交单 D1）。"
    assert await refused(chat, "lina", "/交单 D1") == "D1 派给了 王强，只有 王强 可以这样操作。"
    assert await chat.say("chenjian", "/交单 D1") == "D1 的服务单据已交回。"  # a supervisor
    assert (await refused(chat, "wangqiang", "/交单 D1")).startswith("D1 的服务单据已于 11-23 09:00 交回")
    shown = await chat.say("sunli", "/派工单 D1")
    assert shown.startswith("D1［已核销］T1 华东制造有限公司")
    assert "客户签字人：王会计" in shown
    assert "带走客户数据，授权人：王会计，书面授权：纸质存档 XZ-2026-040" in shown
    assert "服务单据交回：已按时完成" in shown


async def test_unsolved_asks_for_the_next_visit(chat):
    await on_site(chat)
    answer = await chat.say("wangqiang", "/未解决 D1 服务器硬盘故障，需客户更换后再来")
    assert answer == ("D1 记为未解决，已请服务经理安排下一次上门 D2。服务单据 11-24 17:30 前交回"
                      "（/交单 D1）。")
    managers = await chat.pushes(address="chat:managers")
    assert len(managers) == 1 and managers[0].text.startswith("【再次上门申请 D2】T1")
    assert "上次上门 D1 未解决：服务器硬盘故障" in managers[0].text
    d1, d2 = await Dispatch.filter(id__in=(1, 2)).order_by("id")
    assert (d1.status, d1.outcome) == ("unsolved", "next")
    assert (d2.status, d2.previous_id) == ("requested", 1)
    assert (await Ticket.get(id=1)).status == "claimed" or (await Ticket.get(id=1)).status == "new"
    assert await chat.say("wangqiang", "/核销 D1") == \
        "D1 已核销。服务单据请在 11-24 17:30 前交回（/交单 D1）。"
    answer = await chat.say("liujing", "/派工 T1 王强 时间=明天10:00")
    assert answer.startswith("已派工 D2：王强 上门处理 T1")
    assert await Dispatch.all().count() == 2


async def test_unsolved_escalates_to_hq_and_stays_tracked(chat, env, clock):
    await on_site(chat)
    answer = await chat.say("wangqiang", "/未解决 D1 疑似产品缺陷，账套文件结构异常 升级")
    assert answer == ("D1 记为未解决，T1 已升级总部，解决前持续跟踪（下次跟踪截止 11-24 17:30）。"
                      "服务单据 11-24 17:30 前交回（/交单 D1）。")
    pushes = await chat.pushes()
    assert sorted(p.msg.address for p in pushes) == ["chat:hq", "chat:managers"]
    hq = next(p for p in pushes if p.msg.address == "chat:hq")
    assert "【升级总部】T1 华东制造有限公司（大客户）" in hq.text
    assert "上门 D1 未解决：疑似产品缺陷" in hq.text
    assert (await Dispatch.get(id=1)).outcome == "hq"
    assert await Dispatch.all().count() == 1
    assert "已升级总部、跟踪中（1）" in await chat.say("liujing", "/队列")
    await chat.say("wangqiang", "/核销 D1")
    await chat.say("wangqiang", "/交单 D1")
    await chat.skip_pushes()
    await travel(env, clock, bj(24, 17, 30))
    assert sorted(p.msg.address for p in await chat.pushes()) == ["chat:managers", "user:zhangwei"]
    assert await chat.say("zhangwei", "/解决 T1 总部修复工具恢复账套 入库") == \
        "T1 已解决，已收入问题库 K1。"
    row = await Deadline.get(object_type="ticket", object_id=1, clock="ticket_hq")
    assert row.state == "met"


async def test_paid_visit_for_a_customer_out_of_contract(chat, clock):
    clock.set(datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc))
    await chat.say("zhangwei", "/建单 客户=北方物流 工资模块无法启动")
    answer = await chat.say("zhangwei", "/申请上门 T1 需现场重装")
    assert answer.startswith("已提交上门申请 D1（T1），已通知服务经理派工。该客户服务期已于 2026-11-30 "
                             "到期，只提供：有偿，本次上门为有偿服务。")
    managers = await chat.pushes(address="chat:managers")
    assert "［有偿服务］" in managers[-1].text
    assert (await Ticket.get(id=1)).service_mode == "有偿"


async def test_solved_by_phone_cancels_a_visit_not_yet_dispatched(chat):
    await chat.say("zhangwei", "/建单 客户=华东制造 服务器上账套无法打开")
    await chat.say("zhangwei", "/申请上门 T1 远程连不上服务器")
    assert await chat.say("zhangwei", "/解决 T1 客户重启服务器后恢复") == "T1 已解决。"
    assert (await Dispatch.get(id=1)).status == "cancelled"
    assert (await refused(chat, "liujing", "/派工 T1 王强")).startswith(
        "T1 当前状态为“已解决”，不能这样操作")
