from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0008_cust')]

    initial = False

    operations = [
        ops.AddField(
            model_name='TrainingSession',
            name='stage',
            field=fields.ForeignKeyField('models.ProjectStage', source_field='stage_id', null=True, db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.SET_NULL),
        ),
    ]
