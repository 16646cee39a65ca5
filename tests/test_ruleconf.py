"""The checks every rule table shares: each table's own error and heading, the full key named."""
from datetime import time

import pytest

from bot.services import ruleconf
from bot.services.deadlines.policies import PolicyError, build_policies
from bot.services.penalties.rules import PenaltyConfigError, build_rules
from bot.services.reports.config import ReportConfigError, build_config as build_reports
from bot.services.roster.config import RosterConfigError, build_config as build_roster

CASES = [
    # (builder, table, error, the message)
    (build_roster, {"shifts": {"早班": {"start": "8:30", "end": "12:00", "holiday": 1}}},
     RosterConfigError, "值班配置错误：roster.shifts.早班.holiday：应为 true 或 false"),
    (build_roster, {"shifts": {"早班": {"start": "24:00", "end": "12:00"}}},
     RosterConfigError, "值班配置错误：roster.shifts.早班.start：应为时间，例如 \"08:30\""),
    (build_roster, {"shifts": {"早班": {"start": "08:30"}}},
     RosterConfigError, "值班配置错误：roster.shifts.早班.end：应为时间，例如 \"08:30\""),
    (build_roster, {"shifts": {}}, RosterConfigError, "值班配置错误：roster.shifts：应为一个表（键值对）"),
    (build_roster, {"zz": 1, "aa": 2}, RosterConfigError,
     "值班配置错误：roster.aa：未知的键，可用：early_checkin、shifts"),
    (build_roster, {"early_checkin": "2wh"}, RosterConfigError,
     "值班配置错误：roster.early_checkin：时长“2wh”按工作时间计算，不是固定时长"),
    (build_rules, {"rules": {"absent": {"amount": True}}}, PenaltyConfigError,
     "处罚配置错误：penalties.rules.absent.min_amount：应为不小于 0 的整数"),
    (build_rules, {"rules": {"absent": 5}}, PenaltyConfigError,
     "处罚配置错误：penalties.rules.absent：应为一个表（键值对）"),
    (build_rules, {"rules": {"forms_late": {"clocks": [""]}}}, PenaltyConfigError,
     "处罚配置错误：penalties.rules.forms_late.clocks：应为文字列表"),
    (build_rules, {"enabled": "yes"}, PenaltyConfigError,
     "处罚配置错误：penalties.enabled：应为 true 或 false"),
    (build_reports, {"daily_at": "17:60"}, ReportConfigError,
     "报表配置错误：reports.daily_at：应为 HH:MM 形式的时刻，例如 \"17:45\""),
    (build_reports, {"warn_min_visits": -1}, ReportConfigError,
     "报表配置错误：reports.warn_min_visits：应为不小于 0 的整数"),
    (build_reports, [], ReportConfigError, "报表配置错误：reports：应为一个表（键值对）"),
    (build_policies, {"ticket_claim": {"urgent": "no"}}, PolicyError,
     "时限配置错误：clocks.ticket_claim.urgent：应为 true 或 false"),
    (build_policies, {"ticket_claim": {"tiers": {"大客户": 1}}}, PolicyError,
     "时限配置错误：clocks.ticket_claim.tiers.大客户：应为一个表（键值对）"),
]


@pytest.mark.parametrize("build, table, error, message", CASES)
def test_each_table_names_its_key_under_its_own_heading(build, table, error, message):
    with pytest.raises(error) as exc:
        build(table)
    assert str(exc.value) == message


def test_clock_times_and_unknown_keys_in_the_order_given():
    check = ruleconf.Checks(RosterConfigError, "{key}|{problem}")
    assert check.hhmm("8:05", "k", "bad") == time(8, 5)
    assert check.hhmm("23:59", "k", "bad") == time(23, 59)
    for bad in ("24:00", "08:60", "8:5", "0830", 830, None):
        with pytest.raises(RosterConfigError, match=r"^k\|bad$"):
            check.hhmm(bad, "k", "bad")
    with pytest.raises(RosterConfigError) as exc:
        check.known_keys({"b": 1, "z": 2, "y": 3}, ["b", "a"], "t")
    assert str(exc.value) == "t.y|未知的键，可用：b、a"


def test_memo_rebuilds_only_when_the_content_changes():
    built = []
    memo = ruleconf.ContentMemo(lambda t: built.append(t) or len(built), size=2)
    assert memo({"a": 1, "b": 2}) == memo({"b": 2, "a": 1}) == 1
    assert memo({"a": 2}) == 2 and memo({"a": 3}) == 3
    assert memo({"a": 1, "b": 2}) == 4  # the oldest went first
    assert len(built) == 4
