"""The penalty rules of the center's rules (服务中心管理制度 §7, seed 002): defaults here, overrides in
settings.penalties. Amounts are yuan; they go to the after-sales department's fund.

    [penalties]
    enabled = true
    scan_every = "5m"        # how often the data is scanned for penalties
    lookback = "90d"         # how far back the scan looks
    appeal_within = "7d"     # an appeal is accepted this long after the notice
    [penalties.rules.forms_late]
    amount = 30
    [penalties.rules.unreachable]
    min_amount = 20
    max_amount = 50

Rules found in the data (each once per object, whatever reruns the scan):
  complaint         a valid complaint against the person                          200
  complaint_review  `count` valid complaints within `window` (half a year): a demotion /
                    dismissal review for the managers, not a fine
  forms_late        service forms not handed in by the day after the service: a breached
                    clock of `clocks` (forms_due), or a finished dispatch without forms
                    `window` after it                                               30
  onsite_no_record  an on-site visit not written into the service record (written off)
                    `window` after arriving                                         30
  remote_no_record  a remote (`modes`) ticket resolved with a record shorter than
                    `min_chars` characters                                          50
  impl_form_late    an implementation form not retrieved: a breached `clocks` clock
                    (impl_form_due, 3 days after the implementation ends)          500
Rules supervisors enter with /处罚登记 (the data cannot see them):
  meeting_late 2, absent 10 (with a written warning), unreachable 20-50 or a warning (0).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from bot.durations import Duration
from bot.errors import ConfigError
from bot.services import texts

if TYPE_CHECKING:
    from bot.settings import Settings

AUTO = ("complaint", "complaint_review", "forms_late", "onsite_no_record", "remote_no_record",
        "impl_form_late")
MANUAL = ("meeting_late", "absent", "unreachable")

DEFAULT_RULES: dict[str, dict[str, Any]] = {
    "complaint": {"amount": 200},
    "complaint_review": {"count": 3, "window": "183d"},
    "forms_late": {"amount": 30, "clocks": ["forms_due"], "window": "1wd"},
    "onsite_no_record": {"amount": 30, "window": "1wd"},
    "remote_no_record": {"amount": 50, "min_chars": 10, "modes": ["远程"]},
    "impl_form_late": {"amount": 500, "clocks": ["impl_form_due"]},
    "meeting_late": {"amount": 2},
    "absent": {"amount": 10},
    "unreachable": {"min_amount": 20, "max_amount": 50, "allow_warning": True},
}
_TOP_KEYS = {"enabled", "scan_every", "lookback", "appeal_within", "rules"}
_RULE_KEYS = {"enabled", "label", "amount", "min_amount", "max_amount", "allow_warning",
              "window", "clocks", "min_chars", "modes", "count", "aliases"}


class PenaltyConfigError(ConfigError):
    """A bad [penalties] table; the Chinese message names the key."""


@dataclass(frozen=True)
class Rule:
    name: str
    label: str
    enabled: bool
    amount: int  # the fixed amount; for a range, the default is min_amount
    min_amount: int
    max_amount: int
    allow_warning: bool  # a warning (0 yuan) instead of a fine is allowed
    window: Duration | None
    clocks: tuple[str, ...]
    min_chars: int
    modes: tuple[str, ...]
    count: int
    aliases: tuple[str, ...]

    @property
    def ranged(self) -> bool:
        return self.min_amount != self.max_amount

    def amount_text(self) -> str:
        if self.ranged:
            base = texts.PEN_RANGE.format(lo=self.min_amount, hi=self.max_amount)
            return texts.PEN_OR_WARNING.format(base=base) if self.allow_warning else base
        return texts.PEN_YUAN.format(amount=self.amount)


@dataclass(frozen=True)
class Rules:
    enabled: bool
    scan_every_s: float
    lookback: timedelta
    appeal_within: timedelta
    rules: dict[str, Rule]

    def manual(self, word: str) -> Rule | None:
        """The manual rule a supervisor's word names (its name, label or an alias)."""
        w = word.strip().lower()
        for name in MANUAL:
            r = self.rules[name]
            if r.enabled and w in (name, r.label.lower(), *[a.lower() for a in r.aliases]):
                return r
        return None

    def manual_names(self) -> str:
        return "、".join(f"{self.rules[n].aliases[0] if self.rules[n].aliases else n}"
                        f"（{self.rules[n].amount_text()}）"
                        for n in MANUAL if self.rules[n].enabled)


def _err(key: str, problem: str) -> PenaltyConfigError:
    return PenaltyConfigError(texts.PEN_CONFIG_BAD.format(key=key, problem=problem))


