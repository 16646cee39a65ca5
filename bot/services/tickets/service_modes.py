"""Which service modes a customer is offered: by tier, and only paid service outside the period.

The current service contract decides (bot/services/customers/contracts.py): its own modes, else
its tier's (settings.service.modes); outside its period (ended, or not yet begun) only
settings.service.expired_modes, whatever the tier. A customer without any contract (a provisional
one) is offered its tier's modes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from bot.errors import UserError
from bot.services.customers import contracts
from bot.services.tickets import texts

if TYPE_CHECKING:
    from bot.runtime import Runtime
    from storage.models import Customer
    from storage.models.customers import Contract

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


def granted(env: "Runtime", contract: "Contract") -> tuple[str, ...]:
    """The modes a contract grants within its period."""
    cfg = env.settings.service
    return tuple(contract.modes) or tuple(cfg.modes.get(contract.tier, cfg.default_modes))


def offer_for(env: "Runtime", customer: "Customer", contract: "Contract | None") -> Offer:
    cfg = env.settings.service
    if contract is None:
        return Offer(customer.tier, tuple(cfg.modes.get(customer.tier, cfg.default_modes)),
                     False, None)
    today = env.calendar.local(env.now()).date()
    outside = not contract.starts_on <= today <= contract.ends_on
    modes = tuple(cfg.expired_modes) if outside else granted(env, contract)
    return Offer(contract.tier, modes, outside, contract.ends_on)


async def current_offer(env: "Runtime", customer: "Customer") -> Offer:
    return offer_for(env, customer, await contracts.current(env, customer))


async def choose(env: "Runtime", customer: "Customer", requested: str | None) -> tuple[str, Offer]:
    """The mode for a new ticket: the one asked for if offered, else the contract's first mode."""
    offer = await current_offer(env, customer)
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
