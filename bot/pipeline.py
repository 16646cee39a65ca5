"""The inbound pipeline: store every event durably before the platform's 200, then process it.

`accept` is what the platform edges call. Events that arrive together are written by one
statement (group commit: `INSERT … ON CONFLICT DO NOTHING RETURNING`, atomic on its own): one
commit per request tops out at a tenth of what the edge can decrypt, while a shared commit keeps
the row-before-200 promise at a fraction of the cost.

Processing runs in a few worker tasks fed by a queue of event ids, and it yields to acceptance.
A platform needs its 200 within seconds (WeCom retries after 5) while the answer may follow a
moment later, and a /建单 costs many times the CPU and database time of its acknowledgement. So a
worker starts the next event once no acknowledgement has been waiting for QUIET_S, but never
waits longer than MAX_DEFER_S since processing last went ahead: a burst is acknowledged first and
worked off as it thins out, yet processing never stops. The rows are durable, so the backlog is
safe. An event stored but not processed (a crash, a kill) is picked up by `recover` at the next
start, and a lease keeps two instances from processing it twice.

Both databases take the batch on their usual connection. A separate SQLite connection for the
inbound writes would not help: SQLite has one writer at a time anyway, and Tortoise's deferred
transactions on the other connection would then fail with SQLITE_BUSY_SNAPSHOT whenever an
inbound commit landed between their first read and their first write.
"""
from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import logging
import os
import socket
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from bot import audit, replies
from bot.dispatcher import Dispatcher
from bot.messages import InboundMessage
from storage.db import connection
from storage.models import InboundEvent

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger("deskbot.pipeline")

LEASE = timedelta(seconds=60)
# SQLite has one connection: a second worker would only queue behind the first.
WORKERS_SQLITE, WORKERS_SERVER = 1, 2
# Processing starts once no acknowledgement has been waiting for QUIET_S and fewer than
# BURST_ACCEPTS events came in within the last BURST_WINDOW_S (a burst has thinned out; light
# traffic meets both all the time), and at least every MAX_DEFER_S regardless, so a steady burst
# leaves processing a few percent of the time (a /建单 costs some 20-30 ms) rather than none.
QUIET_S = 0.01
BURST_ACCEPTS, BURST_WINDOW_S = 10, 0.1
MAX_DEFER_S = 1.0

Pending = tuple[InboundMessage, "asyncio.Future[bool]"]


def payload_json(msg: InboundMessage) -> str:
    """msg.to_json(), without dataclasses.asdict's deep copies (the same JSON, a fifth the CPU)."""
    return json.dumps(dict(msg.__dict__), ensure_ascii=False, default=lambda o: dict(o.__dict__))


