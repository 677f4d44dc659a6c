"""A database that cannot be reached is an outage, not a defect: every page answers a 503 in both
languages with no trace of the service's insides, the API a JSON 503, /healthz 503. (The same
with a real PostgreSQL stopped under a real server: tests/postgres/test_faults.py.)"""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

ENGLISH = "The service is unavailable for a moment"
SPANISH = "El servicio no está disponible por un momento"


@pytest.fixture
def signed_in(officer):
    client = Client(raise_request_exception=False)
    client.force_login(officer)
    return client


@pytest.fixture
def database_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')

    # The session is the first thing a request reads from the database; the health check and
    # anything else open a cursor.
    monkeypatch.setattr(SessionStore, "load", refuse)
    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", refuse)


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_page_answers_a_503_in_both_languages_with_nothing_of_the_failure(
    signed_in, database_down, language
):
    for path in (reverse("elections:home"), "/admin/", "/audit/"):
        response = signed_in.get(path, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 503, path
        page = response.content.decode()
        assert ENGLISH in page and SPANISH in page
        assert f'<html lang="{language}">' in page
        first, second = (SPANISH, ENGLISH) if language == "es" else (ENGLISH, SPANISH)
        assert page.index(first) < page.index(second)
        for leak in ("Traceback", "OperationalError", "5432", "127.0.0.1"):
            assert leak not in page
        assert response["Retry-After"] == "30"
        assert "no-store" in response["Cache-Control"]


def test_a_form_posted_while_the_database_is_down_gets_the_503_page(signed_in, database_down):
    response = signed_in.post(reverse("logout"))
    assert response.status_code == 503
    assert ENGLISH in response.content.decode()


def test_the_api_answers_a_json_503(database_down):
    client = Client(raise_request_exception=False, HTTP_AUTHORIZATION="Bearer fsv_whatever")
    response = client.get("/api/v1/elections/")
    assert response.status_code == 503
    assert response.json()["error"] == "service_unavailable"
    assert "5432" not in response.content.decode()


def test_healthz_answers_503(database_down):
    response = Client().get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}


def test_a_lost_connection_is_an_outage_too(signed_in, monkeypatch):
    def lost(*args, **kwargs):
        raise InterfaceError("connection already closed")

    monkeypatch.setattr(SessionStore, "load", lost)
    assert signed_in.get(reverse("elections:home")).status_code == 503


def test_any_other_failure_is_still_the_plain_500(signed_in, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a defect")

    monkeypatch.setattr(SessionStore, "load", broken)
    response = signed_in.get(reverse("elections:home"))
    assert response.status_code == 500
    assert ENGLISH not in response.content.decode()
