"""Record the SQL the bot runs, as the database client sees it.

Used by the tests that check query plans and statement counts, and by `bench/scale.py`, so both
follow the code instead of a hand-copied list of queries. Recording patches the client classes
for the duration of a `with` block; nothing is patched outside one.
"""
from __future__ import annotations

import contextlib
import contextvars
import functools
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from tortoise.backends.asyncpg.client import AsyncpgDBClient, TransactionWrapper as PgTransaction
from tortoise.backends.sqlite.client import SqliteClient, SqliteTransactionWrapper

# Methods that send one statement (or one batch) to the server.
_EXECUTES = ("execute_insert", "execute_many", "execute_query", "execute_query_dict",
             "execute_script")
# Transaction control: BEGIN / COMMIT / SAVEPOINT / RELEASE each cost a round trip too.
_CONTROL = {"begin": "BEGIN", "commit": "COMMIT", "rollback": "ROLLBACK",
            "savepoint": "SAVEPOINT", "release_savepoint": "RELEASE",
            "savepoint_rollback": "ROLLBACK TO"}
_CLASSES = (SqliteClient, SqliteTransactionWrapper, AsyncpgDBClient, PgTransaction)

# One outer call counts once: a client method that calls another is not two statements.
_depth: contextvars.ContextVar[int] = contextvars.ContextVar("sqlrec_depth", default=0)


@dataclass
class Statement:
    sql: str
    values: list[Any] | None
    dialect: str  # "sqlite" or "postgres"


@dataclass
class Recording:
    statements: list[Statement] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.statements)

    def clear(self) -> None:
        self.statements.clear()

    def queries(self) -> list[Statement]:
        """The statements that read or write rows (not transaction control)."""
        return [s for s in self.statements if s.sql.split(" ", 1)[0] not in _CONTROL_WORDS]


_CONTROL_WORDS = {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"}
_active: list[Recording] = []


def _dialect(client: Any) -> str:
    return "sqlite" if isinstance(client, SqliteClient) else "postgres"


def _wrap(fn: Callable[..., Any], label: str | None) -> Callable[..., Any]:
    @functools.wraps(fn)
    async def call(self: Any, *args: Any, **kw: Any) -> Any:
        outer = _depth.get() == 0
        if outer and _active:
            sql = label or (args[0] if args else kw.get("query", ""))
            values = None if label else (args[1] if len(args) > 1 else kw.get("values"))
            for rec in _active:
                rec.statements.append(Statement(sql, values, _dialect(self)))
        token = _depth.set(_depth.get() + 1)
        try:
            return await fn(self, *args, **kw)
        finally:
            _depth.reset(token)
    call.__sqlrec__ = fn  # type: ignore[attr-defined]
    return call


@contextlib.contextmanager
def record_sql() -> Iterator[Recording]:
    rec = Recording()
    patched: list[tuple[type, str, Any]] = []
    if not _active:
        for cls in _CLASSES:
            for name in (*_EXECUTES, *_CONTROL):
                if name in cls.__dict__:
                    original = cls.__dict__[name]
                    patched.append((cls, name, original))
                    setattr(cls, name, _wrap(original, _CONTROL.get(name)))
    _active.append(rec)
    try:
        yield rec
    finally:
        _active.remove(rec)
        for owner, attr, original in patched:
            setattr(owner, attr, original)
