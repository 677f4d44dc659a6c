"""A removal is recorded as it happened, flagged where it departs from the clearance; input that
cannot be true is refused with its reason and nothing is written."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from elections import undocumented
from elections.constants import SignatureMethod
from elections.models import AccessLog, Parent, Removal, RemovalSource
from elections.models.gate import RemovalIsAppendOnly
from elections.removals import DuplicateRemoval, RemovalData, record_removal
from tests.audit_helpers import without_sealing
from tests.factories import (
    ChildDataFactory,
    ChildFactory,
    ElectionFactory,
    ParentChildFactory,
    birthday_years_ago,
    today,
)
from tests.supervision import approve, approved_family

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quick_approval(monkeypatch):
    without_sealing(monkeypatch)


@pytest.fixture
def family(officer, witness, supervisor):
    """An approved election: Ana goes with her mother, José stays."""
    return approved_family(officer=officer, witness=witness, supervisor=supervisor)


def removal(parent_a_number, *children, on=None, office="ELP"):
    return RemovalData(
        a_number=parent_a_number,
        removed_on=on or today(),
        office_code=office,
        children_removed=list(children),
    )


def test_a_removal_that_matches_the_clearance_is_accepted_without_flags(family):
    recorded = record_removal(
        data=removal(family.parent.a_number, "A231-000-001"), source=RemovalSource.API
    )

    assert recorded.cleared is True
    assert recorded.flags == []
    assert recorded.election == family
    assert [c.full_name for c in recorded.children_removed.all()] == ["Ana Sofía López"]
    assert recorded.clearance["cleared"] is True


def test_a_reunify_child_left_behind_is_recorded_and_flagged(family):
    recorded = record_removal(data=removal(family.parent.a_number), source=RemovalSource.API)

    assert recorded.cleared is True
    assert [(f["code"], f["child"]) for f in recorded.flags] == [
        ("reunify_left_behind", "A231000001")
    ]


def test_a_waive_child_taken_is_recorded_and_flagged(family):
    recorded = record_removal(
        data=removal(family.parent.a_number, "A231000001", "A231000002"), source=RemovalSource.API
    )

    assert [(f["code"], f["child"]) for f in recorded.flags] == [("waive_taken", "A231000002")]


def test_a_removal_without_clearance_is_recorded_flagged_and_in_the_report(officer, witness):
    pending = ElectionFactory(
        office=officer.staff.office,
        presented_by=officer,
        witness=witness,
        submitted=True,
        children=[ChildDataFactory(full_name="Luz Ramírez", a_number="A231000009")],
    )

    recorded = record_removal(
        data=removal(pending.parent.a_number, "A231000009"), source=RemovalSource.API
    )

    assert recorded.cleared is False
    assert [f["code"] for f in recorded.flags] == ["not_cleared", "blocked_taken"]
    (entry,) = undocumented.report_entries()
    report = entry.as_dict()
    assert report["parent"]["a_number"] == pending.parent.a_number
    (child,) = report["children"]
    assert child["removed_with_parent"] is True
    assert child["election_status"] == "submitted"
    assert child["record_shows"] == "the election is awaiting a supervisor's approval"
    assert child["last_known_location"]["name"] == "Casa Esperanza shelter, San Benito, Texas"


def test_the_report_leaves_out_a_cleared_removal_and_shows_a_refusal(
    officer, witness, supervisor, family
):
    record_removal(data=removal(family.parent.a_number, "A231000001"), source=RemovalSource.API)
    refused = approve(
        ElectionFactory(
            office=officer.staff.office, presented_by=officer, witness=witness, submitted=True,
            parent_signs=SignatureMethod.REFUSED,
        ),
        supervisor,
    )  # fmt: skip
    record_removal(data=removal(refused.parent.a_number), source=RemovalSource.API)

    entries = undocumented.report_entries()

    assert [e.parent.a_number for e in entries] == [refused.parent.a_number]
    assert "refused or was unable to sign" in entries[0].children[0].record_shows


def test_a_report_csv_cell_never_runs_as_a_formula(office):
    link = ParentChildFactory(child=ChildFactory(full_name='=HYPERLINK("x")'))
    record_removal(data=removal(link.parent.a_number), source=RemovalSource.IMPORT)

    rows = list(undocumented.csv_rows(undocumented.report_entries()))

    assert len(rows) == 1 and len(rows[0]) == len(undocumented.CSV_HEADER)
    assert rows[0][undocumented.CSV_HEADER.index("child_name")].startswith("'=")


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"on": today() + timedelta(days=2)}, "removed_on", "in the future"),
        ({"office": "ZZZ"}, "office", "No field office has the code"),
    ],
)
def test_a_removal_that_cannot_be_true_is_refused_and_nothing_is_written(
    family, change, field, words
):
    with pytest.raises(ValidationError) as raised:
        record_removal(data=removal(family.parent.a_number, **change), source=RemovalSource.API)

    assert words in " ".join(raised.value.message_dict[field])
    assert not Removal.objects.exists()


def test_a_removal_dated_before_the_election_is_refused(family):
    before = family.created_at.date() - timedelta(days=30)

    with pytest.raises(ValidationError) as raised:
        record_removal(data=removal(family.parent.a_number, on=before), source=RemovalSource.API)

    assert family.reference in " ".join(raised.value.message_dict["removed_on"])


def test_a_child_not_recorded_for_the_parent_is_refused(family):
    with pytest.raises(ValidationError) as raised:
        record_removal(data=removal(family.parent.a_number, "A299999999"), source=RemovalSource.API)

    assert "A299-999-999 is not a child recorded for this parent" in raised.value.messages[0]


def test_the_same_removal_twice_is_a_duplicate(family):
    first = record_removal(
        data=removal(family.parent.a_number, "A231000001"), source=RemovalSource.API
    )

    with pytest.raises(DuplicateRemoval) as raised:
        record_removal(data=removal(family.parent.a_number, "A231000001"), source=RemovalSource.API)

    assert raised.value.removal == first
    assert Removal.objects.count() == 1


def test_an_unknown_parent_is_not_found(db):
    with pytest.raises(Parent.DoesNotExist):
        record_removal(data=removal("A012345678"), source=RemovalSource.API)


def test_a_recorded_removal_can_never_change(family):
    recorded = record_removal(
        data=removal(family.parent.a_number, "A231000001"), source=RemovalSource.API
    )

    with pytest.raises(RemovalIsAppendOnly):
        recorded.save()
    with pytest.raises(RemovalIsAppendOnly):
        Removal.objects.filter(pk=recorded.pk).update(cleared=False)
    with pytest.raises(RemovalIsAppendOnly):
        Removal.objects.all().delete()


# --- the commands ---------------------------------------------------------------------------


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command(*args, stdout=out, stderr=err)
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


def test_the_clearance_command_gives_the_apis_answer_and_is_logged(family):
    import json

    from elections.clearance import parent_clearance

    code, out, _err = run("clearance", family.parent.a_number_display, "--json")

    assert code == 0
    answer = json.loads(out)
    expected = parent_clearance(family.parent).as_dict()
    assert {k: v for k, v in answer.items() if k != "as_of"} == {
        k: v for k, v in expected.items() if k != "as_of"
    }
    entry = AccessLog.objects.get(action="clearance")
    assert entry.token is None and entry.user is None
    assert entry.detail["cleared"] is True


def test_the_clearance_command_says_not_cleared_and_why(officer, witness):
    pending = ElectionFactory(
        office=officer.staff.office, presented_by=officer, witness=witness, stage="ready"
    )

    code, out, _err = run("clearance", pending.parent.a_number)

    assert code == 1
    assert out.startswith("NOT CLEARED")
    assert "an election is in progress and has not been submitted" in out


def test_the_clearance_command_refuses_a_malformed_or_unknown_a_number(db):
    assert run("clearance", "12")[0] == 2
    code, out, _err = run("clearance", "A012345678", "--json")
    assert code == 2 and '"error": "unknown_parent"' in out


def write(tmp_path, text, *, encoding="utf-8"):
    path = tmp_path / "removals.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_import_removals_imports_every_row_and_flags_those_that_depart(tmp_path, family):
    other = ParentChildFactory(child=ChildFactory(date_of_birth=birthday_years_ago(5)))
    path = write(
        tmp_path,
        "a_number,removed_on,office,children_removed\n"
        f"{family.parent.a_number_display},{today().isoformat()},ELP,A231000001\n"
        f"{other.parent.a_number},2024-03-05,ELP,\n",
    )

    code, out, err = run("import_removals", str(path))

    assert code == 0, err
    assert "Imported 2 removals; 1 flagged." in out
    assert Removal.objects.filter(source=RemovalSource.IMPORT).count() == 2
    assert Removal.objects.get(parent=other.parent).flags[0]["code"] == "not_cleared"


def test_import_removals_imports_nothing_when_any_row_is_bad_and_lists_each_with_its_line(
    tmp_path, family
):
    path = write(
        tmp_path,
        "a_number,removed_on,office,children_removed\n"
        f"{family.parent.a_number},{today().isoformat()},ELP,A231000001\n"
        "A12,2024-01-01,ELP,\n"
        f"{family.parent.a_number},01/02/2024,ELP,\n"
        f"{family.parent.a_number},{(today() + timedelta(days=3)).isoformat()},ELP,\n"
        "A077777777,2024-01-01,ELP,\n"
        f"{family.parent.a_number},{today().isoformat()},ELP,A231000001\n",
    )

    code, _out, err = run("import_removals", str(path))

    assert code == 1
    lines = err.splitlines()
    assert lines[0].startswith("line 3: a_number: An A-number is the letter A")
    assert lines[1].startswith("line 4: removed_on:")
    assert lines[2].startswith("line 5: removed_on: A removal cannot be dated in the future")
    assert lines[3] == "line 6: No parent with this A-number is recorded."
    assert lines[4] == "line 7: the same removal as line 2"
    assert "Nothing was imported: 5 of 6 rows are bad." in err
    assert not Removal.objects.exists()


def test_import_removals_refuses_another_header_or_encoding(tmp_path, db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="header must be exactly"):
        call_command("import_removals", str(write(tmp_path, "parent,date\nA1,2024-01-01\n")))
    latin = write(
        tmp_path,
        "a_number,removed_on,office,children_removed\nA012345678,2024-01-01,ELP,Peña\n",
        encoding="latin-1",
    )
    with pytest.raises(CommandError, match="is not UTF-8 \\(line 2"):
        call_command("import_removals", str(latin))


def test_the_database_refuses_a_raw_update_of_a_removal(family):
    from django.db import DatabaseError, connection, transaction

    recorded = record_removal(
        data=removal(family.parent.a_number, "A231000001"), source=RemovalSource.API
    )

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE elections_removal SET flags = '[]', cleared = 1 WHERE id = %s",
            [recorded.pk.hex],
        )
    assert Removal.objects.get(pk=recorded.pk).flags == recorded.flags


@pytest.mark.postgres
def test_postgresql_refuses_a_raw_update_or_delete_of_a_removal(officer, witness):
    from django.db import DatabaseError, connection, transaction

    link = ParentChildFactory()
    recorded = record_removal(data=removal(link.parent.a_number), source=RemovalSource.API)
    assert connection.vendor == "postgresql" and recorded.flags
    for statement in (
        "UPDATE elections_removal SET flags = '[]'::jsonb WHERE id = %s",
        "DELETE FROM elections_removal WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [recorded.pk])
    assert Removal.objects.get(pk=recorded.pk).flags == recorded.flags
