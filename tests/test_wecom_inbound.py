"""The WeCom edge alone: the self-built app (XML) and the intelligent robot (JSON) callbacks.

Published vectors first (WeCom's sample and wechatpy's own), then what a forger or a replayer
can try, then the shapes the core receives. The pipeline is a recorder: these tests are about
what reaches `accept` and what never does.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from bot import messages as base
from bot.clock import FakeClock
from bot.platforms import wecom, wecom_app, wecom_bot
from bot.settings import SettingsError
from tests.fakes.callbacks import (
    WECHATPY_SAMPLE,
    WECOM_SAMPLE,
    WeComKeys,
    edge_app,
    wecom_app_card_click,
    wecom_app_text,
    wecom_bot_card_click,
    wecom_bot_encrypt,
    wecom_bot_message,
    wecom_url_check,
)

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc)  # Monday 09:00 in Beijing
BOT_KEYS = WeComKeys("botToken42", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "")
RESPONSE_URL = "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=RC1"


def at_unix(ts: int) -> FakeClock:
    return FakeClock(datetime.fromtimestamp(ts, tz=timezone.utc))


def app_settings(keys: WeComKeys, **extra):
    return dict(wecom__enabled=True, wecom__token=keys.token,
                wecom__encoding_aes_key=keys.encoding_aes_key, wecom__corp_id=keys.receive_id,
                **extra)


def bot_settings(**extra):
    return dict(wecom__bot__enabled=True, wecom__bot__token=BOT_KEYS.token,
                wecom__bot__encoding_aes_key=BOT_KEYS.encoding_aes_key, **extra)


@pytest.fixture
def edge(aiohttp_client):
    async def make(clock: FakeClock | None = None, **settings):
        app, pipeline = edge_app(wecom.setup_routes, clock or FakeClock(NOW), **settings)
        return await aiohttp_client(app), pipeline
    return make


# -- published vectors ---------------------------------------------------------------------------

SAMPLE_ECHOSTR = ("P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+"
                  "FZXvnaqQ==")
SAMPLE_URL_CHECK = {"msg_signature": "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3",
                    "timestamp": "1409659589", "nonce": "263014780", "echostr": SAMPLE_ECHOSTR}
SAMPLE_ENCRYPT = (
    "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj9"
    "11L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DO"
    "dnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03"
    "v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6Bp"
    "NelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+"
    "E7Q==")
SAMPLE_MESSAGE = ("<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>"
                  f"<Encrypt><![CDATA[{SAMPLE_ENCRYPT}]]></Encrypt>\n"
                  "<AgentID><![CDATA[218]]></AgentID>\n</xml>")
SAMPLE_MESSAGE_QUERY = {"msg_signature": "477715d11cdb4164915debcba66cb864d751f3e6",
                        "timestamp": "1409659813", "nonce": "1372623149"}

WECHATPY_ECHOSTR = ("4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7h"
                    "OchLF6p+Q==")
WECHATPY_MESSAGE = (
    "<xml><ToUserName><![CDATA[wx49f0ab532d5d035a]]></ToUserName>\n<Encrypt><![CDATA["
    "RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeD"
    "XzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBu"
    "g/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF"
    "3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb+"
    "+x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=]]></Encrypt>\n"
    "<AgentID><![CDATA[1]]></AgentID>\n</xml>")


async def test_wecom_published_url_check_answers_the_echo(edge):
    client, pipeline = await edge(at_unix(1409659589), **app_settings(WECOM_SAMPLE))
    resp = await client.get(wecom_app.PATH, params=SAMPLE_URL_CHECK)
    assert resp.status == 200
    assert await resp.text() == "1616140317555161061"
    assert pipeline.accepted == []


async def test_wecom_published_message_is_decrypted_and_accepted(edge):
    client, pipeline = await edge(at_unix(1409659813),
                                  **app_settings(WECOM_SAMPLE, wecom__agent_id=218))
    resp = await client.post(wecom_app.PATH, params=SAMPLE_MESSAGE_QUERY, data=SAMPLE_MESSAGE)
    assert resp.status == 200
    assert await resp.text() == ""
    assert pipeline.accepted == [base.InboundMessage(
        platform=base.WECOM_APP, dedupe_key="wecom_app:4561255354251345929",
        sender_id="mycreate", chat_type=base.PRIVATE, text="hello",
        reply=base.Reply(channel=base.CH_WECOM_APP, address="mycreate"), sent_at=1409659813.0)]


async def test_wechatpy_vectors_url_check_and_message(edge):
    client, pipeline = await edge(at_unix(1411443780), **app_settings(WECHATPY_SAMPLE))
    good = {"msg_signature": "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96",
            "timestamp": "1411443780", "nonce": "437374425", "echostr": WECHATPY_ECHOSTR}
    resp = await client.get(wecom_app.PATH, params=good)
    assert (resp.status, await resp.text()) == (200, "5927782489442352469")
    # wechatpy's failing case: the same signature with another nonce.
    resp = await client.get(wecom_app.PATH, params={**good, "nonce": "437374424"})
    assert resp.status == 403

    client, pipeline = await edge(at_unix(1411525903), **app_settings(WECHATPY_SAMPLE))
    query = {"msg_signature": "74d92dfeb87ba7c714f89d98870ae5eb62dff26d",
             "timestamp": "1411525903", "nonce": "461056294"}
    resp = await client.post(wecom_app.PATH, params=query, data=WECHATPY_MESSAGE.encode())
    assert resp.status == 200
    [msg] = pipeline.accepted
    assert (msg.sender_id, msg.text, msg.dedupe_key) == (
        "messense", "test", "wecom_app:4363689963896700987")


# -- what a forger or a replayer can try ---------------------------------------------------------

async def test_forged_signature_is_refused_and_nothing_accepted(edge):
    clock = FakeClock(NOW)
    client, pipeline = await edge(clock, **app_settings(WECOM_SAMPLE))
    params, body = wecom_app_text(WECOM_SAMPLE, "zhangsan", "/帮助", "1001", at=clock)
    forged = {**params, "msg_signature": "0" * 40}
    assert (await client.post(wecom_app.PATH, params=forged, data=body)).status == 403
    # A body re-encrypted by someone without the token: the signature no longer matches.
    _, other_body = wecom_app_text(WECOM_SAMPLE, "boss", "/解决 T1", "1002", at=clock)
    assert (await client.post(wecom_app.PATH, params=params, data=other_body)).status == 403
    # A forged URL check, and requests missing the signing parameters.
    bad_echo = {**SAMPLE_URL_CHECK, "msg_signature": "1" * 40, "timestamp": params["timestamp"]}
    assert (await client.get(wecom_app.PATH, params=bad_echo)).status == 403
    assert (await client.post(wecom_app.PATH, data=body)).status == 403
    assert (await client.post(wecom_app.PATH, params=params, data=b"not xml <")).status == 403
    assert pipeline.accepted == []


async def test_wrong_corpid_is_refused(edge):
    clock = FakeClock(NOW)
    # Same token and key, but the message was sealed for another corp.
    other_corp = WeComKeys(WECOM_SAMPLE.token, WECOM_SAMPLE.encoding_aes_key, "wwOTHERCORP0000001")
    client, pipeline = await edge(clock, **app_settings(WECOM_SAMPLE))
    params, body = wecom_app_text(other_corp, "zhangsan", "/帮助", "1001", at=clock)
    assert (await client.post(wecom_app.PATH, params=params, data=body)).status == 403
    echo = wecom_url_check(other_corp, "12345", at=clock)
    assert (await client.get(wecom_app.PATH, params=echo)).status == 403
    # The published sample, received by a deployment configured with another corp id.
    client, pipeline2 = await edge(at_unix(1409659589), **app_settings(other_corp))
    assert (await client.get(wecom_app.PATH, params=SAMPLE_URL_CHECK)).status == 403
    assert pipeline.accepted == [] and pipeline2.accepted == []


async def test_stale_and_future_timestamps_are_refused(edge):
    clock = FakeClock(NOW)
    client, pipeline = await edge(clock, **app_settings(WECOM_SAMPLE, wecom__timestamp_window_s=300))
    params, body = wecom_app_text(WECOM_SAMPLE, "zhangsan", "/帮助", "1001", at=clock)
    clock.advance(seconds=301)  # a replay five minutes later
    assert (await client.post(wecom_app.PATH, params=params, data=body)).status == 403
    future_params, future_body = wecom_app_text(
        WECOM_SAMPLE, "zhangsan", "/帮助", "1002", at=clock.now().timestamp() + 301)
    assert (await client.post(wecom_app.PATH, params=future_params, data=future_body)).status == 403
    # The published URL check, replayed today.
    assert (await client.get(wecom_app.PATH, params=SAMPLE_URL_CHECK)).status == 403
    assert pipeline.accepted == []
    # Inside the window it is accepted.
    clock.set(NOW)
    clock.advance(seconds=299)
    assert (await client.post(wecom_app.PATH, params=params, data=body)).status == 200
    assert [m.dedupe_key for m in pipeline.accepted] == ["wecom_app:1001"]


async def test_one_callback_delivered_four_times_reaches_accept_with_one_key(edge):
    clock = FakeClock(NOW)
    client, pipeline = await edge(clock, **app_settings(WECOM_SAMPLE))
    params, body = wecom_app_text(WECOM_SAMPLE, "zhangsan", "/建单 客户=华为 打印凭证时报错",
                                  "7001", at=clock)
    for _ in range(4):  # the first delivery and WeCom's three retries
        resp = await client.post(wecom_app.PATH, params=params, data=body)
        assert (resp.status, await resp.text()) == (200, "")
    assert [m.dedupe_key for m in pipeline.accepted] == ["wecom_app:7001"] * 4
    assert pipeline.accepted[0].text == "/建单 客户=华为 打印凭证时报错"


# -- shapes ----------------------------------------------------------------------------------------

async def test_card_click_becomes_an_action_and_retries_share_a_key(edge):
    clock = FakeClock(NOW)
    client, pipeline = await edge(clock, **app_settings(WECOM_SAMPLE))
    params, body = wecom_app_card_click(WECOM_SAMPLE, "lisi", "claim:T12", "card-T12",
                                        response_code="RC-9", at=clock)
    for _ in range(2):
        assert (await client.post(wecom_app.PATH, params=params, data=body)).status == 200
    clock.advance(seconds=30)  # the same person presses the same button again later
    params2, body2 = wecom_app_card_click(WECOM_SAMPLE, "lisi", "claim:T12", "card-T12",
                                          response_code="RC-10", at=clock)
    assert (await client.post(wecom_app.PATH, params=params2, data=body2)).status == 200
    first, retry, later = pipeline.accepted
    assert first == retry
    assert first.action == base.CardAction(key="claim:T12", task_id="card-T12", response_code="RC-9")
    assert (first.sender_id, first.chat_type, first.text) == ("lisi", base.PRIVATE, "")
    assert first.reply == base.Reply(channel=base.CH_WECOM_APP, address="lisi")
    created = int(NOW.timestamp())
    assert first.dedupe_key == f"wecom_app:card:lisi:{created}:claim:T12:card-T12"
    assert later.dedupe_key != first.dedupe_key


async def test_other_events_and_foreign_agents_are_ignored_pictures_kept(edge):
    from tests.fakes.callbacks import wecom_encrypt_xml

    clock = FakeClock(NOW)
    client, pipeline = await edge(clock, **app_settings(WECOM_SAMPLE, wecom__agent_id=1000002))
    ts = int(NOW.timestamp())
    enter = (f"<xml><ToUserName>x</ToUserName><FromUserName>zhangsan</FromUserName>"
             f"<CreateTime>{ts}</CreateTime><MsgType>event</MsgType><Event>enter_agent</Event>"
             f"<EventKey></EventKey><AgentID>1000002</AgentID></xml>")
    image = (f"<xml><ToUserName>x</ToUserName><FromUserName>zhangsan</FromUserName>"
             f"<CreateTime>{ts}</CreateTime><MsgType>image</MsgType><PicUrl>http://p</PicUrl>"
             f"<MediaId>m</MediaId><MsgId>88</MsgId><AgentID>1000002</AgentID></xml>")
    for plain in (enter, image):
        params, body = wecom_encrypt_xml(WECOM_SAMPLE, plain, at=clock)
        resp = await client.post(wecom_app.PATH, params=params, data=body)
        assert (resp.status, await resp.text()) == (200, "")
    params, body = wecom_app_text(WECOM_SAMPLE, "zhangsan", "/帮助", "1", at=clock, agent_id=7)
    assert (await client.post(wecom_app.PATH, params=params, data=body)).status == 200
    # The picture is kept for a ticket: it reaches the core with its MediaId, without text.
    [picture] = pipeline.accepted
    assert (picture.dedupe_key, picture.text, picture.attachments) == (
        "wecom_app:88", "", (base.Attachment(base.IMAGE, "m"),))
    params, body = wecom_app_text(WECOM_SAMPLE, "zhangsan", "  /帮助  ", "2", at=clock,
                                  agent_id=1000002)
    assert (await client.post(wecom_app.PATH, params=params, data=body)).status == 200
    assert [m.text for m in pipeline.accepted] == ["", "/帮助"]


async def test_routes_follow_the_settings(edge, aiohttp_client):
    client, _ = await edge()  # nothing enabled
    assert (await client.get(wecom_app.PATH)).status == 404
    assert (await client.post(wecom_bot.PATH)).status == 404
    with pytest.raises(SettingsError, match="wecom.token"):
        await edge(wecom__enabled=True, wecom__corp_id="wx1", wecom__encoding_aes_key="a" * 43)
    with pytest.raises(SettingsError, match="wecom.bot.encoding_aes_key"):
        await edge(wecom__bot__enabled=True, wecom__bot__token="t", wecom__bot__encoding_aes_key="short")


# -- the intelligent robot -------------------------------------------------------------------------

async def test_robot_url_check_uses_an_empty_receive_id(edge):
    clock = FakeClock(NOW)
    client, pipeline = await edge(clock, **bot_settings())
    resp = await client.get(wecom_bot.PATH, params=wecom_url_check(BOT_KEYS, "98765", at=clock))
    assert (resp.status, await resp.text()) == (200, "98765")
    sealed_for_corp = WeComKeys(BOT_KEYS.token, BOT_KEYS.encoding_aes_key, "wwcorp")
    resp = await client.get(wecom_bot.PATH, params=wecom_url_check(sealed_for_corp, "1", at=clock))
    assert resp.status == 403


async def test_robot_group_mention_is_parsed_with_chat_id_and_stripped_mention(edge):
    clock = FakeClock(NOW)
    client, pipeline = await edge(clock, **bot_settings(wecom__bot__name="售后助手"))
    params, body = wecom_bot_message(
        BOT_KEYS, chatid="wrGROUP1", chattype="group", userid="zhangsan",
        text="@售后助手\u2005/建单 客户=华为 打印凭证时报错", msgid="CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI=",
        response_url=RESPONSE_URL, at=clock)
    resp = await client.post(wecom_bot.PATH, params=params, data=body)
    assert (resp.status, await resp.text()) == (200, "")
    assert pipeline.accepted == [base.InboundMessage(
        platform=base.WECOM_BOT, dedupe_key="wecom_bot:CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI=",
        sender_id="zhangsan", chat_type=base.GROUP, chat_id="wrGROUP1",
        text="/建单 客户=华为 打印凭证时报错",
        reply=base.Reply(channel=base.CH_WECOM_RESPONSE, address=RESPONSE_URL,
                         expires_at=NOW.timestamp() + 3600,
                         extra={"chatid": "wrGROUP1", "chattype": "group", "aibotid": "AIBOTID"}))]


@pytest.mark.parametrize("name, text, expected", [
    ("售后助手", "@张三 @售后助手 /转派 T3", "@张三 /转派 T3"),
    ("售后助手", "/接单 T3 @售后助手", "/接单 T3"),
    ("", "@RobotA hello robot", "hello robot"),
    ("", "@RobotA\u2005/单 T3", "/单 T3"),
    ("", "＠RobotA　/队列", "/队列"),
    ("售后助手", "@售后助手乙 /帮助", "/帮助"),  # another robot's name: the leading rule applies
    ("", "/帮助", "/帮助"),
])
def test_strip_bot_mention(name, text, expected):
    assert wecom_bot.strip_bot_mention(text, name) == expected


async def test_robot_private_chat_retries_and_forgeries(edge):
    clock = FakeClock(NOW)
    client, pipeline = await edge(clock, **bot_settings())
    params, body = wecom_bot_message(BOT_KEYS, chatid="", chattype="single", userid="lisi",
                                     text="/我的", msgid="m-1", response_url=RESPONSE_URL, at=clock)
    for _ in range(4):
        assert (await client.post(wecom_bot.PATH, params=params, data=body)).status == 200
    assert [m.dedupe_key for m in pipeline.accepted] == ["wecom_bot:m-1"] * 4
    msg = pipeline.accepted[0]
    assert (msg.chat_type, msg.chat_id, msg.text, msg.sender_id) == (base.PRIVATE, "", "/我的", "lisi")

    forged = {**params, "msg_signature": "f" * 40}
    assert (await client.post(wecom_bot.PATH, params=forged, data=body)).status == 403
    app_sealed = WeComKeys(BOT_KEYS.token, BOT_KEYS.encoding_aes_key, "wwcorp")
    p2, b2 = wecom_bot_message(app_sealed, chatid="", chattype="single", userid="lisi",
                               text="/我的", msgid="m-2", response_url=RESPONSE_URL, at=clock)
    assert (await client.post(wecom_bot.PATH, params=p2, data=b2)).status == 403
    assert (await client.post(wecom_bot.PATH, params=params, data="{}")).status == 403
    clock.advance(seconds=301)
    assert (await client.post(wecom_bot.PATH, params=params, data=body)).status == 403
    assert len(pipeline.accepted) == 4


async def test_robot_card_click_mixed_text_and_ignored_types(edge):
    clock = FakeClock(NOW)
    client, pipeline = await edge(clock, **bot_settings())
    params, body = wecom_bot_card_click(BOT_KEYS, userid="wangwu", event_key="accept:D7",
                                        task_id="card-D7", msgid="ev-1", chatid="wrG",
                                        chattype="group", at=clock)
    assert (await client.post(wecom_bot.PATH, params=params, data=body)).status == 200
    mixed = {"msgid": "mx-1", "aibotid": "AIBOTID", "chatid": "wrG", "chattype": "group",
             "from": {"userid": "wangwu"}, "response_url": RESPONSE_URL, "msgtype": "mixed",
             "mixed": {"msg_item": [{"msgtype": "text", "text": {"content": "@RobotA /建单 截图如下"}},
                                    {"msgtype": "image", "image": {"url": "https://img"}}]}}
    ignored = [
        {"msgid": "st-1", "aibotid": "A", "chattype": "single", "from": {"userid": "wangwu"},
         "msgtype": "stream", "stream": {"id": "s1"}},
        {"msgid": "en-1", "aibotid": "A", "chattype": "single", "from": {"userid": "wangwu"},
         "msgtype": "event", "event": {"eventtype": "enter_chat"}},
    ]
    for payload in [mixed, *ignored]:
        p, b = wecom_bot_encrypt(BOT_KEYS, payload, at=clock)
        assert (await client.post(wecom_bot.PATH, params=p, data=b)).status == 200
    click, text = pipeline.accepted
    assert click.action == base.CardAction(key="accept:D7", task_id="card-D7")
    assert (click.dedupe_key, click.chat_id, click.chat_type) == ("wecom_bot:ev-1", "wrG", base.GROUP)
    assert click.reply is None  # no response_url on this event: the relay answers another way
    assert (text.text, text.dedupe_key) == ("/建单 截图如下", "wecom_bot:mx-1")
    assert text.attachments == (base.Attachment(base.IMAGE, "https://img"),)
    # A signed body that is not JSON inside is acknowledged (WeCom would only retry it).
    p, b = wecom_bot_encrypt(BOT_KEYS, {"x": 1}, at=clock)
    assert (await client.post(wecom_bot.PATH, params=p, data=b)).status == 200
    assert json.loads(b)["encrypt"]
    assert len(pipeline.accepted) == 2
