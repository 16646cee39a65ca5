"""The WeCom sender against the fake WeCom server: tokens, error codes, every message shape."""
from __future__ import annotations

import base64
import hashlib
import json

import aiohttp
import pytest

from bot import messages as base
from bot.messages import CARD, FILE, IMAGE, MARKDOWN, Button, OutboundMessage
from bot.settings import load_settings
from notifiers import render, texts
from notifiers.senders.base import SendFailed, SendRetry
from notifiers.senders.wecom import WeComSender
from tests.fakes.wecom_api import FakeWeCom


@pytest.fixture
async def wecom(aiohttp_server, clock):
    fake = FakeWeCom(clock)
    server = await aiohttp_server(fake.app())
    url = str(server.make_url("")).rstrip("/")
    settings = load_settings(None, wecom__enabled=True, wecom__corp_id=fake.corp_id,
                             wecom__secret=fake.secret, wecom__agent_id=fake.agent_id,
                             wecom__api_base=url)
    async with aiohttp.ClientSession() as session:
        sender = WeComSender(settings, session, clock=clock)
        sender.base_url = url  # for tests that build platform URLs
        yield fake, sender


def app_msg(text: str, **kw) -> OutboundMessage:
    return OutboundMessage(channel=base.CH_WECOM_APP, address="zhangsan", text=text, **kw)


async def test_one_gettoken_reused_across_sends(wecom):
    fake, sender = wecom
    for i in range(5):
        await sender.send(app_msg(f"第{i}条"), f"k{i}")
    assert fake.gettoken_calls == 1
    assert fake.contents("message/send", "zhangsan") == [f"第{i}条" for i in range(5)]


async def test_token_refetched_once_on_42001(wecom, clock):
    fake, sender = wecom
    await sender.send(app_msg("一"), "k1")
    clock.advance(seconds=600)
    fake.expire_tokens()
    await sender.send(app_msg("二"), "k2")
    assert fake.gettoken_calls == 2
    assert fake.contents("message/send") == ["一", "二"]


async def test_token_refetched_before_it_expires(wecom, clock):
    fake, sender = wecom
    await sender.send(app_msg("一"), "k1")
    clock.advance(seconds=7000)  # inside the renewal margin of a 7200 s token
    await sender.send(app_msg("二"), "k2")
    assert fake.gettoken_calls == 2
    assert "42001" not in json.dumps(fake.calls)


async def test_token_still_invalid_after_one_refetch_is_a_retry(wecom):
    fake, sender = wecom
    fake.fail(40014, api="message/send", times=2)
    with pytest.raises(SendRetry):
        await sender.send(app_msg("一"), "k1")
    assert fake.gettoken_calls == 2  # the first token, and exactly one refetch
    assert fake.received == []


@pytest.mark.parametrize("code,wait", [(45009, 60.0), (45033, 2.0), (-1, 2.0)])
async def test_backoff_codes_raise_send_retry(wecom, code, wait):
    fake, sender = wecom
    fake.fail(code, api="message/send")
    with pytest.raises(SendRetry) as err:
        await sender.send(app_msg("一"), "k1")
    assert err.value.retry_after == wait
    await sender.send(app_msg("一"), "k1")
    assert fake.contents("message/send") == ["一"]


async def test_wrong_secret_fails_for_good(aiohttp_server, clock):
    fake = FakeWeCom(clock)
    server = await aiohttp_server(fake.app())
    settings = load_settings(None, wecom__corp_id=fake.corp_id, wecom__secret="wrong",
                             wecom__agent_id=fake.agent_id,
                             wecom__api_base=str(server.make_url("")).rstrip("/"))
    async with aiohttp.ClientSession() as session:
        with pytest.raises(SendFailed, match="40001"):
            await WeComSender(settings, session, clock=clock).send(app_msg("一"), "k1")


