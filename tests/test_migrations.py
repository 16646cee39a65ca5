"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""
from tortoise import Tortoise

from storage import search_index
from storage.db import connection, migrate, tortoise_config


async def _indexes(conn, url: str) -> set[tuple[str, tuple[str, ...]]]:
    """Each index as (table, its columns in order), whatever name it was given."""
    out: set[tuple[str, tuple[str, ...]]] = set()
    if url.startswith("sqlite"):
        _, rows = await conn.execute_query(
            "SELECT tbl_name, name FROM sqlite_master WHERE type='index' AND sql IS NOT NULL")
        for r in rows:
            _, cols = await conn.execute_query(f'PRAGMA index_info("{r["name"]}")')
            out.add((r["tbl_name"], tuple(c["name"] for c in sorted(cols, key=lambda c: c["seqno"]))))
    else:
        _, rows = await conn.execute_query(
            "SELECT t.relname AS tbl, array_agg(a.attname ORDER BY k.n) AS cols "
            "FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
            "JOIN pg_namespace s ON s.oid = t.relnamespace AND s.nspname = 'public' "
            "CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) "
            "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum "
            "WHERE NOT i.indisprimary GROUP BY i.indexrelid, t.relname")
        out = {(r["tbl"], tuple(r["cols"])) for r in rows}
    return {i for i in out if i[0] != "tortoise_migrations"}


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
    out["(indexes)"] = {f"{t}:{','.join(c)}" for t, c in await _indexes(conn, url)}
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
    await search_index.install(connection())
    await Tortoise.close_connections()
    modelled = await _columns(modelled_url)

    assert migrated == modelled
    assert {"ticket", "outbox", "inbound_event", "deadline"} <= set(migrated)


async def test_customer_periods_become_contracts(db_url, tmp_path):
    """0008_cust moves the period a customer row held into its first contract."""
    from tortoise.migrations.api import migrate as run_migrations

    url = db_url if not db_url.startswith("sqlite") else f"sqlite://{tmp_path}/c.sqlite3"
    await _fresh(url)
    await run_migrations(config=tortoise_config(url), target="models.0001_initial")
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    await connection().execute_query(
        "INSERT INTO customer (name, contacts, address, region, products, service_code, dongle, "
        "tier, contract_start, contract_end) VALUES ('甲公司', '[]', '', '', '', '', '', '大客户', "
        "'2026-01-01', '2026-12-31'), ('乙公司', '[]', '', '', '', '', '', '普通', NULL, NULL)")
    await Tortoise.close_connections()
    await migrate(url)
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    from storage.models.customers import Contract

    rows = await Contract.all().select_related("customer")
    assert [(c.customer.name, str(c.signed_on), str(c.ends_on), c.tier) for c in rows] == [
        ("甲公司", "2026-01-01", "2026-12-31", "大客户")]
    assert rows[0].created_at is not None
    await Tortoise.close_connections()


async def test_contact_lists_become_rows(db_url, tmp_path):
    """0014_custfv moves each customer's JSON list of contacts into customer_contact rows (the first
    one primary, phones in the archive's spelling) and drops the column without touching the
    rows that refer to the customer (SQLite's table rebuild would cascade to them)."""
    from tortoise.migrations.api import migrate as run_migrations

    url = db_url if not db_url.startswith("sqlite") else f"sqlite://{tmp_path}/k.sqlite3"
    await _fresh(url)
    await run_migrations(config=tortoise_config(url), target="models.0008_cust")
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    two = ('[{"name": "王会计", "role": "会计", "phone": "021 5555 0001", "mobile": "13900000001"},'
           ' {"name": "钱主任", "role": "", "phone": "", "mobile": "１３９０００００００９",'
           ' "birthday": "05-12"}]')
    await connection().execute_query(
        "INSERT INTO customer (name, contacts, address, region, products, service_code, dongle, "
        f"tier, provisional) VALUES ('甲公司', '{two}', '', '', '', '', '', '大客户', false), "
        "('乙公司', '[]', '', '', '', '', '', '普通', false)")
    await connection().execute_query(
        "INSERT INTO contract (customer_id, signed_on, ends_on, tier, modes, created_at) "
        "SELECT id, '2026-01-01', '2026-12-31', tier, '[]', CURRENT_TIMESTAMP FROM customer")
    await Tortoise.close_connections()
    await migrate(url)
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    from storage.models import Customer
    from storage.models.customers import Contract, CustomerContact

    rows = await CustomerContact.all().select_related("customer").order_by("id")
    assert [(c.customer.name, c.name, c.role, c.phone, c.mobile, c.birthday, c.is_primary)
            for c in rows] == [
        ("甲公司", "王会计", "会计", "021-55550001", "13900000001", "", True),
        ("甲公司", "钱主任", "", "", "13900000009", "05-12", False)]
    assert await Customer.all().count() == 2 and await Contract.all().count() == 2
    await Tortoise.close_connections()


async def test_upgrading_an_archive_with_tickets_keeps_them(db_url, tmp_path):
    """0008 and 0014 drop columns of customer in place: on SQLite, rebuilding the table dropped
    the old one, and that DROP deleted every ticket through the foreign key's cascade."""
    from tortoise.migrations.api import migrate as run_migrations

    url = db_url if not db_url.startswith("sqlite") else f"sqlite://{tmp_path}/t.sqlite3"
    await _fresh(url)
    await run_migrations(config=tortoise_config(url), target="models.0007_scale")
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    conn = connection()
    await conn.execute_query(
        "INSERT INTO staff (userid, name, mobile, roles, team, active) "
        "VALUES ('zhangwei', '张伟', '', 'engineer', '', true)")
    await conn.execute_query(
        "INSERT INTO customer (name, contacts, address, region, products, service_code, dongle, "
        "tier, contract_start, contract_end) VALUES ('甲公司', "
        "'[{\"name\": \"王会计\", \"phone\": \"021-55550001\"}]', '', '', '', '', '', '普通', "
        "'2026-01-01', '2026-12-31')")
    await conn.execute_query(
        "INSERT INTO ticket (contact, phone, product, priority, channel, category, service_mode, "
        "description, status, solution, created_at, source_platform, source_chat, creator_id, "
        "customer_id, owner_id) SELECT '', '', '', '普通', '热线', '', '电话', '打印报错', 'new', "
        "'', CURRENT_TIMESTAMP, '', '', s.id, c.id, s.id FROM staff s, customer c")
    await Tortoise.close_connections()
    await migrate(url)
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    from storage.models import Ticket
    from storage.models.customers import Contract, CustomerContact

    [ticket] = await Ticket.all().select_related("customer")
    assert (ticket.customer.name, ticket.description) == ("甲公司", "打印报错")
    assert await Contract.filter(customer_id=ticket.customer_id).count() == 1
    assert [c.name for c in await CustomerContact.filter(customer_id=ticket.customer_id)] == ["王会计"]
    await Tortoise.close_connections()
