"""Pictures and files kept with tickets, and who is about to send one for which ticket."""
from tortoise import fields
from tortoise.models import Model


class TicketAttachment(Model):
    id = fields.IntField(primary_key=True)
    ticket: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Ticket", related_name="attachments")
    ticket_id: int
    kind = fields.CharField(16)  # bot.messages IMAGE or FILE
    name = fields.CharField(255, default="")
    path = fields.CharField(512)  # relative to the configured files directory
    size = fields.IntField(default=0)
    content_type = fields.CharField(128, default="")
    platform = fields.CharField(32)
    sender = fields.CharField(64)  # platform user id as received
    created_at = fields.DatetimeField()

    class Meta:
        table = "ticket_attachment"


class AttachmentWait(Model):
    # `/附件 T12`: the next picture or file from this person, until `until`, belongs to T12.

    id = fields.IntField(primary_key=True)
    platform = fields.CharField(32)
    sender = fields.CharField(64)
    ticket: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Ticket", related_name="attachment_waits")
    ticket_id: int
    until = fields.DatetimeField()

    class Meta:
        table = "attachment_wait"
        unique_together = (("platform", "sender"),)


class RequestAttachment(Model):
    """A scan or photo of a customer's stamped application kept with a change request R or a
    sensitive request M: sent for it (/附件 R5 then the picture), or taken from a ticket's
    attachment A<n> (附件=A3 on submission; the file stays where the ticket keeps it)."""

    id = fields.IntField(primary_key=True)
    kind_of = fields.CharField(16)  # storage.models.requests CHANGE or SENSITIVE
    request_id = fields.IntField()
    kind = fields.CharField(16)  # bot.messages IMAGE or FILE
    name = fields.CharField(255, default="")
    path = fields.CharField(512)  # relative to the configured files directory
    size = fields.IntField(default=0)
    content_type = fields.CharField(128, default="")
    platform = fields.CharField(32)
    sender = fields.CharField(64)
    source_id = fields.IntField(null=True)  # the ticket attachment A<n> it was taken from
    created_at = fields.DatetimeField()

    class Meta:
        table = "request_attachment"
        indexes = (("kind_of", "request_id"),)


class RequestAttachmentWait(Model):
    # `/附件 R5`: the next picture or file from this person, until `until`, belongs to R5.

    id = fields.IntField(primary_key=True)
    platform = fields.CharField(32)
    sender = fields.CharField(64)
    kind_of = fields.CharField(16)
    request_id = fields.IntField()
    until = fields.DatetimeField()

    class Meta:
        table = "request_attachment_wait"
        unique_together = (("platform", "sender"),)
