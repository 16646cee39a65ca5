from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0008_cust')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ConnectionLease',
            fields=[
                ('name', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ('holder', fields.CharField(max_length=64)),
                ('lease_until', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('acquired_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'connection_lease', 'app': 'models', 'pk_attr': 'name'},
            bases=['Model'],
        ),
    ]
