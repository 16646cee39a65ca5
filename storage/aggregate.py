"""Aggregate SQL for the reports, written once for SQLite and PostgreSQL.

The reports count and sum over a month of a large history; the ORM would either load the rows or
need one query per figure. A `Sql` collects the parameters of one statement and writes each
dialect's placeholder, so a report can say `CASE WHEN ... THEN 1 ELSE 0 END` sums over an indexed
range in one round trip. Only values travel as parameters; table and column names are the
callers' constants. Booleans are tested bare (`WHEN valid`), which both dialects read the same.

Datetimes are bound as UTC: SQLite compares the ISO text Tortoise stores.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from storage.db import connection


class Sql:
    def __init__(self) -> None:
        # The task's transaction when inside one (Tortoise keeps it in a context variable).
        self.db = connection()
        self.pg = self.db.capabilities.dialect == "postgres"
        self.params: list[Any] = []

    def p(self, value: Any) -> str:
        """The placeholder of one more parameter."""
        if isinstance(value, datetime):
            if value.tzinfo is None:
                raise ValueError("report queries need aware datetimes")
            value = value.astimezone(timezone.utc)
        self.params.append(value)
        return f"${len(self.params)}" if self.pg else "?"

    def between(self, column: str, start: datetime, end: datetime) -> str:
        """`column` in [start, end): the form an index on the column serves."""
        return f"{column} >= {self.p(start)} AND {column} < {self.p(end)}"

    def unindexed(self, column: str) -> str:
        """`column` as a filter the index on it must not serve. SQLite's planner, without
        statistics of the values, may prefer a range over a date column that holds the whole
        history (`due_at <= now`) to the selective condition beside it; a unary + is SQLite's
        way to take the column's index out of the choice. PostgreSQL's planner knows better."""
        return column if self.pg else f"+{column}"

    async def rows(self, sql: str) -> list[dict[str, Any]]:
        return await self.db.execute_query_dict(sql, self.params)

    async def one(self, sql: str) -> dict[str, Any]:
        rows = await self.rows(sql)
        return rows[0] if rows else {}


def count_if(condition: str) -> str:
    return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"


def n(value: Any) -> int:
    """A SUM over no rows is NULL; PostgreSQL's SUM of integers is a Decimal."""
    return int(value or 0)
