# The auditor's search at 100,000 elections (benchmarks/bench_audit_search.py).
#
# - Each sort of the list reads an index in its own order, the record id breaking ties: the
#   start date (never empty) both ways, and the submission and approval dates with the elections
#   that have none last, whichever the direction (PostgreSQL only: SQLite has no NULLS LAST in an
#   index). They replace 0005's single-column date indexes.
# - Name fragments ("icontains", which is UPPER(full_name) LIKE '%...%') use trigram indexes on
#   PostgreSQL when the pg_trgm extension can be created (a trusted extension since PostgreSQL 13;
#   the database owner may create it). Without it the search still works, by scanning.
#
# SQL, not Meta.indexes: the Election, Parent and Child models belong to the records' migrations.

from django.db import DatabaseError, migrations, transaction

REPLACED = ["audit_election_created_idx", "audit_election_submitted_idx", "audit_election_approved_idx"]

BOTH = [
    ("audit_election_created_id_idx", "elections_election", "created_at, id"),
    ("audit_election_submitted_id_idx", "elections_election", "submitted_at, id"),
    ("audit_election_approved_id_idx", "elections_election", "approved_at, id"),
]
POSTGRESQL = [
    (
        "audit_election_submitted_desc_idx",
        "elections_election",
        "submitted_at DESC NULLS LAST, id DESC",
    ),
    (
        "audit_election_approved_desc_idx",
        "elections_election",
        "approved_at DESC NULLS LAST, id DESC",
    ),
]
TRIGRAM = [
    ("audit_parent_name_trgm_idx", "elections_parent"),
    ("audit_child_name_trgm_idx", "elections_child"),
]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for name in REPLACED:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name};")
    indexes = BOTH + (POSTGRESQL if vendor == "postgresql" else [])
    for name, table, columns in indexes:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns});")
    if vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm;")
    except DatabaseError as error:  # no privilege, or the contrib package is not installed
        print(f"\n  pg_trgm unavailable ({error}); name search will scan instead of an index.")
        return
    for name, table in TRIGRAM:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            "USING gin ((UPPER(full_name::text)) gin_trgm_ops);"
        )


def drop(apps, schema_editor):
    for name, _table in TRIGRAM:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name};")
    for name, _table, _columns in BOTH + POSTGRESQL:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name};")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS audit_election_created_idx ON elections_election (created_at);"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS audit_election_submitted_idx "
        "ON elections_election (submitted_at);"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS audit_election_approved_idx ON elections_election (approved_at);"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("elections", "0006_queue_order_index"),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
    ]
