"""Each rule of DESIGN.md §3 that applies before submission, broken one thing at a time.

Every test starts from a complete record (the ``ready`` trait, which passes every rule), breaks
exactly one thing, checks that the rule names it, then repairs it and checks the record passes
again, so a rule that never fires or never stops firing fails here.
"""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from elections import rules
from elections.constants import (
    Decision,
    DeliveryMode,
    SignatureMethod,
    SignatureRole,
)
from elections.models import (
    Election,
    ElectionChild,
    Interpreter,
    NoticeVersion,
    Parent,
    ParentChild,
    Signature,
)
from tests.factories import ChildDataFactory, ElectionFactory, fresh, make_supervisor

pytestmark = pytest.mark.django_db


def codes(election) -> set[tuple[str, str]]:
    return {(p.rule, p.code) for p in rules.submission_problems(fresh(election))}


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def signature(election, role) -> Signature:
    return Signature.objects.get(election=election, role=role)


def recreate(instance) -> None:
    """Put a deleted row back as it was (with a new primary key)."""
    instance.pk = None
    instance._state.adding = True
    instance.save()


@pytest.fixture
def ready(office, officer, witness):
    return ElectionFactory(ready=True, office=office, presented_by=officer, witness=witness)


@pytest.fixture
def make_ready(office, officer, witness):
    def make(**kwargs):
        return ElectionFactory(
            ready=True, office=office, presented_by=officer, witness=witness, **kwargs
        )

    return make


def test_a_complete_record_has_no_problems(ready):
    assert codes(ready) == set()


# --- R1 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "bad", "code"),
    [
        ("full_name", "   ", "name"),
        ("date_of_birth", date.today() + timedelta(days=2), "dob"),
        ("country_of_citizenship", "", "country"),
        ("country_of_citizenship", "Q1", "country"),
        ("primary_language", "", "language"),
        ("primary_language", "xx", "language"),
    ],
)
def test_r1_a_parent_without_a_name_birth_date_country_or_language_cannot_be_submitted(
    ready, field, bad, code
):
    parent = Parent.objects.filter(pk=ready.parent_id)
    good = parent.values_list(field, flat=True).get()
    parent.update(**{field: bad})
    assert ("R1", code) in codes(ready)
    parent.update(**{field: good})
    assert codes(ready) == set()


def test_r1_an_a_number_that_is_not_normalised_is_a_problem(ready):
    election = fresh(ready)
    good = election.parent.a_number
    election.parent.a_number = "12345678"
    assert "a_number" in {p.code for p in rules.check_parent(election)}
    election.parent.a_number = good
    assert rules.check_parent(election) == []


@pytest.mark.parametrize(
    ("field", "bad", "code"),
    [
        ("identity_method", "", "identity"),
        ("identity_document", "  ", "identity"),
        ("identity_verified_by", None, "identity_by"),
        ("identity_verified_at", None, "identity_by"),
        ("facility", None, "facility"),
    ],
)
def test_r1_an_election_that_does_not_say_how_and_by_whom_identity_was_verified_is_refused(
    ready, field, bad, code
):
    row = Election.objects.filter(pk=ready.pk)
    attname = Election._meta.get_field(field).attname
    good = row.values_list(attname, flat=True).get()
    row.update(**{attname: bad})
    assert ("R1", code) in codes(ready)
    row.update(**{attname: good})
    assert codes(ready) == set()


# --- R2 ---------------------------------------------------------------------------------------


def test_r2_an_election_covering_no_child_is_refused(ready):
    items = list(ElectionChild.objects.filter(election=ready))
    ElectionChild.objects.filter(election=ready).delete()
    assert ("R2", "no_children") in codes(ready)
    for item in items:
        recreate(item)
    assert codes(ready) == set()


def test_a_child_of_18_on_the_decision_date_is_refused(ready):
    election = fresh(ready)
    item = election.covered.get()
    on = rules.decision_date(election)
    good = item.child.date_of_birth
    type(item.child).objects.filter(pk=item.child_id).update(date_of_birth=years_before(on, 18))
    assert ("R2", "not_minor") in codes(ready)
    type(item.child).objects.filter(pk=item.child_id).update(date_of_birth=good)
    assert codes(ready) == set()


