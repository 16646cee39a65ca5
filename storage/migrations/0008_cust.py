from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

from storage.migration_ops import DropColumn

class Migration(migrations.Migration):
    dependencies = [('models', '0007_scale')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Customer',
            name='provisional',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='Customer',
            name='sales',
            field=fields.ForeignKeyField('models.Staff', source_field='sales_id', null=True, db_constraint=True, to_field='id', related_name='customers', on_delete=OnDelete.SET_NULL),
        ),
        # The period a customer row held becomes its first contract, set aside before the
        # columns go.
        ops.RunSQL(
            "CREATE TABLE cust_period_0002 AS SELECT id, tier, contract_start, contract_end "
            "FROM customer WHERE contract_start IS NOT NULL AND contract_end IS NOT NULL"
        ),
        # In place: RemoveField rebuilds the table on SQLite, and dropping the old customer table
        # deleted every ticket (storage/migration_ops.py).
        DropColumn(model_name='Customer', name='contract_end'),
        DropColumn(model_name='Customer', name='contract_start'),
        ops.CreateModel(
            name='Contract',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('customer', fields.ForeignKeyField('models.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name='contracts', on_delete=OnDelete.CASCADE)),
                ('signed_on', fields.DateField()),
                ('installed_on', fields.DateField(null=True)),
                ('ends_on', fields.DateField(db_index=True)),
                ('tier', fields.CharField(max_length=32)),
                ('modes', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_by', fields.ForeignKeyField('models.Staff', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='contracts_made', on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'contract', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.RunSQL([
            "INSERT INTO contract (customer_id, signed_on, ends_on, tier, modes, created_at) "
            "SELECT id, contract_start, contract_end, tier, '[]', CURRENT_TIMESTAMP "
            "FROM cust_period_0002",
            "DROP TABLE cust_period_0002",
        ]),
        ops.CreateModel(
            name='FirstVisit',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('customer', fields.ForeignKeyField('models.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name='first_visits', on_delete=OnDelete.CASCADE)),
                ('submitted_by', fields.ForeignKeyField('models.Staff', source_field='submitted_by_id', db_constraint=True, to_field='id', related_name='first_visits_submitted', on_delete=OnDelete.CASCADE)),
                ('contact', fields.CharField(max_length=64)),
                ('phone', fields.CharField(max_length=32)),
                ('address', fields.CharField(max_length=256)),
                ('software', fields.CharField(max_length=256)),
                ('status', fields.CharField(default='pending', db_index=True, max_length=16)),
                ('attempts', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('checklist', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('reached_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('caller', fields.ForeignKeyField('models.Staff', source_field='caller_id', null=True, db_constraint=True, to_field='id', related_name='first_visits_called', on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'first_visit', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CustomerNeed',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('visit', fields.ForeignKeyField('models.FirstVisit', source_field='visit_id', db_constraint=True, to_field='id', related_name='needs', on_delete=OnDelete.CASCADE)),
                ('department', fields.CharField(db_index=True, max_length=32)),
                ('content', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('created_by', fields.ForeignKeyField('models.Staff', source_field='created_by_id', db_constraint=True, to_field='id', related_name='needs_recorded', on_delete=OnDelete.CASCADE)),
                ('acked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('acked_by', fields.ForeignKeyField('models.Staff', source_field='acked_by_id', null=True, db_constraint=True, to_field='id', related_name='needs_acked', on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'customer_need', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FirstVisitTask',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('visit', fields.ForeignKeyField('models.FirstVisit', source_field='visit_id', db_constraint=True, to_field='id', related_name='tasks', on_delete=OnDelete.CASCADE)),
                ('item', fields.CharField(max_length=32)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('done_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'first_visit_task', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