async def test_long_text_split_at_2048_bytes_never_inside_a_character(wecom):
    fake, sender = wecom
    text = "\n".join(f"第{i:03d}行：打印凭证时报错，请检查打印机驱动😀" for i in range(150))
    assert render.byte_len(text) > 3 * 2048
    await sender.send(app_msg(text), "k1")
    got = fake.contents("message/send")
    assert len(got) >= 4
    assert all(render.byte_len(c) <= 2048 for c in got)
    assert "".join(got) == text
    assert fake.truncated == 0


async def test_long_markdown_split_at_4096_bytes(wecom):
    fake, sender = wecom
    text = "".join(f"**工单 T{i}** 客户反馈凭证打印失败\n" for i in range(400))
    await sender.send(app_msg(text, kind=MARKDOWN), "k1")
    got = fake.contents("message/send")
    assert all(render.byte_len(c) <= 4096 for c in got)
    assert max(render.byte_len(c) for c in got) > 2048
    assert "".join(got) == text
    assert fake.truncated == 0


def test_split_utf8_keeps_every_character():
    text = "a😀b中" * 1000
    for limit in (4, 5, 7, 100, 2048):
        pieces = render.split_utf8(text, limit)
        assert "".join(pieces) == text
        assert all(0 < render.byte_len(p) <= limit for p in pieces)


async def test_identical_messages_both_arrive_because_their_marks_differ(wecom):
    fake, sender = wecom
    await sender.send(app_msg("同一条"), "k1")
    await sender.send(app_msg("同一条"), "k2")
    assert fake.contents("message/send") == ["同一条", "同一条"]
    assert fake.duplicates == []
    assert fake.received[0].body["enable_duplicate_check"] == 1


async def test_a_row_sent_again_after_a_killed_relay_is_dropped_by_wecom(wecom):
    """The relay is killed between WeCom's "ok" and marking the row sent: the next relay sends
    the same row again, and WeCom's duplicate check drops it, so the member reads it once."""
    fake, sender = wecom
    long_text = "行" * 1500  # several pieces: each is marked apart and each repeat is dropped
    for _ in range(2):
        await sender.send(app_msg("只一次"), "row-7")
        await sender.send(app_msg(long_text), "row-8")
    assert fake.contents("message/send")[0] == "只一次"
    assert "".join(fake.contents("message/send")[1:]) == long_text
    pieces = len(render.parts(app_msg(long_text)))
    assert pieces > 1
    assert len(fake.received) == len(fake.duplicates) == 1 + pieces


async def test_fake_wecom_drops_an_identical_body_when_duplicate_check_is_on(wecom, clock):
    """The fake behaves as WeCom does: with enable_duplicate_check=1, a body identical to one
    sent to the same member within duplicate_check_interval (1800 s by default) is dropped,
    silently, with errcode 0."""
    fake, sender = wecom

    async def post(text: str, to: str = "zhangsan", **check) -> dict:
        token = await sender.tokens.get()
        body = {"touser": to, "agentid": fake.agent_id, "msgtype": "text",
                "text": {"content": text}, "enable_duplicate_check": 1, **check}
        async with aiohttp.ClientSession() as s:
            async with s.post(f"{sender.base_url}/cgi-bin/message/send",
                              params={"access_token": token}, json=body) as resp:
                return await resp.json()

    assert (await post("同一条"))["errcode"] == 0
    assert (await post("同一条"))["errcode"] == 0  # dropped, yet "ok"
    assert (await post("同一条", to="lisi"))["errcode"] == 0  # another member: delivered
    clock.advance(seconds=1801)
    assert (await post("同一条"))["errcode"] == 0  # past the default interval: delivered
    assert (await post("同一条", duplicate_check_interval=3600))["errcode"] == 0  # dropped
    assert [(r.dest, r.content) for r in fake.received] == [
        ("zhangsan", "同一条"), ("lisi", "同一条"), ("zhangsan", "同一条")]
    assert len(fake.duplicates) == 2


