"""Training commands: /课程 /培训计划 /报名 /考勤 /成绩录入 /成绩 /培训验收."""
from __future__ import annotations

from datetime import date

from bot.dispatcher import CommandContext
from bot.errors import UsageError
from bot.routing import Router
from bot.services.projects.lifecycle import parse_day
from bot.services.training import sessions, stage as training_stage, texts, views
from commands.args import Arg, Choice, Count, Obj, Person, Rest, column_limit
from storage.models import Course, ProjectStage, Staff, Trainee, TrainingSession
from storage.models.people import Role

router = Router("training")
TRAINER = (Role.TRAINER,)
SESSION = Obj("number", "L")


def _day(ctx: CommandContext, raw: str) -> date:
    return parse_day(ctx.env, raw)


@router.command("课程", aliases=("course",), args=(
    Arg("name", "课程名称", required=False, default="", max_len=column_limit(Course, "name")),
    Choice("kind", "类别", {w: k for k, words in texts.KIND_WORDS.items() for w in words},
           keys=("类别", "kind"), required=False, default="", hint="操作或高级或业务",
           invalid=texts.BAD_KIND),
    Rest("content", "内容", required=False, default="")),
                example="/课程 总账操作 类别=操作 凭证录入、审核、记账、结账")
async def course(ctx: CommandContext, name: str, kind: str, content: str) -> str:
    """不写参数：列出课程；培训讲师写名称和类别（操作、高级、业务）设置一门课程。"""
    if not name:
        return await views.courses()
    if not kind:
        raise UsageError(texts.BAD_KIND.format(token=""))
    c = await sessions.add_course(ctx.env, ctx.me, name, kind, content)
    return texts.COURSE_DONE.format(name=c.name, kind=texts.KINDS[c.kind])


@router.command("培训计划", aliases=("session",), args=(
    Arg("course", "课程", required=False, default="", max_len=column_limit(Course, "name")),
    Arg("day", "日期", keys=("日期", "day"), required=False, parse=_day, hint="11-30"),
    Arg("time", "时间", keys=("时间", "time"), required=False, default="", hint="09:00",
        max_len=column_limit(TrainingSession, "time")),
    Arg("place", "地点", keys=("地点", "place"), required=False, default="", hint="地点",
        max_len=column_limit(TrainingSession, "place")),
    Person("trainer", "讲师", keys=("讲师", "trainer"), required=False, hint="讲师"),
    Count("capacity", "人数", keys=("人数", "capacity"), required=False, lo=1, hi=10000,
          hint="人数"),
    Obj("project", "P", keys=("项目", "project"), required=False, hint="P编号"),
    Arg("stage", "培训阶段", keys=("阶段", "stage"), required=False, default="",
        hint="阶段名称", max_len=column_limit(ProjectStage, "name"))),
                example="/培训计划 总账操作 日期=11-30 时间=09:00 地点=三楼培训室 讲师=冯琳 人数=20 项目=P1")
async def plan(ctx: CommandContext, course: str, day: date | None, time: str, place: str,
               trainer: Staff | None, capacity: int | None, project: int | None,
               stage: str) -> str:
    """不写参数：列出培训计划；培训讲师安排一期培训 L（日期、开课时间、地点、讲师、人数），
    写项目=P1 则属于该项目的培训阶段（有多个培训阶段时写 阶段=名称），该阶段须各期培训考勤后才能完成。"""
    if not course:
        return await views.sessions(ctx.env)
    if day is None or not place or trainer is None or capacity is None:
        raise UsageError(texts.NEED_PLAN_FIELDS)
    s = await sessions.plan(ctx.env, ctx.me, course, day, time, place, trainer, capacity,
                            project, stage)
    return texts.PLAN_DONE.format(
        no=s.number, course=s.course.name, day=s.day.strftime("%m-%d"), time=s.time,
        place=s.place, trainer=trainer.name, capacity=s.capacity,
        project=texts.PLAN_FOR_PROJECT.format(project=s.project_id, stage=s.stage.name)
        if s.project_id and s.stage else "")


@router.command("报名", aliases=("enrol",), args=(
    SESSION, Arg("unit", "单位", max_len=128),
    Arg("name", "姓名", max_len=column_limit(Trainee, "name")),
    Arg("phone", "电话", required=False, default="", max_len=column_limit(Trainee, "phone"))),
                example="/报名 L2 华东制造 王某 13800000001")
async def enrol(ctx: CommandContext, number: int, unit: str, name: str, phone: str) -> str:
    """为客户单位的人员报名一期培训；超过人数的报名被拒绝。通知发给负责该客户的人员。"""
    s, t, n = await sessions.enrol(ctx.env, ctx.me, number, unit, name, phone)
    return texts.ENROL_DONE.format(unit=t.customer.name, name=t.name, no=s.number, n=n,
                                   capacity=s.capacity)


@router.command("考勤", aliases=("attend",), roles=TRAINER,
                args=(SESSION, Rest("names", "到场学员…", missing=texts.NEED_PRESENT)),
                example="/考勤 L2 王某 李某")
async def attend(ctx: CommandContext, number: int, names: str) -> str:
    """讲师在授课前当场记录考勤（开课时间之前不能记录）：列出到场学员的姓名，其余记为缺席。"""
    s, present, absent = await sessions.attendance(ctx.env, ctx.me, number, names.split())
    return texts.ATTEND_DONE.format(no=s.number, present=present, absent=absent)


@router.command("成绩录入", aliases=("score",), roles=TRAINER, args=(SESSION,),
                example="/成绩录入 L2 王某=86 李某=92")
async def score(ctx: CommandContext, number: int) -> str:
    """讲师录入考试成绩：姓名=分数（0-100），可写多人；任何一项有误则全部不录入。"""
    s, rows = await sessions.record_scores(ctx.env, ctx.me, number, dict(ctx.args.options))
    return texts.SCORES_DONE.format(no=s.number, n=len(rows))


# Names of trainees and units are 64 characters at most: a longer token finds nobody.
@router.command("成绩", aliases=("scores",), args=(
    Rest("token", "学员姓名或单位或L编号", max_len=column_limit(Trainee, "name")),),
                example="/成绩 华东制造")
async def scores(ctx: CommandContext, token: str) -> str:
    """按学员、单位或培训期次查成绩。"""
    return await views.scores(ctx.env, token)


@router.command("培训验收", aliases=("taccept",), roles=(Role.TRAINER, Role.PROJECT_MANAGER),
                args=(Obj("ref", "LP"),
                      Arg("stage", "培训阶段", keys=("阶段", "stage"), required=False, default="",
                          hint="阶段名称", max_len=column_limit(ProjectStage, "name"))),
                example="/培训验收 L2")
async def accept(ctx: CommandContext, ref: str, stage: str) -> str:
    """讲师：L编号，该期学员已在培训验收单上签字（须已考勤）。项目经理：P编号，培训阶段的各期培训
    都已举办并签字后签核，记入项目的培训验收单（有多个培训阶段时写 阶段=名称）。"""
    if ref.startswith("P"):
        no, name, numbers = await training_stage.sign_off(ctx.env, ctx.me, int(ref[1:]), stage)
        return texts.STAGE_ACCEPT_DONE.format(no=no, stage=name, sessions="、".join(numbers))
    s, last = await sessions.accept(ctx.env, ctx.me, int(ref[1:]))
    ready = texts.ACCEPT_STAGE_READY.format(project=s.project_id, stage=s.stage.name) \
        if last and s.stage else ""
    return texts.ACCEPT_DONE.format(no=s.number, form=ready)
