"""What change and sensitive requests share: the stamped written application, its way to the
paper archive (the request_archive clock, watched by the archive_late penalty rule) and the
history rows.

An application arrives either as a file or photo the platform delivered (附件=, its media id or
file name) - then the paper original still owes the archive - or as paper already filed (存档=,
the archive's reference), which is the archive too.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Union

from bot.errors import Forbidden, UsageError, UserError
from bot.services.deadlines import clocks
from bot.services.requests import texts
from storage.models import Staff
from storage.models.people import Role
from storage.models.requests import (
    APP_FILE,
    APP_PAPER,
    CHANGE,
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
    via: str  # APP_FILE or APP_PAPER
    ref: str


def application(file_ref: str | None, paper_ref: str | None) -> Application:
    f, p = (file_ref or "").strip(), (paper_ref or "").strip()
    if f and p:
        raise UsageError(texts.APP_BOTH)
    if not f and not p:
        raise UsageError(texts.APP_MISSING)
    return Application(APP_FILE, f) if f else Application(APP_PAPER, p)


def describe_application(req: Request) -> str:
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
