"""Helpers of the API tests: a service account's token, and a client that sends it."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.test import Client

from elections.models import API_SCOPES, ApiToken


def service_account(username: str = "case-system"):
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is None:
        user = user_model(username=username)
        user.set_unusable_password()
        user.save()
    return user


def service_token(*scopes, office=None, username: str = "case-system"):
    return ApiToken.issue(
        user=service_account(username), scopes=list(scopes or API_SCOPES), office=office
    )


@dataclass
class ApiClient:
    """A client that sends ``Authorization: Bearer <raw>``, and checks the CSRF token like a
    browser's (the API must not need one)."""

    token: ApiToken
    raw: str

    def __post_init__(self):
        self.client = Client(enforce_csrf_checks=True)

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.raw}"}

    def get(self, path, data=None, **extra):
        return self.client.get(path, data, headers=self.headers, **extra)

    def post(self, path, body, **extra):
        return self.client.post(
            path, body, content_type="application/json", headers=self.headers, **extra
        )

    def delete(self, path):
        return self.client.delete(path, headers=self.headers)


def assert_error(response, status: int, code: str) -> dict:
    """The answer is the documented JSON error."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["error"] == code, body
    assert isinstance(body["detail"], str) and body["detail"]
    return body
