"""The monthly workbook's ticket register, its full-sentence notes, each run's own file names,
an empty month's charts, no projection on a month's first day, and the CJK font found however
matplotlib's cache was built (issue 15's report defects), on SQLite and PostgreSQL."""
from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

import pytest
from matplotlib import font_manager
from openpyxl import load_workbook

from bot.services.reports import charts, kpi, monthly, publish, xlsx
from bot.settings import load_settings
from storage.models import Complaint, Customer, Deadline, Staff, Ticket, TicketEvent
from tests.month_data import bj, generate


@pytest.fixture
def settings(db_url, tmp_path):
    return load_settings(None, database__url=db_url, simulator__enabled=True,
                         reports={"dir": str(tmp_path / "reports")})


def rows(path: Path, sheet: str) -> list[list]:
    return [list(r) for r in load_workbook(path)[sheet].iter_rows(values_only=True)]


async def test_ticket_register_lists_every_ticket_of_the_month(chat, env):
    await generate()  # 40 tickets created in November (Beijing time), one on 10-31
    zhang, lina = await Staff.get(userid="zhangwei"), await Staff.get(userid="lina")
    east = await Customer.get(name="华东制造有限公司")
    # The month's last minute in Beijing is in; the next month's first minute (still 11-30 in
    # UTC) is out.
    last = await Ticket.create(customer=east, contact="周出纳", phone="13812345678",
                               product="财务软件 V9", priority="紧急", description="月末结账失败",
                               creator=zhang, owner=lina, status="resolved",
                               created_at=bj(11, 30, 23, 59), claimed_at=bj(11, 30, 23, 59),
                               resolved_at=bj(12, 1, 9))
    await Ticket.create(customer=east, description="十二月", creator=zhang, owner=zhang,
                        created_at=bj(12, 1, 0, 0))
    await TicketEvent.create(ticket=last, at=bj(12, 1, 8), actor=lina, kind="reopened")
    await TicketEvent.create(ticket=last, at=bj(12, 1, 8, 30), actor=lina, kind="reopened")
    await Deadline.create(object_type="ticket", object_id=last.id, clock="ticket_claim",
                          state="met", started_at=bj(11, 30, 23, 59), anchor_at=bj(11, 30, 23, 59),
                          due_at=bj(12, 1, 9), closed_at=bj(12, 1, 9, 30), late=True)
    mistaken = await Ticket.create(customer=east, description="建错了", creator=zhang, owner=zhang,
                                   status="cancelled", created_at=bj(11, 3, 8))

    env.clock.set(bj(12, 1, 10))
    g = await publish.generate(env, kpi.Month(2026, 11))
    reg = rows(g.workbook, "工单登记表")
    assert reg[0] == ["编号", "客户", "联系人", "电话", "产品", "优先级", "状态", "负责人", "创建时间",
                      "接单时间", "解决时间", "是否超时", "重开次数", "撤单"]
    body, totals = reg[1:-1], reg[-1]
    assert len(body) == 40 + 2  # the generated month, the last-minute one and the mistaken one
    assert [r[8] for r in body] == sorted(r[8] for r in body)  # by creation
    numbers = [r[0] for r in body]
    assert last.number in numbers and mistaken.number in numbers
    assert "十二月" not in {r[1] for r in body} and len(set(numbers)) == len(numbers)
    by_no = {r[0]: dict(zip(reg[0], r)) for r in body}
    row = by_no[last.number]
    assert (row["客户"], row["联系人"], row["电话"], row["产品"], row["优先级"], row["状态"],
            row["负责人"]) == ("华东制造有限公司", "周出纳", "138****5678", "财务软件 V9", "紧急",
                            "已解决", "李娜")
    assert (row["创建时间"].isoformat(), row["解决时间"].isoformat()) == (
        "2026-11-30T23:59:00", "2026-12-01T09:00:00")
    assert (row["是否超时"], row["重开次数"], row["撤单"]) == ("是", 2, None)
    cancelled = by_no[mistaken.number]
    assert (cancelled["状态"], cancelled["撤单"], cancelled["是否超时"]) == ("已撤销", "是", "否")
    late = sum(r[11] == "是" for r in body)
    assert late >= 1 and totals[0] == "合计 42 张"
    assert totals[11:] == [f"超时 {late} 张", 2, "撤单 1 张"]


