"""From an InboundMessage to an answer: parse, find the command, run the middlewares, call it.

Outer middlewares wrap every message (they see the outcome, e.g. the audit log); inner
middlewares wrap a found command (actor lookup, permission). Both are plain async callables
`mw(ctx, call_next)`, as in aiogram. Errors take one path: a UserError is an answer; anything
else is logged with its reference, answered politely and reported to the admins.
"""
from __future__ import annotations

import difflib
import logging
from dataclasses import dataclass, field
from typing import Awaitable, Callable, Iterable

from tortoise.transactions import in_transaction

from bot import failures
from bot.errors import Forbidden, UsageError, UserError
from bot.messages import GROUP, PRIVATE, InboundMessage
from bot.routing import GROUP_ONLY, PRIVATE_ONLY, Answer, Command, Router
from bot.runtime import Runtime
from commands import args as declared, parsing, texts
from storage.cache import lookup_cache
from storage.models import Staff

log = logging.getLogger("deskbot.dispatch")

REFUSED, OK, ERROR, IGNORED = "refused", "ok", "error", "ignored"


@dataclass
class CommandContext:
    env: Runtime
    msg: InboundMessage
    dispatcher: "Dispatcher"
    command: Command | None = None
    args: parsing.Args = field(default_factory=parsing.Args)
    actor: Staff | None = None
    # The ticket a command created (set by its handler): pictures sent with it are kept there.
    subject: int | None = None
    # The change or sensitive request (R5, M3) a picture sent with the command is the scan of.
    scan_for: str = ""
    # Filled in on the way out.
    answer: Answer | None = None
    outcome: str = OK
    detail: str = ""
    ref: str = ""
    error: BaseException | None = None  # an unexpected one, reported by replies.answer

    @property
    def me(self) -> Staff:
        assert self.actor is not None  # the actor middleware runs before every handler
        return self.actor


Next = Callable[[CommandContext], Awaitable[None]]
Middleware = Callable[[CommandContext, Next], Awaitable[None]]


class Dispatcher:
    def __init__(self, env: Runtime, routers: Iterable[Router], *, outer: Iterable[Middleware] = (),
                 inner: Iterable[Middleware] = ()) -> None:
        self.env = env
        self.outer = list(outer)
        self.inner = [actor_middleware, permission_middleware, *inner]
        self.commands: list[Command] = []
        self._by_name: dict[str, Command] = {}
        self._by_action: dict[str, Command] = {}
        for router in routers:
            for cmd in router.commands:
                self.commands.append(cmd)
                for key in (cmd.name, *cmd.aliases):
                    if key.lower() in self._by_name:
                        raise ValueError(f"command name {key} registered twice")
                    self._by_name[key.lower()] = cmd
                for action in cmd.actions:
                    self._by_action[action] = cmd

    def find(self, name: str) -> Command | None:
        return self._by_name.get(name.lower())

    def suggest(self, name: str) -> list[str]:
        names = list(self._by_name)
        close = difflib.get_close_matches(name.lower(), names, n=3, cutoff=0.4)
        # Map aliases back to their Chinese names, keeping order and dropping repeats.
        out: list[str] = []
        for n in close:
            cn = self._by_name[n].name
            if cn not in out:
                out.append(cn)
        if not out:  # Chinese names of two characters rarely pass the ratio; try containment
            out = [c.name for c in self.commands if name and (name in c.name or c.name in name)][:3]
        return out

    async def handle(self, msg: InboundMessage) -> CommandContext:
        ctx = CommandContext(env=self.env, msg=msg, dispatcher=self)
        chain: Next = self._route
        for mw in reversed(self.outer):
            chain = _bind(mw, chain)
        try:
            await chain(ctx)
        except UserError as exc:
            ctx.outcome, ctx.answer = REFUSED, Answer(self._user_error_text(ctx, exc))
        except Exception as exc:  # noqa: BLE001 - the one place unexpected errors are answered
            # The reference is the request's: the user, the admins and the log share it.
            ctx.ref, ctx.error = failures.current_ref(), exc
            ctx.outcome, ctx.detail = ERROR, failures.describe(exc)
            ctx.answer = Answer(texts.INTERNAL_ERROR.format(text=msg.text[:40], ref=ctx.ref))
        return ctx

    def _user_error_text(self, ctx: CommandContext, exc: UserError) -> str:
        text = str(exc)
        if isinstance(exc, UsageError) and ctx.command is not None:
            usage = texts.USAGE.format(usage=ctx.command.usage, example=ctx.command.example)
            text = f"{text}\n{usage}" if text else usage
        ctx.detail = text
        return text

    async def _route(self, ctx: CommandContext) -> None:
        msg = ctx.msg
        if msg.action is not None:
            verb, _, obj = msg.action.key.partition(":")
            cmd = self._by_action.get(verb)
            if cmd is None:
                raise UserError(texts.UNKNOWN_ACTION)
            parsed = parsing.parse_line(f"/{cmd.name} {obj}")
            assert parsed is not None  # a line starting with "/" always parses
            ctx.command, ctx.args = cmd, parsed.args
        else:
            parsed = parsing.parse_line(msg.text)
            if parsed is None:
                if parsing.fold(msg.text).startswith("/"):
                    raise UserError(texts.SLASH_ALONE)
                ctx.outcome = IGNORED
                return
            cmd = self.find(parsed.name)
            if cmd is None:
                raise UserError(self._unknown_text(parsed, msg.chat_type))
            ctx.command, ctx.args = cmd, parsed.args
        chain: Next = _call_handler
        for mw in reversed(self.inner):
            chain = _bind(mw, chain)
        await chain(ctx)

    def _unknown_text(self, parsed: parsing.Parsed, chat_type: str) -> str:
        if not parsed.slashed:
            return texts.NOT_A_COMMAND if chat_type == PRIVATE else texts.NOT_A_COMMAND_GROUP
        lines = [texts.UNKNOWN_COMMAND.format(name=parsed.name)]
        close = self.suggest(parsed.name)
        lines.append(texts.DID_YOU_MEAN.format(names="、".join(f"/{n}" for n in close))
                     if close else texts.SEE_HELP)
        return "\n".join(lines)


