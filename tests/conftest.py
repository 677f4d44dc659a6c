"""Fixtures and speed-ups shared by the whole test suite."""

import pytest

from tests.factories import (
    FacilityFactory,
    FieldOfficeFactory,
    load_project_notices,
    make_officer,
    make_supervisor,
)


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hasher():
    # Staff sign by re-entering their password (R6); the production hasher would make every
    # signature in every test take a third of a second. Session-wide, so that module-scoped
    # fixtures (a seeded demo) and the live server's threads hash quickly too.
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _default_language():
    # A request served in Spanish leaves Spanish active in the thread (LocaleMiddleware does
    # not switch back): every test starts, and leaves, in the project's default language.
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Tests render pages without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _force_login_confirms_the_second_factor(monkeypatch):
    # In these tests, client.force_login(user) means "signed in with the password and the second
    # factor": a supervisor, auditor or admin user's session is marked as verified by their test
    # device (tests/twofactor.py). Sign in through the pages to test the second factor itself.
    from django.test import Client

    from tests.twofactor import mark_session_verified

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        mark_session_verified(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def office(db):
    office = FieldOfficeFactory(code="ELP", name="El Paso Field Office", time_zone="America/Denver")
    FacilityFactory(office=office, name="El Paso Service Processing Center")
    return office


@pytest.fixture
def officer(office):
    return make_officer(office, username="officer", first_name="Laura", last_name="Benítez")


@pytest.fixture
def witness(office):
    return make_officer(office, username="witness", first_name="Marcus", last_name="Reed")


@pytest.fixture
def supervisor(office):
    return make_supervisor(office, username="supervisor", first_name="Diane", last_name="Okafor")


@pytest.fixture
def notices(db):
    return load_project_notices()
