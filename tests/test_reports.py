"""The daily digest and the monthly reports: figures against the hand computation, the PNG
charts and the XLSX registers opened and checked, and the IMAGE/FILE outbox rows that carry
them to the managers, the general manager and whoever asked."""
from __future__ import annotations

import struct
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from bot.messages import FILE, IMAGE, TEXT, OutboundMessage
from bot.scheduler import Scheduler
from bot.services.reports import jobs as reports_jobs
from bot.settings import load_settings
from storage.models import DutyAssignment, OutboxMessage, Staff, Ticket
from tests.month_data import EXPECTED_KPI, VISITS, bj, generate

BJ = ZoneInfo("Asia/Shanghai")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def settings(db_url, tmp_path):
    return load_settings(None, database__url=db_url, simulator__enabled=True,
                         center__general_manager="boss",
                         reports={"dir": str(tmp_path / "reports"), "daily_at": "17:45"})


@pytest.fixture
async def boss(demo):
    return await Staff.create(userid="boss", name="王总", roles="manager", team="总经办")


async def outbox(prefix: str) -> list[tuple[str, OutboundMessage]]:
    rows = await OutboxMessage.filter(dedupe_key__startswith=prefix).order_by("id")
    return [(r.dedupe_key, OutboundMessage.from_json(r.payload)) for r in rows]


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == PNG_MAGIC
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


async def test_daily_digest_of_a_working_day(chat, env, tmp_path):
    zhang = await Staff.get(userid="zhangwei")
    # Friday's two services become Monday morning's follow-ups.
    for i, desc in enumerate(("周五问题一", "周五问题二")):
        await Ticket.create(customer_id=1, description=desc, creator=zhang, owner=zhang,
                                status="resolved", created_at=bj(11, 20, 9),
                                resolved_at=bj(11, 20, 15 + i), solution="好")
    env.clock.set(bj(11, 23, 8, 45))
    await reports_jobs.followup_list(env, date(2026, 11, 23))
    env.clock.set(bj(11, 23, 9))
    await chat.say("zhangwei", "/建单 客户=华东制造 打印凭证时报错")  # T3, never claimed
    await chat.say("lina", "/建单 客户=江南商贸 进销存月结失败")  # T4, solved at 10:00
    await chat.say("lina", "/建单 客户=江南商贸 进销存月结失败了")  # a duplicate of T4
    env.clock.set(bj(11, 23, 10))
    await chat.say("lina", "/接单 T4")
    await chat.say("lina", "/解决 T4 重建索引")
    env.clock.set(bj(11, 23, 10, 30))
    await chat.say("zhangwei", "/投诉 客户=北方物流 类别=服务延时 上门一周未到")
    await chat.say("chenjian", "/投诉确认 C1 有效 责任人=王强")
    env.clock.set(bj(11, 23, 11))
    await chat.say("chenjian", "/回访 V1 及时=5 技能=5 态度=5")
    await DutyAssignment.create(day=date(2026, 11, 24), shift="早班", staff=zhang,
                                assigned_at=bj(11, 20))

    # 17:45 the digest goes to the managers and the supervisors, once.
    env.clock.set(bj(11, 23, 17, 45))
    await chat.skip_pushes()
    sched = Scheduler(env)
    reports_jobs.register(sched, env)
    await sched.run_due()
    await sched.run_due()
    pushes = [p for p in await chat.pushes() if p.text.startswith("【日报】")]
    assert [p.msg.address for p in pushes] == ["chat:managers", "chat:supervisors"]
    expected = "\n".join([
        "【日报】2026-11-23（截至 17:45）",
        "工单：新建 2（另有重复 1），解决 1；上门核销 0；未结工单 1",
        "超时未完成的时限：2 项",
        "· 接单：T3 华东制造有限公司 打印凭证时报错（截止 11-23 09:15）",
        "· 投诉回应：C1 北方物流集团 服务延时（截止 11-23 13:30）",
        "投诉：新受理 1，确认有效 1，未归档 1",
        "回访：当日完成 1，待回访 1，回访问题未办结 0",
        "明日值班：",
        "· 11-24（周二） 早班 张伟；午班 未排班"])
    assert pushes[0].text == expected
    # Asked later for that day, the same figures (as of the day's end, not now).
    env.clock.set(bj(11, 24, 9))
    await chat.say("wangqiang", "/投诉回应 C1 已补派工程师")
    shown = await chat.say("liujing", "/日报 11-23")
    assert shown == expected.replace("（截至 17:45）", "（全天）")
    assert (await chat.say("liujing", "/日报 明年")).startswith("“明年”不是日期")
    assert (await chat.say("zhangwei", "/日报")).startswith("“/日报”需要")


