"""Program change requests (程序修改申请, R) and sensitive requests (敏感申请, M) [002 §5, §8].

Both start from the customer unit's stamped written application; the bot records that it was
received (a file or photo the platform delivered, or the reference of the paper in the archive)
and when the paper reached the archive. Every step is a RequestEvent row: the request's history.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from storage.models.people import Customer, Staff

# How the stamped application was received: a file or photo through the platform, or paper.
APP_FILE, APP_PAPER = "file", "paper"

# Change request states. SUBMITTED: waiting for the manager's review. APPROVED: estimate given,
# the customer not told yet. REFUSED: refused, the customer not told yet. DEVELOPING: the
# customer knows the estimate, the developers work. DEVELOPED: waiting for the applicant's test.
# PASSED: the test passed, the customer not told yet. CLOSED: the customer was told the end.
SUBMITTED, APPROVED, REFUSED, DEVELOPING, DEVELOPED, PASSED, CLOSED = (
    "submitted", "approved", "refused", "developing", "developed", "passed", "closed")
CHANGE_STATES = (SUBMITTED, APPROVED, REFUSED, DEVELOPING, DEVELOPED, PASSED, CLOSED)
OPEN_CHANGE = (SUBMITTED, APPROVED, REFUSED, DEVELOPING, DEVELOPED, PASSED)
# What the customer asks for: a change of the program, or a bug to fix (steps and error needed).
FEATURE, BUG = "feature", "bug"

# Sensitive request kinds and states. DONE: the engineer acted and told the contact person.
ADMIN_PASSWORD, ACCOUNT_PASSWORD, REPORT_PASSWORD, CLEAR_DATA = (
    "admin_password", "account_password", "report_password", "clear_data")
SENSITIVE_KINDS = (ADMIN_PASSWORD, ACCOUNT_PASSWORD, REPORT_PASSWORD, CLEAR_DATA)
DONE = "done"
SENSITIVE_STATES = (SUBMITTED, APPROVED, REFUSED, DONE)
OPEN_SENSITIVE = (SUBMITTED, APPROVED)

CHANGE, SENSITIVE = "change", "sensitive"  # RequestEvent.kind_of / deadline object types


class ChangeRequest(Model):
    id = fields.IntField(primary_key=True)
    status = fields.CharField(16, default=SUBMITTED, db_index=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="change_requests")
    customer_id: int
    kind = fields.CharField(8, default=FEATURE)
    content = fields.TextField()
    steps = fields.TextField(default="")  # a bug: the exact steps that lead to it
    error = fields.TextField(default="")  # a bug: the error message shown
    app_via = fields.CharField(8)  # APP_FILE or APP_PAPER
    app_ref = fields.CharField(256)  # the media id / file name, or the paper's reference
    archive_ref = fields.CharField(64, default="")  # where the paper is filed (行政部存档)
    archived_at = fields.DatetimeField(null=True)
    applicant: fields.ForeignKeyRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="change_requests")
    applicant_id: int
    created_at = fields.DatetimeField(db_index=True)
    reviewed_by: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="change_reviews", null=True)
    reviewed_by_id: int | None
    reviewed_at = fields.DatetimeField(null=True)
    estimate = fields.DatetimeField(null=True)  # the estimated completion the manager gave
    review_note = fields.TextField(default="")  # the opinion, or the reason of a refusal
    told_at = fields.DatetimeField(null=True)  # the customer told the review's outcome
    developed_at = fields.DatetimeField(null=True)
    failed_tests = fields.IntField(default=0)
    passed_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True, db_index=True)

    class Meta:
        table = "change_request"
        indexes = (("applicant_id",),)  # /我的: the applicant's requests

    @property
    def number(self) -> str:
        return f"R{self.id}"


class SensitiveRequest(Model):
    id = fields.IntField(primary_key=True)
    status = fields.CharField(16, default=SUBMITTED, db_index=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="sensitive_requests")
    customer_id: int
    kind = fields.CharField(24)
    note = fields.TextField(default="")
    app_via = fields.CharField(8)
    app_ref = fields.CharField(256)
    archive_ref = fields.CharField(64, default="")
    archived_at = fields.DatetimeField(null=True)
    engineer: fields.ForeignKeyRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="sensitive_requests")
    engineer_id: int
    created_at = fields.DatetimeField(db_index=True)
    decided_by: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="sensitive_decisions", null=True)
    decided_by_id: int | None
    decided_at = fields.DatetimeField(null=True)
    decision_note = fields.TextField(default="")
    done_at = fields.DatetimeField(null=True)
    told_contact = fields.CharField(64, default="")  # the contact person who was told
    done_note = fields.TextField(default="")

    class Meta:
        table = "sensitive_request"
        indexes = (("engineer_id",),)  # /我的 and the grant: the engineer's requests

    @property
    def number(self) -> str:
        return f"M{self.id}"


class RequestEvent(Model):
    """One step of a change or sensitive request (kind_of CHANGE or SENSITIVE)."""

    id = fields.IntField(primary_key=True)
    kind_of = fields.CharField(16)
    request_id = fields.IntField()
    at = fields.DatetimeField()
    actor: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="request_events", null=True)
    actor_id: int | None
    kind = fields.CharField(32)
    detail = fields.TextField(default="")

    class Meta:
        table = "request_event"
        ordering = ["id"]
        indexes = (("kind_of", "request_id"),)
