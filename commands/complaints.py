"""Complaint commands: /投诉 /投诉确认 /投诉回应 /投诉核实 /投诉归档 /投诉升级 /投诉单."""
from __future__ import annotations

from bot.dispatcher import CommandContext
from bot.errors import UsageError
from bot.routing import Router
from bot.services.complaints import intake, procedure, texts as complaint_texts, views
from bot.services.deadlines import clocks
from bot.services.directory.lookup import find_staff
from commands import texts
from commands.parsing import object_number
from commands.timeparse import parse_when
from storage.models.people import Role

router = Router("complaints")
SUPERVISOR = (Role.SUPERVISOR,)


def _when(ctx: CommandContext, dt) -> str:
    return procedure.when(ctx.env, dt)


def _yes_or_no(word: str | None, yes: tuple[str, ...], no: tuple[str, ...], usage: str) -> bool:
    """A verdict word ("有效"/"无效", "满意"/"不满意"); anything else is a usage error."""
    w = (word or "").strip()
    if w in yes:
        return True
    if w in no:
        return False
    raise UsageError(usage)


@router.command("投诉", aliases=("complain",),
                usage="/投诉 客户=客户名称 类别=投诉类别 投诉内容 [来源=客户或总部] [联系人= 电话= "
                      "渠道= 级别=一般或重大 工单=T编号 时间=受理时间]",
                example="/投诉 客户=华东制造 类别=服务态度 工程师电话里态度生硬，问题拖了两天 联系人=王会计")
async def register(ctx: CommandContext) -> str:
    """登记客户投诉，生成投诉编号 C；监督员须在 1 小时内确认，回复里有告知客户的答复时间。

    类别：服务延时、服务质量、服务态度、服务规范、服务收费、产品问题、售前承诺、订单处理、物流配送
    （可配置）。来源=总部 表示总部转来的投诉，处理结束后须在 1 个工作日内把结果反馈总部。
    客户是先打来电话、稍后才登记的，用 时间= 写明受理时间，时限从那时算起。
    """
    a = ctx.args
    customer, category, content = a.opt("客户", "customer"), a.opt("类别", "category"), a.rest(0)
    if not customer or not content:
        raise UsageError(texts.CMP_MISSING)
    ticket = a.opt("工单", "ticket")
    raw_at = a.opt("时间", "at")
    req = intake.NewComplaint(
        customer=customer, category=category or "", content=content,
        source=a.opt("来源", "source", default=""), contact=a.opt("联系人", "contact", default=""),
        phone=a.opt("电话", "phone", default=""), channel=a.opt("渠道", "channel", default=""),
        level=a.opt("级别", "level", default=""),
        ticket=object_number(ticket, "T") if ticket else None,
        received_at=parse_when(ctx.env, raw_at) if raw_at else None)
    done = await procedure.register(ctx.env, ctx.me, req)
    c = done.complaint
    return texts.CMP_REGISTERED.format(
        no=c.number, customer=c.customer.name, category=c.category,
        source=complaint_texts.CMP_SOURCE[c.source], due=_when(ctx, done.ack_due),
        answer_by=_when(ctx, done.answer_by))


@router.command("投诉确认", aliases=("cverify",), roles=SUPERVISOR,
                usage="/投诉确认 C编号 有效或无效 [责任人=] [部门=] [级别=一般或重大] [说明]",
                example="/投诉确认 C5 有效 责任人=张伟 部门=热线组 回电超时属实")
async def confirm(ctx: CommandContext) -> str:
    """确认投诉有效（交责任人处理）或不属服务合同范围（解释后归档，不计入投诉率）。

    有效投诉的责任人须在 3 小时内回应客户，处理方案一般投诉 3 个、重大投诉 5 个工作日内给出；
    大客户的有效投诉同时通知总经理。不属服务范围的，写明向客户所作的解释。
    """
    a = ctx.args
    number = object_number(a.get(0), "C")
    valid = _yes_or_no(a.get(1), texts.CMP_VALID_WORDS, texts.CMP_INVALID_WORDS,
                       texts.CMP_CONFIRM_WORD)
    who = a.opt("责任人", "owner")
    person = await find_staff(who, ctx.msg.mentions) if who else None
    c = await procedure.confirm(ctx.env, ctx.me, number, valid, responsible=person,
                                 department=a.opt("部门", "department", default=""),
                                 level=a.opt("级别", "level", default=""), note=a.rest(2))
    if not valid:
        hq = texts.CMP_HQ_FED_BACK if c.hq_feedback_at else ""
        return texts.CMP_INVALID_DONE.format(no=c.number, hq=hq)
    gm = texts.CMP_GM_TOLD if c.gm_notified_at else ""
    described = await clocks.describe_all(ctx.env, "complaint", c.id, open_only=True)
    assert c.responsible is not None  # a valid complaint always has its responsible person
    return texts.CMP_VALID_DONE.format(no=c.number, who=c.responsible.name,
                                       clocks="；".join(described), gm=gm)


