"""The center's targets [000]: complaint rate below 5%, satisfaction at least 85%, and the
compliance of every clock. The definitions (also in the README):

- Period: a calendar month in the center's time zone, [1st 00:00, next 1st 00:00).
- Services completed: hotline tickets solved in the month (resolved_at) plus on-site visits
  written off in the month (written_off_at); a duplicate ticket is never solved, so it never
  counts.
- Complaint rate = valid complaints received in the month (received_at; confirmed valid, i.e.
  counted; those outside the service contract are not) / services completed in the month.
- Satisfaction = follow-up visits recorded in the month (visited_at) whose three scores
  (timeliness, skill, attitude, 1-5) average at least `satisfied_score` (4 = 满意) / all visits
  recorded in the month.
- Clock compliance, per clock = deadlines due in the month that were met on time / deadlines due
  in the month that are settled: met (on time or late), or still open past their due time.
  Cancelled deadlines and those not yet due do not count.
- Projection: both counts extrapolated linearly over the month's working time; the projected
  rate therefore equals the month-to-date rate, and the warning adds the complaint budget left.
  None before `projection_min_gone` of the working time has passed (the answer says so).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from bot.errors import UsageError
from bot.rules.reports import ReportSettings as ReportConfig
from bot.services.followups.calls import count_completed
from bot.services.outbox import notify_purpose
from bot.services.reports import texts
from storage.aggregate import Sql, count_if, n
from storage.models import Complaint, FollowUp
from storage.models.complaints import DONE
from storage.models.deadlines import BREACHED, MET, PAUSED, RUNNING
from storage.models.people import Purpose

if TYPE_CHECKING:
    from bot.runtime import Runtime

COMPLAINT_RATE, SATISFACTION, COMPLIANCE = "complaint_rate", "satisfaction", "compliance"
_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_BARE_MONTH = re.compile(r"^(\d{1,2})\s*月$")


@dataclass(frozen=True)
class Ratio:
    num: int
    den: int

    @property
    def value(self) -> float | None:
        return self.num / self.den if self.den else None

    def pct(self) -> str:
        v = self.value
        return texts.KPI_NONE if v is None else f"{v * 100:.1f}%"


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    def next(self) -> "Month":
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def prev(self) -> "Month":
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def bounds(self, env: "Runtime") -> tuple[datetime, datetime]:
        return (env.calendar.at(self.first, time(0)), env.calendar.at(self.next().first, time(0)))


def this_month(env: "Runtime") -> Month:
    today = env.calendar.local(env.now()).date()
    return Month(today.year, today.month)


def parse_month(env: "Runtime", text: str | None) -> Month:
    """"2026-11", "2026年11月", "11月", "本月", "上月"; empty: this month."""
    cur = this_month(env)
    t = (text or "").strip()
    if not t or t in texts.KPI_THIS_MONTH_WORDS:
        return cur
    if t in texts.KPI_LAST_MONTH_WORDS:
        return cur.prev()
    m = _MONTH.match(t)
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
    else:
        m = _BARE_MONTH.match(t)
        if not m:
            raise UsageError(texts.KPI_BAD_MONTH.format(text=t))
        mo = int(m.group(1))
        y = cur.year if mo <= cur.month else cur.year - 1
    if not 1 <= mo <= 12:
        raise UsageError(texts.KPI_BAD_MONTH.format(text=t))
    month = Month(y, mo)
    if (month.year, month.month) > (cur.year, cur.month):
        raise UsageError(texts.KPI_FUTURE_MONTH.format(month=month.key))
    return month


# -- figures -----------------------------------------------------------------------------------

@dataclass
class ClockStat:
    clock: str
    label: str
    on_time: int = 0
    late: int = 0
    overdue: int = 0  # still open past due

    @property
    def total(self) -> int:
        return self.on_time + self.late + self.overdue

    @property
    def ratio(self) -> Ratio:
        return Ratio(self.on_time, self.total)


@dataclass
class MonthKpi:
    month: Month
    start: datetime
    end: datetime
    as_of: datetime
    tickets_solved: int
    visits_written_off: int
    received: int  # complaints received in the month
    valid: int  # counted
    invalid: int  # outside the service contract
    unconfirmed: int
    visits: int
    satisfied: int
    means: tuple[float | None, float | None, float | None]  # timeliness, skill, attitude
    clocks: list[ClockStat] = field(default_factory=list)
    cfg: ReportConfig = field(kw_only=True)

    @property
    def services(self) -> int:
        return self.tickets_solved + self.visits_written_off

    @property
    def complaint_rate(self) -> Ratio:
        return Ratio(self.valid, self.services)

    @property
    def satisfaction(self) -> Ratio:
        return Ratio(self.satisfied, self.visits)

    @property
    def compliance(self) -> Ratio:
        return Ratio(sum(c.on_time for c in self.clocks), sum(c.total for c in self.clocks))

    def rate_ok(self) -> bool | None:
        v = self.complaint_rate.value
        return None if v is None else v < self.cfg.complaint_rate_target

    def satisfaction_ok(self) -> bool | None:
        v = self.satisfaction.value
        return None if v is None else v >= self.cfg.satisfaction_target


# The month's complaints and visits as rows, for whoever needs them one by one; the reports
# themselves count in SQL (below) and read the registers a day at a time (workbook.py).
async def complaints_in(start: datetime, end: datetime) -> list[Complaint]:
    return await Complaint.filter(received_at__gte=start, received_at__lt=end) \
        .select_related("customer", "registered_by", "confirmed_by", "responsible",
                        "verified_by", "archived_by").order_by("received_at", "id")


async def visits_in(start: datetime, end: datetime) -> list[FollowUp]:
    return await FollowUp.filter(status=DONE, visited_at__gte=start, visited_at__lt=end) \
        .select_related("ticket", "customer", "engineer", "visitor", "assignee") \
        .order_by("visited_at", "id")


async def clock_stats(env: "Runtime", start: datetime, end: datetime,
                      as_of: datetime) -> list[ClockStat]:
    """Per clock, the deadlines due in [start, end) that are settled as of `as_of`: one pass
    over the due_at index, counted in the database."""
    policies = env.settings.clocks
    q = Sql()
    met = f"state = '{MET}'"
    rows = await q.rows(
        f"SELECT clock, {count_if(met)} AS met, {count_if(met + ' AND late')} AS late, "
        + count_if(f"(state IN ('{RUNNING}', '{BREACHED}') AND due_at <= {q.p(as_of)}) "
                   f"OR (state = '{PAUSED}' AND remaining_s <= 0)")
        + f" AS overdue FROM deadline WHERE {q.between('due_at', start, end)} GROUP BY clock")
    stats = []
    for row in rows:
        met_n, late, overdue = n(row["met"]), n(row["late"]), n(row["overdue"])
        if not met_n and not overdue:
            continue  # only cancelled or not yet due: nothing settled
        try:
            label = policies.get(row["clock"]).label
        except ValueError:
            label = row["clock"]
        stats.append(ClockStat(row["clock"], label, on_time=met_n - late, late=late,
                               overdue=overdue))
    return sorted(stats, key=lambda s: s.clock)


def satisfied_sum(cfg: ReportConfig) -> int:
    """The least score sum (three integer scores) of a satisfied visit, for SQL."""
    return math.ceil(round(3 * cfg.satisfied_score, 9))


async def complaint_counts(start: datetime, end: datetime) -> dict[str, int]:
    """Complaints received in [start, end): received, valid (counted), invalid, unconfirmed."""
    q = Sql()
    row = await q.one(
        f"SELECT COUNT(*) AS received, {count_if('valid AND counted')} AS valid, "
        f"{count_if('NOT valid')} AS invalid, {count_if('valid IS NULL')} AS unconfirmed "
        f"FROM complaint WHERE {q.between('received_at', start, end)}")
    return {k: n(row.get(k)) for k in ("received", "valid", "invalid", "unconfirmed")}


async def visit_counts(cfg: ReportConfig, start: datetime, end: datetime) -> dict[str, int]:
    """Visits recorded in [start, end): their number, the satisfied ones, each score's sum."""
    q = Sql()
    need = q.p(satisfied_sum(cfg))
    row = await q.one(
        f"SELECT COUNT(*) AS visits, "
        f"{count_if(f'timeliness + skill + attitude >= {need}')} AS satisfied, "
        "SUM(timeliness) AS timeliness, SUM(skill) AS skill, SUM(attitude) AS attitude "
        f"FROM followup WHERE status = '{DONE}' AND {q.between('visited_at', start, end)}")
    return {k: n(row.get(k)) for k in ("visits", "satisfied", "timeliness", "skill", "attitude")}


