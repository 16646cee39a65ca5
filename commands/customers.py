"""Customer management commands: /客户 /建客户 /改客户 /联系人 /续约 /到期."""
from __future__ import annotations

from datetime import date

from bot.dispatcher import CommandContext
from bot.errors import UserError
from bot.messages import PRIVATE
from bot.routing import Router
from bot.services.customers import archive, contracts, texts, views
from bot.services.tickets import service_modes
from commands.args import Arg, Count, Rest, column_limit
from storage.models import Customer
from storage.models.people import Role

router = Router("customers")
ARCHIVE_ROLES = (Role.SALES, Role.MANAGER, Role.ADMIN)
CONTRACT_KEYS = ("合同", "contract", "至", "until", "安装", "installed", "起", "from")


def _day(name: str, label: str, keys: tuple[str, ...], *, required: bool = False,
         missing: str = "") -> Arg:
    return Arg(name, label, keys=keys, required=required, hint=label if not required else "",
               missing=missing, parse=lambda ctx, raw: archive.parse_date(raw))


def _opt(label: str, keys: tuple[str, ...]) -> Arg:
    """A field written as an option; the service reads every option by its key (so an unknown
    key is refused there), this declaration gives the usage line and help."""
    return Arg(keys[-1], label, keys=keys, required=False, default="", hint=label)


def _archive_options(ctx: CommandContext) -> dict[str, str]:
    return {k: v for k, v in ctx.args.options.items() if k not in CONTRACT_KEYS}


CUSTOMER = Rest("customer", "客户名称或服务码", missing=texts.NEED_NAME,
                max_len=column_limit(Customer, "name"))
CUSTOMER_FIELDS = tuple(_opt(label, keys) for label, keys in (
    ("联系人", ("联系人", "contact")), ("职务", ("职务", "role")), ("电话", ("电话", "phone")),
    ("手机", ("手机", "mobile")), ("地址", ("地址", "address")), ("地区", ("地区", "region")),
    ("产品", ("产品", "products")), ("服务码", ("服务码", "code")),
    ("加密锁号", ("加密锁号", "dongle")), ("级别", ("级别", "tier")), ("业务", ("业务", "sales"))))
EDIT_FIELDS = tuple(_opt(label, keys) for label, keys in (
    ("名称", ("名称", "name")), ("地址", ("地址", "address")), ("地区", ("地区", "region")),
    ("产品", ("产品", "products")), ("服务码", ("服务码", "code")),
    ("加密锁号", ("加密锁号", "dongle")), ("级别", ("级别", "tier")), ("业务", ("业务", "sales"))))
CONTACT_FIELDS = tuple(_opt(label, keys) for label, keys in (
    ("职务", ("职务", "role")), ("电话", ("电话", "phone")), ("手机", ("手机", "mobile")),
    ("生日", ("生日", "birthday")), ("纪念日", ("纪念日", "anniversary")),
    ("是", ("主要", "primary"))))


@router.command("客户", aliases=("customer",), args=(CUSTOMER,), example="/客户 华东制造")
async def show(ctx: CommandContext, customer: str) -> str:
    """客户档案：联系人、地址、产品、服务码、加密锁号、级别、服务合同和状态、未完成工单、最近服务、投诉和回访评分。

    群里电话号码隐藏；在私聊中，工作需要的角色可看完整号码，每次查看都记入审计日志。
    """
    return await views.card(ctx.env, ctx.me, customer, private=ctx.msg.chat_type == PRIVATE,
                            chat=ctx.msg.chat_id, platform=ctx.msg.platform)


@router.command("建客户", aliases=("newcustomer",), roles=ARCHIVE_ROLES, args=(
    Rest("customer", "单位名称", missing=texts.NEED_NAME, max_len=column_limit(Customer, "name")),
    *CUSTOMER_FIELDS, _day("signed", "签订日期", ("合同", "contract")),
    _day("until", "结束日期", ("至", "until")), _day("installed", "安装日期", ("安装", "installed"))),
    example="/建客户 西部电子有限公司 联系人=赵工 电话=028-66660001 地址=成都市高新区天府大道5号 "
            "级别=普通 业务=孙丽 合同=2026-11-01 至=2027-10-31")
