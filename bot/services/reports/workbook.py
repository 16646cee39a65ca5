"""The month's registers as one Excel workbook (openpyxl): the targets, the ticket register
(工单登记表), the complaint register (用户投诉登记表), the follow-up visits and the clock
compliance, each sheet ending in a totals row.

A busy month has tens of thousands of tickets: the workbook is written in openpyxl's write-only
mode, the registers read from the database a chunk of rows at a time, and the CPU of turning a
chunk into cells runs in a worker thread, so neither memory nor the event loop grows with the
month.
"""
from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from bot.services.directory.lookup import mask_phone
from bot.services.reports import kpi, texts
from bot.services.reports.monthly import MonthReport
from bot.services.tickets.texts import STATUS as TICKET_STATUS
from storage.models import Complaint, Deadline, FollowUp, Ticket, TicketEvent
from storage.models.complaints import DONE
from storage.models.tickets import CANCELLED

if TYPE_CHECKING:
    from bot.calendar import WorkCalendar

DATE_FORMAT = "yyyy-mm-dd hh:mm"
PCT_FORMAT = "0.0%"
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
CHUNK = 1000  # rows read and written at a time


def _local(cal: "WorkCalendar", dt: datetime | None) -> datetime | None:
    # Excel has no time zones: the center's local wall time, naive.
    return cal.local(dt).replace(tzinfo=None) if dt else None


