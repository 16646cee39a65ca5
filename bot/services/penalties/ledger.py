"""The penalty ledger [002 §7]: penalties found in the data or entered by supervisors, the
notice to the person and the supervisors, the appeal to the service-center manager, and the
fund they feed (penalties in force: issued, or upheld on appeal; cancelled ones excluded, open
appeals shown apart until decided).

Rules and amounts: settings.penalties (bot/rules/penalties.py), read out by rules.py. Finding
them: scan.py.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from bot.durations import humanize
from bot.errors import Forbidden, UsageError, UserError
from bot.rules.penalties import COMPLAINT_REVIEW, PenaltyRule as Rule
from bot.services.outbox import notify_purpose, notify_staff
from bot.services.penalties import texts
from bot.services.penalties.rules import manual_names, rule_amount_text
from bot.services.penalties.scan import Finding, find_all
from storage.models import Penalty, PenaltyAppeal, Staff
from storage.models.penalties import (
    APPEALED,
    CANCELLED,
    FINE,
    IN_FORCE,
    ISSUED,
    REVIEW,
    REVIEW_KIND,
    UPHELD,
    WARNING,
)
from storage.models.people import Purpose, Role

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)

_CHUNK = 500


def month_of(env: "Runtime", dt) -> str:
    return env.calendar.local(dt).strftime("%Y-%m")


def amount_text(p: Penalty) -> str:
    if p.kind == REVIEW_KIND:
        return texts.PEN_REVIEW_WORD
    if p.kind == WARNING:
        return texts.PEN_WARNING_WORD
    return texts.PEN_YUAN.format(amount=p.amount)


def _about(p: Penalty) -> str:
    return texts.PEN_ABOUT.format(ref=p.object_ref) if p.object_ref else ""


# -- issuing -------------------------------------------------------------------------------

async def _issue(env: "Runtime", staff: Staff, rule: Rule, *, amount: int, kind: str, reason: str,
                 by: Staff | None = None, key: str | None = None, object_type: str = "",
                 object_id: int | None = None, object_ref: str = "") -> Penalty:
    now = env.now()
    p = await Penalty.create(
        staff=staff, rule=rule.name, label=rule.label, kind=kind, amount=amount,
        status=REVIEW if kind == REVIEW_KIND else ISSUED, reason=reason,
        object_type=object_type, object_id=object_id, object_ref=object_ref, dedupe_key=key,
        issued_by=by, issued_at=now, month=month_of(env, now))
    fill = dict(no=p.number, name=staff.name, label=p.label, about=_about(p),
                amount=amount_text(p), reason=reason,
                by=by.name if by else texts.PEN_BY_SYSTEM)
    if kind == REVIEW_KIND:
        text = texts.PEN_REVIEW_NOTICE.format(**fill)
        await notify_purpose(env, Purpose.MANAGERS, text, f"penalty:{p.id}:review")
        await notify_purpose(env, Purpose.SUPERVISORS, text, f"penalty:{p.id}:review:sup")
        return p
    within = humanize(env.settings.penalties.appeal_within)
    await notify_staff(env, staff, texts.PEN_NOTICE_PERSON.format(within=within, **fill),
                       f"penalty:{p.id}:notice")
    await notify_purpose(env, Purpose.SUPERVISORS, texts.PEN_NOTICE_SUPERVISORS.format(**fill),
                         f"penalty:{p.id}:notice:sup")
    return p


async def scan(env: "Runtime") -> list[Penalty]:
    """Issue every penalty the data shows that was not issued before (the scheduled job)."""
    rules = env.settings.penalties
    if not rules.enabled:
        return []
    findings = await find_all(env, rules)
    known: set[str] = set()
    keys = [f.key for f in findings]
    for i in range(0, len(keys), _CHUNK):
        known.update(cast("list[str]", await Penalty.filter(dedupe_key__in=keys[i:i + _CHUNK])
                                              .values_list("dedupe_key", flat=True)))
    issued = []
    for f in findings:
        if f.key in known:
            continue
        known.add(f.key)
        try:
            issued.append(await _issue_finding(env, rules.rules[f.rule], f))
        except IntegrityError:
            continue  # another instance issued it a moment ago
    if issued:
        env.wake_relay()
    return issued


async def _issue_finding(env: "Runtime", rule: Rule, f: Finding) -> Penalty:
    async with in_transaction():
        staff = await Staff.get(id=f.staff_id)
        kind = REVIEW_KIND if rule.name == COMPLAINT_REVIEW else FINE
        return await _issue(env, staff, rule, amount=0 if kind == REVIEW_KIND else rule.amount,
                            kind=kind, reason=f.reason, key=f.key, object_type=f.object_type,
                            object_id=f.object_id, object_ref=f.object_ref)


async def register(env: "Runtime", actor: Staff, person: Staff, category: str, amount: int | None,
                   reason: str) -> Penalty:
    """A penalty the data cannot see (late for a meeting, absent, unreachable), by a supervisor."""
    if not actor.has_role(Role.SUPERVISOR):
        raise Forbidden(texts.PEN_SUPERVISORS_ONLY)
    rules = env.settings.penalties
    rule = rules.rules.manual(category)
    if rule is None:
        raise UsageError(texts.PEN_UNKNOWN_CATEGORY.format(word=category,
                                                           names=manual_names(rules)))
    if not reason.strip():
        raise UsageError(texts.PEN_NEEDS_REASON)
    if amount is None:
        if rule.ranged:
            raise UsageError(texts.PEN_NEEDS_AMOUNT.format(label=rule.label,
                                                           range=rule_amount_text(rule)))
        amount = rule.amount
    kind = FINE
    if amount == 0 and rule.allow_warning:
        kind = WARNING
    elif not rule.min_amount <= amount <= rule.max_amount:
        raise UserError(texts.PEN_BAD_AMOUNT.format(label=rule.label, range=rule_amount_text(rule)))
    return await _issue(env, person, rule, amount=amount, kind=kind, reason=reason.strip(),
                        by=actor)


# -- appeals -------------------------------------------------------------------------------

async def get_penalty(number: int) -> Penalty:
    p = await Penalty.filter(id=number).select_related("staff").first()
    if p is None:
        raise UserError(texts.PEN_NOT_FOUND.format(no=f"F{number}"))
    return p


async def appeal(env: "Runtime", actor: Staff, number: int, reason: str) -> Penalty:
    """/申诉: the penalised person asks the service-center manager to cancel it."""
    p = await get_penalty(number)
    if p.staff_id != actor.id:
        raise Forbidden(texts.PEN_APPEAL_NOT_YOURS.format(no=p.number))
    if not reason.strip():
        raise UsageError(texts.PEN_NEEDS_REASON)
    if p.status == REVIEW:
        raise UserError(texts.PEN_APPEAL_REVIEW.format(no=p.number))
    if p.status != ISSUED:
        raise UserError(texts.PEN_APPEAL_STATE.format(no=p.number, status=texts.PEN_STATUS[p.status]))
    if env.now() - p.issued_at > env.settings.penalties.appeal_within:
        raise UserError(texts.PEN_APPEAL_TOO_LATE.format(
            no=p.number, within=humanize(env.settings.penalties.appeal_within)))
    won = await Penalty.filter(id=p.id, status=ISSUED).update(status=APPEALED)
    if not won:
        raise UserError(texts.PEN_APPEAL_STATE.format(no=p.number, status=texts.PEN_STATUS[APPEALED]))
    await PenaltyAppeal.create(penalty=p, appellant=actor, reason=reason.strip(),
                               appealed_at=env.now())
    p.status = APPEALED
    await notify_purpose(env, Purpose.MANAGERS, texts.PEN_APPEAL_NOTICE.format(
        no=p.number, name=actor.name, label=p.label, about=_about(p), amount=amount_text(p),
        reason=reason.strip()), f"penalty:{p.id}:appeal")
    return p


DECISIONS = {"维持": UPHELD, "uphold": UPHELD, "upheld": UPHELD,
             "撤销": CANCELLED, "cancel": CANCELLED, "cancelled": CANCELLED}


async def decide(env: "Runtime", actor: Staff, number: int, decision: str, reason: str) -> Penalty:
    """/申诉处理: the service-center manager upholds or cancels, with a reason."""
    if not actor.has_role(Role.MANAGER):
        raise Forbidden(texts.PEN_MANAGERS_ONLY)
    outcome = DECISIONS.get(decision.strip().lower())
    if outcome is None:
        raise UsageError(texts.PEN_BAD_DECISION.format(word=decision))
    if not reason.strip():
        raise UsageError(texts.PEN_NEEDS_REASON)
    p = await get_penalty(number)
    if p.staff_id == actor.id:
        raise Forbidden(texts.PEN_DECIDE_OWN.format(no=p.number))
    if p.status != APPEALED:
        raise UserError(texts.PEN_DECIDE_STATE.format(no=p.number, status=texts.PEN_STATUS[p.status]))
    won = await Penalty.filter(id=p.id, status=APPEALED).update(status=outcome)
    if not won:
        raise UserError(texts.PEN_DECIDE_STATE.format(no=p.number, status=texts.PEN_STATUS[outcome]))
    await PenaltyAppeal.filter(penalty_id=p.id).update(
        decision=outcome, decided_by_id=actor.id, decision_reason=reason.strip(),
        decided_at=env.now())
    p.status = outcome
    fill = dict(no=p.number, name=p.staff.name, label=p.label, about=_about(p),
                amount=amount_text(p), decision=texts.PEN_STATUS[outcome],
                reason=reason.strip(), by=actor.name)
    await notify_staff(env, p.staff, texts.PEN_DECISION_PERSON.format(**fill),
                       f"penalty:{p.id}:decision")
    await notify_purpose(env, Purpose.SUPERVISORS, texts.PEN_DECISION_SUPERVISORS.format(**fill),
                         f"penalty:{p.id}:decision:sup")
    return p


# -- the ledger ----------------------------------------------------------------------------

@dataclass
class Totals:
    count: int = 0
    amount: int = 0

    def add(self, p: Penalty) -> None:
        self.count += 1
        self.amount += p.amount


@dataclass
class Ledger:
    month: str
    person: Staff | None
    rows: list[Penalty]
    in_force: Totals = field(default_factory=Totals)
    pending: Totals = field(default_factory=Totals)
    cancelled: Totals = field(default_factory=Totals)
    reviews: int = 0
    fund_total: int | None = None  # only for those who see everyone's


def _tally(ledger: Ledger) -> None:
    for p in ledger.rows:
        if p.status in IN_FORCE:
            ledger.in_force.add(p)
        elif p.status == APPEALED:
            ledger.pending.add(p)
        elif p.status == CANCELLED:
            ledger.cancelled.add(p)
        elif p.status == REVIEW:
            ledger.reviews += 1


async def fund_total(up_to_month: str | None = None) -> int:
    """The fund: every penalty in force (issued or upheld), up to a month inclusive."""
    q = Penalty.filter(status__in=IN_FORCE)
    if up_to_month:
        q = q.filter(month__lte=up_to_month)
    return sum(cast("list[int]", await q.values_list("amount", flat=True)))


async def ledger(env: "Runtime", viewer: Staff, person: Staff | None, month: str) -> Ledger:
    """/处罚: supervisors and managers see anyone's (and the fund); others only their own."""
    sees_all = viewer.has_role(Role.SUPERVISOR, Role.MANAGER)
    if not sees_all:
        if person is not None and person.id != viewer.id:
            raise Forbidden(texts.PEN_ONLY_OWN)
        person = viewer
    q = Penalty.filter(month=month).select_related("staff").order_by("id")
    if person is not None:
        q = q.filter(staff_id=person.id)
    result = Ledger(month, person, await q)
    _tally(result)
    if sees_all:
        result.fund_total = await fund_total(month)
    return result


