"""Customer care dates [004 §8.2]: contacts' birthdays and anniversaries (MM-DD on the contact)
and the public holidays of the calendar. On a working day each sales person hears of the dates
that fall after it up to the next working day, so a Saturday birthday is told on Friday; one
message per sales person and day (the outbox key)."""
from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from bot.services.customers import texts
from bot.services.outbox import notify_staff
from storage.models import Customer, Staff

if TYPE_CHECKING:
    from bot.runtime import Runtime

KINDS = ("birthday", "anniversary")


def _span(env: "Runtime", day: date) -> list[date]:
    last = env.calendar.next_workday(day)
    return [day + timedelta(days=i) for i in range(1, (last - day).days + 1)]


def _holidays(env: "Runtime", days: list[date]) -> list[tuple[date, str]]:
    """Holidays beginning within `days` (their first day off, not every day of them)."""
    out = []
    for d in days:
        name = env.calendar.holiday_name(d)
        if name and env.calendar.holiday_name(d - timedelta(days=1)) != name:
            out.append((d, name))
    return out


async def remind(env: "Runtime", day: date) -> int:
    days = _span(env, day)
    by_mmdd = {d.strftime("%m-%d"): d for d in days}
    holidays = _holidays(env, days)
    lines: dict[int, list[str]] = {}
    counts: dict[int, int] = {}
    people: dict[int, Staff] = {}
    for c in await Customer.filter(sales_id__not_isnull=True).select_related("sales") \
            .prefetch_related("contacts").order_by("name"):
        assert c.sales is not None  # filtered on sales_id
        people[c.sales.id] = c.sales
        counts[c.sales.id] = counts.get(c.sales.id, 0) + 1
        for contact in sorted(c.contacts, key=lambda x: (not x.is_primary, x.id)):
            for kind in KINDS:
                on = by_mmdd.get(getattr(contact, kind) or "")
                if on is not None:
                    lines.setdefault(c.sales.id, []).append(texts.CARE_LINE.format(
                        day=on.strftime("%m-%d"), customer=c.name, name=contact.name,
                        kind=texts.CARE_KINDS[kind]))
    sent = 0
    for sid, person in people.items():
        body = list(lines.get(sid, []))
        body += [texts.CARE_HOLIDAY.format(day=d.strftime("%m-%d"), name=name, n=counts[sid])
                 for d, name in holidays]
        if not body:
            continue
        sent += await notify_staff(env, person, "\n".join([texts.CARE_HEAD, *body]),
                                   f"care:{day.isoformat()}:{person.userid}", urgent=False)
    return sent
