"""Choosing a language on the sign-in page works before signing in, with Django's own checks."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_choosing_espanol_signed_out_shows_the_sign_in_page_in_spanish(client):
    response = client.post(
        reverse("set_language"), {"language": "es", "next": "/accounts/login/?next=/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    page = client.get(response["Location"])
    assert '<html lang="es">' in page.content.decode()
    assert "Iniciar sesión" in page.content.decode()


def test_the_language_switch_still_needs_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("set_language"), {"language": "es", "next": "/"})
    # Refused (the site's CSRF failure page sends a signed-out user to sign in), language unchanged.
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert response["Location"].startswith(reverse("login"))


def test_the_language_switch_does_not_send_anyone_to_another_site(client):
    response = client.post(
        reverse("set_language"), {"language": "es", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_get_changes_no_language(client):
    response = client.get(reverse("set_language"), {"language": "es", "next": "/"})
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
