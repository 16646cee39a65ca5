"""DingTalk's monthly OpenAPI quota: calls counted in the database by the DingTalk sender, the
admins warned once at 80 %, pushes merged into digests near the quota, /healthz showing it."""
from __future__ import annotations

import pytest

from bot import keys, messages as base
from bot.messages import OutboundMessage
from bot.services import outbox
from bot.settings import load_settings
from notifiers.quota import DingTalkQuota
from notifiers.senders.dingtalk import DingTalkSender
from storage.models import ApiUsage, OutboxMessage
from tests.app_harness import start_bot
from tests.fakes.dingtalk_api import FakeDingTalk

APP_KEY, SECRET, ROBOT = "dingquotaappkey", "quota-dingtalk-secret", "dingquotarobot"


@pytest.fixture
async def ding(clock, aiohttp_server):
    fake = FakeDingTalk(clock, app_key=APP_KEY, app_secret=SECRET, robot_code=ROBOT)
    server = await aiohttp_server(fake.app())
    fake.base = str(server.make_url("")).rstrip("/")
    return fake


def ding_settings(ding, db_url: str = "sqlite://:memory:", **kw):
    return load_settings(
        None, database__url=db_url, simulator__enabled=True, dingtalk__enabled=True,
        dingtalk__app_key=APP_KEY, dingtalk__app_secret=SECRET, dingtalk__robot_code=ROBOT,
        dingtalk__api_base=ding.base, dingtalk__oapi_base=ding.base, center__admins=["admin"],
        **kw)


async def test_the_sender_counts_every_openapi_call(db, clock, ding):
    import aiohttp

    quota = DingTalkQuota(ding_settings(ding), clock)
    async with aiohttp.ClientSession() as session:
        sender = DingTalkSender(ding_settings(ding), session, clock=clock, quota=quota)
        for n in range(3):
            await sender.send(OutboundMessage(channel=base.CH_DINGTALK_GROUP, address="cidG",
                                              text=f"通知 {n}"), f"k{n}")
    # One token fetch, then one call per message: the token is cached.
    assert await quota.used() == 4
    assert (await ApiUsage.get()).month == clock.now().strftime("%Y-%m")


async def test_admins_are_warned_once_at_eighty_percent(db, clock, ding):
    told: list[tuple[str, str]] = []

    async def warn(text: str, key: str) -> None:
        told.append((text, key))

    quota = DingTalkQuota(ding_settings(ding, dingtalk__monthly_quota=10), clock, warn)
    for _ in range(7):
        await quota.count()
    assert told == []
    for _ in range(5):
        await quota.count()
    [(text, key)] = told
    assert "钉钉接口额度预警" in text and "8" in text and "10" in text
    assert key == f"dingtalk-quota:{quota.month()}"
    # A new month starts from zero.
    clock.advance(days=40)
    assert await quota.used() == 0


@pytest.fixture
async def bot(demo, clock, ding, aiohttp_client):
    return await start_bot(aiohttp_client, ding_settings(ding, demo, dingtalk__monthly_quota=100),
                           clock)


async def test_near_the_quota_pushes_to_a_group_become_one_digest(bot, clock, ding):
    quota = bot.app[keys.QUOTA]
    await ApiUsage.create(platform="dingtalk", month=quota.month(), calls=95)
    for n in range(5):
        await outbox.enqueue(OutboundMessage(channel=base.CH_DINGTALK_GROUP, address="cidG",
                                             text=f"新工单通知 {n}"), f"n{n}", now=clock.now())
    await bot.settle()
    [digest] = [r for r in ding.received if r.api == "groupMessages"]
    assert all(f"新工单通知 {n}" in digest.content for n in range(5))
    assert await OutboxMessage.filter(merged_into__isnull=False).count() >= 4
    health = await (await bot.client.get("/healthz")).json()
    assert health["dingtalk_quota"]["limit"] == 100
    assert health["dingtalk_quota"]["used"] == 95  # the test senders are not counted


async def test_far_from_the_quota_pushes_go_one_by_one(bot, clock, ding):
    for n in range(3):
        await outbox.enqueue(OutboundMessage(channel=base.CH_DINGTALK_GROUP, address="cidG",
                                             text=f"新工单通知 {n}"), f"n{n}", now=clock.now())
    await bot.settle()
    assert len([r for r in ding.received if r.api == "groupMessages"]) == 3
