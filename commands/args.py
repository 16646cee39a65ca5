"""Command arguments declared on the decorator, as errbot's `arg_botcmd` does.

A command lists its arguments once; from that one list come the usage line, the arity error that
names the missing argument, the type and range errors, the people lookups and the typed keyword
arguments the handler receives. An argument is positional unless it has option keys
(`客户=`/`customer=`). Every refusal is a UsageError: a Chinese answer with the usage line, raised
before the handler runs, so nothing changes.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Callable, Sequence

from tortoise.fields import CharField

from bot.errors import UsageError
from bot.services.directory.lookup import find_staff
from bot.services.reports import daily, kpi
from bot.services.roster.assignments import today
from bot.services.roster.config import parse_day
from commands import texts
from commands.parsing import INT_MAX, Args, Token, object_ref
from commands.timeparse import parse_when
from storage.models import Staff

if TYPE_CHECKING:
    from tortoise.models import Model

    from bot.dispatcher import CommandContext

# Free text kept in a TextField has no column limit; a chat message longer than this is a paste
# gone wrong, and the platforms cut their own messages near 2,000 characters anyway.
TEXT_LIMIT = 2000
# Months before this are before the center kept records; a typo like 0202-11 is refused.
FIRST_YEAR = 2000

Parse = Callable[["CommandContext", str], Any]


def column_limit(model: "type[Model]", field: str) -> int:
    """The column's max_length, so a text is refused before the database refuses it."""
    column = model._meta.fields_map[field]
    if not isinstance(column, CharField):
        raise TypeError(f"{model.__name__}.{field} has no max_length")
    return column.max_length


class Arg:
    """One argument: a single word, or an option when `keys` are given."""

    def __init__(self, name: str, label: str, *, keys: Sequence[str] = (), required: bool = True,
                 default: Any = None, missing: str = "", hint: str = "",
                 max_len: int | None = None, parse: Parse | None = None,
                 matches: Callable[[str], bool] | None = None, or_rest: bool = False,
                 lenient: bool = False) -> None:
        self.name, self.label, self.keys = name, label, tuple(keys)
        # An option that may also be written as the rest of the line (时间=明天14:00 or 明天14:00).
        self.or_rest = or_rest
        # Required in the usage line, but an absent value reaches the service, whose own refusal
        # names it after its state checks (/投诉归档 on an archived complaint says so first).
        self.lenient = lenient
        self.required, self.default, self.missing, self.hint = required, default, missing, hint
        self.max_len, self._parse, self._matches = max_len, parse, matches

    def matches(self, token: str) -> bool:
        """Whether an optional positional takes this word; if not, the word goes to the next."""
        return self._matches(token) if self._matches else True

    def consume(self, tokens: list[Token], i: int) -> tuple[Any, int]:
        return tokens[i].text, i + 1

    def is_empty(self, raw: Any) -> bool:
        return raw is None or raw == ""

    def from_options(self, args: Args) -> str | None:
        return args.opt(*self.keys)

    def check_length(self, text: str) -> None:
        limit = self.max_len or TEXT_LIMIT
        if len(text) > limit:
            raise UsageError(texts.ARG_TOO_LONG.format(label=self.label, limit=limit, n=len(text)))

    async def convert(self, ctx: "CommandContext", raw: Any) -> Any:
        self.check_length(raw)
        return self._parse(ctx, raw) if self._parse else raw

    def out(self, value: Any) -> dict[str, Any]:
        return {self.name: value}

    def refuse_missing(self) -> None:
        if self.required and not self.lenient:
            raise UsageError(self.missing_text())

    def missing_text(self) -> str:
        return self.missing or texts.ARG_MISSING.format(label=self.label)

    def usage(self) -> str:
        if self.keys:
            return f"{self.keys[0]}={self.hint or self.label}" if self.required else \
                f"{self.keys[0]}={self.hint}"
        return self.label if self.required else f"[{self.label}]"


class Obj(Arg):
    """An object number with its letter (T12, #t12, or a bare 12); `letters` may allow several,
    then the value is the normalised reference ("V8") instead of the number."""

    def __init__(self, name: str, letters: str, **kw: Any) -> None:
        what = "或".join(texts.OBJECT_NAMES[c] for c in letters)
        kw.setdefault("missing", texts.MISSING_OBJECT.format(what=what, letter=letters[0]))
        super().__init__(name, kw.pop("label", f"{'或'.join(letters)}编号"), **kw)
        self.letters = letters

    async def convert(self, ctx: "CommandContext", raw: Any) -> Any:
        letter, number = object_ref(raw, self.letters)
        return number if len(self.letters) == 1 else f"{letter}{number}"


class BareOption(Arg):
    """An option that may also be written as its bare key (带走数据 alone): then its value is ""
    and the service decides whether a value was needed; absent, it is None."""

    def from_options(self, args: Args) -> str | None:
        value = args.opt(*self.keys)
        if value is None and any(t.text == self.keys[0] for t in args.positionals):
            return ""
        return value

    def is_empty(self, raw: Any) -> bool:
        return raw is None


