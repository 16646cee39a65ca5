"""[clocks]: the deadline policies, one per clock, with per-tier overrides.

A clock's table is laid over its default key by key (lists replace); a tier's table is laid
over its clock's, so `[clocks.ticket_claim.tiers.大客户] target = "10m"` keeps the warnings and
escalations of ticket_claim. A clock that is not a default needs its own target.

Targets: owner, managers, supervisors, hq, hotline (chat purposes), general_manager.
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BeforeValidator, ConfigDict, field_validator, model_validator

from bot.durations import Duration
from bot.errors import ConfigError
from bot.rules import texts
from bot.rules.base import DefaultedTables, Dur, Flag, RuleError, RuleModel, Text, settle

if TYPE_CHECKING:
    from bot.calendar import WorkCalendar

OWNER, GENERAL_MANAGER = "owner", "general_manager"
PURPOSE_TARGETS = ("managers", "supervisors", "hq", "hotline")
TARGETS = (OWNER, GENERAL_MANAGER) + PURPOSE_TARGETS

_MGR_HQ = [{"after": "0m", "to": ["owner", "managers"]}, {"after": "2h", "to": "hq"}]
_OWNER_MGR = [{"after": "0m", "to": ["owner", "managers"]}]
_BEFORE_2WH = [{"before": "2wh"}]

DEFAULTS: dict[str, dict[str, Any]] = {
    # Hotline and on-site service.
    # An urgent ticket (优先级=紧急) is owed faster answers than an ordinary one.
    "ticket_claim": {"target": "15m", "warnings": ["10m"], "warn_to": ["hotline"],
                     "escalations": [{"after": "0m", "to": "managers"},
                                     {"after": "30m", "to": "hq"}],
                     "tiers": {"紧急": {"target": "5m", "warnings": ["3m"]}}},
    "ticket_callback": {"target": "1h", "warnings": [{"before": "15m"}],
                        "escalations": [{"after": "0m", "to": ["owner", "managers"]},
                                        {"after": "1h", "to": "hq"}],
                        "tiers": {"紧急": {"target": "30m", "warnings": [{"before": "10m"}]}}},
    "ticket_consult": {"target": "3h", "warnings": [{"before": "30m"}], "escalations": _MGR_HQ,
                       "tiers": {"紧急": {"target": "1h", "warnings": [{"before": "15m"}]}}},
    # Started with an explicit due_at (the appointment); the target is only a fallback.
    "dispatch_appointment": {"target": "1d", "warnings": [{"before": "1h"}],
                             "escalations": _OWNER_MGR},
    # The dispatched engineer confirms the dispatch (/接受派工).
    "dispatch_accept": {"target": "30m", "warnings": [{"before": "10m"}],
                        "escalations": [{"after": "0m", "to": ["owner", "managers"]},
                                        {"after": "1h", "to": "hq"}]},
    # A problem escalated to HQ is tracked until the ticket is solved.
    "ticket_hq": {"target": "1wd", "warnings": _BEFORE_2WH,
                  "escalations": [{"after": "0m", "to": ["owner", "managers"]},
                                  {"after": "1wd", "to": "hq"}]},
    # "0wd": by the close of the visit's own working day.
    "dispatch_writeoff": {"target": "0wd", "escalations": _OWNER_MGR},
    # Complaints. Nobody owns a complaint before a supervisor confirms it: the supervisors' chat
    # is reminded.
    "complaint_ack": {"target": "1h", "warnings": [{"before": "15m"}], "warn_to": ["supervisors"],
                      "escalations": [{"after": "0m", "to": ["supervisors", "managers"]},
                                      {"after": "2h", "to": "hq"}]},
    "complaint_response": {"target": "3h", "warnings": [{"before": "30m"}],
                           "escalations": _MGR_HQ},
    "complaint_verify": {"target": "1wd", "warnings": _BEFORE_2WH,
                         "escalations": [{"after": "0m", "to": ["owner", "managers"]},
                                         {"after": "1wd", "to": "hq"}]},
    "complaint_hq_feedback": {"target": "1wd", "warnings": _BEFORE_2WH,
                              "escalations": [{"after": "0m", "to": ["owner", "managers"]},
                                              {"after": "1wd", "to": "general_manager"}]},
    "plan_general": {"target": "3wd", "warnings": [{"before": "1wd"}],
                     "escalations": [{"after": "0m", "to": ["owner", "managers"]},
                                     {"after": "1wd", "to": "hq"}]},
    "plan_major": {"target": "5wd", "warnings": [{"before": "1wd"}],
                   "escalations": [{"after": "0m", "to": ["owner", "managers"]},
                                   {"after": "1wd", "to": "hq"}]},
    # Forms, follow-ups, duty.
    "forms_due": {"target": "1wd", "warnings": _BEFORE_2WH,
                  "escalations": [{"after": "0m", "to": ["owner", "supervisors"]}]},
    "followup_assign": {"target": "1h", "warnings": [{"before": "15m"}],
                        "warn_to": ["owner", "managers"],
                        "escalations": [{"after": "0m", "to": ["owner", "managers"]},
                                        {"after": "4wh", "to": "general_manager"}]},
    "checkin": {"target": "10m",
                "escalations": [{"after": "0m", "to": "owner"},
                                {"after": "5m", "to": "managers"}]},
    "handover_ack": {"target": "30m", "warnings": [{"before": "10m"}],
                     "escalations": _OWNER_MGR},
    # Change (R) and sensitive (M) requests [002 §5, §8]. Nobody owns a request before a manager
    # reviews it, so the managers' chat is reminded.
    "change_review": {"target": "1wd", "warnings": _BEFORE_2WH, "warn_to": ["managers"],
                      "escalations": [{"after": "0m", "to": "managers"},
                                      {"after": "1wd", "to": "general_manager"}]},
    # The engineer tells the customer the review's outcome, and later the end.
    "change_tell": {"target": "1wd", "warnings": _BEFORE_2WH, "escalations": _OWNER_MGR},
    # Started with due_at = the manager's estimate; an overdue estimate warns the managers.
    "change_estimate": {"target": "10wd", "warnings": [{"before": "1wd"}],
                        "escalations": [{"after": "0m", "to": ["owner", "managers"]},
                                        {"after": "2wd", "to": "general_manager"}]},
    "sensitive_review": {"target": "4wh", "warnings": [{"before": "1wh"}], "warn_to": ["managers"],
                         "escalations": [{"after": "0m", "to": "managers"}]},
    # The stamped application reaches the paper archive (行政部存档); a penalty rule watches it.
    "request_archive": {"target": "1wd", "warnings": _BEFORE_2WH, "escalations": _OWNER_MGR},
    # Customers: sales completes the provisional archive of an unknown caller; the owner is its
    # sales person, the region's, [customers] archive_owner or the registering engineer.
    "customer_archive": {"target": "1wd", "warnings": _BEFORE_2WH, "escalations": _OWNER_MGR},
    # First visit: the service desk phones a new customer (default within 1 working day).
    "first_visit_call": {"target": "1wd", "warnings": _BEFORE_2WH, "warn_to": ["hotline"],
                         "escalations": [{"after": "0m", "to": ["hotline", "managers"]}]},
    # A checklist item the customer answered "no" to, followed up by the desk engineer who
    # made the call (/首访跟进).
    "first_visit_task": {"target": "1wd", "warnings": _BEFORE_2WH, "escalations": _OWNER_MGR},
    # Implementation form retrieved within 3 days of the implementation's end (penalty 500).
    "impl_form_due": {"target": "3d", "warnings": [{"before": "1d"}],
                      "escalations": _OWNER_MGR},
    # A project stage, due at the close of its planned end day; the owner is the project manager.
    "project_stage": {"target": "1wd", "warnings": [{"before": "4wh"}],
                      "escalations": [{"after": "0m", "to": "owner"},
                                      {"after": "2wd", "to": ["owner", "managers"]}]},
}


def _targets(value: Any) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    names = "、".join(TARGETS)
    if not isinstance(items, (list, tuple)) or not items:
        raise ValueError(texts.CLOCK_TARGETS.format(targets=names))
    for t in items:
        if t not in TARGETS:
            raise ValueError(texts.CLOCK_TARGET.format(value=t, targets=names))
    return tuple(items)


# One target ("hq") or several (["owner", "managers"]).
Targets = Annotated[tuple[str, ...], BeforeValidator(_targets)]


class WarningStep(RuleModel):
    """"10m" (10 minutes after the start), {at = "10m"} or {before = "5m"} (before due)."""

    at: Dur | None = None
    before: Dur | None = None
    to: Targets = ()  # empty: the clock's warn_to

    @model_validator(mode="before")
    @classmethod
    def _form(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"at": data}
        if (not isinstance(data, dict) or set(data) - {"at", "before", "to"}
                or ("at" in data) == ("before" in data)):
            raise ValueError(texts.CLOCK_WARNING)
        return data

    @property
    def offset(self) -> Duration:
        return self.before or self.at  # type: ignore[return-value]


class EscalationStep(RuleModel):
    after: Dur = Duration.parse("0m")  # this long after due
    to: Targets

    @model_validator(mode="before")
    @classmethod
    def _form(cls, data: Any) -> Any:
        if not isinstance(data, dict) or set(data) - {"after", "to"} or "to" not in data:
            raise ValueError(texts.CLOCK_ESCALATION)
        return data


def _elapsed(step: WarningStep, target: Duration) -> float | None:
    """Where a warning falls, in the target's unit from the start, when the units compare."""
    if not step.offset.comparable(target):
        return None
    return target.amount - step.offset.amount if step.before else step.offset.amount


