"""The parent's screens in the parent's language and in English, from the server's side: the
words a Spanish-speaking parent reads come twice, an English-speaking parent's once."""

import pytest
from django.urls import reverse

from tests.factories import ElectionFactory

pytestmark = pytest.mark.django_db


def election_for(office, officer, language):
    return ElectionFactory(
        stage="shown",
        language=language,
        office=office,
        presented_by=officer,
        facility=office.facilities.get(),
    )


def test_a_choice_left_out_is_explained_in_spanish_and_in_english(client, office, officer, notices):
    election = election_for(office, officer, "es")
    client.force_login(officer)
    response = client.post(
        reverse("elections:parent_choices", args=[election.pk]), {"unrelated": "1"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'lang="es">Elija una opción para este niño o niña.' in body
    assert 'lang="en">Choose one option for this child.' in body


def test_an_english_speaking_parent_reads_each_heading_once(client, office, officer, notices):
    election = election_for(office, officer, "en")
    client.force_login(officer)
    for screen in ("parent_notice", "parent_choices"):
        body = client.get(reverse(f"elections:{screen}", args=[election.pk])).content.decode()
        assert "bilingual-part" not in body
    body = client.get(reverse("elections:parent_choices", args=[election.pk])).content.decode()
    assert body.count("Your choice for each child") == 2  # the page title and the heading
