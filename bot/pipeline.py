"""The inbound pipeline: store every event durably before the platform's 200, then process it.

`accept` is what the platform edges call. Events that arrive together are written in one
transaction (group commit): one commit per request tops out at a tenth of what the edge can
decrypt, while a shared commit keeps the row-before-200 promise at a fraction of the cost.
Processing runs in tracked tasks; an event stored but not processed (a crash, a kill) is picked
up by `recover` at the next start, and a lease keeps two instances from processing it twice.
"""
from __future__ import annotations

import asyncio
import logging
import os
import socket
from datetime import timedelta
from typing import TYPE_CHECKING

from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from bot.dispatcher import Dispatcher
from bot.platforms.base import InboundMessage
from bot.services import audit, replies
from storage.models import InboundEvent

if TYPE_CHECKING:
    from bot.services.env import Env

log = logging.getLogger("deskbot.pipeline")

LEASE = timedelta(seconds=60)
MAX_ATTEMPTS = 3  # an event that crashed the processor this often is answered with an error


class Pipeline:
    def __init__(self, env: "Env", dispatcher: Dispatcher, *, batch_ms: float = 2.0,
                 batch_max: int = 256, owner: str | None = None) -> None:
        self.env = env
        self.dispatcher = dispatcher
        self.batch_s = batch_ms / 1000
        self.batch_max = batch_max
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}"
        self._pending: list[tuple[InboundMessage, asyncio.Future[bool]]] = []
        self._kick = asyncio.Event()
        self._writer: asyncio.Task | None = None
        self._tasks: set[asyncio.Task] = set()
        self._closing = False

    # -- acceptance (group commit) -------------------------------------------------------------
    async def accept(self, msg: InboundMessage) -> bool:
        """Store the event; True when it is new. Returns only after the row is committed."""
        if self._writer is None:
            raise RuntimeError("pipeline not started")
        fut: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._pending.append((msg, fut))
        self._kick.set()
        return await fut

    async def _write_loop(self) -> None:
        while not self._closing or self._pending:
            await self._kick.wait()
            self._kick.clear()
            if self.batch_s and len(self._pending) < self.batch_max:
                await asyncio.sleep(self.batch_s)  # let concurrent requests join this commit
            while self._pending:
                batch, self._pending = (self._pending[:self.batch_max],
                                        self._pending[self.batch_max:])
                await self._write_batch(batch)

    async def _write_batch(self, batch: list[tuple[InboundMessage, asyncio.Future[bool]]]) -> None:
        try:
            fresh = await self._store(batch)
        except Exception as exc:  # noqa: BLE001 - every waiter must hear of the failure
            log.exception("storing %d inbound events failed", len(batch))
            for _, fut in batch:
                if not fut.done():
                    fut.set_exception(exc)
            return
        for msg, fut in batch:
            is_new = msg.dedupe_key in fresh
            fresh.pop(msg.dedupe_key, None)  # a repeat inside the same batch is a duplicate
            if not fut.done():
                fut.set_result(is_new)

    async def _store(self, batch) -> dict[str, int]:
        now = self.env.now()
        keys: dict[str, InboundMessage] = {}
        for msg, _ in batch:
            keys.setdefault(msg.dedupe_key, msg)
        async with in_transaction():
            existing = set(await InboundEvent.filter(dedupe_key__in=list(keys))
                           .values_list("dedupe_key", flat=True))
            rows = [InboundEvent(dedupe_key=k, platform=m.platform, payload=m.to_json(),
                                 received_at=now) for k, m in keys.items() if k not in existing]
            if rows:
                await InboundEvent.bulk_create(rows, ignore_conflicts=True)
        if not rows:
            return {}
        ids = dict(await InboundEvent.filter(dedupe_key__in=[r.dedupe_key for r in rows])
                   .values_list("dedupe_key", "id"))
        for key, event_id in ids.items():
            self._spawn(event_id)
        return ids

    # -- processing ---------------------------------------------------------------------------
    def _spawn(self, event_id: int) -> None:
        task = asyncio.create_task(self.process(event_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _claim(self, event_id: int) -> bool:
        now = self.env.now()
        claimed = await InboundEvent.filter(
            Q(id=event_id), Q(processed_at=None), Q(lease_until=None) | Q(lease_until__lt=now)
        ).update(lease_until=now + LEASE, attempts=F("attempts") + 1)
        return claimed == 1

    async def process(self, event_id: int) -> None:
        """Run the event's command and record the outcome, all in one transaction."""
        try:
            if not await self._claim(event_id):
                return
            event = await InboundEvent.get(id=event_id)
            msg = InboundMessage.from_json(event.payload)
            async with in_transaction():
                ctx = await self.dispatcher.handle(msg)
                await audit.record(self.env, ctx)
                await replies.answer(self.env, ctx, event_id)
                await InboundEvent.filter(id=event_id).update(processed_at=self.env.now(),
                                                             lease_until=None)
            self.env.wake_relay()
        except Exception:  # noqa: BLE001 - the lease lapses and recovery retries it
            log.exception("processing inbound event %s failed", event_id)

    async def recover(self) -> int:
        """Process what an earlier run accepted but did not finish (crash, kill, restart)."""
        now = self.env.now()
        ids = await InboundEvent.filter(
            Q(processed_at=None), Q(lease_until=None) | Q(lease_until__lt=now)
        ).order_by("id").values_list("id", flat=True)
        for event_id in ids:
            await self.process(event_id)
        return len(ids)

    async def drain(self) -> None:
        """Wait for every processing task started so far (tests and shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def start(self) -> None:
        self._closing = False
        self._writer = asyncio.create_task(self._write_loop())
        self._spawn_recovery()

    def _spawn_recovery(self) -> None:
        task = asyncio.create_task(self.recover())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def stop(self) -> None:
        self._closing = True
        self._kick.set()
        if self._writer is not None:
            await self._writer
            self._writer = None
        await self.drain()
