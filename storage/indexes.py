"""A partial index: only the rows a condition holds for, e.g. the open ones of a table that
mostly holds closed history. Both SQLite and PostgreSQL use it for a query whose WHERE contains
the same condition (or, for `col IS NOT NULL`, any comparison on `col`)."""
from __future__ import annotations

from typing import Any

from tortoise.indexes import Index


class WhereIndex(Index):
    def __init__(self, *, fields: tuple[str, ...] | list[str], name: str, where: str) -> None:
        super().__init__(fields=fields, name=name)
        self.where = where
        self.extra = f" WHERE {where}"

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        path, args, kwargs = super().deconstruct()
        kwargs["where"] = self.where
        return path, args, kwargs
