"""The card registry's storage side: what the relay and the senders read and write about cards.

Services decide what a card shows (bot/services/cards); the senders record what the platform
gave back (a WeCom response_code) and the relay keeps a stale update from overwriting a newer one.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from storage.models import CardRef


async def is_stale(card_id: int, version: int) -> bool:
    """True when the card already shows this state or a newer one."""
    return await CardRef.filter(id=card_id, shown_version__gte=version).exists()


async def mark_shown(card_id: int, version: int) -> None:
    await CardRef.filter(id=card_id, shown_version__lt=version).update(shown_version=version)


async def note_code(card_key: str, channel: str, address: str, code: str, at: datetime,
                    conn: Any = None) -> int:
    """Keep the newest WeCom response_code of a card (from its send or a click); rows changed."""
    return await CardRef.filter(card_key=card_key, channel=channel, address=address) \
        .using_db(conn).update(response_code=code, code_at=at)
