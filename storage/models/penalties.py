"""The penalty ledger: each penalty (F number), its appeal, and the fund they feed."""
from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from storage.models.people import Staff

# A penalty is ISSUED; the person may appeal (APPEALED); the service-center manager then UPHOLDS
# or CANCELS it. REVIEW is the demotion/dismissal review of repeated complaints: not a fine.
ISSUED, APPEALED, UPHELD, CANCELLED, REVIEW = "issued", "appealed", "upheld", "cancelled", "review"
STATUSES = (ISSUED, APPEALED, UPHELD, CANCELLED, REVIEW)
# What the fund counts: penalties in force. An appeal still open is shown apart, not counted.
IN_FORCE = (ISSUED, UPHELD)

FINE, WARNING, REVIEW_KIND = "fine", "warning", "review"


class Penalty(Model):
    id = fields.IntField(primary_key=True)
    staff: fields.ForeignKeyRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="penalties")
    staff_id: int
    rule = fields.CharField(32)  # a rule name of settings.penalties.rules (bot/rules/penalties.py)
    label = fields.CharField(64)  # the rule's label when issued (the configuration may change)
    kind = fields.CharField(8, default=FINE)  # FINE, WARNING (0 yuan), REVIEW_KIND
    amount = fields.IntField(default=0)  # yuan
    status = fields.CharField(16, default=ISSUED, db_index=True)
    reason = fields.TextField(default="")
    # What the penalty is about: ("dispatch", 3, "D3"), ("complaint", 5, "C5"); empty for manual.
    object_type = fields.CharField(32, default="")
    object_id = fields.BigIntField(null=True)
    object_ref = fields.CharField(32, default="")
    # Rule + object for penalties found in the data, so each is issued once whatever reruns the
    # scan (a second tick, a second instance, a restart). Null for those a supervisor enters.
    dedupe_key = fields.CharField(160, null=True, unique=True)
    issued_by: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="penalties_issued", null=True)
    issued_by_id: int | None
    issued_at = fields.DatetimeField()
    month = fields.CharField(7, db_index=True)  # local "YYYY-MM" of issued_at, for the ledger

    class Meta:
        table = "penalty"

    @property
    def number(self) -> str:
        return f"F{self.id}"


class PenaltyAppeal(Model):
    # One appeal per penalty, to the service-center manager, and the decision on it.
    id = fields.IntField(primary_key=True)
    penalty: fields.OneToOneRelation[Penalty] = fields.OneToOneField(
        "models.Penalty", related_name="appeal")
    penalty_id: int
    appellant: fields.ForeignKeyRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="penalty_appeals")
    appellant_id: int
    reason = fields.TextField()
    appealed_at = fields.DatetimeField()
    decision = fields.CharField(16, default="")  # UPHELD or CANCELLED once decided
    decided_by: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="penalty_decisions", null=True)
    decided_by_id: int | None
    decision_reason = fields.TextField(default="")
    decided_at = fields.DatetimeField(null=True)

    class Meta:
        table = "penalty_appeal"
