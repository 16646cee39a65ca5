"""The one deadline engine's rows: an obligation attached to any object, and its history.

Deadline rows are the truth for time: nothing is scheduled in memory per deadline. A row whose
`next_check_at` is set has a step still to take (a warning, the breach, an escalation); the tick
finds such rows through the index on that column.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from storage.models.people import Staff

RUNNING, PAUSED, MET, BREACHED, CANCELLED = "running", "paused", "met", "breached", "cancelled"
# BREACHED is still open: past due, clock running, escalations continuing until met or cancelled.
OPEN_STATES = (RUNNING, BREACHED, PAUSED)
CLOSED_STATES = (MET, CANCELLED)


class Deadline(Model):
    id = fields.BigIntField(primary_key=True)
    object_type = fields.CharField(32)  # ticket, dispatch, complaint, followup, handover, report
    object_id = fields.BigIntField()
    clock = fields.CharField(48)  # policy name in settings.clocks, e.g. "ticket_claim"
    tier = fields.CharField(32, default="")  # customer tier whose policy override applies
    state = fields.CharField(16, default=RUNNING, db_index=True)
    # Bumped when a closed deadline is started again (a reopened complaint), so the new round's
    # action keys differ from the old round's.
    cycle = fields.IntField(default=0)
    started_at = fields.DatetimeField()
    # Where "N after the start" warnings count from: the start, moved on by pauses.
    anchor_at = fields.DatetimeField()
    due_at = fields.DatetimeField()
    # True when the policy counts working time: a pause then keeps working time, not wall time.
    working = fields.BooleanField(default=False)
    # The next moment the engine must look at this row (a warning, the due time, an escalation).
    next_check_at = fields.DatetimeField(null=True, db_index=True)
    warnings_sent = fields.IntField(default=0)
    level = fields.IntField(default=0)  # escalation levels already fired
    breached_at = fields.DatetimeField(null=True)
    paused_at = fields.DatetimeField(null=True)
    remaining_s = fields.FloatField(null=True)  # seconds left (wall or working), kept while paused
    closed_at = fields.DatetimeField(null=True)
    late = fields.BooleanField(null=True)  # set when met: after due_at or not
    owner: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="deadlines", null=True, on_delete=fields.SET_NULL)
    owner_id: int | None
    # What the reminders need (number, title, chat).
    context: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    lease_until = fields.DatetimeField(null=True)

    class Meta:
        table = "deadline"
        unique_together = (("object_type", "object_id", "clock"),)
        # The reports' "open at the end of the day" walks closed_at (NULL or after a moment);
        # the month's clock compliance counts from an index that covers it (due_at first), the
        # month's breaches walk breached_at; the digest's overdue deadlines are those still open
        # (closed_at NULL) by due_at.
        indexes = (("closed_at",), ("due_at", "clock", "state", "late", "remaining_s"),
                   ("breached_at",), ("closed_at", "due_at"))

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class DeadlineEvent(Model):
    id = fields.BigIntField(primary_key=True)
    deadline: fields.ForeignKeyRelation[Deadline] = fields.ForeignKeyField(
        "models.Deadline", related_name="events")
    deadline_id: int
    at = fields.DatetimeField()
    kind = fields.CharField(32)  # started, warned, breached, escalated, paused, resumed, met, ...
    level = fields.IntField(default=0)
    detail = fields.TextField(default="")
    # Unique so a tick that runs twice (two instances, a retry) records and acts once.
    action_key = fields.CharField(255, unique=True)

    class Meta:
        table = "deadline_event"
        ordering = ["id"]
