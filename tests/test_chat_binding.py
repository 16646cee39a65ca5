"""Groups bound from chat: /绑定 /解绑 /群 through create_app on the WeCom intelligent robot door
(encrypted callbacks), pushes reaching the bound group at the fake WeCom API, and the CLI."""
from __future__ import annotations

import pytest

from bot import cli, messages as base
from bot.platforms import wecom_bot
from storage.models import AuditLog, Chat
from tests.app_harness import serve_fake, start_bot, wecom_settings
from tests.fakes.callbacks import WeComKeys, wecom_bot_message
from tests.fakes.wecom_api import FakeWeCom

CORP = "wwdeskbotbind001"
SECRET = "bind-app-secret"
AGENT = 1000002
APP = WeComKeys("appToken7", "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG", CORP)
BOT = WeComKeys("botToken9", "ZYXWVUTSRQPONMLKJIHGFEDCBAzyxwvutsrqponmlkj", "")
KEY = "693a91f6-7bbb-4bc4-97a0-0ec2f1a5aaa1"
GROUP, OTHER = "wrHOTLINE01", "wrOTHER0002"


@pytest.fixture
async def wecom(clock, aiohttp_server):
    return await serve_fake(FakeWeCom(clock, corp_id=CORP, secret=SECRET, agent_id=AGENT),
                            aiohttp_server)


@pytest.fixture
async def bot(demo, clock, wecom, aiohttp_client):
    settings = wecom_settings(demo, wecom, corp=CORP, secret=SECRET, agent=AGENT, app=APP,
                              bot=BOT)
    # The demo binds only simulator chats: this center starts with no WeCom group at all.
    await Chat.filter(platform=base.LOCAL).delete()
    return await start_bot(aiohttp_client, settings, clock)


class Group:
    def __init__(self, bot, clock, wecom) -> None:
        self.bot, self.clock, self.wecom, self.n = bot, clock, wecom, 0

    async def say(self, chat: str, user: str, text: str) -> str:
        """Send a group @-mention; the markdown answer posted to its response_url."""
        self.n += 1
        code = f"RC-{self.n}"
        params, body = wecom_bot_message(
            BOT, chatid=chat, chattype="group", userid=user, text=text, msgid=f"m{self.n}",
            response_url=self.wecom.response_url(self.wecom.base, code), at=self.clock)
        resp = await self.bot.client.post(wecom_bot.PATH, params=params, data=body)
        assert resp.status == 200
        await self.bot.settle()
        [answer] = [r for r in self.wecom.received if r.api == "aibot/response" and r.dest == code]
        return answer.content

    def pushes(self, key: str = KEY) -> list[str]:
        return [r.content for r in self.wecom.received if r.api == "webhook/send" and r.dest == key]


@pytest.fixture
def group(bot, clock, wecom) -> Group:
    return Group(bot, clock, wecom)


async def test_bound_hotline_group_receives_new_ticket_announcements(group):
    # Heard from once: registered, unbound, and told how it stands.
    shown = await group.say(GROUP, "zhangwei", "/群")
    assert GROUP in shown and "未绑定" in shown
    chat = await Chat.get(platform=base.WECOM_BOT, chat_key=GROUP)
    assert chat.purpose is None

    answer = await group.say(GROUP, "zhaomin", f"/绑定 热线 推送={KEY}")
    assert "热线群" in answer and "Webhook" in answer
    chat = await Chat.get(platform=base.WECOM_BOT, chat_key=GROUP)
    assert (chat.purpose, chat.push_channel, chat.push_address) == (
        "hotline", base.CH_WECOM_WEBHOOK, KEY)
    audit = await AuditLog.get(command="chat.bind")
    assert (audit.actor, audit.chat) == ("zhaomin", GROUP)

    await group.say(GROUP, "zhangwei", "/建单 客户=华东制造 打印凭证时报错")
    [push] = group.pushes()
    assert "华东制造" in push and "T1" in push

    shown = await group.say(GROUP, "zhangwei", "/群")
    assert GROUP in shown and "热线群" in shown and "群机器人" in shown
    assert KEY not in shown  # the key lets anyone post into the group: only a prefix is shown


