"""DingTalk's monthly OpenAPI quota: every call counted in the database, the admins warned once
at `dingtalk.quota_warn`, and pushes merged into digests from `dingtalk.quota_digest` on.

DingTalk counts OpenAPI calls per month by edition (about 10,000 on the standard one) and fails
pushes past it. The count lives in one row per month, incremented in place, so every instance
adds to the same number and a restart loses none. Near the quota, the DingTalk OpenAPI channels
get one message per destination per window: the relay's rate-limit plan (notifiers/ratelimit.py)
then packs whatever is queued for a chat into digests, as it does for a burst.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any, Awaitable, Callable
from zoneinfo import ZoneInfo

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from bot import messages
from notifiers import texts
from notifiers.ratelimit import DbRateLimiter, Window
from storage.models import ApiUsage

log = logging.getLogger("deskbot.quota")

DINGTALK = "dingtalk"
# The channels whose every message is an OpenAPI call (session and custom webhooks are not).
OPENAPI_CHANNELS = frozenset({messages.CH_DINGTALK_GROUP, messages.CH_DINGTALK_USER,
                              messages.CH_DINGTALK_CARD_UPDATE})
Warn = Callable[[str, str], Awaitable[Any]]  # (text, dedupe key)


class DingTalkQuota:
    def __init__(self, settings: Any, clock: Any, warn: Warn | None = None) -> None:
        self._cfg = settings.dingtalk
        self._tz = ZoneInfo(settings.center.timezone)
        self._clock = clock
        self._warn = warn

    @property
    def limit(self) -> int:
        return int(self._cfg.monthly_quota)

    def month(self, now: datetime | None = None) -> str:
        return (now or self._clock.now()).astimezone(self._tz).strftime("%Y-%m")

    async def count(self, n: int = 1) -> None:
        """Add `n` calls to this month; tell the admins once when the warning line is crossed."""
        month = self.month()
        updated = await ApiUsage.filter(platform=DINGTALK, month=month).update(
            calls=F("calls") + n)
        if not updated:
            try:
                await ApiUsage.create(platform=DINGTALK, month=month, calls=n)
            except IntegrityError:  # another instance made the row first
                await ApiUsage.filter(platform=DINGTALK, month=month).update(
                    calls=F("calls") + n)
        threshold = int(self.limit * self._cfg.quota_warn)
        won = await ApiUsage.filter(platform=DINGTALK, month=month, warned_at=None,
                                    calls__gte=threshold).update(warned_at=self._clock.now())
        if won and self._warn is not None:
            used = await self.used()
            log.warning("DingTalk OpenAPI quota: %d of %d used in %s", used, self.limit, month)
            await self._warn(texts.QUOTA_WARNING.format(
                used=used, limit=self.limit, percent=round(100 * used / self.limit),
                month=month), f"dingtalk-quota:{month}")

    async def used(self) -> int:
        row = await ApiUsage.filter(platform=DINGTALK, month=self.month()).first()
        return row.calls if row else 0

    async def near(self) -> bool:
        return await self.used() >= self.limit * self._cfg.quota_digest

    async def status(self) -> dict[str, Any]:
        used = await self.used()
        return {"month": self.month(), "used": used, "limit": self.limit,
                "percent": round(100 * used / self.limit, 1)}


class QuotaRateLimiter(DbRateLimiter):
    """The database rate limits, tightened to one message per window on DingTalk's OpenAPI
    channels once the month's quota nears: the relay then sends digests there."""

    def __init__(self, quota: DingTalkQuota, **kw: Any) -> None:
        super().__init__(**kw)
        self.quota = quota

    async def window(self, channel: str, address: str, now: datetime, owner: str) -> Window:
        window = await super().window(channel, address, now, owner)
        if channel in OPENAPI_CHANNELS and await self.quota.near():
            if window.limit is None:
                return Window(limit=1, window=timedelta(seconds=self.window_s))
            window.limit = 1
        return window
