"""What change and sensitive requests share: the stamped written application, its way to the
paper archive (the request_archive clock, watched by the archive_late penalty rule) and the
history rows.

The application arrives as a scan or photo (the customer faxes it, 002 §5: "盖上公章传真至我"),
kept with the request: sent for it with /附件 R5 (or M3), or a picture a ticket already keeps,
named on submission as 附件=A3. The paper original then still owes the archive. Or it arrives
as paper, filed at once (存档=, the archive's reference): the archive is the record, as the
seed has every such application end in the administration's archive ("交由行政部存档").
A request may be submitted before the scan arrives, but no manager approves it, and it is not
closed, until a scan is kept or the paper is in the archive.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Union

from bot.errors import Forbidden, UsageError, UserError
from bot.messages import InboundMessage
from bot.services.attachments import applications as scans
from bot.services.deadlines import clocks
from bot.services.requests import texts
from storage.models import Staff, TicketAttachment
from storage.models.people import Role
from storage.models.requests import (
    APP_FILE,
    APP_PAPER,
    CHANGE,
    CLOSED,
    DONE,
    REFUSED,
    SENSITIVE,
    ChangeRequest,
    RequestEvent,
    SensitiveRequest,
)

if TYPE_CHECKING:
    from bot.runtime import Runtime

ARCHIVE_CLOCK = "request_archive"
Request = Union[ChangeRequest, SensitiveRequest]


@dataclass(frozen=True)
class Application:
    via: str  # APP_FILE, APP_PAPER, or "" (not received yet)
    ref: str
    source: TicketAttachment | None = None  # the ticket's picture A<n> named by 附件=


def application(file_ref: str | None, paper_ref: str | None) -> Application:
    """A written authorization named by reference only (a dispatch's 带走数据)."""
    f, p = (file_ref or "").strip(), (paper_ref or "").strip()
    if f and p:
        raise UsageError(texts.APP_BOTH)
    if not f and not p:
        raise UsageError(texts.APP_MISSING)
    return Application(APP_FILE, f) if f else Application(APP_PAPER, p)


async def received_application(file_ref: str | None, paper_ref: str | None,
                               scan_sent: bool = False) -> Application:
    """A request's application on submission: a kept picture A<n>, the paper's archive
    reference, the scan sent with the command itself, or nothing yet (it follows with /附件)."""
    f, p = (file_ref or "").strip(), (paper_ref or "").strip()
    if f and p:
        raise UsageError(texts.APP_BOTH)
    if p:
        return Application(APP_PAPER, p)
    if f:
        source = await scans.find(f)
        return Application(APP_FILE, f"A{source.id} {source.name}"[:256], source)
    if scan_sent:
        return Application(APP_FILE, texts.APP_WITH_MESSAGE)
    return Application("", "")


async def receive(env: "Runtime", req: Request, app: Application, actor: Staff) -> None:
    """The application given on submission, kept with the just-created request."""
    if app.source is not None:
        await scans.link(env, app.source, target(req))
        await event(env, req, actor, "scan", app.ref)


def target(req: Request) -> scans.Target:
    return scans.Target(kind_of(req), req.id, req.number)


async def attach_scan(env: "Runtime", actor: Staff | None, req: Request, saved: list,
                      msg: InboundMessage) -> str:
    """Scans sent after /附件 R5: kept with the request, which now has its application."""
    rows = await scans.keep(env, saved, target(req), msg)
    if rows and (not req.app_via or req.app_ref == texts.APP_WITH_MESSAGE):
        req.app_via, req.app_ref = APP_FILE, rows[0].name[:256]
        await req.save(update_fields=["app_via", "app_ref"])
    await event(env, req, actor, "scan", "、".join(r.name for r in rows)[:500])
    return scans.kept_note(saved, target(req))


async def wait_for_scan(env: "Runtime", actor: Staff, msg: InboundMessage, req: Request) -> str:
    """`/附件 R5`: the sender's next picture or file goes to the request, while it is open."""
    if not actor.has_role(Role.ENGINEER) and not actor.has_role(Role.MANAGER):
        raise Forbidden(texts.ATTACH_ROLE)
    if req.status in (CLOSED, DONE, REFUSED):
        raise UserError(texts.ATTACH_CLOSED.format(no=req.number))
    return await scans.wait_for(env, msg, target(req))


async def waiting_request(env: "Runtime", msg: InboundMessage) -> Request | None:
    """The request the sender asked their next picture to go to, if that was recent enough."""
    wait = await scans.waiting(env, msg)
    if wait is None:
        return None
    model = ChangeRequest if wait.kind_of == CHANGE else SensitiveRequest
    return await model.filter(id=wait.request_id).first()


async def require_application(req: Request, action: str) -> None:
    """No approval, no close, before the stamped application is there: a scan kept with the
    request or the paper in the archive."""
    if req.archived_at is None and not await scans.count(kind_of(req), req.id):
        raise UserError(texts.APP_NOT_RECEIVED.format(no=req.number, action=action))


def describe_application(req: Request) -> str:
    if not req.app_via:
        return texts.APP_NONE
    return f"{texts.APP_VIA[req.app_via]} {req.app_ref}"


def when(env: "Runtime", dt: datetime | None) -> str:
    return env.calendar.local(dt).strftime("%m-%d %H:%M") if dt else "-"


def kind_of(req: Request) -> str:
    return CHANGE if isinstance(req, ChangeRequest) else SENSITIVE


def context(req: Request, customer_name: str, what: str) -> dict:
    return {"number": req.number, "title": f"{req.number} {customer_name} {what}"}


async def event(env: "Runtime", req: Request, actor: Staff | None, kind: str,
                detail: str = "") -> None:
    await RequestEvent.create(kind_of=kind_of(req), request_id=req.id, at=env.now(),
                              actor=actor, kind=kind, detail=detail)


async def history(req: Request) -> list[RequestEvent]:
    return await RequestEvent.filter(kind_of=kind_of(req), request_id=req.id) \
        .select_related("actor").order_by("id")


async def owe_archive(env: "Runtime", req: Request, app: Application, owner: Staff, tier: str,
                      ctx: dict) -> datetime | None:
    """Paper already filed is the archive; a file or photo starts the clock for the original.
    Returns when the original is due in the archive (None when it is there)."""
    if app.via == APP_PAPER:
        req.archive_ref, req.archived_at = app.ref, env.now()
        await req.save(update_fields=["archive_ref", "archived_at"])
        await event(env, req, owner, "archived", app.ref)
        return None
    row = await clocks.start(env, kind_of(req), req.id, ARCHIVE_CLOCK, owner=owner, tier=tier,
                             context=ctx)
    return row.due_at


async def archive(env: "Runtime", actor: Staff, req: Request, owner_id: int, ref: str) -> None:
    """The paper original filed by the administration (行政部存档) under `ref`."""
    ref = ref.strip()
    if not ref:
        raise UsageError(texts.ARCHIVE_NEEDS_REF)
    if req.archived_at is not None:
        raise UserError(texts.ARCHIVE_ALREADY.format(no=req.number, at=when(env, req.archived_at),
                                                     ref=req.archive_ref))
    if actor.id != owner_id and not actor.has_role(Role.MANAGER):
        owner = await Staff.get(id=owner_id)
        raise Forbidden(texts.ARCHIVE_NOT_YOURS.format(no=req.number, who=owner.name))
    req.archive_ref, req.archived_at = ref, env.now()
    await req.save(update_fields=["archive_ref", "archived_at"])
    await clocks.meet(env, kind_of(req), req.id, ARCHIVE_CLOCK)
    await event(env, req, actor, "archived", ref)


async def find(token: str) -> Request:
    """"R5" or "M3" (either letter, any case)."""
    t = (token or "").strip().lstrip("#")
    letter, digits = t[:1].upper(), t[1:]
    if letter not in ("R", "M") or not digits.isdigit():
        raise UsageError(texts.BAD_NUMBER)
    model = ChangeRequest if letter == "R" else SensitiveRequest
    req = await model.filter(id=int(digits)).select_related("customer").first()
    if req is None:
        raise UserError(texts.NOT_FOUND.format(no=t.upper()))
    return req
