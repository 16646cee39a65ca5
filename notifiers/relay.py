"""The outbox relay: the one loop that turns outbox rows into platform messages.

Each pass claims due rows under a lease (relay_store), groups them by destination, asks the rate
limiter how much each destination may take now, merges bursts into digests (ratelimit.plan),
sends through the sender registered for the channel, and marks each row sent right after the
platform accepted it. Before each send the relay makes sure the row is still its own: a lease
with less than half its length left is renewed by a conditional UPDATE, and a row another relay
took over meanwhile (a pass slower than its lease) is skipped, so two live relays never send
one row twice. Only a relay killed between the platform's "ok" and the mark sends that one
message again once its lease runs out. For WeCom app messages the sender closes that window
too: each row's text carries an invisible mark of its key and goes with WeCom's duplicate
check, so WeCom drops the repeat of a row while identical answers to identical questions (two
rows, two marks) both arrive. Other channels have no such check and stay at-least-once there.

Failures: SendRetry (and unexpected errors) back off exponentially with jitter, never sooner
than the platform's retry_after, and hold the destination's other rows as long; SendFailed, or
the settings.outbox.max_attempts-th failed try, marks the row dead and hands a notice to
`notify_admins` (the services side queues it to every admin of settings.center.admins), except
for rows that are themselves such notices.

Long connections: only the instance holding one can send on its channels. A sender that says so
(`unavailable()`, senders.base.Pausable) has its channels left out of this relay's claims while
the connection is elsewhere or down, so another instance's relay sends those rows; a row caught
by a drop between claim and send raises SendLater and is held briefly, counting no attempt.

`owner` names this relay in leases; it must be unique per running process. Unexpected errors
(a failed pass, a destination that raised, a sender that raised) go to `on_error(kind, exc)`, the
app's one error path (bot/failures.py); the rows involved wait and are retried, and a relay
that dies mid-pass leaves its leases to run out, after which any relay takes the rows again.
"""
from __future__ import annotations

import asyncio
import logging
import random
from contextlib import suppress
from datetime import datetime, timedelta
from typing import Any, Awaitable, Callable, Iterable

from tortoise.transactions import in_transaction

from bot.messages import OutboundMessage
from notifiers import ratelimit, relay_store, render, texts
from notifiers.ratelimit import AS_IS, DIGEST, BaseRateLimiter, DbRateLimiter, Unit
from notifiers.senders.base import Pausable, Sender, SendFailed, SendLater, SendRetry
from storage import cards
from storage.models import OutboxMessage

log = logging.getLogger(__name__)

# (text, dedupe key, connection): writes the notice to every admin in the caller's transaction.
NotifyAdmins = Callable[[str, str, Any], Awaitable[Any]]

MAX_DIGEST_ROWS = 2000  # rows one destination's digests are packed from in one pass
IDLE_MIN_S = 0.005
PREVIEW_CHARS = 200


class _Backoff(Exception):
    def __init__(self, until: datetime) -> None:
        super().__init__(until.isoformat())
        self.until = until