class TierPolicy(RuleModel):
    """A clock's policy for one customer tier (or for all, as ClockPolicy)."""

    target: Dur  # due this long after the start
    warnings: tuple[WarningStep, ...] = ()
    warn_to: Targets = (OWNER,)
    escalations: tuple[EscalationStep, ...] = ()
    urgent: Flag = True  # false: reminders wait out the quiet hours
    label: Text = ""  # filled with the clock's standard name when empty

    @field_validator("target")
    @classmethod
    def _positive(cls, v: Duration) -> Duration:
        if v.amount < 0 or (v.amount == 0 and not v.is_working):
            raise ValueError(texts.CLOCK_POSITIVE)
        return v

    @model_validator(mode="after")
    def _steps(self) -> "TierPolicy":
        last = None
        for i, step in enumerate(self.warnings):
            pos = _elapsed(step, self.target)
            if pos is None:
                continue
            if not 0 < pos < self.target.amount:
                raise RuleError(texts.CLOCK_WARNING_RANGE.format(target=self.target),
                                "warnings", i)
            if last is not None and pos <= last:
                raise RuleError(texts.CLOCK_ORDER, "warnings", i)
            last = pos
        prev: Duration | None = None
        for i, esc in enumerate(self.escalations):
            if prev is not None and prev.comparable(esc.after) and esc.after.amount < prev.amount:
                raise RuleError(texts.CLOCK_ORDER, "escalations", i, "after")
            prev = esc.after
        # Warnings without their own `to` go to warn_to: resolved here, once.
        settle(self, "warnings", tuple(w if w.to else w.model_copy(update={"to": self.warn_to})
                                       for w in self.warnings))
        return self

    @property
    def working(self) -> bool:
        return self.target.is_working

    def due_from(self, start: datetime, calendar: "WorkCalendar") -> datetime:
        return self.target.add_to(start, calendar)


