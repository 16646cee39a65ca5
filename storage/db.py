"""Database wiring: the Tortoise config for a URL, start and stop, and the migration entry point."""
from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from tortoise import Tortoise, connections
from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient
from tortoise.backends.base.config_generator import expand_db_url

MODELS = ["storage.models"]
MIGRATIONS = "storage.migrations"


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite:")


def connection_name(url: str) -> str:
    """The connection is named after its dialect: Tortoise caches each model's SQL per connection
    name, so one process that opens SQLite and later PostgreSQL (the tests) must not reuse one."""
    return dialect(url)


def connection() -> BaseDBAsyncClient:
    """The one open database connection."""
    (client,) = connections.all()
    return client


def current_transaction() -> BaseDBAsyncClient | None:
    """The transaction this task is inside, if any (Tortoise keeps it in a context variable)."""
    client = connection()
    return client if isinstance(client, TransactionalDBClient) else None


def tortoise_config(url: str) -> dict[str, Any]:
    conn: dict[str, Any] = expand_db_url(url)
    name = connection_name(url)
    if is_sqlite(url):
        path = conn["credentials"]["file_path"]
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # WAL with synchronous=NORMAL survives a killed process; only power loss can cost the
        # last commits, and that trade buys the inbound path its throughput.
        conn["credentials"].setdefault("synchronous", "NORMAL")
        conn["credentials"].setdefault("busy_timeout", 5000)
    else:
        # Tortoise's default of 5 lets the inbound workers' transactions (bot/pipeline.py) take
        # every connection, and acknowledgements then queue behind them. A URL's ?maxsize= wins.
        conn["credentials"].setdefault("maxsize", 16)
    return {
        "connections": {name: conn},
        "apps": {"models": {"models": MODELS, "default_connection": name,
                            "migrations": MIGRATIONS}},
        "use_tz": True,
        "timezone": "UTC",
    }


async def open_db(url: str) -> None:
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)


async def close_db() -> None:
    await Tortoise.close_connections()


async def migrate(url: str) -> None:
    from tortoise.migrations.api import migrate as run_migrations

    await run_migrations(config=tortoise_config(url))
    await Tortoise.close_connections()


def dialect(url: str) -> str:
    return "sqlite" if is_sqlite(url) else urlparse(url).scheme
