"""The month's registers as one Excel workbook (openpyxl): the targets, the complaint register
(用户投诉登记表), the follow-up visits and the clock compliance, each sheet ending in a totals row.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from bot.services.directory.lookup import mask_phone
from bot.services.reports import kpi, texts
from bot.services.reports.monthly import MonthReport

if TYPE_CHECKING:
    from bot.calendar import WorkCalendar

DATE_FORMAT = "yyyy-mm-dd hh:mm"
PCT_FORMAT = "0.0%"
BOLD = Font(bold=True)


def _local(cal: "WorkCalendar", dt: datetime | None) -> datetime | None:
    # Excel has no time zones: the center's local wall time, naive.
    return cal.local(dt).replace(tzinfo=None) if dt else None


def _sheet(wb: Workbook, title: str, header: Iterable[str], rows: Iterable[list[Any]],
           totals: list[Any], widths: dict[int, int] | None = None):
    ws = wb.create_sheet(title)
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = BOLD
    for row in rows:
        ws.append(row)
    ws.append(totals)
    for cell in ws[ws.max_row]:
        cell.font = BOLD
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, datetime):
                cell.number_format = DATE_FORMAT
    ws.freeze_panes = "A2"
    for i, title_ in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(i)].width = (widths or {}).get(
            i, max(10, min(40, 2 * len(str(title_)) + 4)))
    return ws


def _verdict(c) -> str:
    if c.valid is None:
        return texts.XL_UNCONFIRMED
    return texts.XL_VALID if c.valid else texts.XL_INVALID


def _targets(wb: Workbook, r: MonthReport) -> None:
    k = r.kpi
    cfg = k.cfg
    rows = [
        [texts.XL_SERVICES, k.services, None, None, None, texts.XL_SERVICES_NOTE.format(
            tickets=k.tickets_solved, visits=k.visits_written_off)],
        [texts.XL_RATE, k.complaint_rate.num, k.complaint_rate.den, k.complaint_rate.value,
         cfg.complaint_rate_target, texts.XL_RATE_NOTE],
        [texts.XL_SATISFACTION, k.satisfaction.num, k.satisfaction.den, k.satisfaction.value,
         cfg.satisfaction_target, texts.XL_SATISFACTION_NOTE.format(
             score=f"{cfg.satisfied_score:g}")],
    ]
    comp = k.compliance
    ws = _sheet(wb, texts.SHEET_TARGETS, texts.XL_TARGET_HEADER, rows,
                [texts.XL_COMPLIANCE, comp.num, comp.den, comp.value,
                 cfg.compliance_target or None, texts.XL_COMPLIANCE_NOTE],
                widths={1: 16, 6: 60})
    for row in ws.iter_rows(min_row=3, min_col=4, max_col=5):
        for cell in row:
            cell.number_format = PCT_FORMAT


def _complaints(wb: Workbook, r: MonthReport, cal: "WorkCalendar") -> None:
    rows = []
    for c in r.complaints:
        rows.append([
            c.number, _local(cal, c.received_at), texts.SOURCE[c.source], c.channel,
            c.customer.name, c.customer.tier, c.contact, mask_phone(c.phone) if c.phone else "",
            f"T{c.ticket_id}" if c.ticket_id else "", c.category, texts.LEVEL[c.level],
            c.content, c.registered_by.name, _verdict(c),
            c.confirmed_by.name if c.confirmed_by else "", _local(cal, c.confirmed_at),
            c.confirm_note, c.department, c.responsible.name if c.responsible else "",
            c.cause, c.measure, _local(cal, c.responded_at), _local(cal, c.result_at),
            c.verified_by.name if c.verified_by else "", _local(cal, c.verified_at),
            "" if c.satisfied is None else (texts.XL_YES if c.satisfied else texts.XL_NO),
            c.opinion, c.reopened, _local(cal, c.escalated_at), c.escalation_note,
            c.corrective, c.preventive, c.archived_by.name if c.archived_by else "",
            _local(cal, c.archived_at), _local(cal, c.hq_feedback_at), texts.STATUS[c.status],
        ])
    k = r.kpi
    verdicts = texts.XL_TOTAL_VERDICTS.format(valid=k.valid, invalid=k.invalid,
                                              pending=k.unconfirmed)
    # Under 编号, 确认结果 and 重新处理次数 (columns 1, 14 and 28 of the header).
    totals = [texts.XL_TOTAL_COMPLAINTS.format(n=len(r.complaints))] + [None] * 12 + \
        [verdicts] + [None] * 13 + [sum(c.reopened for c in r.complaints)] + [None] * 8
    _sheet(wb, texts.SHEET_COMPLAINTS, texts.XL_COMPLAINT_HEADER, rows, totals,
           widths={12: 40, 21: 30, 31: 30, 32: 30})


def _visits(wb: Workbook, r: MonthReport, cal: "WorkCalendar") -> None:
    cfg = r.kpi.cfg
    rows = []
    for f in r.visits:
        mean = sum(kpi.scores(f)) / 3
        rows.append([
            f.number, f"D{f.dispatch_id}" if f.dispatch_id else f.ticket.number, f.customer.name,
            f.engineer.name if f.engineer else "", _local(cal, f.service_at),
            f.visitor.name if f.visitor else "", _local(cal, f.visited_at), f.timeliness,
            f.skill, f.attitude, round(mean, 2),
            texts.XL_YES if kpi.satisfied(f, cfg) else texts.XL_NO, f.remarks,
            texts.ISSUE_KIND.get(f.issue_kind, ""), f.issue,
            texts.ISSUE_STATUS.get(f.issue_status, ""), f.assignee.name if f.assignee else "",
        ])
    k = r.kpi
    means = [round(m, 2) if m is not None else None for m in k.means]
    overall = round(sum(m or 0.0 for m in means) / 3, 2) if k.visits else None
    totals = [texts.XL_TOTAL_VISITS.format(n=k.visits)] + [None] * 6 + means + [overall] + \
        [texts.XL_TOTAL_SATISFIED.format(n=k.satisfied)] + [None] + \
        [texts.XL_TOTAL_ISSUES.format(n=r.issues_raised)] + [None] * 3
    _sheet(wb, texts.SHEET_VISITS, texts.XL_VISIT_HEADER, rows, totals, widths={13: 30, 15: 30})


def _clocks(wb: Workbook, r: MonthReport) -> None:
    rows = [[c.label, c.clock, c.on_time, c.late, c.overdue, c.total, c.ratio.value]
            for c in r.kpi.clocks]
    comp = r.kpi.compliance
    totals = [texts.XL_TOTAL, "", comp.num, sum(c.late for c in r.kpi.clocks),
              sum(c.overdue for c in r.kpi.clocks), comp.den, comp.value]
    ws = _sheet(wb, texts.SHEET_CLOCKS, texts.XL_CLOCK_HEADER, rows, totals,
                widths={1: 18, 2: 22})
    for row in ws.iter_rows(min_row=2, min_col=7, max_col=7):
        for cell in row:
            cell.number_format = PCT_FORMAT


def write(r: MonthReport, cal: "WorkCalendar", path: Path) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    _targets(wb, r)
    _complaints(wb, r, cal)
    _visits(wb, r, cal)
    _clocks(wb, r)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
