"""The knowledge library's full-text index, which Tortoise's models cannot declare.

SQLite: an FTS5 table over `knowledge_entry.terms` (external content, kept in step by triggers).
PostgreSQL: a postings table, one (term, entry) row per term an entry holds, kept in step by a
trigger; its primary key lists a term's entries in an index-only scan, where a GIN index over
the entries would read every matching entry row from the heap to recheck it (issue 16: 250 ms
for a common term at 100k entries, against 10 ms here). Either finds the entries holding one
pre-tokenised term without reading the others. `install` runs from the migrations and wherever
a schema is generated from the models (the tests, the benches); it is idempotent.
"""
from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

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

_PG = """
DROP INDEX IF EXISTS knowledge_entry_terms_gin;
CREATE TABLE IF NOT EXISTS knowledge_posting (
    term TEXT NOT NULL,
    entry_id INT NOT NULL REFERENCES knowledge_entry (id) ON DELETE CASCADE,
    PRIMARY KEY (term, entry_id));
CREATE INDEX IF NOT EXISTS knowledge_posting_entry ON knowledge_posting (entry_id);
CREATE OR REPLACE FUNCTION knowledge_posting_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        DELETE FROM knowledge_posting WHERE entry_id = OLD.id;
    END IF;
    INSERT INTO knowledge_posting (term, entry_id)
        SELECT DISTINCT t, NEW.id FROM unnest(string_to_array(btrim(NEW.terms), ' ')) t
        WHERE t <> '';
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS knowledge_posting_ai ON knowledge_entry;
CREATE TRIGGER knowledge_posting_ai AFTER INSERT ON knowledge_entry
    FOR EACH ROW EXECUTE FUNCTION knowledge_posting_sync();
DROP TRIGGER IF EXISTS knowledge_posting_au ON knowledge_entry;
CREATE TRIGGER knowledge_posting_au AFTER UPDATE OF terms ON knowledge_entry
    FOR EACH ROW EXECUTE FUNCTION knowledge_posting_sync();
DELETE FROM knowledge_posting;
INSERT INTO knowledge_posting (term, entry_id)
    SELECT DISTINCT t, e.id FROM knowledge_entry e,
        unnest(string_to_array(btrim(e.terms), ' ')) t WHERE t <> '';
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
