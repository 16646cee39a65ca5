"""The rule tables as typed settings: every bad key named in Chinese through the one settings
error path, defaults laid under overrides, tiers over their clock, the typed accessors."""
from __future__ import annotations

import re
import tomllib
import typing
from datetime import time, timedelta
from pathlib import Path

import pytest
from pydantic import BaseModel

from bot.durations import Duration, format_duration
from bot.errors import ConfigError
from bot.rules.clocks import DEFAULTS as CLOCK_DEFAULTS
from bot.settings import Settings, SettingsError, load_settings

DUR_HINT = "请写成 15m、3h、90s、2d、1h30m、1wd（工作日）或 4wh（工作小时）"
TARGETS = "owner、general_manager、managers、supervisors、hq、hotline"

CASES = [
    # (table, its content, the whole message)
    # [clocks]
    ("clocks", {"ticket_claim": {"target": "15x"}},
     "配置错误：clocks.ticket_claim.target：时长“15x”中的单位“x”无法识别："
     "可用 s、m、h、d、wd（工作日）、wh（工作小时）"),
    ("clocks", {"ticket_claim": {"warnings": ["3x"]}},
     "配置错误：clocks.ticket_claim.warnings[0].at：时长“3x”中的单位“x”无法识别："
     "可用 s、m、h、d、wd（工作日）、wh（工作小时）"),
    ("clocks", {"ticket_claim": {"target": "soon"}},
     f"配置错误：clocks.ticket_claim.target：无法识别的时长“soon”：{DUR_HINT}"),
    ("clocks", {"ticket_claim": {"target": "0m"}},
     "配置错误：clocks.ticket_claim.target：时长必须大于 0（工作日可以为 0wd，表示当天下班前）"),
    ("clocks", {"ticket_claim": {"escalations": [{"after": "0m", "to": "boss"}]}},
     f"配置错误：clocks.ticket_claim.escalations[0].to：未知的通知对象“boss”，可用：{TARGETS}"),
    ("clocks", {"ticket_claim": {"warn_to": []}},
     f"配置错误：clocks.ticket_claim.warn_to：应为通知对象或其列表，可用：{TARGETS}"),
    ("clocks", {"ticket_claim": {"warnings": ["20m"]}},
     "配置错误：clocks.ticket_claim.warnings[0]：提醒时间必须落在开始之后、截止（15m）之前"),
    ("clocks", {"ticket_claim": {"warnings": ["10m", "5m"]}},
     "配置错误：clocks.ticket_claim.warnings[1]：应按时间先后排列"),
    ("clocks", {"ticket_claim": {"warnings": [{"at": "5m", "before": "5m"}]}},
     "配置错误：clocks.ticket_claim.warnings[0]：提醒应写成 \"10m\"（开始后 10 分钟）或 "
     "{at = \"10m\"} / {before = \"5m\"}，可加 to"),
    ("clocks", {"ticket_claim": {"warnings": "10m"}},
     "配置错误：clocks.ticket_claim.warnings：应为一个列表"),
    ("clocks", {"ticket_claim": {"escalations": [{"after": "1h", "to": "hq"},
                                                 {"after": "30m", "to": "hq"}]}},
     "配置错误：clocks.ticket_claim.escalations[1].after：应按时间先后排列"),
    ("clocks", {"ticket_claim": {"escalations": [{"after": "1h"}]}},
     "配置错误：clocks.ticket_claim.escalations[0]：升级应写成 {after = \"30m\", to = \"managers\"}"),
    ("clocks", {"ticket_claim": {"targte": "15m"}},
     "配置错误：clocks.ticket_claim.targte：未知的键，可用：target、warnings、warn_to、escalations、"
     "urgent、label、tiers"),
    ("clocks", {"ticket_claim": {"tiers": {"大客户": {"target": "soon"}}}},
     f"配置错误：clocks.ticket_claim.tiers.大客户.target：无法识别的时长“soon”：{DUR_HINT}"),
    ("clocks", {"ticket_claim": {"tiers": {"大客户": {"tiers": {}}}}},
     "配置错误：clocks.ticket_claim.tiers.大客户.tiers：未知的键，可用：target、warnings、warn_to、"
     "escalations、urgent、label"),
    ("clocks", {"my_clock": {"warnings": ["5m"]}}, "配置错误：clocks.my_clock.target：缺少这个键"),
    ("clocks", {"checkin": {"urgent": "yes"}}, "配置错误：clocks.checkin.urgent：应为 true 或 false"),
    ("clocks", {"ticket_claim": {"urgent": "no"}},
     "配置错误：clocks.ticket_claim.urgent：应为 true 或 false"),
    ("clocks", {"ticket_claim": {"label": 5}}, "配置错误：clocks.ticket_claim.label：应为文字"),
    ("clocks", {"ticket_claim": {"tiers": {"大客户": 1}}},
     "配置错误：clocks.ticket_claim.tiers.大客户：应为一个表（键值对）"),
    ("clocks", {"ticket_claim": 5}, "配置错误：clocks.ticket_claim：应为一个表（键值对）"),
    # [roster]
    ("roster", {"shifts": {"早班": {"start": "8:30", "end": "12:00", "holiday": 1}}},
     "配置错误：roster.shifts.早班.holiday：应为 true 或 false"),
    ("roster", {"shifts": {"早班": {"start": "24:00", "end": "12:00"}}},
     "配置错误：roster.shifts.早班.start：应为 HH:MM 形式的时刻，例如 \"08:30\""),
    ("roster", {"shifts": {"早班": {"start": "08:30"}}},
     "配置错误：roster.shifts.早班.end：缺少这个键"),
    ("roster", {"shifts": {"早班": {"start": "08:30", "end": "8:30"}}},
     "配置错误：roster.shifts.早班.end：结束时间不能等于开始时间"),
    ("roster", {"shifts": {"早 班": {"start": "08:30", "end": "12:00"}}},
     "配置错误：roster.shifts.早 班：班次名称应为 1-16 个字且不含空格"),
    ("roster", {"shifts": {"早班": 1}}, "配置错误：roster.shifts.早班：应为一个表（键值对）"),
    ("roster", {"shifts": {}}, "配置错误：roster.shifts：至少要有一个班次"),
    ("roster", {"zz": 1, "aa": 2}, "配置错误：roster.aa：未知的键，可用：early_checkin、shifts"),
    ("roster", {"early_checkin": "2wh"},
     "配置错误：roster.early_checkin：时长“2wh”按工作时间计算，不是固定时长"),
    # [penalties]
    ("penalties", {"rules": {"absent": {"amount": True}}},
     "配置错误：penalties.rules.absent.amount：应为不小于 0 的整数\n"
     "配置错误：penalties.rules.absent.min_amount：应为不小于 0 的整数\n"
     "配置错误：penalties.rules.absent.max_amount：应为不小于 0 的整数"),
    ("penalties", {"rules": {"absent": 5}}, "配置错误：penalties.rules.absent：应为一个表（键值对）"),
    ("penalties", {"rules": {"forms_late": {"clocks": [""]}}},
     "配置错误：penalties.rules.forms_late.clocks：应为文字列表（每项不能为空）"),
    ("penalties", {"rules": {"forms_late": {"label": ""}}},
     "配置错误：penalties.rules.forms_late.label：应为非空文字"),
    ("penalties", {"rules": {"unreachable": {"max_amount": 10}}},
     "配置错误：penalties.rules.unreachable.max_amount：max_amount 不能小于 min_amount"),
    ("penalties", {"rules": {"complaint_review": {"count": 1}}},
     "配置错误：penalties.rules.complaint_review.count：次数至少为 2"),
    ("penalties", {"rules": {"late": {"amount": 5}}},
     "配置错误：penalties.rules.late：未知的键，可用：complaint、complaint_review、forms_late、"
     "onsite_no_record、remote_no_record、impl_form_late、archive_late、meeting_late、absent、"
     "unreachable"),
    ("penalties", {"enabled": "yes"}, "配置错误：penalties.enabled：应为 true 或 false"),
    ("penalties", {"scan_every": "0m"}, "配置错误：penalties.scan_every：应大于 0"),
    ("penalties", {"lookback": "1wd"},
     "配置错误：penalties.lookback：时长“1wd”按工作时间计算，不是固定时长"),
    ("penalties", {"rules": {"forms_late": {"window": "soon"}}},
     f"配置错误：penalties.rules.forms_late.window：无法识别的时长“soon”：{DUR_HINT}"),
    # [reports]
    ("reports", {"daily_at": "17:60"},
     "配置错误：reports.daily_at：应为 HH:MM 形式的时刻，例如 \"08:30\""),
    ("reports", {"warn_min_visits": -1}, "配置错误：reports.warn_min_visits：应为不小于 0 的整数"),
    ("reports", {"complaint_rate_target": 5},
     "配置错误：reports.complaint_rate_target：应为 0 到 1 之间的小数，例如 0.05 表示 5%"),
    ("reports", {"satisfied_score": 6}, "配置错误：reports.satisfied_score：应为 1 到 5 之间的分数"),
    ("reports", {"daily_to": ["boss"]},
     "配置错误：reports.daily_to：未知的群用途“boss”，可用：hotline、managers、supervisors、hq"),
    ("reports", {"categories": []}, "配置错误：reports.categories：应为非空文字的列表"),
    ("reports", {"dir": " "}, "配置错误：reports.dir：应为目录路径"),
    ("reports", {"service_manager": 7}, "配置错误：reports.service_manager：应为文字"),
    ("reports", [], "配置错误：reports：应为一个表（键值对）"),
]


