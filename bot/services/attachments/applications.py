"""Scans and photos of customers' stamped applications kept with change requests R and
sensitive requests M.

They come the ways a ticket's pictures do: `/附件 R5` and then the picture or file within the
window, or a picture already kept with a ticket named by its number A<n> (the customer faxed
the application to the hotline: 附件=A3). The request's own rules (what a scan allows, its
history) stay in bot/services/requests; this module keeps and lists the files.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.errors import UsageError, UserError
from bot.messages import InboundMessage
from bot.services.attachments import texts
from bot.services.attachments.store import Saved, _size, window_minutes
from storage.models import (
    AttachmentWait,
    RequestAttachment,
    RequestAttachmentWait,
    TicketAttachment,
)

if TYPE_CHECKING:
    from bot.runtime import Runtime

_REF = re.compile(r"^[#＃]?[Aa](\d{1,9})$")


@dataclass(frozen=True)
class Target:
    kind_of: str  # storage.models.requests CHANGE or SENSITIVE
    request_id: int
    number: str  # R5 / M3


def attachment_number(ref: str) -> int:
    """"A3" -> 3; anything else is refused with how to name a kept picture."""
    m = _REF.match(ref.strip())
    if not m:
        raise UsageError(texts.BAD_REF.format(ref=ref.strip()[:40]))
    return int(m.group(1))


async def find(ref: str) -> TicketAttachment:
    number = attachment_number(ref)
    row = await TicketAttachment.filter(id=number).first()
    if row is None:
        raise UserError(texts.REF_NOT_FOUND.format(ref=f"A{number}"))
    return row


async def link(env: "Runtime", source: TicketAttachment, target: Target) -> RequestAttachment:
    """A ticket's picture A<n> kept with the request as well (the same file on disk)."""
    return await RequestAttachment.create(
        kind_of=target.kind_of, request_id=target.request_id, kind=source.kind, name=source.name,
        path=source.path, size=source.size, content_type=source.content_type,
        platform=source.platform, sender=source.sender, source_id=source.id,
        created_at=env.now())


async def keep(env: "Runtime", saved: list[Saved], target: Target,
               msg: InboundMessage) -> list[RequestAttachment]:
    return [await RequestAttachment.create(
        kind_of=target.kind_of, request_id=target.request_id, kind=s.kind, name=s.name,
        path=s.path, size=s.size, content_type=s.content_type[:128], platform=msg.platform,
        sender=msg.sender_id, created_at=env.now()) for s in saved]


def kept_note(saved: list[Saved], target: Target) -> str:
    kinds = "、".join(sorted({texts.KIND_NAMES.get(s.kind, s.kind) for s in saved}))
    return texts.ATTACHED.format(n=len(saved), kinds=kinds, no=target.number)


async def count(kind_of: str, request_id: int) -> int:
    return await RequestAttachment.filter(kind_of=kind_of, request_id=request_id).count()


async def wait_for(env: "Runtime", msg: InboundMessage, target: Target) -> str:
    """`/附件 R5`: the sender's next picture or file within the window goes to this request."""
    until = env.now() + timedelta(seconds=env.settings.files.attach_window_s)
    # The latest /附件 wins: a ticket the sender named before no longer waits.
    await AttachmentWait.filter(platform=msg.platform, sender=msg.sender_id).delete()
    await RequestAttachmentWait.update_or_create(
        platform=msg.platform, sender=msg.sender_id,
        defaults={"kind_of": target.kind_of, "request_id": target.request_id, "until": until})
    return texts.WAITING_SCAN.format(minutes=window_minutes(env), no=target.number)


async def waiting(env: "Runtime", msg: InboundMessage) -> RequestAttachmentWait | None:
    return await RequestAttachmentWait.filter(platform=msg.platform, sender=msg.sender_id,
                                              until__gte=env.now()).first()


async def listing(env: "Runtime", kind_of: str, request_id: int) -> list[str]:
    rows = await RequestAttachment.filter(kind_of=kind_of, request_id=request_id).order_by("id")
    if not rows:
        return []
    return [texts.SCANS_HEAD] + [texts.SCAN_LINE.format(
        kind=texts.KIND_NAMES.get(r.kind, r.kind), name=r.name, size=_size(r.size),
        at=env.calendar.local(r.created_at).strftime("%m-%d %H:%M"),
        source=texts.SCAN_SOURCE.format(ref=f"A{r.source_id}") if r.source_id else "")
        for r in rows]
