"""Cards show the truth (issue 15): after a claim, a transfer, an acceptance, a resolution, a
cancellation or a reopening, every card of the object shows its new state wherever it was
shown: in the simulator in place, on DingTalk through the interactive card update, on WeCom
through update_template_card (once per code, within 72 hours) or else as a fresh message."""
from __future__ import annotations

import json

import pytest

from bot import keys, messages as base
from bot.platforms import dingtalk, wecom_app
from bot.settings import load_settings
from storage.models import CardRef, Chat, OutboxMessage, Ticket
from tests.app_harness import dingtalk_settings, serve_fake, start_bot, wecom_settings
from tests.fakes.callbacks import (
    WeComKeys,
    dingtalk_card_click,
    dingtalk_message,
    wecom_app_card_click,
    wecom_app_text,
)
from tests.fakes.dingtalk_api import FakeDingTalk
from tests.fakes.wecom_api import FakeWeCom

CREATE = "/建单 客户=华东制造 打印凭证时报错"


# -- the simulator ---------------------------------------------------------------------------

@pytest.fixture
async def sim(demo, clock, aiohttp_client):
    settings = load_settings(None, database__url=demo, simulator__enabled=True)
    return await start_bot(aiohttp_client, settings, clock)


async def say(bot, userid: str, text: str, conv: str = "user") -> None:
    resp = await bot.client.post("/sim/api/send", json={"userid": userid, "conv": conv,
                                                        "text": text})
    assert resp.status == 200, await resp.text()
    await bot.settle()


async def press(bot, userid: str, key: str, task_id: str, conv: str) -> None:
    resp = await bot.client.post("/sim/api/click", json={
        "userid": userid, "conv": conv, "key": key, "task_id": task_id, "label": "按钮"})
    assert resp.status == 200, await resp.text()
    await bot.settle()


async def cards_in(bot, conv: str) -> list[dict]:
    """The cards the page shows in a conversation, as it loads them."""
    resp = await bot.client.get("/sim/api/messages", params={"conv": conv})
    return [e for e in (await resp.json())["messages"] if e.get("kind") == "card"]


async def test_simulator_card_updates_in_place_after_a_typed_claim(sim):
    await say(sim, "zhangwei", CREATE)
    [card] = await cards_in(sim, "chat:hotline")
    assert card["task_id"] == "claim-T1" and [b["text"] for b in card["buttons"]] == ["接单"]
    await say(sim, "lina", "@机器人 /接单 T1", conv="hotline")
    # Still one card, in its place, without its button, saying who took it.
    [card] = await cards_in(sim, "chat:hotline")
    assert card["task_id"] == "claim-T1" and card["buttons"] == []
    assert card["text"].endswith("状态：已由 李娜 接单")
    assert sim.app[keys.SIMULATOR].card("chat:hotline", "claim-T1")["id"] == card["id"]


async def test_simulator_card_shows_an_edit_in_place(sim):
    await say(sim, "zhangwei", CREATE)
    [card] = await cards_in(sim, "chat:hotline")
    # A field not given is left out, not shown as "-".
    assert card["text"].splitlines() == ["客户：华东制造有限公司", "优先级：普通", "服务方式：电话",
                                         "现象：打印凭证时报错", "建单：张伟"]
    await say(sim, "zhangwei", "/改单 T1 优先级=紧急 产品=T6 联系人=王会计 电话=13900001111")
    [card] = await cards_in(sim, "chat:hotline")
    assert card["task_id"] == "claim-T1" and [b["text"] for b in card["buttons"]] == ["接单"]
    assert card["text"].splitlines() == [
        "客户：华东制造有限公司", "联系人：王会计　电话：139****1111", "产品：T6", "优先级：紧急",
        "服务方式：电话", "现象：打印凭证时报错", "建单：张伟", "状态：待接单"]