async def month_kpi(env: "Runtime", month: Month) -> MonthKpi:
    cfg = env.settings.reports
    start, end = month.bounds(env)
    as_of = min(env.now(), end)
    tickets, written_off = await count_completed(env, start, end)
    c = await complaint_counts(start, end)
    v = await visit_counts(cfg, start, end)
    visits = v["visits"]
    return MonthKpi(
        month=month, start=start, end=end, as_of=as_of, tickets_solved=tickets,
        visits_written_off=written_off, received=c["received"], valid=c["valid"],
        invalid=c["invalid"], unconfirmed=c["unconfirmed"], visits=visits,
        satisfied=v["satisfied"],
        means=(v["timeliness"] / visits, v["skill"] / visits, v["attitude"] / visits)
        if visits else (None, None, None),
        clocks=await clock_stats(env, start, end, as_of), cfg=cfg)


# -- projection and warning ----------------------------------------------------------------

@dataclass
class Projection:
    fraction: float  # of the month's working time gone
    services: float | None  # projected to the month's end
    valid: float | None
    allowed: int | None  # most valid complaints the projected services allow under target
    misses: list[str]


def project(env: "Runtime", k: MonthKpi) -> Projection:
    cfg = k.cfg
    cal = env.calendar
    total = cal.working_time_between(k.start, k.end).total_seconds()
    gone = cal.working_time_between(k.start, k.as_of).total_seconds()
    fraction = gone / total if total else 1.0
    services = valid = allowed = None
    # Too little of the month gone: a projection would multiply a few hours' figures.
    if fraction > 0 and fraction >= cfg.projection_min_gone:
        services, valid = k.services / fraction, k.valid / fraction
        allowed = max(math.ceil(round(cfg.complaint_rate_target * services, 9)) - 1, 0)
    misses = []
    if k.services >= max(cfg.warn_min_services, 1) and k.rate_ok() is False:
        misses.append(COMPLAINT_RATE)
    if k.visits >= max(cfg.warn_min_visits, 1) and k.satisfaction_ok() is False:
        misses.append(SATISFACTION)
    comp = k.compliance.value
    if cfg.compliance_target > 0 and comp is not None and comp < cfg.compliance_target:
        misses.append(COMPLIANCE)
    return Projection(fraction, services, valid, allowed, misses)


