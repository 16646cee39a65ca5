"""/healthz: whether the database answers and the relay runs, for a load balancer or a monitor."""
from __future__ import annotations

import asyncio

from tortoise import Tortoise

from bot.settings import load_settings
from tests.app_harness import start_bot


async def running(bot) -> None:
    for _ in range(200):  # the relay's loop starts in a task of its own
        if bot.relay.running:
            return
        await asyncio.sleep(0.005)
    raise AssertionError("the relay never started")


async def health(bot) -> tuple[int, dict]:
    resp = await bot.client.get("/healthz")
    return resp.status, await resp.json()


async def test_healthy_when_the_database_answers_and_the_relay_runs(db, clock, aiohttp_client):
    settings = load_settings(None, database__url=db)
    bot = await start_bot(aiohttp_client, settings, clock, run_background=True)
    await running(bot)
    assert await health(bot) == (200, {"ok": True, "database": True, "relay": True})


async def test_a_stopped_relay_is_unhealthy(db, clock, aiohttp_client):
    settings = load_settings(None, database__url=db)
    bot = await start_bot(aiohttp_client, settings, clock, run_background=True)
    await running(bot)
    await bot.relay.stop()
    assert await health(bot) == (503, {"ok": False, "database": True, "relay": False})


async def test_relay_off_by_choice_is_not_a_fault(db, clock, aiohttp_client):
    # run_background=False is how tests and one-off commands run the app: nothing to watch.
    settings = load_settings(None, database__url=db)
    bot = await start_bot(aiohttp_client, settings, clock, run_background=False)
    assert await health(bot) == (200, {"ok": True, "database": True, "relay": False})


async def test_closed_database_is_unhealthy(db, clock, aiohttp_client):
    settings = load_settings(None, database__url=db)
    bot = await start_bot(aiohttp_client, settings, clock, run_background=False)
    assert (await health(bot))[0] == 200
    await Tortoise.close_connections()
    assert await health(bot) == (503, {"ok": False, "database": False, "relay": False})
