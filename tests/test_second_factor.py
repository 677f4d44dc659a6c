"""The second factor of supervisors, auditors and admin users, through the real pages: the
password alone opens nothing of the queue, the audit workspace or the admin; a code from the
authenticator app or a recovery code does, once; the first sign-in enrols; an approval asks again.
(``client.login`` and the sign-in page here, never ``force_login``, which tests/conftest.py makes
mean "second factor confirmed".)"""

import io
import re
import time

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from elections import second_factor, workflow
from elections.constants import Status
from elections.management.commands.seed_demo import DEFAULT_PASSWORD, DEFAULT_TOTP_SECRET
from tests.factories import STAFF_PASSWORD, fresh, make_auditor
from tests.supervision import submitted, warning_codes
from tests.twofactor import totp_code, totp_device

QUEUE = "/admin/elections/election/"
VERIFY = "/accounts/second-factor/"
ENROL = "/accounts/second-factor/enrol/"


def sign_in(client, user, password=STAFF_PASSWORD):
    response = client.post(
        reverse("login"), {"username": user.get_username(), "password": password}
    )
    assert response.status_code == 302, "the password was refused"
    return response


def confirm(client, code, *, next_path=""):
    return client.post(VERIFY, {"code": code, "next": next_path})


@pytest.fixture
def auditor(db):
    return make_auditor(username="auditor")


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", password=STAFF_PASSWORD)


