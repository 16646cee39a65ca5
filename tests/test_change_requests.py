"""Program change requests (R) through the chat, every clock on the fake clock: submission with
the stamped application, the manager's review, the customer told, development, a failed test
sent back to the developers, a passed test, the customer told, closed; and each refusal.

Monday 2026-11-23 09:00 Beijing is the fixture's start; "1wd" ends at 17:30 the next working day.
"""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from bot.services.deadlines import clocks as deadlines
from storage.models import (
    ChangeRequest,
    Deadline,
    OutboxMessage,
    RequestAttachment,
    RequestEvent,
    Ticket,
    TicketAttachment,
)

BJ = ZoneInfo("Asia/Shanghai")


def bj(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=BJ).astimezone(timezone.utc)


async def tick_at(env, when: datetime) -> None:
    env.clock.set(when)
    await deadlines.tick_until_idle(env)


async def clock_row(rid: int, clock: str) -> Deadline:
    return await Deadline.get(object_type="change", object_id=rid, clock=clock)


def texts_to(pushes, address: str) -> list[str]:
    return [p.text for p in pushes if p.msg.address == address]


async def snapshot() -> tuple:
    rows = await ChangeRequest.all().order_by("id").values()
    return (rows, await RequestEvent.all().count(), await Deadline.all().count(),
            await OutboxMessage.filter(dedupe_key__startswith="change:").count())


async def kept_scan(chat, env, name: str) -> str:
    """The customer faxed the stamped application to the hotline: the picture a platform
    delivered with /建单 is kept with the ticket (tests/test_attachments.py drives that through
    the fake platform APIs); returns its number A<n>."""
    await chat.say("zhangwei", "/建单 客户=华东制造 传真来的盖章申请单")
    ticket = await Ticket.all().order_by("-id").first()
    row = await TicketAttachment.create(
        ticket=ticket, kind="image", name=name, path=f"2026-11/{name}", size=2048,
        content_type="image/jpeg", platform="local", sender="zhangwei", created_at=env.now())
    await chat.skip_pushes()
    return f"A{row.id}"


BUG = ("/改需 客户=华东制造 类型=缺陷 附件=A1 步骤=总账-凭证-打印，选审核人签章 "
       "报错=“签章字段不存在” 凭证打印时审核人签章不显示")


