"""The shifts of the duty roster (settings.roster over the defaults), and the days people type.

In deskbot.toml (a [roster.shifts] table replaces the default shifts as a whole):

    [roster]
    early_checkin = "60m"          # /上班 is accepted this long before a shift starts
    [roster.shifts.早班]
    start = "08:30"
    end = "12:00"
    [roster.shifts.午班]
    start = "13:30"
    end = "17:30"
    [roster.shifts.值守]            # days off: the hotline is forwarded to the on-call mobile
    start = "08:30"
    end = "17:30"
    holiday = true                 # used on days off instead of working days
    checkin = false                # no /上班 clock (default true)
    handover = false               # no handover list at its start (default true)

A shift whose end is not after its start runs past midnight into the next day.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from bot.durations import Duration
from bot.errors import ConfigError, UsageError
from bot.services import texts

if TYPE_CHECKING:
    from bot.calendar import WorkCalendar
    from bot.settings import Settings

DEFAULT_SHIFTS: dict[str, dict[str, Any]] = {
    "早班": {"start": "08:30", "end": "12:00"},
    "午班": {"start": "13:30", "end": "17:30"},
    "值守": {"start": "08:30", "end": "17:30", "holiday": True, "checkin": False,
             "handover": False},
}
_TOP_KEYS = {"shifts", "early_checkin"}
_SHIFT_KEYS = {"start", "end", "holiday", "checkin", "handover"}
_HHMM = re.compile(r"^(\d{1,2}):(\d{2})$")


class RosterConfigError(ConfigError):
    """A bad [roster] table; the Chinese message names the key."""


@dataclass(frozen=True)
class Shift:
    name: str
    start: time
    end: time
    holiday: bool  # worked on days off (on call) instead of on working days
    checkin: bool
    handover: bool

    @property
    def span(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    def starts(self, calendar: "WorkCalendar", day: date) -> datetime:
        return calendar.at(day, self.start)

    def ends(self, calendar: "WorkCalendar", day: date) -> datetime:
        end_day = day if self.end > self.start else day + timedelta(days=1)
        return calendar.at(end_day, self.end)

    def applies(self, calendar: "WorkCalendar", day: date) -> bool:
        return self.holiday != calendar.is_workday(day)


@dataclass(frozen=True)
class RosterConfig:
    shifts: tuple[Shift, ...]  # by start time
    early_checkin: timedelta

    def get(self, name: str) -> Shift | None:
        return next((s for s in self.shifts if s.name == name), None)

    def for_day(self, calendar: "WorkCalendar", day: date) -> list[Shift]:
        return [s for s in self.shifts if s.applies(calendar, day)]

    @property
    def names(self) -> str:
        return "、".join(s.name for s in self.shifts)


def _err(key: str, problem: str) -> RosterConfigError:
    return RosterConfigError(texts.ROSTER_CONFIG_BAD.format(key=key, problem=problem))


def _clock(value: Any, key: str) -> time:
    m = _HHMM.match(value) if isinstance(value, str) else None
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise _err(key, texts.ROSTER_CONFIG_TIME)
    return time(int(m.group(1)), int(m.group(2)))


def _bool(raw: dict[str, Any], name: str, default: bool, key: str) -> bool:
    value = raw.get(name, default)
    if not isinstance(value, bool):
        raise _err(f"{key}.{name}", texts.ROSTER_CONFIG_BOOL)
    return value


def build_config(raw: dict[str, Any]) -> RosterConfig:
    unknown = set(raw) - _TOP_KEYS
    if unknown:
        raise _err(f"roster.{sorted(unknown)[0]}",
                   texts.ROSTER_CONFIG_UNKNOWN.format(keys="、".join(sorted(_TOP_KEYS))))
    try:
        early = Duration.parse(raw.get("early_checkin", "60m"))
        early_td = early.wall
    except ValueError as exc:
        raise _err("roster.early_checkin", str(exc)) from None
    table = raw.get("shifts", DEFAULT_SHIFTS)
    if not isinstance(table, dict) or not table:
        raise _err("roster.shifts", texts.ROSTER_CONFIG_TABLE)
    shifts = []
    for name, spec in table.items():
        key = f"roster.shifts.{name}"
        if not isinstance(spec, dict):
            raise _err(key, texts.ROSTER_CONFIG_TABLE)
        if not name or len(name) > 16 or " " in name:
            raise _err(key, texts.ROSTER_CONFIG_NAME)
        bad = set(spec) - _SHIFT_KEYS
        if bad:
            raise _err(f"{key}.{sorted(bad)[0]}",
                       texts.ROSTER_CONFIG_UNKNOWN.format(keys="、".join(sorted(_SHIFT_KEYS))))
        for needed in ("start", "end"):
            if needed not in spec:
                raise _err(f"{key}.{needed}", texts.ROSTER_CONFIG_TIME)
        start, end = _clock(spec["start"], f"{key}.start"), _clock(spec["end"], f"{key}.end")
        if start == end:
            raise _err(f"{key}.end", texts.ROSTER_CONFIG_EMPTY)
        holiday = _bool(spec, "holiday", False, key)
        shifts.append(Shift(name, start, end, holiday,
                            _bool(spec, "checkin", not holiday, key),
                            _bool(spec, "handover", not holiday, key)))
    shifts.sort(key=lambda s: (s.start, s.name))
    return RosterConfig(tuple(shifts), early_td)


_memo: dict[str, RosterConfig] = {}


def load_config(settings: "Settings") -> RosterConfig:
    key = json.dumps(settings.roster, sort_keys=True, ensure_ascii=False, default=str)
    hit = _memo.get(key)
    if hit is None:
        if len(_memo) > 16:
            _memo.clear()
        hit = _memo[key] = build_config(settings.roster)
    return hit


def validate_roster(settings: "Settings") -> None:
    """Call at start: a bad [roster] table stops the bot with the key named."""
    load_config(settings)


# -- days as people type them ---------------------------------------------------------------

_RELATIVE = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "昨天": -1}
_FULL = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?$")
_MONTH_DAY = re.compile(r"^(\d{1,2})[-/.月](\d{1,2})[日号]?$")


def parse_day(text: str | None, today: date) -> date:
    """"2026-11-24", "11-24", "11/24", "11月24日", "今天", "明天": a local date.

    A month-day without a year is the one nearest to today (in December "1-05" is January)."""
    raw = (text or "").strip()
    if raw in _RELATIVE:
        return today + timedelta(days=_RELATIVE[raw])
    try:
        m = _FULL.match(raw)
        if m:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = _MONTH_DAY.match(raw)
        if m:
            d = date(today.year, int(m.group(1)), int(m.group(2)))
            if d < today - timedelta(days=183):
                d = d.replace(year=today.year + 1)
            elif d > today + timedelta(days=183):
                d = d.replace(year=today.year - 1)
            return d
    except ValueError:
        pass
    raise UsageError(texts.ROSTER_BAD_DAY.format(text=raw))


def looks_like_day(text: str) -> bool:
    raw = text.strip()
    return raw in _RELATIVE or bool(_FULL.match(raw) or _MONTH_DAY.match(raw))


WEEKDAYS = "一二三四五六日"


def day_label(calendar: "WorkCalendar", day: date) -> str:
    """"11-24（周二）" or "11-28（周六，休息日）"."""
    rest = "" if calendar.is_workday(day) else texts.ROSTER_DAY_OFF
    return texts.ROSTER_DAY.format(day=f"{day:%m-%d}", weekday=WEEKDAYS[day.weekday()], rest=rest)
