"""The monthly reports: the complaint analysis report (客户投诉分析报告) for the managers and the
general manager [001 §六 5], and the follow-up report (回访报表) for the service manager [002 §6].

`build` gathers one month's figures (kpi.py defines them); `render_*` write the texts; charts.py
and workbook.py turn the same figures into PNG charts and the XLSX registers.
"""
from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.services.complaints.procedure import CLOCKS as COMPLAINT_CLOCKS
from bot.services.projects import report as project_report
from bot.services.reports import kpi, texts
from bot.services.reports.kpi import ClockStat
from bot.services.requests.report import monthly_counts as request_counts
from storage.aggregate import Sql, count_if, n
from storage.models.complaints import ARCHIVED, DONE, FROM_HQ, MAJOR

if TYPE_CHECKING:
    from bot.runtime import Runtime


@dataclass
class EngineerLine:
    name: str
    visits: int
    satisfied: int
    mean: float  # mean of the visits' average scores

    @property
    def ratio(self) -> kpi.Ratio:
        return kpi.Ratio(self.satisfied, self.visits)


@dataclass
class ComplaintLine:
    """A valid complaint, as the report's details list it."""
    number: str
    customer: str
    category: str
    responsible: str | None
    cause: str
    corrective: str
    preventive: str


@dataclass
class LowVisit:
    """A visit below the satisfied score, as the follow-up report lists it."""
    number: str
    customer: str
    engineer: str | None
    timeliness: int
    skill: int
    attitude: int
    remarks: str


@dataclass
class MonthReport:
    """One month's figures: counts and sums computed in the database, and the few rows the texts
    list. Plain values only, so the charts can be drawn in another process."""
    kpi: kpi.MonthKpi
    by_category: dict[str, tuple[int, int]]  # category -> (received, valid)
    by_responsible: list[tuple[str, int]]  # valid complaints per responsible person
    hq_forwarded: int
    hq_fed_back: int
    major: int  # valid and major
    archived: int  # valid and archived
    reopened: int  # times complaints were sent back by dissatisfied customers
    escalated: int
    engineers: list[EngineerLine]
    issues_raised: int
    issues_assigned: int
    issues_closed: int
    details: list[ComplaintLine] = field(default_factory=list)  # valid complaints
    low: list[LowVisit] = field(default_factory=list)  # visits not satisfied
    penalties: str | None = None  # the penalty ledger's monthly summary, when installed
    complaint_clocks: list[ClockStat] = field(default_factory=list)
    implementation: str = ""  # projects and training (bot/services/projects/report.py)
    requests: str = ""  # change and sensitive requests of the month (the service manager's)


VALID = "c.valid AND c.counted"  # a complaint that counts in the complaint rate
HQ = f"c.source = '{FROM_HQ}'"
ISSUE_RAISED = "f.issue_status <> ''"


async def _complaint_figures(cfg: Any, start: datetime, end: datetime) -> dict[str, Any]:
    q = Sql()
    totals = await q.one(
        f"SELECT {count_if(HQ)} AS hq, {count_if(HQ + ' AND c.hq_feedback_at IS NOT NULL')} "
        f"AS fed_back, {count_if(f'{VALID} AND c.level = {MAJOR!r}')} AS major, "
        f"{count_if(f'{VALID} AND c.status = {ARCHIVED!r}')} AS archived, "
        f"SUM(c.reopened) AS reopened, {count_if('c.escalated_at IS NOT NULL')} AS escalated "
        f"FROM complaint c WHERE {q.between('c.received_at', start, end)}")
    q = Sql()
    cats = await q.rows(
        f"SELECT c.category AS category, COUNT(*) AS received, {count_if(VALID)} AS valid, "
        "MIN(c.received_at) AS first FROM complaint c "
        f"WHERE {q.between('c.received_at', start, end)} GROUP BY c.category")
    # The configured categories first, then any other in the order first received.
    by_category = {c: (0, 0) for c in cfg.categories}
    for row in sorted(cats, key=lambda r: (str(r["first"]), r["category"])):
        by_category[row["category"]] = (n(row["received"]), n(row["valid"]))
    q = Sql()
    people = await q.rows(
        "SELECT s.name AS name, COUNT(*) AS n FROM complaint c JOIN staff s "
        f"ON s.id = c.responsible_id WHERE {q.between('c.received_at', start, end)} "
        f"AND {VALID} GROUP BY s.name")
    out: dict[str, Any] = {k: n(totals.get(k)) for k in (
        "hq", "fed_back", "major", "archived", "reopened", "escalated")}
    out["by_category"] = by_category
    out["by_responsible"] = sorted(((r["name"], n(r["n"])) for r in people),
                                   key=lambda x: (-x[1], x[0]))
    return out


