from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [('models', '0010_cards')]

    initial = False

    operations = [
        # The monthly clock compliance counts the deadlines due in the month from the index
        # alone (issue 16).
        ops.AddIndex(model_name='Deadline',
                     index=Index(fields=['due_at', 'clock', 'state', 'late', 'remaining_s'])),
        # The report's breaches, implementation projects and training sessions of the month.
        ops.AddIndex(model_name='Deadline', index=Index(fields=['breached_at'])),
        ops.AddIndex(model_name='Project', index=Index(fields=['started_at'])),
        ops.AddIndex(model_name='Project', index=Index(fields=['ended_at'])),
        ops.AddIndex(model_name='TrainingSession', index=Index(fields=['day'])),
        # The daily digest: deadlines still open by due time, complaints not archived.
        ops.AddIndex(model_name='Deadline', index=Index(fields=['closed_at', 'due_at'])),
        ops.AddIndex(model_name='Complaint', index=Index(fields=['archived_at', 'received_at'])),
    ]
