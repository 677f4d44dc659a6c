"""``python manage.py import_removals FILE.csv``: historical removals, all or nothing.

The file is UTF-8 (a byte-order mark is fine) with the header
``a_number,removed_on,office,children_removed``; ``removed_on`` is YYYY-MM-DD and
``children_removed`` lists the A-numbers of the children removed with the parent, separated by
spaces or semicolons (empty when none went). Every row is checked first; if any is bad nothing is
imported and each bad row is printed with its line number and why. Each removal is then recorded
as the API records one: checked against the clearance, and flagged where it departs from it.
"""

import csv
import io
import re
import sys
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from elections.identifiers import normalize_a_number
from elections.models import RemovalSource
from elections.removals import RemovalData, record_removal, removal_problems

HEADER = ["a_number", "removed_on", "office", "children_removed"]
_CHILD_SEPARATORS = re.compile(r"[;\s]+")


def read_csv(path: Path, header: list[str]) -> list[tuple[int, dict]]:
    """The rows of a UTF-8 CSV with exactly ``header``, each with its line number; CommandError
    (naming what is wrong) for an unreadable file, another encoding or another header."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise CommandError(
            f"{path} is not UTF-8 (line {line}, byte {error.start}): save it as UTF-8 CSV."
        ) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    found = [name.strip() for name in (reader.fieldnames or [])]
    if found != header:
        raise CommandError(
            f"{path}: the header must be exactly {','.join(header)}; found {','.join(found) or 'nothing'}."
        )
    rows = []
    for row in reader:
        extra = row.pop(None, None)
        cleaned = {key.strip(): (value or "").strip() for key, value in row.items()}
        if extra:
            cleaned["__extra__"] = extra
        rows.append((reader.line_num, cleaned))
    return rows


class Command(BaseCommand):
    help = "Import historical removals from a CSV file: every row is checked; all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        rows = read_csv(file, HEADER)
        if not rows:
            raise CommandError(f"{file} has no rows.")
        problems, removals, seen = [], [], {}
        for line, row in rows:
            data, row_problems = _parse(row)
            if data is not None:
                key = (data.a_number, data.removed_on)
                if key in seen:
                    row_problems.append(f"the same removal as line {seen[key]}")
                else:
                    seen[key] = line
                    row_problems.extend(removal_problems(data))
            if row_problems:
                problems.append((line, row_problems))
            else:
                removals.append((line, data))
        if problems:
            for line, why in problems:
                self.stderr.write(f"line {line}: {'; '.join(why)}")
            self.stderr.write(f"Nothing was imported: {len(problems)} of {len(rows)} rows are bad.")
            sys.exit(1)
        flagged = 0
        with transaction.atomic():
            for line, data in removals:
                removal = record_removal(data=data, source=RemovalSource.IMPORT)
                if removal.flags:
                    flagged += 1
                    codes = ", ".join(flag["code"] for flag in removal.flags)
                    self.stdout.write(f"line {line}: {removal} flagged: {codes}")
        self.stdout.write(f"Imported {len(removals)} removals; {flagged} flagged.")


def _parse(row: dict) -> tuple[RemovalData | None, list[str]]:
    problems = []
    if "__extra__" in row:
        problems.append("more columns than the header")
    try:
        a_number = normalize_a_number(row["a_number"])
    except ValidationError as error:
        problems.append("a_number: " + " ".join(error.messages))
        a_number = None
    try:
        removed_on = date.fromisoformat(row["removed_on"])
    except ValueError:
        problems.append(f"removed_on: “{row['removed_on']}” is not a date as YYYY-MM-DD")
        removed_on = None
    if not row["office"]:
        problems.append("office: the removing office's code is missing")
    children = [a for a in _CHILD_SEPARATORS.split(row["children_removed"]) if a]
    if problems:
        return None, problems
    return RemovalData(
        a_number=a_number,
        removed_on=removed_on,
        office_code=row["office"],
        children_removed=children,
    ), []
