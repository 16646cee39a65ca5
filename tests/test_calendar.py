"""China's working calendar: holidays and make-up working days of 2025 and 2026, work windows with a
lunch break, working-time arithmetic, quiet hours and the company overrides file.

Expected dates are worked out by hand from the State Council's notices:
2025 National Day + Mid-Autumn: 10-01..10-08 off, Sunday 09-28 and Saturday 10-11 worked.
2026 Spring Festival: 02-15..02-23 off, Saturday 02-14 and Saturday 02-28 worked.
"""
from __future__ import annotations

import tomllib
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot import texts
from bot.calendar import CalendarError, WorkCalendar
from bot.settings import load_settings

SH = ZoneInfo("Asia/Shanghai")


def bj(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)


@pytest.fixture
def cal() -> WorkCalendar:
    return WorkCalendar.from_settings(load_settings(None))


def test_workdays_2025_and_2026(cal):
    assert cal.is_workday(date(2026, 2, 14))  # Saturday, make-up working day
    assert not any(cal.is_workday(date(2026, 2, d)) for d in range(15, 24))
    assert cal.is_workday(date(2026, 2, 24)) and cal.is_workday(date(2026, 2, 28))
    assert cal.is_workday(date(2025, 9, 28))  # Sunday, make-up
    assert not any(cal.is_workday(date(2025, 10, d)) for d in range(1, 9))
    assert cal.is_workday(date(2025, 10, 11))  # Saturday, make-up
    assert not cal.is_workday(date(2026, 11, 28))  # an ordinary Saturday
    assert cal.is_workday(bj(2026, 11, 23, 23, 30))  # a datetime counts by its Beijing date
    assert not cal.is_workday(datetime(2026, 11, 27, 16, 30, tzinfo=timezone.utc))  # Sat 00:30 BJ
    assert cal.next_workday(date(2026, 2, 14)) == date(2026, 2, 24)
    assert cal.next_workday(date(2025, 9, 30)) == date(2025, 10, 9)
    assert cal.prev_workday(date(2026, 2, 24)) == date(2026, 2, 14)


def test_years_the_package_does_not_cover_fall_back_to_weekdays(cal):
    assert cal.is_workday(date(2027, 3, 5))  # Friday
    assert not cal.is_workday(date(2027, 3, 6))  # Saturday
    # Not even New Year's Day is known: that is what the overrides file is for (next test).
    assert cal.next_workday(date(2026, 12, 31)) == date(2027, 1, 1)


def test_working_time_skips_lunch_nights_weekends_and_holidays(cal):
    # Monday 11:00 + 2h: 1h to noon, lunch 12:00-13:30, 1h after -> 14:30.
    assert cal.add_working_time(bj(2026, 11, 23, 11, 0), timedelta(hours=2)) == bj(2026, 11, 23, 14, 30)
    # Ending exactly at noon stays at noon.
    assert cal.add_working_time(bj(2026, 11, 23, 9, 0), timedelta(hours=3)) == bj(2026, 11, 23, 12, 0)
    # Started in the evening: counts from the next opening.
    assert cal.add_working_time(bj(2026, 11, 23, 20, 0), timedelta(hours=1)) == bj(2026, 11, 24, 9, 30)
    # Friday 16:00 + 4h: 1.5h Friday, then Monday 08:30 + 2.5h -> 11:00.
    assert cal.add_working_time(bj(2026, 11, 27, 16, 0), timedelta(hours=4)) == bj(2026, 11, 30, 11, 0)
    # Friday 2026-02-13 16:00 + 4h: 1.5h, then the make-up Saturday 08:30 + 2.5h.
    assert cal.add_working_time(bj(2026, 2, 13, 16, 0), timedelta(hours=4)) == bj(2026, 2, 14, 11, 0)
    # That Saturday 17:00 + 1h: 0.5h, then after the festival, Tuesday 02-24 09:00.
    assert cal.add_working_time(bj(2026, 2, 14, 17, 0), timedelta(hours=1)) == bj(2026, 2, 24, 9, 0)
    # 2025-09-30 17:00 + 1h -> 10-09 09:00.
    assert cal.add_working_time(bj(2025, 9, 30, 17, 0), timedelta(hours=1)) == bj(2025, 10, 9, 9, 0)
    # Backwards: Monday 12:00 - 4h = 3.5h that morning + 0.5h of Friday -> Friday 17:00.
    assert cal.add_working_time(bj(2026, 11, 30, 12, 0), -timedelta(hours=4)) == bj(2026, 11, 27, 17, 0)
    start = bj(2026, 11, 23, 10, 0)
    assert cal.add_working_time(start, timedelta(0)) == start
    out = cal.add_working_time(start, timedelta(minutes=1))
    assert out.tzinfo == timezone.utc


