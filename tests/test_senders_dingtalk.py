"""The DingTalk sender against the fake DingTalk server: OpenAPI, session webhooks, custom
robots with signing, interactive cards."""
from __future__ import annotations

import json

import aiohttp
import pytest

from bot import messages as base
from bot.messages import CARD, FILE, IMAGE, MARKDOWN, Button, OutboundMessage
from bot.settings import load_settings
from notifiers import render
from notifiers.senders.base import SendFailed, SendRetry
from notifiers.senders.dingtalk import DingTalkSender
from storage.models import Chat
from tests.fakes.dingtalk_api import FakeDingTalk


@pytest.fixture
async def dingtalk(aiohttp_server, clock):
    fake = FakeDingTalk(clock)
    server = await aiohttp_server(fake.app())
    url = str(server.make_url("")).rstrip("/")
    settings = load_settings(None, dingtalk__enabled=True, dingtalk__app_key=fake.app_key,
                             dingtalk__app_secret=fake.app_secret,
                             dingtalk__robot_code=fake.robot_code, dingtalk__api_base=url,
                             dingtalk__oapi_base=url)
    async with aiohttp.ClientSession() as session:
        sender = DingTalkSender(settings, session, clock=clock)
        yield fake, sender, url


def group(text: str, **kw) -> OutboundMessage:
    return OutboundMessage(channel=base.CH_DINGTALK_GROUP, address="cidGROUP==", text=text, **kw)


async def test_openapi_token_reused_and_refetched_once_when_invalid(dingtalk, clock):
    fake, sender, _ = dingtalk
    await sender.send(group("一"), "k1")
    await sender.send(group("二"), "k2")
    assert fake.token_calls == 1
    clock.advance(seconds=100)
    fake.expire_tokens()
    await sender.send(group("三"), "k3")
    assert fake.token_calls == 2
    assert fake.contents("groupMessages", "cidGROUP==") == ["一", "二", "三"]


async def test_group_and_user_message_shapes(dingtalk):
    fake, sender, _ = dingtalk
    await sender.send(group("## 超时\n工单 T3 未接单", kind=MARKDOWN, title="超时提醒"), "k1")
    await sender.send(OutboundMessage(channel=base.CH_DINGTALK_USER, address="staff01",
                                      text="你有新工单"), "k2")
    md, oto = fake.received
    assert md.body["msgKey"] == "sampleMarkdown" and md.body["robotCode"] == fake.robot_code
    assert json.loads(md.body["msgParam"]) == {"title": "超时提醒",
                                               "text": "## 超时\n工单 T3 未接单"}
    assert oto.body["userIds"] == ["staff01"] and oto.body["msgKey"] == "sampleText"
    assert json.loads(oto.body["msgParam"]) == {"content": "你有新工单"}


async def test_flow_controlled_user_is_a_retry(dingtalk):
    fake, sender, _ = dingtalk
    for i in range(20):
        await sender.send(OutboundMessage(channel=base.CH_DINGTALK_USER, address="staff01",
                                          text=f"n{i}"), f"k{i}")
    with pytest.raises(SendRetry):
        await sender.send(OutboundMessage(channel=base.CH_DINGTALK_USER, address="staff01",
                                          text="n20"), "k20")


async def test_custom_robot_signed_and_blocked_after_20_a_minute(dingtalk):
    fake, sender, url = dingtalk
    hook = fake.add_webhook("https://oapi.dingtalk.com", secret="SECfake")
    msg = OutboundMessage(channel=base.CH_DINGTALK_WEBHOOK, address=hook, text="值班提醒",
                          mentions=("staff01",), extra={"secret": "SECfake"})
    for i in range(20):
        await sender.send(msg, f"k{i}")
    assert len(fake.received) == 20
    body = fake.received[0].body
    assert body["text"]["content"] == "值班提醒 @staff01"
    assert body["at"] == {"atUserIds": ["staff01"], "isAtAll": False}
    with pytest.raises(SendRetry) as err:
        await sender.send(msg, "k21")
    assert err.value.retry_after == 600


async def test_custom_robot_with_wrong_secret_fails_for_good(dingtalk):
    fake, sender, url = dingtalk
    hook = fake.add_webhook(url, secret="SECright")
    with pytest.raises(SendFailed, match="310000"):
        await sender.send(OutboundMessage(channel=base.CH_DINGTALK_WEBHOOK, address=hook,
                                          text="x", extra={"secret": "SECwrong"}), "k1")
    assert fake.received == []