def test_a_child_one_day_short_of_18_on_the_decision_date_is_a_minor(ready):
    election = fresh(ready)
    item = election.covered.get()
    on = rules.decision_date(election)
    born = years_before(on, 18) + timedelta(days=1)
    type(item.child).objects.filter(pk=item.child_id).update(date_of_birth=born)
    assert codes(ready) == set()
    type(item.child).objects.filter(pk=item.child_id).update(date_of_birth=born - timedelta(1))
    assert ("R2", "not_minor") in codes(ready)


def test_r2_a_child_born_after_the_decision_date_is_refused(ready):
    election = fresh(ready)
    item = election.covered.get()
    good = item.child.date_of_birth
    children = type(item.child).objects.filter(pk=item.child_id)
    children.update(date_of_birth=rules.decision_date(election) + timedelta(days=1))
    assert ("R2", "dob_future") in codes(ready)
    children.update(date_of_birth=good)
    assert codes(ready) == set()


def test_r2_the_same_child_listed_twice_is_refused(make_ready):
    election = make_ready(children=[ChildDataFactory(), ChildDataFactory()])
    first, second = [item.child for item in fresh(election).covered.all()]
    children = type(second).objects.filter(pk=second.pk)
    # The same person typed a second time, in capitals and with a stray space.
    children.update(full_name=f" {first.full_name.upper()}", date_of_birth=first.date_of_birth)
    assert ("R2", "duplicate") in codes(election)
    children.update(full_name=second.full_name, date_of_birth=second.date_of_birth)
    assert codes(election) == set()


def test_r2_a_child_whose_placement_is_not_recorded_is_refused(ready):
    child = fresh(ready).covered.get().child
    children = type(child).objects.filter(pk=child.pk)
    children.update(location_name="  ")
    assert ("R2", "location") in codes(ready)
    children.update(location_name=child.location_name)
    assert codes(ready) == set()


def test_r2_a_child_not_linked_to_the_parent_is_refused(ready):
    link = ParentChild.objects.get(parent=ready.parent)
    ParentChild.objects.filter(pk=link.pk).delete()
    assert ("R2", "relationship") in codes(ready)
    recreate(link)
    assert codes(ready) == set()


# --- R3 and R10 -------------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "bad"), [("notice_version", None), ("delivery_mode", "")])
def test_r3_an_election_without_the_notice_shown_or_how_it_was_delivered_is_refused(
    ready, field, bad
):
    row = Election.objects.filter(pk=ready.pk)
    attname = Election._meta.get_field(field).attname
    good = row.values_list(attname, flat=True).get()
    row.update(**{attname: bad})
    assert ("R3", "notice") in codes(ready)
    row.update(**{attname: good})
    assert codes(ready) == set()


