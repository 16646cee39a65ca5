"""Issue 4's acceptance scenario through WeCom callbacks: /建单 to /核销, the forms and the knowledge
entry, every clock on the fake clock and every push's recipient, with the whole bot (create_app)
behind aiohttp's test client and a fake WeCom server answering the relay on loopback
(the scenario itself is tests/hotline_scenario.py; the transport is tests/wecom_io.py).
"""
from __future__ import annotations

import pytest

from bot import messages as base
from bot.app import create_app
from bot.messages import OutboundMessage
from bot.settings import load_settings
from notifiers import render
from storage.models import OutboxMessage
from tests.fakes.callbacks import WeComKeys
from tests.fakes.wecom_api import FakeWeCom
from tests.hotline_scenario import hotline_scenario
from tests.wecom_io import WeComIO

CORP = "wwdeskbothotline01"
SECRET = "s"
AGENT = 1
KEYS = WeComKeys("hotlineToken4", "Hotline4AesKey0123456789abcdefghijklmnopqrs", CORP)
# The scenario runs from Monday 09:00 to Tuesday 17:45. A real token lives 7200 s and is refetched
# shortly before; here it outlives the day and a half, so one fetch shows that every send reused
# it (refetching on expiry is tests/test_e2e_wecom.py's and tests/test_senders_wecom.py's part).
TOKEN_TTL_S = 2 * 24 * 3600


@pytest.fixture
async def wecom(clock, aiohttp_server):
    fake = FakeWeCom(clock, corp_id=CORP, secret=SECRET, agent_id=AGENT, token_ttl=TOKEN_TTL_S)
    server = await aiohttp_server(fake.app())
    fake.base = str(server.make_url("")).rstrip("/")
    return fake


async def test_hotline_day_through_wecom_callbacks(demo, clock, wecom, aiohttp_client):
    settings = load_settings(
        None, database__url=demo, simulator__enabled=True, wecom__enabled=True, wecom__corp_id=CORP,
        wecom__token=KEYS.token, wecom__encoding_aes_key=KEYS.encoding_aes_key,
        wecom__agent_id=AGENT, wecom__secret=SECRET, wecom__api_base=wecom.base)
    # The production senders, built from the app's own HTTP session: WeCom for people, the
    # simulator's for the demo's bound local groups (so the simulator is enabled explicitly:
    # beside WeCom it is off unless written out).
    app = create_app(settings, clock=clock, run_background=False, open_database=False)
    client = await aiohttp_client(app)
    io = WeComIO(client, app, wecom, KEYS, clock, agent_id=AGENT)

    await hotline_scenario(io.scenario_io())

    # One access token served the whole scenario.
    assert wecom.gettoken_calls == 1
    # Every answer went to its asker through message/send, and every outbox row to a person
    # arrived there: nothing dropped by a limit or by WeCom's duplicate check, nothing dead.
    replies = await OutboxMessage.filter(dedupe_key__startswith="reply:").order_by("id")
    assert len(replies) == len(io.answers) == 23
    for row, (userid, answer) in zip(replies, io.answers):
        msg = OutboundMessage.from_json(row.payload)
        assert (row.channel, row.address, row.status) == (base.CH_WECOM_APP, userid, "sent")
        assert answer == msg.text and answer in wecom.contents("message/send", userid)
    to_people = await OutboxMessage.filter(channel=base.CH_WECOM_APP, merged_into=None)
    parts = sum(len(render.parts(OutboundMessage.from_json(r.payload))) for r in to_people)
    assert {r.status for r in to_people} == {"sent"}
    assert len([r for r in wecom.received if r.api == "message/send"]) == parts
    assert (wecom.dropped, wecom.duplicates) == ([], [])
    assert await OutboxMessage.exclude(status="sent").count() == 0
    # The cards people pressed reached them through WeCom (the claim card went to the bound
    # local hotline group); each press edited its card once, through WeCom.
    cards = [(r.dest, tuple(b["key"] for b in r.body["template_card"]["button_list"]))
             for r in wecom.received if r.msgtype == "template_card"]
    assert cards == [("wangqiang", ("accept:T1",)), ("wangqiang", ("take:D1",))]
    assert [u["button"]["replace_name"] for u in wecom.card_updates] == [
        "已由 李娜 接单", "已由 王强 接收", "已由 王强 接受派工"]
