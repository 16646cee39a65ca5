from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0005_reqs')]

    initial = False

    operations = [
        ops.CreateModel(
            name='TicketAttachment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('ticket', fields.ForeignKeyField('models.Ticket', source_field='ticket_id', db_constraint=True, to_field='id', related_name='attachments', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=16)),
                ('name', fields.CharField(default='', max_length=255)),
                ('path', fields.CharField(max_length=512)),
                ('size', fields.IntField(default=0)),
                ('content_type', fields.CharField(default='', max_length=128)),
                ('platform', fields.CharField(max_length=32)),
                ('sender', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'ticket_attachment', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AttachmentWait',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('platform', fields.CharField(max_length=32)),
                ('sender', fields.CharField(max_length=64)),
                ('ticket', fields.ForeignKeyField('models.Ticket', source_field='ticket_id', db_constraint=True, to_field='id', related_name='attachment_waits', on_delete=OnDelete.CASCADE)),
                ('until', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'attachment_wait', 'app': 'models', 'unique_together': (('platform', 'sender'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ApiUsage',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('platform', fields.CharField(max_length=32)),
                ('month', fields.CharField(max_length=7)),
                ('calls', fields.IntField(default=0)),
                ('warned_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'api_usage', 'app': 'models', 'unique_together': (('platform', 'month'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