class ClockPolicy(TierPolicy):
    tiers: dict[str, TierPolicy] = {}

    @model_validator(mode="before")
    @classmethod
    def _tiers_over_clock(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not isinstance(data.get("tiers"), dict):
            return data
        base = {k: v for k, v in data.items() if k != "tiers"}
        tiers = {t: {**base, **over} if isinstance(over, dict) else over
                 for t, over in data["tiers"].items()}
        return {**data, "tiers": tiers}

    def for_tier(self, tier: str | None) -> TierPolicy:
        return self.tiers.get(tier, self) if tier else self


class Clocks(DefaultedTables):
    """The clocks of the center by name; more may be added (their tables need a target)."""

    model_config = ConfigDict(extra="allow", frozen=True)
    __pydantic_extra__: dict[str, ClockPolicy]
    DEFAULTS = DEFAULTS

    ticket_claim: ClockPolicy
    ticket_callback: ClockPolicy
    ticket_consult: ClockPolicy
    dispatch_appointment: ClockPolicy
    dispatch_accept: ClockPolicy
    ticket_hq: ClockPolicy
    dispatch_writeoff: ClockPolicy
    complaint_ack: ClockPolicy
    complaint_response: ClockPolicy
    complaint_verify: ClockPolicy
    complaint_hq_feedback: ClockPolicy
    plan_general: ClockPolicy
    plan_major: ClockPolicy
    forms_due: ClockPolicy
    followup_assign: ClockPolicy
    checkin: ClockPolicy
    handover_ack: ClockPolicy
    change_review: ClockPolicy
    change_tell: ClockPolicy
    change_estimate: ClockPolicy
    sensitive_review: ClockPolicy
    request_archive: ClockPolicy
    customer_archive: ClockPolicy
    first_visit_call: ClockPolicy
    first_visit_task: ClockPolicy
    impl_form_due: ClockPolicy
    project_stage: ClockPolicy

    @classmethod
    def prepared(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        out = {}
        for name, table in data.items():
            if isinstance(table, dict) and not table.get("label"):
                table = {**table, "label": texts.CLOCK_LABELS.get(name, name)}
            # Tiers written in the file join the default ones (紧急) instead of replacing them.
            default_tiers = DEFAULTS.get(name, {}).get("tiers")
            if default_tiers and isinstance(table, dict) and isinstance(table.get("tiers"), dict):
                table = {**table, "tiers": {**default_tiers, **table["tiers"]}}
            out[name] = table
        return out

    def named(self, clock: str) -> ClockPolicy | None:
        if clock in type(self).model_fields:
            return getattr(self, clock)
        return (self.__pydantic_extra__ or {}).get(clock)

    def get(self, clock: str, tier: str | None = None) -> TierPolicy:
        """The policy of `clock` for a customer `tier`; ConfigError for a clock not configured
        (a row started under a configuration that has since dropped it)."""
        policy = self.named(clock)
        if policy is None:
            raise ConfigError(texts.UNKNOWN_CLOCK.format(clock=clock))
        return policy.for_tier(tier)

    def key(self, clock: str, *candidates: str) -> str:
        """The first candidate with its own table for `clock` (the most specific is given
        first); "" when none has, and the clock's own policy applies."""
        policy = self.named(clock)
        tiers = policy.tiers if policy is not None else {}
        return next((c for c in candidates if c and c in tiers), "")

    def names(self) -> list[str]:
        return sorted([*type(self).model_fields, *(self.__pydantic_extra__ or {})])
