"""The first rows of a list and how many there are, in one statement when the list is short.

Lists a person reads in chat (/我的, /队列) show a few rows and a count of the rest: loading a
whole backlog into model objects to show ten of them is what made them slow at scale.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

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


async def first_page(query: QuerySet[Any], size: int) -> Page[Any]:
    """`query` ordered as it should be shown; the count runs only when the page came back full."""
    items = list(await query.limit(size))
    total = len(items) if len(items) < size else await query.count()
    return Page(items, total)
