"""`deskbot roster import FILE.csv|FILE.xlsx`: the duty roster from the spreadsheet a manager keeps.

Columns (Chinese or English headers): 日期/date, 班次/shift, 人员/people (userids or names,
several separated by 、 , ; or spaces). Each (date, shift) in the file gets exactly the people the
file gives it (rows for the same date and shift add up), so importing the same file twice
changes nothing. A bad row is reported by its line number and skipped; the good rows are kept.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, cast

from tortoise.transactions import in_transaction

from bot.calendar import WorkCalendar
from bot.clock import SystemClock
from bot.errors import UserError
from bot.rules.roster import Shift
from bot.runtime import Runtime
from bot.services.directory import texts as directory_texts
from bot.services.directory.imports import ImportReport, _pick, _rows
from bot.services.directory.lookup import find_staff
from bot.services.roster import texts
from bot.services.roster.assignments import _replace
from bot.services.roster.config import parse_day
from storage.models import DutyAssignment, Staff
from storage.models.roster import BY_CSV

if TYPE_CHECKING:
    from bot.clock import Clock
    from bot.settings import Settings

COLUMNS = {"day": ("date", "day", "日期"), "shift": ("shift", "班次"),
           "people": ("people", "staff", "人员", "值班人", "值班人员")}
_SPLIT = re.compile(r"[、,，;；\s]+")


async def import_roster(path: Path, settings: "Settings", *,
                        clock: "Clock | None" = None) -> ImportReport:
    env = Runtime(settings=settings, clock=clock or SystemClock(),
              calendar=WorkCalendar.from_settings(settings))
    cfg = settings.roster
    report = ImportReport()
    slots: dict[tuple[date, str], list[Staff]] = {}
    today = env.calendar.local(env.now()).date()
    for line, row in _rows(Path(path)):
        data = _pick(row, COLUMNS)
        if not any(data.values()):
            continue
        try:
            day = parse_day(data["day"], today)
            shift = cfg.get(data["shift"])
            if shift is None:
                raise UserError(texts.ROSTER_UNKNOWN_SHIFT.format(name=data["shift"],
                                                                  names=cfg.names))
            if not shift.applies(env.calendar, day):
                raise UserError(texts.ROSTER_IMPORT_DAY_KIND.format(
                    day=day.isoformat(), shift=shift.name))
            tokens = [t for t in _SPLIT.split(data["people"]) if t]
            if not tokens:
                raise UserError(texts.ROSTER_IMPORT_NOBODY)
            people = [await find_staff(t) for t in tokens]
        except UserError as exc:
            report.errors.append(directory_texts.IMPORT_BAD_LINE.format(line=line, problem=exc))
            continue
        acc = slots.setdefault((day, shift.name), [])
        acc += [p for p in people if p.id not in {a.id for a in acc}]
    async with in_transaction():
        for (day, name), people in sorted(slots.items()):
            before = await DutyAssignment.filter(day=day, shift=name).count()
            done = await _replace(env, None, day, cast(Shift, cfg.get(name)), people, BY_CSV)
            report.created += len(done.added)
            if before and (done.added or done.removed):
                report.updated += 1
    return report
