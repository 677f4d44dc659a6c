"""Rows written in bulk for ``seed_scale``: plain dicts, inserted many at a time.

Building a model instance per row and letting ``bulk_create`` compile one placeholder per value
costs more than everything else the seeder does (measured: about 60% of its time at 30 rows per
election). A ``Table`` holds one model's columns, defaults and the conversion of each value for
the database in use, and inserts a list of dicts with one ``executemany`` per batch (through
Django's cursor: SQLite and PostgreSQL alike). Nothing is bypassed in the database: constraints
and PostgreSQL's triggers check every row; ``save()`` and signals are not called, so
simple-history writes nothing and the seeder writes the history rows itself.

Integer ids are given here (from the table's current maximum), so a history row can name its
row before the insert; ``reset_sequences`` brings the database's own counters past them.
"""

from datetime import UTC

from django.core.management.color import no_style
from django.db import connection, models


def _sqlite_datetime(value):
    """As Django's SQLite backend stores an aware datetime: naive UTC text."""
    if value is None:
        return None
    if value.utcoffset():
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None).isoformat(" ")


def _converter(field, vendor: str):
    """How a Python value of ``field`` is passed to the database driver (None: as it is)."""
    target = field.target_field if field.is_relation else field
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    if vendor == "postgresql":
        return None
    if isinstance(target, models.UUIDField):
        return lambda value: None if value is None else value.hex
    if isinstance(target, models.DateTimeField):
        return _sqlite_datetime
    if isinstance(target, models.DateField):
        return connection.ops.adapt_datefield_value
    return None


class Table:
    def __init__(self, model):
        self.model = model
        fields = model._meta.concrete_fields
        self.attnames = [f.attname for f in fields]
        self.defaults = {}
        for f in fields:
            default = f.get_default()
            self.defaults[f.attname] = [] if isinstance(default, list) else default
        pk = model._meta.pk
        self.auto_pk = pk.attname if isinstance(pk, models.AutoField) else None
        self.next_id = None
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        self.sql = (
            f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) "
            f"VALUES ({placeholders})"
        )
        self.converters = [_converter(f, connection.vendor) for f in fields]
        self.pending: list[dict] = []

    def row(self, values: dict) -> dict:
        """A row of this table (defaults for what ``values`` leaves out), queued for insertion."""
        row = {**self.defaults, **values}
        if self.auto_pk and row[self.auto_pk] is None:
            if self.next_id is None:
                self.next_id = (
                    self.model._base_manager.aggregate(top=models.Max(self.auto_pk))["top"] or 0
                ) + 1
            row[self.auto_pk] = self.next_id
            self.next_id += 1
        self.pending.append(row)
        return row

    def flush(self, cursor) -> int:
        rows, self.pending = self.pending, []
        if not rows:
            return 0
        pairs = list(zip(self.attnames, self.converters, strict=True))
        params = [
            tuple(row[name] if convert is None else convert(row[name]) for name, convert in pairs)
            for row in rows
        ]
        cursor.executemany(self.sql, params)
        return len(rows)


def reset_sequences(models_written) -> None:
    """Move the databases' id counters past the ids given here (PostgreSQL; SQLite follows)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_written))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