def test_working_time_between(cal):
    # Friday 17:00 -> Monday 09:00: 0.5h + 0.5h.
    assert cal.working_time_between(bj(2026, 11, 27, 17, 0), bj(2026, 11, 30, 9, 0)) == timedelta(hours=1)
    # A whole working day is 7.5h; the Spring Festival holidays count nothing.
    assert cal.working_time_between(bj(2026, 2, 14, 0, 0), bj(2026, 2, 24, 0, 0)) == timedelta(hours=7.5)
    assert cal.working_time_between(bj(2026, 11, 23, 12, 10), bj(2026, 11, 23, 13, 20)) == timedelta(0)
    assert cal.working_time_between(bj(2026, 11, 23, 14, 0), bj(2026, 11, 23, 10, 0)) == -timedelta(hours=2.5)


def test_add_workdays_ends_at_the_close_of_the_nth_working_day(cal):
    assert cal.add_workdays(bj(2026, 11, 23, 10, 0), 1) == bj(2026, 11, 24, 17, 30)
    assert cal.add_workdays(bj(2026, 11, 27, 20, 0), 1) == bj(2026, 11, 30, 17, 30)
    assert cal.add_workdays(bj(2026, 11, 28, 10, 0), 1) == bj(2026, 11, 30, 17, 30)  # Saturday
    assert cal.add_workdays(bj(2026, 2, 13, 10, 0), 1) == bj(2026, 2, 14, 17, 30)
    assert cal.add_workdays(bj(2026, 2, 13, 10, 0), 2) == bj(2026, 2, 24, 17, 30)
    assert cal.add_workdays(bj(2025, 9, 26, 9, 0), 2) == bj(2025, 9, 29, 17, 30)
    assert cal.add_workdays(bj(2025, 9, 30, 9, 0), 3) == bj(2025, 10, 11, 17, 30)
    # n = 0: the close of the same working day, or of the next one after hours / on a day off.
    assert cal.add_workdays(bj(2026, 11, 23, 10, 0), 0) == bj(2026, 11, 23, 17, 30)
    assert cal.add_workdays(bj(2026, 11, 23, 18, 0), 0) == bj(2026, 11, 24, 17, 30)
    assert cal.add_workdays(bj(2025, 10, 3, 10, 0), 0) == bj(2025, 10, 9, 17, 30)
    # Negative: back to the close of an earlier working day.
    assert cal.add_workdays(bj(2026, 2, 24, 17, 30), -1) == bj(2026, 2, 14, 17, 30)
    assert cal.start_of_workday(date(2026, 11, 23)) == bj(2026, 11, 23, 8, 30)
    assert cal.end_of_workday(date(2026, 11, 23)) == bj(2026, 11, 23, 17, 30)


