"""Arguments declared on the command decorator: one table of bad arguments per kind of argument
(missing, wrong letter, out of range, too long, bad choice, bad number, month or day), each
answered in Chinese with the usage line and changing nothing; typed values reaching the handlers;
`/` alone; usage lines rendered from the declarations."""
from __future__ import annotations

import pytest

from bot.errors import UsageError
from commands import all_routers
from commands.args import Choice
from storage.models import Complaint, Customer, DutyAssignment, FollowUp, Penalty
from tests.hotline_scenario import snapshot

LONG_NAME = "华" * 300
LONG_TEXT = "打印凭证报错" * 400  # 2,400 characters


async def everything() -> tuple:
    """The hotline snapshot plus the other areas' rows a command may write."""
    return (
        await snapshot(),
        await Customer.all().count(),
        await Complaint.all().order_by("id").values_list("id", "status", "responsible_id"),
        await Penalty.all().order_by("id").values_list("id", "status", "amount"),
        await FollowUp.all().order_by("id").values_list("id", "status", "issue_status"),
        await DutyAssignment.all().count(),
    )


async def refused(chat, who: str, text: str) -> str:
    before = await everything()
    answer = await chat.say(who, text)
    assert await everything() == before, text
    return answer


BAD = [
    # object numbers
    ("zhangwei", "/单", "请写明工单编号（例如 T12）。"),
    ("zhangwei", "/单 T99999999999999999999", "编号“T99999999999999999999”超出范围"),
    ("zhangwei", "/单 T2147483648", "超出范围，应为 T1 到 T2147483647 之间"),
    ("zhangwei", "/单 T0", "编号“T0”超出范围"),
    ("zhangwei", "/单 T-1", "“T-1”不是有效的编号，应为 T 加数字"),
    ("zhangwei", "/单 99999999999", "超出范围"),
    ("zhangwei", "/单 D3", "“D3”不是有效的编号，应为 T 加数字，例如 T12。"),
    ("wangqiang", "/接受派工 T3", "“T3”不是有效的编号，应为 D 加数字"),
    ("zhangwei", "/知识 K1x", "“K1x”不是有效的编号，应为 K 加数字"),
    ("zhangwei", "/申诉 F2147483648 不服", "编号“F2147483648”超出范围"),
    ("chenjian", "/回访 X1 及时=5 技能=5 态度=5", "应为 V、T、D 加数字"),
    ("chenjian", "/投诉确认 C99999999999 有效 责任人=张伟", "超出范围"),
    ("zhangwei", "/投诉 客户=华东制造 类别=服务态度 态度生硬 工单=T99999999999", "超出范围"),
    # arity: the missing argument is named
    ("zhangwei", "/建单 打印报错", "请写明客户，例如 客户=华东制造。"),
    ("zhangwei", "/建单 客户=华东制造", "请写明故障现象。"),
    ("zhangwei", "/申请上门 T1", "请写明申请上门的原因。"),
    ("zhangwei", "/投诉 客户=华东制造", "请写明投诉内容，例如"),
    ("zhangwei", "/投诉 类别=服务态度 回电太慢", "请写明投诉的客户，例如 客户=华东制造。"),
    ("wangqiang", "/预约 D1", "请写明预约时间，例如 /预约 D3 明天14:00。"),
    ("zhangwei", "/转派 T1", "请写明转派对象。"),
    ("zhangwei", "/答复 T1", "请写明答复内容。"),
    ("liujing", "/派工 T1", "请写明工程师。"),
    ("wangqiang", "/未解决 D1 升级", "请写明未解决的原因。"),
    ("liujing", "/排班 11-24 早班", "请写明人员。"),
    ("chenjian", "/处罚登记 王强 迟到", "请写明理由。"),
    ("liujing", "/回访分派 V1", "请写明处理人。"),
    # too long for the column, or for a chat message
    ("zhangwei", f"/建单 客户={LONG_NAME} 打印报错", "客户名称太长：最多 128 个字，你写了 300 个。"),
    ("zhangwei", f"/建单 客户=华东制造 打印报错 电话={'1' * 40}", "电话太长：最多 32 个字"),
    ("zhangwei", f"/建单 客户=华东制造 打印报错 联系人={'王' * 65}", "联系人太长：最多 64 个字"),
    ("zhangwei", f"/建单 客户=华东制造 {LONG_TEXT}", "故障现象太长：最多 2000 个字"),
    ("zhangwei", f"/投诉 客户={LONG_NAME} 类别=服务态度 态度生硬", "客户名称太长"),
    ("zhangwei", f"/投诉 客户=华东制造 类别=服务态度 态度生硬 电话={'1' * 40}", "电话太长"),
    ("zhangwei", f"/转派 T1 {'李' * 70}", "转派对象太长：最多 64 个字"),
    # choices, numbers, months, days, people
    ("chenjian", "/投诉确认 C1 也许", "请写 有效 或 无效"),
    ("chenjian", "/处罚登记 王强 联系不上 99999999 电话未接", "“99999999”不是有效的金额，应为 0 到 100000"),
    ("chenjian", "/处罚 张伟 2026-13", "“2026-13”不是月份"),
    ("liujing", "/指标 0202-11", "“0202-11”不是有效的月份（2000 年以后）"),
    ("liujing", "/月报 13月", "不是月份"),
    ("liujing", "/日报 2026-02-30", "2026-02-30"),
    ("zhangwei", "/值班表 13-45", "13-45"),
    ("liujing", "/轮班 11-23 11-27 早班 张伟 按=月", "“按=月”不对，请写 按=周 或 按=日。"),
    ("liujing", "/轮班 11-23", "请写明开始日期和结束日期。"),
]


