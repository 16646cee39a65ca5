"""The simulator is safe by default: who may reach it, from where, and when it is there at all."""
from __future__ import annotations

import json

import pytest

from bot.app import create_app
from bot.platforms import sim_access, texts
from bot.settings import SettingsError, load_settings
from storage.models import AuditLog, InboundEvent, OutboxMessage, Penalty
from tests.app_harness import start_bot

TOKEN = "a-long-simulator-login-token"
PENALTY = {"userid": "admin", "conv": "user", "text": "/处罚登记 张伟 迟到"}


async def untouched() -> bool:
    return (await InboundEvent.all().count(), await OutboxMessage.all().count(),
            await AuditLog.all().count(), await Penalty.all().count()) == (0, 0, 0, 0)


async def simulator_bot(demo, clock, aiohttp_client, **settings):
    return await start_bot(aiohttp_client, load_settings(None, database__url=demo, **settings),
                           clock)


def same_origin(bot) -> dict[str, str]:
    host = bot.client.make_url("/").authority
    return {"Origin": f"http://{host}", "Sec-Fetch-Site": "same-origin"}


async def test_a_cross_site_text_plain_post_is_refused_and_changes_nothing(demo, clock,
                                                                           aiohttp_client):
    bot = await simulator_bot(demo, clock, aiohttp_client)
    # What a hostile page can make a browser send without a preflight.
    resp = await bot.client.post("/sim/api/send", data=json.dumps(PENALTY, ensure_ascii=False),
                                 headers={"Content-Type": "text/plain;charset=UTF-8",
                                          "Origin": "http://evil.example",
                                          "Sec-Fetch-Site": "cross-site"})
    assert resp.status == 403
    assert (await resp.json())["error"] == texts.SIM_CROSS_SITE
    await bot.settle()
    assert await untouched()


async def test_a_rebinding_host_is_refused_on_every_route(demo, clock, aiohttp_client):
    bot = await simulator_bot(demo, clock, aiohttp_client)
    evil = {"Host": "evil.example:8080"}
    for method, path in (("GET", "/sim"), ("GET", "/sim/api/staff"),
                         ("GET", "/sim/api/messages"), ("POST", "/sim/api/send")):
        resp = await bot.client.request(method, path, headers=evil, json=PENALTY)
        assert resp.status == 403, path
    await bot.settle()
    assert await untouched()


async def test_the_default_make_run_config_works_from_the_page(demo, clock, aiohttp_client):
    # `make run` serves with no configuration file: only the database differs here.
    settings = load_settings(None, database__url=demo)
    assert settings.simulator.enabled is True and settings.simulator.token == ""
    bot = await start_bot(aiohttp_client, settings, clock)
    page = await bot.client.get("/sim")
    assert page.status == 200 and "sim.js" in await page.text()
    headers = same_origin(bot)
    assert (await bot.client.get("/sim/api/staff", headers=headers)).status == 200
    resp = await bot.client.post("/sim/api/send", json={
        "userid": "zhangwei", "conv": "user", "text": "/帮助"}, headers=headers)
    assert resp.status == 200 and (await resp.json())["accepted"] is True
    await bot.settle()
    assert len(await bot.replies()) == 1
    # localhost by name is loopback too.
    resp = await bot.client.get("/sim/api/chats", headers={"Host": "localhost:8080"})
    assert resp.status == 200


def test_the_simulator_is_off_beside_a_real_platform_unless_written_out():
    assert load_settings(None).simulator.enabled is True
    assert load_settings(None, wecom__enabled=True).simulator.enabled is False
    assert load_settings(None, wecom__bot__enabled=True).simulator.enabled is False
    assert load_settings(None, dingtalk__enabled=True).simulator.enabled is False
    assert load_settings(None, wecom__enabled=True,
                         simulator__enabled=True).simulator.enabled is True
    assert load_settings(None, simulator__enabled=False).simulator.enabled is False


async def test_no_simulator_routes_when_wecom_is_enabled_without_the_key(demo, clock,
                                                                         aiohttp_client):
    bot = await simulator_bot(
        demo, clock, aiohttp_client, wecom__enabled=True, wecom__corp_id="wwcorp",
        wecom__token="t", wecom__encoding_aes_key="0123456789abcdefghijklmnopqrstuvwxyzABCDEFG")
    for path in ("/sim", "/sim/api/staff"):
        assert (await bot.client.get(path)).status == 404
    resp = await bot.client.post("/sim/api/send", json=PENALTY)
    assert resp.status in (404, 405)
    assert await untouched()


def test_it_refuses_to_listen_beyond_loopback_without_a_token(tmp_path):
    url = f"sqlite://{tmp_path}/x.sqlite3"
    with pytest.raises(SettingsError) as err:
        create_app(load_settings(None, database__url=url, server__host="0.0.0.0"),
                   open_database=False)
    assert "token" in str(err.value)
    create_app(load_settings(None, database__url=url, server__host="0.0.0.0",
                             simulator__token=TOKEN), open_database=False)
    create_app(load_settings(None, database__url=url, server__host="0.0.0.0",
                             simulator__enabled=False), open_database=False)
    with pytest.raises(SettingsError):
        load_settings(None, simulator__token="short")


async def test_with_a_token_the_page_asks_for_it_and_the_api_needs_the_login(demo, clock,
                                                                              aiohttp_client):
    bot = await simulator_bot(demo, clock, aiohttp_client, server__host="0.0.0.0",
                              simulator__token=TOKEN)
    page = await bot.client.get("/sim", headers={"Host": "deskbot.example.com"})
    assert page.status == 401 and texts.SIM_LOGIN_PAGE["prompt"] in await page.text()
    send = {"userid": "zhangwei", "conv": "user", "text": "/帮助"}
    assert (await bot.client.post("/sim/api/send", json=send)).status == 401
    assert (await bot.client.post("/sim/api/login", json={"token": "wrong"})).status == 403
    assert (await bot.client.post("/sim/api/login", data=TOKEN,
                                  headers={"Content-Type": "text/plain"})).status == 415
    resp = await bot.client.post("/sim/api/login", json={"token": TOKEN})
    assert resp.status == 200
    cookie = resp.cookies[sim_access.COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    assert cookie.value != TOKEN
    # The test client keeps the cookie, as the browser does: the page and the API now answer.
    assert (await bot.client.get("/sim")).status == 200
    resp = await bot.client.post("/sim/api/send", json=send)
    assert resp.status == 200 and (await resp.json())["accepted"] is True
    # Even logged in, another site's request is refused.
    resp = await bot.client.post("/sim/api/send", json=send,
                                 headers={"Origin": "http://evil.example"})
    assert resp.status == 403
