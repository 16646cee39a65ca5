"""/帮助: grouped by area, only what the asker may use here, and rule numbers read from the live
configuration at help time (a changed clock or penalty amount changes what help says)."""
from __future__ import annotations

from bot.dispatcher import CommandContext, Dispatcher
from bot.messages import CH_LOCAL, GROUP, LOCAL, PRIVATE, InboundMessage, Reply
from bot.routing import GROUP_ONLY, PRIVATE_ONLY, Router
from bot.settings import load_settings
from commands import help as help_module
from storage.models import Staff


def reconfigure(chat, **tables) -> None:
    """As if deskbot.toml had been edited: new settings, read by the running bot at help time."""
    chat.env.settings = load_settings(None, database__url=chat.env.settings.database.url,
                                      simulator__enabled=True, **tables)


async def test_consult_help_follows_the_configured_clock(chat):
    assert "开始 3 小时答复时限" in await chat.say("zhangwei", "/帮助 会诊")
    reconfigure(chat, clocks__ticket_consult={"target": "5h"},
                clocks__ticket_callback={"target": "1h30m"})
    assert "开始 5 小时答复时限" in await chat.say("zhangwei", "/帮助 会诊")
    assert "开始 1 小时 30 分钟回电时限" in await chat.say("zhangwei", "/帮助 回电")


async def test_complaint_help_shows_working_day_clocks(chat):
    answer = await chat.say("chenjian", "/帮助 投诉确认")
    assert "一般投诉 3 个工作日、重大投诉 5 个工作日内给出" in answer, answer
    reconfigure(chat, clocks__plan_major={"target": "7wd"})
    assert "重大投诉 7 个工作日内给出" in await chat.say("chenjian", "/帮助 投诉确认")


async def test_penalty_help_follows_the_configured_amounts(chat):
    fine = await chat.say("chenjian", "/帮助 处罚登记")
    assert "会议迟到 2 元，缺席 10 元" in fine and "联系不上 警告（0）或 20-50 元" in fine, fine
    reconfigure(chat, penalties__rules={"meeting_late": {"amount": 5}, "absent": {"amount": 30},
                                        "unreachable": {"enabled": False}})
    fine = await chat.say("chenjian", "/帮助 处罚登记")
    assert "会议迟到 5 元，缺席 30 元" in fine and "联系不上 （未启用）" in fine, fine
    ledger = await chat.say("zhangwei", "/帮助 处罚")
    assert "会议迟到 5 元，缺席 30 元" in ledger and "有效投诉 200 元" in ledger, ledger


async def test_kpi_help_follows_the_configured_targets(chat):
    assert "目标低于 5%" in await chat.say("liujing", "/帮助 指标")
    reconfigure(chat, reports__complaint_rate_target=0.03, reports__satisfaction_target=0.9)
    answer = await chat.say("liujing", "/帮助 指标")
    assert "目标低于 3%" in answer and "目标不低于 90%" in answer, answer


async def test_every_command_help_shows_declared_usage_one_example_and_no_template(chat):
    for cmd in chat.dispatcher.commands:
        answer = await chat.say("admin", f"/帮助 {cmd.name}")
        assert f"用法：{cmd.usage}\n例如：{cmd.example}" in answer, answer
        assert "{" not in answer and "}" not in answer, answer


async def test_the_overview_is_grouped_by_area_and_filtered_by_role(chat):
    engineer = await chat.say("zhangwei", "/帮助")
    assert engineer.index("【热线工单】") < engineer.index("/建单（/new）") < \
        engineer.index("【上门服务】") < engineer.index("/接受派工")
    assert "【报表】" not in engineer and "/派工（" not in engineer
    manager = await chat.say("liujing", "/帮助")
    assert "【报表】\n/指标（/kpi）" in manager and "/派工（/dispatch）" in manager
    sales = await chat.say("sunli", "/帮助")
    assert "【通用】" in sales and "/建单" not in sales and "【值班】" in sales


def _ctx(env, dispatcher: Dispatcher, chat_type: str) -> CommandContext:
    msg = InboundMessage(platform=LOCAL, dedupe_key="h", sender_id="u1", chat_type=chat_type,
                         chat_id="g" if chat_type == GROUP else "", text="/帮助", mentions=(),
                         reply=Reply(channel=CH_LOCAL, address="user:u1"), action=None,
                         sent_at=0.0)
    ctx = CommandContext(env=env, msg=msg, dispatcher=dispatcher)
    ctx.actor = Staff(userid="u1", name="甲", roles="engineer")
    return ctx


def test_the_overview_shows_only_what_may_be_used_in_this_chat(env):
    extra = Router("roster")

    @extra.command("私聊命令", where=PRIVATE_ONLY)
    async def private_one(ctx):
        """只在私聊。"""

    @extra.command("群命令", where=GROUP_ONLY)
    async def group_one(ctx):
        """只在群里。"""

    d = Dispatcher(env, [help_module.router, extra])
    in_private = help_module.overview(_ctx(env, d, PRIVATE))
    in_group = help_module.overview(_ctx(env, d, GROUP))
    assert "/私聊命令" in in_private and "/群命令" not in in_private
    assert "/群命令" in in_group and "/私聊命令" not in in_group
    assert "（仅私聊）" in help_module.one_command(_ctx(env, d, GROUP), d.find("私聊命令"))
