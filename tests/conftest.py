"""Shared fixtures: a real database per test (SQLite, and PostgreSQL where reachable), a fake clock,
settings pointing every platform at loopback, and the service environment.

Every test that takes `db` runs twice: once on a fresh SQLite file, once on the machine's
PostgreSQL. Where no PostgreSQL answers, those runs skip and say so, unless DESKBOT_REQUIRE_PG is
set (CI sets it), in which case they fail.
"""
from __future__ import annotations

import os
import socket
from datetime import datetime, timezone

import pytest
from tortoise import Tortoise

from bot.calendar import WorkCalendar
from bot.clock import FakeClock
from bot.runtime import Runtime
from bot.settings import load_settings
from storage import search_index
from storage.db import connection, tortoise_config

PG_URL = os.environ.get("DESKBOT_TEST_PG_URL", "postgres://postgres@127.0.0.1:5432/test")
REQUIRE_PG = os.environ.get("DESKBOT_REQUIRE_PG", "") not in ("", "0")


def _pg_reachable() -> bool:
    from urllib.parse import urlparse

    u = urlparse(PG_URL)
    try:
        with socket.create_connection((u.hostname or "127.0.0.1", u.port or 5432), timeout=1):
            return True
    except OSError:
        return False


PG_UP = _pg_reachable()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite://{tmp_path}/deskbot.sqlite3"
    if not PG_UP:
        if REQUIRE_PG:
            pytest.fail(f"DESKBOT_REQUIRE_PG is set but PostgreSQL at {PG_URL} is unreachable")
        pytest.skip(f"no PostgreSQL reachable at {PG_URL}")
    return PG_URL


async def reset_schema(url: str) -> None:
    """Fresh tables for one test: recreate PostgreSQL's public schema; SQLite files are new."""
    # Tortoise's public init and close; SQLite and PostgreSQL connections have different names
    # (storage.db.connection_name), so neither reuses SQL Tortoise cached for the other.
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    if not url.startswith("sqlite"):
        await connection().execute_script("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    await Tortoise.generate_schemas(safe=False)
    await search_index.install(connection())


@pytest.fixture
async def db(db_url):
    await reset_schema(db_url)
    yield db_url
    await Tortoise.close_connections()  # also clears the global context for the next test


@pytest.fixture
def clock() -> FakeClock:
    # Monday 2026-11-23 09:00 in Beijing.
    return FakeClock(datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc))


@pytest.fixture
def settings(db_url):
    return load_settings(None, database__url=db_url, simulator__enabled=True)


@pytest.fixture
def calendar(settings) -> WorkCalendar:
    return WorkCalendar.from_settings(settings)


@pytest.fixture
def env(settings, clock, calendar) -> Runtime:
    return Runtime(settings=settings, clock=clock, calendar=calendar)


@pytest.fixture
async def demo(db):
    """The demo staff, customers and local chats that `make run` loads."""
    from bot.cli import DEMO_CHATS, DEMO_DIR
    from bot.services.directory import imports
    from storage.models import Chat

    await imports.import_staff(DEMO_DIR / "staff.csv")
    await imports.import_customers(DEMO_DIR / "customers.csv")
    for purpose, name in DEMO_CHATS:
        await Chat.create(platform="local", chat_key=purpose, purpose=purpose, name=name)
    return db


@pytest.fixture
async def chat(demo, env):
    """Say things to the bot as a demo person: `await chat.say("zhangwei", "/帮助")`."""
    from tests.harness import ChatHarness

    async with ChatHarness(env) as harness:
        yield harness
