"""Who may use the auditor's workspace, and what auditors may not reach (DESIGN.md §5)."""

import pytest
from django.urls import URLPattern, get_resolver, reverse

from elections.constants import Role
from elections.models import AccessLog, Election
from tests.audit_helpers import el_paso, make_audit_user
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

#: Pages of the elections app open to everyone signed in, auditors included: the verification
#: of a sealed PDF and the page a record's QR code leads to. Everything else there is the
#: officer's flow.
SHARED_ELECTIONS_PAGES = {"verify", "verify_record"}


@pytest.fixture
def auditor(db):
    return make_audit_user()


@pytest.fixture
def elp(notices):
    return el_paso()


def elections_url_names() -> list[str]:
    names = []
    for pattern in get_resolver("elections.urls").url_patterns:
        if isinstance(pattern, URLPattern) and pattern.name:
            names.append(pattern.name)
    return names


def _url(name: str, election: Election) -> str:
    pattern = next(
        p for p in get_resolver("elections.urls").url_patterns if getattr(p, "name", "") == name
    )
    kwargs = {}
    for key in pattern.pattern.converters:
        kwargs[key] = election.pk if key == "pk" else 1
    return reverse(f"elections:{name}", kwargs=kwargs)


def test_an_auditor_landing_on_home_is_taken_to_the_workspace(client, auditor):
    client.force_login(auditor)
    response = client.get(reverse("elections:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("audit:search")


def test_every_officer_url_refuses_an_auditor(client, auditor, elp, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    election = elp.approved()  # sealed: the PDF download is there to be refused
    names = [n for n in elections_url_names() if n not in {"home", *SHARED_ELECTIONS_PAGES}]
    assert {"start", "parent", "review", "submit", "summary", "record_pdf"} <= set(names)
    client.force_login(auditor)
    for name in names:
        url = _url(name, election)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            # 405: the page does not take that method at all; the other one must refuse.
            assert response.status_code in (403, 404, 405), (method, url, response.status_code)
    assert Election.objects.get(pk=election.pk).status == election.status


def test_starting_an_election_refuses_an_auditor(client, auditor, elp):
    client.force_login(auditor)
    response = client.post(
        reverse("elections:start"),
        {
            "a_number": "A123456789",
            "full_name": "Someone",
            "date_of_birth": "1990-01-01",
            "country_of_citizenship": "GT",
            "primary_language": "es",
        },
    )
    assert response.status_code in (302, 403, 404)
    assert not Election.objects.exists()


@pytest.mark.parametrize(
    "url", ["/admin/", "/admin/elections/election/", "/admin/elections/election/add/"]
)
def test_the_admin_refuses_an_auditor(client, auditor, url):
    client.force_login(auditor)
    response = client.get(url)
    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("admin:login"))
        login = client.get(response["Location"])
        assert "not authorized" in login.content.decode()


def test_the_admin_refuses_an_auditor_even_if_marked_staff(client, auditor, elp):
    auditor.is_staff = True
    auditor.save()
    election = elp.election(stage="submitted")
    client.force_login(auditor)
    change = reverse("admin:elections_election_change", args=[election.pk])
    for response in (client.get("/admin/"), client.get(change), client.post(change, {})):
        assert response.status_code in (302, 403, 404)
    assert Election.objects.get(pk=election.pk).status == election.status


AUDIT_GET_PAGES = [
    "audit:search",
    "audit:search_csv",
    "audit:exports",
    "audit:verify",
    "audit:dashboard",
    "audit:access_log",
    "audit:access_log_csv",
]


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SUPERVISOR])
def test_officers_and_supervisors_are_refused_every_auditor_page(client, elp, role):
    user = elp.officer if role == Role.OFFICER else elp.supervisor
    election = elp.approved()
    client.force_login(user)
    for name in AUDIT_GET_PAGES:
        assert client.get(reverse(name)).status_code == 403, name
    for name in ("audit:record", "audit:record_pdf"):
        assert client.get(reverse(name, args=[election.pk])).status_code == 403, name
    assert client.post(reverse("audit:export_zip"), {"query": ""}).status_code == 403
    assert client.post(reverse("audit:verify"), {}).status_code == 403
    assert not AccessLog.objects.exists()


def test_a_user_without_a_staff_profile_is_refused(client):
    client.force_login(UserFactory(username="nobody"))
    assert client.get(reverse("audit:search")).status_code == 403


def test_an_inactive_auditor_cannot_reach_the_workspace(client, auditor):
    client.force_login(auditor)
    auditor.is_active = False
    auditor.save()
    response = client.get(reverse("audit:search"))
    assert response.status_code in (302, 403)


def test_the_workspace_requires_signing_in(client):
    for name in AUDIT_GET_PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert "login" in response["Location"]


def test_every_auditor_url_is_behind_the_auditor_check():
    from elections.audit import urls as urls_audit

    for pattern in urls_audit.urlpatterns:
        assert getattr(pattern.callback, "auditor_only", False), pattern.name
