"""Every message kind understood or answered: pictures and files downloaded through the fake
platform APIs and kept with tickets, rich and mixed text run as commands, other kinds answered."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.platforms import dingtalk, wecom_app, wecom_bot
from bot.settings import load_settings
from storage.models import (
    ChangeRequest,
    InboundEvent,
    RequestAttachment,
    Ticket,
    TicketAttachment,
)
from tests.app_harness import start_bot
from tests.fakes.callbacks import (
    WeComKeys,
    dingtalk_message,
    wecom_app_text,
    wecom_bot_encrypt,
    wecom_encrypt_xml,
)
from tests.fakes.media_api import FakeDingTalkMedia, FakeWeComMedia

CORP, SECRET, AGENT = "wwdeskbotfile001", "file-app-secret", 1000002
APP = WeComKeys("appToken7", "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG", CORP)
BOT = WeComKeys("botToken9", "ZYXWVUTSRQPONMLKJIHGFEDCBAzyxwvutsrqponmlkj", "")
APP_KEY, DING_SECRET, ROBOT = "dingfileappkey", "file-dingtalk-secret", "dingfilerobot"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(200))
CREATE = "/建单 客户=华东制造 打印凭证时报错"


@pytest.fixture
async def fakes(clock, aiohttp_server):
    wecom = FakeWeComMedia(clock, corp_id=CORP, secret=SECRET, agent_id=AGENT)
    ding = FakeDingTalkMedia(clock, app_key=APP_KEY, app_secret=DING_SECRET, robot_code=ROBOT)
    for fake in (wecom, ding):
        server = await aiohttp_server(fake.app())
        fake.base = str(server.make_url("")).rstrip("/")
    return wecom, ding


@pytest.fixture
async def bot(demo, clock, fakes, aiohttp_client, tmp_path):
    wecom, ding = fakes
    settings = load_settings(
        None, database__url=demo, simulator__enabled=True, files__dir=str(tmp_path / "files"),
        wecom__enabled=True, wecom__corp_id=CORP, wecom__secret=SECRET, wecom__agent_id=AGENT,
        wecom__token=APP.token, wecom__encoding_aes_key=APP.encoding_aes_key,
        wecom__api_base=wecom.base, wecom__bot__enabled=True, wecom__bot__token=BOT.token,
        wecom__bot__encoding_aes_key=BOT.encoding_aes_key,
        dingtalk__enabled=True, dingtalk__app_key=APP_KEY, dingtalk__app_secret=DING_SECRET,
        dingtalk__robot_code=ROBOT, dingtalk__api_base=ding.base, dingtalk__oapi_base=ding.base)
    return await start_bot(aiohttp_client, settings, clock)


def stored(tmp_path: Path, row: TicketAttachment) -> bytes:
    return (tmp_path / "files" / row.path).read_bytes()


async def ding_post(bot, clock, ding, msg_id: str, **changes) -> str:
    """A DingTalk robot message changed as given; the text answered through the session."""
    webhook, _ = ding.new_session(ding.base)
    headers, body = dingtalk_message(DING_SECRET, msg_id=msg_id, sender_staff_id="zhangwei",
                                     text="", at=clock, robot_code=ROBOT, session_webhook=webhook)
    data = {**json.loads(body), **changes}
    if "msgtype" in changes:
        data.pop("text")
    resp = await bot.client.post(dingtalk.PATH, headers=headers, data=json.dumps(data).encode())
    assert resp.status == 200
    await bot.settle()
    session = webhook.rpartition("session=")[2]
    [answer] = [r for r in ding.received if r.dest == session]
    return answer.content


async def wecom_app_post(bot, clock, wecom, plain_fields: str, msg_id: str) -> str:
    ts = int(clock.now().timestamp())
    plain = (f"<xml><ToUserName>{CORP}</ToUserName><FromUserName>lina</FromUserName>"
             f"<CreateTime>{ts}</CreateTime>{plain_fields}<MsgId>{msg_id}</MsgId>"
             f"<AgentID>{AGENT}</AgentID></xml>")
    params, body = wecom_encrypt_xml(APP, plain, at=clock, agent_id=AGENT)
    return await _wecom_app_send(bot, wecom, params, body)


async def _wecom_app_send(bot, wecom, params, body) -> str:
    before = len(wecom.received)
    assert (await bot.client.post(wecom_app.PATH, params=params, data=body)).status == 200
    await bot.settle()
    return "\n".join(r.content for r in wecom.received[before:] if r.dest == "lina")


async def test_dingtalk_rich_text_new_ticket_keeps_its_picture(bot, clock, fakes, tmp_path):
    _, ding = fakes
    ding.add_download("dlcode-1", PNG, "screen.png")
    answer = await ding_post(bot, clock, ding, "rt-1", msgtype="richText", content={"richText": [
        {"text": CREATE}, {"type": "picture", "downloadCode": "dlcode-1"}]})
    ticket = await Ticket.get()
    assert answer.startswith(f"已建单 T{ticket.id}") and "已将 1 个附件（图片）附到" in answer
    [row] = await TicketAttachment.filter(ticket_id=ticket.id)
    assert (row.kind, row.sender, row.platform) == ("image", "zhangwei", "dingtalk")
    assert stored(tmp_path, row) == PNG
    shown = await ding_post(bot, clock, ding, "rt-2", text={"content": f"/单 T{ticket.id}"})
    assert "附件：" in shown and "图片" in shown


async def test_wecom_app_image_after_attach_command_goes_to_that_ticket(bot, clock, fakes,
                                                                         tmp_path):
    wecom, _ = fakes
    wecom.add_download("MEDIA-1", PNG, "photo.png")
    params, body = wecom_app_text(APP, "lina", CREATE, "w1", at=clock, agent_id=AGENT)
    await _wecom_app_send(bot, wecom, params, body)
    ticket = await Ticket.get()
    params, body = wecom_app_text(APP, "lina", f"/附件 T{ticket.id}", "w2", at=clock,
                                  agent_id=AGENT)
    assert "分钟内发送" in await _wecom_app_send(bot, wecom, params, body)
    answer = await wecom_app_post(
        bot, clock, wecom, "<MsgType>image</MsgType><PicUrl>http://p</PicUrl>"
        "<MediaId>MEDIA-1</MediaId>", "w3")
    assert f"附到 T{ticket.id}" in answer
    [row] = await TicketAttachment.filter(ticket_id=ticket.id)
    assert (row.name, stored(tmp_path, row)) == ("photo.png", PNG)


async def test_picture_with_no_ticket_named_is_answered_and_not_kept(bot, clock, fakes, tmp_path):
    wecom, _ = fakes
    wecom.add_download("MEDIA-2", PNG)
    answer = await wecom_app_post(bot, clock, wecom, "<MsgType>image</MsgType>"
                                  "<MediaId>MEDIA-2</MediaId>", "w9")
    assert "/附件 T编号" in answer
    assert not await TicketAttachment.exists()
    assert "media/get" not in wecom.calls  # nothing downloaded that nobody will keep
    assert not (tmp_path / "files").exists()


async def test_voice_and_audio_get_a_chinese_answer(bot, clock, fakes):
    wecom, ding = fakes
    answer = await wecom_app_post(bot, clock, wecom, "<MsgType>voice</MsgType>"
                                  "<MediaId>V1</MediaId><Format>amr</Format>", "w5")
    assert "暂不支持语音消息" in answer and "/建单" in answer
    answer = await ding_post(bot, clock, ding, "au-1", msgtype="audio",
                             content={"downloadCode": "x", "duration": 3})
    assert "暂不支持语音消息" in answer
    assert await InboundEvent.filter(processed_at=None).count() == 0
    assert not await Ticket.exists()


async def test_failed_download_changes_nothing(bot, clock, fakes, tmp_path):
    _, ding = fakes
    answer = await ding_post(bot, clock, ding, "rt-9", msgtype="richText", content={"richText": [
        {"text": CREATE}, {"type": "picture", "downloadCode": "gone"}]})
    assert "附件下载失败" in answer
    assert not await Ticket.exists() and not await TicketAttachment.exists()


async def test_wecom_robot_mixed_message_keeps_its_decrypted_image(bot, clock, fakes, tmp_path):
    wecom, _ = fakes
    url = wecom.add_robot_image("img-1", BOT.encoding_aes_key, PNG)
    mixed = {"msgid": "mx-1", "aibotid": "A", "chatid": "wrG1", "chattype": "group",
             "from": {"userid": "zhangwei"}, "msgtype": "mixed",
             "response_url": wecom.response_url(wecom.base, "RC-1"),
             "mixed": {"msg_item": [{"msgtype": "text", "text": {"content": CREATE}},
                                    {"msgtype": "image", "image": {"url": url}}]}}
    params, body = wecom_bot_encrypt(BOT, mixed, at=clock)
    assert (await bot.client.post(wecom_bot.PATH, params=params, data=body)).status == 200
    await bot.settle()
    ticket = await Ticket.get()
    [row] = await TicketAttachment.filter(ticket_id=ticket.id)
    assert stored(tmp_path, row) == PNG


async def test_scan_of_a_stamped_application_goes_to_the_request(bot, clock, fakes, tmp_path):
    """/附件 R1 and then the photo: kept with the change request, shown in its view, and from
    then on the request has its written application (a manager may approve it)."""
    wecom, _ = fakes
    wecom.add_download("MEDIA-7", PNG, "stamped.png")

    async def say(userid: str, text: str, msg_id: str) -> str:
        params, body = wecom_app_text(APP, userid, text, msg_id, at=clock, agent_id=AGENT)
        before = len(wecom.received)
        assert (await bot.client.post(wecom_app.PATH, params=params, data=body)).status == 200
        await bot.settle()
        return "\n".join(r.content for r in wecom.received[before:] if r.dest == userid)

    answer = await say("lina", "/改需 客户=江南商贸 出库单增加批号列", "s1")
    assert answer.startswith("已提交程序修改申请 R1：江南商贸公司［程序修改］，书面申请：未收到")
    assert "请在 5 分钟内发送 R1 的客户盖章申请扫描件或照片" in await say("lina", "/附件 R1", "s2")
    answer = await wecom_app_post(bot, clock, wecom, "<MsgType>image</MsgType>"
                                  "<PicUrl>http://p</PicUrl><MediaId>MEDIA-7</MediaId>", "s3")
    assert answer == "已将 1 个附件（图片）附到 R1。"
    [row] = await RequestAttachment.filter(kind_of="change", request_id=1)
    assert (row.name, row.sender, row.source_id) == ("stamped.png", "lina", None)
    assert (tmp_path / "files" / row.path).read_bytes() == PNG
    r = await ChangeRequest.get(id=1)
    assert (r.app_via, r.app_ref) == ("file", "stamped.png")
    shown = await say("liujing", "/改需 R1", "s4")
    assert "书面申请：附件 stamped.png；存档：-\n盖章申请附件：\n  图片 stamped.png（1 KB，" in shown
    assert "收到盖章申请扫描件：stamped.png" in shown
    assert await say("lina", "/附件 M9", "s5") == "找不到 M9。"
    assert not await TicketAttachment.exists()


async def test_scan_sent_with_the_attach_command_in_one_message(bot, clock, fakes, tmp_path):
    _, ding = fakes
    await ding_post(bot, clock, ding, "d-1", text={"content": "/敏感申请 客户=华东制造 类型=账套密码"})
    ding.add_download("dl-scan", PNG, "letter.png")
    answer = await ding_post(bot, clock, ding, "d-2", msgtype="richText", content={"richText": [
        {"text": "/附件 M1"}, {"type": "picture", "downloadCode": "dl-scan"}]})
    assert answer.endswith("已将 1 个附件（图片）附到 M1。"), answer
    [row] = await RequestAttachment.filter(kind_of="sensitive", request_id=1)
    assert (row.name, row.sender, stored(tmp_path, row)) == ("letter.png", "zhangwei", PNG)
    shown = await ding_post(bot, clock, ding, "d-3", text={"content": "/敏感申请 M1"})
    assert "盖章申请附件：\n  图片 letter.png" in shown
    # Sent with the submission itself, the scan is the new request's application.
    ding.add_download("dl-fax", PNG, "fax.png")
    answer = await ding_post(bot, clock, ding, "d-4", msgtype="richText", content={"richText": [
        {"text": "/改需 客户=江南商贸 出库单增加批号列"}, {"type": "picture", "downloadCode": "dl-fax"}]})
    assert answer.startswith("已提交程序修改申请 R1：江南商贸公司［程序修改］，书面申请：附件 随申请发送的扫描件。")
    assert answer.endswith("已将 1 个附件（图片）附到 R1。") and "前不能审核同意" not in answer, answer
    r = await ChangeRequest.get(id=1)
    assert (r.app_via, r.app_ref) == ("file", "fax.png")
    [row] = await RequestAttachment.filter(kind_of="change", request_id=1)
    assert stored(tmp_path, row) == PNG