class Relay:
    def __init__(self, settings: Any, clock: Any, senders: dict[str, Sender], *, owner: str,
                 calendar: Any = None, limiter: BaseRateLimiter | None = None,
                 rng: random.Random | None = None, concurrency: int = 8,
                 notify_admins: NotifyAdmins | None = None,
                 on_error: Callable[[str, BaseException], Awaitable[Any]] | None = None) -> None:
        self.settings = settings
        self.clock = clock
        self.senders = dict(senders)
        self.owner = owner[:64]
        self.calendar = calendar
        self.limiter = limiter if limiter is not None else DbRateLimiter()
        self._cfg = settings.outbox
        self._lease = timedelta(seconds=self._cfg.lease_s)
        self._rng = rng or random.Random()
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task | None = None
        self._running = False
        self._sem = asyncio.Semaphore(concurrency)
        self._notify_admins = notify_admins
        self._on_error = on_error
        self._pausable = [s for s in {id(s): s for s in self.senders.values()}.values()
                          if isinstance(s, Pausable)]

    @staticmethod
    def registry(*senders: Sender) -> dict[str, Sender]:
        """Map every channel each sender serves to it (later senders win a shared channel)."""
        return {channel: s for s in senders for channel in s.channels}

    # -- lifecycle ---------------------------------------------------------------------------

    def wake(self) -> None:
        """Send now: called after each commit that wrote outbox rows."""
        self._wake.set()

    @property
    def running(self) -> bool:
        """True while the loop runs (what /healthz reports)."""
        return self._running

    async def start(self) -> None:
        if self._task is not None and not self._task.done():
            return
        self._stopping = False
        self._task = asyncio.create_task(self.run(), name=f"relay:{self.owner}")

    async def stop(self, timeout: float = 10.0) -> None:
        """Finish the pass in progress (up to `timeout`), then end the loop."""
        self._stopping = True
        self.wake()
        task, self._task = self._task, None
        if task is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(task), timeout)
        except asyncio.TimeoutError:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task

    async def run(self) -> None:
        await self.limiter.initialize()
        self._running = True
        try:
            while not self._stopping:
                self._wake.clear()
                try:
                    claimed, _ = await self._pass()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    await self._report("relay:pass", exc, "relay %s: pass failed")
                    claimed = 0
                if not claimed and not self._stopping:
                    await self._idle()
        finally:
            self._running = False
            await self.limiter.shutdown()

    async def _idle(self) -> None:
        delay = self._cfg.poll_s
        with suppress(Exception):
            now = self.clock.now()
            due = await relay_store.next_due(now, self._skipped())
            if due is not None:
                delay = min(delay, max(IDLE_MIN_S, (due - now).total_seconds()))
        with suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._wake.wait(), delay)

    async def drain_once(self) -> int:
        """Send everything due now, without waiting for anything; messages sent."""
        sent = 0
        while True:
            claimed, n = await self._pass()
            sent += n
            if not claimed:
                return sent

    # -- one pass ----------------------------------------------------------------------------

    def _skipped(self) -> list[str]:
        """Channels not sendable from here now: their rows are left for another relay."""
        return [ch for s in self._pausable for ch in s.unavailable()]

    async def _pass(self) -> tuple[int, int]:
        now = self.clock.now()
        rows = await relay_store.claim(self.owner, now, self._lease, self._cfg.batch,
                                       self._skipped())
        if not rows:
            return 0, 0
        claimed = len(rows)
        rows = await self._hold_quiet(rows, now)
        groups: dict[tuple[str, str], list[OutboxMessage]] = {}
        for row in rows:
            groups.setdefault((row.channel, row.address), []).append(row)
        sent = await asyncio.gather(*(self._guarded(ch, addr, rs, now)
                                      for (ch, addr), rs in groups.items()))
        return claimed, sum(sent)

    async def _hold_quiet(self, rows: list[OutboxMessage], now: datetime) -> list[OutboxMessage]:
        if self.calendar is None or not self.calendar.in_quiet_hours(now):
            return rows
        quiet = [r.id for r in rows if not r.urgent]
        if quiet:
            await relay_store.hold(quiet, self.calendar.end_of_quiet(now), self.owner)
        return [r for r in rows if r.urgent]

    async def _guarded(self, channel: str, address: str, rows: list[OutboxMessage],
                       now: datetime) -> int:
        async with self._sem:
            try:
                return await self._destination(channel, address, rows, now)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                await self._report(f"relay:{channel}:{type(exc).__name__}", exc,
                                   f"relay %s: destination {channel} {address} failed")
                until = now + timedelta(seconds=self._cfg.backoff_base_s)
                with suppress(Exception):
                    await relay_store.hold([r.id for r in rows], until, self.owner)
                return 0

    async def _parse(self, rows: Iterable[OutboxMessage]
                     ) -> list[tuple[OutboxMessage, OutboundMessage]]:
        items = []
        for row in rows:
            try:
                msg = OutboundMessage.from_json(row.payload)
            except Exception as exc:  # a row nobody can ever send; keep it, tell the admins
                await self._dead(row, None, f"bad payload: {exc!r}")
                continue
            if row.channel not in self.senders:
                await self._dead(row, msg, f"no sender for channel {row.channel}")
                continue
            items.append((row, msg))
        return items

    async def _destination(self, channel: str, address: str, rows: list[OutboxMessage],
                           now: datetime) -> int:
        items = await self._parse(rows)
        if not items:
            return 0
        window = await self.limiter.window(channel, address, now, self.owner)
        free = window.free()
        if free is not None and free <= 0:
            until = window.next_free_at(now)
            if window.in_flight:
                # Another relay holds rows for this destination, and we may hold some of its
                # view too: both stand back for a random while, so one of them goes alone next.
                pause = self._cfg.poll_s * self._rng.uniform(0.5, 3.0)
                until = min(until, now + timedelta(seconds=pause))
            await relay_store.hold([r.id for r, _ in items], until, self.owner)
            return 0
        if free is not None and sum(len(render.parts(m)) for _, m in items) > free:
            more = await relay_store.claim_destination(
                self.owner, now, self._lease, channel, address, window.window,
                MAX_DIGEST_ROWS)
            items += await self._parse(await self._hold_quiet(more, now))
        items.sort(key=lambda it: (it[0].created_at, it[0].id))
        by_id = {row.id: row for row, _ in items}
        units, held = ratelimit.plan([(row.id, msg) for row, msg in items], free)
        sent = 0
        for i, unit in enumerate(units):
            try:
                now_pairs, later = await self._materialize(unit, by_id, now)
            except relay_store.LeaseLost:
                log.warning("relay %s: lease lost on %s %s", self.owner, channel, address)
                continue
            held += later
            for j, (row, msg) in enumerate(now_pairs):
                try:
                    sent += await self._send(row, msg, now)
                except _Backoff as backoff:
                    rest = [r.id for r, _ in now_pairs[j + 1:]]
                    rest += [rid for u in units[i + 1:] for rid in u.rows]
                    await relay_store.hold(rest + held, backoff.until, self.owner)
                    return sent
        if held:
            await relay_store.hold(held, window.next_free_at(self.clock.now(), sent), self.owner)
        return sent

    async def _materialize(self, unit: Unit, by_id: dict[int, OutboxMessage], now: datetime
                           ) -> tuple[list[tuple[OutboxMessage, OutboundMessage]], list[int]]:
        """Turn a unit into rows: (rows to send now with their message, rows for later)."""
        if unit.kind == AS_IS:
            return [(by_id[unit.rows[0]], unit.messages[0])], []
        if unit.kind == DIGEST:
            carrier = await relay_store.make_digest(
                [by_id[r] for r in unit.rows], unit.messages[0], self.owner, now, self._lease)
            return [(carrier, unit.messages[0])], []
        pieces = await relay_store.make_pieces(
            by_id[unit.rows[0]], unit.messages, self.owner, now, self._lease)
        pairs = list(zip(pieces, unit.messages))
        return pairs[:unit.take], [p.id for p in pieces[unit.take:]]

    # -- one message -------------------------------------------------------------------------

    def _backoff(self, attempts: int, retry_after: float | None) -> timedelta:
        delay = min(self._cfg.backoff_max_s, self._cfg.backoff_base_s * 2 ** (attempts - 1))
        delay = delay / 2 + self._rng.uniform(0, delay / 2)  # "equal jitter": never near zero
        if retry_after:
            delay = max(delay, retry_after)
        return timedelta(seconds=delay)

    async def _send(self, row: OutboxMessage, msg: OutboundMessage, now: datetime) -> int:
        """1 when sent; 0 when given up on or no longer ours; raises _Backoff when the
        destination must wait."""
        if not await relay_store.still_ours(row, self.owner, self.clock.now(), self._lease):
            # A slow pass outlived its lease and another relay took the row over.
            log.warning("relay %s: lease on row %s lost before sending", self.owner, row.id)
            return 0
        card, version = msg.extra.get("card"), msg.extra.get("card_version")
        if card and version and await cards.is_stale(int(card), int(version)):
            # A newer state of this card is already out (this row was retried): never go back.
            await relay_store.mark_sent(row.id, self.clock.now())
            return 0
        sender = self.senders[row.channel]
        try:
            await sender.send(msg, row.dedupe_key)
        except SendFailed as exc:
            await self._dead(row, msg, str(exc))
            return 0
        except SendLater as exc:
            # Not this row's fault and not this relay's to send now: no attempt counted.
            until = now + timedelta(seconds=exc.retry_after)
            await relay_store.hold([row.id], until, self.owner)
            raise _Backoff(until) from exc
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            retry_after = exc.retry_after if isinstance(exc, SendRetry) else None
            if not isinstance(exc, SendRetry):
                await self._report(f"relay:{row.channel}:{type(exc).__name__}", exc,
                                   f"relay %s: sender raised on row {row.id}")
            attempts = row.attempts + 1
            if attempts >= self._cfg.max_attempts:
                await self._dead(row, msg, str(exc) or repr(exc))
                return 0
            until = now + self._backoff(attempts, retry_after)
            await relay_store.retry(row.id, until, str(exc) or repr(exc))
            raise _Backoff(until) from exc
        await relay_store.mark_sent(row.id, self.clock.now())
        if card and version:
            await cards.mark_shown(int(card), int(version))
        return 1

    async def _report(self, kind: str, exc: BaseException, what: str) -> None:
        if self._on_error is None:
            log.error(what, self.owner, exc_info=exc)
            return
        try:
            await self._on_error(kind, exc)
        except Exception:  # noqa: BLE001 - reporting must not stop the relay
            log.exception(what + " (and reporting it failed)", self.owner)

    async def _dead(self, row: OutboxMessage, msg: OutboundMessage | None, error: str) -> None:
        log.error("relay %s: row %s (%s) dead: %s", self.owner, row.id, row.dedupe_key, error)
        async with in_transaction() as conn:
            await relay_store.kill(row.id, error, conn=conn)
            notify = self._notify_admins
            if notify is not None and not row.dedupe_key.startswith("dead:"):
                await self._tell_admins(notify, row, msg, error, conn)
        self.wake()

    async def _tell_admins(self, notify: NotifyAdmins, row: OutboxMessage,
                           msg: OutboundMessage | None, error: str, conn: Any) -> None:
        preview = render.body_text(msg).strip() if msg else ""
        if len(preview) > PREVIEW_CHARS:
            preview = preview[:PREVIEW_CHARS] + "…"
        text = texts.DEAD_LETTER.format(
            attempts=row.attempts + 1, channel=row.channel, address=row.address,
            error=error[:300], preview=preview or texts.DEAD_LETTER_NO_PREVIEW)
        await notify(text, relay_store.DEAD_NOTICE_KEY.format(row=row.id), conn)