def test_quiet_hours(cal):
    assert cal.in_quiet_hours(bj(2026, 11, 23, 21, 0))
    assert cal.in_quiet_hours(bj(2026, 11, 23, 7, 59))
    assert not cal.in_quiet_hours(bj(2026, 11, 23, 8, 0))
    assert not cal.in_quiet_hours(bj(2026, 11, 23, 20, 59))
    assert cal.end_of_quiet(bj(2026, 11, 23, 22, 30)) == bj(2026, 11, 24, 8, 0)
    assert cal.end_of_quiet(bj(2026, 11, 24, 3, 0)) == bj(2026, 11, 24, 8, 0)
    noon = bj(2026, 11, 24, 12, 0)
    assert cal.end_of_quiet(noon) == noon
    assert cal.in_working_hours(bj(2026, 11, 23, 9, 0))
    assert not cal.in_working_hours(bj(2026, 11, 23, 12, 30))
    assert not cal.in_working_hours(bj(2026, 11, 28, 9, 0))
    assert cal.local(datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc)).hour == 9


def test_overrides_file_adds_company_days(tmp_path):
    f = tmp_path / "days.toml"
    f.write_text('days_off = ["2026-12-31", "2027-01-01", "2027-02-08..2027-02-12"]\n'
                 'workdays = [2027-02-06]\n', encoding="utf-8")
    settings = load_settings(None, calendar__overrides_file=str(f),
                             calendar__work_windows=["09:00-12:00", "13:00-18:00"])
    cal = WorkCalendar.from_settings(settings)
    assert not cal.is_workday(date(2026, 12, 31))
    assert cal.is_workday(date(2027, 2, 6))  # a Saturday the company works
    assert not cal.is_workday(date(2027, 2, 10))
    assert cal.next_workday(date(2027, 2, 5)) == date(2027, 2, 6)
    assert cal.next_workday(date(2027, 2, 6)) == date(2027, 2, 15)
    assert cal.add_workdays(bj(2026, 12, 30, 10, 0), 1) == bj(2027, 1, 4, 18, 0)
    assert cal.add_working_time(bj(2026, 11, 23, 11, 0), timedelta(hours=2)) == bj(2026, 11, 23, 14, 0)


@pytest.mark.parametrize("kwargs, message", [
    ({"work_windows": ["8:30-12:00", "11:00-17:30"]}, "工作时段有重叠"),
    ({"work_windows": ["12:00-08:30"]}, "结束时间应晚于开始时间"),
    ({"work_windows": ["morning"]}, "calendar.work_windows"),
    ({"work_windows": []}, "至少要有一个工作时段"),
    ({"quiet_hours": "21:00"}, "calendar.quiet_hours"),
    ({"tz": "Mars/Olympus"}, "center.timezone"),
])
def test_bad_calendar_settings_are_refused_in_chinese(kwargs, message):
    with pytest.raises(CalendarError, match=message):
        WorkCalendar(**kwargs)


def test_bad_overrides_file(tmp_path):
    missing = load_settings(None, calendar__overrides_file=str(tmp_path / "nope.toml"))
    with pytest.raises(CalendarError, match="找不到文件"):
        WorkCalendar.from_settings(missing)
    for body, message in [('days_off = ["2026-13-01"]', "2026-13-01"),
                          ('holidays = []', "未知的键“holidays”"),
                          ('days_off = ["2026-12-31"]\nworkdays = ["2026-12-31"]', "同时出现"),
                          ('days_off = "2026-12-31"', "应为日期列表")]:
        f = tmp_path / "o.toml"
        f.write_text(body, encoding="utf-8")
        with pytest.raises(CalendarError, match=message):
            WorkCalendar.from_settings(load_settings(None, calendar__overrides_file=str(f)))


def test_naive_datetimes_are_refused(cal):
    with pytest.raises(ValueError, match="缺少时区"):
        cal.add_working_time(datetime(2026, 11, 23, 9, 0), timedelta(hours=1))