class Person(Arg):
    """A member of staff by name, platform id or @mention; a shared name gets a question back."""

    def __init__(self, name: str, label: str = "人员", **kw: Any) -> None:
        super().__init__(name, label, max_len=kw.pop("max_len", column_limit(Staff, "name")), **kw)

    async def convert(self, ctx: "CommandContext", raw: Any) -> Any:
        self.check_length(raw)
        return await find_staff(raw, ctx.msg.mentions)


class Rest(Arg):
    """The rest of the line. `flag=(name, words)`: a last word among `words` is taken off and
    passed as a boolean ("… 入库"); `drop`: bare words left out of the text (passed elsewhere)."""

    def __init__(self, name: str, label: str, *, flag: tuple[str, tuple[str, ...]] | None = None,
                 drop: tuple[str, ...] = (), **kw: Any) -> None:
        super().__init__(name, label, **kw)
        self.flag, self.drop = flag, drop

    def consume(self, tokens: list[Token], i: int) -> tuple[Any, int]:
        words = [t.text for t in tokens[i:] if t.text not in self.drop]
        flag_words = self.flag[1] if self.flag else ()
        flagged = bool(words) and words[-1].lower() in flag_words
        return (" ".join(words[:-1] if flagged else words), flagged), len(tokens)

    def is_empty(self, raw: Any) -> bool:
        return raw is None or raw[0] == ""

    async def convert(self, ctx: "CommandContext", raw: Any) -> Any:
        text, flagged = raw
        self.check_length(text)
        return (self._parse(ctx, text) if self._parse else text), flagged

    def out(self, value: Any) -> dict[str, Any]:
        text, flagged = value if isinstance(value, tuple) else (self.default, False)
        return {self.name: text, self.flag[0]: flagged} if self.flag else {self.name: text}

    def usage(self) -> str:
        own = self.label if self.required else f"[{self.label}]"
        return f"{own} [{self.flag[1][0]}]" if self.flag else own


class People(Rest):
    """Everyone named on the rest of the line; a lone word of `empty_words` means nobody."""

    def __init__(self, name: str, label: str = "人员…", *, empty_words: tuple[str, ...] = (),
                 **kw: Any) -> None:
        kw.setdefault("missing", texts.ARG_MISSING.format(label=label.rstrip("…")))
        super().__init__(name, label, **kw)
        self.empty_words = empty_words

    def consume(self, tokens: list[Token], i: int) -> tuple[Any, int]:
        return [t.text for t in tokens[i:]], len(tokens)

    def is_empty(self, raw: Any) -> bool:
        return not raw

    async def convert(self, ctx: "CommandContext", raw: Any) -> Any:
        if len(raw) == 1 and raw[0] in self.empty_words:
            return []
        return [await Person(self.name).convert(ctx, word) for word in raw]

    def out(self, value: Any) -> dict[str, Any]:
        return {self.name: value if value is not None else []}


class Choice(Arg):
    """One word out of a fixed set, mapped to its value (有效 -> True)."""

    def __init__(self, name: str, label: str, choices: dict[str, Any], *, invalid: str = "",
                 **kw: Any) -> None:
        kw.setdefault("missing", invalid)
        super().__init__(name, label, **kw)
        self.choices, self.invalid = {k.lower(): v for k, v in choices.items()}, invalid

    async def convert(self, ctx: "CommandContext", raw: Any) -> Any:
        key = raw.strip().lower()
        if key not in self.choices:
            if self.invalid:
                raise UsageError(self.invalid.format(token=raw))
            raise UsageError(texts.ARG_CHOICE.format(label=self.label, token=raw,
                                                     choices="、".join(self.choices)))
        return self.choices[key]


class Count(Arg):
    """A whole number within [lo, hi]; `words` name numbers too (警告 = 0)."""

    def __init__(self, name: str, label: str, *, lo: int = 0, hi: int = INT_MAX,
                 words: dict[str, int] | None = None, **kw: Any) -> None:
        super().__init__(name, label, **kw)
        self.lo, self.hi, self.words = lo, hi, {k.lower(): v for k, v in (words or {}).items()}

    def matches(self, token: str) -> bool:
        return token.isdigit() or token.lower() in self.words

    async def convert(self, ctx: "CommandContext", raw: Any) -> Any:
        token = raw.strip()
        if token.lower() in self.words:
            return self.words[token.lower()]
        # isdecimal: "²" is a digit to isdigit() but int() refuses it.
        if not token.isdecimal() or len(token) > 12 or not self.lo <= int(token) <= self.hi:
            raise UsageError(texts.ARG_BAD_NUMBER.format(label=self.label, token=token,
                                                         lo=self.lo, hi=self.hi))
        return int(token)


