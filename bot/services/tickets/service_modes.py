"""Which service modes a customer is offered: by tier, and only paid service outside the period.

The tier decides the modes (settings.service.modes); a customer whose service contract has ended
(or not yet started) is offered settings.service.expired_modes only, whatever the tier.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from bot.errors import UserError
from bot.services.tickets import texts

if TYPE_CHECKING:
    from bot.runtime import Runtime
    from storage.models import Customer

PHONE, REMOTE, ONSITE, BRING_IN, MAIL_IN, PAID = "电话", "远程", "上门", "送修", "邮寄", "有偿"

_ALIASES = {
    "电话": PHONE, "phone": PHONE, "电话解答": PHONE,
    "远程": REMOTE, "remote": REMOTE, "远程协助": REMOTE,
    "上门": ONSITE, "现场": ONSITE, "onsite": ONSITE, "on-site": ONSITE,
    "送修": BRING_IN, "bring-in": BRING_IN, "bringin": BRING_IN,
    "邮寄": MAIL_IN, "寄修": MAIL_IN, "mail-in": MAIL_IN, "mailin": MAIL_IN,
    "有偿": PAID, "有偿服务": PAID, "paid": PAID, "收费": PAID,
}


@dataclass(frozen=True)
class Offer:
    tier: str
    modes: tuple[str, ...]
    # True when today is outside the customer's service period (the contract ended or not begun).
    outside_period: bool
    contract_end: date | None

    def allows(self, mode: str) -> bool:
        return mode in self.modes

    @property
    def default(self) -> str:
        return self.modes[0]


def normalize(word: str) -> str | None:
    return _ALIASES.get(word.strip().lower())


def offer_for(env: "Runtime", customer: "Customer") -> Offer:
    cfg = env.settings.service
    today = env.calendar.local(env.now()).date()
    start, end = customer.contract_start, customer.contract_end
    outside = (end is not None and today > end) or (start is not None and today < start)
    if outside:
        modes = tuple(cfg.expired_modes)
    else:
        modes = tuple(cfg.modes.get(customer.tier, cfg.default_modes))
    return Offer(customer.tier, modes, outside, end)


def choose(env: "Runtime", customer: "Customer", requested: str | None) -> tuple[str, Offer]:
    """The mode for a new ticket: the one asked for if offered, else the tier's first mode."""
    offer = offer_for(env, customer)
    if not requested:
        return offer.default, offer
    mode = normalize(requested)
    if mode is None:
        raise UserError(texts.MODE_UNKNOWN.format(mode=requested, modes="、".join(_ALL)))
    if not offer.allows(mode):
        raise UserError(texts.MODE_NOT_OFFERED.format(
            mode=mode, customer=customer.name, why=describe(offer)))
    return mode, offer


def describe(offer: Offer) -> str:
    """One Chinese sentence: what this customer may get, and why when it is restricted."""
    modes = "、".join(offer.modes)
    if offer.outside_period:
        if offer.contract_end is not None:
            return texts.MODES_EXPIRED.format(end=offer.contract_end.isoformat(), modes=modes)
        return texts.MODES_OUTSIDE.format(modes=modes)
    return texts.MODES_OFFERED.format(tier=offer.tier, modes=modes)


_ALL = (PHONE, REMOTE, ONSITE, BRING_IN, MAIL_IN, PAID)