def test_a_supervisor_with_only_a_password_cannot_open_the_queue(client, supervisor):
    totp_device(supervisor)
    sign_in(client, supervisor)
    for path in (QUEUE, "/admin/", "/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(VERIFY + "?next=")


def test_a_password_alone_neither_shows_nor_replaces_the_recovery_codes(client, supervisor):
    totp_device(supervisor)
    codes = second_factor.new_recovery_codes(supervisor)
    sign_in(client, supervisor)
    page = reverse("second_factor:recovery_codes")
    for response in (client.get(page), client.post(page)):
        assert response.status_code == 302
        assert response["Location"] == VERIFY
    assert second_factor.recovery_codes_left(supervisor) == len(codes)
    assert confirm(client, codes[0]).status_code == 302  # the codes kept work
    assert client.get(QUEUE).status_code == 200


def test_staff_without_a_device_are_taken_to_enrol_and_open_nothing_else(
    client, supervisor, auditor, superuser
):
    for user, path in ((supervisor, QUEUE), (auditor, "/audit/"), (superuser, "/admin/")):
        client.logout()
        sign_in(client, user)
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(ENROL + "?next=")


def test_a_post_with_only_a_password_approves_nothing(
    client, supervisor, officer, witness, notices
):
    totp_device(supervisor)
    election = submitted(officer=officer, witness=witness)
    sign_in(client, supervisor)
    response = client.post(
        reverse("admin:elections_election_approve", args=[election.pk]),
        {
            "password": STAFF_PASSWORD,
            "second_factor_code": totp_code(),
            "attestation": "on",
            "acknowledge": warning_codes(election),
            "token": workflow.review_token(election),
        },
    )
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    assert fresh(election).status == Status.SUBMITTED


def test_an_officer_on_a_tablet_signs_in_with_the_password_only(client, officer):
    sign_in(client, officer)
    assert client.get("/").status_code == 200


def test_a_supervisor_with_a_code_from_the_authenticator_app_opens_the_queue(client, supervisor):
    totp_device(supervisor)
    sign_in(client, supervisor)
    response = confirm(client, totp_code(), next_path=QUEUE)
    assert response.status_code == 302
    assert response["Location"] == QUEUE
    assert client.get(QUEUE).status_code == 200


def test_an_auditor_with_a_code_opens_the_audit_workspace(client, auditor):
    totp_device(auditor)
    sign_in(client, auditor)
    confirm(client, totp_code())
    assert client.get(reverse("audit:search")).status_code == 200


def test_a_wrong_code_is_refused_and_said_so(client, supervisor):
    totp_device(supervisor)
    sign_in(client, supervisor)
    wrong = f"{(int(totp_code()) + 1) % 1_000_000:06d}"
    response = confirm(client, wrong)
    assert response.status_code == 200
    assert "That code is not correct, or it was already used." in response.content.decode()
    assert client.get(QUEUE).status_code == 302


def test_a_code_used_once_is_refused_the_second_time(client, supervisor):
    totp_device(supervisor)
    code = totp_code()
    sign_in(client, supervisor)
    assert confirm(client, code).status_code == 302
    assert client.get(QUEUE).status_code == 200

    other = Client()
    sign_in(other, supervisor)
    response = confirm(other, code)
    assert response.status_code == 200
    assert other.get(QUEUE).status_code == 302


def test_a_recovery_code_works_once(client, supervisor):
    totp_device(supervisor)
    codes = second_factor.new_recovery_codes(supervisor)
    sign_in(client, supervisor)
    response = client.post(VERIFY, {"code": codes[0].upper()}, follow=True)
    assert client.get(QUEUE).status_code == 200
    assert "You used a recovery code: 9 are left." in response.content.decode()

    other = Client()
    sign_in(other, supervisor)
    assert confirm(other, codes[0]).status_code == 200
    assert other.get(QUEUE).status_code == 302


def test_the_first_sign_in_enrols_an_app_and_shows_the_recovery_codes_once(client, supervisor):
    sign_in(client, supervisor)
    page = client.get(ENROL)
    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html
    secret = re.search(r"<code data-totp-secret>([A-Z2-7 ]+)</code>", html).group(1)
    assert (
        client.post(
            ENROL, {"code": "000000" if totp_code(secret) != "000000" else "111111"}
        ).status_code
        == 200
    )
    assert not second_factor.has_device(supervisor)

    response = client.post(ENROL, {"code": totp_code(secret)})
    assert response["Location"] == reverse("second_factor:recovery_codes")
    shown = client.get(response["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", shown)
    assert len(codes) == second_factor.RECOVERY_CODE_COUNT
    assert client.get(QUEUE).status_code == 200
    # Shown once: the page does not show them again.
    again = client.get(reverse("second_factor:recovery_codes")).content.decode()
    assert not set(codes) & set(re.findall(r"[a-z2-7]{8}", again))

    other = Client()
    sign_in(other, supervisor)
    assert confirm(other, codes[3]).status_code == 302
    assert other.get(QUEUE).status_code == 200


def test_a_password_alone_never_enrols_a_device_for_an_account_that_has_one(client, supervisor):
    totp_device(supervisor)
    sign_in(client, supervisor)
    response = client.get(ENROL)
    assert response["Location"].startswith(VERIFY)
    refused = client.post(
        reverse("second_factor:passkey_register_begin"), content_type="application/json"
    )
    assert refused.status_code == 403
    assert client.post(ENROL, {"code": "123456"})["Location"].startswith(VERIFY)


def approve_post(client, election, **extra):
    return client.post(
        reverse("admin:elections_election_approve", args=[election.pk]),
        {
            "password": STAFF_PASSWORD,
            "attestation": "on",
            "acknowledge": warning_codes(election),
            "token": workflow.review_token(election),
            **extra,
        },
    )


def test_an_approval_without_a_fresh_second_factor_is_refused(
    client, settings, supervisor, officer, witness, notices
):
    # A refused code makes django-otp wait a moment before the next try (its own tests cover
    # that); here the next code is typed at once.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    totp_device(supervisor)
    first = submitted(officer=officer, witness=witness)
    sign_in(client, supervisor)
    sign_in_code = totp_code()
    confirm(client, sign_in_code)

    # No code: not approved, and the page says what is missing.
    response = approve_post(client, first)
    assert response.status_code == 200
    assert "Confirm the approval with your second factor" in response.content.decode()
    assert fresh(first).status == Status.SUBMITTED
    # The code the sign-in used: already used, refused.
    response = approve_post(client, first, second_factor_code=sign_in_code)
    assert response.status_code == 200
    assert "The second factor was not confirmed" in response.content.decode()
    assert fresh(first).status == Status.SUBMITTED
    # A wrong password with the next code: refused, and the code is not used up.
    next_code = totp_code(steps_ahead=1)
    response = approve_post(client, first, password="wrong", second_factor_code=next_code)
    assert fresh(first).status == Status.SUBMITTED
    # The password and a fresh code: approved.
    response = approve_post(client, first, second_factor_code=next_code)
    assert response.status_code == 302
    assert response["Location"] == QUEUE
    assert fresh(first).status == Status.APPROVED

    # The same code again for another election: refused.
    second = submitted(officer=officer, witness=witness)
    response = approve_post(client, second, second_factor_code=next_code)
    assert response.status_code == 200
    assert fresh(second).status == Status.SUBMITTED


def test_a_passkey_confirmation_counts_for_one_approval_only(
    client, supervisor, officer, witness, notices
):
    totp_device(supervisor)
    sign_in(client, supervisor)
    confirm(client, totp_code())
    first, second = (submitted(officer=officer, witness=witness) for _ in range(2))
    # What PasskeyAuthComplete records once the assertion is verified for an approval.
    session = client.session
    session[second_factor.APPROVAL_PASSKEY_SESSION_KEY] = time.time()
    session.save()
    assert approve_post(client, first, second_factor_passkey="1").status_code == 302
    assert fresh(first).status == Status.APPROVED
    response = approve_post(client, second, second_factor_passkey="1")
    assert response.status_code == 200
    assert fresh(second).status == Status.SUBMITTED


def test_seed_demo_prints_the_demo_second_factor_and_it_signs_the_supervisor_in(
    db, client, settings, tmp_path
):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    out = io.StringIO()
    call_command("seed_demo", parents=0, stdout=out)
    assert f"oathtool --totp -b {DEFAULT_TOTP_SECRET}" in out.getvalue()
    response = client.post(
        reverse("login"), {"username": "supervisor", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert confirm(client, totp_code(DEFAULT_TOTP_SECRET)).status_code == 302
    assert client.get(QUEUE).status_code == 200
