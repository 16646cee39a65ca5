"""Deadline policies ("clocks"): the defaults, their overrides from settings.clocks, validation.

A policy in deskbot.toml, every key optional over the default (lists replace, not merge):

    [clocks.ticket_claim]
    target = "15m"                       # due this long after the start (wall or working units)
    warnings = ["10m"]                   # "10m" = at 10 minutes elapsed; {before = "5m"} also works
    warn_to = ["hotline"]                # who gets the warnings
    escalations = [{after = "0m", to = "managers"}, {after = "30m", to = "hq"}]
    urgent = true                        # false: reminders wait out the quiet hours
    [clocks.ticket_claim.tiers.大客户]    # per customer tier, same keys
    target = "10m"

Targets: owner, managers, supervisors, hq, hotline (chat purposes), general_manager.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.durations import Duration
from bot.errors import ConfigError
from bot.services import ruleconf
from bot.services.deadlines import texts
from storage.models.people import Purpose

if TYPE_CHECKING:
    from bot.calendar import WorkCalendar
    from bot.settings import Settings

OWNER, GENERAL_MANAGER = "owner", "general_manager"
PURPOSE_TARGETS = (Purpose.MANAGERS, Purpose.SUPERVISORS, Purpose.HQ, Purpose.HOTLINE)
TARGETS = (OWNER, GENERAL_MANAGER) + PURPOSE_TARGETS

_MGR_HQ = [{"after": "0m", "to": ["owner", "managers"]}, {"after": "2h", "to": "hq"}]

DEFAULTS: dict[str, dict[str, Any]] = {
    # Hotline and on-site service.
    "ticket_claim": {"target": "15m", "warnings": ["10m"], "warn_to": ["hotline"],
                     "escalations": [{"after": "0m", "to": "managers"},
                                     {"after": "30m", "to": "hq"}]},
    "ticket_callback": {"target": "1h", "warnings": [{"before": "15m"}],
                        "escalations": [{"after": "0m", "to": ["owner", "managers"]},
                                        {"after": "1h", "to": "hq"}]},
    "ticket_consult": {"target": "3h", "warnings": [{"before": "30m"}], "escalations": _MGR_HQ},
    # Started with an explicit due_at (the appointment); the target is only a fallback.
    "dispatch_appointment": {"target": "1d", "warnings": [{"before": "1h"}],
                             "escalations": [{"after": "0m", "to": ["owner", "managers"]}]},
    # The dispatched engineer confirms the dispatch (/接受派工).
    "dispatch_accept": {"target": "30m", "warnings": [{"before": "10m"}],
                        "escalations": [{"after": "0m", "to": ["owner", "managers"]},
                                        {"after": "1h", "to": "hq"}]},
    # A problem escalated to HQ is tracked until the ticket is solved.
    "ticket_hq": {"target": "1wd", "warnings": [{"before": "2wh"}],
                  "escalations": [{"after": "0m", "to": ["owner", "managers"]},
                                  {"after": "1wd", "to": "hq"}]},
    # "0wd": by the close of the visit's own working day.
    "dispatch_writeoff": {"target": "0wd",
                          "escalations": [{"after": "0m", "to": ["owner", "managers"]}]},
    # Complaints.
    # Nobody owns a complaint before a supervisor confirms it: the supervisors' chat is reminded.
    "complaint_ack": {"target": "1h", "warnings": [{"before": "15m"}], "warn_to": ["supervisors"],
                      "escalations": [{"after": "0m", "to": ["supervisors", "managers"]},
                                      {"after": "2h", "to": "hq"}]},
    "complaint_response": {"target": "3h", "warnings": [{"before": "30m"}],
                           "escalations": _MGR_HQ},
    "complaint_verify": {"target": "1wd", "warnings": [{"before": "2wh"}],
                         "escalations": [{"after": "0m", "to": ["owner", "managers"]},
                                         {"after": "1wd", "to": "hq"}]},
    "complaint_hq_feedback": {"target": "1wd", "warnings": [{"before": "2wh"}],
                              "escalations": [{"after": "0m", "to": ["owner", "managers"]},
                                              {"after": "1wd", "to": "general_manager"}]},
    "plan_general": {"target": "3wd", "warnings": [{"before": "1wd"}],
                     "escalations": [{"after": "0m", "to": ["owner", "managers"]},
                                     {"after": "1wd", "to": "hq"}]},
    "plan_major": {"target": "5wd", "warnings": [{"before": "1wd"}],
                   "escalations": [{"after": "0m", "to": ["owner", "managers"]},
                                   {"after": "1wd", "to": "hq"}]},
    # Forms, follow-ups, duty.
    "forms_due": {"target": "1wd", "warnings": [{"before": "2wh"}],
                  "escalations": [{"after": "0m", "to": ["owner", "supervisors"]}]},
    "followup_assign": {"target": "1h", "warnings": [{"before": "15m"}],
                        "warn_to": ["owner", "managers"],
                        "escalations": [{"after": "0m", "to": ["owner", "managers"]},
                                        {"after": "4wh", "to": "general_manager"}]},
    "checkin": {"target": "10m",
                "escalations": [{"after": "0m", "to": "owner"},
                                {"after": "5m", "to": "managers"}]},
    "handover_ack": {"target": "30m", "warnings": [{"before": "10m"}],
                     "escalations": [{"after": "0m", "to": ["owner", "managers"]}]},
    # Change (R) and sensitive (M) requests [002 §5, §8]. Nobody owns a request before a manager
    # reviews it, so the managers' chat is reminded.
    "change_review": {"target": "1wd", "warnings": [{"before": "2wh"}], "warn_to": ["managers"],
                      "escalations": [{"after": "0m", "to": "managers"},
                                      {"after": "1wd", "to": "general_manager"}]},
    # The engineer tells the customer the review's outcome, and later the end.
    "change_tell": {"target": "1wd", "warnings": [{"before": "2wh"}],
                    "escalations": [{"after": "0m", "to": ["owner", "managers"]}]},
    # Started with due_at = the manager's estimate; an overdue estimate warns the managers.
    "change_estimate": {"target": "10wd", "warnings": [{"before": "1wd"}],
                        "escalations": [{"after": "0m", "to": ["owner", "managers"]},
                                        {"after": "2wd", "to": "general_manager"}]},
    "sensitive_review": {"target": "4wh", "warnings": [{"before": "1wh"}], "warn_to": ["managers"],
                         "escalations": [{"after": "0m", "to": "managers"}]},
    # The stamped application reaches the paper archive (行政部存档); a penalty rule watches it.
    "request_archive": {"target": "1wd", "warnings": [{"before": "2wh"}],
                        "escalations": [{"after": "0m", "to": ["owner", "managers"]}]},
    # Implementation form retrieved within 3 days of the implementation's end (penalty 500).
    "impl_form_due": {"target": "3d", "warnings": [{"before": "1d"}],
                      "escalations": [{"after": "0m", "to": ["owner", "managers"]}]},
    # A project stage, due at the close of its planned end day; the owner is the project manager.
    "project_stage": {"target": "1wd", "warnings": [{"before": "4wh"}],
                      "escalations": [{"after": "0m", "to": "owner"},
                                      {"after": "2wd", "to": ["owner", "managers"]}]},
}

_KEYS = {"target", "warnings", "warn_to", "escalations", "urgent", "label"}


class PolicyError(ConfigError):
    """A bad policy; the Chinese message names the clock and the key."""


@dataclass(frozen=True)
class WarningStep:
    offset: Duration
    before: bool  # True: this long before due; False: this long after the start
    to: tuple[str, ...]


@dataclass(frozen=True)
class EscalationStep:
    after: Duration  # this long after due
    to: tuple[str, ...]


@dataclass(frozen=True)
class Policy:
    clock: str
    tier: str
    target: Duration
    warnings: tuple[WarningStep, ...]
    escalations: tuple[EscalationStep, ...]
    urgent: bool
    label: str

    @property
    def working(self) -> bool:
        return self.target.is_working

    def due_from(self, start: datetime, calendar: "WorkCalendar") -> datetime:
        return self.target.add_to(start, calendar)


class Policies:
    def __init__(self, base: dict[str, Policy], tiered: dict[tuple[str, str], Policy]) -> None:
        self._base = base
        self._tiered = tiered

    def get(self, clock: str, tier: str | None = None) -> Policy:
        if tier:
            hit = self._tiered.get((clock, tier))
            if hit is not None:
                return hit
        try:
            return self._base[clock]
        except KeyError:
            raise PolicyError(texts.DL_UNKNOWN_CLOCK.format(clock=clock)) from None

    def names(self) -> list[str]:
        return sorted(self._base)


_check = ruleconf.Checks(PolicyError, texts.DL_POLICY_BAD)


def _targets(value: Any, path: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    names = "、".join(TARGETS)
    if not isinstance(items, list) or not items:
        raise _check.fail(path, texts.DL_POLICY_TARGETS.format(targets=names))
    for t in items:
        if t not in TARGETS:
            raise _check.fail(path, texts.DL_POLICY_TARGET.format(value=t, targets=names))
    return tuple(items)


def _elapsed(step: WarningStep, target: Duration) -> float | None:
    """Where a warning falls, in the target's unit from the start, when the units compare."""
    if not step.offset.comparable(target):
        return None
    return target.amount - step.offset.amount if step.before else step.offset.amount


