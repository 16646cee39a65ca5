"""The hotline ticket aggregate: the ticket and its full event history."""
from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from storage.indexes import WhereIndex

if TYPE_CHECKING:
    from storage.models.people import Customer, Staff

# Ticket states. "new": nobody has claimed it, the creator is accountable (first-responder rule).
NEW, CLAIMED, RESOLVED, CLOSED = "new", "claimed", "resolved", "closed"
# Cancelled: made by mistake (/撤单); neither open work nor a service rendered.
CANCELLED = "cancelled"
STATUSES = (NEW, CLAIMED, RESOLVED, CLOSED, CANCELLED)


class Ticket(Model):
    id = fields.IntField(primary_key=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="tickets")
    customer_id: int
    contact = fields.CharField(64, default="")
    phone = fields.CharField(32, default="")
    product = fields.CharField(128, default="")
    priority = fields.CharField(16, default="普通")
    channel = fields.CharField(16, default="热线")
    category = fields.CharField(32, default="")
    service_mode = fields.CharField(16, default="电话")
    description = fields.TextField()
    status = fields.CharField(16, default=NEW, db_index=True)
    creator: fields.ForeignKeyRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="created_tickets")
    creator_id: int
    # Accountable person: the creator until someone claims or accepts a transfer. Never null.
    owner: fields.ForeignKeyRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="owned_tickets")
    owner_id: int
    offered_to: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="offered_tickets", null=True)
    offered_to_id: int | None
    duplicate_of: fields.ForeignKeyNullableRelation[Ticket] = fields.ForeignKeyField(
        "models.Ticket", related_name="duplicates", null=True)
    duplicate_of_id: int | None
    solution = fields.TextField(default="")
    created_at = fields.DatetimeField()
    claimed_at = fields.DatetimeField(null=True)
    resolved_at = fields.DatetimeField(null=True)
    source_platform = fields.CharField(32, default="")
    source_chat = fields.CharField(128, default="")

    class Meta:
        table = "ticket"
        # /单's duplicates, /我的 (owner and status, offered and status), the reports' created and
        # resolved ranges, /队列 (the unclaimed by priority, oldest first).
        indexes = (("duplicate_of_id",), ("owner_id", "status"), ("created_at",),
                   ("resolved_at",), ("status", "priority", "id"),
                   WhereIndex(fields=("offered_to_id", "status"), name="ticket_offered_open",
                              where='"offered_to_id" IS NOT NULL'))

    @property
    def number(self) -> str:
        return f"T{self.id}"


class TicketEvent(Model):
    id = fields.IntField(primary_key=True)
    ticket: fields.ForeignKeyRelation[Ticket] = fields.ForeignKeyField(
        "models.Ticket", related_name="events")
    ticket_id: int
    at = fields.DatetimeField()
    actor: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="ticket_events", null=True)
    actor_id: int | None
    kind = fields.CharField(32)  # created, claimed, transferred, accepted, resolved, ...
    detail = fields.TextField(default="")

    class Meta:
        table = "ticket_event"
        ordering = ["id"]
        # /单's history by ticket; /队列 asks which tickets have an event of a kind, answered
        # from the (kind, ticket_id) index alone.
        indexes = (("ticket_id",), ("kind", "ticket_id"))