def test_signature_matches_dingtalk_formula(clock):
    import base64
    import hashlib
    import hmac

    settings = load_settings(None)
    sender = DingTalkSender(settings, None, clock=clock)  # type: ignore[arg-type]
    timestamp, sign = sender.sign("SECabc")
    assert timestamp == str(int(clock.now().timestamp() * 1000))
    expected = base64.b64encode(hmac.new(b"SECabc", f"{timestamp}\nSECabc".encode(),
                                         hashlib.sha256).digest()).decode()
    assert sign == expected


async def test_custom_robot_secret_read_from_the_chat(db, dingtalk):
    fake, sender, url = dingtalk
    hook = fake.add_webhook(url, secret="SECchat")
    await Chat.create(platform=base.DINGTALK, chat_key="cidHQ", purpose="hq",
                      push_channel=base.CH_DINGTALK_WEBHOOK, push_address=hook,
                      push_secret="SECchat")
    await sender.send(OutboundMessage(channel=base.CH_DINGTALK_WEBHOOK, address=hook,
                                      text="总部通知"), "k1")
    assert fake.contents("robot/send") == ["总部通知"]


async def test_session_webhook_reply_then_openapi_once_expired(dingtalk, clock):
    fake, sender, url = dingtalk
    session_url, expires = fake.new_session("https://oapi.dingtalk.com", ttl_s=5400)
    extra = {"expires_at": expires.timestamp(), "open_conversation_id": "cidGROUP=="}
    reply = OutboundMessage(channel=base.CH_DINGTALK_SESSION, address=session_url,
                            text="已建单 T7", mentions=("staff01",), extra=extra)
    await sender.send(reply, "r1")
    assert fake.received[-1].api == "sendBySession"
    assert fake.received[-1].body["at"]["atUserIds"] == ["staff01"]
    clock.advance(seconds=5401)
    await sender.send(reply, "r2")
    assert fake.received[-1].api == "groupMessages"
    assert fake.contents() == ["已建单 T7 @staff01", "已建单 T7"]


async def test_session_expired_with_nowhere_to_fall_back_fails(dingtalk, clock):
    fake, sender, _ = dingtalk
    session_url, expires = fake.new_session("https://oapi.dingtalk.com", ttl_s=10)
    clock.advance(seconds=11)
    with pytest.raises(SendFailed):
        await sender.send(OutboundMessage(channel=base.CH_DINGTALK_SESSION, address=session_url,
                                          text="x", extra={"expires_at": expires.timestamp()}),
                          "r1")


async def test_interactive_card_buttons_carry_keys_and_update_after_click(dingtalk):
    fake, sender, _ = dingtalk
    card = group("客户：某某医院\n打印凭证时报错", kind=CARD, title="新工单 T12",
                 buttons=(Button("claim:T12", "接单"), Button("view:T12", "查看")),
                 task_id="ticket-T12-1")
    await sender.send(card, "new:T12")
    body = fake.cards["ticket-T12-1"]
    assert body["conversationType"] == 1 and body["openConversationId"] == "cidGROUP=="
    assert body["callbackRouteKey"] == "deskbot"
    sent = json.loads(body["cardData"]["cardParamMap"]["sys_full_json_obj"])
    actions = [c for c in sent["contents"] if c["type"] == "action"][0]["actions"]
    assert [(a["id"], a["label"]["text"], a["actionType"]) for a in actions] == [
        ("claim:T12", "接单", "request"), ("view:T12", "查看", "request")]

    await sender.send(OutboundMessage(channel=base.CH_DINGTALK_CARD_UPDATE,
                                      address="ticket-T12-1", kind=base.CARD_UPDATE,
                                      title="新工单 T12", text="客户：某某医院\n状态：已由 张三 接单",
                                      extra={"state": "已由 张三 接单"}), "taken:T12")
    assert fake.card_updates[0]["outTrackId"] == "ticket-T12-1"
    assert fake.card_update_paths == ["/v1.0/im/interactiveCards"]
    # Everyone in the group now sees the card without its buttons, with the state.
    update = fake.card("ticket-T12-1")
    assert not [c for c in update["contents"] if c["type"] == "action"]
    assert [c["text"] for c in update["contents"]] == [
        "客户：某某医院\n状态：已由 张三 接单", "**已由 张三 接单**"]


