"""The DingTalk edge alone: robot messages and card clicks, signed like DingTalk signs them."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from bot import messages as base
from bot.clock import FakeClock
from bot.platforms import dingtalk
from bot.settings import SettingsError
from storage.models import RejectedInbound
from tests.fakes.callbacks import (
    dingtalk_card_click,
    dingtalk_headers,
    dingtalk_message,
    dingtalk_sign,
    edge_app,
)

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc)
SECRET = "gS7xTq-app-secret-of-the-robot"
BOT = "$:LWCP_v1:$robot"
WEBHOOK = "https://oapi.dingtalk.com/robot/sendBySession?session=abc"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def edge(aiohttp_client, clock):
    async def make(**settings):
        settings = {"dingtalk__enabled": True, "dingtalk__app_secret": SECRET, **settings}
        app, pipeline = edge_app(dingtalk.setup_routes, clock, **settings)
        return await aiohttp_client(app), pipeline
    return make


def test_sign_matches_dingtalk_reference_algorithm():
    # HmacSHA256(secret, timestamp + "\n" + secret), base64: computed independently here.
    import base64
    import hashlib
    import hmac
    ts = "1577262236757"
    expected = base64.b64encode(hmac.new(b"secret", f"{ts}\nsecret".encode(), hashlib.sha256)
                                .digest()).decode()
    assert dingtalk.sign("secret", ts) == expected == dingtalk_sign("secret", ts)


async def test_good_sign_group_message_is_accepted(edge, clock):
    client, pipeline = await edge()
    expires_ms = int((NOW + timedelta(minutes=90)).timestamp() * 1000)
    headers, body = dingtalk_message(
        SECRET, msg_id="msgA1", sender_staff_id="zhangsan", text=" /转派 T3 @李四 ",
        conversation_id="cidGROUP1", conversation_type="2", chatbot_user_id=BOT,
        at_users=[{"dingtalkId": BOT}, {"dingtalkId": "$:x:$lisi", "staffId": "lisi"},
                  {"dingtalkId": "$:x:$ext"}],
        session_webhook=WEBHOOK, session_webhook_expired_ms=expires_ms, at=clock)
    resp = await client.post(dingtalk.PATH, headers=headers, data=body.encode())
    assert resp.status == 200
    assert await resp.json() == {}
    assert pipeline.accepted == [base.InboundMessage(
        platform=base.DINGTALK, dedupe_key="dingtalk:msgA1", sender_id="zhangsan",
        chat_type=base.GROUP, chat_id="cidGROUP1", text="/转派 T3 @李四", mentions=("lisi",),
        reply=base.Reply(channel=base.CH_DINGTALK_SESSION, address=WEBHOOK,
                         expires_at=expires_ms / 1000,
                         extra={"robot_code": "dingrobot", "conversation_type": "2",
                                "open_conversation_id": "cidGROUP1"}),
        sent_at=NOW.timestamp())]


async def test_single_chat_and_retries(edge, clock):
    client, pipeline = await edge()
    headers, body = dingtalk_message(SECRET, msg_id="msgB", sender_staff_id="lisi", text="/我的",
                                     conversation_id="cidPRIV", conversation_type="1", at=clock)
    for _ in range(4):
        assert (await client.post(dingtalk.PATH, headers=headers, data=body.encode())).status == 200
    assert [m.dedupe_key for m in pipeline.accepted] == ["dingtalk:msgB"] * 4
    msg = pipeline.accepted[0]
    assert (msg.chat_type, msg.chat_id, msg.mentions) == (base.PRIVATE, "", ())


async def test_bad_sign_is_refused(edge, clock):
    client, pipeline = await edge()
    headers, body = dingtalk_message("another-secret", msg_id="m1", sender_staff_id="u1",
                                     text="/帮助", at=clock)
    assert (await client.post(dingtalk.PATH, headers=headers, data=body.encode())).status == 403
    good, _ = dingtalk_message(SECRET, msg_id="m1", sender_staff_id="u1", text="/帮助", at=clock)
    # A valid sign with another timestamp: the sign covers the timestamp.
    moved = {**good, "timestamp": str(int(good["timestamp"]) + 1)}
    assert (await client.post(dingtalk.PATH, headers=moved, data=body.encode())).status == 403
    for missing in ("sign", "timestamp"):
        partial = {k: v for k, v in good.items() if k != missing}
        assert (await client.post(dingtalk.PATH, headers=partial, data=body.encode())).status == 403
    assert (await client.post(dingtalk.PATH, headers={**good, "timestamp": "soon"},
                              data=body.encode())).status == 403
    assert pipeline.accepted == []


async def test_expired_timestamp_is_refused(edge, clock):
    client, pipeline = await edge()
    old = NOW - timedelta(seconds=3601)
    headers, body = dingtalk_message(SECRET, msg_id="m1", sender_staff_id="u1", text="/帮助", at=old)
    assert (await client.post(dingtalk.PATH, headers=headers, data=body.encode())).status == 403
    ahead = NOW + timedelta(seconds=3601)
    headers, body = dingtalk_message(SECRET, msg_id="m2", sender_staff_id="u1", text="/帮助",
                                     at=ahead)
    assert (await client.post(dingtalk.PATH, headers=headers, data=body.encode())).status == 403
    assert pipeline.accepted == []
    # 59 minutes old is still inside DingTalk's hour.
    headers, body = dingtalk_message(SECRET, msg_id="m3", sender_staff_id="u1", text="/帮助",
                                     at=NOW - timedelta(minutes=59))
    assert (await client.post(dingtalk.PATH, headers=headers, data=body.encode())).status == 200
    # The same request replayed once the hour has passed.
    clock.advance(minutes=2)
    assert (await client.post(dingtalk.PATH, headers=headers, data=body.encode())).status == 403
    assert [m.dedupe_key for m in pipeline.accepted] == ["dingtalk:m3"]


async def test_what_deskbot_does_not_act_on_is_acknowledged(edge, clock, db):
    client, pipeline = await edge()
    headers = dingtalk_headers(SECRET, at=clock)
    picture = {"msgId": "p1", "msgtype": "picture", "senderStaffId": "u1",
               "content": {}, "conversationType": "1"}
    outsider = json.loads(dingtalk_message(SECRET, msg_id="o1", sender_staff_id="x", text="/帮助",
                                           at=clock)[1])
    outsider.pop("senderStaffId")
    for body in (picture, outsider, [1, 2]):
        resp = await client.post(dingtalk.PATH, headers=headers, data=json.dumps(body).encode())
        assert resp.status == 200
    assert (await client.post(dingtalk.PATH, headers=headers, data=b"{not json")).status == 200
    assert pipeline.accepted == []
    # What is signed but not understood (a picture with nothing to download) is kept for the
    # operator; what is merely not for deskbot (an outsider) is not.
    assert sorted(await RejectedInbound.all().values_list("reason", flat=True)) == [
        "body is not a JSON object", "not JSON: JSONDecodeError", "picture without downloadCode"]


async def test_card_click_becomes_an_action_once_per_person_card_and_key(edge, clock):
    client, pipeline = await edge()
    headers, body = dingtalk_card_click(SECRET, user_id="wangwu", out_track_id="card-T12",
                                        key="claim:T12", space_id="cidGROUP1", at=clock)
    for _ in range(2):
        resp = await client.post(dingtalk.CARD_PATH, headers=headers, data=body.encode())
        assert resp.status == 200
    first, again = pipeline.accepted
    assert first == again
    assert first == base.InboundMessage(
        platform=base.DINGTALK, dedupe_key="dingtalk:card:wangwu:card-T12:claim:T12",
        sender_id="wangwu", chat_type=base.GROUP, chat_id="cidGROUP1",
        reply=base.Reply(channel=base.CH_DINGTALK_GROUP, address="cidGROUP1"),
        action=base.CardAction(key="claim:T12", task_id="card-T12"))
    # In a one-to-one chat with the robot, the answer goes to the person; content may be an object
    # and the key may come from actionIds alone.
    headers, _ = dingtalk_card_click(SECRET, user_id="wangwu", out_track_id="c2", key="k", at=clock)
    raw = {"type": "actionCallback", "outTrackId": "c2", "userId": "wangwu",
           "spaceType": "IM_ROBOT", "content": {"cardPrivateData": {"actionIds": ["accept:D7"]}}}
    assert (await client.post(dingtalk.CARD_PATH, headers=headers,
                              data=json.dumps(raw).encode())).status == 200
    single = pipeline.accepted[-1]
    assert (single.chat_type, single.chat_id, single.action.key) == (base.PRIVATE, "", "accept:D7")
    assert single.reply == base.Reply(channel=base.CH_DINGTALK_USER, address="wangwu")
    # Forged: another secret.
    headers, body = dingtalk_card_click("forger", user_id="boss", out_track_id="card-T12",
                                        key="claim:T12", at=clock)
    assert (await client.post(dingtalk.CARD_PATH, headers=headers, data=body.encode())).status == 403
    assert len(pipeline.accepted) == 3


async def test_routes_follow_the_settings(aiohttp_client, clock):
    app, _ = edge_app(dingtalk.setup_routes, clock)  # disabled by default
    client = await aiohttp_client(app)
    assert (await client.post(dingtalk.PATH)).status == 404
    with pytest.raises(SettingsError, match="dingtalk.app_secret"):
        edge_app(dingtalk.setup_routes, clock, dingtalk__enabled=True)
    # Stream mode: no HTTP door, and the stream needs the AppKey (Client ID) to open.
    with pytest.raises(SettingsError, match="dingtalk.app_key"):
        edge_app(dingtalk.setup_routes, clock, dingtalk__enabled=True, dingtalk__mode="stream",
                 dingtalk__app_secret="s")
    app, _ = edge_app(dingtalk.setup_routes, clock, dingtalk__enabled=True,
                      dingtalk__mode="stream", dingtalk__app_secret="s", dingtalk__app_key="k")
    client = await aiohttp_client(app)
    assert (await client.post(dingtalk.PATH)).status == 404
    assert (await client.post(dingtalk.CARD_PATH)).status == 404
