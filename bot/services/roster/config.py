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

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from bot.errors import ConfigError, UsageError
from bot.services import ruleconf, texts as rule_texts
from bot.services.roster import texts

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


_check = ruleconf.Checks(RosterConfigError, texts.ROSTER_CONFIG_BAD)


def _clock(spec: dict[str, Any], name: str, key: str) -> time:
    return _check.hhmm(spec[name], f"{key}.{name}", texts.ROSTER_CONFIG_TIME)


def _bool(spec: dict[str, Any], name: str, default: bool, key: str) -> bool:
    return _check.flag(spec.get(name, default), f"{key}.{name}")


def build_config(raw: dict[str, Any]) -> RosterConfig:
    _check.known_keys(raw, sorted(_TOP_KEYS), "roster")
    early = _check.wall(raw.get("early_checkin", "60m"), "roster.early_checkin")
    table = _check.table(raw.get("shifts", DEFAULT_SHIFTS), "roster.shifts")
    if not table:  # no shift at all is as wrong as no table
        raise _check.fail("roster.shifts", rule_texts.CONFIG_TABLE)
    shifts = []
    for name, spec in table.items():
        key = f"roster.shifts.{name}"
        _check.table(spec, key)
        if not name or len(name) > 16 or " " in name:
            raise _check.fail(key, texts.ROSTER_CONFIG_NAME)
        _check.known_keys(spec, sorted(_SHIFT_KEYS), key)
        for needed in ("start", "end"):
            if needed not in spec:  # the same hint as a malformed time
                raise _check.fail(f"{key}.{needed}", texts.ROSTER_CONFIG_TIME)
        start, end = _clock(spec, "start", key), _clock(spec, "end", key)
        if start == end:
            raise _check.fail(f"{key}.end", texts.ROSTER_CONFIG_EMPTY)
        holiday = _bool(spec, "holiday", False, key)
        shifts.append(Shift(name, start, end, holiday,
                            _bool(spec, "checkin", not holiday, key),
                            _bool(spec, "handover", not holiday, key)))
    shifts.sort(key=lambda s: (s.start, s.name))
    return RosterConfig(tuple(shifts), early)


_memo = ruleconf.ContentMemo(build_config)


def load_config(settings: "Settings") -> RosterConfig:
    return _memo(settings.roster)


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
