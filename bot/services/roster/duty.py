"""Who is on duty, asked of the roster when the roster exists (assignments.py, issue 6).

Until it exists, nobody is on duty and suggestions rank by load alone. The roster's
`on_duty(env, when)` may return staff rows or user ids, directly or as a coroutine.
"""
from __future__ import annotations

import importlib
import inspect
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.runtime import Runtime


async def on_duty_userids(env: "Runtime", when: datetime | None = None) -> set[str]:
    try:
        roster = importlib.import_module("bot.services.roster.assignments")
    except ModuleNotFoundError as exc:
        if exc.name != "bot.services.roster.assignments":
            raise  # the roster exists but is broken: say so rather than hide it
        return set()
    fn = getattr(roster, "on_duty", None)
    if fn is None:
        return set()
    result = fn(env, when or env.now())
    if inspect.isawaitable(result):
        result = await result
    out: set[str] = set()
    for item in result or ():
        if isinstance(item, str):
            out.add(item)
        else:
            userid = getattr(item, "userid", None) or getattr(getattr(item, "staff", None),
                                                              "userid", None)
            if userid:
                out.add(userid)
    return out
