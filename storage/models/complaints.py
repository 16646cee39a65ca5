"""Complaints (the 用户投诉登记表, one row per complaint, with its history) and follow-up visits.

The register's columns follow the complaint procedure of the seeds [001 §六, 004 §6]: intake
(source, channel, unit, contact, the customer's full account, who received it and when),
confirmation (valid or outside the service contract, category, level), handling (responsible
department and person, cause, measure, the response to the customer), verification (the
customer's opinion), escalation to HQ, and the archive (corrective and preventive measures,
the result fed back to HQ for complaints HQ forwarded).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from storage.models.people import Customer, Staff
    from storage.models.tickets import Ticket

# Complaint states. REGISTERED: waiting for the supervisor's confirmation. HANDLING: valid,
# with the responsible person. RESPONDED: the result was given to the customer, waiting for the
# supervisor's verification. VERIFIED: the customer is satisfied, waiting for the archive.
REGISTERED, HANDLING, RESPONDED, VERIFIED, ARCHIVED = (
    "registered", "handling", "responded", "verified", "archived")
COMPLAINT_STATUSES = (REGISTERED, HANDLING, RESPONDED, VERIFIED, ARCHIVED)
OPEN_COMPLAINT = (REGISTERED, HANDLING, RESPONDED, VERIFIED)

# Where the complaint came from: the customer directly, or forwarded by HQ.
FROM_CUSTOMER, FROM_HQ = "customer", "hq"
# How serious: a handling plan is due within 3 (general) or 5 (major) working days [004 §6.2.2].
GENERAL, MAJOR = "general", "major"


class Complaint(Model):
    id = fields.IntField(primary_key=True)
    status = fields.CharField(16, default=REGISTERED, db_index=True)
    # Intake (投诉受理).
    source = fields.CharField(16, default=FROM_CUSTOMER)
    channel = fields.CharField(16, default="电话")  # 电话, 邮件, 在线, 现场, 总部转来, ...
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="complaints")
    customer_id: int
    contact = fields.CharField(64, default="")
    phone = fields.CharField(32, default="")
    category = fields.CharField(16)
    level = fields.CharField(8, default=GENERAL)
    content = fields.TextField()  # the customer's full account
    ticket: fields.ForeignKeyNullableRelation[Ticket] = fields.ForeignKeyField(
        "models.Ticket", related_name="complaints", null=True)
    ticket_id: int | None
    received_at = fields.DatetimeField(db_index=True)  # when the customer complained
    registered_by: fields.ForeignKeyRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="complaints_registered")
    registered_by_id: int
    created_at = fields.DatetimeField()
    # Confirmation (投诉确认). valid is null until confirmed. counted: a valid complaint counts in
    # the complaint rate; one outside the service contract is answered and archived, not counted.
    valid = fields.BooleanField(null=True)
    counted = fields.BooleanField(default=False)
    confirmed_by: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="complaints_confirmed", null=True)
    confirmed_by_id: int | None
    confirmed_at = fields.DatetimeField(null=True)
    confirm_note = fields.TextField(default="")  # the finding, or the explanation to the customer
    department = fields.CharField(64, default="")  # 责任部门
    responsible: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="complaints_responsible", null=True)
    responsible_id: int | None
    gm_notified_at = fields.DatetimeField(null=True)  # key customer: the general manager told
    # Handling (处理措施): the cause, the measure and the response to the customer.
    cause = fields.TextField(default="")
    measure = fields.TextField(default="")
    responded_by: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="complaints_responded", null=True)
    responded_by_id: int | None
    responded_at = fields.DatetimeField(null=True)  # first response of the current round
    result_at = fields.DatetimeField(null=True)  # the result given; verification is due after it
    # Verification (结果核实).
    verified_by: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="complaints_verified", null=True)
    verified_by_id: int | None
    verified_at = fields.DatetimeField(null=True)
    satisfied = fields.BooleanField(null=True)
    opinion = fields.TextField(default="")  # the customer's opinion of the result
    reopened = fields.IntField(default=0)  # times a dissatisfied customer sent it back
    escalated_at = fields.DatetimeField(null=True)  # escalated to HQ (服务发展部)
    escalation_note = fields.TextField(default="")
    # Archive (记录存档).
    corrective = fields.TextField(default="")
    preventive = fields.TextField(default="")
    archived_by: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="complaints_archived", null=True)
    archived_by_id: int | None
    archived_at = fields.DatetimeField(null=True)
    hq_feedback_at = fields.DatetimeField(null=True)  # result fed back to HQ (HQ-forwarded only)

    class Meta:
        table = "complaint"
        # The digest's complaints not archived at a moment: NULL or later, received before it.
        indexes = (("confirmed_at",), ("archived_at", "received_at"))

    @property
    def number(self) -> str:
        return f"C{self.id}"


class ComplaintEvent(Model):
    id = fields.IntField(primary_key=True)
    complaint: fields.ForeignKeyRelation[Complaint] = fields.ForeignKeyField(
        "models.Complaint", related_name="events")
    complaint_id: int
    at = fields.DatetimeField()
    actor: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="complaint_events", null=True)
    actor_id: int | None
    kind = fields.CharField(32)  # registered, confirmed, responded, verified, reopened, ...
    detail = fields.TextField(default="")

    class Meta:
        table = "complaint_event"
        ordering = ["id"]
        indexes = (("complaint_id",),)


# Follow-up visit states: DUE once the service is listed for the supervisors, DONE when visited.
DUE, DONE = "due", "done"
# The issue a visit found (a doubt, an old unsolved problem): the service manager assigns it.
ISSUE_OPEN, ISSUE_ASSIGNED, ISSUE_CLOSED = "open", "assigned", "closed"
DOUBT, LEFTOVER = "doubt", "leftover"


class FollowUp(Model):
    id = fields.IntField(primary_key=True)
    # One follow-up per completed service: "ticket:12" (a hotline ticket solved) or
    # "dispatch:3" (an on-site visit written off).
    service_key = fields.CharField(32, unique=True)
    ticket: fields.ForeignKeyRelation[Ticket] = fields.ForeignKeyField(
        "models.Ticket", related_name="followups")
    ticket_id: int
    dispatch_id = fields.IntField(null=True)  # the visit, when the service was on site
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="followups")
    customer_id: int
    engineer: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="followups_served", null=True)
    engineer_id: int | None
    service_at = fields.DatetimeField()  # when the service was completed
    status = fields.CharField(8, default=DUE, db_index=True)
    listed_on = fields.DateField(null=True)  # the morning the supervisors were given it
    created_at = fields.DatetimeField()
    visitor: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="followups_made", null=True)
    visitor_id: int | None
    visited_at = fields.DatetimeField(null=True, db_index=True)
    timeliness = fields.IntField(null=True)  # 1-5: response timeliness (响应及时性)
    skill = fields.IntField(null=True)  # 1-5: the engineer's skill (服务技能)
    attitude = fields.IntField(null=True)  # 1-5: the engineer's attitude (服务态度)
    remarks = fields.TextField(default="")
    issue_kind = fields.CharField(8, default="")  # DOUBT, LEFTOVER or empty
    issue = fields.TextField(default="")
    issue_status = fields.CharField(8, default="")  # ISSUE_* or empty when no issue
    assignee: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="followup_issues", null=True)
    assignee_id: int | None
    assigned_by: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="followups_assigned", null=True)
    assigned_by_id: int | None
    assigned_at = fields.DatetimeField(null=True)
    issue_result = fields.TextField(default="")
    issue_closed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "followup"
        # A ticket's follow-up; the issues assigned to someone (/我的).
        indexes = (("ticket_id",), ("assignee_id", "issue_status"))

    @property
    def number(self) -> str:
        return f"V{self.id}"
