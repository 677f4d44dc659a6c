"""Who may call the API: a service account's bearer token, with the scope each endpoint names,
within its rate; everything else is a JSON error, never a page or a redirect to sign in."""

import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from elections.models import API_SCOPES, ApiToken
from tests.api.support import ApiClient, assert_error, service_token
from tests.factories import make_supervisor

pytestmark = pytest.mark.django_db

A_NUMBER = "A012345678"

#: (method, path, scope) of every endpoint.
ENDPOINTS = [
    ("get", "/api/v1/elections/", "records:read"),
    ("get", f"/api/v1/elections/{uuid.UUID(int=1)}", "records:read"),
    ("get", f"/api/v1/elections/{uuid.UUID(int=1)}/record.pdf", "records:read"),
    ("get", f"/api/v1/parents/{A_NUMBER}/clearance", "clearance:read"),
    ("post", "/api/v1/family-units/", "family_units:write"),
    ("post", "/api/v1/removals/", "removals:write"),
    ("get", "/api/v1/reports/removed-undocumented", "records:read"),
]


def call(api_or_client, method, path, **headers):
    if isinstance(api_or_client, ApiClient):
        return api_or_client.post(path, {}) if method == "post" else api_or_client.get(path)
    if method == "post":
        return api_or_client.post(path, {}, content_type="application/json", headers=headers)
    return api_or_client.get(path, headers=headers)


@pytest.mark.parametrize(("method", "path", "scope"), ENDPOINTS)
def test_a_request_without_a_token_is_refused_with_401(method, path, scope):
    response = call(Client(), method, path)
    assert_error(response, 401, "token_missing")
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(("method", "path", "scope"), ENDPOINTS)
def test_a_token_without_the_scope_is_refused_with_403(make_api, method, path, scope):
    api = make_api(*[s for s in API_SCOPES if s != scope])
    body = assert_error(call(api, method, path), 403, "scope_missing")
    assert scope in body["detail"]


@pytest.mark.parametrize(
    ("method", "path", "scope", "status"),
    [
        ("get", "/api/v1/elections/", "records:read", 200),
        ("get", f"/api/v1/elections/{uuid.UUID(int=1)}", "records:read", 404),
        ("get", f"/api/v1/elections/{uuid.UUID(int=1)}/record.pdf", "records:read", 404),
        ("get", f"/api/v1/parents/{A_NUMBER}/clearance", "clearance:read", 404),
        ("post", "/api/v1/family-units/", "family_units:write", 400),
        ("post", "/api/v1/removals/", "removals:write", 400),
    ],
)
def test_a_token_with_only_the_scope_gets_past_the_scope_check(
    make_api, method, path, scope, status
):
    response = call(make_api(scope), method, path)
    assert response.status_code == status, response.content


def test_an_unknown_token_is_refused_with_401(db):
    response = Client().get("/api/v1/elections/", headers={"Authorization": "Bearer fsv_nope"})
    assert_error(response, 401, "token_invalid")


def test_a_token_sent_in_another_scheme_is_refused_with_401(make_api):
    api = make_api()
    response = Client().get("/api/v1/elections/", headers={"Authorization": f"Token {api.raw}"})
    assert_error(response, 401, "token_missing")


def test_a_revoked_token_is_refused_with_401(make_api):
    api = make_api()
    assert api.get("/api/v1/elections/").status_code == 200
    ApiToken.objects.filter(pk=api.token.pk).update(revoked_at=timezone.now())
    assert_error(api.get("/api/v1/elections/"), 401, "token_revoked")


def test_a_token_of_a_deactivated_service_account_is_refused_with_401(make_api):
    api = make_api()
    api.token.user.is_active = False
    api.token.user.save()
    assert_error(api.get("/api/v1/elections/"), 401, "token_revoked")


def test_a_signed_in_staff_session_is_no_way_into_the_api(office):
    client = Client()
    client.force_login(make_supervisor(office, username="boss", is_superuser=True))
    assert_error(client.get("/api/v1/elections/"), 401, "token_missing")


def test_a_post_needs_no_csrf_token(make_api):
    # ApiClient checks CSRF like a browser; the API authenticates by token only.
    response = make_api().post("/api/v1/removals/", {"a_number": "nonsense"})
    assert response.status_code == 400


