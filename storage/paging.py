"""The first rows of a list and how many there are, in one statement when the list is short.

Lists a person reads in chat (/我的, /队列) show a few rows and a count of the rest: loading a
whole backlog into model objects to show ten of them is what made them slow at scale.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from tortoise.expressions import RawSQL
from tortoise.queryset import QuerySet

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    items: list[T] = field(default_factory=list)
    total: int = 0

    @property
    def rest(self) -> int:
        return self.total - len(self.items)

    def __bool__(self) -> bool:
        return self.total > 0


async def oldest_page(query: QuerySet[Any], size: int) -> Page[Any]:
    """first_page ordered by id, for one person's rows of a table that holds the history.

    Ordered by +id: with ORDER BY id … LIMIT, SQLite may walk the whole table by primary key
    hoping to meet the few matching rows early, while a person's open rows are at its far end;
    as an expression the id cannot be walked, so the WHERE's index finds the rows.
    """
    table = query.model._meta.db_table
    return await ids_first_page(
        query.annotate(id_order=RawSQL(f'+"{table}"."id"')).order_by("id_order"), size)


async def ids_first_page(query: QuerySet[Any], size: int) -> Page[Any]:
    """first_page choosing the page's ids first, then reading those rows with their joins.

    For a long list ordered by columns an index holds (with the id): the choice is sorted from
    the index alone, and only the rows shown are read, instead of every matching row being read
    and joined to be sorted."""
    ids = list(await query.limit(size).values_list("id", flat=True))
    items = list(await query.filter(id__in=ids)) if ids else []
    total = len(items) if len(items) < size else await query.count()
    return Page(items, total)


async def first_page(query: QuerySet[Any], size: int) -> Page[Any]:
    """`query` ordered as it should be shown; the count runs only when the page came back full."""
    items = list(await query.limit(size))
    total = len(items) if len(items) < size else await query.count()
    return Page(items, total)
