"""Human durations: wall units, working days and working hours, Chinese units, refusals in Chinese."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot import texts
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


@pytest.mark.parametrize("value, expected", [
    ("", texts.DUR_BAD.format(value="")), (15, texts.DUR_BAD.format(value=15)),
    ("15m!", texts.DUR_BAD.format(value="15m!")), ("  ", texts.DUR_BAD.format(value="  ")),
    ("5Y", texts.DUR_BAD_UNIT.format(value="5Y", unit="y")),
    ("1wd4h", texts.DUR_MIXED.format(value="1wd4h")), ("2wd1wd", texts.DUR_MIXED.format(value="2wd1wd")),
    ("1.5wd", texts.DUR_WHOLE_DAYS.format(value="1.5wd")),
])
def test_refusals_quote_what_was_written(value, expected):
    with pytest.raises(ValueError) as exc:
        Duration.parse(value)
    assert str(exc.value) == expected


def test_working_days_are_whole_and_working_hours_keep_their_fraction():
    days = Duration.parse("2工作日")
    assert days.amount == 2 and isinstance(days.amount, int)
    assert Duration.parse("1.5wh").amount == 1.5
    assert Duration.parse(days) is days


def test_a_duration_made_from_a_timedelta_shows_its_config_form():
    d = Duration.wall_clock(timedelta(minutes=90))
    assert (d.kind, d.amount, d.text, str(d)) == (WALL, 5400, "1h30m", "1h30m")
    assert d.wall == timedelta(minutes=90)
    # Without the text as written, a duration still prints in its config form.
    assert str(Duration(WALL, 3661)) == "1h1m1s"
    assert str(Duration(WORKHOURS, 1.5)) == "1.5wh" and str(Duration(WORKDAYS, 2)) == "2wd"


def test_durations_of_one_kind_compare_and_of_two_kinds_refuse():
    assert Duration.parse("15m") < Duration.parse("1h")
    assert not Duration.parse("1h") < Duration.parse("60m")
    assert sorted([Duration.parse("2wd"), Duration.parse("1wd")]) == [Duration.parse("1wd"), Duration.parse("2wd")]
    assert Duration.parse("1wd").comparable(Duration.parse("3wd"))
    assert not Duration.parse("1wd").comparable(Duration.parse("8wh"))
    with pytest.raises(TypeError, match="different kinds"):
        assert Duration.parse("1wd") < Duration.parse("8h")


@pytest.mark.parametrize("delta, text", [
    (timedelta(0), "0m"), (timedelta(seconds=1), "1s"), (timedelta(seconds=2), "2s"),
    (timedelta(seconds=60), "1m"), (timedelta(seconds=61), "1m1s"), (timedelta(hours=1), "1h"),
    (timedelta(days=1), "1d"), (timedelta(days=1, seconds=1), "1d1s"), (timedelta(milliseconds=400), "0m"),
])
def test_format_wall_edges(delta, text):
    assert format_wall(delta) == text


def test_humanize_whole_days():
    assert humanize(timedelta(days=2)) == "2 天"
    assert humanize(timedelta(days=1, minutes=59)) == "1 天"
    assert humanize(timedelta(hours=1)) == "1 小时"
    assert humanize(timedelta(seconds=60)) == "1 分钟"
