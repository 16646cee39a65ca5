"""The simulator's memory: what each conversation showed lately, fanned out live to browsers.

The hub is a window, not a store: the outbox and the inbound events are the truth. It keeps the
last few hundred entries per conversation so a page can (re)load them, and pushes every new entry
to the Server-Sent-Events subscribers. On start it refills itself from the database, so a restart
does not blank the page. An entry is a plain JSON-able dict (see `SimulatorHub.publish`).
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import mimetypes
import secrets
from collections import OrderedDict, deque
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.clock import Clock, SystemClock

log = logging.getLogger(__name__)

_CLOSED = object()  # queued to a subscriber to end its stream


class Subscription:
    """One browser's live feed: entries arrive on `queue`; `None` from `get` means it is over."""

    def __init__(self, hub: "SimulatorHub", size: int) -> None:
        self._hub = hub
        self.queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=size)
        self.overflowed = False

    async def get(self, timeout: float) -> dict | None | bool:
        """The next entry; False when nothing came within `timeout`; None when the feed ended."""
        try:
            item = await asyncio.wait_for(self.queue.get(), timeout)
        except asyncio.TimeoutError:
            return False
        return None if item is _CLOSED else item

    def offer(self, entry: dict) -> None:
        try:
            self.queue.put_nowait(entry)
        except asyncio.QueueFull:
            # A stalled browser must not hold memory or slow the sender: cut it off; EventSource
            # reconnects with Last-Event-ID and is replayed from the rings.
            self.overflowed = True
            self.close()

    def close(self) -> None:
        # What is still queued is dropped: a reconnecting page is replayed it from the rings.
        self._hub._subs.discard(self)
        while not self.queue.empty():
            self.queue.get_nowait()
        self.queue.put_nowait(_CLOSED)

    def __enter__(self) -> "Subscription":
        return self

    def __exit__(self, *exc: object) -> None:
        self._hub._subs.discard(self)


