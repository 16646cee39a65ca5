"""The inbound pipeline: store every event durably before the platform's 200, then process it.

`accept` is what the platform edges call. Events that arrive together are written by one
statement (group commit: `INSERT … ON CONFLICT DO NOTHING RETURNING`, atomic on its own): one
commit per request tops out at a tenth of what the edge can decrypt, while a shared commit keeps
the row-before-200 promise at a fraction of the cost. The row carries the HTTP request id, the
reference that the user, the admins and the log share.

Processing takes its work from the database, never from memory: a few worker tasks claim due
events under a lease (storage/inbound.py) and process them in group commit too, several events
per transaction with a savepoint each, so one failure undoes only its own event. A worker
claims at once when acceptance has stored something new, and otherwise every `inbound.sweep_s`;
that sweep is also what picks up the events of a crashed process or of a dead instance once
their lease has run out, a failed event once its retry is due, and the backlog at start. So
nothing accepted waits for a restart.

Fair share: on SQLite acceptance and processing queue for the one connection, so a worker lets
a waiting acknowledgement go first (for at most `batch_budget_ms`) and sizes each transaction
to hold the connection about `batch_budget_ms`; acknowledgements then wait at most one such
transaction, and processing always gets the time between them, never none. Processed commands
per second thus rise with the offered load until the CPU or the database is the limit
(bench/load.py measures it). PostgreSQL runs more workers, which claim past each other, on
connections of their own, and fills each transaction up to `batch_max` events.

A failed event is retried with exponential backoff (`next_attempt_at`); its `inbound.max_attempts`-th
failure dead-letters it: the sender is told that it failed with its reference, and the admins
are told once (bot/failures.py). A poison event never holds up the others: its savepoint rolls
back, its retry waits, and the rest of the batch commits.

Both databases take the batch on their usual connection. A separate SQLite connection for the
inbound writes would not help: SQLite has one writer at a time anyway, and Tortoise's deferred
transactions on the other connection would then fail with SQLITE_BUSY_SNAPSHOT whenever an
inbound commit landed between their first read and their first write.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import time
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from bot import audit, failures, replies, texts
from bot.dispatcher import Dispatcher
from bot.messages import InboundMessage
from bot.services.cards import refresh as cards
from bot.services.outbox import notify_admins
from storage import inbound
from storage.db import connection
from storage.models import InboundEvent

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger("deskbot.pipeline")

# SQLite has one connection: a second worker would only queue behind the first.
WORKERS_SQLITE, WORKERS_SERVER = 1, 4
FIRST_GUESS_S = 0.02  # cost of one event before any was measured

Pending = tuple[InboundMessage, "asyncio.Future[bool]", str]  # message, waiter, request id


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
        cfg = env.settings.inbound
        self.cfg = cfg
        self.lease = timedelta(seconds=cfg.lease_s)
        self.budget_s = cfg.batch_budget_ms / 1000
        # Only SQLite's one connection makes acknowledgements wait behind processing; on
        # PostgreSQL a transaction takes batch_max events, since a commit waits for the WAL
        # flush and a time budget would shrink batches (more commits) just as the load grows.
        self.shared_connection = env.settings.database.url.startswith("sqlite")
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}"
        if workers is None:
            sqlite = env.settings.database.url.startswith("sqlite")
            workers = cfg.workers or (WORKERS_SQLITE if sqlite else WORKERS_SERVER)
        self.workers = max(1, workers)
        self._pending: list[Pending] = []
        self._kick = asyncio.Event()
        self._writer: asyncio.Task | None = None
        self._idle = asyncio.Event()  # set while no acknowledgement waits for a commit
        self._idle.set()
        self._flushed = asyncio.Event()  # set after each commit of acknowledgements
        self._wakes: list[asyncio.Event] = []  # one per worker: new events were stored
        self._workers: list[asyncio.Task] = []
        self._busy = 0  # batches in progress
        self._quiet = asyncio.Event()  # set while no batch is in progress
        self._quiet.set()
        self._per_event_s = FIRST_GUESS_S
        self._solo = 0  # claims of one event each still to make, after a whole batch failed
        self._closing = False

    # -- acceptance (group commit) -------------------------------------------------------------
    async def accept(self, msg: InboundMessage) -> bool:
        """Store the event; True when it is new. Returns only after the row is committed."""
        if self._writer is None:
            raise RuntimeError("pipeline not started")
        fut: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._pending.append((msg, fut, failures.REQUEST_ID.get()))
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
                self._flushed.set()
            self._idle.set()

    async def _write_batch(self, batch: list[Pending]) -> None:
        try:
            fresh = await self._store(batch)
        except Exception as exc:  # noqa: BLE001 - every waiter must hear of the failure
            log.exception("storing %d inbound events failed", len(batch))
            for _, fut, _ in batch:
                if not fut.done():
                    fut.set_exception(exc)
            return
        if fresh:
            for wake in self._wakes:
                wake.set()
        for msg, fut, _ in batch:
            is_new = msg.dedupe_key in fresh
            fresh.pop(msg.dedupe_key, None)  # a repeat inside the same batch is a duplicate
            if not fut.done():
                fut.set_result(is_new)

    async def _store(self, batch: list[Pending]) -> dict[str, int]:
        """Insert the batch's new events; {dedupe_key: id} of those that were not there yet."""
        keys: dict[str, InboundMessage] = {}
        refs: dict[str, str] = {}
        for msg, _, ref in batch:
            keys.setdefault(msg.dedupe_key, msg)
            refs.setdefault(msg.dedupe_key, ref[:64])
        conn = connection()
        dialect = conn.capabilities.dialect
        if dialect not in ("sqlite", "postgres"):
            return await self._store_orm(keys, refs)
        received_at = InboundEvent._meta.fields_map["received_at"]
        now = received_at.to_db_value(self.env.now(), InboundEvent)
        head = ('INSERT INTO "inbound_event" ("dedupe_key", "platform", "payload", "received_at",'
                ' "attempts", "request_id", "last_error") ')
        tail = ' ON CONFLICT ("dedupe_key") DO NOTHING RETURNING "id", "dedupe_key"'
        if dialect == "postgres":
            # One statement text for every batch size, so asyncpg prepares it once.
            sql = (head + "SELECT d, p, j, $4::timestamptz, 0, r, '' FROM unnest($1::text[],"
                   ' $2::text[], $3::text[], $5::text[]) AS t(d, p, j, r)' + tail)
            values: list[Any] = [list(keys), [m.platform for m in keys.values()],
                                 [payload_json(m) for m in keys.values()], now,
                                 [refs[k] for k in keys]]
        else:
            sql = head + "VALUES " + ", ".join(["(?, ?, ?, ?, 0, ?, '')"] * len(keys)) + tail
            values = []
            for key, msg in keys.items():
                values += [key, msg.platform, payload_json(msg), now, refs[key]]
        returned = await conn.execute_query_dict(sql, values)
        return {r["dedupe_key"]: int(r["id"]) for r in returned}

    async def _store_orm(self, keys: dict[str, InboundMessage],
                         refs: dict[str, str]) -> dict[str, int]:
        """The same through the ORM, for a database without INSERT … RETURNING."""
        now = self.env.now()
        async with in_transaction():
            existing = set(cast("list[str]", await InboundEvent.filter(dedupe_key__in=list(keys))
                                .values_list("dedupe_key", flat=True)))
            rows = [InboundEvent(dedupe_key=k, platform=m.platform, payload=payload_json(m),
                                 received_at=now, request_id=refs[k])
                    for k, m in keys.items() if k not in existing]
            if rows:
                await InboundEvent.bulk_create(rows, ignore_conflicts=True)
        if not rows:
            return {}
        return dict(await InboundEvent.filter(dedupe_key__in=[r.dedupe_key for r in rows])
                    .values_list("dedupe_key", "id"))

    # -- processing ---------------------------------------------------------------------------
    async def _work(self, wake: asyncio.Event) -> None:
        while not self._closing:
            wake.clear()  # before the claim: whatever is stored after it rings again
            if await self._step():
                continue
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(wake.wait(), self.cfg.sweep_s)

    async def _step(self) -> int:
        """Claim and process one batch; events claimed (0: nothing was due)."""
        self._busy += 1
        self._quiet.clear()
        try:
            return await self.process_batch()
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise  # the pipeline is stopping
            # Something inside a command was cancelled, not this worker: the batch keeps its
            # leases and the sweep retries it once they run out, like after a crash.
            log.error("processing a batch of inbound events was cancelled")
            return 0
        except Exception:  # noqa: BLE001 - the leases lapse and the sweep retries
            log.exception("processing a batch of inbound events failed")
            return 0
        finally:
            self._busy -= 1
            if not self._busy:
                self._quiet.set()

    async def _acks_first(self) -> None:
        """Let the acknowledgements waiting now have their commit first, waiting at most the
        budget (one commit, not an empty queue: under a steady load there always is one)."""
        if self.shared_connection and not self._idle.is_set():
            self._flushed.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._flushed.wait(), self.budget_s)

    async def process_batch(self) -> int:
        await self._acks_first()
        limit = self.cfg.batch_max
        if self.shared_connection:  # hold SQLite's one connection about the budget
            limit = max(1, min(limit, int(self.budget_s / self._per_event_s)))
        if self._solo:
            self._solo, limit = self._solo - 1, 1
        now = self.env.now()
        claimed = await inbound.claim(now, now + self.lease, limit)
        if not claimed:
            return 0
        done: list[int] = []
        # Tried max_attempts times already and never heard of again (each try killed the
        # process, say): dead-lettered without a further try.
        failed: list[tuple[inbound.Claimed, BaseException]] = [
            (e, RuntimeError(f"interrupted {e.attempts - 1} times"))
            for e in claimed if e.attempts > self.cfg.max_attempts]
        abandoned: list[int] = []
        started = time.perf_counter()
        try:
            async with in_transaction():
                for event in claimed:
                    if event.attempts > self.cfg.max_attempts:
                        continue
                    if self.shared_connection and done and \
                            time.perf_counter() - started > self.budget_s:
                        break  # the rest goes back, for the next transaction
                    try:
                        async with in_transaction():  # a savepoint: a failure undoes only this
                            await self._run(event)
                        done.append(event.id)
                    except Exception as exc:  # noqa: BLE001 - retried with backoff below
                        failed.append((event, exc))
                    except asyncio.CancelledError:
                        task = asyncio.current_task()
                        if task is not None and task.cancelling():
                            raise  # the pipeline is stopping: the whole batch rolls back
                        # Something inside the command was cancelled, not this worker: the
                        # event keeps its lease, as after a crash, and the sweep retakes it.
                        log.error("processing inbound event %s was cancelled", event.id)
                        abandoned.append(event.id)
                if done:
                    await InboundEvent.filter(id__in=done).update(processed_at=self.env.now(),
                                                                lease_until=None)
        except Exception as exc:  # noqa: BLE001 - the commit itself failed: retry them all
            failed = [(e, exc) for e in claimed if e.id in done] + failed
            done = []
            self._solo = len(claimed)  # one by one, so a poison event fails alone next time
        elapsed = time.perf_counter() - started
        tried = len(done) + len(failed)
        if tried:
            self._per_event_s = 0.7 * self._per_event_s + 0.3 * (elapsed / tried)
        if done:
            self.env.wake_relay()
        seen = set(done) | set(abandoned) | {e.id for e, _ in failed}
        rest = [e.id for e in claimed if e.id not in seen]
        if rest:  # claimed but not started within the budget: no attempt is counted
            await InboundEvent.filter(id__in=rest, processed_at=None).update(
                lease_until=None, attempts=F("attempts") - 1)
        for event, error in failed:
            await self._failed(event, error)
        return len(claimed)

    async def _run(self, event: inbound.Claimed) -> None:
        """One event's command, audit row and answer (inside the batch's savepoint)."""
        token = failures.REQUEST_ID.set(event.request_id or f"E{event.id}")
        try:
            msg = InboundMessage.from_json(event.payload)
            # Before the command: its own redraw of the clicked card may use the click's code.
            await cards.note_click(self.env, msg)
            ctx = await self.dispatcher.handle(msg)
            await audit.record(self.env, ctx)
            await replies.answer(self.env, ctx, event.id)
        finally:
            failures.REQUEST_ID.reset(token)

    async def _failed(self, event: inbound.Claimed, exc: BaseException) -> None:
        """Retry later with backoff, or, past max_attempts, dead-letter and tell people."""
        ref = event.request_id or f"E{event.id}"
        error = failures.describe(exc)
        now = self.env.now()
        if event.attempts < self.cfg.max_attempts:
            delay = min(self.cfg.retry_max_s, self.cfg.retry_base_s * 2 ** (event.attempts - 1))
            log.warning("inbound event %s failed (try %d) ref=%s: %s", event.id, event.attempts,
                        ref, error, exc_info=exc)
            await InboundEvent.filter(id=event.id, processed_at=None).update(
                lease_until=None, next_attempt_at=now + timedelta(seconds=delay),
                last_error=error[:2000])
            return
        log.error("inbound event %s dead after %d tries ref=%s: %s", event.id, event.attempts,
                  ref, error, exc_info=exc)
        try:
            msg: InboundMessage | None = InboundMessage.from_json(event.payload)
        except Exception:  # noqa: BLE001 - the admins still hear of it
            msg = None
        text = (msg.text if msg and msg.action is None else
                msg.action.key if msg and msg.action else "")[:80]
        async with in_transaction() as conn:
            dead = await InboundEvent.filter(id=event.id, processed_at=None, dead_at=None).using_db(
                conn).update(dead_at=now, lease_until=None, last_error=error[:2000])
            if not dead:
                return
            if msg is not None:
                await replies.tell_sender(self.env, msg, texts.INBOUND_FAILED_USER.format(
                    ref=ref, text=text), f"failed:{event.id}", conn=conn)
            await notify_admins(self.env, texts.INBOUND_FAILED_ADMIN.format(
                who=msg.sender_id if msg else "?", text=text, attempts=event.attempts, ref=ref,
                error=error[:300]), f"inbound-dead:{event.id}", conn=conn)
        self.env.wake_relay()

    async def drain(self) -> None:
        """Process every event due now, accepted so far (tests and shutdown)."""
        while True:
            while self._pending or not self._idle.is_set():
                await self._idle.wait()
                await asyncio.sleep(0)
            if await self._step():
                continue
            if self._busy:
                await self._quiet.wait()
                continue
            return

    async def start(self) -> None:
        self._closing = False
        self._idle.set()
        self._writer = asyncio.create_task(self._write_loop())
        # The first claim of each worker is the recovery of what an earlier run left.
        self._wakes = [asyncio.Event() for _ in range(self.workers)]
        self._workers = [asyncio.create_task(self._work(wake), name=f"inbound-worker-{n}")
                         for n, wake in enumerate(self._wakes)]

    async def stop(self) -> None:
        self._closing = True
        self._kick.set()
        if self._writer is not None:
            await self._writer
            self._writer = None
        # Batches in progress finish (they hold a transaction); what is left waits in the
        # database for the next start or another instance.
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._quiet.wait(), 10)
        for worker in self._workers:
            worker.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        self._workers = []
