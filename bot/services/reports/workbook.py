"""The month's registers as one Excel workbook (xlsx.py): the targets, the ticket register
(工单登记表), the complaint register (用户投诉登记表), the follow-up visits and the clock
compliance, each sheet ending in a totals row.

A busy month has tens of thousands of tickets: the workbook is streamed row by row, the
registers read from the database a day of rows at a time, and the CPU of turning
them into cells runs in a worker thread, so neither memory nor the event loop grows with the
month.
"""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

from bot.services.directory.lookup import mask_phone
from bot.services.reports import kpi, texts, xlsx
from bot.services.reports.monthly import MonthReport
from bot.services.tickets.texts import STATUS as TICKET_STATUS
from storage.aggregate import Sql, n
from storage.models.complaints import DONE
from storage.models.tickets import CANCELLED

if TYPE_CHECKING:
    from bot.calendar import WorkCalendar

PCT_FORMAT = xlsx.PERCENT
REOPENED = "reopened"  # the ticket event of a /重开
WINDOW = timedelta(days=1)  # rows read and written at a time: a day of the month


def _local(cal: "WorkCalendar", dt: datetime | str | None) -> datetime | None:
    # Excel has no time zones: the center's local wall time, naive. SQLite hands raw SQL the
    # stored ISO text.
    if not dt:
        return None
    if isinstance(dt, str):
        dt = datetime.fromisoformat(dt)
    return cal.local(dt).replace(tzinfo=None)


class _Sheet:
    """A register sheet: header, rows, a totals row in bold; `count` counts the rows."""

    def __init__(self, wb: xlsx.Book, title: str, header: Sequence[str],
                 widths: dict[int, int] | None = None, wrap: Iterable[int] = (),
                 formats: dict[int, int] | None = None) -> None:
        sizes = [(widths or {}).get(i, max(10, min(40, 2 * len(str(t)) + 4)))
                 for i, t in enumerate(header, start=1)]
        styles = dict(formats or {})
        styles.update({col: xlsx.WRAP for col in wrap})
        self.ws = wb.sheet(title, header, sizes, styles)
        self.count = 0

    def rows(self, rows: Iterable[Sequence[Any]]) -> None:
        for row in rows:
            self.ws.append(row)
            self.count += 1

    def totals(self, row: Sequence[Any]) -> None:
        self.ws.append(row, bold=True)


