"""Platform API calls counted per month, against the quota a platform edition allows."""
from tortoise import fields
from tortoise.models import Model


class ApiUsage(Model):
    id = fields.IntField(primary_key=True)
    platform = fields.CharField(32)
    month = fields.CharField(7)  # "2026-11", in the center's time zone
    calls = fields.IntField(default=0)
    warned_at = fields.DatetimeField(null=True)  # the admins were told the quota is running out

    class Meta:
        table = "api_usage"
        unique_together = (("platform", "month"),)
