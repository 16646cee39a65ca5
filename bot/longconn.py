"""One holder per long connection, and keeping that connection up.

A platform's long connection (the WeCom intelligent robot's WebSocket, DingTalk's stream) replaces
the public callback URL. The platform allows one connection per robot or app and a new one kicks
the old, so every instance runs a `Supervisor` and only the one holding the connection's lease
(storage/leader.py) connects; the others stand by and take over when the holder dies and its lease
runs out. The holder reconnects after a drop with doubling backoff, tells the admins once when the
connection stays down, and, kicked by a connection that is not ours, stands by for a cool-down
instead of kicking back: two parties taking turns would leave neither connected.

The platform code implements `Connection.run`: open, subscribe, call `connected()`, pump frames
until the connection ends, then return (a drop) or raise `Kicked` (replaced by another connection).
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import uuid
from datetime import datetime, timedelta, timezone
from typing import Awaitable, Callable, Protocol

from bot import texts
from bot.settings import LongConnectionSettings
from storage import leader

log = logging.getLogger("deskbot.longconn")

STANDBY, CONNECTING, CONNECTED, DOWN, STOPPED = "standby", "connecting", "connected", "down", "stopped"
STATES = (STANDBY, CONNECTING, CONNECTED, DOWN, STOPPED)


class Kicked(Exception):
    """The platform closed our connection because another one for the same robot opened."""


class Connection(Protocol):
    name: str  # the lease's name and the metric's label, e.g. "wecom_robot:<botid>"
    title: str  # how the admins' notices name it, e.g. "企业微信智能机器人"

    async def run(self, connected: Callable[[], None]) -> None: ...


def _utcnow() -> datetime:
    # Leases measure process liveness, not business time: the wall clock, even under a test clock.
    return datetime.now(timezone.utc)


class Supervisor:
    def __init__(self, conn: Connection, settings: LongConnectionSettings, *,
                 alert: Callable[[str, str], Awaitable[None]],
                 on_state: Callable[[str, str], None] = lambda name, state: None,
                 holder: str | None = None, now: Callable[[], datetime] = _utcnow) -> None:
        self.conn, self.settings = conn, settings
        self.alert, self.on_state, self.now = alert, on_state, now
        self.holder = holder or f"{conn.name[:40]}-{uuid.uuid4().hex[:8]}"
        self.state = STOPPED
        self._task: asyncio.Task[None] | None = None
        self._failures = 0
        self._down_since: datetime | None = None
        self._alerted = False
        self._last_error = ""

    def _set(self, state: str) -> None:
        if state != self.state:
            log.info("long connection %s: %s -> %s", self.conn.name, self.state, state)
        self.state = state
        self.on_state(self.conn.name, state)

    async def start(self) -> None:
        self._set(STANDBY)
        self._task = asyncio.create_task(self._loop(), name=f"longconn:{self.conn.name}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        with contextlib.suppress(Exception):
            await leader.release(self.conn.name, self.holder)
        self._set(STOPPED)

    async def _acquire(self) -> bool:
        try:
            return await leader.acquire(self.conn.name, self.holder, now=self.now(),
                                        ttl=timedelta(seconds=self.settings.lease_s))
        except Exception:  # the database away for a moment: stay a standby, try again later
            log.exception("long connection %s: lease not readable", self.conn.name)
            return False

    async def _loop(self) -> None:
        s = self.settings
        while True:
            if not await self._acquire():
                self._set(STANDBY)
                await asyncio.sleep(s.standby_poll_s)
                continue
            kicked = await self._hold()
            if kicked:
                # Keep the lease through the cool-down so no instance of ours kicks back either.
                await self._kicked()
                await self._renewing(asyncio.sleep(s.kick_cooldown_s))
                self._failures = 0
                continue
            await self._dropped()
            delay = min(s.backoff_max_s, s.backoff_min_s * 2 ** min(self._failures - 1, 30))
            # Jitter keeps instances and robots from reconnecting in step after a network blip.
            await self._renewing(asyncio.sleep(delay * random.uniform(0.8, 1.2)))

    async def _hold(self) -> bool:
        """Connect and keep the lease while the connection lives; True when kicked."""
        self._set(CONNECTING)

        def connected() -> None:
            self._connected()

        try:
            lost = await self._renewing(self.conn.run(connected))
            if lost:
                self._last_error = "租约被其他实例接管"
        except Kicked:
            self._set(STANDBY)
            return True
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a drop with a reason: logged, counted, retried with backoff
            self._last_error = f"{type(exc).__name__}: {exc}"[:200]
            log.warning("long connection %s dropped: %s", self.conn.name, self._last_error)
        else:
            self._last_error = self._last_error or "连接被关闭"
        return False

    async def _renewing(self, work: Awaitable[None]) -> bool:
        """Run `work` while renewing the lease; True (and `work` cancelled) if the lease was lost."""
        task = asyncio.ensure_future(work)
        every = self.settings.lease_s / 3
        try:
            while True:
                done, _ = await asyncio.wait({task}, timeout=every)
                if done:
                    task.result()
                    return False
                if not await self._acquire():
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await task
                    return True
        finally:
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    def _connected(self) -> None:
        self._set(CONNECTED)
        self._failures = 0
        if self._alerted:
            asyncio.ensure_future(self._tell(texts.CONNECTION_BACK.format(name=self.conn.title),
                                             "back"))
        self._down_since, self._alerted = None, False

    async def _dropped(self) -> None:
        self._set(DOWN)
        self._failures += 1
        now = self.now()
        if self._down_since is None:
            self._down_since = now
        down = (now - self._down_since).total_seconds()
        if not self._alerted and down >= self.settings.alert_after_s:
            self._alerted = True
            await self._tell(texts.CONNECTION_DOWN.format(
                name=self.conn.title, minutes=max(1, round(down / 60)),
                error=self._last_error or "未知"), "down")

    async def _kicked(self) -> None:
        log.warning("long connection %s: kicked by another connection", self.conn.name)
        await self._tell(texts.CONNECTION_KICKED.format(
            name=self.conn.title, minutes=max(1, round(self.settings.kick_cooldown_s / 60))),
            "kicked")

    async def _tell(self, text: str, kind: str) -> None:
        try:
            await self.alert(text, f"longconn:{self.conn.name}:{kind}:{self.now():%Y%m%d%H%M%S}")
        except Exception:
            log.exception("long connection %s: admins not told", self.conn.name)
