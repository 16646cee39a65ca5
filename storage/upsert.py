"""One-statement inserts that let a unique key decide: `INSERT … ON CONFLICT DO NOTHING`.

A SELECT before an INSERT costs a second round trip and still races a concurrent writer; the
database's own conflict handling answers both in one statement (SQLite 3.35+, PostgreSQL).
"""
from __future__ import annotations

from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from storage.db import connection


async def insert_unless_exists(model: type[Model], conflict: str | tuple[str, ...],
                               values: dict[str, Any],
                               conn: BaseDBAsyncClient | None = None) -> bool:
    """Insert one row; False when a row with the same `conflict` column value (or values of a
    unique set of columns) already exists."""
    db = conn or connection()
    meta = model._meta
    columns, params = [], []
    for name, value in values.items():
        field = meta.fields_map[name]
        columns.append(f'"{field.source_field or name}"')
        params.append(field.to_db_value(value, model))
    if db.capabilities.dialect == "sqlite":
        marks = ", ".join("?" for _ in params)
    else:
        marks = ", ".join(f"${i}" for i in range(1, len(params) + 1))
    names = (conflict,) if isinstance(conflict, str) else conflict
    on = ", ".join(f'"{meta.fields_map[n].source_field or n}"' for n in names)
    sql = (f'INSERT INTO "{meta.db_table}" ({", ".join(columns)}) VALUES ({marks}) '
           f'ON CONFLICT ({on}) DO NOTHING RETURNING "{meta.db_pk_column}"')
    # execute_query_dict, not execute_query: asyncpg's client drops an INSERT's RETURNING rows there.
    return bool(await db.execute_query_dict(sql, params))