async def test_button_card_and_its_update_after_a_click(wecom):
    fake, sender = wecom
    card = app_msg("客户：某某医院\n打印凭证时报错", kind=CARD, title="新工单 T12",
                   buttons=(Button("claim:T12", "接单"), Button("view:T12", "查看")),
                   task_id="ticket-T12-1")
    await sender.send(card, "new:T12")
    body = fake.received[0].body
    assert body["msgtype"] == "template_card"
    tc = body["template_card"]
    assert tc["card_type"] == "button_interaction"
    assert tc["task_id"] == "ticket-T12-1"
    assert [b["key"] for b in tc["button_list"]] == ["claim:T12", "view:T12"]
    assert tc["main_title"]["title"] == "新工单 T12"

    # what the click callback carries as ResponseCode
    code = fake.issue_response_code("ticket-T12-1", "zhangsan")
    taken = OutboundMessage(channel=base.CH_WECOM_CARD_UPDATE, address=code,
                            kind=base.CARD_UPDATE, title="新工单 T12", task_id="ticket-T12-1",
                            text="状态：已由 张三 接单", extra={"state": "已由 张三 接单"})
    await sender.send(taken, "taken:T12")
    assert fake.card_updates[0]["button"] == {"replace_name": "已由 张三 接单"}
    assert fake.card_updates[0]["response_code"] == code
    assert fake.card_updates[0]["atall"] == 1
    assert fake.card("ticket-T12-1", "zhangsan")["replaced_by"] == "已由 张三 接单"
    with pytest.raises(SendFailed):  # a ResponseCode is good for one update only
        await sender.send(taken, "taken:T12b")


async def test_card_update_with_a_spent_code_tells_the_member_afresh(wecom):
    fake, sender = wecom
    code = fake.issue_response_code("claim-T3", "zhangsan")
    first = OutboundMessage(channel=base.CH_WECOM_CARD_UPDATE, address=code,
                            kind=base.CARD_UPDATE, title="新工单 T3", task_id="claim-T3",
                            text="状态：已由 张三 接单",
                            extra={"state": "已由 张三 接单", "userid": "zhangsan"})
    await sender.send(first, "card:1:v1")
    second = OutboundMessage(channel=base.CH_WECOM_CARD_UPDATE, address=code,
                             kind=base.CARD_UPDATE, title="新工单 T3", task_id="claim-T3",
                             text="状态：已由 张三 解决",
                             extra={"state": "已由 张三 解决", "userid": "zhangsan"})
    await sender.send(second, "card:1:v2")
    assert len(fake.card_updates) == 1
    assert fake.contents("message/send", "zhangsan") == ["新工单 T3\n状态：已由 张三 解决"]


async def test_card_update_after_72_hours_is_refused_and_sent_afresh(wecom, clock):
    fake, sender = wecom
    code = fake.issue_response_code("claim-T4", "zhangsan")
    clock.advance(hours=72)
    await sender.send(OutboundMessage(channel=base.CH_WECOM_CARD_UPDATE, address=code,
                                      kind=base.CARD_UPDATE, title="新工单 T4",
                                      task_id="claim-T4", text="状态：已撤单",
                                      extra={"state": "已撤单", "userid": "zhangsan"}),
                      "card:2:v1")
    assert fake.card_updates == []
    assert fake.contents("message/send", "zhangsan") == ["新工单 T4\n状态：已撤单"]


async def test_card_task_id_is_made_safe_from_the_dedupe_key(wecom):
    fake, sender = wecom
    await sender.send(app_msg("x", kind=CARD, buttons=(Button("claim:T1", "接单"),)),
                      "ticket:T1/new#0")
    assert fake.received[0].body["template_card"]["task_id"] == "ticket_T1_new_0"


async def test_appchat_create_then_send(wecom):
    fake, sender = wecom
    chatid = await sender.create_appchat("热线群", "zhangsan", ["zhangsan", "lisi"])
    await sender.send(OutboundMessage(channel=base.CH_WECOM_APPCHAT, address=chatid,
                                      text="群里的通知"), "k1")
    await sender.send(OutboundMessage(channel=base.CH_WECOM_APPCHAT, address=chatid,
                                      kind=CARD, text="新工单", buttons=(Button("c", "接单"),)),
                      "k2")
    got = fake.contents("appchat/send", chatid)
    assert got[0] == "群里的通知"
    assert "接单" in got[1] and fake.received[1].msgtype == "text"


