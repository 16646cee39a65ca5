"""Sensitive requests (M) through the chat: the stamped application, a manager's approval, the
engineer's /敏感办结 with the contact person told, sensitive knowledge and phrases visible to
that engineer for that customer only with every read audited, the paper archive's clock and its
penalty rule; every refusal answers in Chinese and changes nothing.

Monday 2026-11-23 09:00 Beijing is the fixture's start; "1wd" ends at 17:30 the next working day.
"""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from bot.services.deadlines import clocks as deadlines
from bot.services.knowledge import library
from bot.services.penalties import ledger as penalties
from storage.models import AuditLog, Deadline, KnowledgeEntry, RequestEvent, SensitiveRequest
from tests.test_change_requests import kept_scan

BJ = ZoneInfo("Asia/Shanghai")


def bj(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=BJ).astimezone(timezone.utc)


async def state() -> tuple:
    return (await SensitiveRequest.all().order_by("id").values(),
            await RequestEvent.all().count(),
            await AuditLog.filter(command="sensitive_read").count(),
            await KnowledgeEntry.all().order_by("id").values("id", "sensitive"))


async def test_sensitive_request_gates_the_action_and_the_knowledge(chat, env):
    await library.add_entry(env, symptom="超级管理员密码忘记，无法登录系统管理",
                            solution="用密码恢复工具清空 admin 密码后重新设置",
                            product="财务软件", version="V10.2")
    await library.add_entry(env, symptom="打印凭证时报错", solution="重装打印控件")
    # Only a manager marks an entry sensitive.
    before = await state()
    assert (await chat.say("zhangwei", "/敏感知识 K1")).startswith("“/敏感知识”需要以下角色之一：服务经理。")
    assert await state() == before
    assert await chat.say("liujing", "/敏感知识 K1") == "K1 已标为敏感资料：只对持有该客户已批准敏感申请的工程师可见。"

    # The application is a picture the bot keeps (A<n>), not a name typed by hand.
    answer = await chat.say("zhangwei", "/敏感申请 客户=华东制造 类型=超级管理员密码 "
                                        "附件=密码恢复申请.jpg 会计离职")
    assert answer.startswith("附件=“密码恢复申请.jpg”不对")
    assert (await chat.say("zhangwei", "/敏感 客户=华东制造 类型=网银 附件=A1")).startswith("类型“网银”不对")
    assert await SensitiveRequest.all().count() == 0

    assert await kept_scan(chat, env, "密码恢复申请.jpg") == "A1"
    answer = await chat.say("zhangwei", "/敏感申请 客户=华东制造 类型=超级管理员密码 "
                                        "附件=A1 会计离职，无人知道密码")
    assert answer == ("已登记敏感申请 M1：华东制造有限公司［超级管理员密码恢复］，书面申请：附件 A1 密码恢复申请.jpg。\n"
                      "服务经理须在 11-23 14:30 前审批；批准前不得处理。"
                      "纸质申请单须在 11-24 17:30 前交行政部存档（/申请归档 M1 存档编号）。")
    managers = [p.text for p in await chat.pushes() if p.msg.address == "chat:managers"]
    assert managers[0].startswith("【敏感申请 M1】华东制造有限公司（大客户）［超级管理员密码恢复］")

    # Before approval: the engineer may not act, and the sensitive entry is invisible.
    before = await state()
    assert await chat.say("zhangwei", "/敏感办结 M1 告知=王会计") == \
        "M1 当前状态为“待审批”：只有服务经理批准后才能处理。"
    found = await chat.say("zhangwei", "/查 超级管理员密码忘记")
    assert "K1" not in found
    assert await chat.say("zhangwei", "/查 超级管理员密码忘记 客户=华东制造") == \
        "华东制造有限公司 没有由你负责且已批准的敏感申请，敏感资料不能查看。"
    assert await chat.say("zhangwei", "/知识 K1") == \
        "K1 是敏感资料：只有持有该客户已批准敏感申请（M）的工程师可以查看，请写明 客户=。"
    assert (await chat.say("zhangwei", "/话术 超级管理员密码恢复")).startswith("没有“超级管理员密码恢复”的话术")
    assert "超级管理员密码恢复" not in await chat.say("zhangwei", "/话术")
    # A refusal or an approval by a non-manager changes nothing.
    assert (await chat.say("lina", "/敏感审批 M1 同意")).startswith("“/敏感审批”需要以下角色之一：服务经理。")
    assert (await chat.say("chenjian", "/敏感审批 M1 拒绝 公章不清")).startswith("“/敏感审批”需要以下角色之一")
    assert await state() == before

    # Monday 11:00: the manager approves, in time.
    env.clock.set(bj(23, 11))
    assert await chat.say("liujing", "/敏感审批 M1 同意 已核对公章") == \
        "M1 已批准，张伟 可以处理；办结时写明告知的联系人：/敏感办结 M1 告知=联系人。"
    review = await Deadline.get(object_type="sensitive", object_id=1, clock="sensitive_review")
    assert review.due_at == bj(23, 14, 30) and review.late is False
    told = [p.text for p in await chat.pushes() if p.msg.address == "user:zhangwei"]
    assert told[0].startswith("【敏感申请已批准】M1 华东制造有限公司［超级管理员密码恢复］由 刘静 批准")

    # Now the entry and the phrase are there for that engineer and that customer, audited.
    found = await chat.say("zhangwei", "/查 超级管理员密码忘记 客户=华东制造")
    assert "K1［敏感］［财务软件 V10.2］超级管理员密码忘记" in found
    assert (await chat.say("zhangwei", "/知识 K1 客户=华东制造")).startswith("问题库 K1\n现象：超级管理员密码忘记")
    phrase = await chat.say("zhangwei", "/话术 超级管理员密码恢复 客户=华东制造")
    assert phrase.startswith("【超级管理员密码恢复】")
    reads = await AuditLog.filter(command="sensitive_read").order_by("id")
    assert [(r.actor, r.text) for r in reads] == [
        ("zhangwei", "M1 K1（客户 华东制造有限公司）"),
        ("zhangwei", "M1 K1（客户 华东制造有限公司）"),
        ("zhangwei", "M1 超级管理员密码恢复（客户 华东制造有限公司）")]
    # Not for another engineer, not for another customer.
    before = await state()
    assert await chat.say("lina", "/查 超级管理员密码忘记 客户=华东制造") == \
        "华东制造有限公司 没有由你负责且已批准的敏感申请，敏感资料不能查看。"
    assert await chat.say("zhangwei", "/知识 K1 客户=江南商贸") == \
        "江南商贸公司 没有由你负责且已批准的敏感申请，敏感资料不能查看。"
    assert "K1" not in await chat.say("lina", "/查 超级管理员密码忘记")
    # Only the request's engineer closes it, with the contact person told.
    assert await chat.say("lina", "/敏感办结 M1 告知=王会计") == "M1 由 张伟 负责，只有该工程师可以办结。"
    assert (await chat.say("zhangwei", "/敏感办结 M1")).startswith("请写明告知的客户联系人")
    assert await state() == before

    env.clock.set(bj(23, 14))
    assert await chat.say("zhangwei", "/敏感办结 M1 告知=王会计 已恢复并请其立即修改密码") == "M1 已办结：已告知 王会计。"
    m = await SensitiveRequest.get(id=1)
    assert m.status == "done" and m.told_contact == "王会计"
    # Done: the grant is over.
    assert await chat.say("zhangwei", "/知识 K1 客户=华东制造") == \
        "华东制造有限公司 没有由你负责且已批准的敏感申请，敏感资料不能查看。"
    kinds = [e.kind for e in await RequestEvent.filter(kind_of="sensitive", request_id=1)]
    assert kinds == ["submitted", "scan", "approved", "read", "read", "read", "done"]
    sheet = await chat.say("liujing", "/敏感申请 M1")
    assert sheet.startswith("M1［已办结］华东制造有限公司（大客户）超级管理员密码恢复")
    assert "告知联系人：王会计" in sheet
    assert "盖章申请附件：\n  图片 密码恢复申请.jpg（2 KB，11-23 09:00），取自 A1" in sheet

    # The paper never reached the archive: past Tuesday 17:30 the clock breaches and the
    # archive_late rule fines the engineer.
    env.clock.set(bj(24, 18))
    await deadlines.tick_until_idle(env)
    fined = await penalties.scan(env)
    assert [(p.rule, p.amount) for p in fined] == [("archive_late", 5)]


