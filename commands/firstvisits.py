"""First-visit commands: /首访申请 /首访 /首访跟进 /需求 /需求确认."""
from __future__ import annotations

from datetime import datetime

from bot.dispatcher import CommandContext
from bot.errors import UsageError
from bot.routing import Router
from bot.services.firstvisits import calls, needs, tasks, texts
from commands.args import Arg, Obj, Rest, When
from storage.models.people import Role

router = Router("firstvisits")
VISIT = Obj("number", "S")


@router.command("首访申请", aliases=("firstvisit",), roles=(Role.SALES,), args=(
    Arg("unit", "单位", max_len=128), Arg("contact", "联系人", max_len=64),
    Arg("phone", "电话", max_len=32), Arg("address", "地址", max_len=256),
    Rest("software", "软件", max_len=256)),
    example="/首访申请 西部电子有限公司 赵工 028-66660001 成都市高新区天府大道5号 财务软件V10.2")
async def submit(ctx: CommandContext, unit: str, contact: str, phone: str, address: str,
                 software: str) -> str:
    """提交新客户首访，生成编号 S；服务台须在时限内（默认 1 个工作日）电话核实。"""
    visit, due = await calls.submit(ctx.env, ctx.me, unit, contact, phone, address, software)
    return texts.SUBMITTED.format(no=visit.number, customer=unit.strip(), contact=visit.contact,
                                  due=calls.when(ctx.env, due))


@router.command("首访", aliases=("visitcall",), roles=(Role.ENGINEER,), args=(
    VISIT, Arg("outcome", "已联系或未联系", missing=texts.BAD_OUTCOME),
    When("next_at", "下次联系时间", keys=("下次", "next"), required=False),
    *(Arg(f"item_{i}", key, keys=(key,), required=False, default="", hint="是或否")
      for i, key in enumerate(texts.CHECKLIST)),
    Arg("address", "核实地址", keys=("地址", "address"), required=False, default=""),
    Arg("phone", "核实电话", keys=("核实电话", "verified_phone"), required=False, default="")),
    example="/首访 S3 已联系 服务码=是 锁号=是 电话=是 报修=否")
async def call(ctx: CommandContext, number: int, outcome: str, next_at: datetime | None,
               address: str, phone: str, **items: str) -> str:
    """记录首访电话。未联系：写 下次=时间，时限重新计算，多次联系不上通知经理。
    已联系：逐项写明服务码、锁号、电话（监督和技术电话）、报修（方式和响应时限）是否已告知；“否”成为服务台的跟进任务；
    核实后的 地址= 和 核实电话= 更新客户档案。
    """
    if outcome in ("未联系", "未联系上", "no"):
        visit, due = await calls.not_reached(ctx.env, ctx.me, number, next_at)
        return texts.NOT_REACHED.format(no=visit.number, n=visit.attempts,
                                        next=calls.when(ctx.env, next_at), due=calls.when(ctx.env, due))
    if outcome not in ("已联系", "已联系上", "yes"):
        raise UsageError(texts.BAD_OUTCOME)
    answers = {key: calls.parse_answer(key, items[f"item_{i}"])
               for i, key in enumerate(texts.CHECKLIST) if items[f"item_{i}"]}
    done = await calls.reached(ctx.env, ctx.me, number, answers, address=address, phone=phone)
    lines = [texts.REACHED.format(no=done.visit.number, items="、".join(
        (texts.ITEM_YES if ok else texts.ITEM_NO).format(item=item)
        for item, ok in done.visit.checklist.items()))]
    if done.tasks:
        lines.append(texts.REACHED_TASKS.format(tasks="、".join(done.tasks), no=done.visit.number))
    if done.changes:
        lines.append(texts.REACHED_UPDATED.format(changes="，".join(done.changes)))
    return "\n".join(lines)


@router.command("首访跟进", aliases=("visittask",), roles=(Role.ENGINEER, Role.MANAGER), args=(
    VISIT, Arg("item", "跟进项（服务码、锁号、电话、报修或全部）", required=False, default="",
               hint="跟进项"),
    Rest("note", "说明", required=False, default="")),
    example="/首访跟进 S3 锁号 已重新寄送加密锁号并核对")
async def follow_up(ctx: CommandContext, number: int, item: str, note: str) -> str:
    """完成首访的跟进任务（首访时客户答“否”的清单项）：写跟进项（服务码、锁号、电话、报修）或 全部，可加说明；
    只有一项待跟进时可省略。每项跟进有时限（默认 1 个工作日），提醒负责的工程师，超时通知经理；待跟进的任务列在负责人的 /我的 中。
    """
    visit, done, left = await tasks.close(ctx.env, ctx.me, number, item, note)
    reply = texts.TASK_DONE.format(no=visit.number, items="、".join(t.item for t in done))
    return reply + (texts.TASK_LEFT.format(n=left) if left else
                    texts.TASK_ALL_DONE.format(no=visit.number))


@router.command("需求", aliases=("need",), roles=(Role.ENGINEER,), args=(
    VISIT, Arg("dept", "部门", keys=("部门", "dept")), Rest("content", "需求内容",
                                                         missing=texts.NEED_CONTENT)),
    example="/需求 S3 部门=实施 需要上门安装并初始化账套")
async def need(ctx: CommandContext, number: int, dept: str, content: str) -> str:
    """记录首访中客户的一项需求，归到一个部门；每个工作日下班后汇总发给该部门负责人。"""
    row = await needs.record(ctx.env, ctx.me, number, dept, content)
    return texts.NEED_DONE.format(no=f"S{number}", dept=row.department, content=row.content)


@router.command("需求确认", aliases=("needack",), example="/需求确认")
async def acknowledge(ctx: CommandContext) -> str:
    """部门负责人确认收到的首访需求；确认的实施需求按首访生成项目申请 P（已有则追加），并通知实施经理。"""
    done = await needs.acknowledge(ctx.env, ctx.me)
    if not done.count:
        return texts.ACK_NONE
    lines = [texts.ACK_DONE.format(n=done.count, depts="、".join(done.departments))]
    lines += [(texts.ACK_PROJECT if new else texts.ACK_PROJECT_ADDED).format(
        visit=visit.number, customer=visit.customer.name, no=project.number)
        for project, visit, new in done.projects]
    return "\n".join(lines)
