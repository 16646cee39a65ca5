"""Claiming stored inbound events for processing, whoever accepted them.

An event is due while it is neither processed nor dead-lettered, its retry time (if any) has
come, and nobody holds a live lease on it. A claim leases a batch of them in one statement and
counts the attempt; a holder that dies simply lets the lease run out, and the next sweep of any
instance takes the event again. As in storage/claims.py, SQLite runs the claim as one
UPDATE … RETURNING (one writer, so atomic) and PostgreSQL adds FOR UPDATE SKIP LOCKED so that
instances pass over each other's rows instead of waiting.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.claims import _utc
from storage.db import connection


@dataclass
class Claimed:
    id: int
    payload: str
    request_id: str
    attempts: int  # including this one


async def claim(now: datetime, lease_until: datetime, limit: int) -> list[Claimed]:
    """Lease up to `limit` due events, oldest first."""
    conn = connection()
    pg = conn.capabilities.dialect == "postgres"
    marks = ["$1", "$2", "$3"] if pg else ["?", "?", "?"]
    now = _utc(now)
    inner = ('SELECT "id" FROM "inbound_event" WHERE "processed_at" IS NULL AND "dead_at" IS NULL'
             f' AND ("next_attempt_at" IS NULL OR "next_attempt_at" <= {marks[1]})'
             f' AND ("lease_until" IS NULL OR "lease_until" < {marks[1]})'
             f' ORDER BY "id" LIMIT {marks[2]}')
    if pg:
        inner += " FOR UPDATE SKIP LOCKED"
    sql = (f'UPDATE "inbound_event" SET "lease_until" = {marks[0]}, "attempts" = "attempts" + 1'
           f' WHERE "id" IN ({inner}) RETURNING "id", "payload", "request_id", "attempts"')
    params = [_utc(lease_until), now, int(limit)] if pg else [_utc(lease_until), now, now,
                                                               int(limit)]
    rows = await conn.execute_query_dict(sql, params)
    out = [Claimed(int(r["id"]), r["payload"], r["request_id"] or "", int(r["attempts"]))
           for r in rows]
    out.sort(key=lambda c: c.id)
    return out