async def test_card_update_before_its_card_is_out_is_retried(dingtalk):
    fake, sender, _ = dingtalk
    with pytest.raises(SendRetry):
        await sender.send(OutboundMessage(channel=base.CH_DINGTALK_CARD_UPDATE, address="claim-T9",
                                          kind=base.CARD_UPDATE, text="状态：已撤单",
                                          extra={"state": "已撤单"}), "card:1:v1")
    assert fake.card_updates == []


async def test_in_stream_mode_cards_call_back_over_the_stream(aiohttp_server, clock):
    fake = FakeDingTalk(clock)
    server = await aiohttp_server(fake.app())
    url = str(server.make_url("")).rstrip("/")
    settings = load_settings(None, dingtalk__enabled=True, dingtalk__app_key=fake.app_key,
                             dingtalk__app_secret=fake.app_secret, dingtalk__mode="stream",
                             dingtalk__robot_code=fake.robot_code, dingtalk__api_base=url,
                             dingtalk__oapi_base=url)
    async with aiohttp.ClientSession() as session:
        sender = DingTalkSender(settings, session, clock=clock)
        buttons = (Button("claim:T12", "接单"),)
        await sender.send(group("打印凭证时报错", kind=CARD, title="新工单 T12", buttons=buttons,
                                task_id="ticket-T12-1"), "new:T12")
        await sender.send(OutboundMessage(channel=base.CH_DINGTALK_USER, address="staff01",
                                          kind=CARD, text="请接单", buttons=buttons,
                                          task_id="ticket-T12-2"), "ask:T12")
        await sender.send(OutboundMessage(channel=base.CH_DINGTALK_CARD_UPDATE,
                                          address="ticket-T12-1", kind=base.CARD_UPDATE,
                                          title="新工单 T12", text="打印凭证时报错\n状态：已由 张三 接单",
                                          extra={"state": "已由 张三 接单"}), "taken:T12")
    in_group, to_user = fake.cards["ticket-T12-1"], fake.cards["ticket-T12-2"]
    assert in_group["callbackType"] == to_user["callbackType"] == "STREAM"
    assert "callbackRouteKey" not in in_group
    assert in_group["openSpaceId"] == "dtv1.card//IM_GROUP.cidGROUP=="
    assert in_group["imGroupOpenDeliverModel"] == {"robotCode": fake.robot_code}
    assert to_user["openSpaceId"] == "dtv1.card//IM_ROBOT.staff01"
    assert to_user["imRobotOpenDeliverModel"] == {"spaceType": "IM_ROBOT",
                                                  "robotCode": fake.robot_code}
    assert [(r.api, r.dest) for r in fake.received] == [("groupMessages", "cidGROUP=="),
                                                        ("oToMessages", "staff01")]
    # Redrawn through the API it was created with.
    assert fake.card_update_paths == ["/v1.0/card/instances"]
    update = fake.card("ticket-T12-1")
    assert not [c for c in update["contents"] if c["type"] == "action"]
    assert [c["text"] for c in update["contents"]] == [
        "打印凭证时报错\n状态：已由 张三 接单", "**已由 张三 接单**"]


async def test_card_through_custom_robot_goes_as_markdown_naming_actions(dingtalk):
    fake, sender, url = dingtalk
    hook = fake.add_webhook(url)
    await sender.send(OutboundMessage(channel=base.CH_DINGTALK_WEBHOOK, address=hook, kind=CARD,
                                      title="新工单", text="T5", buttons=(Button("c", "接单"),),
                                      extra={"secret": ""}),
                      "k1")
    got = fake.received[0]
    assert got.body["msgtype"] == "markdown"
    assert "接单" in got.body["markdown"]["text"]


async def test_long_markdown_split_for_dingtalk(dingtalk):
    fake, sender, _ = dingtalk
    text = "凭证打印报错排查步骤。\n" * 800
    await sender.send(group(text, kind=MARKDOWN, title="知识库"), "k1")
    got = fake.contents("groupMessages")
    assert len(got) > 1 and "".join(got) == text
    assert all(render.byte_len(c) <= render.LIMITS[base.CH_DINGTALK_GROUP][MARKDOWN] for c in got)


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(17)


