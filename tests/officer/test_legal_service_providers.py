"""Each field office's legal service providers, as data: kept by superusers in the admin, listed
on the parent's notice screen of that office only, and said plainly when there are none."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from elections.models import LegalServiceProvider
from tests.factories import ElectionFactory, FacilityFactory, FieldOfficeFactory

pytestmark = pytest.mark.django_db


def provider(office, name, **extra):
    values = {"telephone": "(915) 555-0100", "languages": ["es", "en"], **extra}
    return LegalServiceProvider.objects.create(office=office, name=name, **values)


@pytest.fixture
def shown(office, officer, notices):
    """An election of ``office`` whose parent's screens have started, and the officer's client."""
    election = ElectionFactory(
        stage="shown", office=office, presented_by=officer, facility=office.facilities.get()
    )
    return election


def notice_page(client, officer, election) -> str:
    client.force_login(officer)
    response = client.get(reverse("elections:parent_notice", args=[election.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_parent_is_shown_the_active_providers_of_their_own_office_in_order(
    client, office, officer, shown
):
    provider(office, "Second Aid", order=2, telephone="(915) 555-0102")
    provider(office, "First Aid", order=1, telephone="(915) 555-0101", languages=["es", "mam"])
    provider(office, "Closed Clinic", order=0, is_active=False)
    elsewhere = FieldOfficeFactory(code="SNA", name="San Antonio Field Office")
    FacilityFactory(office=elsewhere)
    provider(elsewhere, "Alamo Defense", telephone="(210) 555-0133")

    body = notice_page(client, officer, shown)
    assert body.index("First Aid") < body.index("(915) 555-0101") < body.index("Second Aid")
    assert "Idiomas: español, mam" in body and "Languages: Spanish, Mam" in body
    assert "Closed Clinic" not in body
    assert "Alamo Defense" not in body and "555-0133" not in body


def test_an_office_with_no_provider_is_told_plainly_in_both_languages(
    client, office, officer, shown
):
    body = notice_page(client, officer, shown)
    assert "Esta oficina todavía no tiene en su lista ningún proveedor" in body
    assert "No free legal service provider is listed for this office yet." in body
    assert f"{office.name} has no legal service provider on its list." in body


def test_the_legal_help_heading_is_not_repeated_by_the_notice_text_below_it(
    client, office, officer, notices
):
    election = ElectionFactory(
        stage="shown",
        language="en",
        office=office,
        presented_by=officer,
        facility=office.facilities.get(),
    )
    body = notice_page(client, officer, election)
    assert body.count("How to get legal help") == 1
    assert "You may also call the consulate of your country." in body  # the rest is all there


def test_a_language_served_must_be_a_known_language_code():
    office = FieldOfficeFactory()
    bad = LegalServiceProvider(office=office, name="Aid", telephone="555-0100", languages=["xx"])
    with pytest.raises(ValidationError) as caught:
        bad.full_clean()
    assert "languages" in caught.value.message_dict


def test_only_a_superuser_manages_the_providers_in_the_admin(client, office, supervisor):
    changelist = reverse("admin:elections_legalserviceprovider_changelist")
    client.force_login(supervisor)
    assert client.get(changelist).status_code in (302, 403)

    admin = get_user_model().objects.create_superuser("root", "root@formsvc.example", "x-pass-42")
    client.force_login(admin)
    response = client.post(
        reverse("admin:elections_legalserviceprovider_add"),
        {
            "office": office.pk,
            "name": "Centro Legal Fronterizo",
            "telephone": "(915) 555-0142",
            "languages": ["es", "quc"],
            "is_active": "on",
            "order": 1,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = LegalServiceProvider.objects.get()
    assert (saved.office, saved.languages) == (office, ["es", "quc"])
    assert "Centro Legal Fronterizo" in client.get(changelist).content.decode()