async def test_simulator_card_updates_after_a_button_claim_then_resolve_reopen_cancel(sim):
    await say(sim, "zhangwei", CREATE)
    await press(sim, "lina", "claim:T1", "claim-T1", "hotline")
    [card] = await cards_in(sim, "chat:hotline")
    assert card["buttons"] == [] and card["text"].endswith("状态：已由 李娜 接单")
    await say(sim, "lina", "/解决 T1 重新安装打印控件后正常")
    [card] = await cards_in(sim, "chat:hotline")
    assert card["text"].endswith("状态：已由 李娜 解决")
    await say(sim, "lina", "/重开 T1 客户反馈问题再次出现")
    [card] = await cards_in(sim, "chat:hotline")
    assert card["text"].endswith("状态：已重开，由 李娜 负责")
    await say(sim, "lina", "/撤单 T1 误建，客户已自行解决")
    [card] = await cards_in(sim, "chat:hotline")
    assert card["text"].endswith("状态：已撤单") and card["buttons"] == []
    # The page that reloads gets the card where it was, not moved to the end.
    resp = await sim.client.get("/sim/api/messages", params={"conv": "chat:hotline"})
    entries = (await resp.json())["messages"]
    assert entries[0]["kind"] == "card"


async def test_simulator_transfer_shows_on_the_card_and_accepting_clears_it(sim):
    await say(sim, "zhangwei", CREATE)
    await say(sim, "zhangwei", "/转派 T1 李娜")
    [card] = await cards_in(sim, "chat:hotline")
    # Nobody claimed it yet: 接单 stays, and the offer is shown.
    assert card["text"].endswith("状态：待接单，转派给 李娜 待接收")
    assert [b["key"] for b in card["buttons"]] == ["claim:T1"]
    [offer] = await cards_in(sim, "user:lina")
    assert [b["key"] for b in offer["buttons"]] == ["accept:T1"]
    await press(sim, "lina", "accept:T1", offer["task_id"], "user")
    [card] = await cards_in(sim, "chat:hotline")
    assert card["text"].endswith("状态：已由 李娜 接收") and card["buttons"] == []
    [offer] = await cards_in(sim, "user:lina")
    assert offer["buttons"] == [] and offer["text"].endswith("状态：已由 李娜 接收")


async def test_simulator_dispatch_card_after_accepting_the_dispatch(sim):
    await say(sim, "zhangwei", CREATE)
    await say(sim, "liujing", "/派工 T1 李娜")
    [card] = await cards_in(sim, "user:lina")
    assert card["task_id"] == "take-D1" and [b["text"] for b in card["buttons"]] == ["接受派工"]
    await say(sim, "lina", "/接受派工 D1")
    [card] = await cards_in(sim, "user:lina")
    assert card["buttons"] == [] and card["text"].endswith("状态：已由 李娜 接受派工")
    await say(sim, "lina", "/预约 D1 明天14:00")
    [card] = await cards_in(sim, "user:lina")
    assert card["text"].endswith("状态：已预约（李娜）")


async def test_a_retried_old_state_never_overwrites_a_newer_one(sim, clock):
    await say(sim, "zhangwei", CREATE)
    resp = await sim.client.post("/sim/api/send", json={"userid": "lina", "conv": "user",
                                                        "text": "/接单 T1"})
    assert resp.status == 200
    await sim.settle(send=False)
    # The claim's redraw fails for a while (the relay will retry it) ...
    [claimed] = await OutboxMessage.filter(dedupe_key__startswith="card:", status="pending")
    await OutboxMessage.filter(id=claimed.id).update(
        next_attempt_at=clock.now().replace(year=clock.now().year + 1), attempts=1)
    await say(sim, "lina", "/解决 T1 重新安装打印控件后正常")
    [card] = await cards_in(sim, "chat:hotline")
    assert card["text"].endswith("状态：已由 李娜 解决")
    # ... and when its retry comes, the card already shows a newer state: it is dropped.
    await OutboxMessage.filter(id=claimed.id).update(next_attempt_at=clock.now())
    await sim.settle()
    [card] = await cards_in(sim, "chat:hotline")
    assert card["text"].endswith("状态：已由 李娜 解决")
    ref = await CardRef.get(card_key="claim-T1")
    assert (ref.version, ref.shown_version) == (2, 2)
    assert (await OutboxMessage.get(id=claimed.id)).status == "sent"


