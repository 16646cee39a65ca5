from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

from storage.migration_ops import DropColumn
import json
import re

# Full-width digits and the separators people type, as bot/services/customers/phones.py reads
# them; a migration may not import the bot, so the archive's spelling is repeated here.
_FULL = str.maketrans("０１２３４５６７８９－（）＋　", "0123456789-()+ ")


def _phone(raw):
    text = (raw or "").translate(_FULL).strip()
    digits = re.sub(r"[\s\-()]", "", text)
    if digits.startswith("+86"):
        digits = digits[3:]
    number, sep, ext = digits.partition("转")
    if not number.isdigit():
        return text  # not a number the archive would take: kept as it was, not lost
    if number.startswith("0") and len(number) > 4:
        area = 3 if number[1] in "12" else 4
        number = f"{number[:area]}-{number[area:]}"
    return number + sep + ext


COLUMNS = "customer_id, name, role, phone, mobile, birthday, anniversary, is_primary"


async def contacts_aside(apps, schema_editor):
    """Each customer's JSON list of contacts, in list order (the first is the primary contact),
    is set aside in a plain table: the customer_contact model cannot exist in the migration
    state while the column of the same name does."""
    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"
    mark = (lambda i: f"${i}") if postgres else (lambda i: "?")
    await client.execute_script(
        "CREATE TABLE cust_contact_0009 (seq INT, customer_id INT, name VARCHAR(64), "
        "role VARCHAR(64), phone VARCHAR(32), mobile VARCHAR(32), birthday VARCHAR(5), "
        "anniversary VARCHAR(5), is_primary BOOLEAN)")
    insert = (f"INSERT INTO cust_contact_0009 (seq, {COLUMNS}) VALUES ("
              + ", ".join(mark(i) for i in range(1, 10)) + ")")
    _, rows = await client.execute_query("SELECT id, contacts FROM customer ORDER BY id")
    seq = 0
    for row in rows:
        value = row["contacts"]
        items = json.loads(value) if isinstance(value, (str, bytes)) else (value or [])
        for i, c in enumerate(x for x in items if isinstance(x, dict) and x.get("name")):
            seq += 1
            await client.execute_query(insert, [
                seq, row["id"], str(c["name"])[:64], str(c.get("role") or "")[:64],
                _phone(c.get("phone"))[:32], _phone(c.get("mobile"))[:32],
                str(c.get("birthday") or "")[:5], str(c.get("anniversary") or "")[:5], i == 0])


class Migration(migrations.Migration):
    dependencies = [('models', '0013_projtrain')]

    initial = False

    operations = [
        ops.AddField(
            model_name='FirstVisitTask',
            name='assignee',
            field=fields.ForeignKeyField('models.Staff', source_field='assignee_id', null=True, db_constraint=True, to_field='id', related_name='first_visit_tasks', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='FirstVisitTask',
            name='done_by',
            field=fields.ForeignKeyField('models.Staff', source_field='done_by_id', null=True, db_constraint=True, to_field='id', related_name='first_visit_tasks_done', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='FirstVisitTask',
            name='note',
            field=fields.CharField(default='', max_length=256),
        ),
        ops.RunPython(contacts_aside),
        DropColumn(model_name='Customer', name='contacts'),
        ops.CreateModel(
            name='CustomerContact',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('customer', fields.ForeignKeyField('models.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name='contacts', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=64)),
                ('role', fields.CharField(default='', max_length=64)),
                ('phone', fields.CharField(default='', max_length=32)),
                ('mobile', fields.CharField(default='', max_length=32)),
                ('birthday', fields.CharField(default='', max_length=5)),
                ('anniversary', fields.CharField(default='', max_length=5)),
                ('is_primary', fields.BooleanField(default=False)),
            ],
            options={'table': 'customer_contact', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.RunSQL([
            f"INSERT INTO customer_contact ({COLUMNS}) SELECT {COLUMNS} FROM cust_contact_0009 "
            "ORDER BY seq",
            "DROP TABLE cust_contact_0009",
        ]),
    ]
