"""Command metadata: a router per area, one decorator per command (errbot-style).

The decorator carries the Chinese name, English aliases, the roles allowed, where the command
may be used and its arguments (commands/args.py), from which the usage line is rendered; the
function's docstring is its help text, a template whose `{clock.…}` and `{penalty.…}` fields are
filled from the live configuration when help is shown. ACLs fail closed: a command that names
no roles is open to every registered staff member, never to strangers.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Concatenate, Protocol, Sequence

if TYPE_CHECKING:
    from bot.dispatcher import CommandContext

ANYWHERE, PRIVATE_ONLY, GROUP_ONLY = "any", "private", "group"

# Called with the context and the declared arguments as typed keyword arguments.
Handler = Callable[Concatenate["CommandContext", ...], Awaitable["Answer | str"]]


class Param(Protocol):
    """What the router needs of a declared argument (commands/args.py implements it)."""
    keys: tuple[str, ...]
    required: bool

    def usage(self) -> str: ...


def usage_line(name: str, params: Sequence[Param]) -> str:
    """/name and each argument; optional options share one bracket: [联系人= 电话=]."""
    parts: list[str] = [f"/{name}"]
    bracket: list[str] = []
    for p in params:
        if p.keys and not p.required:
            bracket.append(p.usage())
            continue
        if bracket:
            parts.append(f"[{' '.join(bracket)}]")
            bracket = []
        parts.append(p.usage())
    if bracket:
        parts.append(f"[{' '.join(bracket)}]")
    return " ".join(parts)


@dataclass
class Answer:
    text: str


@dataclass
class Command:
    name: str
    handler: Handler
    aliases: tuple[str, ...] = ()
    roles: frozenset[str] | None = None  # None: every registered staff member
    where: str = ANYWHERE
    params: tuple[Any, ...] = ()
    # Optional words in any order (/处罚 [人员] [月份]): each goes to the first argument taking it.
    unordered: bool = False
    example: str = ""
    area: str = ""
    # Actions (button keys like "claim") that run this command with the object as argument.
    actions: tuple[str, ...] = ()

    @property
    def usage(self) -> str:
        return usage_line(self.name, self.params)

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
                where: str = ANYWHERE, args: Sequence[Any] = (), unordered: bool = False,
                example: str = "", actions: tuple[str, ...] = ()) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            self.commands.append(Command(
                name=name, handler=fn, aliases=tuple(a.lower() for a in aliases),
                roles=frozenset(roles) if roles is not None else None, where=where,
                params=tuple(args), unordered=unordered, example=example or f"/{name}",
                area=self.area,
                actions=actions,
            ))
            return fn
        return register
