"""The one error path for what nobody expected: commands, inbound processing, jobs, the relay.

As python-telegram-bot routes every handler's and job's exception to one `process_error`, every
layer here hands an unexpected error to `report`: it is logged with its reference (the HTTP
request id for an inbound message, a fresh one otherwise) and the admins (`center.admins`) are
told through the outbox, at most once per kind of error per `inbound.error_notice_minutes`. The
limit is counted by the database itself: the notice's outbox key names the kind and the time
window, so a second notice of the same kind in the same window is a duplicate key, on every
instance alike. Answering the user, where there is one, stays with the caller (the dispatcher
answers a failed command, the pipeline a dead-lettered message), because only it knows where
the answer goes.
"""
from __future__ import annotations

import contextvars
import logging
import uuid
from typing import TYPE_CHECKING, Any

from bot import texts
from bot.services.outbox import notify_admins

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger("deskbot.errors")

# The reference of the work in progress: the HTTP request id while a request is served, the
# stored event's request id while it is processed.
REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("deskbot_request_id",
                                                                 default="")
NOTICE_KEY = "alert:{kind}:{window}"  # notify_admins adds ":<userid>"


def new_ref() -> str:
    return uuid.uuid4().hex[:12]


def current_ref() -> str:
    """The reference of the work in progress, or a fresh one."""
    return REQUEST_ID.get() or new_ref()


def describe(error: BaseException | str) -> str:
    return error if isinstance(error, str) else f"{type(error).__name__}: {error}"


async def report(env: "Runtime", kind: str, notice: str, error: BaseException | str, ref: str,
                 *, conn: Any = None) -> None:
    """Log the error with its reference and tell the admins unless this kind of error was
    already reported within the window. `notice` is the Chinese line for the admins."""
    log.error("%s failed ref=%s: %s", kind, ref, describe(error),
              exc_info=error if isinstance(error, BaseException) else None)
    minutes = env.settings.inbound.error_notice_minutes
    window = int(env.now().timestamp() // (minutes * 60))
    text = notice + texts.ERROR_NOTICE_QUIET.format(minutes=minutes)
    await notify_admins(env, text, NOTICE_KEY.format(kind=kind[:120], window=window), conn=conn)