def test_the_token_records_its_last_use_at_most_once_a_minute(make_api):
    api = make_api()
    assert api.token.last_used_at is None
    api.get("/api/v1/elections/")
    first = ApiToken.objects.get(pk=api.token.pk).last_used_at
    assert first is not None
    api.get("/api/v1/elections/")
    assert ApiToken.objects.get(pk=api.token.pk).last_used_at == first
    ApiToken.objects.filter(pk=api.token.pk).update(last_used_at=first - timedelta(minutes=2))
    api.get("/api/v1/elections/")
    assert ApiToken.objects.get(pk=api.token.pk).last_used_at > first - timedelta(minutes=1)


def test_a_token_over_its_rate_is_refused_with_429_and_others_are_not(make_api, settings):
    settings.API_RATE = "3/min"
    api, other = make_api(), make_api(username="removal-system")
    for _ in range(3):
        assert api.get("/api/v1/elections/").status_code == 200
    response = api.get("/api/v1/elections/")
    assert_error(response, 429, "rate_limited")
    assert int(response["Retry-After"]) > 0
    assert other.get("/api/v1/elections/").status_code == 200


def test_a_method_an_endpoint_does_not_take_is_refused_with_a_json_405(make_api):
    assert_error(make_api().delete("/api/v1/elections/"), 405, "method_not_allowed")


@pytest.mark.parametrize(
    "path", ["/api/v1/nothing-here", "/api/v1/elections/not-an-id", "/api/v2/elections/"]
)
def test_an_address_under_the_api_that_does_not_exist_is_a_json_404(make_api, path):
    assert_error(make_api().get(path), 404, "not_found")


def test_an_address_with_or_without_the_trailing_slash_is_the_same_endpoint(make_api):
    api = make_api()
    assert api.get("/api/v1/elections").status_code == 200
    assert api.post("/api/v1/removals", {}).status_code == 400


def test_a_body_that_is_not_json_is_a_json_400(make_api):
    api = make_api()
    response = api.client.post(
        "/api/v1/removals/", "{not json", content_type="application/json", headers=api.headers
    )
    assert_error(response, 400, "parse_error")


def test_a_form_post_is_refused_with_a_json_415(make_api):
    api = make_api()
    response = api.client.post("/api/v1/removals/", {"a_number": "x"}, headers=api.headers)
    assert_error(response, 415, "unsupported_media_type")


def test_the_token_is_stored_only_as_its_sha256(db):
    token, raw = service_token("records:read")
    stored = ApiToken.objects.filter(pk=token.pk).values()[0]
    assert raw not in {str(value) for value in stored.values()}


def test_a_body_over_the_size_limit_is_a_json_413(make_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    api = make_api()
    response = api.post("/api/v1/removals/", {"a_number": "A012345678", "pad": "x" * 2000})
    assert_error(response, 413, "too_large")


def test_an_unexpected_failure_is_a_json_500_not_a_page(make_api, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr("elections.api.selectors.api_election_search", broken)
    body = assert_error(make_api().get("/api/v1/elections/"), 500, "server_error")
    assert "fire" not in body["detail"]


def test_the_openapi_document_is_open_and_names_every_endpoint(client, db):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {
        "/api/v1/elections/",
        "/api/v1/elections/{id}",
        "/api/v1/elections/{id}/record.pdf",
        "/api/v1/parents/{a_number}/clearance",
        "/api/v1/family-units/",
        "/api/v1/removals/",
        "/api/v1/reports/removed-undocumented",
    }
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    removals = document["paths"]["/api/v1/removals/"]["post"]["responses"]
    assert {"201", "400", "401", "403", "404", "409", "429"} <= set(removals)


def test_the_openapi_document_validates_without_a_warning(tmp_path, db):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yaml"))


def test_the_docs_page_needs_no_inline_script_and_no_cdn(client, db):
    page = client.get("/api/v1/docs/").content.decode()
    assert "<style" not in page
    scripts = page.count("<script")
    assert scripts == page.count('<script src="/') == 3
    settings_script = client.get("/api/v1/docs/?script=")
    assert settings_script["Content-Type"].startswith("application/javascript")
    assert b"/api/v1/schema/" in settings_script.content
