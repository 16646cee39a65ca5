"""Local date and time as people type them in chat: "明天 14:00", "11-24 9:30", "下午3点半".

The result is an aware UTC datetime in the center's time zone; without a date it is today.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING

from bot.errors import UsageError
from commands import texts

if TYPE_CHECKING:
    from bot.runtime import Runtime

_FULL = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?(?!\d)")
_MONTH_DAY = re.compile(r"^(\d{1,2})[-/月](\d{1,2})[日号]?(?!\d)")
_DAY = re.compile(r"^(\d{1,2})[日号]")
_RELATIVE = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2}
_PERIOD = re.compile(r"^(凌晨|早上|早晨|上午|中午|下午|傍晚|晚上)")
_CLOCK = re.compile(r"^(\d{1,2})(?::(\d{2})|[点时](?:(\d{1,2})分?|(半))?)$")
_AFTERNOON = ("下午", "傍晚", "晚上")


def parse_when(env: "Runtime", text: str) -> datetime:
    raw = (text or "").strip()
    s = re.sub(r"\s+", " ", raw.replace("T", " ").replace("：", ":"))
    if not s:
        raise UsageError(texts.TIME_MISSING)
    today = env.calendar.local(env.now()).date()
    day, s = _take_date(s, today, raw)
    s = s.replace(" ", "")
    period = ""
    m = _PERIOD.match(s)
    if m:
        period, s = m.group(1), s[m.end():]
    m = _CLOCK.match(s)
    if not m:
        raise UsageError(texts.TIME_BAD.format(text=raw))
    hour = int(m.group(1))
    minute = int(m.group(2) or m.group(3) or 0) + (30 if m.group(4) else 0)
    if period in _AFTERNOON and hour < 12:
        hour += 12
    elif period == "中午" and hour < 6:
        hour += 12
    if hour > 23 or minute > 59:
        raise UsageError(texts.TIME_BAD.format(text=raw))
    local = datetime.combine(day, time(hour, minute), env.calendar.tz)
    return local.astimezone(timezone.utc)


def _take_date(s: str, today: date, raw: str) -> tuple[date, str]:
    try:
        for word, days in _RELATIVE.items():
            if s.startswith(word):
                return today + timedelta(days=days), s[len(word):]
        m = _FULL.match(s)
        if m:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3))), s[m.end():]
        m = _MONTH_DAY.match(s)
        if m:
            d = date(today.year, int(m.group(1)), int(m.group(2)))
            # "1-05" typed in late December means next January.
            if d < today - timedelta(days=180):
                d = date(today.year + 1, d.month, d.day)
            return d, s[m.end():]
        m = _DAY.match(s)
        if m:
            d = date(today.year, today.month, int(m.group(1)))
            if d < today:  # "3日" typed on the 28th: the 3rd of next month
                d = date(today.year + (today.month == 12), today.month % 12 + 1, d.day)
            return d, s[m.end():]
    except ValueError:
        raise UsageError(texts.TIME_BAD.format(text=raw)) from None
    return today, s


def format_local(env: "Runtime", dt: datetime | None) -> str:
    if dt is None:
        return "-"
    return env.calendar.local(dt).strftime("%m-%d %H:%M")
