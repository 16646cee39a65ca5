"""The days people type for the duty roster ("11-24", "明天") and how a day reads back.

The shifts themselves are typed settings: bot/rules/roster.py (`env.settings.roster`).
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from typing import TYPE_CHECKING

from bot.errors import UsageError
from bot.services.roster import texts

if TYPE_CHECKING:
    from bot.calendar import WorkCalendar


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
