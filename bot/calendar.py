"""China's working calendar: which days are worked, the hours of a working day, quiet hours.

Working days come from the `chinese_calendar` package (weekends, public holidays and the make-up
working weekends, 调休), corrected by an optional company overrides file. For a year the package
does not cover yet, the calendar falls back to Monday-Friday and logs it once: list that year's
holidays in the overrides file until the package is upgraded.

Every datetime going in must be aware; every datetime coming out is aware UTC (what the database
stores), except `local()`.

Overrides file (TOML), dates as TOML dates or "YYYY-MM-DD" strings, ranges as "A..B":
    days_off = ["2026-12-31", "2027-02-05..2027-02-12"]   # the company rests
    workdays = ["2027-02-14"]                               # the company works
"""
from __future__ import annotations

import logging
import tomllib
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import chinese_calendar

from bot import texts
from bot.errors import ConfigError

if TYPE_CHECKING:
    from bot.settings import Settings

log = logging.getLogger(__name__)

UTC = timezone.utc
_ONE_DAY = timedelta(days=1)
# Arithmetic gives up after this many days: a calendar with no working day in ten years is broken.
_MAX_SCAN_DAYS = 3660


class CalendarError(ConfigError):
    """A bad calendar configuration; the message is Chinese and names the key."""


def _parse_clock(text: str, key: str) -> time:
    try:
        hh, mm = text.strip().split(":")
        h, m = int(hh), int(mm)
        if h == 24 and m == 0:
            return time.max
        return time(h, m)
    except (ValueError, TypeError):
        raise CalendarError(texts.CAL_BAD_TIME.format(key=key, value=text)) from None


def parse_span(text: str, key: str) -> tuple[time, time]:
    """"08:30-12:00" -> (08:30, 12:00). The end may be earlier than the start (wraps midnight)."""
    if not isinstance(text, str) or text.count("-") != 1:
        raise CalendarError(texts.CAL_BAD_SPAN.format(key=key, value=text))
    a, b = text.split("-")
    return _parse_clock(a, key), _parse_clock(b, key)


def parse_windows(items: Iterable[str], key: str = "calendar.work_windows") -> list[tuple[time, time]]:
    windows = [parse_span(s, key) for s in items]
    if not windows:
        raise CalendarError(texts.CAL_NO_WINDOWS.format(key=key))
    windows.sort()
    for s, e in windows:
        if e <= s:
            raise CalendarError(texts.CAL_BAD_WINDOW.format(key=key, value=f"{s:%H:%M}-{e:%H:%M}"))
    for (_, e1), (s2, _) in zip(windows, windows[1:]):
        if s2 < e1:
            raise CalendarError(texts.CAL_OVERLAP.format(key=key))
    return windows


def _parse_days(items: Any, key: str) -> set[date]:
    if not isinstance(items, list):
        raise CalendarError(texts.CAL_BAD_DAYS.format(key=key))
    days: set[date] = set()
    for item in items:
        try:
            if isinstance(item, date) and not isinstance(item, datetime):
                days.add(item)
                continue
            text = str(item).strip()
            if ".." in text:
                a, b = (date.fromisoformat(p.strip()) for p in text.split(".."))
                if b < a:
                    raise ValueError
                while a <= b:
                    days.add(a)
                    a += _ONE_DAY
            else:
                days.add(date.fromisoformat(text))
        except ValueError:
            raise CalendarError(texts.CAL_BAD_DATE.format(key=key, value=item)) from None
    return days


