"""Importing staff and customers from the spreadsheets a center already keeps.

Idempotent: a row updates the person or customer with the same id or name, and a row that
would change nothing is counted as unchanged. A bad row is reported by its line number and
skipped; the good rows are kept. A CSV is read as UTF-8 (with or without the BOM Excel writes)
or, failing that, as GB18030, the superset of the GBK that Excel on Chinese Windows saves.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Iterable

from tortoise.transactions import in_transaction

from bot.errors import UserError
from bot.services.customers import contacts
from bot.services.customers.phones import normalize
from bot.services.directory import texts
from storage.models import Customer, Staff
from storage.models.customers import Contract
from storage.models.people import Role

ROLE_ALIASES = {"工程师": "engineer", "经理": "manager", "服务经理": "manager",
                "监督员": "supervisor", "服务监督员": "supervisor", "业务": "sales",
                "业务人员": "sales", "管理员": "admin"}
STAFF_COLUMNS = {"userid": ("userid", "id", "账号"), "name": ("name", "姓名"),
                 "mobile": ("mobile", "手机"), "roles": ("roles", "角色"), "team": ("team", "组"),
                 # Where the same people use DingTalk under another id: their staffId (员工 UserID).
                 "dingtalk_id": ("dingtalk_id", "staffid", "钉钉")}
CUSTOMER_COLUMNS = {
    "name": ("name", "单位", "客户"), "contact": ("contact", "联系人"), "phone": ("phone", "电话"),
    "mobile": ("mobile", "手机"), "address": ("address", "地址"), "region": ("region", "地区"),
    "products": ("products", "产品"), "service_code": ("service_code", "服务码"),
    "dongle": ("dongle", "加密锁号"), "tier": ("tier", "级别"),
    "contract_start": ("contract_start", "服务开始"), "contract_end": ("contract_end", "服务结束"),
}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [texts.IMPORT_SUMMARY.format(created=self.created, updated=self.updated,
                                             unchanged=self.unchanged, bad=len(self.errors))]
        lines += self.errors
        return "\n".join(lines)


def _rows(path: Path) -> Iterable[tuple[int, dict[str, str]]]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        sheet = load_workbook(path, read_only=True, data_only=True).active
        rows = sheet.iter_rows(values_only=True)
        header = [str(h or "").strip() for h in next(rows, ())]
        for line, values in enumerate(rows, start=2):
            yield line, {h: _cell(v) for h, v in zip(header, values)}
        return
    text = _decode(path.read_bytes())
    for line, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        yield line, {(k or "").strip(): (v or "").strip() for k, v in row.items()}


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UserError(texts.IMPORT_BAD_ENCODING)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _pick(row: dict[str, str], columns: dict[str, tuple[str, ...]]) -> dict[str, str]:
    lowered = {k.lower(): v for k, v in row.items()}
    return {field_: next((lowered[c.lower()] for c in names if c.lower() in lowered), "")
            for field_, names in columns.items()}


def parse_roles(raw: str) -> str:
    roles = []
    for part in raw.replace("、", ";").replace("|", ";").replace(",", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        role = ROLE_ALIASES.get(part, part.lower())
        if role not in tuple(Role):
            raise ValueError(texts.IMPORT_BAD_ROLE.format(role=part))
        roles.append(role)
    if not roles:
        raise ValueError(texts.IMPORT_NO_ROLE)
    return ",".join(dict.fromkeys(roles))


async def import_staff(path: Path) -> ImportReport:
    report = ImportReport()
    for line, raw in _rows(path):
        row = _pick(raw, STAFF_COLUMNS)
        try:
            if not row["userid"] or not row["name"]:
                raise ValueError(texts.IMPORT_STAFF_MISSING)
            # A blank cell is a mistake, not a wish for the least privileged role.
            roles = parse_roles(row["roles"])
        except ValueError as exc:
            report.errors.append(texts.IMPORT_BAD_LINE.format(line=line, problem=exc))
            continue
        await _save(report, Staff, {"userid": row["userid"]},
                    {"name": row["name"], "mobile": row["mobile"], "roles": roles,
                     "team": row["team"], "active": True,
                     **({"dingtalk_id": row["dingtalk_id"]} if row["dingtalk_id"] else {})})
    return report


async def _save(report: ImportReport, model, key: dict, values: dict) -> None:
    """Create, update or leave alone the row with `key`, and count which it was."""
    async with in_transaction():
        obj = await model.filter(**key).first()
        if obj is None:
            await model.create(**key, **values)
            report.created += 1
        elif all(getattr(obj, k) == v for k, v in values.items()):
            report.unchanged += 1
        else:
            await obj.update_from_dict(values).save(update_fields=list(values))
            report.updated += 1


def _date(value: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.replace("/", "-"))
    except ValueError as exc:
        raise ValueError(texts.IMPORT_BAD_DATE.format(value=value)) from exc


def _state(c: Customer) -> tuple:
    return (c.address, c.region, c.products, c.service_code, c.dongle, c.tier)


async def import_customers(path: Path) -> ImportReport:
    """A row per customer, or per contact of a customer (same unit on several rows): contacts
    are merged by name, phones normalised; a contract period becomes a Contract (kept once)."""
    report = ImportReport()
    for line, raw in _rows(path):
        row = _pick(raw, CUSTOMER_COLUMNS)
        try:
            if not row["name"]:
                raise ValueError(texts.IMPORT_CUSTOMER_MISSING)
            start, end = _date(row["contract_start"]), _date(row["contract_end"])
            if (start is None) != (end is None):
                raise ValueError(texts.IMPORT_HALF_PERIOD)
            if start and end and end < start:
                raise ValueError(texts.IMPORT_BAD_PERIOD)
            phone, mobile = normalize(row["phone"]), normalize(row["mobile"])
        except (ValueError, UserError) as exc:
            report.errors.append(texts.IMPORT_BAD_LINE.format(line=line, problem=exc))
            continue
        async with in_transaction():
            customer = await Customer.filter(name=row["name"]).first()
            created = customer is None
            if customer is None:
                customer = Customer(name=row["name"])
            before = _state(customer)
            for field_ in ("address", "region", "products", "service_code", "dongle"):
                if row[field_] or created:
                    setattr(customer, field_, row[field_])
            customer.tier = row["tier"] or customer.tier or "普通"
            changed = created or _state(customer) != before
            if changed:
                await customer.save()
            if row["contact"] or phone or mobile:
                # An empty cell changes nothing of a known contact.
                values = {k: v for k, v in (("phone", phone), ("mobile", mobile)) if v}
                _contact, _new, contact_changed = await contacts.upsert(
                    customer, row["contact"] or row["name"], values)
                changed = changed or contact_changed
            if start and end and not await Contract.filter(
                    customer_id=customer.id, signed_on=start).exists():
                await Contract.create(customer=customer, signed_on=start, ends_on=end,
                                      tier=customer.tier, created_at=datetime.now(timezone.utc))
                changed = True
        report.created += created
        report.updated += changed and not created
        report.unchanged += not changed
    return report