async def test_workbook_notes_are_whole_sentences_and_wrapped(chat, env):
    await generate()
    env.clock.set(bj(12, 1, 10))
    g = await publish.generate(env, kpi.Month(2026, 11))
    ws = load_workbook(g.workbook)["指标"]
    notes = [ws.cell(row=i, column=6) for i in range(2, 6)]
    assert [c.value for c in notes] == [
        "热线工单解决 36 + 上门派工核销 4",
        "当月受理且确认有效（计入）的投诉起数除以当月完成服务次数。目标：低于 5%。",
        "当月回访中三项平均分不低于 4 分的次数除以当月回访次数。目标：不低于 85%。",
        "当月到期且已了结（已完成或超时仍未完成）的时限中，按时完成的比例。未设目标。"]
    assert all(c.alignment.wrap_text for c in notes)
    assert ws.column_dimensions["F"].width == 60


async def test_each_run_writes_files_of_its_own(chat, env):
    await generate()
    env.clock.set(bj(12, 1, 10))
    first = await publish.generate(env, kpi.Month(2026, 11))
    kept = first.workbook.read_bytes()
    again = await publish.generate(env, kpi.Month(2026, 11))  # the same second
    paths = [(g.category_chart, g.compliance_chart, g.satisfaction_chart, g.workbook)
             for g in (first, again)]
    assert not set(paths[0]) & set(paths[1])
    assert all(p.is_file() for p in paths[0] + paths[1])
    assert first.workbook.read_bytes() == kept
    assert first.workbook.name.startswith("registers-2026-11-20261201-100000-")


async def test_an_empty_month_reads_zero_with_a_note(chat, env):
    env.clock.set(bj(12, 1, 10))
    assert await chat.say("liujing", "/指标 2026-06") == "\n".join([
        "【指标】2026-06（全月）",
        "完成服务 0 次（热线工单解决 0，上门派工核销 0）",
        "投诉率：0/0 = —（目标 < 5%）（暂无数据）",
        "投诉受理 0 起：有效 0，不属服务范围 0，待确认 0",
        "满意度：0/0 = —（三项平均 ≥ 4 分为满意；目标 ≥ 85%）（暂无数据）",
        "时限达标率：0/0 = —"])
    r = await monthly.build(env, kpi.Month(2026, 6))
    d = charts.ChartData.of(r)
    for figure in (charts.category_figure(d), charts.compliance_figure(d),
                   charts.satisfaction_figure(d)):
        ax = figure.axes[0]
        assert "本月无数据" in [t.get_text() for t in ax.texts]
    ax = charts.category_figure(d).axes[0]
    low, high = ax.get_ylim()
    assert low == 0 and high >= 1  # not -0.04 to 0.04
    assert all(float(t).is_integer() for t in ax.get_yticks())
    g = await publish.generate(env, kpi.Month(2026, 6))
    assert [r[0] for r in rows(g.workbook, "工单登记表")] == ["编号", "合计 0 张"]
    assert rows(g.workbook, "投诉登记表")[-1][0] == "合计 0 起"
    assert g.category_chart.stat().st_size > 5000


async def test_kpi_on_the_first_of_the_month_does_not_project(chat, env):
    await generate()
    env.clock.set(bj(12, 1, 10))  # 1.5 of December's 172.5 working hours gone
    answer = (await chat.say("liujing", "/指标")).split("\n")
    assert answer[0] == "【指标】2026-12（截至 12-01 10:00）"
    assert answer[-1] == "预测：本月工作时间才过 0.9%（不足 10%），数据太少，暂不推算月底的服务和投诉。"
    # Once a tenth of the month is gone, the projection returns.
    env.clock.set(bj(12, 4, 17, 30))
    assert (await chat.say("liujing", "/指标")).split("\n")[-1].startswith(
        "预测：本月工作时间已过 17%，按此线性推算")  # no services yet: only when there are some
    assert (await chat.say("liujing", "/指标 2026-11")).split("\n")[0] == "【指标】2026-11（全月）"


def _stale_cache(monkeypatch, family: str) -> None:
    # As if the cache had been built before the font was installed.
    kept = [f for f in font_manager.fontManager.ttflist if f.name != family]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", kept)
    charts.font.cache_clear()
    monkeypatch.setattr(charts, "FONT_FAMILIES", (family,))


def test_a_font_file_missing_from_the_cache_is_registered(monkeypatch, tmp_path, caplog):
    source = Path(font_manager.findfont("DejaVu Sans Mono"))
    copy = tmp_path / source.name
    copy.write_bytes(source.read_bytes())
    _stale_cache(monkeypatch, "DejaVu Sans Mono")
    monkeypatch.setattr(charts, "cjk_font_files", lambda: [str(copy)])
    with caplog.at_level(logging.WARNING, logger=charts.__name__):
        fp = charts.font()
    charts.font.cache_clear()
    assert fp.get_family() == ["DejaVu Sans Mono"]
    assert str(copy) in {f.fname for f in font_manager.fontManager.ttflist}
    assert Path(font_manager.findfont(fp)) == copy
    assert not caplog.records


