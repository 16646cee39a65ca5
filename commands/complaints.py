"""Complaint commands: /投诉 /投诉确认 /投诉回应 /投诉核实 /投诉归档 /投诉升级 /投诉单."""
from __future__ import annotations

from datetime import datetime

from bot.dispatcher import CommandContext
from bot.routing import Router
from bot.services.complaints import intake, procedure, texts as complaint_texts, views
from bot.services.deadlines import clocks
from commands import texts
from commands.args import Arg, Choice, Obj, Person, Rest, When, column_limit
from storage.models import Complaint, Customer, Staff
from storage.models.people import Role

router = Router("complaints")
SUPERVISOR = (Role.SUPERVISOR,)
COMPLAINT = Obj("number", "C")
LEVEL = Arg("level", "级别", keys=("级别", "level"), required=False, default="", hint="一般或重大",
            max_len=column_limit(Complaint, "level"))


def _option(name: str, keys: tuple[str, ...], column: str | None = None, hint: str = "") -> Arg:
    """An optional text option, as long as its column allows."""
    return Arg(name, keys[0], keys=keys, required=False, default="", hint=hint,
               max_len=column_limit(Complaint, column) if column else None)


def _when(ctx: CommandContext, dt) -> str:
    return procedure.when(ctx.env, dt)


def _verdict(yes: tuple[str, ...], no: tuple[str, ...]) -> dict[str, bool]:
    """A verdict word ("有效"/"无效", "满意"/"不满意") as a boolean."""
    return {**{w: True for w in yes}, **{w: False for w in no}}


@router.command("投诉", aliases=("complain",), args=(
    Arg("customer", "客户名称", keys=("客户", "customer"), missing=texts.CMP_MISSING_CUSTOMER,
        max_len=column_limit(Customer, "name")),
    # The service asks for a missing category with the configured list of categories.
    Arg("category", "投诉类别", keys=("类别", "category"), default="", lenient=True,
        max_len=column_limit(Complaint, "category")),
    Rest("content", "投诉内容", missing=texts.CMP_MISSING_CONTENT),
    _option("source", ("来源", "source"), "source", hint="客户或总部"),
    _option("contact", ("联系人", "contact"), "contact"),
    _option("phone", ("电话", "phone"), "phone"),
    _option("channel", ("渠道", "channel"), "channel"),
    LEVEL,
    Obj("ticket", "T", keys=("工单", "ticket"), required=False, hint="T编号"),
    When("received_at", "受理时间", keys=("时间", "at"), required=False, hint="受理时间")),
                example="/投诉 客户=华东制造 类别=服务态度 工程师电话里态度生硬，问题拖了两天 联系人=王会计")
async def register(ctx: CommandContext, customer: str, category: str, content: str,
                   source: str, contact: str, phone: str, channel: str, level: str,
                   ticket: int | None, received_at: datetime | None) -> str:
    """登记客户投诉，生成投诉编号 C；监督员须在 {clock.complaint_ack}内确认，回复里有告知客户的答复时间。

    类别：服务延时、服务质量、服务态度、服务规范、服务收费、产品问题、售前承诺、订单处理、物流配送
    （可配置）。来源=总部 表示总部转来的投诉，处理结束后须在 {clock.complaint_hq_feedback}内把结果反馈总部。
    客户是先打来电话、稍后才登记的，用 时间= 写明受理时间，时限从那时算起。
    """
    req = intake.NewComplaint(
        customer=customer, category=category, content=content, source=source, contact=contact,
        phone=phone, channel=channel, level=level, ticket=ticket, received_at=received_at)
    done = await procedure.register(ctx.env, ctx.me, req)
    c = done.complaint
    return texts.CMP_REGISTERED.format(
        no=c.number, customer=c.customer.name, category=c.category,
        source=complaint_texts.CMP_SOURCE[c.source], due=_when(ctx, done.ack_due),
        answer_by=_when(ctx, done.answer_by))


@router.command("投诉确认", aliases=("cverify",), roles=SUPERVISOR, args=(
    COMPLAINT,
    Choice("valid", "有效或无效", _verdict(texts.CMP_VALID_WORDS, texts.CMP_INVALID_WORDS),
           invalid=texts.CMP_CONFIRM_WORD),
    Person("person", "责任人", keys=("责任人", "owner"), required=False, hint=""),
    _option("department", ("部门", "department"), "department"),
    LEVEL,
    Rest("note", "说明", required=False, default="")),
                example="/投诉确认 C5 有效 责任人=张伟 部门=热线组 回电超时属实")
async def confirm(ctx: CommandContext, number: int, valid: bool, person: Staff | None,
                  department: str, level: str, note: str) -> str:
    """确认投诉有效（交责任人处理）或不属服务合同范围（解释后归档，不计入投诉率）。

    有效投诉的责任人须在 {clock.complaint_response}内回应客户，处理方案一般投诉 {clock.plan_general}、
    重大投诉 {clock.plan_major}内给出；
    大客户的有效投诉同时通知总经理。不属服务范围的，写明向客户所作的解释。
    """
    c = await procedure.confirm(ctx.env, ctx.me, number, valid, responsible=person,
                                 department=department, level=level, note=note)
    if not valid:
        hq = texts.CMP_HQ_FED_BACK if c.hq_feedback_at else ""
        return texts.CMP_INVALID_DONE.format(no=c.number, hq=hq)
    gm = texts.CMP_GM_TOLD if c.gm_notified_at else ""
    described = await clocks.describe_all(ctx.env, "complaint", c.id, open_only=True)
    assert c.responsible is not None  # a valid complaint always has its responsible person
    return texts.CMP_VALID_DONE.format(no=c.number, who=c.responsible.name,
                                       clocks="；".join(described), gm=gm)


