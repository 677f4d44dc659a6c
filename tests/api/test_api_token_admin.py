"""Tokens are issued by ``manage.py create_api_token`` (shown once), listed and revoked in the
admin by superusers only, never shown again, and their service accounts cannot sign in."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from elections.models import ApiToken, StaffProfile
from elections.models.gate import token_digest
from tests.api.support import assert_error, service_token
from tests.factories import FieldOfficeFactory, UserFactory, make_supervisor

pytestmark = pytest.mark.django_db

ADMIN_LIST = "/admin/elections/apitoken/"


def create_token(*args) -> str:
    out = StringIO()
    call_command("create_api_token", *args, stdout=out)
    return out.getvalue()


def bearer(raw: str) -> dict:
    return {"Authorization": f"Bearer {raw}"}


def test_the_command_creates_a_service_account_and_prints_a_working_token_once(office):
    output = create_token("case-system", "--scopes", "clearance:read,records:read", "--name", "ECM")
    raw = output.strip().splitlines()[-1]
    token = ApiToken.objects.get()
    assert token.key_sha256 == token_digest(raw)
    assert token.scopes == ["clearance:read", "records:read"]
    assert token.name == "ECM" and token.office is None
    assert "Created the service account case-system" in output
    account = get_user_model().objects.get(username="case-system")
    assert not account.has_usable_password()
    assert not account.is_staff and not account.is_superuser
    assert not StaffProfile.objects.filter(user=account).exists()
    assert Client().get("/api/v1/elections/", headers=bearer(raw)).status_code == 200
    # A second token for the same account: the account is reused, the token is new.
    again = create_token("case-system", "--scopes", "records:read")
    assert "Created" not in again and again.strip().splitlines()[-1] != raw
    assert ApiToken.objects.filter(user=account).count() == 2


def test_a_service_account_cannot_sign_in_on_the_screens(office):
    create_token("case-system", "--scopes", "records:read")
    client = Client()
    for password in ("", "x", "!"):
        response = client.post(
            "/accounts/login/", {"username": "case-system", "password": password}
        )
        assert response.status_code == 200  # the sign-in page again, with its error
        assert "_auth_user_id" not in client.session


def test_the_command_limits_the_token_to_an_office(office):
    output = create_token("elp-removals", "--scopes", "removals:write", "--office", "elp")
    assert "field office ELP" in output
    assert ApiToken.objects.get().office == office


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["svc", "--scopes", "records:write"], "Unknown scope records:write"),
        (["svc", "--scopes", ""], "at least one scope"),
        (["svc", "--scopes", "records:read", "--office", "XXX"], "no field office"),
        (["--scopes", "records:read"], "Name the service account"),
    ],
)
def test_the_command_refuses_bad_arguments(db, args, message):
    with pytest.raises(CommandError, match=message):
        create_token(*args)
    assert not ApiToken.objects.exists()
    assert not get_user_model().objects.filter(username="svc").exists()


def test_the_command_refuses_to_give_a_persons_account_a_token(office):
    make_supervisor(office, username="diane")
    with pytest.raises(CommandError, match="person's account"):
        create_token("diane", "--scopes", "records:read")


def test_the_command_revokes_a_token_by_its_first_characters(db):
    token, raw = service_token("records:read")
    output = create_token("--revoke", token.key_prefix)
    assert "Revoked" in output
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert_error(Client().get("/api/v1/elections/", headers=bearer(raw)), 401, "token_revoked")
    with pytest.raises(CommandError, match="No token"):
        create_token("--revoke", "fsv_nothing")


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def test_superusers_see_the_tokens_with_their_use_but_never_the_token(superuser):
    office = FieldOfficeFactory(code="SNA", name="San Antonio Field Office")
    token, raw = service_token("records:read", "clearance:read", office=office)
    Client().get("/api/v1/elections/", headers=bearer(raw))
    client = Client()
    client.force_login(superuser)
    page = client.get(ADMIN_LIST).content.decode()
    assert token.key_prefix in page and "case-system" in page
    assert "clearance:read, records:read" in page
    assert "SNA" in page
    assert raw not in page and token.key_sha256 not in page
    detail = client.get(f"{ADMIN_LIST}{token.pk}/change/").content.decode()
    assert raw not in detail and token.key_sha256 not in detail
    assert client.get(f"{ADMIN_LIST}add/").status_code == 403


def test_superusers_revoke_tokens_from_the_list(superuser):
    token, raw = service_token("records:read")
    client = Client()
    client.force_login(superuser)
    response = client.post(
        ADMIN_LIST,
        {"action": "revoke_selected", "_selected_action": [str(token.pk)]},
        follow=True,
    )
    assert "1 token revoked" in response.content.decode()
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert_error(Client().get("/api/v1/elections/", headers=bearer(raw)), 401, "token_revoked")


def test_supervisors_cannot_see_or_manage_tokens(office):
    service_token("records:read")
    supervisor = make_supervisor(office, username="diane")
    client = Client()
    client.force_login(supervisor)
    desk = client.get("/admin/", follow=True)  # the queue is theirs
    assert desk.status_code == 200
    assert client.get(ADMIN_LIST).status_code == 403
    assert "apitoken" not in desk.content.decode()
    assert supervisor.is_staff


def test_the_token_list_is_in_spanish_for_a_spanish_speaking_admin(superuser):
    service_token("records:read")
    client = Client()
    client.force_login(superuser)
    page = client.get(ADMIN_LIST, headers={"Accept-Language": "es"}).content.decode()
    assert "Revocar los tokens seleccionados" in page
    assert "empieza por" in page.lower()
