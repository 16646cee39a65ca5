"""The on-site dispatch aggregate: one visit (or the request for one) on behalf of a ticket."""
from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from storage.indexes import WhereIndex

if TYPE_CHECKING:
    from storage.models.people import Staff
    from storage.models.tickets import Ticket

# Dispatch states, in the order a visit goes through them. REQUESTED: an engineer asked for a
# visit (or an unsolved visit asked for the next one) and no manager has dispatched it yet.
REQUESTED, DISPATCHED, ACCEPTED, APPOINTED, ON_SITE = (
    "requested", "dispatched", "accepted", "appointed", "on_site")
DONE, UNSOLVED, WRITTEN_OFF, CANCELLED = "done", "unsolved", "written_off", "cancelled"
STATUSES = (REQUESTED, DISPATCHED, ACCEPTED, APPOINTED, ON_SITE, DONE, UNSOLVED, WRITTEN_OFF,
            CANCELLED)
# An engineer is out on it (counts as load) until the visit ends.
ACTIVE = (DISPATCHED, ACCEPTED, APPOINTED, ON_SITE)

# What an unsolved visit led to.
NEXT_VISIT, TO_HQ = "next", "hq"


class Dispatch(Model):
    id = fields.IntField(primary_key=True)
    ticket: fields.ForeignKeyRelation[Ticket] = fields.ForeignKeyField(
        "models.Ticket", related_name="dispatches")
    ticket_id: int
    status = fields.CharField(16, default=REQUESTED, db_index=True)
    reason = fields.TextField(default="")  # why a visit is needed (the request)
    requested_by: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="requested_dispatches", null=True)
    requested_by_id: int | None
    requested_at = fields.DatetimeField()
    # Null while REQUESTED; the manager names the engineer when dispatching.
    engineer: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="dispatches", null=True)
    engineer_id: int | None
    manager: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="managed_dispatches", null=True)
    manager_id: int | None
    dispatched_at = fields.DatetimeField(null=True)
    accepted_at = fields.DatetimeField(null=True)
    appointment_at = fields.DatetimeField(null=True)
    arrived_at = fields.DatetimeField(null=True)
    backup_at = fields.DatetimeField(null=True)
    backup_note = fields.TextField(default="")
    # Customer data taken off site: who at the customer authorized it (written authorization).
    data_authorized_by = fields.CharField(64, default="")
    data_taken_at = fields.DatetimeField(null=True)
    # The customer's written authorization: a file/photo reference or its paper-archive reference.
    data_authorization_ref = fields.CharField(256, default="")
    signatory = fields.CharField(64, default="")  # the customer's person who signed the record
    result = fields.TextField(default="")
    cause = fields.TextField(default="")
    finished_at = fields.DatetimeField(null=True)  # done or unsolved
    outcome = fields.CharField(8, default="")  # unsolved only: NEXT_VISIT or TO_HQ
    written_off_at = fields.DatetimeField(null=True)
    forms_at = fields.DatetimeField(null=True)  # service forms handed in
    # The visit that asked for this one, when an unsolved visit led to a next dispatch.
    previous: fields.ForeignKeyNullableRelation[Dispatch] = fields.ForeignKeyField(
        "models.Dispatch", related_name="next_dispatches", null=True)
    previous_id: int | None

    class Meta:
        table = "dispatch"
        # /我的: an engineer's visits by state.
        indexes = (("ticket_id",), ("written_off_at",),
                   WhereIndex(fields=("engineer_id", "status"), name="dispatch_engineer_status",
                              where='"engineer_id" IS NOT NULL'))

    @property
    def number(self) -> str:
        return f"D{self.id}"
