"""What every rule table shares: the model base, the error that names a key below the one being
validated, and the value types of deskbot.toml (durations, times of day, counts, word lists).

Each type's validator raises ValueError with the Chinese problem; bot/settings.py puts the
dotted key in front of it, so every table reports through the one ConfigError path.
"""
from __future__ import annotations

import re
from datetime import time, timedelta
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, PrivateAttr, model_validator
from pydantic_settings import NoDecode

from bot.durations import Duration
from bot.rules import texts

M = TypeVar("M", bound=BaseModel)
# "8:30" and "08:30"; hours 0-23, minutes 00-59.
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class RuleError(ValueError):
    """A problem found by a model validator that belongs to a key below the model, e.g. the
    second escalation of a clock: `loc` is that key's path relative to the model."""

    def __init__(self, problem: str, *loc: str | int) -> None:
        super().__init__(problem)
        self.loc = loc


class RuleModel(BaseModel):
    # Frozen: one settings object is shared by every request and job.
    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        # pydantic's own extra_forbidden does not say which keys are allowed; this does, in the
        # order the model declares them. The first unknown key (sorted) is named.
        if isinstance(data, dict) and cls.model_config.get("extra") == "forbid":
            unknown = sorted(set(data) - set(cls.model_fields))
            if unknown:
                raise RuleError(texts.UNKNOWN_KEY.format(keys="、".join(cls.model_fields)),
                                unknown[0])
        return data


class NamedTable(RuleModel):
    """A table that knows the key it stands under (a penalty rule, a shift): the name is not a
    key of its own in the file, so its container gives it after validation."""

    _name: str = PrivateAttr("")

    @property
    def name(self) -> str:
        return self._name


class DefaultedTables(RuleModel):
    """A table of named tables, each laid over its default in DEFAULTS key by key."""

    DEFAULTS: ClassVar[dict[str, dict[str, Any]]] = {}

    @model_validator(mode="before")
    @classmethod
    def _over_defaults(cls, data: Any) -> Any:
        return cls.prepared(merged_defaults(data, cls.DEFAULTS))

    @classmethod
    def prepared(cls, data: Any) -> Any:
        """The merged input, before validation; subclasses fill what defaults depend on."""
        return data


def defaults(model: type[M]) -> M:
    """The table as if the file left it out: its fields that are named tables (each clock, each
    penalty rule, the shifts) are filled by its validators, which calling the class skips past
    for a type checker."""
    return model.model_validate({})


def settle(model: BaseModel, name: str, value: Any) -> None:
    """Set a field from the model's own after-validator: the model is still being built, and
    returning a copy instead is not supported when it is built by calling the class."""
    object.__setattr__(model, name, value)


def merged_defaults(data: Any, defaults: dict[str, dict[str, Any]]) -> Any:
    """Each named table of `data` laid over its default, key by key (lists replace)."""
    if not isinstance(data, dict):
        return data
    out = dict(data)
    for name, default in defaults.items():
        over = out.get(name, {})
        out[name] = {**default, **over} if isinstance(over, dict) else over
    return out


def _wall(value: Any) -> timedelta:
    return Duration.parse(value).wall


def _clock_time(value: Any) -> time:
    if isinstance(value, time):
        return value
    m = _HHMM.match(value) if isinstance(value, str) else None
    if not m:
        raise ValueError(texts.CLOCK_TIME)
    return time(int(m.group(1)), int(m.group(2)))


def _flag(value: Any) -> bool:
    # TOML's 1 and "yes" are not booleans; pydantic's lax mode would take them.
    if not isinstance(value, bool):
        raise ValueError(texts.BOOL)
    return value


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(texts.COUNT)
    return value


def _fraction(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ValueError(texts.FRACTION)
    return float(value)


def _words(value: Any) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v for v in value):
        raise ValueError(texts.WORDS)
    return tuple(value)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(texts.TEXT)
    return value


def _label(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(texts.TEXT_NONEMPTY)
    return value


# A duration as written ("15m", "1wd", "4wh"), parsed once into bot.durations.Duration
# (which carries its own pydantic schema). NoDecode: from the environment
# (DESKBOT_CLOCKS__TICKET_CLAIM__TARGET=10m) it is text, not JSON.
Dur = Annotated[Duration, NoDecode]
# A fixed length of time ("90d"); working units are refused. A timedelta.
Wall = Annotated[timedelta, BeforeValidator(_wall)]
ClockTime = Annotated[time, BeforeValidator(_clock_time)]
Flag = Annotated[bool, BeforeValidator(_flag)]
Count = Annotated[int, BeforeValidator(_count)]
Fraction = Annotated[float, BeforeValidator(_fraction)]
Words = Annotated[tuple[str, ...], BeforeValidator(_words)]
Text = Annotated[str, BeforeValidator(_text)]
Label = Annotated[str, BeforeValidator(_label)]