async def create(ctx: CommandContext, customer: str, signed: date | None, until: date | None,
                 installed: date | None, **_fields: str) -> str:
    """登记客户单位的档案；写 合同= 和 至= 同时登记服务合同（服务期从安装日期起算，默认合同日期）。
    对新来电客户的临时档案用同一名称 /建客户 即补全它，有地址和联系人电话后完善档案时限完成。
    """
    if (signed is None) != (until is None):
        raise UserError(texts.CONTRACT_HALF)
    terms = archive.ContractTerms(signed, until, installed) if signed and until else None
    done = await archive.create(ctx.env, ctx.me, customer, _archive_options(ctx),
                                ctx.args.opt("联系人", "contact", default=""), terms,
                                ctx.msg.mentions)
    made = done.customer
    reply = (texts.PROVISIONAL_FILLED if done.was_provisional else texts.CREATED).format(
        name=made.name, tier=made.tier)
    if terms is not None:
        reply += texts.CREATED_CONTRACT.format(start=(terms.installed_on or terms.signed_on),
                                               end=terms.ends_on)
    return reply + (texts.COMPLETED if done.completed else "")


@router.command("改客户", aliases=("editcustomer",), roles=ARCHIVE_ROLES,
                args=(CUSTOMER, *EDIT_FIELDS),
                example="/改客户 西部电子 地址=成都市高新区天府大道5号 服务码=SC-1004 业务=孙丽")
async def edit(ctx: CommandContext, customer: str, **_fields: str) -> str:
    """修改客户档案；临时档案补全地址和联系人电话后即完善。联系人用 /联系人，合同用 /续约。"""
    found, changes, completed = await archive.edit(ctx.env, ctx.me, customer, ctx.args.options,
                                                   ctx.msg.mentions)
    reply = texts.EDITED.format(name=found.name, changes="，".join(changes))
    return reply + (texts.COMPLETED if completed else "")


@router.command("联系人", aliases=("contact",), roles=(Role.SALES, Role.ENGINEER, Role.MANAGER),
                args=(Arg("customer", "客户", max_len=column_limit(Customer, "name")),
                      Rest("person", "姓名", missing=texts.CONTACT_NEED_NAME, max_len=64),
                      *CONTACT_FIELDS),
                example="/联系人 华东制造 钱主任 职务=财务主任 手机=13900000009 生日=05-12")
async def contact(ctx: CommandContext, customer: str, person: str, **_fields: str) -> str:
    """添加或修改客户的联系人（同名即修改）；电话自动去掉空格、横线，全角数字也可以。
    第一位联系人是主要联系人；写 主要=是 改设。工单没写联系人时，/单 显示主要联系人。
    """
    found, new, changes, completed = await archive.set_contact(
        ctx.env, ctx.me, customer, person, ctx.args.options)
    if new:
        reply = texts.CONTACT_ADDED.format(customer=found.name, name=person)
    else:
        reply = texts.CONTACT_CHANGED.format(customer=found.name, name=person,
                                             changes="，".join(changes) or texts.EMPTY)
    return reply + (texts.COMPLETED if completed else "")


@router.command("续约", aliases=("renew",), roles=(Role.SALES, Role.MANAGER), args=(
    CUSTOMER, _day("until", "结束日期", ("至", "until"), required=True,
                   missing=texts.RENEW_NEED_DATE),
    Arg("tier", "级别", keys=("级别", "tier"), required=False, hint="级别"),
    _day("start", "开始日期", ("起", "from")), _day("installed", "安装日期", ("安装", "installed"))),
    example="/续约 北方物流 至=2027-11-30 级别=大客户")
async def renew(ctx: CommandContext, customer: str, until: date, tier: str | None,
                start: date | None, installed: date | None) -> str:
    """续签服务合同：新服务期接在原合同之后（已过期则从今天起），下一张工单按新级别提供服务方式。"""
    contract = await contracts.renew(
        ctx.env, ctx.me, customer, until,
        tier=archive.check_tier(ctx.env, tier) if tier else None, start=start,
        installed_on=installed)
    await contract.fetch_related("customer")
    return texts.RENEWED.format(customer=contract.customer.name,
                                start=contract.starts_on.isoformat(),
                                end=contract.ends_on.isoformat(), tier=contract.tier,
                                modes="、".join(service_modes.granted(ctx.env, contract)))


@router.command("到期", aliases=("expiring",), roles=(Role.SALES, Role.MANAGER),
                args=(Count("days", "天数", lo=1, hi=366, required=False),), example="/到期 30")
async def expiring(ctx: CommandContext, days: int | None) -> str:
    """即将到期的服务合同（默认按最早的续约提醒天数），含业务负责人。"""
    days = days or max(ctx.env.settings.customers.renewal_reminders)
    rows = await contracts.expiring(ctx.env, days)
    if not rows:
        return texts.EXPIRING_NONE.format(days=days)
    lines = [texts.EXPIRING_HEAD.format(days=days, n=len(rows))]
    lines += [texts.EXPIRING_LINE.format(
        customer=e.contract.customer.name, tier=e.contract.tier,
        end=e.contract.ends_on.isoformat(), left=e.left,
        sales=e.contract.customer.sales.name if e.contract.customer.sales else texts.EMPTY)
        for e in rows]
    return "\n".join(lines)
