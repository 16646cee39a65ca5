from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0003_proj')]

    operations = [
        ops.AddField(
            model_name='InboundEvent',
            name='request_id',
            field=fields.CharField(default='', max_length=64),
        ),
        ops.AddField(
            model_name='InboundEvent',
            name='next_attempt_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='InboundEvent',
            name='dead_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='InboundEvent',
            name='last_error',
            field=fields.TextField(default='', unique=False),
        ),
    ]
