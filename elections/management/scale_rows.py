"""Rows written in bulk for ``seed_scale``: plain dicts, inserted many at a time.

Building a model instance per row and letting ``bulk_create`` compile one placeholder per value
costs more than everything else the seeder does (measured: about 60% of its time at 30 rows per
election). A ``Table`` holds one model's columns, defaults and the conversion of each value for
the database in use, and inserts a list of dicts at once: ``COPY`` on PostgreSQL, one ``executemany``
on SQLite. Nothing is bypassed in the database: constraints
and PostgreSQL's triggers check every row; ``save()`` and signals are not called, so
simple-history writes nothing and the seeder writes the history rows itself.

Integer ids are given here (from the table's current maximum), so a history row can name its
row before the insert; ``reset_sequences`` brings the database's own counters past them.
"""

import json
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


def _json(value):
    if value is None:
        return None
    return "[]" if value == [] else json.dumps(value)


def _converter(field, vendor: str):
    """How a Python value of ``field`` is passed to the database driver (None: as it is)."""
    target = field.target_field if field.is_relation else field
    if vendor == "postgresql":
        # COPY: psycopg writes dates, times, UUIDs and bytes itself; JSON goes as its text.
        return _json if isinstance(field, models.JSONField) else None
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    if isinstance(target, models.UUIDField):
        return lambda value: None if value is None else value.hex
    if isinstance(target, models.DateTimeField):
        return _sqlite_datetime
    if isinstance(target, models.DateField):
        return connection.ops.adapt_datefield_value
    return None


# --- COPY text (PostgreSQL) ---------------------------------------------------------------------

#: What COPY's text format gives a meaning to inside a value: escaped as its documentation says.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_NULL = "\\N"
#: Signature images repeat (a dozen shared by every signature): their text is made once.
_bytea_seen: dict[bytes, str] = {}


def _escaped(text: str) -> str:
    """``text`` as COPY text: a search for each special character (fast, and almost always
    nothing found) before the slower translation."""
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return str.translate(text, _COPY_ESCAPES)
    return text


def _copy_text(value) -> str:
    return _NULL if value is None else _escaped(value)


def _copy_plain(value) -> str:
    """Integers, UUIDs: their text has nothing to escape."""
    return _NULL if value is None else str(value)


def _copy_moment(value) -> str:
    """Dates and aware datetimes: ISO 8601, which PostgreSQL reads (the offset included)."""
    return _NULL if value is None else value.isoformat()


def _copy_bool(value) -> str:
    return _NULL if value is None else ("t" if value else "f")


def _copy_json(value) -> str:
    if value is None:
        return _NULL
    return "[]" if value == [] else _escaped(json.dumps(value))


def _copy_bytea(value) -> str:
    if value is None:
        return _NULL
    text = _bytea_seen.get(value)
    if text is None:
        if len(_bytea_seen) > 1000:
            _bytea_seen.clear()
        # bytea's hex input, its backslash escaped for COPY.
        text = _bytea_seen[value] = "\\\\x" + bytes(value).hex()
    return text


_COPY_FORMATS = {
    "CharField": _copy_text,
    "TextField": _copy_text,
    "DateTimeField": _copy_moment,
    "DateField": _copy_moment,
    "UUIDField": _copy_plain,
    "AutoField": _copy_plain,
    "BigAutoField": _copy_plain,
    "BigIntegerField": _copy_plain,
    "IntegerField": _copy_plain,
    "PositiveSmallIntegerField": _copy_plain,
    "PositiveIntegerField": _copy_plain,
    "SmallIntegerField": _copy_plain,
    "BooleanField": _copy_bool,
    "JSONField": _copy_json,
    "BinaryField": _copy_bytea,
}


def _copy_format(field):
    """The function giving ``field``'s value as COPY text (a field of another type: an error,
    rather than a guess)."""
    target = field.target_field if field.is_relation else field
    kind = target.get_internal_type()
    if kind not in _COPY_FORMATS:
        raise TypeError(f"seed_scale cannot write a {kind} ({field}) as COPY text")
    return _COPY_FORMATS[kind]


def copy_line_function(fields):
    """One function turning a row tuple into its COPY text line (tab-separated, newline-ended),
    compiled once per table: a call per value, no loop."""
    formats = [_copy_format(f) for f in fields]
    names = {f"f{i}": fmt for i, fmt in enumerate(formats)}
    body = " + '\\t' + ".join(f"f{i}(row[{i}])" for i in range(len(formats)))
    source = f"def line(row):\n    return {body} + '\\n'\n"
    scope = dict(names)
    exec(compile(source, "<seed_scale copy line>", "exec"), scope)  # noqa: S102 (our own code)
    return scope["line"]


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
        self.copy_sql = f"COPY {table} ({columns}) FROM STDIN"
        self.copying = connection.vendor == "postgresql"
        if self.copying:
            self.line = copy_line_function(fields)
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

    def take(self):
        """The queued rows as the database takes them (PostgreSQL: one block of COPY text;
        SQLite: tuples for ``executemany``); the queue is emptied."""
        rows, self.pending = self.pending, []
        if not rows:
            return []
        values = [row if type(row) is tuple else self.getter(row) for row in rows]
        if self.copying:
            line = self.line
            return "".join([line(row) for row in values])
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
        if connection.vendor == "postgresql":
            # COPY, the fastest way in; constraints and row triggers still check every row.
            # The rows come as one block of COPY text (``take``): one write, no per-row work.
            with cursor.cursor.copy(self.copy_sql) as copy:
                copy.write(rows)
        else:
            cursor.executemany(self.sql, rows)


def reset_sequences(models_written) -> None:
    """Move the databases' id counters past the ids given here (PostgreSQL; SQLite follows)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_written))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
