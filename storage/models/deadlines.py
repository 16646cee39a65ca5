"""The one deadline engine's rows: an obligation attached to any object, and its history.

Deadline rows are the truth for time: nothing is scheduled in memory per deadline.
"""
from tortoise import fields
from tortoise.models import Model

RUNNING, PAUSED, MET, BREACHED, CANCELLED = "running", "paused", "met", "breached", "cancelled"


class Deadline(Model):
    id = fields.BigIntField(primary_key=True)
    object_type = fields.CharField(32)  # ticket, dispatch, complaint, followup, handover, report
    object_id = fields.BigIntField()
    clock = fields.CharField(48)  # policy name in settings.clocks, e.g. "ticket_claim"
    state = fields.CharField(16, default=RUNNING, db_index=True)
    started_at = fields.DatetimeField()
    due_at = fields.DatetimeField()
    # The next moment the engine must look at this row (a warning, the due time, an escalation).
    next_check_at = fields.DatetimeField(null=True, db_index=True)
    warnings_sent = fields.IntField(default=0)
    level = fields.IntField(default=0)  # escalation levels already fired
    paused_at = fields.DatetimeField(null=True)
    remaining_s = fields.FloatField(null=True)  # wall seconds left, kept while paused
    closed_at = fields.DatetimeField(null=True)
    owner = fields.ForeignKeyField("models.Staff", related_name="deadlines", null=True)
    context = fields.JSONField(default=dict)  # what the reminders need (number, title, chat)
    lease_until = fields.DatetimeField(null=True)

    class Meta:
        table = "deadline"
        unique_together = (("object_type", "object_id", "clock"),)


class DeadlineEvent(Model):
    id = fields.BigIntField(primary_key=True)
    deadline = fields.ForeignKeyField("models.Deadline", related_name="events")
    at = fields.DatetimeField()
    kind = fields.CharField(32)  # started, warned, breached, escalated, paused, resumed, met
    level = fields.IntField(default=0)
    detail = fields.TextField(default="")
    # Unique so a tick that runs twice (two instances, a retry) records and acts once.
    action_key = fields.CharField(255, unique=True)

    class Meta:
        table = "deadline_event"
        ordering = ["id"]