def test_no_cjk_font_file_warns_once(monkeypatch, caplog):
    _stale_cache(monkeypatch, "No Such CJK Font")
    monkeypatch.setattr(charts, "cjk_font_files", list)
    with caplog.at_level(logging.WARNING, logger=charts.__name__):
        charts.font()
        charts.font()
    charts.font.cache_clear()
    assert [r.getMessage() for r in caplog.records] == [
        "no CJK font file found (install fonts-noto-cjk): chart labels lose their Chinese glyphs"]


async def test_an_early_warning_gives_the_rate_without_a_projection(chat, env):
    zhang = await Staff.get(userid="zhangwei")
    east = await Customer.get(name="华东制造有限公司")
    for i in range(11):
        await Ticket.create(customer=east, description=f"问题 {i}", creator=zhang, owner=zhang,
                            status="resolved", created_at=bj(12, 1, 8, 30),
                            resolved_at=bj(12, 1, 9, i))
    await Complaint.create(customer=east, category="服务态度", content="回电太慢",
                           received_at=bj(12, 1, 9), created_at=bj(12, 1, 9), registered_by=zhang,
                           valid=True, counted=True)
    env.clock.set(bj(12, 1, 10))
    await chat.skip_pushes()
    assert await kpi.watch(env) == ["complaint_rate"]
    assert [p.text for p in await chat.pushes()] == [
        "【指标预警】2026-12 投诉率 1/11 = 9.1%，高于目标 5%（本月工作时间才过 0.9%，暂不推算月底）。"]


def test_the_xlsx_writer_keeps_what_openpyxl_reads(tmp_path):
    book = xlsx.Book(tmp_path / "t.xlsx")
    sheet = book.sheet("登记<表>", ["文字", "数", "时间", "比例"], [12, 8, 17, 8],
                       {3: xlsx.WRAP, 4: xlsx.PERCENT})
    sheet.append([" <a & b> \x01", 3, datetime(2026, 11, 30, 23, 59), 0.125])
    sheet.append(["", None, None, 1.5], bold=True)
    book.sheet("二", ["x"], [10]).append([True])
    book.close()
    wb = load_workbook(tmp_path / "t.xlsx")
    assert wb.sheetnames == ["登记<表>", "二"]
    ws = wb["登记<表>"]
    assert [list(r) for r in ws.iter_rows(values_only=True)] == [
        ["文字", "数", "时间", "比例"], [" <a & b> ", 3, datetime(2026, 11, 30, 23, 59), 0.125],
        [None, None, None, 1.5]]
    assert ws["A1"].font.b and not ws["A2"].font.b and ws["D3"].font.b
    assert (ws["C2"].number_format, ws["D2"].number_format) == ("yyyy-mm-dd hh:mm", "0.0%")
    assert ws.freeze_panes == "A2" and ws.column_dimensions["C"].width == 17
    assert wb["二"]["A2"].value is True


async def test_the_digest_counts_overdue_deadlines_open_at_the_days_end(chat, env):
    def deadline(i: int, **kw) -> Deadline:
        base = dict(object_type="ticket", object_id=100 + i, clock="ticket_claim",
                    state="running", started_at=bj(11, 18), anchor_at=bj(11, 18),
                    due_at=bj(11, 19, 9, i), context={"title": f"T{100 + i} 第 {i} 项"})
        base.update(kw)
        return Deadline(**base)

    await Deadline.bulk_create(
        [deadline(i) for i in range(11)]  # still open
        + [deadline(11, state="met", closed_at=bj(11, 21, 9), late=True),  # met after 11-20
           deadline(12, state="met", closed_at=bj(11, 20, 10), late=True),  # met that day
           deadline(13, state="paused", remaining_s=600.0),  # paused before it was due
           deadline(14, state="paused", remaining_s=0.0),  # paused when already overdue
           deadline(15, due_at=bj(11, 21, 9))])  # due later
    env.clock.set(bj(11, 23, 10))
    lines = (await chat.say("liujing", "/日报 11-20")).split("\n")
    at = lines.index("超时未完成的时限：13 项")
    assert lines[at + 1] == "· 接单：T100 第 0 项（截止 11-19 09:00）"
    assert lines[at + 10] == "· 接单：T109 第 9 项（截止 11-19 09:09）"
    assert lines[at + 11] == "· 另有 3 项未列出"
