"""Per-destination rate limits, counted from the database, and the plan that merges a burst.

Limits (messages per destination per minute): WeCom app to one member 30, WeCom group robot
webhook 20, WeCom app group chat 200 (WeCom counts 200 per member across app group chats; we
count per chat), DingTalk robots 20 (a custom robot past that is blocked for 10 minutes).
WeCom drops the excess silently, so these are never to be exceeded, not merely aimed at.

Why the window is computed from the database and not kept in memory: every message that went
out is an outbox row with its `sent_at`, so "how many went to this destination in the last
minute" is one indexed query, and it is right after a restart and across any number of
instances sharing PostgreSQL, with nothing to seed or to keep in step. A memory window would
be cheaper per call, but two instances would each believe they had the whole allowance. Rows
another relay holds under a live lease for the same destination count as spent too, so two
relays planning at once cannot together exceed the limit (each sees the other's claim: a claim
commits before its holder counts). For the count to be exact, the relay keeps one rule: after
planning, one row is one platform message (long texts are split into rows, digests are rows).

The plan, when a destination's queue needs more messages than its free slots: notices are
packed, in order, into digest messages at the channel's byte limit (each notice whole, once),
so a burst of a thousand notices to a group becomes a few dozen messages within the limit
instead of being dropped by the platform or trickling out over hours.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Sequence

from bot import messages
from bot.messages import OutboundMessage
from notifiers import relay_store, render

WINDOW_S = 60.0
LIMITS: dict[str, int] = {
    messages.CH_WECOM_APP: 30,
    messages.CH_WECOM_WEBHOOK: 20,
    # The robot's proactive push publishes no figure: held to a group robot's 20 a minute.
    messages.CH_WECOM_WS_SEND: 20,
    messages.CH_WECOM_APPCHAT: 200,
    messages.CH_DINGTALK_GROUP: 20,
    messages.CH_DINGTALK_USER: 20,
    messages.CH_DINGTALK_WEBHOOK: 20,
}
# After the last slot is taken, try again just after the oldest message leaves the window.
_EPSILON = timedelta(milliseconds=5)


@dataclass
class Window:
    """What a destination has spent in the current window."""

    limit: int | None  # None: no limit on this channel
    window: timedelta
    sent: list[datetime] = field(default_factory=list)  # sent_at within the window, oldest first
    in_flight: int = 0  # messages other relays hold under a live lease

    def free(self) -> int | None:
        if self.limit is None:
            return None
        return max(0, self.limit - len(self.sent) - self.in_flight)

    def next_free_at(self, now: datetime, sent_now: int = 0) -> datetime:
        """When at least one slot is free again, counting `sent_now` messages sent at `now`."""
        if self.limit is None:
            return now
        times = sorted(self.sent + [now] * (self.in_flight + sent_now))
        if len(times) < self.limit:
            return now + _EPSILON
        return times[len(times) - self.limit] + self.window + _EPSILON


class BaseRateLimiter(ABC):
    """Pluggable like python-telegram-bot's BaseRateLimiter: the relay asks it, per destination,
    how much may go now; it never sends anything itself."""

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @abstractmethod
    def limit(self, channel: str) -> int | None: ...

    @abstractmethod
    async def window(self, channel: str, address: str, now: datetime, owner: str) -> Window: ...


class NoRateLimiter(BaseRateLimiter):
    def limit(self, channel: str) -> int | None:
        return None

    async def window(self, channel: str, address: str, now: datetime, owner: str) -> Window:
        return Window(limit=None, window=timedelta(0))


class DbRateLimiter(BaseRateLimiter):
    """Sliding windows counted from outbox rows: sent ones, and ones other relays hold."""

    def __init__(self, limits: dict[str, int] | None = None, *, window_s: float = WINDOW_S) -> None:
        self.limits = dict(LIMITS if limits is None else limits)
        self.window_s = window_s

    def limit(self, channel: str) -> int | None:
        return self.limits.get(channel)

    async def window(self, channel: str, address: str, now: datetime, owner: str) -> Window:
        span = timedelta(seconds=self.window_s)
        limit = self.limit(channel)
        if limit is None:
            return Window(limit=None, window=span)
        sent, in_flight = await relay_store.window_of(channel, address, now - span, now, owner)
        return Window(limit=limit, window=span, sent=sent, in_flight=in_flight)


# -- planning ---------------------------------------------------------------------------------

AS_IS, SPLIT, DIGEST = "as_is", "split", "digest"


@dataclass(frozen=True)
class Unit:
    """Messages that go out together for some queued rows.

    as_is: one row, sent as it is. split: one row too long for one message, becoming one row per
    piece. digest: several rows packed into one message. `take` is how many of `messages` fit
    in the free slots now (only a split unit is ever taken in part).
    """

    kind: str
    rows: tuple[int, ...]
    messages: tuple[OutboundMessage, ...]
    take: int


def plan(items: Sequence[tuple[int, OutboundMessage]], free: int | None
         ) -> tuple[list[Unit], list[int]]:
    """Decide what goes now for one destination: (units to send, row ids to hold).

    `items` are the destination's queued rows in order. With room for all of them, each goes
    as it is (split where too long). Without, runs of notices are merged into digests, and
    units are taken in order while slots remain; the rest wait for the window to move.
    """
    singles = []
    for row_id, msg in items:
        pieces = tuple(render.parts(msg))
        kind = AS_IS if len(pieces) == 1 else SPLIT
        singles.append(Unit(kind, (row_id,), pieces, len(pieces)))
    if free is None or sum(len(u.messages) for u in singles) <= free:
        return singles, []

    merged: list[Unit] = []
    run: list[tuple[int, OutboundMessage]] = []

    def flush() -> None:
        for chunk in render.pack_digest([m for _, m in run]):
            ids = tuple(run[i][0] for i in chunk.members)
            if len(ids) == 1:
                merged.append(Unit(AS_IS, ids, (run[chunk.members[0]][1],), 1))
            else:
                merged.append(Unit(DIGEST, ids, (chunk.message,), 1))
        run.clear()

    for (row_id, msg), single in zip(items, singles):
        if single.kind == AS_IS and render.is_mergeable(msg) and render.fits_in_digest(msg):
            run.append((row_id, msg))
            continue
        flush()
        merged.append(single)
    flush()

    now_units: list[Unit] = []
    slots = free
    for unit in merged:
        if slots <= 0:
            break
        take = min(len(unit.messages), slots)
        if take < len(unit.messages) and unit.kind != SPLIT:
            break
        now_units.append(Unit(unit.kind, unit.rows, unit.messages, take))
        slots -= take
    held = [row_id for unit in merged[len(now_units):] for row_id in unit.rows]
    return now_units, held
