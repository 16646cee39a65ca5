"""Keeping what people send with a ticket.

A picture or file arrives as a reference to the platform's copy; it is downloaded before the
message's command runs (no database lock is held while waiting on the platform), written under
the files directory, and recorded with the ticket once the command has said which ticket that
is. If the command is refused, the downloaded files are removed again, so a refusal changes
nothing. A picture sent on its own goes to the ticket its sender named with `/附件 T` within
the configured window.
"""
from __future__ import annotations

import asyncio
import mimetypes
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bot.errors import MediaError, UserError
from bot.messages import InboundMessage
from bot.services.attachments import texts
from storage.models import AttachmentWait, RequestAttachmentWait, Ticket, TicketAttachment

if TYPE_CHECKING:
    from bot.runtime import Runtime


@dataclass(frozen=True)
class Saved:
    kind: str
    name: str
    path: str  # relative to the files directory
    size: int
    content_type: str


def root(env: "Runtime") -> Path:
    return Path(env.settings.files.dir)


def window_minutes(env: "Runtime") -> int:
    return max(1, env.settings.files.attach_window_s // 60)


async def download(env: "Runtime", msg: InboundMessage) -> list[Saved]:
    """Every attachment of the message on disk; a UserError (and nothing kept) when one fails."""
    saved: list[Saved] = []
    try:
        for att in msg.attachments:
            if env.fetch_media is None:
                raise MediaError(texts.NO_API)
            data, ctype, name = await env.fetch_media(msg.platform, att)
            name = (att.name or name or "")[:200]
            ext = Path(name).suffix[:10] or mimetypes.guess_extension(ctype or "") or ""
            rel = f"{env.now():%Y-%m}/{uuid.uuid4().hex}{ext}"
            await asyncio.to_thread(_write, root(env) / rel, data)
            saved.append(Saved(att.kind, name or Path(rel).name, rel, len(data), ctype or ""))
    except MediaError as exc:
        discard(env, saved)
        raise UserError(texts.DOWNLOAD_FAILED.format(reason=str(exc)[:60])) from exc
    return saved


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def discard(env: "Runtime", saved: list[Saved]) -> None:
    for s in saved:
        (root(env) / s.path).unlink(missing_ok=True)


async def attach(env: "Runtime", saved: list[Saved], ticket_id: int, msg: InboundMessage) -> str:
    """Record the files with the ticket; the sentence that tells the sender so."""
    for s in saved:
        await TicketAttachment.create(
            ticket_id=ticket_id, kind=s.kind, name=s.name, path=s.path, size=s.size,
            content_type=s.content_type[:128], platform=msg.platform, sender=msg.sender_id,
            created_at=env.now())
    kinds = "、".join(sorted({texts.KIND_NAMES.get(s.kind, s.kind) for s in saved}))
    return texts.ATTACHED.format(n=len(saved), kinds=kinds, no=f"T{ticket_id}")


async def wait_for(env: "Runtime", msg: InboundMessage, ticket: Ticket) -> str:
    """`/附件 T`: the sender's next picture or file within the window goes to this ticket."""
    until = env.now() + timedelta(seconds=env.settings.files.attach_window_s)
    # The latest /附件 wins: a request the sender named before no longer waits.
    await RequestAttachmentWait.filter(platform=msg.platform, sender=msg.sender_id).delete()
    await AttachmentWait.update_or_create(
        platform=msg.platform, sender=msg.sender_id,
        defaults={"ticket_id": ticket.id, "until": until})
    return texts.WAITING.format(minutes=window_minutes(env), no=ticket.number)


async def waiting_ticket(env: "Runtime", msg: InboundMessage) -> int | None:
    """The ticket the sender asked their next attachment to go to, if that was recent enough."""
    wait = await AttachmentWait.filter(platform=msg.platform, sender=msg.sender_id,
                                       until__gte=env.now()).first()
    return wait.ticket_id if wait else None


def no_target(env: "Runtime", msg: InboundMessage) -> str:
    kind = msg.attachments[0].kind if msg.attachments else "file"
    return texts.NO_TARGET.format(kind=texts.KIND_NAMES.get(kind, kind),
                                  minutes=window_minutes(env))


def unsupported(kind: str) -> str:
    return texts.UNSUPPORTED.format(kind=texts.UNSUPPORTED_KIND_NAMES.get(kind, kind[:20]))


async def listing(env: "Runtime", ticket_id: int) -> list[str]:
    rows = await TicketAttachment.filter(ticket_id=ticket_id).order_by("id")
    if not rows:
        return []
    return [texts.LIST_HEAD] + [texts.LIST_LINE.format(
        no=r.id, kind=texts.KIND_NAMES.get(r.kind, r.kind), name=r.name, size=_size(r.size),
        at=env.calendar.local(r.created_at).strftime("%m-%d %H:%M")) for r in rows]


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1 << 20 else f"{max(1, n // 1024)} KB"