def test_edges_of_windows_workdays_and_quiet_hours(cal):
    monday = date(2026, 11, 23)
    assert cal.in_working_hours(bj(2026, 11, 23, 8, 30)) and not cal.in_working_hours(bj(2026, 11, 23, 12, 0))
    assert cal.in_working_hours(bj(2026, 11, 23, 13, 30)) and not cal.in_working_hours(bj(2026, 11, 23, 17, 30))
    # A push held at exactly 21:00 waits for tomorrow's 08:00, not this morning's.
    assert cal.in_quiet_hours(bj(2026, 11, 23, 21, 0))
    assert cal.end_of_quiet(bj(2026, 11, 23, 21, 0)) == bj(2026, 11, 24, 8, 0)
    assert cal.end_of_quiet(bj(2026, 11, 24, 0, 0)) == bj(2026, 11, 24, 8, 0)
    # Started exactly at the close: n = 0 is that same close.
    assert cal.add_workdays(bj(2026, 11, 23, 17, 30), 0) == bj(2026, 11, 23, 17, 30)
    assert cal.add_workdays(bj(2026, 11, 23, 17, 31), 0) == bj(2026, 11, 24, 17, 30)
    # Counting back to exactly an opening stops at the opening, not at the close before it.
    assert cal.add_working_time(bj(2026, 11, 23, 14, 30), -timedelta(hours=1)) == bj(2026, 11, 23, 13, 30)
    assert cal.add_working_time(bj(2026, 11, 23, 9, 30), -timedelta(hours=1)) == bj(2026, 11, 23, 8, 30)
    # A zero delta after hours stays put; a whole day of working time is three days and more.
    evening = bj(2026, 11, 23, 20, 0)
    assert cal.add_working_time(evening, timedelta(0)) == evening
    assert cal.add_working_time(bj(2026, 11, 23, 8, 30), timedelta(days=1)) == bj(2026, 11, 26, 10, 0)
    assert cal.working_time_between(bj(2026, 11, 23, 9, 0), bj(2026, 11, 23, 9, 0)) == timedelta(0)
    assert cal.working_time_between(bj(2026, 11, 23, 8, 0), bj(2026, 11, 23, 18, 0)) == timedelta(hours=7.5)
    assert cal.is_workday(monday) is True and cal.is_workday(date(2026, 11, 28)) is False


def test_a_window_ending_at_midnight():
    cal = WorkCalendar(work_windows=["18:00-24:00", "08:00-12:00", "13:00-17:00"], quiet_hours="00:00-07:00")
    assert cal.windows[-1][0].hour == 18
    assert cal.end_of_workday(date(2026, 11, 23)) == bj(2026, 11, 24, 0, 0)
    assert cal.start_of_workday(date(2026, 11, 23)) == bj(2026, 11, 23, 8, 0)
    assert cal.in_working_hours(bj(2026, 11, 23, 23, 59)) and not cal.in_working_hours(bj(2026, 11, 24, 0, 0))
    # Friday 23:00 + 2h: 1h to midnight, then Monday 08:00 + 1h.
    assert cal.add_working_time(bj(2026, 11, 27, 23, 0), timedelta(hours=2)) == bj(2026, 11, 30, 9, 0)
    assert cal.add_working_time(bj(2026, 11, 27, 23, 0), timedelta(hours=1)) == bj(2026, 11, 28, 0, 0)
    assert cal.add_working_time(bj(2026, 11, 30, 9, 0), -timedelta(hours=2)) == bj(2026, 11, 27, 23, 0)
    assert cal.working_time_between(bj(2026, 11, 27, 23, 0), bj(2026, 11, 30, 9, 0)) == timedelta(hours=2)
    assert cal.add_workdays(bj(2026, 11, 27, 10, 0), 0) == bj(2026, 11, 28, 0, 0)


def test_quiet_hours_that_do_not_wrap_or_are_empty():
    lunch = WorkCalendar(quiet_hours="12:00-13:30")
    assert lunch.in_quiet_hours(bj(2026, 11, 23, 12, 0)) and not lunch.in_quiet_hours(bj(2026, 11, 23, 13, 30))
    assert not lunch.in_quiet_hours(bj(2026, 11, 23, 11, 59))
    assert lunch.end_of_quiet(bj(2026, 11, 23, 12, 40)) == bj(2026, 11, 23, 13, 30)
    empty = WorkCalendar(quiet_hours="21:00-21:00")
    assert not empty.in_quiet_hours(bj(2026, 11, 23, 21, 0)) and not empty.in_quiet_hours(bj(2026, 11, 23, 3, 0))
    none = WorkCalendar()  # no quiet hours configured: every push goes at once
    assert not none.in_quiet_hours(bj(2026, 11, 23, 3, 0))
    assert none.end_of_quiet(bj(2026, 11, 23, 3, 0)) == bj(2026, 11, 23, 3, 0)