async def test_change_request_from_submission_to_close(chat, env):
    # A bug report without the exact steps and the error message is refused; nothing is created.
    answer = await chat.say("zhangwei", "/改需 客户=华东制造 类型=缺陷 附件=a.jpg 打印不显示签章")
    assert answer.splitlines()[0] == "软件缺陷必须写明具体操作步骤和出现的错误提示：步骤=… 报错=…（缺：操作步骤、错误提示）。"
    # 附件= names a picture the bot keeps (A<n>), not a file name typed by hand.
    answer = await chat.say("zhangwei", "/改需 客户=华东制造 附件=申请单.jpg 凭证打印增加审核人签章")
    assert answer.startswith("附件=“申请单.jpg”不对：请写已收到的附件编号，如 附件=A3")
    answer = await chat.say("zhangwei", "/改需 客户=华东制造 附件=A1 凭证打印增加审核人签章")
    assert answer.startswith("找不到附件 A1。")
    assert await ChangeRequest.all().count() == 0

    # Monday 09:00: submitted with the stamped application the customer faxed to the hotline.
    assert await kept_scan(chat, env, "改需申请单.jpg") == "A1"
    answer = await chat.say("zhangwei", BUG)
    assert answer == ("已提交程序修改申请 R1：华东制造有限公司［软件缺陷］，书面申请：附件 A1 改需申请单.jpg。\n"
                      "服务经理须在 11-24 17:30 前审核。"
                      "纸质申请单须在 11-24 17:30 前交行政部存档（/申请归档 R1 存档编号）。")
    pushes = await chat.pushes()
    assert texts_to(pushes, "chat:managers")[0].startswith("【程序修改申请 R1】华东制造有限公司（大客户）［软件缺陷］")
    assert "错误提示：签章字段不存在" in texts_to(pushes, "chat:managers")[0]
    review = await clock_row(1, "change_review")
    assert review.due_at == bj(24, 17, 30) and review.owner_id is None
    archive = await clock_row(1, "request_archive")
    assert archive.due_at == bj(24, 17, 30)

    # An engineer may not review; nothing changes.
    before = await snapshot()
    answer = await chat.say("zhangwei", "/改需审核 R1 同意 预计=11-27")
    assert answer.startswith("“/改需审核”需要以下角色之一：服务经理。")
    assert await snapshot() == before

    # Tuesday 15:30, two working hours before the review is due: the managers are reminded.
    await tick_at(env, bj(24, 15, 30))
    reminders = texts_to(await chat.pushes(), "chat:managers")
    assert any(t.startswith("【改需审核提醒】R1 华东制造有限公司 软件缺陷") for t in reminders)

    # The paper original reaches the archive on time.
    env.clock.set(bj(24, 16))
    assert await chat.say("zhangwei", "/申请归档 R1 XZ-2026-031") == "R1 的书面申请已登记存档：XZ-2026-031。"
    assert (await clock_row(1, "request_archive")).late is False
    assert (await chat.say("zhangwei", "/申请归档 R1 XZ-2026-032")).startswith("R1 的书面申请已于 11-24 16:00 存档")

    # A refusal needs its reason; a past estimate is refused; neither changes anything.
    env.clock.set(bj(24, 17))
    before = await snapshot()
    assert (await chat.say("liujing", "/改需审核 R1 拒绝")).splitlines()[0] == "拒绝时请写明原因。"
    assert await chat.say("liujing", "/改需审核 R1 同意 预计=11-20") == "预计完工时间不能早于现在。"
    assert (await chat.say("liujing", "/改需审核 R1 同意")).splitlines()[0] == "同意时请写明预计完工时间：预计=12-10 或 预计=12-10 17:00。"
    assert await snapshot() == before

    # Tuesday 17:00: the manager approves, completion estimated Friday 17:30.
    answer = await chat.say("liujing", "/改需审核 R1 同意 预计=11-27 下个补丁一并发布")
    assert answer == "R1 已审核同意，预计 11-27 17:30 完工；张伟 须在 11-25 17:30 前告知客户（/改需告知 R1）。"
    assert (await clock_row(1, "change_review")).late is False
    tell = await clock_row(1, "change_tell")
    assert tell.due_at == bj(25, 17, 30) and tell.owner_id is not None
    estimate = await clock_row(1, "change_estimate")
    assert estimate.due_at == bj(27, 17, 30)
    pushes = await chat.pushes()
    assert texts_to(pushes, "user:zhangwei")[0].startswith("【改需审核】R1 华东制造有限公司 已由 刘静 审核同意")

    # Development cannot be recorded before the customer was told.
    before = await snapshot()
    assert await chat.say("wangqiang", "/改需完成 R1") == "R1 当前状态为“已审核待告知客户”，不能这样操作。"
    # Only the applicant (or a manager) tells the customer.
    assert await chat.say("lina", "/改需告知 R1") == "R1 由 张伟 提交，只有提交人或服务经理可以这样操作。"
    assert await snapshot() == before

    # Wednesday 10:00: the engineer told the customer the estimate.
    env.clock.set(bj(25, 10))
    answer = await chat.say("zhangwei", "/改需告知 R1 已电话告知王会计")
    assert answer == "R1 已告知客户预计 11-27 17:30 完工，交开发人员修改；完成后登记 /改需完成 R1。"
    assert (await clock_row(1, "change_tell")).late is False

    # Thursday 17:30, a working day before the estimate: the engineer is reminded.
    await tick_at(env, bj(26, 17, 30))
    assert any(t.startswith("【预计完工提醒】R1") for t in texts_to(await chat.pushes(), "user:zhangwei"))
    # Friday 17:30 the estimate passes: the managers are warned.
    await tick_at(env, bj(27, 17, 31))
    late = texts_to(await chat.pushes(), "chat:managers")
    assert any(t.startswith("【预计完工超时·1级升级】R1") for t in late)

    # Monday 30th 10:00: the developers finish, late.
    env.clock.set(bj(30, 10))
    answer = await chat.say("wangqiang", "/改需完成 R1 补丁 V10.2.3")
    assert answer.startswith("R1 已登记开发完成（超过预计完工时间")
    assert (await clock_row(1, "change_estimate")).late is True

    # The applicant's test fails: back to the developers with what failed.
    env.clock.set(bj(30, 11))
    assert (await chat.say("zhangwei", "/改需测试 R1 不通过")).splitlines()[0] == "不通过时请写明哪里没有通过，交开发人员修改。"
    assert await chat.say("lina", "/改需测试 R1 通过") == "R1 由 张伟 提交，只有提交人或服务经理可以这样操作。"
    answer = await chat.say("zhangwei", "/改需测试 R1 不通过 签章位置错位")
    assert answer == "R1 测试未通过（第 1 次），已退回开发人员：签章位置错位。预计完工仍为 11-27 17:30。"
    estimate = await clock_row(1, "change_estimate")
    assert estimate.cycle == 1 and estimate.state in ("running", "breached")
    await tick_at(env, bj(30, 11, 1))
    assert any("R1" in t for t in texts_to(await chat.pushes(), "chat:managers"))

    # Fixed again, tested, passed; the customer is told within a working day, then closed.
    env.clock.set(bj(30, 15))
    await chat.say("wangqiang", "/改需完成 R1 签章位置已修正")
    env.clock.set(bj(30, 16))
    answer = await chat.say("zhangwei", "/改需测试 R1 通过")
    assert answer == "R1 测试通过；请在 12-01 17:30 前告知客户（/改需告知 R1）后结束。"
    tell = await clock_row(1, "change_tell")
    assert tell.cycle == 1 and tell.due_at == datetime(2026, 12, 1, 17, 30, tzinfo=BJ)
    env.clock.set(datetime(2026, 12, 1, 9, tzinfo=BJ))
    answer = await chat.say("zhangwei", "/改需告知 R1 已告知王会计升级补丁")
    assert answer == "R1 已告知客户修改完成并测试通过，申请结束。"
    r = await ChangeRequest.get(id=1)
    assert r.status == "closed" and r.failed_tests == 1
    assert not await Deadline.filter(object_type="change", state__in=("running", "breached", "paused")).exists()
    kinds = [e.kind for e in await RequestEvent.filter(kind_of="change", request_id=1)]
    assert kinds == ["submitted", "scan", "archived", "approved", "told", "developed", "test_failed",
                     "developed", "test_passed", "closed"]
    sheet = await chat.say("liujing", "/改需 R1")
    assert sheet.startswith("R1［已结束］华东制造有限公司（大客户）软件缺陷")
    assert "测试未通过，退回开发：签章位置错位" in sheet
    assert "盖章申请附件：\n  图片 改需申请单.jpg（2 KB，11-23 09:00），取自 A1" in sheet
    [kept] = await RequestAttachment.filter(kind_of="change", request_id=1)
    assert (kept.source_id, kept.path) == (1, "2026-11/改需申请单.jpg")
    assert await chat.say("liujing", "/改需") == "没有未结束的程序修改申请。"