async def test_webhook_text_with_mentions_and_markdown(wecom):
    fake, sender = wecom
    await sender.send(OutboundMessage(channel=base.CH_WECOM_WEBHOOK, address="hook-key",
                                      text="请接单", mentions=("zhangsan", "lisi")), "k1")
    await sender.send(OutboundMessage(channel=base.CH_WECOM_WEBHOOK,
                                      address="https://qyapi.weixin.qq.com/cgi-bin/webhook/send"
                                              "?key=hook-key", kind=MARKDOWN,
                                      text="**超时**", mentions=("wangwu",)), "k2")
    text, md = fake.received
    assert text.body["text"] == {"content": "请接单", "mentioned_list": ["zhangsan", "lisi"]}
    assert md.dest == "hook-key"  # the official URL was pointed at the configured host
    assert md.body["markdown"]["content"] == "**超时**\n<@wangwu>"


async def test_response_url_answered_once_with_markdown_cut_to_fit(wecom):
    fake, sender = wecom
    url = fake.response_url("https://qyapi.weixin.qq.com", "resp1")
    await sender.send(OutboundMessage(channel=base.CH_WECOM_RESPONSE, address=url,
                                      text="好" * 3000), "k1")
    got = fake.received[0]
    assert got.api == "aibot/response" and got.msgtype == "markdown"
    assert render.byte_len(got.content) <= 4096
    assert got.content.endswith(texts.TRUNCATED)


async def test_image_uploaded_then_sent_to_member_chat_and_webhook(wecom, tmp_path):
    fake, sender = wecom
    png = tmp_path / "chart.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    chatid = await sender.create_appchat("经理群", "zhangsan", ["zhangsan", "lisi"])
    for channel, address in ((base.CH_WECOM_APP, "zhangsan"),
                             (base.CH_WECOM_APPCHAT, chatid),
                             (base.CH_WECOM_WEBHOOK, "hook-key")):
        await sender.send(OutboundMessage(channel=channel, address=address, kind=IMAGE,
                                          file_path=str(png)), f"img:{channel}")
    app, chat, hook = fake.received
    assert fake.media[app.body["image"]["media_id"]] == ("image", "chart.png", png.read_bytes())
    assert chat.body["image"]["media_id"] in fake.media
    assert base64.b64decode(hook.body["image"]["base64"]) == png.read_bytes()
    assert hook.body["image"]["md5"] == hashlib.md5(png.read_bytes()).hexdigest()


async def test_file_to_member_and_webhook(wecom, tmp_path):
    fake, sender = wecom
    xlsx = tmp_path / "月报.xlsx"
    xlsx.write_bytes(b"PK\x03\x04 workbook")
    await sender.send(OutboundMessage(channel=base.CH_WECOM_APP, address="zhangsan", kind=FILE,
                                      file_path=str(xlsx)), "f1")
    await sender.send(OutboundMessage(channel=base.CH_WECOM_WEBHOOK, address="hook-key",
                                      kind=FILE, file_path=str(xlsx)), "f2")
    assert [r.msgtype for r in fake.received] == ["file", "file"]
    assert all(fake.media[r.body["file"]["media_id"]][2] == xlsx.read_bytes()
               for r in fake.received)


async def test_missing_file_fails_for_good(wecom, tmp_path):
    _, sender = wecom
    with pytest.raises(SendFailed):
        await sender.send(OutboundMessage(channel=base.CH_WECOM_APP, address="zhangsan",
                                          kind=IMAGE, file_path=str(tmp_path / "none.png")), "k")


async def test_fake_drops_silently_above_30_a_minute_per_member(wecom, clock):
    fake, sender = wecom
    for i in range(31):
        await sender.send(app_msg(f"n{i}"), f"k{i}")  # no error: WeCom answers ok
    assert len(fake.received) == 30 and len(fake.dropped) == 1
    clock.advance(seconds=61)
    await sender.send(app_msg("later"), "k-later")
    assert fake.contents("message/send")[-1] == "later"