@pytest.mark.parametrize("table, content, message", CASES)
def test_a_bad_key_is_named_in_chinese(table, content, message):
    with pytest.raises(SettingsError) as exc:
        load_settings(None, **{table: content})
    assert isinstance(exc.value, ConfigError)
    assert str(exc.value) == message


def test_a_bad_key_in_the_file_is_named_too(tmp_path):
    path = tmp_path / "deskbot.toml"
    path.write_text('[clocks.ticket_claim]\nwarnings = [{at = "3x"}]\n', encoding="utf-8")
    with pytest.raises(SettingsError, match=r"^配置错误：clocks\.ticket_claim\.warnings\[0\]\.at："
                                            r"时长“3x”"):
        load_settings(path)


def test_overrides_are_laid_over_the_defaults_key_by_key():
    s = load_settings(None,
                      clocks={"ticket_claim": {"target": "20m", "warnings": [{"before": "5m"}]}},
                      penalties={"rules": {"absent": {"amount": 15}}},
                      roster={"early_checkin": "30m"})
    claim = s.clocks.ticket_claim
    assert claim.target == Duration.parse("20m")
    # Kept from the default: whom the warnings go to, the escalations, the label.
    assert [w.to for w in claim.warnings] == [("hotline",)]
    assert [(str(e.after), e.to) for e in claim.escalations] == [("0m", ("managers",)),
                                                                ("30m", ("hq",))]
    assert claim.label == "接单"
    absent = s.penalties.rules.absent
    assert (absent.amount, absent.min_amount, absent.max_amount) == (15, 15, 15)
    assert absent.aliases == ("缺席", "缺勤") and absent.name == "absent"
    assert s.roster.early_checkin == timedelta(minutes=30)
    assert s.roster.names == "值守、早班、午班"  # the default shifts, by start time


