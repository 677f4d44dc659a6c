"""A post refused for a missing CSRF cookie: sign in again when the session is gone, else 403."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import ElectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def election(officer, witness, notices):
    return ElectionFactory(office=officer.staff.office, presented_by=officer, witness=witness)


def test_a_post_without_session_or_csrf_cookie_goes_to_sign_in_and_back(election):
    client = Client(enforce_csrf_checks=True)
    step = reverse("elections:parent", args=[election.pk])
    response = client.post(step, {"full_name": "Changed"})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={step}"
    election.refresh_from_db()
    assert election.parent.full_name != "Changed"


def test_the_sign_in_page_itself_still_refuses_a_post_without_csrf_cookie(officer):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "officer", "password": "x"})
    assert response.status_code == 403


def test_a_signed_in_post_without_csrf_token_is_refused(officer, election):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    response = client.post(reverse("elections:parent", args=[election.pk]), {"full_name": "X"})
    assert response.status_code == 403
