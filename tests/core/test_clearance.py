"""May this parent be removed, and with which children? Every outcome the removal gate answers."""

import pytest
from django.core.exceptions import ValidationError

from elections import services, workflow
from elections.clearance import (
    BLOCKED,
    STAYS,
    WITH_PARENT,
    clearance_for_a_number,
    parent_clearance,
    parent_office_ids,
)
from elections.constants import Decision, SignatureMethod
from tests.audit_helpers import without_sealing
from tests.factories import (
    ChildDataFactory,
    ChildFactory,
    ElectionFactory,
    FieldOfficeFactory,
    ParentChildFactory,
    ParentFactory,
    birthday_years_ago,
    fresh,
)
from tests.supervision import approve

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quick_approval(monkeypatch):
    without_sealing(monkeypatch)  # the answer, not the PDF, is under test


def two_children(**overrides):
    return {
        "children": [
            ChildDataFactory(full_name="Ana Sofía López", date_of_birth=birthday_years_ago(9)),
            ChildDataFactory(full_name="José Luis López", date_of_birth=birthday_years_ago(6)),
        ],
        **overrides,
    }


def election(officer, witness, **kwargs):
    return ElectionFactory(
        office=officer.staff.office, presented_by=officer, witness=witness, **kwargs
    )


def by_name(answer):
    return {child.name: child for child in answer.children}


def test_a_malformed_a_number_is_refused_naming_the_expected_form(db):
    with pytest.raises(ValidationError) as raised:
        clearance_for_a_number("12-34")
    assert raised.value.code == "a_number_format"
    assert "A followed by 8 or 9 digits" in raised.value.messages[0]


def test_an_unknown_parent_is_not_found():
    from elections.models import Parent

    with pytest.raises(Parent.DoesNotExist):
        clearance_for_a_number("A099999999")


def test_a_parent_with_a_child_and_no_election_is_blocked_for_no_election():
    link = ParentChildFactory(child=ChildFactory(full_name="Mateo Ruiz"))

    answer = clearance_for_a_number(link.parent.a_number_display)

    assert answer.cleared is False
    (child,) = answer.children
    assert child.removal == BLOCKED
    assert [r.value for r in child.reasons] == ["no_election"]
    assert answer.as_dict()["reasons"] == [
        f"Mateo Ruiz ({link.child.a_number}): no election has been recorded for this child"
    ]


def test_a_parent_with_no_child_recorded_is_not_cleared():
    parent = ParentFactory()

    answer = parent_clearance(parent)

    assert answer.cleared is False
    assert answer.as_dict()["reason_codes"] == ["no_children"]


@pytest.mark.parametrize(
    ("stage", "reason"),
    [("children", "in_progress"), ("ready", "in_progress"), ("submitted", "awaiting_approval")],
)
def test_an_election_not_yet_approved_blocks_with_its_state(officer, witness, stage, reason):
    record = election(officer, witness, stage=stage, **two_children())

    answer = parent_clearance(record.parent)

    assert answer.cleared is False
    for child in answer.children:
        assert child.removal == BLOCKED
        assert [r.value for r in child.reasons] == [reason]
        assert child.election_id == str(record.pk)
        assert child.election_status == record.status


def test_a_returned_election_blocks_as_returned(officer, witness, supervisor):
    record = election(officer, witness, submitted=True, **two_children())
    workflow.election_return(election=fresh(record), actor=supervisor, reason="Witness unclear.")

    answer = parent_clearance(record.parent)

    assert answer.cleared is False
    assert {r.value for c in answer.children for r in c.reasons} == {"returned"}
    assert {c.election_status for c in answer.children} == {"returned"}


def test_an_approved_reunify_and_waive_clear_the_parent_with_and_without_each_child(
    officer, witness, supervisor
):
    record = election(
        officer, witness, submitted=True, decisions=[Decision.REUNIFY, Decision.WAIVE],
        **two_children(),
    )  # fmt: skip
    approve(record, supervisor)

    answer = parent_clearance(record.parent).as_dict()

    assert answer["cleared"] is True
    assert answer["election_id"] == str(record.pk)
    children = {c["name"]: c for c in answer["children"]}
    assert children["Ana Sofía López"]["removal"] == WITH_PARENT
    assert children["Ana Sofía López"]["decision"] == "reunify"
    assert children["José Luis López"]["removal"] == STAYS
    assert children["José Luis López"]["decision"] == "waive"
    assert answer["reasons"] == ["every minor child has an approved final election"]


