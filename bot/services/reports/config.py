"""The [reports] table of deskbot.toml: complaints, follow-ups, targets and report schedules.

Every key is optional over the defaults below:

    [reports]
    dir = "data/reports"              # where charts and workbooks are written
    followup_at = "08:45"             # working mornings: the follow-up list to the supervisors
    daily_at = "17:45"                # working days after work: the daily digest
    daily_to = ["managers", "supervisors"]
    kpi_watch_at = "10:00"            # working days: warn the managers of a projected miss
    monthly_at = "09:00"              # first working day: last month's reports
    monthly_to = ["managers"]         # and the general manager (center.general_manager)
    complaint_rate_target = 0.05      # the rate must stay below this
    satisfaction_target = 0.85        # at least this
    satisfied_score = 4               # a visit whose three scores average this or more is satisfied
    compliance_target = 0             # clock compliance warning threshold; 0: no warning
    warn_min_services = 10            # no complaint-rate warning on fewer services so far
    warn_min_visits = 5               # no satisfaction warning on fewer visits so far
    key_tiers = ["大客户"]             # a valid complaint from these tiers goes to the general manager
    service_manager = ""              # userid owning the follow-up assignment clock (optional)
    categories = ["服务延时", ...]     # complaint categories
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.errors import ConfigError
from bot.services import ruleconf
from bot.services.reports import texts
from storage.models.people import Purpose

if TYPE_CHECKING:
    from bot.settings import Settings

PURPOSES = tuple(Purpose)
# [000 ch. 6] lists the first seven; [004 §6.2.1] adds order handling and logistics.
CATEGORIES = ("服务延时", "服务质量", "服务态度", "服务规范", "服务收费", "产品问题", "售前承诺",
              "订单处理", "物流配送")

DEFAULTS: dict[str, Any] = {
    "dir": "data/reports",
    "followup_at": "08:45",
    "daily_at": "17:45",
    "daily_to": ["managers", "supervisors"],
    "kpi_watch_at": "10:00",
    "monthly_at": "09:00",
    "monthly_to": ["managers"],
    "complaint_rate_target": 0.05,
    "satisfaction_target": 0.85,
    "satisfied_score": 4,
    "compliance_target": 0,
    "warn_min_services": 10,
    "warn_min_visits": 5,
    "key_tiers": ["大客户"],
    "service_manager": "",
    "categories": list(CATEGORIES),
}


class ReportConfigError(ConfigError):
    """A bad [reports] table; the Chinese message names the key."""


@dataclass(frozen=True)
class ReportConfig:
    dir: Path
    followup_at: str
    daily_at: str
    daily_to: tuple[str, ...]
    kpi_watch_at: str
    monthly_at: str
    monthly_to: tuple[str, ...]
    complaint_rate_target: float
    satisfaction_target: float
    satisfied_score: float
    compliance_target: float
    warn_min_services: int
    warn_min_visits: int
    key_tiers: tuple[str, ...]
    service_manager: str
    categories: tuple[str, ...]


_check = ruleconf.Checks(ReportConfigError, texts.CONFIG_BAD)


def _bad(key: str, problem: str) -> ConfigError:
    return _check.fail(f"reports.{key}", problem)


def _time(raw: dict[str, Any], key: str) -> str:
    # Kept as typed: the schedules take "HH:MM" strings.
    _check.hhmm(raw[key], f"reports.{key}", texts.CONFIG_TIME)
    return raw[key]


def _fraction(raw: dict[str, Any], key: str) -> float:
    v = raw[key]
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 1:
        raise _bad(key, texts.CONFIG_FRACTION)
    return float(v)


def _count(raw: dict[str, Any], key: str) -> int:
    return _check.count(raw[key], f"reports.{key}")


def _words(raw: dict[str, Any], key: str,
           allowed: tuple[str, ...] | None = None) -> tuple[str, ...]:
    words = _check.words(raw[key], f"reports.{key}", texts.CONFIG_LIST)
    if allowed is not None:
        for x in words:
            if x not in allowed:
                raise _bad(key, texts.CONFIG_PURPOSE.format(value=x, allowed="、".join(allowed)))
    return words


def build_config(table: dict[str, Any]) -> ReportConfig:
    _check.known_keys(_check.table(table, "reports"), DEFAULTS, "reports")
    raw = {**DEFAULTS, **table}
    if not isinstance(raw["dir"], str) or not raw["dir"].strip():
        raise _bad("dir", texts.CONFIG_PATH)
    score = raw["satisfied_score"]
    if isinstance(score, bool) or not isinstance(score, (int, float)) or not 1 <= score <= 5:
        raise _bad("satisfied_score", texts.CONFIG_SCORE)
    if not isinstance(raw["service_manager"], str):
        raise _bad("service_manager", texts.CONFIG_STRING)
    categories = _words(raw, "categories")
    if not categories:
        raise _bad("categories", texts.CONFIG_LIST)
    return ReportConfig(
        dir=Path(raw["dir"]), followup_at=_time(raw, "followup_at"),
        daily_at=_time(raw, "daily_at"), daily_to=_words(raw, "daily_to", PURPOSES),
        kpi_watch_at=_time(raw, "kpi_watch_at"), monthly_at=_time(raw, "monthly_at"),
        monthly_to=_words(raw, "monthly_to", PURPOSES),
        complaint_rate_target=_fraction(raw, "complaint_rate_target"),
        satisfaction_target=_fraction(raw, "satisfaction_target"),
        satisfied_score=float(score), compliance_target=_fraction(raw, "compliance_target"),
        warn_min_services=_count(raw, "warn_min_services"),
        warn_min_visits=_count(raw, "warn_min_visits"),
        key_tiers=_words(raw, "key_tiers"), service_manager=raw["service_manager"].strip(),
        categories=categories,
    )


_memo = ruleconf.ContentMemo(build_config)


def load_config(settings: "Settings") -> ReportConfig:
    return _memo(settings.reports)


def validate_config(settings: "Settings") -> None:
    """Call at start: a bad [reports] table stops the bot with the key and what it expected."""
    load_config(settings)
