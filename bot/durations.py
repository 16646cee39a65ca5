"""Human durations of the configuration: "15m", "3h", "90s", "2d", "1h30m" (wall clock),
"1wd" (working days) and "4wh" (working hours), and how to add one to an instant.

Wall-clock units may be combined ("1h30m"); a working unit stands alone. Chinese units are
accepted too ("15分钟", "3小时", "1工作日", "4工作小时"). Bad input raises ValueError in Chinese.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot import texts

if TYPE_CHECKING:
    from bot.calendar import WorkCalendar

WALL, WORKDAYS, WORKHOURS = "wall", "wd", "wh"

_WALL_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_ALIASES = {
    "s": "s", "sec": "s", "秒": "s", "秒钟": "s",
    "m": "m", "min": "m", "分": "m", "分钟": "m",
    "h": "h", "hr": "h", "小时": "h", "个小时": "h", "时": "h",
    "d": "d", "day": "d", "天": "d", "日": "d",
    "wd": "wd", "工作日": "wd", "个工作日": "wd",
    "wh": "wh", "工时": "wh", "工作小时": "wh", "个工作小时": "wh",
}
_TOKEN = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-z\u4e00-\u9fff]+)")


@dataclass(frozen=True)
class Duration:
    kind: str  # WALL, WORKDAYS or WORKHOURS
    amount: float  # seconds (wall), days (wd) or hours (wh)
    text: str = ""

    @classmethod
    def parse(cls, value: "str | Duration") -> "Duration":
        if isinstance(value, Duration):
            return value
        if not isinstance(value, str):
            raise ValueError(texts.DUR_BAD.format(value=value))
        raw = value.strip().lower()
        pos, tokens = 0, []
        while pos < len(raw):
            m = _TOKEN.match(raw, pos)
            if not m:
                raise ValueError(texts.DUR_BAD.format(value=value))
            unit = _ALIASES.get(m.group(2))
            if unit is None:
                raise ValueError(texts.DUR_BAD_UNIT.format(value=value, unit=m.group(2)))
            tokens.append((float(m.group(1)), unit))
            pos = m.end()
        if not tokens:
            raise ValueError(texts.DUR_BAD.format(value=value))
        work = [u for _, u in tokens if u in (WORKDAYS, WORKHOURS)]
        if work:
            if len(tokens) != 1:
                raise ValueError(texts.DUR_MIXED.format(value=value))
            amount, unit = tokens[0]
            if unit == WORKDAYS and amount != int(amount):
                raise ValueError(texts.DUR_WHOLE_DAYS.format(value=value))
            return cls(unit, int(amount) if unit == WORKDAYS else amount, value.strip())
        seconds = sum(a * _WALL_SECONDS[u] for a, u in tokens)
        return cls(WALL, seconds, value.strip())

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        # A settings field typed Duration takes the text of deskbot.toml and keeps the parsed
        # value; dumped, it is that text again.
        from pydantic_core import core_schema

        return core_schema.no_info_plain_validator_function(
            cls.parse, serialization=core_schema.plain_serializer_function_ser_schema(str))

    @classmethod
    def wall_clock(cls, delta: timedelta) -> "Duration":
        return cls(WALL, delta.total_seconds(), format_wall(delta))

    @property
    def is_working(self) -> bool:
        return self.kind != WALL

    @property
    def wall(self) -> timedelta:
        if self.kind != WALL:
            raise ValueError(texts.DUR_NOT_WALL.format(value=self))
        return timedelta(seconds=self.amount)

    def comparable(self, other: "Duration") -> bool:
        return self.kind == other.kind

    def add_to(self, start: datetime, calendar: "WorkCalendar") -> datetime:
        """The instant this long after `start`; working units follow the calendar."""
        if self.kind == WALL:
            return start + timedelta(seconds=self.amount)
        if self.kind == WORKHOURS:
            return calendar.add_working_time(start, timedelta(hours=self.amount))
        return calendar.add_workdays(start, int(self.amount))

    def subtract_from(self, end: datetime, calendar: "WorkCalendar") -> datetime:
        """The instant this long before `end` (working days step back to a close of work)."""
        if self.kind == WALL:
            return end - timedelta(seconds=self.amount)
        if self.kind == WORKHOURS:
            return calendar.add_working_time(end, -timedelta(hours=self.amount))
        return calendar.add_workdays(end, -int(self.amount))

    def __lt__(self, other: "Duration") -> bool:
        if not self.comparable(other):
            raise TypeError("durations of different kinds do not compare")
        return self.amount < other.amount

    def __str__(self) -> str:
        if self.text:
            return self.text
        if self.kind == WALL:
            return format_wall(timedelta(seconds=self.amount))
        return f"{self.amount:g}{self.kind}"


def parse_duration(value: "str | Duration") -> Duration:
    return Duration.parse(value)


def format_wall(delta: timedelta) -> str:
    """The compact config form of a wall duration: 90 min -> "1h30m"."""
    s = int(round(delta.total_seconds()))
    if s == 0:
        return "0m"
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if s >= size:
            parts.append(f"{s // size}{unit}")
            s %= size
    return "".join(parts)


def format_duration(value: "Duration | timedelta") -> str:
    """Chinese, for help texts: "15 分钟", "3 小时", "1 个工作日", "4 个工作小时"."""
    if isinstance(value, timedelta):
        return humanize(value)
    if value.kind == WORKDAYS:
        return texts.HUMAN_WORKDAYS.format(n=f"{value.amount:g}")
    if value.kind == WORKHOURS:
        return texts.HUMAN_WORKHOURS.format(n=f"{value.amount:g}")
    return humanize(value.wall)


def humanize(delta: timedelta) -> str:
    """Chinese, for people: "12 分钟", "1 小时 5 分钟", "2 天 3 小时", "不到 1 分钟"."""
    s = int(abs(delta.total_seconds()))
    days, s = divmod(s, 86400)
    hours, s = divmod(s, 3600)
    minutes = s // 60
    if days:
        return texts.HUMAN_DAYS_HOURS.format(d=days, h=hours) if hours else texts.HUMAN_DAYS.format(d=days)
    if hours:
        return (texts.HUMAN_HOURS_MINUTES.format(h=hours, m=minutes) if minutes
                else texts.HUMAN_HOURS.format(h=hours))
    if minutes:
        return texts.HUMAN_MINUTES.format(m=minutes)
    return texts.HUMAN_UNDER_MINUTE
