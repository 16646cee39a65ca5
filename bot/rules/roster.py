"""[roster]: the shifts of the duty roster and how early /上班 is accepted.

A [roster.shifts] table replaces the default shifts as a whole. A shift whose end is not after
its start runs past midnight into the next day. A holiday shift (on call) is worked on days off
instead of working days and has, unless told otherwise, no /上班 clock and no handover list.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from pydantic import model_validator

from bot.rules import texts
from bot.rules.base import ClockTime, Flag, NamedTable, RuleError, RuleModel, Wall, settle

if TYPE_CHECKING:
    from bot.calendar import WorkCalendar

DEFAULT_SHIFTS: dict[str, dict[str, Any]] = {
    "早班": {"start": "08:30", "end": "12:00"},
    "午班": {"start": "13:30", "end": "17:30"},
    "值守": {"start": "08:30", "end": "17:30", "holiday": True},
}


class Shift(NamedTable):
    start: ClockTime
    end: ClockTime
    holiday: Flag = False  # worked on days off (on call) instead of on working days
    checkin: Flag = True  # a /上班 clock at its start (default: not holiday)
    handover: Flag = True  # a handover list at its start (default: not holiday)

    @model_validator(mode="before")
    @classmethod
    def _holiday_defaults(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("holiday") is True:
            data = {"checkin": False, "handover": False, **data}
        return data

    @model_validator(mode="after")
    def _not_empty(self) -> "Shift":
        if self.start == self.end:
            raise RuleError(texts.SHIFT_EMPTY, "end")
        return self

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


class RosterSettings(RuleModel):
    early_checkin: Wall = timedelta(minutes=60)  # /上班 is accepted this long before a shift
    shifts: dict[str, Shift]  # DEFAULT_SHIFTS when the table has none

    @model_validator(mode="before")
    @classmethod
    def _default_shifts(cls, data: Any) -> Any:
        # The default is raw text, so an untouched table validates the same way a written one does.
        if isinstance(data, dict) and "shifts" not in data:
            data = {**data, "shifts": DEFAULT_SHIFTS}
        return data

    @model_validator(mode="after")
    def _ordered(self) -> "RosterSettings":
        if not self.shifts:
            raise RuleError(texts.NO_SHIFTS, "shifts")
        for name, shift in self.shifts.items():
            if not name or len(name) > 16 or " " in name:
                raise RuleError(texts.SHIFT_NAME, "shifts", name)
            shift._name = name
        # By start time, so lists and the check-in lookup read in the day's order.
        by_start = sorted(self.shifts.items(), key=lambda kv: (kv[1].start, kv[0]))
        settle(self, "shifts", dict(by_start))
        return self

    def get(self, name: str) -> Shift | None:
        return self.shifts.get(name)

    def for_day(self, calendar: "WorkCalendar", day: date) -> list[Shift]:
        return [s for s in self.shifts.values() if s.applies(calendar, day)]

    @property
    def names(self) -> str:
        return "、".join(self.shifts)

