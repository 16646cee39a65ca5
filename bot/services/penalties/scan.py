"""Finding penalties in the data: each finding names its rule, its person and a key unique to the
rule and the object, so the same fact is fined once whatever reruns the scan.

Objects other helpers own are read defensively (a model or a field that is not there yet means
the rule finds nothing), because the scan must never break the tick it runs in.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

import storage.models as models
from bot.rules.penalties import (
    COMPLAINT_REVIEW,
    VALID_COMPLAINT,
    PenaltyRule as Rule,
    PenaltySettings as Rules,
)
from bot.services.penalties import texts
from storage.models import Deadline, Penalty, Ticket
from storage.models.penalties import REVIEW

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)


@dataclass
class Finding:
    rule: str
    staff_id: int
    key: str
    object_type: str
    object_id: int | None
    object_ref: str
    reason: str


def _model(name: str) -> Any:
    return getattr(models, name, None)


def _has(model: Any, *fields: str) -> bool:
    return model is not None and all(f in model._meta.fields_map for f in fields)


def _when(env: "Runtime", dt: datetime) -> str:
    return env.calendar.local(dt).strftime("%m-%d %H:%M")


def _ref(d: Deadline) -> str:
    return str((d.context or {}).get("number") or f"{d.object_type}#{d.object_id}")


async def _breached(env: "Runtime", rule: Rule, since: datetime, reason: str) -> list[Finding]:
    """Owners of clocks of `rule.clocks` that went past due (met late or still open)."""
    if not rule.clocks:
        return []
    rows = await Deadline.filter(clock__in=rule.clocks, breached_at__not_isnull=True,
                                 breached_at__gte=since, owner_id__not_isnull=True).order_by("id")
    return [Finding(rule.name, cast(int, d.owner_id), f"{rule.name}:{d.object_type}:{d.object_id}"
                    + (f":{d.cycle}" if d.cycle else ""), d.object_type, d.object_id, _ref(d),
                    reason.format(ref=_ref(d), due=_when(env, d.due_at)))
            for d in rows]


async def _forms_late(env: "Runtime", rule: Rule, since: datetime) -> list[Finding]:
    found = await _breached(env, rule, since, texts.PEN_REASON_FORMS)
    Dispatch = _model("Dispatch")
    if rule.window is None or not _has(Dispatch, "finished_at", "forms_at", "engineer"):
        return found
    # A finished dispatch whose helper started no forms clock is judged from its own dates.
    clocked = set(await Deadline.filter(clock__in=rule.clocks, object_type="dispatch")
                  .values_list("object_id", flat=True)) if rule.clocks else set()
    now = env.now()
    for disp in await Dispatch.filter(finished_at__gte=since, engineer_id__not_isnull=True) \
            .order_by("id"):
        if disp.id in clocked:
            continue
        due = rule.window.add_to(disp.finished_at, env.calendar)
        if now >= due and (disp.forms_at is None or disp.forms_at > due):
            found.append(Finding(rule.name, disp.engineer_id, f"{rule.name}:dispatch:{disp.id}",
                                 "dispatch", disp.id, disp.number,
                                 texts.PEN_REASON_FORMS.format(ref=disp.number,
                                                               due=_when(env, due))))
    return found


async def _onsite_no_record(env: "Runtime", rule: Rule, since: datetime) -> list[Finding]:
    Dispatch = _model("Dispatch")
    if rule.window is None or not _has(Dispatch, "arrived_at", "written_off_at", "engineer",
                                              "status"):
        return []
    now, found = env.now(), []
    for disp in await Dispatch.filter(arrived_at__gte=since, engineer_id__not_isnull=True) \
            .exclude(status="cancelled").order_by("id"):
        due = rule.window.add_to(disp.arrived_at, env.calendar)
        if now >= due and (disp.written_off_at is None or disp.written_off_at > due):
            found.append(Finding(rule.name, disp.engineer_id, f"{rule.name}:dispatch:{disp.id}",
                                 "dispatch", disp.id, disp.number,
                                 texts.PEN_REASON_ONSITE.format(
                                     ref=disp.number, arrived=_when(env, disp.arrived_at),
                                     due=_when(env, due))))
    return found


async def _remote_no_record(env: "Runtime", rule: Rule, since: datetime) -> list[Finding]:
    if not rule.modes:
        return []
    found = []
    for t in await Ticket.filter(service_mode__in=rule.modes, resolved_at__gte=since) \
            .order_by("id"):
        if len((t.solution or "").strip()) < rule.min_chars:
            found.append(Finding(rule.name, t.owner_id, f"{rule.name}:ticket:{t.id}", "ticket",
                                 t.id, t.number, texts.PEN_REASON_REMOTE.format(
                                     ref=t.number, n=len((t.solution or "").strip()),
                                     min=rule.min_chars)))
    return found


async def _impl_form_late(env: "Runtime", rule: Rule, since: datetime) -> list[Finding]:
    return await _breached(env, rule, since, texts.PEN_REASON_IMPL)


async def _archive_late(env: "Runtime", rule: Rule, since: datetime) -> list[Finding]:
    return await _breached(env, rule, since, texts.PEN_REASON_ARCHIVE)


# -- complaints (storage.models.Complaint, written by the complaints area) -------------------

_PERSON_FIELDS = ("responsible", "responsible_person", "accused", "staff")
_TIME_FIELDS = ("confirmed_at", "verified_at", "validated_at", "created_at")


@dataclass
class _Valid:
    id: int
    ref: str
    staff_id: int
    at: datetime


async def valid_complaints(since: datetime) -> list[_Valid]:
    """Valid, counted complaints with a responsible person, oldest first; [] without the model."""
    Complaint = _model("Complaint")
    if Complaint is None:
        return []
    fields = Complaint._meta.fields_map
    person = next((f for f in _PERSON_FIELDS if f in fields), None)
    at = next((f for f in _TIME_FIELDS if f in fields), None)
    if "valid" not in fields or person is None or at is None:
        log.warning("Complaint model lacks valid/%s/%s: complaint penalties are off",
                    "|".join(_PERSON_FIELDS), "|".join(_TIME_FIELDS))
        return []
    q = Complaint.filter(valid=True, **{f"{person}_id__not_isnull": True,
                                        f"{at}__gte": since})
    if "counted" in fields:
        q = q.filter(counted=True)
    out = []
    for c in await q.order_by(at, "id"):
        ref = getattr(c, "number", None) or f"C{c.id}"
        out.append(_Valid(c.id, str(ref), getattr(c, f"{person}_id"), getattr(c, at)))
    return out


async def _complaints(env: "Runtime", rules: Rules, since: datetime) -> list[Finding]:
    fine, review = rules.rules[VALID_COMPLAINT], rules.rules[COMPLAINT_REVIEW]
    window = review.window.wall if review.window and not review.window.is_working \
        else timedelta(days=183)
    rows = await valid_complaints(since - window if review.enabled else since)
    found = []
    if fine.enabled:
        found += [Finding(fine.name, c.staff_id, f"{fine.name}:complaint:{c.id}", "complaint",
                          c.id, c.ref, texts.PEN_REASON_COMPLAINT.format(ref=c.ref))
                  for c in rows if c.at >= since]
    if review.enabled:
        found += await _reviews(review, rows, window)
    return found


async def _reviews(rule: Rule, rows: list[_Valid], window: timedelta) -> list[Finding]:
    """A review when a complaint brings a person's count within the window to `count`, and no
    review of that person is more recent than the window."""
    last: dict[int, datetime] = {}
    for staff_id, at in await Penalty.filter(rule=rule.name, status=REVIEW) \
            .values_list("staff_id", "issued_at"):
        last[staff_id] = max(at, last.get(staff_id, at))
    by_person: dict[int, list[_Valid]] = {}
    found = []
    for c in rows:
        mine = by_person.setdefault(c.staff_id, [])
        mine.append(c)
        recent = [x for x in mine if c.at - x.at < window]
        prior = last.get(c.staff_id)
        if len(recent) >= rule.count and (prior is None or c.at - prior >= window):
            last[c.staff_id] = c.at
            refs = "、".join(x.ref for x in recent)
            found.append(Finding(rule.name, c.staff_id, f"{rule.name}:complaint:{c.id}",
                                 "complaint", c.id, c.ref, texts.PEN_REASON_REVIEW.format(
                                     n=len(recent), refs=refs)))
    return found


async def find_all(env: "Runtime", rules: Rules) -> list[Finding]:
    since = env.now() - rules.lookback
    found: list[Finding] = []
    for name, fn in (("forms_late", _forms_late), ("onsite_no_record", _onsite_no_record),
                     ("remote_no_record", _remote_no_record),
                     ("impl_form_late", _impl_form_late), ("archive_late", _archive_late)):
        rule = rules.rules[name]
        if rule.enabled:
            found += await fn(env, rule, since)
    found += await _complaints(env, rules, since)
    return found