# -- WeCom -----------------------------------------------------------------------------------

CORP, SECRET, AGENT = "wwdeskbotcards01", "cards-app-secret", 1000002
APP = WeComKeys("appToken7", "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG", CORP)
BOT = WeComKeys("botToken9", "ZYXWVUTSRQPONMLKJIHGFEDCBAzyxwvutsrqponmlkj", "")


@pytest.fixture
async def wecom(clock, aiohttp_server):
    return await serve_fake(FakeWeCom(clock, corp_id=CORP, secret=SECRET, agent_id=AGENT),
                            aiohttp_server)


@pytest.fixture
async def wbot(demo, clock, wecom, aiohttp_client):
    # A WeCom hotline group reached through its robot webhook: cards travel there as text.
    await Chat.create(platform=base.WECOM_BOT, chat_key="wrHOTLINE", purpose="hotline",
                      name="热线群", push_channel=base.CH_WECOM_WEBHOOK, push_address="hotkey")
    settings = wecom_settings(demo, wecom, corp=CORP, secret=SECRET, agent=AGENT, app=APP,
                              bot=BOT)
    return await start_bot(aiohttp_client, settings, clock)


async def app_says(bot, clock, user: str, text: str, msg_id: str) -> None:
    params, body = wecom_app_text(APP, user, text, msg_id, at=clock, agent_id=AGENT)
    assert (await bot.client.post(wecom_app.PATH, params=params, data=body)).status == 200
    await bot.settle()


async def test_wecom_dispatch_card_is_updated_after_a_typed_accept(wbot, clock, wecom):
    await app_says(wbot, clock, "zhangwei", CREATE, "w1")
    await app_says(wbot, clock, "liujing", "/派工 T1 李娜", "w2")
    card = wecom.card("take-D1", "lina")
    assert [b["key"] for b in card["button_list"]] == ["take:D1"]
    await app_says(wbot, clock, "lina", "/接受派工 D1", "w3")
    # No click: the code message/send answered with is used, once.
    [update] = wecom.card_updates
    assert update["userids"] == ["lina"] and update["button"] == {"replace_name":
                                                                   "已由 李娜 接受派工"}
    assert wecom.card("take-D1", "lina")["replaced_by"] == "已由 李娜 接受派工"
    # The next change finds the code spent; lina made it and has her answer: nothing more.
    clock.advance(hours=1)
    await app_says(wbot, clock, "lina", "/预约 D1 明天14:00", "w4")
    assert len(wecom.card_updates) == 1
    assert wecom.contents("message/send", "lina")[-1].startswith("D1 已预约 11-24 14:00 上门")


async def test_wecom_dispatch_card_is_updated_after_a_button_accept(wbot, clock, wecom):
    await app_says(wbot, clock, "zhangwei", CREATE, "w1")
    await app_says(wbot, clock, "liujing", "/派工 T1 王强", "w2")
    code = wecom.issue_response_code("take-D1", "wangqiang")
    params, body = wecom_app_card_click(APP, "wangqiang", "take:D1", "take-D1", at=clock,
                                        response_code=code, agent_id=AGENT)
    assert (await wbot.client.post(wecom_app.PATH, params=params, data=body)).status == 200
    await wbot.settle()
    [update] = wecom.card_updates
    assert update["response_code"] == code  # the click's own code
    assert wecom.card("take-D1", "wangqiang")["replaced_by"] == "已由 王强 接受派工"


