"""Lockouts in the admin: superusers see every sign-in attempt, failure and lockout, read-only and
translated; supervisors, who share the admin site for their queue, see none of it."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.factories import STAFF_PASSWORD

pytestmark = pytest.mark.django_db

PAGES = [
    ("axes", "accessattempt"),
    ("axes", "accessfailurelog"),
    ("axes", "accesslog"),
]


@pytest.fixture
def root(db):
    return get_user_model().objects.create_superuser("root", "root@formsvc.example", STAFF_PASSWORD)


@pytest.fixture
def locked_out_officer(officer):
    """The officer mistyped their password until the sign-in locked, then someone else signed in."""
    tablet = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        tablet.post(reverse("login"), {"username": "officer", "password": "wrong password"})
    return officer


def test_a_superuser_sees_the_lockout_and_every_failed_attempt(client, root, locked_out_officer):
    client.force_login(root)

    attempts = client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    failures = client.get(reverse("admin:axes_accessfailurelog_changelist")).content.decode()

    assert "officer" in attempts and "Locked out" in attempts
    assert AccessFailureLog.objects.filter(username="officer").count() == (
        settings.AXES_FAILURE_LIMIT
    )
    assert AccessFailureLog.objects.filter(username="officer", locked_out=True).exists()
    assert failures.count("officer") >= settings.AXES_FAILURE_LIMIT


def test_an_attempt_short_of_the_limit_says_how_many_remain(client, root, officer):
    Client().post(reverse("login"), {"username": "officer", "password": "wrong password"})
    client.force_login(root)

    page = client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()

    assert f"{settings.AXES_FAILURE_LIMIT - 1} attempts remaining" in page


def test_successful_sign_ins_are_listed_too(client, root, officer):
    Client().post(reverse("login"), {"username": "officer", "password": STAFF_PASSWORD})
    client.force_login(root)

    page = client.get(reverse("admin:axes_accesslog_changelist")).content.decode()

    assert AccessLog.objects.filter(username="officer").exists()
    assert "officer" in page


def test_the_lists_are_read_only_even_for_a_superuser(client, root, locked_out_officer):
    client.force_login(root)
    attempt = AccessAttempt.objects.get(username="officer")
    failure = AccessFailureLog.objects.filter(username="officer").first()
    change = reverse("admin:axes_accessattempt_change", args=[attempt.pk])

    page = client.get(change)
    edited = client.post(change, {"username": "someone-else", "failures_since_start": 0})
    deleted = client.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    failure_deleted = client.post(
        reverse("admin:axes_accessfailurelog_delete", args=[failure.pk]), {"post": "yes"}
    )
    added = client.get(reverse("admin:axes_accessattempt_add"))

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert edited.status_code == 403
    assert deleted.status_code == 403
    assert failure_deleted.status_code == 403
    assert added.status_code == 403
    attempt.refresh_from_db()
    assert attempt.username == "officer"
    assert attempt.failures_since_start == settings.AXES_FAILURE_LIMIT


@pytest.mark.parametrize(("app", "model"), PAGES)
def test_a_supervisor_cannot_open_the_sign_in_lists(client, supervisor, app, model):
    client.force_login(supervisor)

    response = client.get(reverse(f"admin:{app}_{model}_changelist"))

    assert response.status_code == 403


def test_a_supervisor_cannot_open_the_accounts(client, supervisor, officer):
    client.force_login(supervisor)

    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_user_change", args=[officer.pk])).status_code == 403


def test_the_admin_index_shows_the_sign_in_lists_in_spanish(client, root, locked_out_officer):
    client.force_login(root)

    index = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    attempts = client.get(
        reverse("admin:axes_accessattempt_changelist"), HTTP_ACCEPT_LANGUAGE="es"
    ).content.decode()

    assert "Intentos de inicio de sesión" in index
    assert "Accesos fallidos" in index
    assert "Dirección IP" in attempts
    assert "Bloqueado" in attempts