async def test_refused_request_never_opens_anything(chat, env):
    await chat.say("lina", "/敏感申请 客户=江南商贸 类型=清除数据 存档=XZ-9 年度数据重新建账")
    assert not await Deadline.filter(object_type="sensitive", clock="request_archive").exists()
    assert (await chat.say("liujing", "/敏感审批 M1 拒绝")).splitlines()[0] == "拒绝时请写明原因。"
    assert await chat.say("liujing", "/敏感审批 M1 拒绝 未先备份") == "M1 已拒绝：未先备份。"
    assert await chat.say("lina", "/敏感办结 M1 告知=周出纳") == \
        "M1 当前状态为“已拒绝”：只有服务经理批准后才能处理。"
    assert await chat.say("lina", "/话术 清除数据 客户=江南商贸") == \
        "江南商贸公司 没有由你负责且已批准的敏感申请，敏感资料不能查看。"
    assert (await chat.say("liujing", "/敏感审批 M1 同意")).startswith("M1 当前状态为“已拒绝”")
    # A manager who is also an engineer does not approve his own request.
    await chat.say("zhaomin", "/敏感申请 客户=北方物流 类型=报表密码 存档=XZ-10")
    before = await SensitiveRequest.get(id=2)
    assert await chat.say("zhaomin", "/敏感审批 M2 同意") == "M2 是你自己登记的申请，须由另一位服务经理审批。"
    assert (await SensitiveRequest.get(id=2)).status == before.status == "submitted"
    assert (await chat.say("zhangwei", "/敏感")).splitlines() == [
        "未办结的敏感申请 1 项：", "· M2［待审批］北方物流集团［报表密码］工程师：赵敏 11-23 09:00"]
    # Registered before its scan arrived: no approval until the scan is kept or the paper filed.
    answer = await chat.say("lina", "/敏感申请 客户=江南商贸 类型=账套密码 会计离职")
    assert answer.startswith("已登记敏感申请 M3：江南商贸公司［账套密码］，书面申请：未收到")
    assert await chat.say("liujing", "/敏感审批 M3 同意") == (
        "M3 还没有客户盖章的书面申请，不能审核同意：请用 /附件 M3 发送扫描件或照片，"
        "或用 /申请归档 M3 存档编号 登记纸质件。")
    assert (await SensitiveRequest.get(id=3)).status == "submitted"
    assert await chat.say("lina", "/申请归档 M3 XZ-11") == "M3 的书面申请已登记存档：XZ-11。"
    assert (await chat.say("liujing", "/敏感审批 M3 同意")).startswith("M3 已批准")
