# The auditor's name search ignores accents and case ("Benitez" finds "Benítez" and the other way
# round), the same on SQLite and PostgreSQL: each parent and child keeps its name as the search
# compares it (``elections.names.search_key``, set by ``save``), filled here for the rows already
# stored. On PostgreSQL a trigram index on it serves the fragment search (LIKE '%...%'), as
# 0007's served the old UPPER(full_name) one; without pg_trgm the search scans, as before.

from django.db import migrations, models

from elections.names import search_key

TRIGRAM = [
    ("audit_parent_search_name_trgm_idx", "elections_parent"),
    ("audit_child_search_name_trgm_idx", "elections_child"),
]


def fill(apps, schema_editor):
    alias = schema_editor.connection.alias
    for name in ("Parent", "Child"):
        model = apps.get_model("elections", name)
        rows = model.objects.using(alias).only("pk", "full_name")
        for row in rows.iterator(chunk_size=2000):
            model.objects.using(alias).filter(pk=row.pk).update(
                search_name=search_key(row.full_name)
            )


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:  # 0007 could not create it: the search scans
            return
    for name, table in TRIGRAM:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (search_name gin_trgm_ops);"
        )


def drop_indexes(apps, schema_editor):
    for name, _table in TRIGRAM:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name};")


class Migration(migrations.Migration):
    dependencies = [
        ("elections", "0011_append_only_triggers_again"),
    ]

    operations = [
        migrations.AddField(
            model_name="child",
            name="search_name",
            field=models.CharField(blank=True, default="", editable=False, max_length=200),
        ),
        migrations.AddField(
            model_name="parent",
            name="search_name",
            field=models.CharField(blank=True, default="", editable=False, max_length=200),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