def test_a_tier_is_laid_over_its_clock_and_new_clocks_are_allowed():
    s = load_settings(None, clocks={
        "ticket_claim": {"urgent": False, "tiers": {"大客户": {"target": "10m", "warnings": ["5m"]}}},
        "survey": {"target": "2wh", "escalations": [{"after": "1wh", "to": "supervisors"}]}})
    big = s.clocks.get("ticket_claim", "大客户")
    assert big.target == Duration.parse("10m") and big.urgent is False
    assert [(str(w.offset), w.to) for w in big.warnings] == [("5m", ("hotline",))]
    assert s.clocks.get("ticket_claim", "普通") is s.clocks.ticket_claim
    survey = s.clocks.get("survey")
    assert survey.working and survey.label == "survey"
    assert "survey" in s.clocks.names() and len(s.clocks.names()) == len(CLOCK_DEFAULTS) + 1
    with pytest.raises(ConfigError, match="未知的时限“nope”"):
        s.clocks.get("nope")


def test_every_default_clock_is_a_typed_field():
    clocks = Settings().clocks
    for name, table in CLOCK_DEFAULTS.items():
        policy = getattr(clocks, name)
        assert policy.target == Duration.parse(table["target"])
        assert policy.label and policy.label != name  # each has its Chinese name
        assert all(w.to for w in policy.warnings)  # warn_to resolved once, at load


def test_shifts_and_report_times_are_times_of_day():
    s = load_settings(None, roster={"shifts": {
        "夜班": {"start": "22:00", "end": "6:00"}, "早班": {"start": "8:30", "end": "12:00"}}},
        reports={"daily_at": "18:05"})
    assert list(s.roster.shifts) == ["早班", "夜班"]
    night = s.roster.get("夜班")
    assert (night.start, night.end, night.span) == (time(22), time(6), "22:00-06:00")
    assert night.checkin and night.handover and not night.holiday
    assert s.roster.get("值守") is None  # a shifts table replaces the defaults as a whole
    assert s.reports.daily_at == time(18, 5)


def test_help_texts_read_numbers_from_the_live_settings():
    s = load_settings(None, clocks={"ticket_callback": {"target": "2h"}},
                      penalties={"rules": {"meeting_late": {"amount": 5}}})
    assert format_duration(s.clocks.ticket_claim.target) == "15 分钟"
    assert format_duration(s.clocks.ticket_callback.target) == "2 小时"
    assert format_duration(s.clocks.ticket_hq.target) == "1 个工作日"
    assert format_duration(s.clocks.followup_assign.escalations[1].after) == "4 个工作小时"
    assert format_duration(s.penalties.appeal_within) == "7 天"
    assert s.penalties.rules["meeting_late"].amount == 5
    assert s.penalties.rules.manual("迟到") is s.penalties.rules.meeting_late