def test_single_window_and_touching_windows():
    one = WorkCalendar(work_windows=["09:00-18:00"])
    assert one.end_of_workday(date(2026, 11, 23)) == bj(2026, 11, 23, 18, 0)
    touching = WorkCalendar(work_windows=["08:00-12:00", "12:00-17:00"])
    assert touching.add_working_time(bj(2026, 11, 23, 11, 0), timedelta(hours=2)) == bj(2026, 11, 23, 13, 0)


def test_results_are_utc_whatever_the_servers_timezone(cal, monkeypatch):
    import time as systime

    monkeypatch.setenv("TZ", "Asia/Shanghai")
    systime.tzset()
    try:
        midnight = WorkCalendar(work_windows=["18:00-24:00"])
        outs = [cal.at(date(2026, 11, 23), cal.windows[0][0]), midnight.end_of_workday(date(2026, 11, 23)),
                cal.add_working_time(bj(2026, 11, 23, 20, 0), timedelta(0)), cal.end_of_quiet(bj(2026, 11, 23, 12, 0))]
    finally:
        monkeypatch.delenv("TZ")
        systime.tzset()
    assert [o.utcoffset() for o in outs] == [timedelta(0)] * 4
    assert outs[1] == bj(2026, 11, 24, 0, 0)


def test_years_without_data_are_logged_once_each(cal, caplog):
    with caplog.at_level("WARNING", logger="bot.calendar"):
        cal.is_workday(date(2027, 3, 5))
        cal.is_workday(date(2027, 3, 6))
        cal.is_workday(date(2028, 3, 6))
    assert [r.getMessage() for r in caplog.records] == [
        f"chinese_calendar has no data for {year}: weekends only; list that year's holidays in "
        "calendar.overrides_file" for year in (2027, 2028)]


def test_a_calendar_without_any_working_day_refuses_to_count(cal):
    start = date(2026, 11, 20)
    dead = WorkCalendar(days_off=[start + timedelta(days=i) for i in range(-3700, 3700)])
    for call in (lambda: dead.next_workday(start), lambda: dead.prev_workday(start),
                 lambda: dead.add_working_time(bj(2026, 11, 20, 9, 0), timedelta(hours=1)),
                 lambda: dead.add_working_time(bj(2026, 11, 20, 9, 0), -timedelta(hours=1))):
        with pytest.raises(CalendarError) as exc:
            call()
        assert str(exc.value) == texts.CAL_NO_WORKDAY


def test_from_settings_takes_the_centers_timezone():
    cal = WorkCalendar.from_settings(load_settings(None, center__timezone="Asia/Tokyo"))
    assert cal.start_of_workday(date(2026, 11, 23)) == datetime(2026, 11, 23, 8, 30, tzinfo=ZoneInfo("Asia/Tokyo"))


def test_overrides_with_one_key_ranges_of_one_day_and_toml_dates(tmp_path):
    f = tmp_path / "o.toml"
    f.write_text('days_off = ["2027-02-08..2027-02-08", 2027-02-09, 2027-02-10]\n', encoding="utf-8")
    cal = WorkCalendar.from_settings(load_settings(None, calendar__overrides_file=str(f)))
    assert [cal.is_workday(date(2027, 2, d)) for d in range(8, 12)] == [False, False, False, True]
    f.write_text("workdays = [2027-02-06, 2027-02-07]\n", encoding="utf-8")
    cal = WorkCalendar.from_settings(load_settings(None, calendar__overrides_file=str(f)))
    assert cal.is_workday(date(2027, 2, 6)) and cal.is_workday(date(2027, 2, 7))


