"""Customer management commands: /客户 /建客户 /改客户 /联系人 /续约 /到期."""
from __future__ import annotations

from bot.dispatcher import CommandContext
from bot.errors import UsageError, UserError
from bot.messages import PRIVATE
from bot.routing import Router
from bot.services.customers import archive, contracts, texts, views
from bot.services.tickets import service_modes
from storage.models.people import Role

router = Router("customers")
ARCHIVE_ROLES = (Role.SALES, Role.MANAGER, Role.ADMIN)
CONTRACT_KEYS = ("合同", "contract", "至", "until", "安装", "installed", "起", "from")


def _date_opt(ctx: CommandContext, *names: str):
    value = ctx.args.opt(*names)
    return archive.parse_date(value) if value else None


def _archive_options(ctx: CommandContext) -> dict[str, str]:
    return {k: v for k, v in ctx.args.options.items() if k not in CONTRACT_KEYS}


@router.command("客户", aliases=("customer",), usage="/客户 名称或服务码",
                example="/客户 华东制造")
async def show(ctx: CommandContext) -> str:
    """客户档案：联系人、地址、产品、服务码、加密锁号、级别、服务合同和状态、未完成工单、最近服务、投诉和回访评分。

    群里电话号码隐藏；在私聊中，工作需要的角色可看完整号码，每次查看都记入审计日志。
    """
    name = ctx.args.rest(0)
    if not name:
        raise UsageError(texts.NEED_NAME)
    return await views.card(ctx.env, ctx.me, name, private=ctx.msg.chat_type == PRIVATE,
                            chat=ctx.msg.chat_id, platform=ctx.msg.platform)


@router.command("建客户", aliases=("newcustomer",), roles=ARCHIVE_ROLES,
                usage="/建客户 单位名称 [联系人= 职务= 电话= 手机= 地址= 地区= 产品= 服务码= 加密锁号= "
                      "级别= 业务= 合同=签订日期 至=结束日期 安装=安装日期]",
                example="/建客户 西部电子有限公司 联系人=赵工 电话=028-66660001 地址=成都市高新区天府大道5号 "
                        "级别=普通 业务=孙丽 合同=2026-11-01 至=2027-10-31")
async def create(ctx: CommandContext) -> str:
    """登记客户单位的档案；写 合同= 和 至= 同时登记服务合同（服务期从安装日期起算，默认合同日期）。"""
    a = ctx.args
    signed, until = _date_opt(ctx, "合同", "contract"), _date_opt(ctx, "至", "until")
    if (signed is None) != (until is None):
        raise UserError(texts.CONTRACT_HALF)
    terms = archive.ContractTerms(signed, until, _date_opt(ctx, "安装", "installed")) \
        if signed and until else None
    customer = await archive.create(ctx.env, ctx.me, a.rest(0), _archive_options(ctx),
                                    a.opt("联系人", "contact", default=""), terms,
                                    ctx.msg.mentions)
    reply = texts.CREATED.format(name=customer.name, tier=customer.tier)
    if terms is not None:
        reply += texts.CREATED_CONTRACT.format(start=(terms.installed_on or terms.signed_on),
                                               end=terms.ends_on)
    return reply


@router.command("改客户", aliases=("editcustomer",), roles=ARCHIVE_ROLES,
                usage="/改客户 客户 字段=值 …（名称 地址 地区 产品 服务码 加密锁号 级别 业务）",
                example="/改客户 西部电子 地址=成都市高新区天府大道5号 服务码=SC-1004 业务=孙丽")
async def edit(ctx: CommandContext) -> str:
    """修改客户档案；临时档案补全地址和联系人电话后即完善。联系人用 /联系人，合同用 /续约。"""
    name = ctx.args.rest(0)
    if not name:
        raise UsageError(texts.NEED_NAME)
    customer, changes, completed = await archive.edit(ctx.env, ctx.me, name, ctx.args.options,
                                                      ctx.msg.mentions)
    reply = texts.EDITED.format(name=customer.name, changes="，".join(changes))
    return reply + (texts.COMPLETED if completed else "")


@router.command("联系人", aliases=("contact",), roles=(Role.SALES, Role.ENGINEER, Role.MANAGER),
                usage="/联系人 客户 姓名 [职务= 电话= 手机= 生日= 纪念日=]",
                example="/联系人 华东制造 钱主任 职务=财务主任 手机=139 0000 0009 生日=05-12")
async def contact(ctx: CommandContext) -> str:
    """添加或修改客户的联系人（同名即修改）；电话自动去掉空格、横线，全角数字也可以。"""
    a = ctx.args
    if len(a) < 2:
        raise UsageError(texts.CONTACT_NEED_NAME)
    customer, new, changes, completed = await archive.set_contact(
        ctx.env, ctx.me, a.get(0, ""), a.rest(1), a.options)
    if new:
        reply = texts.CONTACT_ADDED.format(customer=customer.name, name=a.rest(1))
    else:
        reply = texts.CONTACT_CHANGED.format(customer=customer.name, name=a.rest(1),
                                             changes="，".join(changes) or texts.EMPTY)
    return reply + (texts.COMPLETED if completed else "")


@router.command("续约", aliases=("renew",), roles=(Role.SALES, Role.MANAGER),
                usage="/续约 客户 至=结束日期 [级别=] [起=开始日期] [安装=安装日期]",
                example="/续约 北方物流 至=2027-11-30 级别=大客户")
async def renew(ctx: CommandContext) -> str:
    """续签服务合同：新服务期接在原合同之后（已过期则从今天起），下一张工单按新级别提供服务方式。"""
    a = ctx.args
    until = _date_opt(ctx, "至", "until")
    name = a.rest(0)
    if until is None or not name:
        raise UsageError(texts.RENEW_NEED_DATE)
    tier = a.opt("级别", "tier")
    contract = await contracts.renew(
        ctx.env, ctx.me, name, until, tier=archive.check_tier(ctx.env, tier) if tier else None,
        start=_date_opt(ctx, "起", "from"), installed_on=_date_opt(ctx, "安装", "installed"))
    await contract.fetch_related("customer")
    return texts.RENEWED.format(customer=contract.customer.name,
                                start=contract.starts_on.isoformat(),
                                end=contract.ends_on.isoformat(), tier=contract.tier,
                                modes="、".join(service_modes.granted(ctx.env, contract)))


@router.command("到期", aliases=("expiring",), roles=(Role.SALES, Role.MANAGER),
                usage="/到期 [天数]", example="/到期 30")
async def expiring(ctx: CommandContext) -> str:
    """即将到期的服务合同（默认按最早的续约提醒天数），含业务负责人。"""
    raw = ctx.args.get(0)
    days = max(ctx.env.settings.customers.renewal_reminders)
    if raw is not None:
        if not raw.isdigit() or not 1 <= int(raw) <= 366:
            raise UsageError(texts.BAD_DAYS)
        days = int(raw)
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
