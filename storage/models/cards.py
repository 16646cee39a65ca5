"""Cards with buttons that were sent, so a later change of their object can redraw them."""
from tortoise import fields
from tortoise.models import Model


class CardRef(Model):
    """One card shown in one place (a chat, a member's private chat) for one object.

    `version` is the newest state queued for it, `shown_version` the newest one a platform took:
    a card-update row older than `shown_version` is stale and is never sent (a relay retry must
    not put an old state back over a newer one). `response_code` is the WeCom code that allows
    one `update_template_card` within 72 hours of `code_at` (from the send or from a click).
    """

    id = fields.BigIntField(primary_key=True)
    card_key = fields.CharField(128)  # OutboundMessage.task_id: WeCom task_id, DingTalk outTrackId
    channel = fields.CharField(32)
    address = fields.CharField(512)
    object_type = fields.CharField(16)  # "ticket" or "dispatch"
    object_id = fields.BigIntField()
    title = fields.CharField(255, default="")
    text = fields.TextField(default="")
    buttons = fields.TextField(default="[]")  # JSON list of {"key", "text"} as first sent
    version = fields.IntField(default=0)
    shown_version = fields.IntField(default=0)
    response_code = fields.CharField(255, default="")
    code_at = fields.DatetimeField(null=True)
    outbox_key = fields.CharField(255, default="")  # the outbox row that sent it
    created_at = fields.DatetimeField()

    class Meta:
        table = "card"
        unique_together = (("card_key", "channel", "address"),)
        indexes = (("object_type", "object_id"),)
