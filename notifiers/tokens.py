"""Access tokens cached per app until shortly before they expire, fetched by one caller at a time.

WeCom and DingTalk both hand out 7200-second tokens and both limit how often one may be fetched,
so a burst of sends must share one fetch. When the platform says a token is invalid, the sender
invalidates exactly that token and asks again: the next get() fetches once for everybody.
"""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Awaitable, Callable

from bot.clock import Clock

# Renew this long before the platform's expiry, so a token never dies in flight.
MARGIN_S = 300.0

Fetch = Callable[[], Awaitable[tuple[str, float]]]  # -> (token, seconds it lives)


class TokenCache:
    def __init__(self, fetch: Fetch, clock: Clock, *, margin_s: float = MARGIN_S) -> None:
        self._fetch = fetch
        self._clock = clock
        self._margin = timedelta(seconds=margin_s)
        self._token: str | None = None
        self._expires: datetime | None = None
        self._lock = asyncio.Lock()
        self.fetches = 0

    def _valid(self) -> bool:
        return (self._token is not None and self._expires is not None
                and self._clock.now() < self._expires - self._margin)

    async def get(self) -> str:
        if self._valid():
            return self._token  # type: ignore[return-value]
        async with self._lock:
            if not self._valid():  # another caller may have fetched while we waited
                token, lifetime = await self._fetch()
                self.fetches += 1
                self._token = token
                self._expires = self._clock.now() + timedelta(seconds=lifetime)
            return self._token  # type: ignore[return-value]

    def invalidate(self, token: str) -> None:
        """Forget `token` if it is still the cached one (a newer token is kept)."""
        if self._token == token:
            self._token = None
            self._expires = None
