from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

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
        # The period a customer row held becomes its first contract. It is set aside first:
        # SQLite rebuilds the customer table to drop the columns, and that drop would cascade
        # to contract rows made before it.
        ops.RunSQL(
            "CREATE TABLE cust_period_0002 AS SELECT id, tier, contract_start, contract_end "
            "FROM customer WHERE contract_start IS NOT NULL AND contract_end IS NOT NULL"
        ),
        ops.RemoveField(model_name='Customer', name='contract_end'),
        ops.RemoveField(model_name='Customer', name='contract_start'),
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
    ]
