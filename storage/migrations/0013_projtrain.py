from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0012_perf')]

    initial = False

    operations = [
        ops.AddField(
            model_name='TrainingSession',
            name='stage',
            field=fields.ForeignKeyField('models.ProjectStage', source_field='stage_id', null=True, db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddIndex(model_name='TrainingSession', index=Index(fields=['trainer_id', 'day'])),
        ops.AddIndex(model_name='TrainingSession', index=Index(fields=['stage_id'])),
        ops.AddIndex(model_name='TrainingSession', index=Index(fields=['project_id'])),
        ops.AddIndex(model_name='ChangeRequest', index=Index(fields=['applicant_id'])),
        ops.AddIndex(model_name='SensitiveRequest', index=Index(fields=['engineer_id'])),
        ops.CreateModel(
            name='RequestAttachment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind_of', fields.CharField(max_length=16)),
                ('request_id', fields.IntField()),
                ('kind', fields.CharField(max_length=16)),
                ('name', fields.CharField(default='', max_length=255)),
                ('path', fields.CharField(max_length=512)),
                ('size', fields.IntField(default=0)),
                ('content_type', fields.CharField(default='', max_length=128)),
                ('platform', fields.CharField(max_length=32)),
                ('sender', fields.CharField(max_length=64)),
                ('source_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'request_attachment', 'app': 'models', 'indexes': [Index(fields=['kind_of', 'request_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RequestAttachmentWait',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('platform', fields.CharField(max_length=32)),
                ('sender', fields.CharField(max_length=64)),
                ('kind_of', fields.CharField(max_length=16)),
                ('request_id', fields.IntField()),
                ('until', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'request_attachment_wait', 'app': 'models', 'unique_together': (('platform', 'sender'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
