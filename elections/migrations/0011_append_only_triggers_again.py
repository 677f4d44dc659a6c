"""The access log and the removals refuse UPDATE even from raw SQL, on SQLite too.

On SQLite, 0010 rebuilt the access log table to let ``user`` be empty, and a rebuilt table loses
its triggers: the access log's is created again here. Removals, which happened and can never
change, get the same guard (and on PostgreSQL a DELETE guard as well).
"""

from django.db import migrations

SQLITE = [
    (
        "elections_accesslog_append_only",
        "elections_accesslog",
        "the access log is append-only: UPDATE refused",
    ),
    (
        "elections_removal_append_only",
        "elections_removal",
        "a recorded removal can never change: UPDATE refused",
    ),
]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for name, table, message in SQLITE:
            schema_editor.execute(
                f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END;"
            )
    elif vendor == "postgresql":
        schema_editor.execute(
            """
            CREATE OR REPLACE FUNCTION formsvc_removal_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION USING
                    MESSAGE = 'a recorded removal can never change: ' || TG_OP || ' refused',
                    ERRCODE = 'insufficient_privilege';
            END $$ LANGUAGE plpgsql;
            """
        )
        schema_editor.execute(
            "CREATE TRIGGER elections_removal_append_only BEFORE UPDATE OR DELETE "
            "ON elections_removal FOR EACH ROW EXECUTE FUNCTION formsvc_removal_append_only();"
        )


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS elections_removal_append_only;")
    elif vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS elections_removal_append_only ON elections_removal;"
        )
        schema_editor.execute("DROP FUNCTION IF EXISTS formsvc_removal_append_only();")


class Migration(migrations.Migration):
    dependencies = [("elections", "0010_removal_gate")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
