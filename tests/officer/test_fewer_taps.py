"""Fewer taps for the officer, with nothing less on the record: the start page takes where the
parent is held and how their identity was verified; the form for another child proposes the
placement and relationship of the one before; saving the notice starts the parent's screens;
the signatures page shows each signer what they attest."""

import pytest
from django.urls import reverse
from django.utils import translation

from elections import services
from elections.constants import DeliveryMode, SignatureRole
from elections.models import Election
from tests.factories import STAFF_PASSWORD, ElectionFactory, FacilityFactory, FieldOfficeFactory
from tests.officer.test_views_officer import (
    add_child,
    child_data,
    scribble,
    set_notice,
    start_election,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tablet(client, officer):
    client.force_login(officer)
    return client


def test_the_start_page_records_the_identity_check_and_goes_on_to_the_children(
    tablet, officer, office, notices
):
    election = start_election(tablet)
    assert election.facility == office.facilities.get()
    assert election.identity_method == "fingerprints"
    assert election.identity_document == "IDENT match 2026-11-20"
    assert election.identity_verified_by == officer
    assert election.identity_verified_at is not None
    # Nothing is left on the parent step: the next page is the children's.
    response = tablet.get(reverse("elections:resume", args=[election.pk]))
    assert response["Location"] == reverse("elections:children", args=[election.pk])
    assert election.history.filter(history_change_reason="parent identity verified").exists()


def test_the_start_page_proposes_the_offices_only_facility(tablet, office):
    page = tablet.post(reverse("elections:start"), {"lookup": "1", "a_number": "A012345678"})
    form = page.context["form"]
    assert form.initial["facility"] == office.facilities.get().pk
    assert form.fields["identity_method"].required and form.fields["identity_document"].required


def test_a_start_without_the_identity_check_is_refused_and_keeps_what_was_typed(tablet, office):
    response = tablet.post(
        reverse("elections:start"),
        {
            "a_number": "A-012-345-678",
            "full_name": "María Fernanda López Cruz",
            "date_of_birth": "1990-04-02",
            "country_of_citizenship": "GT",
            "primary_language": "es",
            "facility": office.facilities.get().pk,
        },
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"identity_method", "identity_document"}
    assert 'value="María Fernanda López Cruz"' in response.content.decode()
    assert not Election.objects.exists()


def test_a_facility_of_another_office_is_refused_at_the_start(tablet, office):
    elsewhere = FacilityFactory(office=FieldOfficeFactory(code="SNA"), name="Elsewhere")
    response = tablet.post(
        reverse("elections:start"),
        {
            "a_number": "A-012-345-678",
            "full_name": "María Fernanda López Cruz",
            "date_of_birth": "1990-04-02",
            "country_of_citizenship": "GT",
            "primary_language": "es",
            "facility": elsewhere.pk,
            "identity_method": "fingerprints",
            "identity_document": "IDENT match",
        },
    )
    assert response.status_code == 200
    assert "facility" in response.context["form"].errors
    assert not Election.objects.exists()


def test_the_next_childs_form_proposes_the_placement_and_relationship_of_the_one_before(
    tablet, notices
):
    election = start_election(tablet)
    empty = tablet.get(reverse("elections:children", args=[election.pk]))
    assert empty.context["form"].initial == {}
    add_child(tablet, election, relationship="father", evidence="dna")
    page = tablet.get(reverse("elections:children", args=[election.pk]))
    assert page.context["form"].initial == {
        "location_kind": "orr_shelter",
        "location_name": "Casa Esperanza, San Benito TX",
        "relationship": "father",
        "evidence": "dna",
    }
    assert "proposed from Ana Sofía López" in page.content.decode()


def test_add_this_child_and_continue_goes_on_to_the_notice(tablet, notices):
    election = start_election(tablet)
    response = tablet.post(
        reverse("elections:children", args=[election.pk]), {**child_data(), "then": "continue"}
    )
    assert response["Location"] == reverse("elections:notice", args=[election.pk])
    assert election.covered.count() == 1


def test_a_child_refused_on_add_and_continue_stays_on_the_children_step(tablet, notices):
    election = start_election(tablet)
    response = tablet.post(
        reverse("elections:children", args=[election.pk]),
        {**child_data(date_of_birth="2000-01-01"), "then": "continue"},
    )
    assert response.status_code == 200
    assert "18 or older" in response.content.decode()
    assert election.covered.count() == 0


def test_saving_the_notice_starts_the_parents_screens_and_records_the_delivery(
    tablet, witness, notices
):
    election = start_election(tablet)
    add_child(tablet, election)
    response = set_notice(tablet, election, witness, then="parent")
    assert response["Location"] == reverse("elections:parent_notice", args=[election.pk])
    assert Election.objects.get(pk=election.pk).notice_delivered_at is not None


def test_saving_the_notice_with_a_step_not_done_shows_what_is_missing_first(
    tablet, witness, notices
):
    election = start_election(tablet)  # no child yet
    response = set_notice(tablet, election, witness, then="parent")
    assert response["Location"] == reverse("elections:handover", args=[election.pk])
    assert Election.objects.get(pk=election.pk).notice_delivered_at is None
    page = tablet.get(response["Location"]).content.decode()
    assert "Before the parent" in page and "screens, complete:" in page


def test_the_signatures_page_shows_what_each_signer_attests_and_that_is_what_is_stored(
    tablet, office, officer, witness, notices
):
    election = ElectionFactory(
        stage="parent_signed",
        office=office,
        presented_by=officer,
        witness=witness,
        delivery_mode=DeliveryMode.INTERPRETER_IN_PERSON,
    )
    page = tablet.get(reverse("elections:staff_sign", args=[election.pk])).content.decode()
    texts = {}
    for role in (SignatureRole.INTERPRETER, SignatureRole.WITNESS, SignatureRole.OFFICER):
        english = str(services.SIGNATURE_MEANINGS[role])
        assert english.replace("'", "&#x27;") in page
        texts[role] = english
        start = page.index(f'id="{role}-attests"')
        assert start < page.index(f'id="id_{role}-signature-pad"')
    with translation.override("es"):
        spanish = str(services.SIGNATURE_MEANINGS[SignatureRole.INTERPRETER])
    assert f'<p class="mb-0" lang="es">{spanish}</p>' in page

    tablet.post(
        reverse("elections:staff_sign", args=[election.pk]),
        {
            "interpreter-signature": scribble(1),
            "witness-username": witness.get_username(),
            "witness-password": STAFF_PASSWORD,
            "witness-signature": scribble(2),
            "officer-password": STAFF_PASSWORD,
            "officer-signature": scribble(3),
        },
    )
    stored = {s.role: s for s in Election.objects.get(pk=election.pk).signatures.all()}
    for role, english in texts.items():
        assert stored[role].meaning == english
    assert stored[SignatureRole.INTERPRETER].meaning_translated == spanish
