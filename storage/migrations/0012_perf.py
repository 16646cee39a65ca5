from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index
from tortoise import fields

from storage.indexes import WhereIndex


class DropColumnIndex(ops.AlterField):
    """AlterField's state change; in the database only the column's own index is dropped
    (AlterField rebuilds the table on SQLite and loses the table's other indexes)."""

    def __init__(self, model_name, name, field, index):
        super().__init__(model_name, name, field)
        self.index = index

    async def database_forward(self, app_label, old_state, new_state, state_editor=None):
        if state_editor:
            await state_editor._run_sql(f'DROP INDEX IF EXISTS "{self.index}"')

    async def database_backward(self, app_label, old_state, new_state, state_editor=None):
        if state_editor:
            await state_editor._run_sql(
                f'CREATE INDEX "{self.index}" ON "deadline" ("next_check_at")')


class Migration(migrations.Migration):
    dependencies = [('models', '0011_reports')]

    initial = False

    operations = [
        # Partial where the column is mostly empty (not yet offered, assigned, dispatched): the
        # index holds only rows a lookup by person can find, and its statistics say so.
        ops.AddIndex(model_name='Ticket', index=WhereIndex(
            fields=('offered_to_id', 'status'), name='ticket_offered_open',
            where='"offered_to_id" IS NOT NULL')),
        ops.AddIndex(model_name='Ticket', index=Index(fields=['status', 'priority', 'id'])),
        ops.AddIndex(model_name='Dispatch', index=WhereIndex(
            fields=('engineer_id', 'status'), name='dispatch_engineer_status',
            where='"engineer_id" IS NOT NULL')),
        ops.AddIndex(model_name='Complaint', index=WhereIndex(
            fields=('responsible_id', 'status'), name='complaint_responsible_status',
            where='"responsible_id" IS NOT NULL')),
        # next_check_at is indexed only where set: the closed history has nothing to check.
        DropColumnIndex(model_name='Deadline', name='next_check_at',
                        field=fields.DatetimeField(null=True), index='idx_deadline_next_ch_07fa17'),
        ops.AddIndex(model_name='Deadline', index=WhereIndex(
            fields=('next_check_at',), name='deadline_next_check_open',
            where='"next_check_at" IS NOT NULL')),
    ]
