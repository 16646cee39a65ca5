"""Who holds a long connection: one lease row per connection name, taken in one statement.

WeCom allows one long connection per robot (a new one kicks the old) and DingTalk's stream is
meant to be one per app, so with several instances exactly one may connect. The holder renews the
lease well before it runs out; a holder that dies simply stops renewing and another instance takes
the row once `lease_until` has passed. Taking, renewing and stealing an expired lease are the same
`INSERT … ON CONFLICT DO UPDATE … WHERE`, so two instances racing for it cannot both win.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from storage.db import connection
from storage.models import ConnectionLease


def _db_time(dt: datetime) -> Any:
    if dt.tzinfo is None:
        raise ValueError("leases need aware datetimes")
    field = ConnectionLease._meta.fields_map["lease_until"]
    return field.to_db_value(dt.astimezone(timezone.utc), ConnectionLease)


async def acquire(name: str, holder: str, *, now: datetime, ttl: timedelta) -> bool:
    """Take or renew the lease `name` for `holder`; False while another holder's lease runs."""
    db = connection()
    until, at = _db_time(now + ttl), _db_time(now)
    if db.capabilities.dialect == "sqlite":
        marks = ["?"] * 4
        now_mark = holder_mark = "?"
        params = [name, holder, until, at, holder, at]
    else:
        marks = ["$1", "$2", "$3", "$4"]
        holder_mark, now_mark = "$2", "$4"
        params = [name, holder, until, at]
    # acquired_at stays when the holder renews: it tells since when this instance has held it.
    sql = (f'INSERT INTO "connection_lease" ("name", "holder", "lease_until", "acquired_at") '
           f'VALUES ({", ".join(marks)}) ON CONFLICT ("name") DO UPDATE SET '
           f'"lease_until" = excluded."lease_until", "acquired_at" = CASE WHEN '
           f'"connection_lease"."holder" = excluded."holder" THEN "connection_lease"."acquired_at" '
           f'ELSE excluded."acquired_at" END, "holder" = excluded."holder" '
           f'WHERE "connection_lease"."holder" = {holder_mark} '
           f'OR "connection_lease"."lease_until" < {now_mark} RETURNING "holder"')
    rows = await db.execute_query_dict(sql, params)
    return bool(rows) and rows[0]["holder"] == holder


async def release(name: str, holder: str) -> None:
    """Give the lease up at once (a clean stop), so a standby need not wait for it to expire."""
    await ConnectionLease.filter(name=name, holder=holder).delete()


async def holder_of(name: str, *, now: datetime) -> str | None:
    row = await ConnectionLease.get_or_none(name=name)
    if row is None or row.lease_until < now:
        return None
    return row.holder