async def test_unbound_group_gets_no_pushes(group):
    await group.say(OTHER, "zhangwei", "/群")
    await group.say(GROUP, "zhaomin", f"/绑定 热线 推送={KEY}")
    await group.say(OTHER, "zhangwei", "/建单 客户=华东制造 打印凭证时报错")
    assert len(group.pushes()) == 1
    pushed_to = {r.dest for r in group.wecom.received if r.api == "webhook/send"}
    assert pushed_to == {KEY}
    assert (await Chat.get(chat_key=OTHER)).purpose is None


async def test_unbinding_the_last_hotline_warns_and_stops_pushes(group):
    await group.say(GROUP, "zhaomin", f"/绑定 热线 推送={KEY}")
    answer = await group.say(GROUP, "zhaomin", "/解绑")
    assert "最后一个热线群" in answer
    await group.say(GROUP, "zhangwei", "/建单 客户=华东制造 打印凭证时报错")
    assert group.pushes() == []
    assert await AuditLog.filter(command="chat.bind").count() == 2
    assert "无需解绑" in await group.say(GROUP, "zhaomin", "/解绑")


async def test_bind_needs_admin_or_manager_and_a_known_purpose(group):
    refused = await group.say(GROUP, "zhangwei", "/绑定 热线")
    assert "服务经理" in refused or "管理员" in refused
    unknown = await group.say(GROUP, "zhaomin", "/绑定 食堂")
    assert "不认识的用途" in unknown
    bad = await group.say(GROUP, "zhaomin", "/绑定 热线 推送=not a key")
    assert "推送地址" in bad
    chat = await Chat.get(platform=base.WECOM_BOT, chat_key=GROUP)
    assert (chat.purpose, chat.push_address) == (None, "")
    assert not await AuditLog.filter(command="chat.bind").exists()


async def test_bound_group_without_push_route_says_how_to_set_one(group):
    answer = await group.say(GROUP, "zhaomin", "/绑定 部门负责人")
    assert "部门负责人群" in answer and "推送=" in answer
    assert (await Chat.get(chat_key=GROUP)).purpose == "dept_heads"


@pytest.fixture
def config_file(tmp_path) -> str:
    path = tmp_path / "deskbot.toml"
    path.write_text(f'[database]\nurl = "sqlite://{tmp_path}/cli.sqlite3"\n', encoding="utf-8")
    assert cli.main(["-c", str(path), "migrate"]) == 0
    return str(path)


def test_cli_lists_and_binds_chats(config_file, capsys):
    config = config_file
    assert cli.main(["-c", config, "chats", "bind", "dingtalk", "cidGROUP==", "总部",
                     "--push", "https://oapi.dingtalk.com/robot/send?access_token=abcdef0123456789",
                     "--secret", "SECabc"]) == 0
    assert "总部服务发展部" in capsys.readouterr().out
    assert cli.main(["-c", config, "chats", "list"]) == 0
    out = capsys.readouterr().out
    assert "cidGROUP==" in out and "hq" in out and "钉钉自定义机器人" in out
    assert "abcdef0123456789" not in out
    assert cli.main(["-c", config, "chats", "bind", "dingtalk", "cidGROUP==", "食堂"]) == 2
    assert "不认识的用途" in capsys.readouterr().err


async def test_staff_csv_may_carry_the_dingtalk_staff_id(db, tmp_path):
    from bot.dispatcher import find_actor
    from bot.messages import DINGTALK, PRIVATE, InboundMessage
    from bot.services.directory.imports import import_staff

    csv = tmp_path / "staff.csv"
    csv.write_text("userid,name,roles,dingtalk_id\nzhangwei,张伟,engineer,0123456789\n"
                   "lina,李娜,engineer,\n", encoding="utf-8")
    report = await import_staff(csv)
    assert (report.created, report.errors) == (2, [])
    msg = InboundMessage(platform=DINGTALK, dedupe_key="d1", sender_id="0123456789",
                         chat_type=PRIVATE)
    actor = await find_actor(msg)
    assert actor is not None and actor.userid == "zhangwei"