def _error(make) -> str:
    with pytest.raises(CalendarError) as exc:
        make()
    return str(exc.value)


@pytest.mark.parametrize("kwargs, expected", [
    ({"work_windows": ["09:00-09:00"]},
     texts.CAL_BAD_WINDOW.format(key="calendar.work_windows", value="09:00-09:00")),
    ({"work_windows": ["08:00-12:01", "12:00-17:00"]}, texts.CAL_OVERLAP.format(key="calendar.work_windows")),
    ({"work_windows": []}, texts.CAL_NO_WINDOWS.format(key="calendar.work_windows")),
    ({"work_windows": ["08:00-24:30"]}, texts.CAL_BAD_TIME.format(key="calendar.work_windows", value="24:30")),
    ({"work_windows": ["08:00-25:00"]}, texts.CAL_BAD_TIME.format(key="calendar.work_windows", value="25:00")),
    ({"work_windows": ["8点-12:00"]}, texts.CAL_BAD_TIME.format(key="calendar.work_windows", value="8点")),
    ({"work_windows": ["08:00~12:00"]}, texts.CAL_BAD_SPAN.format(key="calendar.work_windows", value="08:00~12:00")),
    ({"quiet_hours": "21:00-7点"}, texts.CAL_BAD_TIME.format(key="calendar.quiet_hours", value="7点")),
    ({"quiet_hours": "21:00"}, texts.CAL_BAD_SPAN.format(key="calendar.quiet_hours", value="21:00")),
    ({"tz": "Mars/Olympus"}, texts.CAL_BAD_TZ.format(value="Mars/Olympus")),
])
def test_calendar_errors_name_the_key_and_the_value(kwargs, expected):
    assert _error(lambda: WorkCalendar(**kwargs)) == expected


@pytest.mark.parametrize("body, expected", [
    ('days_off = ["2027-02-09..2027-02-08"]', texts.CAL_BAD_DATE.format(key="{path}: days_off",
                                                                         value="2027-02-09..2027-02-08")),
    ("days_off = [2027-02-09T09:00:00]", texts.CAL_BAD_DATE.format(key="{path}: days_off",
                                                                   value="2027-02-09 09:00:00")),
    ('workdays = ["2027-02-30"]', texts.CAL_BAD_DATE.format(key="{path}: workdays", value="2027-02-30")),
    ('workdays = "2027-02-06"', texts.CAL_BAD_DAYS.format(key="{path}: workdays")),
    ("holidays = []", texts.CAL_UNKNOWN_KEY.format(path="{path}", key="holidays")),
    ('days_off = ["2027-02-06..2027-02-08"]\nworkdays = ["2027-02-07", "2027-02-08"]',
     texts.CAL_BOTH.format(path="{path}", day="2027-02-07")),
    ("days_off = [", None),
])
def test_overrides_errors_name_the_file_the_key_and_the_value(tmp_path, body, expected):
    f = tmp_path / "o.toml"
    f.write_text(body, encoding="utf-8")
    message = _error(lambda: WorkCalendar.from_settings(load_settings(None, calendar__overrides_file=str(f))))
    if expected is None:
        with pytest.raises(tomllib.TOMLDecodeError) as problem:
            tomllib.loads(body)
        assert message == texts.CAL_BAD_FILE.format(path=f, problem=problem.value)
    else:
        assert message == expected.replace("{path}", str(f))
    assert _error(lambda: WorkCalendar.from_settings(
        load_settings(None, calendar__overrides_file=str(tmp_path / "no.toml")))) == \
        texts.CAL_NO_FILE.format(path=tmp_path / "no.toml")


def test_naive_and_date_values_are_refused_with_the_value(cal):
    for value in (datetime(2026, 11, 23, 9, 0), date(2026, 11, 23)):
        with pytest.raises(ValueError) as exc:
            cal.working_time_between(value, bj(2026, 11, 23, 10, 0))
        assert str(exc.value) == texts.CAL_NAIVE.format(value=value)
