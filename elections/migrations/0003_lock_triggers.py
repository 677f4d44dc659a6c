"""R9 in the database: on PostgreSQL, triggers refuse what the ORM guards refuse (models/locking.py),
so raw SQL cannot change an approved record either.

- an approved, superseded or void election cannot be updated or deleted; the one exception is
  approved -> superseded that changes nothing but status, superseded_at and updated_at;
- the rows of such an election (children covered and decisions, interpreter, signatures) cannot
  be inserted, updated or deleted;
- a notice version shown to a parent cannot change, except whether it is offered for new
  elections (is_current), and cannot be deleted;
- history rows and refused approval attempts are append-only: never updated or deleted.

Other databases (SQLite for development) rely on the ORM guards alone.
"""

from django.db import migrations

LOCKED = "('approved', 'superseded', 'void')"
REFUSE = "USING ERRCODE = 'restrict_violation'"

FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION formsvc_election_locked() RETURNS trigger AS $$
BEGIN
    IF OLD.status IN {LOCKED} THEN
        IF TG_OP = 'UPDATE'
           AND OLD.status = 'approved' AND NEW.status = 'superseded'
           AND NEW.superseded_at IS NOT NULL
           AND (to_jsonb(NEW) - 'status' - 'superseded_at' - 'updated_at')
             = (to_jsonb(OLD) - 'status' - 'superseded_at' - 'updated_at') THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'election % is % and can no longer be changed or deleted',
            OLD.id, OLD.status {REFUSE};
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION formsvc_election_row_locked() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (
        SELECT 1 FROM elections_election WHERE id = OLD.election_id AND status IN {LOCKED}
    ) THEN
        RAISE EXCEPTION '% of election % can no longer be changed or deleted',
            TG_TABLE_NAME, OLD.election_id {REFUSE};
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND EXISTS (
        SELECT 1 FROM elections_election WHERE id = NEW.election_id AND status IN {LOCKED}
    ) THEN
        RAISE EXCEPTION 'election % can no longer be changed: no % may be added',
            NEW.election_id, TG_TABLE_NAME {REFUSE};
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION formsvc_notice_version_frozen() RETURNS trigger AS $$
BEGIN
    IF OLD.first_shown_at IS NOT NULL AND (
        TG_OP = 'DELETE'
        OR (to_jsonb(NEW) - 'is_current') <> (to_jsonb(OLD) - 'is_current')
    ) THEN
        RAISE EXCEPTION 'notice version % was shown to a parent; its text can never change',
            OLD.id {REFUSE};
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION formsvc_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: rows are never changed or deleted', TG_TABLE_NAME {REFUSE};
END;
$$ LANGUAGE plpgsql;
"""

ELECTION_ROW_TABLES = ("elections_electionchild", "elections_interpreter", "elections_signature")


def _append_only_tables(apps) -> list[str]:
    tables = [
        model._meta.db_table
        for model in apps.get_app_config("elections").get_models()
        if model.__name__.startswith("Historical")
    ]
    return sorted([*tables, "elections_approvalattempt"])


def _triggers(apps) -> list[tuple[str, str, str, str]]:
    """(trigger name, table, events, function) for every trigger this migration creates."""
    triggers = [
        (
            "formsvc_election_locked",
            "elections_election",
            "UPDATE OR DELETE",
            "formsvc_election_locked",
        ),
        (
            "formsvc_notice_version_frozen",
            "elections_noticeversion",
            "UPDATE OR DELETE",
            "formsvc_notice_version_frozen",
        ),
    ]
    triggers += [
        ("formsvc_election_row_locked", table, "INSERT OR UPDATE OR DELETE", "formsvc_election_row_locked")
        for table in ELECTION_ROW_TABLES
    ]
    triggers += [
        ("formsvc_append_only", table, "UPDATE OR DELETE", "formsvc_append_only")
        for table in _append_only_tables(apps)
    ]
    return triggers


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # No parameters: the % in the functions are PL/pgSQL placeholders, not the driver's.
    schema_editor.execute(FUNCTIONS, params=None)
    for name, table, events, function in _triggers(apps):
        schema_editor.execute(
            f'CREATE TRIGGER {name} BEFORE {events} ON "{table}" '
            f"FOR EACH ROW EXECUTE FUNCTION {function}()"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, _events, _function in _triggers(apps):
        schema_editor.execute(f'DROP TRIGGER IF EXISTS {name} ON "{table}"')
    for function in (
        "formsvc_election_locked",
        "formsvc_election_row_locked",
        "formsvc_notice_version_frozen",
        "formsvc_append_only",
    ):
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}()")


class Migration(migrations.Migration):
    dependencies = [
        ("elections", "0002_approval"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