async def _details(start: datetime, end: datetime) -> list[ComplaintLine]:
    q = Sql()
    rows = await q.rows(
        "SELECT c.id AS id, cu.name AS customer, c.category AS category, s.name AS responsible, "
        "c.cause AS cause, c.corrective AS corrective, c.preventive AS preventive "
        "FROM complaint c JOIN customer cu ON cu.id = c.customer_id "
        f"LEFT JOIN staff s ON s.id = c.responsible_id "
        f"WHERE {q.between('c.received_at', start, end)} AND c.valid "
        "ORDER BY c.received_at, c.id")
    return [ComplaintLine(f"C{r['id']}", r["customer"], r["category"], r["responsible"],
                          r["cause"], r["corrective"], r["preventive"]) for r in rows]


async def _visit_figures(cfg: Any, start: datetime, end: datetime) -> dict[str, Any]:
    scores = "f.timeliness + f.skill + f.attitude"
    q = Sql()
    need = q.p(kpi.satisfied_sum(cfg))
    engineers = await q.rows(
        f"SELECT s.name AS name, COUNT(*) AS visits, {count_if(f'{scores} >= {need}')} "
        f"AS satisfied, SUM({scores}) AS scores FROM followup f "
        f"LEFT JOIN staff s ON s.id = f.engineer_id WHERE f.status = '{DONE}' "
        f"AND {q.between('f.visited_at', start, end)} GROUP BY s.name")
    q = Sql()
    issues = await q.one(
        f"SELECT {count_if(ISSUE_RAISED)} AS raised, "
        f"{count_if('f.assigned_at IS NOT NULL')} AS assigned, "
        f"{count_if('f.issue_closed_at IS NOT NULL')} AS closed FROM followup f "
        f"WHERE f.status = '{DONE}' AND {q.between('f.visited_at', start, end)}")
    q = Sql()
    need = q.p(kpi.satisfied_sum(cfg))
    low = await q.rows(
        f"SELECT f.id AS id, cu.name AS customer, s.name AS engineer, f.timeliness AS t, "
        "f.skill AS sk, f.attitude AS a, f.remarks AS remarks FROM followup f "
        "JOIN customer cu ON cu.id = f.customer_id LEFT JOIN staff s ON s.id = f.engineer_id "
        f"WHERE {scores} < {need} AND f.status = '{DONE}' "
        f"AND {q.between('f.visited_at', start, end)} ORDER BY f.visited_at, f.id")
    lines = [EngineerLine(r["name"] or texts.NOBODY, n(r["visits"]), n(r["satisfied"]),
                          n(r["scores"]) / 3 / n(r["visits"])) for r in engineers]
    return {"engineers": sorted(lines, key=lambda e: (-e.visits, e.name)),
            "raised": n(issues.get("raised")), "assigned": n(issues.get("assigned")),
            "closed": n(issues.get("closed")),
            "low": [LowVisit(f"V{r['id']}", r["customer"], r["engineer"], r["t"], r["sk"],
                             r["a"], r["remarks"]) for r in low]}


async def build(env: "Runtime", month: kpi.Month) -> MonthReport:
    k = await kpi.month_kpi(env, month)
    c = await _complaint_figures(k.cfg, k.start, k.end)
    v = await _visit_figures(k.cfg, k.start, k.end)
    return MonthReport(
        kpi=k, by_category=c["by_category"], by_responsible=c["by_responsible"],
        hq_forwarded=c["hq"], hq_fed_back=c["fed_back"], major=c["major"],
        archived=c["archived"], reopened=c["reopened"], escalated=c["escalated"],
        engineers=v["engineers"], issues_raised=v["raised"], issues_assigned=v["assigned"],
        issues_closed=v["closed"], details=await _details(k.start, k.end), low=v["low"],
        penalties=await _penalties(env, month),
        complaint_clocks=[cl for cl in k.clocks if cl.clock in COMPLAINT_CLOCKS],
        implementation=(await project_report.month_figures(env, k.start, k.end)).render(),
        requests=(await request_counts(k.start, k.end)).render())