class Pipeline:
    def __init__(self, env: "Runtime", dispatcher: Dispatcher, *, batch_ms: float = 2.0,
                 batch_max: int = 256, owner: str | None = None,
                 workers: int | None = None) -> None:
        self.env = env
        self.dispatcher = dispatcher
        self.batch_s = batch_ms / 1000
        self.batch_max = batch_max
        # Without a batching window (the test harness) there is no burst to wait out either.
        self.quiet_s = min(QUIET_S, 5 * self.batch_s)
        self.burst_window_s = BURST_WINDOW_S if self.batch_s else 0.0
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}"
        if workers is None:
            sqlite = env.settings.database.url.startswith("sqlite")
            workers = WORKERS_SQLITE if sqlite else WORKERS_SERVER
        self.workers = max(1, workers)
        self._pending: list[Pending] = []
        self._kick = asyncio.Event()
        self._writer: asyncio.Task | None = None
        self._idle = asyncio.Event()  # set while no acknowledgement waits for a commit
        self._idle.set()
        self._recent: collections.deque[float] = collections.deque(
            [-BURST_WINDOW_S] * BURST_ACCEPTS, maxlen=BURST_ACCEPTS)  # loop times of acceptances
        self._gate = asyncio.Lock()
        self._last_go = 0.0
        self._queue: asyncio.Queue[int] = asyncio.Queue()
        self._workers: list[asyncio.Task] = []
        self._tasks: set[asyncio.Task] = set()
        self._closing = False

    # -- acceptance (group commit) -------------------------------------------------------------
    async def accept(self, msg: InboundMessage) -> bool:
        """Store the event; True when it is new. Returns only after the row is committed."""
        if self._writer is None:
            raise RuntimeError("pipeline not started")
        fut: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._pending.append((msg, fut))
        self._recent.append(asyncio.get_running_loop().time())
        self._idle.clear()
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
            self._idle.set()

    async def _write_batch(self, batch: list[Pending]) -> None:
        try:
            fresh = await self._store(batch)
        except Exception as exc:  # noqa: BLE001 - every waiter must hear of the failure
            log.exception("storing %d inbound events failed", len(batch))
            for _, fut in batch:
                if not fut.done():
                    fut.set_exception(exc)
            return
        for event_id in sorted(fresh.values()):
            self._queue.put_nowait(event_id)
        for msg, fut in batch:
            is_new = msg.dedupe_key in fresh
            fresh.pop(msg.dedupe_key, None)  # a repeat inside the same batch is a duplicate
            if not fut.done():
                fut.set_result(is_new)

    async def _store(self, batch: list[Pending]) -> dict[str, int]:
        """Insert the batch's new events; {dedupe_key: id} of those that were not there yet."""
        keys: dict[str, InboundMessage] = {}
        for msg, _ in batch:
            keys.setdefault(msg.dedupe_key, msg)
        conn = connection()
        dialect = conn.capabilities.dialect
        if dialect not in ("sqlite", "postgres"):
            return await self._store_orm(keys)
        received_at = InboundEvent._meta.fields_map["received_at"]
        now = received_at.to_db_value(self.env.now(), InboundEvent)
        head = ('INSERT INTO "inbound_event" ("dedupe_key", "platform", "payload", "received_at",'
                ' "attempts") ')
        tail = ' ON CONFLICT ("dedupe_key") DO NOTHING RETURNING "id", "dedupe_key"'
        if dialect == "postgres":
            # One statement text for every batch size, so asyncpg prepares it once.
            sql = (head + 'SELECT d, p, j, $4::timestamptz, 0 FROM unnest($1::text[], $2::text[],'
                   ' $3::text[]) AS t(d, p, j)' + tail)
            values: list[Any] = [list(keys), [m.platform for m in keys.values()],
                                 [payload_json(m) for m in keys.values()], now]
        else:
            sql = head + "VALUES " + ", ".join(["(?, ?, ?, ?, 0)"] * len(keys)) + tail
            values = []
            for key, msg in keys.items():
                values += [key, msg.platform, payload_json(msg), now]
        returned = await conn.execute_query_dict(sql, values)
        return {r["dedupe_key"]: int(r["id"]) for r in returned}

    async def _store_orm(self, keys: dict[str, InboundMessage]) -> dict[str, int]:
        """The same through the ORM, for a database without INSERT … RETURNING."""
        now = self.env.now()
        async with in_transaction():
            existing = set(cast("list[str]", await InboundEvent.filter(dedupe_key__in=list(keys))
                                .values_list("dedupe_key", flat=True)))
            rows = [InboundEvent(dedupe_key=k, platform=m.platform, payload=payload_json(m),
                                 received_at=now) for k, m in keys.items() if k not in existing]
            if rows:
                await InboundEvent.bulk_create(rows, ignore_conflicts=True)
        if not rows:
            return {}
        return dict(await InboundEvent.filter(dedupe_key__in=[r.dedupe_key for r in rows])
                    .values_list("dedupe_key", "id"))

    # -- processing ---------------------------------------------------------------------------
    async def _work(self) -> None:
        while True:
            event_id = await self._queue.get()
            try:
                await self._green_light()
                await self.process(event_id)
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if task is not None and task.cancelling():
                    raise  # the pipeline is stopping
                # Something inside the command was cancelled, not this worker: the event keeps
                # its lease and is retried by recovery, like any other failed processing.
                log.error("processing inbound event %s was cancelled", event_id)
            finally:
                self._queue.task_done()

    async def _green_light(self) -> None:
        """Return once acceptance has calmed down (see QUIET_S), or MAX_DEFER_S after processing
        last went ahead, whichever comes first."""
        loop = asyncio.get_running_loop()
        async with self._gate:
            while True:
                now = loop.time()
                remaining = self._last_go + MAX_DEFER_S - now
                if remaining <= 0:
                    break
                if self._idle.is_set():
                    wait = max(self._recent[-1] + self.quiet_s,
                               self._recent[0] + self.burst_window_s) - now
                    if wait <= 0:
                        break
                    await asyncio.sleep(min(wait, remaining))
                    continue
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._idle.wait(), remaining)
            self._last_go = loop.time()

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
        for event_id in cast("list[int]", ids):
            await self.process(event_id)
        return len(ids)

    async def drain(self) -> None:
        """Wait until every event accepted so far is processed (tests and shutdown)."""
        while True:
            if self._tasks:
                await asyncio.gather(*list(self._tasks), return_exceptions=True)
            await self._queue.join()
            if not self._tasks and self._queue.empty():
                return

    async def start(self) -> None:
        self._closing = False
        self._idle.set()
        self._writer = asyncio.create_task(self._write_loop())
        self._workers = [asyncio.create_task(self._work(), name=f"inbound-worker-{n}")
                         for n in range(self.workers)]
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
        for worker in self._workers:
            worker.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        self._workers = []