@router.command("投诉回应", aliases=("crespond",), args=(
    COMPLAINT,
    Rest("measure", "处理措施", required=False, default="",
         flag=("interim", texts.CMP_INTERIM_WORDS)),
    _option("cause", ("原因", "cause"))),
                example="/投诉回应 C5 已致电道歉，明天上午安排工程师上门重新处理 原因=回电超时")
async def respond(ctx: CommandContext, number: int, measure: str, interim: bool,
                  cause: str) -> str:
    """责任人或服务经理记录给客户的处理措施（再次服务、赔礼道歉、赔偿）。

    首次回应须在确认后 {clock.complaint_response}内。末尾加“处理中”表示阶段回应、处理方案仍在进行；
    不加则为处理结果，监督员须在 {clock.complaint_verify}内联系客户核实。
    """
    done = await procedure.respond(ctx.env, ctx.me, number, measure, final=not interim,
                                    cause=cause)
    if done.final:
        return texts.CMP_RESPONDED_DONE.format(no=done.complaint.number,
                                               due=_when(ctx, done.verify_due))
    return texts.CMP_INTERIM_DONE.format(no=done.complaint.number,
                                         plan_due=_when(ctx, done.plan_due))


@router.command("投诉核实", aliases=("ccheck",), roles=SUPERVISOR, args=(
    COMPLAINT,
    Choice("satisfied", "满意或不满意",
           _verdict(texts.CMP_SATISFIED_WORDS, texts.CMP_DISSATISFIED_WORDS),
           invalid=texts.CMP_VERIFY_WORD),
    Rest("opinion", "客户意见", required=False, default="",
         flag=("escalate", texts.CMP_ESCALATE_WORDS))),
                example="/投诉核实 C5 不满意 客户认为上门时间太晚")
async def verify(ctx: CommandContext, number: int, satisfied: bool, opinion: str,
                 escalate: bool) -> str:
    """联系客户核实处理结果并记录意见：满意则待归档，不满意则重新调查处理。

    须在处理结果给出后 {clock.complaint_verify}内核实。不满意时末尾加“升级”同时升级总部；
    总部转来的投诉，核实满意后须在 {clock.complaint_hq_feedback}内归档并反馈总部。
    """
    done = await procedure.verify(ctx.env, ctx.me, number, satisfied, opinion,
                                   escalate_to_hq=escalate)
    c = done.complaint
    if satisfied:
        hq = texts.CMP_HQ_DUE.format(due=_when(ctx, done.hq_due)) if done.hq_due else ""
        return texts.CMP_VERIFIED_DONE.format(no=c.number, hq=hq)
    assert c.responsible is not None  # only valid complaints are verified
    return texts.CMP_REOPENED_DONE.format(no=c.number, who=c.responsible.name,
                                          due=_when(ctx, done.response_due),
                                          hq=texts.CMP_ESCALATED_TOO if escalate else "")


@router.command("投诉归档", aliases=("cclose",), roles=SUPERVISOR, args=(
    COMPLAINT,
    # Required by the service, which names what is missing in its own words.
    Arg("corrective", "纠正措施", keys=("纠正", "corrective"), default="", lenient=True),
    Arg("preventive", "预防措施", keys=("预防", "preventive"), default="", lenient=True)),
                example="/投诉归档 C5 纠正=向客户致歉并重新上门 预防=热线回电纳入每日检查")
async def archive(ctx: CommandContext, number: int, corrective: str, preventive: str) -> str:
    """写明纠正措施和预防措施后归档投诉登记表；总部转来的投诉同时把处理结果反馈总部。"""
    c = await procedure.archive(ctx.env, ctx.me, number, corrective, preventive)
    return texts.CMP_ARCHIVED_DONE.format(no=c.number,
                                          hq=texts.CMP_HQ_FED_BACK if c.hq_feedback_at else "")


@router.command("投诉升级", aliases=("cescalate",), roles=(Role.SUPERVISOR, Role.MANAGER), args=(
    COMPLAINT, Rest("reason", "原因", required=False, default="")),
                example="/投诉升级 C5 客户两次不满意，需总部协调产品部")
async def escalate(ctx: CommandContext, number: int, reason: str) -> str:
    """本中心解决不了的投诉升级到总部（服务发展部），总部群收到完整记录。"""
    c = await procedure.escalate(ctx.env, ctx.me, number, reason)
    return texts.CMP_ESCALATED_DONE.format(no=c.number)


@router.command("投诉单", aliases=("complaint",), args=(Obj("number", "C", required=False),),
                example="/投诉单 C5")
async def show(ctx: CommandContext, number: int | None) -> str:
    """查看一张投诉登记表（处理记录和时限）；不写编号则列出未归档的投诉。"""
    if number is not None:
        c = await procedure.get_complaint(number)
        return await views.render(ctx.env, c)
    items = await views.open_complaints()
    if not items:
        return texts.CMP_NONE_OPEN
    lines = [texts.CMP_OPEN_HEAD.format(n=len(items))]
    lines += [texts.CMP_OPEN_LINE.format(
        no=c.number, status=procedure.status_text(c), customer=c.customer.name,
        category=c.category, who=c.responsible.name if c.responsible else "-",
        at=_when(ctx, c.received_at)) for c in items]
    return "\n".join(lines)