def render(env: "Runtime", k: MonthKpi, p: Projection | None = None) -> str:
    """The figures of /指标 and of the reports, each with its numerator and denominator."""
    cfg = k.cfg
    head = texts.KPI_HEAD.format(month=k.month.key, as_of=env.calendar.local(k.as_of).strftime(
        "%m-%d %H:%M")) if k.as_of < k.end else texts.KPI_HEAD_CLOSED.format(month=k.month.key)
    lines = [head,
             texts.KPI_SERVICES.format(n=k.services, tickets=k.tickets_solved,
                                       visits=k.visits_written_off),
             texts.KPI_RATE.format(num=k.complaint_rate.num, den=k.complaint_rate.den,
                                   pct=k.complaint_rate.pct(),
                                   target=f"{cfg.complaint_rate_target * 100:g}%",
                                   verdict=_verdict(k.rate_ok())),
             texts.KPI_COMPLAINTS.format(received=k.received, valid=k.valid, invalid=k.invalid,
                                         unconfirmed=k.unconfirmed),
             texts.KPI_SATISFACTION.format(num=k.satisfaction.num, den=k.satisfaction.den,
                                           pct=k.satisfaction.pct(),
                                           target=f"{cfg.satisfaction_target * 100:g}%",
                                           score=f"{cfg.satisfied_score:g}",
                                           verdict=_verdict(k.satisfaction_ok()))]
    if k.visits:
        t, s, a = (f"{m:.2f}" for m in k.means)
        lines.append(texts.KPI_MEANS.format(timeliness=t, skill=s, attitude=a))
    comp = k.compliance
    lines.append(texts.KPI_COMPLIANCE.format(num=comp.num, den=comp.den, pct=comp.pct()))
    lines += [texts.KPI_CLOCK.format(label=c.label, num=c.on_time, den=c.total,
                                     pct=c.ratio.pct(), late=c.late, overdue=c.overdue)
              for c in k.clocks]
    if p is not None and k.as_of < k.end:
        if p.services is None:
            lines.append(texts.KPI_PROJECTION_EARLY.format(
                gone=f"{p.fraction * 100:.1f}%", least=f"{cfg.projection_min_gone * 100:g}%"))
        elif p.services and k.services:
            lines.append(texts.KPI_PROJECTION.format(
                gone=f"{p.fraction * 100:.0f}%", services=f"{p.services:.0f}",
                valid=f"{p.valid:.1f}", allowed=p.allowed, have=k.valid))
    return "\n".join(lines)


