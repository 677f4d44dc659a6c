"""``python manage.py import_family_units FILE.csv``: register the families of a case system's
export, one row per child, the rows of one parent grouped by ``parent_a_number``.

Every row is checked first (the header, the encoding, each value); if anything is wrong nothing
is imported and each problem is printed with its line number. Otherwise every family is
registered in one transaction through ``elections.intake.register_family_unit``, and the command
prints what it created, what was already recorded, and each discrepancy with the record.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from elections.access_log import service_access_record
from elections.identifiers import format_a_number, normalize_a_number
from elections.intake import (
    ChildUnitData,
    FamilyUnitData,
    family_unit_problems,
    register_family_unit,
)
from elections.models import AccessAction

HEADER = (
    "office",
    "parent_a_number",
    "parent_name",
    "parent_date_of_birth",
    "parent_country",
    "parent_primary_language",
    "parent_home_country_contact",
    "child_a_number",
    "child_name",
    "child_date_of_birth",
    "child_location_kind",
    "child_location_name",
    "relationship",
    "evidence",
    "evidence_note",
)
PARENT_COLUMNS = HEADER[:7]

#: The CSV column each payload path of ``register_family_unit``'s errors comes from.
PARENT_PATHS = {
    "office": "office",
    "parent.a_number": "parent_a_number",
    "parent.name": "parent_name",
    "parent.date_of_birth": "parent_date_of_birth",
    "parent.country": "parent_country",
    "parent.primary_language": "parent_primary_language",
    "parent.home_country_contact": "parent_home_country_contact",
}
CHILD_PATHS = {
    "a_number": "child_a_number",
    "name": "child_name",
    "date_of_birth": "child_date_of_birth",
    "location_kind": "child_location_kind",
    "location_name": "child_location_name",
    "relationship": "relationship",
    "evidence": "evidence",
    "evidence_note": "evidence_note",
}
_CHILD_PATH = re.compile(r"^children\[(\d+)\]\.(\w+)$")


@dataclass
class Problem:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = _("line %(line)d") % {"line": self.line}
        if self.column:
            where += f", {self.column}"
        return f"{where}: {self.message}"


@dataclass
class Family:
    key: str
    rows: list[tuple[int, dict]] = field(default_factory=list)

    @property
    def first_line(self) -> int:
        return self.rows[0][0]


def _decode(data: bytes) -> tuple[str | None, Problem | None]:
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return None, Problem(
            line,
            "",
            _(
                "the file is not UTF-8 text (byte 0x%(byte)02x cannot be read). Save it as "
                "CSV UTF-8 and import it again."
            )
            % {"byte": data[error.start]},
        )


def _date(value: str) -> date | str:
    """The date, or the text as it was (``register_family_unit`` explains what is wrong)."""
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return value


def _header_problems(columns: list[str] | None) -> list[Problem]:
    if not columns or all(not (c or "").strip() for c in columns):
        return [
            Problem(
                1,
                "",
                _("the file has no header. The first line must be: %(header)s")
                % {"header": ",".join(HEADER)},
            )
        ]
    names = [(c or "").strip() for c in columns]
    missing = [c for c in HEADER if c not in names]
    unknown = [c for c in names if c not in HEADER]
    twice = sorted({c for c in names if names.count(c) > 1})
    problems = []
    if missing:
        problems.append(
            Problem(1, "", _("missing columns: %(columns)s") % {"columns": ", ".join(missing)})
        )
    if unknown:
        problems.append(
            Problem(1, "", _("unknown columns: %(columns)s") % {"columns": ", ".join(unknown)})
        )
    if twice:
        problems.append(
            Problem(1, "", _("columns given twice: %(columns)s") % {"columns": ", ".join(twice)})
        )
    if problems:
        problems.append(
            Problem(1, "", _("the first line must be: %(header)s") % {"header": ",".join(HEADER)})
        )
    return problems


def read_families(text: str, *, default_office: str | None) -> tuple[list, list[Problem]]:
    """The families of the CSV as ``(Family, FamilyUnitData)``, and every problem found."""
    reader = csv.reader(io.StringIO(text, newline=""))
    problems: list[Problem] = []
    try:
        columns = next(reader, None)
    except csv.Error as error:
        return [], [Problem(1, "", str(error))]
    problems += _header_problems(columns)
    if problems:
        return [], problems
    names = [c.strip() for c in columns]
    families: dict[str, Family] = {}
    previous_end = reader.line_num
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(Problem(previous_end + 1, "", str(error)))
            break
        line, previous_end = previous_end + 1, reader.line_num
        if not any(v.strip() for v in values):
            continue  # a blank line
        if len(values) != len(names):
            problems.append(
                Problem(
                    line,
                    "",
                    _("this row has %(found)d values; the header has %(expected)d columns.")
                    % {"found": len(values), "expected": len(names)},
                )
            )
            continue
        row = dict(zip(names, values, strict=True))
        if not row["office"].strip() and default_office:
            row["office"] = default_office
        try:
            key = normalize_a_number(row["parent_a_number"])
        except ValidationError as error:
            problems.append(Problem(line, "parent_a_number", " ".join(error.messages)))
            continue
        family = families.setdefault(key, Family(key))
        if family.rows:
            first_line, first = family.rows[0]
            for column in PARENT_COLUMNS[2:] + ("office",):
                if row[column].strip() != first[column].strip():
                    problems.append(
                        Problem(
                            line,
                            column,
                            _("this parent's %(column)s differs from line %(line)d.")
                            % {"column": column, "line": first_line},
                        )
                    )
        family.rows.append((line, row))
    if not families and not problems:
        problems.append(Problem(2, "", _("the file lists no family: it has only the header.")))
    result = []
    for family in families.values():
        first = family.rows[0][1]
        data = FamilyUnitData(
            a_number=first["parent_a_number"],
            full_name=first["parent_name"],
            date_of_birth=_date(first["parent_date_of_birth"]),
            country_of_citizenship=first["parent_country"],
            primary_language=first["parent_primary_language"],
            home_country_contact=first["parent_home_country_contact"],
            office_code=first["office"].strip() or None,
            children=[
                ChildUnitData(
                    a_number=row["child_a_number"],
                    full_name=row["child_name"],
                    date_of_birth=_date(row["child_date_of_birth"]),
                    location_kind=row["child_location_kind"],
                    location_name=row["child_location_name"],
                    relationship=row["relationship"],
                    evidence=row["evidence"],
                    evidence_note=row["evidence_note"],
                )
                for _line, row in family.rows
            ],
        )
        for path, messages in family_unit_problems(data).items():
            match = _CHILD_PATH.match(path)
            if match:
                line = family.rows[int(match[1])][0]
                column = CHILD_PATHS.get(match[2], match[2])
            else:
                line, column = family.first_line, PARENT_PATHS.get(path, path)
            problems += [Problem(line, column, message) for message in messages]
        result.append((family, data))
    problems.sort(key=lambda p: p.line)
    return result, problems


class Command(BaseCommand):
    help = (
        "Register the family units of a CSV export (one row per child). Nothing is imported "
        "if any row is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The CSV file, UTF-8, with its header.")
        parser.add_argument(
            "--office", help="Field office code for the rows whose office column is empty."
        )

    def handle(self, *args, file: Path, office: str | None = None, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        text, problem = _decode(data)
        problems = [problem] if problem else []
        families = []
        if text is not None:
            families, problems = read_families(text, default_office=office)
        if problems:
            for problem in problems:
                self.stderr.write(f"{file}: {problem}")
            raise CommandError(
                _("Nothing was imported: %(count)d problem(s) in %(file)s.")
                % {"count": len(problems), "file": file}
            )
        with transaction.atomic():
            results = [register_family_unit(data=unit, source="import") for _f, unit in families]
            for result in results:
                service_access_record(
                    action=AccessAction.FAMILY_UNIT,
                    path=f"manage.py import_family_units {file.name}"[:2000],
                    detail=result.as_dict(),
                )
        self._report(results)

    def _report(self, results) -> None:
        created = unchanged = discrepancies = 0
        for result in results:
            parent = result.parent
            state = (
                pgettext("family unit import", "created")
                if result.created
                else (
                    pgettext("family unit import", "updated")
                    if result.updated
                    else pgettext("family unit import", "unchanged")
                )
            )
            self.stdout.write(
                _("Parent %(a_number)s %(name)s: %(state)s")
                % {
                    "a_number": format_a_number(parent.a_number),
                    "name": parent.full_name,
                    "state": state,
                }
            )
            for child, was_created in result.children:
                if was_created:
                    child_state = pgettext("family unit import", "created")
                elif child in result.linked:
                    child_state = pgettext(
                        "family unit import", "already recorded, now linked to this parent"
                    )
                else:
                    child_state = pgettext("family unit import", "already recorded")
                self.stdout.write(
                    "  "
                    + _("Child %(a_number)s %(name)s: %(state)s")
                    % {
                        "a_number": format_a_number(child.a_number or ""),
                        "name": child.full_name,
                        "state": child_state,
                    }
                )
            for who, name in result.filled:
                self.stdout.write(
                    "  "
                    + _("Filled in %(field)s of %(who)s")
                    % {"field": name, "who": format_a_number(who or parent.a_number)}
                )
            for item in result.discrepancies:
                who = item.child.a_number if item.child_id else parent.a_number
                self.stdout.write(
                    "  "
                    + _(
                        "Discrepancy for %(who)s, %(field)s: recorded “%(recorded)s”, reported "
                        "“%(reported)s”; kept as recorded until an officer resolves it."
                    )
                    % {
                        "who": format_a_number(who),
                        "field": item.field,
                        "recorded": item.recorded_value,
                        "reported": item.reported_value,
                    }
                )
            created += result.created
            unchanged += not (result.created or result.updated)
            discrepancies += len(result.discrepancies)
        self.stdout.write(
            _(
                "%(families)d family unit(s): %(created)d created, %(unchanged)d unchanged, "
                "%(discrepancies)d open discrepancy(ies)."
            )
            % {
                "families": len(results),
                "created": created,
                "unchanged": unchanged,
                "discrepancies": discrepancies,
            }
        )