async def test_wecom_claim_card_updated_by_button_and_groups_told_afresh(wbot, clock, wecom):
    await app_says(wbot, clock, "zhangwei", CREATE, "w1")
    [announce] = wecom.contents("webhook/send", "hotkey")
    assert announce.startswith("新工单 T1")
    # lina's claim card (sent before cards were remembered, or by another app) is clicked.
    code = wecom.issue_response_code("claim-T1", "lina")
    params, body = wecom_app_card_click(APP, "lina", "claim:T1", "claim-T1", at=clock,
                                        response_code=code, agent_id=AGENT)
    assert (await wbot.client.post(wecom_app.PATH, params=params, data=body)).status == 200
    await wbot.settle()
    assert (await Ticket.get(id=1).select_related("owner")).owner.userid == "lina"
    [update] = wecom.card_updates
    assert update["response_code"] == code
    assert wecom.card("claim-T1", "lina")["replaced_by"] == "已由 李娜 接单"
    # A robot webhook cannot update what it posted: the group gets the state as a message.
    assert wecom.contents("webhook/send", "hotkey")[-1] == "新工单 T1\n状态：已由 李娜 接单"


async def test_wecom_typed_claim_tells_the_webhook_group(wbot, clock, wecom):
    await app_says(wbot, clock, "zhangwei", CREATE, "w1")
    await app_says(wbot, clock, "lina", "/接单 T1", "w2")
    assert wecom.contents("webhook/send", "hotkey")[-1] == "新工单 T1\n状态：已由 李娜 接单"
    assert wecom.card_updates == []


async def test_wecom_edit_tells_the_webhook_group_what_changed(wbot, clock, wecom):
    await app_says(wbot, clock, "zhangwei", CREATE, "w1")
    await app_says(wbot, clock, "zhangwei", "/改单 T1 优先级=紧急", "w2")
    assert wecom.contents("webhook/send", "hotkey")[-1] == \
        "新工单 T1\n已修改：优先级：普通 → 紧急；接单时限：截止 11-23 09:15 → 11-23 09:05（剩余 5 分钟）" \
        "\n状态：待接单"


async def test_wecom_code_older_than_72_hours_is_not_used(wbot, clock, wecom):
    await app_says(wbot, clock, "zhangwei", CREATE, "w1")
    await app_says(wbot, clock, "zhangwei", "/转派 T1 李娜", "w2")
    [offer] = [t for (t, u) in wecom.cards if u == "lina"]
    assert [b["key"] for b in wecom.card(offer, "lina")["button_list"]] == ["accept:T1"]
    clock.advance(hours=73)
    await app_says(wbot, clock, "zhangwei", "/解决 T1 重新安装打印控件后正常", "w3")
    # The send's code is past WeCom's 72 hours: lina's offer is answered with a message.
    assert wecom.card_updates == []
    assert wecom.contents("message/send", "lina")[-1] == "转派给你：T1\n状态：已由 张伟 解决"


# -- DingTalk --------------------------------------------------------------------------------

APP_KEY, DING_SECRET, ROBOT = "dingcardsappkey", "cards-dingtalk-secret", "dingcardsrobot"
BOT_ID = "$:LWCP_v1:$cardsbot"


@pytest.fixture
async def ding(clock, aiohttp_server):
    return await serve_fake(FakeDingTalk(clock, app_key=APP_KEY, app_secret=DING_SECRET,
                                         robot_code=ROBOT), aiohttp_server)


@pytest.fixture
async def dbot(demo, clock, ding, aiohttp_client):
    await Chat.create(platform=base.DINGTALK, chat_key="cidHOTLINE", purpose="hotline",
                      name="热线群")
    settings = dingtalk_settings(demo, ding, app_key=APP_KEY, secret=DING_SECRET, robot=ROBOT)
    return await start_bot(aiohttp_client, settings, clock)