def _verdict(ok: bool | None) -> str:
    return texts.KPI_NO_DATA if ok is None else (texts.KPI_OK if ok else texts.KPI_MISS)


async def watch(env: "Runtime") -> list[str]:
    """Warn the managers when this month so far projects a missed target; once a day at most
    per target (the outbox key carries the date)."""
    month = this_month(env)
    k = await month_kpi(env, month)
    p = project(env, k)
    today = env.calendar.local(env.now()).date()
    cfg = k.cfg
    for miss in p.misses:
        if miss == COMPLAINT_RATE and p.services is None:
            text = texts.KPI_WARN_RATE_EARLY.format(
                month=month.key, num=k.valid, den=k.services, pct=k.complaint_rate.pct(),
                target=f"{cfg.complaint_rate_target * 100:g}%", gone=f"{p.fraction * 100:.1f}%")
        elif miss == COMPLAINT_RATE:
            text = texts.KPI_WARN_RATE.format(
                month=month.key, num=k.valid, den=k.services, pct=k.complaint_rate.pct(),
                target=f"{cfg.complaint_rate_target * 100:g}%", gone=f"{p.fraction * 100:.0f}%",
                services=f"{p.services:.0f}", valid=f"{p.valid:.1f}", allowed=p.allowed)
        elif miss == SATISFACTION:
            text = texts.KPI_WARN_SATISFACTION.format(
                month=month.key, num=k.satisfied, den=k.visits, pct=k.satisfaction.pct(),
                target=f"{cfg.satisfaction_target * 100:g}%", gone=f"{p.fraction * 100:.0f}%")
        else:
            worst = sorted((c for c in k.clocks if c.total), key=lambda c: c.ratio.value or 0.0)[:3]
            text = texts.KPI_WARN_COMPLIANCE.format(
                month=month.key, num=k.compliance.num, den=k.compliance.den,
                pct=k.compliance.pct(), target=f"{cfg.compliance_target * 100:g}%",
                worst="、".join(f"{c.label} {c.ratio.pct()}" for c in worst))
        await notify_purpose(env, Purpose.MANAGERS, text, f"kpi:watch:{today.isoformat()}:{miss}")
    return p.misses
