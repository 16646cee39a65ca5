"""Which object a card is about, and remembering a card when it is queued.

A card's buttons name their object (`claim:T12`, `accept:T12`, `take:D3`), so the outbox can
register every card with buttons without each service saying what it is about.
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Iterable

from bot.messages import OutboundMessage
from storage.models import CardRef
from storage.upsert import insert_unless_exists

OBJECTS = {"T": "ticket", "D": "dispatch"}


def object_of_key(key: str) -> tuple[str, int] | None:
    """("ticket", 12) for "claim:T12"; None for a key that names no known object."""
    _, _, ref = key.partition(":")
    kind = OBJECTS.get(ref[:1].upper())
    if kind is None or not ref[1:].isdigit():
        return None
    return kind, int(ref[1:])


def object_of(keys: Iterable[str]) -> tuple[str, int] | None:
    for key in keys:
        found = object_of_key(key)
        if found is not None:
            return found
    return None


async def register(msg: OutboundMessage, dedupe_key: str, now: datetime,
                   conn: Any = None) -> bool:
    """Remember a card with buttons where it was sent; False when it is about no object."""
    about = object_of(b.key for b in msg.buttons)
    if about is None:
        return False
    return await insert_unless_exists(CardRef, ("card_key", "channel", "address"), {
        "card_key": msg.task_id or dedupe_key, "channel": msg.channel, "address": msg.address,
        "object_type": about[0], "object_id": about[1], "title": msg.title[:255],
        "text": msg.text, "buttons": json.dumps([{"key": b.key, "text": b.text}
                                                 for b in msg.buttons], ensure_ascii=False),
        "version": 0, "shown_version": 0, "response_code": "", "code_at": None,
        "outbox_key": dedupe_key, "created_at": now,
    }, conn)
