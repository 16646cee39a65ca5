"""The relay's reads and writes on the outbox: claiming under a lease, and every state change.

A claim (storage.claims.claim_due: one UPDATE ... RETURNING, with `FOR UPDATE SKIP LOCKED` on
PostgreSQL) takes due rows nobody holds and stamps them with this relay's name and a lease
deadline; claim_destination does the same in a short transaction for one destination. A
relay that dies simply lets its leases run out; the rows are claimable again.

Rows that stop being sent on their own (merged into a digest, or split into pieces) are marked
sent with `merged_into` pointing at the row that carries them and no `sent_at` of their own:
the carrier is what the destination receives, and what the rate window counts.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Iterable, Sequence, cast

from tortoise import connections
from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from bot.messages import OutboundMessage
from storage.claims import claim_due
from storage.models import OutboxMessage
from storage.models.messaging import DEAD, PENDING, SENT
from storage.rawsql import Params, read_datetime

# Prefixes of the dedupe keys the relay itself writes.
DIGEST_KEY = "digest:{first}:{last}:{n}"
SPLIT_KEY = "split:{row}:{i}"
DEAD_NOTICE_KEY = "dead:{row}"  # the services side adds ":<admin userid>"


async def window_of(channel: str, address: str, since: datetime, now: datetime,
                    owner: str) -> tuple[list[datetime], int]:
    """One destination's rate window in one statement (the relay asks before every send):
    when its messages went out since `since`, oldest first (a digest's rows count once, by
    their carrier), and how many of its rows other relays hold under a live lease now."""
    conn = connections.get(OutboxMessage._meta.default_connection or "default")
    ph = Params(conn)

    sql = (f'SELECT "sent_at" AS at, 0 AS held FROM "outbox" WHERE "channel" = {ph(channel)} '
           f'AND "address" = {ph(address)} AND "status" = {ph(SENT)} '
           f'AND "merged_into" IS NULL AND "sent_at" > {ph(_utc(since))} '
           f'UNION ALL SELECT NULL, COUNT(*) FROM "outbox" WHERE "channel" = {ph(channel)} '
           f'AND "address" = {ph(address)} AND "status" = {ph(PENDING)} '
           f'AND "lease_until" > {ph(_utc(now))} AND NOT "lease_owner" = {ph(owner)}')
    rows = await conn.execute_query_dict(sql, ph.values)
    sent = sorted(read_datetime(r["at"]) for r in rows if r["at"] is not None)
    held = sum(int(r["held"]) for r in rows if r["at"] is None)
    return sent, held


class LeaseLost(Exception):
    """Another relay took rows we were about to rewrite (our lease ran out)."""


def _utc(dt: datetime) -> datetime:
    # SQLite compares the stored ISO text, so every instant written or compared is UTC.
    return dt.astimezone(timezone.utc)


async def claim(owner: str, now: datetime, lease: timedelta, limit: int,
                skip_channels: Sequence[str] = ()) -> list[OutboxMessage]:
    """Take up to `limit` due rows nobody holds, none on `skip_channels` (channels this process
    cannot send on now: a long connection another instance holds, or that is down)."""
    ids = await claim_due(OutboxMessage, now=_utc(now), lease_until=_utc(now + lease),
                          limit=limit, due_field="next_attempt_at", owner=owner,
                          owner_field="lease_owner", where={"status": PENDING},
                          where_not_in={"channel": list(skip_channels)})
    if not ids:
        return []
    return list(await OutboxMessage.filter(id__in=ids, lease_owner=owner))


async def claim_destination(owner: str, now: datetime, lease: timedelta, channel: str,
                            address: str, horizon: timedelta, limit: int) -> list[OutboxMessage]:
    """Take the queued rows for one destination that were never tried and are due within
    `horizon` (one rate window), oldest first, so a digest gathers everything that waits for
    the window. Rows held longer (a platform's block, a retry backoff) keep their wait; the
    caller re-holds rows for quiet hours."""
    now = _utc(now)
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    async with in_transaction() as conn:
        # A model query, not values_list(): Tortoise adds FOR UPDATE SKIP LOCKED only to those.
        picked = await (
            OutboxMessage.filter(free, status=PENDING, channel=channel, address=address,
                                 attempts=0, next_attempt_at__lte=now + horizon)
            .order_by("created_at", "id").limit(limit)
            .select_for_update(skip_locked=True).using_db(conn).only("id"))
        if not picked:
            return []
        ids = [p.id for p in picked]
        # The lease condition again, so a row taken meanwhile (no row locks on SQLite) stays
        # with whoever took it.
        await OutboxMessage.filter(free, id__in=ids, status=PENDING).using_db(conn).update(
            lease_owner=owner, lease_until=now + lease)
    return list(await OutboxMessage.filter(id__in=ids, lease_owner=owner,
                                           lease_until=now + lease))


async def next_due(now: datetime, skip_channels: Sequence[str] = ()) -> datetime | None:
    """The earliest moment a pending row may become claimable (its due time or lease end)."""
    now = _utc(now)
    pending = OutboxMessage.filter(status=PENDING)
    if skip_channels:
        pending = pending.exclude(channel__in=list(skip_channels))
    free = await (pending.filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
                  .order_by("next_attempt_at").first().values_list("next_attempt_at", flat=True))
    leased = await (pending.filter(lease_until__gte=now)
                    .order_by("lease_until").first().values_list("lease_until", flat=True))
    times = [cast(datetime, t) for t in (free, leased) if t is not None]
    return min(times) if times else None


async def still_ours(row: OutboxMessage, owner: str, now: datetime, lease: timedelta) -> bool:
    """Whether this relay may send `row` now: its lease has at least half its length to run
    (nobody else can claim it before the send ends), or this relay renews it in one
    conditional UPDATE. False when the lease ran out and another relay took the row, or sent
    it: sending it again would deliver it twice."""
    now = _utc(now)
    if (row.lease_owner == owner and row.lease_until is not None
            and _utc(row.lease_until) >= now + lease / 2):
        return True
    until = now + lease
    renewed = await OutboxMessage.filter(id=row.id, lease_owner=owner, status=PENDING).update(
        lease_until=until)
    if renewed:
        row.lease_owner, row.lease_until = owner, until
    return bool(renewed)


async def mark_sent(row_id: int, now: datetime) -> None:
    # Right after the platform said yes, on its own, so a crash can lose at most this one mark.
    await OutboxMessage.filter(id=row_id).update(
        status=SENT, sent_at=_utc(now), lease_owner=None, lease_until=None,
        attempts=F("attempts") + 1, last_error="")


async def hold(row_ids: Iterable[int], until: datetime, owner: str) -> None:
    """Give rows back untried, due again at `until` (a full window, quiet hours, a block)."""
    ids = list(row_ids)
    if ids:
        await OutboxMessage.filter(id__in=ids, lease_owner=owner, status=PENDING).update(
            next_attempt_at=_utc(until), lease_owner=None, lease_until=None)


async def retry(row_id: int, until: datetime, error: str) -> None:
    await OutboxMessage.filter(id=row_id).update(
        next_attempt_at=_utc(until), lease_owner=None, lease_until=None,
        attempts=F("attempts") + 1, last_error=error[:2000])


async def kill(row_id: int, error: str, *, conn=None) -> None:
    await OutboxMessage.filter(id=row_id).using_db(conn).update(
        status=DEAD, lease_owner=None, lease_until=None, attempts=F("attempts") + 1,
        last_error=error[:2000])


async def _absorb(conn, row_ids: Sequence[int], carrier_id: int, owner: str) -> None:
    updated = await OutboxMessage.filter(
        id__in=list(row_ids), lease_owner=owner, status=PENDING).using_db(conn).update(
        status=SENT, merged_into=carrier_id, lease_owner=None, lease_until=None)
    if updated != len(row_ids):
        raise LeaseLost(f"{len(row_ids) - updated} of rows {list(row_ids)} no longer ours")


async def make_digest(rows: Sequence[OutboxMessage], msg: OutboundMessage, owner: str,
                      now: datetime, lease: timedelta) -> OutboxMessage:
    """One new row carrying `msg` for all of `rows`, which are marked merged into it."""
    key = DIGEST_KEY.format(first=rows[0].id, last=rows[-1].id, n=len(rows))
    async with in_transaction() as conn:
        carrier = await OutboxMessage.create(
            dedupe_key=key, channel=msg.channel, address=msg.address, payload=msg.to_json(),
            urgent=any(r.urgent for r in rows), next_attempt_at=_utc(now),
            created_at=min(r.created_at for r in rows), lease_owner=owner,
            lease_until=_utc(now + lease), using_db=conn)
        await _absorb(conn, [r.id for r in rows], carrier.id, owner)
    return carrier


async def make_pieces(row: OutboxMessage, pieces: Sequence[OutboundMessage], owner: str,
                      now: datetime, lease: timedelta) -> list[OutboxMessage]:
    """One new row per piece of a too-long message; the original is marked merged into the
    first. The pieces are claimed by us and due now."""
    async with in_transaction() as conn:
        made = []
        for i, piece in enumerate(pieces):
            made.append(await OutboxMessage.create(
                dedupe_key=SPLIT_KEY.format(row=row.id, i=i), channel=piece.channel,
                address=piece.address, payload=piece.to_json(), urgent=row.urgent,
                next_attempt_at=_utc(now), created_at=row.created_at, lease_owner=owner,
                lease_until=_utc(now + lease), using_db=conn))
        await _absorb(conn, [row.id], made[0].id, owner)
    return made
