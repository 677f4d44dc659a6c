"""The parent's copy on the officer's side: the home lists the elections approved lately, each
with its sealed PDF to print; only the record's own office gets it, and every request for it is
written to the access log, as the auditor's download is."""

from datetime import timedelta

import pytest
from django.urls import reverse

from elections import selectors
from elections.constants import Role
from elections.models import AccessLog, SealedRecord
from elections.models.audit import AccessAction
from elections.records import sealing
from tests.factories import ElectionFactory, make_officer, make_supervisor
from tests.records_support import approve, two_child_election

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def approved(office, officer, witness, supervisor, notices):
    return approve(two_child_election(office, officer, witness), supervisor)


def pdf_url(election) -> str:
    return reverse("elections:record_pdf", args=[election.pk])


def test_the_officers_home_lists_the_approved_election_with_the_parents_copy_to_print(
    client, officer, approved
):
    client.force_login(officer)
    body = client.get(reverse("elections:home")).content.decode()
    assert "Approved in the last 14 days" in body
    section = body[body.index('id="approved-heading"') :]
    assert approved.reference in section
    assert approved.parent.full_name in section
    assert f'href="{pdf_url(approved)}"' in section
    assert "Print the parent&#x27;s copy" in section or "Print the parent's copy" in section


def test_the_list_is_newest_first_and_bounded(
    client, office, officer, witness, supervisor, notices, monkeypatch
):
    older = approve(two_child_election(office, officer, witness), supervisor)
    newer = approve(two_child_election(office, officer, witness), supervisor)
    assert [e["id"] for e in selectors.officer_home_elections(user=officer)["approved"]] == [
        newer.pk,
        older.pk,
    ]
    monkeypatch.setattr(selectors, "RECENTLY_APPROVED_MAX", 1)
    assert [e["id"] for e in selectors.officer_home_elections(user=officer)["approved"]] == [
        newer.pk
    ]


def test_an_election_approved_more_than_14_days_ago_is_no_longer_listed(
    officer, approved, monkeypatch
):
    assert [e["id"] for e in selectors.officer_home_elections(user=officer)["approved"]] == [
        approved.pk
    ]
    later = approved.approved_at + timedelta(days=14, minutes=1)
    monkeypatch.setattr(selectors.timezone, "now", lambda: later)
    assert selectors.officer_home_elections(user=officer)["approved"] == []


def test_another_offices_officer_does_not_see_it_on_their_home(client, approved):
    client.force_login(make_officer(username="elsewhere"))
    body = client.get(reverse("elections:home")).content.decode()
    assert approved.reference not in body
    assert pdf_url(approved) not in body


def test_the_parents_copy_is_the_sealed_bytes_and_the_download_is_in_the_access_log(
    client, officer, approved
):
    record = SealedRecord.objects.get(election=approved)
    client.force_login(officer)
    response = client.get(pdf_url(approved))
    assert response.status_code == 200
    served = b"".join(response.streaming_content)
    assert served == sealing.sealed_pdf_bytes(record)
    entry = AccessLog.objects.get()
    assert entry.action == AccessAction.PDF
    assert entry.election_id == approved.pk
    assert (entry.username, entry.role) == (officer.get_username(), Role.OFFICER)
    assert entry.status_code == 200
    assert entry.path == pdf_url(approved)
    assert entry.detail["sha256"] == record.pdf_sha256
    assert entry.detail["size"] == len(served)


@pytest.mark.parametrize("who", ["officer", "supervisor"])
def test_staff_of_another_office_get_404_and_the_attempt_is_in_the_access_log(
    client, approved, who
):
    other = (make_officer if who == "officer" else make_supervisor)(username="elsewhere")
    client.force_login(other)
    response = client.get(pdf_url(approved))
    assert response.status_code == 404
    assert b"%PDF" not in response.content
    entry = AccessLog.objects.get()
    assert entry.action == AccessAction.PDF
    assert entry.username == "elsewhere"
    assert entry.status_code == 404
    # The record of another office does not exist for them: nothing ties the entry to it
    # but the address asked for.
    assert entry.election is None
    assert entry.path == pdf_url(approved)


def test_an_election_not_approved_has_no_copy_and_the_request_is_logged(
    client, office, officer, witness, notices
):
    election = ElectionFactory(
        stage="submitted", office=office, presented_by=officer, witness=witness
    )
    client.force_login(officer)
    assert client.get(pdf_url(election)).status_code == 404
    entry = AccessLog.objects.get()
    assert (entry.election_id, entry.status_code) == (election.pk, 404)


def test_a_submitted_election_is_not_listed_as_approved(client, office, officer, witness, notices):
    election = ElectionFactory(
        stage="submitted", office=office, presented_by=officer, witness=witness
    )
    assert selectors.officer_home_elections(user=officer)["approved"] == []
    assert [e["id"] for e in selectors.officer_home_elections(user=officer)["submitted"]] == [
        election.pk
    ]
