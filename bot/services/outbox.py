"""Writing to the outbox: the only way a side effect leaves the bot.

Call these inside the transaction of the change that causes the message (pass its connection), so
the message exists exactly when the change does. The relay sends it later.
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Iterable

from bot.messages import CARD, TEXT, Button, OutboundMessage
from bot.services.addressing import purpose_targets, staff_target
from bot.services.cards import registry as cards
from storage.cache import lookup_cache
from storage.models import OutboxMessage, Staff
from storage.models.messaging import PENDING
from storage.upsert import insert_unless_exists

if TYPE_CHECKING:
    from bot.runtime import Runtime


async def enqueue(msg: OutboundMessage, key: str, *, now: datetime, urgent: bool = True,
                  conn: Any = None) -> bool:
    """Insert one message under its dedupe key; False when that key was already queued.

    A card with buttons is also remembered where it goes, so later changes can redraw it."""
    inserted = await insert_unless_exists(OutboxMessage, "dedupe_key", {
        "dedupe_key": key, "channel": msg.channel, "address": msg.address,
        "payload": msg.to_json(), "urgent": urgent, "next_attempt_at": now, "created_at": now,
        "status": PENDING, "attempts": 0, "last_error": "",
    }, conn)
    if inserted and msg.kind == CARD and msg.buttons:
        await cards.register(msg, key, now, conn)
    return inserted


async def notify_staff(env: "Runtime", staff: Staff, text: str, key: str, *, kind: str = TEXT,
                       title: str = "", buttons: Iterable[Button] = (), task_id: str = "",
                       urgent: bool = True, conn: Any = None) -> bool:
    channel, address = staff_target(env.settings, staff)
    msg = OutboundMessage(channel=channel, address=address, kind=kind, text=text, title=title,
                          buttons=tuple(buttons), task_id=task_id)
    return await enqueue(msg, key, now=env.now(), urgent=urgent, conn=conn)


async def notify_admins(env: "Runtime", text: str, key: str, conn: Any = None) -> None:
    """Tell every admin of settings.center.admins, one row each under `key:<userid>`."""
    for userid in env.settings.center.admins:
        staff = await Staff.filter(userid=userid).using_db(conn).first()
        if staff is None:  # an admin named in settings but never imported: reach them anyway
            staff = Staff(userid=userid, name=userid)
        await notify_staff(env, staff, text, f"{key}:{userid}", conn=conn)


async def notify_purpose(env: "Runtime", purpose: str, text: str, key: str, *, kind: str = TEXT,
                         title: str = "", mentions: Iterable[str] = (),
                         buttons: Iterable[Button] = (), task_id: str = "",
                         urgent: bool = True, conn: Any = None) -> int:
    """Send to every chat bound to a purpose (hotline, managers, supervisors, hq)."""
    sent = 0
    for i, (channel, address) in enumerate(await purpose_targets(
            purpose, conn=conn, cache=lookup_cache(env.memo))):
        # A card's id must be unique per destination on DingTalk (outTrackId): the first keeps it.
        card_id = f"{task_id}-{i}" if task_id and i else task_id
        msg = OutboundMessage(channel=channel, address=address, kind=kind, text=text, title=title,
                              mentions=tuple(mentions), buttons=tuple(buttons), task_id=card_id)
        sent += await enqueue(msg, f"{key}#{i}", now=env.now(), urgent=urgent, conn=conn)
    return sent