@router.command("投诉回应", aliases=("crespond",),
                usage="/投诉回应 C编号 处理措施 [原因=] [处理中]",
                example="/投诉回应 C5 已致电道歉，明天上午安排工程师上门重新处理 原因=回电超时")
async def respond(ctx: CommandContext) -> str:
    """责任人或服务经理记录给客户的处理措施（再次服务、赔礼道歉、赔偿）。

    首次回应须在确认后 3 小时内。末尾加“处理中”表示阶段回应、处理方案仍在进行；
    不加则为处理结果，监督员须在 1 个工作日内联系客户核实。
    """
    a = ctx.args
    number = object_number(a.get(0), "C")
    measure, interim = a.text_and_flag(1, texts.CMP_INTERIM_WORDS)
    done = await procedure.respond(ctx.env, ctx.me, number, measure, final=not interim,
                                    cause=a.opt("原因", "cause", default=""))
    if done.final:
        return texts.CMP_RESPONDED_DONE.format(no=done.complaint.number,
                                               due=_when(ctx, done.verify_due))
    return texts.CMP_INTERIM_DONE.format(no=done.complaint.number,
                                         plan_due=_when(ctx, done.plan_due))


@router.command("投诉核实", aliases=("ccheck",), roles=SUPERVISOR,
                usage="/投诉核实 C编号 满意或不满意 [客户意见] [升级]",
                example="/投诉核实 C5 不满意 客户认为上门时间太晚")
async def verify(ctx: CommandContext) -> str:
    """联系客户核实处理结果并记录意见：满意则待归档，不满意则重新调查处理。

    须在处理结果给出后 1 个工作日内核实。不满意时末尾加“升级”同时升级总部；
    总部转来的投诉，核实满意后须在 1 个工作日内归档并反馈总部。
    """
    a = ctx.args
    number = object_number(a.get(0), "C")
    satisfied = _yes_or_no(a.get(1), texts.CMP_SATISFIED_WORDS, texts.CMP_DISSATISFIED_WORDS,
                           texts.CMP_VERIFY_WORD)
    opinion, escalate = a.text_and_flag(2, texts.CMP_ESCALATE_WORDS)
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


@router.command("投诉归档", aliases=("cclose",), roles=SUPERVISOR,
                usage="/投诉归档 C编号 纠正=纠正措施 预防=预防措施",
                example="/投诉归档 C5 纠正=向客户致歉并重新上门 预防=热线回电纳入每日检查")
async def archive(ctx: CommandContext) -> str:
    """写明纠正措施和预防措施后归档投诉登记表；总部转来的投诉同时把处理结果反馈总部。"""
    a = ctx.args
    c = await procedure.archive(ctx.env, ctx.me, object_number(a.get(0), "C"),
                                 a.opt("纠正", "corrective", default=""),
                                 a.opt("预防", "preventive", default=""))
    return texts.CMP_ARCHIVED_DONE.format(no=c.number,
                                          hq=texts.CMP_HQ_FED_BACK if c.hq_feedback_at else "")


@router.command("投诉升级", aliases=("cescalate",), roles=(Role.SUPERVISOR, Role.MANAGER),
                usage="/投诉升级 C编号 原因", example="/投诉升级 C5 客户两次不满意，需总部协调产品部")
async def escalate(ctx: CommandContext) -> str:
    """本中心解决不了的投诉升级到总部（服务发展部），总部群收到完整记录。"""
    a = ctx.args
    c = await procedure.escalate(ctx.env, ctx.me, object_number(a.get(0), "C"), a.rest(1))
    return texts.CMP_ESCALATED_DONE.format(no=c.number)


@router.command("投诉单", aliases=("complaint",), usage="/投诉单 [C编号]", example="/投诉单 C5")
async def show(ctx: CommandContext) -> str:
    """查看一张投诉登记表（处理记录和时限）；不写编号则列出未归档的投诉。"""
    token = ctx.args.get(0)
    if token:
        c = await procedure.get_complaint(object_number(token, "C"))
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
