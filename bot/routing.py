"""Command metadata: a router per area, one decorator per command (errbot-style).

The decorator carries the Chinese name, English aliases, the roles allowed and where the command
may be used; the function's docstring is its help text. ACLs fail closed: a command that names
no roles is open to every registered staff member, never to strangers.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Awaitable, Callable

if TYPE_CHECKING:
    from bot.dispatcher import CommandContext

ANYWHERE, PRIVATE_ONLY, GROUP_ONLY = "any", "private", "group"

Handler = Callable[["CommandContext"], Awaitable["Answer | str"]]


@dataclass
class Answer:
    text: str
    # Replaces the clicked card's buttons (e.g. "已由 张三 接单") when the command came from a card.
    card_note: str = ""


@dataclass
class Command:
    name: str
    handler: Handler
    aliases: tuple[str, ...] = ()
    roles: frozenset[str] | None = None  # None: every registered staff member
    where: str = ANYWHERE
    usage: str = ""
    example: str = ""
    area: str = ""
    # Actions (button keys like "claim") that run this command with the object as argument.
    actions: tuple[str, ...] = ()

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.handler.__doc__ or "")

    @property
    def summary(self) -> str:
        return self.doc.splitlines()[0] if self.doc else ""


@dataclass
class Router:
    area: str
    commands: list[Command] = field(default_factory=list)

    def command(self, name: str, *, aliases: tuple[str, ...] = (), roles: tuple[str, ...] | None = None,
                where: str = ANYWHERE, usage: str = "", example: str = "",
                actions: tuple[str, ...] = ()) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            self.commands.append(Command(
                name=name, handler=fn, aliases=tuple(a.lower() for a in aliases),
                roles=frozenset(roles) if roles is not None else None, where=where,
                usage=usage or f"/{name}", example=example or f"/{name}", area=self.area,
                actions=actions,
            ))
            return fn
        return register
