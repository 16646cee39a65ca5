"""Issue 15: the smaller defects fixed by the hotfix branch, one test each, asserting the answer."""
import json
import re
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot import texts as bot_texts
from bot.platforms import local
from bot.platforms.local import render_page
from bot.services.chats import texts as chat_texts
from bot.services.deadlines import clocks
from commands import texts as command_texts
from storage.models import Deadline
from tests.test_dispatches import refused


def bj(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute,
                    tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(timezone.utc)


async def test_plain_words_get_a_pointer_that_matches_the_truth(chat):
    pointer = "你可以直接发送命令，如“我的”；发送“帮助”查看全部命令。"
    assert await refused(chat, "zhangwei", "你好") == pointer
    # What the pointer promises works: slash-less commands in a private chat.
    assert (await chat.say("zhangwei", "我的")).startswith("你")
    assert "/建单" in await chat.say("zhangwei", "帮助")
    # In a group the bot only hears @-mentions: the pointer says so.
    assert await chat.say("zhangwei", "你好", chat="hotline") == \
        "@我 后直接写命令即可，如“我的”；写“帮助”查看全部命令。"


async def test_services_completed_today_are_due_for_a_visit(chat, env, clock):
    assert await chat.say("chenjian", "/待回访") == "没有待回访的服务，也没有待处理的回访问题。"
    await chat.say("zhangwei", "/建单 客户=华东制造 打印凭证时报错")
    await chat.say("lina", "/接单 T1")
    clock.advance(hours=1)
    await chat.say("lina", "/解决 T1 重装打印控件")
    assert await chat.say("chenjian", "/待回访") == (
        "最近完成、尚未列入回访单 1 项（可直接 /回访 T编号 或 D编号 记录）：\n"
        "· T1 华东制造有限公司［热线］打印凭证时报错（李娜，11-23 10:00 完成）")
    assert (await chat.say("chenjian", "/回访 T1 及时=5 技能=5 态度=5")).startswith("已记录回访 V1")
    assert await chat.say("chenjian", "/待回访") == "没有待回访的服务，也没有待处理的回访问题。"


async def test_contact_lines_leave_no_dangling_dash(chat):
    await chat.say("zhangwei", "/建单 客户=华东制造 服务器上账套无法打开 联系人=周出纳")
    await chat.say("zhangwei", "/接单 T1")
    await chat.say("zhangwei", "/申请上门 T1 远程连不上服务器")
    await chat.skip_pushes()
    await chat.say("liujing", "/派工 T1 王强")
    [card] = [p.msg for p in await chat.pushes(address="user:wangqiang") if p.msg.kind == "card"]
    # 周出纳 left no number: the card names them alone, not with the archive's first contact's.
    assert "\n联系人：周出纳\n" in card.text
    assert "你负责的 T1 已派工 D1 给 王强。" in [p.text for p in await chat.pushes(
        address="user:zhangwei", new=False)]
    await chat.say("zhangwei", "/建单 客户=华东制造 打印报错 查重=否")
    await chat.say("liujing", "/派工 T2 李娜")
    [card] = [p.msg for p in await chat.pushes(address="user:lina") if p.msg.kind == "card"]
    assert "\n联系人：王会计 13900000001\n" in card.text

    await chat.say("zhangwei", "/投诉 客户=华东制造 类别=服务态度 回电太慢 联系人=周出纳")
    assert "联系人：周出纳；关联工单：-" in await chat.say("chenjian", "/投诉单 C1")
    await chat.say("chenjian", "/投诉确认 C1 有效 责任人=张伟")
    [notice] = [p.text for p in await chat.pushes(address="user:zhangwei")
                if p.text.startswith("【投诉处理】C1")]
    assert "\n联系人：周出纳\n" in notice


def _page_labels() -> dict:
    page = render_page()
    return json.loads(re.search(r'<script id="sim-texts" type="application/json">(.*?)</script>',
                                page, re.S).group(1))


def test_simulator_names_roles_and_groups_as_the_bot_does():
    labels = _page_labels()
    assert labels["roles"]["supervisor"] == "服务监督员" and labels["roles"]["sales"] == "业务人员"
    assert labels["roles"] == command_texts.ROLE_NAMES
    assert labels["purposes"]["supervisors"] == "质量监督群"
    assert labels["purposes"] == chat_texts.PURPOSE_NAMES
    static = Path(local.__file__).parent / "static"
    for name in ("sim.html", "sim.js", "sim.css"):
        assert "主管" not in (static / name).read_text(encoding="utf-8"), name
    assert "主管" not in render_page()


@pytest.mark.skipif(shutil.which("node") is None, reason="node runs the page's script")
def test_simulator_keeps_the_newest_message_in_view_when_an_image_loads():
    # The page's own sim.js in node against a small fake browser (tests/sim_page_check.js).
    here = Path(__file__).parent
    run = subprocess.run(
        ["node", str(here / "sim_page_check.js"), str(Path(local.__file__).parent / "static/sim.js"),
         json.dumps(bot_texts.SIM_PAGE, ensure_ascii=False)],
        capture_output=True, text=True, timeout=60, check=True)
    assert json.loads(run.stdout) == {"at_bottom_after_load": True, "kept_reading_position": True,
                                      "follows_again": True, "images": 3}


def test_simulator_page_says_why_it_is_empty_without_javascript():
    page = render_page()
    assert ('<noscript><div class="noscript">模拟器页面需要 JavaScript 才能收发消息：'
            '请在浏览器中启用 JavaScript，然后刷新本页。</div></noscript>') in page


async def test_a_new_priority_re_times_the_running_clocks(chat, env, clock):
    await chat.say("zhangwei", "/建单 客户=华东制造 打印凭证时报错")
    clock.advance(minutes=2)
    answer = await chat.say("zhangwei", "/改单 T1 优先级=紧急")
    assert answer == ("已修改 T1：\n优先级：普通 → 紧急\n"
                      "接单时限：截止 11-23 09:15 → 11-23 09:05（剩余 3 分钟）")
    row = await Deadline.get(object_type="ticket", object_id=1, clock="ticket_claim")
    assert (row.tier, row.due_at) == ("紧急", bj(23, 9, 5))
    assert "张伟 修改：优先级：普通 → 紧急；接单时限：截止 11-23 09:15 → 11-23 09:05" in \
        await chat.say("zhangwei", "/单 T1")
    # The new clock runs: due at 09:05, escalated then, not at 09:15.
    await chat.skip_pushes()
    clock.set(bj(23, 9, 5))
    await clocks.tick_until_idle(env)
    assert any(p.text.startswith("【接单超时·1级升级】T1") for p in await chat.pushes())
    # Back to 普通 within the old 15 minutes: no longer overdue, and nothing escalated twice.
    clock.set(bj(23, 9, 8))
    assert (await chat.say("liujing", "/改单 T1 优先级=普通")).endswith(
        "接单时限：截止 11-23 09:05 → 11-23 09:15（剩余 7 分钟）")
    row = await Deadline.get(object_type="ticket", object_id=1, clock="ticket_claim")
    assert (row.state, row.level, row.breached_at) == ("running", 0, None)


async def test_a_new_priority_re_times_a_paused_clock_from_its_start(chat, env, clock):
    await chat.say("zhangwei", "/建单 客户=华东制造 打印凭证时报错")
    await chat.say("zhangwei", "/接单 T1")
    await chat.say("zhangwei", "/回电 T1 查补丁")  # the 1-hour callback clock, 紧急: 30 minutes
    row = await Deadline.get(object_type="ticket", object_id=1, clock="ticket_callback")
    assert row.due_at == bj(23, 10)
    clock.set(bj(23, 9, 10))
    await clocks.pause(env, "ticket", 1, "ticket_callback")
    clock.set(bj(23, 9, 40))
    answer = await chat.say("zhangwei", "/改单 T1 优先级=紧急")
    assert answer.endswith("回电时限：截止 11-23 10:00 → 11-23 09:30（已暂停（剩余 20 分钟））")
    await clocks.resume(env, "ticket", 1, "ticket_callback")
    row = await Deadline.get(id=row.id)
    assert (row.state, row.due_at) == ("running", bj(23, 10))


async def test_claim_on_a_ticket_resolved_for_the_owner_names_who_resolved_it(chat, clock):
    await chat.say("zhangwei", "/建单 客户=华东制造 打印凭证时报错")
    await chat.say("lina", "/接单 T1")
    clock.advance(minutes=20)
    assert (await chat.say("liujing", "/解决 T1 重装打印控件")).startswith("T1 已解决")
    assert await refused(chat, "wangqiang", "/接单 T1") == (
        "T1 已由 刘静 于 11-23 09:20 解决，不能再接单；如问题没有解决，可用 /重开 T1 原因 重新打开。")


async def test_the_owner_is_told_to_act_and_the_managers_to_chase(chat, env, clock):
    await chat.say("zhangwei", "/建单 客户=华东制造 打印凭证时报错")
    await chat.say("zhangwei", "/接单 T1")
    await chat.say("zhangwei", "/回电 T1 查补丁")
    await chat.skip_pushes()
    clock.set(bj(23, 10))
    await clocks.tick_until_idle(env)
    got = {p.msg.address: p.text for p in await chat.pushes() if "回电超时" in p.text}
    assert got == {
        "user:zhangwei": "【回电超时·1级升级】T1 华东制造有限公司 打印凭证时报错：已到截止时间（截止 11-23 10:00）。"
                         "你是负责人，请立即处理。",
        "chat:managers": "【回电超时·1级升级】T1 华东制造有限公司 打印凭证时报错：已到截止时间（截止 11-23 10:00）。"
                         "负责人：张伟，请督促处理。"}
