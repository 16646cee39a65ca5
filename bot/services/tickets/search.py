"""Finding tickets again: by customer, phone, state, owner and creation date, a page at a time."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import TYPE_CHECKING

from bot.errors import UserError
from bot.services.directory.phones import normalise_phone
from bot.services.tickets import texts
from storage.models import Staff, Ticket
from storage.models.tickets import CLAIMED, NEW

if TYPE_CHECKING:
    from bot.runtime import Runtime

PAGE_SIZE = 10
OPEN = "open"  # not a stored state: new or claimed
# A part of a number is enough to search by (the last digits a caller reads out).
MIN_PHONE_DIGITS = 4
_WIDE = str.maketrans("０１２３４５６７８９", "0123456789")


@dataclass
class Query:
    customer: str = ""
    phone: str = ""
    status: str = ""  # a stored state, OPEN, or "" for all
    owner: Staff | None = None
    first: date | None = None  # created on or after this local day
    last: date | None = None  # created on or before this local day
    page: int = 1


@dataclass
class Page:
    tickets: list[Ticket]
    total: int
    page: int
    pages: int


def status_code(word: str) -> str:
    """待接单 / 处理中 / 未完成 / 已解决 … -> the state; an unknown word gets the list."""
    word = word.strip()
    codes = {v: k for k, v in texts.STATUS.items()} | {w: OPEN for w in texts.OPEN_WORDS}
    if word not in codes:
        raise UserError(texts.SEARCH_BAD_STATUS.format(
            status=word, allowed="、".join([*texts.OPEN_WORDS[:1], *texts.STATUS.values()])))
    return codes[word]


def _phone_digits(typed: str) -> str:
    try:
        return normalise_phone(typed)
    except UserError:
        # Not a whole number: search by the digits given, if there are enough of them.
        digits = re.sub(r"\D", "", typed.translate(_WIDE))
        if len(digits) < MIN_PHONE_DIGITS:
            raise UserError(texts.SEARCH_SHORT_PHONE.format(phone=typed,
                                                            n=MIN_PHONE_DIGITS)) from None
        return digits


async def search(env: "Runtime", q: Query, page_size: int = PAGE_SIZE) -> Page:
    if q.first and q.last and q.first > q.last:
        raise UserError(texts.SEARCH_BAD_RANGE.format(first=q.first, last=q.last))
    found = Ticket.all()
    if q.customer.strip():
        found = found.filter(customer__name__icontains=q.customer.strip())
    if q.phone.strip():
        found = found.filter(phone__contains=_phone_digits(q.phone))
    if q.status == OPEN:
        found = found.filter(status__in=(NEW, CLAIMED))
    elif q.status:
        found = found.filter(status=q.status)
    if q.owner is not None:
        found = found.filter(owner_id=q.owner.id)
    if q.first:
        found = found.filter(created_at__gte=env.calendar.at(q.first, time(0)))
    if q.last:
        found = found.filter(created_at__lt=env.calendar.at(q.last + timedelta(days=1), time(0)))
    total = await found.count()
    pages = max(1, -(-total // page_size))
    if q.page > pages:
        raise UserError(texts.SEARCH_NO_PAGE.format(page=q.page, pages=pages))
    rows = await found.select_related("customer", "owner").order_by("-id") \
        .offset((q.page - 1) * page_size).limit(page_size)
    return Page(list(rows), total, q.page, pages)
