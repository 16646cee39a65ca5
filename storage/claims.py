"""Row claiming under a lease, and once-per-period runs: how ticks share work without doing it twice.

A claim sets a lease on due rows in one statement, so two ticks (two instances, or a tick and its
retry) never take the same row while the lease holds; a holder that dies simply lets the lease run
out and the row is taken again. SQLite runs the claim as one UPDATE ... RETURNING (SQLite has a
single writer, so the statement is atomic); PostgreSQL adds FOR UPDATE SKIP LOCKED so concurrent
claimers pass over each other's rows instead of waiting.

Every datetime written or compared here is UTC: SQLite compares the stored ISO text.
"""
from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any, Awaitable, Callable, Protocol, Sequence

from tortoise import connections
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.models import Model

from storage.models import JobRun
from storage.rawsql import Params, read_datetime

log = logging.getLogger(__name__)


def _utc(dt: datetime) -> datetime:
    if dt.tzinfo is None:
        raise ValueError("claims need aware datetimes")
    return dt.astimezone(timezone.utc)


def _conn(model: type[Model], conn: Any) -> Any:
    return conn if conn is not None else connections.get(model._meta.default_connection or "default")


def _column(model: type[Model], field: str) -> str:
    return model._meta.fields_db_projection.get(field, field)


async def claim_due(model: type[Model], *, now: datetime, lease_until: datetime, limit: int,
                    due_field: str = "next_check_at", lease_field: str = "lease_until",
                    owner: str | None = None, owner_field: str | None = None,
                    where: dict[str, Any] | None = None, conn: Any = None,
                    where_not_in: dict[str, Sequence[Any]] | None = None) -> list[int]:
    """Lease up to `limit` rows whose `due_field` <= now and whose lease is free or expired.

    `where` adds equality conditions (e.g. {"status": "pending"}), `where_not_in` exclusions
    (e.g. {"channel": [...]}); `owner`/`owner_field` stamp the claimer's name. Returns the
    claimed primary keys, earliest due first.
    """
    c = _conn(model, conn)
    table = model._meta.db_table
    pk = model._meta.db_pk_column
    due, lease = _column(model, due_field), _column(model, lease_field)
    now, lease_until = _utc(now), _utc(lease_until)

    ph = Params(c)
    sets = [f'"{lease}" = {ph(lease_until)}']
    if owner_field:
        sets.append(f'"{_column(model, owner_field)}" = {ph(owner)}')
    conds = [f'"{due}" <= {ph(now)}', f'("{lease}" IS NULL OR "{lease}" < {ph(now)})']
    for field, value in (where or {}).items():
        conds.append(f'"{_column(model, field)}" = {ph(value)}')
    for field, values in (where_not_in or {}).items():
        if values:
            marks = ", ".join(ph(v) for v in values)
            conds.append(f'"{_column(model, field)}" NOT IN ({marks})')
    inner = (f'SELECT "{pk}" FROM "{table}" WHERE {" AND ".join(conds)} '
             f'ORDER BY "{due}" LIMIT {ph(int(limit))}')
    if not ph.sqlite:
        inner += " FOR UPDATE SKIP LOCKED"
    sql = (f'UPDATE "{table}" SET {", ".join(sets)} WHERE "{pk}" IN ({inner}) '
           f'RETURNING "{pk}" AS claimed_pk, "{due}" AS claimed_due')
    # execute_query_dict fetches rows on every backend (execute_query drops RETURNING on asyncpg).
    rows = await c.execute_query_dict(sql, ph.values)
    # RETURNING gives no order; callers want the most overdue first.
    rows.sort(key=lambda r: r["claimed_due"])
    return [r["claimed_pk"] for r in rows]


async def next_due_at(model: type[Model], *, now: datetime, due_field: str = "next_check_at",
                      lease_field: str = "lease_until", conn: Any = None) -> datetime | None:
    """The earliest `due_field` of the rows whose lease is free or expired.

    Written by hand so the WHERE says `due IS NOT NULL` as such (the ORM writes NOT (due IS NULL),
    which SQLite neither seeks on nor matches to a partial index): the lookup walks the index of
    the rows that have a due time from its start, whatever closed history the table holds.
    """
    c = _conn(model, conn)
    ph = Params(c)
    due, lease = _column(model, due_field), _column(model, lease_field)
    sql = (f'SELECT "{due}" AS due FROM "{model._meta.db_table}" WHERE "{due}" IS NOT NULL '
           f'AND ("{lease}" IS NULL OR "{lease}" < {ph(_utc(now))}) '
           f'ORDER BY "{due}" LIMIT 1')
    rows = await c.execute_query_dict(sql, ph.values)
    if not rows:
        return None
    return read_datetime(rows[0]["due"])


async def release(model: type[Model], ids: list[int], *, lease_field: str = "lease_until",
                  conn: Any = None) -> None:
    if ids:
        await model.filter(pk__in=ids).using_db(conn).update(**{lease_field: None})


class _Clock(Protocol):
    def now(self) -> datetime: ...


async def run_once_per_period(period_key: str, fn: Callable[[], Awaitable[Any]], *,
                              lease: timedelta | float, clock: _Clock,
                              owner: str = "") -> bool:
    """Run `fn` once for this period across every instance and restart; True if this call ran it.

    Only the caller that inserts the JobRun row (or retakes one whose lease ran out without
    finishing: a crash) runs `fn`. A finished run never runs again. If `fn` raises, the row keeps
    its lease, so the next attempt comes after the lease, and the error propagates to the caller.
    `clock` is the caller's (the runtime's, or a fake one): storage reads the time, never owns it.
    """
    if not isinstance(lease, timedelta):
        lease = timedelta(seconds=float(lease))
    owner = owner or uuid.uuid4().hex[:12]
    now = _utc(clock.now())
    until = now + lease
    try:
        await JobRun.create(period_key=period_key, started_at=now, lease_until=until, owner=owner)
    except IntegrityError:
        taken = await JobRun.filter(
            Q(lease_until=None) | Q(lease_until__lt=now), period_key=period_key, finished_at=None,
        ).update(started_at=now, lease_until=until, owner=owner)
        if not taken:
            return False
        log.warning("retaking period job %s after an expired lease", period_key)
    await fn()
    await JobRun.filter(period_key=period_key, owner=owner).update(
        finished_at=_utc(clock.now()), lease_until=None)
    return True
