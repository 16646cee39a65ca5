from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index
from tortoise import fields

from storage import search_index


async def install_search(apps, schema_editor):
    await search_index.install(schema_editor.client)

class Migration(migrations.Migration):
    dependencies = [('models', '0006_ops2')]

    initial = False

    operations = [
        ops.AddIndex(model_name='Ticket', index=Index(fields=['duplicate_of_id'])),
        ops.AddIndex(model_name='Ticket', index=Index(fields=['owner_id', 'status'])),
        ops.AddIndex(model_name='Ticket', index=Index(fields=['created_at'])),
        ops.AddIndex(model_name='Ticket', index=Index(fields=['resolved_at'])),
        ops.AddIndex(model_name='TicketEvent', index=Index(fields=['ticket_id'])),
        ops.AddIndex(model_name='TicketEvent', index=Index(fields=['kind', 'ticket_id'])),
        ops.AddIndex(model_name='KnowledgeEntry', index=Index(fields=['ticket_id'])),
        ops.AddIndex(model_name='Dispatch', index=Index(fields=['ticket_id'])),
        ops.AddIndex(model_name='Dispatch', index=Index(fields=['written_off_at'])),
        ops.AddIndex(model_name='Deadline', index=Index(fields=['closed_at'])),
        ops.AddIndex(model_name='Complaint', index=Index(fields=['confirmed_at'])),
        ops.AddIndex(model_name='ComplaintEvent', index=Index(fields=['complaint_id'])),
        ops.AddIndex(model_name='FollowUp', index=Index(fields=['ticket_id'])),
        ops.AddIndex(model_name='FollowUp', index=Index(fields=['assignee_id', 'issue_status'])),
        ops.AddIndex(model_name='ProjectRequest', index=Index(fields=['project_id'])),
        ops.AddIndex(model_name='ProjectEvent', index=Index(fields=['project_id'])),
        ops.AddIndex(model_name='TrainingSession', index=Index(fields=['course_id'])),
        ops.CreateModel(
            name='KnowledgeTerm',
            fields=[
                ('term', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=255)),
                ('docs', fields.IntField(default=0)),
            ],
            options={'table': 'knowledge_term', 'app': 'models', 'pk_attr': 'term'},
            bases=['Model'],
        ),
        ops.RunPython(install_search),
    ]
