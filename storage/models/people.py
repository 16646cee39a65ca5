"""Who the center serves and who works in it: staff, the chats the bot talks in, customers."""
from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from storage.models.customers import CustomerContact


class Role(StrEnum):
    """What a member of staff may do; stored comma-separated in Staff.roles."""

    ENGINEER = "engineer"
    MANAGER = "manager"
    SUPERVISOR = "supervisor"
    SALES = "sales"
    ADMIN = "admin"
    IMPL_MANAGER = "impl_manager"  # implementation manager: applies for and archives projects
    PROJECT_MANAGER = "project_manager"
    CONSULTANT = "consultant"  # implementation consultant
    TRAINER = "trainer"


class Purpose(StrEnum):
    """What a bound chat is for; pushes address chats by purpose, never by platform id."""

    HOTLINE = "hotline"
    MANAGERS = "managers"
    SUPERVISORS = "supervisors"
    HQ = "hq"
    # The department heads' chat that first-visit needs go to.
    DEPT_HEADS = "dept_heads"


class Staff(Model):
    id = fields.IntField(primary_key=True)
    userid = fields.CharField(64, unique=True)  # WeCom userid; also the simulator's id
    dingtalk_id = fields.CharField(64, null=True, unique=True)  # DingTalk staffId, when different
    name = fields.CharField(64, db_index=True)
    mobile = fields.CharField(32, default="")
    roles = fields.CharField(128, default="engineer")  # comma-separated Role values
    team = fields.CharField(64, default="")
    active = fields.BooleanField(default=True)

    class Meta:
        table = "staff"

    @property
    def role_set(self) -> frozenset[str]:
        return frozenset(r for r in self.roles.split(",") if r)

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set.intersection(roles))


class Chat(Model):
    id = fields.IntField(primary_key=True)
    platform = fields.CharField(32)  # bot.messages inbound platform, or "local"
    chat_key = fields.CharField(128)  # the platform's group id
    purpose = fields.CharField(32, null=True, db_index=True)  # a Purpose
    name = fields.CharField(128, default="")
    # Push channel and address for messages nobody asked for (group robot webhook, appchat, ...).
    push_channel = fields.CharField(32, default="")
    push_address = fields.CharField(512, default="")
    push_secret = fields.CharField(128, default="")  # DingTalk custom robot signing secret

    class Meta:
        table = "chat"
        unique_together = (("platform", "chat_key"),)


class Customer(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(128, unique=True)  # the customer unit (单位)
    contacts: fields.ReverseRelation["CustomerContact"]  # storage/models/customers.py
    address = fields.CharField(256, default="")
    region = fields.CharField(64, default="")
    products = fields.CharField(256, default="")  # "product version; ..."
    service_code = fields.CharField(64, default="")
    dongle = fields.CharField(64, default="")  # 加密锁号
    # 大客户 / 普通 / 紧急服务: the tier of the current contract (storage/models/customers.py),
    # kept here because every clock and report reads it with the customer.
    tier = fields.CharField(32, default="普通")
    # The sales person who answers for the archive and hears of renewals and care dates.
    sales: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="customers", null=True, on_delete=fields.SET_NULL)
    sales_id: int | None
    # Registered from a call before sales completed the archive (/建单 新客户=是).
    provisional = fields.BooleanField(default=False, db_default=False)  # existing rows: False

    class Meta:
        table = "customer"