class _Sheet:
    """A write-only sheet: header, rows, a totals row. Widths and frozen header are set before
    the first row, as write-only mode requires."""

    def __init__(self, wb: Workbook, title: str, header: Sequence[str],
                 widths: dict[int, int] | None = None, wrap: Iterable[int] = (),
                 formats: dict[int, str] | None = None) -> None:
        self.ws: WriteOnlyWorksheet = wb.create_sheet(title)
        self.wrap = set(wrap)
        self.formats = formats or {}
        for i, title_ in enumerate(header, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = (widths or {}).get(
                i, max(10, min(40, 2 * len(str(title_)) + 4)))
        self.ws.freeze_panes = "A2"
        self.ws.append([self._cell(v, bold=True) for v in header])
        self.count = 0

    def _cell(self, value: Any, col: int = 0, bold: bool = False) -> Any:
        fmt = DATE_FORMAT if isinstance(value, datetime) else self.formats.get(col)
        if not (bold or fmt or col in self.wrap):
            return value
        cell = WriteOnlyCell(self.ws, value=value)
        if bold:
            cell.font = BOLD
        if fmt and value is not None:
            cell.number_format = fmt
        if col in self.wrap:
            cell.alignment = WRAP
        return cell

    def rows(self, rows: Iterable[Sequence[Any]]) -> None:
        for row in rows:
            self.ws.append([self._cell(v, i) for i, v in enumerate(row, start=1)])
            self.count += 1

    def totals(self, row: Sequence[Any]) -> None:
        self.ws.append([self._cell(v, i, bold=True) for i, v in enumerate(row, start=1)])


async def _in_chunks(ids: list[int], sheet: _Sheet, fetch: Any, convert: Any) -> None:
    """Read the rows of `ids` a chunk at a time (`fetch`, on the event loop) and write them
    (`convert` and the cells, in a worker thread)."""
    for i in range(0, len(ids), CHUNK):
        chunk = await fetch(ids[i:i + CHUNK])
        await asyncio.to_thread(lambda: sheet.rows(convert(row) for row in chunk))


def _verdict(c: Complaint) -> str:
    if c.valid is None:
        return texts.XL_UNCONFIRMED
    return texts.XL_VALID if c.valid else texts.XL_INVALID


def _pct(value: float) -> str:
    return f"{value * 100:g}%"


def _targets(wb: Workbook, r: MonthReport) -> None:
    k = r.kpi
    cfg = k.cfg
    comp = k.compliance
    sheet = _Sheet(wb, texts.SHEET_TARGETS, texts.XL_TARGET_HEADER, widths={1: 18, 6: 60},
                   wrap=(6,), formats={4: PCT_FORMAT, 5: PCT_FORMAT})
    sheet.rows([
        [texts.XL_SERVICES, k.services, None, None, None, texts.XL_SERVICES_NOTE.format(
            tickets=k.tickets_solved, visits=k.visits_written_off)],
        [texts.XL_RATE, k.complaint_rate.num, k.complaint_rate.den, k.complaint_rate.value,
         cfg.complaint_rate_target, texts.XL_RATE_NOTE.format(
             target=_pct(cfg.complaint_rate_target))],
        [texts.XL_SATISFACTION, k.satisfaction.num, k.satisfaction.den, k.satisfaction.value,
         cfg.satisfaction_target, texts.XL_SATISFACTION_NOTE.format(
             score=f"{cfg.satisfied_score:g}", target=_pct(cfg.satisfaction_target))],
    ])
    sheet.totals([texts.XL_COMPLIANCE, comp.num, comp.den, comp.value,
                  cfg.compliance_target or None,
                  texts.XL_COMPLIANCE_NOTE + (texts.XL_COMPLIANCE_TARGET.format(
                      target=_pct(cfg.compliance_target)) if cfg.compliance_target
                      else texts.XL_COMPLIANCE_NO_TARGET)])


async def _tickets(wb: Workbook, r: MonthReport, cal: "WorkCalendar") -> None:
    """The ticket register: every ticket created in the month, phones masked (the workbook goes
    to the managers' group)."""
    sheet = _Sheet(wb, texts.SHEET_TICKETS, texts.XL_TICKET_HEADER,
                   widths={2: 24, 5: 16, 9: 17, 10: 17, 11: 17})
    ids = await Ticket.filter(created_at__gte=r.kpi.start, created_at__lt=r.kpi.end) \
        .order_by("created_at", "id").values_list("id", flat=True)
    late: set[int] = set()
    reopened: dict[int, int] = {}
    totals = {"late": 0, "reopened": 0, "cancelled": 0}

    async def fetch(chunk: list[int]) -> list[dict[str, Any]]:
        rows = await Ticket.filter(id__in=chunk).order_by("created_at", "id").values(
            "id", "contact", "phone", "product", "priority", "status", "created_at",
            "claimed_at", "resolved_at", customer_name="customer__name",
            owner_name="owner__name")
        late.clear()
        late.update(await Deadline.filter(object_type="ticket", object_id__in=chunk).filter(
            late=True).values_list("object_id", flat=True))
        late.update(await Deadline.filter(object_type="ticket", object_id__in=chunk,
                                          breached_at__not_isnull=True)
                    .values_list("object_id", flat=True))
        reopened.clear()
        for ticket_id in await TicketEvent.filter(kind="reopened", ticket_id__in=chunk) \
                .values_list("ticket_id", flat=True):
            reopened[ticket_id] = reopened.get(ticket_id, 0) + 1
        totals["late"] += len(late)
        totals["reopened"] += sum(reopened.values())
        totals["cancelled"] += sum(1 for t in rows if t["status"] == CANCELLED)
        return rows

    def convert(t: dict[str, Any]) -> list[Any]:
        return [f"T{t['id']}", t["customer_name"], t["contact"],
                mask_phone(t["phone"]) if t["phone"] else "", t["product"], t["priority"],
                TICKET_STATUS.get(t["status"], t["status"]), t["owner_name"],
                _local(cal, t["created_at"]), _local(cal, t["claimed_at"]),
                _local(cal, t["resolved_at"]), texts.XL_YES if t["id"] in late else texts.XL_NO,
                reopened.get(t["id"], 0), texts.XL_YES if t["status"] == CANCELLED else ""]

    await _in_chunks(list(ids), sheet, fetch, convert)
    sheet.totals([texts.XL_TOTAL_TICKETS.format(n=sheet.count)] + [None] * 10 +
                 [texts.XL_TOTAL_LATE.format(n=totals["late"]), totals["reopened"],
                  texts.XL_TOTAL_CANCELLED.format(n=totals["cancelled"])])


async def _complaints(wb: Workbook, r: MonthReport, cal: "WorkCalendar") -> None:
    k = r.kpi
    sheet = _Sheet(wb, texts.SHEET_COMPLAINTS, texts.XL_COMPLAINT_HEADER,
                   widths={12: 40, 21: 30, 31: 30, 32: 30})
    ids = await Complaint.filter(received_at__gte=k.start, received_at__lt=k.end) \
        .order_by("received_at", "id").values_list("id", flat=True)

    async def fetch(chunk: list[int]) -> list[Complaint]:
        return await Complaint.filter(id__in=chunk).select_related(
            "customer", "registered_by", "confirmed_by", "responsible", "verified_by",
            "archived_by").order_by("received_at", "id")

    def convert(c: Complaint) -> list[Any]:
        return [
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
        ]

    await _in_chunks(list(ids), sheet, fetch, convert)
    verdicts = texts.XL_TOTAL_VERDICTS.format(valid=k.valid, invalid=k.invalid,
                                              pending=k.unconfirmed)
    # Under 编号, 确认结果 and 重新处理次数 (columns 1, 14 and 28 of the header).
    sheet.totals([texts.XL_TOTAL_COMPLAINTS.format(n=k.received)] + [None] * 12 + [verdicts] +
                 [None] * 13 + [r.reopened] + [None] * 8)


async def _visits(wb: Workbook, r: MonthReport, cal: "WorkCalendar") -> None:
    k = r.kpi
    cfg = k.cfg
    sheet = _Sheet(wb, texts.SHEET_VISITS, texts.XL_VISIT_HEADER, widths={13: 30, 15: 30})
    ids = await FollowUp.filter(status=DONE, visited_at__gte=k.start, visited_at__lt=k.end) \
        .order_by("visited_at", "id").values_list("id", flat=True)

    async def fetch(chunk: list[int]) -> list[FollowUp]:
        return await FollowUp.filter(id__in=chunk).select_related(
            "ticket", "customer", "engineer", "visitor", "assignee").order_by("visited_at", "id")

    def convert(f: FollowUp) -> list[Any]:
        return [
            f.number, f"D{f.dispatch_id}" if f.dispatch_id else f.ticket.number, f.customer.name,
            f.engineer.name if f.engineer else "", _local(cal, f.service_at),
            f.visitor.name if f.visitor else "", _local(cal, f.visited_at), f.timeliness,
            f.skill, f.attitude, round(sum(kpi.scores(f)) / 3, 2),
            texts.XL_YES if kpi.satisfied(f, cfg) else texts.XL_NO, f.remarks,
            texts.ISSUE_KIND.get(f.issue_kind, ""), f.issue,
            texts.ISSUE_STATUS.get(f.issue_status, ""), f.assignee.name if f.assignee else "",
        ]

    await _in_chunks(list(ids), sheet, fetch, convert)
    means = [round(m, 2) if m is not None else None for m in k.means]
    overall = round(sum(m or 0.0 for m in means) / 3, 2) if k.visits else None
    sheet.totals([texts.XL_TOTAL_VISITS.format(n=k.visits)] + [None] * 6 + means + [overall] +
                 [texts.XL_TOTAL_SATISFIED.format(n=k.satisfied)] + [None] +
                 [texts.XL_TOTAL_ISSUES.format(n=r.issues_raised)] + [None] * 3)


def _clocks(wb: Workbook, r: MonthReport) -> None:
    clocks = r.kpi.clocks
    comp = r.kpi.compliance
    sheet = _Sheet(wb, texts.SHEET_CLOCKS, texts.XL_CLOCK_HEADER, widths={1: 18, 2: 22},
                   formats={7: PCT_FORMAT})
    sheet.rows([c.label, c.clock, c.on_time, c.late, c.overdue, c.total, c.ratio.value]
               for c in clocks)
    sheet.totals([texts.XL_TOTAL, "", comp.num, sum(c.late for c in clocks),
                  sum(c.overdue for c in clocks), comp.den, comp.value])


async def write(r: MonthReport, cal: "WorkCalendar", path: Path) -> Path:
    wb = Workbook(write_only=True)
    _targets(wb, r)
    await _tickets(wb, r, cal)
    await _complaints(wb, r, cal)
    await _visits(wb, r, cal)
    _clocks(wb, r)
    path.parent.mkdir(parents=True, exist_ok=True)
    await asyncio.to_thread(wb.save, path)
    return path
