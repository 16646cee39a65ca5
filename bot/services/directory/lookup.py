"""Finding people and customers from what someone typed: never a guess when a name is ambiguous."""
from __future__ import annotations

from tortoise.expressions import Case, When

from bot.errors import UserError
from bot.services.directory import texts
from storage.models import Customer, Staff


async def find_staff(token: str, mentions: tuple[str, ...] = ()) -> Staff:
    """By @mention, platform user id or name; an ambiguous name is answered with a question."""
    who = token.lstrip("@").strip()
    if not who:
        raise UserError(texts.PERSON_NOT_FOUND.format(who=token))
    by_id = await Staff.filter(userid=who, active=True).first() or \
        await Staff.filter(dingtalk_id=who, active=True).first()
    if by_id:
        return by_id
    named = await Staff.filter(name=who, active=True).order_by("id")
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        mentioned = [s for s in named if s.userid in mentions]
        if len(mentioned) == 1:
            return mentioned[0]
        choices = "；".join(texts.PERSON_CHOICE.format(name=s.name, userid=s.userid,
                                                     team=s.team or "-") for s in named)
        raise UserError(texts.PERSON_AMBIGUOUS.format(who=who, choices=choices))
    raise UserError(texts.PERSON_NOT_FOUND.format(who=who))


class CustomerNotFound(UserError):
    """No customer by that name: a caller may answer it by registering one."""


async def find_customer(name: str) -> Customer:
    name = name.strip()
    if not name:
        raise UserError(texts.CUSTOMER_MISSING)
    # One statement: the exact name sorts first, then the names containing what was typed.
    found = await Customer.filter(name__icontains=name) \
        .annotate(inexact=Case(When(name=name, then="0"), default="1")) \
        .order_by("inexact", "id").limit(6)
    if found and found[0].name == name or len(found) == 1:
        return found[0]
    if found:
        raise UserError(texts.CUSTOMER_AMBIGUOUS.format(
            name=name, choices="、".join(c.name for c in found[:5])))
    raise CustomerNotFound(texts.CUSTOMER_NOT_FOUND.format(name=name))


def mask_phone(phone: str) -> str:
    """Phone numbers are personal data: groups see 138****5678."""
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
