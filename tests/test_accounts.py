"""Accounts: a new session id at every sign-in, sign-out and deactivation ending every session of
the user, and the password rules (ASVS 5.0 level 2) on the real change-password screens."""

from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from elections.models import SignedInSession
from elections.second_factor import required_for
from tests.factories import STAFF_PASSWORD, make_officer
from tests.twofactor import second_factor_code

pytestmark = pytest.mark.django_db

SessionStore = import_module(settings.SESSION_ENGINE).SessionStore


def session_key(client) -> str | None:
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return cookie.value if cookie else None


def planted_session(client) -> str:
    """A session the browser already has before signing in (one an attacker could have planted)."""
    session = client.session
    session["planted"] = "before sign-in"
    session.save()
    return session.session_key


def signed_in_client(username: str, url_name: str = "login") -> Client:
    client = Client()
    response = client.post(reverse(url_name), {"username": username, "password": STAFF_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    pass_second_factor(client, username)
    return client


def pass_second_factor(client, username: str) -> None:
    """Staff who need a second factor type a fresh code at its step, as after any sign-in."""
    user = get_user_model().objects.get(username=username)
    if required_for(user):
        response = client.post(reverse("second_factor:verify"), {"code": second_factor_code(user)})
        assert response.status_code == 302, response.content.decode()[:500]


def is_signed_in(client, url: str = "/") -> bool:
    response = client.get(url)
    return response.status_code == 200


@pytest.fixture
def root(db):
    return get_user_model().objects.create_superuser(
        "root", "root@formsvc.example", STAFF_PASSWORD, first_name="Ada", last_name="Root"
    )


# --- a new session id at sign-in ----------------------------------------------------------------


def test_signing_in_on_the_tablet_gives_the_browser_a_new_session_id(client, officer):
    before = planted_session(client)

    response = client.post(reverse("login"), {"username": "officer", "password": STAFF_PASSWORD})

    assert response.status_code == 302
    after = session_key(client)
    assert after and after != before
    assert not SessionStore().exists(before)
    assert is_signed_in(client)


def test_signing_in_to_the_admin_gives_the_browser_a_new_session_id(client, supervisor):
    before = planted_session(client)

    response = client.post(
        reverse("admin:login"), {"username": "supervisor", "password": STAFF_PASSWORD}
    )

    assert response.status_code == 302
    after = session_key(client)
    assert after and after != before
    assert not SessionStore().exists(before)
    pass_second_factor(client, "supervisor")
    assert client.get(reverse("admin:elections_election_changelist")).status_code == 200


def test_a_planted_session_id_gives_its_planter_nothing_after_the_victim_signs_in(officer):
    attacker = Client()
    planted = planted_session(attacker)
    victim = Client()
    victim.cookies[settings.SESSION_COOKIE_NAME] = planted

    victim.post(reverse("login"), {"username": "officer", "password": STAFF_PASSWORD})

    assert is_signed_in(victim)
    assert not is_signed_in(attacker)


# --- sign-out and deactivation end every session ------------------------------------------------


def test_signing_out_on_one_tablet_signs_the_officer_out_on_the_other(officer):
    first, second = signed_in_client("officer"), signed_in_client("officer")
    assert is_signed_in(first) and is_signed_in(second)

    first.post(reverse("logout"))

    assert not is_signed_in(first)
    assert not is_signed_in(second)
    assert not SignedInSession.objects.filter(user=officer).exists()


def test_signing_out_leaves_other_users_signed_in(officer, witness):
    officer_client, witness_client = signed_in_client("officer"), signed_in_client("witness")

    officer_client.post(reverse("logout"))

    assert is_signed_in(witness_client)


def test_signing_out_of_the_admin_ends_the_supervisors_other_sessions(supervisor):
    admin_tab = signed_in_client("supervisor", "admin:login")
    other = signed_in_client("supervisor")
    queue = reverse("admin:elections_election_changelist")
    assert is_signed_in(other, queue)

    admin_tab.post(reverse("admin:logout"))

    assert not is_signed_in(other, queue)


def test_deactivating_an_account_ends_every_session_it_has(officer):
    first, second = signed_in_client("officer"), signed_in_client("officer")
    keys = [session_key(first), session_key(second)]

    officer.is_active = False
    officer.save()

    assert not is_signed_in(first)
    assert not is_signed_in(second)
    assert not any(SessionStore().exists(key) for key in keys)


def test_deactivating_an_account_in_the_admin_signs_it_out_everywhere(root, office):
    officer = make_officer(office, username="field")
    tablet, laptop = signed_in_client("field"), signed_in_client("field")
    admin_client = signed_in_client("root", "admin:login")
    change = reverse("admin:auth_user_change", args=[officer.pk])
    page = admin_client.get(change)
    assert page.status_code == 200

    response = admin_client.post(
        change,
        {
            "username": "field",
            "first_name": officer.first_name,
            "last_name": officer.last_name,
            "email": officer.email,
            # is_active left unticked: the account is deactivated.
            "date_joined_0": officer.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": officer.date_joined.strftime("%H:%M:%S"),
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    officer.refresh_from_db()
    assert officer.is_active is False
    assert not is_signed_in(tablet)
    assert not is_signed_in(laptop)
    assert is_signed_in(admin_client, reverse("admin:index"))


def test_saving_an_active_account_leaves_its_sessions_alone(officer):
    tablet = signed_in_client("officer")

    officer.first_name = "Laurita"
    officer.save()

    assert is_signed_in(tablet)


def test_a_sign_in_forgets_the_sessions_of_that_user_that_have_expired(officer):
    old = signed_in_client("officer")
    SessionStore(session_key=session_key(old)).delete()

    signed_in_client("officer")

    assert SignedInSession.objects.filter(user=officer).count() == 1


# --- password rules (ASVS 5.0 V6.2) -------------------------------------------------------------


def change_own_password(client, new: str, confirm: str | None = None):
    return client.post(
        reverse("admin:password_change"),
        {
            "old_password": STAFF_PASSWORD,
            "new_password1": new,
            "new_password2": new if confirm is None else confirm,
        },
    )


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-but-ok12", "This password is too short. It must contain at least 15 characters."),
        ("manchesterunited", "This password is too common."),
        ("Okafor-supervisor", "The password is too similar to the"),
    ],
    ids=["fourteen-characters", "common", "like-the-username"],
)
def test_the_admins_change_password_page_refuses_a_weak_password(
    client, supervisor, password, message
):
    client.force_login(supervisor)

    response = change_own_password(client, password)

    assert response.status_code == 200
    assert message in response.content.decode()
    supervisor.refresh_from_db()
    assert supervisor.check_password(STAFF_PASSWORD)


def test_the_change_password_page_explains_the_rules_in_spanish(client, supervisor):
    client.force_login(supervisor)

    response = client.post(
        reverse("admin:password_change"),
        {"old_password": STAFF_PASSWORD, "new_password1": "corta", "new_password2": "corta"},
        HTTP_ACCEPT_LANGUAGE="es",
    )

    assert "al menos 15 caracteres" in response.content.decode()


@pytest.mark.parametrize(
    "password",
    [
        # Fifteen characters of any kind: no upper case, digit or symbol required.
        "tortugas lentas",
        # Digits only: a composition rule would refuse it, ASVS does not.
        "480163927735108",
        # Unicode, and far past 64 characters.
        "Mi niña duerme en la casa de la abuela, junto al río Bravo — 🌙 " * 3,
    ],
    ids=["plain-words", "digits-only", "unicode-long"],
)
def test_the_change_password_page_accepts_any_long_uncommon_password(client, supervisor, password):
    client.force_login(supervisor)

    response = change_own_password(client, password)

    assert response.status_code == 302, response.content.decode()[:2000]
    supervisor.refresh_from_db()
    assert supervisor.check_password(password)
    assert is_signed_in(client, reverse("admin:elections_election_changelist"))


def test_a_long_password_is_checked_to_its_last_character(client, supervisor):
    password = "a long passphrase typed on the tablet " * 4
    client.force_login(supervisor)
    change_own_password(client, password)

    supervisor.refresh_from_db()
    assert supervisor.check_password(password)
    assert not supervisor.check_password(password[:-1] + "X")
    assert not supervisor.check_password(password[:72])


def test_a_superuser_setting_someones_password_meets_the_same_rules(client, root, officer):
    client.force_login(root)
    url = reverse("admin:auth_user_password_change", args=[officer.pk])

    refused = client.post(url, {"password1": "tablet1", "password2": "tablet1"})
    accepted = client.post(
        url, {"password1": "a fresh start for Laura", "password2": "a fresh start for Laura"}
    )

    assert refused.status_code == 200
    assert "at least 15 characters" in refused.content.decode()
    assert accepted.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("a fresh start for Laura")


def test_the_management_commands_password_check_uses_the_same_rules(officer):
    # createsuperuser and changepassword call validate_password with the user.
    for weak in ("formsvc-demo", "qwerty123456789", f"{officer.email}!"):
        with pytest.raises(ValidationError):
            validate_password(weak, user=officer)
    validate_password("tortugas lentas en el río", user=officer)