def test_settings_are_frozen():
    s = Settings()
    with pytest.raises(ValueError):
        s.clocks.ticket_claim.urgent = False


# -- deskbot.example.toml, held against the models ------------------------------------------

EXAMPLE = Path(__file__).resolve().parent.parent / "deskbot.example.toml"
# A commented-out key or table header: "# key = value", "# [table]". Prose comments are neither.
_COMMENTED = re.compile(r'^# ?(\[[^\]]+\]|(?:[A-Za-z_]\w*|"[^"]+")\s*=\s.*)$')


def _uncommented(text: str) -> str:
    return "\n".join(m.group(1) if (m := _COMMENTED.match(line)) else line
                     for line in text.splitlines())


def _holds(annotation: typing.Any) -> tuple[str | None, type[BaseModel] | None]:
    """What a field holds: a model itself ("model"), models in a dict ("dict") or in a list or
    tuple ("seq"), or no model (None, None)."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "model", annotation
    origin = typing.get_origin(annotation)
    if origin is dict and isinstance(args[1], type) and issubclass(args[1], BaseModel):
        return "dict", args[1]
    if origin in (list, tuple) and isinstance(args[0], type) and issubclass(args[0], BaseModel):
        return "seq", args[0]
    return None, None


def _walk(model: type[BaseModel], data: dict, path: str, missing: list[str],
          seen: dict[type[BaseModel], set[str]]) -> None:
    """Every field of `model` must be in `data`; models held in dicts and lists (tiers, shifts,
    warnings, escalations) need each of their fields somewhere in the file."""
    for name, field in model.model_fields.items():
        if name not in data:
            missing.append(path + name)
            continue
        kind, sub = _holds(field.annotation)
        if kind == "model":
            _walk(sub, data[name], f"{path}{name}.", missing, seen)
        elif kind is not None:
            for item in data[name].values() if kind == "dict" else data[name]:
                _collect(sub, item, seen)


def _collect(model: type[BaseModel], item: typing.Any,
             seen: dict[type[BaseModel], set[str]]) -> None:
    keys = seen.setdefault(model, set())
    if not isinstance(item, dict):
        return  # a short form, such as a warning written "10m"
    keys.update(item)
    for name, field in model.model_fields.items():
        kind, sub = _holds(field.annotation)
        if name in item and kind == "model":
            _collect(sub, item[name], seen)
        elif name in item and kind is not None:
            for x in item[name].values() if kind == "dict" else item[name]:
                _collect(sub, x, seen)


def test_example_file_holds_exactly_the_defaults():
    assert load_settings(EXAMPLE) == Settings()


def test_example_file_documents_every_key_of_every_model():
    data = tomllib.loads(_uncommented(EXAMPLE.read_text(encoding="utf-8")))
    load_settings(None, **data)  # what is shown commented is valid too
    assert "大客户" in data["clocks"]["ticket_claim"]["tiers"]
    missing: list[str] = []
    seen: dict[type[BaseModel], set[str]] = {}
    _walk(Settings, data, "", missing, seen)
    for sub, keys in seen.items():
        missing += [f"{sub.__name__}.{k}" for k in sub.model_fields if k not in keys]
    assert not missing
    assert {m.__name__ for m in seen} == {"TierPolicy", "WarningStep", "EscalationStep", "Shift"}


def test_durations_come_from_the_environment_as_text(monkeypatch):
    # Environment variables win over the file, key by key, like in every other section.
    monkeypatch.setenv("DESKBOT_CLOCKS__TICKET_CLAIM__TARGET", "12m")
    monkeypatch.setenv("DESKBOT_PENALTIES__RULES__FORMS_LATE__WINDOW", "2wd")
    monkeypatch.setenv("DESKBOT_SERVICE__DUPLICATE_WINDOW", "12h")
    s = load_settings(None)
    assert s.clocks.ticket_claim.target == Duration.parse("12m")
    assert s.clocks.ticket_claim.escalations == Settings().clocks.ticket_claim.escalations
    assert s.penalties.rules.forms_late.window == Duration.parse("2wd")
    assert s.service.duplicate_window.wall == timedelta(hours=12)
    monkeypatch.setenv("DESKBOT_REPORTS__DAILY_TO", "managers")  # a list must be JSON
    with pytest.raises(SettingsError, match="^配置错误：环境变量 DESKBOT_\\* 的值无法解析"):
        load_settings(None)
