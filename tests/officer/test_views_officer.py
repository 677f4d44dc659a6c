"""The officer's tablet flow through HTTP, as a tablet's browser would post it."""

import base64
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from PIL import Image, ImageDraw

from elections.constants import Decision, SignatureMethod, Status
from elections.models import Election, Parent
from tests.factories import STAFF_PASSWORD, make_officer

pytestmark = pytest.mark.django_db


def scribble(seed: int = 0) -> str:
    """A drawn signature as the signature pad sends it: a PNG data URL with real strokes."""
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    points = [(40 + i * 25, 100 + ((i * 37 + seed * 11) % 60) - 30) for i in range(20)]
    draw.line(points, fill=(11, 31, 68, 255), width=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def covers(page: str) -> str:
    """The digest of the notice and choices a parent's signing page was shown with."""
    match = re.search(r'name="covers" value="([0-9a-f]{64})"', page)
    assert match, "the signing page carries what the signature covers"
    return match.group(1)


@pytest.fixture
def tablet(client, officer):
    client.force_login(officer)
    return client


def identity_fields(tablet) -> dict:
    """Where the parent is held and how their identity was verified, as the start form takes
    them: a facility of the signed-in officer's office."""
    user = get_user_model().objects.get(pk=tablet.session["_auth_user_id"])
    return {
        "facility": user.staff.office.facilities.order_by("pk").first().pk,
        "identity_method": "fingerprints",
        "identity_document": "IDENT match 2026-11-20",
    }


def start_election(tablet, a_number="A-012-345-678", language="es"):
    response = tablet.post(
        reverse("elections:start"),
        {
            "a_number": a_number,
            "full_name": "María Fernanda López Cruz",
            "date_of_birth": "1990-04-02",
            "country_of_citizenship": "GT",
            "primary_language": language,
            **identity_fields(tablet),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Election.objects.get(parent__a_number="A012345678")


def complete_parent_step(tablet, election):
    facility = election.office.facilities.first()
    response = tablet.post(
        reverse("elections:parent", args=[election.pk]),
        {
            "full_name": "María Fernanda López Cruz",
            "date_of_birth": "1990-04-02",
            "country_of_citizenship": "GT",
            "primary_language": election.parent.primary_language,
            "facility": facility.pk,
            "identity_method": "fingerprints",
            "identity_document": "IDENT match 2026-11-20",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]


def child_data(**overrides):
    data = {
        "full_name": "Ana Sofía López",
        "date_of_birth": "2016-07-15",
        "a_number": "",
        "location_kind": "orr_shelter",
        "location_name": "Casa Esperanza, San Benito TX",
        "relationship": "mother",
        "evidence": "birth_certificate",
        "evidence_note": "Guatemalan birth certificate 2016-07-18",
    }
    data.update(overrides)
    return data


def add_child(tablet, election, **overrides):
    return tablet.post(reverse("elections:children", args=[election.pk]), child_data(**overrides))


def set_notice(tablet, election, witness, **overrides):
    data = {
        "language": "es",
        "delivery_mode": "interpreter_in_person",
        "interpreter_name": "Rosa Elena Méndez",
        "interpreter_id": "Lionbridge #44721",
        "interpreter_language": election.parent.primary_language,
        "operator_id": "",
        "witness": witness.pk,
    }
    data.update(overrides)
    return tablet.post(reverse("elections:notice", args=[election.pk]), data)


def test_an_officer_takes_a_two_child_spanish_election_with_an_interpreter_to_submitted(
    tablet, officer, witness, notices
):
    election = start_election(tablet)
    complete_parent_step(tablet, election)
    assert add_child(tablet, election).status_code == 302
    assert (
        add_child(
            tablet, election, full_name="José Luis López", date_of_birth="2019-01-30"
        ).status_code
        == 302
    )
    assert set_notice(tablet, election, witness).status_code == 302

    assert tablet.post(reverse("elections:handover", args=[election.pk])).status_code == 302
    page = tablet.get(reverse("elections:parent_notice", args=[election.pk]))
    body = page.content.decode()
    assert 'lang="es"' in body and 'lang="en"' in body  # R10: Spanish beside English
    assert page.headers["Content-Language"] == "es"

    choices = tablet.get(reverse("elections:parent_choices", args=[election.pk])).content.decode()
    assert "checked" not in choices  # R11: nothing pre-selected
    items = list(Election.objects.get(pk=election.pk).covered.all())
    response = tablet.post(
        reverse("elections:parent_choices", args=[election.pk]),
        {f"child_{items[0].pk}": "reunify", f"child_{items[1].pk}": "consult"},
    )
    assert response.status_code == 302
    sign_page = tablet.get(reverse("elections:parent_sign", args=[election.pk])).content.decode()
    assert 'name="method"' in sign_page and "checked" not in sign_page  # R11: nothing preset
    response = tablet.post(
        reverse("elections:parent_sign", args=[election.pk]),
        {"method": "drawn", "signature": scribble(1), "reason": "", "covers": covers(sign_page)},
    )
    assert response.status_code == 302

    # Everything left to sign is one form and one submit; the officer lands on the review.
    sign_url = reverse("elections:staff_sign", args=[election.pk])
    response = tablet.post(
        sign_url,
        {
            "legal-legal_contact": "Las Americas, 915-544-5126",
            "interpreter-signature": scribble(2),
            "witness-username": "witness",
            "witness-password": STAFF_PASSWORD,
            "witness-signature": scribble(3),
            "officer-password": STAFF_PASSWORD,
            "officer-signature": scribble(4),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == reverse("elections:review", args=[election.pk])
    election.refresh_from_db()
    assert election.legal_contact_given == "Las Americas, 915-544-5126"
    signed = {s.role: s for s in election.signatures.all()}
    assert set(signed) == {"parent", "interpreter", "witness", "officer"}
    assert signed["witness"].signer.username == "witness" and signed["witness"].password_confirmed
    assert signed["officer"].signer.username == "officer" and signed["officer"].password_confirmed

    review = tablet.get(reverse("elections:review", args=[election.pk]))
    assert "cannot be submitted yet" not in review.content.decode(), review.content.decode()
    response = tablet.post(reverse("elections:submit", args=[election.pk]))
    assert response.status_code == 302
    election.refresh_from_db()
    assert election.status == Status.SUBMITTED
    decisions = sorted(election.covered.values_list("decision", flat=True))
    assert decisions == [Decision.CONSULT, Decision.REUNIFY]

    # The hand-back screen shows the reference and no personal data.
    done = tablet.get(reverse("elections:submitted", args=[election.pk])).content.decode()
    assert election.reference in done
    assert "María" not in done and "Ana Sofía" not in done


def test_a_second_submit_keeps_one_record_and_says_it_was_already_submitted(
    tablet, officer, witness, notices
):
    from tests.factories import ElectionFactory

    election = ElectionFactory(
        ready=True, office=officer.staff.office, presented_by=officer, witness=witness
    )
    first = tablet.post(reverse("elections:submit", args=[election.pk]))
    second = tablet.post(reverse("elections:submit", args=[election.pk]), follow=True)
    assert first.status_code == 302
    assert "already submitted" in second.content.decode()
    assert Election.objects.filter(parent=election.parent).count() == 1
    assert Election.objects.get(pk=election.pk).status == Status.SUBMITTED


def test_a_malformed_a_number_is_refused_with_the_entered_data_kept(tablet, office):
    response = tablet.post(
        reverse("elections:start"),
        {
            "a_number": "B12-34",
            "full_name": "Juan Pérez",
            "date_of_birth": "1985-02-01",
            "country_of_citizenship": "HN",
            "primary_language": "es",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "An A-number is the letter A followed by 8 or 9 digits" in body
    assert 'value="Juan Pérez"' in body and 'value="B12-34"' in body
    assert not Parent.objects.exists()


def test_the_same_errors_read_in_spanish_for_a_spanish_speaking_officer(tablet, office):
    with translation.override("es"):
        response = tablet.post(
            reverse("elections:start"),
            {
                "a_number": "12",
                "full_name": "",
                "date_of_birth": "",
                "country_of_citizenship": "",
                "primary_language": "",
            },
            HTTP_ACCEPT_LANGUAGE="es",
        )
    body = response.content.decode()
    assert "Un número A" in body


def test_a_child_of_18_is_refused_and_the_form_keeps_what_was_typed(tablet, officer, notices):
    election = start_election(tablet)
    response = add_child(tablet, election, full_name="Carlos López", date_of_birth="2000-01-01")
    body = response.content.decode()
    assert response.status_code == 200
    assert "18 or older" in body
    assert 'value="Carlos López"' in body
    assert election.covered.count() == 0


def test_a_birth_date_in_the_future_is_refused(tablet, officer, notices):
    election = start_election(tablet)
    response = add_child(tablet, election, date_of_birth="2099-01-01")
    assert "cannot be in the future" in response.content.decode()
    assert election.covered.count() == 0


def test_the_same_child_twice_is_refused(tablet, officer, notices):
    election = start_election(tablet)
    add_child(tablet, election)
    response = add_child(tablet, election)
    assert "already on this election" in response.content.decode()
    assert election.covered.count() == 1


def test_a_notice_in_another_language_without_an_interpreter_is_refused(
    tablet, officer, witness, notices
):
    election = start_election(tablet, language="quc")
    complete_parent_step(tablet, election)
    add_child(tablet, election)
    response = set_notice(tablet, election, witness, delivery_mode="officer_read")
    assert response.status_code == 200
    assert "choose an interpreter" in response.content.decode()
    election.refresh_from_db()
    assert election.notice_version_id is None


def test_the_witness_list_does_not_offer_the_presenting_officer(tablet, officer, witness, notices):
    election = start_election(tablet)
    response = set_notice(tablet, election, officer)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    election.refresh_from_db()
    assert election.witness_id is None


def test_a_blank_signature_pad_is_refused_and_the_choices_stay(tablet, officer, witness, notices):
    from tests.factories import ElectionFactory

    election = ElectionFactory(
        ready=True, office=officer.staff.office, presented_by=officer, witness=witness
    )
    blank = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    out = io.BytesIO()
    blank.save(out, format="PNG")
    data_url = "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()
    response = tablet.post(
        reverse("elections:parent_sign", args=[election.pk]),
        {"method": SignatureMethod.DRAWN, "signature": data_url, "reason": ""},
    )
    assert response.status_code == 200
    # The parent's screen speaks the notice language, Spanish here.
    assert "El recuadro de firma está vacío" in response.content.decode()
    assert all(item.decision for item in election.covered.all())


def test_a_signature_that_is_not_a_png_is_refused(tablet, officer, witness, notices):
    from tests.factories import ElectionFactory

    election = ElectionFactory(
        ready=True, office=officer.staff.office, presented_by=officer, witness=witness
    )
    jpeg = io.BytesIO()
    Image.new("RGB", (100, 50), (0, 0, 0)).save(jpeg, format="JPEG")
    response = tablet.post(
        reverse("elections:parent_sign", args=[election.pk]),
        {
            "method": "drawn",
            "signature": "data:image/png;base64," + base64.b64encode(jpeg.getvalue()).decode(),
        },
    )
    assert "La firma debe ser una imagen PNG" in response.content.decode()


def test_a_child_with_no_choice_is_refused_on_the_parents_screen(tablet, officer, witness, notices):
    election = start_election(tablet)
    complete_parent_step(tablet, election)
    add_child(tablet, election)
    add_child(tablet, election, full_name="José Luis López", date_of_birth="2019-01-30")
    set_notice(tablet, election, witness)
    tablet.post(reverse("elections:handover", args=[election.pk]))
    first = election.covered.first()
    response = tablet.post(
        reverse("elections:parent_choices", args=[election.pk]), {f"child_{first.pk}": "waive"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    # The parent's screen speaks the notice language.
    assert "Elija una opción para este niño" in body or "Choose one option for this child" in body
    assert 'value="waive" autocomplete="off" checked' in body  # the first choice is kept
    assert not election.covered.exclude(decision=None).exists()


def test_another_field_offices_election_is_not_found(client, notices):
    from tests.factories import ElectionFactory, FacilityFactory, FieldOfficeFactory

    elsewhere = FieldOfficeFactory(code="SNA", name="San Antonio", time_zone="America/Chicago")
    FacilityFactory(office=elsewhere)
    other_officer = make_officer(elsewhere, username="officer2")
    election = ElectionFactory(office=elsewhere, presented_by=other_officer)
    mine = FieldOfficeFactory(code="ELP", name="El Paso", time_zone="America/Denver")
    client.force_login(make_officer(mine, username="officer"))
    for name in ("resume", "parent", "children", "notice", "review", "summary", "staff_sign"):
        assert client.get(reverse(f"elections:{name}", args=[election.pk])).status_code == 404
    assert client.post(reverse("elections:submit", args=[election.pk])).status_code == 404


def test_pages_need_a_signed_in_user(client, notices):
    response = client.get(reverse("elections:home"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    assert client.get(reverse("healthz")).json()["status"] == "ok"


def test_the_navigation_leads_supervisors_to_the_queue_and_auditors_to_their_workspace(
    client, supervisor
):
    from tests.factories import make_auditor

    client.force_login(supervisor)
    assert reverse("admin:elections_election_changelist") in client.get("/").content.decode()
    client.force_login(make_auditor(username="auditor"))
    page = client.get(reverse("audit:search")).content.decode()
    assert reverse("audit:search") in page
    assert reverse("admin:elections_election_changelist") not in page
