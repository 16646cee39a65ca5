"""The databases a bench runs on: always its own, made for the run and removed after it.

A bench on SQLite gets a file in a temporary directory. A bench on PostgreSQL creates a database
named `deskbot_bench_<purpose>_<pid>` on the server of $DESKBOT_BENCH_PG_URL (default
postgres://postgres@127.0.0.1:5432/postgres; only its server and credentials are used, never its
database) and drops it at the end. CREATE DATABASE fails on a name that exists, so a bench never
adopts, empties or drops a database it did not create.
"""
from __future__ import annotations

import asyncio
import os
import re
import sqlite3
import tempfile
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Awaitable, Callable
from urllib.parse import urlparse, urlunparse

PG_SERVER = os.environ.get("DESKBOT_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def _with_database(url: str, name: str) -> str:
    return urlunparse(urlparse(url)._replace(path=f"/{name}", query=""))


async def _admin(url: str = PG_SERVER):
    """A connection to the server's maintenance database, or None when nothing answers."""
    import asyncpg

    u = urlparse(url)
    try:
        return await asyncpg.connect(host=u.hostname or "127.0.0.1", port=u.port or 5432,
                                     user=u.username or "postgres", password=u.password,
                                     database="postgres", timeout=3)
    except (OSError, asyncio.TimeoutError, asyncpg.PostgresError):
        return None


async def pg_server_version() -> str | None:
    admin = await _admin()
    if admin is None:
        return None
    try:
        return await admin.fetchval("SHOW server_version")
    finally:
        await admin.close()


@asynccontextmanager
async def pg_database(purpose: str) -> AsyncIterator[str | None]:
    """The URL of a new, empty PostgreSQL database for this run (None if no server answers);
    dropped on exit, connections still open to it included."""
    name = f"deskbot_bench_{purpose}_{os.getpid()}"
    admin = await _admin()
    if admin is None:
        yield None
        return
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield _with_database(PG_SERVER, name)
    finally:
        admin = await _admin()
        if admin is not None:
            try:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            finally:
                await admin.close()


@asynccontextmanager
async def sqlite_database(purpose: str) -> AsyncIterator[str]:
    with tempfile.TemporaryDirectory(prefix=f"deskbot-bench-{purpose}-") as tmp:
        yield f"sqlite://{tmp}/{purpose}.sqlite3"


async def create_schema(url: str) -> None:
    """The models' tables in a database this run has just created (nothing to drop first)."""
    from tortoise import Tortoise

    from storage.db import tortoise_config

    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    await Tortoise.generate_schemas(safe=False)


async def on_each_database(which: str, purpose: str,
                           run: Callable[[str, str], Awaitable[dict[str, Any]]],
                           report: Callable[[str, dict[str, Any]], None]) -> int:
    """Run a kill bench on SQLite and/or PostgreSQL (`which`: sqlite, postgres or both), each in a
    database of its own; returns how many messages were lost, duplicated or never acknowledged."""
    bad = 0

    def tally(r: dict[str, Any]) -> int:
        return r["lost"] + r["duplicated"] + r["sent"] - r["acked"]

    if which in ("sqlite", "both"):
        async with sqlite_database(purpose) as url:
            r = await run("SQLite", url)
        report("SQLite (WAL)", r)
        bad += tally(r)
    if which in ("postgres", "both"):
        version = await pg_server_version()
        if version is None:
            print(f"[PostgreSQL] skipped: nothing answers at {PG_SERVER}")
        else:
            async with pg_database(purpose) as url:
                assert url is not None
                r = await run("PostgreSQL", url)
            report(f"PostgreSQL {version.split()[0]}", r)
            bad += tally(r)
    return bad


async def tickets_by_mark(url: str, mark: re.Pattern[str]) -> dict[int, list[int]]:
    """The tickets a kill bench made, by the message number its `mark` finds in the description:
    more than one ticket for a number is a duplicate, none a loss. Read without the bot's ORM,
    read-only on SQLite, while nothing else is running."""
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite://")

        def read() -> list[tuple[int, str]]:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10) as conn:
                return conn.execute("SELECT id, description FROM ticket").fetchall()
        rows = await asyncio.to_thread(read)
    else:
        import asyncpg

        conn = await asyncpg.connect(url)
        try:
            rows = [tuple(r) for r in await conn.fetch("SELECT id, description FROM ticket")]
        finally:
            await conn.close()
    out: dict[int, list[int]] = {}
    for ticket_id, description in rows:
        m = mark.search(description)
        if m:
            out.setdefault(int(m.group(1)), []).append(ticket_id)
    return out
