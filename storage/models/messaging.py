"""What came in, what must go out, what was done, and which periodic runs happened."""
from tortoise import fields
from tortoise.models import Model

PENDING, SENT, DEAD = "pending", "sent", "dead"


class InboundEvent(Model):
    # Every accepted inbound message, stored before the platform gets its 200.

    id = fields.BigIntField(primary_key=True)
    dedupe_key = fields.CharField(255, unique=True)
    platform = fields.CharField(32)
    payload = fields.TextField()  # InboundMessage.to_json()
    received_at = fields.DatetimeField()
    processed_at = fields.DatetimeField(null=True, db_index=True)
    attempts = fields.IntField(default=0)
    lease_until = fields.DatetimeField(null=True)
    # The HTTP request that brought it: the reference the user, the admins and the log share.
    request_id = fields.CharField(64, default="")
    # A failed try waits until then (backoff); NULL means at once.
    next_attempt_at = fields.DatetimeField(null=True)
    # Given up on after inbound.max_attempts tries; the sender and the admins were told.
    dead_at = fields.DatetimeField(null=True)
    last_error = fields.TextField(default="")

    class Meta:
        table = "inbound_event"


class RejectedInbound(Model):
    # A signed request the edge could not understand: kept for the operator, answered as a
    # success so the platform stops retrying it, and acted on by nobody.

    id = fields.BigIntField(primary_key=True)
    platform = fields.CharField(32)
    request_id = fields.CharField(64, default="")
    reason = fields.CharField(255)
    received_at = fields.DatetimeField(db_index=True)
    excerpt = fields.TextField(default="")  # the start of what came, control characters escaped

    class Meta:
        table = "rejected_inbound"


class OutboxMessage(Model):
    # A message still to send, written in the same transaction as the change that caused it.

    id = fields.BigIntField(primary_key=True)
    dedupe_key = fields.CharField(255, unique=True)
    channel = fields.CharField(32)
    address = fields.CharField(512)
    payload = fields.TextField()  # OutboundMessage.to_json()
    status = fields.CharField(16, default=PENDING)
    urgent = fields.BooleanField(default=True)  # not urgent: held through quiet hours
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField(db_index=True)
    lease_owner = fields.CharField(64, null=True)
    lease_until = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()
    sent_at = fields.DatetimeField(null=True)
    last_error = fields.TextField(default="")
    merged_into = fields.BigIntField(null=True)  # set when a rate-limit digest absorbed it

    class Meta:
        table = "outbox"
        # The second index serves the relay's rate windows: sends per destination per minute.
        indexes = (("status", "next_attempt_at"), ("channel", "address", "sent_at"))


class AuditLog(Model):
    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField()
    actor = fields.CharField(64)  # platform user id as received (the staff row may not exist)
    platform = fields.CharField(32)
    chat = fields.CharField(128, default="")
    command = fields.CharField(32, default="")
    text = fields.TextField(default="")
    outcome = fields.CharField(16)  # ok, refused, error
    detail = fields.TextField(default="")

    class Meta:
        table = "audit_log"


class JobRun(Model):
    # One row per run of a once-per-period job; the unique key makes only one instance win.

    id = fields.BigIntField(primary_key=True)
    period_key = fields.CharField(128, unique=True)  # e.g. "daily_digest:2026-11-23"
    started_at = fields.DatetimeField()
    finished_at = fields.DatetimeField(null=True)
    lease_until = fields.DatetimeField(null=True)
    owner = fields.CharField(64, default="")

    class Meta:
        table = "job_run"


class ConnectionLease(Model):
    # One row per long connection (a WeCom robot, a DingTalk app): the platform allows one
    # connection each, so the instance holding the unexpired lease is the only one to open it.
    name = fields.CharField(64, primary_key=True)
    holder = fields.CharField(64)
    lease_until = fields.DatetimeField()
    acquired_at = fields.DatetimeField()

    class Meta:
        table = "connection_lease"
