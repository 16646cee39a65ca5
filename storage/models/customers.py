"""A customer's contacts, its service contracts over time, and first visits (S) with needs.

The customer unit itself (the archive) is Customer in people.py.
"""
from tortoise import fields
from tortoise.models import Model

from storage.models.people import Customer, Staff


class CustomerContact(Model):
    # A person at the customer unit. Phones are stored in the archive's spelling
    # (bot/services/customers/phones.py), care dates as "MM-DD"; the primary contact is the one
    # a ticket, complaint or dispatch without its own contact falls back to.

    id = fields.IntField(primary_key=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="contacts")
    customer_id: int
    name = fields.CharField(64)
    role = fields.CharField(64, default="")  # 职务
    phone = fields.CharField(32, default="")
    mobile = fields.CharField(32, default="")
    birthday = fields.CharField(5, default="")
    anniversary = fields.CharField(5, default="")
    is_primary = fields.BooleanField(default=False)

    class Meta:
        table = "customer_contact"

    @property
    def number(self) -> str:
        """The number to call: the mobile, else the landline."""
        return self.mobile or self.phone


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


# First-visit states: waiting for the desk's call, or reached (the checklist recorded).
VISIT_PENDING, VISIT_REACHED = "pending", "reached"


class FirstVisit(Model):
    # S: sales submits a new customer; the service desk phones to verify and inform [000, 001].

    id = fields.IntField(primary_key=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="first_visits")
    customer_id: int
    submitted_by: fields.ForeignKeyRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="first_visits_submitted")
    contact = fields.CharField(64)
    phone = fields.CharField(32)
    address = fields.CharField(256)
    software = fields.CharField(256)
    status = fields.CharField(16, default=VISIT_PENDING, db_index=True)
    attempts = fields.IntField(default=0)  # calls that did not reach the customer
    next_attempt_at = fields.DatetimeField(null=True)
    # {item: true/false} as told on the call (service code, dongle, phones, how to submit).
    checklist: fields.JSONField[dict[str, bool]] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField()
    reached_at = fields.DatetimeField(null=True)
    caller: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="first_visits_called", null=True, on_delete=fields.SET_NULL)

    class Meta:
        table = "first_visit"

    @property
    def number(self) -> str:
        return f"S{self.id}"


class FirstVisitTask(Model):
    # A checklist item answered "no": the desk follows it up (the first_visit_task clock, owned
    # by the assignee, until /首访跟进 closes it).

    id = fields.IntField(primary_key=True)
    visit: fields.ForeignKeyRelation[FirstVisit] = fields.ForeignKeyField(
        "models.FirstVisit", related_name="tasks")
    visit_id: int
    item = fields.CharField(32)
    created_at = fields.DatetimeField()
    done_at = fields.DatetimeField(null=True)
    # The desk engineer who made the call; the task is theirs in /我的.
    assignee: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="first_visit_tasks", null=True, on_delete=fields.SET_NULL)
    assignee_id: int | None
    done_by: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="first_visit_tasks_done", null=True,
        on_delete=fields.SET_NULL)
    note = fields.CharField(256, default="")  # how it was followed up

    class Meta:
        table = "first_visit_task"


class CustomerNeed(Model):
    # A need the customer voiced on the first visit, for one department; its head gets the
    # day's needs after work and acknowledges them.

    id = fields.IntField(primary_key=True)
    visit: fields.ForeignKeyRelation[FirstVisit] = fields.ForeignKeyField(
        "models.FirstVisit", related_name="needs")
    visit_id: int
    department = fields.CharField(32, db_index=True)
    content = fields.TextField()
    created_at = fields.DatetimeField(db_index=True)
    created_by: fields.ForeignKeyRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="needs_recorded")
    acked_at = fields.DatetimeField(null=True)
    acked_by: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="needs_acked", null=True, on_delete=fields.SET_NULL)

    class Meta:
        table = "customer_need"
