"""Human durations: wall units, working days and working hours, Chinese units, refusals in Chinese."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.calendar import WorkCalendar
from bot.durations import WALL, WORKDAYS, WORKHOURS, Duration, format_wall, humanize, parse_duration

SH = ZoneInfo("Asia/Shanghai")
CAL = WorkCalendar()


def bj(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)


@pytest.mark.parametrize("text, kind, amount", [
    ("15m", WALL, 900), ("3h", WALL, 10800), ("90s", WALL, 90), ("2d", WALL, 172800),
    ("1h30m", WALL, 5400), (" 0m ", WALL, 0), ("1.5h", WALL, 5400), ("15分钟", WALL, 900),
    ("3小时", WALL, 10800), ("1wd", WORKDAYS, 1), ("0wd", WORKDAYS, 0), ("4wh", WORKHOURS, 4),
    ("1.5wh", WORKHOURS, 1.5), ("1工作日", WORKDAYS, 1), ("2 个工作日", WORKDAYS, 2),
    ("4工作小时", WORKHOURS, 4), ("10MIN", WALL, 600),
])
def test_parse(text, kind, amount):
    d = parse_duration(text)
    assert (d.kind, d.amount) == (kind, amount)
    assert str(d) == text.strip()


@pytest.mark.parametrize("text, message", [
    ("", "无法识别的时长"), ("15", "无法识别的时长"), ("m15", "无法识别的时长"),
    ("5y", "单位“y”无法识别"), ("1wd4h", "不能把工作日/工作小时与其他单位混写"),
    ("1.5wd", "工作日必须是整数"), ("-5m", "无法识别的时长"), (15, "无法识别的时长"),
    ("15m!", "无法识别的时长"),
])
def test_bad_input_raises_value_error_in_chinese(text, message):
    with pytest.raises(ValueError, match=message):
        Duration.parse(text)


def test_add_and_subtract_with_the_calendar():
    fri = bj(2026, 11, 27, 16, 0)
    assert Duration.parse("3h").add_to(fri, CAL) == bj(2026, 11, 27, 19, 0)
    assert Duration.parse("2d").add_to(fri, CAL) == bj(2026, 11, 29, 16, 0)
    assert Duration.parse("4wh").add_to(fri, CAL) == bj(2026, 11, 30, 11, 0)
    assert Duration.parse("1wd").add_to(fri, CAL) == bj(2026, 11, 30, 17, 30)
    mon = bj(2026, 11, 30, 17, 30)
    assert Duration.parse("2wh").subtract_from(mon, CAL) == bj(2026, 11, 30, 15, 30)
    assert Duration.parse("1wd").subtract_from(mon, CAL) == bj(2026, 11, 27, 17, 30)
    assert Duration.parse("10m").subtract_from(mon, CAL) == bj(2026, 11, 30, 17, 20)
    assert Duration.parse("90s").wall == timedelta(seconds=90)
    with pytest.raises(ValueError, match="按工作时间计算"):
        Duration.parse("1wd").wall  # noqa: B018 (the property raises)


def test_formatting():
    assert format_wall(timedelta(minutes=90)) == "1h30m"
    assert str(Duration.wall_clock(timedelta(hours=26))) == "1d2h"
    assert humanize(timedelta(seconds=30)) == "不到 1 分钟"
    assert humanize(timedelta(minutes=12)) == "12 分钟"
    assert humanize(timedelta(minutes=65)) == "1 小时 5 分钟"
    assert humanize(timedelta(hours=2)) == "2 小时"
    assert humanize(timedelta(days=2, hours=3)) == "2 天 3 小时"
    assert humanize(-timedelta(minutes=5)) == "5 分钟"