@pytest.mark.parametrize("who,text,expected", BAD, ids=[t[:24] for _, t, _ in BAD])
async def test_bad_arguments_get_a_chinese_usage_answer_and_change_nothing(chat, who, text,
                                                                           expected):
    await chat.say("zhangwei", "/建单 客户=华东制造 打印凭证时报错")
    answer = await refused(chat, who, text)
    assert expected in answer, answer
    assert "出错" not in answer and "用法：" in answer, answer


async def test_arity_and_type_errors_carry_the_declared_usage(chat):
    answer = await refused(chat, "zhangwei", "/单 T0")
    assert answer.endswith("用法：/单 T编号\n例如：/单 T12"), answer
    answer = await refused(chat, "liujing", "/派工 T1")
    assert "用法：/派工 T编号 工程师 [时间=预约时间]" in answer, answer


async def test_people_are_looked_up_and_an_unknown_name_is_answered(chat):
    await chat.say("zhangwei", "/建单 客户=华东制造 打印凭证时报错")
    assert await refused(chat, "zhangwei", "/转派 T1 不存在的人") == "找不到员工“不存在的人”。"
    assert "已转派给 李娜" in await chat.say("zhangwei", "/转派 T1 lina 熟悉进销存")


@pytest.mark.parametrize("text", ["/", "／", " / ", "／　"])
async def test_a_slash_alone_gets_the_help_hint(chat, text):
    answer = await refused(chat, "zhangwei", text)
    assert answer.startswith("请在 / 后面写命令名，例如 /帮助"), answer


async def test_handlers_receive_typed_values(chat):
    made = await chat.say("zhangwei", "/建单 客户=华东制造 “打印 凭证 报错” 电话=021-62345678 优先级=紧急")
    assert made.startswith("已建单 T1"), made
    assert "T1" in await chat.say("zhangwei", "/单 #t1")
    assert "T1" in await chat.say("zhangwei", "/单 1")
    # A time given either as the option or as the rest of the line.
    await chat.say("zhangwei", "/申请上门 T1 远程连不上")
    assert "预约时间" in await chat.say("liujing", "/派工 T1 王强 明天14:00")
    # The penalty view takes its person and month in either order.
    one = await chat.say("chenjian", "/处罚 张伟 2026-11")
    assert one == await chat.say("chenjian", "/处罚 2026-11 张伟")
    assert one.startswith("处罚记录 2026-11（张伟）")
    assert "警告" in await chat.say("chenjian", "/处罚登记 王强 联系不上 警告 电话未接")


def test_every_usage_line_is_rendered_from_its_declaration():
    usages = {c.name: c.usage for r in all_routers() for c in r.commands}
    assert usages["建单"] == "/建单 客户=客户名称 故障现象 [联系人= 电话= 产品= 优先级= 渠道= 方式= 查重=否 新客户=是]"
    assert usages["完工"] == ("/完工 D编号 签字人=客户签字人 处理结果 "
                              "[原因= 带走数据=授权人 附件=授权书文件 存档=授权书存档编号]")
    assert usages["回访"].startswith("/回访 V或T或D编号 及时=1-5 技能=1-5 态度=1-5")
    assert usages["处罚"] == "/处罚 [人员] [月份]"
    assert usages["轮班"] == "/轮班 开始日期 结束日期 班次 人员… [按=周|日]"
    assert usages["我的"] == "/我的"
    for cmd in (c for r in all_routers() for c in r.commands):
        assert cmd.example.startswith(f"/{cmd.name}"), cmd.name


async def test_a_choice_without_its_own_refusal_lists_the_choices():

    period = Choice("period", "周期", {"周": "week", "日": "day"})
    assert await period.convert(None, "日") == "day"
    with pytest.raises(UsageError) as exc:
        await period.convert(None, "月")
    assert str(exc.value) == "周期应为 周、日 之一，你写的是“月”。"


@pytest.mark.parametrize("letter", list("TDCVFKPRSLM"))
def test_every_object_letter_of_the_command_language(letter):
    from commands.parsing import object_ref

    assert object_ref(f"#{letter.lower()}7", letter) == (letter, 7)
    with pytest.raises(UsageError) as exc:
        object_ref(f"{letter}2147483648", letter)
    assert f"{letter}1 到 {letter}2147483647" in str(exc.value)


async def test_an_ambiguous_person_gets_a_question_and_a_mention_settles_it(chat):
    from storage.models import Staff, Ticket

    await Staff.create(userid="zhangwei2", name="张伟", roles="engineer", team="现场组")
    await chat.say("lina", "/建单 客户=华东制造 打印凭证时报错")
    asked = await refused(chat, "lina", "/转派 T1 张伟")
    assert asked.startswith("“张伟”有多位同名员工，请用 ID 指定："), asked
    assert "张伟（ID zhangwei，热线组）；张伟（ID zhangwei2，现场组）" in asked
    done = await chat.say("lina", "/转派 T1 @张伟", mentions=("zhangwei2",))
    assert "已转派给 张伟" in done, done
    ticket = await Ticket.get(id=1).select_related("offered_to")
    assert ticket.offered_to is not None and ticket.offered_to.userid == "zhangwei2"
