from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0004_pipe')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ChangeRequest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('status', fields.CharField(default='submitted', db_index=True, max_length=16)),
                ('customer', fields.ForeignKeyField('models.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name='change_requests', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(default='feature', max_length=8)),
                ('content', fields.TextField(unique=False)),
                ('steps', fields.TextField(default='', unique=False)),
                ('error', fields.TextField(default='', unique=False)),
                ('app_via', fields.CharField(max_length=8)),
                ('app_ref', fields.CharField(max_length=256)),
                ('archive_ref', fields.CharField(default='', max_length=64)),
                ('archived_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('applicant', fields.ForeignKeyField('models.Staff', source_field='applicant_id', db_constraint=True, to_field='id', related_name='change_requests', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('reviewed_by', fields.ForeignKeyField('models.Staff', source_field='reviewed_by_id', null=True, db_constraint=True, to_field='id', related_name='change_reviews', on_delete=OnDelete.CASCADE)),
                ('reviewed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('estimate', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('review_note', fields.TextField(default='', unique=False)),
                ('told_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('developed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('failed_tests', fields.IntField(default=0)),
                ('passed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('closed_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'change_request', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RequestEvent',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind_of', fields.CharField(max_length=16)),
                ('request_id', fields.IntField()),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('actor', fields.ForeignKeyField('models.Staff', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='request_events', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=32)),
                ('detail', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'request_event', 'app': 'models', 'indexes': [Index(fields=['kind_of', 'request_id'])], 'pk_attr': 'id', 'table_description': 'One step of a change or sensitive request (kind_of CHANGE or SENSITIVE).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SensitiveRequest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('status', fields.CharField(default='submitted', db_index=True, max_length=16)),
                ('customer', fields.ForeignKeyField('models.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name='sensitive_requests', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=24)),
                ('note', fields.TextField(default='', unique=False)),
                ('app_via', fields.CharField(max_length=8)),
                ('app_ref', fields.CharField(max_length=256)),
                ('archive_ref', fields.CharField(default='', max_length=64)),
                ('archived_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('engineer', fields.ForeignKeyField('models.Staff', source_field='engineer_id', db_constraint=True, to_field='id', related_name='sensitive_requests', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('decided_by', fields.ForeignKeyField('models.Staff', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='sensitive_decisions', on_delete=OnDelete.CASCADE)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('decision_note', fields.TextField(default='', unique=False)),
                ('done_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('told_contact', fields.CharField(default='', max_length=64)),
                ('done_note', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'sensitive_request', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Dispatch',
            name='data_authorization_ref',
            field=fields.CharField(default='', max_length=256),
        ),
        ops.AddField(
            model_name='KnowledgeEntry',
            name='sensitive',
            field=fields.BooleanField(default=False),
        ),
    ]
