"""The standard problem library (标准化问题库): solved problems, searchable by their words."""
from tortoise import fields
from tortoise.models import Model


class KnowledgeEntry(Model):
    id = fields.IntField(primary_key=True)
    symptom = fields.TextField()
    cause = fields.TextField(default="")
    solution = fields.TextField()
    product = fields.CharField(128, default="")
    version = fields.CharField(64, default="")
    ticket = fields.ForeignKeyField("models.Ticket", related_name="knowledge", null=True)
    dispatch = fields.ForeignKeyField("models.Dispatch", related_name="knowledge", null=True)
    author = fields.ForeignKeyField("models.Staff", related_name="knowledge", null=True)
    created_at = fields.DatetimeField()
    # The search index: " word word bigram ... " with a space on each side of every term, so a
    # whole term is found with a plain substring match on any database.
    terms = fields.TextField(default="")
    hits = fields.IntField(default=0)  # how often it was shown in a search or a suggestion

    class Meta:
        table = "knowledge_entry"

    @property
    def number(self) -> str:
        return f"K{self.id}"
