from tortoise import migrations
from tortoise.migrations import operations as ops

from storage import search_index
from storage.indexes import WhereIndex


async def install_search(apps, schema_editor):
    """PostgreSQL's knowledge search moves from a GIN index to a postings table (issue 16)."""
    await search_index.install(schema_editor.client)


class Migration(migrations.Migration):
    dependencies = [('models', '0014_custfv')]

    initial = False

    operations = [
        ops.AddIndex(model_name='KnowledgeEntry', index=WhereIndex(
            fields=('id',), name='knowledge_entry_sensitive', where='"sensitive"')),
        ops.RunPython(install_search),
    ]
