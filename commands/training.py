"""Training commands: /课程 /培训计划 /报名 /考勤 /成绩录入 /成绩 /培训验收."""
from __future__ import annotations

from bot.dispatcher import CommandContext
from bot.errors import UsageError
from bot.routing import Router
from bot.services.directory.lookup import find_staff
from bot.services.projects.lifecycle import parse_day
from bot.services.training import sessions, texts, views
from commands.parsing import object_number
from storage.models.people import Role

router = Router("training")
TRAINER = (Role.TRAINER,)


def _l(ctx: CommandContext) -> int:
    return object_number(ctx.args.get(0), "L")


@router.command("课程", aliases=("course",), usage="/课程 [课程名称 类别=操作或高级或业务 [内容]]",
                example="/课程 总账操作 类别=操作 凭证录入、审核、记账、结账")
async def course(ctx: CommandContext) -> str:
    """不写参数：列出课程；培训讲师写名称和类别（操作、高级、业务）设置一门课程。"""
    a = ctx.args
    name = a.get(0)
    if not name:
        return await views.courses()
    c = await sessions.add_course(ctx.env, ctx.me, name,
                                  sessions.parse_kind(a.opt("类别", "kind", default="")),
                                  a.rest(1))
    return texts.COURSE_DONE.format(name=c.name, kind=texts.KINDS[c.kind])


@router.command("培训计划", aliases=("session",),
                usage="/培训计划 [课程 日期=11-30 时间=09:00 地点=… 讲师=… 人数=… [项目=P编号]]",
                example="/培训计划 总账操作 日期=11-30 时间=09:00 地点=三楼培训室 讲师=冯琳 人数=2 项目=P1")
async def plan(ctx: CommandContext) -> str:
    """不写参数：列出培训计划；培训讲师安排一期培训 L（日期、地点、讲师、人数），可关联项目的培训阶段。"""
    a = ctx.args
    name = a.get(0)
    if not name:
        return await views.sessions(ctx.env)
    trainer, place, cap = a.opt("讲师", "trainer"), a.opt("地点", "place"), a.opt("人数", "capacity")
    if not trainer or not place or not cap or not cap.isdigit():
        raise UsageError(texts.NEED_PLAN_FIELDS)
    project = a.opt("项目", "project")
    staff = await find_staff(trainer, ctx.msg.mentions)
    s = await sessions.plan(
        ctx.env, ctx.me, name, parse_day(ctx.env, a.opt("日期", "day")),
        a.opt("时间", "time", default=""), place, staff, int(cap),
        object_number(project, "P") if project else None)
    return texts.PLAN_DONE.format(
        no=s.number, course=s.course.name, day=s.day.strftime("%m-%d"), time=s.time,
        place=s.place, trainer=staff.name, capacity=s.capacity,
        project=texts.PLAN_FOR_PROJECT.format(project=s.project_id) if s.project_id else "")


@router.command("报名", aliases=("enrol",), usage="/报名 L编号 单位 姓名 [电话]",
                example="/报名 L2 华东制造 王某 13800000001")
async def enrol(ctx: CommandContext) -> str:
    """为客户单位的人员报名一期培训；超过人数的报名被拒绝。通知发给负责该客户的人员。"""
    a = ctx.args
    s, t, n = await sessions.enrol(ctx.env, ctx.me, _l(ctx), a.get(1, ""), a.get(2, ""),
                                   a.get(3, ""))
    return texts.ENROL_DONE.format(unit=t.customer.name, name=t.name, no=s.number, n=n,
                                   capacity=s.capacity)


@router.command("考勤", aliases=("attend",), roles=TRAINER, usage="/考勤 L编号 到场学员 …",
                example="/考勤 L2 王某 李某")
async def attend(ctx: CommandContext) -> str:
    """讲师在开课前记录考勤：列出到场学员的姓名，其余记为缺席。"""
    a = ctx.args
    names = [a.get(i, "") for i in range(1, len(a))]
    s, present, absent = await sessions.attendance(ctx.env, ctx.me, _l(ctx), names)
    return texts.ATTEND_DONE.format(no=s.number, present=present, absent=absent)


@router.command("成绩录入", aliases=("score",), roles=TRAINER,
                usage="/成绩录入 L编号 姓名=分数 …", example="/成绩录入 L2 王某=86 李某=92")
async def score(ctx: CommandContext) -> str:
    """讲师录入考试成绩（0-100）；任何一项有误则全部不录入。"""
    s, rows = await sessions.record_scores(ctx.env, ctx.me, _l(ctx), dict(ctx.args.options))
    return texts.SCORES_DONE.format(no=s.number, n=len(rows))


@router.command("成绩", aliases=("scores",), usage="/成绩 学员姓名或单位或L编号",
                example="/成绩 华东制造")
async def scores(ctx: CommandContext) -> str:
    """按学员、单位或培训期次查成绩。"""
    token = ctx.args.rest(0)
    if not token:
        raise UsageError(texts.NO_SCORES_FOR.format(token=""))
    return await views.scores(ctx.env, token)


@router.command("培训验收", aliases=("taccept",), roles=TRAINER, usage="/培训验收 L编号",
                example="/培训验收 L2")
async def accept(ctx: CommandContext) -> str:
    """学员已在培训验收单上签字；项目的各期培训都验收后，记入项目的培训验收单。"""
    s, fed = await sessions.accept(ctx.env, ctx.me, _l(ctx))
    return texts.ACCEPT_DONE.format(no=s.number, form=texts.ACCEPT_FORM_FED.format(
        project=s.project_id) if fed else "")
