"""Rows written in bulk for ``seed_scale``: plain dicts, inserted many at a time.

Building a model instance per row and letting ``bulk_create`` compile one placeholder per value
costs more than everything else the seeder does (measured: about 60% of its time at 30 rows per
election). A ``Table`` holds one model's columns, defaults and the conversion of each value for
the database in use, and inserts a list of dicts at once: binary ``COPY`` on PostgreSQL (each
value sent in its column's own format by psycopg's C code, the column types read from the
catalog), one ``executemany`` on SQLite. Nothing is bypassed in the database: constraints and
PostgreSQL's triggers check every row; ``save()`` and signals are not called, so
simple-history writes nothing and the seeder writes the history rows itself.

Integer ids are given here (from the table's current maximum), so a history row can name its
row before the insert; ``reset_sequences`` brings the database's own counters past them.
"""

import operator
from datetime import UTC

from django.core.management.color import no_style
from django.db import connection, models

#: Datetimes as SQLite text, converted once: history rows repeat the same moments many times.
_seen: dict = {}


def _sqlite_datetime(value):
    """As Django's SQLite backend stores an aware datetime: naive UTC text."""
    if value is None:
        return None
    text = _seen.get(value)
    if text is None:
        if len(_seen) > 200_000:
            _seen.clear()
        utc = value.astimezone(UTC) if value.utcoffset() else value
        text = _seen[value] = utc.replace(tzinfo=None).isoformat(" ")
    return text


def _converter(field, vendor: str):
    """How a Python value of ``field`` is passed to the database driver (None: as it is)."""
    target = field.target_field if field.is_relation else field
    if vendor == "postgresql":
        # Binary COPY: psycopg sends every value, JSON included, in its column's format.
        return None
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    if isinstance(target, models.UUIDField):
        return lambda value: None if value is None else value.hex
    if isinstance(target, models.DateTimeField):
        return _sqlite_datetime
    if isinstance(target, models.DateField):
        return connection.ops.adapt_datefield_value
    return None


def column_types(table: str, columns: list[str]) -> list[int]:
    """The type OID of each of ``table``'s ``columns``, from PostgreSQL's catalog: what binary
    COPY needs to know to send each value in its column's own format."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, atttypid FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
            [table],
        )
        oids = dict(cursor.fetchall())
    return [oids[column] for column in columns]


class Table:
    def __init__(self, model, order: list[str] | None = None):
        """``order``: the attribute names in the order rows given as tuples hold them."""
        self.model = model
        self.name = model._meta.db_table
        fields = model._meta.concrete_fields
        if order is not None:
            by_name = {f.attname: f for f in fields}
            fields = [by_name[name] for name in order]
        self.attnames = [f.attname for f in fields]
        self.defaults = {}
        for f in fields:
            default = f.get_default()
            self.defaults[f.attname] = [] if isinstance(default, list) else default
        pk = model._meta.pk
        self.auto_pk = pk.attname if isinstance(pk, models.AutoField) else None
        self.next_id = None
        table = connection.ops.quote_name(model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        self.sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
        # Binary COPY: each value goes in its column's own format, made by psycopg's C code
        # (no text to build here, none for the server to parse: a timestamp is 8 bytes, a
        # signature image its own bytes, not their hex).
        self.copy_sql = f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)"
        self.copying = connection.vendor == "postgresql"
        if self.copying:
            self.types = column_types(model._meta.db_table, [f.column for f in fields])
        converters = [] if self.copying else [_converter(f, connection.vendor) for f in fields]
        self.converting = [(i, c) for i, c in enumerate(converters) if c is not None]
        self.getter = operator.itemgetter(*self.attnames)
        self.pending: list[dict] = []

    def row(self, values: dict) -> dict:
        """A row of this table (defaults for what ``values`` leaves out), queued for insertion."""
        row = {**self.defaults, **values}
        if self.auto_pk and row[self.auto_pk] is None:
            row[self.auto_pk] = self.new_id()
        self.pending.append(row)
        return row

    def new_id(self) -> int:
        if self.next_id is None:
            top = self.model._base_manager.aggregate(top=models.Max(self.auto_pk))["top"]
            self.next_id = (top or 0) + 1
        self.next_id += 1
        return self.next_id - 1

    def add_tuple(self, row: tuple) -> None:
        """A row given as its values in ``order``, queued for insertion."""
        self.pending.append(row)

    def take(self) -> list[tuple]:
        """The queued rows as tuples of their values in column order, converted for the
        database in use (PostgreSQL: as they are); the queue is emptied."""
        rows, self.pending = self.pending, []
        getter = self.getter
        values = [row if type(row) is tuple else getter(row) for row in rows]
        if not self.converting:
            return values
        converted = []
        for row in values:
            row = list(row)
            for index, convert in self.converting:
                row[index] = convert(row[index])
            converted.append(tuple(row))
        return converted

    def write(self, cursor, rows: list[tuple]) -> None:
        if not rows:
            return
        if self.copying:
            # COPY, the fastest way in; constraints and row triggers still check every row.
            with cursor.cursor.copy(self.copy_sql) as copy:
                copy.set_types(self.types)
                write_row = copy.write_row
                for row in rows:
                    write_row(row)
        else:
            cursor.executemany(self.sql, rows)


def reset_sequences(models_written) -> None:
    """Move the databases' id counters past the ids given here (PostgreSQL; SQLite follows)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_written))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