async def test_monthly_reports_on_the_first_working_day(chat, env, boss, tmp_path):
    await generate()
    # Tuesday 2026-12-01 is December's first working day: at 09:00 November's reports go out.
    env.clock.set(bj(12, 1, 9))
    sched = Scheduler(env)
    reports_jobs.register(sched, env)
    await sched.run_due()
    await sched.run_due()  # the period key: once

    sent = await outbox("monthly:2026-11:complaints")
    by_target: dict[str, list[OutboundMessage]] = {}
    for _, m in sent:
        by_target.setdefault(m.address, []).append(m)
    assert sorted(by_target) == ["chat:managers", "user:boss"]
    for msgs in by_target.values():
        assert [m.kind for m in msgs] == [TEXT, IMAGE, IMAGE, FILE]
    text, cat_png, comp_png, xlsx = by_target["user:boss"]
    assert cat_png.title == "2026-11 投诉分类图" and xlsx.title == "2026-11 登记表（工单、投诉、回访、时限达标）"
    assert by_target["chat:managers"][3].file_path == xlsx.file_path

    # The complaint analysis report, figure by figure.
    assert text.text.startswith("【客户投诉分析报告】2026-11　售后服务中心\n" + EXPECTED_KPI + "\n")
    for line in (
        "投诉受理 5 起：有效 3，不属服务范围 1，待确认 1",
        "受理的投诉中：总部转来 1 起（已反馈总部 1），重大投诉 1 起；不属服务范围的不计入投诉率",
        "按类别：服务延时 1（有效 1）；服务质量 1（有效 0）；服务态度 2（有效 2）；服务收费 1（有效 0）",
        "有效投诉责任人：张伟 2；王强 1",
        "处理：有效投诉已归档 2/3；客户不满意重新处理 1 次；升级总部 1 起",
        "投诉时限达标：投诉受理 2/2（100.0%）；投诉回应 2/3（66.7%）；一般投诉处理方案 0/1（0.0%）",
        "· C2 华东制造有限公司［服务态度］责任人 张伟；原因：回电超时；纠正：重新上门；预防：回电纳入检查",
        "· C4 华东制造有限公司［服务态度］责任人 张伟；原因：-；纠正：待填；预防：待填",
    ):
        assert line in text.text.split("\n"), line
    assert text.text.count("投诉受理 5 起") == 1  # issue 15: it was printed twice

    # The follow-up report to the managers.
    fsent = await outbox("monthly:2026-11:followups")
    assert [(m.address, m.kind) for _, m in fsent] == [("chat:managers", TEXT),
                                                      ("chat:managers", IMAGE)]
    assert fsent[0][1].text == "\n".join([
        "【回访报表】2026-11",
        "回访 10 次（本月完成服务 40 次）；满意（三项平均 ≥ 4 分）7 次，满意度 70.0%（目标 ≥ 85%）",
        "平均分：响应及时 4.20，服务技能 4.30，服务态度 4.10",
        "按工程师：",
        "· 张伟：回访 5 次，满意 4（80.0%），平均 4.27 分",
        "· 李娜：回访 3 次，满意 2（66.7%），平均 4.11 分",
        "· 王强：回访 2 次，满意 1（50.0%），平均 4.17 分",
        "回访发现的问题：2 项，已指派 1，已办结 1",
        "不满意的回访：",
        "· V4 华东制造有限公司（张伟）及时 3 技能 4 态度 4；意见：意见 4",
        "· V6 北方物流集团（李娜）及时 2 技能 3 态度 3；意见：意见 6",
        "· V9 北方物流集团（王强）及时 4 技能 4 态度 3；意见：意见 9"])

    # The charts: real PNG files of a sensible size, under ./data/reports-like folders.
    folder = tmp_path / "reports" / "2026-11"
    for m in (cat_png, comp_png, fsent[1][1]):
        path = Path(m.file_path)
        assert path.parent == folder.resolve()
        w, h = png_size(path)
        assert w >= 500 and h >= 250 and path.stat().st_size > 8000

    # The workbook: sheets, row counts and totals.
    wb = load_workbook(xlsx.file_path)
    assert wb.sheetnames == ["指标", "工单登记表", "投诉登记表", "回访记录", "时限达标"]
    targets = [list(r) for r in wb["指标"].iter_rows(values_only=True)]
    assert targets[0] == ["指标", "分子", "分母", "数值", "目标", "说明"]
    assert targets[1][:2] == ["完成服务", 40]
    assert targets[2][:5] == ["投诉率", 3, 40, 0.075, 0.05]
    assert targets[3][:5] == ["满意度", 7, 10, 0.7, 0.85]
    assert targets[4][:4] == ["时限达标率（合计）", 14, 20, 0.7]

    reg = [list(r) for r in wb["投诉登记表"].iter_rows(values_only=True)]
    assert len(reg) == 1 + 5 + 1 and len(reg[0]) == 36
    assert reg[0][:3] == ["编号", "受理时间", "来源"] and "纠正措施" in reg[0] and "预防措施" in reg[0]
    assert [r[0] for r in reg[1:-1]] == ["C2", "C5", "C3", "C6", "C4"]  # by time received
    assert [r[13] for r in reg[1:-1]] == ["有效", "不属服务范围（不计入）", "有效", "待确认", "有效"]
    c2 = dict(zip(reg[0], reg[1]))
    assert c2["受理时间"] == datetime(2026, 11, 5, 9, 0)
    assert c2["联系电话"] == "139****0001" and c2["纠正措施"] == "重新上门"
    assert reg[-1][0] == "合计 5 起" and reg[-1][13] == "有效 3，不计入 1，待确认 1"
    assert reg[-1][27] == 1

    visits = [list(r) for r in wb["回访记录"].iter_rows(values_only=True)]
    assert len(visits) == 1 + 10 + 1
    assert [r[7:10] for r in visits[1:-1]] == [list(v[:3]) for v in VISITS]
    assert visits[-1][0] == "合计 10 次" and visits[-1][7:12] == [4.2, 4.3, 4.1, 4.2, "满意 7 次"]
    assert visits[-1][13] == "问题 2 项"

    clocks = [list(r) for r in wb["时限达标"].iter_rows(values_only=True)]
    assert len(clocks) == 1 + 6 + 1
    assert [r[1] for r in clocks[1:-1]] == ["complaint_ack", "complaint_response", "plan_general",
                                            "ticket_callback", "ticket_claim", "ticket_consult"]
    assert clocks[-1] == ["合计", None, 14, 3, 3, 20, 0.7]
    assert sum(r[5] for r in clocks[1:-1]) == 20


