from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0009_leader')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CardRef',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('card_key', fields.CharField(max_length=128)),
                ('channel', fields.CharField(max_length=32)),
                ('address', fields.CharField(max_length=512)),
                ('object_type', fields.CharField(max_length=16)),
                ('object_id', fields.BigIntField()),
                ('title', fields.CharField(default='', max_length=255)),
                ('text', fields.TextField(default='', unique=False)),
                ('buttons', fields.TextField(default='[]', unique=False)),
                ('version', fields.IntField(default=0)),
                ('shown_version', fields.IntField(default=0)),
                ('response_code', fields.CharField(default='', max_length=255)),
                ('code_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('outbox_key', fields.CharField(default='', max_length=255)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'card', 'app': 'models', 'unique_together': (('card_key', 'channel', 'address'),), 'indexes': [Index(fields=['object_type', 'object_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
