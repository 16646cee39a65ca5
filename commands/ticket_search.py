"""Finding hotline tickets again: /查单 by customer, phone, state, owner and date; /工单 [状态]."""
from __future__ import annotations

from datetime import date

from bot.dispatcher import CommandContext
from bot.routing import Router
from bot.services.tickets import lifecycle, search, texts as ticket_texts
from commands import texts
from commands.args import Arg, Count, Person, ReportDay
from storage.models import Staff
from storage.models.people import Role

router = Router("ticket_search")
STAFF = (Role.ENGINEER, Role.MANAGER, Role.SUPERVISOR)


def _status(ctx: CommandContext, raw: str) -> str:
    return search.status_code(raw)


PAGE = Count("page", "页码", keys=("页", "page"), required=False, default=1, lo=1, hi=10_000)


def _answer(ctx: CommandContext, page: search.Page, again: str) -> str:
    if not page.total:
        return texts.SEARCH_NONE
    lines = [texts.SEARCH_HEAD.format(total=page.total, page=page.page, pages=page.pages)]
    lines += [texts.SEARCH_LINE.format(
        no=t.number, status=ticket_texts.STATUS[t.status], customer=t.customer.name,
        desc=t.description[:30], owner=t.owner.name, at=lifecycle.when(ctx.env, t.created_at))
        for t in page.tickets]
    if page.page < page.pages:
        lines.append(texts.SEARCH_NEXT.format(command=f"{again} 页={page.page + 1}".strip()))
    return "\n".join(lines)


@router.command("查单", aliases=("find",), roles=STAFF, args=(
    Arg("customer", "客户", keys=("客户", "customer"), required=False, default=""),
    Arg("phone", "电话", keys=("电话", "phone"), required=False, default=""),
    Arg("status", "状态", keys=("状态", "status"), required=False, default="", parse=_status),
    Person("owner", "负责人", keys=("负责人", "owner"), required=False, default=None),
    ReportDay("first", "开始日期", keys=("从", "from"), required=False, default=None),
    ReportDay("last", "结束日期", keys=("到", "to"), required=False, default=None),
    PAGE), example="/查单 客户=华东 状态=未完成 从=11-01 到=11-23")
async def find(ctx: CommandContext, customer: str, phone: str, status: str,
               owner: Staff | None, first: date | None, last: date | None, page: int) -> str:
    """按客户（名称的一部分）、电话（至少 4 位）、状态、负责人和建单日期查找工单，新的在前，每页 10 张。"""
    if not (customer or phone or status or owner or first or last):
        return texts.SEARCH_NEEDS_CRITERIA
    found = await search.search(ctx.env, search.Query(
        customer=customer, phone=phone, status=status, owner=owner, first=first, last=last,
        page=page))
    again = " ".join(f"{k}={v}" for k, v in ctx.args.options.items() if k not in PAGE.keys)
    return _answer(ctx, found, f"/查单 {again}")


@router.command("工单", aliases=("tickets",), roles=STAFF, args=(
    Arg("status", "状态", required=False, default=search.OPEN, parse=_status), PAGE),
                example="/工单 已解决")
async def listing(ctx: CommandContext, status: str, page: int) -> str:
    """列出工单，默认未完成的；可写状态：未完成、待接单、处理中、已解决、已关闭、已撤销。每页 10 张。"""
    found = await search.search(ctx.env, search.Query(status=status, page=page))
    word = ticket_texts.STATUS.get(status, ticket_texts.OPEN_WORDS[0])
    return _answer(ctx, found, f"/工单 {word}")
