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
  archive_late      a customer's stamped application (change R, password or data-clearing
                    request M) not in the paper archive: a breached `clocks` clock
                    (request_archive). The seed's amount is illegible: 30 like the forms  30
Rules supervisors enter with /处罚登记 (the data cannot see them):
  meeting_late 2, absent 10 (with a written warning), unreachable 20-50 or a warning (0).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from bot.durations import Duration
from bot.errors import ConfigError
from bot.services import ruleconf
from bot.services.penalties import texts

if TYPE_CHECKING:
    from bot.settings import Settings

# The 200-yuan fine for a valid complaint, and the review after repeated ones. The names stay the
# keys of [penalties.rules] and of stored penalties, so configurations and ledgers keep working.
VALID_COMPLAINT = "complaint"
COMPLAINT_REVIEW = "complaint_review"

AUTO = (VALID_COMPLAINT, COMPLAINT_REVIEW, "forms_late", "onsite_no_record", "remote_no_record",
        "impl_form_late", "archive_late")
MANUAL = ("meeting_late", "absent", "unreachable")

DEFAULT_RULES: dict[str, dict[str, Any]] = {
    VALID_COMPLAINT: {"amount": 200},
    COMPLAINT_REVIEW: {"count": 3, "window": "183d"},
    "forms_late": {"amount": 30, "clocks": ["forms_due"], "window": "1wd"},
    "onsite_no_record": {"amount": 30, "window": "1wd"},
    "remote_no_record": {"amount": 50, "min_chars": 10, "modes": ["远程"]},
    "impl_form_late": {"amount": 500, "clocks": ["impl_form_due"]},
    "archive_late": {"amount": 30, "clocks": ["request_archive"]},
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


_check = ruleconf.Checks(PenaltyConfigError, texts.PEN_CONFIG_BAD)


def _int(raw: dict[str, Any], name: str, default: int, key: str) -> int:
    return _check.count(raw.get(name, default), f"{key}.{name}")


def _words(raw: dict[str, Any], name: str, default: list[str], key: str) -> tuple[str, ...]:
    return _check.words(raw.get(name, default), f"{key}.{name}", texts.PEN_CONFIG_WORDS)


def _rule(name: str, raw: dict[str, Any]) -> Rule:
    key = f"penalties.rules.{name}"
    _check.known_keys(raw, sorted(_RULE_KEYS), key)
    enabled = _check.flag(raw.get("enabled", True), f"{key}.enabled")
    allow_warning = _check.flag(raw.get("allow_warning", False), f"{key}.allow_warning")
    label = raw.get("label", texts.PEN_RULE_LABELS[name])
    if not isinstance(label, str) or not label:
        raise _check.fail(f"{key}.label", texts.PEN_CONFIG_WORDS)
    lo = _int(raw, "min_amount", raw.get("amount", 0), key)
    hi = _int(raw, "max_amount", raw.get("amount", lo), key)
    if hi < lo:
        raise _check.fail(f"{key}.max_amount", texts.PEN_CONFIG_RANGE)
    amount = _int(raw, "amount", lo, key)
    window = _check.duration(raw["window"], f"{key}.window") if "window" in raw else None
    count = _int(raw, "count", 0, key)
    if name == COMPLAINT_REVIEW and count < 2:
        raise _check.fail(f"{key}.count", texts.PEN_CONFIG_COUNT)
    return Rule(
        name=name, label=label, enabled=enabled, amount=amount, min_amount=lo,
        max_amount=hi, allow_warning=allow_warning, window=window,
        clocks=_words(raw, "clocks", [], key), min_chars=_int(raw, "min_chars", 0, key),
        modes=_words(raw, "modes", [], key), count=count,
        aliases=_words(raw, "aliases", list(texts.PEN_RULE_ALIASES.get(name, ())), key))


def build_rules(raw: dict[str, Any]) -> Rules:
    _check.known_keys(_check.table(raw, "penalties"), sorted(_TOP_KEYS), "penalties")
    overrides = _check.table(raw.get("rules", {}), "penalties.rules")
    _check.known_keys(overrides, DEFAULT_RULES, "penalties.rules")
    rules = {}
    for name, default in DEFAULT_RULES.items():
        over = _check.table(overrides.get(name, {}), f"penalties.rules.{name}")
        rules[name] = _rule(name, {**default, **over})
    enabled = _check.flag(raw.get("enabled", True), "penalties.enabled")
    scan = _check.wall(raw.get("scan_every", "5m"), "penalties.scan_every")
    if scan <= timedelta(0):
        raise _check.fail("penalties.scan_every", texts.PEN_CONFIG_POSITIVE)
    return Rules(enabled=enabled, scan_every_s=scan.total_seconds(),
                 lookback=_check.wall(raw.get("lookback", "90d"), "penalties.lookback"),
                 appeal_within=_check.wall(raw.get("appeal_within", "7d"),
                                           "penalties.appeal_within"),
                 rules=rules)


_memo = ruleconf.ContentMemo(build_rules)


def load_rules(settings: "Settings") -> Rules:
    return _memo(settings.penalties)


def validate_penalties(settings: "Settings") -> None:
    """Call at start: a bad [penalties] table stops the bot with the key named."""
    load_rules(settings)