def _bind(mw: Middleware, nxt: Next) -> Next:
    async def call(ctx: CommandContext) -> None:
        await mw(ctx, nxt)
    return call


async def _call_handler(ctx: CommandContext) -> None:
    assert ctx.command is not None
    # A savepoint: a refused or failed command leaves no trace but its answer and audit row.
    async with in_transaction():
        # Inside the savepoint: the people lookups read the same snapshot the handler writes to.
        values = await declared.bind(ctx, ctx.command.params, unordered=ctx.command.unordered)
        result = await ctx.command.handler(ctx, **values)
    ctx.answer = result if isinstance(result, Answer) else Answer(str(result))
    ctx.outcome = OK


async def find_actor(msg: InboundMessage) -> Staff | None:
    staff = await Staff.filter(userid=msg.sender_id, active=True).first()
    if staff is None and msg.sender_id:
        staff = await Staff.filter(dingtalk_id=msg.sender_id, active=True).first()
    return staff


async def actor_middleware(ctx: CommandContext, nxt: Next) -> None:
    # Every command asks who its sender is: cached per process (storage.cache says how it is
    # invalidated). Unknown senders are cached too, so a stranger's flood costs no queries.
    ctx.actor = await lookup_cache(ctx.env.memo).get(
        ("actor", ctx.msg.sender_id), lambda: find_actor(ctx.msg))
    if ctx.actor is None:
        raise Forbidden(texts.UNKNOWN_SENDER.format(userid=ctx.msg.sender_id))
    await nxt(ctx)


def role_names(roles: Iterable[str]) -> str:
    names = [texts.ROLE_NAMES.get(r, r) for r in roles]
    return "、".join(names) if names else texts.NO_ROLE


async def permission_middleware(ctx: CommandContext, nxt: Next) -> None:
    cmd, actor = ctx.command, ctx.me
    assert cmd is not None
    if cmd.roles is not None and not actor.has_role(*cmd.roles):
        raise Forbidden(texts.NEEDS_ROLE.format(
            name=cmd.name, roles=role_names(sorted(cmd.roles)), mine=role_names(sorted(actor.role_set))))
    if cmd.where == PRIVATE_ONLY and ctx.msg.chat_type != PRIVATE:
        raise Forbidden(texts.ONLY_PRIVATE.format(name=cmd.name))
    if cmd.where == GROUP_ONLY and ctx.msg.chat_type != GROUP:
        raise Forbidden(texts.ONLY_GROUP.format(name=cmd.name))
    await nxt(ctx)