async def test_refused_request_is_told_and_closed_and_open_ones_are_listed(chat, env):
    await chat.say("zhangwei", "/改需 客户=华东制造 存档=XZ-7 凭证打印增加审核人签章")
    # Submitted before the scan arrived: the paper still owes the archive, and no manager
    # approves it until the scan is kept or the paper filed.
    answer = await chat.say("lina", "/改需 客户=江南商贸 出库单增加批号列")
    assert answer == ("已提交程序修改申请 R2：江南商贸公司［程序修改］，书面申请：未收到（请用 /附件 编号 发送扫描件，"
                      "或 /申请归档 编号 存档编号）。\n服务经理须在 11-24 17:30 前审核。"
                      "纸质申请单须在 11-24 17:30 前交行政部存档（/申请归档 R2 存档编号）。\n"
                      "收到客户盖章申请的扫描件或照片前不能审核同意：/附件 R2 后发送。")
    assert not await Deadline.filter(object_type="change", object_id=1, clock="request_archive").exists()
    before = await snapshot()
    assert await chat.say("liujing", "/改需审核 R2 同意 预计=11-27") == (
        "R2 还没有客户盖章的书面申请，不能审核同意：请用 /附件 R2 发送扫描件或照片，"
        "或用 /申请归档 R2 存档编号 登记纸质件。")
    assert await snapshot() == before
    listing = await chat.say("liujing", "/改需")
    assert listing.splitlines()[:2] == ["未结束的程序修改申请 2 项：", "【待审核】2 项"]
    answer = await chat.say("liujing", "/改需审核 R2 拒绝 属于定制开发，需另行报价")
    assert answer == "R2 已拒绝：属于定制开发，需另行报价；李娜 须在 11-24 17:30 前告知客户（/改需告知 R2）。"
    assert "【已拒绝待告知客户】1 项" in await chat.say("zhangwei", "/改需")
    assert await chat.say("lina", "/改需告知 R2") == "R2 已告知客户拒绝的原因，申请结束。"
    assert (await ChangeRequest.get(id=2)).status == "closed"


async def test_monthly_report_counts_the_requests(chat, env):
    from bot.services.reports import monthly
    from bot.services.reports.kpi import Month

    await kept_scan(chat, env, "改需申请单.jpg")
    await chat.say("zhangwei", BUG)
    await chat.say("lina", "/改需 客户=江南商贸 存档=XZ-8 出库单增加批号列")
    await chat.say("liujing", "/改需审核 R1 同意 预计=11-27")
    await chat.say("liujing", "/改需审核 R2 拒绝 属于定制开发")
    await chat.say("lina", "/改需告知 R2")
    await chat.say("zhangwei", "/敏感申请 客户=华东制造 类型=账套密码 附件=A1")
    await chat.say("liujing", "/敏感审批 M1 同意")
    env.clock.set(bj(30, 9))  # R1's estimate and both papers' archive clocks have passed
    await deadlines.tick_until_idle(env)
    report = monthly.render_followups(env, await monthly.build(env, Month(2026, 11)))
    assert report.splitlines()[-2:] == [
        "程序修改申请：本月提交 2 项（其中缺陷 1 项），审核同意 1、拒绝 1，结束 1 项，测试退回 0 次，"
        "超过预计完工 1 次，目前未结束 1 项。",
        "敏感申请：本月登记 1 项，批准 1、拒绝 0，办结 0 项，目前未办结 1 项；书面申请超时未存档 2 次。"]
