"""A family the case system registered: the officer starts from the A-number with everything
filled in, settles what the case system reports differently, and signs in one form."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from elections import rules
from elections.constants import DeliveryMode, SignatureRole, Status
from elections.models import Election, RegistryDiscrepancy, Signature
from tests.factories import (
    STAFF_PASSWORD,
    ElectionFactory,
    FacilityFactory,
    FieldOfficeFactory,
    birthday_years_ago,
    make_officer,
)
from tests.officer.test_views_officer import scribble
from tests.registration import (
    RegisteredChild,
    RegisteredFamily,
    link_recorded_child,
    register_family,
    report_discrepancy,
)

pytestmark = pytest.mark.django_db

A_NUMBER = "A212345678"


def family(*children: RegisteredChild) -> RegisteredFamily:
    return RegisteredFamily(
        a_number=A_NUMBER,
        full_name="María Fernanda López Cruz",
        date_of_birth=birthday_years_ago(35, days=12),
        children=list(children)
        or [
            RegisteredChild("A221000001", "Ana Sofía López Cruz", birthday_years_ago(9)),
            RegisteredChild("A221000002", "José Luis López Cruz", birthday_years_ago(6)),
        ],
    )


@pytest.fixture
def tablet(client, officer):
    client.force_login(officer)
    return client


def start(tablet, a_number="A-212-345-678", **extra):
    return tablet.post(reverse("elections:start"), {"lookup": "1", "a_number": a_number, **extra})


def started(tablet) -> Election:
    response = start(tablet)
    assert response.status_code == 302, response.content.decode()[:2000]
    election = Election.objects.get(parent__a_number=A_NUMBER)
    assert response["Location"] == reverse("elections:parent", args=[election.pk])
    return election


def confirm_parent(tablet, election, **overrides):
    parent = election.parent
    data = {
        "full_name": parent.full_name,
        "date_of_birth": parent.date_of_birth.isoformat(),
        "country_of_citizenship": parent.country_of_citizenship,
        "primary_language": parent.primary_language,
        "facility": election.office.facilities.first().pk,
        "identity_method": "fingerprints",
        "identity_document": "IDENT fingerprint match, FIN 1187420",
        **overrides,
    }
    return tablet.post(reverse("elections:parent", args=[election.pk]), data)


# --- 1. starting from the A-number ----------------------------------------------------------


def test_the_home_page_asks_only_for_the_a_number(tablet, office):
    page = tablet.get(reverse("elections:home")).content.decode()
    assert 'name="a_number"' in page and 'name="lookup"' in page
    assert 'name="full_name"' not in page


def test_a_registered_parent_starts_at_once_with_every_minor_child_on_the_election(
    tablet, officer, office
):
    parent = register_family(
        family(
            RegisteredChild("A221000001", "Ana Sofía López Cruz", birthday_years_ago(9)),
            RegisteredChild(
                "A221000002",
                "José Luis López Cruz",
                birthday_years_ago(6),
                location_kind="orr_foster",
                location_name="Bethany foster home, Houston, Texas",
                relationship="mother",
                evidence="dna",
            ),
        ),
        office=office,
    )
    # A son recorded with her earlier, who is 18 now.
    link_recorded_child(
        parent, RegisteredChild("A221000009", "Carlos López Cruz", birthday_years_ago(19))
    )
    election = started(tablet)
    covered = list(election.covered.select_related("child"))
    assert [item.child.full_name for item in covered] == [
        "Ana Sofía López Cruz",
        "José Luis López Cruz",
    ]
    assert [item.position for item in covered] == [0, 1]
    assert covered[1].child.location_name == "Bethany foster home, Houston, Texas"
    assert election.parent.child_links.get(child=covered[1].child).evidence == "dna"
    # Each child put on the election has its history entry, under the officer.
    entries = election.covered.model.history.filter(election_id=election.pk)
    assert entries.count() == 2
    assert {entry.history_user for entry in entries} == {officer}

    # The child who is 18 is not on the election, and the children step says so.
    page = tablet.get(reverse("elections:children", args=[election.pk])).content.decode()
    assert "Carlos López Cruz" in page and "18 or older" in page


def test_the_parent_step_shows_the_registered_details_and_children_for_confirmation(tablet, office):
    register_family(family(), office=office)
    election = started(tablet)
    page = tablet.get(reverse("elections:parent", args=[election.pk])).content.decode()
    assert 'value="María Fernanda López Cruz"' in page
    assert f'value="{election.parent.date_of_birth.isoformat()}"' in page
    assert '<option value="GT" selected>' in page and '<option value="es" selected>' in page
    # The office's only facility is proposed.
    facility = office.facilities.get()
    assert f'<option value="{facility.pk}" selected>' in page
    for text in ("Ana Sofía López Cruz", "9 years", "Casa Esperanza shelter", "Birth certificate"):
        assert text in page
    assert reverse("elections:children", args=[election.pk]) in page


def test_confirming_a_registered_parent_goes_straight_to_the_notice(tablet, office):
    register_family(family(), office=office)
    election = started(tablet)
    response = confirm_parent(tablet, election)
    assert response.status_code == 302
    assert response["Location"] == reverse("elections:notice", args=[election.pk])


def test_a_parent_without_children_goes_on_to_the_children_step(tablet, officer, office):
    election = ElectionFactory(stage="started", office=office, presented_by=officer)
    response = confirm_parent(tablet, election)
    assert response["Location"] == reverse("elections:children", args=[election.pk])


def test_an_unknown_a_number_opens_the_start_form_with_the_a_number_kept(tablet, office):
    response = start(tablet, "a 212 999 999")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="A212-999-999"' in page
    assert "No parent is recorded with A-number A212-999-999" in page
    assert 'name="full_name"' in page and "This field is required" not in page
    assert not Election.objects.exists()


def test_a_malformed_a_number_is_refused_on_the_home_page_with_what_was_typed(tablet, office):
    response = start(tablet, "B12-34")
    page = response.content.decode()
    assert response.status_code == 200
    assert "An A-number is the letter A followed by 8 or 9 digits" in page
    assert 'value="B12-34"' in page
    assert not Election.objects.exists()


def test_a_parent_with_an_election_in_progress_opens_it_instead(tablet, officer, office):
    register_family(family(), office=office)
    first = started(tablet)
    response = start(tablet)
    assert response["Location"] == reverse("elections:resume", args=[first.pk])
    assert Election.objects.count() == 1


def test_an_auditor_cannot_start_from_the_a_number(client, office):
    from tests.factories import make_auditor

    register_family(family(), office=office)
    client.force_login(make_auditor(username="auditor"))
    assert start(client).status_code == 403
    assert not Election.objects.exists()


# --- 2. the facility proposed --------------------------------------------------------------


def test_the_facility_proposed_is_the_one_of_the_officers_last_election_in_the_office(
    tablet, officer, office
):
    second = FacilityFactory(office=office, name="Otero County Processing Center")
    elsewhere = FieldOfficeFactory(code="SNA", name="San Antonio", time_zone="America/Chicago")
    FacilityFactory(office=elsewhere, name="South Texas ICE Processing Center")
    ElectionFactory(stage="parent", office=office, presented_by=officer, facility=second)
    register_family(family(), office=office)
    election = started(tablet)
    page = tablet.get(reverse("elections:parent", args=[election.pk])).content.decode()
    assert f'<option value="{second.pk}" selected>' in page
    assert "South Texas" not in page


def test_no_facility_is_proposed_when_the_office_has_several_and_the_officer_none_yet(
    tablet, office
):
    FacilityFactory(office=office, name="Otero County Processing Center")
    register_family(family(), office=office)
    election = started(tablet)
    page = tablet.get(reverse("elections:parent", args=[election.pk])).content.decode()
    assert "selected>Otero" not in page and "selected>El Paso" not in page


def test_a_facility_of_another_office_is_refused(tablet, office):
    elsewhere = FieldOfficeFactory(code="SNA", name="San Antonio", time_zone="America/Chicago")
    theirs = FacilityFactory(office=elsewhere, name="South Texas ICE Processing Center")
    register_family(family(), office=office)
    election = started(tablet)
    response = confirm_parent(tablet, election, facility=theirs.pk)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Election.objects.get(pk=election.pk).facility_id is None


# --- 3. discrepancies with the case system ---------------------------------------------------


def test_a_parent_discrepancy_is_shown_with_both_choices_and_blocks_submission(
    tablet, officer, office
):
    parent = register_family(family(), office=office)
    report_discrepancy(parent, "date_of_birth", "1990-04-12")
    election = started(tablet)
    page = tablet.get(reverse("elections:parent", args=[election.pk])).content.decode()
    assert "The case system reports <strong>April 12, 1990</strong>" in page
    assert "formsvc holds <strong>" in page
    assert 'value="kept"' in page and 'value="accepted"' in page

    election = Election.objects.get(pk=election.pk)
    from elections.selectors import election_queryset_for_rules

    problems = rules.submission_problems(election_queryset_for_rules().get(pk=election.pk))
    blocking = [p for p in problems if p.code == "registry_discrepancy"]
    assert [(p.rule, p.step) for p in blocking] == [("R1", rules.STEP_PARENT)]
    review = tablet.get(reverse("elections:review", args=[election.pk])).content.decode()
    assert "The case system reports a different date of birth for the parent" in review
    assert f'href="{reverse("elections:parent", args=[election.pk])}">Fix it in: Parent' in review


def test_the_discrepancy_reads_in_spanish_for_a_spanish_speaking_officer(tablet, office):
    parent = register_family(family(), office=office)
    report_discrepancy(parent, "date_of_birth", "1990-04-12")
    election = started(tablet)
    with translation.override("es"):
        page = tablet.get(
            reverse("elections:parent", args=[election.pk]), HTTP_ACCEPT_LANGUAGE="es"
        ).content.decode()
    assert "El sistema de casos indica <strong>12 de abril de 1990</strong>" in page
    assert "Conservar lo registrado" in page


def test_keeping_what_is_recorded_stamps_who_resolved_it_and_changes_nothing(
    tablet, officer, office
):
    parent = register_family(family(), office=office)
    born = parent.date_of_birth
    discrepancy = report_discrepancy(parent, "date_of_birth", "1990-04-12")
    election = started(tablet)
    url = reverse("elections:resolve_discrepancy", args=[election.pk, discrepancy.pk])
    response = tablet.post(url, {"resolution": "kept", "step": "parent"})
    assert response["Location"] == reverse("elections:parent", args=[election.pk])
    discrepancy.refresh_from_db()
    assert discrepancy.resolution == "kept" and discrepancy.resolved_by == officer
    assert discrepancy.resolved_at is not None
    assert discrepancy.history.latest().history_user == officer
    parent.refresh_from_db()
    assert parent.date_of_birth == born
    page = tablet.get(reverse("elections:parent", args=[election.pk])).content.decode()
    assert "The case system reports" not in page
    # A second tap on the same button changes nothing and says so.
    again = tablet.post(url, {"resolution": "accepted", "step": "parent"}, follow=True)
    assert "already resolved" in again.content.decode()
    parent.refresh_from_db()
    assert parent.date_of_birth == born


def test_using_what_the_case_system_reports_changes_the_record_with_its_history(
    tablet, officer, office
):
    parent = register_family(family(), office=office)
    discrepancy = report_discrepancy(parent, "date_of_birth", "1990-04-12")
    election = started(tablet)
    tablet.post(
        reverse("elections:resolve_discrepancy", args=[election.pk, discrepancy.pk]),
        {"resolution": "accepted", "step": "parent"},
    )
    parent.refresh_from_db()
    assert parent.date_of_birth.isoformat() == "1990-04-12"
    assert parent.history.latest().history_user == officer
    assert "accepted" in parent.history.latest().history_change_reason
    discrepancy.refresh_from_db()
    assert discrepancy.resolution == "accepted" and discrepancy.resolved_by == officer


def test_a_childs_discrepancy_is_settled_on_the_children_step(tablet, officer, office):
    parent = register_family(family(), office=office)
    child = parent.child_links.get(child__a_number="A221000002").child
    discrepancy = report_discrepancy(
        parent, "location_name", "Casa Padre, Brownsville TX", child=child
    )
    election = started(tablet)
    children = tablet.get(reverse("elections:children", args=[election.pk])).content.decode()
    assert "José Luis López Cruz, name and city of the placement" in children
    assert "Casa Padre, Brownsville TX" in children
    parent_page = tablet.get(reverse("elections:parent", args=[election.pk])).content.decode()
    assert "Casa Padre" not in parent_page
    # The child is blocked by R2 until settled, so confirming the parent leads to the children.
    response = confirm_parent(tablet, election)
    assert response["Location"] == reverse("elections:children", args=[election.pk])
    tablet.post(
        reverse("elections:resolve_discrepancy", args=[election.pk, discrepancy.pk]),
        {"resolution": "accepted", "step": "children"},
    )
    child.refresh_from_db()
    assert child.location_name == "Casa Padre, Brownsville TX"
    from elections.selectors import election_queryset_for_rules

    loaded = election_queryset_for_rules().get(pk=election.pk)
    assert rules.check_registry(loaded) == []


def test_a_reported_value_that_cannot_be_recorded_is_refused_and_stays_open(tablet, office):
    parent = register_family(family(), office=office)
    discrepancy = report_discrepancy(parent, "country_of_citizenship", "XX")
    election = started(tablet)
    page = tablet.post(
        reverse("elections:resolve_discrepancy", args=[election.pk, discrepancy.pk]),
        {"resolution": "accepted", "step": "parent"},
        follow=True,
    ).content.decode()
    assert "cannot be recorded as it is" in page
    discrepancy.refresh_from_db()
    assert discrepancy.resolved_at is None
    parent.refresh_from_db()
    assert parent.country_of_citizenship == "GT"


def test_another_parents_discrepancy_cannot_be_resolved_through_this_election(tablet, office):
    register_family(family(), office=office)
    other = register_family(
        RegisteredFamily(
            a_number="A299999999",
            full_name="Rosa Pérez",
            date_of_birth=birthday_years_ago(40),
            children=[RegisteredChild("A229999991", "Lucas Pérez", birthday_years_ago(4))],
        )
    )
    theirs = report_discrepancy(other, "full_name", "Rosa María Pérez")
    election = started(tablet)
    tablet.post(
        reverse("elections:resolve_discrepancy", args=[election.pk, theirs.pk]),
        {"resolution": "accepted"},
    )
    theirs.refresh_from_db()
    assert theirs.resolved_at is None
    other.refresh_from_db()
    assert other.full_name == "Rosa Pérez"


def test_the_flow_pages_stay_within_ten_queries_with_a_discrepancy_for_every_child(
    client, officer, office
):
    parent = register_family(
        family(
            *[
                RegisteredChild(f"A22100000{i}", f"Niño {name} López", birthday_years_ago(3 + i))
                for i, name in enumerate(["Ana", "Beto", "Ciro", "Dora", "Elsa"], start=1)
            ]
        ),
        office=office,
    )
    report_discrepancy(parent, "full_name", "María F. López Cruz")
    client.force_login(officer)
    election = started(client)
    urls = [
        reverse(f"elections:{name}", args=[election.pk])
        for name in ("parent", "children", "notice", "review")
    ]

    def counts():
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            found.append(sum(1 for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]))
        return found

    before = counts()
    for link in parent.child_links.select_related("child"):
        report_discrepancy(parent, "location_name", "Otra casa, Houston TX", child=link.child)
    after = counts()
    assert max(after) <= 10, after
    assert before == after


# --- 4. fewer taps on the notice and signatures ----------------------------------------------


def test_the_notice_step_proposes_the_parents_language_and_the_only_witness(
    tablet, officer, witness, office, notices
):
    register_family(family(), office=office)
    election = started(tablet)
    page = tablet.get(reverse("elections:notice", args=[election.pk])).content.decode()
    assert '<option value="es" selected>' in page
    assert f'<option value="{witness.pk}" selected>' in page


def test_the_witness_proposed_is_the_one_of_the_officers_last_election(
    tablet, officer, witness, office, notices
):
    other = make_officer(office, username="areyes", first_name="Ana", last_name="Reyes")
    ElectionFactory(stage="notice", office=office, presented_by=officer, witness=other)
    register_family(family(), office=office)
    election = started(tablet)
    page = tablet.get(reverse("elections:notice", args=[election.pk])).content.decode()
    assert f'<option value="{other.pk}" selected>' in page
    assert f'<option value="{witness.pk}">' in page
    assert f'<option value="{officer.pk}"' not in page


@pytest.fixture
def parent_signed(officer, witness, office, notices):
    return ElectionFactory(
        stage="parent_signed",
        office=office,
        presented_by=officer,
        witness=witness,
        delivery_mode=DeliveryMode.INTERPRETER_IN_PERSON,
    )


def sign_everything(**overrides):
    data = {
        "interpreter-signature": scribble(2),
        "witness-username": "witness",
        "witness-password": STAFF_PASSWORD,
        "witness-signature": scribble(3),
        "officer-password": STAFF_PASSWORD,
        "officer-signature": scribble(4),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_one_submit_signs_everything_left_and_lands_on_the_review(tablet, parent_signed):
    url = reverse("elections:staff_sign", args=[parent_signed.pk])
    page = tablet.get(url).content.decode()
    # One button for the interpreter's, the witness's and the officer's parts together.
    assert page.count("Sign and continue to review") == 1
    assert "Sign with my password" not in page and "Record the interpreter" not in page
    for name in ("interpreter-signature", "witness-password", "officer-password"):
        assert f'name="{name}"' in page
    response = tablet.post(url, sign_everything())
    assert response["Location"] == reverse("elections:review", args=[parent_signed.pk])
    roles = set(Signature.objects.filter(election=parent_signed).values_list("role", flat=True))
    assert roles == {"parent", "interpreter", "witness", "officer"}


def test_every_problem_is_listed_at_once_and_what_was_signed_correctly_is_kept(
    tablet, parent_signed
):
    url = reverse("elections:staff_sign", args=[parent_signed.pk])
    response = tablet.post(
        url, sign_everything(**{"witness-password": "wrong", "officer-signature": ""})
    )
    assert response.status_code == 200
    page = response.content.decode()
    listed = {part["key"]: messages for part, messages in response.context["errors"]}
    assert set(listed) == {"witness", "officer"}
    assert any("do not match the witness" in m for m in listed["witness"])
    assert any("signature pad is empty" in m for m in listed["officer"])
    # The interpreter's signature is saved; the witness's username and drawing are kept.
    roles = set(Signature.objects.filter(election=parent_signed).values_list("role", flat=True))
    assert roles == {"parent", "interpreter"}
    assert "Attested" in page
    assert 'name="witness-username" id="id_witness-username" value="witness"' in page
    assert scribble(3) in page
    assert "passwords must be typed again" in page

    fixed = tablet.post(
        url,
        {
            "witness-username": "witness",
            "witness-password": STAFF_PASSWORD,
            "witness-signature": scribble(3),
            "officer-password": STAFF_PASSWORD,
            "officer-signature": scribble(4),
        },
    )
    assert fixed["Location"] == reverse("elections:review", args=[parent_signed.pk])


def test_the_presenting_officer_cannot_sign_as_the_witness(tablet, parent_signed):
    url = reverse("elections:staff_sign", args=[parent_signed.pk])
    response = tablet.post(url, sign_everything(**{"witness-username": "officer"}))
    assert response.status_code == 200
    assert not Signature.objects.filter(election=parent_signed, role=SignatureRole.WITNESS).exists()
    # The officer's own part, valid, is signed.
    assert Signature.objects.filter(election=parent_signed, role=SignatureRole.OFFICER).exists()


def test_the_officers_signature_needs_the_officers_own_password(tablet, parent_signed, witness):
    url = reverse("elections:staff_sign", args=[parent_signed.pk])
    tablet.post(url, sign_everything(**{"officer-password": "not-it"}))
    assert not Signature.objects.filter(election=parent_signed, role=SignatureRole.OFFICER).exists()


def test_a_registered_family_is_submitted_through_the_http_flow(
    tablet, officer, witness, office, notices
):
    register_family(family(), office=office)
    election = started(tablet)
    assert confirm_parent(tablet, election)["Location"].endswith("/notice/")
    notice = {
        "language": "es",
        "delivery_mode": "interpreter_in_person",
        "interpreter_name": "Rosa Elena Méndez Ajú",
        "interpreter_id": "Lionbridge #44721",
        "interpreter_language": "es",
        "operator_id": "",
        "witness": witness.pk,
    }
    assert tablet.post(reverse("elections:notice", args=[election.pk]), notice).status_code == 302
    tablet.post(reverse("elections:handover", args=[election.pk]))
    items = list(Election.objects.get(pk=election.pk).covered.all())
    tablet.post(
        reverse("elections:parent_choices", args=[election.pk]),
        {f"child_{items[0].pk}": "reunify", f"child_{items[1].pk}": "waive"},
    )
    from tests.officer.test_views_officer import covers

    sign_page = tablet.get(reverse("elections:parent_sign", args=[election.pk])).content.decode()
    tablet.post(
        reverse("elections:parent_sign", args=[election.pk]),
        {"method": "drawn", "signature": scribble(1), "reason": "", "covers": covers(sign_page)},
    )
    signed = tablet.post(reverse("elections:staff_sign", args=[election.pk]), sign_everything())
    assert signed["Location"] == reverse("elections:review", args=[election.pk])
    assert tablet.post(reverse("elections:submit", args=[election.pk])).status_code == 302
    assert Election.objects.get(pk=election.pk).status == Status.SUBMITTED
    assert not RegistryDiscrepancy.objects.exists()


def test_a_childs_discrepancy_reported_with_the_other_parent_is_settled_here_too(
    tablet, officer, office
):
    mother = register_family(family(), office=office)
    child = mother.child_links.get(child__a_number="A221000001").child
    # The father registers the same child (by A-number): one child, two parents.
    father = register_family(
        RegisteredFamily(
            a_number="A299999999",
            full_name="Luis López Pérez",
            date_of_birth=birthday_years_ago(38),
            children=[
                RegisteredChild(
                    child.a_number, child.full_name, child.date_of_birth, relationship="father"
                )
            ],
        )
    )
    assert father.child_links.get().child == child
    # The child's birth date, reported with the father: it is the same child on either tablet.
    born = report_discrepancy(father, "date_of_birth", "2016-01-02", child=child)
    # The father's relationship to the child concerns the father's election only.
    theirs = report_discrepancy(father, "evidence", "dna", child=child)
    election = started(tablet)
    page = tablet.get(reverse("elections:children", args=[election.pk])).content.decode()
    assert "Ana Sofía López Cruz, date of birth" in page and "January 2, 2016" in page
    assert "how the relationship was verified:" not in page
    from elections.selectors import election_queryset_for_rules

    loaded = election_queryset_for_rules().get(pk=election.pk)
    assert [(p.rule, p.step) for p in rules.check_registry(loaded)] == [("R2", rules.STEP_CHILDREN)]
    refused = tablet.post(
        reverse("elections:resolve_discrepancy", args=[election.pk, theirs.pk]),
        {"resolution": "accepted", "step": "children"},
    )
    assert refused.status_code == 302
    theirs.refresh_from_db()
    assert theirs.resolved_at is None
    tablet.post(
        reverse("elections:resolve_discrepancy", args=[election.pk, born.pk]),
        {"resolution": "kept", "step": "children"},
    )
    born.refresh_from_db()
    assert born.resolution == "kept" and born.resolved_by == officer