# -- the monthly report --------------------------------------------------------------------

@dataclass
class PenaltySummary:
    month: str
    in_force: Totals
    pending: Totals
    cancelled: Totals
    by_rule: list[tuple[str, int, int]]  # label, count, yuan (in force)
    by_person: list[tuple[str, int, int]]  # name, count, yuan (in force)
    reviews: list[str]  # "张伟：半年内有效投诉 3 次（C1、C2、C3）"
    fund_total: int  # the fund to the end of the month

    def render(self) -> str:
        lines = [texts.PEN_SUMMARY_HEAD.format(month=self.month, n=self.in_force.count,
                                               amount=self.in_force.amount,
                                               fund=self.fund_total)]
        if self.by_rule:
            lines.append(texts.PEN_SUMMARY_BY_RULE.format(items="；".join(
                texts.PEN_SUMMARY_ITEM.format(name=n, count=c, amount=a)
                for n, c, a in self.by_rule)))
        if self.by_person:
            lines.append(texts.PEN_SUMMARY_BY_PERSON.format(items="；".join(
                texts.PEN_SUMMARY_ITEM.format(name=n, count=c, amount=a)
                for n, c, a in self.by_person)))
        if self.pending.count or self.cancelled.count:
            lines.append(texts.PEN_SUMMARY_APPEALS.format(
                pending=self.pending.count, pending_amount=self.pending.amount,
                cancelled=self.cancelled.count, cancelled_amount=self.cancelled.amount))
        lines += [texts.PEN_SUMMARY_REVIEW.format(text=r) for r in self.reviews]
        return "\n".join(lines)


async def monthly_summary(env: "Runtime", year: int, month: int) -> PenaltySummary:
    """The penalties issued in a month, for the monthly report (and the fund to its end)."""
    key = f"{year:04d}-{month:02d}"
    rows = await Penalty.filter(month=key).select_related("staff").order_by("id")
    led = Ledger(key, None, rows)
    _tally(led)
    by_rule: dict[str, list[int]] = {}
    by_person: dict[str, list[int]] = {}
    for p in rows:
        if p.status in IN_FORCE:
            for table, name in ((by_rule, p.label), (by_person, p.staff.name)):
                acc = table.setdefault(name, [0, 0])
                acc[0] += 1
                acc[1] += p.amount
    reviews = [texts.PEN_SUMMARY_REVIEW_ITEM.format(name=p.staff.name, reason=p.reason)
               for p in rows if p.status == REVIEW]
    return PenaltySummary(
        month=key, in_force=led.in_force, pending=led.pending, cancelled=led.cancelled,
        by_rule=sorted(((n, c, a) for n, (c, a) in by_rule.items()), key=lambda x: -x[2]),
        by_person=sorted(((n, c, a) for n, (c, a) in by_person.items()), key=lambda x: -x[2]),
        reviews=reviews, fund_total=await fund_total(key))
