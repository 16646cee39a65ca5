from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='RejectedInbound',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('platform', fields.CharField(max_length=32)),
                ('request_id', fields.CharField(default='', max_length=64)),
                ('reason', fields.CharField(max_length=255)),
                ('received_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('excerpt', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'rejected_inbound', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
