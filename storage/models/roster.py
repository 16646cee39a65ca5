"""The duty roster: who is on which shift of which day, rotations that generated them, handovers."""
from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from storage.models.people import Staff

# How an assignment came to be; a rotation's rows are replaced when the rotation is run again.
BY_COMMAND, BY_CSV, BY_ROTATION = "command", "csv", "rotation"


class DutyRotation(Model):
    # A rotation pattern a manager ran over a date range; its assignments point back to it.
    id = fields.IntField(primary_key=True)
    shift = fields.CharField(16)
    first_day = fields.DateField()
    last_day = fields.DateField()
    people: fields.JSONField[list[int]] = fields.JSONField(default=list)  # ids, rotation order
    period = fields.CharField(8, default="week")  # "week": one person a week; "day": a day each
    created_by: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="duty_rotations", null=True)
    created_by_id: int | None
    created_at = fields.DatetimeField()

    class Meta:
        table = "duty_rotation"


class DutyAssignment(Model):
    # One person on one shift of one local date.
    id = fields.IntField(primary_key=True)
    day = fields.DateField(db_index=True)
    shift = fields.CharField(16)  # a shift name of settings.roster, e.g. 早班, 值守
    staff: fields.ForeignKeyRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="duty_assignments")
    staff_id: int
    source = fields.CharField(16, default=BY_COMMAND)
    rotation: fields.ForeignKeyNullableRelation[DutyRotation] = fields.ForeignKeyField(
        "models.DutyRotation", related_name="assignments", null=True, on_delete=fields.SET_NULL)
    rotation_id: int | None
    assigned_by: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="duty_assigned", null=True)
    assigned_by_id: int | None
    assigned_at = fields.DatetimeField()
    checked_in_at = fields.DatetimeField(null=True)

    class Meta:
        table = "duty_assignment"
        unique_together = (("day", "shift", "staff"),)


class DutyHandover(Model):
    # The handover list posted at a shift's start, and its acknowledgement by the incoming shift.
    id = fields.IntField(primary_key=True)
    day = fields.DateField()
    shift = fields.CharField(16)
    posted_at = fields.DatetimeField()
    # What was handed over, as posted: [{"ref": "T3", "text": "..."}]; kept so /交接确认 and the
    # audit show what was taken over even after the items change.
    items: fields.JSONField[list[dict[str, str]]] = fields.JSONField(default=list)
    previous = fields.CharField(64, default="")  # "11-20 午班" the outgoing shift, for the text
    owner: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="duty_handovers", null=True)
    owner_id: int | None
    acked_by: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="duty_handovers_acked", null=True)
    acked_by_id: int | None
    acked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "duty_handover"
        unique_together = (("day", "shift"),)
