"""Local date and time as people type them in chat.

"明天 14:00", "11-24 9:30", "下午3点半", "明早九点", "周五上午", "下周一", "3天后", "今晚8点",
"后天上午10点", "两小时后", "三点一刻" … The result is an aware UTC datetime in the center's time
zone. Without a date it is today; a day without a time of day is 09:00, the start of the working
day; a part of the day without a clock time is its usual hour (上午 9:00, 下午 14:00, 晚上 19:00).
A time already past is returned as written: the command decides whether the past is allowed.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING

from bot.errors import UsageError
from commands import texts

if TYPE_CHECKING:
    from bot.runtime import Runtime

_NUM = r"(\d{1,4}|[零〇一二两三四五六七八九十]{1,3})"
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
           "七": 7, "八": 8, "九": 9}
_FULL = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?(?!\d)")
_MONTH_DAY = re.compile(r"^(\d{1,2})[-/月](\d{1,2})[日号]?(?!\d)")
_DAY = re.compile(r"^(\d{1,2})[日号]")
# Longest first: 大后天 before 后天.
_RELATIVE = {"大后天": 3, "今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2}
# A day and a part of it in one word.
_DAY_PART = {"今早": (0, "早上"), "今晨": (0, "早上"), "今晚": (0, "晚上"), "明早": (1, "早上"),
             "明晨": (1, "早上"), "明晚": (1, "晚上"), "后晚": (2, "晚上")}
_WEEKDAY = re.compile(r"^(下下|下个?|本|这个?)?(?:周|星期|礼拜)([一二三四五六日天1-7])")
_WEEKDAYS = {c: i for i, c in enumerate("一二三四五六日")} | {"天": 6} | \
    {str(i + 1): i for i in range(7)}
_DAYS_LATER = re.compile(rf"^{_NUM}(?:天|日)(?:后|以后|之后)")
_IN_HOURS = re.compile(rf"^(?:{_NUM}个?(半)?|(半))(?:小时|钟头)(?:后|以后|之后)$")
_IN_MINUTES = re.compile(rf"^{_NUM}分钟(?:后|以后|之后)$")
_PERIOD = re.compile(r"^(凌晨|清晨|早上|早晨|上午|中午|下午|傍晚|晚上|晚间|夜里|早|晚)")
_COLON = re.compile(r"^(\d{1,2}):(\d{2})$")
_HOUR = re.compile(rf"^{_NUM}[点时](?:钟)?(.*)$")
_MINUTES = re.compile(rf"^{_NUM}分?$")
_AFTERNOON = ("下午", "傍晚", "晚上", "晚间", "夜里", "晚")
_PERIOD_HOUR = {"凌晨": 6, "清晨": 7, "早上": 8, "早晨": 8, "早": 8, "上午": 9, "中午": 12,
                "下午": 14, "傍晚": 18, "晚上": 19, "晚间": 19, "夜里": 21, "晚": 19}
_QUARTERS = {"": 0, "整": 0, "半": 30, "一刻": 15, "三刻": 45}


def number(token: str) -> int:
    """12, 十二, 两, 二十三, 零五 -> int; anything else is a ValueError."""
    if token.isdigit():
        return int(token)
    token = token.lstrip("零〇") or "零"
    if "十" in token:
        tens, _, ones = token.partition("十")
        if len(tens) > 1 or len(ones) > 1:
            raise ValueError(token)
        return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)
    if len(token) != 1:
        raise ValueError(token)
    return _DIGITS[token]


def parse_when(env: "Runtime", text: str, day_time: time = time(9, 0)) -> datetime:
    """`day_time`: the time of a day written without one (a deadline may want the day's end)."""
    raw = (text or "").strip()
    s = re.sub(r"\s+", " ", raw.replace("T", " ").replace("：", ":"))
    if not s:
        raise UsageError(texts.TIME_MISSING)
    try:
        return _parse(env, s, day_time)
    except (ValueError, KeyError):
        raise UsageError(texts.TIME_BAD.format(text=raw)) from None


def _parse(env: "Runtime", s: str, day_time: time) -> datetime:
    now = env.now()
    later = _relative_time(s.replace(" ", ""))
    if later is not None:
        return (now + later).replace(second=0, microsecond=0)
    today = env.calendar.local(now).date()
    day, period, s = _take_date(s, today)
    s = s.replace(" ", "")
    m = _PERIOD.match(s)
    if m:
        if period:  # 明早上午: two parts of the day
            raise ValueError(s)
        period, s = m.group(1), s[m.end():]
    if not s:
        if period:
            at = time(_PERIOD_HOUR[period], 0)
        elif day is not None:
            at = day_time
        else:
            raise ValueError(s)
    else:
        hour, minute = _clock(s)
        if period in _AFTERNOON and hour < 12:
            hour += 12
        elif period == "中午" and hour < 6:
            hour += 12
        elif period in (*_AFTERNOON, "凌晨") and hour == 12:  # 晚上12点: midnight
            hour = 0
            if period != "凌晨":
                day = (day or today) + timedelta(days=1)
        if hour > 23 or minute > 59:
            raise ValueError(s)
        at = time(hour, minute)
    local = datetime.combine(day or today, at, env.calendar.tz)
    return local.astimezone(timezone.utc)


def _relative_time(s: str) -> timedelta | None:
    m = _IN_HOURS.match(s)
    if m:
        hours = 0 if m.group(3) else number(m.group(1))
        return timedelta(hours=hours, minutes=30 if (m.group(2) or m.group(3)) else 0)
    m = _IN_MINUTES.match(s)
    if m:
        return timedelta(minutes=number(m.group(1)))
    return None


def _clock(s: str) -> tuple[int, int]:
    m = _COLON.match(s)
    if m:
        return int(m.group(1)), int(m.group(2))
    m = _HOUR.match(s)
    if not m:
        raise ValueError(s)
    hour, rest = number(m.group(1)), m.group(2)
    if rest in _QUARTERS:
        return hour, _QUARTERS[rest]
    m = _MINUTES.match(rest)
    if not m:
        raise ValueError(s)
    return hour, number(m.group(1))


def _take_date(s: str, today: date) -> tuple[date | None, str, str]:
    """(the day or None when none was written, a part of the day it named, the rest)."""
    for word, (days, period) in _DAY_PART.items():
        if s.startswith(word):
            return today + timedelta(days=days), period, s[len(word):]
    for word, days in _RELATIVE.items():
        if s.startswith(word):
            return today + timedelta(days=days), "", s[len(word):]
    m = _WEEKDAY.match(s)
    if m:
        return _weekday(today, m.group(1) or "", _WEEKDAYS[m.group(2)]), "", s[m.end():]
    m = _DAYS_LATER.match(s)
    if m:
        return today + timedelta(days=number(m.group(1))), "", s[m.end():]
    m = _FULL.match(s)
    if m:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))), "", s[m.end():]
    m = _MONTH_DAY.match(s)
    if m:
        d = date(today.year, int(m.group(1)), int(m.group(2)))
        # "1-05" typed in late December means next January.
        if d < today - timedelta(days=180):
            d = date(today.year + 1, d.month, d.day)
        return d, "", s[m.end():]
    m = _DAY.match(s)
    if m:
        d = date(today.year, today.month, int(m.group(1)))
        if d < today:  # "3日" typed on the 28th: the 3rd of next month
            d = date(today.year + (today.month == 12), today.month % 12 + 1, d.day)
        return d, "", s[m.end():]
    return None, "", s


def _weekday(today: date, prefix: str, weekday: int) -> date:
    """周五: this week's Friday, or next week's once it has passed; 下周五: next week's."""
    monday = today - timedelta(days=today.weekday())
    if prefix.startswith("下下"):
        return monday + timedelta(weeks=2, days=weekday)
    if prefix.startswith("下"):
        return monday + timedelta(weeks=1, days=weekday)
    day = monday + timedelta(days=weekday)
    if day < today and not prefix:
        day += timedelta(weeks=1)
    return day


def format_local(env: "Runtime", dt: datetime | None) -> str:
    if dt is None:
        return "-"
    return env.calendar.local(dt).strftime("%m-%d %H:%M")