async def test_image_and_file_uploaded_then_sent_to_group_and_user(dingtalk, tmp_path):
    fake, sender, _ = dingtalk
    png, xlsx = tmp_path / "chart.png", tmp_path / "登记表.xlsx"
    png.write_bytes(PNG)
    xlsx.write_bytes(b"PK\x03\x04 a workbook")
    await sender.send(group("图", kind=IMAGE, file_path=str(png)), "k1")
    await sender.send(OutboundMessage(channel=base.CH_DINGTALK_USER, address="staff01",
                                      kind=FILE, text="表", file_path=str(xlsx)), "k2")
    image, sheet = fake.received
    assert (image.api, image.body["msgKey"]) == ("groupMessages", "sampleImageMsg")
    photo = json.loads(image.body["msgParam"])["photoURL"]
    assert fake.media[photo] == ("image", "chart.png", PNG)
    assert (sheet.api, sheet.dest, sheet.body["msgKey"]) == ("oToMessages", "staff01",
                                                             "sampleFile")
    param = json.loads(sheet.body["msgParam"])
    assert (param["fileName"], param["fileType"]) == ("登记表.xlsx", "xlsx")
    assert fake.media[param["mediaId"]] == ("file", "登记表.xlsx", xlsx.read_bytes())
    assert fake.token_calls == 1  # the OpenAPI token serves the upload too


async def test_upload_with_an_expired_token_refetches_it_once(dingtalk, tmp_path, clock):
    fake, sender, _ = dingtalk
    png = tmp_path / "chart.png"
    png.write_bytes(PNG)
    await sender.send(group("一"), "k1")
    clock.advance(seconds=60)
    fake.expire_tokens()
    await sender.send(group("图", kind=IMAGE, file_path=str(png)), "k2")
    assert fake.token_calls == 2
    assert [r.body["msgKey"] for r in fake.received] == ["sampleText", "sampleImageMsg"]


async def test_session_reply_with_a_file_goes_to_its_conversation(dingtalk, tmp_path):
    fake, sender, _ = dingtalk
    xlsx = tmp_path / "r.xlsx"
    xlsx.write_bytes(b"PK\x03\x04")
    session_url, expires = fake.new_session("https://oapi.dingtalk.com")
    await sender.send(OutboundMessage(
        channel=base.CH_DINGTALK_SESSION, address=session_url, kind=FILE, text="表",
        file_path=str(xlsx), extra={"expires_at": expires.timestamp(), "user_id": "staff01"}),
        "k1")
    assert [(r.api, r.dest, r.body["msgKey"]) for r in fake.received] == [
        ("oToMessages", "staff01", "sampleFile")]


async def test_media_that_cannot_go_fails_for_good(dingtalk, tmp_path):
    fake, sender, url = dingtalk
    png = tmp_path / "chart.png"
    png.write_bytes(PNG)
    with pytest.raises(SendFailed, match="cannot read"):
        await sender.send(group("", kind=IMAGE, file_path=str(tmp_path / "none.png")), "k1")
    hook = fake.add_webhook(url)  # a custom robot takes no uploaded media
    with pytest.raises(SendFailed, match="cannot carry"):
        await sender.send(OutboundMessage(channel=base.CH_DINGTALK_WEBHOOK, address=hook,
                                          kind=IMAGE, file_path=str(png)), "k2")
    session_url, _ = fake.new_session(url)  # a session reply with no conversation to fall back on
    with pytest.raises(SendFailed, match="session webhook"):
        await sender.send(OutboundMessage(channel=base.CH_DINGTALK_SESSION, address=session_url,
                                          kind=FILE, file_path=str(png)), "k3")
    assert fake.received == [] and fake.media == {}


async def test_fake_blocks_custom_robot_for_ten_minutes(dingtalk, clock):
    fake, sender, url = dingtalk
    hook = fake.add_webhook(url)
    msg = OutboundMessage(channel=base.CH_DINGTALK_WEBHOOK, address=hook, text="x",
                          extra={"secret": ""})
    for i in range(20):
        await sender.send(msg, f"k{i}")
    with pytest.raises(SendRetry):
        await sender.send(msg, "k20")
    clock.advance(seconds=300)  # the minute has passed, the block has not
    with pytest.raises(SendRetry):
        await sender.send(msg, "k21")
    clock.advance(minutes=6)
    await sender.send(msg, "k22")
    assert len(fake.received) == 21