class SimulatorHub:
    def __init__(self, clock: Clock | None = None, *, per_conv: int = 500, max_convs: int = 1000,
                 queue_size: int = 1000, max_media: int = 5000) -> None:
        self.clock = clock or SystemClock()
        # Changes at every start, so a page that outlived the server knows to reload.
        self.epoch = secrets.token_hex(4)
        self.per_conv = per_conv
        self.max_convs = max_convs
        self.queue_size = queue_size
        self.max_media = max_media
        self._last_id = 0
        self._convs: OrderedDict[str, deque[dict]] = OrderedDict()
        self._keys: OrderedDict[str, int] = OrderedDict()  # dedupe keys seen -> entry id
        self._media: OrderedDict[str, Path] = OrderedDict()
        self._subs: set[Subscription] = set()
        self.history_loaded = False

    # --- entries ---------------------------------------------------------------------------

    def publish(self, entry: dict, *, dedupe_key: str = "") -> dict | None:
        """Store and fan out one entry; None when `dedupe_key` was already published.

        The entry needs "conv" ("user:<userid>" or "chat:<chat_key>") and "dir" ("in" typed by a
        person, "out" sent by the bot); the hub adds "id" and, when absent, "at". An entry with
        "update" replaces the card of the same "task_id" in its conversation where it stands (it
        keeps that card's place, "pos"; its new id makes live pages and replays see the change).
        """
        if dedupe_key:
            if dedupe_key in self._keys:
                return None
            self._keys[dedupe_key] = self._last_id + 1
            while len(self._keys) > self.per_conv * 20:
                self._keys.popitem(last=False)
        self._last_id += 1
        entry = dict(entry, id=self._last_id)
        entry.setdefault("at", self.clock.now().isoformat())
        ring = self._convs.get(entry["conv"])
        if ring is None:
            ring = self._convs[entry["conv"]] = deque(maxlen=self.per_conv)
            while len(self._convs) > self.max_convs:
                self._convs.popitem(last=False)
        else:
            self._convs.move_to_end(entry["conv"])
        old = self._card_index(ring, entry) if entry.get("update") else None
        if old is None:
            ring.append(entry)
        else:
            entry["pos"] = ring[old].get("pos", ring[old]["id"])
            ring[old] = entry
        for sub in list(self._subs):
            sub.offer(entry)
        return entry

    def messages(self, convs: list[str] | None = None, since: int = 0) -> list[dict]:
        """Entries after id `since`, of the given conversations (all when None), oldest first."""
        rings = self._convs.values() if convs is None else (
            self._convs[c] for c in convs if c in self._convs)
        out = [e for ring in rings for e in ring if e["id"] > since]
        out.sort(key=lambda e: (e.get("pos", e["id"]), e["id"]))
        return out

    @staticmethod
    def _card_index(ring: deque[dict], entry: dict) -> int | None:
        task_id = entry.get("task_id")
        if not task_id:
            return None
        for i, e in enumerate(ring):
            if e.get("kind") == "card" and e.get("task_id") == task_id:
                return i
        return None

    def card(self, conv: str, task_id: str) -> dict | None:
        """The card of `task_id` as the conversation shows it now."""
        ring = self._convs.get(conv)
        index = self._card_index(ring, {"task_id": task_id}) if ring is not None else None
        return None if index is None or ring is None else ring[index]

    def conversations(self) -> list[str]:
        return list(self._convs)

    # --- live subscribers ------------------------------------------------------------------

    def subscribe(self) -> Subscription:
        sub = Subscription(self, self.queue_size)
        self._subs.add(sub)
        return sub

    @property
    def subscriber_count(self) -> int:
        return len(self._subs)

    def close(self) -> None:
        """End every live stream (on shutdown, so the server does not wait for browsers)."""
        for sub in list(self._subs):
            sub.close()

    # --- media -----------------------------------------------------------------------------

    def register_media(self, path: str | Path) -> str:
        """A token under which the page may fetch this file; only registered files are served."""
        p = Path(path).resolve()
        token = hashlib.sha256(str(p).encode()).hexdigest()[:24]
        self._media[token] = p
        self._media.move_to_end(token)
        while len(self._media) > self.max_media:
            self._media.popitem(last=False)
        return token

    def media(self, token: str) -> tuple[Path, str] | None:
        p = self._media.get(token)
        if p is None or not p.is_file():
            return None
        return p, mimetypes.guess_type(p.name)[0] or "application/octet-stream"

    # --- history ---------------------------------------------------------------------------

    async def load_history(self, limit: int = 2000) -> int:
        """Refill from the newest sent simulator messages and typed messages; returns the count.

        Runs once, before anything is published, so ids stay in time order.
        """
        if self.history_loaded:
            return 0
        self.history_loaded = True
        from bot import messages
        from notifiers.senders.local import render
        from storage.models import InboundEvent, OutboxMessage, Staff
        from storage.models.messaging import SENT

        rows: list[tuple[datetime, int, int, str, dict]] = []
        sent = await (OutboxMessage.filter(channel=messages.CH_LOCAL, status=SENT,
                                           merged_into__isnull=True)
                      .order_by("-sent_at", "-id").limit(limit))
        for row in sent:
            try:
                msg = messages.OutboundMessage.from_json(row.payload)
                entry = render(msg, self)
            except Exception:  # an old or foreign payload must not stop the start
                log.warning("simulator: skipping outbox row %s", row.id, exc_info=True)
                continue
            when = row.sent_at or row.created_at
            rows.append((when, 1, row.id, row.dedupe_key, dict(entry, at=when.isoformat())))
        events = await (InboundEvent.filter(platform=messages.LOCAL)
                        .order_by("-received_at", "-id").limit(limit))
        names = dict(await Staff.all().values_list("userid", "name"))
        for ev in events:
            try:
                typed = typed_entry_from_event(messages.InboundMessage.from_json(ev.payload), names)
            except Exception:
                log.warning("simulator: skipping inbound event %s", ev.id, exc_info=True)
                continue
            if typed is not None:
                rows.append((ev.received_at, 0, ev.id, ev.dedupe_key,
                             dict(typed, at=ev.received_at.isoformat())))
        # Ties in time keep the order rows were written in: a card before its redraws.
        rows.sort(key=lambda r: (r[0], r[1], r[2]))
        for _, _, _, key, entry in rows:
            self.publish(entry, dedupe_key=key)
        return len(rows)


def typed_entry_from_event(msg: Any, names: dict[str, str]) -> dict | None:
    """The page entry for a message a person typed (or a button they clicked) in the simulator."""
    if msg.reply is None:
        return None
    entry: dict[str, Any] = {
        "conv": msg.reply.address, "dir": "in", "sender": msg.sender_id,
        "sender_name": names.get(msg.sender_id, msg.sender_id),
        "mentions": list(msg.mentions),
        "client_id": msg.dedupe_key.removeprefix("local:"),
    }
    if msg.action is not None:
        entry.update(kind="click", key=msg.action.key, task_id=msg.action.task_id,
                     text=msg.action.key)
    else:
        entry.update(kind="text", text=msg.text)
    return entry

