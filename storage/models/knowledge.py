"""The standard problem library (标准化问题库): solved problems, searchable by their words."""
from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from storage.indexes import WhereIndex

if TYPE_CHECKING:
    from storage.models.dispatches import Dispatch
    from storage.models.people import Staff
    from storage.models.tickets import Ticket


class KnowledgeEntry(Model):
    id = fields.IntField(primary_key=True)
    symptom = fields.TextField()
    cause = fields.TextField(default="")
    solution = fields.TextField()
    product = fields.CharField(128, default="")
    version = fields.CharField(64, default="")
    ticket: fields.ForeignKeyNullableRelation[Ticket] = fields.ForeignKeyField(
        "models.Ticket", related_name="knowledge", null=True)
    ticket_id: int | None
    dispatch: fields.ForeignKeyNullableRelation[Dispatch] = fields.ForeignKeyField(
        "models.Dispatch", related_name="knowledge", null=True)
    dispatch_id: int | None
    author: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="knowledge", null=True)
    author_id: int | None
    created_at = fields.DatetimeField()
    # The search index: " word word bigram ... " with a space on each side of every term, so a
    # whole term is found with a plain substring match on any database.
    terms = fields.TextField(default="")
    hits = fields.IntField(default=0)  # how often it was shown in a search or a suggestion
    # How to break a password and the like: shown only to the engineer holding an approved
    # sensitive request (M) for the customer, and every such read is audited.
    sensitive = fields.BooleanField(default=False)

    class Meta:
        table = "knowledge_entry"
        # The few sensitive entries, which a search leaves out by id before it ranks.
        indexes = (("ticket_id",), WhereIndex(fields=("id",), name="knowledge_entry_sensitive",
                                              where='"sensitive"'))

    @property
    def number(self) -> str:
        return f"K{self.id}"


class KnowledgeTerm(Model):
    # How many entries hold a term (the empty term: how many entries there are), so a search
    # weighs its terms by rarity without counting rows each time.
    term = fields.CharField(255, primary_key=True)
    docs = fields.IntField(default=0)

    class Meta:
        table = "knowledge_term"
