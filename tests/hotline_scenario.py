"""The hotline and on-site scenario of issue 4, written once for any way of talking to the bot.

`hotline_scenario(io)` drives a day and a half of the center from /建单 to /核销 and the forms,
with every clock checked on the fake clock and every push's recipient asserted. The transport
is behind `ScenarioIO`: the chat harness (tests/test_hotline_scenario.py) or WeCom callbacks.
Recipients are written transport-neutral: "user:<userid>" for a person and "chat:<purpose>"
for a bound group; an adapter maps its platform's addresses to these names.

It expects a fresh database with the demo staff, customers and chats, and a fake clock at
Monday 2026-11-23 09:00 Beijing (a working day; the next working day is Tuesday).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Awaitable, Callable
from zoneinfo import ZoneInfo

from storage.models import Deadline, Dispatch, KnowledgeEntry, Ticket

SH = ZoneInfo("Asia/Shanghai")


@dataclass
class Push:
    to: str  # "user:lina", "chat:managers"
    text: str  # title and body
    buttons: tuple[str, ...] = ()  # action keys, e.g. "claim:T1"


@dataclass
class ScenarioIO:
    say: Callable[[str, str], Awaitable[str]]  # (userid, text) -> the bot's answer
    click: Callable[[str, str], Awaitable[str]]  # (userid, action key) -> the bot's answer
    drain: Callable[[], Awaitable[list[Push]]]  # pushes queued since the last drain
    travel: Callable[[datetime], Awaitable[None]]  # set the fake clock, run the deadline tick
    log: list[str] = field(default_factory=list)


def bj(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SH)


async def expect_pushes(io: ScenarioIO, wanted: dict[str, list[str]]) -> list[Push]:
    """Exactly these recipients got something since the last drain, each with these phrases."""
    got = await io.drain()
    by_to: dict[str, list[Push]] = {}
    for p in got:
        by_to.setdefault(p.to, []).append(p)
    assert set(by_to) == set(wanted), (sorted(by_to), [(p.to, p.text[:60]) for p in got])
    for to, phrases in wanted.items():
        joined = "\n".join(p.text for p in by_to[to])
        for phrase in phrases:
            assert phrase in joined, (to, phrase, joined)
    return got


async def at(io: ScenarioIO, when: datetime, wanted: dict[str, list[str]]) -> None:
    await io.travel(when)
    await expect_pushes(io, wanted)


async def clock_states(object_type: str, object_id: int) -> dict[str, tuple[str, bool | None]]:
    rows = await Deadline.filter(object_type=object_type, object_id=object_id)
    return {r.clock: (r.state, r.late) for r in rows}


async def hotline_scenario(io: ScenarioIO) -> None:
    say, click = io.say, io.click

    # 09:00 张伟 takes the call. The hotline group gets a claim card; 15 minutes to a technician.
    answer = await say("zhangwei", '/建单 客户=华东制造 打印凭证时报错，提示打印控件未注册 '
                                   '联系人=王会计 产品="财务软件 V10.2"')
    assert answer.startswith("已建单 T1（客户：华东制造有限公司）"), answer
    assert "接单：剩余 15 分钟" in answer and "服务方式：电话（客户级别“大客户”可提供：电话、远程、上门" in answer
    got = await expect_pushes(io, {"chat:hotline": ["新工单 T1", "打印凭证时报错"]})
    assert got[0].buttons == ("claim:T1",)

    # 09:05 the customer calls again about the same problem: linked, closed, not counted.
    await io.travel(bj(23, 9, 5))
    answer = await say("lina", "/建单 客户=华东制造 凭证打印报错 提示控件未注册")
    assert "本次记为 T2，已关联到 T1 并关闭，不重复计数" in answer, answer
    await expect_pushes(io, {"user:zhangwei": ["T1 的客户再次来电", "T2"]})

    # 09:10 nobody has claimed it: a reminder in the hotline group (only T1: T2 has no clock).
    await at(io, bj(23, 9, 10), {"chat:hotline": ["【接单提醒】T1", "剩余 5 分钟"]})
    # 09:15 due: escalated to the managers' chat.
    await at(io, bj(23, 9, 15), {"chat:managers": ["【接单超时·1级升级】T1"]})

    # 09:16 李娜 claims it from the card; the creator hears of it.
    await io.travel(bj(23, 9, 16))
    assert (await click("lina", "claim:T1")).startswith("你已接单 T1")
    await expect_pushes(io, {"user:zhangwei": ["T1 已由 李娜 接单"]})

    # 09:20 she must look something up: the 1-hour callback clock.
    await io.travel(bj(23, 9, 20))
    answer = await say("lina", "/回电 T1 需要查询控件版本")
    assert "请在 11-23 10:20 前回电客户" in answer, answer
    # 09:45 the claim clock's HQ level would fire now, but the clock was met: nothing.
    await at(io, bj(23, 9, 45), {})
    await at(io, bj(23, 10, 5), {"user:lina": ["【回电提醒】T1", "剩余 15 分钟"]})
    await at(io, bj(23, 10, 20), {"user:lina": ["【回电超时·1级升级】T1"],
                                  "chat:managers": ["【回电超时·1级升级】T1", "负责人：李娜"]})
    # 11:20 an hour past due: HQ.
    await at(io, bj(23, 11, 20), {"chat:hq": ["【回电超时·2级升级】T1"]})
    await io.travel(bj(23, 11, 25))
    answer = await say("lina", "/答复 T1 已告知客户重新注册控件，仍未解决")
    assert answer == "T1 已记录答复，回电时限已完成。", answer

    # 11:30 not solvable by phone: consultation, 3 hours to an answer; the managers are told.
    await io.travel(bj(23, 11, 30))
    answer = await say("lina", "/会诊 T1 重新注册控件无效")
    assert "11-23 14:30 前给客户答复或上门预约" in answer, answer
    await expect_pushes(io, {"chat:managers": ["【会诊申请】T1", "李娜 申请内部会诊"]})

    # 11:35 she hands it to 王强 of the on-site team; until he accepts, she is responsible and
    # he may not act on it.
    await io.travel(bj(23, 11, 35))
    answer = await say("lina", "/转派 T1 王强 需要现场处理")
    assert answer == "T1 已转派给 王强，等待其接收；在此之前你仍是负责人。", answer
    got = await expect_pushes(io, {"user:wangqiang": ["转派给你：T1", "接收前负责人仍是 李娜"]})
    assert got[0].buttons == ("accept:T1",)
    refused = await say("wangqiang", "/申请上门 T1 需要管理员权限")
    assert refused == "T1 已转派给你，但你还没有接收：请先 /接收 T1。在此之前负责人仍是 李娜。"
    assert await Dispatch.all().count() == 0
    await io.travel(bj(23, 11, 40))
    assert (await click("wangqiang", "accept:T1")).startswith("你已接收 T1")
    await expect_pushes(io, {"user:lina": ["T1 已由 王强 接收"]})

    # 13:00 he asks for a visit; the managers get the request with suggested engineers.
    await io.travel(bj(23, 13, 0))
    answer = await say("wangqiang", "/申请上门 T1 控件注册需要服务器管理员权限，须现场处理")
    assert answer.startswith("已提交上门申请 D1（T1）"), answer
    await expect_pushes(io, {"chat:managers": ["【上门申请 D1】T1 华东制造有限公司（大客户）",
                                               "建议工程师：", "/派工 T1"]})

    # 13:05 刘静 dispatches him: an accept card, 30 minutes to confirm.
    await io.travel(bj(23, 13, 5))
    answer = await say("liujing", "/派工 T1 王强")
    assert answer.startswith("已派工 D1：王强 上门处理 T1（华东制造有限公司）"), answer
    assert "11-23 13:35 前" in answer
    got = await expect_pushes(io, {"user:wangqiang": ["派工 D1", "上海市浦东新区张江路1号",
                                                      "王会计 13900000001"]})
    assert got[0].buttons == ("take:D1",)
    await at(io, bj(23, 13, 25), {"user:wangqiang": ["【接受派工提醒】D1"]})
    await at(io, bj(23, 13, 35), {"user:wangqiang": ["【接受派工超时·1级升级】D1"],
                                  "chat:managers": ["【接受派工超时·1级升级】D1"]})
    await io.travel(bj(23, 13, 40))
    assert (await click("wangqiang", "take:D1")).startswith("你已接受派工 D1")
    await expect_pushes(io, {"user:liujing": ["王强 已接受派工 D1"]})

    # 13:45 appointment at 16:00: the consultation clock is answered by it.
    await io.travel(bj(23, 13, 45))
    answer = await say("wangqiang", "/预约 D1 今天16:00")
    assert answer == "D1 已预约 11-23 16:00 上门，11-23 15:00 会提醒你。", answer
    await expect_pushes(io, {"user:liujing": ["D1（T1）已预约 11-23 16:00 上门"]})
    await at(io, bj(23, 14, 0), {})  # the consultation's reminder is not sent: it is answered
    await at(io, bj(23, 15, 0), {"user:wangqiang": ["【上门预约提醒】D1", "剩余 1 小时"]})
    # 16:00 he is not there: the appointment is missed, the manager is alerted.
    await at(io, bj(23, 16, 0), {"user:wangqiang": ["【上门预约超时·1级升级】D1"],
                                 "chat:managers": ["【上门预约超时·1级升级】D1"]})

    # 16:10 on site. No completion before the backup; no data leaves without an authorizer;
    # no completion without the customer's signatory.
    await io.travel(bj(23, 16, 10))
    answer = await say("wangqiang", "/到场 D1")
    assert answer.startswith("D1 已到场（11-23 16:10）") and "11-23 17:30 前核销" in answer
    refused = await say("wangqiang", "/完工 D1 签字人=王会计 重新注册控件后正常")
    assert refused == "D1 还没有备份客户数据：请先 /备份 D1，再完工。", refused
    refused = await say("wangqiang", "/备份 D1 已备份账套 带走数据")
    assert refused.startswith("带走客户数据需要客户的书面授权"), refused
    answer = await say("wangqiang", "/备份 D1 已备份账套到移动硬盘 带走数据=王会计 附件=授权书.jpg")
    assert answer == ("D1 已记录数据备份。带走客户数据已记录授权人：王会计，书面授权：附件 授权书.jpg。"), answer
    refused = await say("wangqiang", "/完工 D1 重新注册控件后正常")
    assert refused.startswith("请写明客户签字人"), refused
    assert (await Ticket.get(id=1)).status == "claimed"

    await io.travel(bj(23, 16, 20))
    answer = await say("wangqiang", "/完工 D1 签字人=王会计 以管理员身份重新注册打印控件后凭证打印正常 "
                                    "原因=打印控件未注册")
    assert answer.startswith("D1 已完工，客户签字人 王会计；T1 已解决并收入问题库 K1。"), answer
    assert "服务单据 11-24 17:30 前交回" in answer
    await expect_pushes(io, {"user:liujing": ["D1（T1 华东制造有限公司）已完工", "王会计"]})

    # 17:30 not written off on the day of the visit: owner and managers.
    await at(io, bj(23, 17, 30), {"user:wangqiang": ["【派工核销超时·1级升级】D1"],
                                  "chat:managers": ["【派工核销超时·1级升级】D1"]})
    await io.travel(bj(23, 17, 40))
    answer = await say("wangqiang", "/核销 D1")
    assert answer == "D1 已核销。服务单据请在 11-24 17:30 前交回（/交单 D1）。", answer

    # Tuesday: the forms are due at the close of the next working day; then the supervisors.
    await at(io, bj(24, 15, 30), {"user:wangqiang": ["【服务单据交回提醒】D1"]})
    await at(io, bj(24, 17, 30), {"user:wangqiang": ["【服务单据交回超时·1级升级】D1"],
                                  "chat:supervisors": ["【服务单据交回超时·1级升级】D1"]})
    await io.travel(bj(24, 17, 45))
    assert await say("wangqiang", "/交单 D1") == "D1 的服务单据已交回。"

    # Every clock ended where the day says: met, on time or late.
    assert await clock_states("ticket", 1) == {
        "ticket_claim": ("met", True), "ticket_callback": ("met", True),
        "ticket_consult": ("met", False)}
    assert await clock_states("ticket", 2) == {}
    assert await clock_states("dispatch", 1) == {
        "dispatch_accept": ("met", True), "dispatch_appointment": ("met", True),
        "dispatch_writeoff": ("met", True), "forms_due": ("met", True)}
    ticket = await Ticket.get(id=1)
    assert ticket.status == "resolved" and ticket.service_mode == "上门"
    assert (await Ticket.get(id=2)).duplicate_of_id == 1
    visit = await Dispatch.get(id=1)
    assert (visit.status, visit.signatory, visit.data_authorized_by) == (
        "written_off", "王会计", "王会计")

    # The solved visit is in the knowledge base, found with the words in another order, and
    # suggested to the next ticket about the same problem.
    entry = await KnowledgeEntry.get(id=1)
    assert (entry.product, entry.version, entry.cause) == ("财务软件", "V10.2", "打印控件未注册")
    found = await say("chenjian", "/查 凭证打印")
    assert found.startswith("找到 1 条与“凭证打印”相关的条目") and "K1［财务软件 V10.2］" in found
    answer = await say("zhangwei", "/建单 客户=江南商贸 打印凭证时提示控件错误")
    assert answer.startswith("已建单 T3") and "问题库中可能相关的条目" in answer and "K1" in answer
    await expect_pushes(io, {"chat:hotline": ["新工单 T3"]})


async def snapshot() -> tuple:
    """Everything a hotline command may change, to show that a refusal changed nothing."""
    from tortoise.expressions import Q

    from storage.models import OutboxMessage, TicketEvent

    return (
        await Ticket.all().order_by("id").values_list(
            "id", "status", "owner_id", "offered_to_id", "solution", "service_mode"),
        await Dispatch.all().order_by("id").values_list(
            "id", "status", "engineer_id", "backup_at", "signatory", "data_authorized_by",
            "finished_at", "written_off_at", "forms_at", "appointment_at"),
        await TicketEvent.all().count(),
        await Deadline.all().order_by("id").values_list("id", "state", "due_at", "cycle"),
        await KnowledgeEntry.all().count(),
        await OutboxMessage.filter(~Q(dedupe_key__startswith="reply:")).count(),
    )