def _windows(start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The month cut into days: each register reads one day's rows at a time, over the index of
    its date column, so memory holds a day of rows and no list of ids grows with the month."""
    out, at = [], start
    while at < end:
        out.append((at, min(at + WINDOW, end)))
        at += WINDOW
    return out


async def _by_day(sheet: _Sheet, start: datetime, end: datetime,
                  query: Callable[[Sql, datetime, datetime], str],
                  convert: Callable[[dict[str, Any]], list[Any]]) -> None:
    """Read a day's rows (on the event loop) while the day before is turned into cells (in a
    worker thread), day after day: the database and the writing overlap, the rows stay in
    order, and memory holds two days of rows at most."""
    def write(rows: list[dict[str, Any]]) -> None:
        sheet.rows([convert(r) for r in rows])

    writing: asyncio.Future[None] | None = None
    try:
        for a, b in _windows(start, end):
            q = Sql()
            rows = await q.rows(query(q, a, b))
            if writing is not None:
                await writing
                writing = None
            if rows:
                writing = asyncio.ensure_future(asyncio.to_thread(write, rows))
        if writing is not None:
            await writing
            writing = None
    finally:
        if writing is not None:  # a query failed: let the write end before the file closes
            await asyncio.wait([writing])


def _yes_no(value: Any) -> str:
    return "" if value is None else (texts.XL_YES if value else texts.XL_NO)


def _verdict(valid: Any) -> str:
    if valid is None:
        return texts.XL_UNCONFIRMED
    return texts.XL_VALID if valid else texts.XL_INVALID


def _pct(value: float) -> str:
    return f"{value * 100:g}%"


def _targets(wb: xlsx.Book, r: MonthReport) -> None:
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


def _ticket_rows(q: Sql, start: datetime, end: datetime) -> str:
    # A ticket is late when any of its clocks was met late or breached.
    return (
        "SELECT t.id AS id, cu.name AS customer, t.contact AS contact, t.phone AS phone, "
        "t.product AS product, t.priority AS priority, t.status AS status, s.name AS owner, "
        "t.created_at AS created_at, t.claimed_at AS claimed_at, t.resolved_at AS resolved_at, "
        "EXISTS (SELECT 1 FROM deadline d WHERE d.object_type = 'ticket' AND d.object_id = t.id "
        "AND (d.late OR d.breached_at IS NOT NULL)) AS late, "
        f"(SELECT COUNT(*) FROM ticket_event e WHERE e.kind = '{REOPENED}' "
        "AND e.ticket_id = t.id) AS reopened "
        "FROM ticket t JOIN customer cu ON cu.id = t.customer_id "
        "JOIN staff s ON s.id = t.owner_id "
        f"WHERE {q.between('t.created_at', start, end)} ORDER BY t.created_at, t.id")


async def _tickets(wb: xlsx.Book, r: MonthReport, cal: "WorkCalendar") -> None:
    """The ticket register: every ticket created in the month, phones masked (the workbook goes
    to the managers' group)."""
    sheet = _Sheet(wb, texts.SHEET_TICKETS, texts.XL_TICKET_HEADER,
                   widths={2: 24, 5: 16, 9: 17, 10: 17, 11: 17})
    totals = {"late": 0, "reopened": 0, "cancelled": 0}

    def convert(t: dict[str, Any]) -> list[Any]:
        cancelled = t["status"] == CANCELLED
        totals["late"] += bool(t["late"])
        totals["reopened"] += n(t["reopened"])
        totals["cancelled"] += cancelled
        return [f"T{t['id']}", t["customer"], t["contact"],
                mask_phone(t["phone"]) if t["phone"] else "", t["product"], t["priority"],
                TICKET_STATUS.get(t["status"], t["status"]), t["owner"],
                _local(cal, t["created_at"]), _local(cal, t["claimed_at"]),
                _local(cal, t["resolved_at"]), _yes_no(bool(t["late"])), n(t["reopened"]),
                texts.XL_YES if cancelled else ""]

    await _by_day(sheet, r.kpi.start, r.kpi.end, _ticket_rows, convert)
    sheet.totals([texts.XL_TOTAL_TICKETS.format(n=sheet.count)] + [None] * 10 +
                 [texts.XL_TOTAL_LATE.format(n=totals["late"]), totals["reopened"],
                  texts.XL_TOTAL_CANCELLED.format(n=totals["cancelled"])])


# The complaint register's people: column alias -> the complaint's staff column.
_PEOPLE = {"registered": "registered_by_id", "confirmer": "confirmed_by_id",
           "responsible": "responsible_id", "verifier": "verified_by_id",
           "archiver": "archived_by_id"}


def _complaint_rows(q: Sql, start: datetime, end: datetime) -> str:
    people = ", ".join(f"p{i}.name AS {alias}" for i, alias in enumerate(_PEOPLE))
    joins = " ".join(f"LEFT JOIN staff p{i} ON p{i}.id = c.{column}"
                     for i, column in enumerate(_PEOPLE.values()))
    return (
        f"SELECT c.*, cu.name AS customer, cu.tier AS tier, {people} FROM complaint c "
        f"JOIN customer cu ON cu.id = c.customer_id {joins} "
        f"WHERE {q.between('c.received_at', start, end)} ORDER BY c.received_at, c.id")


async def _complaints(wb: xlsx.Book, r: MonthReport, cal: "WorkCalendar") -> None:
    k = r.kpi
    sheet = _Sheet(wb, texts.SHEET_COMPLAINTS, texts.XL_COMPLAINT_HEADER,
                   widths={12: 40, 21: 30, 31: 30, 32: 30})

    def convert(c: dict[str, Any]) -> list[Any]:
        return [
            f"C{c['id']}", _local(cal, c["received_at"]), texts.SOURCE[c["source"]],
            c["channel"], c["customer"], c["tier"], c["contact"],
            mask_phone(c["phone"]) if c["phone"] else "",
            f"T{c['ticket_id']}" if c["ticket_id"] else "", c["category"],
            texts.LEVEL[c["level"]], c["content"], c["registered"] or "",
            _verdict(c["valid"]), c["confirmer"] or "", _local(cal, c["confirmed_at"]),
            c["confirm_note"], c["department"], c["responsible"] or "", c["cause"],
            c["measure"], _local(cal, c["responded_at"]), _local(cal, c["result_at"]),
            c["verifier"] or "", _local(cal, c["verified_at"]), _yes_no(c["satisfied"]),
            c["opinion"], c["reopened"], _local(cal, c["escalated_at"]), c["escalation_note"],
            c["corrective"], c["preventive"], c["archiver"] or "", _local(cal, c["archived_at"]),
            _local(cal, c["hq_feedback_at"]), texts.STATUS[c["status"]],
        ]

    await _by_day(sheet, k.start, k.end, _complaint_rows, convert)
    verdicts = texts.XL_TOTAL_VERDICTS.format(valid=k.valid, invalid=k.invalid,
                                              pending=k.unconfirmed)
    # Under 编号, 确认结果 and 重新处理次数 (columns 1, 14 and 28 of the header).
    sheet.totals([texts.XL_TOTAL_COMPLAINTS.format(n=k.received)] + [None] * 12 + [verdicts] +
                 [None] * 13 + [r.reopened] + [None] * 8)


def _visit_rows(q: Sql, start: datetime, end: datetime) -> str:
    return (
        "SELECT f.*, cu.name AS customer, en.name AS engineer, vi.name AS visitor, "
        "asg.name AS assignee FROM followup f JOIN customer cu ON cu.id = f.customer_id "
        "LEFT JOIN staff en ON en.id = f.engineer_id LEFT JOIN staff vi ON vi.id = f.visitor_id "
        "LEFT JOIN staff asg ON asg.id = f.assignee_id "
        f"WHERE f.status = '{DONE}' AND {q.between('f.visited_at', start, end)} "
        "ORDER BY f.visited_at, f.id")


async def _visits(wb: xlsx.Book, r: MonthReport, cal: "WorkCalendar") -> None:
    k = r.kpi
    need = kpi.satisfied_sum(k.cfg)
    sheet = _Sheet(wb, texts.SHEET_VISITS, texts.XL_VISIT_HEADER, widths={13: 30, 15: 30})

    def convert(f: dict[str, Any]) -> list[Any]:
        total = f["timeliness"] + f["skill"] + f["attitude"]
        return [
            f"V{f['id']}", f"D{f['dispatch_id']}" if f["dispatch_id"] else f"T{f['ticket_id']}",
            f["customer"], f["engineer"] or "", _local(cal, f["service_at"]),
            f["visitor"] or "", _local(cal, f["visited_at"]), f["timeliness"], f["skill"],
            f["attitude"], round(total / 3, 2), _yes_no(total >= need), f["remarks"],
            texts.ISSUE_KIND.get(f["issue_kind"], ""), f["issue"],
            texts.ISSUE_STATUS.get(f["issue_status"], ""), f["assignee"] or "",
        ]

    await _by_day(sheet, k.start, k.end, _visit_rows, convert)
    means = [round(m, 2) if m is not None else None for m in k.means]
    overall = round(sum(m or 0.0 for m in means) / 3, 2) if k.visits else None
    sheet.totals([texts.XL_TOTAL_VISITS.format(n=k.visits)] + [None] * 6 + means + [overall] +
                 [texts.XL_TOTAL_SATISFIED.format(n=k.satisfied)] + [None] +
                 [texts.XL_TOTAL_ISSUES.format(n=r.issues_raised)] + [None] * 3)


def _clocks(wb: xlsx.Book, r: MonthReport) -> None:
    clocks = r.kpi.clocks
    comp = r.kpi.compliance
    sheet = _Sheet(wb, texts.SHEET_CLOCKS, texts.XL_CLOCK_HEADER, widths={1: 18, 2: 22},
                   formats={7: PCT_FORMAT})
    sheet.rows([c.label, c.clock, c.on_time, c.late, c.overdue, c.total, c.ratio.value]
               for c in clocks)
    sheet.totals([texts.XL_TOTAL, "", comp.num, sum(c.late for c in clocks),
                  sum(c.overdue for c in clocks), comp.den, comp.value])


async def write(r: MonthReport, cal: "WorkCalendar", path: Path) -> Path:
    wb = xlsx.Book(path)
    _targets(wb, r)
    await _tickets(wb, r, cal)
    await _complaints(wb, r, cal)
    await _visits(wb, r, cal)
    _clocks(wb, r)
    return await asyncio.to_thread(wb.close)