class DayRange(Arg):
    """Two dates, as one word ("12-01..12-31", "12-01至12-31") or as two; value (first, last)."""

    _RANGE = re.compile(r"^(.+?)(?:\.\.|至|~|～)(.+)$")

    def __init__(self, first: str, last: str, label: str = "开始日期 结束日期", **kw: Any) -> None:
        kw.setdefault("missing", texts.ARG_MISSING.format(label=label.replace(" ", "和")))
        super().__init__(first, label, **kw)
        self.last = last

    def consume(self, tokens: list[Token], i: int) -> tuple[Any, int]:
        m = self._RANGE.match(tokens[i].text)
        if m:
            return (m.group(1), m.group(2)), i + 1
        if i + 1 >= len(tokens):
            raise UsageError(self.missing_text())
        return (tokens[i].text, tokens[i + 1].text), i + 2

    async def convert(self, ctx: "CommandContext", raw: Any) -> Any:
        return tuple(_roster_day(ctx, word) for word in raw)

    def out(self, value: Any) -> dict[str, Any]:
        first, last = value if value else (None, None)
        return {self.name: first, self.last: last}


def _roster_day(ctx: "CommandContext", raw: str) -> Any:
    return parse_day(raw, today(ctx.env))


def _report_day(ctx: "CommandContext", raw: str) -> Any:
    return daily.parse_day(ctx.env, raw)


def _month(ctx: "CommandContext", raw: str) -> kpi.Month:
    month = kpi.parse_month(ctx.env, raw)
    if month.year < FIRST_YEAR:
        raise UsageError(texts.ARG_BAD_MONTH.format(token=raw, first=FIRST_YEAR))
    return month


_MONTH_WORD = re.compile(r"^(\d{1,4}[-/.年]\d{1,2}月?|\d{1,2}月)$")


def looks_like_month(token: str) -> bool:
    return bool(_MONTH_WORD.match(token.strip())) or token.strip() in (
        *kpi.texts.KPI_THIS_MONTH_WORDS, *kpi.texts.KPI_LAST_MONTH_WORDS)


def Day(name: str, label: str = "日期", **kw: Any) -> Arg:
    """A duty-roster date: 11-24, 2026-11-24, 11月24日, 今天, 明天 (the nearest such day)."""
    return Arg(name, label, parse=_roster_day, **kw)


def ReportDay(name: str, label: str = "日期", **kw: Any) -> Arg:
    """A past or present date for a report; empty is today."""
    return Arg(name, label, parse=_report_day, **kw)


def Month(name: str, label: str = "月份", **kw: Any) -> Arg:
    """2026-11, 2026年11月, 11月, 本月, 上月 -> kpi.Month; never a future month."""
    return Arg(name, label, parse=_month, **kw)


def _when(ctx: "CommandContext", raw: str) -> Any:
    return parse_when(ctx.env, raw)


def When(name: str, label: str = "时间", **kw: Any) -> Arg:
    """明天14:00, 11-24 9:30 … -> an aware datetime; positional, it is the rest of the line."""
    return Arg(name, label, parse=_when, **kw) if kw.get("keys") else \
        Rest(name, label, parse=_when, **kw)


async def bind(ctx: "CommandContext", params: Sequence[Arg], *, unordered: bool = False
               ) -> dict[str, Any]:
    """The handler's keyword arguments from what was typed; a UsageError on the first fault."""
    tokens = ctx.args.positionals
    values: dict[str, Any] = {}
    positional = [p for p in params if not p.keys]
    if unordered:
        await _bind_unordered(ctx, positional, tokens, values)
        i = len(tokens)
    else:
        i = await _bind_in_order(ctx, positional, tokens, values)
    for p in params:
        if p.keys:
            raw = p.from_options(ctx.args)
            if p.is_empty(raw) and p.or_rest and i < len(tokens):
                raw = " ".join(t.text for t in tokens[i:])
            if p.is_empty(raw):
                p.refuse_missing()
                values.update(p.out(p.default))
            else:
                values.update(p.out(await p.convert(ctx, raw)))
    return values


async def _bind_in_order(ctx: "CommandContext", params: list[Arg], tokens: list[Token],
                         values: dict[str, Any]) -> int:
    """Positionals in their declared order; returns the index of the first word left over."""
    i = 0
    for p in params:
        if i >= len(tokens) or (not p.required and not p.matches(tokens[i].text)):
            p.refuse_missing()
            values.update(p.out(p.default))
            continue
        raw, i = p.consume(tokens, i)
        if p.is_empty(raw):
            p.refuse_missing()
            values.update(p.out(p.default))
            continue
        values.update(p.out(await p.convert(ctx, raw)))
    return i


async def _bind_unordered(ctx: "CommandContext", params: list[Arg], tokens: list[Token],
                          values: dict[str, Any]) -> None:
    """Optional words in any order: each goes to the first free argument that takes it."""
    # Arguments that recognise their words (a month) are offered each word before catch-alls.
    free = sorted(params, key=lambda p: p._matches is None)
    for tok in tokens:
        p = next((p for p in free if p.matches(tok.text)), None)
        if p is None:
            raise UsageError(texts.ARG_EXTRA.format(token=tok.text))
        free.remove(p)
        values.update(p.out(await p.convert(ctx, tok.text)))
    for p in free:
        values.update(p.out(p.default))
