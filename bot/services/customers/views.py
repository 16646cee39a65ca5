"""What /客户 shows: the unit, its contacts, the contract and its state, open work and history.

Phones are masked unless the reader may see them in full (a private chat, a role of
[customers] full_phone_roles); every full read writes an audit row [004 §5.2.3].
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from bot.services.customers import contacts, contracts, phones, texts
from bot.services.directory.lookup import find_customer
from bot.services.tickets import texts as ticket_texts
from storage.models import AuditLog, Complaint, Customer, FollowUp, Staff, Ticket
from storage.models.complaints import DONE
from storage.models.customers import Contract, CustomerContact
from storage.models.tickets import CLAIMED, NEW, RESOLVED

if TYPE_CHECKING:
    from bot.runtime import Runtime


def may_see_phones(env: "Runtime", reader: Staff, private: bool) -> bool:
    return private and reader.has_role(*env.settings.customers.full_phone_roles)


def _phone(value: str, full: bool) -> str:
    if not value:
        return texts.EMPTY
    return value if full else phones.mask(value)


def _contact_lines(rows: list[CustomerContact], full: bool) -> list[str]:
    if not rows:
        return [texts.CARD_NO_CONTACTS]
    lines = [texts.CARD_CONTACTS]
    for c in rows:
        shown = {"phone": _phone(c.phone, full), "mobile": _phone(c.mobile, full),
                 "birthday": c.birthday or texts.EMPTY,
                 "anniversary": c.anniversary or texts.EMPTY}
        details = "".join(fmt.format(shown[key]) for key, fmt in texts.CARD_CONTACT_DETAILS.items()
                          if shown[key] != texts.EMPTY)
        if not c.phone and not c.mobile:
            details = texts.CARD_CONTACT_NO_NUMBER + details
        lines.append(texts.CARD_CONTACT.format(
            name=c.name, role=texts.CARD_CONTACT_ROLE.format(role=c.role) if c.role else "",
            details=details,
            primary=texts.CARD_PRIMARY if c.is_primary and len(rows) > 1 else ""))
    return lines


async def _contract_lines(env: "Runtime", customer: Customer) -> list[str]:
    rows = await Contract.filter(customer_id=customer.id)
    day = contracts.today(env)
    now = contracts.pick_current(rows, day)
    if now is None:
        return [texts.CARD_NO_CONTRACT]
    line = texts.CARD_CONTRACT.format(start=now.starts_on.isoformat(),
                                      end=now.ends_on.isoformat(), tier=now.tier,
                                      state=contracts.describe_state(env, now, day))
    if len(rows) > 1:
        line += texts.CARD_CONTRACTS_BEFORE.format(n=len(rows) - 1)
    return [line]


async def _work_lines(env: "Runtime", customer: Customer) -> list[str]:
    n = env.settings.customers.history
    lines: list[str] = []
    open_q = Ticket.filter(customer_id=customer.id, status__in=(NEW, CLAIMED))
    count = await open_q.count()
    if count:
        lines.append(texts.CARD_OPEN.format(n=count))
        lines += [texts.CARD_TICKET.format(no=t.number, status=ticket_texts.STATUS[t.status],
                                           desc=t.description[:30])
                  for t in await open_q.order_by("-id").limit(n)]
    done = await Ticket.filter(customer_id=customer.id, status=RESOLVED) \
        .order_by("-resolved_at").limit(n)
    if done:
        lines.append(texts.CARD_SERVICES)
        lines += [texts.CARD_SERVICE.format(
            no=t.number, desc=t.description[:30],
            at=env.calendar.local(t.resolved_at).strftime("%Y-%m-%d") if t.resolved_at
            else texts.EMPTY) for t in done]
    complaints = await Complaint.filter(customer_id=customer.id).order_by("-id")
    if complaints:
        lines.append(texts.CARD_COMPLAINTS.format(
            n=len(complaints), items="、".join(f"{c.number} {c.category}"
                                              for c in complaints[:n])))
    visits = await FollowUp.filter(customer_id=customer.id, status=DONE)
    if visits:
        k = len(visits)
        lines.append(texts.CARD_SCORES.format(
            n=k, t=sum(v.timeliness or 0 for v in visits) / k,
            s=sum(v.skill or 0 for v in visits) / k,
            a=sum(v.attitude or 0 for v in visits) / k))
    return lines


async def card(env: "Runtime", reader: Staff, name: str, *, private: bool, chat: str = "",
               platform: str = "") -> str:
    customer = await Customer.filter(service_code__iexact=name.strip()).first() \
        if name.strip() else None
    customer = customer or await find_customer(name)
    await customer.fetch_related("sales")
    full = may_see_phones(env, reader, private)
    lines = [
        texts.CARD_HEAD.format(name=customer.name, tier=customer.tier,
                               provisional=texts.CARD_PROVISIONAL if customer.provisional else ""),
        texts.CARD_CODES.format(code=customer.service_code or texts.EMPTY,
                                dongle=customer.dongle or texts.EMPTY),
        texts.CARD_ADDRESS.format(address=customer.address or texts.EMPTY,
                                  region=customer.region or texts.EMPTY),
        texts.CARD_PRODUCTS.format(products=customer.products or texts.EMPTY),
        texts.CARD_SALES.format(sales=customer.sales.name if customer.sales else texts.EMPTY),
    ]
    people = await contacts.listing(customer.id)
    lines += _contact_lines(people, full)
    lines += await _contract_lines(env, customer)
    lines += await _work_lines(env, customer)
    if full:
        await AuditLog.create(at=env.now(), actor=reader.userid, platform=platform, chat=chat,
                              command="read", text=f"customer:{customer.id} {customer.name}",
                              outcome="ok", detail="phones")
    elif people and not private:
        lines.append(texts.CARD_MASKED)
    return "\n".join(lines)
