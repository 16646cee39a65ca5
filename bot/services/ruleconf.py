"""Checks every rule table of deskbot.toml repeats: [clocks], [roster], [penalties], [reports].

Each table raises its own ConfigError subclass under its own heading ("处罚配置错误：{key}：{problem}"),
so an operator sees which table is wrong; the checks themselves, and the problem texts they
share, live here once.
"""
from __future__ import annotations

import json
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable
from datetime import time, timedelta
from typing import Any, Generic, TypeVar

from bot.durations import Duration
from bot.errors import ConfigError
from bot.services import texts

T = TypeVar("T")
# "8:30" and "08:30"; hours 0-23, minutes 00-59.
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class Checks:
    """The checks of one table; `key` arguments are full dotted paths ("roster.shifts.早班.start")."""

    def __init__(self, error: type[ConfigError], heading: str) -> None:
        self.error = error
        self.heading = heading

    def fail(self, key: str, problem: str) -> ConfigError:
        return self.error(self.heading.format(key=key, problem=problem))

    def table(self, value: Any, key: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, texts.CONFIG_TABLE)
        return value

    def known_keys(self, raw: dict[str, Any], allowed: Iterable[str], key: str,
                   template: str = texts.CONFIG_UNKNOWN) -> None:
        """Refuse the first unknown key (sorted, so the message is stable); the message lists
        `allowed` in the order given."""
        allowed = list(allowed)
        unknown = sorted(set(raw) - set(allowed))
        if unknown:
            raise self.fail(f"{key}.{unknown[0]}", template.format(keys="、".join(allowed)))

    def duration(self, value: Any, key: str) -> Duration:
        try:
            return Duration.parse(value)
        except ValueError as exc:
            raise self.fail(key, str(exc)) from None

    def wall(self, value: Any, key: str) -> timedelta:
        """A fixed length of time: working units ("2wh") are refused here."""
        try:
            return Duration.parse(value).wall
        except ValueError as exc:
            raise self.fail(key, str(exc)) from None

    def hhmm(self, value: Any, key: str, problem: str) -> time:
        m = _HHMM.match(value) if isinstance(value, str) else None
        if not m:
            raise self.fail(key, problem)
        return time(int(m.group(1)), int(m.group(2)))

    def flag(self, value: Any, key: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(key, texts.CONFIG_BOOL)
        return value

    def count(self, value: Any, key: str) -> int:
        """A whole number, 0 or more (TOML's true is not one)."""
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(key, texts.CONFIG_COUNT)
        return value

    def words(self, value: Any, key: str, problem: str) -> tuple[str, ...]:
        """A list of non-empty strings (possibly an empty list)."""
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(key, problem)
        return tuple(value)


class ContentMemo(Generic[T]):
    """What `build` made of a settings table, keyed by the table's content.

    Parsing on every call would be wasted work, and keying by content means a test or a reload
    that changes the table is seen at once. The oldest entries go first past `size`.
    """

    def __init__(self, build: Callable[[Any], T], size: int = 16) -> None:
        self._build = build
        self._size = size
        self._hits: OrderedDict[str, T] = OrderedDict()

    def __call__(self, table: Any) -> T:
        key = json.dumps(table, sort_keys=True, ensure_ascii=False, default=str)
        hit = self._hits.get(key)
        if hit is None:
            hit = self._build(table)
            self._hits[key] = hit
            while len(self._hits) > self._size:
                self._hits.popitem(last=False)
        return hit
