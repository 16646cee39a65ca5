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