def _build(clock: str, tier: str, raw: dict[str, Any], path: str) -> Policy:
    _check.known_keys(raw, sorted(_KEYS), path, texts.DL_POLICY_UNKNOWN_KEY)
    if "target" not in raw:
        raise _check.fail(f"{path}.target", texts.DL_POLICY_MISSING)
    target = _check.duration(raw["target"], f"{path}.target")
    if target.amount < 0 or (target.amount == 0 and not target.is_working):
        raise _check.fail(f"{path}.target", texts.DL_POLICY_POSITIVE)
    warn_to = _targets(raw.get("warn_to", [OWNER]), f"{path}.warn_to")

    warnings: list[WarningStep] = []
    raw_warnings = raw.get("warnings", [])
    if not isinstance(raw_warnings, list):
        raise _check.fail(f"{path}.warnings", texts.DL_POLICY_LIST)
    last = None
    for i, item in enumerate(raw_warnings):
        p = f"{path}.warnings[{i}]"
        if isinstance(item, dict):
            extra = set(item) - {"at", "before", "to"}
            if extra or ("at" in item) == ("before" in item):
                raise _check.fail(p, texts.DL_POLICY_WARNING)
            before = "before" in item
            offset = _check.duration(item["before" if before else "at"], p)
            to = _targets(item["to"], f"{p}.to") if "to" in item else warn_to
        else:
            before, offset, to = False, _check.duration(item, p), warn_to
        step = WarningStep(offset, before, to)
        pos = _elapsed(step, target)
        if pos is not None:
            if not 0 < pos < target.amount:
                raise _check.fail(p, texts.DL_POLICY_WARNING_RANGE.format(target=target))
            if last is not None and pos <= last:
                raise _check.fail(p, texts.DL_POLICY_ORDER)
            last = pos
        warnings.append(step)

    escalations: list[EscalationStep] = []
    raw_esc = raw.get("escalations", [])
    if not isinstance(raw_esc, list):
        raise _check.fail(f"{path}.escalations", texts.DL_POLICY_LIST)
    prev: Duration | None = None
    for i, item in enumerate(raw_esc):
        p = f"{path}.escalations[{i}]"
        if not isinstance(item, dict) or set(item) - {"after", "to"} or "to" not in item:
            raise _check.fail(p, texts.DL_POLICY_ESCALATION)
        after = _check.duration(item.get("after", "0m"), f"{p}.after")
        if after.amount < 0:
            raise _check.fail(f"{p}.after", texts.DL_POLICY_POSITIVE)
        if prev is not None and prev.comparable(after) and after.amount < prev.amount:
            raise _check.fail(f"{p}.after", texts.DL_POLICY_ORDER)
        prev = after
        escalations.append(EscalationStep(after, _targets(item["to"], f"{p}.to")))

    urgent = _check.flag(raw.get("urgent", True), f"{path}.urgent")
    label = raw.get("label") or texts.CLOCK_LABELS.get(clock, clock)
    if not isinstance(label, str):
        raise _check.fail(f"{path}.label", texts.DL_POLICY_STRING)
    return Policy(clock, tier, target, tuple(warnings), tuple(escalations), urgent, label)


def build_policies(clocks: dict[str, Any]) -> Policies:
    """Defaults overlaid with settings.clocks; raises PolicyError naming the clock and key."""
    _check.table(clocks, "clocks")
    base: dict[str, Policy] = {}
    tiered: dict[tuple[str, str], Policy] = {}
    for clock in sorted(set(DEFAULTS) | set(clocks)):
        path = f"clocks.{clock}"
        override = _check.table(clocks.get(clock, {}), path)
        tiers = _check.table(override.get("tiers", {}), f"{path}.tiers")
        merged = {**DEFAULTS.get(clock, {}), **{k: v for k, v in override.items() if k != "tiers"}}
        base[clock] = _build(clock, "", merged, path)
        for tier, tier_over in tiers.items():
            tpath = f"{path}.tiers.{tier}"
            _check.table(tier_over, tpath)
            tiered[(clock, tier)] = _build(clock, tier, {**merged, **tier_over}, tpath)
    return Policies(base, tiered)


_memo = ruleconf.ContentMemo(build_policies)


def load_policies(settings: "Settings") -> Policies:
    return _memo(settings.clocks)


def validate_policies(settings: "Settings") -> None:
    """Call at start: a bad policy stops the bot with a message naming the clock and the key."""
    load_policies(settings)