def test_an_approved_consult_blocks_until_a_final_choice_is_approved(officer, witness, supervisor):
    record = election(
        officer, witness, submitted=True, decisions=[Decision.REUNIFY, Decision.CONSULT],
        **two_children(),
    )  # fmt: skip
    approve(record, supervisor)

    answer = parent_clearance(record.parent)

    assert answer.cleared is False
    children = by_name(answer)
    assert children["Ana Sofía López"].removal == WITH_PARENT
    assert children["José Luis López"].removal == BLOCKED
    assert [r.value for r in children["José Luis López"].reasons] == ["consult_pending"]


def test_a_parent_who_refused_to_sign_is_blocked_for_every_child(officer, witness, supervisor):
    record = election(
        officer, witness, submitted=True, parent_signs=SignatureMethod.REFUSED, **two_children()
    )
    approve(record, supervisor)

    answer = parent_clearance(record.parent)

    assert answer.cleared is False
    assert {c.removal for c in answer.children} == {BLOCKED}
    assert {r.value for c in answer.children for r in c.reasons} == {"refused_to_sign"}
    assert all(c.decision is None for c in answer.children)


def test_a_child_who_turned_18_is_noted_and_does_not_block(officer, witness, supervisor):
    record = election(officer, witness, submitted=True, **two_children())
    approve(record, supervisor)
    ParentChildFactory(
        parent=record.parent,
        child=ChildFactory(full_name="Karla López", date_of_birth=birthday_years_ago(18)),
    )

    answer = parent_clearance(record.parent)

    assert answer.cleared is True
    adult = by_name(answer)["Karla López"]
    assert adult.minor is False
    assert adult.removal == STAYS
    assert [r.value for r in adult.reasons] == ["turned_18"]
    assert any("Karla López" in text and "turned 18" in text for text in answer.reason_texts())


def test_a_minor_child_left_off_the_approved_election_blocks(officer, witness, supervisor):
    record = election(officer, witness, submitted=True, **two_children())
    approve(record, supervisor)
    ParentChildFactory(parent=record.parent, child=ChildFactory(full_name="Luz López"))

    answer = parent_clearance(record.parent)

    assert answer.cleared is False
    assert [r.value for r in by_name(answer)["Luz López"].reasons] == ["no_election"]


def test_the_replacing_election_counts_once_approved_and_is_noted_while_in_progress(
    officer, witness, supervisor
):
    first = election(officer, witness, submitted=True, decisions=Decision.REUNIFY)
    approve(first, supervisor)
    second, created = services.election_start(
        actor=officer, parent=services.ParentData(
            a_number=first.parent.a_number, full_name=first.parent.full_name,
            date_of_birth=first.parent.date_of_birth,
            country_of_citizenship=first.parent.country_of_citizenship,
            primary_language=first.parent.primary_language,
        ),
    )  # fmt: skip
    assert created and second.supersedes_id == first.pk

    answer = parent_clearance(first.parent)

    assert answer.cleared is True
    (child,) = answer.children
    assert child.removal == WITH_PARENT
    assert [r.value for r in child.reasons] == ["reunify", "replacement_in_progress"]


def test_a_void_election_is_as_if_there_were_none(officer, witness):
    record = election(officer, witness, stage="children")
    workflow.election_void(election=fresh(record), actor=officer, reason="Started by mistake.")

    (child,) = parent_clearance(record.parent).children

    assert [r.value for r in child.reasons] == ["no_election"]


def test_a_parents_offices_are_where_their_elections_are_and_where_they_were_registered(
    officer, witness
):
    record = election(officer, witness, stage="children")
    elsewhere = FieldOfficeFactory(code="SNA")
    parent = record.parent
    parent.registered_office = elsewhere
    parent.save()

    assert parent_office_ids(parent) == {record.office_id, elsewhere.pk}
