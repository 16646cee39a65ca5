"""User training (用户培训): courses, sessions numbered L, trainees, attendance and scores
[000, 001 "用户培训服务流程"]."""
from datetime import date

from tortoise import fields
from tortoise.models import Model

# Course kinds: operation, advanced, business.
OPERATION, ADVANCED, BUSINESS = "operation", "advanced", "business"
COURSE_KINDS = (OPERATION, ADVANCED, BUSINESS)


class Course(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(64, unique=True)
    kind = fields.CharField(16)
    content = fields.TextField(default="")
    created_by: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Staff", related_name="course_created_by", on_delete=fields.RESTRICT)
    created_by_id: int
    created_at = fields.DatetimeField()

    class Meta:
        table = "course"


class TrainingSession(Model):
    id = fields.IntField(primary_key=True)
    course: fields.ForeignKeyRelation[Course] = fields.ForeignKeyField(
        "models.Course", related_name="sessions", on_delete=fields.RESTRICT)
    course_id: int
    day: date = fields.DateField()
    time = fields.CharField(16, default="")  # "09:00" as planned
    place = fields.CharField(128)
    trainer: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Staff", related_name="trainingsession_trainer", on_delete=fields.RESTRICT)
    trainer_id: int
    capacity = fields.IntField()
    project: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Project", related_name="sessions", null=True, on_delete=fields.SET_NULL)
    project_id: int | None
    attendance_at = fields.DatetimeField(null=True)
    acceptance_at = fields.DatetimeField(null=True)  # trainees signed the training acceptance
    created_at = fields.DatetimeField()

    class Meta:
        table = "training_session"
        # The monthly report counts a month's sessions by day.
        indexes = (("course_id",), ("day",))

    @property
    def number(self) -> str:
        return f"L{self.id}"


class Trainee(Model):
    id = fields.IntField(primary_key=True)
    session: fields.ForeignKeyRelation[TrainingSession] = fields.ForeignKeyField(
        "models.TrainingSession", related_name="trainees", on_delete=fields.CASCADE)
    session_id: int
    customer: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Customer", related_name="trainee_customer", on_delete=fields.RESTRICT)
    customer_id: int
    name = fields.CharField(64)
    phone = fields.CharField(32, default="")
    attended = fields.BooleanField(null=True)  # None: attendance not taken yet
    score = fields.IntField(null=True)
    registered_at = fields.DatetimeField()

    class Meta:
        table = "trainee"
        unique_together = (("session_id", "name", "customer_id"),)
