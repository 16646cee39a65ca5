"""A customer's contacts as rows (CustomerContact): listed primary first, added or changed by
name, the primary one being what a ticket, complaint or dispatch without a contact of its own
falls back to. Values arrive cleaned (archive.clean_contact)."""
from __future__ import annotations

from tortoise.expressions import Q

from storage.models import Customer
from storage.models.customers import CustomerContact

FIELDS = ("role", "phone", "mobile", "birthday", "anniversary")


async def listing(customer_id: int) -> list[CustomerContact]:
    return await CustomerContact.filter(customer_id=customer_id).order_by("-is_primary", "id")


async def primary(customer_id: int) -> CustomerContact | None:
    return await CustomerContact.filter(customer_id=customer_id) \
        .order_by("-is_primary", "id").first()


async def find(customer_id: int, name: str) -> CustomerContact | None:
    return await CustomerContact.filter(customer_id=customer_id, name=name).first()


async def has_phone(customer_id: int) -> bool:
    return await CustomerContact.filter(Q(phone__not="") | Q(mobile__not=""),
                                        customer_id=customer_id).exists()


async def upsert(customer: Customer, name: str, values: dict[str, str], *,
                 make_primary: bool = False) -> tuple[CustomerContact, bool, bool]:
    """Add or change the contact `name` of a saved customer; returns (row, new, changed). The
    first contact of a customer is its primary one until another is made primary."""
    row = await find(customer.id, name)
    new = row is None
    if row is None:
        first = not await CustomerContact.filter(customer_id=customer.id).exists()
        row = CustomerContact(customer_id=customer.id, name=name[:64], is_primary=first)
        row.update_from_dict({k: v for k, v in values.items() if k in FIELDS})
        await row.save()
        changed = True
    else:
        updates = {k: v for k, v in values.items() if k in FIELDS and getattr(row, k) != v}
        changed = bool(updates)
        if updates:
            await row.update_from_dict(updates).save(update_fields=list(updates))
    if make_primary and not row.is_primary:
        await CustomerContact.filter(customer_id=customer.id).exclude(id=row.id) \
            .update(is_primary=False)
        row.is_primary = True
        await row.save(update_fields=["is_primary"])
        changed = True
    return row, new, changed