async def ding_says(bot, clock, ding, sender: str, text: str, msg_id: str) -> None:
    webhook, expires = ding.new_session(ding.base)
    headers, body = dingtalk_message(
        DING_SECRET, msg_id=msg_id, sender_staff_id=sender, text=text, at=clock,
        conversation_id="cidHOTLINE", conversation_type="2", chatbot_user_id=BOT_ID,
        at_users=[{"dingtalkId": BOT_ID}], robot_code=ROBOT, session_webhook=webhook,
        session_webhook_expired_ms=int(expires.timestamp() * 1000))
    resp = await bot.client.post(dingtalk.PATH, headers=headers, data=body.encode())
    assert resp.status == 200
    await bot.settle()


def actions(card: dict) -> list[str]:
    return [a["id"] for c in card["contents"] if c["type"] == "action" for a in c["actions"]]


async def test_dingtalk_card_updated_after_a_typed_claim(dbot, clock, ding):
    await ding_says(dbot, clock, ding, "zhangwei", CREATE, "d1")
    # The simulator's hotline chat comes first; the DingTalk card has an outTrackId of its own.
    [track] = [t for t, body in ding.cards.items() if body.get("openConversationId")
               == "cidHOTLINE"]
    assert track == "claim-T1-1" and actions(ding.card(track)) == ["claim:T1"]
    await ding_says(dbot, clock, ding, "lina", "/接单 T1", "d2")
    [update] = ding.card_updates
    assert update["outTrackId"] == track
    card = ding.card(track)
    assert actions(card) == []
    texts = [c["text"] for c in card["contents"]]
    assert texts[0].endswith("状态：已由 李娜 接单") and texts[-1] == "**已由 李娜 接单**"


async def test_dingtalk_card_updated_after_a_button_claim(dbot, clock, ding):
    await ding_says(dbot, clock, ding, "zhangwei", CREATE, "d1")
    headers, body = dingtalk_card_click(DING_SECRET, user_id="lina", out_track_id="claim-T1-1",
                                        key="claim:T1", at=clock, space_id="cidHOTLINE")
    resp = await dbot.client.post(dingtalk.CARD_PATH, headers=headers, data=body.encode())
    assert resp.status == 200
    await dbot.settle()
    assert (await Ticket.get(id=1).select_related("owner")).owner.userid == "lina"
    card = ding.card("claim-T1-1")
    assert actions(card) == [] and "已由 李娜 接单" in json.dumps(card, ensure_ascii=False)
    # The resolution redraws it again: DingTalk cards can be updated any number of times.
    await ding_says(dbot, clock, ding, "lina", "/解决 T1 重新安装打印控件后正常", "d3")
    assert len(ding.card_updates) == 2
    assert ding.card("claim-T1-1")["contents"][0]["text"].endswith("状态：已由 李娜 解决")


async def test_dingtalk_card_that_went_as_text_gets_its_state_as_a_message(dbot, clock, ding):
    await ding_says(dbot, clock, ding, "zhangwei", CREATE, "d1")
    # As if the relay had folded the card into a digest (a rate limit, the quota's digest mode):
    # DingTalk holds no card under its outTrackId, so there is nothing to update.
    row = await OutboxMessage.get(dedupe_key="ticket:1:announce#1")
    await OutboxMessage.filter(id=row.id).update(merged_into=row.id)
    await ding_says(dbot, clock, ding, "lina", "/接单 T1", "d2")
    assert ding.card_updates == []
    assert "新工单 T1\n状态：已由 李娜 接单" in ding.contents(dest="cidHOTLINE")
    assert await OutboxMessage.exclude(status="sent").count() == 0


async def test_simulator_restart_shows_the_card_as_it_is_now(sim, clock):
    from bot.platforms.local_hub import SimulatorHub

    await say(sim, "zhangwei", CREATE)
    await say(sim, "lina", "/接单 T1")
    fresh = SimulatorHub(clock)  # a restarted bot refills its page from the outbox
    await fresh.load_history()
    cards = [e for e in fresh.messages(["chat:hotline"]) if e["kind"] == "card"]
    assert len(cards) == 1 and cards[0]["text"].endswith("状态：已由 李娜 接单")
    assert fresh.card("chat:hotline", "claim-T1") == cards[0]
