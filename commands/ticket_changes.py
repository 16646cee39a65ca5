"""Changing a hotline ticket after creation: /备注 /改单 /重开 /撤单 (who may do what: changes.py)."""
from __future__ import annotations

from bot.dispatcher import CommandContext
from bot.routing import Router
from bot.services.tickets import changes
from commands import texts
from commands.args import Arg, Obj, Rest, column_limit
from storage.models import Customer, Ticket
from storage.models.people import Role

router = Router("ticket_changes")
STAFF = (Role.ENGINEER, Role.MANAGER)
TICKET = Obj("number", "T")


def _option(name: str, keys: tuple[str, ...], limit: int | None = None) -> Arg:
    return Arg(name, keys[0], keys=keys, required=False, default="", max_len=limit)


@router.command("备注", aliases=("note",), roles=STAFF, args=(TICKET, Rest("text", "备注内容")),
                example="/备注 T12 客户下午三点后方便接电话")
async def note(ctx: CommandContext, number: int, text: str) -> str:
    """在工单历史中留一条内部备注（客户看不到）；工程师和服务经理都可以写。"""
    ticket = await changes.add_note(ctx.env, ctx.me, number, text)
    return texts.NOTE_DONE.format(no=ticket.number)


@router.command("改单", aliases=("edit",), roles=STAFF, args=(
    TICKET,
    _option("customer", ("客户", "customer"), column_limit(Customer, "name")),
    _option("contact", ("联系人", "contact"), column_limit(Ticket, "contact")),
    _option("phone", ("电话", "phone"), column_limit(Ticket, "phone")),
    _option("product", ("产品", "product"), column_limit(Ticket, "product")),
    _option("priority", ("优先级", "priority"), column_limit(Ticket, "priority")),
    _option("description", ("现象", "description"))),
                example="/改单 T12 联系人=李出纳 电话=13900002222 优先级=紧急")
async def edit(ctx: CommandContext, number: int, customer: str, contact: str, phone: str,
               product: str, priority: str, description: str) -> str:
    """修改未完成工单的客户、联系人、电话、产品、优先级或现象；负责人或服务经理可改，别人改时通知负责人。

    改优先级（或客户）后，进行中的时限按新的优先级和客户级别从原开始时间重新计算，回复和历史中写明新旧截止时间。
    """
    lines = await changes.edit(ctx.env, ctx.me, number, changes.Edit(
        customer=customer, contact=contact, phone=phone, product=product, priority=priority,
        description=description))
    return texts.EDIT_DONE.format(no=f"T{number}", changes="\n".join(lines))


@router.command("重开", aliases=("reopen",), roles=STAFF, args=(TICKET, Rest("reason", "原因")),
                example="/重开 T12 客户反馈问题再次出现")
async def reopen(ctx: CommandContext, number: int, reason: str) -> str:
    """重新打开已解决的工单（计入报表的重开次数），回到负责人手中并重新开始回电时限；负责人或服务经理可用。"""
    ticket = await changes.reopen(ctx.env, ctx.me, number, reason)
    return texts.REOPEN_DONE.format(no=ticket.number, owner=ticket.owner.name)


@router.command("撤单", aliases=("cancel",), roles=STAFF, args=(TICKET, Rest("reason", "原因")),
                example="/撤单 T12 误建，客户已自行解决")
async def cancel(ctx: CommandContext, number: int, reason: str) -> str:
    """撤销误建的未完成工单：时限全部取消，不计为服务；负责人或服务经理可用。"""
    ticket = await changes.cancel(ctx.env, ctx.me, number, reason)
    return texts.CANCEL_DONE.format(no=ticket.number)
