"""Migration operations of our own, for the migrations in storage/migrations."""
from tortoise.migrations import operations as ops


class DropColumn(ops.RemoveField):
    """RemoveField without SQLite's table rebuild. The rebuild drops the table, and with foreign
    keys on that DROP deletes every row first, cascading to the rows that refer to it (every
    ticket of every customer, for a column of customer). Both databases drop a plain column in
    place (SQLite since 3.35); the migration state changes as RemoveField's."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None):
        if not state_editor:
            return
        model = old_state.apps.get_model(f"{app_label}.{self.model_name}")
        column = model._meta.fields_db_projection.get(self.name, self.name)
        await state_editor.client.execute_script(
            f'ALTER TABLE "{model._meta.db_table}" DROP COLUMN "{column}"')
