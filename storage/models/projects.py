"""Implementation projects (咨询实施, numbered P): the plan of stages, the consultants' daily
logs, the pause / terminate requests both managers approve, acceptance and the forms [001, 002]."""
from datetime import date, datetime

from tortoise import fields
from tortoise.models import Model

# Project states.
APPLIED, ACTIVE, PAUSED, FINAL, FAILED, TERMINATED, ARCHIVED = (
    "applied", "active", "paused", "final", "failed", "terminated", "archived")
OPEN_PROJECT = (APPLIED, ACTIVE, PAUSED, FINAL, FAILED)

# Stage states.
STAGE_OPEN, STAGE_DONE = "open", "done"

# Requests both managers approve.
PAUSE, TERMINATE = "pause", "terminate"
PENDING, EFFECTIVE, REFUSED = "pending", "effective", "refused"

# Forms of 002 §5.1.
FORM_IMPLEMENTATION, FORM_TRAINING, FORM_GOLIVE = "implementation", "training", "golive"
FORMS = (FORM_IMPLEMENTATION, FORM_TRAINING, FORM_GOLIVE)


class Project(Model):
    id = fields.IntField(primary_key=True)
    customer: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Customer", related_name="projects", on_delete=fields.RESTRICT)
    customer_id: int
    title = fields.CharField(128)
    content = fields.TextField(default="")
    first_visit = fields.IntField(null=True)  # the first visit S it came from, when it did
    status = fields.CharField(16, default=APPLIED, db_index=True)
    applied_by: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Staff", related_name="project_applied_by", on_delete=fields.RESTRICT)
    applied_by_id: int
    manager: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Staff", related_name="project_manager", null=True, on_delete=fields.RESTRICT)
    manager_id: int | None
    # User ids of the consultants, comma-separated, in assignment order.
    consultants = fields.CharField(512, default="")
    created_at = fields.DatetimeField()
    started_at = fields.DatetimeField(null=True)  # assigned: daily logs are owed from then on
    ended_at = fields.DatetimeField(null=True)  # acceptance passed: the implementation ended
    reviewed_at = fields.DatetimeField(null=True)  # the project manager reviewed the documents
    reviewed_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Staff", related_name="project_reviewed_by", null=True, on_delete=fields.RESTRICT)
    reviewed_by_id: int | None
    archived_at = fields.DatetimeField(null=True)
    terminated_at = fields.DatetimeField(null=True)
    paused_at = fields.DatetimeField(null=True)
    failure = fields.CharField(32, default="")  # why acceptance failed: promise / gap
    acceptance_round = fields.IntField(default=0)

    class Meta:
        table = "project"
        # The monthly report counts the projects started and ended in the month.
        indexes = (("started_at",), ("ended_at",))

    @property
    def number(self) -> str:
        return f"P{self.id}"

    def consultant_ids(self) -> list[str]:
        return [u for u in self.consultants.split(",") if u]


class ProjectStage(Model):
    id = fields.IntField(primary_key=True)
    project: fields.ForeignKeyRelation[Project] = fields.ForeignKeyField(
        "models.Project", related_name="stages", on_delete=fields.CASCADE)
    project_id: int
    seq = fields.IntField()
    name = fields.CharField(64)
    planned_start: date = fields.DateField()
    planned_end: date = fields.DateField()
    deliverable = fields.CharField(256, default="")
    training = fields.BooleanField(default=False)  # a training stage links sessions L
    status = fields.CharField(16, default=STAGE_OPEN)
    done_at: datetime | None = fields.DatetimeField(null=True)
    done_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Staff", related_name="projectstage_done_by", null=True, on_delete=fields.RESTRICT)
    done_by_id: int | None
    result = fields.TextField(default="")  # what was delivered
    reopened = fields.IntField(default=0)

    class Meta:
        table = "project_stage"
        unique_together = (("project_id", "name"),)


class ProjectLog(Model):
    """One consultant's implementation log of one working day."""

    id = fields.IntField(primary_key=True)
    project: fields.ForeignKeyRelation[Project] = fields.ForeignKeyField(
        "models.Project", related_name="logs", on_delete=fields.CASCADE)
    project_id: int
    consultant: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Staff", related_name="projectlog_consultant", on_delete=fields.RESTRICT)
    consultant_id: int
    day: date = fields.DateField()
    content = fields.TextField()
    at = fields.DatetimeField()
    # A missing log: reminded the next morning, then reported to the project manager.
    missing = fields.BooleanField(default=False)
    reminded_at = fields.DatetimeField(null=True)
    reported_at = fields.DatetimeField(null=True)

    class Meta:
        table = "project_log"
        unique_together = (("project_id", "consultant_id", "day"),)


class ProjectRequest(Model):
    """A pause or a termination, effective once the project manager and the implementation
    manager have both approved it."""

    id = fields.IntField(primary_key=True)
    project: fields.ForeignKeyRelation[Project] = fields.ForeignKeyField(
        "models.Project", related_name="requests", on_delete=fields.CASCADE)
    project_id: int
    kind = fields.CharField(16)
    reason = fields.TextField()
    status = fields.CharField(16, default=PENDING)
    requested_by: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Staff", related_name="projectrequest_requested_by", on_delete=fields.RESTRICT)
    requested_by_id: int
    requested_at = fields.DatetimeField()
    pm_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Staff", related_name="projectrequest_pm_by", null=True, on_delete=fields.RESTRICT)
    pm_by_id: int | None
    pm_at = fields.DatetimeField(null=True)
    mgr_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Staff", related_name="projectrequest_mgr_by", null=True, on_delete=fields.RESTRICT)
    mgr_by_id: int | None
    mgr_at = fields.DatetimeField(null=True)
    decided_at = fields.DatetimeField(null=True)

    class Meta:
        table = "project_request"
        indexes = (("project_id",),)


class ProjectForm(Model):
    id = fields.IntField(primary_key=True)
    project: fields.ForeignKeyRelation[Project] = fields.ForeignKeyField(
        "models.Project", related_name="forms", on_delete=fields.CASCADE)
    project_id: int
    kind = fields.CharField(16)
    note = fields.CharField(256, default="")
    handed_at = fields.DatetimeField()
    handed_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Staff", related_name="projectform_handed_by", null=True, on_delete=fields.RESTRICT)
    handed_by_id: int | None

    class Meta:
        table = "project_form"
        unique_together = (("project_id", "kind"),)


class ProjectEvent(Model):
    id = fields.IntField(primary_key=True)
    project: fields.ForeignKeyRelation[Project] = fields.ForeignKeyField(
        "models.Project", related_name="events", on_delete=fields.CASCADE)
    project_id: int
    at = fields.DatetimeField()
    actor: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Staff", related_name="projectevent_actor", null=True, on_delete=fields.RESTRICT)
    actor_id: int | None
    kind = fields.CharField(32)
    detail = fields.TextField(default="")

    class Meta:
        table = "project_event"
        indexes = (("project_id",),)
