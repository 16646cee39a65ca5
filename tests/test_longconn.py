"""One holder per long connection: the lease, takeover after a death, reconnects and alerts.

The connections here are scripted stand-ins for the platform code; the WeCom and DingTalk tests
drive the same supervisor against fake WebSocket servers.
"""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

from bot import longconn
from bot.longconn import Kicked, Supervisor
from bot.settings import LongConnectionSettings
from storage import leader
from storage.models import ConnectionLease

FAST = LongConnectionSettings(lease_s=0.6, standby_poll_s=0.05, backoff_min_s=0.02,
                              backoff_max_s=0.05, alert_after_s=0.15, kick_cooldown_s=60)


class Scripted:
    """Stays connected until told to drop, kick or fail; counts how often it was opened."""
    title = "测试连接"

    def __init__(self, name: str = "robot:1", script: list[str] | None = None) -> None:
        self.name = name
        self.opened = 0
        self.live = 0
        self.script = list(script or [])
        self.end: asyncio.Queue[str] = asyncio.Queue()

    async def run(self, connected) -> None:
        self.opened += 1
        step = self.script.pop(0) if self.script else "hold"
        if step == "fail":
            raise ConnectionError("连接被拒绝")
        connected()
        self.live += 1
        try:
            how = await self.end.get()
        finally:
            self.live -= 1
        if how == "kick":
            raise Kicked()


async def wait_for(check, timeout: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        assert loop.time() < deadline, "condition not reached"
        await asyncio.sleep(0.01)


def recorder():
    told: list[str] = []

    async def alert(text: str, key: str) -> None:
        told.append(text)
    return told, alert


async def test_the_lease_goes_to_one_holder_and_to_another_only_once_expired(db):
    now = datetime(2026, 11, 29, 2, 0, tzinfo=timezone.utc)
    ttl = timedelta(seconds=30)
    assert await leader.acquire("robot:1", "a", now=now, ttl=ttl)
    assert not await leader.acquire("robot:1", "b", now=now + timedelta(seconds=10), ttl=ttl)
    assert await leader.acquire("robot:1", "a", now=now + timedelta(seconds=20), ttl=ttl)
    # a's renewal at +20 s holds until +50 s: b still waits at +45 s, wins at +51 s.
    assert not await leader.acquire("robot:1", "b", now=now + timedelta(seconds=45), ttl=ttl)
    assert await leader.acquire("robot:1", "b", now=now + timedelta(seconds=51), ttl=ttl)
    assert await leader.holder_of("robot:1", now=now + timedelta(seconds=52)) == "b"
    row = await ConnectionLease.get(name="robot:1")
    assert row.acquired_at == now + timedelta(seconds=51)
    await leader.release("robot:1", "a")  # not the holder: changes nothing
    assert await leader.holder_of("robot:1", now=now + timedelta(seconds=52)) == "b"
    await leader.release("robot:1", "b")
    assert await leader.holder_of("robot:1", now=now + timedelta(seconds=52)) is None


async def test_a_standby_connects_only_after_the_holder_dies(db):
    told, alert = recorder()
    first, second = Scripted(), Scripted()
    states: list[tuple[str, str]] = []
    a = Supervisor(first, FAST, alert=alert, holder="a")
    b = Supervisor(second, FAST, alert=alert, holder="b",
                   on_state=lambda name, state: states.append((name, state)))
    await a.start()
    await wait_for(lambda: first.live == 1)
    await b.start()
    await asyncio.sleep(0.8)  # longer than the lease: a renews it, b keeps standing by
    assert second.opened == 0 and b.state == longconn.STANDBY
    # a dies without a word (killed): its task ends, its lease is left to run out.
    assert a._task is not None
    a._task.cancel()
    await asyncio.gather(a._task, return_exceptions=True)
    await wait_for(lambda: second.live == 1)
    assert b.state == longconn.CONNECTED and ("robot:1", "connected") in states
    await b.stop()
    assert b.state == longconn.STOPPED
    assert await leader.holder_of("robot:1", now=datetime.now(timezone.utc)) is None
    assert told == []


async def test_a_dropped_connection_reconnects_and_the_admins_hear_of_a_long_outage(db):
    told, alert = recorder()
    conn = Scripted(script=["hold", "fail", "fail", "fail", "fail", "fail", "fail", "fail", "hold"])
    sup = Supervisor(conn, FAST, alert=alert)
    await sup.start()
    await wait_for(lambda: conn.live == 1)
    conn.end.put_nowait("drop")
    await wait_for(lambda: conn.live == 1 and conn.opened == 9)
    await wait_for(lambda: len(told) == 2)
    assert "测试连接 长连接已断开" in told[0] and "ConnectionError: 连接被拒绝" in told[0]
    assert told[1] == "【连接恢复】测试连接 长连接已恢复。"
    conn.end.put_nowait("drop")  # a short blip after that: reconnected, nobody told
    await wait_for(lambda: conn.opened == 10 and conn.live == 1)
    await asyncio.sleep(0.2)
    assert len(told) == 2
    await sup.stop()


async def test_a_kicked_holder_does_not_fight_back(db):
    told, alert = recorder()
    first, second = Scripted(), Scripted()
    a = Supervisor(first, FAST, alert=alert, holder="a")
    b = Supervisor(second, FAST, alert=alert, holder="b")
    await a.start()
    await wait_for(lambda: first.live == 1)
    await b.start()
    first.end.put_nowait("kick")
    await asyncio.sleep(1.0)
    # Kicked: a neither reconnects within its cool-down nor lets b connect in its place.
    assert first.opened == 1 and second.opened == 0
    assert len(told) == 1 and "被另一个连接挤下线" in told[0] and "1 分钟内不再重连" in told[0]
    await a.stop()
    await b.stop()
