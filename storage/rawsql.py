"""Helpers for the few statements written by hand (claims, the knowledge ranking, the relay's
rate window): placeholders in either dialect, and the datetimes that come back."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient


class Params:
    """Collects a statement's values and writes each one's placeholder where it is called:
    `?` on SQLite, `$n` (with an optional cast such as "::float8") on PostgreSQL."""

    def __init__(self, conn: BaseDBAsyncClient) -> None:
        self.sqlite = conn.capabilities.dialect == "sqlite"
        self.values: list[Any] = []

    def __call__(self, value: Any, cast: str = "") -> str:
        self.values.append(value)
        return "?" if self.sqlite else f"${len(self.values)}{cast}"


def read_datetime(value: Any) -> datetime:
    """A datetime column as a raw statement returns it (SQLite keeps ISO text), in UTC."""
    at = datetime.fromisoformat(value) if isinstance(value, str) else value
    return at.astimezone(timezone.utc)