async def _penalties(env: "Runtime", month: kpi.Month) -> str | None:
    """The penalty ledger's summary (bot/services/penalties/ledger.py), when that area is
    installed."""
    try:
        mod = importlib.import_module("bot.services.penalties.ledger")
    except ModuleNotFoundError as exc:
        if exc.name != "bot.services.penalties.ledger":
            raise
        return None
    fn = getattr(mod, "monthly_summary", None)
    if fn is None:
        return None
    summary = fn(env, month.year, month.month)
    if inspect.isawaitable(summary):
        summary = await summary
    return summary.render() if hasattr(summary, "render") else str(summary)


def render_complaints(env: "Runtime", r: MonthReport) -> str:
    """The complaint analysis report (客户投诉分析报告)."""
    k = r.kpi
    lines = [texts.CR_HEAD.format(month=k.month.key, center=env.settings.center.name),
             kpi.render(env, k),
             texts.CR_INTAKE.format(hq=r.hq_forwarded, fed_back=r.hq_fed_back, major=r.major)]
    cats = [texts.CR_CATEGORY.format(category=c, received=n, valid=v)
            for c, (n, v) in r.by_category.items() if n]
    lines.append(texts.CR_BY_CATEGORY.format(items="；".join(cats) or texts.NONE))
    lines.append(texts.CR_BY_PERSON.format(items="；".join(
        texts.CR_PERSON.format(name=n, n=c) for n, c in r.by_responsible) or texts.NONE))
    lines.append(texts.CR_HANDLING.format(archived=r.archived, valid=k.valid,
                                          reopened=r.reopened, escalated=r.escalated))
    if r.complaint_clocks:
        lines.append(texts.CR_CLOCKS.format(items="；".join(
            texts.CR_CLOCK.format(label=c.label, num=c.on_time, den=c.total, pct=c.ratio.pct())
            for c in r.complaint_clocks)))
    if r.details:
        lines.append(texts.CR_DETAILS)
        lines += [texts.CR_DETAIL.format(
            no=c.number, customer=c.customer, category=c.category,
            responsible=c.responsible or "-", cause=c.cause or "-",
            corrective=c.corrective or texts.CR_PENDING,
            preventive=c.preventive or texts.CR_PENDING)
            for c in r.details]
    if r.penalties:
        lines.append(r.penalties)
    if r.implementation:
        lines.append(r.implementation)
    lines.append(texts.CR_ATTACHMENTS)
    return "\n".join(lines)


def render_followups(env: "Runtime", r: MonthReport) -> str:
    """The monthly follow-up report (回访报表) for the service manager."""
    k = r.kpi
    cfg = env.settings.reports
    lines = [texts.FR_HEAD.format(month=k.month.key),
             texts.FR_TOTALS.format(visits=k.visits, services=k.services, satisfied=k.satisfied,
                                    pct=k.satisfaction.pct(),
                                    target=f"{cfg.satisfaction_target * 100:g}%",
                                    score=f"{cfg.satisfied_score:g}")]
    if k.visits:
        t, s, a = (f"{m:.2f}" for m in k.means)
        lines.append(texts.FR_MEANS.format(timeliness=t, skill=s, attitude=a))
    if r.engineers:
        lines.append(texts.FR_BY_ENGINEER)
        lines += [texts.FR_ENGINEER.format(name=e.name, visits=e.visits, satisfied=e.satisfied,
                                           pct=e.ratio.pct(), mean=f"{e.mean:.2f}")
                  for e in r.engineers]
    lines.append(texts.FR_ISSUES.format(raised=r.issues_raised, assigned=r.issues_assigned,
                                        closed=r.issues_closed))
    if r.low:
        lines.append(texts.FR_LOW)
        lines += [texts.FR_LOW_LINE.format(
            v=f.number, customer=f.customer, engineer=f.engineer or "-",
            t=f.timeliness, s=f.skill, a=f.attitude, remarks=f.remarks or "-") for f in r.low]
    if r.requests:
        lines.append(r.requests)
    return "\n".join(lines)