def load_overrides(path: str) -> tuple[set[date], set[date]]:
    """Read the company overrides file: (days off, extra working days)."""
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))  # pragma: no mutate ("UTF-8" is the same)
    except FileNotFoundError:
        raise CalendarError(texts.CAL_NO_FILE.format(path=path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise CalendarError(texts.CAL_BAD_FILE.format(path=path, problem=exc)) from None
    unknown = set(data) - {"days_off", "workdays"}
    if unknown:
        raise CalendarError(texts.CAL_UNKNOWN_KEY.format(path=path, key=sorted(unknown)[0]))
    off = _parse_days(data.get("days_off", []), f"{path}: days_off")
    on = _parse_days(data.get("workdays", []), f"{path}: workdays")
    both = off & on
    if both:
        raise CalendarError(texts.CAL_BOTH.format(path=path, day=min(both).isoformat()))
    return off, on


class WorkCalendar:
    def __init__(self, *, tz: str = "Asia/Shanghai",
                 work_windows: Iterable[str] = ("08:30-12:00", "13:30-17:30"),
                 quiet_hours: str = "", days_off: Iterable[date] = (),
                 workdays: Iterable[date] = ()) -> None:
        try:
            self.tz = ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise CalendarError(texts.CAL_BAD_TZ.format(value=tz)) from None
        self.windows = parse_windows(work_windows)
        self.quiet = parse_span(quiet_hours, "calendar.quiet_hours") if quiet_hours else None
        self._days_off = frozenset(days_off)
        self._workdays = frozenset(workdays)
        # Memo of is_workday: a few hundred dates at most in practice, cleared if it ever grows.
        self._memo: dict[date, bool] = {}
        self._uncovered_years_logged: set[int] = set()

    @classmethod
    def from_settings(cls, settings: "Settings") -> "WorkCalendar":
        cal = settings.calendar
        off: set[date] = set()
        on: set[date] = set()
        if cal.overrides_file:
            off, on = load_overrides(cal.overrides_file)
        return cls(tz=settings.center.timezone, work_windows=cal.work_windows,
                   quiet_hours=cal.quiet_hours, days_off=off, workdays=on)

    # -- conversions -------------------------------------------------------------------------

    def local(self, dt: datetime) -> datetime:
        return _aware(dt).astimezone(self.tz)

    def _day_of(self, d: date | datetime) -> date:
        if isinstance(d, datetime):
            return self.local(d).date()
        return d

    def at(self, day: date, clock: time) -> datetime:
        """The UTC instant of a local wall-clock time on a day ("24:00" is the next midnight)."""
        if clock == time.max:
            return datetime.combine(day + _ONE_DAY, time(0), self.tz).astimezone(UTC)
        return datetime.combine(day, clock, self.tz).astimezone(UTC)

    # -- days --------------------------------------------------------------------------------

    def is_workday(self, day: date | datetime) -> bool:
        d = self._day_of(day)
        hit = self._memo.get(d)  # pragma: no mutate (a memo: no memo gives the same answers)
        if hit is not None:
            return hit
        if d in self._workdays:
            result = True
        elif d in self._days_off:
            result = False
        else:
            try:
                result = chinese_calendar.is_workday(d)
            except NotImplementedError:
                if d.year not in self._uncovered_years_logged:
                    self._uncovered_years_logged.add(d.year)
                    log.warning("chinese_calendar has no data for %s: weekends only; list that "
                                "year's holidays in calendar.overrides_file", d.year)
                result = d.weekday() < 5
        if len(self._memo) > 20000:  # pragma: no mutate
            self._memo.clear()
        self._memo[d] = result  # pragma: no mutate
        return result

    def holiday_name(self, day: date | datetime) -> str:
        """The public holiday's Chinese name ("国庆节") on a day off, else "" (customer care)."""
        d = self._day_of(day)
        if self.is_workday(d):
            return ""
        try:
            _, name = chinese_calendar.get_holiday_detail(d)
        except NotImplementedError:
            return ""
        holiday = next((h for h in chinese_calendar.Holiday if h.value == name), None)
        return holiday.chinese if holiday is not None else ""

    def next_workday(self, day: date | datetime) -> date:
        """The first working day strictly after `day`."""
        d = self._day_of(day)
        for _ in range(_MAX_SCAN_DAYS):
            d += _ONE_DAY
            if self.is_workday(d):
                return d
        raise CalendarError(texts.CAL_NO_WORKDAY)

    def prev_workday(self, day: date | datetime) -> date:
        """The last working day strictly before `day`."""
        d = self._day_of(day)
        for _ in range(_MAX_SCAN_DAYS):
            d -= _ONE_DAY
            if self.is_workday(d):
                return d
        raise CalendarError(texts.CAL_NO_WORKDAY)

    def start_of_workday(self, day: date | datetime) -> datetime:
        """When the first work window of that date opens (whether or not the date is worked)."""
        return self.at(self._day_of(day), self.windows[0][0])

    def end_of_workday(self, day: date | datetime) -> datetime:
        """When the last work window of that date closes (whether or not the date is worked)."""
        return self.at(self._day_of(day), self.windows[-1][1])

    def _windows_on(self, d: date) -> list[tuple[datetime, datetime]]:
        if not self.is_workday(d):
            return []
        return [(self.at(d, s), self.at(d, e)) for s, e in self.windows]

    def in_working_hours(self, dt: datetime) -> bool:
        dt = _utc(dt)
        return any(s <= dt < e for s, e in self._windows_on(self._day_of(dt)))

    # -- arithmetic --------------------------------------------------------------------------

    def add_working_time(self, start: datetime, delta: timedelta) -> datetime:
        """The instant after `delta` of time inside work windows on working days.

        Ending exactly at a window's close gives that close (12:00), not the next opening.
        A zero delta returns `start` unchanged; a negative one counts backwards.
        """
        cursor = _utc(start)
        if delta < timedelta(0):
            return self._sub_working_time(cursor, -delta)
        if delta == timedelta(0):
            return cursor
        remaining = delta
        d = self._day_of(cursor) - _ONE_DAY  # a window may straddle the local-date boundary
        for _ in range(_MAX_SCAN_DAYS):
            for ws, we in self._windows_on(d):
                if we <= cursor:
                    continue
                s = max(ws, cursor)
                if remaining <= we - s:
                    return s + remaining
                remaining -= we - s
            d += _ONE_DAY
        raise CalendarError(texts.CAL_NO_WORKDAY)

    def _sub_working_time(self, end: datetime, delta: timedelta) -> datetime:
        remaining = delta
        d = self._day_of(end) + _ONE_DAY
        for _ in range(_MAX_SCAN_DAYS):
            for ws, we in reversed(self._windows_on(d)):
                if ws >= end:
                    continue
                e = min(we, end)
                if remaining <= e - ws:
                    return e - remaining
                remaining -= e - ws
            d -= _ONE_DAY
        raise CalendarError(texts.CAL_NO_WORKDAY)

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Time inside work windows between two instants (negative when b is before a)."""
        a, b = _utc(a), _utc(b)
        if b < a:
            return -self.working_time_between(b, a)
        total = timedelta(0)
        # Windows lie within their local date (24:00 at most), so a's and b's dates bound them.
        d, last = self._day_of(a), self._day_of(b)
        while d <= last:
            for ws, we in self._windows_on(d):
                s, e = max(ws, a), min(we, b)
                if e > s:
                    total += e - s
            d += _ONE_DAY
        return total

    def add_workdays(self, start: datetime, n: int) -> datetime:
        """The close of the nth working day after start's local date.

        This is the domain's reading of "within N working days": a complaint verified "within 1
        working day" of a result on Monday 10:00 is due Tuesday at the close of work, and one on
        Friday evening or Saturday is due Monday at the close. n = 0 is the close of the start's
        own working day (or of the next one if the start is on a day off or after the close);
        a negative n steps back to the close of the nth working day before.
        """
        d = self._day_of(start)
        if n == 0:
            if not self.is_workday(d) or self.end_of_workday(d) < _utc(start):
                d = self.next_workday(d)
            return self.end_of_workday(d)
        step = self.next_workday if n > 0 else self.prev_workday
        for _ in range(abs(n)):
            d = step(d)
        return self.end_of_workday(d)

    # -- quiet hours -------------------------------------------------------------------------

    def in_quiet_hours(self, dt: datetime) -> bool:
        if self.quiet is None:
            return False
        qs, qe = self.quiet
        t = self.local(dt).time()
        if qs <= qe:
            return qs <= t < qe
        return t >= qs or t < qe

    def end_of_quiet(self, dt: datetime) -> datetime:
        """When a non-urgent push held at `dt` may go: `dt` itself outside quiet hours."""
        dt = _utc(dt)
        if not self.in_quiet_hours(dt):
            return dt
        qs, qe = self.quiet  # type: ignore[misc]
        loc = self.local(dt)
        d = loc.date()
        if qs > qe and loc.time() >= qs:
            d += _ONE_DAY
        return self.at(d, qe)


def _aware(dt: datetime) -> datetime:
    if not isinstance(dt, datetime) or dt.utcoffset() is None:
        raise ValueError(texts.CAL_NAIVE.format(value=dt))
    return dt


def _utc(dt: datetime) -> datetime:
    return _aware(dt).astimezone(UTC)
