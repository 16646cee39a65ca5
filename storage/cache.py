"""A per-process cache for the lookups every command repeats (the sender's staff row, the chats
bound to a purpose, who is on duty), with an honest invalidation.

A write to a cached model in this process (a save or a delete, e.g. a staff import) empties every
cache at once through Tortoise's signals; a write by another process (the CLI, a second instance
on PostgreSQL) is seen within `TTL_S`, the price of not asking the database each time.
"""
from __future__ import annotations

import time
import weakref
from typing import Any, Awaitable, Callable, ClassVar

from tortoise.signals import post_delete, post_save

from storage.models import Chat, DutyAssignment, Staff

TTL_S = 10.0
_MISSING = object()


class LookupCache:
    # Every live cache, so an in-process write can empty them all (one per runtime).
    _live: ClassVar[weakref.WeakSet[LookupCache]] = weakref.WeakSet()

    def __init__(self, ttl_s: float = TTL_S, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s, self._clock = ttl_s, clock
        self._items: dict[Any, tuple[float, Any]] = {}
        LookupCache._live.add(self)

    async def get(self, key: Any, load: Callable[[], Awaitable[Any]]) -> Any:
        now = self._clock()
        expires, value = self._items.get(key, (0.0, _MISSING))
        if value is _MISSING or expires <= now:
            value = await load()
            self._items[key] = (now + self.ttl_s, value)
        return value

    def clear(self) -> None:
        self._items.clear()

    @classmethod
    def clear_all(cls) -> None:
        for cache in list(cls._live):
            cache.clear()


def lookup_cache(memo: dict[str, Any]) -> LookupCache:
    """The runtime's cache, made on first use (the runtime itself may not import storage)."""
    cache = memo.get("lookups")
    if cache is None:
        cache = memo["lookups"] = LookupCache()
    return cache


async def _invalidate(*_args: Any, **_kw: Any) -> None:
    LookupCache.clear_all()


for _model in (Staff, Chat, DutyAssignment):
    post_save(_model)(_invalidate)
    post_delete(_model)(_invalidate)