def _wall(value: Any, key: str) -> timedelta:
    try:
        return Duration.parse(value).wall
    except ValueError as exc:
        raise _err(key, str(exc)) from None


def _int(raw: dict[str, Any], name: str, default: int, key: str) -> int:
    value = raw.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _err(f"{key}.{name}", texts.PEN_CONFIG_INT)
    return value


def _words(raw: dict[str, Any], name: str, default: list[str], key: str) -> tuple[str, ...]:
    value = raw.get(name, default)
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _err(f"{key}.{name}", texts.PEN_CONFIG_WORDS)
    return tuple(value)


def _rule(name: str, raw: dict[str, Any]) -> Rule:
    key = f"penalties.rules.{name}"
    bad = set(raw) - _RULE_KEYS
    if bad:
        raise _err(f"{key}.{sorted(bad)[0]}",
                   texts.PEN_CONFIG_UNKNOWN.format(keys="、".join(sorted(_RULE_KEYS))))
    for flag in ("enabled", "allow_warning"):
        if not isinstance(raw.get(flag, True), bool):
            raise _err(f"{key}.{flag}", texts.PEN_CONFIG_BOOL)
    label = raw.get("label", texts.PEN_RULE_LABELS[name])
    if not isinstance(label, str) or not label:
        raise _err(f"{key}.label", texts.PEN_CONFIG_WORDS)
    lo = _int(raw, "min_amount", raw.get("amount", 0), key)
    hi = _int(raw, "max_amount", raw.get("amount", lo), key)
    if hi < lo:
        raise _err(f"{key}.max_amount", texts.PEN_CONFIG_RANGE)
    amount = _int(raw, "amount", lo, key)
    window = None
    if "window" in raw:
        try:
            window = Duration.parse(raw["window"])
        except ValueError as exc:
            raise _err(f"{key}.window", str(exc)) from None
    count = _int(raw, "count", 0, key)
    if name == "complaint_review" and count < 2:
        raise _err(f"{key}.count", texts.PEN_CONFIG_COUNT)
    return Rule(
        name=name, label=label, enabled=raw.get("enabled", True), amount=amount, min_amount=lo,
        max_amount=hi, allow_warning=raw.get("allow_warning", False), window=window,
        clocks=_words(raw, "clocks", [], key), min_chars=_int(raw, "min_chars", 0, key),
        modes=_words(raw, "modes", [], key), count=count,
        aliases=_words(raw, "aliases", list(texts.PEN_RULE_ALIASES.get(name, ())), key))


def build_rules(raw: dict[str, Any]) -> Rules:
    if not isinstance(raw, dict):
        raise _err("penalties", texts.PEN_CONFIG_TABLE)
    bad = set(raw) - _TOP_KEYS
    if bad:
        raise _err(f"penalties.{sorted(bad)[0]}",
                   texts.PEN_CONFIG_UNKNOWN.format(keys="、".join(sorted(_TOP_KEYS))))
    overrides = raw.get("rules", {})
    if not isinstance(overrides, dict):
        raise _err("penalties.rules", texts.PEN_CONFIG_TABLE)
    unknown = set(overrides) - set(DEFAULT_RULES)
    if unknown:
        raise _err(f"penalties.rules.{sorted(unknown)[0]}",
                   texts.PEN_CONFIG_UNKNOWN.format(keys="、".join(DEFAULT_RULES)))
    rules = {}
    for name, default in DEFAULT_RULES.items():
        over = overrides.get(name, {})
        if not isinstance(over, dict):
            raise _err(f"penalties.rules.{name}", texts.PEN_CONFIG_TABLE)
        rules[name] = _rule(name, {**default, **over})
    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        raise _err("penalties.enabled", texts.PEN_CONFIG_BOOL)
    scan = _wall(raw.get("scan_every", "5m"), "penalties.scan_every")
    if scan <= timedelta(0):
        raise _err("penalties.scan_every", texts.PEN_CONFIG_POSITIVE)
    return Rules(enabled=enabled, scan_every_s=scan.total_seconds(),
                 lookback=_wall(raw.get("lookback", "90d"), "penalties.lookback"),
                 appeal_within=_wall(raw.get("appeal_within", "7d"), "penalties.appeal_within"),
                 rules=rules)


_memo: dict[str, Rules] = {}


def load_rules(settings: "Settings") -> Rules:
    key = json.dumps(settings.penalties, sort_keys=True, ensure_ascii=False, default=str)
    hit = _memo.get(key)
    if hit is None:
        if len(_memo) > 16:
            _memo.clear()
        hit = _memo[key] = build_rules(settings.penalties)
    return hit


def validate_penalties(settings: "Settings") -> None:
    """Call at start: a bad [penalties] table stops the bot with the key named."""
    load_rules(settings)
