"""The monthly reports: the complaint analysis report (客户投诉分析报告) for the managers and the
general manager [001 §六 5], and the follow-up report (回访报表) for the service manager [002 §6].

`build` gathers one month's figures (kpi.py defines them); `render_*` write the texts; charts.py
and workbook.py turn the same figures into PNG charts and the XLSX registers.
"""
from __future__ import annotations

import importlib
import inspect
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.services.complaints.procedure import CLOCKS as COMPLAINT_CLOCKS
from bot.services.projects import report as project_report
from bot.services.reports import kpi, texts
from bot.services.reports.kpi import ClockStat
from bot.services.requests.report import monthly_counts as request_counts
from storage.models import Complaint, FollowUp
from storage.models.complaints import ARCHIVED, FROM_HQ, MAJOR

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
class MonthReport:
    kpi: kpi.MonthKpi
    complaints: list[Complaint]
    visits: list[FollowUp]
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
    penalties: str | None = None  # the penalty ledger's monthly summary, when installed
    complaint_clocks: list[ClockStat] = field(default_factory=list)
    implementation: str = ""  # projects and training (bot/services/projects/report.py)
    requests: str = ""  # change and sensitive requests of the month (the service manager's)


async def build(env: "Runtime", month: kpi.Month) -> MonthReport:
    k = await kpi.month_kpi(env, month)
    cfg = k.cfg
    complaints = await kpi.complaints_in(k.start, k.end)
    visits = await kpi.visits_in(k.start, k.end)
    cats = {c: [0, 0] for c in cfg.categories}
    for c in complaints:
        acc = cats.setdefault(c.category, [0, 0])
        acc[0] += 1
        acc[1] += bool(c.valid and c.counted)
    valid = [c for c in complaints if c.valid and c.counted]
    people = Counter(c.responsible.name for c in valid if c.responsible)
    engineers: dict[str, list[Any]] = {}
    for f in visits:
        tally = engineers.setdefault(f.engineer.name if f.engineer else texts.NOBODY, [0, 0, 0.0])
        tally[0] += 1
        tally[1] += kpi.satisfied(f, cfg)
        tally[2] += sum(kpi.scores(f)) / 3
    return MonthReport(
        kpi=k, complaints=complaints, visits=visits,
        by_category={c: (v[0], v[1]) for c, v in cats.items()},
        by_responsible=sorted(people.items(), key=lambda x: (-x[1], x[0])),
        hq_forwarded=sum(1 for c in complaints if c.source == FROM_HQ),
        hq_fed_back=sum(1 for c in complaints if c.source == FROM_HQ and c.hq_feedback_at),
        major=sum(1 for c in valid if c.level == MAJOR),
        archived=sum(1 for c in valid if c.status == ARCHIVED),
        reopened=sum(c.reopened for c in complaints),
        escalated=sum(1 for c in complaints if c.escalated_at is not None),
        engineers=sorted((EngineerLine(n, v[0], v[1], v[2] / v[0]) for n, v in engineers.items()),
                         key=lambda e: (-e.visits, e.name)),
        issues_raised=sum(1 for f in visits if f.issue_status),
        issues_assigned=sum(1 for f in visits if f.assigned_at is not None),
        issues_closed=sum(1 for f in visits if f.issue_closed_at is not None),
        penalties=await _penalties(env, month),
        complaint_clocks=[c for c in k.clocks if c.clock in COMPLAINT_CLOCKS],
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
             texts.CR_INTAKE.format(received=k.received, valid=k.valid, invalid=k.invalid,
                                    unconfirmed=k.unconfirmed, hq=r.hq_forwarded,
                                    fed_back=r.hq_fed_back, major=r.major)]
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
    details = [c for c in r.complaints if c.valid]
    if details:
        lines.append(texts.CR_DETAILS)
        lines += [texts.CR_DETAIL.format(
            no=c.number, customer=c.customer.name, category=c.category,
            responsible=c.responsible.name if c.responsible else "-", cause=c.cause or "-",
            corrective=c.corrective or texts.CR_PENDING,
            preventive=c.preventive or texts.CR_PENDING)
            for c in details]
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
    low = [f for f in r.visits if not kpi.satisfied(f, cfg)]
    if low:
        lines.append(texts.FR_LOW)
        lines += [texts.FR_LOW_LINE.format(
            v=f.number, customer=f.customer.name, engineer=f.engineer.name if f.engineer else "-",
            t=f.timeliness, s=f.skill, a=f.attitude, remarks=f.remarks or "-") for f in low]
    if r.requests:
        lines.append(r.requests)
    return "\n".join(lines)
