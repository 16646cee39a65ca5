"""[penalties]: the penalty rules of the center's rules (服务中心管理制度 §7, seed 002).

Amounts are yuan; they go to the after-sales department's fund. A rule's table is laid over its
default key by key. A fixed amount sets min_amount and max_amount too unless they are given; a
range (min_amount < max_amount) makes the supervisor name the amount.

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
                    (request_archive). 002 §7.4 reads "客户传真过来的程序修改申请，清除数据
                    申请，管理员密码恢复申请…处5" (the line's middle and unit are lost in
                    the seed's text; its neighbours keep their figures whole: "处理30",
                    "处以50"), so 5 yuan                                               5
Rules supervisors enter with /处罚登记 (the data cannot see them):
  meeting_late 2, absent 10 (with a written warning), unreachable 20-50 or a warning (0).
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from pydantic import Field, field_validator, model_validator

from bot.rules import texts
from bot.rules.base import (
    Count,
    DefaultedTables,
    Dur,
    Flag,
    Label,
    NamedTable,
    RuleError,
    RuleModel,
    Wall,
    Words,
    defaults,
)

# The 200-yuan fine for a valid complaint, and the review after repeated ones. The names are the
# keys of [penalties.rules] and of stored penalties, so configurations and ledgers keep working.
VALID_COMPLAINT = "complaint"
COMPLAINT_REVIEW = "complaint_review"

AUTO = (VALID_COMPLAINT, COMPLAINT_REVIEW, "forms_late", "onsite_no_record", "remote_no_record",
        "impl_form_late", "archive_late")
MANUAL = ("meeting_late", "absent", "unreachable")

_AMOUNTS: dict[str, dict[str, Any]] = {
    VALID_COMPLAINT: {"amount": 200},
    COMPLAINT_REVIEW: {"count": 3, "window": "183d"},
    "forms_late": {"amount": 30, "clocks": ["forms_due"], "window": "1wd"},
    "onsite_no_record": {"amount": 30, "window": "1wd"},
    "remote_no_record": {"amount": 50, "min_chars": 10, "modes": ["远程"]},
    "impl_form_late": {"amount": 500, "clocks": ["impl_form_due"]},
    "archive_late": {"amount": 5, "clocks": ["request_archive"]},
    "meeting_late": {"amount": 2},
    "absent": {"amount": 10},
    "unreachable": {"min_amount": 20, "max_amount": 50, "allow_warning": True},
}
# Each rule's default table, with the name people read and the words they may type for it.
DEFAULTS: dict[str, dict[str, Any]] = {
    name: {**table, "label": texts.PENALTY_LABELS[name],
           "aliases": texts.PENALTY_ALIASES.get(name, [])}
    for name, table in _AMOUNTS.items()}


class PenaltyRule(NamedTable):
    enabled: Flag = True
    label: Label
    amount: Count = 0  # the fixed amount; for a range, the default is min_amount
    min_amount: Count = 0
    max_amount: Count = 0
    allow_warning: Flag = False  # a warning (0 yuan) instead of a fine is allowed
    window: Dur | None = None
    clocks: Words = ()
    min_chars: Count = 0
    modes: Words = ()
    count: Count = 0
    aliases: Words = ()  # the words a supervisor may type for a manual rule

    @model_validator(mode="before")
    @classmethod
    def _amounts(cls, data: Any) -> Any:
        # The range defaults to the fixed amount, the fixed amount to the range's low end.
        if isinstance(data, dict):
            lo = data.get("min_amount", data.get("amount", 0))
            hi = data.get("max_amount", data.get("amount", lo))
            data = {**data, "min_amount": lo, "max_amount": hi,
                    "amount": data.get("amount", lo)}
        return data

    @model_validator(mode="after")
    def _range(self) -> "PenaltyRule":
        if self.max_amount < self.min_amount:
            raise RuleError(texts.PENALTY_RANGE, "max_amount")
        return self

    @property
    def ranged(self) -> bool:
        return self.min_amount != self.max_amount


class PenaltyRules(DefaultedTables):
    DEFAULTS = DEFAULTS

    complaint: PenaltyRule
    complaint_review: PenaltyRule
    forms_late: PenaltyRule
    onsite_no_record: PenaltyRule
    remote_no_record: PenaltyRule
    impl_form_late: PenaltyRule
    archive_late: PenaltyRule
    meeting_late: PenaltyRule
    absent: PenaltyRule
    unreachable: PenaltyRule

    @model_validator(mode="after")
    def _named(self) -> "PenaltyRules":
        if self.complaint_review.count < 2:
            raise RuleError(texts.PENALTY_REVIEW_COUNT, COMPLAINT_REVIEW, "count")
        for name in type(self).model_fields:
            getattr(self, name)._name = name
        return self

    def __getitem__(self, name: str) -> PenaltyRule:
        if name not in type(self).model_fields:
            raise KeyError(name)
        return getattr(self, name)

    def manual(self, word: str) -> PenaltyRule | None:
        """The manual rule a supervisor's word names (its name, label or an alias)."""
        w = word.strip().lower()
        for name in MANUAL:
            r = self[name]
            if r.enabled and w in (name, r.label.lower(), *[a.lower() for a in r.aliases]):
                return r
        return None


class PenaltySettings(RuleModel):
    enabled: Flag = True
    scan_every: Wall = timedelta(minutes=5)  # how often the data is scanned for penalties
    lookback: Wall = timedelta(days=90)  # how far back the scan looks
    appeal_within: Wall = timedelta(days=7)  # an appeal is accepted this long after the notice
    rules: PenaltyRules = Field(default_factory=lambda: defaults(PenaltyRules))

    @field_validator("scan_every")
    @classmethod
    def _positive(cls, v: timedelta) -> timedelta:
        if v <= timedelta(0):
            raise ValueError(texts.POSITIVE)
        return v

    @property
    def scan_every_s(self) -> float:
        return self.scan_every.total_seconds()

