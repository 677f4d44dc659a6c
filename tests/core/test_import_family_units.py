"""``manage.py import_family_units FILE.csv``: every row is checked first; one bad row and nothing
is imported, every problem printed with its line number; otherwise every family is registered in
one transaction and the command says what it created, what it already had and each discrepancy."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from elections.constants import Relationship
from elections.management.commands.import_family_units import HEADER
from elections.models import (
    AccessAction,
    AccessLog,
    Child,
    Parent,
    ParentChild,
    RegistryDiscrepancy,
)
from tests.factories import birthday_years_ago

pytestmark = pytest.mark.django_db

PARENT = {
    "office": "ELP",
    "parent_a_number": "A-012-345-678",
    "parent_name": "María Guadalupe Pérez López",
    "parent_date_of_birth": birthday_years_ago(31, days=97).isoformat(),
    "parent_country": "GT",
    "parent_primary_language": "es",
    "parent_home_country_contact": "Aldea San José, Huehuetenango; +502 5555 0101",
}
OTHER_PARENT = {
    **PARENT,
    "parent_a_number": "A111222333",
    "parent_name": "Edwin Rolando Chávez Tzul",
    "parent_country": "HN",
}


def child(n: int, **overrides) -> dict:
    return {
        "child_a_number": f"A0987654{n:02d}",
        "child_name": ["Emily Sofía Pérez", "Kevin Josué Pérez", "Ashley Nicole Chávez"][n % 3],
        "child_date_of_birth": birthday_years_ago(6 + n, days=30).isoformat(),
        "child_location_kind": "orr_shelter",
        "child_location_name": "Casa Esperanza shelter, San Benito, Texas",
        "relationship": Relationship.MOTHER,
        "evidence": "birth_certificate",
        "evidence_note": "Birth certificate in the ORR case file",
        **overrides,
    }


def csv_text(rows, header=HEADER) -> str:
    def cell(value: str) -> str:
        return f'"{value}"' if ("," in value or ";" in value) else value

    lines = [",".join(header)]
    lines += [",".join(cell(row.get(column, "")) for column in header) for row in rows]
    return "\n".join(lines) + "\n"


ROWS = [
    {**PARENT, **child(0)},
    {**OTHER_PARENT, **child(2, relationship="father")},
    {**PARENT, **child(1)},
]


def run(tmp_path, content, *args, name="families.csv"):
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    out, err = StringIO(), StringIO()
    try:
        call_command("import_family_units", str(path), *args, stdout=out, stderr=err)
    except CommandError as error:
        return None, out.getvalue(), err.getvalue() + str(error)
    return True, out.getvalue(), err.getvalue()


def nothing_imported() -> bool:
    return not (
        Parent.objects.exists()
        or Child.objects.exists()
        or ParentChild.objects.exists()
        or RegistryDiscrepancy.objects.exists()
    )


def test_a_good_file_registers_each_family_with_its_children(tmp_path, office):
    ok, out, _err = run(tmp_path, csv_text(ROWS))
    assert ok
    parent = Parent.objects.get(a_number="A012345678")
    assert parent.registered_office == office
    assert sorted(c.a_number for c in Child.objects.filter(parent_links__parent=parent)) == [
        "A098765400",
        "A098765401",
    ]
    other = Parent.objects.get(a_number="A111222333")
    assert other.child_links.get().relationship == Relationship.FATHER
    assert "Parent A012-345-678 María Guadalupe Pérez López: created" in out
    assert "Child A098-765-401 Kevin Josué Pérez: created" in out
    assert "2 family unit(s): 2 created, 0 unchanged, 0 open discrepancy(ies)." in out
    entries = AccessLog.objects.filter(action=AccessAction.FAMILY_UNIT)
    assert entries.count() == 2 and {e.username for e in entries} == {"manage.py"}


def test_importing_the_same_file_twice_changes_nothing(tmp_path, office):
    run(tmp_path, csv_text(ROWS))
    histories = (Parent.history.count(), Child.history.count(), ParentChild.history.count())
    ok, out, _err = run(tmp_path, csv_text(ROWS))
    assert ok
    assert "2 family unit(s): 0 created, 2 unchanged, 0 open discrepancy(ies)." in out
    assert "Parent A012-345-678 María Guadalupe Pérez López: unchanged" in out
    assert "Child A098-765-400 Emily Sofía Pérez: already recorded" in out
    assert (Parent.history.count(), Child.history.count(), ParentChild.history.count()) == (
        histories
    )
    assert not RegistryDiscrepancy.objects.exists()


def test_a_contradicting_row_is_printed_as_a_discrepancy_and_changes_nothing(tmp_path, office):
    run(tmp_path, csv_text(ROWS))
    born = Child.objects.get(a_number="A098765400").date_of_birth
    other = birthday_years_ago(3).isoformat()
    changed = [{**PARENT, **child(0, child_date_of_birth=other)}, ROWS[1], ROWS[2]]
    ok, out, _err = run(tmp_path, csv_text(changed))
    assert ok
    assert (
        f"Discrepancy for A098-765-400, date_of_birth: recorded “{born.isoformat()}”, "
        f"reported “{other}”" in out
    )
    assert "Parent A012-345-678 María Guadalupe Pérez López: unchanged" in out
    assert "2 family unit(s): 0 created, 2 unchanged, 1 open discrepancy(ies)." in out
    assert Child.objects.get(a_number="A098765400").date_of_birth == born
    assert RegistryDiscrepancy.objects.get().reported_value == other


def test_one_bad_row_and_nothing_is_imported_every_problem_with_its_line(tmp_path, office):
    rows = [
        ROWS[0],
        {**OTHER_PARENT, **child(2, relationship="uncle")},
        {**PARENT, **child(1, child_date_of_birth=birthday_years_ago(18, days=5).isoformat())},
        {**PARENT, **child(0, child_name="Emily Sofía Pérez")},
        {**PARENT, "parent_a_number": "A12", **child(1)},
    ]
    ok, _out, err = run(tmp_path, csv_text(rows))
    assert ok is None
    assert nothing_imported()
    assert "line 3, relationship: “uncle” is not a relationship" in err
    assert "line 4, child_date_of_birth: This child is 18 or older" in err
    assert "line 5, child_a_number: A098-765-400 is listed twice" in err
    assert "line 6, parent_a_number: An A-number is the letter A followed by 8 or 9 digits" in err
    assert "line 2" not in err
    assert "Nothing was imported: 4 problem(s)" in err


def test_a_family_whose_rows_disagree_about_the_parent_is_refused(tmp_path, office):
    rows = [ROWS[0], {**PARENT, "parent_date_of_birth": "1990-01-01", **child(1)}]
    ok, _out, err = run(tmp_path, csv_text(rows))
    assert ok is None and nothing_imported()
    assert (
        "line 3, parent_date_of_birth: this parent's parent_date_of_birth differs from line 2"
        in err
    )


def test_a_bad_value_in_a_parent_column_is_reported_on_the_familys_first_line(tmp_path, office):
    rows = [{**PARENT, "office": "NOPE", **child(0)}, {**PARENT, "office": "NOPE", **child(1)}]
    ok, _out, err = run(tmp_path, csv_text(rows))
    assert ok is None and nothing_imported()
    assert "line 2, office: “NOPE” is not the code of a field office." in err


def test_a_file_that_is_not_utf8_is_refused_naming_the_line(tmp_path, office):
    content = csv_text([ROWS[0], ROWS[1]]).encode("utf-8")
    content = content.replace(b"Edwin", "Edw\xefn".encode("latin-1"))
    ok, _out, err = run(tmp_path, content)
    assert ok is None and nothing_imported()
    assert "line 3: the file is not UTF-8 text" in err


def test_a_new_child_of_a_known_parent_is_reported_as_an_update(tmp_path, office):
    run(tmp_path, csv_text(ROWS[:2]))
    ok, out, _err = run(tmp_path, csv_text(ROWS))
    assert ok
    assert "Parent A012-345-678 María Guadalupe Pérez López: updated" in out
    assert "Child A098-765-401 Kevin Josué Pérez: created" in out
    assert "2 family unit(s): 0 created, 1 unchanged, 0 open discrepancy(ies)." in out


def test_a_byte_order_mark_is_allowed(tmp_path, office):
    ok, _out, _err = run(tmp_path, b"\xef\xbb\xbf" + csv_text(ROWS).encode("utf-8"))
    assert ok and Parent.objects.count() == 2


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (tuple(c for c in HEADER if c != "evidence"), "missing columns: evidence"),
        (tuple("proof" if c == "evidence" else c for c in HEADER), "unknown columns: proof"),
    ],
)
def test_a_wrong_header_is_refused(tmp_path, office, header, expected):
    rows = [{**row, "proof": row["evidence"]} for row in ROWS]
    ok, _out, err = run(tmp_path, csv_text(rows, header=header))
    assert ok is None and nothing_imported()
    assert f"line 1: {expected}" in err
    assert "the first line must be: office,parent_a_number," in err


def test_a_file_without_a_header_is_refused(tmp_path, office):
    content = csv_text(ROWS).split("\n", 1)[1]
    ok, _out, err = run(tmp_path, content)
    assert ok is None and nothing_imported()
    assert "line 1: " in err and "unknown columns" in err


def test_an_empty_file_is_refused(tmp_path, office):
    ok, _out, err = run(tmp_path, "")
    assert ok is None
    assert "line 1: the file has no header" in err


def test_a_row_with_too_few_values_is_refused(tmp_path, office):
    content = csv_text(ROWS) + "ELP,A012345678,María\n"
    ok, _out, err = run(tmp_path, content)
    assert ok is None and nothing_imported()
    assert "line 5: this row has 3 values; the header has 15 columns." in err


def test_the_default_office_fills_an_empty_office_column(tmp_path, office):
    rows = [{**row, "office": ""} for row in ROWS]
    ok, _out, _err = run(tmp_path, csv_text(rows), "--office", "ELP")
    assert ok
    assert {p.registered_office for p in Parent.objects.all()} == {office}


def test_a_failure_while_importing_leaves_nothing_behind(tmp_path, office, monkeypatch):
    from elections import intake

    calls = []
    real = intake.register_family_unit

    def fail_on_second(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return real(**kwargs)

    monkeypatch.setattr(
        "elections.management.commands.import_family_units.register_family_unit", fail_on_second
    )
    with pytest.raises(RuntimeError):
        run(tmp_path, csv_text(ROWS))
    assert nothing_imported()
    assert not AccessLog.objects.filter(action=AccessAction.FAMILY_UNIT).exists()
