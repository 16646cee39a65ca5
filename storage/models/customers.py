"""Service contracts of a customer over time, and first visits (S) with their needs.

The customer unit itself (archive, contacts) is Customer in people.py.
"""
from tortoise import fields
from tortoise.models import Model

from storage.models.people import Customer, Staff


class Contract(Model):
    # One service contract; a renewal adds a row, so the history of periods and tiers stays.

    id = fields.IntField(primary_key=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="contracts")
    customer_id: int
    signed_on = fields.DateField()  # the contract date
    # The service period starts on the installation date, by default the contract date [002 §7].
    installed_on = fields.DateField(null=True)
    ends_on = fields.DateField(db_index=True)
    tier = fields.CharField(32)
    # Service modes granted by this contract; empty: the tier's modes from [service.modes].
    modes: fields.JSONField[list[str]] = fields.JSONField(default=list)
    created_at = fields.DatetimeField()
    created_by: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="contracts_made", null=True, on_delete=fields.SET_NULL)

    class Meta:
        table = "contract"

    @property
    def starts_on(self):
        return self.installed_on or self.signed_on
