"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""
from tortoise import Tortoise

from storage.db import connection, migrate, tortoise_config


async def _columns(url: str) -> dict[str, set[str]]:
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    conn = connection()
    out: dict[str, set[str]] = {}
    if url.startswith("sqlite"):
        _, tables = await conn.execute_query(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
        for row in tables:
            _, cols = await conn.execute_query(f'PRAGMA table_info("{row["name"]}")')
            out[row["name"]] = {c["name"] for c in cols}
    else:
        _, rows = await conn.execute_query(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public'")
        for r in rows:
            out.setdefault(r["table_name"], set()).add(r["column_name"])
    await Tortoise.close_connections()
    out.pop("tortoise_migrations", None)
    return out


async def _fresh(url: str) -> None:
    if not url.startswith("sqlite"):
        await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
        await connection().execute_script(
            "DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        await Tortoise.close_connections()


async def test_migrations_match_the_models(db_url, tmp_path):
    migrated_url = db_url if not db_url.startswith("sqlite") else f"sqlite://{tmp_path}/m.sqlite3"
    await _fresh(migrated_url)
    await migrate(migrated_url)
    await migrate(migrated_url)  # a second run applies nothing and fails on nothing
    migrated = await _columns(migrated_url)

    modelled_url = db_url if not db_url.startswith("sqlite") else f"sqlite://{tmp_path}/g.sqlite3"
    await _fresh(modelled_url)
    await Tortoise.init(config=tortoise_config(modelled_url), _enable_global_fallback=True)
    await Tortoise.generate_schemas()
    await Tortoise.close_connections()
    modelled = await _columns(modelled_url)

    assert migrated == modelled
    assert {"ticket", "outbox", "inbound_event", "deadline"} <= set(migrated)
