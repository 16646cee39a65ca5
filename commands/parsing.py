"""Turns what a person typed into a command name and arguments.

People type on phones with Chinese input methods, so full-width spaces, slashes, equals signs,
colons and quotes are all accepted and folded to their ASCII forms before anything else.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import overload

from bot.errors import UsageError
from commands import texts

_FOLD = str.maketrans({"／": "/", "＝": "=", "：": ":", "　": " ", "＃": "#", "＠": "@",
                       "\u00a0": " "})
_QUOTES = {'"': '"', "“": "”", "「": "」", "‘": "’", "'": "'"}
# An option key is a word (Latin or Chinese), never a number: "14:00" is a time, not an option.
_OPTION = re.compile(r"^([A-Za-z_\u4e00-\u9fff][\w\u4e00-\u9fff]*)([=:])(.*)$", re.S)
_OBJECT = re.compile(r"^#?([A-Za-z])(\d+)$")


@dataclass
class Token:
    text: str
    start: int  # offset in the folded line, so the rest of a line keeps its own spacing
    quoted: bool = False


@dataclass
class Args:
    line: str = ""
    positionals: list[Token] = field(default_factory=list)
    options: dict[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.positionals)

    @overload
    def get(self, index: int) -> str | None: ...
    @overload
    def get(self, index: int, default: str) -> str: ...

    def get(self, index: int, default: str | None = None) -> str | None:
        return self.positionals[index].text if index < len(self.positionals) else default

    def rest(self, start: int) -> str:
        """The positionals from `start` on, joined by single spaces (quotes removed), or ""."""
        return " ".join(t.text for t in self.positionals[start:])

    def text_and_flag(self, start: int, flags: tuple[str, ...]) -> tuple[str, bool]:
        """The words from positional `start` joined by spaces, and whether the last of them is
        one of `flags` (lower case), which is then left out: "… 入库", "… 升级", "… 处理中"."""
        words = [t.text for t in self.positionals[start:]]
        flagged = bool(words) and words[-1].lower() in flags
        return " ".join(words[:-1] if flagged else words), flagged

    @overload
    def opt(self, *names: str) -> str | None: ...
    @overload
    def opt(self, *names: str, default: str) -> str: ...

    def opt(self, *names: str, default: str | None = None) -> str | None:
        for name in names:
            if name.lower() in self.options:
                return self.options[name.lower()]
        return default


@dataclass
class Parsed:
    name: str  # as typed, without the slash
    args: Args
    slashed: bool


def fold(text: str) -> str:
    return text.translate(_FOLD).strip()


def tokenize(line: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(line)
    while i < n:
        if line[i].isspace():
            i += 1
            continue
        start = i
        buf = []
        quoted = False  # pragma: no mutate (None is as false as False)
        while i < n and not line[i].isspace():
            ch = line[i]
            if ch in _QUOTES:
                close = _QUOTES[ch]
                end = line.find(close, i + 1)
                if end == -1:
                    raise UsageError(texts.UNCLOSED_QUOTE)
                buf.append(line[i + 1:end])
                # Only a token that opens with a quote is literal; key="a b" stays an option.
                quoted = quoted or i == start
                i = end + 1
                continue
            buf.append(ch)
            i += 1
        tokens.append(Token("".join(buf), start, quoted))
    return tokens


def parse_line(text: str) -> Parsed | None:
    """None when the text is empty; otherwise the first word is the command name."""
    line = fold(text)
    if not line:
        return None
    slashed = line.startswith("/")
    if slashed:
        line = line[1:].lstrip()
    tokens = tokenize(line)
    if not tokens:
        return None
    name, *rest = tokens
    args = Args(line=line)
    for tok in rest:
        m = None if tok.quoted else _OPTION.match(tok.text)
        if m and m.group(3) and not _is_time(m):
            args.options[m.group(1).lower()] = m.group(3)
        else:
            args.positionals.append(tok)
    return Parsed(name=name.text, args=args, slashed=slashed)


def _is_time(m: re.Match[str]) -> bool:
    """"明天14:00" is a time, not the option 明天14 = 00."""
    return m.group(2) == ":" and m.group(1)[-1].isdigit() and m.group(3)[:1].isdigit()


# Object numbers are the rows' integer keys: PostgreSQL's `integer`, so T99999999999999999999
# is refused here with a usage answer instead of overflowing in the database.
INT_MAX = 2**31 - 1


def object_ref(token: str | None, letters: str) -> tuple[str, int]:
    """'T12', 't12', '#T12' -> ('T', 12) when T is among `letters`; a bare number takes the
    first letter."""
    if token is None:
        raise UsageError(texts.MISSING_OBJECT.format(what=texts.OBJECT_NAMES[letters[0]],
                                                     letter=letters[0]))
    token = token.strip()
    shown = "、".join(letters.upper())
    if token.isdecimal():
        letter, digits = letters[0].upper(), token
    else:
        m = _OBJECT.match(token)
        if not m or m.group(1).upper() not in letters.upper():
            raise UsageError(texts.BAD_OBJECT.format(token=token, letters=shown,
                                                      letter=letters[0].upper()))
        letter, digits = m.group(1).upper(), m.group(2)
    if len(digits) > 10 or not 1 <= int(digits) <= INT_MAX:
        raise UsageError(texts.OBJECT_RANGE.format(token=token, letter=letter, max=INT_MAX))
    return letter, int(digits)


def object_number(token: str | None, letter: str) -> int:
    """'T12', 't12', '#T12' -> 12 for letter 'T'; a bare number is accepted too."""
    return object_ref(token, letter)[1]