async def test_monthly_report_on_demand_goes_to_the_asker(chat, env, boss):
    await generate()
    env.clock.set(bj(12, 2, 10))
    answer = await chat.say("chenjian", "/月报 2026-11")
    assert answer.startswith("【客户投诉分析报告】2026-11　售后服务中心\n" + EXPECTED_KPI)
    assert answer.endswith("回访报表、统计图和 Excel 登记表已私信发给你。")
    sent = await outbox("monthly-ask:2026-11:chenjian:")
    assert [(m.address, m.kind) for _, m in sent] == [
        ("user:chenjian", TEXT), ("user:chenjian", IMAGE), ("user:chenjian", IMAGE),
        ("user:chenjian", FILE), ("user:chenjian", IMAGE)]
    assert sent[0][1].text.startswith("【回访报表】2026-11\n回访 10 次")
    assert all(Path(m.file_path).is_file() for _, m in sent[1:])
    assert (await chat.say("zhangwei", "/月报")).startswith("“/月报”需要")


async def test_monthly_catch_up_only_within_the_three_working_days(chat, env, boss):
    # December's first working day is Tuesday the 1st; its 3rd is Thursday the 3rd. A bot that
    # comes back on Friday the 4th sends nothing by itself (/月报 still works).
    assert reports_jobs.report_deadline(env, date(2026, 12, 1)) == date(2026, 12, 3)
    env.clock.set(bj(12, 4, 9))
    sched = Scheduler(env)
    reports_jobs.register(sched, env)
    await sched.run_due()
    assert await outbox("monthly:") == []
    assert (await chat.say("liujing", "/月报")).startswith("【客户投诉分析报告】2026-11")
