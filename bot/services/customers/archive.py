"""The customer archive in chat: register, change, contacts, and the provisional customer of an
unknown caller. Phones are normalised and validated here, so everything stored is clean.

A provisional customer is complete (and its archive clock met) once it has an address and a
contact with a phone number.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from bot.errors import UserError
from bot.services.customers import contacts, contracts, phones, texts
from bot.services.deadlines import clocks
from bot.services.directory.lookup import find_customer, find_staff
from bot.services.outbox import notify_purpose, notify_staff
from storage.models import Customer, Staff
from storage.models.people import Purpose, Role

if TYPE_CHECKING:
    from bot.runtime import Runtime

OBJECT, ARCHIVE_CLOCK = "customer", "customer_archive"

# Typed keys (Chinese, English) → archive field.
CUSTOMER_KEYS = {
    "名称": "name", "name": "name", "地址": "address", "address": "address",
    "地区": "region", "region": "region", "产品": "products", "products": "products",
    "服务码": "service_code", "code": "service_code", "加密锁号": "dongle", "锁号": "dongle",
    "dongle": "dongle", "级别": "tier", "tier": "tier", "业务": "sales", "sales": "sales",
}
CONTACT_KEYS = {
    "职务": "role", "role": "role", "电话": "phone", "phone": "phone", "手机": "mobile",
    "mobile": "mobile", "生日": "birthday", "birthday": "birthday", "纪念日": "anniversary",
    "anniversary": "anniversary", "主要": "primary", "primary": "primary",
}


@dataclass
class ContractTerms:
    signed_on: date
    ends_on: date
    installed_on: date | None = None


def parse_date(value: str) -> date:
    text = value.strip().replace("/", "-").replace(".", "-")
    try:
        if text.isdigit() and len(text) == 8:
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        y, m, d = (int(p) for p in text.split("-"))
        return date(y, m, d)
    except ValueError:
        raise UserError(texts.BAD_DATE.format(value=value)) from None


def care_date(value: str) -> str:
    """Birthdays and anniversaries recur: "MM-DD", from "05-12" or "1980-05-12"."""
    parts = value.strip().replace("/", "-").replace(".", "-").split("-")
    try:
        month, day = int(parts[-2]), int(parts[-1])
        date(2000, month, day)  # a leap year, so 02-29 is a valid care date
    except (ValueError, IndexError):
        raise UserError(texts.BAD_CARE_DATE.format(value=value)) from None
    return f"{month:02d}-{day:02d}"


def check_tier(env: "Runtime", value: str) -> str:
    tiers = list(env.settings.service.modes)
    if value not in tiers:
        raise UserError(texts.BAD_TIER.format(tier=value, tiers="、".join(tiers)))
    return value


async def _sales(token: str, mentions: tuple[str, ...]) -> Staff:
    person = await find_staff(token, mentions)
    if not person.has_role(Role.SALES, Role.MANAGER):
        raise UserError(texts.SALES_NOT_SALES.format(who=person.name))
    return person


def _fields(options: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """Split typed options into archive fields and contact fields; an unknown key is refused."""
    archive: dict[str, str] = {}
    contact: dict[str, str] = {}
    for key, value in options.items():
        if key in CUSTOMER_KEYS:
            archive[CUSTOMER_KEYS[key]] = value.strip()
        elif key in CONTACT_KEYS:
            contact[CONTACT_KEYS[key]] = value.strip()
        elif key not in ("联系人", "contact"):
            raise UserError(texts.BAD_FIELD.format(
                key=key, fields="、".join(dict.fromkeys(texts.FIELD_LABELS.values()))))
    return archive, contact


def clean_contact(values: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in values.items():
        if key in ("phone", "mobile"):
            out[key] = phones.normalize(value)
        elif key in ("birthday", "anniversary"):
            out[key] = care_date(value) if value else ""
        elif key == "primary":
            if value.strip().lower() not in YES_WORDS:
                raise UserError(texts.BAD_PRIMARY.format(value=value))
            out[key] = texts.YES
        else:
            out[key] = value
    return out


YES_WORDS = ("是", "yes", "y", "1")


async def merge_contact(customer: Customer, name: str, values: dict[str, str]) -> bool:
    """Add or update the contact named `name` of a saved customer; True when it is new."""
    _row, new, _changed = await contacts.upsert(customer, name, values,
                                                make_primary="primary" in values)
    return new


async def _apply(env: "Runtime", customer: Customer, archive: dict[str, str],
                 mentions: tuple[str, ...]) -> list[str]:
    changed = []
    for field_, value in archive.items():
        if field_ == "sales":
            person = await _sales(value, mentions)
            customer.sales_id = person.id
            changed.append(f"{texts.FIELD_LABELS[field_]}={person.name}")
            continue
        if field_ == "tier":
            value = check_tier(env, value)
        if field_ == "name":
            if not value:
                raise UserError(texts.NEED_NAME)
            if await Customer.filter(name=value).exclude(id=customer.id).exists():
                raise UserError(texts.EXISTS.format(name=value))
        setattr(customer, field_, value)
        changed.append(f"{texts.FIELD_LABELS[field_]}={value}")
    return changed


async def is_complete(customer: Customer) -> bool:
    return bool(customer.address) and await contacts.has_phone(customer.id)


async def _maybe_complete(env: "Runtime", customer: Customer) -> bool:
    if not customer.provisional or not await is_complete(customer):
        return False
    customer.provisional = False
    await clocks.meet(env, OBJECT, customer.id, ARCHIVE_CLOCK)
    return True


@dataclass
class Registered:
    customer: Customer
    # The name was a provisional archive (an unknown caller's): /建客户 filled it in.
    was_provisional: bool = False
    completed: bool = False


async def create(env: "Runtime", actor: Staff, name: str, options: dict[str, str],
                 contact_name: str, terms: ContractTerms | None,
                 mentions: tuple[str, ...] = ()) -> Registered:
    """A new archive; for the name of a provisional one, sales completing it."""
    name = name.strip()
    if not name:
        raise UserError(texts.NEED_NAME)
    customer = await Customer.filter(name=name).first()
    if customer is not None and not customer.provisional:
        raise UserError(texts.EXISTS.format(name=name))
    was_provisional = customer is not None
    customer = customer or Customer(name=name)
    archive, contact = _fields(options)
    archive.pop("name", None)
    await _apply(env, customer, archive, mentions)
    values = clean_contact(contact)  # a bad phone is refused before anything is written
    await customer.save()
    if contact_name or contact:
        await merge_contact(customer, contact_name or name, values)
    completed = await _maybe_complete(env, customer) if was_provisional else False
    if completed:
        await customer.save(update_fields=["provisional"])
    if was_provisional and "sales" in archive:
        await _owner_changed(env, customer)
    if terms is not None:
        await contracts.add(env, actor, customer, terms.signed_on, terms.ends_on,
                            installed_on=terms.installed_on)
    return Registered(customer, was_provisional, completed)


async def edit(env: "Runtime", actor: Staff, name: str, options: dict[str, str],
               mentions: tuple[str, ...] = ()) -> tuple[Customer, list[str], bool]:
    """Returns the customer, the changes ("地址=…"), and whether a provisional archive is now complete."""
    customer = await find_customer(name)
    archive, contact = _fields(options)
    if contact:
        raise UserError(texts.BAD_FIELD.format(
            key="、".join(contact), fields="、".join(texts.FIELD_LABELS[f] for f in
                                                   dict.fromkeys(CUSTOMER_KEYS.values()))))
    if not archive:
        raise UserError(texts.NO_CHANGES)
    changes = await _apply(env, customer, archive, mentions)
    completed = await _maybe_complete(env, customer)
    await customer.save()
    if customer.provisional and ("sales" in archive or "region" in archive):
        await _owner_changed(env, customer)
    return customer, changes, completed


async def set_contact(env: "Runtime", actor: Staff, name: str, person: str,
                      options: dict[str, str]) -> tuple[Customer, bool, list[str], bool]:
    """Add or change a contact; returns (customer, new, changes, archive completed)."""
    customer = await find_customer(name)
    person = person.strip()
    if not person:
        raise UserError(texts.CONTACT_NEED_NAME)
    archive, contact = _fields(options)
    if archive:
        raise UserError(texts.BAD_FIELD.format(
            key="、".join(archive), fields="、".join(texts.FIELD_LABELS[f] for f in
                                                   dict.fromkeys(CONTACT_KEYS.values()))))
    values = clean_contact(contact)
    if await contacts.find(customer.id, person) is None \
            and not (values.get("phone") or values.get("mobile")):
        raise UserError(texts.CONTACT_NEED_PHONE)
    new = await merge_contact(customer, person, values)
    completed = await _maybe_complete(env, customer)
    if completed:
        await customer.save(update_fields=["provisional"])
    changes = [f"{texts.FIELD_LABELS[k]}={v}" for k, v in values.items()]
    return customer, new, changes, completed


async def register_provisional(env: "Runtime", actor: Staff, name: str, contact: str,
                               phone: str) -> Customer:
    """An unknown caller: a provisional archive now, so the ticket is not lost; sales is asked
    to complete it within the customer_archive clock."""
    name = name.strip()
    if not name:
        raise UserError(texts.NEED_NAME)
    customer = Customer(name=name, tier=check_tier(env, env.settings.customers.provisional_tier),
                        provisional=True)
    number = phones.normalize(phone)
    await customer.save()
    if contact or number:
        await merge_contact(customer, contact or name, {"phone": number} if number else {})
    return customer


async def archive_owner(env: "Runtime", customer: Customer, creator: Staff | None) -> Staff | None:
    """Who answers for completing a provisional archive: its sales person once named, else the
    sales person of its region (the one with most customers there), else the configured
    [customers] archive_owner, else whoever registered it from the call. The managers are
    escalated to in every case."""
    if customer.sales_id is not None:
        return await Staff.filter(id=customer.sales_id).first()
    if customer.region:
        counts: dict[int, int] = {}
        for other in await Customer.filter(region=customer.region, sales_id__not_isnull=True) \
                .exclude(id=customer.id).only("id", "sales_id"):
            if other.sales_id is not None:
                counts[other.sales_id] = counts.get(other.sales_id, 0) + 1
        for sales_id, _n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            person = await Staff.filter(id=sales_id, active=True).first()
            if person is not None and person.has_role(Role.SALES):
                return person
    userid = env.settings.customers.archive_owner
    if userid:
        person = await Staff.filter(userid=userid, active=True).first()
        if person is not None:
            return person
    return creator


async def _owner_changed(env: "Runtime", customer: Customer) -> None:
    owner = await archive_owner(env, customer, None)
    if owner is not None:
        await clocks.set_owner(env, OBJECT, customer.id, owner, ARCHIVE_CLOCK)


async def ask_sales(env: "Runtime", actor: Staff, customer: Customer, ticket_number: str) -> None:
    """Tell every sales person (and the managers' chat) that a provisional archive waits; the
    archive clock is owned (archive_owner) so its reminders reach a person."""
    owner = await archive_owner(env, customer, actor)
    row = await clocks.start(env, OBJECT, customer.id, ARCHIVE_CLOCK, tier=customer.tier,
                             owner=owner,
                             context={"number": customer.name, "title": customer.name})
    due = env.calendar.local(row.due_at).strftime("%m-%d %H:%M")
    text = texts.PROVISIONAL_NOTICE.format(name=customer.name, who=actor.name,
                                           ticket=ticket_number, due=due)
    key = f"customer:{customer.id}:provisional"
    for person in await Staff.filter(active=True).order_by("id"):
        if person.has_role(Role.SALES):
            await notify_staff(env, person, text, f"{key}:{person.userid}")
    await notify_purpose(env, Purpose.MANAGERS, text, key)