def tamper_notice(pk, column: str, value: str) -> None:
    """Change a shown notice's text behind the ORM's back (the ORM refuses it, R9)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE elections_noticeversion SET {column} = %s WHERE id = %s", [value, pk]
        )


def test_r3_a_notice_whose_text_changed_after_it_was_hashed_cannot_be_verified(ready):
    good = NoticeVersion.objects.get(pk=ready.notice_version_id).option_reunify
    tamper_notice(ready.notice_version_id, "option_reunify", "Leave my child in the United States.")
    assert ("R3", "notice_text") in codes(ready)
    tamper_notice(ready.notice_version_id, "option_reunify", good)
    assert codes(ready) == set()


def test_r3_a_notice_in_another_language_than_the_one_recorded_is_refused(ready):
    row = Election.objects.filter(pk=ready.pk)
    row.update(notice_language="en")
    assert ("R3", "notice_text") in codes(ready)
    row.update(notice_language="es")
    assert codes(ready) == set()


def test_r3_an_election_whose_notice_was_never_shown_is_refused(ready):
    row = Election.objects.filter(pk=ready.pk)
    good = ready.notice_delivered_at
    row.update(notice_delivered_at=None)
    assert ("R3", "notice_not_delivered") in codes(ready)
    row.update(notice_delivered_at=good)
    assert codes(ready) == set()


def test_r10_the_english_notice_must_be_shown_beside_the_parents_language(ready):
    row = Election.objects.filter(pk=ready.pk)
    english = ready.notice_version_en_id
    row.update(notice_version_en=None)
    assert ("R10", "notice_english") in codes(ready)
    # The Spanish notice twice is not the English one beside it.
    row.update(notice_version_en=ready.notice_version_id)
    assert ("R10", "notice_english") in codes(ready)
    row.update(notice_version_en=english)
    assert codes(ready) == set()


def test_r10_an_english_notice_whose_text_changed_cannot_be_verified(ready):
    good = NoticeVersion.objects.get(pk=ready.notice_version_en_id).body
    tamper_notice(ready.notice_version_en_id, "body", good + " Sign here.")
    assert ("R10", "notice_english") in codes(ready)
    tamper_notice(ready.notice_version_en_id, "body", good)
    assert codes(ready) == set()


# --- R4 ---------------------------------------------------------------------------------------


def test_r4_a_notice_not_in_the_parents_language_needs_an_interpreter(ready):
    parent = Parent.objects.filter(pk=ready.parent_id)
    parent.update(primary_language="quc")
    assert ("R4", "interpreter_required") in codes(ready)
    parent.update(primary_language="es")
    assert codes(ready) == set()


def test_r4_an_interpreted_notice_without_the_interpreters_record_is_refused(make_ready):
    election = make_ready(language="mam")
    assert election.delivery_mode == DeliveryMode.INTERPRETER_IN_PERSON
    assert codes(election) == set()
    interpreter = Interpreter.objects.get(election=election)
    Interpreter.objects.filter(pk=interpreter.pk).delete()
    assert ("R4", "interpreter_missing") in codes(election)
    recreate(interpreter)
    assert codes(election) == set()


@pytest.mark.parametrize(
    ("field", "bad", "code"),
    [
        ("full_name", " ", "interpreter_identity"),
        ("id_or_employer", "", "interpreter_identity"),
        ("language", "quc", "interpreter_language"),
    ],
)
def test_r4_the_interpreter_is_identified_and_interprets_into_the_parents_language(
    make_ready, field, bad, code
):
    election = make_ready(language="mam")
    row = Interpreter.objects.filter(election=election)
    good = row.values_list(field, flat=True).get()
    row.update(**{field: bad})
    assert ("R4", code) in codes(election)
    row.update(**{field: good})
    assert codes(election) == set()


def test_r4_a_telephone_interpreter_needs_the_operator_id(make_ready):
    election = make_ready(language="quc", delivery_mode=DeliveryMode.INTERPRETER_TELEPHONE)
    assert codes(election) == set()
    row = Interpreter.objects.filter(election=election)
    good = row.get().operator_id
    row.update(operator_id="")
    assert ("R4", "operator_id") in codes(election)
    row.update(operator_id=good)
    assert codes(election) == set()


def test_r4_the_interpreter_must_attest_the_interpretation(make_ready):
    election = make_ready(language="mam")
    attestation = signature(election, SignatureRole.INTERPRETER)
    Signature.objects.filter(pk=attestation.pk).delete()
    assert ("R4", "interpreter_signature") in codes(election)
    recreate(attestation)
    assert codes(election) == set()


def test_r4_an_interpreter_in_the_room_signs_on_the_pad_not_by_telephone(make_ready):
    election = make_ready(language="mam")
    row = Signature.objects.filter(election=election, role=SignatureRole.INTERPRETER)
    row.update(method=SignatureMethod.TELEPHONE)
    assert ("R4", "interpreter_signature") in codes(election)
    row.update(method=SignatureMethod.DRAWN)
    assert codes(election) == set()


# --- R5 and R11 -------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [None, "maybe"])
def test_r5_a_child_with_no_valid_decision_is_refused(ready, bad):
    row = ElectionChild.objects.filter(election=ready)
    good = row.values_list("decision", "decided_at").get()
    row.update(decision=bad, decided_at=None if bad is None else good[1])
    assert ("R5", "no_decision") in codes(ready)
    row.update(decision=good[0], decided_at=good[1])
    assert codes(ready) == set()


def test_r5_a_parent_who_wants_a_lawyer_is_given_a_legal_contact(make_ready):
    election = make_ready(decisions=Decision.CONSULT)
    assert codes(election) == set()
    row = Election.objects.filter(pk=election.pk)
    good = election.legal_contact_given
    row.update(legal_contact_given=" ")
    assert ("R5", "legal_contact") in codes(election)
    row.update(legal_contact_given=good)
    assert codes(election) == set()


def test_r11_a_choice_recorded_before_the_notice_was_shown_is_refused(ready):
    row = ElectionChild.objects.filter(election=ready)
    good = row.get().decided_at
    row.update(decided_at=ready.notice_delivered_at - timedelta(minutes=1))
    assert ("R11", "decided_before_notice") in codes(ready)
    row.update(decided_at=good)
    assert codes(ready) == set()


def test_r11_no_option_is_ever_preselected(office, officer, witness):
    assert not ElectionChild._meta.get_field("decision").has_default()
    election = ElectionFactory(
        stage="shown",
        office=office,
        presented_by=officer,
        witness=witness,
        children=[ChildDataFactory(), ChildDataFactory()],
    )
    assert [item.decision for item in election.covered.all()] == [None, None]
    assert ("R5", "no_decision") in codes(election)


# --- R6 ---------------------------------------------------------------------------------------


def test_r6_an_election_without_a_witness_is_refused(ready):
    row = Election.objects.filter(pk=ready.pk)
    row.update(witness=None)
    assert ("R6", "witness_missing") in codes(ready)
    row.update(witness=ready.witness_id)
    assert codes(ready) == set()


def test_r6_the_witness_cannot_be_the_presenting_officer(ready):
    election = fresh(ready)
    election.witness_id = election.presented_by_id
    assert "witness_is_presenter" in {p.code for p in rules.check_signatures(election)}
    election.witness_id = ready.witness_id
    assert rules.check_signatures(election) == []


def test_r6_the_database_also_refuses_a_witness_who_is_the_presenting_officer(ready):
    with pytest.raises(IntegrityError), transaction.atomic():
        Election.objects.filter(pk=ready.pk).update(witness=ready.presented_by_id)


def test_r6_an_election_the_parent_has_not_signed_is_refused(ready):
    parent_signature = signature(ready, SignatureRole.PARENT)
    Signature.objects.filter(pk=parent_signature.pk).delete()
    assert ("R6", "parent_signature") in codes(ready)
    recreate(parent_signature)
    assert codes(ready) == set()


def test_r6_a_parent_cannot_sign_by_telephone(ready):
    row = Signature.objects.filter(election=ready, role=SignatureRole.PARENT)
    row.update(method=SignatureMethod.TELEPHONE)
    assert ("R6", "parent_method") in codes(ready)
    row.update(method=SignatureMethod.DRAWN)
    assert codes(ready) == set()


def test_r6_a_parent_who_signed_before_the_last_choice_signs_again(ready):
    row = Signature.objects.filter(election=ready, role=SignatureRole.PARENT)
    good = row.get().signed_at
    decided = ElectionChild.objects.get(election=ready).decided_at
    row.update(signed_at=decided - timedelta(seconds=1))
    assert ("R6", "parent_signed_early") in codes(ready)
    row.update(signed_at=good)
    assert codes(ready) == set()


@pytest.mark.parametrize("role", [SignatureRole.WITNESS, SignatureRole.OFFICER])
def test_r6_staff_sign_with_their_password(ready, role):
    row = Signature.objects.filter(election=ready, role=role)
    row.update(password_confirmed=False)
    assert ("R6", f"{role}_signature") in codes(ready)
    row.update(password_confirmed=True)
    assert codes(ready) == set()


@pytest.mark.parametrize("role", [SignatureRole.WITNESS, SignatureRole.OFFICER])
def test_r6_a_staff_signature_must_be_made_by_that_staff_member(ready, office, role):
    stranger = make_supervisor(office)
    row = Signature.objects.filter(election=ready, role=role)
    good = row.get().signer_id
    row.update(signer=stranger)
    assert ("R6", f"{role}_signature") in codes(ready)
    row.update(signer=good)
    assert codes(ready) == set()


@pytest.mark.parametrize("role", [SignatureRole.WITNESS, SignatureRole.OFFICER])
def test_r6_staff_sign_after_the_parent(ready, role):
    parent_signed = signature(ready, SignatureRole.PARENT).signed_at
    row = Signature.objects.filter(election=ready, role=role)
    good = row.get().signed_at
    row.update(signed_at=parent_signed - timedelta(seconds=1))
    assert ("R6", f"{role}_signature") in codes(ready)
    row.update(signed_at=good)
    assert codes(ready) == set()


# --- R12 --------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", [SignatureMethod.REFUSED, SignatureMethod.UNABLE])
def test_r12_a_parent_who_did_not_sign_has_a_complete_record_of_no_election(make_ready, method):
    election = fresh(make_ready(parent_signs=method))
    assert codes(election) == set()
    assert rules.records_no_election(election)
    assert [item.decision for item in election.covered.all()] == [None]
    assert ("R12", "no_election") in {(p.rule, p.code) for p in rules.warnings(election)}


def test_r12_a_refusal_cannot_stand_beside_a_decision(make_ready):
    election = make_ready(parent_signs=SignatureMethod.REFUSED)
    row = ElectionChild.objects.filter(election=election)
    row.update(decision=Decision.WAIVE, decided_at=election.notice_delivered_at)
    assert ("R12", "refusal_with_decision") in codes(election)
    row.update(decision=None, decided_at=None)
    assert codes(election) == set()


def test_r12_a_signed_election_records_an_election(ready):
    election = fresh(ready)
    assert not rules.records_no_election(election)
    assert "no_election" not in {p.code for p in rules.warnings(election)}


# --- R13 --------------------------------------------------------------------------------------


def test_r13_a_decision_sooner_than_the_minimum_is_flagged_but_does_not_block(ready, settings):
    settings.FORMSVC_MIN_DECISION_MINUTES = 30
    row = Election.objects.filter(pk=ready.pk)
    decided = ElectionChild.objects.get(election=ready).decided_at
    row.update(notice_delivered_at=decided - timedelta(minutes=12))
    election = fresh(ready)
    assert rules.minutes_to_decide(election) == pytest.approx(12)
    assert rules.is_fast_decision(election)
    assert ("R13", "fast_decision") in {(p.rule, p.code) for p in rules.warnings(election)}
    assert codes(ready) == set()

    row.update(notice_delivered_at=decided - timedelta(minutes=45))
    election = fresh(ready)
    assert rules.minutes_to_decide(election) == pytest.approx(45)
    assert not rules.is_fast_decision(election)
    assert "fast_decision" not in {p.code for p in rules.warnings(election)}


def test_r13_the_minimum_comes_from_the_settings(ready, settings):
    decided = ElectionChild.objects.get(election=ready).decided_at
    Election.objects.filter(pk=ready.pk).update(notice_delivered_at=decided - timedelta(hours=1))
    settings.FORMSVC_MIN_DECISION_MINUTES = 90
    assert rules.is_fast_decision(fresh(ready))
    settings.FORMSVC_MIN_DECISION_MINUTES = 45
    assert not rules.is_fast_decision(fresh(ready))


def test_r13_no_time_to_decide_is_reported_before_any_choice(office, officer, witness):
    election = ElectionFactory(stage="shown", office=office, presented_by=officer, witness=witness)
    assert rules.minutes_to_decide(election) is None
    assert not rules.is_fast_decision(election)
