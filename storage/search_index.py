"""The knowledge library's full-text index, which Tortoise's models cannot declare.

SQLite: an FTS5 table over `knowledge_entry.terms` (external content, kept in step by triggers).
PostgreSQL: a GIN index over the terms as a text array. Either finds the entries holding one
pre-tokenised term without reading the others. `install` runs from the migration and wherever
a schema is generated from the models (the tests, the benches).
"""
from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

# The expression the PostgreSQL index is built on; queries must spell it the same way.
PG_TERMS = "string_to_array(btrim(\"terms\"), ' ')"

_SQLITE = """
CREATE VIRTUAL TABLE IF NOT EXISTS knowledge_fts USING fts5(
    terms, content='knowledge_entry', content_rowid='id', tokenize='unicode61');
CREATE TRIGGER IF NOT EXISTS knowledge_fts_ai AFTER INSERT ON knowledge_entry BEGIN
    INSERT INTO knowledge_fts(rowid, terms) VALUES (new.id, new.terms);
END;
CREATE TRIGGER IF NOT EXISTS knowledge_fts_ad AFTER DELETE ON knowledge_entry BEGIN
    INSERT INTO knowledge_fts(knowledge_fts, rowid, terms) VALUES ('delete', old.id, old.terms);
END;
CREATE TRIGGER IF NOT EXISTS knowledge_fts_au AFTER UPDATE OF terms ON knowledge_entry BEGIN
    INSERT INTO knowledge_fts(knowledge_fts, rowid, terms) VALUES ('delete', old.id, old.terms);
    INSERT INTO knowledge_fts(rowid, terms) VALUES (new.id, new.terms);
END;
INSERT INTO knowledge_fts(knowledge_fts) VALUES ('rebuild');
"""

_PG = f"""
CREATE INDEX IF NOT EXISTS knowledge_entry_terms_gin ON knowledge_entry USING GIN ({PG_TERMS});
"""

# Document frequencies for ranking, counted once from what is stored (the row with the empty
# term holds the number of entries); add_entry keeps them current afterwards.
_TERM_STATS = """
DELETE FROM knowledge_term;
INSERT INTO knowledge_term (term, docs) SELECT '', COUNT(*) FROM knowledge_entry;
"""


async def install(conn: BaseDBAsyncClient) -> None:
    if conn.capabilities.dialect == "sqlite":
        await conn.execute_script(_SQLITE)
    else:
        await conn.execute_script(_PG)
    await conn.execute_script(_TERM_STATS)
    await _backfill_terms(conn)


async def _backfill_terms(conn: BaseDBAsyncClient) -> None:
    sqlite = conn.capabilities.dialect == "sqlite"
    _, rows = await conn.execute_query("SELECT terms FROM knowledge_entry")
    docs: dict[str, int] = {}
    for row in rows:
        for term in set(str(row["terms"]).split()):
            docs[term] = docs.get(term, 0) + 1
    items = list(docs.items())
    for at in range(0, len(items), 400):  # a few hundred rows per statement, under any limit
        chunk = items[at:at + 400]
        if sqlite:
            marks = ", ".join("(?, ?)" for _ in chunk)
        else:
            marks = ", ".join(f"(${2 * i + 1}, ${2 * i + 2})" for i in range(len(chunk)))
        await conn.execute_query(f"INSERT INTO knowledge_term (term, docs) VALUES {marks}",
                                 [v for pair in chunk for v in pair])
