"""[reports]: complaints, follow-ups, targets and the schedules of digests and reports."""
from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, field_validator

from bot.rules import texts
from bot.rules.base import ClockTime, Count, Fraction, RuleModel, Text, Words

PURPOSES = ("hotline", "managers", "supervisors", "hq")
# [000 ch. 6] lists the first seven; [004 §6.2.1] adds order handling and logistics.
CATEGORIES = ("服务延时", "服务质量", "服务态度", "服务规范", "服务收费", "产品问题", "售前承诺",
              "订单处理", "物流配送")


def _purposes(value: Any) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v for v in value):
        raise ValueError(texts.WORDS_NONEMPTY)
    for v in value:
        if v not in PURPOSES:
            raise ValueError(texts.PURPOSE.format(value=v, allowed="、".join(PURPOSES)))
    return tuple(value)


def _dir(value: Any) -> Path:
    if not isinstance(value, (str, Path)) or not str(value).strip():
        raise ValueError(texts.PATH)
    return Path(value)


def _score(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 1 <= value <= 5:
        raise ValueError(texts.SCORE)
    return float(value)


Purposes = Annotated[tuple[str, ...], BeforeValidator(_purposes)]


class ReportSettings(RuleModel):
    dir: Annotated[Path, BeforeValidator(_dir)] = Path("data/reports")  # charts and workbooks
    followup_at: ClockTime = time(8, 45)  # working mornings: the follow-up list to the supervisors
    daily_at: ClockTime = time(17, 45)  # working days after work: the daily digest
    daily_to: Purposes = ("managers", "supervisors")
    kpi_watch_at: ClockTime = time(10, 0)  # working days: warn the managers of a projected miss
    monthly_at: ClockTime = time(9, 0)  # first working day: last month's reports
    monthly_to: Purposes = ("managers",)  # and the general manager (center.general_manager)
    complaint_rate_target: Fraction = 0.05  # the rate must stay below this
    satisfaction_target: Fraction = 0.85  # at least this
    # A visit whose three scores average this or more is satisfied.
    satisfied_score: Annotated[float, BeforeValidator(_score)] = 4.0
    compliance_target: Fraction = 0.0  # clock compliance warning threshold; 0: no warning
    warn_min_services: Count = 10  # no complaint-rate warning on fewer services so far
    warn_min_visits: Count = 5  # no satisfaction warning on fewer visits so far
    # No linear projection to the month's end before this share of its working time is gone:
    # on the 1st a few hours would be multiplied by a hundred.
    projection_min_gone: Fraction = 0.1
    key_tiers: Words = ("大客户",)  # a valid complaint from these tiers goes to the general manager
    service_manager: Text = ""  # userid owning the follow-up assignment clock (optional)
    categories: Words = CATEGORIES  # complaint categories

    @field_validator("service_manager")
    @classmethod
    def _strip(cls, v: str) -> str:
        return v.strip()

    @field_validator("categories")
    @classmethod
    def _some(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if not v:
            raise ValueError(texts.WORDS_NONEMPTY)
        return v
