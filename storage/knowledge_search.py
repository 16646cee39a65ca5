"""Ranked knowledge search in SQL, over the full-text index of storage.search_index.

The caller weighs the query's terms (rarer terms weigh more); the database finds the entries
holding each term through the index, sums the weights per entry, keeps the best few ids and only
then reads those entries' rows. Nothing is counted and no candidate list comes back to Python.
"""
from __future__ import annotations

import re
from typing import Any, Iterable

from tortoise.backends.base.client import BaseDBAsyncClient

from storage.db import connection
from storage.rawsql import Params

_SEARCHABLE = re.compile(r"\w")  # a term of punctuation alone has no token to look up
# Sums of float weights are compared with a threshold computed the same way in Python.
_EPSILON = 1e-9


async def rank_entries(weights: dict[str, float], min_score: float, limit: int,
                       exclude_ticket: int | None = None, *, sensitive: bool = False,
                       conn: BaseDBAsyncClient | None = None) -> list[dict[str, Any]]:
    """The entries whose held terms weigh at least `min_score`, best first, each with `score`.
    `sensitive`: entries marked sensitive are candidates too (the caller checked the grant)."""
    db = conn or connection()
    p = Params(db)
    sqlite = p.sqlite
    branches = []
    for term, w in weights.items():
        if not _SEARCHABLE.search(term):
            continue
        if sqlite:
            phrase = '"' + term.replace('"', '""') + '"'
            branches.append(f"SELECT rowid AS id, {p(w)} AS w FROM knowledge_fts "
                            f"WHERE knowledge_fts MATCH {p(phrase)}")
        else:
            branches.append(f'SELECT "entry_id" AS id, {p(w, "::float8")} AS w '
                            f'FROM "knowledge_posting" WHERE "term" = {p(term)}')
    if not branches:
        return []
    # Excluded entries are few (the sensitive ones, one ticket's), so they are left out by id
    # before the sums: the entry rows are read for the few hits shown, not for every candidate.
    where = []
    if not sensitive:
        where.append('id NOT IN (SELECT "id" FROM "knowledge_entry" WHERE "sensitive")')
    if exclude_ticket is not None:
        where.append(f'id NOT IN (SELECT "id" FROM "knowledge_entry" '
                     f'WHERE "ticket_id" = {p(exclude_ticket)})')
    best = ("SELECT id, SUM(w) AS score FROM (" + " UNION ALL ".join(branches) + ") m "
            + (f"WHERE {' AND '.join(where)} " if where else "")
            + f"GROUP BY id HAVING SUM(w) >= {p(min_score - _EPSILON, '' if sqlite else '::float8')} "
            f"ORDER BY score DESC, id DESC LIMIT {p(limit)}")
    sql = (f'SELECT e.*, s.score FROM ({best}) s JOIN "knowledge_entry" e ON e."id" = s.id '
           'ORDER BY s.score DESC, e."id" DESC')
    return await db.execute_query_dict(sql, p.values)


async def count_terms(terms: Iterable[str], conn: BaseDBAsyncClient | None = None) -> None:
    """One more entry holds each of `terms` (and one more entry exists): one statement."""
    db = conn or connection()
    p = Params(db)
    rows = ", ".join(f"({p(t)}, 1)" for t in ["", *sorted(set(terms))])
    await db.execute_query(
        f'INSERT INTO "knowledge_term" ("term", "docs") VALUES {rows} '
        f'ON CONFLICT ("term") DO UPDATE SET "docs" = "knowledge_term"."docs" + 1', p.values)
